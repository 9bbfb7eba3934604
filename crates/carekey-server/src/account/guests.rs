//! Guests. A guest is an anonymous account made before any
//! login, so that what a person does first (notes, preferences) has an
//! owner and a session. Logging in later (registering, or into an account
//! that already exists) does not turn the guest into that account on the
//! server: the device, which alone holds the guest's key, carries the data
//! over (re-encrypted for the account) and then closes the guest account.
//! So nothing encrypted is ever re-labelled by the server, and an account
//! that already exists gets the data merged without a duplicate account.

use crate::accounts::User;
use crate::clock::Millis;
use crate::db::Tx;
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::sessions::{self, Issued};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use carekey_api::{ApiError, Role, SessionResponse};
use std::net::IpAddr;

/// `POST /v1/auth/guest`: a new guest account and its session.
pub async fn start(state: &AppState, client_ip: IpAddr) -> Result<Issued, ServiceError> {
    let now = state.clock.now_ms();
    let limits = [crate::limits::Limit {
        key: format!("guest:ip:{}", crate::limits::requester(client_ip)),
        max: state.policy.send_limit_per_ip,
    }];
    let mut tx = state.db.begin().await?;
    crate::limits::count_send(&mut tx, &limits, state.policy.send_window_ms, now).await?;
    let user = User {
        id: crate::db::new_id(now),
        group_id: state.group_id.clone(),
        role: Role::Patient,
        first_name: String::new(),
        last_name: String::new(),
        email: None,
        phone: None,
        phone_verified: false,
        responsible_clinician_id: None,
        care_status: None,
        guest: true,
        disabled: false,
        language: None,
    };
    sqlx::query(
        "INSERT INTO users (id, group_id, role, first_name, last_name, guest, created_at, updated_at) \
         VALUES ($1, $2, $3, '', '', 1, $4, $4)",
    )
    .bind(user.id.clone())
    .bind(user.group_id.clone())
    .bind(user.role.as_str())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let issued = sessions::open(
        state,
        &mut tx,
        user,
        (None, Some(&client_ip.to_string())),
        now,
    )
    .await?;
    tx.commit().await?;
    tracing::info!(user = %issued.user.id, "guest session started");
    Ok(issued)
}

/// `DELETE /v1/me/guest`: closes the caller's guest account once its data
/// has been carried over: its notes, keys, preferences and sessions go.
/// Refused for a real account.
pub async fn close(state: &AppState, user_id: &str) -> Result<(), ServiceError> {
    let mut tx = state.db.begin().await?;
    let guest: Option<i64> = sqlx::query_scalar("SELECT guest FROM users WHERE id = $1")
        .bind(user_id.to_owned())
        .fetch_optional(&mut *tx)
        .await?;
    match guest {
        None => return Err(ServiceError::InvalidToken),
        Some(0) => {
            return Err(ServiceError::InvalidRequest(
                "only a guest account can be closed this way".into(),
            ));
        }
        Some(_) => {}
    }
    delete(&mut tx, user_id).await?;
    tx.commit().await?;
    tracing::info!(user = %user_id, "guest account closed");
    Ok(())
}

/// Everything the guest owns, then the guest: the last statement only
/// deletes a guest, so a mistaken id can never take a real account.
async fn delete(tx: &mut Tx, user_id: &str) -> Result<(), sqlx::Error> {
    crate::accounts::delete_owned(tx, user_id).await?;
    sqlx::query("DELETE FROM users WHERE id = $1 AND guest = 1")
        .bind(user_id.to_owned())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// SQL: the guest (`users` row) has no open session holding a refresh token
/// valid after `$2`. A macro so that the queries stay literals.
macro_rules! unreachable_guest {
    () => {
        "NOT EXISTS (SELECT 1 FROM sessions \
         JOIN refresh_tokens ON refresh_tokens.session_id = sessions.id \
         WHERE sessions.user_id = users.id AND sessions.revoked_at IS NULL \
         AND refresh_tokens.expires_at > $2)"
    };
}

/// The most abandoned guests one clean-up deletes, so that a backlog is
/// worked off over several minutes instead of in one long pass.
const ABANDONED_PER_PASS: i64 = 200;

/// Deletes guests nobody can come back to: a guest has no contact to log in
/// with, so once none of its sessions holds a refresh token that is still
/// valid, its device can never use it again, and what it wrote (encrypted
/// under a key only that device had) can never be carried over. Guests made
/// in the last day are left alone whatever their tokens say. Returns how many
/// were deleted.
pub async fn delete_abandoned(state: &AppState) -> Result<u64, ServiceError> {
    const DAY: Millis = 24 * 3600 * 1000;
    let now = state.clock.now_ms();
    let abandoned: Vec<String> = sqlx::query_scalar(concat!(
        "SELECT id FROM users WHERE guest = 1 AND created_at < $1 AND ",
        unreachable_guest!(),
        " LIMIT $3"
    ))
    .bind(now - DAY)
    .bind(now)
    .bind(ABANDONED_PER_PASS)
    .fetch_all(state.db.reader())
    .await?;
    let mut deleted = 0;
    for user_id in abandoned {
        // One guest that cannot be deleted must not hold up the others.
        match delete_if_abandoned(state, &user_id, now).await {
            Ok(true) => deleted += 1,
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(user = %user_id, error = %error, "could not delete an abandoned guest");
            }
        }
    }
    if deleted > 0 {
        tracing::info!(deleted, "abandoned guest accounts deleted");
    }
    Ok(deleted)
}

/// Checked again inside the deleting transaction: the device may have
/// refreshed since the search, or another instance deleted it.
async fn delete_if_abandoned(
    state: &AppState,
    user_id: &str,
    now: Millis,
) -> Result<bool, sqlx::Error> {
    let mut tx = state.db.begin().await?;
    let still_abandoned: Option<i64> = sqlx::query_scalar(concat!(
        "SELECT CAST(1 AS BIGINT) FROM users WHERE id = $1 AND guest = 1 AND ",
        unreachable_guest!()
    ))
    .bind(user_id.to_owned())
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?;
    if still_abandoned.is_none() {
        return Ok(false);
    }
    delete(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(true)
}

#[utoipa::path(post, path = "/v1/auth/guest", tag = "auth",
    description = "An anonymous guest account and its session, before any login: its notes and preferences have an owner. Logging in later on the same device carries them into the real account (the device re-encrypts the notes), then closes the guest with DELETE /v1/me/guest.",
    request_body = carekey_api::GuestRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
pub(super) async fn guest_start(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    JsonBody(request): JsonBody<carekey_api::GuestRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    state
        .check_captcha(request.captcha_token.as_ref(), ip)
        .await?;
    let issued = crate::account::guests::start(&state, ip).await?;
    Ok(Json(issued.response(true)))
}

#[utoipa::path(delete, path = "/v1/me/guest", tag = "account",
    description = "Closes the caller's guest account (its notes, keys, preferences, sessions), once the device has carried them into the real account. Refused for a real account.",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "closed"),
        (status = 400, body = ApiError, description = "invalid_request (not a guest)"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn close_guest(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<StatusCode, ServiceError> {
    crate::account::guests::close(&state, &claims.sub).await?;
    Ok(StatusCode::NO_CONTENT)
}
