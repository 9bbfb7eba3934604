//! The durable queue across a crash: a message leased to an instance that
//! died before sending it is sent by another once the lease runs out, once.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer, clinician, unique_email};
use serde_json::json;
use std::time::Duration;

on_both_databases!(
    a_message_of_a_dead_instance_is_sent_after_its_lease,
    the_janitor_removes_only_what_has_ended,
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
