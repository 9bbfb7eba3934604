//! The attacks of the outside security review (issue 10), performed against
//! a real server on port 0, once on SQLite and once on PostgreSQL. Each test
//! is the attack as the reviewer ran it; it passes only when the attack
//! fails.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer, code_in, unique_email, unique_phone};
use rand::seq::SliceRandom;
use serde_json::{Value, json};

on_both_databases!(
    guessed_links_spend_the_code_budget_and_show_no_code,
    a_link_and_its_code_teach_nothing_about_each_other,
    fifty_concurrent_guesses_evaluate_at_most_five_codes,
    fifty_concurrent_biot_guesses_evaluate_at_most_five_codes,
    concurrent_guessed_links_on_the_landing_page_evaluate_at_most_five,
    made_up_http_methods_do_not_grow_the_metrics,
    a_guest_token_says_guest_and_a_patient_token_says_patient,
    a_refresh_replayed_inside_the_grace_window_gets_the_same_successor,
    one_ipv6_64_is_one_requester_for_the_limits,
    storage_has_quotas_and_guests_get_less,
    a_stolen_access_token_cannot_add_keys_or_phones_without_a_fresh_proof,
    a_page_on_another_host_name_gets_no_answer,
    refused_starts_spend_nobodys_budget,
    a_stranger_cannot_use_up_the_owners_identifier_budget,
    one_address_cannot_empty_a_phone_prefix,
    a_strangers_wrong_codes_do_not_lock_the_owner_out,
    a_stranger_who_names_a_clinician_gets_nothing_until_he_accepts,
);

/// A server whose send limits and identifier lockout stay out of the way, so
/// that only the per-request budget of five tries is measured.
async fn roomy_server(backend: Backend) -> TestServer {
    TestServer::start_with(backend, |settings| {
        settings.send_limit_per_identifier = 100_000;
        settings.send_limit_per_ip = 100_000;
        settings.send_limit_per_phone_prefix = 100_000;
        settings.max_consecutive_failures = 100_000;
        settings.resend_cooldown_seconds = 0;
    })
    .await
}

/// The link in a message: its request id and secret.
fn link_in(message: &Value) -> (String, String) {
    let body = message["body"].as_str().unwrap();
    let pattern = regex::Regex::new(r"/l/([0-9a-f-]{36})\.([a-z2-7]{32})").unwrap();
    let found = pattern
        .captures(body)
        .unwrap_or_else(|| panic!("no link in {body}"));
    (found[1].to_owned(), found[2].to_owned())
}

/// A well-formed link secret that is not the real one.
fn guessed_secret(index: usize) -> String {
    let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
    (0..32)
        .map(|at| char::from(alphabet[(index * 7 + at * 13) % 32]))
        .collect()
}

/// A clinician with an email account, and that email.
async fn victim(server: &TestServer) -> String {
    let email = unique_email();
    server
        .sign_in(
            json!({"email": email, "firstName": "Vic", "lastName": "Tim", "role": "clinician"}),
        )
        .await;
    email
}

/// A roomy server, a victim's account, and a login for it started by
/// `device` (an attacker's, or the victim's own): the request and the
/// message the victim got.
async fn victim_login(backend: Backend) -> (TestServer, Device, String, Value) {
    let server = roomy_server(backend).await;
    let email = victim(&server).await;
    let device = Device::new();
    let request_id = server.request_id(&device, json!({"email": email})).await;
    let message = server.wait_for_messages(&email, 2).await[1].clone();
    (server, device, request_id, message)
}

async fn open_page(server: &TestServer, request_id: &str, secret: &str) -> (u16, String) {
    let response = server
        .http
        .get(server.url(&format!("/l/{request_id}.{secret}")))
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.text().await.unwrap_or_default(),
    )
}

/// The review's critical finding: link secrets tried against the landing
/// page and the approval were never counted, and a right one showed the
/// code. Every guess must spend the same budget as a wrong code at
/// `/complete`, and once it is spent even the real link shows nothing.
async fn guessed_links_spend_the_code_budget_and_show_no_code(backend: Backend) {
    // The attacker starts the victim's login with his own device.
    let (server, attacker, request_id, message) = victim_login(backend).await;
    let code = code_in(&message);
    let (_, real_secret) = link_in(&message);

    // A guess at the landing page and one at the approval cost a try each.
    let (status, page) = open_page(&server, &request_id, &guessed_secret(1)).await;
    assert_eq!(status, 410, "{page}");
    assert!(!page.contains(&code));
    let approve = server
        .http
        .post(server.url(&format!("/l/{request_id}.{}/approve", guessed_secret(2))))
        .send()
        .await
        .unwrap();
    assert_eq!(approve.status().as_u16(), 410);
    let wrong = server.complete(&attacker, &request_id, "000000").await;
    let wrong = if code == "000000" {
        server.complete(&attacker, &request_id, "000001").await
    } else {
        wrong
    };
    assert_eq!(
        wrong.error(400, "invalid_code")["attemptsLeft"],
        2,
        "two link guesses and one code guess leave two tries"
    );
    for index in 3..5 {
        open_page(&server, &request_id, &guessed_secret(index)).await;
    }
    // The budget is spent: the real link shows no code, the real code fails.
    let (status, page) = open_page(&server, &request_id, &real_secret).await;
    assert_eq!(status, 410);
    assert!(!page.contains(&code), "the page showed the code: {page}");
    server
        .complete(&attacker, &request_id, &code)
        .await
        .error(429, "too_many_attempts");
    server.stop().await;
}

/// The link's secret is its own: the code is not derived from it (the page
/// shows it only because the link unseals it), and the real link and the
/// real code each work alone.
async fn a_link_and_its_code_teach_nothing_about_each_other(backend: Backend) {
    let (server, device, request_id, message) = victim_login(backend).await;
    let email = message["to"].as_str().unwrap().to_owned();
    let code = code_in(&message);
    let (_, secret) = link_in(&message);
    // The real link shows the code, and viewing it spends nothing.
    for _ in 0..6 {
        let (status, page) = open_page(&server, &request_id, &secret).await;
        assert_eq!(status, 200);
        assert!(page.contains(&code));
    }
    // A new code (resend) comes with a new link; the old link is dead and
    // the new link still shows the new code.
    server.advance(61);
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .ok();
    let message = &server.wait_for_messages(&email, 3).await[2];
    let (new_code, (_, new_secret)) = (code_in(message), link_in(message));
    assert_ne!(new_secret, secret);
    assert_eq!(open_page(&server, &request_id, &secret).await.0, 410);
    let (status, page) = open_page(&server, &request_id, &new_secret).await;
    assert_eq!(status, 200);
    assert!(page.contains(&new_code));
    // Nothing in the database holds the code or the secret in the clear.
    type Stored = (Option<Vec<u8>>, Option<Vec<u8>>);
    let stored: Vec<Stored> = {
        use sqlx::Connection;
        let mut conn = sqlx::AnyConnection::connect(&server.database_url)
            .await
            .unwrap();
        sqlx::query_as("SELECT link_hash, link_code FROM auth_requests WHERE id = $1")
            .bind(&request_id)
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    let (link_hash, link_code) = stored[0].clone();
    for column in [link_hash.unwrap(), link_code.unwrap()] {
        assert!(!column.windows(6).any(|w| w == new_code.as_bytes()));
        assert!(!column.windows(32).any(|w| w == new_secret.as_bytes()));
    }
    let session = server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "linkSecret": new_secret, "deviceVerifier": device.verifier}),
        )
        .await;
    session.ok();
    server.stop().await;
}

/// What a burst of guesses got: answers by code.
#[derive(Default, Debug)]
struct Burst {
    logged_in: usize,
    invalid: usize,
    refused: usize,
}

impl Burst {
    fn evaluated(&self) -> usize {
        self.logged_in + self.invalid
    }
}

/// Fires 49 distinct wrong codes and the right one, at a random place, all
/// at once; `send` makes one guess.
async fn burst<F, Fut>(right: &str, send: F) -> Burst
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = common::Answer>,
{
    let right_number: u32 = right.parse().unwrap();
    let mut guesses: Vec<String> = (1..1000u32)
        .map(|offset| format!("{:06}", (right_number + offset * 997) % 1_000_000))
        .filter(|guess| guess != right)
        .take(49)
        .collect();
    guesses.push(right.to_owned());
    guesses.shuffle(&mut rand::rng());
    let answers = futures::future::join_all(guesses.into_iter().map(send)).await;
    let mut tally = Burst::default();
    for answer in answers {
        match (answer.status, answer.code()) {
            (200, _) => tally.logged_in += 1,
            (400, "invalid_code") => tally.invalid += 1,
            (429, "too_many_attempts") | (409, "code_used") => tally.refused += 1,
            other => panic!("unexpected answer {other:?}: {}", answer.body),
        }
    }
    tally
}

const TRIALS: usize = 20;

/// Checks every trial, then the rate: five tries in fifty guesses find the
/// code one time in ten; far more than that means tries went uncounted.
fn judge(trials: &[Burst]) {
    for (index, trial) in trials.iter().enumerate() {
        assert!(
            trial.evaluated() <= 5 && trial.logged_in <= 1,
            "trial {index} evaluated more than five codes: {trial:?}"
        );
    }
    let wins = trials.iter().filter(|trial| trial.logged_in == 1).count();
    // Binomial(20, 0.1): nine or more wins happen about once in 10,000 runs.
    assert!(wins <= 8, "{wins} of {} bursts logged in", trials.len());
    eprintln!("{wins} of {} bursts of 50 guesses logged in", trials.len());
}

async fn fifty_concurrent_guesses_evaluate_at_most_five_codes(backend: Backend) {
    let server = roomy_server(backend).await;
    let email = victim(&server).await;
    let mut trials = Vec::new();
    for trial in 0..TRIALS {
        let attacker = Device::new();
        let request_id = server.request_id(&attacker, json!({"email": email})).await;
        let code = code_in(&server.wait_for_messages(&email, trial + 2).await[trial + 1]);
        let server = &server;
        let attacker = &attacker;
        let request_id = &request_id;
        trials.push(
            burst(&code, |guess| async move {
                server.complete(attacker, request_id, &guess).await
            })
            .await,
        );
    }
    judge(&trials);
    server.stop().await;
}

/// BioT's login needs nothing but the victim's number: the same budget.
async fn fifty_concurrent_biot_guesses_evaluate_at_most_five_codes(backend: Backend) {
    let server = roomy_server(backend).await;
    let phone = unique_phone();
    server
        .sign_in(
            json!({"phone": phone, "firstName": "Vic", "lastName": "Tim", "role": "clinician"}),
        )
        .await;
    let mut trials = Vec::new();
    for trial in 0..TRIALS {
        let generated = server
            .post("/ums/v2/users/otp/generate", &json!({"phone": phone}))
            .await;
        let request_id = generated.ok()["requestId"].as_str().unwrap().to_owned();
        let code = code_in(&server.wait_for_messages(&phone, trial + 2).await[trial + 1]);
        let server = &server;
        let request_id = &request_id;
        trials.push(
            burst(&code, |guess| async move {
                server
                    .post(
                        "/ums/v2/users/otp/login",
                        &json!({"requestId": request_id, "code": guess}),
                    )
                    .await
            })
            .await,
        );
    }
    judge(&trials);
    server.stop().await;
}

/// Fifty link secrets at once at the landing page (the real one among them):
/// at most five are evaluated, so the page shows the code at most when the
/// real link came among the first five.
async fn concurrent_guessed_links_on_the_landing_page_evaluate_at_most_five(backend: Backend) {
    let (server, attacker, request_id, message) = victim_login(backend).await;
    let (_, real) = link_in(&message);
    let mut secrets: Vec<String> = (0..49).map(guessed_secret).collect();
    secrets.push(real.clone());
    secrets.shuffle(&mut rand::rng());
    let pages = futures::future::join_all(
        secrets
            .iter()
            .map(|secret| open_page(&server, &request_id, secret)),
    )
    .await;
    assert!(pages.iter().filter(|(status, _)| *status == 200).count() <= 1);
    // Five wrong guesses spent the budget (a right one costs nothing).
    server
        .complete(&attacker, &request_id, "000000")
        .await
        .error(429, "too_many_attempts");
    server.stop().await;
}

/// Unique made-up methods (64 KiB each in the review) once added a label set
/// each to the metrics, forever.
async fn made_up_http_methods_do_not_grow_the_metrics(backend: Backend) {
    let server = TestServer::start(backend).await;
    let send = |method: reqwest::Method| {
        server
            .http
            .request(method, server.url("/v1/auth/start"))
            .send()
    };
    send(reqwest::Method::from_bytes(b"WARMUP").unwrap())
        .await
        .unwrap();
    let series = |text: &str| {
        text.lines()
            .filter(|line| !line.starts_with('#'))
            .map(|line| {
                line.rsplit_once(' ')
                    .map_or(line, |(name, _)| name)
                    .to_owned()
            })
            .collect::<std::collections::BTreeSet<String>>()
    };
    // The first read of /metrics adds its own series; the second is the base.
    server.metrics().await;
    let before = series(&server.metrics().await);
    for index in 0..200 {
        let method = format!("M{index:04}{}", "X".repeat(8 * 1024));
        let answer = send(reqwest::Method::from_bytes(method.as_bytes()).unwrap())
            .await
            .unwrap();
        assert!(answer.status().is_client_error());
    }
    let after = server.metrics().await;
    assert!(!after.contains("M0001X"), "a made-up method became a label");
    // Only the counts change, never the set of series.
    let new_series: Vec<_> = series(&after).difference(&before).cloned().collect();
    assert!(new_series.is_empty(), "new series: {new_series:?}");
    assert!(after.contains("method=\"other\""));
    server.stop().await;
}

#[tokio::test]
async fn the_server_refuses_to_start_with_an_empty_or_short_webhook_secret() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("carekey.db").display());
    let cases = [
        (Some(""), "whatsapp_app_secret"),
        (Some("   "), "whatsapp_app_secret"),
        (Some("short"), "whatsapp_app_secret"),
        (None, "whatsapp_app_secret"),
    ];
    for (secret, named) in cases {
        let mut settings = common::base_settings(dir.path(), &url);
        settings.whatsapp_bot_number = Some("+15550001111".into());
        settings.whatsapp_app_secret = secret.map(Into::into);
        let error = carekey_server::start(settings).await.err().unwrap();
        assert!(error.to_string().contains(named), "{error}");
    }
    let mut settings = common::base_settings(dir.path(), &url);
    settings.omnichannel_webhook_url = Some("http://127.0.0.1:9/hook".into());
    settings.omnichannel_webhook_secret = Some("".into());
    let error = carekey_server::start(settings).await.err().unwrap();
    assert!(error.to_string().contains("omnichannel_webhook_secret"));
    // A real secret starts, and the empty key's signature is refused.
    let mut settings = common::base_settings(dir.path(), &url);
    settings.whatsapp_bot_number = Some("+15550001111".into());
    settings.whatsapp_app_secret = Some("a-real-app-secret-0123456789".into());
    let server = carekey_server::start(settings).await.unwrap();
    let body = br#"{"object":"whatsapp_business_account","entry":[]}"#;
    let forged = carekey_server::webhook_signature(b"", body);
    let answer = reqwest::Client::new()
        .post(format!("{}/v1/webhooks/whatsapp", server.url()))
        .header("x-hub-signature-256", forged)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status().as_u16(), 401);
    server.shutdown().await;
}

/// The claims of an access token (its signature is the server's business).
fn claims_of(token: &str) -> Value {
    use base64::Engine;
    let payload = token.split('.').nth(1).unwrap();
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

async fn a_guest_token_says_guest_and_a_patient_token_says_patient(backend: Backend) {
    let server = TestServer::start(backend).await;
    let guest = server.post("/v1/auth/guest", &json!({})).await;
    let guest_claims = claims_of(guest.ok()["accessToken"].as_str().unwrap());
    assert_eq!(guest_claims["role"], "guest");
    let clinician = server.register_clinician().await;
    assert_eq!(claims_of(&clinician.access_token)["role"], "clinician");
    let patient = server
        .sign_in(json!({
            "email": unique_email(),
            "firstName": "Pat",
            "lastName": "Ient",
            "role": "patient",
            "responsibleClinicianId": clinician.user_id,
        }))
        .await;
    assert_eq!(claims_of(&patient.access_token)["role"], "patient");
    // A refreshed guest is still a guest.
    let refreshed = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": guest.body["refreshToken"]}),
        )
        .await;
    assert_eq!(
        claims_of(refreshed.ok()["accessToken"].as_str().unwrap())["role"],
        "guest"
    );
    server.stop().await;
}

/// The review replayed a refresh token inside the grace window and got an
/// independent chain that was never detected. A replay in grace now gets
/// the same successor, so the thief and the owner share one chain and the
/// later of them to use it after the grace is caught.
async fn a_refresh_replayed_inside_the_grace_window_gets_the_same_successor(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.register_clinician().await;
    let body = json!({"refreshToken": user.refresh_token});
    let owner = server.post("/v1/auth/refresh", &body).await;
    let thief = server.post("/v1/auth/refresh", &body).await;
    let next = owner.ok()["refreshToken"].as_str().unwrap().to_owned();
    assert_eq!(thief.ok()["refreshToken"], next.as_str());
    // The owner moves on; the thief's copy of the successor, used late, is
    // a reuse and ends the whole family, the owner's new token too.
    let owner = server
        .post("/v1/auth/refresh", &json!({"refreshToken": next}))
        .await;
    let newest = owner.ok()["refreshToken"].as_str().unwrap().to_owned();
    server.advance(60);
    server
        .post("/v1/auth/refresh", &json!({"refreshToken": next}))
        .await
        .error(401, "token_reused");
    server
        .post("/v1/auth/refresh", &json!({"refreshToken": newest}))
        .await
        .error(401, "token_reused");
    server.stop().await;
}

/// Addresses of one /64 share one budget; the next /64 has its own.
async fn one_ipv6_64_is_one_requester_for_the_limits(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.send_limit_per_ip = 3;
        settings.trusted_proxies = "127.0.0.1/32".into();
    })
    .await;
    let device = Device::new();
    let start_from = |client: &'static str| {
        let body = json!({"email": unique_email(), "deviceChallenge": device.challenge()});
        server.send(
            server
                .http
                .post(server.url("/v1/auth/start"))
                .header("x-forwarded-for", client)
                .json(&body),
        )
    };
    for client in ["2001:db8:5:6::1", "2001:db8:5:6::2", "2001:db8:5:6:aaaa::3"] {
        start_from(client).await.ok();
    }
    start_from("2001:db8:5:6:ffff:ffff:ffff:ffff")
        .await
        .error(429, "rate_limited");
    start_from("2001:db8:5:7::1").await.ok();
    server.stop().await;
}

/// Whether the server closed `stream` (read answers end of stream or an
/// error) within `wait`.
async fn closed_within(stream: &mut tokio::net::TcpStream, wait: std::time::Duration) -> bool {
    use tokio::io::AsyncReadExt;
    let mut buffer = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 or 400 answer before the close is fine.
            Ok(Ok(_)) => continue,
        }
    }
}

/// Half-sent requests once stayed open forever and a thousand of them
/// stopped the server. Now a connection gets a few seconds to send its
/// request head, one address holds a bounded number of connections, and
/// a body sent too slowly is answered 408.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_numerous_clients_cannot_exhaust_the_server() {
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    let server = TestServer::start_with(Backend::Sqlite, |settings| {
        settings.http_header_timeout_seconds = 2;
        settings.http_request_timeout_seconds = 3;
        settings.max_connections_per_address = 8;
        settings.max_connections = 100;
    })
    .await;
    let address = server.server.local_addr();
    let mut slow = Vec::new();
    for _ in 0..8 {
        let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
        stream
            .write_all(format!("POST /v1/auth/start HTTP/1.1\r\nHost: {address}\r\n").as_bytes())
            .await
            .unwrap();
        slow.push(stream);
    }
    // The ninth from the same address is closed at once, unread.
    let mut ninth = tokio::net::TcpStream::connect(address).await.unwrap();
    assert!(closed_within(&mut ninth, Duration::from_secs(1)).await);
    // Every half-sent request is closed by the header timeout (people are
    // slow: the wait here is well past it).
    for stream in &mut slow {
        assert!(closed_within(stream, Duration::from_secs(6)).await);
    }
    // A body that trickles in is answered 408 within the request timeout.
    let mut trickle = tokio::net::TcpStream::connect(address).await.unwrap();
    trickle
        .write_all(
            format!("POST /v1/auth/start HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{")
                .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let started = std::time::Instant::now();
    {
        use tokio::io::AsyncReadExt;
        let mut buffer = [0u8; 1024];
        while let Ok(Ok(read)) =
            tokio::time::timeout(Duration::from_secs(8), trickle.read(&mut buffer)).await
        {
            if read == 0 {
                break;
            }
            answer.extend_from_slice(&buffer[..read]);
            if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                break;
            }
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(8));
    // The slots are free again: a person's request goes through.
    server.get("/healthz", None).await.ok();
    server.stop().await;
}

fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Registers a new RSA-2048 public key for the bearer of `token`.
async fn register_key(server: &TestServer, token: &str) -> String {
    use rsa::pkcs8::EncodePublicKey;
    let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).unwrap();
    let spki = key.to_public_key().to_public_key_der().unwrap();
    let upload = json!({"publicKey": base64(spki.as_bytes()), "algorithm": "RSA-OAEP-SHA256"});
    let answer = server.post_as("/v1/keys", token, &upload).await;
    answer.ok()["keyId"].as_str().unwrap().to_owned()
}

/// A guest (a hundred an hour from one address) once stored samples and
/// transfers without end.
async fn storage_has_quotas_and_guests_get_less(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.quota_guest_samples = 3;
        settings.quota_samples = 5;
    })
    .await;
    let guest = server.post("/v1/auth/guest", &json!({})).await;
    let guest_id = guest.ok()["userId"].as_str().unwrap().to_owned();
    let guest_token = guest.body["accessToken"].as_str().unwrap().to_owned();
    let clinician = server.register_clinician().await;
    let owners = [
        (guest_id, guest_token, 3),
        (clinician.user_id.clone(), clinician.access_token.clone(), 5),
    ];
    for (owner, token, most) in owners {
        let key_id = register_key(&server, &token).await;
        let sample = || {
            json!({
                "id": uuid::Uuid::new_v4().to_string(),
                "ciphertext": base64(&[7u8; 1000]),
                "keys": [{"recipientId": owner, "keyId": key_id, "wrappedKey": base64(&[9u8; 256])}],
            })
        };
        for _ in 0..most {
            server.post_as("/v1/samples", &token, &sample()).await.ok();
        }
        server
            .post_as("/v1/samples", &token, &sample())
            .await
            .error(409, "quota_exceeded");
        // What was kept is all still there.
        let kept = server.get("/v1/samples", Some(&token)).await;
        assert_eq!(kept.ok()["samples"].as_array().unwrap().len(), most);
    }
    // A guest has one key transfer waiting at most; an account a few.
    let guest = server.post("/v1/auth/guest", &json!({})).await;
    let token = guest.ok()["accessToken"].as_str().unwrap().to_owned();
    let offer = json!({"envelope": base64(&[7u8; 1900])});
    server
        .post_as("/v1/me/transfers", &token, &offer)
        .await
        .ok();
    server
        .post_as("/v1/me/transfers", &token, &offer)
        .await
        .error(409, "quota_exceeded");
    for _ in 0..5 {
        server
            .post_as("/v1/me/transfers", &clinician.access_token, &offer)
            .await
            .ok();
    }
    server
        .post_as("/v1/me/transfers", &clinician.access_token, &offer)
        .await
        .error(409, "quota_exceeded");
    server.stop().await;
}

async fn delete_as(server: &TestServer, path: &str, token: &str) -> common::Answer {
    server
        .send(server.http.delete(server.url(path)).bearer_auth(token))
        .await
}

/// The review registered its own key on a clinician's account, and its own
/// number as the login phone, with a fifteen-minute access token alone.
async fn a_stolen_access_token_cannot_add_keys_or_phones_without_a_fresh_proof(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let doctor = server
        .sign_in(json!({"email": email, "firstName": "Gregory", "lastName": "House", "role": "clinician"}))
        .await;
    // Right after login the session is fresh: the app makes its key.
    let first_key = register_key(&server, &doctor.access_token).await;
    let patient = server
        .sign_in(json!({
            "email": unique_email(),
            "firstName": "Pat",
            "lastName": "Ient",
            "role": "patient",
            "responsibleClinicianId": doctor.user_id,
        }))
        .await;
    let patient_key = register_key(&server, &patient.access_token).await;
    server.accept_patient(&doctor, &patient.user_id).await;
    // Eleven minutes later the access token still works (fifteen minutes),
    // but it is all the attacker holds.
    server.advance(11 * 60);
    let stolen = doctor.access_token.as_str();
    server.get("/v1/me", Some(stolen)).await.ok();
    use rsa::pkcs8::EncodePublicKey;
    let attacker_key = rsa::PrivateKey::new(&mut rand::rng(), 2048).unwrap();
    let spki = attacker_key.to_public_key().to_public_key_der().unwrap();
    let upload = json!({"publicKey": base64(spki.as_bytes()), "algorithm": "RSA-OAEP-SHA256"});
    server
        .post_as("/v1/keys", stolen, &upload)
        .await
        .error(403, "fresh_proof_required");
    server
        .post_as("/v1/me/phone", stolen, &json!({"phone": unique_phone()}))
        .await
        .error(403, "fresh_proof_required");
    delete_as(&server, &format!("/v1/keys/{first_key}"), stolen)
        .await
        .error(403, "fresh_proof_required");
    // Patients' apps are still handed the doctor's one real key only.
    let handed = server
        .get(
            &format!("/v1/users/{}/keys", doctor.user_id),
            Some(&patient.access_token),
        )
        .await;
    assert_eq!(handed.ok()["keys"].as_array().unwrap().len(), 1);

    // The owner proves it is them with a code to their own email (a wrong
    // code counts), and may then add a key; their contacts hear of it.
    let before = server.wait_for_messages(&email, 1).await.len();
    let proof = server.post_as("/v1/me/proof", stolen, &json!({})).await;
    let proof_id = proof.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(&email, before + 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = server
        .post_as(
            "/v1/me/proof/verify",
            stolen,
            &json!({"requestId": proof_id, "code": wrong}),
        )
        .await;
    assert_eq!(refused.error(400, "invalid_code")["attemptsLeft"], 4);
    let proven = server
        .post_as(
            "/v1/me/proof/verify",
            stolen,
            &json!({"requestId": proof_id, "code": code}),
        )
        .await;
    assert_eq!(proven.status, 204);
    let second_key = register_key(&server, stolen).await;
    let notices = server.wait_for_messages(&email, before + 2).await;
    let notice = notices.last().unwrap()["body"].as_str().unwrap();
    assert!(notice.contains("new encryption key"), "{notice}");
    assert!(notice.contains(&second_key[..16]));
    // The owner revokes the first key: it is no longer handed out, and new
    // data cannot be wrapped for it.
    let revoked = delete_as(&server, &format!("/v1/keys/{first_key}"), stolen).await;
    assert!(revoked.ok()["revokedAt"].is_string());
    let handed = server
        .get(
            &format!("/v1/users/{}/keys", doctor.user_id),
            Some(&patient.access_token),
        )
        .await;
    let handed = handed.ok()["keys"].as_array().unwrap().clone();
    assert_eq!(handed.len(), 1);
    assert_eq!(handed[0]["keyId"], second_key.as_str());
    let own = server.get("/v1/keys", Some(stolen)).await;
    assert_eq!(own.ok()["keys"].as_array().unwrap().len(), 2);
    let sample = json!({
        "id": uuid::Uuid::new_v4().to_string(),
        "ciphertext": base64(b"opaque"),
        "keys": [
            {"recipientId": patient.user_id, "keyId": patient_key, "wrappedKey": base64(&[9u8; 256])},
            {"recipientId": doctor.user_id, "keyId": first_key, "wrappedKey": base64(&[9u8; 256])},
        ],
    });
    server
        .post_as("/v1/samples", &patient.access_token, &sample)
        .await
        .error(400, "invalid_recipient");
    // A revoked key cannot come back.
    let mut again = upload.clone();
    let own = server.get("/v1/keys", Some(stolen)).await;
    again["publicKey"] = own.body["keys"][0]["publicKey"].clone();
    server
        .post_as("/v1/keys", stolen, &again)
        .await
        .error(400, "invalid_request");
    server.stop().await;
}

/// DNS rebinding: a page on attacker.example whose DNS points at 127.0.0.1
/// reaches the built-in server's port but names its own host.
async fn a_page_on_another_host_name_gets_no_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    let with_host = |path: &str, host: &str| {
        server.send(
            server
                .http
                .get(server.url(path))
                .header(reqwest::header::HOST, host),
        )
    };
    let port = server.server.local_addr().port();
    with_host("/v1/auth/channels", "attacker.example")
        .await
        .error(400, "invalid_request");
    with_host("/v1/auth/channels", &format!("attacker.example:{port}"))
        .await
        .error(400, "invalid_request");
    with_host("/openapi.json", &format!("127.0.0.2:{port}"))
        .await
        .error(400, "invalid_request");
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        "auth.carekey.test".to_owned(),
    ] {
        with_host("/v1/auth/channels", &host).await.ok();
    }
    // Probes and scrapers name servers by address: always answered.
    with_host("/healthz", "10.0.0.7:8080").await.ok();
    server.stop().await;
    // An operator may list hosts, or answer any.
    let server = TestServer::start_with(backend, |settings| {
        settings.allowed_hosts = "*".into();
    })
    .await;
    server
        .send(
            server
                .http
                .get(server.url("/v1/auth/channels"))
                .header(reqwest::header::HOST, "anything.example"),
        )
        .await
        .ok();
    server.stop().await;
}

/// A server that believes X-Forwarded-For from the test (so that requests
/// come from the addresses the test names), with `configure` on top.
async fn behind_proxy(
    backend: Backend,
    configure: impl FnOnce(&mut carekey_server::Settings),
) -> TestServer {
    TestServer::start_with(backend, |settings| {
        settings.trusted_proxies = "127.0.0.1/32".into();
        settings.resend_cooldown_seconds = 0;
        configure(settings);
    })
    .await
}

/// `POST /v1/auth/start` with `body` (plus a device challenge) from `from`.
async fn start_from(
    server: &TestServer,
    from: &str,
    device: &Device,
    mut body: Value,
) -> common::Answer {
    body["deviceChallenge"] = json!(device.challenge());
    server
        .send(
            server
                .http
                .post(server.url("/v1/auth/start"))
                .header("x-forwarded-for", from)
                .json(&body),
        )
        .await
}

/// Registers a clinician by email from `from` (the code read from the
/// outbox); `from` is then a network the owner has logged in from.
async fn register_from(server: &TestServer, from: &str, email: &str) {
    let device = Device::new();
    let before = server
        .outbox_messages()
        .iter()
        .filter(|message| message["to"] == email)
        .count();
    let started = start_from(
        server,
        from,
        &device,
        json!({"email": email, "firstName": "Own", "lastName": "Er", "role": "clinician"}),
    )
    .await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(email, before + 1).await;
    server.complete(&device, &request_id, &code).await.ok();
}

/// Logs the owner of `email` in from `from`, reading the code from the outbox.
async fn log_in_from(server: &TestServer, from: &str, email: &str) {
    let before = server
        .outbox_messages()
        .iter()
        .filter(|message| message["to"] == email)
        .count();
    let device = Device::new();
    let started = start_from(server, from, &device, json!({"email": email})).await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(email, before + 1).await;
    server.complete(&device, &request_id, &code).await.ok();
}

/// A client already over its own limit once still spent other people's
/// budgets: refused starts count for nobody.
async fn refused_starts_spend_nobodys_budget(backend: Backend) {
    let server = behind_proxy(backend, |settings| {
        settings.send_limit_per_ip = 2;
        settings.send_limit_per_identifier = 2;
    })
    .await;
    let victim = unique_email();
    let attacker = Device::new();
    for _ in 0..2 {
        start_from(
            &server,
            "198.51.100.66",
            &attacker,
            json!({"email": unique_email()}),
        )
        .await
        .ok();
    }
    for _ in 0..20 {
        start_from(
            &server,
            "198.51.100.66",
            &attacker,
            json!({"email": victim}),
        )
        .await
        .error(429, "rate_limited");
    }
    // The victim's own two starts of the hour are all there.
    for index in 0..2 {
        let answer = start_from(
            &server,
            "203.0.113.10",
            &Device::new(),
            json!({"email": victim}),
        )
        .await;
        assert_eq!(answer.status, 200, "start {index}: {}", answer.body);
    }
    start_from(
        &server,
        "203.0.113.10",
        &Device::new(),
        json!({"email": victim}),
    )
    .await
    .error(429, "rate_limited");
    server.stop().await;
}

/// Strangers on other networks spend their own share of an identifier's
/// budget, and the identifier-wide ceiling stops only requesters the owner
/// never logged in from.
async fn a_stranger_cannot_use_up_the_owners_identifier_budget(backend: Backend) {
    let server = behind_proxy(backend, |settings| {
        settings.send_limit_per_identifier = 2;
        settings.send_limit_per_identifier_total = 6;
    })
    .await;
    let owner = unique_email();
    register_from(&server, "203.0.113.10", &owner).await;
    for stranger in ["198.51.100.1", "198.51.100.2"] {
        for _ in 0..2 {
            start_from(&server, stranger, &Device::new(), json!({"email": owner}))
                .await
                .ok();
        }
        start_from(&server, stranger, &Device::new(), json!({"email": owner}))
            .await
            .error(429, "rate_limited");
    }
    start_from(
        &server,
        "198.51.100.3",
        &Device::new(),
        json!({"email": owner}),
    )
    .await
    .ok();
    // The ceiling (registration, four strangers' and one more) is reached:
    // an unknown network is refused, the owner's own network is not.
    start_from(
        &server,
        "198.51.100.4",
        &Device::new(),
        json!({"email": owner}),
    )
    .await
    .error(429, "rate_limited");
    log_in_from(&server, "203.0.113.10", &owner).await;
    server.stop().await;
}

/// One address once emptied a whole phone prefix's budget (BioT's
/// generate too): it now has a tenth of it.
async fn one_address_cannot_empty_a_phone_prefix(backend: Backend) {
    let server = behind_proxy(backend, |settings| {
        settings.send_limit_per_phone_prefix = 100;
        settings.send_limit_per_ip = 1000;
    })
    .await;
    let number = |last: u32| format!("+32470{last:06}");
    // A tenth of the prefix's budget, through BioT's generate and the
    // native start alike, then nothing more from that /64.
    for index in 0..10 {
        let answer = if index % 2 == 0 {
            server
                .send(
                    server
                        .http
                        .post(server.url("/ums/v2/users/otp/generate"))
                        .header("x-forwarded-for", "2001:db8:66::1")
                        .json(&json!({"phone": number(100 + index)})),
                )
                .await
        } else {
            start_from(
                &server,
                "2001:db8:66::2",
                &Device::new(),
                json!({"phone": number(100 + index)}),
            )
            .await
        };
        answer.ok();
    }
    for index in 10..40 {
        start_from(
            &server,
            "2001:db8:66::99",
            &Device::new(),
            json!({"phone": number(100 + index)}),
        )
        .await
        .error(429, "rate_limited");
    }
    // The prefix still serves everyone else.
    start_from(
        &server,
        "203.0.113.10",
        &Device::new(),
        json!({"phone": number(999)}),
    )
    .await
    .ok();
    server.stop().await;
}

/// A stranger who never saw a code once locked an address for an hour with
/// wrong codes on logins he started himself.
async fn a_strangers_wrong_codes_do_not_lock_the_owner_out(backend: Backend) {
    let server = behind_proxy(backend, |settings| {
        settings.max_consecutive_failures = 10;
    })
    .await;
    let owner = unique_email();
    register_from(&server, "203.0.113.10", &owner).await;
    for _ in 0..2 {
        let stranger = Device::new();
        let started = start_from(&server, "198.51.100.1", &stranger, json!({"email": owner})).await;
        let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
        for _ in 0..5 {
            server.complete(&stranger, &request_id, "000000").await;
        }
    }
    // The guessing stopped for unknown networks...
    start_from(
        &server,
        "198.51.100.1",
        &Device::new(),
        json!({"email": owner}),
    )
    .await
    .error(429, "too_many_attempts");
    start_from(
        &server,
        "198.51.100.2",
        &Device::new(),
        json!({"email": owner}),
    )
    .await
    .error(429, "too_many_attempts");
    // ...and the owner logs in from home as usual.
    log_in_from(&server, "203.0.113.10", &owner).await;
    server.stop().await;
}

/// Point 7: knowing a clinician's id was enough to register as his patient;
/// the stranger then got his keys, and her notes sat among his patients'.
async fn a_stranger_who_names_a_clinician_gets_nothing_until_he_accepts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let doctor = server.register_clinician().await;
    let doctor_key = register_key(&server, &doctor.access_token).await;
    let other_doctor = server.register_clinician().await;
    let register = |first: &'static str| {
        let (server, doctor_id) = (&server, doctor.user_id.clone());
        async move {
            server
                .sign_in(json!({
                    "email": unique_email(),
                    "firstName": first,
                    "lastName": "Claimant",
                    "role": "patient",
                    "responsibleClinicianId": doctor_id,
                }))
                .await
        }
    };
    let stranger = register("Mallory").await;
    let stranger_key = register_key(&server, &stranger.access_token).await;
    let me = server.get("/v1/me", Some(&stranger.access_token)).await;
    assert_eq!(me.ok()["careStatus"], "pending");

    let keys_of = |of: &str, token: &str| {
        let (path, token) = (format!("/v1/users/{of}/keys"), token.to_owned());
        let server = &server;
        async move { server.get(&path, Some(&token)).await }
    };
    let sample_for = |owner: &str, owner_key: &str, keys: &[(&str, &str)]| {
        let mut wrapped = vec![
            json!({"recipientId": owner, "keyId": owner_key, "wrappedKey": base64(&[9u8; 256])}),
        ];
        for (recipient, key) in keys {
            wrapped.push(
                json!({"recipientId": recipient, "keyId": key, "wrappedKey": base64(&[9u8; 256])}),
            );
        }
        json!({"id": uuid::Uuid::new_v4().to_string(), "ciphertext": base64(b"\x01opaque"), "keys": wrapped})
    };
    let shared_with_doctor = || async {
        let samples = server.get("/v1/samples", Some(&doctor.access_token)).await;
        samples.ok()["samples"]
            .as_array()
            .unwrap()
            .iter()
            .map(|sample| sample["ownerId"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };

    // Pending: no keys either way, nothing wrapped for him, nothing in his notes.
    let refused = |stranger_state: &'static str| {
        let (server, doctor, stranger) = (&server, &doctor, &stranger);
        let (doctor_key, stranger_key) = (doctor_key.clone(), stranger_key.clone());
        async move {
            keys_of(&doctor.user_id, &stranger.access_token)
                .await
                .error(404, "not_found");
            keys_of(&stranger.user_id, &doctor.access_token)
                .await
                .error(404, "not_found");
            let body = sample_for(
                &stranger.user_id,
                &stranger_key,
                &[(&doctor.user_id, &doctor_key)],
            );
            server
                .post_as("/v1/samples", &stranger.access_token, &body)
                .await
                .error(400, "invalid_recipient");
            // Her own notes stay hers.
            let body = sample_for(&stranger.user_id, &stranger_key, &[]);
            server
                .post_as("/v1/samples", &stranger.access_token, &body)
                .await
                .ok();
            assert!(
                !shared_with_doctor().await.contains(&stranger.user_id),
                "{stranger_state}: her notes reached him"
            );
        }
    };
    refused("pending").await;

    // He sees her waiting, with what she claims, so he can decide.
    let patients = server.get("/v1/patients", Some(&doctor.access_token)).await;
    let listed = &patients.ok()["patients"][0];
    assert_eq!(listed["userId"], stranger.user_id.as_str());
    assert_eq!(listed["careStatus"], "pending");
    assert_eq!(listed["firstName"], "Mallory");
    assert!(listed["email"].as_str().unwrap().contains('@'));
    // Nobody else answers for him: not another clinician, not the patient.
    for token in [&other_doctor.access_token, &stranger.access_token] {
        let path = format!("/v1/patients/{}/accept", stranger.user_id);
        server
            .post_as(&path, token, &json!({}))
            .await
            .error(404, "not_found");
    }
    let others = server
        .get("/v1/patients", Some(&other_doctor.access_token))
        .await;
    assert_eq!(others.ok()["patients"], json!([]));

    // He declines her: still nothing.
    let path = format!("/v1/patients/{}/decline", stranger.user_id);
    let declined = server
        .post_as(&path, &doctor.access_token, &json!({}))
        .await;
    assert_eq!(declined.ok()["careStatus"], "declined");
    refused("declined").await;
    let me = server.get("/v1/me", Some(&stranger.access_token)).await;
    assert_eq!(me.ok()["careStatus"], "declined");

    // His real patient: shared once he accepts, no longer once he stops.
    let patient = register("Daenerys").await;
    let patient_key = register_key(&server, &patient.access_token).await;
    keys_of(&doctor.user_id, &patient.access_token)
        .await
        .error(404, "not_found");
    let early = sample_for(&patient.user_id, &patient_key, &[]);
    server
        .post_as("/v1/samples", &patient.access_token, &early)
        .await
        .ok();
    let early_id = early["id"].as_str().unwrap().to_owned();
    let share_early = |token: &str, recipient: &str, key: &str| {
        let (path, token) = (format!("/v1/samples/{early_id}/keys"), token.to_owned());
        let body = json!({"keys": [{"recipientId": recipient, "keyId": key, "wrappedKey": base64(&[7u8; 256])}]});
        let server = &server;
        async move { server.post_as(&path, &token, &body).await }
    };
    share_early(&patient.access_token, &doctor.user_id, &doctor_key)
        .await
        .error(400, "invalid_recipient");
    // His list counts the notes of hers he can read: those wrapped for him.
    let notes_shared = || async {
        let list = server.get("/v1/patients", Some(&doctor.access_token)).await;
        let list = list.ok();
        let listed = list["patients"].as_array().unwrap().iter();
        let her = listed
            .clone()
            .find(|p| p["userId"] == patient.user_id.as_str());
        her.map(|her| her["notesShared"].clone())
    };
    assert_eq!(notes_shared().await, Some(json!(0)));
    server.accept_patient(&doctor, &patient.user_id).await;
    assert_eq!(notes_shared().await, Some(json!(0)));
    assert_eq!(
        keys_of(&doctor.user_id, &patient.access_token).await.ok()["keys"][0]["keyId"],
        doctor_key.as_str()
    );
    keys_of(&patient.user_id, &doctor.access_token).await.ok();
    // The note she wrote while waiting, shared now; by her alone.
    share_early(&doctor.access_token, &doctor.user_id, &doctor_key)
        .await
        .error(404, "not_found");
    share_early(&stranger.access_token, &stranger.user_id, &stranger_key)
        .await
        .error(404, "not_found");
    let shared = share_early(&patient.access_token, &doctor.user_id, &doctor_key).await;
    assert_eq!(shared.ok()["sharedWith"].as_array().unwrap().len(), 2);
    // Again (a retry after a lost answer): nothing changes.
    share_early(&patient.access_token, &doctor.user_id, &doctor_key)
        .await
        .ok();
    let body = sample_for(
        &patient.user_id,
        &patient_key,
        &[(&doctor.user_id, &doctor_key)],
    );
    server
        .post_as("/v1/samples", &patient.access_token, &body)
        .await
        .ok();
    assert_eq!(shared_with_doctor().await, vec![patient.user_id.clone(); 2]);
    assert_eq!(notes_shared().await, Some(json!(2)));
    // Only the owner learns who a sample is shared with.
    let his = server.get("/v1/samples", Some(&doctor.access_token)).await;
    assert!(his.ok()["samples"][0].get("sharedWith").is_none());
    let path = format!("/v1/patients/{}/decline", patient.user_id);
    server
        .post_as(&path, &doctor.access_token, &json!({}))
        .await
        .ok();
    keys_of(&doctor.user_id, &patient.access_token)
        .await
        .error(404, "not_found");
    let body = sample_for(
        &patient.user_id,
        &patient_key,
        &[(&doctor.user_id, &doctor_key)],
    );
    server
        .post_as("/v1/samples", &patient.access_token, &body)
        .await
        .error(400, "invalid_recipient");
    // What she shared while he cared for her stays his record.
    assert_eq!(shared_with_doctor().await, vec![patient.user_id.clone(); 2]);
    assert_eq!(notes_shared().await, Some(json!(2)));
    server.stop().await;
}
