//! Where the account is logged in: its sessions, listed for its owner, and
//! ended one at a time or all but the caller's.
//!
//! Invariant: every statement here is scoped to the caller's own user id, so
//! a session id of another account is "not found", never ended; a device's
//! name is what it said of itself when its login began (a claim shown to
//! the owner, never used to decide anything); its place is where its login
//! came from, only with a places database (`crate::places`). A session its owner ended
//! answers `session_revoked` at its next refresh, so that device says why it
//! is logged out.

use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::http::{Caller, Shared};
use crate::sessions::BY_OWNER;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use carekey_api::{AccountSession, AccountSessions, ApiError, SessionsRevoked};
use sqlx::Row;

/// A session from before devices were named (or a guest's).
const UNNAMED: &str = "A device";

#[utoipa::path(get, path = "/v1/me/sessions", tag = "account",
    description = "The sessions of the caller's account that can still be used (not ended, a refresh token not expired), the most recently seen first, the caller's own marked.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = AccountSessions),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn list_sessions(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<AccountSessions>, ServiceError> {
    let now = state.clock.now_ms();
    let rows = sqlx::query(
        "SELECT s.id, s.device_name, s.created_at, s.last_seen_at, s.login_ip FROM sessions s \
         WHERE s.user_id = $1 AND s.revoked_at IS NULL AND EXISTS \
           (SELECT 1 FROM refresh_tokens t WHERE t.session_id = s.id AND t.expires_at > $2) \
         ORDER BY COALESCE(s.last_seen_at, s.created_at) DESC, s.id",
    )
    .bind(&claims.sub)
    .bind(now)
    .fetch_all(state.db.reader())
    .await?;
    let sessions = rows
        .iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let created_at: i64 = row.try_get("created_at")?;
            let last_seen_at: Option<i64> = row.try_get("last_seen_at")?;
            Ok(AccountSession {
                this_device: id == claims.sid,
                id,
                device_name: row
                    .try_get::<Option<String>, _>("device_name")?
                    .unwrap_or_else(|| UNNAMED.to_owned()),
                created_at: rfc3339(created_at),
                last_seen_at: rfc3339(last_seen_at.unwrap_or(created_at)),
                place: state.places.as_ref().and_then(|places| {
                    let ip = row.try_get::<Option<String>, _>("login_ip").ok()??;
                    places.place_of(ip.parse().ok()?)
                }),
            })
        })
        .collect::<Result<Vec<_>, ServiceError>>()?;
    Ok(Json(AccountSessions { sessions }))
}

#[utoipa::path(delete, path = "/v1/me/sessions/{id}", tag = "account",
    description = "End one of the caller's sessions: that device is logged out at its next request and told why (session_revoked). Ending the caller's own session is logging out.",
    params(("id" = String, Path, description = "the session's id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "ended"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found: no such session of this account, or one already ended"),
    ))]
pub(super) async fn revoke_session(
    State(state): Shared,
    Caller(claims): Caller,
    Path(id): Path<String>,
) -> Result<StatusCode, ServiceError> {
    let now = state.clock.now_ms();
    let reason = if id == claims.sid { "logout" } else { BY_OWNER };
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $3, revoked_reason = $4 \
         WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
    )
    .bind(&id)
    .bind(&claims.sub)
    .bind(now)
    .bind(reason)
    .execute(state.db.writer())
    .await?;
    if ended.rows_affected() == 0 {
        return Err(ServiceError::NotFound);
    }
    tracing::info!(user = %claims.sub, session = %id, "session ended by its owner");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/v1/me/sessions/revoke-others", tag = "account",
    description = "End every session of the caller's account but the caller's own.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = SessionsRevoked),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn revoke_other_sessions(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<SessionsRevoked>, ServiceError> {
    let now = state.clock.now_ms();
    let ended = sqlx::query(
        "UPDATE sessions SET revoked_at = $3, revoked_reason = $4 \
         WHERE user_id = $1 AND id <> $2 AND revoked_at IS NULL",
    )
    .bind(&claims.sub)
    .bind(&claims.sid)
    .bind(now)
    .bind(BY_OWNER)
    .execute(state.db.writer())
    .await?;
    tracing::info!(user = %claims.sub, ended = ended.rows_affected(), "other sessions ended by their owner");
    Ok(Json(SessionsRevoked {
        revoked: ended.rows_affected(),
    }))
}
