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
    a_disabled_account_neither_logs_in_nor_uses_its_sessions_until_enabled,
    deleting_an_account_takes_everything_it_owns_and_the_audit_keeps_only_its_id,
    a_clinician_whom_patients_name_is_deleted_only_when_they_are_released,
    the_queue_shows_what_was_given_up_and_sends_a_registration_again_once,
    rotating_the_signing_key_keeps_every_live_session_working,
    the_key_of_a_server_before_rotation_keeps_signing_after_the_upgrade,
    the_admin_api_answers_only_its_token_and_only_on_its_own_listener,
    an_operators_template_words_the_messages_and_a_broken_one_stops_the_start,
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

async fn a_disabled_account_neither_logs_in_nor_uses_its_sessions_until_enabled(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.database_url.clone();
    let ada = server.register_clinician().await;
    let grace = server.register_clinician().await;
    let email = server.email_of(&ada).await;

    let disabled = reported(&db, &["users", "disable", &email]).await;
    assert_eq!(disabled["changed"], true, "{disabled}");
    assert_eq!(disabled["sessionsRevoked"], 1);
    server
        .get("/v1/me", Some(&ada.access_token))
        .await
        .error(403, "account_disabled");
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": ada.refresh_token}),
        )
        .await
        .error(401, "invalid_token");
    server.get("/v1/me", Some(&grace.access_token)).await.ok();

    // Only someone with the right code learns that the account is
    // disabled; a wrong code is counted as ever.
    let device = Device::new();
    let request_id = server.request_id(&device, json!({"email": email})).await;
    let code = server.code_in_message(&email, 2).await;
    let wrong = if code == "999999" { "888888" } else { "999999" };
    let answer = server.complete(&device, &request_id, wrong).await;
    assert_eq!(answer.error(400, "invalid_code")["attemptsLeft"], 4);
    server
        .complete(&device, &request_id, &code)
        .await
        .error(403, "account_disabled");
    assert_eq!(
        server
            .count_where(
                "sessions",
                &format!("user_id = '{}' AND revoked_at IS NULL", ada.user_id)
            )
            .await,
        0,
        "no session opened"
    );
    let again = reported(&db, &["users", "disable", &ada.user_id]).await;
    assert_eq!(again["changed"], false);

    let shown = reported(&db, &["users", "show", &email]).await;
    assert!(shown["user"]["disabledAt"].is_string(), "{shown}");
    assert_eq!(shown["sessions"][0]["revokedReason"], "account_disabled");
    let actions = shown["operatorActions"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{shown}");
    assert_eq!(actions[0]["action"], "disable");
    assert!(actions[0]["actor"].as_str().unwrap().starts_with("cli"));

    // Enabled, the same request and code log in (the refusal spent nothing).
    let enabled = reported(&db, &["users", "enable", &email]).await;
    assert_eq!(enabled["changed"], true);
    let session = server.complete(&device, &request_id, &code).await;
    let token = session.ok()["accessToken"].as_str().unwrap().to_owned();
    server.get("/v1/me", Some(&token)).await.ok();
    let shown = reported(&db, &["users", "show", &email]).await;
    assert!(shown["user"]["disabledAt"].is_null());
    assert_eq!(shown["operatorActions"][1]["action"], "enable");
    server.stop().await;
}

async fn deleting_an_account_takes_everything_it_owns_and_the_audit_keeps_only_its_id(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let db = server.database_url.clone();
    let (doctor, patient, note) = server.care_team_with_a_note().await;
    let email = server.email_of(&patient).await;
    let token = patient.access_token.as_str();
    server
        .put(
            "/v1/me/backups/password",
            token,
            &json!({"envelope": common::base64(&[1; 600])}),
        )
        .await
        .ok();
    server
        .put(
            "/v1/me/settings",
            token,
            &json!({"values": {"theme": "dark"}}),
        )
        .await
        .ok();
    // A login she started and never finished.
    server
        .start_request(&Device::new(), json!({"email": email}))
        .await
        .ok();

    let deleted = reported(&db, &["users", "delete", &email]).await;
    assert_eq!(deleted["user"], patient.user_id.as_str(), "{deleted}");
    assert_eq!(deleted["rows"]["users"], 1);
    assert_eq!(deleted["rows"]["data_samples"], 1);
    assert_eq!(deleted["rows"]["data_sample_keys"], 2);
    assert_eq!(deleted["rows"]["key_backups"], 1);
    assert_eq!(deleted["rows"]["public_keys"], 1);
    assert_eq!(deleted["rows"]["auth_requests"], 2, "{deleted}");
    for (table, column) in common::ACCOUNT_COLUMNS {
        let condition = format!("{column} = '{}'", patient.user_id);
        assert_eq!(
            server.count_where(table, &condition).await,
            0,
            "{table}.{column}"
        );
    }
    assert_eq!(
        server
            .count_where("auth_requests", &format!("contact = '{email}'"))
            .await,
        0
    );
    // Her clinician no longer sees her note; her tokens are dead.
    let samples = server.get("/v1/samples", Some(&doctor.access_token)).await;
    assert!(
        !samples.body.to_string().contains(&note),
        "{}",
        samples.body
    );
    server
        .get("/v1/me", Some(token))
        .await
        .error(401, "invalid_token");

    // The audit keeps the id, the action and the counts; not who she was.
    let audit = server
        .count_where(
            "operator_actions",
            &format!("user_id = '{}' AND action = 'delete'", patient.user_id),
        )
        .await;
    assert_eq!(audit, 1);
    let shown = operator(&db, &["users", "show", &patient.user_id]).await;
    assert_eq!(shown.status.code(), Some(1), "the account is gone");
    let details = server
        .texts("SELECT detail FROM operator_actions")
        .await
        .join("\n");
    for personal in [email.as_str(), "Daenerys", "Targaryen"] {
        assert!(!details.contains(personal), "{personal} in {details}");
    }

    // Her email is free: she can register again, as a new account.
    let back = server
        .sign_in(
            json!({"email": email, "firstName": "Dany", "lastName": "T", "role": "patient",
            "responsibleClinicianId": doctor.user_id}),
        )
        .await;
    assert_ne!(back.user_id, patient.user_id);
    server.stop().await;
}

async fn a_clinician_whom_patients_name_is_deleted_only_when_they_are_released(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.database_url.clone();
    let doctor = server.register_clinician().await;
    let colleague = server.register_clinician().await;
    let patient = server.register_patient(&doctor.user_id).await;
    server.accept_patient(&doctor, &patient.user_id).await;

    let refused = operator(&db, &["users", "delete", &doctor.user_id]).await;
    common::process::assert_refused(&refused, "responsible clinician of 1 patients");
    let to_a_patient = operator(
        &db,
        &[
            "users",
            "delete",
            &doctor.user_id,
            "--move-patients-to",
            &patient.user_id,
        ],
    )
    .await;
    common::process::assert_refused(&to_a_patient, "not a clinician");
    assert_eq!(
        server
            .count_where("users", &format!("id = '{}'", doctor.user_id))
            .await,
        1,
        "nothing was deleted"
    );
    server.get("/v1/me", Some(&doctor.access_token)).await.ok();

    // Moved: she names his colleague, who has to accept her.
    let colleague_email = server.email_of(&colleague).await;
    let deleted = reported(
        &db,
        &[
            "users",
            "delete",
            &doctor.user_id,
            "--move-patients-to",
            &colleague_email,
        ],
    )
    .await;
    assert_eq!(deleted["releasedPatients"], 1, "{deleted}");
    assert_eq!(deleted["movedTo"], colleague.user_id.as_str());
    let me = server.get("/v1/me", Some(&patient.access_token)).await;
    assert_eq!(
        me.ok()["responsibleClinicianId"],
        colleague.user_id.as_str()
    );
    assert_eq!(me.ok()["careStatus"], "pending", "{}", me.body);
    server.accept_patient(&colleague, &patient.user_id).await;
    server
        .get("/v1/me", Some(&doctor.access_token))
        .await
        .error(401, "invalid_token");

    // Released: she keeps her account and names no clinician.
    let deleted = reported(
        &db,
        &["users", "delete", &colleague.user_id, "--release-patients"],
    )
    .await;
    assert_eq!(deleted["releasedPatients"], 1, "{deleted}");
    let me = server.get("/v1/me", Some(&patient.access_token)).await;
    assert!(
        me.ok()
            .get("responsibleClinicianId")
            .is_none_or(Value::is_null),
        "{}",
        me.body
    );
    server.stop().await;
}

#[tokio::test]
async fn an_operators_command_on_a_mistyped_sqlite_path_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("carekey-typo.db");
    let url = format!("sqlite://{}", missing.display());
    let output = operator(&url, &["users", "list"]).await;
    common::process::assert_refused(&output, "no SQLite database");
    assert!(!missing.exists(), "an empty database was made");
}

/// A receiver of the omnichannel webhook that answers 503 until `up` is
/// set, then 204, counting each webhook id it accepted.
async fn flaky_receiver(
    up: Arc<std::sync::atomic::AtomicBool>,
    accepted: Arc<Mutex<Vec<String>>>,
) -> String {
    use axum::http::{HeaderMap, StatusCode};
    let router = axum::Router::new().route(
        "/hooks",
        axum::routing::post(move |headers: HeaderMap| {
            let (up, accepted) = (up.clone(), accepted.clone());
            async move {
                if !up.load(std::sync::atomic::Ordering::SeqCst) {
                    return StatusCode::SERVICE_UNAVAILABLE;
                }
                let id = headers
                    .get("webhook-id")
                    .and_then(|id| id.to_str().ok())
                    .unwrap_or_default();
                accepted.lock().unwrap().push(id.to_owned());
                StatusCode::NO_CONTENT
            }
        }),
    );
    format!("{}/hooks", common::serve(router).await)
}

/// Moves the clock on (retries fall due by it) until the queue has given
/// up `count` jobs: the dead letters.
async fn given_up(server: &TestServer, count: usize) -> Vec<Value> {
    for _ in 0..300 {
        let dead = reported(&server.database_url, &["queue", "dead"]).await;
        let jobs = dead["jobs"].as_array().unwrap().clone();
        if jobs.len() >= count {
            return jobs;
        }
        server.advance(5);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the queue did not give up {count} jobs");
}

async fn the_queue_shows_what_was_given_up_and_sends_a_registration_again_once(backend: Backend) {
    let up = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let accepted = Arc::new(Mutex::new(Vec::new()));
    let hook = flaky_receiver(up.clone(), accepted.clone()).await;
    let integrations = |settings: &mut carekey_server::Settings| {
        settings.omnichannel_webhook_url = Some(hook.clone());
        settings.omnichannel_webhook_secret = Some("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into());
        settings.queue_max_attempts = 2;
    };
    // The clinic's contact system is down while a clinician registers.
    let first = TestServer::start_with(backend, integrations).await;
    let db = first.database_url.clone();
    let clinician = first.register_clinician().await;
    let dead = given_up(&first, 1).await;
    assert_eq!(dead[0]["transport"], "omnichannel", "{dead:?}");
    assert_eq!(dead[0]["retryable"], true);
    assert!(
        dead[0]["lastError"].as_str().unwrap().contains("503"),
        "{dead:?}"
    );
    let registration = dead[0]["id"].as_str().unwrap().to_owned();

    // Then the mail server goes down while someone asks for a code.
    let second = first
        .another_instance(|settings| {
            integrations(settings);
            let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            settings.smtp_port = closed.local_addr().unwrap().port();
            settings.channel = "smtp".into();
            settings.smtp_host = Some("127.0.0.1".into());
            settings.smtp_tls = carekey_server::settings::SmtpTls::None;
        })
        .await;
    first.stop().await;
    second
        .start_request(&Device::new(), json!({"email": unique_email()}))
        .await
        .ok();
    let dead = given_up(&second, 2).await;
    let message = dead.iter().find(|job| job["transport"] == "smtp").unwrap();
    assert_eq!(message["retryable"], false, "{dead:?}");

    let status = reported(&db, &["queue"]).await;
    let failed: Vec<(&str, i64)> = status["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|count| {
            (
                count["transport"].as_str().unwrap(),
                count["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(failed, [("omnichannel", 1), ("smtp", 1)], "{status}");
    assert!(status["oldestPending"].is_null(), "{status}");

    // A message's code has expired: it cannot be sent again. A job still
    // in the queue is not "given up".
    let refused = operator(&db, &["queue", "retry", message["id"].as_str().unwrap()]).await;
    common::process::assert_refused(&refused, "ask for a new one");
    let unknown = operator(&db, &["queue", "retry", "no-such-job"]).await;
    assert_eq!(unknown.status.code(), Some(1));

    // The contact system is back: the registration goes once, with the
    // webhook id it had, and leaves the queue.
    up.store(true, std::sync::atomic::Ordering::SeqCst);
    let retried = reported(&db, &["queue", "retry", "--all"]).await;
    assert_eq!(retried["jobs"], json!([registration]), "{retried}");
    for _ in 0..200 {
        if !accepted.lock().unwrap().is_empty() {
            break;
        }
        second.advance(1);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(accepted.lock().unwrap().len(), 1, "sent once");
    let again = reported(&db, &["queue", "retry", "--all"]).await;
    assert_eq!(again["jobs"], json!([]), "nothing else can be retried");
    let status = reported(&db, &["queue"]).await;
    assert_eq!(status["counts"][0]["transport"], "smtp", "{status}");
    assert_eq!(status["counts"].as_array().unwrap().len(), 1, "{status}");
    assert_eq!(
        second
            .count_where("operator_actions", "action = 'queue_retry'")
            .await,
        1
    );
    second
        .get("/v1/me", Some(&clinician.access_token))
        .await
        .ok();
    second.stop().await;
}

/// The `kid` an access token's header names.
fn kid_of(token: &str) -> String {
    use base64::Engine;
    let header = token.split('.').next().unwrap();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(header)
        .unwrap();
    let header: Value = serde_json::from_slice(&header).unwrap();
    header["kid"].as_str().unwrap().to_owned()
}

async fn published_kids(server: &TestServer) -> Vec<String> {
    let jwks = server.get("/.well-known/jwks.json", None).await;
    jwks.ok()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["kid"].as_str().unwrap().to_owned())
        .collect()
}

async fn rotating_the_signing_key_keeps_every_live_session_working(backend: Backend) {
    let server = TestServer::start(backend).await;
    let db = server.database_url.clone();
    let before = server.register_clinician().await;
    let first = kid_of(&before.access_token);
    let listed = reported(&db, &["keys", "list"]).await;
    assert_eq!(listed["keys"][0]["kid"], first.as_str(), "{listed}");
    assert_eq!(listed["keys"][0]["state"], "signing");

    let rotated = reported(&db, &["keys", "rotate"]).await;
    let second = rotated["kid"].as_str().unwrap().to_owned();
    assert_eq!(rotated["retiring"][0]["kid"], first.as_str(), "{rotated}");
    server.server.reload_keys().await;
    assert_eq!(
        published_kids(&server).await,
        [first.clone(), second.clone()]
    );
    let listed = reported(&db, &["keys", "list"]).await;
    assert_eq!(listed["keys"][1]["state"], "next", "{listed}");
    // Published, not signing yet: services that cache the JWKS fetch it
    // before the first token signed with it reaches them.
    let during = server.register_clinician().await;
    assert_eq!(kid_of(&during.access_token), first);

    server.advance(601);
    server.server.reload_keys().await;
    let after = server.register_clinician().await;
    assert_eq!(kid_of(&after.access_token), second);
    // Every instance checks both: one started now, and this one.
    let other = server.another_instance(|_| {}).await;
    for token in [
        &before.access_token,
        &during.access_token,
        &after.access_token,
    ] {
        other.get("/v1/me", Some(token)).await.ok();
        server.get("/v1/me", Some(token)).await.ok();
    }
    other.stop().await;

    // Once every token the first key signed has expired, it leaves the
    // JWKS; its sessions refresh onto the new key.
    server.advance(900 + 31);
    server.server.reload_keys().await;
    assert_eq!(published_kids(&server).await, [second.as_str()]);
    let refreshed = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": before.refresh_token}),
        )
        .await;
    let refreshed_token = refreshed.ok()["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(kid_of(&refreshed_token), second);
    server.server.clean_up().await;
    assert_eq!(
        server.count("signing_keys").await,
        1,
        "the retired key is deleted"
    );

    // A key that leaked: replaced at once; its tokens stop working, and
    // the app's refresh gets one signed by the new key.
    let leaked = reported(&db, &["keys", "rotate", "--immediately"]).await;
    let third = leaked["kid"].as_str().unwrap().to_owned();
    server.server.reload_keys().await;
    assert_eq!(published_kids(&server).await, [third.as_str()]);
    server
        .get("/v1/me", Some(&refreshed_token))
        .await
        .error(401, "invalid_token");
    let renewed = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": refreshed.ok()["refreshToken"]}),
        )
        .await;
    assert_eq!(kid_of(renewed.ok()["accessToken"].as_str().unwrap()), third);
    // The operators' audit has both rotations, newest first, by whom.
    let audit = reported(&db, &["audit", "--limit", "2"]).await;
    let actions = audit["actions"].as_array().unwrap();
    assert_eq!(actions.len(), 2, "{audit}");
    assert_eq!(actions[0]["action"], "keys_rotate");
    assert_eq!(actions[0]["detail"]["immediately"], true);
    assert_eq!(actions[1]["detail"]["immediately"], false);
    assert!(actions[0]["actor"].as_str().unwrap().starts_with("cli"));
    server.stop().await;
}

async fn the_key_of_a_server_before_rotation_keeps_signing_after_the_upgrade(backend: Backend) {
    let old = TestServer::start(backend).await;
    let user = old.register_clinician().await;
    // The database as versions before migration 13 left it: the one key
    // in `server_secrets`.
    old.execute(
        "INSERT INTO server_secrets (name, value, created_at) \
           SELECT 'jwt_ed25519_pkcs8', pkcs8, created_at FROM signing_keys; \
         DELETE FROM signing_keys",
    )
    .await;
    let upgraded = old.another_instance(|_| {}).await;
    upgraded.get("/v1/me", Some(&user.access_token)).await.ok();
    let fresh = upgraded.register_clinician().await;
    assert_eq!(kid_of(&fresh.access_token), kid_of(&user.access_token));
    assert_eq!(upgraded.count("signing_keys").await, 1);
    assert_eq!(
        upgraded
            .count_where("server_secrets", "name = 'jwt_ed25519_pkcs8'")
            .await,
        0,
        "the key lives in one place"
    );
    old.stop().await;
    upgraded.stop().await;
}

/// `carekey-server --json copy-data ARGS`.
async fn copy_data(args: &[&str]) -> std::process::Output {
    tokio::process::Command::new(BINARY)
        .args(["--json", "copy-data"])
        .args(args)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_sqlite_installation_moves_to_postgresql_and_its_people_carry_on_there() {
    let sqlite = TestServer::start(Backend::Sqlite).await;
    let (doctor, patient, note) = sqlite.care_team_with_a_note().await;
    let envelope = common::base64(&[7; 700]);
    sqlite
        .put(
            "/v1/me/backups/password",
            &patient.access_token,
            &json!({"envelope": envelope}),
        )
        .await
        .ok();
    // A code on its way when the servers stop: queued, not yet sent.
    sqlite.server.stop_delivering();
    let doctor_email = sqlite.email_of(&doctor).await;
    let device = Device::new();
    let request_id = sqlite
        .request_id(&device, json!({"email": doctor_email}))
        .await;

    let postgres = common::new_postgres_database().await;
    let output = copy_data(&["--from", &sqlite.database_url, "--to", &postgres]).await;
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let rows = |table: &str| {
        report["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|entry| entry["table"] == table)
            .unwrap()["rows"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(rows("users"), 2, "{report}");
    assert_eq!(rows("data_samples"), 1);
    assert_eq!(rows("data_sample_keys"), 2);
    assert_eq!(rows("key_backups"), 1);
    assert_eq!(rows("message_jobs"), 1);
    assert_eq!(rows("signing_keys"), 1);
    assert_eq!(report["sourceChanged"], json!([]), "{report}");

    // Every table of the schema is copied (a new table must join the list).
    let tables: BTreeSet<String> = sqlite
        .texts(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
        )
        .await
        .into_iter()
        .collect();
    let copied: BTreeSet<String> = carekey_server::admin::copy::TABLES
        .iter()
        .map(|table| (*table).to_owned())
        .collect();
    assert_eq!(tables, copied);

    // An instance on PostgreSQL carries on: the same tokens, backups,
    // notes, and the code that was on its way.
    let moved = TestServer::start_with(Backend::Postgres, |settings| {
        settings.database_url = postgres.clone();
    })
    .await;
    sqlite.stop().await;
    moved.get("/v1/me", Some(&doctor.access_token)).await.ok();
    let backup = moved
        .get("/v1/me/backups/password", Some(&patient.access_token))
        .await;
    assert_eq!(backup.ok()["envelope"], envelope.as_str());
    let samples = moved.get("/v1/samples", Some(&doctor.access_token)).await;
    assert!(samples.ok().to_string().contains(&note), "{}", samples.body);
    moved
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": patient.refresh_token}),
        )
        .await
        .ok();
    moved.advance(61);
    let code = moved.code_in_message(&doctor_email, 1).await;
    moved.complete(&device, &request_id, &code).await.ok();
    moved.sign_in(json!({"email": doctor_email})).await;

    // Once it holds data, the target is refused unless replaced.
    let again = copy_data(&["--from", &moved.database_url, "--to", &postgres]).await;
    common::process::assert_refused(&again, "SQLite database");
    let dir = tempfile::tempdir().unwrap();
    let other = format!("sqlite://{}", dir.path().join("other.db").display());
    let fresh = TestServer::start_with(Backend::Sqlite, |settings| {
        settings.database_url = other.clone();
    })
    .await;
    fresh.register_clinician().await;
    let refused = copy_data(&["--from", &other, "--to", &postgres]).await;
    common::process::assert_refused(&refused, "not empty");
    moved.get("/v1/me", Some(&doctor.access_token)).await.ok();
    let replaced = copy_data(&["--from", &other, "--to", &postgres, "--replace-target"]).await;
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    let report: Value = serde_json::from_slice(&replaced.stdout).unwrap();
    assert_eq!(report["replaced"], true);
    assert_eq!(
        moved.count("users").await,
        1,
        "only the replacing installation's"
    );
    fresh.stop().await;
    moved.stop().await;
}

async fn the_admin_api_answers_only_its_token_and_only_on_its_own_listener(backend: Backend) {
    use reqwest::Method;
    let server = TestServer::start(backend).await;
    let (doctor, patient, _) = server.care_team_with_a_note().await;
    let admin_url = server.server.admin_url().unwrap();

    // The public listener serves no admin route, and no metrics.
    for path in ["/metrics", "/admin/v1/users", "/admin/openapi.json"] {
        server.get(path, None).await.error(404, "not_found");
    }
    let public = server.get("/openapi.json", None).await;
    let paths = public.ok()["paths"].as_object().unwrap().clone();
    assert!(
        paths
            .keys()
            .all(|path| !path.starts_with("/admin") && path != "/metrics")
    );

    // The admin listener answers only its token (the document aside).
    let http = reqwest::Client::new();
    let users = format!("{admin_url}/admin/v1/users");
    for request in [
        http.get(&users),
        http.get(&users)
            .bearer_auth("test-admin-token-0123456789abcdef0124"),
        http.get(&users).bearer_auth(&doctor.access_token),
        http.get(format!("{admin_url}/metrics")),
    ] {
        server.send(request).await.error(401, "invalid_token");
    }
    let document = server
        .send(http.get(format!("{admin_url}/admin/openapi.json")))
        .await;
    assert!(
        document.ok()["paths"]
            .get("/admin/v1/keys/rotate")
            .is_some()
    );
    assert!(
        server
            .metrics()
            .await
            .contains("carekey_http_requests_total")
    );

    // The same operations as the subcommands.
    let listed = server
        .admin(Method::GET, "/admin/v1/users?limit=1", None)
        .await;
    assert_eq!(listed.ok()["users"][0]["id"], patient.user_id.as_str());
    assert_eq!(listed.ok()["more"], true);
    let path = format!("/admin/v1/users/{}/disable", patient.user_id);
    let disabled = server.admin(Method::POST, &path, None).await;
    assert_eq!(disabled.ok()["changed"], true);
    server
        .get("/v1/me", Some(&patient.access_token))
        .await
        .error(403, "account_disabled");
    let shown = server
        .admin(
            Method::GET,
            &format!("/admin/v1/users/{}", patient.user_id),
            None,
        )
        .await;
    assert_eq!(shown.ok()["operatorActions"][0]["actor"], "admin-api");
    let path = format!("/admin/v1/users/{}/enable", patient.user_id);
    server.admin(Method::POST, &path, None).await.ok();

    let doctor_path = format!("/admin/v1/users/{}", doctor.user_id);
    let refused = server.admin(Method::DELETE, &doctor_path, None).await;
    assert!(
        refused.error(409, "invalid_request")["message"]
            .as_str()
            .unwrap()
            .contains("responsible clinician of 1 patients")
    );
    server
        .admin(Method::GET, "/admin/v1/users/nobody@example.org", None)
        .await
        .error(404, "not_found");
    server
        .admin(Method::POST, "/admin/v1/sessions/revoke", Some(&json!({})))
        .await
        .error(400, "invalid_request");
    server
        .admin(
            Method::POST,
            "/admin/v1/sessions/revoke",
            Some(&json!("all")),
        )
        .await
        .error(400, "invalid_request");
    let revoked = server
        .admin(
            Method::POST,
            "/admin/v1/sessions/revoke",
            Some(&json!({"user": doctor.user_id})),
        )
        .await;
    assert_eq!(revoked.ok()["sessions"], 1);
    server
        .get("/v1/me", Some(&doctor.access_token))
        .await
        .error(401, "invalid_token");
    let unlocked = server
        .admin(
            Method::POST,
            "/admin/v1/unlock",
            Some(&json!({"identifier": unique_email()})),
        )
        .await;
    assert_eq!(unlocked.ok()["wasLocked"], false);
    server
        .admin(Method::GET, "/admin/v1/queue", None)
        .await
        .ok();
    let dead = server
        .admin(Method::GET, "/admin/v1/queue/dead", None)
        .await;
    assert_eq!(dead.ok()["jobs"], json!([]));
    server
        .admin(
            Method::POST,
            "/admin/v1/queue/retry",
            Some(&json!({"all": true})),
        )
        .await
        .ok();
    let keys = server.admin(Method::GET, "/admin/v1/keys", None).await;
    assert_eq!(keys.ok()["keys"].as_array().unwrap().len(), 1);
    let rotated = server
        .admin(Method::POST, "/admin/v1/keys/rotate", Some(&json!({})))
        .await;
    let next = rotated.ok()["kid"].as_str().unwrap().to_owned();
    // This instance took it up at once: it is published.
    assert!(published_kids(&server).await.contains(&next));

    let deleted = server
        .admin(
            Method::DELETE,
            &format!("{doctor_path}?releasePatients=true"),
            None,
        )
        .await;
    assert_eq!(deleted.ok()["releasedPatients"], 1);
    let audit = server.admin(Method::GET, "/admin/v1/audit", None).await;
    let actions: Vec<&str> = audit.ok()["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|action| action["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "delete",
            "keys_rotate",
            "revoke_sessions",
            "enable",
            "disable"
        ],
        "newest first; a queue retry of nothing and an unlock of nothing change nothing"
    );
    let actors = audit.ok()["actions"].as_array().unwrap();
    assert!(actors.iter().all(|action| action["actor"] == "admin-api"));
    server.stop().await;
}

#[tokio::test]
async fn an_admin_listener_without_a_token_is_refused_naming_the_setting() {
    for (token, why) in [(None, "admin_token"), (Some("short"), "at least 32")] {
        let mut command = tokio::process::Command::new(BINARY);
        command
            .args(["--json", "check-config"])
            .env("CAREKEY_ADMIN_LISTEN", "127.0.0.1:9090");
        if let Some(token) = token {
            command.env("CAREKEY_ADMIN_TOKEN", token);
        }
        let output = command.output().await.unwrap();
        common::process::assert_refused(&output, why);
    }
}

/// `carekey-server --json check-config` with `folder` as `templates_dir`.
async fn check_templates(folder: &str) -> std::process::Output {
    tokio::process::Command::new(BINARY)
        .args(["--json", "check-config"])
        .env("CAREKEY_TEMPLATES_DIR", folder)
        .output()
        .await
        .unwrap()
}

async fn an_operators_template_words_the_messages_and_a_broken_one_stops_the_start(
    backend: Backend,
) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("code.email.txt"),
        "Clinique du Parc: your code {code}\nYour code is {code}.\nOr: {link}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("landing.txt"),
        "Log in to <Clinique du Parc>\nThis page never logs you in.\n\nCall us on 02 123 45 67 if in doubt.\n",
    )
    .unwrap();
    let folder = dir.path().display().to_string();
    let server = TestServer::start_with(backend, |settings| {
        settings.templates_dir = Some(folder.clone());
    })
    .await;
    let email = unique_email();
    server
        .start_request(&Device::new(), common::clinician("email", &email))
        .await
        .ok();
    let message = &server.wait_for_messages(&email, 1).await[0];
    assert_eq!(
        message["subject"],
        format!("Clinique du Parc: your code {}", common::code_in(message))
    );
    let body = message["body"].as_str().unwrap();
    assert!(body.contains("Or: https://"), "{message}");
    // The link's page has the operator's title and words, as text.
    let path = common::link_path(message);
    let page = server.get(&path, None).await;
    let html = page.body.as_str().unwrap();
    assert!(
        html.contains("<h1>Log in to &lt;Clinique du Parc&gt;</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<p class=\"hint\">This page never logs you in.</p>"),
        "{html}"
    );
    assert!(html.contains("<p class=\"hint\">Call us on 02 123 45 67 if in doubt.</p>"));
    server.stop().await;

    // A template that lost its code: neither check-config nor a start
    // accepts it, and both name the setting and the file.
    std::fs::write(
        dir.path().join("code.sms.txt"),
        "Your code is on its way.\n{link}\n",
    )
    .unwrap();
    let output = check_templates(&folder).await;
    common::process::assert_refused(&output, "code.sms.txt: it must keep {code}");
    let answer: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(answer["error"]["setting"], "templates_dir");
    let settings = common::base_settings(dir.path(), &format!("sqlite://{}/t.db", folder));
    let refused = carekey_server::start(carekey_server::Settings {
        templates_dir: Some(folder.clone()),
        ..settings
    })
    .await;
    assert!(matches!(
        refused,
        Err(carekey_server::StartError::Setting("templates_dir", _))
    ));
    std::fs::remove_file(dir.path().join("code.sms.txt")).unwrap();

    // A catalog file replaces messages of its language; a language the
    // operator adds must have every message, and the check names the
    // language and the first one missing.
    std::fs::write(
        dir.path().join("fr.ftl"),
        "landing-open = Ouvrir l'application { -brand }\n",
    )
    .unwrap();
    let server = TestServer::start_with(backend, |settings| {
        settings.templates_dir = Some(folder.clone());
    })
    .await;
    let email = unique_email();
    let mut body = common::clinician("email", &email);
    body["language"] = json!("fr");
    server.start_request(&Device::new(), body).await.ok();
    let message = &server.wait_for_messages(&email, 1).await[0];
    let html = server.get(&common::link_path(message), None).await.body;
    let html = html.as_str().unwrap();
    assert!(html.contains(">Ouvrir l'application CareKey</a>"), "{html}");
    assert!(html.contains("<h1>Se connecter à CareKey</h1>"), "{html}");
    server.stop().await;
    std::fs::write(
        dir.path().join("de.ftl"),
        "-brand = CareKey\nlanding-open = { -brand } öffnen\n",
    )
    .unwrap();
    let output = check_templates(&folder).await;
    common::process::assert_refused(&output, "de: approval-done is missing");
}
