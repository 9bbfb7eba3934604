//! Passwordless registration and login with one-time codes (iCure's
//! start/complete, and BioT's OTP generate/login on the same machinery).
//!
//! Start answers the same shape whether or not the identifier has an account,
//! so it cannot be used to find out who is registered. Only the device that
//! started a request can complete it: it proves the verifier whose S256
//! challenge it sent (as PKCE does); a wrong verifier is refused before the
//! code is even looked at, so it cannot burn the real user's attempts.

use crate::accounts::{self, Registration, User};
use crate::clock::{Millis, rfc3339};
use crate::db::{Arg, Backend, HotOperations, Operation, Runner};
use crate::error::ServiceError;
use crate::http::hold;
use crate::http::{ClientIp, JsonBody, Shared};
use crate::identity::{Contact, ContactKind, phone_prefix};
use crate::limits::{self, Limit};
use crate::outbound::messages::{self, Channel, Fill, Template};
use crate::outbound::queue;
use crate::secrets::{
    generate_code, generate_link_secret, is_well_formed_challenge, seal_code_for_link,
    verifier_matches,
};
use crate::sessions::{self, Issued};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use carekey_api::ApiError;
use carekey_api::{ApprovalRequest, CompleteRequest, ResendRequest, SessionResponse};
use carekey_api::{DeliveryChannel, Role, SecretString, StartRequest, StartResponse};
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
    check_challenge(&request.device_challenge)?;
    let registration = read_registration(
        (request.first_name.as_deref(), request.last_name.as_deref()),
        request.role,
        request.responsible_clinician_id.as_deref(),
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
pub(crate) fn read_registration(
    (first_name, last_name): (Option<&str>, Option<&str>),
    role: Option<Role>,
    clinician: Option<&str>,
    (email, phone): (Option<String>, Option<String>),
) -> Result<Option<Registration>, ServiceError> {
    let first_name = clean_name("firstName", first_name)?;
    let last_name = clean_name("lastName", last_name)?;
    let clinician = non_blank(clinician).map(|id| id.trim().to_owned());
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
            }))
        }
        _ => Err(ServiceError::InvalidRequest(
            "to register, give firstName, lastName and role; to log in, give none of them".into(),
        )),
    }
}

/// The send limits a message to `contact` asked from `client_ip` counts
/// against, each keyed so that a stranger cannot spend the owner's: the
/// identifier's budget is per requester (the owner's own network keeps its
/// own), the IP's is the requester's own, and a phone prefix's budget has a
/// share per requester (one address or /64 cannot empty it). The
/// identifier-wide ceiling is apart ([`identifier_ceiling`]): the owner's
/// known requesters pass it.
pub(crate) fn send_limits(state: &AppState, contact: &Contact, client_ip: IpAddr) -> Vec<Limit> {
    let policy = &state.policy;
    let requester = limits::requester(client_ip);
    let mut limits = vec![
        Limit {
            key: format!("send:id:{}|{requester}", contact.key()),
            max: policy.send_limit_per_identifier,
        },
        Limit {
            key: format!("send:ip:{requester}"),
            max: policy.send_limit_per_ip,
        },
    ];
    if let Contact::Phone(number) = contact {
        let prefix = phone_prefix(number, policy.phone_prefix_digits);
        limits.push(Limit {
            key: format!("send:prefix:{prefix}"),
            max: policy.send_limit_per_phone_prefix,
        });
        limits.push(Limit {
            key: format!("send:prefix:{prefix}|{requester}"),
            // A tenth of the prefix's budget, at least ten (or all of a
            // smaller one).
            max: (policy.send_limit_per_phone_prefix / 10)
                .max(policy.send_limit_per_phone_prefix.min(10)),
        });
    }
    limits
}

/// Queues `code` to the account's own `contact` (no link: the person is in
/// the app) in `tx`, commits, and hands the message to the worker.
pub(crate) async fn send_account_code(
    state: &AppState,
    mut tx: crate::db::Tx,
    contact: &Contact,
    code: &SecretString,
    ttl: Millis,
) -> Result<(), ServiceError> {
    let now = state.clock.now_ms();
    let job = prepare_message(
        state,
        &crate::db::new_id(now),
        (contact, contact.kind().into()),
        Template::Code,
        (code.expose(), None),
        ttl,
    )?
    .ok_or_else(|| ServiceError::Internal("a code message with no text".into()))?;
    queue::enqueue(&mut tx, &job, now, state.queue.lease_ms).await?;
    tx.commit().await?;
    message_queued(state, &job);
    Ok(())
}

/// Admits one more message to `contact` asked from `client_ip`, inside
/// `tx`: refused while the identifier is locked out (unless the owner has
/// logged in from this requester), else counted against the send limits
/// (a refusal rolls the counts back with `tx`). For the messages of a
/// request already started (resend) and of a logged-in account (a phone
/// to prove, a fresh proof); starts count in their own operation.
pub(crate) async fn admit_message(
    state: &AppState,
    tx: &mut crate::db::Tx,
    contact: &Contact,
    client_ip: IpAddr,
    now: Millis,
) -> Result<(), ServiceError> {
    let known =
        limits::known_requester(&mut *tx, &contact.key(), &limits::requester(client_ip)).await?;
    if !known && let Some(wait) = limits::lockout(&mut *tx, &contact.key(), now).await? {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(wait),
        });
    }
    limits::count_send(
        &mut *tx,
        &send_limits(state, contact, client_ip),
        state.policy.send_window_ms,
        now,
    )
    .await
}

/// The identifier-wide ceiling: all requesters together, except those the
/// identifier's owner has logged in from.
pub(crate) fn identifier_ceiling(state: &AppState, contact: &Contact) -> Limit {
    Limit {
        key: format!("send:id:{}", contact.key()),
        max: state.policy.send_limit_per_identifier_total,
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

/// The message for a request (its code and link, or word that no account
/// exists), sealed as the body of job `job_id`; `None` where the channel
/// has no such message (see [`messages::compose`]).
pub(crate) fn prepare_message(
    state: &AppState,
    job_id: &str,
    (contact, channel): (&Contact, Channel),
    template: Template,
    (code, link): (&str, Option<&str>),
    ttl_ms: Millis,
) -> Result<Option<queue::SealedJob>, ServiceError> {
    let transport = state
        .channels
        .transport_for(channel)
        .ok_or(ServiceError::ChannelUnavailable(channel.as_str()))?;
    let fill = Fill {
        code,
        link,
        minutes: u64::try_from(ttl_ms / 60_000).unwrap_or(1).max(1),
        host: &state.public_host,
    };
    messages::compose(template, channel, contact.address(), &fill)
        .map(|message| queue::seal(&state.sealer, job_id, transport, &message))
        .transpose()
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
}

impl<'a> Asked<'a> {
    /// Asked from a device, answered on the contact's own channel.
    pub fn by_device(ip: IpAddr, device: Option<&'a str>, contact: &Contact) -> Self {
        Asked {
            ip,
            device,
            channel: contact.kind().into(),
            in_chat: false,
        }
    }
}

/// Queues one message on its own, outside any request's transaction.
pub(crate) async fn queue_now(state: &AppState, job: queue::SealedJob) -> Result<(), ServiceError> {
    let mut conn = state.db.writer().acquire().await?;
    queue::enqueue(&mut conn, &job, state.clock.now_ms(), state.queue.lease_ms).await?;
    message_queued(state, &job);
    Ok(())
}

pub(crate) fn message_queued(state: &AppState, job: &queue::SealedJob) {
    crate::metrics::Metrics::transport(&state.metrics.messages_queued, job.transport.as_str());
    state.local_lane.send(job);
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
    let (contact, registration) = read_start(request)?;
    let mut asked = Asked::by_device(
        client_ip,
        request.device_name.as_deref().or(user_agent),
        &contact,
    );
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
    crate::login::captcha::check(state, request.captcha_token.as_ref(), client_ip).await?;
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
        ttl,
    )?
    .ok_or_else(|| ServiceError::Internal("a code message with no text".into()))?;
    let without_account = match (flavor, &registration) {
        (Flavor::Native, None) => prepare_message(
            state,
            &job_id,
            (&contact, asked.channel),
            no_account_template,
            ("", None),
            ttl,
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

/// The start operation. Parameters: $1 now, $2 window start, $3-$6 the
/// identifier's (for this requester) and IP limits (key, max), $7-$16 the
/// request, $17-$20 the message (id, transport, body with the code, body for
/// an unknown address or NULL), $21 the identifier's lockout key, $22 the
/// responsible clinician or NULL, $23 the end of the message's lease to this
/// instance, for a phone $24-$25 its prefix limit, then (an email's
/// $24-$26, a phone's $26-$28) where the login was asked from (the device's
/// name and address) and the channel the code goes by, then the link's hash
/// and its sealed code (an email's $27-$28, a phone's $29-$30), then the
/// requester and the identifier-wide ceiling (key, max: an email's
/// $29-$31, a phone's $31-$33), and for a phone its prefix share (key, max,
/// $34-$35).
///
/// SQLite counts the limits here, and only when the start is admitted (no
/// counter at its maximum, the ceiling passed by the owner's known
/// requesters; the identifier not locked for this requester; the clinician
/// real): a refused start spends nobody's budget. PostgreSQL counted them
/// just before, the same way ([`limits::count_apart`]).
/// Answers one row: over_limit, locked_until, clinician_ok, queued,
/// with_code.
pub fn start_operation(kind: ContactKind) -> Operation {
    struct Places {
        column: &'static str,
        /// The requester's own limits (key, max).
        pairs: &'static [(&'static str, &'static str)],
        origin: (&'static str, &'static str, &'static str),
        link: (&'static str, &'static str),
        requester: &'static str,
        ceiling: (&'static str, &'static str),
        params: usize,
    }
    let places = match kind {
        ContactKind::Email => Places {
            column: "email",
            pairs: &[("$3", "$4"), ("$5", "$6")],
            origin: ("$24", "$25", "$26"),
            link: ("$27", "$28"),
            requester: "$29",
            ceiling: ("$30", "$31"),
            params: 31,
        },
        ContactKind::Sms => Places {
            column: "phone",
            pairs: &[("$3", "$4"), ("$5", "$6"), ("$24", "$25"), ("$34", "$35")],
            origin: ("$26", "$27", "$28"),
            link: ("$29", "$30"),
            requester: "$31",
            ceiling: ("$32", "$33"),
            params: 35,
        },
    };
    let (origin_device, origin_ip, channel) = places.origin;
    let requester = places.requester;
    let (ceiling_key, ceiling_max) = places.ceiling;
    let account = format!("(SELECT id FROM users WHERE {} = $10)", places.column);
    let known = format!(
        "EXISTS (SELECT 1 FROM trusted_requesters WHERE identifier = $21 AND requester = {requester})"
    );
    let locked = format!(
        "(EXISTS (SELECT 1 FROM identifier_guards WHERE identifier = $21 AND locked_until > $1) AND NOT {known})"
    );
    let clinician_ok =
        "($22 IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $22 AND role = 'clinician'))";
    let request = "INSERT INTO auth_requests (id, flavor, contact_kind, contact, user_id, registration, \
         device_challenge, code_hash, code_expires_at, expires_at, resend_after, sends, status, created_at, \
         origin_device, origin_ip, channel, link_hash, link_code, origin_requester)";
    // A code (and a link) only where there is an account or a registration.
    let with_code = |value: &str| {
        format!("CASE WHEN account.id IS NOT NULL OR $11 IS NOT NULL THEN {value} END")
    };
    let code_hash = with_code("$13");
    let (link_hash, link_code) = (with_code(places.link.0), with_code(places.link.1));
    let job = queue::insert_sql("$17", "$18", "chosen.body", "$1", "$23");
    let outcome = |job: &str, request: &str, over: String| {
        format!(
            "SELECT CASE WHEN {over} THEN 1 ELSE 0 END AS over_limit, \
             CASE WHEN {known} THEN NULL \
                  ELSE (SELECT locked_until FROM identifier_guards WHERE identifier = $21) END AS locked_until, \
             CASE WHEN {clinician_ok} THEN 1 ELSE 0 END AS clinician_ok, \
             CASE WHEN EXISTS (SELECT 1 FROM {job}) THEN 1 ELSE 0 END AS queued, \
             CASE WHEN EXISTS (SELECT 1 FROM {request} WHERE code_hash IS NOT NULL) THEN 1 ELSE 0 END AS with_code"
        )
    };
    // A counter at its maximum in this window refuses the start (the
    // ceiling not for a known requester).
    // Each counter is looked up by its key (the primary key), never scanned.
    let at_limit = {
        let counter = |key: &str, max: &str| {
            format!(
                "EXISTS (SELECT 1 FROM rate_counters WHERE key = {key} AND window_start = $2 AND count >= {max})"
            )
        };
        let mut conditions: Vec<String> = places
            .pairs
            .iter()
            .map(|(key, max)| counter(key, max))
            .collect();
        conditions.push(format!(
            "({} AND NOT {known})",
            counter(ceiling_key, ceiling_max)
        ));
        format!("({})", conditions.join(" OR "))
    };
    let counted_keys: Vec<String> = places
        .pairs
        .iter()
        .map(|(key, _)| format!("({key})"))
        .chain(std::iter::once(format!("({ceiling_key})")))
        .collect();
    let admit = format!(
        "INSERT INTO rate_counters (key, window_start, count) \
           SELECT column1, $2, 1 FROM (VALUES {}) \
           WHERE NOT {at_limit} AND NOT {locked} AND {clinician_ok} \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN rate_counters.window_start = excluded.window_start \
                        THEN rate_counters.count + 1 ELSE 1 END, \
           window_start = excluded.window_start",
        counted_keys.join(", ")
    );
    let values = format!(
        "SELECT $7, $8, $9, $10, account.id, $11, $12, {code_hash}, $14, $15, $16, 1, 'pending', $1, \
         {origin_device}, {origin_ip}, {channel}, {link_hash}, {link_code}, {requester} \
         FROM (SELECT {account} AS id) AS account"
    );
    Operation {
        name: "start",
        params: places.params,
        sqlite: format!(
            "{admit}; \
             {request} {values} WHERE changes() > 0; \
             {job} FROM (SELECT CASE WHEN code_hash IS NOT NULL THEN $19 ELSE $20 END AS body \
                         FROM auth_requests WHERE id = $7) AS chosen WHERE chosen.body IS NOT NULL; \
             {outcome}",
            outcome = outcome(
                "message_jobs WHERE id = $17",
                "(SELECT code_hash FROM auth_requests WHERE id = $7) AS request",
                format!("NOT EXISTS (SELECT 1 FROM auth_requests WHERE id = $7) AND {at_limit}")
            ),
        ),
        // The limits were counted just before, apart (`limits::count_apart`):
        // the limit parameters go unused here.
        postgres: format!(
            "WITH request AS ({request} {values} \
               WHERE NOT {locked} AND {clinician_ok} RETURNING code_hash), \
             job AS ({job} FROM (SELECT CASE WHEN code_hash IS NOT NULL THEN $19 ELSE $20 END AS body \
                                FROM request) AS chosen WHERE chosen.body IS NOT NULL RETURNING id) \
             {outcome}",
            outcome = outcome("job", "request", String::from("FALSE")),
        ),
    }
}

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
         failed_attempts, channel FROM auth_requests WHERE id = $1{}",
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
    let job_id = crate::db::new_id(now);
    let job = prepare_message(
        state,
        &job_id,
        (&started.contact, channel),
        template,
        (code.expose(), link.as_deref().map(String::as_str)),
        ttl,
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

/// The lockout key of a request's identifier, in SQL over `auth_requests`
/// columns: the same text as `Contact::key()` (`email:ADDRESS`, `phone:NUMBER`).
pub(crate) const IDENTIFIER_SQL: &str = "(CASE auth_requests.contact_kind WHEN 'email' THEN 'email:' ELSE 'phone:' END) || auth_requests.contact";

/// A request as stored.
const REQUEST_SQL: &str = "SELECT auth_requests.flavor, auth_requests.contact_kind, auth_requests.contact, \
     auth_requests.user_id, auth_requests.registration, auth_requests.device_challenge, \
     auth_requests.code_hash, auth_requests.link_hash, auth_requests.code_expires_at, \
     auth_requests.expires_at, auth_requests.failed_attempts, auth_requests.status, \
     auth_requests.origin_requester FROM auth_requests WHERE auth_requests.id = $1";

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

fn invalid_code(state: &AppState, failed: i64) -> ServiceError {
    let attempts_left = i64::from(state.policy.max_attempts_per_request) - failed;
    ServiceError::InvalidCode {
        attempts_left: u32::try_from(attempts_left.max(0)).unwrap_or(0),
    }
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

/// The login operation. Parameters: $1 request, $2 now, $3 new session (and
/// this call's mark on the try it takes), $4 keyed hash of the code given or
/// NULL, $5 challenge of the verifier given (NULL for BioT), $6 flavor, $7
/// refresh-token hash, $8 its expiry, $9 tries allowed, $10 keyed hash of the
/// link secret given or NULL, $11 wrong tries in a row that lock the
/// identifier, $12 until when.
///
/// The one row update takes the try and compares in the same step (the row
/// is locked while it does, on both databases): a right proof costs nothing
/// and completes the request, a wrong one counts. The rows written on success
/// are those of `sessions::open`. The one row answered holds the account
/// when this call logged in, `failed_attempts` when it counted a wrong
/// proof, and NULLs when it tried nothing.
pub fn log_in_operation() -> Operation {
    let right = "(auth_requests.code_hash = $4 OR auth_requests.link_hash = $10)";
    let tried = format!(
        "UPDATE auth_requests SET last_try = $3, \
           failed_attempts = failed_attempts + CASE WHEN {right} THEN 0 ELSE 1 END, \
           status = CASE WHEN {right} THEN 'completed' WHEN failed_attempts + 1 >= $9 THEN 'locked' ELSE 'pending' END, \
           completed_at = CASE WHEN {right} THEN $2 END, \
           session_id = CASE WHEN {right} THEN $3 END, \
           code_hash = CASE WHEN {right} THEN NULL ELSE code_hash END, \
           link_hash = CASE WHEN {right} THEN NULL ELSE link_hash END, \
           link_code = CASE WHEN {right} THEN NULL ELSE link_code END \
         WHERE id = $1 AND flavor = $6 AND status = 'pending' AND user_id IS NOT NULL \
           AND device_challenge IS NOT DISTINCT FROM $5 AND failed_attempts < $9 \
           AND code_expires_at > $2 AND expires_at > $2"
    );
    let failure = |source: &str| {
        format!(
            "INSERT INTO identifier_guards (identifier, consecutive_failures, locked_until) \
               {source} \
             ON CONFLICT (identifier) DO UPDATE SET \
               consecutive_failures = CASE WHEN identifier_guards.consecutive_failures + 1 >= $11 \
                 THEN 0 ELSE identifier_guards.consecutive_failures + 1 END, \
               locked_until = CASE WHEN identifier_guards.consecutive_failures + 1 >= $11 \
                 THEN $12 ELSE identifier_guards.locked_until END"
        )
    };
    // The owner logged in from this requester: a stranger's traffic will
    // not stop them getting codes from it.
    // Written again at most daily: most logins come from a known requester,
    // and a row rewritten on each would cost every login a write.
    let trust = |source: &str| {
        format!(
            "INSERT INTO trusted_requesters (identifier, requester, last_login_at) {source} \
             ON CONFLICT (identifier, requester) DO UPDATE SET last_login_at = excluded.last_login_at \
             WHERE trusted_requesters.last_login_at < excluded.last_login_at - 86400000"
        )
    };
    let account = accounts::COLUMNS;
    Operation {
        name: "log_in",
        params: 12,
        sqlite: format!(
            "{tried}; \
             INSERT INTO sessions (id, user_id, created_at) \
               SELECT $3, user_id, $2 FROM auth_requests WHERE id = $1 AND session_id = $3; \
             INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) \
               SELECT $7, id, $2, $8 FROM sessions WHERE id = $3; \
             DELETE FROM identifier_guards WHERE identifier = \
               (SELECT {IDENTIFIER_SQL} FROM auth_requests WHERE id = $1 AND session_id = $3); \
             {trusted}; \
             {failed}; \
             SELECT {account}, \
               (SELECT failed_attempts FROM auth_requests \
                WHERE id = $1 AND last_try = $3 AND session_id IS NULL) AS failed_attempts \
             FROM (SELECT 1) AS answer \
               LEFT JOIN users ON users.id = (SELECT user_id FROM sessions WHERE id = $3)",
            failed = failure(&format!(
                "SELECT {IDENTIFIER_SQL}, 1, 0 FROM auth_requests \
                 WHERE id = $1 AND last_try = $3 AND session_id IS NULL"
            )),
            trusted = trust(&format!(
                "SELECT {IDENTIFIER_SQL}, origin_requester, $2 FROM auth_requests \
                 WHERE id = $1 AND session_id = $3 AND origin_requester IS NOT NULL"
            )),
        ),
        postgres: format!(
            "WITH done AS ({tried} RETURNING user_id, session_id, failed_attempts, origin_requester, \
                           {IDENTIFIER_SQL} AS identifier), \
             opened AS (INSERT INTO sessions (id, user_id, created_at) \
                        SELECT $3, user_id, $2 FROM done WHERE session_id = $3 RETURNING id, user_id), \
             token AS (INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) \
                       SELECT $7, id, $2, $8 FROM opened), \
             cleared AS (DELETE FROM identifier_guards \
                         WHERE identifier IN (SELECT identifier FROM done WHERE session_id = $3)), \
             failed AS ({failed}), \
             trusted AS ({trusted}) \
             SELECT {account}, (SELECT failed_attempts FROM done WHERE session_id IS NULL) AS failed_attempts \
             FROM (SELECT 1) AS answer \
               LEFT JOIN users ON users.id = (SELECT user_id FROM opened)",
            failed = failure("SELECT identifier, 1, 0 FROM done WHERE session_id IS NULL"),
            trusted = trust(
                "SELECT identifier, origin_requester, $2 FROM done \
                 WHERE session_id = $3 AND origin_requester IS NOT NULL"
            ),
        ),
    }
}

/// The runners of login's hot operations, one per kind.
pub fn operations(db: &crate::db::Database) -> HotOperations {
    HotOperations {
        start_by_email: Runner::new(db, start_operation(ContactKind::Email)),
        start_by_phone: Runner::new(db, start_operation(ContactKind::Sms)),
        log_in: Runner::new(db, log_in_operation()),
        count_limits: (db.backend() == Backend::Postgres)
            .then(|| Runner::new(db, limits::count_operation())),
    }
}

/// The tables of requests that wait for a code.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CodeRequests {
    Logins,
    PhoneVerifications,
    Proofs,
}

/// A wrong code: counts it against its request (locked at the limit) and
/// against the identifier, commits that (although the answer is an error),
/// and says how many tries are left. The caller holds the request's row
/// lock from before it compared.
pub(crate) async fn refuse_wrong_code(
    state: &AppState,
    mut tx: crate::db::Tx,
    table: CodeRequests,
    request_id: &str,
    failed_before: i64,
    contact: &Contact,
) -> Result<ServiceError, ServiceError> {
    let policy = &state.policy;
    let now = state.clock.now_ms();
    let failed = failed_before + 1;
    let locked = failed >= i64::from(policy.max_attempts_per_request);
    let sql = match table {
        CodeRequests::Logins => {
            "UPDATE auth_requests SET failed_attempts = $2, status = $3 WHERE id = $1"
        }
        CodeRequests::PhoneVerifications => {
            "UPDATE phone_verifications SET failed_attempts = $2, status = $3 WHERE id = $1"
        }
        CodeRequests::Proofs => "UPDATE proofs SET failed_attempts = $2, status = $3 WHERE id = $1",
    };
    sqlx::query(sql)
        .bind(request_id.to_owned())
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
    Ok(invalid_code(state, failed))
}

/// Checks `code` for an account's own code request (a phone being proven, a
/// fresh proof), read with its row lock held in `tx` from `row`
/// (`status`, `failed_attempts`, `code_expires_at`, `code_hash`). A wrong
/// code is counted and committed before the error is answered; a right one
/// hands the transaction back to finish the change.
pub(crate) async fn check_requested_code(
    state: &AppState,
    mut tx: crate::db::Tx,
    (table, request_id): (CodeRequests, &str),
    row: &sqlx::any::AnyRow,
    contact: &Contact,
    code: &str,
) -> Result<crate::db::Tx, ServiceError> {
    let now = state.clock.now_ms();
    let failed: i64 = row.try_get("failed_attempts")?;
    match row.try_get::<String, _>("status")?.as_str() {
        "completed" => return Err(ServiceError::CodeUsed),
        "locked" => return Err(ServiceError::TooManyAttempts { retry_after: None }),
        _ => {}
    }
    if failed >= i64::from(state.policy.max_attempts_per_request) {
        return Err(ServiceError::TooManyAttempts { retry_after: None });
    }
    if let Some(wait) = limits::lockout(&mut tx, &contact.key(), now).await? {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(wait),
        });
    }
    if now >= row.try_get::<i64, _>("code_expires_at")? {
        return Err(ServiceError::CodeExpired);
    }
    let stored: Option<Vec<u8>> = row.try_get("code_hash")?;
    let right = stored
        .as_deref()
        .is_some_and(|stored| state.codes.matches(request_id, code.trim(), stored));
    if !right {
        return Err(refuse_wrong_code(state, tx, table, request_id, failed, contact).await?);
    }
    Ok(tx)
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
                let user = accounts::create(&mut tx, &registration, &state.group_id, now).await?;
                told =
                    crate::outbound::integrations::enqueue_registration(state, &mut tx, &user, now)
                        .await?;
                (Some(user), true)
            }
        },
    };
    let user = user.ok_or(ServiceError::UnknownRequest)?;
    let issued = sessions::open(state, &mut tx, user, now).await?;
    tx.commit().await?;
    for job in &told {
        message_queued(state, job);
    }
    Ok(Redeemed {
        issued,
        is_new_user,
    })
}

#[utoipa::path(post, path = "/v1/auth/start", tag = "auth",
    description = "Register (names and role given) or log in (identifier only). The answer has the same shape whether or not an account exists.",
    request_body = StartRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_request, invalid_email, invalid_phone, invalid_clinician, channel_unavailable"),
        (status = 403, body = ApiError, description = "captcha_failed"),
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
    crate::login::captcha::check(&state, request.captcha_token.as_ref(), ip).await?;
    resend_code(&state, &request.request_id, ip).await.map(Json)
}

#[utoipa::path(post, path = "/v1/auth/complete", tag = "auth",
    description = "Trade the code (or the magic link's secret) and the device verifier for a session.",
    request_body = CompleteRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired, invalid_link, invalid_request (neither or both of code and linkSecret)"),
        (status = 403, body = ApiError, description = "verifier_mismatch"),
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
        (status = 403, body = ApiError, description = "verifier_mismatch"),
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

    /// The highest `$n` in `sql`. sqlx binds a missing parameter as NULL, and
    /// stops binding the rest of that statement, so counts must match exactly.
    fn highest_parameter(sql: &str) -> usize {
        sql.split('$')
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn combined_statements_take_the_parameters_bound_to_them() {
        for operation in [
            start_operation(ContactKind::Email),
            start_operation(ContactKind::Sms),
            log_in_operation(),
        ] {
            assert_eq!(
                highest_parameter(&operation.sqlite),
                operation.params,
                "{}",
                operation.name
            );
            // PostgreSQL counts the start's limits apart; the same arguments are bound.
            assert!(
                highest_parameter(&operation.postgres) <= operation.params,
                "{}",
                operation.name
            );
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
