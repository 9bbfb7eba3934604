//! What can go wrong while answering a request, and how it is told.
//!
//! Each variant maps to one stable [`ErrorCode`] and a sentence for people.
//! Internal failures are logged with their cause and answered with a bare
//! `internal_error`: nothing of the database or a provider leaks.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use carekey_api::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    InvalidRequest(String),
    #[error("this is not a valid email address")]
    InvalidEmail,
    #[error(
        "this is not a valid phone number; write it in international form, like +32 470 12 34 56"
    )]
    InvalidPhone,
    #[error("{0}")]
    InvalidClinician(&'static str),
    #[error("this code is not right")]
    InvalidCode { attempts_left: u32 },
    #[error("this code has expired; ask for a new one")]
    CodeExpired,
    #[error("this code has already been used; start again to get a new one")]
    CodeUsed,
    #[error("too many wrong codes; start again later")]
    TooManyAttempts { retry_after: Option<u64> },
    #[error("this login request is unknown or has ended; start again")]
    UnknownRequest,
    #[error("this login was started on another device")]
    VerifierMismatch,
    #[error("too many requests; wait {retry_after} seconds and try again")]
    RateLimited { retry_after: u64 },
    #[error("the captcha check failed; try again")]
    CaptchaFailed,
    #[error("the session is invalid or has ended; log in again")]
    InvalidToken,
    #[error("this session was used from two places and has been ended for safety; log in again")]
    TokenReused,
    #[error("you were logged out from another of your devices; log in again")]
    SessionRevoked,
    #[error(
        "a change of this account's login was reported as not its owner's, so every device was logged out; log in again"
    )]
    ReportedChange,
    #[error(
        "{} as their clinician, so your account cannot be deleted yet: they would be left with \
         nobody. Ask your CareKey operator to move them to another clinician, or ask them to \
         choose another clinician in the app first",
        if *.0 == 1 { String::from("1 patient names you") } else { format!("{} patients name you", .0) }
    )]
    PatientsRemain(i64),
    #[error(
        "the backup password was tried too many times, so the password backup is locked; restore \
         with your recovery key or from another of your devices"
    )]
    BackupLocked,
    #[error(
        "this server no longer has the key your password backup was sealed under ({0}); restore \
         with your recovery key or from another of your devices"
    )]
    BackupKeyLost(String),
    #[error("this server cannot send {0} messages")]
    ChannelUnavailable(&'static str),
    #[error("this email address or phone number is already used to log in to another account")]
    ContactTaken,
    #[error("not found")]
    NotFound,
    #[error("this link is not a CareKey login link; ask for a new code")]
    InvalidLink,
    #[error("this login has not been approved yet")]
    ApprovalPending,
    #[error("the WhatsApp message has not arrived yet")]
    WhatsappPending,
    #[error("the signature or verification token is missing or wrong")]
    InvalidSignature,
    #[error("this account has no key backup of that kind")]
    NoBackup,
    #[error("the backup was changed on another device; read it again")]
    VersionConflict,
    #[error(
        "this key transfer is unknown or was already used; make a new one on the device that has the key"
    )]
    UnknownTransfer,
    #[error(
        "this key transfer waited too long and was deleted; make a new one on the device that has the key"
    )]
    TransferExpired,
    #[error(
        "this invitation link is not a working one; check that the whole link was copied, or type your clinician's CareKey ID"
    )]
    InvalidInvitation,
    #[error(
        "this invitation has expired, was used already or was withdrawn; ask your clinician for a new one, or type their CareKey ID"
    )]
    InvitationEnded,
    #[error("{0}")]
    InvalidRecipient(String),
    #[error("a service this server depends on is unavailable; try again shortly")]
    Unavailable(String),
    #[error("the request took too long to arrive; try again")]
    RequestTimeout,
    #[error(
        "this change needs a fresh code: confirm it's you with a code sent to your account's contact"
    )]
    FreshProofRequired,
    #[error("this account has reached its storage limit")]
    QuotaExceeded,
    #[error(
        "this account has been disabled by the people who run this CareKey server; ask your clinic"
    )]
    AccountDisabled,
    #[error("internal error: {0}")]
    Internal(String),
    /// The database refused a write for lack of space (the disk, or
    /// `sqlite_max_megabytes`); the transaction rolled back whole.
    #[error("the server's storage is full: {0}")]
    StorageFull(String),
    #[error("database error: {0}")]
    Database(sqlx::Error),
}

impl From<sqlx::Error> for ServiceError {
    fn from(error: sqlx::Error) -> Self {
        if crate::db::is_storage_full(&error) {
            ServiceError::StorageFull(error.to_string())
        } else {
            ServiceError::Database(error)
        }
    }
}

impl From<crate::identity::IdentityError> for ServiceError {
    fn from(error: crate::identity::IdentityError) -> Self {
        match error {
            crate::identity::IdentityError::InvalidEmail => ServiceError::InvalidEmail,
            crate::identity::IdentityError::InvalidPhone => ServiceError::InvalidPhone,
        }
    }
}

impl ServiceError {
    pub fn code(&self) -> ErrorCode {
        match self {
            ServiceError::InvalidRequest(_) => ErrorCode::InvalidRequest,
            ServiceError::InvalidEmail => ErrorCode::InvalidEmail,
            ServiceError::InvalidPhone => ErrorCode::InvalidPhone,
            ServiceError::InvalidClinician(_) => ErrorCode::InvalidClinician,
            ServiceError::InvalidCode { .. } => ErrorCode::InvalidCode,
            ServiceError::CodeExpired => ErrorCode::CodeExpired,
            ServiceError::CodeUsed => ErrorCode::CodeUsed,
            ServiceError::TooManyAttempts { .. } => ErrorCode::TooManyAttempts,
            ServiceError::UnknownRequest => ErrorCode::UnknownRequest,
            ServiceError::VerifierMismatch => ErrorCode::VerifierMismatch,
            ServiceError::RateLimited { .. } => ErrorCode::RateLimited,
            ServiceError::CaptchaFailed => ErrorCode::CaptchaFailed,
            ServiceError::InvalidToken => ErrorCode::InvalidToken,
            ServiceError::TokenReused => ErrorCode::TokenReused,
            ServiceError::SessionRevoked | ServiceError::ReportedChange => {
                ErrorCode::SessionRevoked
            }
            ServiceError::ChannelUnavailable(_) => ErrorCode::ChannelUnavailable,
            ServiceError::ContactTaken => ErrorCode::ContactTaken,
            ServiceError::PatientsRemain(_) => ErrorCode::PatientsRemain,
            ServiceError::BackupLocked => ErrorCode::BackupLocked,
            ServiceError::BackupKeyLost(_) => ErrorCode::BackupKeyLost,
            ServiceError::NotFound => ErrorCode::NotFound,
            ServiceError::InvalidLink => ErrorCode::InvalidLink,
            ServiceError::ApprovalPending => ErrorCode::ApprovalPending,
            ServiceError::WhatsappPending => ErrorCode::WhatsappPending,
            ServiceError::InvalidSignature => ErrorCode::InvalidSignature,
            ServiceError::NoBackup => ErrorCode::NoBackup,
            ServiceError::VersionConflict => ErrorCode::VersionConflict,
            ServiceError::UnknownTransfer => ErrorCode::UnknownTransfer,
            ServiceError::TransferExpired => ErrorCode::TransferExpired,
            ServiceError::InvalidRecipient(_) => ErrorCode::InvalidRecipient,
            ServiceError::InvalidInvitation => ErrorCode::InvalidInvitation,
            ServiceError::InvitationEnded => ErrorCode::InvitationEnded,
            ServiceError::Unavailable(_) | ServiceError::StorageFull(_) => ErrorCode::Unavailable,
            ServiceError::QuotaExceeded => ErrorCode::QuotaExceeded,
            ServiceError::AccountDisabled => ErrorCode::AccountDisabled,
            ServiceError::FreshProofRequired => ErrorCode::FreshProofRequired,
            ServiceError::RequestTimeout => ErrorCode::RequestTimeout,
            ServiceError::Internal(_) | ServiceError::Database(_) => ErrorCode::InternalError,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ServiceError::InvalidRequest(_)
            | ServiceError::InvalidEmail
            | ServiceError::InvalidPhone
            | ServiceError::InvalidClinician(_)
            | ServiceError::InvalidCode { .. }
            | ServiceError::CodeExpired
            | ServiceError::InvalidRecipient(_)
            | ServiceError::InvalidLink
            | ServiceError::InvalidInvitation
            | ServiceError::ChannelUnavailable(_)
            | ServiceError::PatientsRemain(_) => StatusCode::BAD_REQUEST,
            ServiceError::CodeUsed
            | ServiceError::ContactTaken
            | ServiceError::VersionConflict
            | ServiceError::ApprovalPending
            | ServiceError::WhatsappPending => StatusCode::CONFLICT,
            ServiceError::TransferExpired
            | ServiceError::InvitationEnded
            | ServiceError::BackupKeyLost(_) => StatusCode::GONE,
            ServiceError::BackupLocked => StatusCode::LOCKED,
            ServiceError::CaptchaFailed | ServiceError::VerifierMismatch => StatusCode::FORBIDDEN,
            ServiceError::InvalidToken
            | ServiceError::TokenReused
            | ServiceError::SessionRevoked
            | ServiceError::ReportedChange
            | ServiceError::InvalidSignature => StatusCode::UNAUTHORIZED,
            ServiceError::UnknownRequest
            | ServiceError::NotFound
            | ServiceError::NoBackup
            | ServiceError::UnknownTransfer => StatusCode::NOT_FOUND,
            ServiceError::TooManyAttempts { .. } | ServiceError::RateLimited { .. } => {
                StatusCode::TOO_MANY_REQUESTS
            }
            ServiceError::Unavailable(_) | ServiceError::StorageFull(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ServiceError::QuotaExceeded => StatusCode::CONFLICT,
            ServiceError::AccountDisabled => StatusCode::FORBIDDEN,
            ServiceError::FreshProofRequired => StatusCode::FORBIDDEN,
            ServiceError::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            ServiceError::Internal(_) | ServiceError::Database(_) => {
                StatusCode::INTERNAL_SERVER_ERROR
            }
        }
    }

    /// The body sent to the client.
    pub fn body(&self) -> ApiError {
        let message = match self {
            ServiceError::Internal(_) | ServiceError::Database(_) => {
                String::from("something went wrong on our side; try again")
            }
            ServiceError::Unavailable(_) => {
                String::from("a service this server depends on is unavailable; try again shortly")
            }
            ServiceError::StorageFull(_) => String::from(
                "the server cannot store anything more right now; nothing was changed, try again later",
            ),
            other => other.to_string(),
        };
        let (attempts_left, retry_after) = match self {
            ServiceError::InvalidCode { attempts_left } => (Some(*attempts_left), None),
            ServiceError::RateLimited { retry_after } => (None, Some(*retry_after)),
            ServiceError::TooManyAttempts { retry_after } => (None, *retry_after),
            _ => (None, None),
        };
        let patients = match self {
            ServiceError::PatientsRemain(named) => u64::try_from(*named).ok(),
            _ => None,
        };
        ApiError {
            code: self.code(),
            message,
            attempts_left,
            retry_after,
            patients,
        }
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        match &self {
            ServiceError::Internal(_)
            | ServiceError::Database(_)
            | ServiceError::StorageFull(_)
            | ServiceError::Unavailable(_) => {
                tracing::error!(error = %self, "request failed");
            }
            _ => {}
        }
        let body = self.body();
        let mut response = (self.status(), axum::Json(&body)).into_response();
        if let Some(seconds) = body.retry_after
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internals_never_reach_the_client() {
        let error = ServiceError::Internal("disk /var/lib/x full".into());
        let body = error.body();
        assert_eq!(body.code, ErrorCode::InternalError);
        assert!(!body.message.contains("disk"));
    }

    #[test]
    fn hints_travel_with_their_codes() {
        let body = ServiceError::InvalidCode { attempts_left: 3 }.body();
        assert_eq!(body.attempts_left, Some(3));
        let body = ServiceError::RateLimited { retry_after: 42 }.body();
        assert_eq!(body.retry_after, Some(42));
        assert_eq!(
            ServiceError::RateLimited { retry_after: 42 }.status(),
            StatusCode::TOO_MANY_REQUESTS
        );
    }
}
