//! Starting a login or a registration (iCure's start, BioT's generate):
//! the request, its code and link, and the message that carries them,
//! written in one atomic operation with the send limits.
//!
//! Invariant: the answer has the same shape whether or not the identifier
//! has an account, so start cannot tell anyone who is registered; and a
//! start that would pass a send limit writes nothing and sends nothing.

use crate::accounts::{self, Registration};
use crate::care::invitations::Invited;
use crate::clock::{Millis, rfc3339};
use crate::codes::{identifier_ceiling, message_queued, prepare_message, send_limits};
use crate::db::Arg;
use crate::error::ServiceError;
use crate::http::{ClientIp, JsonBody, Shared};
use crate::identity::Contact;
use crate::limits;
use crate::outbound::messages::{Channel, Template};
use crate::outbound::queue;
use crate::secrets::{
    generate_code, generate_link_secret, is_well_formed_challenge, seal_code_for_link,
};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use carekey_api::{ApiError, DeliveryChannel, Role, SecretString, StartRequest, StartResponse};
use sqlx::Row;
use std::net::IpAddr;
use zeroize::Zeroizing;

/// Which API a request was started from; a request is completed through the same one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Native,
    Biot,
}

impl Flavor {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Flavor::Native => "native",
            Flavor::Biot => "biot",
        }
    }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.filter(|value| !value.trim().is_empty())
}

/// The request's contact and, if it registers, the new account's details
/// (through `invited`, the invitation its secret checked, if any).
fn read_start(
    request: &StartRequest,
    invited: Option<&Invited>,
) -> Result<(Contact, Option<Registration>), ServiceError> {
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
    check_challenge(&request.device_challenge)?;
    let registration = read_registration(
        (request.first_name.as_deref(), request.last_name.as_deref()),
        request.role,
        (request.responsible_clinician_id.as_deref(), invited),
        (
            email.map(|contact| contact.address().to_owned()),
            phone.map(|contact| contact.address().to_owned()),
        ),
    )?;
    Ok((contact, registration))
}

pub(crate) fn check_challenge(challenge: &str) -> Result<(), ServiceError> {
    if is_well_formed_challenge(challenge) {
        Ok(())
    } else {
        Err(ServiceError::InvalidRequest(
            "deviceChallenge must be the unpadded base64url SHA-256 of the device verifier".into(),
        ))
    }
}

/// A new account's details when the request registers (names and role all
/// given), `None` when it logs in (none given); anything between is refused.
/// An invitation (`invited`, its secret already checked) is only for a
/// patient's registration, and names her clinician: a typed id must be his.
pub(crate) fn read_registration(
    (first_name, last_name): (Option<&str>, Option<&str>),
    role: Option<Role>,
    (clinician, invited): (Option<&str>, Option<&Invited>),
    (email, phone): (Option<String>, Option<String>),
) -> Result<Option<Registration>, ServiceError> {
    let first_name = accounts::clean_name("firstName", first_name)?;
    let last_name = accounts::clean_name("lastName", last_name)?;
    let typed = non_blank(clinician).map(|id| id.trim().to_owned());
    if let Some(invited) = invited {
        if role != Some(Role::Patient) {
            return Err(ServiceError::InvalidRequest(
                "an invitation is for registering as a patient; with an account, accept it from your home screen".into(),
            ));
        }
        if typed
            .as_deref()
            .is_some_and(|typed| typed != invited.clinician_id)
        {
            return Err(ServiceError::InvalidClinician(
                "the invitation is from another clinician than the one typed",
            ));
        }
    }
    let clinician = invited
        .map(|invited| invited.clinician_id.clone())
        .or(typed);
    match (first_name, last_name, role) {
        (None, None, None) if clinician.is_none() => Ok(None),
        (Some(first_name), Some(last_name), Some(role)) => {
            if role == Role::Patient && clinician.is_none() {
                return Err(ServiceError::InvalidClinician(
                    "a patient needs a responsible clinician (responsibleClinicianId)",
                ));
            }
            Ok(Some(Registration {
                first_name,
                last_name,
                role,
                responsible_clinician_id: clinician,
                email,
                phone,
                invitation_id: invited.map(|invited| invited.invitation_id.clone()),
                language: None,
            }))
        }
        _ => Err(ServiceError::InvalidRequest(
            "to register, give firstName, lastName and role; to log in, give none of them".into(),
        )),
    }
}

/// A new code for a request and, for native logins, its magic link: a
/// secret of its own (never derived from the code), kept as a keyed hash,
/// with the code sealed under it for the landing page. BioT's messages
/// carry the code alone, as BioT's do.
pub(crate) struct NewCode {
    pub code: SecretString,
    pub link: Option<Zeroizing<String>>,
    pub link_hash: Option<Vec<u8>>,
    pub link_code: Option<Vec<u8>>,
}

pub(crate) fn new_code(state: &AppState, flavor: Flavor, request_id: &str) -> NewCode {
    let code = generate_code(state.policy.code_length);
    match flavor {
        Flavor::Native => {
            let secret = generate_link_secret();
            NewCode {
                link: Some(crate::login::links::url(
                    &state.public_url,
                    request_id,
                    secret.expose(),
                )),
                link_hash: Some(state.codes.hash_link(request_id, secret.expose())),
                link_code: seal_code_for_link(request_id, secret.expose(), code.expose()),
                code,
            }
        }
        Flavor::Biot => NewCode {
            code,
            link: None,
            link_hash: None,
            link_code: None,
        },
    }
}

/// Where and how a login was asked for.
pub struct Asked<'a> {
    pub ip: IpAddr,
    /// The device's own name, else its User-Agent.
    pub device: Option<&'a str>,
    /// How the code travels (a phone number's can go by WhatsApp).
    pub channel: Channel,
    /// Asked from a WhatsApp chat the person opened: the answer is a reply
    /// there (free text with the link), not a template.
    pub in_chat: bool,
    /// The language the asking app is in (a tag, the requester's claim):
    /// the code's message, a resent one and the link's page are written in
    /// it, and a registration keeps it as the account's.
    pub language: Option<&'a str>,
}

impl<'a> Asked<'a> {
    /// Asked from a device, answered on the contact's own channel.
    pub fn by_device(ip: IpAddr, device: Option<&'a str>, contact: &Contact) -> Self {
        Asked {
            ip,
            device,
            channel: contact.kind().into(),
            in_chat: false,
            language: None,
        }
    }
}

pub struct Started {
    pub request_id: String,
    pub contact: Contact,
    pub code_expires_at: Millis,
    pub resend_after: Millis,
}

impl Started {
    /// The native API's answer: with the number to match on approval.
    pub fn response(&self, state: &AppState) -> StartResponse {
        StartResponse {
            request_id: self.request_id.clone(),
            login: self.contact.masked(),
            expires_at: rfc3339(self.code_expires_at),
            resend_after: rfc3339(self.resend_after),
            code_length: state.policy.code_length,
            match_number: Some(state.codes.match_number(&self.request_id)),
        }
    }
}

/// `POST /v1/auth/start`.
pub async fn start_login(
    state: &AppState,
    request: &StartRequest,
    client_ip: IpAddr,
    user_agent: Option<&str>,
) -> Result<StartResponse, ServiceError> {
    // Checked first (a try of the invitation taken): it names the clinician.
    let invited = match &request.invitation {
        Some(token) => Some(crate::care::invitations::check(state, token.expose()).await?),
        None => None,
    };
    let (contact, registration) = read_start(request, invited.as_ref())?;
    // Without the app's language, the account's own (an API client that
    // gives none); the app always gives one, and this read is skipped.
    let kept = match &request.language {
        Some(_) => None,
        None => crate::accounts::language_of(state.db.reader(), &contact).await?,
    };
    let mut asked = Asked::by_device(
        client_ip,
        request.device_name.as_deref().or(user_agent),
        &contact,
    );
    asked.language = request.language.as_deref().or(kept.as_deref());
    if request.channel == Some(DeliveryChannel::Whatsapp) {
        if !matches!(contact, Contact::Phone(_)) || non_blank(request.email.as_deref()).is_some() {
            return Err(ServiceError::InvalidRequest(
                "channel whatsapp needs a phone number and no email address".into(),
            ));
        }
        asked.channel = Channel::Whatsapp;
    }
    if state.channels.transport_for(asked.channel).is_none() {
        return Err(ServiceError::ChannelUnavailable(asked.channel.as_str()));
    }
    state
        .check_captcha(request.captcha_token.as_ref(), client_ip)
        .await?;
    let started = begin(
        state,
        Flavor::Native,
        contact,
        registration,
        Some(&request.device_challenge),
        asked,
    )
    .await?;
    Ok(started.response(state))
}

/// Creates a request and queues its message in one atomic round trip to the
/// database, which also finds the account, checks the lockout and the
/// responsible clinician, and counts the send limits. Only an admitted
/// start counts against the limits: a refused one spends nobody's budget
/// and writes nothing.
pub async fn begin(
    state: &AppState,
    flavor: Flavor,
    contact: Contact,
    registration: Option<Registration>,
    device_challenge: Option<&str>,
    asked: Asked<'_>,
) -> Result<Started, ServiceError> {
    let now = state.clock.now_ms();
    let client_ip = asked.ip;
    let origin_device = crate::login::links::device_label(asked.device);
    let language = state.templates.language(&[asked.language]);
    // Only a language asked for is kept (as `PUT /v1/me/language` keeps
    // one): without one, the account follows the server's default,
    // whatever it becomes.
    let asked_language = asked
        .language
        .and_then(|tag| state.templates.keep_language(tag));
    let registration = registration.map(|registration| Registration {
        language: asked_language.clone(),
        ..registration
    });
    let request_id = crate::db::new_id(now);
    let fresh = new_code(state, flavor, &request_id);
    let (code, link) = (&fresh.code, &fresh.link);
    let ttl = state.policy.code_ttl_ms(contact.kind());
    // Whether the account exists is only known inside the write, so both
    // messages are sealed and the database keeps the right one: the code when
    // there is an account or a registration, else (native API) word that no
    // account uses the address. BioT sends nothing for an unknown phone.
    let job_id = crate::db::new_id(now);
    let (code_template, no_account_template) = match (flavor, asked.in_chat) {
        (_, true) => (Template::ChatCode, Template::ChatNoAccount),
        (Flavor::Native, false) => (Template::Code, Template::NoAccount),
        (Flavor::Biot, false) => (Template::BiotCode, Template::NoAccount),
    };
    let with_code = prepare_message(
        state,
        &job_id,
        (&contact, asked.channel),
        code_template,
        (code.expose(), link.as_deref().map(String::as_str)),
        (ttl, language),
    )?
    .ok_or_else(|| ServiceError::Internal("a code message with no text".into()))?;
    let without_account = match (flavor, &registration) {
        (Flavor::Native, None) => prepare_message(
            state,
            &job_id,
            (&contact, asked.channel),
            no_account_template,
            ("", None),
            (ttl, language),
        )?
        .map(|job| job.sealed),
        _ => None,
    };
    let registration_json = registration
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| ServiceError::Internal("registration encoding".into()))?;
    let clinician = registration
        .as_ref()
        .and_then(|registration| registration.responsible_clinician_id.clone());
    let started = Started {
        request_id,
        contact,
        code_expires_at: now.saturating_add(ttl),
        resend_after: now.saturating_add(state.policy.resend_cooldown_ms),
    };
    let limits = send_limits(state, &started.contact, client_ip);
    let ceiling = identifier_ceiling(state, &started.contact);
    let requester = limits::requester(client_ip);
    let window = state.policy.send_window_ms;
    if let Some(count) = &state.operations.count_limits {
        let asked = limits::StartLimits {
            limits: &limits,
            ceiling: &ceiling,
            identifier: &started.contact.key(),
            requester: &requester,
            clinician: clinician.as_deref(),
        };
        limits::count_apart(count, &asked, window, now).await?;
    }
    let mut args: Vec<Arg> = vec![
        now.into(),
        limits::window_start(now, window).into(),
        limits[0].key.clone().into(),
        i64::from(limits[0].max).into(),
        limits[1].key.clone().into(),
        i64::from(limits[1].max).into(),
        started.request_id.clone().into(),
        flavor.as_str().into(),
        started.contact.kind().as_str().into(),
        started.contact.address().into(),
        registration_json.into(),
        device_challenge.map(str::to_owned).into(),
        state.codes.hash(&started.request_id, code.expose()).into(),
        started.code_expires_at.into(),
        now.saturating_add(state.policy.request_ttl_ms).into(),
        started.resend_after.into(),
        with_code.id.clone().into(),
        with_code.transport.as_str().into(),
        with_code.sealed.clone().into(),
        without_account.clone().into(),
        started.contact.key().into(),
        clinician.clone().into(),
        now.saturating_add(state.queue.lease_ms).into(),
    ];
    let operation = match &started.contact {
        Contact::Email(_) => &state.operations.start_by_email,
        Contact::Phone(_) => {
            let prefix = &limits[2];
            args.push(prefix.key.clone().into());
            args.push(i64::from(prefix.max).into());
            &state.operations.start_by_phone
        }
    };
    args.push(origin_device.into());
    args.push(client_ip.to_string().into());
    args.push(asked.channel.as_str().into());
    args.push(fresh.link_hash.clone().into());
    args.push(fresh.link_code.clone().into());
    args.push(requester.clone().into());
    args.push(ceiling.key.clone().into());
    args.push(i64::from(ceiling.max).into());
    if let Contact::Phone(_) = &started.contact {
        let share = &limits[3];
        args.push(share.key.clone().into());
        args.push(i64::from(share.max).into());
    }
    args.push(asked_language.into());
    let outcome = operation.run(args).await?;
    if clinician.is_some() && outcome.try_get::<i64, _>("clinician_ok")? != 1 {
        return Err(ServiceError::InvalidClinician(
            "the responsible clinician must be the user id of a registered clinician",
        ));
    }
    if let Some(until) = outcome
        .try_get::<Option<i64>, _>("locked_until")?
        .filter(|until| *until > now)
    {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(limits::seconds_until(until, now)),
        });
    }
    if outcome.try_get::<i64, _>("over_limit")? == 1 {
        return Err(ServiceError::RateLimited {
            retry_after: limits::seconds_until(
                limits::window_start(now, window) + window.max(1000),
                now,
            ),
        });
    }
    if outcome.try_get::<i64, _>("queued")? == 1 {
        if outcome.try_get::<i64, _>("with_code")? == 1 {
            message_queued(state, &with_code);
        } else if let Some(sealed) = without_account {
            message_queued(
                state,
                &queue::SealedJob {
                    id: with_code.id.clone(),
                    transport: with_code.transport,
                    sealed,
                },
            );
        }
    }
    tracing::info!(
        request = %started.request_id,
        channel = asked.channel.as_str(),
        to = %started.contact.masked(),
        flavor = flavor.as_str(),
        "login request started"
    );
    Ok(started)
}

#[utoipa::path(post, path = "/v1/auth/start", tag = "auth",
    description = "Register (names and role given) or log in (identifier only). The answer has the same shape whether or not an account exists.",
    request_body = StartRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_request, invalid_email, invalid_phone, invalid_clinician, invalid_invitation, channel_unavailable"),
        (status = 403, body = ApiError, description = "captcha_failed"),
        (status = 410, body = ApiError, description = "invitation_ended: the invitation expired, was used up or revoked"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
pub(super) async fn start(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    JsonBody(request): JsonBody<StartRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    start_login(&state, &request, ip, user_agent)
        .await
        .map(Json)
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
        let (contact, registration) = read_start(
            &StartRequest {
                phone: Some("+32 470 12 34 56".into()),
                ..request()
            },
            None,
        )
        .unwrap();
        assert_eq!(contact, Contact::Phone("+32470123456".into()));
        assert!(registration.is_none());
    }

    #[test]
    fn with_both_the_code_goes_by_email() {
        let (contact, registration) = read_start(
            &StartRequest {
                email: Some("Ned@Winterfell.example".into()),
                phone: Some("+32470123456".into()),
                first_name: Some(" Ned ".into()),
                last_name: Some("Stark".into()),
                role: Some(Role::Clinician),
                ..request()
            },
            None,
        )
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
            let error = read_start(&request, None).err().unwrap();
            assert_eq!(error.code().as_str(), code, "{request:?}");
        }
    }
}
