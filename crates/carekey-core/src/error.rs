//! What can go wrong in the client, in words a person can be shown.

use carekey_api::{ApiError, ErrorCode};

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// The server answered with an error: its code, message and hints.
    #[error("{}", .0.message)]
    Api(ApiError),
    #[error("cannot reach the CareKey server; check the connection and try again")]
    Unreachable,
    #[error("the server's answer could not be understood")]
    BadAnswer,
    #[error("this is not a valid phone number for {0}")]
    InvalidPhone(String),
    #[error("this is not a valid email address")]
    InvalidEmail,
    #[error("give an email address or a phone number")]
    NoContact,
    #[error("no login is in progress; start again")]
    NoPendingLogin,
    #[error("you are not logged in")]
    NotLoggedIn,
    #[error("the system keychain is not available: {0}")]
    Keychain(String),
    #[error("the encryption key could not be made or read: {0}")]
    Crypto(String),
    #[error("the app's files could not be read or written: {0}")]
    Storage(String),
    #[error("{0}")]
    Backup(#[from] crate::envelope::EnvelopeError),
    #[error("{0}")]
    Code(#[from] crate::recovery::CodeError),
    #[error("{0}")]
    WeakPassword(String),
    #[error("this device has no key for this account yet")]
    NoKey,
    #[error("{0}")]
    Link(#[from] crate::links::LinkError),
    #[error(
        "this link is for a login started on another device, or one that has ended; ask for a new code on this device"
    )]
    LinkNotForThisDevice,
    #[error("a note is 1 to {} characters", crate::samples::LONGEST_TEXT)]
    NoteLength,
    #[error("this is this device's own key; revoke it from another device")]
    OwnKey,
    #[error("this device already has a key for this account")]
    HasKey,
    /// The server's answer to the backup password's check was not made with
    /// the key the backup names: nothing was derived from it.
    #[error("the server did not answer the password check with this backup's key; try again later")]
    OprfUnverified,
    /// A format 2 backup did not open: the password is wrong, and the
    /// server counted the try.
    #[error(
        "this password is not right ({tries_left} tries left before the password backup locks)"
    )]
    WrongBackupPassword { tries_left: u32 },
}

impl CoreError {
    /// A stable code for the UI to branch on.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Api(error) => error.code.as_str(),
            CoreError::Unreachable => "unreachable",
            CoreError::BadAnswer => "bad_answer",
            CoreError::InvalidPhone(_) => "invalid_phone",
            CoreError::InvalidEmail => "invalid_email",
            CoreError::NoContact => "contact_needed",
            CoreError::NoPendingLogin => "no_pending_login",
            CoreError::NotLoggedIn => "not_logged_in",
            CoreError::Keychain(_) => "keychain_unavailable",
            CoreError::Crypto(_) => "crypto_failed",
            CoreError::Storage(_) => "storage_failed",
            CoreError::Backup(error) => {
                use crate::envelope::EnvelopeError as E;
                match error {
                    E::NotAnEnvelope => "not_a_backup",
                    E::UnsupportedVersion(_) => "backup_too_new",
                    E::WrongPurpose { .. } => "wrong_backup_kind",
                    E::WeakParameters | E::ExcessiveParameters => "backup_parameters",
                    E::WrongOwner => "backup_wrong_owner",
                    E::WrongSecret => "wrong_secret",
                    E::MalformedHeader | E::Truncated | E::KeyMismatch | E::MalformedPayload => {
                        "backup_damaged"
                    }
                    E::Seal(_) => "crypto_failed",
                }
            }
            CoreError::Code(crate::recovery::CodeError::MalformedRecoveryKey) => {
                "malformed_recovery_key"
            }
            CoreError::Code(crate::recovery::CodeError::MalformedTransferCode) => {
                "malformed_transfer_code"
            }
            CoreError::WeakPassword(_) => "weak_password",
            CoreError::NoKey => "no_key",
            CoreError::Link(crate::links::LinkError::Foreign) => "foreign_link",
            CoreError::Link(crate::links::LinkError::Malformed) => "invalid_link",
            CoreError::Link(crate::links::LinkError::NotALogin) => "not_a_login_link",
            CoreError::LinkNotForThisDevice => "link_not_for_this_device",
            CoreError::NoteLength => "note_length",
            CoreError::OwnKey => "own_key",
            CoreError::HasKey => "has_key",
            CoreError::OprfUnverified => "oprf_unverified",
            CoreError::WrongBackupPassword { .. } => "wrong_backup_password",
        }
    }

    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            CoreError::Api(error) => Some(error.code),
            _ => None,
        }
    }

    /// A failure that says nothing about the request itself (the network,
    /// a server restarting, overloaded or failing inside): asking again
    /// later may work.
    pub fn is_transient(&self) -> bool {
        matches!(self, CoreError::Unreachable)
            || matches!(
                self.api_code(),
                Some(ErrorCode::RequestTimeout | ErrorCode::Unavailable | ErrorCode::InternalError)
            )
    }

    /// With `invalid_code`, and a wrong backup password: tries left.
    pub fn attempts_left(&self) -> Option<u32> {
        match self {
            CoreError::Api(error) => error.attempts_left,
            CoreError::WrongBackupPassword { tries_left } => Some(*tries_left),
            _ => None,
        }
    }

    /// With `rate_limited` and `too_many_attempts`: seconds to wait.
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            CoreError::Api(error) => error.retry_after,
            _ => None,
        }
    }

    /// With `patients_remain`: how many patients still name the clinician.
    pub fn patients(&self) -> Option<u64> {
        match self {
            CoreError::Api(error) => error.patients,
            _ => None,
        }
    }
}
