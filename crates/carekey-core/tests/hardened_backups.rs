//! The app's password backup against a real server across the server's
//! OPRF key's life (issue 18): a key rotated between sealing and opening
//! (the backup opens under the old key and is sealed again under the new
//! one), a server answering with another key (the device notices and
//! restores nothing), and a format 1 backup from an older app (it opens,
//! and is sealed again as format 2).

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_core::envelope::{self, Argon2Params, Purpose, Secret};
use carekey_core::vault::SecretStore;
use carekey_core::{Client, KeyPair, Progress};
use carekey_server::oprf_keys::{KeyFile, OprfKeys};
use common::{Server, access_token, email_contact, memory, server};
use std::path::Path;
use std::sync::Arc;
use zeroize::Zeroizing;

const PASSWORD: &str = "tidal-mango-orbit-velvet-42";

fn password() -> Zeroizing<String> {
    Zeroizing::new(PASSWORD.to_owned())
}

fn no_progress() -> Progress {
    Arc::new(|_| {})
}

/// A server on `dir`'s database, outbox and key file (so that a test can
/// stop one and start the next on the same data).
async fn server_on(dir: &Path) -> Server {
    let dir = dir.to_path_buf();
    server(move |settings| {
        settings.database_url = format!("sqlite://{}", dir.join("carekey.db").display());
        settings.outbox_file = dir.join("outbox.jsonl").display().to_string();
        settings.oprf_key_file = Some(dir.join("oprf-keys.json").display().to_string());
    })
    .await
}

/// Logs `email` in on a new device of `server`.
async fn log_in(server: &Server, email: &str, nth: usize) -> (Client, Arc<dyn SecretStore>) {
    let store = memory();
    let client = server.client(&store);
    client.start(&email_contact(email), None).await.unwrap();
    client
        .complete(&server.code(email, nth).await)
        .await
        .unwrap();
    (client, store)
}

/// The password backup the server holds for the session in `store`.
async fn stored_backup(server: &Server, store: &Arc<dyn SecretStore>) -> Vec<u8> {
    let backup: serde_json::Value = reqwest::Client::new()
        .get(format!("{}/v1/me/backups/password", server.running.url()))
        .bearer_auth(access_token(store))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    STANDARD
        .decode(backup["envelope"].as_str().unwrap())
        .unwrap()
}

/// A clinician with a key and a format 2 backup on a server on `dir`:
/// his email and key's fingerprint.
async fn registered_with_a_backup(dir: &Path) -> (String, String) {
    let first = server_on(dir).await;
    let (client, email) = first.logged_in_clinician(&memory(), "hardened").await;
    client.create_keypair(|_| {}).await.unwrap();
    client
        .set_backup_password(password(), no_progress())
        .await
        .unwrap();
    let fingerprint = client.key_fingerprint().await.unwrap().unwrap();
    first.running.shutdown().await;
    (email, fingerprint)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_under_a_rotated_key_opens_and_is_sealed_again_under_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let (email, fingerprint) = registered_with_a_backup(dir.path()).await;
    let key_file = dir.path().join("oprf-keys.json");
    let old_key = KeyFile::open_or_create(&key_file).unwrap().current();
    let new_key = KeyFile::rotate(&key_file).unwrap();

    let second = server_on(dir.path()).await;
    let (device, store) = log_in(&second, &email, 2).await;
    let before = stored_backup(&second, &store).await;
    let sealed_under = |envelope: &[u8]| {
        envelope::describe(envelope)
            .unwrap()
            .hardening
            .unwrap()
            .0
            .key_id
    };
    assert_eq!(sealed_under(&before), old_key);
    assert_eq!(
        device
            .restore_with_password(password(), no_progress())
            .await
            .unwrap(),
        fingerprint
    );
    let after = stored_backup(&second, &store).await;
    assert_eq!(
        sealed_under(&after),
        new_key,
        "sealed again under the new key"
    );
    second.running.shutdown().await;

    // The old key can go once nothing is sealed under it; the backup opens
    // on yet another device with the new key alone.
    KeyFile::retire(&key_file, &old_key).unwrap();
    let third = server_on(dir.path()).await;
    let (other, _) = log_in(&third, &email, 3).await;
    assert_eq!(
        other
            .restore_with_password(password(), no_progress())
            .await
            .unwrap(),
        fingerprint
    );
    third.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_answering_with_another_key_is_caught_and_nothing_is_restored() {
    let dir = tempfile::tempdir().unwrap();
    let (email, _) = registered_with_a_backup(dir.path()).await;
    // The key file is replaced by one whose key has the same id and another
    // seed: the server answers, with a valid proof, under the wrong key.
    let key_file = dir.path().join("oprf-keys.json");
    let key_id = KeyFile::open_or_create(&key_file).unwrap().current();
    let forged = serde_json::json!({
        "current": key_id,
        "keys": {key_id.clone(): STANDARD.encode([9u8; 32])},
    });
    std::fs::write(&key_file, forged.to_string()).unwrap();

    let second = server_on(dir.path()).await;
    let (device, _) = log_in(&second, &email, 2).await;
    let error = device
        .restore_with_password(password(), no_progress())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "oprf_unverified", "{error}");
    assert_eq!(device.key_fingerprint().await.unwrap(), None);
    second.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_format_1_backup_opens_and_is_sealed_again_as_format_2() {
    let dir = tempfile::tempdir().unwrap();
    let server = server_on(dir.path()).await;
    let store = memory();
    let (client, _) = server.logged_in_clinician(&store, "format-one").await;
    let user_id = client.profile().await.unwrap().user_id;
    // An older app stored a format 1 backup of a key this device never had.
    let pair = KeyPair::generate(|_| {}).unwrap();
    let format_1 = envelope::seal(
        Purpose::PasswordBackup,
        &Secret::Password(PASSWORD),
        &user_id,
        std::slice::from_ref(&pair),
        Argon2Params::DESKTOP,
    )
    .unwrap();
    common::store_envelope_alone(&server.running.url(), &store, &format_1).await;

    assert_eq!(
        client
            .restore_with_password(password(), no_progress())
            .await
            .unwrap(),
        pair.fingerprint().unwrap()
    );
    let resealed = stored_backup(&server, &store).await;
    assert!(envelope::describe(&resealed).unwrap().hardening.is_some());
    let tries = client
        .backups()
        .await
        .unwrap()
        .backups
        .into_iter()
        .find(|backup| backup.kind == carekey_api::BackupKind::Password)
        .and_then(|backup| backup.tries_left);
    assert_eq!(tries, Some(10), "now counted by the server");
    server.running.shutdown().await;
}

/// The server's key file is lost (not restored with the database): the
/// password backup cannot be opened any more, and says so; the recovery
/// key still brings the key back, and a new password backup is sealed
/// under the server's new key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn losing_the_key_file_leaves_the_recovery_key_working() {
    let dir = tempfile::tempdir().unwrap();
    let first = server_on(dir.path()).await;
    let (client, email) = first.logged_in_clinician(&memory(), "key-lost").await;
    client.create_keypair(|_| {}).await.unwrap();
    client
        .set_backup_password(password(), no_progress())
        .await
        .unwrap();
    let recovery_key = client
        .prepare_recovery_key()
        .await
        .unwrap()
        .text
        .to_string();
    client.confirm_recovery_key().await.unwrap();
    let fingerprint = client.key_fingerprint().await.unwrap().unwrap();
    first.running.shutdown().await;
    std::fs::remove_file(dir.path().join("oprf-keys.json")).unwrap();

    let second = server_on(dir.path()).await;
    let (device, _) = log_in(&second, &email, 2).await;
    let error = device
        .restore_with_password(password(), no_progress())
        .await
        .unwrap_err();
    assert_eq!(error.code(), "backup_key_lost", "{error}");
    assert_eq!(device.key_fingerprint().await.unwrap(), None);
    assert_eq!(
        device
            .restore_with_recovery_key(&recovery_key)
            .await
            .unwrap(),
        fingerprint
    );
    device
        .set_backup_password(password(), no_progress())
        .await
        .unwrap();
    second.running.shutdown().await;
    let third = server_on(dir.path()).await;
    let (again, _) = log_in(&third, &email, 3).await;
    assert_eq!(
        again
            .restore_with_password(password(), no_progress())
            .await
            .unwrap(),
        fingerprint
    );
    third.running.shutdown().await;
}
