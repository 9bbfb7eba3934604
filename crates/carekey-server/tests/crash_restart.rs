//! `carekey-server` killed with SIGKILL at random points under load, and
//! started again, loses nothing, on both databases.
//!
//! Clients register by email (a real SMTP server) and by SMS (a server
//! speaking Twilio's API), complete with the code they receive (each
//! registration is told to the omnichannel system by a Standard Webhooks
//! delivery, and a third of them are patients, each linked to a FHIR Patient:
//! integration jobs of the queue), and store a key backup, while the server
//! is killed and restarted under them. A call
//! that got no answer has an unknown outcome; a call that answered is a
//! promise, and after the last restart every promise is checked:
//! - every accepted start's code reached its person (the queue resumed,
//!   leases of the killed process ran out and were taken again); a message
//!   may go out twice only if the kill fell between the provider's accept
//!   and the queue's record of it, and then it is the same message (the same
//!   code, and for email the same Message-ID, which mail systems collapse);
//! - every registration that answered 200 reached the webhook receiver, and
//!   a delivery made twice carries the same `webhook-id` (Standard Webhooks'
//!   idempotency key, which receivers deduplicate on);
//! - every patient has exactly one FHIR Patient with her id, however often
//!   her job ran;
//! - every login that answered 200 still has its session;
//! - every backup that answered 200 is there, whole; one whose answer was
//!   lost is either absent or whole, never half-written;
//! - SQLite's `PRAGMA integrity_check` says ok.
//!
//! On PostgreSQL a second instance serves half the clients on the same
//! database and is never killed: it keeps answering, and takes over the
//! messages the killed one had leased.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use common::fhir::{FHIR_TOKEN, Fhir};
use common::process::ServerProcess;
use common::twilio::{self, FakeTwilio, start_twilio};
use common::{Backend, Device, SupportServer, code_in, new_postgres_database};
use rand::{RngExt, SeedableRng};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const CLIENTS: usize = 6;
const KILLS: usize = 6;
/// How long a leased message of a killed process waits before another
/// worker takes it: well above a job's longest live run (a FHIR link makes
/// up to three calls of the 3 s provider timeout), so a job still running is
/// never taken twice, even on a busy machine.
const LEASE_SECONDS: u64 = 12;
const WEBHOOK_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What one client was promised, or could not tell.
#[derive(Default)]
struct Promises {
    /// Addresses whose start answered 200: their code must arrive.
    started: HashSet<String>,
    /// Addresses whose start got no answer.
    unknown_starts: HashSet<String>,
    /// (access token, user id) of registrations that answered 200.
    sessions: Vec<(String, String)>,
    /// User ids of patients whose registration answered 200: each must get
    /// exactly one FHIR Patient.
    patients: Vec<String>,
    /// (access token, envelope) of backups that answered 200.
    backups: Vec<(String, Vec<u8>)>,
    /// Backups whose answer was lost.
    unknown_backups: Vec<(String, Vec<u8>)>,
    /// Answers no client should ever get (a 5xx other than from a dying
    /// process, a 4xx to a valid call).
    wrong: Vec<String>,
}

/// The queue's rows, for a failure's message.
async fn queue_rows(database_url: &str) -> Vec<(String, String, i64, i64, i64, Option<String>)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(database_url).await.unwrap();
    let rows = sqlx::query_as(
        "SELECT transport, status, CAST(attempts AS BIGINT), run_at, locked_until, last_error FROM message_jobs",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows
}

/// A number no other person of this run was given: two people drawing the
/// same random number took each other's codes (one of them then answered
/// invalid_code, which looked like a lost code; seen once in CI).
fn unique_phone() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        // The Twilio-format server refuses numbers ending in 0000.
        if !n.is_multiple_of(10_000) {
            return format!("+32470{n:06}");
        }
    }
}

/// What one start, complete and backup came to. The code is looked for in
/// the providers for longer than any lease and restart take.
#[allow(clippy::too_many_arguments)]
async fn one_person(
    http: &reqwest::Client,
    base: &str,
    smtp: &SupportServer,
    twilio: &FakeTwilio,
    address: String,
    patient_of: Option<&str>,
    envelope: Vec<u8>,
    promises: &Mutex<Promises>,
) {
    let device = Device::new();
    let field = if address.starts_with('+') {
        "phone"
    } else {
        "email"
    };
    let started = http
        .post(format!("{base}/v1/auth/start"))
        .json(&match patient_of {
            Some(clinician) => json!({field: address, "firstName": "Crash", "lastName": "Test",
                    "role": "patient", "responsibleClinicianId": clinician,
                    "deviceChallenge": device.challenge()}),
            None => json!({field: address, "firstName": "Crash", "lastName": "Test",
                    "role": "clinician", "deviceChallenge": device.challenge()}),
        })
        .send()
        .await;
    let request_id = match answer_of(started).await {
        Some((200, body)) => {
            promises.lock().unwrap().started.insert(address.clone());
            body["requestId"].as_str().unwrap().to_owned()
        }
        Some((status, body)) => {
            promises
                .lock()
                .unwrap()
                .wrong
                .push(format!("start {status} {body}"));
            return;
        }
        None => {
            promises.lock().unwrap().unknown_starts.insert(address);
            // A person whose app got no answer tries again a little later.
            tokio::time::sleep(Duration::from_millis(200)).await;
            return;
        }
    };
    let Some(code) = code_for(smtp, twilio, &address, Duration::from_secs(90)).await else {
        // Reported by the final check on `started`.
        return;
    };
    let completed = http
        .post(format!("{base}/v1/auth/complete"))
        .json(&json!({"requestId": request_id, "code": code, "deviceVerifier": device.verifier}))
        .send()
        .await;
    let token = match answer_of(completed).await {
        Some((200, body)) => {
            let token = body["accessToken"].as_str().unwrap().to_owned();
            let user = body["userId"].as_str().unwrap().to_owned();
            let mut promises = promises.lock().unwrap();
            if patient_of.is_some() {
                promises.patients.push(user.clone());
            }
            promises.sessions.push((token.clone(), user));
            token
        }
        Some((status, body)) => {
            promises
                .lock()
                .unwrap()
                .wrong
                .push(format!("complete {status} {body}"));
            return;
        }
        None => return,
    };
    let stored = http
        .put(format!("{base}/v1/me/backups/password"))
        .bearer_auth(&token)
        .json(&json!({"envelope": base64::engine::general_purpose::STANDARD.encode(&envelope)}))
        .send()
        .await;
    match answer_of(stored).await {
        Some((200, _)) => promises.lock().unwrap().backups.push((token, envelope)),
        Some((status, body)) => {
            promises
                .lock()
                .unwrap()
                .wrong
                .push(format!("backup {status} {body}"));
        }
        None => promises
            .lock()
            .unwrap()
            .unknown_backups
            .push((token, envelope)),
    }
}

/// The status and body, or None when the process died under the call (no
/// answer, or the 503 of a server that is stopping).
async fn answer_of(sent: Result<reqwest::Response, reqwest::Error>) -> Option<(u16, Value)> {
    let response = sent.ok()?;
    let status = response.status().as_u16();
    let body = response.json::<Value>().await.ok()?;
    if status == 503 {
        return None;
    }
    Some((status, body))
}

fn emails_to(smtp: &SupportServer, address: &str) -> Vec<Value> {
    smtp.messages()
        .into_iter()
        .filter(|message| {
            message["to"]
                .as_array()
                .is_some_and(|to| to.iter().any(|t| t == address))
        })
        .collect()
}

fn header<'a>(data: &'a str, name: &str) -> Option<&'a str> {
    data.lines()
        .find(|line| {
            line.to_ascii_lowercase()
                .starts_with(&format!("{}:", name.to_ascii_lowercase()))
        })
        .map(|line| line[name.len() + 1..].trim())
}

fn codes_received(smtp: &SupportServer, twilio: &FakeTwilio, address: &str) -> Vec<String> {
    if address.starts_with('+') {
        twilio
            .bodies_to(address)
            .iter()
            .map(|body| code_in(&json!({ "body": body })))
            .collect()
    } else {
        emails_to(smtp, address)
            .iter()
            .map(|message| {
                let data = message["data"].as_str().unwrap_or_default();
                code_in(&json!({ "body": data.replace("=\r\n", "").replace("=\n", "") }))
            })
            .collect()
    }
}

async fn code_for(
    smtp: &SupportServer,
    twilio: &FakeTwilio,
    address: &str,
    patience: Duration,
) -> Option<String> {
    let end = tokio::time::Instant::now() + patience;
    while tokio::time::Instant::now() < end {
        if let Some(code) = codes_received(smtp, twilio, address).into_iter().next() {
            return Some(code);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

async fn killed_at_random_points_under_load_nothing_is_lost(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database_url = match backend {
        Backend::Sqlite => format!("sqlite://{}", dir.path().join("carekey.db").display()),
        Backend::Postgres => new_postgres_database().await,
    };
    let smtp = SupportServer::smtp_sink(0).await;
    let hooks = SupportServer::webhook_sink(WEBHOOK_SECRET).await;
    let hooks_url = format!("{}/hooks/contacts", hooks.url());
    let fhir = Fhir::start().await;
    let fhir_url = fhir.server.url();
    let (twilio, twilio_url) = start_twilio().await;
    let env = [
        ("CAREKEY_DATABASE_URL", database_url.as_str()),
        ("CAREKEY_CHANNEL", "smtp,twilio"),
        ("CAREKEY_SMTP_HOST", "127.0.0.1"),
        ("CAREKEY_SMTP_PORT", &smtp.port.to_string()),
        ("CAREKEY_SMTP_TLS", "none"),
        ("CAREKEY_SMTP_FROM", "CareKey <login@carekey.test>"),
        ("CAREKEY_TWILIO_BASE_URL", &twilio_url),
        ("CAREKEY_TWILIO_ACCOUNT_SID", twilio::ACCOUNT),
        ("CAREKEY_TWILIO_AUTH_TOKEN", twilio::TOKEN),
        ("CAREKEY_TWILIO_FROM", "+15005550006"),
        ("CAREKEY_OMNICHANNEL_WEBHOOK_URL", &hooks_url),
        ("CAREKEY_OMNICHANNEL_WEBHOOK_SECRET", WEBHOOK_SECRET),
        ("CAREKEY_FHIR_BASE_URL", &fhir_url),
        ("CAREKEY_FHIR_BEARER_TOKEN", FHIR_TOKEN),
        ("CAREKEY_PUBLIC_URL", "https://auth.carekey.test"),
        ("CAREKEY_ALLOWED_HOSTS", "*"),
        ("CAREKEY_SEND_LIMIT_PER_IP", "1000000"),
        ("CAREKEY_SEND_LIMIT_PER_PHONE_PREFIX", "1000000"),
        ("CAREKEY_QUEUE_LEASE_SECONDS", &LEASE_SECONDS.to_string()),
        ("CAREKEY_QUEUE_POLL_INTERVAL_MS", "200"),
        ("CAREKEY_QUEUE_RETRY_BASE_MS", "200"),
        ("CAREKEY_QUEUE_RETRY_MAX_MS", "1000"),
        ("CAREKEY_PROVIDER_TIMEOUT_SECONDS", "3"),
        ("CAREKEY_LOG_LEVEL", "warn"),
    ];
    let mut server = ServerProcess::new(&env);
    server.launch().await;
    let mut survivor = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            let mut other = server.sibling();
            other.launch().await;
            Some(other)
        }
    };
    let bases: Vec<String> = std::iter::once(server.url())
        .chain(survivor.as_ref().map(ServerProcess::url))
        .collect();
    let base = server.url();

    let seed: u64 = std::env::var("CAREKEY_CRASH_SEED")
        .ok()
        .and_then(|seed| seed.parse().ok())
        .unwrap_or_else(rand::random);
    println!("seed {seed} (CAREKEY_CRASH_SEED={seed} replays the kill times)");
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);

    let promises = Arc::new(Mutex::new(Promises::default()));
    let stop = Arc::new(AtomicBool::new(false));
    // The clinician the patients name, registered before the first kill.
    one_person(
        &reqwest::Client::new(),
        &base,
        &smtp,
        &twilio,
        format!(
            "crash-clinician-{}@example.com",
            uuid::Uuid::new_v4().simple()
        ),
        None,
        vec![1; 64],
        &promises,
    )
    .await;
    let clinician = promises.lock().unwrap().sessions[0].1.clone();
    let smtp = Arc::new(smtp);
    let mut clients = Vec::new();
    for client in 0..CLIENTS {
        let clinician = clinician.clone();
        let (base, smtp, twilio, promises, stop) = (
            bases[client % bases.len()].clone(),
            smtp.clone(),
            twilio.clone(),
            promises.clone(),
            stop.clone(),
        );
        let mut client_rng = rand::rngs::StdRng::seed_from_u64(seed ^ (client as u64 + 1));
        clients.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            let mut turn = 0u32;
            while !stop.load(Ordering::SeqCst) {
                turn += 1;
                let address = if (turn + client as u32).is_multiple_of(2) {
                    format!("crash-{}@example.com", uuid::Uuid::new_v4().simple())
                } else {
                    unique_phone()
                };
                let mut envelope = vec![0u8; client_rng.random_range(512..8 * 1024)];
                client_rng.fill(&mut envelope[..]);
                let patient_of = turn.is_multiple_of(3).then_some(clinician.as_str());
                one_person(
                    &http, &base, &smtp, &twilio, address, patient_of, envelope, &promises,
                )
                .await;
            }
        }));
    }

    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(rng.random_range(300..2500))).await;
        server.kill().await;
        server.launch().await;
    }
    // Enough load to mean something, however busy the machine is.
    let loaded = tokio::time::Instant::now();
    while promises.lock().unwrap().started.len() < 30 && loaded.elapsed() < Duration::from_secs(180)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for client in clients {
        client.await.unwrap();
    }

    let promises = std::mem::take(&mut *promises.lock().unwrap());
    assert!(
        promises.wrong.is_empty(),
        "wrong answers: {:?}",
        promises.wrong
    );
    assert!(
        promises.started.len() >= 20 && promises.backups.len() >= 5,
        "too little load to mean anything: {} starts, {} backups",
        promises.started.len(),
        promises.backups.len()
    );

    // Every accepted start's code arrives, if need be after the leases of
    // the killed processes ran out.
    let mut duplicates = 0;
    for address in &promises.started {
        let code = code_for(&smtp, &twilio, address, Duration::from_secs(60)).await;
        assert!(
            code.is_some(),
            "{address} never got the code its start promised"
        );
        let codes = codes_received(&smtp, &twilio, address);
        assert!(
            codes.iter().all(|c| Some(c) == code.as_ref()),
            "{address} got different codes for one start: {codes:?}"
        );
        if !address.starts_with('+') {
            let ids: HashSet<String> = emails_to(&smtp, address)
                .iter()
                .filter_map(|m| header(m["data"].as_str()?, "Message-ID").map(str::to_owned))
                .collect();
            assert_eq!(
                ids.len(),
                1,
                "{address}: one message, one Message-ID: {ids:?}"
            );
        }
        duplicates += codes.len() - 1;
    }
    for address in &promises.unknown_starts {
        assert!(codes_received(&smtp, &twilio, address).len() <= 2);
    }
    // A duplicate needs a kill between a provider's accept and the queue's
    // record of it: a handful of messages per kill at most.
    assert!(
        duplicates <= KILLS * 4,
        "{duplicates} messages went out twice over {KILLS} kills"
    );

    // Every registration told to the omnichannel system; twice only with
    // the same webhook-id.
    let mut webhook_duplicates = 0;
    for (_, user) in &promises.sessions {
        let mut ids = HashSet::new();
        let mut deliveries = 0;
        let end = tokio::time::Instant::now() + Duration::from_secs(60);
        while deliveries == 0 && tokio::time::Instant::now() < end {
            (ids, deliveries) = hooks
                .messages()
                .iter()
                .filter(|hook| {
                    hook["valid"] == true && hook["payload"]["data"]["userId"] == user.as_str()
                })
                .fold((HashSet::new(), 0), |(mut ids, n), hook| {
                    ids.insert(hook["id"].as_str().unwrap_or_default().to_owned());
                    (ids, n + 1)
                });
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        if deliveries == 0 {
            panic!(
                "registration {user} never reached the omnichannel system; the queue holds {:?}",
                queue_rows(&database_url).await
            );
        }
        assert_eq!(
            ids.len(),
            1,
            "{user}: one registration, one webhook-id: {ids:?}"
        );
        webhook_duplicates += deliveries - 1;
    }
    assert!(
        webhook_duplicates <= KILLS * 4,
        "{webhook_duplicates} webhooks went out twice over {KILLS} kills"
    );

    // Every patient linked to exactly one FHIR Patient, however often her
    // job ran.
    for user in &promises.patients {
        let end = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut found = fhir.patients_with_our_id(user).await;
        while found.is_empty() && tokio::time::Instant::now() < end {
            tokio::time::sleep(Duration::from_millis(200)).await;
            found = fhir.patients_with_our_id(user).await;
        }
        assert_eq!(found.len(), 1, "patient {user}: FHIR Patients {found:?}");
    }

    let http = reqwest::Client::new();
    for (token, _) in &promises.sessions {
        let me = http
            .get(format!("{base}/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap_or_else(|error| panic!("the restarted server does not answer: {error:?}"));
        assert_eq!(
            me.status().as_u16(),
            200,
            "a session that answered 200 was lost"
        );
    }
    let stored = |token: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let answer = http
                .get(format!("{base}/v1/me/backups/password"))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let status = answer.status().as_u16();
            let body: Value = answer.json().await.unwrap();
            (
                status,
                body["envelope"]
                    .as_str()
                    .map(|e| base64::engine::general_purpose::STANDARD.decode(e).unwrap()),
            )
        }
    };
    for (token, envelope) in &promises.backups {
        let (status, found) = stored(token.clone()).await;
        assert_eq!(status, 200, "a backup that answered 200 is missing");
        assert_eq!(
            found.as_ref(),
            Some(envelope),
            "a stored backup is not whole"
        );
    }
    for (token, envelope) in &promises.unknown_backups {
        let (status, found) = stored(token.clone()).await;
        assert!(
            status == 404 || found.as_ref() == Some(envelope),
            "a backup whose answer was lost is half there ({status})"
        );
    }
    let counts: HashMap<&str, usize> = HashMap::from([
        ("starts", promises.started.len()),
        ("unknown starts", promises.unknown_starts.len()),
        ("sessions", promises.sessions.len()),
        ("patients", promises.patients.len()),
        ("backups", promises.backups.len()),
        ("unknown backups", promises.unknown_backups.len()),
        ("duplicate messages", duplicates),
        ("duplicate webhooks", webhook_duplicates),
    ]);
    println!("{backend:?}: {KILLS} kills; {counts:?}");

    server.kill().await;
    if let Some(mut other) = survivor.take() {
        other.kill().await;
    }
    if backend == Backend::Sqlite {
        let pool = sqlx::SqlitePool::connect(&database_url).await.unwrap();
        let (verdict,): (String,) = sqlx::query_as("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(verdict, "ok");
        pool.close().await;
    }
}

on_both_databases!(killed_at_random_points_under_load_nothing_is_lost);
