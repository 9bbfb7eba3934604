//! Guests and preferences over HTTP, on SQLite and PostgreSQL: a guest
//! session with no name or contact, preferences kept and limited, what a
//! guest may not do, and closing a guest (never a real account). Carrying a
//! guest's notes into an account is the device's work: see
//! `crates/carekey-core/tests/guests.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, unique_phone};
use serde_json::json;

on_both_databases!(a_guest_has_a_session_preferences_and_can_be_closed);

impl TestServer {
    async fn put_settings(&self, token: &str, body: serde_json::Value) -> common::Answer {
        self.send(
            self.http
                .put(self.url("/v1/me/settings"))
                .bearer_auth(token)
                .json(&body),
        )
        .await
    }

    async fn close_guest(&self, token: &str) -> common::Answer {
        self.send(
            self.http
                .delete(self.url("/v1/me/guest"))
                .bearer_auth(token),
        )
        .await
    }
}

async fn a_guest_has_a_session_preferences_and_can_be_closed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let started = server.post("/v1/auth/guest", &json!({})).await;
    let session = started.ok().clone();
    assert_eq!(session["isNewUser"], true);
    let token = session["accessToken"].as_str().unwrap().to_owned();
    let me = server.get("/v1/me", Some(&token)).await;
    assert_eq!(me.ok()["guest"], true);
    assert_eq!(me.ok()["role"], "patient");
    assert_eq!(me.ok()["firstName"], "");
    assert!(me.ok().get("email").is_none());

    // Preferences: empty at first, kept, limited in size.
    let settings = server.get("/v1/me/settings", Some(&token)).await;
    assert_eq!(settings.ok()["values"], json!({}));
    server
        .put_settings(&token, json!({"values": {"theme": "dark"}}))
        .await
        .ok();
    let settings = server.get("/v1/me/settings", Some(&token)).await;
    assert_eq!(settings.ok()["values"]["theme"], "dark");
    server
        .put_settings(&token, json!({"values": {"big": "x".repeat(5000)}}))
        .await
        .error(400, "invalid_request");
    server
        .put_settings(&token, json!({"values": 5}))
        .await
        .error(400, "invalid_request");
    assert_eq!(
        server.get("/v1/me/settings", Some(&token)).await.ok()["values"]["theme"],
        "dark",
        "a refused change loses nothing"
    );

    // A guest has no login to prove a phone number for.
    let refused = server
        .send(
            server
                .http
                .post(server.url("/v1/me/phone"))
                .bearer_auth(&token)
                .json(&json!({"phone": unique_phone()})),
        )
        .await;
    refused.error(400, "invalid_request");

    // A real account cannot be closed this way; a guest can, once.
    let clinician = server.register_clinician().await;
    server
        .close_guest(&clinician.access_token)
        .await
        .error(400, "invalid_request");
    assert_eq!(server.close_guest(&token).await.status, 204);
    server
        .get("/v1/me", Some(&token))
        .await
        .error(401, "invalid_token");
    let refresh = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": session["refreshToken"]}),
        )
        .await;
    refresh.error(401, "invalid_token");
    server.stop().await;
}
