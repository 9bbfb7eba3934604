//! Where an account is logged in (issue 16): its sessions listed for its
//! owner with each device's name and when it was last seen, one ended or
//! all others, against a real server on port 0, on SQLite and PostgreSQL.
//! A device whose session its owner ended is told why at its next refresh;
//! nobody can list or end another account's sessions.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, Registered, TestServer, unique_email};
use serde_json::{Value, json};

on_both_databases!(
    an_account_lists_its_sessions_and_ends_one_or_all_others,
    nobody_lists_or_ends_the_sessions_of_another_account,
    a_session_shows_where_its_login_came_from_only_with_a_places_database,
);

/// Logs `email` in from a new device that calls itself `device` (no name
/// at all when `None`).
async fn log_in_from(server: &TestServer, email: &str, device: Option<&str>) -> Registered {
    let mut body = json!({"email": email});
    if let Some(device) = device {
        body["deviceName"] = json!(device);
    }
    server.sign_in(body).await
}

async fn sessions_of(server: &TestServer, user: &Registered) -> Vec<Value> {
    server
        .get("/v1/me/sessions", Some(&user.access_token))
        .await
        .ok()["sessions"]
        .as_array()
        .unwrap()
        .clone()
}

async fn delete(server: &TestServer, path: &str, token: &str) -> common::Answer {
    server
        .send(server.http.delete(server.url(path)).bearer_auth(token))
        .await
}

async fn refresh(server: &TestServer, user: &Registered) -> common::Answer {
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": user.refresh_token}),
        )
        .await
}

async fn an_account_lists_its_sessions_and_ends_one_or_all_others(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let laptop = server
        .sign_in(json!({
            "email": email,
            "firstName": "Lisa",
            "lastName": "Cuddy",
            "role": "clinician",
            "deviceName": "Lisa's laptop",
        }))
        .await;
    server.advance(60);
    let phone = log_in_from(&server, &email, Some("Lisa's\u{7} phone")).await;
    server.advance(60);
    let tablet = log_in_from(&server, &email, None).await;

    let listed = sessions_of(&server, &laptop).await;
    assert_eq!(listed.len(), 3, "{listed:?}");
    // The most recently seen first: the tablet, then the phone.
    assert_eq!(
        listed[1]["deviceName"], "Lisa's phone",
        "control characters dropped"
    );
    assert_eq!(listed[2]["deviceName"], "Lisa's laptop");
    assert!(
        listed[0]["deviceName"]
            .as_str()
            .is_some_and(|name| !name.is_empty()),
        "a device that gave no name is named by its User-Agent: {listed:?}"
    );
    let this: Vec<bool> = listed
        .iter()
        .map(|session| session["thisDevice"].as_bool().unwrap())
        .collect();
    assert_eq!(this, [false, false, true], "the laptop asked");
    let phone_session = listed[1]["id"].as_str().unwrap().to_owned();

    // The phone refreshes later: it is now the last seen.
    server.advance(120);
    let phone = Registered {
        refresh_token: refresh(&server, &phone).await.ok()["refreshToken"]
            .as_str()
            .unwrap()
            .to_owned(),
        ..phone
    };
    let listed = sessions_of(&server, &laptop).await;
    assert_eq!(listed[0]["id"], phone_session.as_str());
    assert!(listed[0]["lastSeenAt"].as_str() > listed[0]["createdAt"].as_str());

    // The laptop ends the phone's session: the phone is told why.
    delete(
        &server,
        &format!("/v1/me/sessions/{phone_session}"),
        &laptop.access_token,
    )
    .await
    .ok();
    refresh(&server, &phone).await.error(401, "session_revoked");
    server
        .get("/v1/me", Some(&phone.access_token))
        .await
        .error(401, "invalid_token");
    assert_eq!(sessions_of(&server, &laptop).await.len(), 2);
    // Ending it again: nothing to end.
    delete(
        &server,
        &format!("/v1/me/sessions/{phone_session}"),
        &laptop.access_token,
    )
    .await
    .error(404, "not_found");

    // All others: the tablet goes, the laptop stays.
    let ended = server
        .post_as(
            "/v1/me/sessions/revoke-others",
            &laptop.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(ended.ok()["revoked"], 1);
    refresh(&server, &tablet)
        .await
        .error(401, "session_revoked");
    let listed = sessions_of(&server, &laptop).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["thisDevice"], true);

    // Ending its own session is logging out (no "ended elsewhere" reason).
    let own = listed[0]["id"].as_str().unwrap().to_owned();
    delete(
        &server,
        &format!("/v1/me/sessions/{own}"),
        &laptop.access_token,
    )
    .await
    .ok();
    refresh(&server, &laptop).await.error(401, "invalid_token");
    server.stop().await;
}

async fn nobody_lists_or_ends_the_sessions_of_another_account(backend: Backend) {
    let server = TestServer::start(backend).await;
    let lisa = server.register_clinician().await;
    let greg = server.register_clinician().await;
    let lisas = sessions_of(&server, &lisa).await;
    let lisa_session = lisas[0]["id"].as_str().unwrap().to_owned();

    // Greg sees only his own session, and cannot end Lisa's.
    let gregs = sessions_of(&server, &greg).await;
    assert_eq!(gregs.len(), 1);
    assert_ne!(gregs[0]["id"], lisa_session.as_str());
    delete(
        &server,
        &format!("/v1/me/sessions/{lisa_session}"),
        &greg.access_token,
    )
    .await
    .error(404, "not_found");
    let ended = server
        .post_as(
            "/v1/me/sessions/revoke-others",
            &greg.access_token,
            &json!({}),
        )
        .await;
    assert_eq!(ended.ok()["revoked"], 0);
    server.get("/v1/me", Some(&lisa.access_token)).await.ok();
    refresh(&server, &lisa).await.ok();

    // Without a session, or with a forged one: nothing.
    server
        .get("/v1/me/sessions", None)
        .await
        .error(401, "invalid_token");
    delete(
        &server,
        &format!("/v1/me/sessions/{lisa_session}"),
        "forged",
    )
    .await
    .error(401, "invalid_token");
    server.stop().await;
}

/// A places database written by tests/support/places_db.py (London for
/// 81.2.69.0/24, Belgium for 2001:db8::/32) into `dir`.
fn places_database(dir: &std::path::Path) -> String {
    let path = dir.join("places.mmdb");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/places_db.py");
    let status = std::process::Command::new(common::python())
        .arg(script)
        .arg(&path)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "places_db.py failed: run `bash tests/setup.sh` (it installs mmdb-writer into target/test-python)"
    );
    path.to_string_lossy().into_owned()
}

/// Logs `email` in as if from `network` (the server trusts 127.0.0.1 as
/// its proxy); the `nth` message to `email` holds the code.
async fn log_in_from_network(
    server: &TestServer,
    email: &str,
    network: &str,
    nth: usize,
) -> String {
    let device = Device::new();
    let started = server.start_from(network, email, &device).await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(email, nth).await;
    let session = server.complete(&device, &request_id, &code).await;
    session.ok()["accessToken"].as_str().unwrap().to_owned()
}

async fn a_session_shows_where_its_login_came_from_only_with_a_places_database(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let database = places_database(dir.path());
    let server = TestServer::start_with(backend, |settings| {
        settings.trusted_proxies = "127.0.0.1/32".into();
        settings.ip_places_database = Some(database);
    })
    .await;
    let email = unique_email();
    server
        .sign_in(json!({"email": email, "firstName": "Ada", "lastName": "Lovelace", "role": "clinician"}))
        .await;
    log_in_from_network(&server, &email, "81.2.69.160", 2).await;
    let token = log_in_from_network(&server, &email, "2001:db8::7", 3).await;
    let sessions = server.get("/v1/me/sessions", Some(&token)).await;
    let places: Vec<Option<&str>> = sessions.ok()["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|session| session["place"].as_str())
        .collect();
    // Newest first: Belgium (no city known), London, then the loopback
    // address of the registration, which no database places.
    assert_eq!(
        places,
        [Some("Belgium"), Some("London, United Kingdom"), None]
    );

    // Without a database, no place at all.
    let plain = TestServer::start_with(backend, |settings| {
        settings.trusted_proxies = "127.0.0.1/32".into();
    })
    .await;
    let email = unique_email();
    plain
        .sign_in(json!({"email": email, "firstName": "Ada", "lastName": "Lovelace", "role": "clinician"}))
        .await;
    let token = log_in_from_network(&plain, &email, "81.2.69.160", 2).await;
    let sessions = plain.get("/v1/me/sessions", Some(&token)).await;
    assert!(
        sessions.ok()["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|session| session.get("place").is_none())
    );
}
