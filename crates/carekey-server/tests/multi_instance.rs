//! Two stateless instances on one PostgreSQL database behave as one server:
//! a login started on one completes on the other, limits hold across both,
//! and each queued message is sent once.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer, clinician, unique_email};
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;

async fn pair() -> (TestServer, TestServer) {
    let configure = |settings: &mut carekey_server::Settings| {
        settings.send_limit_per_identifier = 3;
    };
    let a = TestServer::start_with(Backend::Postgres, configure).await;
    let b = a.another_instance(configure).await;
    (a, b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_started_on_one_instance_completes_on_the_other() {
    let (a, b) = pair().await;
    let email = unique_email();
    let device = Device::new();
    let request_id = a.request_id(&device, clinician("email", &email)).await;
    let code = a.code_in_message(&email, 1).await;
    let session = b.complete(&device, &request_id, &code).await;
    let session = session.ok().clone();
    // Tokens from one instance work on the other (shared keys).
    a.get("/v1/me", session["accessToken"].as_str()).await.ok();
    let refreshed = a
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": session["refreshToken"]}),
        )
        .await;
    b.get("/v1/me", refreshed.ok()["accessToken"].as_str())
        .await
        .ok();
    // A replay on the other instance is still a replay.
    a.complete(&device, &request_id, &code)
        .await
        .error(409, "code_used");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_hold_across_instances() {
    let (a, b) = pair().await;
    let device = Device::new();
    let email = unique_email();
    for server in [&a, &b, &a] {
        server
            .start_request(&device, json!({"email": email}))
            .await
            .ok();
    }
    b.start_request(&device, json!({"email": email}))
        .await
        .error(429, "rate_limited");
    // The resend cooldown too.
    let other = unique_email();
    let started = a
        .start_request(
            &device,
            json!({"email": other, "firstName": "A", "lastName": "B", "role": "clinician"}),
        )
        .await;
    let request_id = started.ok()["requestId"].clone();
    b.post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .error(429, "rate_limited");
    // And the attempts of one request.
    let code = a.code_in_message(&other, 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let request_id = request_id.as_str().unwrap();
    for (server, left) in [(&a, 4), (&b, 3), (&a, 2), (&b, 1), (&a, 0)] {
        let answer = server.complete(&device, request_id, wrong).await;
        assert_eq!(answer.error(400, "invalid_code")["attemptsLeft"], left);
    }
    b.complete(&device, request_id, &code)
        .await
        .error(429, "too_many_attempts");
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_queued_message_is_sent_once() {
    let (a, b) = pair().await;
    let emails: Vec<String> = (0..40).map(|_| unique_email()).collect();
    // Start them all concurrently on both instances: both workers take from
    // the same queue at once.
    let starts = emails.iter().enumerate().map(|(index, email)| {
        let server = if index % 2 == 0 { &a } else { &b };
        async move {
            server
                .start_request(&Device::new(), json!({"email": email}))
                .await
                .ok()
                .clone()
        }
    });
    futures::future::join_all(starts).await;
    for email in &emails {
        a.wait_for_messages(email, 1).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let messages = a.outbox_messages();
    let mut per_address: HashMap<String, usize> = HashMap::new();
    let mut per_job: HashMap<String, usize> = HashMap::new();
    for message in &messages {
        *per_address
            .entry(message["to"].as_str().unwrap().to_owned())
            .or_default() += 1;
        *per_job
            .entry(message["id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(messages.len(), 40);
    assert!(per_job.values().all(|&count| count == 1));
    assert!(
        emails
            .iter()
            .all(|email| per_address.get(email) == Some(&1))
    );
    a.stop().await;
    b.stop().await;
}

/// Instances started at the same moment on a new database agree on one
/// signing key: one makes it, the others find it (not one key each).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instances_starting_together_on_a_new_database_make_one_signing_key() {
    for _ in 0..3 {
        let url = common::new_postgres_database().await;
        let dir = tempfile::tempdir().unwrap();
        let start = || carekey_server::start(common::base_settings(dir.path(), &url));
        let (a, b, c) = tokio::join!(start(), start(), start());
        let servers = [a.unwrap(), b.unwrap(), c.unwrap()];
        let http = reqwest::Client::new();
        let mut published = Vec::new();
        for server in &servers {
            let jwks: serde_json::Value = http
                .get(format!("{}/.well-known/jwks.json", server.url()))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            published.push(jwks["keys"].clone());
        }
        assert_eq!(published[0].as_array().unwrap().len(), 1, "{published:?}");
        assert!(
            published.iter().all(|keys| *keys == published[0]),
            "{published:?}"
        );
        for server in servers {
            server.shutdown().await;
        }
    }
}
