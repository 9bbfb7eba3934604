//! A new code for a pending request (`POST /v1/auth/resend`).
//!
//! Invariant: the new code voids the previous one, it waits out the resend
//! cooldown, and it counts against the same send limits as a start.

use super::complete::stored_contact;
use super::start::{Flavor, Started, new_code};
use crate::codes::{admit_message, message_queued, prepare_message};
use crate::error::ServiceError;
use crate::http::{ClientIp, JsonBody, Shared};
use crate::limits;
use crate::outbound::messages::{Channel, Template};
use crate::outbound::queue;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use carekey_api::{ApiError, ResendRequest, StartResponse};
use sqlx::Row;
use std::net::IpAddr;

/// `POST /v1/auth/resend`: a new code that voids the previous one.
pub async fn resend_code(
    state: &AppState,
    request_id: &str,
    client_ip: IpAddr,
) -> Result<StartResponse, ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT flavor, contact_kind, contact, user_id, registration, status, expires_at, resend_after, \
         failed_attempts, channel, language FROM auth_requests WHERE id = $1{}",
        state.db.backend().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(request_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::UnknownRequest)?;
    let flavor: String = row.try_get("flavor")?;
    let status: String = row.try_get("status")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let resend_after: i64 = row.try_get("resend_after")?;
    let failed_attempts: i64 = row.try_get("failed_attempts")?;
    if flavor != Flavor::Native.as_str() || expires_at <= now {
        return Err(ServiceError::UnknownRequest);
    }
    match status.as_str() {
        "completed" => return Err(ServiceError::CodeUsed),
        "locked" => return Err(ServiceError::TooManyAttempts { retry_after: None }),
        _ => {}
    }
    if failed_attempts >= i64::from(state.policy.max_attempts_per_request) {
        return Err(ServiceError::TooManyAttempts { retry_after: None });
    }
    if now < resend_after {
        return Err(ServiceError::RateLimited {
            retry_after: limits::seconds_until(resend_after, now),
        });
    }
    let contact = stored_contact(&row)?;
    admit_message(state, &mut tx, &contact, client_ip, now).await?;
    let user_id: Option<String> = row.try_get("user_id")?;
    let registration: Option<String> = row.try_get("registration")?;
    let fresh = new_code(state, Flavor::Native, request_id);
    let (code, link) = (&fresh.code, &fresh.link);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    let sends_code = user_id.is_some() || registration.is_some();
    let code_hash = sends_code.then(|| state.codes.hash(request_id, code.expose()));
    let (link_hash, link_code) = if sends_code {
        (fresh.link_hash.clone(), fresh.link_code.clone())
    } else {
        (None, None)
    };
    let started = Started {
        request_id: request_id.to_owned(),
        contact,
        code_expires_at: now.saturating_add(ttl),
        resend_after: now.saturating_add(state.policy.resend_cooldown_ms),
    };
    sqlx::query(
        "UPDATE auth_requests SET code_hash = $2, code_expires_at = $3, resend_after = $4, sends = sends + 1, \
         link_hash = $5, link_code = $6 WHERE id = $1",
    )
    .bind(request_id)
    .bind(code_hash)
    .bind(started.code_expires_at)
    .bind(started.resend_after)
    .bind(link_hash)
    .bind(link_code)
    .execute(&mut *tx)
    .await?;
    let template = if sends_code {
        Template::Code
    } else {
        Template::NoAccount
    };
    // Sent again by the same channel; a WhatsApp code outside the chat is
    // the template (there is none for "no account": nothing goes).
    let channel = row
        .try_get::<Option<String>, _>("channel")?
        .as_deref()
        .and_then(Channel::parse)
        .unwrap_or_else(|| started.contact.kind().into());
    let language: Option<String> = row.try_get("language")?;
    let language = state.templates.language(&[language.as_deref()]);
    let job_id = crate::db::new_id(now);
    let job = prepare_message(
        state,
        &job_id,
        (&started.contact, channel),
        template,
        (code.expose(), link.as_deref().map(String::as_str)),
        (ttl, language),
    )?;
    if let Some(job) = &job {
        queue::enqueue(&mut tx, job, now, state.queue.lease_ms).await?;
    }
    tx.commit().await?;
    if let Some(job) = &job {
        message_queued(state, job);
    }
    tracing::info!(request = %request_id, to = %started.contact.masked(), "code sent again");
    Ok(started.response(state))
}

#[utoipa::path(post, path = "/v1/auth/resend", tag = "auth",
    description = "A new code for a pending request; the previous code stops working.",
    request_body = ResendRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 429, body = ApiError, description = "rate_limited (cooldown), too_many_attempts"),
    ))]
pub(super) async fn resend(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    JsonBody(request): JsonBody<ResendRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    state
        .check_captcha(request.captcha_token.as_ref(), ip)
        .await?;
    resend_code(&state, &request.request_id, ip).await.map(Json)
}
