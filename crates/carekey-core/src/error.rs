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
            CoreError::NoContact => "invalid_request",
            CoreError::NoPendingLogin => "no_pending_login",
            CoreError::NotLoggedIn => "not_logged_in",
            CoreError::Keychain(_) => "keychain_unavailable",
            CoreError::Crypto(_) => "crypto_failed",
            CoreError::Storage(_) => "storage_failed",
        }
    }

    pub fn api_code(&self) -> Option<ErrorCode> {
        match self {
            CoreError::Api(error) => Some(error.code),
            _ => None,
        }
    }

    /// With `invalid_code`: tries left.
    pub fn attempts_left(&self) -> Option<u32> {
        match self {
            CoreError::Api(error) => error.attempts_left,
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
}
