//! Sessions: a refresh-token family per login, rotated on every refresh.
//!
//! Refresh tokens are stored as SHA-256 hashes. Each one works once; a token
//! presented again within `refresh_reuse_grace_seconds` of its first use is a
//! concurrent refresh (two tabs, a retried request) and gets the very
//! successor the first use got (kept sealed for that), so there is only ever
//! one chain and a thief's copy is detected at its next use; later, it is a
//! replay of a stolen token, and the whole family is revoked.
//! Access tokens name their session (`sid`), so revocation ends them too.
//! A disabled account's sessions neither refresh nor authenticate, whatever
//! their state: disabling is checked on every use, not only when it happens.

use crate::accounts::{self, User};
use crate::clock::{Millis, rfc3339};
use crate::error::ServiceError;
use crate::secrets::{new_refresh_token, token_hash};
use crate::state::AppState;
use crate::tokens::{Claims, TokenError};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use carekey_api::{SecretString, SessionResponse};
use sqlx::{AnyConnection, Row};

/// Tokens handed out for one login or refresh.
pub struct Issued {
    pub user: User,
    pub access_token: SecretString,
    pub access_expires: Millis,
    pub refresh_token: SecretString,
    pub refresh_expires: Millis,
}

impl Issued {
    pub fn response(self, is_new_user: bool) -> SessionResponse {
        SessionResponse {
            user_id: self.user.id,
            group_id: self.user.group_id,
            access_token: self.access_token,
            access_token_expires_at: rfc3339(self.access_expires),
            refresh_token: self.refresh_token,
            refresh_token_expires_at: rfc3339(self.refresh_expires),
            is_new_user,
        }
    }
}

/// A new refresh token in `session_id`'s family (inside the caller's transaction).
async fn add_refresh_token(
    conn: &mut AnyConnection,
    session_id: &str,
    now: Millis,
    ttl: Millis,
) -> Result<(SecretString, Millis), ServiceError> {
    let (token, hash) = new_refresh_token();
    let expires = now.saturating_add(ttl);
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(hash)
    .bind(session_id)
    .bind(now)
    .bind(expires)
    .execute(&mut *conn)
    .await?;
    Ok((token, expires))
}

pub fn issue(
    state: &AppState,
    user: User,
    session_id: String,
    refresh: (SecretString, Millis),
    now: Millis,
) -> Result<Issued, ServiceError> {
    let (access_token, access_expires) = state
        .tokens
        .issue(
            &user.id,
            &user.group_id,
            &session_id,
            crate::tokens::TokenRole::of(user.role, user.guest),
            now,
        )
        .map_err(|error| ServiceError::Internal(error.to_string()))?;
    Ok(Issued {
        user,
        access_token,
        access_expires,
        refresh_token: refresh.0,
        refresh_expires: refresh.1,
    })
}

/// Opens a session for `user` inside the caller's transaction. `device` is
/// how the device named itself when its login began (already cleaned by
/// `login::links::device_label`): shown to the account's owner, never
/// trusted.
pub async fn open(
    state: &AppState,
    conn: &mut AnyConnection,
    user: User,
    (device, ip): (Option<&str>, Option<&str>),
    now: Millis,
) -> Result<Issued, ServiceError> {
    let session_id = crate::db::new_id(now);
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, device_name, last_seen_at, login_ip) \
         VALUES ($1, $2, $3, $4, $3, $5)",
    )
    .bind(&session_id)
    .bind(&user.id)
    .bind(now)
    .bind(device.map(str::to_owned))
    .bind(ip.map(str::to_owned))
    .execute(&mut *conn)
    .await?;
    let refresh = add_refresh_token(conn, &session_id, now, state.policy.refresh_ttl_ms).await?;
    issue(state, user, session_id, refresh, now)
}

/// Trades a refresh token for a new pair.
pub async fn refresh(state: &AppState, token: &str) -> Result<Issued, ServiceError> {
    let now = state.clock.now_ms();
    let hash = token_hash(token);
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT t.session_id, t.expires_at, t.used_at, t.successor_sealed, s.user_id, s.revoked_at, s.revoked_reason \
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id WHERE t.token_hash = $1{}",
        state.db.backend().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&hash)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    let session_id: String = row.try_get("session_id")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let used_at: Option<i64> = row.try_get("used_at")?;
    let user_id: String = row.try_get("user_id")?;
    let revoked_at: Option<i64> = row.try_get("revoked_at")?;
    let revoked_reason: Option<String> = row.try_get("revoked_reason")?;
    if revoked_at.is_some() {
        return Err(match revoked_reason.as_deref() {
            Some("reuse") => ServiceError::TokenReused,
            Some(BY_OWNER) => ServiceError::SessionRevoked,
            Some(REPORTED) => ServiceError::ReportedChange,
            _ => ServiceError::InvalidToken,
        });
    }
    if expires_at <= now {
        return Err(ServiceError::InvalidToken);
    }
    let successor_sealed: Option<Vec<u8>> = row.try_get("successor_sealed")?;
    let sealed_for = URL_SAFE_NO_PAD.encode(&hash);
    let refresh = match (used_at, successor_sealed) {
        (None, _) => {
            let (token, expires) =
                add_refresh_token(&mut tx, &session_id, now, state.policy.refresh_ttl_ms).await?;
            let sealed = state
                .sealer
                .seal(&sealed_for, token.expose().as_bytes())
                .map_err(|_| {
                    ServiceError::Internal("a refresh token could not be sealed".into())
                })?;
            sqlx::query(
                "UPDATE refresh_tokens SET used_at = $2, successor_sealed = $3 \
                 WHERE token_hash = $1 AND used_at IS NULL",
            )
            .bind(&hash)
            .bind(now)
            .bind(sealed)
            .execute(&mut *tx)
            .await?;
            (token, expires)
        }
        (Some(used), Some(sealed)) if now.saturating_sub(used) <= state.policy.refresh_grace_ms => {
            // A concurrent refresh: the same successor, not a second chain.
            let opened = state.sealer.open(&sealed_for, &sealed).map_err(|_| {
                ServiceError::Internal("a refresh token could not be opened".into())
            })?;
            let token = SecretString::new(
                String::from_utf8(opened.to_vec())
                    .map_err(|_| ServiceError::Internal("a sealed refresh token".into()))?,
            );
            let expires: Option<i64> =
                sqlx::query_scalar("SELECT expires_at FROM refresh_tokens WHERE token_hash = $1")
                    .bind(token_hash(token.expose()))
                    .fetch_optional(&mut *tx)
                    .await?;
            (token, expires.ok_or(ServiceError::InvalidToken)?)
        }
        // Late, or used before successors were kept: a replay.
        (Some(_), _) => {
            revoke(&mut tx, &session_id, "reuse", now).await?;
            tx.commit().await?;
            state.metrics.login("refresh_reuse");
            tracing::warn!(session = %session_id, "refresh token reused; session revoked");
            return Err(ServiceError::TokenReused);
        }
    };
    let user = accounts::by_id(&mut *tx, &user_id)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    if user.disabled {
        // Rolled back: the token stays as it was, and refuses again.
        return Err(ServiceError::AccountDisabled);
    }
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id = $1")
        .bind(&session_id)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    issue(state, user, session_id, refresh, now)
}

/// The reason of a session its owner ended from another of their devices.
pub const BY_OWNER: &str = "revoked_by_owner";

/// The reason of the sessions a "this was not me" report ended
/// ([`crate::account::contact_changes`]): their refresh answers
/// `session_revoked` with a sentence of its own.
pub const REPORTED: &str = "contact_change_reported";

pub async fn revoke(
    conn: &mut AnyConnection,
    session_id: &str,
    reason: &str,
    now: Millis,
) -> Result<(), ServiceError> {
    sqlx::query("UPDATE sessions SET revoked_at = $2, revoked_reason = $3 WHERE id = $1 AND revoked_at IS NULL")
        .bind(session_id)
        .bind(now)
        .bind(reason)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Checks a bearer access token and that its session still stands.
pub async fn authenticate(state: &AppState, bearer: &str) -> Result<Claims, ServiceError> {
    let now = state.clock.now_ms();
    let claims = state
        .tokens
        .verify(bearer, now)
        .map_err(|error| match error {
            TokenError::Expired | TokenError::Invalid => ServiceError::InvalidToken,
            other => ServiceError::Internal(other.to_string()),
        })?;
    // The account is read too: disabling revokes its sessions, but a login
    // racing the disabling could open one just after; this check stops it.
    let row = sqlx::query(
        "SELECT s.revoked_at, u.disabled_at FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.user_id = $2",
    )
    .bind(&claims.sid)
    .bind(&claims.sub)
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(ServiceError::InvalidToken)?;
    if row.try_get::<Option<i64>, _>("disabled_at")?.is_some() {
        return Err(ServiceError::AccountDisabled);
    }
    if row.try_get::<Option<i64>, _>("revoked_at")?.is_some() {
        return Err(ServiceError::InvalidToken);
    }
    Ok(claims)
}

/// Ends the caller's session, and the one `refresh_token` belongs to if it is
/// another session of the same user.
pub async fn logout(
    state: &AppState,
    claims: &Claims,
    refresh_token: Option<&str>,
) -> Result<(), ServiceError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    revoke(&mut tx, &claims.sid, "logout", now).await?;
    if let Some(token) = refresh_token {
        let row = sqlx::query(
            "SELECT s.id FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
             WHERE t.token_hash = $1 AND s.user_id = $2",
        )
        .bind(token_hash(token))
        .bind(&claims.sub)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = row {
            let other: String = row.try_get("id")?;
            revoke(&mut tx, &other, "logout", now).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
