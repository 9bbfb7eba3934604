//! PostgreSQL stopped and started again under load: the server says it is
//! not ready while the database is gone, recovers by itself once it is back
//! (no restart of the server), answers 5xx only inside that window (and
//! then as a `{code, message}` error), and every session it gave before,
//! during or after is still good.
//!
//! The test runs its own cluster (tests/common/cluster.rs): the shared one
//! serves the other suites at the same time.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cluster::PostgresCluster;
use common::process::ServerProcess;
use common::{Device, code_in};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

const CLIENTS: usize = 4;

/// One answer: when it came, to what, and its status (None: no answer).
struct Seen {
    at: Instant,
    what: &'static str,
    status: Option<u16>,
    body: Value,
}

#[derive(Default)]
struct Record {
    seen: Vec<Seen>,
    sessions: Vec<String>,
}

async fn call(
    record: &Mutex<Record>,
    what: &'static str,
    request: reqwest::RequestBuilder,
) -> Option<(u16, Value)> {
    let answer = match request.send().await {
        Ok(response) => {
            let status = response.status().as_u16();
            Some((status, response.json().await.unwrap_or(Value::Null)))
        }
        Err(_) => None,
    };
    record.lock().unwrap().seen.push(Seen {
        at: Instant::now(),
        what,
        status: answer.as_ref().map(|(status, _)| *status),
        body: answer
            .as_ref()
            .map_or(Value::Null, |(_, body)| body.clone()),
    });
    answer
}

/// The newest code the outbox holds for `to`.
async fn outbox_code(outbox: &std::path::Path, to: &str) -> Option<String> {
    for _ in 0..100 {
        let text = std::fs::read_to_string(outbox).unwrap_or_default();
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        if let Some(message) = complete
            .lines()
            .rev()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok())
            .find(|message| message["to"] == to)
        {
            return Some(code_in(&message));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    None
}

/// Registers by email through the outbox; checks the session it got.
async fn one_login(
    http: &reqwest::Client,
    base: &str,
    outbox: &std::path::Path,
    record: &Mutex<Record>,
) {
    let device = Device::new();
    let email = format!("restart-{}@example.com", uuid::Uuid::new_v4().simple());
    let started = call(
        record,
        "start",
        http.post(format!("{base}/v1/auth/start")).json(&json!({
            "email": email, "firstName": "Re", "lastName": "Start", "role": "clinician",
            "deviceChallenge": device.challenge()})),
    )
    .await;
    let Some((200, started)) = started else {
        tokio::time::sleep(Duration::from_millis(200)).await;
        return;
    };
    let Some(code) = outbox_code(outbox, &email).await else {
        return;
    };
    let completed = call(
        record,
        "complete",
        http.post(format!("{base}/v1/auth/complete")).json(&json!({
            "requestId": started["requestId"], "code": code, "deviceVerifier": device.verifier})),
    )
    .await;
    if let Some((200, session)) = completed {
        let token = session["accessToken"].as_str().unwrap().to_owned();
        record.lock().unwrap().sessions.push(token.clone());
        call(
            record,
            "me",
            http.get(format!("{base}/v1/me")).bearer_auth(&token),
        )
        .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_shut_down_and_started_under_load_the_server_recovers_by_itself() {
    restarted_under_load("fast").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_crashed_and_recovered_under_load_the_server_recovers_by_itself() {
    restarted_under_load("immediate").await;
}

/// `mode`: pg_ctl's stop mode; `immediate` is a crash (no checkpoint, WAL
/// replay at the next start).
async fn restarted_under_load(mode: &str) {
    let cluster = PostgresCluster::start().await;
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.jsonl");
    let database_url = cluster.url();
    let env = [
        ("CAREKEY_DATABASE_URL", database_url.as_str()),
        ("CAREKEY_OUTBOX_FILE", outbox.to_str().unwrap()),
        ("CAREKEY_ALLOWED_HOSTS", "*"),
        ("CAREKEY_SEND_LIMIT_PER_IP", "1000000"),
        ("CAREKEY_QUEUE_POLL_INTERVAL_MS", "200"),
        ("CAREKEY_LOG_LEVEL", "warn"),
    ];
    let mut server = ServerProcess::new(&env);
    server.launch().await;
    let base = server.url();

    let record = Arc::new(Mutex::new(Record::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..CLIENTS {
        let (base, outbox, record, stop) =
            (base.clone(), outbox.clone(), record.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap();
            while !stop.load(Ordering::SeqCst) {
                one_login(&http, &base, &outbox, &record).await;
            }
        }));
    }
    // Readiness, asked as a load balancer would.
    let readiness = {
        let (base, record, stop) = (base.clone(), record.clone(), stop.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::builder()
                .timeout(Duration::from_secs(5))
                .build()
                .unwrap();
            while !stop.load(Ordering::SeqCst) {
                call(&record, "readyz", http.get(format!("{base}/readyz"))).await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        })
    };

    tokio::time::sleep(Duration::from_secs(3)).await;
    let gone = Instant::now();
    cluster.stop(mode).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    cluster.start_again().await;
    let back = Instant::now();

    // Recovered: ready again, by itself, within the pool's reconnect time.
    let http = reqwest::Client::new();
    let recovered = loop {
        let ready = http.get(format!("{base}/readyz")).send().await;
        if ready.is_ok_and(|answer| answer.status().is_success()) {
            break Instant::now();
        }
        assert!(
            back.elapsed() < Duration::from_secs(30),
            "not ready 30 s after PostgreSQL came back"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let logins_before = record.lock().unwrap().sessions.len();
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, Ordering::SeqCst);
    for task in tasks {
        task.await.unwrap();
    }
    readiness.await.unwrap();
    assert!(!server.exited(), "the server stopped when its database did");

    let record = std::mem::take(&mut *record.lock().unwrap());
    let during = |seen: &Seen| seen.at >= gone && seen.at <= recovered + Duration::from_secs(1);
    assert!(
        record
            .seen
            .iter()
            .any(|seen| seen.what == "readyz" && seen.status == Some(503) && during(seen)),
        "readiness never said the database was gone"
    );
    for seen in &record.seen {
        if let Some(status) = seen.status.filter(|status| *status >= 500) {
            assert!(
                during(seen),
                "{} answered {status} outside the restart window ({:?} after PostgreSQL came back): {}",
                seen.what,
                seen.at.saturating_duration_since(back),
                seen.body
            );
            assert!(
                seen.body["code"].is_string() && seen.body["message"].is_string(),
                "a 5xx without its {{code, message}}: {}",
                seen.body
            );
        }
        if let Some(status) = seen.status.filter(|status| (400..500).contains(status)) {
            panic!("{} answered {status}: {}", seen.what, seen.body);
        }
    }
    let after = record.sessions.len() - logins_before;
    assert!(after >= 3, "only {after} logins after the recovery");
    for token in &record.sessions {
        let me = http
            .get(format!("{base}/v1/me"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status().as_u16(), 200, "a session was lost");
    }
    let errors = record
        .seen
        .iter()
        .filter(|seen| seen.what != "readyz" && seen.status.is_none_or(|s| s >= 500))
        .count();
    println!(
        "PostgreSQL ({mode}) away {:?}; ready again {:?} after it came back; {} logins, {errors} calls failed inside the window",
        back - gone,
        recovered - back,
        record.sessions.len()
    );
    if std::env::var("CAREKEY_TEST_SERVER_LOG").is_ok() {
        println!("{}", cluster.log());
    }
    server.kill().await;
}
