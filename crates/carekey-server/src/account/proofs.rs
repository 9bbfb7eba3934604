//! Fresh proof: changing how an account logs in or who can read its data (a
//! new key, a revoked key, a new phone number) needs a proof, made in the
//! last few minutes, that the session's holder is the account's owner: a
//! code sent to the account's own contact. A login is such a proof at the
//! moment its session opens, so the app's usual steps right after login (a
//! new keypair, a phone added) need nothing more.
//!
//! Why: an access token alone (fifteen minutes, stolen from a log or a
//! device) once sufficed to register the attacker's key on a clinician's
//! account, or to make the attacker's number its login. Every such change
//! also tells the account's contacts, so that an owner learns of one they
//! did not make.

use crate::accounts::User;
use crate::clock::{Millis, rfc3339};
use crate::codes::{
    CodeRequests, admit_message, check_requested_code, message_queued, send_account_code,
};
use crate::db::Tx;
use crate::error::ServiceError;
use crate::http::{Caller, ClientIp, JsonBody, Shared};
use crate::identity::{Contact, ContactKind};
use crate::limits;
use crate::outbound::messages::{Channel, Notice};
use crate::outbound::queue;
use crate::secrets::generate_code;
use crate::state::AppState;
use crate::tokens::Claims;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use carekey_api::{ApiError, PhoneVerifyRequest, StartResponse};
use sqlx::Row;
use std::net::IpAddr;

/// The contact a proof code goes to: the email, else the login phone.
fn proof_contact(user: &User) -> Option<Contact> {
    match (&user.email, &user.phone) {
        (Some(email), _) => Some(Contact::Email(email.clone())),
        (None, Some(phone)) if user.phone_verified => Some(Contact::Phone(phone.clone())),
        _ => None,
    }
}

/// `Ok` when the session proved its owner within the fresh-proof window
/// (its login, or `POST /v1/me/proof/verify`); else `fresh_proof_required`.
/// Call inside the transaction that makes the change.
pub async fn require_fresh(
    state: &AppState,
    tx: &mut Tx,
    claims: &Claims,
) -> Result<(), ServiceError> {
    let now = state.clock.now_ms();
    let row = sqlx::query(
        "SELECT s.created_at, s.proven_at, u.guest \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL",
    )
    .bind(claims.sid.clone())
    .bind(claims.sub.clone())
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(ServiceError::InvalidToken)?;
    // A guest's session was opened without any code: it proves nothing.
    if row.try_get::<i64, _>("guest")? != 0 {
        return Err(ServiceError::FreshProofRequired);
    }
    let created: i64 = row.try_get("created_at")?;
    let proven: Option<i64> = row.try_get("proven_at")?;
    let latest = proven.map_or(created, |proven| proven.max(created));
    if now.saturating_sub(latest) <= state.policy.fresh_proof_ms {
        Ok(())
    } else {
        Err(ServiceError::FreshProofRequired)
    }
}

/// `POST /v1/me/proof`: sends a code to the account's login contact.
pub async fn start(
    state: &AppState,
    claims: &Claims,
    client_ip: IpAddr,
) -> Result<StartResponse, ServiceError> {
    let user = crate::accounts::by_id(state.db.reader(), &claims.sub)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    let contact = proof_contact(&user).ok_or_else(|| {
        ServiceError::InvalidRequest(
            "this account has no email address or login phone to send a code to".into(),
        )
    })?;
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    admit_message(state, &mut tx, &contact, client_ip, now).await?;
    let request_id = crate::db::new_id(now);
    let code = generate_code(state.policy.code_length);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    let code_expires_at = now.saturating_add(ttl);
    sqlx::query(
        "INSERT INTO proofs (id, user_id, session_id, contact_kind, contact, code_hash, \
         code_expires_at, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)",
    )
    .bind(request_id.clone())
    .bind(claims.sub.clone())
    .bind(claims.sid.clone())
    .bind(contact.kind().as_str())
    .bind(contact.address().to_owned())
    .bind(state.codes.hash(&request_id, code.expose()))
    .bind(code_expires_at)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    send_account_code(state, tx, (&contact, user.language.as_deref()), &code, ttl).await?;
    tracing::info!(request = %request_id, user = %claims.sub, to = %contact.masked(), "fresh proof started");
    Ok(StartResponse {
        request_id,
        login: contact.masked(),
        expires_at: rfc3339(code_expires_at),
        resend_after: rfc3339(now.saturating_add(state.policy.resend_cooldown_ms)),
        code_length: state.policy.code_length,
        match_number: None,
    })
}

/// `POST /v1/me/proof/verify`: a right code marks this session proven now;
/// a wrong one counts against the request and the contact, under the
/// request's row lock, before anyone else can try.
pub async fn verify(
    state: &AppState,
    claims: &Claims,
    request_id: &str,
    code: &str,
) -> Result<(), ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT contact_kind, contact, code_hash, code_expires_at, failed_attempts, status \
         FROM proofs WHERE id = $1 AND user_id = $2 AND session_id = $3{}",
        state.db.backend().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(request_id.to_owned())
        .bind(claims.sub.clone())
        .bind(claims.sid.clone())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::UnknownRequest)?;
    let address: String = row.try_get("contact")?;
    let contact = match ContactKind::parse(&row.try_get::<String, _>("contact_kind")?) {
        Some(ContactKind::Email) => Contact::Email(address),
        _ => Contact::Phone(address),
    };
    let mut tx = check_requested_code(
        state,
        tx,
        (CodeRequests::Proofs, request_id),
        &row,
        &contact,
        code,
    )
    .await?;
    sqlx::query("UPDATE proofs SET status = 'completed', code_hash = NULL WHERE id = $1")
        .bind(request_id.to_owned())
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE sessions SET proven_at = $2 WHERE id = $1")
        .bind(claims.sid.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    limits::record_success(&mut tx, &contact.key()).await?;
    tx.commit().await?;
    tracing::info!(request = %request_id, user = %claims.sub, "fresh proof made");
    Ok(())
}

/// Queues `notice` to every contact of `user` (email, login phone) in the
/// caller's transaction; answers the jobs to hand to the worker after
/// commit.
pub async fn notify(
    state: &AppState,
    tx: &mut Tx,
    user: &User,
    notice: &Notice<'_>,
    now: Millis,
) -> Result<Vec<queue::SealedJob>, ServiceError> {
    let mut contacts = Vec::new();
    if let Some(email) = &user.email {
        contacts.push(Contact::Email(email.clone()));
    }
    if let (Some(phone), true) = (&user.phone, user.phone_verified) {
        contacts.push(Contact::Phone(phone.clone()));
    }
    notify_contacts(
        state,
        tx,
        (&contacts, user.language.as_deref()),
        notice,
        now,
    )
    .await
}

/// Queues `notice` to each of `contacts` by its own channel, where this
/// server has one, in `language` (their account's; `None`: the default).
pub async fn notify_contacts(
    state: &AppState,
    tx: &mut Tx,
    (contacts, language): (&[Contact], Option<&str>),
    notice: &Notice<'_>,
    now: Millis,
) -> Result<Vec<queue::SealedJob>, ServiceError> {
    let language = state.templates.language(&[language]);
    tell_contacts(state, tx, contacts, now, |channel, address| {
        state.templates.notice(channel, address, notice, language)
    })
    .await
}

/// Queues the message `compose` makes for each contact, in the caller's
/// transaction, on the channel each contact's kind goes by (none where the
/// server has no such channel).
pub async fn tell_contacts(
    state: &AppState,
    tx: &mut Tx,
    contacts: &[Contact],
    now: Millis,
    compose: impl Fn(Channel, &str) -> crate::outbound::messages::Message,
) -> Result<Vec<queue::SealedJob>, ServiceError> {
    let mut jobs = Vec::new();
    for contact in contacts {
        let channel: Channel = contact.kind().into();
        let Some(transport) = state.channels.transport_for(channel) else {
            continue;
        };
        let message = compose(channel, contact.address());
        let job = queue::seal(&state.sealer, &crate::db::new_id(now), transport, &message)?;
        queue::enqueue(&mut *tx, &job, now, state.queue.lease_ms).await?;
        jobs.push(job);
    }
    Ok(jobs)
}

/// Hands committed notice jobs to the worker.
pub fn notices_queued(state: &AppState, jobs: &[queue::SealedJob]) {
    for job in jobs {
        message_queued(state, job);
    }
}

#[utoipa::path(post, path = "/v1/me/proof", tag = "account",
    description = "Send a code to the account's own contact (its email, else its login phone), to prove the session's holder is the owner before a change that needs a fresh proof.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_request (no contact)"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
pub(super) async fn start_proof(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Caller(claims): Caller,
) -> Result<Json<StartResponse>, ServiceError> {
    crate::account::proofs::start(&state, &claims, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/proof/verify", tag = "account",
    description = "Prove the code sent by /v1/me/proof: for the next few minutes this session may change the account's keys and phone.",
    request_body = PhoneVerifyRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "proven"),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
pub(super) async fn verify_proof(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<PhoneVerifyRequest>,
) -> Result<StatusCode, ServiceError> {
    crate::account::proofs::verify(&state, &claims, &request.request_id, request.code.expose())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
