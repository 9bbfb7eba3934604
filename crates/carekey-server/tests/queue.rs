//! The durable queue across a crash: a message leased to an instance that
//! died before sending it is sent by another once the lease runs out, once.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, SupportServer, TestServer, clinician, unique_email, with_smtp};
use serde_json::json;
use std::time::Duration;

on_both_databases!(
    a_message_of_a_dead_instance_is_sent_after_its_lease,
    the_janitor_removes_only_what_has_ended,
    a_stopping_server_hands_back_what_it_has_not_sent,
);

async fn the_janitor_removes_only_what_has_ended(backend: Backend) {
    let server = TestServer::start(backend).await;
    let device = Device::new();
    let email = unique_email();
    let old = server
        .start_request(
            &device,
            json!({"email": email, "firstName": "A", "lastName": "B", "role": "clinician"}),
        )
        .await;
    let old_request = old.ok()["requestId"].as_str().unwrap().to_owned();
    let user = server.register_clinician().await;
    // A day and a half later: the first request has ended long ago.
    server.advance(36 * 3600);
    let fresh = server.start_request(&device, json!({"email": email})).await;
    let fresh_request = fresh.ok()["requestId"].as_str().unwrap().to_owned();
    server.server.clean_up().await;
    server
        .complete(&device, &old_request, "000000")
        .await
        .error(404, "unknown_request");
    server
        .complete(&device, &fresh_request, "000000")
        .await
        .error(400, "invalid_code");
    // A session opened then still refreshes: its token lives 30 days.
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": user.refresh_token}),
        )
        .await
        .ok();
    server.stop().await;
}

async fn a_message_of_a_dead_instance_is_sent_after_its_lease(backend: Backend) {
    let lease = |settings: &mut carekey_server::Settings| settings.queue_lease_seconds = 60;
    let crashed = TestServer::start_with(backend, lease).await;
    crashed.server.stop_delivering();
    let email = unique_email();
    let device = Device::new();
    let request_id = crashed
        .request_id(&device, clinician("email", &email))
        .await;
    let survivor = crashed.another_instance(lease).await;
    crashed.stop().await;

    // Still leased to the dead instance: nobody sends it yet.
    survivor.advance(30);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(survivor.outbox_messages().is_empty());

    survivor.advance(31);
    let code = survivor.code_in_message(&email, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(survivor.outbox_messages().len(), 1, "sent once");
    survivor.complete(&device, &request_id, &code).await.ok();
    survivor.stop().await;
}

async fn a_stopping_server_hands_back_what_it_has_not_sent(backend: Backend) {
    // A mail server that accepts connections and never answers: each
    // delivery takes the whole provider timeout.
    let hole = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = hole.local_addr().unwrap().port();
    let holding = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = hole.accept().await {
            held.push(socket);
        }
    });
    let stopping = TestServer::start_with(backend, |settings| {
        with_smtp(settings, port);
        settings.provider_timeout_seconds = 2;
        settings.queue_batch_size = 1;
    })
    .await;
    let emails: Vec<String> = (0..6).map(|_| unique_email()).collect();
    for email in &emails {
        stopping
            .start_request(&Device::new(), json!({"email": email}))
            .await
            .ok();
    }
    // A working mail server for whoever sends them next.
    let sink = SupportServer::smtp_sink(0).await;
    let sink_port = sink.port;
    let survivor = stopping
        .another_instance(|settings| with_smtp(settings, sink_port))
        .await;
    survivor.server.stop_delivering();

    // Stopping sends one batch (within one provider timeout) and hands the
    // rest back, instead of trying each in turn (12 s here).
    let started = std::time::Instant::now();
    stopping.stop().await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(9), "stopping took {took:?}");
    let untried = survivor
        .count_where(
            "message_jobs",
            "status = 'pending' AND locked_until = 0 AND last_error IS NULL",
        )
        .await;
    assert!(untried >= 3, "{untried} handed back untried");
    assert_eq!(
        survivor
            .count_where("message_jobs", "locked_until > 0")
            .await,
        0
    );

    // Handed back: another instance sends them now, not after their lease
    // (60 s; the clock does not move).
    let next = survivor
        .another_instance(|settings| with_smtp(settings, sink_port))
        .await;
    let delivered = sink.wait_for(untried as usize).await;
    for mail in &delivered {
        assert!(
            emails.iter().any(|email| mail["to"] == json!([email])),
            "{mail}"
        );
    }
    next.stop().await;
    survivor.stop().await;
    holding.abort();
}
