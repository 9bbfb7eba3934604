//! Log in with WhatsApp (Konsulin's flow). The app asks for a short
//! reference and shows `https://wa.me/<bot>?text=Request login, authenticate
//! me. <reference>` (a QR code on a desktop); the person sends that message;
//! Meta posts it to the webhook, whose signature is checked before anything
//! is parsed; the reference binds the sender's number to the device that
//! asked, and the bot replies in the chat with the magic link and the code.
//! From there it is a login like any other: the link's landing page, the
//! cross-device approval, or the code typed on the device.
//!
//! WhatsApp proves the number: only its owner's WhatsApp can send from it.
//! A message without a valid reference gets a help reply and creates nothing.

use crate::accounts::Registration;
use crate::clock::{rfc3339, seconds};
use crate::codes::{prepare_message, queue_now};
use crate::error::ServiceError;
use crate::http::{ClientIp, JsonBody, Shared, hold};
use crate::identity::Contact;
use crate::login::start::{self, Asked, Flavor, check_challenge, read_registration};
use crate::outbound::messages::{Channel, Template};
use crate::outbound::whatsapp_bot::{WhatsappBot, signature_matches};
use crate::secrets::verifier_matches;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::header;
use carekey_api::{
    ApiError, StartResponse, WhatsappStartRequest, WhatsappStartResponse, WhatsappWaitRequest,
};
use serde::Deserialize;
use sqlx::Row;
use std::net::IpAddr;

/// The message the person sends, before the reference (Konsulin's wording),
/// in English; the catalogs have it in each language (`whatsapp-prepared`).
#[cfg(test)]
const PREPARED_TEXT: &str = "Request login, authenticate me.";
const REFERENCE_PREFIX: &str = "CK-";
/// 10 base32 characters: 50 random bits, for a reference that lives minutes
/// and is only useful together with the asking device's verifier.
const REFERENCE_CHARS: usize = 10;
const REFERENCE_ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A new reference, `CK-` and 10 characters without look-alikes.
pub fn new_reference() -> String {
    let mut bytes = [0u8; REFERENCE_CHARS];
    crate::secrets::fill_random(&mut bytes);
    let mut reference = String::from(REFERENCE_PREFIX);
    reference.extend(
        bytes
            .iter()
            .map(|byte| char::from(REFERENCE_ALPHABET[usize::from(byte % 32)])),
    );
    reference
}

/// The reference in a received text, if it carries one (case and the
/// punctuation around it do not matter: people edit messages).
pub fn find_reference(text: &str) -> Option<String> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '.' | ':' | ';' | '"' | '\''))
        .map(str::to_ascii_uppercase)
        .find(|word| {
            word.strip_prefix(REFERENCE_PREFIX).is_some_and(|rest| {
                rest.len() == REFERENCE_CHARS
                    && rest.bytes().all(|byte| REFERENCE_ALPHABET.contains(&byte))
            })
        })
}

/// `https://wa.me/<digits>?text=<text>`, the text percent-encoded.
pub fn wa_link(number: &str, text: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    let text = percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC);
    format!("https://wa.me/{digits}?text={text}")
}

fn bot(state: &AppState) -> Result<&WhatsappBot, ServiceError> {
    match (
        &state.whatsapp,
        state.channels.transport_for(Channel::Whatsapp),
    ) {
        (Some(bot), Some(_)) => Ok(bot),
        _ => Err(ServiceError::ChannelUnavailable("whatsapp")),
    }
}

/// `POST /v1/auth/whatsapp`: a reference for the device, and the message
/// that carries it.
pub async fn start(
    state: &AppState,
    request: &WhatsappStartRequest,
    client_ip: IpAddr,
    user_agent: Option<&str>,
) -> Result<WhatsappStartResponse, ServiceError> {
    let bot = bot(state)?;
    check_challenge(&request.device_challenge)?;
    let invited = match &request.invitation {
        Some(token) => Some(crate::care::invitations::check(state, token.expose()).await?),
        None => None,
    };
    // The number is only known when the message comes; it goes in then.
    let registration = read_registration(
        (request.first_name.as_deref(), request.last_name.as_deref()),
        request.role,
        (
            request.responsible_clinician_id.as_deref(),
            invited.as_ref(),
        ),
        (None, None),
    )?;
    if let Some(clinician) = registration
        .as_ref()
        .and_then(|registration| registration.responsible_clinician_id.as_deref())
    {
        let found = sqlx::query("SELECT 1 FROM users WHERE id = $1 AND role = 'clinician'")
            .bind(clinician.to_owned())
            .fetch_optional(state.db.reader())
            .await?;
        if found.is_none() {
            return Err(ServiceError::InvalidClinician(
                "the responsible clinician must be the user id of a registered clinician",
            ));
        }
    }
    state
        .check_captcha(request.captcha_token.as_ref(), client_ip)
        .await?;
    let now = state.clock.now_ms();
    let limits = [crate::limits::Limit {
        key: format!("whatsapp:ip:{}", crate::limits::requester(client_ip)),
        max: state.policy.send_limit_per_ip,
    }];
    let window = state.policy.send_window_ms;
    let mut tx = state.db.begin().await?;
    crate::limits::count_send(&mut tx, &limits, window, now).await?;
    let reference = new_reference();
    let expires_at = now.saturating_add(bot.reference_ttl_ms);
    let registration = registration
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|_| ServiceError::Internal("registration encoding".into()))?;
    let language = state.templates.language(&[request.language.as_deref()]);
    let asked_language = request
        .language
        .as_deref()
        .and_then(|tag| state.templates.keep_language(tag));
    sqlx::query(
        "INSERT INTO whatsapp_requests (reference, device_challenge, registration, origin_device, \
         origin_ip, created_at, expires_at, language) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(reference.clone())
    .bind(request.device_challenge.clone())
    .bind(registration)
    .bind(crate::login::links::device_label(
        request.device_name.as_deref().or(user_agent),
    ))
    .bind(client_ip.to_string())
    .bind(now)
    .bind(expires_at)
    .bind(asked_language)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let prepared = state
        .templates
        .words(language, "whatsapp-prepared", None, &[]);
    let text = format!("{prepared} {reference}");
    Ok(WhatsappStartResponse {
        wa_link: wa_link(&bot.number, &text),
        bot_number: bot.number.clone(),
        reference,
        text,
        expires_at: rfc3339(expires_at),
    })
}

/// `POST /v1/auth/whatsapp/wait`, once: the login request the person's
/// message started, to the device that asked (its verifier) only.
pub async fn wait(
    state: &AppState,
    request: &WhatsappWaitRequest,
) -> Result<StartResponse, ServiceError> {
    let reference = find_reference(&request.reference).ok_or(ServiceError::UnknownRequest)?;
    let row = sqlx::query(
        "SELECT w.device_challenge, w.expires_at, w.request_id, w.refusal, w.retry_after, \
                r.contact_kind, r.contact, r.code_expires_at, r.resend_after \
         FROM whatsapp_requests w LEFT JOIN auth_requests r ON r.id = w.request_id \
         WHERE w.reference = $1",
    )
    .bind(reference)
    .fetch_optional(state.db.reader())
    .await?
    .ok_or(ServiceError::UnknownRequest)?;
    let challenge: String = row.try_get("device_challenge")?;
    if !verifier_matches(request.device_verifier.expose(), &challenge) {
        return Err(ServiceError::VerifierMismatch);
    }
    let now = state.clock.now_ms();
    if let Some(refusal) = row.try_get::<Option<String>, _>("refusal")? {
        let retry_after = row
            .try_get::<Option<i64>, _>("retry_after")?
            .map(|until| crate::limits::seconds_until(until, now));
        return Err(refusal_error(&refusal, retry_after));
    }
    let Some(request_id) = row.try_get::<Option<String>, _>("request_id")? else {
        let expires_at: i64 = row.try_get("expires_at")?;
        return Err(if expires_at <= now {
            ServiceError::UnknownRequest
        } else {
            ServiceError::WhatsappPending
        });
    };
    let contact = Contact::phone(&row.try_get::<String, _>("contact")?)?;
    Ok(StartResponse {
        request_id: request_id.clone(),
        login: contact.masked(),
        expires_at: rfc3339(row.try_get("code_expires_at")?),
        resend_after: rfc3339(row.try_get("resend_after")?),
        code_length: state.policy.code_length,
        match_number: Some(state.codes.match_number(&request_id)),
    })
}

/// Why a message could not start a login, kept for the device that waits.
fn refusal_code(error: &ServiceError) -> Option<(&'static str, Option<u64>)> {
    match error {
        ServiceError::RateLimited { retry_after } => Some(("rate_limited", Some(*retry_after))),
        ServiceError::TooManyAttempts { retry_after } => Some(("too_many_attempts", *retry_after)),
        ServiceError::InvalidClinician(_) => Some(("invalid_clinician", None)),
        _ => None,
    }
}

fn refusal_error(code: &str, retry_after: Option<u64>) -> ServiceError {
    match code {
        "rate_limited" => ServiceError::RateLimited {
            retry_after: retry_after.unwrap_or(60),
        },
        "too_many_attempts" => ServiceError::TooManyAttempts { retry_after },
        "invalid_clinician" => ServiceError::InvalidClinician(
            "the responsible clinician must be the user id of a registered clinician",
        ),
        "unavailable" => ServiceError::Unavailable("the WhatsApp login could not start".into()),
        _ => ServiceError::UnknownRequest,
    }
}

/// `GET /v1/webhooks/whatsapp`: Meta's verification handshake. Answers
/// `hub.challenge` when `hub.mode` is `subscribe` and the token is ours.
pub fn handshake(
    state: &AppState,
    mode: Option<&str>,
    token: Option<&str>,
    challenge: Option<&str>,
) -> Result<String, ServiceError> {
    let expected = state
        .whatsapp
        .as_ref()
        .and_then(|bot| bot.verify_token.as_ref())
        .ok_or(ServiceError::NotFound)?;
    let token_matches = token.is_some_and(|token| {
        subtle::ConstantTimeEq::ct_eq(token.as_bytes(), expected.expose().as_bytes()).into()
    });
    match (mode, challenge) {
        (Some("subscribe"), Some(challenge)) if token_matches => Ok(challenge.to_owned()),
        _ => Err(ServiceError::InvalidSignature),
    }
}

/// The parts of a Cloud API notification this server reads
/// (`object: whatsapp_business_account`, `entry[].changes[].value`).
#[derive(Deserialize)]
struct Notification {
    #[serde(default)]
    entry: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    changes: Vec<Change>,
}

#[derive(Deserialize)]
struct Change {
    #[serde(default)]
    field: String,
    value: ChangeValue,
}

#[derive(Deserialize)]
struct ChangeValue {
    /// Delivery statuses come without messages: nothing to do.
    #[serde(default)]
    messages: Vec<Inbound>,
}

#[derive(Deserialize)]
struct Inbound {
    /// The sender's WhatsApp number, digits without `+`.
    from: String,
    id: String,
    #[serde(rename = "type")]
    kind: String,
    text: Option<InboundText>,
}

#[derive(Deserialize)]
struct InboundText {
    body: String,
}

/// `POST /v1/webhooks/whatsapp`: checks the signature over the raw body
/// first (a forged post is refused before a byte of it is read), then acts
/// on each new message once.
pub async fn receive(
    state: &AppState,
    signature: Option<&str>,
    body: &[u8],
) -> Result<(), ServiceError> {
    let bot = state.whatsapp.as_ref().ok_or(ServiceError::NotFound)?;
    if !signature_matches(bot.app_secret.expose().as_bytes(), signature, body) {
        tracing::warn!("WhatsApp webhook post with a wrong or missing signature refused");
        return Err(ServiceError::InvalidSignature);
    }
    for message in received(body)? {
        if !first_delivery(state, &message.id).await? {
            continue;
        }
        let Some(sender) = message.sender else {
            tracing::warn!("WhatsApp message from a number that is not a phone number ignored");
            continue;
        };
        match message.reference {
            Some(reference) if bind(state, bot, &reference, &sender).await? => {}
            _ => reply_help(state, &sender).await?,
        }
    }
    Ok(())
}

/// One message of a notification, as the bot acts on it.
pub struct Received {
    /// Meta's message id, for acting on each message once.
    pub id: String,
    /// The sender, when `from` is a phone number.
    pub sender: Option<Contact>,
    /// The login reference the text names, if it names one.
    pub reference: Option<String>,
}

/// The messages of a notification whose signature was checked: only new
/// messages (`field: messages`); statuses and other changes are skipped.
pub fn received(body: &[u8]) -> Result<Vec<Received>, ServiceError> {
    let notification: Notification = serde_json::from_slice(body).map_err(|_| {
        ServiceError::InvalidRequest("not a WhatsApp Cloud API notification".into())
    })?;
    Ok(notification
        .entry
        .into_iter()
        .flat_map(|entry| entry.changes)
        .filter(|change| change.field == "messages")
        .flat_map(|change| change.value.messages)
        .map(|message| {
            let text = match (&message.kind[..], &message.text) {
                ("text", Some(text)) => text.body.as_str(),
                _ => "",
            };
            Received {
                sender: Contact::phone(&format!("+{}", message.from)).ok(),
                reference: find_reference(text),
                id: message.id,
            }
        })
        .collect())
}

/// Records a message id; `false` when it was already handled.
async fn first_delivery(state: &AppState, message_id: &str) -> Result<bool, ServiceError> {
    let inserted = sqlx::query(
        "INSERT INTO whatsapp_messages (id, received_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(message_id.to_owned())
    .bind(state.clock.now_ms())
    .execute(state.db.writer())
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// Binds the sender to the reference's request and starts the login there,
/// the reply going into the chat. `false` when the reference is unknown,
/// expired or already used.
async fn bind(
    state: &AppState,
    bot: &WhatsappBot,
    reference: &str,
    sender: &Contact,
) -> Result<bool, ServiceError> {
    let now = state.clock.now_ms();
    let claimed = sqlx::query(
        "UPDATE whatsapp_requests SET bound_at = $2 \
         WHERE reference = $1 AND bound_at IS NULL AND expires_at > $2",
    )
    .bind(reference.to_owned())
    .bind(now)
    .execute(state.db.writer())
    .await?;
    if claimed.rows_affected() != 1 {
        return Ok(false);
    }
    let row = sqlx::query(
        "SELECT device_challenge, registration, origin_device, origin_ip, language \
         FROM whatsapp_requests WHERE reference = $1",
    )
    .bind(reference.to_owned())
    .fetch_one(state.db.writer())
    .await?;
    let registration = row
        .try_get::<Option<String>, _>("registration")?
        .map(|json| serde_json::from_str::<Registration>(&json))
        .transpose()
        .map_err(|_| ServiceError::Internal("stored registration".into()))?
        .map(|registration| Registration {
            phone: Some(sender.address().to_owned()),
            ..registration
        });
    let challenge: String = row.try_get("device_challenge")?;
    let language: Option<String> = row.try_get("language")?;
    let origin_device: Option<String> = row.try_get("origin_device")?;
    let origin_ip = row
        .try_get::<String, _>("origin_ip")?
        .parse()
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let asked = Asked {
        ip: origin_ip,
        device: origin_device.as_deref(),
        channel: Channel::Whatsapp,
        in_chat: true,
        language: language.as_deref(),
    };
    let outcome = start::begin(
        state,
        Flavor::Native,
        sender.clone(),
        registration,
        Some(&challenge),
        asked,
    )
    .await;
    // Meta does not redeliver a message answered 200, and this one is
    // already marked handled: whatever happened is kept for the device.
    let (request_id, refusal) = match &outcome {
        Ok(started) => (Some(started.request_id.clone()), None),
        Err(error) => match refusal_code(error) {
            Some(refusal) => (None, Some(refusal)),
            None => {
                tracing::error!(%error, "a WhatsApp login could not start");
                (None, Some(("unavailable", None)))
            }
        },
    };
    sqlx::query(
        "UPDATE whatsapp_requests SET request_id = $2, refusal = $3, retry_after = $4 \
         WHERE reference = $1",
    )
    .bind(reference.to_owned())
    .bind(request_id)
    .bind(refusal.map(|(code, _)| code))
    .bind(
        refusal
            .and_then(|(_, after)| after)
            .map(|after| now.saturating_add(seconds(after))),
    )
    .execute(state.db.writer())
    .await?;
    tracing::info!(to = %sender.masked(), bot = %crate::identity::mask_phone(&bot.number), "WhatsApp login message bound");
    Ok(true)
}

/// Answers a message without a valid reference, in the language of the
/// account that uses the sender's number, if one does.
async fn reply_help(state: &AppState, sender: &Contact) -> Result<(), ServiceError> {
    let job_id = crate::db::new_id(state.clock.now_ms());
    let language: Option<String> =
        sqlx::query_scalar::<_, Option<String>>("SELECT language FROM users WHERE phone = $1")
            .bind(sender.address().to_owned())
            .fetch_optional(state.db.reader())
            .await?
            .flatten();
    let Some(job) = prepare_message(
        state,
        &job_id,
        (sender, Channel::Whatsapp),
        Template::ChatHelp,
        ("", None),
        (0, state.templates.language(&[language.as_deref()])),
    )?
    else {
        return Ok(());
    };
    tracing::info!(to = %sender.masked(), "WhatsApp message without a valid reference: help sent");
    queue_now(state, job).await
}

/// The webhook's routes, with their own body limit: Meta batches
/// notifications, and they stay far under 1 MiB.
pub fn webhook_routes() -> utoipa_axum::router::UtoipaMethodRouter<std::sync::Arc<AppState>> {
    let (schemas, paths, method) = utoipa_axum::routes!(whatsapp_handshake, whatsapp_webhook);
    (
        schemas,
        paths,
        method.layer(axum::extract::DefaultBodyLimit::max(1024 * 1024)),
    )
}

#[derive(serde::Deserialize)]
struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

#[utoipa::path(post, path = "/v1/auth/whatsapp", tag = "auth",
    description = "Log in (or register) with WhatsApp: a reference and the wa.me link of the message that carries it. The person's number comes from WhatsApp when they send it.",
    request_body = WhatsappStartRequest,
    responses(
        (status = 200, body = WhatsappStartResponse),
        (status = 400, body = ApiError, description = "invalid_request, invalid_clinician, invalid_invitation, channel_unavailable (no WhatsApp number on this server)"),
        (status = 410, body = ApiError, description = "invitation_ended"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
pub(super) async fn whatsapp_start(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    JsonBody(request): JsonBody<WhatsappStartRequest>,
) -> Result<Json<WhatsappStartResponse>, ServiceError> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    crate::login::whatsapp::start(&state, &request, ip, user_agent)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/auth/whatsapp/wait", tag = "auth",
    description = "The device that asked waits for the person's WhatsApp message (long polling, up to waitSeconds, at most 25). Then the login goes on as any other: the link in the bot's reply, its approval, or the code typed on this device.",
    request_body = WhatsappWaitRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 403, body = ApiError, description = "verifier_mismatch"),
        (status = 404, body = ApiError, description = "unknown_request (unknown or expired reference)"),
        (status = 409, body = ApiError, description = "whatsapp_pending (ask again)"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts (the login could not start)"),
    ))]
pub(super) async fn whatsapp_wait(
    State(state): Shared,
    JsonBody(request): JsonBody<WhatsappWaitRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    let (state, request) = (&state, &request);
    hold(state, request.wait_seconds, move || {
        crate::login::whatsapp::wait(state, request)
    })
    .await
    .map(Json)
}

#[utoipa::path(get, path = "/v1/webhooks/whatsapp", tag = "webhooks",
    description = "WhatsApp Cloud API verification handshake: answers hub.challenge when hub.mode is subscribe and hub.verify_token is whatsapp_verify_token.",
    responses(
        (status = 200, description = "hub.challenge, as text"),
        (status = 401, body = ApiError, description = "invalid_signature (wrong token)"),
        (status = 404, body = ApiError, description = "not_found: this server has no WhatsApp bot configured"),
    ))]
async fn whatsapp_handshake(
    State(state): Shared,
    axum::extract::Query(query): axum::extract::Query<Handshake>,
) -> Result<String, ServiceError> {
    crate::login::whatsapp::handshake(
        &state,
        query.mode.as_deref(),
        query.verify_token.as_deref(),
        query.challenge.as_deref(),
    )
}

#[utoipa::path(post, path = "/v1/webhooks/whatsapp", tag = "webhooks",
    description = "WhatsApp Cloud API notifications. X-Hub-Signature-256 (HMAC-SHA256 of the raw body under whatsapp_app_secret) is checked before the body is read. A message carrying a valid reference starts that device's login and the bot replies with the link; any other message gets a help reply and creates nothing.",
    responses(
        (status = 200, description = "received"),
        (status = 401, body = ApiError, description = "invalid_signature"),
        (status = 400, body = ApiError, description = "invalid_request (signed, but not a notification)"),
        (status = 404, body = ApiError, description = "not_found: this server has no WhatsApp bot configured"),
    ))]
async fn whatsapp_webhook(
    State(state): Shared,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<&'static str, ServiceError> {
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok());
    crate::login::whatsapp::receive(&state, signature, &body).await?;
    Ok("EVENT_RECEIVED")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_in_what_people_send() {
        let reference = new_reference();
        assert_eq!(reference.len(), 13);
        let text = format!("{PREPARED_TEXT} {reference}");
        assert_eq!(find_reference(&text).as_deref(), Some(reference.as_str()));
        let edited = format!("hi! {}.", reference.to_lowercase());
        assert_eq!(find_reference(&edited).as_deref(), Some(reference.as_str()));
        assert_eq!(find_reference(PREPARED_TEXT), None);
        assert_eq!(
            find_reference("Request login, authenticate me. CK-0O1I"),
            None
        );
        assert_eq!(find_reference("CK-ABCDEFGHJ1"), None);
    }

    #[test]
    fn the_wa_me_link_carries_the_text() {
        assert_eq!(
            wa_link(
                "+1 555 000 1111",
                "Request login, authenticate me. CK-ABCDEFGHJK"
            ),
            "https://wa.me/15550001111?text=Request%20login%2C%20authenticate%20me%2E%20CK%2DABCDEFGHJK"
        );
    }
}
