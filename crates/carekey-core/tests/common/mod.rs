//! What the client-core tests share: a real server on port 0 (SQLite,
//! outbox, a clock the test moves), codes read from its outbox, accounts.

#![allow(dead_code)]
// Test support: a failed setup panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use carekey_api::Role;
use carekey_core::vault::{MemoryStore, SecretStore};
use carekey_core::{Client, Contact, NewAccount};
use carekey_server::{Clock, RunningServer, Settings};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

pub struct Server {
    pub running: RunningServer,
    pub clock: Clock,
    pub outbox: PathBuf,
    pub dir: tempfile::TempDir,
}

/// The admin API's token of the test servers (where `/metrics` is).
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef0123";

pub async fn server(configure: impl FnOnce(&mut Settings)) -> Server {
    let dir = tempfile::tempdir().unwrap();
    let mut settings = Settings {
        listen: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}", dir.path().join("carekey.db").display()),
        outbox_file: dir.path().join("outbox.jsonl").display().to_string(),
        admin_listen: Some("127.0.0.1:0".into()),
        admin_token: Some(ADMIN_TOKEN.into()),
        ..Settings::default()
    };
    configure(&mut settings);
    let outbox = PathBuf::from(&settings.outbox_file);
    let clock = Clock::manual();
    let running = carekey_server::start_with_clock(settings, clock.clone())
        .await
        .unwrap();
    Server {
        running,
        clock,
        outbox,
        dir,
    }
}

impl Server {
    pub fn client(&self, store: &Arc<dyn SecretStore>) -> Client {
        Client::new(&self.running.url(), store.clone(), "session:test".into()).unwrap()
    }

    /// A client logged in as a new clinician, by email (a unique one
    /// starting with `prefix`): the client and the email.
    pub async fn logged_in_clinician(
        &self,
        store: &Arc<dyn SecretStore>,
        prefix: &str,
    ) -> (Client, String) {
        let email = unique(prefix);
        let client = self.client(store);
        client
            .start(&email_contact(&email), Some(&clinician()))
            .await
            .unwrap();
        let code = self.code(&email, 1).await;
        client.complete(&code).await.unwrap();
        (client, email)
    }

    /// The code in the `nth` message to `to`.
    pub async fn code(&self, to: &str, nth: usize) -> String {
        code_in(&message_in(&self.outbox, to, nth).await)
    }

    pub async fn refreshes(&self) -> u64 {
        let admin = self.running.admin_url().unwrap();
        let text = reqwest::Client::new()
            .get(format!("{admin}/metrics"))
            .bearer_auth(ADMIN_TOKEN)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .filter(|line| {
                line.contains("route=\"/v1/auth/refresh\"")
                    && line.starts_with("carekey_http_requests_total")
            })
            .filter_map(|line| line.rsplit(' ').next()?.parse::<u64>().ok())
            .sum()
    }
}

pub fn memory() -> Arc<dyn SecretStore> {
    Arc::new(MemoryStore::default())
}

pub fn email_contact(email: &str) -> Contact {
    Contact {
        email: Some(email.into()),
        ..Contact::default()
    }
}

pub fn clinician() -> NewAccount {
    NewAccount {
        first_name: "Gregory".into(),
        last_name: "House".into(),
        role: Role::Clinician,
        responsible_clinician_id: None,
        invitation: None,
    }
}

/// The access token of the session a client saved in `store`.
pub fn access_token(store: &Arc<dyn SecretStore>) -> String {
    let saved: Value =
        serde_json::from_slice(&store.get("session:test").unwrap().unwrap()).unwrap();
    saved["accessToken"].as_str().unwrap().to_owned()
}

/// Stores `envelope` as the password backup of the session in `store` the
/// way an app before envelope format 2 did: the envelope alone, through
/// the API.
pub async fn store_envelope_alone(server_url: &str, store: &Arc<dyn SecretStore>, envelope: &[u8]) {
    use base64::Engine;
    let stored = reqwest::Client::new()
        .put(format!("{server_url}/v1/me/backups/password"))
        .bearer_auth(access_token(store))
        .json(&serde_json::json!({
            "envelope": base64::engine::general_purpose::STANDARD.encode(envelope),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(stored.status().as_u16(), 200, "the envelope was not stored");
}

/// An email address no other test uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    format!("{prefix}-{}-{n}@example.com", std::process::id())
}

/// The link in the `nth` message to `to`, parsed as the app parses it.
pub async fn link_for(
    server: &Server,
    to: &str,
    nth: usize,
) -> (String, carekey_core::links::AppLink) {
    let url = link_in(&message_in(&server.outbox, to, nth).await);
    let link = carekey_core::links::parse(&url, &server.running.url()).unwrap();
    (url, link)
}

/// Approves a login from "another device": the link's page, then the
/// number the starting device shows.
pub async fn approve(url: &str, number: u8) {
    let approved = reqwest::Client::new()
        .post(format!("{url}/approve"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("number={number}"))
        .send()
        .await
        .unwrap();
    assert_eq!(approved.status().as_u16(), 200);
}

pub const APP_SECRET: &str = "meta-app-secret-of-the-tests";

/// Posts `text` from `from` to the server's webhook as the Cloud API does.
pub async fn send_from_whatsapp(server_url: &str, from: &str, text: &str) -> u16 {
    let body = serde_json::json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "messages": [{"from": from.trim_start_matches('+'), "id": format!("wamid.{}", unique("m")),
                          "timestamp": "1763800000", "type": "text", "text": {"body": text}}]
        }}]}]
    })
    .to_string();
    reqwest::Client::new()
        .post(format!("{server_url}/v1/webhooks/whatsapp"))
        .header(
            "x-hub-signature-256",
            carekey_server::webhook_signature(APP_SECRET.as_bytes(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The `nth` message to `to` in `outbox`, waiting for it (a last line still
/// being written, with no newline yet, is left for the next look).
pub async fn message_in(outbox: &std::path::Path, to: &str, nth: usize) -> Value {
    for _ in 0..500 {
        let text = std::fs::read_to_string(outbox).unwrap_or_default();
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        let found = complete
            .lines()
            .map(|line| serde_json::from_str::<Value>(line).unwrap())
            .filter(|message| message["to"] == to)
            .nth(nth - 1);
        if let Some(message) = found {
            return message;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no message {nth} to {to}");
}

/// The code in `message`: a word of its own (a link's token can hold six
/// digits in a row).
pub fn code_in(message: &Value) -> String {
    message["body"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .find(|word| word.len() == 6 && word.bytes().all(|b| b.is_ascii_digit()))
        .unwrap()
        .to_owned()
}

/// The magic link in `message`.
pub fn link_in(message: &Value) -> String {
    message["body"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .find(|word| word.contains("/l/"))
        .unwrap()
        .to_owned()
}

/// Settings of a server kept in `dir` and listening on `listen`, so that a
/// test can stop it and start it again on the same address and data.
pub fn restartable(dir: &std::path::Path, listen: &str) -> Settings {
    Settings {
        listen: listen.into(),
        database_url: format!("sqlite://{}", dir.join("carekey.db").display()),
        outbox_file: dir.join("outbox.jsonl").display().to_string(),
        ..Settings::default()
    }
}

/// What a spawned wait answered, within `seconds`.
pub async fn finished<T>(waiting: tokio::task::JoinHandle<T>, seconds: u64) -> T {
    tokio::time::timeout(Duration::from_secs(seconds), waiting)
        .await
        .expect("the wait ends in time")
        .expect("the wait does not panic")
}

/// A fresh, empty PostgreSQL database on the server `tests/run.sh` starts
/// (`CAREKEY_TEST_POSTGRES_URL`); answers its URL. Never skips: without
/// that server the test fails saying so.
pub async fn new_postgres_database() -> String {
    use sqlx::Connection;
    let admin = std::env::var("CAREKEY_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "CAREKEY_TEST_POSTGRES_URL is not set: run the tests with `bash tests/run.sh`, \
             which starts PostgreSQL"
        )
    });
    let name = format!("carekey_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|error| panic!("cannot reach PostgreSQL at {admin}: {error}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .unwrap();
    let (base, _) = admin.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}
