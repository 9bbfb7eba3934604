//! The `carekey-server` binary as an operator runs it: settings from a file
//! and `CAREKEY_*` variables, `--help`, and logs that never hold a secret.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Device, code_in, unique_email, unique_phone};
use serde_json::{Value, json};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};

const BINARY: &str = env!("CARGO_BIN_EXE_carekey-server");

#[test]
fn help_lists_every_setting_with_its_variable() {
    let output = std::process::Command::new(BINARY)
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    for (key, _) in carekey_server::settings::SETTINGS {
        assert!(
            help.contains(&format!("CAREKEY_{}", key.to_uppercase())),
            "{key} missing from --help"
        );
    }
    for contract in [
        "CAREKEY_LISTEN",
        "CAREKEY_DATABASE_URL",
        "CAREKEY_CHANNEL",
        "CAREKEY_OUTBOX_FILE",
        "CAREKEY_OTP_TTL_SECONDS",
    ] {
        assert!(help.contains(contract), "{contract}");
    }
}

/// Runs `command`, which must succeed; its standard output.
fn succeeds(command: &mut std::process::Command) -> String {
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

#[test]
fn settings_layer_file_then_environment_and_hide_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.toml");
    std::fs::write(
        &file,
        "listen = \"127.0.0.1:7001\"\ncode_length = 8\nsmtp_password = \"file-secret\"\n",
    )
    .unwrap();
    let text = succeeds(
        std::process::Command::new(BINARY)
            .args(["check-config", "--json", "--config", file.to_str().unwrap()])
            .env("CAREKEY_LISTEN", "127.0.0.1:7002")
            .env("CAREKEY_OTP_TTL_SECONDS", "30")
            .env("CAREKEY_TWILIO_AUTH_TOKEN", "env-secret"),
    );
    let printed: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(printed["listen"], "127.0.0.1:7002");
    assert_eq!(printed["code_length"], 8);
    assert_eq!(printed["otp_ttl_seconds"], 30);
    assert!(
        !text.contains("file-secret") && !text.contains("env-secret"),
        "{text}"
    );

    std::fs::write(&file, "lisen = \"127.0.0.1:7001\"\n").unwrap();
    let output = std::process::Command::new(BINARY)
        .args(["--config", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("lisen"));
}

#[test]
fn check_config_prints_the_settings_in_effect_as_a_file_the_server_reads() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("carekey.toml");
    std::fs::write(&file, "code_length = 8\nsmtp_password = \"file-secret\"\n").unwrap();
    let text = succeeds(
        std::process::Command::new(BINARY)
            .args(["--config", file.to_str().unwrap(), "check-config"])
            .env("CAREKEY_OTP_TTL_SECONDS", "30"),
    );
    assert!(text.contains("\ncode_length = 8\n"), "{text}");
    assert!(text.contains("\notp_ttl_seconds = 30\n"), "{text}");
    assert!(text.contains("smtp_password = \"[redacted]\""), "{text}");
    assert!(!text.contains("file-secret"), "{text}");
    // Every setting is in it, under its description.
    for (key, _) in carekey_server::settings::SETTINGS {
        assert!(
            text.contains(&format!("\n{key} =")) || text.contains(&format!("# {key} =")),
            "{key}"
        );
    }
    // What it printed is a settings file that checks the same.
    let printed = dir.path().join("printed.toml");
    std::fs::write(
        &printed,
        text.replace("\"[redacted]\"", "\"another-secret\""),
    )
    .unwrap();
    let again = succeeds(std::process::Command::new(BINARY).args([
        "check-config",
        "--json",
        "--config",
        printed.to_str().unwrap(),
    ]));
    let settings: Value = serde_json::from_str(&again).unwrap();
    assert_eq!(settings["code_length"], 8);
    assert_eq!(settings["otp_ttl_seconds"], 30);
}

type Variables = &'static [(&'static str, &'static str)];

#[test]
fn check_config_names_the_setting_that_is_wrong_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("carekey.toml");
    // (the file, variables, the setting the error must name)
    let cases: [(&str, Variables, &str); 6] = [
        ("code_length = 4\n", &[], "code_length"),
        ("code_length = \"six\"\n", &[], "code_length"),
        ("channel = \"pigeon\"\n", &[], "channel"),
        ("channel = \"twilio\"\n", &[], "twilio_account_sid"),
        (
            "",
            &[("CAREKEY_DATABASE_URL", "mysql://db")],
            "database_url",
        ),
        ("", &[("CAREKEY_LISTEN", "nowhere")], "listen"),
    ];
    for (contents, variables, setting) in cases {
        std::fs::write(&file, contents).unwrap();
        let output = std::process::Command::new(BINARY)
            .args(["check-config", "--config", file.to_str().unwrap()])
            .envs(variables.iter().copied())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{contents} {variables:?}: {stderr}"
        );
        assert!(stderr.contains(setting), "{setting}: {stderr}");
        assert!(output.stdout.is_empty(), "nothing printed as if valid");

        let output = std::process::Command::new(BINARY)
            .args(["check-config", "--json", "--config", file.to_str().unwrap()])
            .envs(variables.iter().copied())
            .output()
            .unwrap();
        common::process::assert_refused(&output, setting);
    }
}

/// `migrate` twice on `database_url`: the version it reports, the same
/// both times.
fn migrate_twice(database_url: &str, kind: &str) -> i64 {
    let run = || -> Value {
        let printed = succeeds(
            std::process::Command::new(BINARY)
                .args(["migrate", "--json"])
                .env("CAREKEY_DATABASE_URL", database_url),
        );
        serde_json::from_str(&printed).unwrap()
    };
    let answer = run();
    assert_eq!(answer["database"], kind);
    let version = answer["version"].as_i64().unwrap();
    assert!(version > 0, "{answer}");
    let again = run();
    assert_eq!(again["version"], version, "nothing new the second time");
    version
}

#[tokio::test]
async fn migrate_applies_the_migrations_and_exits_on_both_databases() {
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("migrated.db");
    let sqlite = migrate_twice(&format!("sqlite://{}", database.display()), "sqlite");
    let postgres = migrate_twice(&common::new_postgres_database().await, "postgres");
    assert!(database.exists());
    assert!(sqlite > 0 && postgres > 0);

    let output = std::process::Command::new(BINARY)
        .arg("migrate")
        .env("CAREKEY_DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "an unreachable database is not a bad setting"
    );
    assert!(String::from_utf8_lossy(&output.stderr).contains("cannot open the database"));
}

#[test]
fn a_bad_setting_stops_the_start_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(BINARY)
        .current_dir(dir.path())
        .env("CAREKEY_LISTEN", "127.0.0.1:0")
        .env("CAREKEY_CHANNEL", "twilio")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("twilio_account_sid"));
}

struct Running {
    child: tokio::process::Child,
    url: String,
    logs: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

async fn run_binary(dir: &std::path::Path, outbox: &std::path::Path) -> Running {
    let mut child = tokio::process::Command::new(BINARY)
        .current_dir(dir)
        .env("CAREKEY_LISTEN", "127.0.0.1:0")
        .env("CAREKEY_OUTBOX_FILE", outbox)
        .env("CAREKEY_LOG_FORMAT", "json")
        .env("RUST_LOG", "debug")
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let logs = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut url = None;
    while url.is_none() {
        let line = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .expect("the server logs its start in time")
            .unwrap()
            .expect("the server is running");
        let entry: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if entry["fields"]["message"] == "CareKey server listening" {
            url = Some(format!(
                "http://{}",
                entry["fields"]["address"].as_str().unwrap()
            ));
        }
        logs.lock().unwrap().push(line);
    }
    let sink = logs.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            sink.lock().unwrap().push(line);
        }
    });
    Running {
        child,
        url: url.unwrap(),
        logs,
    }
}

async fn wait_for_code(outbox: &std::path::Path, to: &str, nth: usize) -> String {
    for _ in 0..500 {
        let messages: Vec<Value> = std::fs::read_to_string(outbox)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .filter(|message: &Value| message["to"] == to)
            .collect();
        if messages.len() >= nth {
            return code_in(&messages[nth - 1]);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("no message {nth} for {to}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_never_hold_a_code_token_or_address() {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.jsonl");
    let mut server = run_binary(dir.path(), &outbox).await;
    let http = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        let request = http.post(format!("{}{path}", server.url)).json(&body);
        async move {
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let mut secrets: Vec<String> = Vec::new();

    // A clinician by email, a patient by SMS, with wrong codes on the way.
    let email = unique_email();
    let phone = unique_phone();
    let clinician_device = Device::new();
    let (_, started) = post(
        "/v1/auth/start",
        json!({"email": email, "firstName": "G", "lastName": "H", "role": "clinician", "deviceChallenge": clinician_device.challenge()}),
    )
    .await;
    let code = wait_for_code(&outbox, &email, 1).await;
    let (status, _) = post(
        "/v1/auth/complete",
        json!({"requestId": started["requestId"], "code": "000001", "deviceVerifier": clinician_device.verifier}),
    )
    .await;
    assert_eq!(status, 400);
    let (status, clinician) = post(
        "/v1/auth/complete",
        json!({"requestId": started["requestId"], "code": code, "deviceVerifier": clinician_device.verifier}),
    )
    .await;
    assert_eq!(status, 200);
    secrets.extend([code, clinician_device.verifier.clone()]);

    let patient_device = Device::new();
    let (_, started) = post(
        "/v1/auth/start",
        json!({"phone": phone, "firstName": "P", "lastName": "Q", "role": "patient",
               "responsibleClinicianId": clinician["userId"], "deviceChallenge": patient_device.challenge()}),
    )
    .await;
    let code = wait_for_code(&outbox, &phone, 1).await;
    let (status, patient) = post(
        "/v1/auth/complete",
        json!({"requestId": started["requestId"], "code": code, "deviceVerifier": patient_device.verifier}),
    )
    .await;
    assert_eq!(status, 200);
    secrets.extend([code, patient_device.verifier.clone()]);

    // BioT login, a refresh, a replayed refresh, a logout.
    let (_, generated) = post("/ums/v2/users/otp/generate", json!({"phone": phone})).await;
    let code = wait_for_code(&outbox, &phone, 2).await;
    let (status, biot) = post(
        "/ums/v2/users/otp/login",
        json!({"requestId": generated["requestId"], "code": code}),
    )
    .await;
    assert_eq!(status, 200);
    secrets.push(code);
    let (status, refreshed) = post(
        "/v1/auth/refresh",
        json!({"refreshToken": patient["refreshToken"]}),
    )
    .await;
    assert_eq!(status, 200);
    tokio::time::sleep(Duration::from_secs(6)).await;
    let (status, _) = post(
        "/v1/auth/refresh",
        json!({"refreshToken": patient["refreshToken"]}),
    )
    .await;
    assert_eq!(status, 401);
    let logout = http
        .post(format!("{}/v1/auth/logout", server.url))
        .bearer_auth(clinician["accessToken"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status().as_u16(), 204);
    for session in [&clinician, &patient, &refreshed] {
        secrets.push(session["accessToken"].as_str().unwrap().to_owned());
        secrets.push(session["refreshToken"].as_str().unwrap().to_owned());
    }
    secrets.push(biot["accessJwt"]["token"].as_str().unwrap().to_owned());
    secrets.push(biot["refreshJwt"]["token"].as_str().unwrap().to_owned());
    secrets.push(email.clone());
    secrets.push(phone.clone());
    secrets.push(phone.trim_start_matches('+').to_owned());

    tokio::time::sleep(Duration::from_millis(300)).await;
    server.child.kill().await.unwrap();
    let logs = server.logs.lock().unwrap().join("\n");
    for line in logs.lines() {
        assert!(
            serde_json::from_str::<Value>(line).is_ok(),
            "not a JSON log line: {line}"
        );
    }
    // The logs are there (masked), so their silence about secrets means something.
    assert!(logs.contains("login request started"), "{logs}");
    assert!(logs.contains(&carekey_server::mask_email(&email)), "{logs}");
    assert!(logs.contains(&carekey_server::mask_phone(&phone)), "{logs}");
    assert!(logs.contains("refresh token reused"), "{logs}");
    for secret in &secrets {
        assert!(secret.len() >= 6);
        assert!(
            !logs.contains(secret.as_str()),
            "a secret reached the logs: {secret}"
        );
        // JWT payloads would carry ids in base64; a token's signature must never appear.
        if let Some(signature) = secret.rsplit('.').next().filter(|s| s.len() > 20) {
            assert!(!logs.contains(signature));
        }
    }
}
