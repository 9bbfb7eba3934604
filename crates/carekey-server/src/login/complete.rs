//! Completing a login: a code or a magic link's secret traded for a
//! session (iCure's complete, BioT's login), or the session handed to the
//! device whose login was approved from another one.
//!
//! Invariant: only the device that started a request can complete it (it
//! proves the verifier whose S256 challenge it sent, as PKCE does), a wrong
//! verifier is refused before the code is looked at, and every code or
//! link tried takes one of the request's tries atomically before it is
//! compared, on both databases.

use super::start::Flavor;
use crate::accounts::{self, Registration, User};
use crate::clock::Millis;
use crate::codes::{CodeRequests, invalid_code, message_queued, refuse_wrong_code};
use crate::db::Backend;
use crate::error::ServiceError;
use crate::http::{JsonBody, Shared, hold};
use crate::identity::{Contact, ContactKind};
use crate::limits;
use crate::secrets::verifier_matches;
use crate::sessions::{self, Issued};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use carekey_api::{ApiError, ApprovalRequest, CompleteRequest, SessionResponse};
use sqlx::Row;

/// What a person offers to complete a request: the code they typed, or the
/// secret of the link they opened. Either is checked against the same
/// budget of tries.
#[derive(Clone, Copy)]
pub enum Proof<'a> {
    Code(&'a str),
    Link(&'a str),
}

impl Proof<'_> {
    /// The keyed hashes to compare in SQL: (code hash, link hash), one NULL.
    fn hashes(self, state: &AppState, request_id: &str) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        match self {
            Proof::Code(code) => (Some(state.codes.hash(request_id, code.trim())), None),
            Proof::Link(secret) => (None, Some(state.codes.hash_link(request_id, secret))),
        }
    }
}

/// `POST /v1/auth/approval`, once: the session for a login approved from
/// another device, to the device that asked (its verifier) only. The code
/// the approval carries is then redeemed as if typed, so every rule of
/// codes holds (once, in time, attempts).
pub async fn redeem_approval(
    state: &AppState,
    request_id: &str,
    device_verifier: &str,
) -> Result<Redeemed, ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    let row = sqlx::query(
        "SELECT device_challenge, status FROM auth_requests WHERE id = $1 AND flavor = 'native'",
    )
    .bind(request_id.to_owned())
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(ServiceError::UnknownRequest)?;
    let challenge: Option<String> = row.try_get("device_challenge")?;
    if !challenge.is_some_and(|challenge| verifier_matches(device_verifier, &challenge)) {
        return Err(ServiceError::VerifierMismatch);
    }
    let status: String = row.try_get("status")?;
    if status == "completed" {
        return Err(ServiceError::CodeUsed);
    }
    let code = crate::login::links::take_approval(state, request_id)
        .await?
        .ok_or(ServiceError::ApprovalPending)?;
    redeem(
        state,
        Flavor::Native,
        request_id,
        Proof::Code(code.expose()),
        Some(device_verifier),
    )
    .await
}

pub(super) fn stored_contact(row: &sqlx::any::AnyRow) -> Result<Contact, ServiceError> {
    let kind: String = row.try_get("contact_kind")?;
    let address: String = row.try_get("contact")?;
    match ContactKind::parse(&kind) {
        Some(ContactKind::Email) => Ok(Contact::Email(address)),
        Some(ContactKind::Sms) => Ok(Contact::Phone(address)),
        None => Err(ServiceError::Internal(format!(
            "stored contact kind {kind}"
        ))),
    }
}

/// What a right code buys.
pub struct Redeemed {
    pub issued: Issued,
    pub is_new_user: bool,
}

/// A request as stored.
const REQUEST_SQL: &str = "SELECT auth_requests.flavor, auth_requests.contact_kind, auth_requests.contact, \
     auth_requests.user_id, auth_requests.registration, auth_requests.device_challenge, \
     auth_requests.code_hash, auth_requests.link_hash, auth_requests.code_expires_at, \
     auth_requests.expires_at, auth_requests.failed_attempts, auth_requests.status, \
     auth_requests.origin_requester, auth_requests.origin_device, auth_requests.origin_ip \
     FROM auth_requests \
     WHERE auth_requests.id = $1";

struct RequestState {
    flavor: String,
    contact: Contact,
    user_id: Option<String>,
    registration: Option<String>,
    device_challenge: Option<String>,
    code_hash: Option<Vec<u8>>,
    link_hash: Option<Vec<u8>>,
    code_expires_at: i64,
    expires_at: i64,
    failed_attempts: i64,
    status: String,
    origin_requester: Option<String>,
    origin_device: Option<String>,
    /// The address the login was started from: where the session's device
    /// was then.
    origin_ip: Option<String>,
}

impl RequestState {
    fn from_row(row: &sqlx::any::AnyRow) -> Result<Self, ServiceError> {
        Ok(RequestState {
            flavor: row.try_get("flavor")?,
            contact: stored_contact(row)?,
            user_id: row.try_get("user_id")?,
            registration: row.try_get("registration")?,
            device_challenge: row.try_get("device_challenge")?,
            code_hash: row.try_get("code_hash")?,
            link_hash: row.try_get("link_hash")?,
            code_expires_at: row.try_get("code_expires_at")?,
            expires_at: row.try_get("expires_at")?,
            failed_attempts: row.try_get("failed_attempts")?,
            status: row.try_get("status")?,
            origin_requester: row.try_get("origin_requester")?,
            origin_device: row.try_get("origin_device")?,
            origin_ip: row.try_get("origin_ip")?,
        })
    }

    /// Whether `proof` is right for this request, or why it cannot be
    /// tried. A wrong verifier is refused before the proof is looked at.
    /// Called only under the request's row lock, whose transaction counts
    /// a wrong proof before anyone else can try.
    fn assess(
        &self,
        state: &AppState,
        flavor: Flavor,
        request_id: &str,
        proof: Proof<'_>,
        device_verifier: Option<&str>,
        now: Millis,
    ) -> Result<bool, ServiceError> {
        if self.flavor != flavor.as_str() {
            return Err(ServiceError::UnknownRequest);
        }
        if flavor == Flavor::Native {
            let proven = match (self.device_challenge.as_deref(), device_verifier) {
                (Some(challenge), Some(verifier)) => verifier_matches(verifier, challenge),
                _ => false,
            };
            if !proven {
                return Err(ServiceError::VerifierMismatch);
            }
        }
        match self.status.as_str() {
            "completed" => return Err(ServiceError::CodeUsed),
            "locked" => return Err(ServiceError::TooManyAttempts { retry_after: None }),
            _ => {}
        }
        if self.failed_attempts >= i64::from(state.policy.max_attempts_per_request) {
            return Err(ServiceError::TooManyAttempts { retry_after: None });
        }
        if now >= self.code_expires_at || now >= self.expires_at {
            return Err(ServiceError::CodeExpired);
        }
        let (stored, given) = match proof.hashes(state, request_id) {
            (Some(code), _) => (self.code_hash.as_deref(), code),
            (None, Some(link)) => (self.link_hash.as_deref(), link),
            (None, None) => return Ok(false),
        };
        Ok(stored.is_some_and(|stored| {
            !stored.is_empty() && bool::from(subtle::ConstantTimeEq::ct_eq(stored, &given[..]))
        }))
    }
}

/// Checks a code or a link's secret (and, for the native API, the device
/// verifier) and opens a session.
///
/// Every evaluation takes its try before it compares: the common case (an
/// existing account) is one atomic statement that counts a wrong proof in
/// the same row update that compares it ([`log_in`]), so no number of
/// concurrent guesses evaluates more than the request's budget. Anything
/// that statement did not try (a registration, or a request it refused: to
/// explain why) goes through [`redeem_locked`], which compares under the
/// request's row lock and counts in the same transaction.
pub async fn redeem(
    state: &AppState,
    flavor: Flavor,
    request_id: &str,
    proof: Proof<'_>,
    device_verifier: Option<&str>,
) -> Result<Redeemed, ServiceError> {
    let result = redeem_unlocked(state, flavor, request_id, proof, device_verifier).await;
    match &result {
        Ok(redeemed) => {
            state.metrics.login(if redeemed.is_new_user {
                "registered"
            } else {
                "logged_in"
            });
            tracing::info!(
                request = %request_id,
                user = %redeemed.issued.user.id,
                new_user = redeemed.is_new_user,
                "login completed"
            );
        }
        Err(error) => state.metrics.login(error.code().as_str()),
    }
    result
}

async fn redeem_unlocked(
    state: &AppState,
    flavor: Flavor,
    request_id: &str,
    proof: Proof<'_>,
    device_verifier: Option<&str>,
) -> Result<Redeemed, ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    match log_in(state, flavor, request_id, proof, device_verifier).await? {
        Tried::LoggedIn(issued) => Ok(Redeemed {
            issued: *issued,
            is_new_user: false,
        }),
        Tried::Wrong { failed } => Err(invalid_code(state, failed)),
        Tried::Untried => redeem_locked(state, flavor, request_id, proof, device_verifier).await,
    }
}

/// What the atomic login did with one proof.
enum Tried {
    /// Right: the request is completed and this session opened.
    LoggedIn(Box<Issued>),
    /// Wrong: counted (the request now has `failed` wrong tries).
    Wrong { failed: i64 },
    /// Not tried at all (a registration, or a request that cannot be tried
    /// now): nothing was compared and nothing written.
    Untried,
}

/// The common case in one atomic round trip: takes a try on a login of an
/// existing account and compares the proof in the same row update. A right
/// proof marks the request completed and opens a session; a wrong one is
/// counted against the request and the identifier.
async fn log_in(
    state: &AppState,
    flavor: Flavor,
    request_id: &str,
    proof: Proof<'_>,
    device_verifier: Option<&str>,
) -> Result<Tried, ServiceError> {
    let now = state.clock.now_ms();
    let session_id = crate::db::new_id(now);
    let (refresh_token, refresh_hash) = crate::secrets::new_refresh_token();
    let refresh_expires = now.saturating_add(state.policy.refresh_ttl_ms);
    let (code_hash, link_hash) = proof.hashes(state, request_id);
    let policy = &state.policy;
    let row = state
        .operations
        .log_in
        .run(vec![
            request_id.into(),
            now.into(),
            session_id.clone().into(),
            code_hash.into(),
            device_verifier.map(crate::secrets::challenge_of).into(),
            flavor.as_str().into(),
            refresh_hash.into(),
            refresh_expires.into(),
            i64::from(policy.max_attempts_per_request).into(),
            link_hash.into(),
            i64::from(policy.max_consecutive_failures).into(),
            now.saturating_add(policy.failure_lockout_ms).into(),
        ])
        .await?;
    if let Some(failed) = row.try_get::<Option<i64>, _>("failed_attempts")? {
        return Ok(Tried::Wrong { failed });
    }
    // No account in the row: nothing was tried.
    if row.try_get::<Option<String>, _>("role")?.is_none() {
        return Ok(Tried::Untried);
    }
    let user = User::from_row(&row)?;
    sessions::issue(
        state,
        user,
        session_id,
        (refresh_token, refresh_expires),
        now,
    )
    .map(|issued| Tried::LoggedIn(Box::new(issued)))
}

/// Decides under a row lock: counts a wrong proof against the request and
/// the identifier (committed although the answer is an error), or redeems a
/// right one, creating the account of a registration.
async fn redeem_locked(
    state: &AppState,
    flavor: Flavor,
    request_id: &str,
    proof: Proof<'_>,
    device_verifier: Option<&str>,
) -> Result<Redeemed, ServiceError> {
    let now = state.clock.now_ms();
    // The other systems' jobs for an account made here (none for a login).
    let mut told = Vec::new();
    let mut tx = state.db.begin().await?;
    let lock = match state.db.backend() {
        Backend::Sqlite => "",
        Backend::Postgres => " FOR UPDATE OF auth_requests",
    };
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("{REQUEST_SQL}{lock}")))
        .bind(request_id.to_owned())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::UnknownRequest)?;
    let current = RequestState::from_row(&row)?;
    let contact = &current.contact;
    if !current.assess(state, flavor, request_id, proof, device_verifier, now)? {
        return Err(refuse_wrong_code(
            state,
            tx,
            CodeRequests::Logins,
            request_id,
            current.failed_attempts,
            contact,
        )
        .await?);
    }
    let consumed = sqlx::query(
        "UPDATE auth_requests SET status = 'completed', completed_at = $2, code_hash = NULL, \
         link_hash = NULL, link_code = NULL WHERE id = $1 AND status = 'pending'",
    )
    .bind(request_id.to_owned())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if consumed.rows_affected() != 1 {
        return Err(ServiceError::CodeUsed);
    }
    limits::record_success(&mut tx, &contact.key()).await?;
    limits::trust_requester(
        &mut tx,
        &contact.key(),
        current.origin_requester.as_deref(),
        now,
    )
    .await?;
    let (user, is_new_user) = match &current.user_id {
        Some(user_id) => (accounts::by_id(&mut *tx, user_id).await?, false),
        // Someone may have registered this identifier since start: the code
        // proves it is theirs, so they log in to that account.
        None => match accounts::id_by_contact(&mut tx, contact).await? {
            Some(user_id) => (accounts::by_id(&mut *tx, &user_id).await?, false),
            None => {
                let registration: Registration = current
                    .registration
                    .as_deref()
                    .and_then(|json| serde_json::from_str(json).ok())
                    .ok_or(ServiceError::UnknownRequest)?;
                let mut user =
                    accounts::create(&mut tx, &registration, &state.group_id, now).await?;
                if let Some(invitation) = &registration.invitation_id {
                    crate::care::invitations::admit(&mut tx, invitation, &mut user, now).await?;
                }
                told = state.teller().registration(&mut tx, &user, now).await?;
                (Some(user), true)
            }
        },
    };
    let user = user.ok_or(ServiceError::UnknownRequest)?;
    if user.disabled {
        // Only someone with the right proof learns this; the request stays
        // as it was (the transaction rolls back).
        return Err(ServiceError::AccountDisabled);
    }
    let origin = (
        current.origin_device.as_deref(),
        current.origin_ip.as_deref(),
    );
    let issued = sessions::open(state, &mut tx, user, origin, now).await?;
    tx.commit().await?;
    for job in &told {
        message_queued(state, job);
    }
    Ok(Redeemed {
        issued,
        is_new_user,
    })
}

#[utoipa::path(post, path = "/v1/auth/complete", tag = "auth",
    description = "Trade the code (or the magic link's secret) and the device verifier for a session.",
    request_body = CompleteRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired, invalid_link, invalid_request (neither or both of code and linkSecret)"),
        (status = 403, body = ApiError, description = "verifier_mismatch; account_disabled (an operator disabled the account: the code was right, no session opens)"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 409, body = ApiError, description = "code_used"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
pub(super) async fn complete(
    State(state): Shared,
    JsonBody(request): JsonBody<CompleteRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    // A link's secret is its own proof, checked against the same budget of
    // tries as the code; a malformed one is refused without a look-up.
    let proof = match (&request.code, &request.link_secret) {
        (Some(code), None) => Proof::Code(code.expose()),
        (None, Some(secret)) if crate::secrets::is_well_formed_link_secret(secret.expose()) => {
            Proof::Link(secret.expose())
        }
        (None, Some(_)) => return Err(ServiceError::InvalidLink),
        _ => {
            return Err(ServiceError::InvalidRequest(
                "give either code or linkSecret".into(),
            ));
        }
    };
    let redeemed = redeem(
        &state,
        Flavor::Native,
        &request.request_id,
        proof,
        Some(request.device_verifier.expose()),
    )
    .await?;
    Ok(Json(redeemed.issued.response(redeemed.is_new_user)))
}

#[utoipa::path(post, path = "/v1/auth/approval", tag = "auth",
    description = "The device that asked waits for its login to be approved from another device (long polling: up to waitSeconds, at most 25). Only the verifier whose challenge was sent at start is answered.",
    request_body = ApprovalRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 403, body = ApiError, description = "verifier_mismatch; account_disabled (an operator disabled the account)"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 409, body = ApiError, description = "approval_pending (ask again), code_used"),
    ))]
pub(super) async fn approval(
    State(state): Shared,
    JsonBody(request): JsonBody<ApprovalRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    let (state, request) = (&state, &request);
    let redeemed = hold(state, request.wait_seconds, move || {
        redeem_approval(state, &request.request_id, request.device_verifier.expose())
    })
    .await?;
    Ok(Json(redeemed.issued.response(redeemed.is_new_user)))
}
