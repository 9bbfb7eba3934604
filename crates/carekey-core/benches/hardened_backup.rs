//! Password backups, format 1 against format 2 (issue 18), at the desktop
//! Argon2id costs, end to end against a real server on this machine
//! (in-process, SQLite), interleaved round by round:
//!
//! - seal and store: format 1 is Argon2id, the envelope and one `PUT`;
//!   format 2 (`Client::set_backup_password`) adds the blinded evaluation
//!   (one `POST`), its proof and the key derivation. Both weigh the
//!   password with zxcvbn and ask for the profile and the stored version
//!   first, as the app does.
//! - fetch and open: format 1 is one `GET` and Argon2id; format 2
//!   (`Client::restore_with_password`) adds the counted evaluation, the
//!   confirmation (two round trips) and keeps the key, as a restore does.
//!
//! And the server's CPU per evaluation (`KeyFile::evaluate`: the backup's
//! key derived, the element evaluated, the DLEQ proof made), and the
//! device's blind and finalize, each over many calls.
//!
//! `cargo bench -p carekey-core --bench hardened_backup [-- ROUNDS]`
//! (default 21). Under `cargo test` it runs 1 round, as a smoke test.

// A benchmark reports by printing and fails by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[allow(dead_code)]
mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_core::envelope::{self, Argon2Params, Purpose, Secret};
use carekey_core::vault::{MemoryStore, SecretStore};
use carekey_core::{Client, Contact, NewAccount};
use carekey_server::oprf_keys::{KeyFile, OprfKeys};
use common::{median, ms};
use std::sync::Arc;
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

const PASSWORD: &str = "tidal-mango-orbit-velvet-42";

fn code_for(outbox: &std::path::Path, email: &str, nth: usize) -> String {
    for _ in 0..500 {
        let text = std::fs::read_to_string(outbox).unwrap_or_default();
        let found: Vec<serde_json::Value> = text
            .lines()
            .filter_map(|line| serde_json::from_str(line).ok())
            .filter(|message: &serde_json::Value| message["to"] == email)
            .collect();
        if let Some(message) = found.get(nth - 1) {
            let body = message["body"].as_str().unwrap();
            let at = body.find(|c: char| c.is_ascii_digit()).unwrap();
            return body[at..at + 6].to_owned();
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("no code for {email}");
}

fn access_token(store: &Arc<dyn SecretStore>) -> String {
    let saved: serde_json::Value =
        serde_json::from_slice(&store.get("session:bench").unwrap().unwrap()).unwrap();
    saved["accessToken"].as_str().unwrap().to_owned()
}

fn main() {
    let rounds = common::rounds(21, 1);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(run(rounds));
}

async fn run(rounds: usize) {
    let dir = tempfile::tempdir().unwrap();
    let outbox = dir.path().join("outbox.jsonl");
    let settings = carekey_server::Settings {
        listen: "127.0.0.1:0".into(),
        database_url: format!("sqlite://{}", dir.path().join("carekey.db").display()),
        outbox_file: outbox.display().to_string(),
        send_limit_per_identifier: 1_000,
        send_limit_per_identifier_total: 1_000,
        backup_fetches_per_hour: 1_000_000,
        ..carekey_server::Settings::default()
    };
    let server = carekey_server::start(settings).await.unwrap();
    let url = server.url();
    let email = format!("bench-{}@example.com", uuid::Uuid::new_v4().simple());
    let store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let client = Client::new(&url, store.clone(), "session:bench".into()).unwrap();
    let account = NewAccount {
        first_name: "Bench".into(),
        last_name: "Mark".into(),
        role: carekey_api::Role::Clinician,
        responsible_clinician_id: None,
        invitation: None,
    };
    let contact = Contact {
        email: Some(email.clone()),
        ..Contact::default()
    };
    client.start(&contact, Some(&account)).await.unwrap();
    client
        .complete(&code_for(&outbox, &email, 1))
        .await
        .unwrap();
    client.create_keypair(|_| {}).await.unwrap();
    let user_id = client.profile().await.unwrap().user_id;
    let pair_key = format!("rsa-oaep-sha256:{user_id}");
    // A second device, keyless, that restores each round.
    let other_store: Arc<dyn SecretStore> = Arc::new(MemoryStore::default());
    let other = Client::new(&url, other_store.clone(), "session:bench".into()).unwrap();
    other.start(&contact, None).await.unwrap();
    other.complete(&code_for(&outbox, &email, 2)).await.unwrap();
    let http = reqwest::Client::new();
    let token = access_token(&store);
    // Format 1's envelope holds a key of the same size (its timing is the
    // same whichever key it holds).
    let pair = carekey_core::KeyPair::generate(|_| {}).unwrap();
    let no_progress: carekey_core::Progress = Arc::new(|_| {});

    let (mut seal_1, mut seal_2, mut open_1, mut open_2) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        // Format 1: as the app sealed before issue 18.
        let started = Instant::now();
        let profile = client.profile().await.unwrap();
        let strength =
            carekey_core::password_strength(PASSWORD, &[profile.first_name.as_str(), "carekey"]);
        assert!(strength.acceptable);
        let sealed = envelope::seal(
            Purpose::PasswordBackup,
            &Secret::Password(PASSWORD),
            &user_id,
            std::slice::from_ref(&pair),
            Argon2Params::DESKTOP,
        )
        .unwrap();
        let version = client
            .backups()
            .await
            .unwrap()
            .backups
            .iter()
            .find(|backup| backup.kind == carekey_api::BackupKind::Password)
            .map_or(0, |backup| backup.version);
        let stored = http
            .put(format!("{url}/v1/me/backups/password"))
            .bearer_auth(&token)
            .json(&serde_json::json!({"envelope": STANDARD.encode(&sealed), "expectedVersion": version}))
            .send()
            .await
            .unwrap();
        assert!(stored.status().is_success());
        seal_1.push(started.elapsed());

        let started = Instant::now();
        let fetched: serde_json::Value = http
            .get(format!("{url}/v1/me/backups/password"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let bytes = STANDARD
            .decode(fetched["envelope"].as_str().unwrap())
            .unwrap();
        envelope::open(
            &bytes,
            Purpose::PasswordBackup,
            &Secret::Password(PASSWORD),
            &user_id,
        )
        .unwrap();
        open_1.push(started.elapsed());

        // Format 2: the app's own sealing and restoring.
        let started = Instant::now();
        client
            .set_backup_password(Zeroizing::new(PASSWORD.into()), no_progress.clone())
            .await
            .unwrap();
        seal_2.push(started.elapsed());

        other_store.delete(&pair_key).unwrap();
        let started = Instant::now();
        other
            .restore_with_password(Zeroizing::new(PASSWORD.into()), no_progress.clone())
            .await
            .unwrap();
        open_2.push(started.elapsed());
    }

    // The server's CPU per evaluation, and the device's blind and finalize.
    let keys = KeyFile::ephemeral();
    let info = carekey_api::oprf::context_info(&user_id, &[7u8; 16]).unwrap();
    let calls = if rounds > 1 { 2_000 } else { 10 };
    let blinded = carekey_core::oprf::blind(&[1u8; 32]).unwrap();
    let started = Instant::now();
    let mut answer = None;
    for _ in 0..calls {
        answer = Some(
            keys.evaluate(&keys.current(), &info, &blinded.element)
                .unwrap(),
        );
    }
    let evaluation = started.elapsed() / calls;
    let answer = answer.unwrap();
    let started = Instant::now();
    for _ in 0..calls {
        let blinded = carekey_core::oprf::blind(&[1u8; 32]).unwrap();
        std::hint::black_box(&blinded);
    }
    let blinding = started.elapsed() / calls;
    let started = Instant::now();
    for _ in 0..calls {
        blinded
            .finalize(
                &[1u8; 32],
                &answer.evaluated,
                &answer.proof,
                &answer.public_key,
            )
            .unwrap();
    }
    let finalizing = started.elapsed() / calls;

    let (s1, s2, o1, o2) = (
        median(&mut seal_1),
        median(&mut seal_2),
        median(&mut open_1),
        median(&mut open_2),
    );
    println!("password backup at 64 MiB, t=3, p=4, against a local server, median of {rounds}:");
    println!(
        "  seal and store   format 1 {:7.1} ms   format 2 {:7.1} ms   ratio {:.3}",
        ms(s1),
        ms(s2),
        s2.as_secs_f64() / s1.as_secs_f64()
    );
    println!(
        "  fetch and open   format 1 {:7.1} ms   format 2 {:7.1} ms   ratio {:.3}",
        ms(o1),
        ms(o2),
        o2.as_secs_f64() / o1.as_secs_f64()
    );
    println!(
        "server CPU per evaluation (key derived, evaluated, proof made): {:.1} µs, mean of {calls}",
        evaluation.as_secs_f64() * 1e6
    );
    println!(
        "device: blind {:.1} µs, finalize with the proof checked {:.1} µs",
        blinding.as_secs_f64() * 1e6,
        finalizing.as_secs_f64() * 1e6
    );
    server.shutdown().await;
}
