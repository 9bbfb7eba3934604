//! Guests and preferences over HTTP, on SQLite and PostgreSQL: a guest
//! session with no name or contact, preferences kept and limited, what a
//! guest may not do, and closing a guest (never a real account), and the janitor deleting guests
//! nobody can come back to. Carrying a
//! guest's notes into an account is the device's work: see
//! `crates/carekey-core/tests/guests.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer, unique_phone};
use serde_json::json;

on_both_databases!(a_guest_has_a_session_preferences_and_can_be_closed);
on_both_databases!(guests_nobody_can_come_back_to_are_deleted);

impl TestServer {
    async fn put_settings(&self, token: &str, body: serde_json::Value) -> common::Answer {
        self.put("/v1/me/settings", token, &body).await
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
        .post_as("/v1/me/phone", &token, &json!({"phone": unique_phone()}))
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

/// A new guest with a preference set: its id, access and refresh tokens.
async fn new_guest(server: &TestServer) -> (String, String, String) {
    let session = server.post("/v1/auth/guest", &json!({})).await.ok().clone();
    let token = session["accessToken"].as_str().unwrap().to_owned();
    server
        .put_settings(&token, json!({"values": {"theme": "dark"}}))
        .await
        .ok();
    let id = server.get("/v1/me", Some(&token)).await.ok()["userId"]
        .as_str()
        .unwrap()
        .to_owned();
    let refresh = session["refreshToken"].as_str().unwrap().to_owned();
    (id, token, refresh)
}

async fn guests_nobody_can_come_back_to_are_deleted(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (gone, _, _) = new_guest(&server).await;
    let (kept, _, kept_refresh) = new_guest(&server).await;
    let (logged_out, logged_out_token, logged_out_refresh) = new_guest(&server).await;
    let clinician = server.register_clinician().await;
    let user = |id: &str| format!("id = '{id}'");

    // A guest who logged out can never come back; but the clean-up leaves
    // guests alone for their first day.
    let logout = server
        .post_as(
            "/v1/auth/logout",
            &logged_out_token,
            &json!({"refreshToken": logged_out_refresh}),
        )
        .await;
    assert_eq!(logout.status, 204);
    server.server.clean_up().await;
    assert_eq!(server.count_where("users", &user(&logged_out)).await, 1);

    // Twenty days on, one guest's device refreshes; another never comes back.
    server.advance(20 * 24 * 3600);
    let refreshed = server
        .post("/v1/auth/refresh", &json!({"refreshToken": kept_refresh}))
        .await;
    let kept_refresh = refreshed.ok()["refreshToken"].as_str().unwrap().to_owned();
    server.server.clean_up().await;
    assert_eq!(server.count_where("users", &user(&logged_out)).await, 0);
    assert_eq!(server.count_where("users", &user(&gone)).await, 1);

    // Past its first token's 30 days, that guest can never be used again.
    server.advance(11 * 24 * 3600);
    server.server.clean_up().await;
    assert_eq!(server.count_where("users", &user(&gone)).await, 0);
    let owned_by_the_gone = format!("user_id IN ('{gone}', '{logged_out}')");
    assert_eq!(
        server
            .count_where("user_settings", &owned_by_the_gone)
            .await,
        0
    );
    assert_eq!(server.count_where("sessions", &owned_by_the_gone).await, 0);

    // The guest who came back, and the real account, are untouched.
    assert_eq!(server.count_where("users", &user(&kept)).await, 1);
    assert_eq!(
        server.count_where("users", &user(&clinician.user_id)).await,
        1
    );
    let session = server
        .post("/v1/auth/refresh", &json!({"refreshToken": kept_refresh}))
        .await;
    let token = session.ok()["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(
        server.get("/v1/me/settings", Some(&token)).await.ok()["values"]["theme"],
        "dark"
    );
    server.stop().await;
}
