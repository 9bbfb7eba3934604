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
    let server = roomy_server(backend).await;
    let email = victim(&server).await;
    // The attacker starts the victim's login with his own device.
    let attacker = Device::new();
    let request_id = server.request_id(&attacker, json!({"email": email})).await;
    let message = &server.wait_for_messages(&email, 2).await[1];
    let code = code_in(message);
    let (_, real_secret) = link_in(message);

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
    let server = roomy_server(backend).await;
    let email = victim(&server).await;
    let device = Device::new();
    let request_id = server.request_id(&device, json!({"email": email})).await;
    let message = &server.wait_for_messages(&email, 2).await[1];
    let code = code_in(message);
    let (_, secret) = link_in(message);
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
    guesses.shuffle(&mut rand::thread_rng());
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
    let server = roomy_server(backend).await;
    let email = victim(&server).await;
    let attacker = Device::new();
    let request_id = server.request_id(&attacker, json!({"email": email})).await;
    let message = &server.wait_for_messages(&email, 2).await[1];
    let (_, real) = link_in(message);
    let mut secrets: Vec<String> = (0..49).map(guessed_secret).collect();
    secrets.push(real.clone());
    secrets.shuffle(&mut rand::thread_rng());
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
