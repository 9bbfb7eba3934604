//! The operator's subcommands of `carekey-server`, run as the binary the
//! way an operator runs them: beside a server that keeps serving.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, TestServer};
use serde_json::Value;
use sqlx::ConnectOptions;
use std::collections::BTreeSet;
use std::str::FromStr;
use std::sync::{Arc, Mutex};

const BINARY: &str = env!("CARGO_BIN_EXE_carekey-server");

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
