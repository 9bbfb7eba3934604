//! Key backups and the audit log of what was done with the keys.
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
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::limits::{self, Limit};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{
    ApiError, AuditEvent, AuditLog, Backup, BackupInfo, BackupKind, BackupUpload, Backups,
};
use sqlx::Row;
use std::net::IpAddr;

/// An envelope holds a few RSA keys (about 2 KB each); anything far larger
/// is not one.
const LARGEST_ENVELOPE: usize = 8 * 1024;
pub(super) const HOUR_MS: Millis = 3_600_000;
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
    /// A try at the password backup's password (an OPRF evaluation).
    PasswordTried,
    /// Too many tries: the password path is locked.
    PasswordLocked,
    /// A device proved it opened the password backup.
    PasswordConfirmed,
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
            Action::PasswordTried => "password_tried",
            Action::PasswordLocked => "password_locked",
            Action::PasswordConfirmed => "password_confirmed",
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

pub(super) fn decode_envelope(envelope: &str) -> Result<Vec<u8>, ServiceError> {
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
    if kind == BackupKind::Password {
        crate::keys::password_oprf::on_store(&mut tx, user_id, upload.oprf.as_ref(), now).await?;
    } else if upload.oprf.is_some() {
        return Err(ServiceError::InvalidRequest(
            "only a password backup is bound to the server's OPRF".into(),
        ));
    }
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
        tries_left: (kind == BackupKind::Password && upload.oprf.is_some())
            .then_some(crate::keys::password_oprf::MOST_UNCONFIRMED as u32),
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
    let mut backups = rows
        .iter()
        .map(|row| {
            let kind: String = row.try_get("kind")?;
            Ok(BackupInfo {
                kind: BackupKind::parse(&kind)
                    .ok_or_else(|| ServiceError::Internal(format!("stored backup kind {kind}")))?,
                version: row.try_get("version")?,
                updated_at: rfc3339(row.try_get("updated_at")?),
                tries_left: None,
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    if let Some(password) = backups
        .iter_mut()
        .find(|backup| backup.kind == BackupKind::Password)
    {
        let mut conn = state.db.reader().acquire().await?;
        password.tries_left = crate::keys::password_oprf::tries_left(&mut conn, user_id).await?;
    }
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
pub async fn audit_log(state: &AppState, user_id: &str) -> Result<AuditLog, ServiceError> {
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

fn backup_kind(name: &str) -> Result<BackupKind, ServiceError> {
    BackupKind::parse(name).ok_or_else(|| {
        ServiceError::InvalidRequest("the backup kind is password or recovery".into())
    })
}

#[utoipa::path(get, path = "/v1/me/backups", tag = "backups",
    description = "Which key backups the caller has (without their envelopes).",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Backups),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn list_backups(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<Backups>, ServiceError> {
    crate::keys::backups::list(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(put, path = "/v1/me/backups/{kind}", tag = "backups",
    description = "Store the caller's key backup envelope (sealed on the device; opaque here). With expectedVersion (0 for none yet), only over that version.",
    params(("kind" = BackupKind, Path, description = "password or recovery")),
    request_body = BackupUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = BackupInfo),
        (status = 400, body = ApiError, description = "invalid_request"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 409, body = ApiError, description = "version_conflict"),
    ))]
pub(super) async fn store_backup(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    Path(kind): Path<String>,
    JsonBody(upload): JsonBody<BackupUpload>,
) -> Result<Json<BackupInfo>, ServiceError> {
    crate::keys::backups::store(&state, &claims.sub, backup_kind(&kind)?, &upload, ip)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/me/backups/{kind}", tag = "backups",
    description = "The caller's key backup envelope. Limited per hour (backup_fetches_per_hour) and recorded in the caller's audit log.",
    params(("kind" = BackupKind, Path, description = "password or recovery")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Backup),
        (status = 400, body = ApiError, description = "invalid_request: not a backup kind"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "no_backup"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
pub(super) async fn fetch_backup(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    Path(kind): Path<String>,
) -> Result<Json<Backup>, ServiceError> {
    crate::keys::backups::fetch(&state, &claims.sub, backup_kind(&kind)?, ip)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/me/audit", tag = "backups",
    description = "What was done with the caller's keys and backups, newest first.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = AuditLog),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn audit(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<AuditLog>, ServiceError> {
    audit_log(&state, &claims.sub).await.map(Json)
}
