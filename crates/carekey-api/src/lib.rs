//! Wire types of the CareKey auth API.
//!
//! JSON is camelCase; times are RFC 3339 strings in UTC with milliseconds.
//! Field names are a contract shared with every client, test and tool: add
//! fields freely, rename none.

mod biot;
mod error;
pub mod names;
pub mod oprf;
pub mod phone;
mod secret;

pub use biot::{
    BiotJwt, BiotLoginResponse, BiotOtpGenerateRequest, BiotOtpGenerateResponse,
    BiotOtpLoginRequest, BiotRefreshRequest,
};
pub use error::{ApiError, ErrorCode};
pub use secret::SecretString;

use serde::{Deserialize, Serialize};

/// What a user is to the platform. A patient always has a responsible clinician.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Patient,
    Clinician,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Patient => "patient",
            Role::Clinician => "clinician",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "patient" => Some(Role::Patient),
            "clinician" => Some(Role::Clinician),
            _ => None,
        }
    }
}

/// `POST /v1/auth/start`: register (names and role given) or log in (identifier only).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartRequest {
    /// Where the code goes. With both email and phone, the code goes by email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// E.164 (`+32470123456`); other formats are refused with `invalid_phone`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    /// Required when registering a patient: the user id of an existing clinician.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible_clinician_id: Option<String>,
    /// A patient registering through a clinician's invitation
    /// (`<invitation id>.<secret>`): it names him (`responsibleClinicianId`
    /// may be left out) and she is his patient at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub invitation: Option<SecretString>,
    /// Required when the server has captcha verification on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub captcha_token: Option<SecretString>,
    /// Unpadded base64url of SHA-256(device verifier), as PKCE S256.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub device_challenge: String,
    /// How the asking device names itself ("CareKey on Linux"), shown on
    /// the link's landing page when someone approves the login from another
    /// device. Without it the landing page shows the User-Agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// `whatsapp`: the code for `phone` goes by WhatsApp (an authentication
    /// template) instead of SMS. Absent: by the address's own channel.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<DeliveryChannel>,
    /// The app's language (a BCP 47 tag: `fr`, `nl-BE`): the code's message
    /// and its link's page are written in the closest the server has, and a
    /// registration keeps it as the account's. Absent: the server's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 35))]
    pub language: Option<String>,
}

/// How a code travels when the address allows more than one way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DeliveryChannel {
    Sms,
    Whatsapp,
}

/// The answer to start and resend. Identical in shape whether or not the
/// identifier has an account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct StartResponse {
    pub request_id: String,
    /// The identifier the code went to, masked (`******8901`, `d***@example.com`).
    pub login: String,
    /// When the code stops working.
    pub expires_at: String,
    /// The earliest time a resend is accepted.
    pub resend_after: String,
    pub code_length: u8,
    /// Logins: the number the starting device shows. Approving this login
    /// from another device (the message's link) asks for it, so that only
    /// the person at the starting device can have it approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub match_number: Option<u8>,
}

/// `POST /v1/auth/resend`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResendRequest {
    pub request_id: String,
    /// A fresh captcha token, when the server checks captchas (a resend
    /// sends a message, like a start).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub captcha_token: Option<SecretString>,
}

/// `PUT /v1/me/name`: the account's new first and last name.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NameRequest {
    pub first_name: String,
    pub last_name: String,
}

/// `PUT /v1/me/clinician`: the clinician a patient shares her notes with
/// from now on, or none to stop sharing.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ClinicianRequest {
    /// A registered clinician's user id (he must accept her, as at
    /// registration); absent, null or blank: none.
    #[serde(default)]
    pub clinician_id: Option<String>,
    /// An invitation of the clinician's (`<invitation id>.<secret>`): she
    /// is his patient at once. With `clinicianId` too, both must name him.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub invitation: Option<SecretString>,
}

/// `POST /v1/me/phone`: a phone number to add to the logged-in account.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PhoneRequest {
    pub phone: String,
}

/// `POST /v1/me/email`: the email address the logged-in account is to log
/// in with.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct EmailRequest {
    pub email: String,
}

/// `POST /v1/me/phone/verify` (and `/v1/me/email/verify`, `/v1/me/proof/verify`):
/// the code sent to that address.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PhoneVerifyRequest {
    pub request_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: SecretString,
}

/// `POST /v1/auth/complete`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CompleteRequest {
    pub request_id: String,
    /// The code from the message; or else `linkSecret`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub code: Option<SecretString>,
    /// The secret of the magic link in the message (the part after the
    /// request id in `/l/<requestId>.<secret>`); or else `code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub link_secret: Option<SecretString>,
    /// The secret whose hash was sent as `deviceChallenge` at start.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_verifier: SecretString,
}

/// `POST /v1/auth/approval`: the device that asked waits for its login to
/// be approved from another device (a tap on the link's landing page).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRequest {
    pub request_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_verifier: SecretString,
    /// How long the server may hold the answer while no approval came
    /// (long polling): 0 to 25 seconds, 0 by default.
    #[serde(default, deserialize_with = "hold_seconds")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 25))]
    pub wait_seconds: u32,
}

/// The longest a long poll holds its answer: under every proxy's idle
/// timeout people meet (30 s and up).
pub const LONGEST_HOLD_SECONDS: u32 = 25;

/// The header that names one call on both sides: the app sends a new id
/// with each, the server logs it with everything the call does and sends it
/// back (making one when the request had none, or one it does not accept).
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// `waitSeconds`: whole seconds, 0 to [`LONGEST_HOLD_SECONDS`]. JSON has one
/// kind of number, so `5.0` is 5, as JSON Schema's `integer` says; more than
/// the longest hold is refused rather than silently shortened.
fn hold_seconds<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    whole_number(serde_json::Number::deserialize(deserializer)?)
        .and_then(|seconds| u32::try_from(seconds).ok())
        .filter(|seconds| *seconds <= LONGEST_HOLD_SECONDS)
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "waitSeconds must be whole seconds from 0 to {LONGEST_HOLD_SECONDS}"
            ))
        })
}

/// `expectedVersion`: a whole number, written `3` or `3.0`.
fn whole_version<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(number) => whole_number(number)
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("expectedVersion must be a whole number")),
    }
}

/// A count (`uses`, `validMinutes`): a whole number, written `3` or `3.0`;
/// its bounds are the server's to check, with a sentence naming them.
fn whole_count<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<u32>, D::Error> {
    match Option::<serde_json::Number>::deserialize(deserializer)? {
        None => Ok(None),
        Some(number) => whole_number(number)
            .map(|count| u32::try_from(count).unwrap_or(0))
            .map(Some)
            .ok_or_else(|| serde::de::Error::custom("a count must be a whole number")),
    }
}

/// A JSON number that is a whole one (`5` or `5.0`, as JSON Schema's
/// `integer`), within what a float holds exactly.
fn whole_number(number: serde_json::Number) -> Option<i64> {
    const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
    number.as_i64().or_else(|| {
        number
            .as_f64()
            .filter(|value| value.fract() == 0.0 && value.abs() <= EXACT)
            .map(|value| value as i64)
    })
}

/// `POST /v1/auth/whatsapp`: a login (or a registration, with the same
/// fields as start) whose contact is whoever sends the prepared WhatsApp
/// message. The person's number is learnt from WhatsApp, not typed.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WhatsappStartRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible_clinician_id: Option<String>,
    /// As in `StartRequest`: a clinician's invitation she registers through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub invitation: Option<SecretString>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub captcha_token: Option<SecretString>,
    /// Unpadded base64url of SHA-256(device verifier), as PKCE S256.
    #[cfg_attr(feature = "openapi", schema(pattern = "^[A-Za-z0-9_-]{43}$"))]
    pub device_challenge: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// As in `StartRequest`: the prepared message and the chat's reply are
    /// written in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 35))]
    pub language: Option<String>,
}

/// What the person sends: `https://wa.me/<bot>?text=...` opens WhatsApp with
/// the message ready (a button on a phone, a QR code on a desktop).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WhatsappStartResponse {
    /// The short reference in the message (`CK-7QX2MB4A`), binding it to
    /// this device's request.
    pub reference: String,
    /// The bot's number, E.164.
    pub bot_number: String,
    /// The prepared message: `Request login, authenticate me. <reference>`.
    pub text: String,
    /// `https://wa.me/<bot digits>?text=<the message, percent-encoded>`.
    pub wa_link: String,
    /// When an unsent reference stops working.
    pub expires_at: String,
}

/// `POST /v1/auth/whatsapp/wait`: the device that asked waits for the
/// person's WhatsApp message (long polling, as approval does).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WhatsappWaitRequest {
    pub reference: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub device_verifier: SecretString,
    /// 0 to 25 seconds, 0 by default.
    #[serde(default, deserialize_with = "hold_seconds")]
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 25))]
    pub wait_seconds: u32,
}

/// Which channels this server can send codes by (the app shows only those).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuthChannels {
    pub email: bool,
    pub sms: bool,
    /// Login by sending a WhatsApp message to the bot.
    pub whatsapp: bool,
    /// With captcha on: what the app shows before it starts a login (every
    /// start, resend, WhatsApp login and guest then carries its token).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captcha: Option<CaptchaChallenge>,
}

/// The captcha a server asks for. The app shows the server's own page
/// `GET /captcha` (the provider's widget) in a window of its own; the page
/// ends by going to `/captcha/done?token=…`, and the app takes the token
/// from that navigation (the server's `/captcha/done` never reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CaptchaChallenge {
    /// `recaptcha` (v3) or `friendlycaptcha` (v2).
    pub provider: String,
    pub site_key: String,
}

/// The answer to complete and refresh.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionResponse {
    pub user_id: String,
    pub group_id: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub access_token: SecretString,
    pub access_token_expires_at: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub refresh_token: SecretString,
    pub refresh_token_expires_at: String,
    pub is_new_user: bool,
}

/// `POST /v1/auth/refresh`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RefreshRequest {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub refresh_token: SecretString,
}

/// `POST /v1/auth/logout` (with the access token as bearer).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LogoutRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub refresh_token: Option<SecretString>,
}

/// `GET /v1/me`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    pub user_id: String,
    pub group_id: String,
    pub role: Role,
    pub first_name: String,
    pub last_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Whether `phone` logs in (proven with a code). A number given beside
    /// an email at registration is not, until `POST /v1/me/phone` proves it.
    #[serde(default)]
    pub phone_verified: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible_clinician_id: Option<String>,
    /// Whether the responsible clinician accepted this patient. Until he
    /// does, nothing is shared with him and his keys are not handed out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub care_status: Option<CareStatus>,
    /// An anonymous account made before login: no name, no contact. Logging
    /// in from the same device carries its data into the real account.
    #[serde(default)]
    pub guest: bool,
    /// The language its owner chose (a BCP 47 tag, one of the server's
    /// languages where one matches); absent: the server's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

/// `PUT /v1/me/language`: the language the account's messages are written in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct LanguageRequest {
    /// A BCP 47 tag (`fr`, `nl-BE`): the closest language the server has
    /// is kept, else the tag itself (its messages then come in the server's
    /// default language).
    /// Its form: a language, then optionally a script, a region and
    /// variants (BCP 47's common forms).
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 35,
            pattern = "^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$"
        )
    )]
    pub language: String,
}

/// Where a patient stands with the clinician they named. Naming a clinician
/// is a claim: anyone who knows his id can name him, so he accepts the
/// patient before she appears as his or gets his keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum CareStatus {
    /// Named him; he has not answered yet.
    Pending,
    /// He accepted: her notes are shared with him.
    Accepted,
    /// He declined (or stopped caring for her): nothing new is shared.
    Declined,
    /// A status this client does not know (a newer server): treated as not
    /// accepted.
    #[serde(other)]
    Unknown,
}

impl CareStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CareStatus::Pending => "pending",
            CareStatus::Accepted => "accepted",
            CareStatus::Declined => "declined",
            CareStatus::Unknown => "unknown",
        }
    }

    /// The stored statuses; anything else is not one.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(CareStatus::Pending),
            "accepted" => Some(CareStatus::Accepted),
            "declined" => Some(CareStatus::Declined),
            _ => None,
        }
    }
}

/// One patient who named the caller as their clinician
/// (`GET /v1/patients`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Patient {
    pub user_id: String,
    /// The names she typed at registration: her claim, not checked by anyone.
    pub first_name: String,
    pub last_name: String,
    /// Her contact, so the clinician can tell who she is before accepting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub care_status: CareStatus,
    /// When she registered naming him.
    pub named_at: String,
    /// How many of her notes he can read: those wrapped for his keys
    /// (shared while he followed her, or re-shared to him).
    pub notes_shared: u32,
    /// How many of those she cannot open any more: they lack a wrap for a
    /// key she registered since (she had to make a new key). His device
    /// can give them back to her (`POST /v1/samples/{id}/keys`); 0 while he
    /// has not accepted her, since only then is he handed her keys.
    pub notes_to_reshare: u32,
}

/// `GET /v1/patients`: those waiting first, then by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Patients {
    pub patients: Vec<Patient>,
}

/// `POST /v1/invitations`: how many patients a clinician's invitation
/// admits and how long it works (absent: 1 patient, 60 minutes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationRequest {
    /// 1 to 50.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_count"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 50))]
    pub uses: Option<u32>,
    /// 1 to 10080 (a week).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_count"
    )]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 10080))]
    pub valid_minutes: Option<u32>,
}

/// One of a clinician's invitations, without its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationSummary {
    pub invitation_id: String,
    pub created_at: String,
    pub expires_at: String,
    /// How many patients it admitted when made.
    pub uses: u32,
    /// How many more it admits.
    pub uses_left: u32,
}

/// A new invitation with its two links, which carry its secret: they are
/// shown only in this answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct NewInvitation {
    #[serde(flatten)]
    pub invitation: InvitationSummary,
    /// `https://<server>/invite/<id>.<secret>`: a page that opens the app.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub link: SecretString,
    /// `carekey://invite/<id>.<secret>`: opens the app directly.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub app_link: SecretString,
}

/// `GET /v1/invitations`: the caller's invitations that still admit
/// someone, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Invitations {
    pub invitations: Vec<InvitationSummary>,
}

/// An invitation as its link carries it: `<invitation id>.<secret>`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitationToken {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub invitation: SecretString,
}

/// `POST /v1/invitations/open`: the clinician who invites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct InvitedBy {
    pub clinician_id: String,
    pub first_name: String,
    pub last_name: String,
    pub expires_at: String,
}

/// `POST /v1/auth/guest`: an anonymous session before any login.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct GuestRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_name: Option<String>,
    /// A captcha token, when the server checks captchas.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub captcha_token: Option<SecretString>,
}

/// A user's preferences, kept with the account (`GET/PUT /v1/me/settings`):
/// a JSON object of at most 4 KiB.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserSettings {
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub values: serde_json::Map<String, serde_json::Value>,
}

// In the document only (the fields stay `String`): one definition of the
// base64 the server decodes, referenced by every field that carries bytes.
/// Standard base64 with its padding, canonical (the bits after the last
/// character are zero).
#[cfg(feature = "openapi")]
#[derive(utoipa::ToSchema)]
#[schema(
    pattern = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{4}|[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)$"
)]
pub struct Base64(pub String);

/// The encryption scheme of users' keypairs: RSA with OAEP and SHA-256
/// (iCure's `publicKeysForOaepWithSha256`).
pub const RSA_OAEP_SHA256: &str = "RSA-OAEP-SHA256";

/// `POST /v1/keys`: a public key of the caller's, made on their device.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyUpload {
    /// The key as SubjectPublicKeyInfo DER, standard base64.
    #[cfg_attr(feature = "openapi", schema(value_type = Base64))]
    pub public_key: String,
    /// [`RSA_OAEP_SHA256`].
    #[cfg_attr(feature = "openapi", schema(pattern = "^RSA-OAEP-SHA256$"))]
    pub algorithm: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicKeyInfo {
    /// Hex SHA-256 of the SPKI DER: the key's fingerprint.
    pub key_id: String,
    pub public_key: String,
    pub algorithm: String,
    pub created_at: String,
    /// When its owner revoked it (then it is no longer handed out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
}

/// `GET /v1/keys`: the caller's public keys, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PublicKeys {
    pub keys: Vec<PublicKeyInfo>,
}

/// One of the account's sessions: a device logged in to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountSession {
    pub id: String,
    /// How the device named itself when its login began: what it claims to
    /// be, never proof of it.
    pub device_name: String,
    pub created_at: String,
    /// The session's last refresh (to within an access token's lifetime).
    pub last_seen_at: String,
    /// The session of the access token that asked.
    pub this_device: bool,
    /// Roughly where its login came from ("Brussels, Belgium"), when the
    /// server has a local places database and it knows the address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
}

/// `GET /v1/me/sessions`: the account's sessions that can still be used,
/// the most recently seen first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AccountSessions {
    pub sessions: Vec<AccountSession>,
}

/// `POST /v1/me/sessions/revoke-others`: how many sessions were ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionsRevoked {
    pub revoked: u64,
}

/// Which key backup: sealed under the user's password, or under the
/// random recovery key they were shown once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BackupKind {
    Password,
    Recovery,
}

impl BackupKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackupKind::Password => "password",
            BackupKind::Recovery => "recovery",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "password" => Some(BackupKind::Password),
            "recovery" => Some(BackupKind::Recovery),
            _ => None,
        }
    }
}

/// `PUT /v1/me/backups/{kind}`: a sealed backup envelope (opaque to the
/// server). With `expectedVersion`, it replaces only that version.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupUpload {
    /// The envelope, standard base64.
    #[cfg_attr(feature = "openapi", schema(value_type = Base64))]
    pub envelope: String,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "whole_version"
    )]
    pub expected_version: Option<i64>,
    /// A format 2 password backup: the context its OPRF key was derived for
    /// (from `POST /v1/me/backups/password/oprf/seal`) and the SHA-256 of
    /// its confirmation. Storing it makes that context the one the server
    /// evaluates under, and starts the count of tries again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oprf: Option<OprfSealed>,
}

/// What binds a stored format 2 password backup to the server's OPRF.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OprfSealed {
    /// 16 bytes, standard base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{22}==$")
    )]
    pub context: String,
    /// SHA-256 of the envelope's confirmation, 32 bytes, standard base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{43}=$")
    )]
    pub confirmation_hash: String,
}

/// `POST /v1/me/backups/password/oprf` and `…/oprf/seal`: a blinded
/// element for the server to evaluate (RFC 9497).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OprfRequest {
    /// A ristretto255 element, 32 bytes, standard base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{43}=$")
    )]
    pub blinded_element: String,
}

/// The server's evaluation, with its proof and the key it used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OprfAnswer {
    /// The master key this backup's OPRF key comes from.
    pub key_id: String,
    /// The master key new backups are sealed under: a device that opened a
    /// backup under another seals it again.
    pub current_key_id: String,
    /// This backup's context (sealing: a fresh one), 16 bytes, base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{22}==$")
    )]
    pub context: String,
    /// This backup's OPRF public key, 32 bytes, base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{43}=$")
    )]
    pub public_key: String,
    /// 32 bytes, base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{43}=$")
    )]
    pub evaluated_element: String,
    /// The DLEQ proof, 64 bytes, base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{86}==$")
    )]
    pub proof: String,
    /// Opening: tries left before the password path locks, this one
    /// counted. Absent when sealing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
}

/// `POST /v1/me/backups/password/oprf/confirm`: the opened envelope's
/// confirmation, which sets the count of tries back to zero. It proves the
/// password was right, so its `Debug` form hides it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct OprfConfirmation {
    /// 32 bytes, standard base64.
    #[cfg_attr(
        feature = "openapi",
        schema(value_type = String, format = Byte, pattern = "^[A-Za-z0-9+/]{43}=$")
    )]
    pub confirmation: String,
}

impl std::fmt::Debug for OprfConfirmation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("OprfConfirmation(redacted)")
    }
}

/// A stored backup, without its envelope (`GET /v1/me/backups`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupInfo {
    pub kind: BackupKind,
    /// 1 for the first, one more at each replacement.
    pub version: i64,
    pub updated_at: String,
    /// A format 2 password backup: tries left before its password path
    /// locks (0: locked). Absent for other backups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tries_left: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Backups {
    pub backups: Vec<BackupInfo>,
}

/// `GET /v1/me/backups/{kind}`: the envelope itself (rate-limited, and
/// recorded in the account's audit log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Backup {
    pub kind: BackupKind,
    pub version: i64,
    pub updated_at: String,
    pub envelope: String,
}

/// One thing done with the account's keys, as the user sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEvent {
    pub at: String,
    /// `backup_stored`, `backup_fetched`, `transfer_offered`,
    /// `transfer_taken`, `key_registered`.
    pub action: String,
    /// The backup kind or the key fingerprint concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The client address the request came from.
    pub ip: String,
}

/// `GET /v1/me/audit`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditLog {
    pub events: Vec<AuditEvent>,
}

/// `POST /v1/me/transfers`: the key sealed for a new device of the same user.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TransferUpload {
    /// The envelope, standard base64.
    #[cfg_attr(feature = "openapi", schema(value_type = Base64))]
    pub envelope: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TransferOffer {
    pub transfer_id: String,
    pub expires_at: String,
}

/// `POST /v1/me/transfers/{id}/take`: the envelope, deleted as it is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Transfer {
    pub envelope: String,
}

/// A sample's content key, RSA-OAEP-SHA256-wrapped for one public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WrappedKey {
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub recipient_id: String,
    /// The recipient's key (`keyId` of `GET /v1/users/{id}/keys`).
    #[cfg_attr(feature = "openapi", schema(pattern = "^[0-9a-f]{64}$"))]
    pub key_id: String,
    /// Standard base64.
    #[cfg_attr(feature = "openapi", schema(value_type = Base64))]
    pub wrapped_key: String,
}

/// `POST /v1/samples`: an encrypted data sample (iCure's DataSample); the
/// server stores the ciphertext and the wrapped keys, never a plaintext.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SampleUpload {
    /// A UUID made by the client; it is bound into the ciphertext.
    #[cfg_attr(feature = "openapi", schema(format = "uuid"))]
    pub id: String,
    /// Standard base64.
    #[cfg_attr(feature = "openapi", schema(value_type = Base64))]
    pub ciphertext: String,
    /// At least one for the owner (the caller).
    pub keys: Vec<WrappedKey>,
}

/// A data sample the caller may read: its ciphertext and the content key
/// wrapped for the caller's keys only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    pub id: String,
    pub owner_id: String,
    pub owner_name: String,
    pub created_at: String,
    pub ciphertext: String,
    pub keys: Vec<WrappedKey>,
    /// For its owner only: every key its content key is wrapped for, so her
    /// device can tell what to share again (a clinician who accepted her
    /// later, or a clinician's new key).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shared_with: Vec<SharedWith>,
}

/// One key a sample's content key is wrapped for (not the wrapped key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SharedWith {
    pub recipient_id: String,
    pub key_id: String,
}

/// `POST /v1/samples/{id}/keys`: the owner shares an existing sample with
/// more keys (her own or her accepted clinician's registered ones): its
/// content key, wrapped on her device.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SampleKeysUpload {
    pub keys: Vec<WrappedKey>,
}

/// `GET /v1/samples`: the caller's own samples and those shared with them,
/// newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Samples {
    pub samples: Vec<Sample>,
}

/// BioT's form: six asterisks and the last four digits (`******8901`).
pub fn mask_phone(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("******{tail}")
}

/// First character of the local part, then the domain: `d***@example.com`.
pub fn mask_email(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => String::from("***"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_backup_confirmation_is_hidden_from_debug_output() {
        let confirmation = OprfConfirmation {
            confirmation: "c2VjcmV0LWNvbmZpcm1hdGlvbg==".into(),
        };
        assert!(!format!("{confirmation:?}").contains("c2VjcmV0"));
    }

    #[test]
    fn start_request_uses_the_contract_names() {
        let request = StartRequest {
            email: Some("a@b.c".into()),
            first_name: Some("Ada".into()),
            role: Some(Role::Patient),
            responsible_clinician_id: Some("c1".into()),
            device_challenge: "x".into(),
            ..StartRequest::default()
        };
        let json = serde_json::to_value(&request).unwrap_or_default();
        assert_eq!(json["firstName"], "Ada");
        assert_eq!(json["role"], "patient");
        assert_eq!(json["responsibleClinicianId"], "c1");
        assert_eq!(json["deviceChallenge"], "x");
        assert!(json.get("phone").is_none());
    }

    #[test]
    fn whole_numbers_are_read_as_json_schema_reads_them() {
        let parse = |wait: &str| {
            serde_json::from_str::<ApprovalRequest>(&format!(
                r#"{{"requestId": "r", "deviceVerifier": "v", "waitSeconds": {wait}}}"#
            ))
            .map(|request| request.wait_seconds)
            .ok()
        };
        assert_eq!(parse("0"), Some(0));
        assert_eq!(parse("25"), Some(25));
        assert_eq!(parse("5.0"), Some(5), "JSON Schema's integer");
        assert_eq!(parse("26"), None);
        assert_eq!(parse("2.5"), None);
        assert_eq!(parse("-1"), None);
        assert_eq!(parse("85492.0"), None);
        let version = |text: &str| {
            serde_json::from_str::<BackupUpload>(text)
                .map(|upload| upload.expected_version)
                .ok()
        };
        assert_eq!(
            version(r#"{"envelope": "AA==", "expectedVersion": 3.0}"#),
            Some(Some(3))
        );
        assert_eq!(
            version(r#"{"envelope": "AA==", "expectedVersion": 3}"#),
            Some(Some(3))
        );
        assert_eq!(version(r#"{"envelope": "AA=="}"#), Some(None));
        assert_eq!(
            version(r#"{"envelope": "AA==", "expectedVersion": null}"#),
            Some(None)
        );
        assert_eq!(
            version(r#"{"envelope": "AA==", "expectedVersion": 3.5}"#),
            None
        );
        let absent: Option<ApprovalRequest> =
            serde_json::from_str(r#"{"requestId": "r", "deviceVerifier": "v"}"#).ok();
        assert_eq!(absent.map(|request| request.wait_seconds), Some(0));
    }

    #[test]
    fn session_debug_never_shows_tokens() {
        let session = SessionResponse {
            user_id: "u".into(),
            group_id: "g".into(),
            access_token: SecretString::from("eyJ-access"),
            access_token_expires_at: "t".into(),
            refresh_token: SecretString::from("refresh-secret"),
            refresh_token_expires_at: "t".into(),
            is_new_user: true,
        };
        let debug = format!("{session:?}");
        assert!(!debug.contains("eyJ-access"));
        assert!(!debug.contains("refresh-secret"));
        let json = serde_json::to_value(&session).unwrap_or_default();
        assert_eq!(json["accessToken"], "eyJ-access");
        assert_eq!(json["isNewUser"], true);
    }
}
