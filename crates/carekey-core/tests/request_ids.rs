//! One id per call, in the app's log and in the server's: what support needs
//! to find both sides of a call that went wrong. The client and a real server
//! (port 0) run in this test's process, and what both log is captured, as
//! the app's log file captures the built-in server's.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{memory, server};
use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use tracing_subscriber::fmt::MakeWriter;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

/// The value of `field=` in a log line.
fn field<'a>(line: &'a str, field: &str) -> Option<&'a str> {
    line.split(&format!("{field}="))
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_call_is_logged_by_the_app_and_the_server_under_one_id_and_the_log_keeps_no_secret() {
    let captured = Captured::default();
    tracing::subscriber::set_global_default(
        tracing_subscriber::fmt()
            .with_writer(captured.clone())
            .with_ansi(false)
            .with_env_filter("info")
            .finish(),
    )
    .unwrap();

    let server = server(|_| {}).await;
    let (client, email) = server.logged_in_clinician(&memory(), "request-id").await;
    let code = server.code(&email, 1).await;
    client.profile().await.unwrap();

    let log = captured.text();
    let calls: Vec<&str> = log.lines().filter(|l| l.contains("api call")).collect();
    assert!(calls.len() >= 3, "{log}");
    let mut ids = HashSet::new();
    for call in &calls {
        let id = field(call, "request_id").expect("a call names its id");
        let path = field(call, "path").unwrap();
        assert!(ids.insert(id.to_owned()), "one id per call: {id} twice");
        assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
        let answered: Vec<&str> = log
            .lines()
            .filter(|line| line.contains(&format!("request{{id={id}}}")))
            .filter(|line| line.contains("http request"))
            .collect();
        assert_eq!(
            answered.len(),
            1,
            "the server logged {path} ({id}) once: {log}"
        );
        assert_eq!(field(answered[0], "route"), Some(path));
        assert_eq!(field(answered[0], "status"), field(call, "status"));
    }

    // What the log must not hold: the code and the whole address.
    assert!(!log.contains(&email), "{log}");
    for line in log.lines() {
        let words: Vec<&str> = line.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        for (n, word) in words.iter().enumerate() {
            let a_duration = n > 0 && matches!(words[n - 1], "micros" | "millis");
            assert!(a_duration || *word != code, "the code in the log: {line}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_answers_with_the_callers_request_id_or_a_new_one_when_it_could_forge_a_line() {
    let server = server(|_| {}).await;
    let http = reqwest::Client::new();
    let health = format!("{}/healthz", server.running.url());
    let answer = http
        .get(&health)
        .header(carekey_api::REQUEST_ID_HEADER, "support-case.42")
        .send()
        .await
        .unwrap();
    assert_eq!(
        answer.headers()[carekey_api::REQUEST_ID_HEADER],
        "support-case.42"
    );
    for forged in ["a\" status=200", "two words", ""] {
        let answer = http
            .get(&health)
            .header(carekey_api::REQUEST_ID_HEADER, forged)
            .send()
            .await
            .unwrap();
        let given = answer.headers()[carekey_api::REQUEST_ID_HEADER]
            .to_str()
            .unwrap();
        assert_ne!(given, forged);
        assert!(uuid::Uuid::parse_str(given).is_ok(), "{given}");
    }
    let answer = http.get(&health).send().await.unwrap();
    let given = answer.headers()[carekey_api::REQUEST_ID_HEADER]
        .to_str()
        .unwrap();
    assert!(uuid::Uuid::parse_str(given).is_ok(), "{given}");
}
