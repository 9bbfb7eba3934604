//! The one error every command answers with: `{code, message}` plus the
//! hints a screen needs (tries left, seconds to wait, patients who remain). Messages are plain
//! sentences; nothing internal (paths, SQL, stack traces) crosses to the UI.

use carekey_core::CoreError;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
#[error("{code}: {message}")]
pub struct CommandError {
    pub code: String,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts_left: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patients: Option<u64>,
}

impl CommandError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        CommandError {
            code: code.to_owned(),
            message: message.into(),
            attempts_left: None,
            retry_after: None,
            patients: None,
        }
    }
}

impl From<CoreError> for CommandError {
    fn from(error: CoreError) -> Self {
        // The keychain's and the disk's own words stay in the log: they name
        // paths and services, not what the person can do about it.
        let message = match &error {
            CoreError::Keychain(detail) => {
                tracing::warn!(%detail, "keychain");
                "The system keychain is locked or not available. Unlock it (or install \
                 gnome-keyring) and try again."
                    .to_owned()
            }
            CoreError::Storage(detail) => {
                tracing::warn!(%detail, "storage");
                "The app could not read or write its files.".to_owned()
            }
            CoreError::Crypto(detail) => {
                tracing::warn!(%detail, "crypto");
                "The encryption key could not be made or read.".to_owned()
            }
            other => capitalised(&other.to_string()),
        };
        CommandError {
            code: error.code().to_owned(),
            message,
            attempts_left: error.attempts_left(),
            retry_after: error.retry_after(),
            patients: error.patients(),
        }
    }
}

/// Core and server messages are sentence fragments ("this is not a valid
/// phone number"); the UI shows sentences.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    let mut sentence: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_errors_become_a_code_and_a_sentence() {
        let error = CommandError::from(CoreError::InvalidPhone("BE".into()));
        assert_eq!(error.code, "invalid_phone");
        assert_eq!(error.message, "This is not a valid phone number for BE.");
        let json = serde_json::to_value(&error).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_phone", "message": error.message})
        );
    }

    #[test]
    fn keychain_details_stay_out_of_the_ui() {
        let error = CommandError::from(CoreError::Keychain(
            "org.freedesktop.secrets at /run/user/0/bus".into(),
        ));
        assert_eq!(error.code, "keychain_unavailable");
        assert!(!error.message.contains("/run/user"));
    }
}
