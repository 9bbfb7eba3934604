//! Passwordless registration and login with one-time codes (iCure's
//! start/complete, and BioT's OTP generate/login on the same machinery).
//!
//! Start answers the same shape whether or not the identifier has an account,
//! so it cannot be used to find out who is registered. Only the device that
//! started a request can complete it: it proves the verifier whose S256
//! challenge it sent (as PKCE does); a wrong verifier is refused before the
//! code is even looked at, so it cannot burn the real user's attempts.

use crate::accounts::{self, Registration};
use crate::clock::{Millis, rfc3339};
use crate::error::ServiceError;
use crate::identity::{Contact, ContactKind, phone_prefix};
use crate::limits::{self, Limit};
use crate::messages::{self, Fill, Template};
use crate::queue;
use crate::secrets::{generate_code, is_well_formed_challenge, verifier_matches};
use crate::sessions::{self, Issued};
use crate::state::AppState;
use carekey_api::{Role, StartRequest, StartResponse};
use sqlx::{AnyConnection, Row};
use std::net::IpAddr;

/// Which API a request was started from; a request is completed through the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Native,
    Biot,
}

impl Flavor {
    fn as_str(self) -> &'static str {
        match self {
            Flavor::Native => "native",
            Flavor::Biot => "biot",
        }
    }
}

const NAME_MAX: usize = 100;

fn clean_name(field: &str, value: Option<&str>) -> Result<Option<String>, ServiceError> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > NAME_MAX || value.chars().any(char::is_control) {
        return Err(ServiceError::InvalidRequest(format!(
            "{field} must be at most {NAME_MAX} characters, without control characters"
        )));
    }
    Ok(Some(value.to_owned()))
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

/// The request's contact and, if it registers, the new account's details.
fn read_start(request: &StartRequest) -> Result<(Contact, Option<Registration>), ServiceError> {
    let email = non_blank(request.email.as_deref())
        .map(Contact::email)
        .transpose()?;
    let phone = non_blank(request.phone.as_deref())
        .map(Contact::phone)
        .transpose()?;
    // With both, the code goes by email (as iCure does).
    let contact = email.clone().or_else(|| phone.clone()).ok_or_else(|| {
        ServiceError::InvalidRequest("give an email address or a phone number".into())
    })?;
    if !is_well_formed_challenge(&request.device_challenge) {
        return Err(ServiceError::InvalidRequest(
            "deviceChallenge must be the unpadded base64url SHA-256 of the device verifier".into(),
        ));
    }
    let first_name = clean_name("firstName", request.first_name.as_deref())?;
    let last_name = clean_name("lastName", request.last_name.as_deref())?;
    let clinician =
        non_blank(request.responsible_clinician_id.as_deref()).map(|id| id.trim().to_owned());
    let registration = match (first_name, last_name, request.role) {
        (None, None, None) if clinician.is_none() => None,
        (Some(first_name), Some(last_name), Some(role)) => {
            if role == Role::Patient && clinician.is_none() {
                return Err(ServiceError::InvalidClinician(
                    "a patient needs a responsible clinician (responsibleClinicianId)",
                ));
            }
            Some(Registration {
                first_name,
                last_name,
                role,
                responsible_clinician_id: clinician,
                email: email.map(|contact| contact.address().to_owned()),
                phone: phone.map(|contact| contact.address().to_owned()),
            })
        }
        _ => {
            return Err(ServiceError::InvalidRequest(
                "to register, give firstName, lastName and role; to log in, give none of them"
                    .into(),
            ));
        }
    };
    Ok((contact, registration))
}

fn send_limits(state: &AppState, contact: &Contact, client_ip: IpAddr) -> Vec<Limit> {
    let policy = &state.policy;
    let mut limits = vec![
        Limit {
            key: format!("send:id:{}", contact.key()),
            max: policy.send_limit_per_identifier,
        },
        Limit {
            key: format!("send:ip:{client_ip}"),
            max: policy.send_limit_per_ip,
        },
    ];
    if let Contact::Phone(number) = contact {
        limits.push(Limit {
            key: format!(
                "send:prefix:{}",
                phone_prefix(number, policy.phone_prefix_digits)
            ),
            max: policy.send_limit_per_phone_prefix,
        });
    }
    limits
}

/// Rate limits and lockout for one more message to `contact`.
async fn admit_send(
    state: &AppState,
    conn: &mut AnyConnection,
    contact: &Contact,
    client_ip: IpAddr,
    now: Millis,
) -> Result<(), ServiceError> {
    if let Some(wait) = limits::lockout(conn, &contact.key(), now).await? {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(wait),
        });
    }
    limits::count_send(
        conn,
        &send_limits(state, contact, client_ip),
        state.policy.send_window_ms,
        now,
    )
    .await
}

/// Queues the message for a request: its code, or word that no account exists.
async fn queue_message(
    state: &AppState,
    conn: &mut AnyConnection,
    contact: &Contact,
    template: Template,
    code: &str,
    ttl_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    let transport = state
        .channels
        .transport_for(contact.kind())
        .ok_or(ServiceError::ChannelUnavailable(contact.kind().as_str()))?;
    let fill = Fill {
        code,
        minutes: u64::try_from(ttl_ms / 60_000).unwrap_or(1).max(1),
        host: &state.public_host,
    };
    let message = messages::compose(template, contact.kind(), contact.address(), &fill);
    queue::enqueue(conn, &state.sealer, transport, &message, now).await?;
    crate::metrics::Metrics::transport(&state.metrics.messages_queued, transport.as_str());
    Ok(())
}

pub struct Started {
    pub request_id: String,
    pub contact: Contact,
    pub code_expires_at: Millis,
    pub resend_after: Millis,
}

impl Started {
    pub fn response(&self, code_length: u8) -> StartResponse {
        StartResponse {
            request_id: self.request_id.clone(),
            login: self.contact.masked(),
            expires_at: rfc3339(self.code_expires_at),
            resend_after: rfc3339(self.resend_after),
            code_length,
        }
    }
}

/// `POST /v1/auth/start`.
pub async fn start(
    state: &AppState,
    request: &StartRequest,
    client_ip: IpAddr,
) -> Result<StartResponse, ServiceError> {
    let (contact, registration) = read_start(request)?;
    if state.channels.transport_for(contact.kind()).is_none() {
        return Err(ServiceError::ChannelUnavailable(contact.kind().as_str()));
    }
    if let Some(captcha) = &state.captcha {
        captcha
            .verify(request.captcha_token.as_ref(), client_ip)
            .await?;
    }
    let started = begin(
        state,
        Flavor::Native,
        contact,
        registration,
        Some(&request.device_challenge),
        client_ip,
    )
    .await?;
    Ok(started.response(state.policy.code_length))
}

/// Creates a request and queues its message, in one transaction.
pub async fn begin(
    state: &AppState,
    flavor: Flavor,
    contact: Contact,
    registration: Option<Registration>,
    device_challenge: Option<&str>,
    client_ip: IpAddr,
) -> Result<Started, ServiceError> {
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    if let Some(clinician) = registration
        .as_ref()
        .and_then(|r| r.responsible_clinician_id.as_deref())
        && !accounts::is_clinician(&mut tx, clinician).await?
    {
        return Err(ServiceError::InvalidClinician(
            "the responsible clinician must be the user id of a registered clinician",
        ));
    }
    admit_send(state, &mut tx, &contact, client_ip, now).await?;
    let user_id = accounts::id_by_contact(&mut tx, &contact).await?;
    let request_id = uuid::Uuid::new_v4().to_string();
    let code = generate_code(state.policy.code_length);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    // BioT logs in existing users only; for an unknown phone it sends nothing.
    // The native API tells the person no account exists, and stores no code.
    let (template, code_hash) = match (&user_id, &registration, flavor) {
        (Some(_), _, Flavor::Native) | (None, Some(_), _) => (
            Some(Template::Code),
            Some(state.codes.hash(&request_id, code.expose())),
        ),
        (Some(_), _, Flavor::Biot) => (
            Some(Template::BiotCode),
            Some(state.codes.hash(&request_id, code.expose())),
        ),
        (None, None, Flavor::Native) => (Some(Template::NoAccount), None),
        (None, None, Flavor::Biot) => (None, None),
    };
    let registration_json = registration
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| ServiceError::Internal("registration encoding".into()))?;
    let started = Started {
        request_id,
        contact,
        code_expires_at: now.saturating_add(ttl),
        resend_after: now.saturating_add(state.policy.resend_cooldown_ms),
    };
    sqlx::query(
        "INSERT INTO auth_requests (id, flavor, contact_kind, contact, user_id, registration, \
         device_challenge, code_hash, code_expires_at, expires_at, resend_after, sends, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 1, 'pending', $12)",
    )
    .bind(&started.request_id)
    .bind(flavor.as_str())
    .bind(started.contact.kind().as_str())
    .bind(started.contact.address())
    .bind(&user_id)
    .bind(registration_json)
    .bind(device_challenge)
    .bind(code_hash)
    .bind(started.code_expires_at)
    .bind(now.saturating_add(state.policy.request_ttl_ms))
    .bind(started.resend_after)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if let Some(template) = template {
        queue_message(
            state,
            &mut tx,
            &started.contact,
            template,
            code.expose(),
            ttl,
            now,
        )
        .await?;
    }
    tx.commit().await?;
    state.queue_wake.notify_one();
    tracing::info!(
        request = %started.request_id,
        channel = started.contact.kind().as_str(),
        to = %started.contact.masked(),
        flavor = flavor.as_str(),
        "login request started"
    );
    Ok(started)
}

/// `POST /v1/auth/resend`: a new code that voids the previous one.
pub async fn resend(
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
         failed_attempts FROM auth_requests WHERE id = $1{}",
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
    admit_send(state, &mut tx, &contact, client_ip, now).await?;
    let user_id: Option<String> = row.try_get("user_id")?;
    let registration: Option<String> = row.try_get("registration")?;
    let code = generate_code(state.policy.code_length);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    let sends_code = user_id.is_some() || registration.is_some();
    let code_hash = sends_code.then(|| state.codes.hash(request_id, code.expose()));
    let started = Started {
        request_id: request_id.to_owned(),
        contact,
        code_expires_at: now.saturating_add(ttl),
        resend_after: now.saturating_add(state.policy.resend_cooldown_ms),
    };
    sqlx::query(
        "UPDATE auth_requests SET code_hash = $2, code_expires_at = $3, resend_after = $4, sends = sends + 1 \
         WHERE id = $1",
    )
    .bind(request_id)
    .bind(code_hash)
    .bind(started.code_expires_at)
    .bind(started.resend_after)
    .execute(&mut *tx)
    .await?;
    let template = if sends_code {
        Template::Code
    } else {
        Template::NoAccount
    };
    queue_message(
        state,
        &mut tx,
        &started.contact,
        template,
        code.expose(),
        ttl,
        now,
    )
    .await?;
    tx.commit().await?;
    state.queue_wake.notify_one();
    tracing::info!(request = %request_id, to = %started.contact.masked(), "code sent again");
    Ok(started.response(state.policy.code_length))
}

fn stored_contact(row: &sqlx::any::AnyRow) -> Result<Contact, ServiceError> {
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

/// Checks a code (and, for the native API, the device verifier) and opens a
/// session. Wrong codes count against the request and the identifier; the
/// count is committed even though the answer is an error.
pub async fn redeem(
    state: &AppState,
    flavor: Flavor,
    request_id: &str,
    code: &str,
    device_verifier: Option<&str>,
) -> Result<Redeemed, ServiceError> {
    if uuid::Uuid::parse_str(request_id).is_err() {
        return Err(ServiceError::UnknownRequest);
    }
    let now = state.clock.now_ms();
    let policy = &state.policy;
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT flavor, contact_kind, contact, user_id, registration, device_challenge, code_hash, \
         code_expires_at, expires_at, failed_attempts, status FROM auth_requests WHERE id = $1{}",
        state.db.backend().for_update()
    );
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(request_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ServiceError::UnknownRequest)?;
    let stored_flavor: String = row.try_get("flavor")?;
    if stored_flavor != flavor.as_str() {
        return Err(ServiceError::UnknownRequest);
    }
    if flavor == Flavor::Native {
        let challenge: Option<String> = row.try_get("device_challenge")?;
        let proven = match (challenge.as_deref(), device_verifier) {
            (Some(challenge), Some(verifier)) => verifier_matches(verifier, challenge),
            _ => false,
        };
        if !proven {
            state.metrics.login("verifier_mismatch");
            return Err(ServiceError::VerifierMismatch);
        }
    }
    let status: String = row.try_get("status")?;
    let failed_attempts: i64 = row.try_get("failed_attempts")?;
    let expires_at: i64 = row.try_get("expires_at")?;
    let code_expires_at: i64 = row.try_get("code_expires_at")?;
    let contact = stored_contact(&row)?;
    match status.as_str() {
        "completed" => {
            state.metrics.login("code_used");
            return Err(ServiceError::CodeUsed);
        }
        "locked" => return Err(ServiceError::TooManyAttempts { retry_after: None }),
        _ => {}
    }
    if failed_attempts >= i64::from(policy.max_attempts_per_request) {
        return Err(ServiceError::TooManyAttempts { retry_after: None });
    }
    if let Some(wait) = limits::lockout(&mut tx, &contact.key(), now).await? {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(wait),
        });
    }
    if now >= code_expires_at || now >= expires_at {
        state.metrics.login("code_expired");
        return Err(ServiceError::CodeExpired);
    }
    let code_hash: Option<Vec<u8>> = row.try_get("code_hash")?;
    let code = code.trim();
    let right = code_hash
        .as_deref()
        .is_some_and(|stored| state.codes.matches(request_id, code, stored));
    if !right {
        let failed = failed_attempts + 1;
        let locked = failed >= i64::from(policy.max_attempts_per_request);
        sqlx::query("UPDATE auth_requests SET failed_attempts = $2, status = $3 WHERE id = $1")
            .bind(request_id)
            .bind(failed)
            .bind(if locked { "locked" } else { "pending" })
            .execute(&mut *tx)
            .await?;
        limits::record_failure(
            &mut tx,
            &contact.key(),
            policy.max_consecutive_failures,
            policy.failure_lockout_ms,
            now,
        )
        .await?;
        tx.commit().await?;
        state.metrics.login("invalid_code");
        let attempts_left = i64::from(policy.max_attempts_per_request) - failed;
        return Err(ServiceError::InvalidCode {
            attempts_left: u32::try_from(attempts_left.max(0)).unwrap_or(0),
        });
    }
    let consumed = sqlx::query(
        "UPDATE auth_requests SET status = 'completed', completed_at = $2, code_hash = NULL \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(request_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    if consumed.rows_affected() != 1 {
        return Err(ServiceError::CodeUsed);
    }
    limits::record_success(&mut tx, &contact.key()).await?;
    let known: Option<String> = row.try_get("user_id")?;
    let registration: Option<String> = row.try_get("registration")?;
    let (user, is_new_user) = match known {
        Some(user_id) => (accounts::by_id(&mut *tx, &user_id).await?, false),
        // Someone may have registered this identifier since start: the code
        // proves it is theirs, so they log in to that account.
        None => match accounts::id_by_contact(&mut tx, &contact).await? {
            Some(user_id) => (accounts::by_id(&mut *tx, &user_id).await?, false),
            None => {
                let registration: Registration = registration
                    .as_deref()
                    .and_then(|json| serde_json::from_str(json).ok())
                    .ok_or(ServiceError::UnknownRequest)?;
                let user = accounts::create(&mut tx, &registration, &state.group_id, now).await?;
                (Some(user), true)
            }
        },
    };
    let user = user.ok_or(ServiceError::UnknownRequest)?;
    let issued = sessions::open(state, &mut tx, user, now).await?;
    tx.commit().await?;
    state.metrics.login(if is_new_user {
        "registered"
    } else {
        "logged_in"
    });
    tracing::info!(
        request = %request_id,
        user = %issued.user.id,
        new_user = is_new_user,
        "login completed"
    );
    Ok(Redeemed {
        issued,
        is_new_user,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

    fn request() -> StartRequest {
        StartRequest {
            device_challenge: CHALLENGE.into(),
            ..StartRequest::default()
        }
    }

    #[test]
    fn a_login_needs_only_an_identifier() {
        let (contact, registration) = read_start(&StartRequest {
            phone: Some("+32 470 12 34 56".into()),
            ..request()
        })
        .unwrap();
        assert_eq!(contact, Contact::Phone("+32470123456".into()));
        assert!(registration.is_none());
    }

    #[test]
    fn with_both_the_code_goes_by_email() {
        let (contact, registration) = read_start(&StartRequest {
            email: Some("Ned@Winterfell.example".into()),
            phone: Some("+32470123456".into()),
            first_name: Some(" Ned ".into()),
            last_name: Some("Stark".into()),
            role: Some(Role::Clinician),
            ..request()
        })
        .unwrap();
        assert_eq!(contact, Contact::Email("ned@winterfell.example".into()));
        let registration = registration.unwrap();
        assert_eq!(registration.first_name, "Ned");
        assert_eq!(registration.phone.as_deref(), Some("+32470123456"));
    }

    #[test]
    fn incomplete_or_wrong_requests_say_what_is_missing() {
        let cases: Vec<(StartRequest, &str)> = vec![
            (request(), "invalid_request"),
            (
                StartRequest {
                    email: Some("a@b.example".into()),
                    device_challenge: "short".into(),
                    ..request()
                },
                "invalid_request",
            ),
            (
                StartRequest {
                    email: Some("a@b.example".into()),
                    first_name: Some("A".into()),
                    ..request()
                },
                "invalid_request",
            ),
            (
                StartRequest {
                    email: Some("a@b.example".into()),
                    first_name: Some("A".into()),
                    last_name: Some("B".into()),
                    role: Some(Role::Patient),
                    ..request()
                },
                "invalid_clinician",
            ),
            (
                StartRequest {
                    phone: Some("12".into()),
                    ..request()
                },
                "invalid_phone",
            ),
            (
                StartRequest {
                    email: Some("nope".into()),
                    ..request()
                },
                "invalid_email",
            ),
        ];
        for (request, code) in cases {
            let error = read_start(&request).err().unwrap();
            assert_eq!(error.code().as_str(), code, "{request:?}");
        }
    }
}
