//! Key transfers to a new device: the old device leaves the key sealed
//! under a one-time secret it shows; the new device of the same user takes
//! it once, within a few minutes.
//!
//! Invariant: a transfer is handed to its owner only, at most once, before
//! it expires; it is deleted as it is taken, and each offer and take is in
//! the owner's audit log.

use super::backups::{Action, HOUR_MS, decode_envelope, record};
use crate::clock::{Millis, rfc3339};
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::{ApiError, Transfer, TransferOffer, TransferUpload};
use sqlx::Row;
use std::net::IpAddr;

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

#[utoipa::path(post, path = "/v1/me/transfers", tag = "backups",
    description = "Leave the caller's key, sealed under a one-time secret shown on this device, for their new device: it waits key_transfer_ttl_seconds.",
    request_body = TransferUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = TransferOffer),
        (status = 400, body = ApiError, description = "invalid_request"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 409, body = ApiError, description = "quota_exceeded: too many transfers waiting to be taken"),
    ))]
pub(super) async fn offer_transfer(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(upload): JsonBody<TransferUpload>,
) -> Result<Json<TransferOffer>, ServiceError> {
    offer(&state, &claims.sub, &upload.envelope, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/transfers/{id}/take", tag = "backups",
    description = "Take a key transfer of the caller's: once, before it expires; it is deleted as it is taken.",
    params(("id" = String, Path, description = "the transfer id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Transfer),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "unknown_transfer: never made, another user's, or already taken"),
        (status = 410, body = ApiError, description = "transfer_expired"),
    ))]
pub(super) async fn take_transfer(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<Json<Transfer>, ServiceError> {
    take(&state, &claims.sub, &id, ip).await.map(Json)
}
