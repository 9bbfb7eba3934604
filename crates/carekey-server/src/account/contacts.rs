//! A logged-in user changes how they log in: adds or replaces the phone
//! number or the email address, proving the new one theirs with a code sent
//! to it.
//!
//! A number given beside an email at registration is not proven (only the
//! email got the code) and is never used to log in; this is how it becomes
//! usable. The same limits as login codes apply: send limits per address, IP
//! and number range, 5 tries per request, lockout after repeated failures.
//!
//! Changing a login contact needs a fresh proof ([`crate::account::proofs`]);
//! every address of before is told, with a "this was not me" link
//! ([`crate::account::contact_changes`]): an attacker holding a session
//! cannot quietly make the account theirs. An address that is already
//! another account's login is answered exactly as a free one (so the
//! endpoint cannot tell who is registered); it gets no code, only word that
//! someone tried to add it to another account.

use crate::clock::rfc3339;
use crate::codes::{CodeRequests, admit_message, check_requested_code, send_account_code};
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::identity::{Contact, ContactKind};
use crate::limits;
use crate::outbound::messages::Notice;
use crate::secrets::generate_code;
use crate::state::AppState;
use crate::tokens::Claims;
use axum::Json;
use axum::extract::State;
use carekey_api::{
    ApiError, EmailRequest, PhoneRequest, PhoneVerifyRequest, Profile, StartResponse,
};
use sqlx::Row;
use std::net::IpAddr;

/// The address is already the login of another account.
fn taken_by_other(owner: Option<String>, user_id: &str) -> bool {
    owner.is_some_and(|owner| owner != user_id)
}

/// The `users` column that holds a contact of this kind, which is also its
/// `kind` in `contact_verifications` and `contact_changes`.
pub(crate) fn column(kind: ContactKind) -> &'static str {
    match kind {
        ContactKind::Email => "email",
        ContactKind::Sms => "phone",
    }
}

/// `POST /v1/me/phone` and `POST /v1/me/email`: sends a code to `contact`
/// for the logged-in user.
pub async fn start(
    state: &AppState,
    claims: &Claims,
    contact: Contact,
    client_ip: IpAddr,
) -> Result<StartResponse, ServiceError> {
    let user_id = claims.sub.as_str();
    let kind = column(contact.kind());
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
    let owner = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT id, language FROM users WHERE {kind} = $1"
    )))
    .bind(contact.address().to_owned())
    .fetch_optional(&mut *tx)
    .await?
    .map(|row| {
        Ok::<_, sqlx::Error>((
            row.try_get::<String, _>("id")?,
            row.try_get::<Option<String>, _>("language")?,
        ))
    })
    .transpose()?;
    let (owner, owner_language) = owner.map_or((None, None), |(id, language)| (Some(id), language));
    let taken = taken_by_other(owner, user_id);
    let language = crate::accounts::language(&mut tx, user_id).await?;
    admit_message(state, &mut tx, &contact, client_ip, now).await?;
    let request_id = crate::db::new_id(now);
    let code = generate_code(state.policy.code_length);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    let code_expires_at = now.saturating_add(ttl);
    // A taken number's request has no code: nothing proves it.
    let code_hash = (!taken).then(|| state.codes.hash(&request_id, code.expose()));
    sqlx::query(
        "INSERT INTO contact_verifications (id, user_id, kind, address, code_hash, code_expires_at, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7)",
    )
    .bind(request_id.clone())
    .bind(user_id.to_owned())
    .bind(kind)
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
        // Told in the language of the account whose address it is.
        let notices = crate::account::proofs::notify_contacts(
            state,
            &mut tx,
            (std::slice::from_ref(&contact), owner_language.as_deref()),
            &Notice::ContactTaken {
                kind: contact.kind(),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        crate::account::proofs::notices_queued(state, &notices);
        tracing::info!(request = %request_id, user = %user_id, to = %contact.masked(), "contact verification asked for an address in use");
        return Ok(answer);
    }
    send_account_code(state, tx, (&contact, language.as_deref()), &code, ttl).await?;
    tracing::info!(request = %request_id, user = %user_id, to = %contact.masked(), "contact verification started");
    Ok(answer)
}

/// `POST /v1/me/phone/verify` and `POST /v1/me/email/verify`: a right code
/// makes the address the user's login of its kind (replacing any previous
/// one); a wrong one counts against the request and the address. A request
/// of the other kind is unknown here.
pub async fn verify(
    state: &AppState,
    user_id: &str,
    kind: ContactKind,
    request_id: &str,
    code: &str,
) -> Result<Profile, ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    let column = column(kind);
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT address, code_hash, code_expires_at, failed_attempts, status \
         FROM contact_verifications WHERE id = $1 AND user_id = $2 AND kind = $3{}",
        state.db.backend().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(request_id.to_owned())
        .bind(user_id.to_owned())
        .bind(column)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::UnknownRequest)?;
    let address: String = row.try_get("address")?;
    let contact = match kind {
        ContactKind::Email => Contact::Email(address),
        ContactKind::Sms => Contact::Phone(address),
    };
    let mut tx = check_requested_code(
        state,
        tx,
        (CodeRequests::ContactVerifications, request_id),
        &row,
        &contact,
        code,
    )
    .await?;
    sqlx::query(
        "UPDATE contact_verifications SET status = 'completed', code_hash = NULL WHERE id = $1",
    )
    .bind(request_id.to_owned())
    .execute(&mut *tx)
    .await?;
    limits::record_success(&mut tx, &contact.key()).await?;
    let before = crate::accounts::by_id(&mut *tx, user_id)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    // The UNIQUE constraint on the column settles a race with another
    // account proving the same address meanwhile. A number given beside an
    // email at registration was never proven: it is replaced, not kept.
    let sql = match kind {
        ContactKind::Email => "UPDATE users SET email = $2, updated_at = $3 WHERE id = $1",
        ContactKind::Sms => {
            "UPDATE users SET phone = $2, unverified_phone = NULL, updated_at = $3 WHERE id = $1"
        }
    };
    let updated = sqlx::query(sql)
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
    let previous = match kind {
        ContactKind::Email => before.email.clone(),
        ContactKind::Sms => before.phone.clone().filter(|_| before.phone_verified),
    };
    let notices = if previous.as_deref() == Some(contact.address()) {
        Vec::new()
    } else {
        crate::account::contact_changes::tell_previous(
            state,
            &mut tx,
            &before,
            &contact,
            previous.as_deref(),
            now,
        )
        .await?
    };
    tx.commit().await?;
    crate::account::proofs::notices_queued(state, &notices);
    tracing::info!(request = %request_id, user = %user_id, to = %contact.masked(), "login contact changed");
    Ok(user.profile())
}

#[utoipa::path(post, path = "/v1/me/phone", tag = "account",
    description = "Send a code to a phone number the caller wants to log in with. A number given beside an email at registration is not proven and cannot log in until it is verified this way. Needs a fresh proof. A number another account logs in with is answered as any other (no code is sent; its owner is told), so that the answer does not tell who has an account.",
    request_body = PhoneRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_phone, channel_unavailable, invalid_request (a guest)"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 403, body = ApiError, description = "fresh_proof_required"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
pub(super) async fn add_phone(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<PhoneRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    refuse_guest(&state, &claims).await?;
    let contact = Contact::phone(&request.phone)?;
    start(&state, &claims, contact, ip).await.map(Json)
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
    verify(
        &state,
        &claims.sub,
        ContactKind::Sms,
        &request.request_id,
        request.code.expose(),
    )
    .await
    .map(Json)
}

/// A guest has no login to change.
async fn refuse_guest(state: &AppState, claims: &Claims) -> Result<(), ServiceError> {
    let guest = crate::accounts::by_id(state.db.reader(), &claims.sub)
        .await?
        .is_none_or(|user| user.guest);
    if guest {
        return Err(ServiceError::InvalidRequest(
            "a guest has no login to change: create an account or log in first".into(),
        ));
    }
    Ok(())
}

#[utoipa::path(post, path = "/v1/me/email", tag = "account",
    description = "Send a code to an email address the caller wants to log in with instead of their current one (or besides their phone). Needs a fresh proof; the account's addresses of before are told, with a link that undoes the change.",
    request_body = EmailRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_email, channel_unavailable, invalid_request (a guest)"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 403, body = ApiError, description = "fresh_proof_required"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
pub(super) async fn change_email(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<EmailRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    refuse_guest(&state, &claims).await?;
    let contact = Contact::email(&request.email)?;
    start(&state, &claims, contact, ip).await.map(Json)
}

#[utoipa::path(post, path = "/v1/me/email/verify", tag = "account",
    description = "Prove the email address with its code: it becomes the caller's login email, and the addresses of before are told.",
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
pub(super) async fn verify_email(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<PhoneVerifyRequest>,
) -> Result<Json<Profile>, ServiceError> {
    verify(
        &state,
        &claims.sub,
        ContactKind::Email,
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
