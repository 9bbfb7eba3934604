//! The device keypair and its backups: made, sealed and opened off the UI's
//! and the async runtime's threads, progress streamed through channels.
//! Only fingerprints come back, and the two secrets a person must see: a
//! new recovery key, and a transfer code for their other device.

use crate::backend::Backend;
use crate::error::CommandError;
use crate::key_operations::KeyOperations;
use carekey_api::{AuditLog, BackupInfo};
use carekey_core::{
    BackupProgress, KeyProgress, PasswordStrength, Progress, ShownSecret, TransferShown,
};
use serde::Serialize;
use std::sync::Arc;
use tauri::State;
use tauri::ipc::Channel;
use zeroize::Zeroizing;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    pub fingerprint: String,
}

/// Makes (or, if this device has it, re-registers) the logged-in user's
/// RSA-2048 keypair. `on_progress` gets each step; a UI that went away just
/// stops receiving them.
#[tauri::command]
pub async fn key_create(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    on_progress: Channel<KeyProgress>,
) -> Result<KeyView, CommandError> {
    let _running = operations.begin();
    let connection = backend.connection().await?;
    let fingerprint = connection
        .client
        .create_keypair(move |step| {
            if let Err(error) = on_progress.send(step) {
                tracing::debug!(%error, "key progress not delivered");
            }
        })
        .await?;
    Ok(KeyView { fingerprint })
}

/// The account's keys, oldest first, this device's marked.
#[tauri::command]
pub async fn keys_list(
    backend: State<'_, Backend>,
) -> Result<Vec<carekey_core::AccountKey>, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.account_keys().await?)
}

/// Revokes one of the account's keys (not this device's); the server asks
/// for a fresh proof (`fresh_proof_required`) when the login is not recent.
#[tauri::command]
pub async fn key_revoke(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    key_id: String,
) -> Result<(), CommandError> {
    let _running = operations.begin();
    let connection = backend.connection().await?;
    Ok(connection.client.revoke_key(&key_id).await?)
}

/// Backup progress goes to the window as it comes (ten a second at most);
/// a window that went away just stops receiving it.
fn progress_to(channel: Channel<BackupProgress>) -> Progress {
    Arc::new(move |step| {
        if let Err(error) = channel.send(step) {
            tracing::debug!(%error, "backup progress not delivered");
        }
    })
}

/// The key on this device and the account's backups, for the home screen.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BackupStatus {
    pub fingerprint: Option<String>,
    pub backups: Vec<BackupInfo>,
}

#[tauri::command]
pub async fn backup_status(backend: State<'_, Backend>) -> Result<BackupStatus, CommandError> {
    let connection = backend.connection().await?;
    Ok(BackupStatus {
        fingerprint: connection.client.key_fingerprint().await?,
        backups: connection.client.backups().await?.backups,
    })
}

/// The strength meter under the backup password field. The password is
/// weighed and dropped; nothing of it comes back but the score and advice.
#[tauri::command]
pub async fn password_strength(
    backend: State<'_, Backend>,
    password: String,
) -> Result<PasswordStrength, CommandError> {
    let password = Zeroizing::new(password);
    let connection = backend.connection().await?;
    let profile = connection.client.profile().await?;
    let own_words = [
        profile.first_name.as_str(),
        profile.last_name.as_str(),
        profile.email.as_deref().unwrap_or(""),
        "carekey",
    ];
    Ok(carekey_core::password_strength(&password, &own_words))
}

fn confirmed(password: String, confirmation: String) -> Result<Zeroizing<String>, CommandError> {
    let (password, confirmation) = (Zeroizing::new(password), Zeroizing::new(confirmation));
    if *password != *confirmation {
        return Err(CommandError::new(
            "passwords_differ",
            "The two passwords are not the same. Type them again.",
        ));
    }
    Ok(password)
}

/// Sets or changes the backup password: the key is sealed here (Argon2id,
/// progress on the channel) and only the sealed envelope goes to the server.
#[tauri::command]
pub async fn backup_set_password(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    password: String,
    confirmation: String,
    on_progress: Channel<BackupProgress>,
) -> Result<BackupInfo, CommandError> {
    let _running = operations.begin();
    let password = confirmed(password, confirmation)?;
    let connection = backend.connection().await?;
    Ok(connection
        .client
        .set_backup_password(password, progress_to(on_progress))
        .await?)
}

/// A new recovery key to show once (its text and a QR code). Nothing is
/// stored until [`recovery_key_confirm`].
#[tauri::command]
pub async fn recovery_key_prepare(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
) -> Result<ShownSecret, CommandError> {
    let _running = operations.begin();
    let connection = backend.connection().await?;
    Ok(connection.client.prepare_recovery_key().await?)
}

/// The person says the recovery key is written down: seal and store.
#[tauri::command]
pub async fn recovery_key_confirm(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
) -> Result<BackupInfo, CommandError> {
    let _running = operations.begin();
    let connection = backend.connection().await?;
    Ok(connection.client.confirm_recovery_key().await?)
}

#[tauri::command]
pub async fn restore_password(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    password: String,
    on_progress: Channel<BackupProgress>,
) -> Result<KeyView, CommandError> {
    let _running = operations.begin();
    let connection = backend.connection().await?;
    let fingerprint = connection
        .client
        .restore_with_password(Zeroizing::new(password), progress_to(on_progress))
        .await?;
    Ok(KeyView { fingerprint })
}

#[tauri::command]
pub async fn restore_recovery_key(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    recovery_key: String,
) -> Result<KeyView, CommandError> {
    let _running = operations.begin();
    let recovery_key = Zeroizing::new(recovery_key);
    let connection = backend.connection().await?;
    let fingerprint = connection
        .client
        .restore_with_recovery_key(&recovery_key)
        .await?;
    Ok(KeyView { fingerprint })
}

/// On the device that has the key: leaves it, sealed, for a new device and
/// answers the code to show there (QR code and text) and when it expires.
#[tauri::command]
pub async fn transfer_offer(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
) -> Result<TransferShown, CommandError> {
    let _running = operations.begin();
    let connection = backend.connection().await?;
    Ok(connection.client.offer_transfer().await?)
}

/// On the new device: the code pasted (or scanned).
#[tauri::command]
pub async fn transfer_take(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    code: String,
) -> Result<KeyView, CommandError> {
    let _running = operations.begin();
    let code = Zeroizing::new(code);
    let connection = backend.connection().await?;
    let fingerprint = connection.client.take_transfer(&code).await?;
    Ok(KeyView { fingerprint })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedBackup {
    pub path: String,
}

/// Writes a password backup file (sealed afresh under the password given)
/// to the Downloads folder, under a name that overwrites nothing.
#[tauri::command]
pub async fn backup_export(
    app: tauri::AppHandle,
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    password: String,
    confirmation: String,
    on_progress: Channel<BackupProgress>,
) -> Result<ExportedBackup, CommandError> {
    let _running = operations.begin();
    let password = confirmed(password, confirmation)?;
    let connection = backend.connection().await?;
    let sealed = connection
        .client
        .export_backup(password, progress_to(on_progress))
        .await?;
    let folder = crate::downloads::folder(&app)?;
    let path = crate::downloads::write_new(&folder, "CareKey backup", "carekey", &sealed)
        .await
        .map_err(|error| {
            tracing::warn!(%error, "cannot write the backup file");
            CommandError::new(
                "storage_failed",
                "The backup file could not be written to your Downloads folder.",
            )
        })?;
    Ok(ExportedBackup {
        path: path.display().to_string(),
    })
}

/// Restores from a backup file the window read (base64 of its bytes: the
/// file is sealed, so it may pass through the window) and its password.
#[tauri::command]
pub async fn restore_file(
    backend: State<'_, Backend>,
    operations: State<'_, KeyOperations>,
    contents: String,
    password: String,
    on_progress: Channel<BackupProgress>,
) -> Result<KeyView, CommandError> {
    let _running = operations.begin();
    use base64::Engine;
    let password = Zeroizing::new(password);
    let file = base64::engine::general_purpose::STANDARD
        .decode(contents.trim())
        .map_err(|_| CommandError::new("not_a_backup", "This file is not a CareKey backup."))?;
    let connection = backend.connection().await?;
    let fingerprint = connection
        .client
        .restore_from_file(file, password, progress_to(on_progress))
        .await?;
    Ok(KeyView { fingerprint })
}

/// What was done with the account's keys and backups, newest first.
#[tauri::command]
pub async fn audit_log(backend: State<'_, Backend>) -> Result<AuditLog, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.audit().await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differing_passwords_are_refused() {
        assert_eq!(
            confirmed("a".into(), "b".into()).unwrap_err().code,
            "passwords_differ"
        );
        assert_eq!(
            confirmed("same".into(), "same".into()).unwrap().as_str(),
            "same"
        );
    }
}
