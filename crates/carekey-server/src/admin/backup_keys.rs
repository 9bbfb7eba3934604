//! `carekey-server backup-keys`: the keys that harden password backups
//! (`oprf_key_file`, issue 18): which there are, how many stored backups
//! each one opens, a new one for new backups, and retiring an old one.
//!
//! Invariant: a key is retired only when no stored backup is sealed under
//! it (devices seal their backup again under the current key the next time
//! it opens), so retiring never makes a backup unopenable. Running servers
//! follow the file (`oprf_keys::FollowedKeyFile`): a rotation or a
//! retirement reaches them without a restart.

use super::AdminError;
use crate::clock::Millis;
use crate::db::Database;
use crate::oprf_keys::{KeyFile, OprfKeys};
use crate::settings::Settings;
use serde::Serialize;
use sqlx::Row;
use std::path::PathBuf;

/// The key file `settings` name (or the default beside a SQLite database).
fn key_file(settings: &Settings) -> Result<PathBuf, AdminError> {
    settings
        .oprf_key_file
        .as_ref()
        .map(PathBuf::from)
        .or_else(|| crate::oprf_keys::default_path(&settings.database_url))
        .ok_or_else(|| {
            AdminError::Refused(
                "no oprf_key_file is set (required with PostgreSQL; an in-memory database's \
                 keys end with it)"
                    .into(),
            )
        })
}

fn key_error(error: crate::oprf_keys::OprfKeyError) -> AdminError {
    AdminError::Refused(error.to_string())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupKey {
    pub key_id: String,
    pub current: bool,
    /// Stored password backups sealed under it.
    pub backups: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupKeys {
    pub file: String,
    pub keys: Vec<BackupKey>,
}

impl std::fmt::Display for BackupKeys {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(out, "{}", self.file)?;
        for key in &self.keys {
            writeln!(
                out,
                "{}  {}  {} stored backup(s)",
                key.key_id,
                if key.current { "current" } else { "older  " },
                key.backups
            )?;
        }
        Ok(())
    }
}

async fn sealed_under(db: &Database) -> Result<Vec<(String, i64)>, AdminError> {
    let rows = sqlx::query(
        "SELECT key_id, CAST(COUNT(*) AS BIGINT) AS backups FROM password_oprf \
         WHERE context IS NOT NULL GROUP BY key_id",
    )
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("key_id")?, row.try_get("backups")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AdminError::from)
}

pub async fn list(db: &Database, settings: &Settings) -> Result<BackupKeys, AdminError> {
    let path = key_file(settings)?;
    let keys = KeyFile::open_existing(&path).map_err(key_error)?;
    let counts = sealed_under(db).await?;
    let current = keys.current();
    Ok(BackupKeys {
        file: path.display().to_string(),
        keys: keys
            .key_ids()
            .into_iter()
            .map(|key_id| BackupKey {
                current: key_id == current,
                backups: counts
                    .iter()
                    .find(|(id, _)| *id == key_id)
                    .map_or(0, |(_, count)| *count),
                key_id,
            })
            .collect(),
    })
}

/// A new current key; the older ones stay for the backups sealed under
/// them. Running servers take it up at their next evaluation.
pub async fn rotate(
    db: &Database,
    settings: &Settings,
    actor: &str,
    now: Millis,
) -> Result<BackupKeys, AdminError> {
    let path = key_file(settings)?;
    let key_id = KeyFile::rotate(&path).map_err(key_error)?;
    let mut tx = db.begin().await?;
    let detail = serde_json::json!({ "keyId": key_id });
    super::audit::record(&mut tx, now, actor, "backup_keys_rotate", None, detail).await?;
    tx.commit().await?;
    list(db, settings).await
}

/// Removes `key_id`, refused while a stored backup is sealed under it.
pub async fn retire(
    db: &Database,
    settings: &Settings,
    key_id: &str,
    actor: &str,
    now: Millis,
) -> Result<BackupKeys, AdminError> {
    let path = key_file(settings)?;
    let needed = sealed_under(db)
        .await?
        .into_iter()
        .find(|(id, _)| id == key_id)
        .map_or(0, |(_, count)| count);
    if needed > 0 {
        return Err(AdminError::Refused(format!(
            "{needed} stored password backup(s) are sealed under {key_id}: each is sealed again \
             under the current key when its owner next opens it; retire the key after that"
        )));
    }
    KeyFile::retire(&path, key_id).map_err(key_error)?;
    let mut tx = db.begin().await?;
    let detail = serde_json::json!({ "keyId": key_id });
    super::audit::record(&mut tx, now, actor, "backup_keys_retire", None, detail).await?;
    tx.commit().await?;
    list(db, settings).await
}
