//! A person changes their own name (issue 16, profile), against a real
//! server on port 0, on SQLite and PostgreSQL: checked as at registration,
//! their own account only, never a guest's.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer};
use serde_json::json;

on_both_databases!(a_person_changes_their_name_and_bad_names_change_nothing);

async fn rename(server: &TestServer, token: &str, first: &str, last: &str) -> common::Answer {
    let body = json!({"firstName": first, "lastName": last});
    server.put("/v1/me/name", token, &body).await
}

async fn a_person_changes_their_name_and_bad_names_change_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let greg = server.register_clinician().await;
    let token = greg.access_token.as_str();

    let renamed = rename(&server, token, "  Gregory ", "House-Cuddy").await;
    assert_eq!(renamed.ok()["firstName"], "Gregory");
    assert_eq!(renamed.ok()["lastName"], "House-Cuddy");
    let me = server.get("/v1/me", Some(token)).await;
    assert_eq!(me.ok()["lastName"], "House-Cuddy");

    // Blank, too long, or with a control character: refused, nothing changes.
    for (first, last) in [
        ("", "House"),
        ("Gregory", "   "),
        (&"G".repeat(101)[..], "House"),
        ("Greg\u{0}ory", "House"),
    ] {
        rename(&server, token, first, last)
            .await
            .error(400, "invalid_request");
    }
    server
        .put("/v1/me/name", token, &json!({"firstName": "Gregory"}))
        .await
        .error(400, "invalid_request");
    let me = server.get("/v1/me", Some(token)).await;
    assert_eq!(
        (me.ok()["firstName"].as_str(), me.ok()["lastName"].as_str()),
        (Some("Gregory"), Some("House-Cuddy"))
    );

    // Another account is untouched; a guest has no name to change; no
    // session, no change.
    let lisa = server.register_clinician().await;
    assert_eq!(
        server.get("/v1/me", Some(&lisa.access_token)).await.ok()["lastName"],
        "House"
    );
    let guest = server
        .post("/v1/auth/guest", &json!({"deviceName": "a kiosk"}))
        .await;
    let guest_token = guest.ok()["accessToken"].as_str().unwrap().to_owned();
    server
        .put(
            "/v1/me/name",
            &guest_token,
            &json!({"firstName": "Anon", "lastName": "Ymous"}),
        )
        .await
        .error(400, "invalid_request");
    server
        .put(
            "/v1/me/name",
            "forged",
            &json!({"firstName": "Eve", "lastName": "Attacker"}),
        )
        .await
        .error(401, "invalid_token");
    server.stop().await;
}
