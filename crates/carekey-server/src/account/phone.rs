//! A logged-in user adds a phone number to their account, proving it theirs
//! with a code sent to it; from then on they can log in by SMS.
//!
//! A number given beside an email at registration is not proven (only the
//! email got the code) and is never used to log in; this is how it becomes
//! usable. The same limits as login codes apply: send limits per number, IP
//! and number range, 5 tries per request, lockout after repeated failures.
//!
//! Making a number the account's login changes how it logs in: it needs a
//! fresh proof ([`crate::account::proofs`]) and tells the account's contacts. A
//! number that is already another account's login is answered exactly as a
//! free one (so the endpoint cannot tell who is registered); it gets no code,
//! only word that someone tried to add it to another account.

use crate::clock::rfc3339;
use crate::codes::{CodeRequests, admit_message, check_requested_code, send_account_code};
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::identity::Contact;
use crate::limits;
use crate::secrets::generate_code;
use crate::state::AppState;
use crate::tokens::Claims;
use axum::Json;
use axum::extract::State;
use carekey_api::{ApiError, PhoneRequest, PhoneVerifyRequest, Profile, StartResponse};
use sqlx::Row;
use std::net::IpAddr;

/// The number is already the login of another account.
fn taken_by_other(owner: Option<String>, user_id: &str) -> bool {
    owner.is_some_and(|owner| owner != user_id)
}

/// `POST /v1/me/phone`: sends a code to `phone` for the logged-in user.
pub async fn start(
    state: &AppState,
    claims: &Claims,
    phone: &str,
    client_ip: IpAddr,
) -> Result<StartResponse, ServiceError> {
    let user_id = claims.sub.as_str();
    let contact = Contact::phone(phone)?;
    if state
        .channels
        .transport_for(contact.kind().into())
        .is_none()
    {
        return Err(ServiceError::ChannelUnavailable(contact.kind().as_str()));
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    crate::account::proofs::require_fresh(state, &mut tx, claims).await?;
    let owner: Option<String> = sqlx::query("SELECT id FROM users WHERE phone = $1")
        .bind(contact.address().to_owned())
        .fetch_optional(&mut *tx)
        .await?
        .map(|row| row.try_get("id"))
        .transpose()?;
    let taken = taken_by_other(owner, user_id);
    admit_message(state, &mut tx, &contact, client_ip, now).await?;
    let request_id = crate::db::new_id(now);
    let code = generate_code(state.policy.code_length);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    let code_expires_at = now.saturating_add(ttl);
    // A taken number's request has no code: nothing proves it.
    let code_hash = (!taken).then(|| state.codes.hash(&request_id, code.expose()));
    sqlx::query(
        "INSERT INTO phone_verifications (id, user_id, phone, code_hash, code_expires_at, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, 'pending', $6)",
    )
    .bind(request_id.clone())
    .bind(user_id.to_owned())
    .bind(contact.address().to_owned())
    .bind(code_hash)
    .bind(code_expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let answer = StartResponse {
        request_id: request_id.clone(),
        login: contact.masked(),
        expires_at: rfc3339(code_expires_at),
        resend_after: rfc3339(now.saturating_add(state.policy.resend_cooldown_ms)),
        code_length: state.policy.code_length,
        match_number: None,
    };
    if taken {
        let notices = crate::account::proofs::notify_contacts(
            state,
            &mut tx,
            std::slice::from_ref(&contact),
            "Someone tried to add this number to another CareKey account. It was not added, and your account is unchanged.",
            now,
        )
        .await?;
        tx.commit().await?;
        crate::account::proofs::notices_queued(state, &notices);
        tracing::info!(request = %request_id, user = %user_id, to = %contact.masked(), "phone verification asked for a number in use");
        return Ok(answer);
    }
    send_account_code(state, tx, &contact, &code, ttl).await?;
    tracing::info!(request = %request_id, user = %user_id, to = %contact.masked(), "phone verification started");
    Ok(answer)
}

/// `POST /v1/me/phone/verify`: a right code makes the number the user's
/// login by SMS (replacing any previous one); a wrong one counts against
/// the request and the number.
pub async fn verify(
    state: &AppState,
    user_id: &str,
    request_id: &str,
    code: &str,
) -> Result<Profile, ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT phone, code_hash, code_expires_at, failed_attempts, status \
         FROM phone_verifications WHERE id = $1 AND user_id = $2{}",
        state.db.backend().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(request_id.to_owned())
        .bind(user_id.to_owned())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::UnknownRequest)?;
    let contact = Contact::Phone(row.try_get("phone")?);
    let mut tx = check_requested_code(
        state,
        tx,
        (CodeRequests::PhoneVerifications, request_id),
        &row,
        &contact,
        code,
    )
    .await?;
    sqlx::query(
        "UPDATE phone_verifications SET status = 'completed', code_hash = NULL WHERE id = $1",
    )
    .bind(request_id.to_owned())
    .execute(&mut *tx)
    .await?;
    limits::record_success(&mut tx, &contact.key()).await?;
    let previous: Option<String> = sqlx::query_scalar("SELECT phone FROM users WHERE id = $1")
        .bind(user_id.to_owned())
        .fetch_optional(&mut *tx)
        .await?
        .flatten();
    // The UNIQUE constraint on users.phone settles a race with another
    // account proving the same number meanwhile.
    let updated = sqlx::query(
        "UPDATE users SET phone = $2, unverified_phone = NULL, updated_at = $3 WHERE id = $1",
    )
    .bind(user_id.to_owned())
    .bind(contact.address().to_owned())
    .bind(now)
    .execute(&mut *tx)
    .await;
    match updated {
        Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
            return Err(ServiceError::ContactTaken);
        }
        Err(error) => return Err(error.into()),
        Ok(_) => {}
    }
    let user = crate::accounts::by_id(&mut *tx, user_id)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    // The contacts from before the change hear of it (the new number has
    // just proven itself with its code).
    let mut told = Vec::new();
    if let Some(email) = &user.email {
        told.push(Contact::Email(email.clone()));
    }
    if let Some(old) = previous.filter(|old| old != contact.address()) {
        told.push(Contact::Phone(old));
    }
    let notices = crate::account::proofs::notify_contacts(
        state,
        &mut tx,
        &told,
        &format!(
            "The phone number {} is now the login phone of your account.",
            contact.masked()
        ),
        now,
    )
    .await?;
    tx.commit().await?;
    crate::account::proofs::notices_queued(state, &notices);
    tracing::info!(request = %request_id, user = %user_id, to = %contact.masked(), "phone verified");
    Ok(user.profile())
}

#[utoipa::path(post, path = "/v1/me/phone", tag = "account",
    description = "Send a code to a phone number the caller wants to log in with. A number given beside an email at registration is not proven and cannot log in until it is verified this way.",
    request_body = PhoneRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_phone, channel_unavailable"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 409, body = ApiError, description = "contact_taken: another account logs in with it"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
pub(super) async fn add_phone(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<PhoneRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    let guest = crate::accounts::by_id(state.db.reader(), &claims.sub)
        .await?
        .is_none_or(|user| user.guest);
    if guest {
        return Err(ServiceError::InvalidRequest(
            "a guest has no login to add a number to: create an account or log in first".into(),
        ));
    }
    crate::account::phone::start(&state, &claims, &request.phone, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/phone/verify", tag = "account",
    description = "Prove the number with its code: it becomes the caller's login by SMS.",
    request_body = PhoneVerifyRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 409, body = ApiError, description = "code_used, contact_taken"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
pub(super) async fn verify_phone(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<PhoneVerifyRequest>,
) -> Result<Json<Profile>, ServiceError> {
    crate::account::phone::verify(
        &state,
        &claims.sub,
        &request.request_id,
        request.code.expose(),
    )
    .await
    .map(Json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_is_taken_only_by_another_account() {
        assert!(!taken_by_other(None, "u1"));
        assert!(!taken_by_other(Some("u1".into()), "u1"));
        assert!(taken_by_other(Some("u2".into()), "u1"));
    }
}
