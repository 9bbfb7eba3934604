//! The server's half of password backups hardened by its OPRF (envelope
//! format 2, `crates/carekey-core/ENVELOPE.md`; issue 18): it evaluates the
//! device's blinded input under the backup's own key, and counts.
//!
//! Invariants:
//! - Every evaluation for opening is a try, taken in its own committed
//!   transaction before the evaluation is made (one conditional UPDATE, so
//!   two instances or two requests cannot both take the last one).
//! - After [`MOST_UNCONFIRMED`] tries without a confirmation, the password
//!   path locks: the next evaluation is refused, the lock recorded and kept
//!   in the database (a restart or another instance keeps it). Storing a new
//!   password backup (which needs the key: the recovery key, a transfer) or
//!   an operator lifts it.
//! - A device that opened the backup proves it with the confirmation, whose
//!   SHA-256 was stored with the backup: the count starts again at zero.
//! - Evaluations for sealing use a fresh context, which becomes the one
//!   evaluated under only when the backup sealed with it is stored: they
//!   help with no stored envelope, so they are limited per hour, not
//!   counted as tries.
//! - Only the logged-in owner is evaluated for; the server never sees the
//!   password nor anything that checks one.

use crate::clock::Millis;
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::keys::backups::{Action, HOUR_MS, record};
use crate::limits::{self, Limit};
use crate::oprf_keys::OprfKeyError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use carekey_api::oprf::{CONTEXT_LEN, context_info};
use carekey_api::{ApiError, OprfAnswer, OprfConfirmation, OprfRequest, OprfSealed};
use sha2::{Digest, Sha256};
use sqlx::Row;
use std::net::IpAddr;
use subtle::ConstantTimeEq;

/// Unconfirmed evaluations allowed in a row; the next one locks.
pub const MOST_UNCONFIRMED: i64 = 10;

fn decoded<const N: usize>(field: &str, text: &str) -> Result<[u8; N], ServiceError> {
    STANDARD
        .decode(text.trim())
        .ok()
        .and_then(|bytes| <[u8; N]>::try_from(bytes).ok())
        .ok_or_else(|| ServiceError::InvalidRequest(format!("{field} must be {N} bytes, base64")))
}

fn evaluation_error(error: OprfKeyError) -> ServiceError {
    match error {
        OprfKeyError::NotAnElement => {
            ServiceError::InvalidRequest("blindedElement is not a ristretto255 element".into())
        }
        OprfKeyError::UnknownKey(key_id) => ServiceError::BackupKeyLost(key_id),
        OprfKeyError::File { .. } => ServiceError::Internal(error.to_string()),
    }
}

fn info(owner_id: &str, context: &[u8; CONTEXT_LEN]) -> Result<Vec<u8>, ServiceError> {
    context_info(owner_id, context)
        .ok_or_else(|| ServiceError::Internal("an owner id no envelope can hold".into()))
}

fn answer(
    key_id: String,
    current_key_id: String,
    context: &[u8],
    evaluation: crate::oprf_keys::Evaluation,
    tries_left: Option<u32>,
) -> OprfAnswer {
    OprfAnswer {
        key_id,
        current_key_id,
        context: STANDARD.encode(context),
        public_key: STANDARD.encode(evaluation.public_key),
        evaluated_element: STANDARD.encode(evaluation.evaluated),
        proof: STANDARD.encode(evaluation.proof),
        tries_left,
    }
}

/// Evaluates for a new backup under a fresh context, which the owner's
/// next stored password backup must name.
pub async fn evaluate_for_sealing(
    state: &AppState,
    owner_id: &str,
    request: &OprfRequest,
) -> Result<OprfAnswer, ServiceError> {
    let blinded: [u8; 32] = decoded("blindedElement", &request.blinded_element)?;
    let mut context = [0u8; CONTEXT_LEN];
    crate::secrets::fill_random(&mut context);
    let key_id = state.oprf.current();
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    // Counted before the evaluation, so that refused calls cost the server
    // no scalar multiplication; a failed evaluation rolls the count back.
    limits::count_send(
        &mut tx,
        &[Limit {
            key: format!("oprf-seal:{owner_id}"),
            max: state.policy.backup_fetches_per_hour,
        }],
        HOUR_MS,
        now,
    )
    .await?;
    let evaluation = state
        .oprf
        .evaluate(&key_id, &info(owner_id, &context)?, &blinded)
        .map_err(evaluation_error)?;
    sqlx::query(
        "INSERT INTO password_oprf (user_id, pending_key_id, pending_context, pending_at, updated_at) \
         VALUES ($1, $2, $3, $4, $4) \
         ON CONFLICT (user_id) DO UPDATE SET pending_key_id = excluded.pending_key_id, \
           pending_context = excluded.pending_context, pending_at = excluded.pending_at, \
           updated_at = excluded.updated_at",
    )
    .bind(owner_id.to_owned())
    .bind(key_id.clone())
    .bind(context.to_vec())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(answer(key_id.clone(), key_id, &context, evaluation, None))
}

/// Takes one try for opening the owner's stored format 2 backup, then
/// evaluates. Refuses when there is none (`no_backup`) or the password
/// path is locked (`backup_locked`, locking it at the try after the last).
pub async fn evaluate_for_opening(
    state: &AppState,
    owner_id: &str,
    request: &OprfRequest,
    ip: IpAddr,
) -> Result<OprfAnswer, ServiceError> {
    let blinded: [u8; 32] = decoded("blindedElement", &request.blinded_element)?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    // The try is taken before anything is evaluated, by one statement that
    // only succeeds while tries are left.
    let taken = sqlx::query(
        "UPDATE password_oprf SET unconfirmed = unconfirmed + 1, updated_at = $2 \
         WHERE user_id = $1 AND context IS NOT NULL AND locked_at IS NULL AND unconfirmed < $3 \
         RETURNING unconfirmed, key_id, context",
    )
    .bind(owner_id.to_owned())
    .bind(now)
    .bind(MOST_UNCONFIRMED)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(taken) = taken else {
        let locked = sqlx::query(
            "UPDATE password_oprf SET locked_at = $2, updated_at = $2 \
             WHERE user_id = $1 AND context IS NOT NULL AND locked_at IS NULL",
        )
        .bind(owner_id.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if locked == 1 {
            record(&mut tx, owner_id, Action::PasswordLocked, None, ip, now).await?;
            // Her addresses are told: she learns that someone tried, and
            // what still brings her key back.
            let owner = crate::accounts::by_id(&mut *tx, owner_id)
                .await?
                .ok_or(ServiceError::InvalidToken)?;
            let notices = crate::account::proofs::notify(
                state,
                &mut tx,
                &owner,
                &crate::outbound::messages::Notice::BackupLocked,
                now,
            )
            .await?;
            tx.commit().await?;
            crate::account::proofs::notices_queued(state, &notices);
            tracing::warn!(user_id = %owner_id, "password backup locked after too many tries");
            return Err(ServiceError::BackupLocked);
        }
        // Neither statement touched a stored format 2 backup: either there
        // is none, or it was already locked.
        return match tries_left(&mut tx, owner_id).await? {
            Some(_) => Err(ServiceError::BackupLocked),
            None => Err(ServiceError::NoBackup),
        };
    };
    let unconfirmed: i64 = taken.try_get("unconfirmed")?;
    let key_id: String = taken.try_get("key_id")?;
    let context: Vec<u8> = taken.try_get("context")?;
    record(&mut tx, owner_id, Action::PasswordTried, None, ip, now).await?;
    tx.commit().await?;
    let context: [u8; CONTEXT_LEN] = context
        .try_into()
        .map_err(|_| ServiceError::Internal("a stored OPRF context of another length".into()))?;
    let evaluation = state
        .oprf
        .evaluate(&key_id, &info(owner_id, &context)?, &blinded)
        .map_err(evaluation_error)?;
    let tries_left = u32::try_from(MOST_UNCONFIRMED - unconfirmed).unwrap_or(0);
    Ok(answer(
        key_id,
        state.oprf.current(),
        &context,
        evaluation,
        Some(tries_left),
    ))
}

/// The device opened the stored backup: its confirmation's hash is the
/// stored one, and the count starts again. A wrong one changes nothing.
pub async fn confirm(
    state: &AppState,
    owner_id: &str,
    confirmation: &OprfConfirmation,
    ip: IpAddr,
) -> Result<(), ServiceError> {
    let confirmation: [u8; 32] = decoded("confirmation", &confirmation.confirmation)?;
    let hash = Sha256::digest(confirmation);
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT confirmation_hash, \
           CAST(CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS locked \
         FROM password_oprf WHERE user_id = $1 AND context IS NOT NULL{}",
        state.db.backend().for_update()
    )))
    .bind(owner_id.to_owned())
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(ServiceError::NoBackup)?;
    if row.try_get::<i64, _>("locked")? == 1 {
        return Err(ServiceError::BackupLocked);
    }
    let stored: Vec<u8> = row.try_get("confirmation_hash")?;
    if !bool::from(stored.as_slice().ct_eq(hash.as_slice())) {
        return Err(ServiceError::InvalidRequest(
            "this confirmation is not the stored password backup's".into(),
        ));
    }
    sqlx::query("UPDATE password_oprf SET unconfirmed = 0, updated_at = $2 WHERE user_id = $1")
        .bind(owner_id.to_owned())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    record(&mut tx, owner_id, Action::PasswordConfirmed, None, ip, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Inside the transaction that stores the owner's password backup: a
/// format 2 one (`sealed`) makes its context the one evaluated under, if it
/// is the context the server gave for sealing; a format 1 one leaves none.
/// Either way the count and the lock start again: the old envelope is gone.
pub async fn on_store(
    tx: &mut crate::db::Tx,
    owner_id: &str,
    sealed: Option<&OprfSealed>,
    now: Millis,
) -> Result<(), ServiceError> {
    let Some(sealed) = sealed else {
        sqlx::query(
            "UPDATE password_oprf SET key_id = NULL, context = NULL, confirmation_hash = NULL, \
             unconfirmed = 0, locked_at = NULL, updated_at = $2 WHERE user_id = $1",
        )
        .bind(owner_id.to_owned())
        .bind(now)
        .execute(&mut **tx)
        .await?;
        return Ok(());
    };
    let context: [u8; CONTEXT_LEN] = decoded("oprf.context", &sealed.context)?;
    let confirmation_hash: [u8; 32] = decoded("oprf.confirmationHash", &sealed.confirmation_hash)?;
    let stored = sqlx::query(
        "UPDATE password_oprf SET key_id = pending_key_id, context = pending_context, \
           confirmation_hash = $3, unconfirmed = 0, locked_at = NULL, pending_key_id = NULL, \
           pending_context = NULL, pending_at = NULL, updated_at = $4 \
         WHERE user_id = $1 AND pending_context = $2",
    )
    .bind(owner_id.to_owned())
    .bind(context.to_vec())
    .bind(confirmation_hash.to_vec())
    .bind(now)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if stored != 1 {
        return Err(ServiceError::InvalidRequest(
            "oprf.context is not the one this server gave for sealing (or it was used): seal the backup again"
                .into(),
        ));
    }
    Ok(())
}

/// The stored format 2 backup's tries left, `None` when there is none;
/// `Some(0)` when locked.
pub async fn tries_left(
    conn: &mut sqlx::AnyConnection,
    owner_id: &str,
) -> Result<Option<u32>, ServiceError> {
    let row = sqlx::query(
        "SELECT unconfirmed, CAST(CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END AS BIGINT) AS locked \
         FROM password_oprf WHERE user_id = $1 AND context IS NOT NULL",
    )
    .bind(owner_id.to_owned())
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    if row.try_get::<i64, _>("locked")? == 1 {
        return Ok(Some(0));
    }
    let unconfirmed: i64 = row.try_get("unconfirmed")?;
    Ok(Some(
        u32::try_from(MOST_UNCONFIRMED - unconfirmed).unwrap_or(0),
    ))
}

#[utoipa::path(post, path = "/v1/me/backups/password/oprf/seal", tag = "backups",
    description = "Evaluates the server's OPRF (RFC 9497, ristretto255-SHA512, verifiable) for sealing a new password backup (envelope format 2), under a fresh context that the stored backup must then name. Not a try; limited per hour (backup_fetches_per_hour).",
    request_body = OprfRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = OprfAnswer),
        (status = 400, body = ApiError, description = "invalid_request: not a ristretto255 element"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
pub(super) async fn seal_evaluation(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<OprfRequest>,
) -> Result<Json<OprfAnswer>, ServiceError> {
    evaluate_for_sealing(&state, &claims.sub, &request)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/backups/password/oprf", tag = "backups",
    description = "Evaluates the server's OPRF for opening the caller's stored format 2 password backup. Each call is a try, taken before the evaluation and recorded in the audit log; after 10 without a confirmation the password path locks (backup_locked) until a new password backup is stored or an operator unlocks it.",
    request_body = OprfRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = OprfAnswer),
        (status = 400, body = ApiError, description = "invalid_request: not a ristretto255 element"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "no_backup: no format 2 password backup is stored"),
        (status = 410, body = ApiError, description = "backup_key_lost: the server no longer has the key this backup was sealed under"),
        (status = 423, body = ApiError, description = "backup_locked"),
    ))]
pub(super) async fn open_evaluation(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<OprfRequest>,
) -> Result<Json<OprfAnswer>, ServiceError> {
    evaluate_for_opening(&state, &claims.sub, &request, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/backups/password/oprf/confirm", tag = "backups",
    description = "Proves the caller opened the stored format 2 password backup (its confirmation, whose SHA-256 was stored with it): the count of tries starts again.",
    request_body = OprfConfirmation,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "confirmed"),
        (status = 400, body = ApiError, description = "invalid_request: not this backup's confirmation"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "no_backup"),
        (status = 423, body = ApiError, description = "backup_locked"),
    ))]
pub(super) async fn confirm_opening(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(confirmation): JsonBody<OprfConfirmation>,
) -> Result<StatusCode, ServiceError> {
    confirm(&state, &claims.sub, &confirmation, ip).await?;
    Ok(StatusCode::NO_CONTENT)
}
