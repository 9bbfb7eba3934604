use serde::{Deserialize, Serialize};

/// Stable error codes. Clients branch on these, never on `message`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body or a parameter is malformed; `message` says which.
    InvalidRequest,
    /// Wrong code; `attemptsLeft` says how many tries remain for this request.
    InvalidCode,
    /// The code's validity has passed; ask for a new one (resend or start).
    CodeExpired,
    /// The request was already completed; a code works once.
    CodeUsed,
    /// Too many wrong codes for this request or identifier; start again later.
    TooManyAttempts,
    /// No such pending request (never existed, or cleaned up).
    UnknownRequest,
    /// The device verifier does not match the challenge sent at start.
    VerifierMismatch,
    InvalidPhone,
    InvalidEmail,
    /// The responsible clinician is missing or is not a clinician.
    InvalidClinician,
    /// Too many messages or requests; `retryAfter` gives the seconds to wait.
    RateLimited,
    CaptchaFailed,
    /// The access or refresh token is unknown, expired, revoked or malformed.
    InvalidToken,
    /// A refresh token was used twice; its whole session is now revoked.
    TokenReused,
    /// The session was ended by its owner from another of their devices.
    SessionRevoked,
    /// This server cannot send to that kind of address (no SMS or email transport).
    ChannelUnavailable,
    /// The phone number is already the login of another account.
    ContactTaken,
    NotFound,
    /// A magic link that is malformed or not one this server made.
    InvalidLink,
    /// No approval from another device yet: ask again.
    ApprovalPending,
    /// The WhatsApp message for this reference has not arrived yet: ask again.
    WhatsappPending,
    /// A webhook whose signature (or verification token) is missing or wrong.
    InvalidSignature,
    /// The account has no key backup of that kind.
    NoBackup,
    /// The backup changed since the version the client read; read it again.
    VersionConflict,
    /// No such key transfer for this account: never made, or already taken.
    UnknownTransfer,
    /// The key transfer waited too long and was deleted; make a new one.
    TransferExpired,
    /// An invitation link that is malformed, unknown, or not its secret.
    InvalidInvitation,
    /// The invitation expired, admitted as many patients as it allows, or
    /// its clinician withdrew it: ask for a new one or type his id.
    InvitationEnded,
    /// A data sample names a recipient (or a key) it may not be shared with.
    InvalidRecipient,
    /// The server or a service it depends on cannot answer now.
    Unavailable,
    /// The request was not sent (or answered) in time; send it again.
    RequestTimeout,
    /// Changing how the account logs in or who can read its data needs a code
    /// proven in the last few minutes (`POST /v1/me/proof`).
    FreshProofRequired,
    /// The account holds as much as it may (count or bytes); delete something first.
    QuotaExceeded,
    /// The server's operator disabled this account: no session opens or
    /// answers until they enable it again.
    AccountDisabled,
    /// A clinician whom patients still name as theirs cannot delete his
    /// account: they would be left with nobody.
    PatientsRemain,
    /// The password backup's password was tried too many times without
    /// success: only the recovery key, a transfer from another device, or
    /// the server's operator opens the way again.
    BackupLocked,
    /// The server no longer has the key a password backup was sealed
    /// under: that backup's password cannot open it; the recovery key can.
    BackupKeyLost,
    InternalError,
    /// A code this client does not know yet.
    #[serde(other)]
    Unknown,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidCode => "invalid_code",
            ErrorCode::CodeExpired => "code_expired",
            ErrorCode::CodeUsed => "code_used",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::UnknownRequest => "unknown_request",
            ErrorCode::VerifierMismatch => "verifier_mismatch",
            ErrorCode::InvalidPhone => "invalid_phone",
            ErrorCode::InvalidEmail => "invalid_email",
            ErrorCode::InvalidClinician => "invalid_clinician",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::CaptchaFailed => "captcha_failed",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::TokenReused => "token_reused",
            ErrorCode::SessionRevoked => "session_revoked",
            ErrorCode::ChannelUnavailable => "channel_unavailable",
            ErrorCode::ContactTaken => "contact_taken",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidLink => "invalid_link",
            ErrorCode::ApprovalPending => "approval_pending",
            ErrorCode::WhatsappPending => "whatsapp_pending",
            ErrorCode::InvalidSignature => "invalid_signature",
            ErrorCode::NoBackup => "no_backup",
            ErrorCode::VersionConflict => "version_conflict",
            ErrorCode::UnknownTransfer => "unknown_transfer",
            ErrorCode::TransferExpired => "transfer_expired",
            ErrorCode::InvalidInvitation => "invalid_invitation",
            ErrorCode::InvitationEnded => "invitation_ended",
            ErrorCode::InvalidRecipient => "invalid_recipient",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::RequestTimeout => "request_timeout",
            ErrorCode::FreshProofRequired => "fresh_proof_required",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::PatientsRemain => "patients_remain",
            ErrorCode::BackupLocked => "backup_locked",
            ErrorCode::BackupKeyLost => "backup_key_lost",
            ErrorCode::InternalError => "internal_error",
            ErrorCode::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Every error answer: `{"code", "message"}` plus the hints some codes carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiError {
    pub code: ErrorCode,
    /// A sentence for people; never contains internals.
    pub message: String,
    /// With `invalid_code`: tries left for this request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    /// With `rate_limited` and `too_many_attempts`: seconds to wait.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// With `patients_remain`: how many patients still name the clinician.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub patients: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_as_their_names() {
        for code in [
            ErrorCode::InvalidRequest,
            ErrorCode::InvalidCode,
            ErrorCode::CodeExpired,
            ErrorCode::CodeUsed,
            ErrorCode::TooManyAttempts,
            ErrorCode::UnknownRequest,
            ErrorCode::VerifierMismatch,
            ErrorCode::InvalidPhone,
            ErrorCode::InvalidEmail,
            ErrorCode::InvalidClinician,
            ErrorCode::RateLimited,
            ErrorCode::CaptchaFailed,
            ErrorCode::InvalidToken,
            ErrorCode::TokenReused,
            ErrorCode::SessionRevoked,
            ErrorCode::ChannelUnavailable,
            ErrorCode::ContactTaken,
            ErrorCode::NotFound,
            ErrorCode::InvalidLink,
            ErrorCode::ApprovalPending,
            ErrorCode::WhatsappPending,
            ErrorCode::InvalidSignature,
            ErrorCode::NoBackup,
            ErrorCode::VersionConflict,
            ErrorCode::UnknownTransfer,
            ErrorCode::TransferExpired,
            ErrorCode::InvalidInvitation,
            ErrorCode::InvitationEnded,
            ErrorCode::InvalidRecipient,
            ErrorCode::Unavailable,
            ErrorCode::QuotaExceeded,
            ErrorCode::FreshProofRequired,
            ErrorCode::RequestTimeout,
            ErrorCode::AccountDisabled,
            ErrorCode::PatientsRemain,
            ErrorCode::BackupLocked,
            ErrorCode::BackupKeyLost,
            ErrorCode::InternalError,
        ] {
            let json = serde_json::to_value(code).unwrap();
            assert_eq!(json, code.as_str());
            let back: ErrorCode = serde_json::from_value(json).unwrap();
            assert_eq!(back, code);
        }
    }

    #[test]
    fn an_unknown_code_still_parses() {
        let error: ApiError =
            serde_json::from_str(r#"{"code":"brand_new","message":"m"}"#).unwrap();
        assert_eq!(error.code, ErrorCode::Unknown);
    }
}
