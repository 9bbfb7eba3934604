//! The WhatsApp Business number people write to in order to log in: its
//! settings, and the signature Meta puts on every webhook it posts.
//!
//! Invariant: without both the number and the app secret there is no bot,
//! so no webhook is ever accepted unsigned.

use crate::clock::{Millis, seconds};
use crate::settings::Settings;
use carekey_api::SecretString;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The bot's side of the configuration.
pub struct WhatsappBot {
    /// E.164.
    pub number: String,
    pub(crate) app_secret: SecretString,
    pub(crate) verify_token: Option<SecretString>,
    pub(crate) reference_ttl_ms: Millis,
}

impl WhatsappBot {
    /// `None` unless the server has a number to be written to and the secret
    /// that signs its webhook.
    pub fn from_settings(settings: &Settings) -> Option<Self> {
        Some(WhatsappBot {
            number: settings.whatsapp_bot_number.clone()?,
            app_secret: settings.whatsapp_app_secret.clone()?,
            verify_token: settings.whatsapp_verify_token.clone(),
            reference_ttl_ms: seconds(settings.whatsapp_reference_ttl_seconds.max(1)),
        })
    }
}

/// The `X-Hub-Signature-256` value Meta sends with `body`: `sha256=` and
/// the hex HMAC-SHA256 of the raw body under the app secret. Public for
/// tools and tests that post as the Cloud API does.
pub fn webhook_signature(app_secret: &[u8], body: &[u8]) -> String {
    let digest = match <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret) {
        Ok(mut mac) => {
            mac.update(body);
            mac.finalize().into_bytes().to_vec()
        }
        // HMAC takes keys of any length; this arm cannot run.
        Err(_) => Vec::new(),
    };
    format!("sha256={}", data_encoding::HEXLOWER.encode(&digest))
}

/// Whether `header` (`sha256=<hex>`) is the HMAC-SHA256 of `body` under the
/// app secret, compared in constant time.
pub fn signature_matches(app_secret: &[u8], header: Option<&str>, body: &[u8]) -> bool {
    let Some(hex) = header.and_then(|value| value.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(expected) = data_encoding::HEXLOWER_PERMISSIVE.decode(hex.as_bytes()) else {
        return false;
    };
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(app_secret) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_the_hmac_of_the_raw_body() {
        let body = br#"{"object":"whatsapp_business_account"}"#;
        let good = webhook_signature(b"app-secret", body);
        // Computed independently, with Python's hmac module.
        assert_eq!(
            good,
            "sha256=0bf7374433906636bed1653bc7c64affb42fa5da9a39e251ab95c2e3a9c06923"
        );
        assert!(signature_matches(b"app-secret", Some(&good), body));
        assert!(signature_matches(
            b"app-secret",
            Some(&good.to_uppercase().replace("SHA256=", "sha256=")),
            body
        ));
        assert!(!signature_matches(b"other-secret", Some(&good), body));
        assert!(!signature_matches(b"app-secret", Some(&good), b"{}"));
        assert!(!signature_matches(b"app-secret", None, body));
        assert!(!signature_matches(b"app-secret", Some("sha1=abc"), body));
        assert!(!signature_matches(b"app-secret", Some("sha256=zz"), body));
    }
}
