//! Key backups, key transfers to a new device, and the audit log of both.
//!
//! Envelopes are sealed on the device (under the user's password, their
//! recovery key, or a one-time transfer secret); the server stores and hands
//! them back but can open none of them. What it guards is who gets them:
//! only the logged-in owner, a limited number of times per hour, each fetch
//! recorded where the owner can see it. A transfer waits a few minutes for
//! the same user and is deleted as it is taken.

use crate::clock::{Millis, rfc3339};
use crate::db::Tx;
use crate::error::ServiceError;
use crate::limits::{self, Limit};
use crate::state::AppState;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{
    AuditEvent, AuditLog, Backup, BackupInfo, BackupKind, BackupUpload, Backups, Transfer,
    TransferOffer,
};
use sqlx::Row;
use std::net::IpAddr;

/// An envelope holds a few RSA keys (about 2 KB each); anything far larger
/// is not one.
const LARGEST_ENVELOPE: usize = 8 * 1024;
const HOUR_MS: Millis = 3_600_000;
/// How many audit events the owner is shown.
const AUDIT_SHOWN: i64 = 100;

/// What the audit log records.
#[derive(Debug, Clone, Copy)]
pub enum Action {
    BackupStored,
    BackupFetched,
    TransferOffered,
    TransferTaken,
    KeyRegistered,
    KeyRevoked,
}

impl Action {
    fn as_str(self) -> &'static str {
        match self {
            Action::BackupStored => "backup_stored",
            Action::BackupFetched => "backup_fetched",
            Action::TransferOffered => "transfer_offered",
            Action::TransferTaken => "transfer_taken",
            Action::KeyRegistered => "key_registered",
            Action::KeyRevoked => "key_revoked",
        }
    }
}

/// Records `action` in the owner's audit log, inside the caller's transaction.
pub async fn record(
    tx: &mut Tx,
    user_id: &str,
    action: Action,
    detail: Option<&str>,
    ip: IpAddr,
    now: Millis,
) -> Result<(), ServiceError> {
    sqlx::query(
        "INSERT INTO key_audit_events (id, user_id, action, detail, ip, at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::db::new_id(now))
    .bind(user_id.to_owned())
    .bind(action.as_str())
    .bind(detail.map(str::to_owned))
    .bind(ip.to_string())
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn decode_envelope(envelope: &str) -> Result<Vec<u8>, ServiceError> {
    let bytes = STANDARD
        .decode(envelope.trim())
        .map_err(|_| ServiceError::InvalidRequest("envelope must be standard base64".into()))?;
    if bytes.is_empty() || bytes.len() > LARGEST_ENVELOPE {
        return Err(ServiceError::InvalidRequest(format!(
            "envelope must be 1 to {LARGEST_ENVELOPE} bytes"
        )));
    }
    Ok(bytes)
}

/// `PUT /v1/me/backups/{kind}`: stores the owner's envelope of that kind.
/// With `expectedVersion`, only over that version (`version_conflict`
/// otherwise; 0 means "there is none yet").
pub async fn store(
    state: &AppState,
    user_id: &str,
    kind: BackupKind,
    upload: &BackupUpload,
    ip: IpAddr,
) -> Result<BackupInfo, ServiceError> {
    let envelope = decode_envelope(&upload.envelope)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let current: Option<i64> = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT version FROM key_backups WHERE user_id = $1 AND kind = $2{}",
        state.db.backend().for_update()
    )))
    .bind(user_id.to_owned())
    .bind(kind.as_str())
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| row.try_get("version"))
    .transpose()?;
    if let Some(expected) = upload.expected_version
        && expected != current.unwrap_or(0)
    {
        return Err(ServiceError::VersionConflict);
    }
    let version = current.unwrap_or(0) + 1;
    sqlx::query(
        "INSERT INTO key_backups (user_id, kind, version, envelope, updated_at) \
         VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (user_id, kind) DO UPDATE SET version = excluded.version, \
           envelope = excluded.envelope, updated_at = excluded.updated_at",
    )
    .bind(user_id.to_owned())
    .bind(kind.as_str())
    .bind(version)
    .bind(envelope)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        user_id,
        Action::BackupStored,
        Some(kind.as_str()),
        ip,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(BackupInfo {
        kind,
        version,
        updated_at: rfc3339(now),
    })
}

/// `GET /v1/me/backups`: which backups exist (no envelopes, not counted).
pub async fn list(state: &AppState, user_id: &str) -> Result<Backups, ServiceError> {
    let rows = sqlx::query(
        "SELECT kind, version, updated_at FROM key_backups WHERE user_id = $1 ORDER BY kind",
    )
    .bind(user_id.to_owned())
    .fetch_all(state.db.reader())
    .await?;
    let backups = rows
        .iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(BackupInfo {
                kind: BackupKind::parse(&kind)
                    .ok_or_else(|| ServiceError::Internal(format!("stored backup kind {kind}")))?,
                version: row.try_get("version")?,
                updated_at: rfc3339(row.try_get("updated_at")?),
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(Backups { backups })
}

/// `GET /v1/me/backups/{kind}`: the envelope. Counted against the hourly
/// limit and recorded in the audit log even when there is none, so that
/// probing shows up too.
pub async fn fetch(
    state: &AppState,
    user_id: &str,
    kind: BackupKind,
    ip: IpAddr,
) -> Result<Backup, ServiceError> {
    let now = state.clock.now_ms();
    let limit = [Limit {
        key: format!("backup-fetch:{user_id}"),
        max: state.policy.backup_fetches_per_hour,
    }];
    {
        let mut tx = state.db.begin().await?;
        limits::count_send(&mut tx, &limit, HOUR_MS, now).await?;
        record(
            &mut tx,
            user_id,
            Action::BackupFetched,
            Some(kind.as_str()),
            ip,
            now,
        )
        .await?;
        tx.commit().await?;
    }
    let row = sqlx::query(
        "SELECT version, envelope, updated_at FROM key_backups WHERE user_id = $1 AND kind = $2",
    )
    .bind(user_id.to_owned())
    .bind(kind.as_str())
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(ServiceError::NoBackup)?;
    let envelope: Vec<u8> = row.try_get("envelope")?;
    Ok(Backup {
        kind,
        version: row.try_get("version")?,
        updated_at: rfc3339(row.try_get("updated_at")?),
        envelope: STANDARD.encode(envelope),
    })
}

/// `GET /v1/me/audit`: the owner's latest events, newest first.
pub async fn audit(state: &AppState, user_id: &str) -> Result<AuditLog, ServiceError> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT action, detail, ip, at FROM key_audit_events WHERE user_id = $1 \
         ORDER BY at DESC, id DESC LIMIT {AUDIT_SHOWN}"
    )))
    .bind(user_id.to_owned())
    .fetch_all(state.db.reader())
    .await?;
    let events = rows
        .iter()
        .map(|row| {
            Ok(AuditEvent {
                at: rfc3339(row.try_get("at")?),
                action: row.try_get("action")?,
                detail: row.try_get("detail")?,
                ip: row.try_get("ip")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(AuditLog { events })
}

/// `POST /v1/me/transfers`: keeps the sealed key for a new device of the
/// same user for `key_transfer_ttl_seconds`. Transfers of anyone that
/// expired over an hour ago are swept at the same time (the last hour's are
/// kept, so that taking one late says "expired" rather than "unknown").
pub async fn offer(
    state: &AppState,
    user_id: &str,
    envelope: &str,
    ip: IpAddr,
) -> Result<TransferOffer, ServiceError> {
    let envelope = decode_envelope(envelope)?;
    let now = state.clock.now_ms();
    let expires_at = now.saturating_add(state.policy.key_transfer_ttl_ms);
    let id = crate::db::new_id(now);
    let mut tx = state.db.begin().await?;
    sqlx::query("DELETE FROM key_transfers WHERE expires_at < $1")
        .bind(now - HOUR_MS)
        .execute(&mut *tx)
        .await?;
    let guest = crate::accounts::lock(&mut tx, state.db.backend(), user_id).await?;
    let waiting: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM key_transfers WHERE user_id = $1 AND expires_at > $2",
    )
    .bind(user_id.to_owned())
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    if waiting >= state.policy.quotas.transfers_for(guest) {
        return Err(ServiceError::QuotaExceeded);
    }
    sqlx::query(
        "INSERT INTO key_transfers (id, user_id, envelope, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id.clone())
    .bind(user_id.to_owned())
    .bind(envelope)
    .bind(expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    record(&mut tx, user_id, Action::TransferOffered, None, ip, now).await?;
    tx.commit().await?;
    Ok(TransferOffer {
        transfer_id: id,
        expires_at: rfc3339(expires_at),
    })
}

/// `POST /v1/me/transfers/{id}/take`: the envelope, once, to the same user,
/// before it expires. It is deleted whatever the outcome for its owner: an
/// expired one is gone, a taken one cannot be taken again. Another user's
/// transfer is answered as unknown and left alone.
pub async fn take(
    state: &AppState,
    user_id: &str,
    transfer_id: &str,
    ip: IpAddr,
) -> Result<Transfer, ServiceError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT envelope, expires_at FROM key_transfers WHERE id = $1 AND user_id = $2{}",
        state.db.backend().for_update()
    )))
    .bind(transfer_id.to_owned())
    .bind(user_id.to_owned())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ServiceError::UnknownTransfer)?;
    sqlx::query("DELETE FROM key_transfers WHERE id = $1")
        .bind(transfer_id.to_owned())
        .execute(&mut *tx)
        .await?;
    let expires_at: Millis = row.try_get("expires_at")?;
    if expires_at < now {
        tx.commit().await?;
        return Err(ServiceError::TransferExpired);
    }
    record(&mut tx, user_id, Action::TransferTaken, None, ip, now).await?;
    tx.commit().await?;
    let envelope: Vec<u8> = row.try_get("envelope")?;
    Ok(Transfer {
        envelope: STANDARD.encode(envelope),
    })
}
