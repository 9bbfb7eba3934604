//! The operator's subcommands of `carekey-server`, run as the binary the
//! way an operator runs them: beside a server that keeps serving.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer, unique_email, unique_phone};
use serde_json::{Value, json};
use sqlx::ConnectOptions;
use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

const BINARY: &str = env!("CARGO_BIN_EXE_carekey-server");

on_both_databases!(
    an_operator_finds_an_account_by_id_email_or_phone,
    revoking_sessions_stops_their_tokens_at_once,
    unlock_lifts_the_lock_that_wrong_codes_put_on_an_email,
);

/// `carekey-server --json ARGS` on `database_url`.
async fn operator(database_url: &str, args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(BINARY)
        .arg("--json")
        .args(args)
        .env("CAREKEY_DATABASE_URL", database_url)
        .output()
        .await
        .unwrap()
}

/// What a successful `operator` call reported.
async fn reported(database_url: &str, args: &[&str]) -> Value {
    let output = operator(database_url, args).await;
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

async fn an_operator_finds_an_account_by_id_email_or_phone(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.database_url.clone();
    let email = unique_email();
    let by_email = server
        .sign_in(json!({"email": email, "firstName": "Ada", "lastName": "Lovelace", "role": "clinician"}))
        .await;
    let phone = unique_phone();
    let by_phone = server
        .sign_in(json!({"phone": phone, "firstName": "Grace", "lastName": "Hopper", "role": "clinician"}))
        .await;

    let listed = reported(&db, &["users", "list"]).await;
    let ids: Vec<&str> = listed["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|user| user["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [by_phone.user_id.as_str(), by_email.user_id.as_str()],
        "newest first"
    );
    let one = reported(&db, &["users", "list", "--limit", "1"]).await;
    assert_eq!(one["users"].as_array().unwrap().len(), 1);
    assert_eq!(one["more"], true);

    // As support is asked: the address as the person types it.
    for who in [email.to_uppercase(), by_email.user_id.clone()] {
        let shown = reported(&db, &["users", "show", &who]).await;
        assert_eq!(shown["user"]["id"], by_email.user_id.as_str());
        assert_eq!(shown["user"]["firstName"], "Ada");
        assert_eq!(shown["user"]["activeSessions"], 1);
        assert_eq!(shown["sessions"].as_array().unwrap().len(), 1);
    }
    let spaced = format!("{} {}", &phone[..3], &phone[3..]);
    let shown = reported(&db, &["users", "show", &spaced]).await;
    assert_eq!(shown["user"]["id"], by_phone.user_id.as_str());

    let unknown = operator(&db, &["users", "show", "nobody@example.org"]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));
    let garbage = operator(&db, &["users", "show", "not a person"]).await;
    common::process::assert_refused(&garbage, "not a user id");
    server.stop().await;
}

async fn revoking_sessions_stops_their_tokens_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.database_url.clone();
    let ada = server.register_clinician().await;
    let grace = server.register_clinician().await;
    let ada_email = server.email_of(&ada).await;

    let revoked = reported(&db, &["sessions", "revoke", "--user", &ada_email]).await;
    assert_eq!(revoked["user"], ada.user_id.as_str());
    assert_eq!(revoked["sessions"], 1);
    // Her access token, minutes from expiring, no longer works; neither does
    // her refresh token. Grace is untouched.
    assert_eq!(
        server.get("/v1/me", Some(&ada.access_token)).await.status,
        401
    );
    let refreshed = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": ada.refresh_token}),
        )
        .await;
    assert_eq!(refreshed.status, 401, "{}", refreshed.body);
    server.get("/v1/me", Some(&grace.access_token)).await.ok();
    let shown = reported(&db, &["users", "show", &ada.user_id]).await;
    assert_eq!(shown["sessions"][0]["revokedReason"], "revoked_by_operator");
    assert_eq!(shown["user"]["activeSessions"], 0);

    let everyone = reported(&db, &["sessions", "revoke", "--all"]).await;
    assert_eq!(everyone["sessions"], 1, "only Grace's was still active");
    assert_eq!(
        server.get("/v1/me", Some(&grace.access_token)).await.status,
        401
    );
    // A login afterwards works as ever.
    server.sign_in(json!({"email": ada_email})).await;

    let neither = operator(&db, &["sessions", "revoke"]).await;
    assert_eq!(
        neither.status.code(),
        Some(2),
        "--user or --all is required"
    );
    server.stop().await;
}

async fn unlock_lifts_the_lock_that_wrong_codes_put_on_an_email(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.max_consecutive_failures = 2;
        settings.failure_lockout_seconds = 600;
        settings.trusted_proxies = "127.0.0.1/32".into();
    })
    .await;
    let db = server.database_url.clone();
    let user = server.register_clinician().await;
    let email = server.email_of(&user).await;
    // From a network the owner never logged in from, as in the lockout's
    // own test (auth_flows.rs).
    let device = Device::new();
    let started = server.start_from("198.51.100.9", &email, &device).await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(&email, 2).await;
    let wrong = if code == "999999" { "888888" } else { "999999" };
    for _ in 0..2 {
        server
            .complete(&device, &request_id, wrong)
            .await
            .error(400, "invalid_code");
    }
    server.advance(61);
    server
        .start_from("198.51.100.9", &email, &device)
        .await
        .error(429, "too_many_attempts");

    let unlocked = reported(&db, &["unlock", &email.to_uppercase()]).await;
    assert_eq!(unlocked["wasLocked"], true, "{unlocked}");
    assert_eq!(unlocked["identifier"], email.as_str());
    server
        .start_from("198.51.100.9", &email, &device)
        .await
        .ok();
    let again = reported(&db, &["unlock", &email]).await;
    assert_eq!(again["wasLocked"], false);
    let by_id = operator(&db, &["unlock", &user.user_id]).await;
    common::process::assert_refused(&by_id, "not an id");
    server.stop().await;
}

/// `carekey-server backup --json --to FILE` on `database_url`.
async fn backup(database_url: &str, to: &std::path::Path) -> std::process::Output {
    tokio::process::Command::new(BINARY)
        .args(["backup", "--json", "--to", to.to_str().unwrap()])
        .env("CAREKEY_DATABASE_URL", database_url)
        .output()
        .await
        .unwrap()
}

async fn open_copy(path: &std::path::Path) -> sqlx::SqliteConnection {
    sqlx::sqlite::SqliteConnectOptions::from_str("sqlite://")
        .unwrap()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_taken_under_write_load_opens_and_holds_every_committed_login() {
    let server = Arc::new(TestServer::start(Backend::Sqlite).await);
    let committed = Arc::new(Mutex::new(Vec::<String>::new()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut writers = Vec::new();
    for _ in 0..4 {
        let (server, committed, stopped) = (server.clone(), committed.clone(), stopped.clone());
        writers.push(tokio::spawn(async move {
            while !*stopped.borrow() {
                let clinician = server.register_clinician().await;
                committed.lock().unwrap().push(clinician.user_id);
            }
        }));
    }
    // Some logins before, more during the copy.
    while committed.lock().unwrap().len() < 20 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let before: BTreeSet<String> = committed.lock().unwrap().iter().cloned().collect();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("carekey-backup.db");
    let output = backup(&server.database_url, &copy).await;
    let during = committed.lock().unwrap().len();
    stop.send(true).unwrap();
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["bytes"].as_u64().unwrap() > 0, "{report}");
    assert!(during > before.len(), "logins went on while it copied");

    let mut connection = open_copy(&copy).await;
    let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut connection)
        .await
        .unwrap();
    assert_eq!(verdict, "ok");
    let users: BTreeSet<String> = sqlx::query_scalar("SELECT id FROM users")
        .fetch_all(&mut connection)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let missing: Vec<_> = before.difference(&users).collect();
    assert!(
        missing.is_empty(),
        "logins committed before the backup are missing: {missing:?}"
    );
    assert_eq!(report["users"], users.len() as i64, "{report}");
    // Each login's session came with it: its user and session rows are one
    // transaction, and the copy is one snapshot.
    let without_session: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM users WHERE id NOT IN (SELECT user_id FROM sessions)",
    )
    .fetch_one(&mut connection)
    .await
    .unwrap();
    assert_eq!(without_session, 0);
    // No half-written file was left beside it.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["carekey-backup.db"]);
}

#[tokio::test]
async fn a_backup_never_overwrites_a_file_and_points_postgresql_to_its_tools() {
    let server = TestServer::start(Backend::Sqlite).await;
    let dir = tempfile::tempdir().unwrap();
    let existing = dir.path().join("yesterday.db");
    std::fs::write(&existing, b"yesterday's backup").unwrap();
    let output = backup(&server.database_url, &existing).await;
    common::process::assert_refused(&output, "exists already");
    assert_eq!(std::fs::read(&existing).unwrap(), b"yesterday's backup");

    let postgres = common::new_postgres_database().await;
    let output = backup(&postgres, &dir.path().join("pg.db")).await;
    common::process::assert_refused(&output, "pg_dump");
    assert!(!dir.path().join("pg.db").exists());
}
