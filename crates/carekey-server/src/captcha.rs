//! Captcha verification at start, against the provider's documented API:
//!
//! - reCAPTCHA v3: `POST {base}/recaptcha/api/siteverify`, form `secret`,
//!   `response`, `remoteip`; answer `{success, score, action, "error-codes"}`.
//!   Accepted when `success` and `score >= recaptcha_min_score`.
//! - FriendlyCaptcha v2: `POST {base}/api/v2/captcha/siteverify`, header
//!   `X-API-Key`, JSON `{response, sitekey}`; answer `{success, data, error}`.
//!
//! A verifier that cannot be reached refuses the start (`unavailable`): a
//! captcha that fails open would be no captcha.

use crate::error::ServiceError;
use crate::settings::{CaptchaKind, Settings};
use carekey_api::SecretString;
use std::net::IpAddr;
use std::time::Duration;

pub struct Captcha {
    kind: CaptchaKind,
    client: reqwest::Client,
    url: String,
    secret: SecretString,
    site_key: Option<String>,
    min_score: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptchaConfigError {
    #[error("captcha `{0}` needs captcha_secret")]
    MissingSecret(&'static str),
    #[error("friendlycaptcha needs captcha_site_key")]
    MissingSiteKey,
    #[error("cannot build the HTTP client for captcha checks")]
    Client,
}

impl Captcha {
    /// `None` when captcha is off.
    pub fn from_settings(settings: &Settings) -> Result<Option<Self>, CaptchaConfigError> {
        let (name, default_base, path) = match settings.captcha {
            CaptchaKind::None => return Ok(None),
            CaptchaKind::Recaptcha => (
                "recaptcha",
                "https://www.google.com",
                "/recaptcha/api/siteverify",
            ),
            CaptchaKind::Friendlycaptcha => (
                "friendlycaptcha",
                "https://global.frcapi.com",
                "/api/v2/captcha/siteverify",
            ),
        };
        let secret = settings
            .captcha_secret
            .clone()
            .ok_or(CaptchaConfigError::MissingSecret(name))?;
        if settings.captcha == CaptchaKind::Friendlycaptcha && settings.captcha_site_key.is_none() {
            return Err(CaptchaConfigError::MissingSiteKey);
        }
        let base = settings
            .captcha_base_url
            .as_deref()
            .unwrap_or(default_base)
            .trim_end_matches('/');
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(
                settings.provider_timeout_seconds.max(1),
            ))
            .build()
            .map_err(|_| CaptchaConfigError::Client)?;
        Ok(Some(Captcha {
            kind: settings.captcha,
            client,
            url: format!("{base}{path}"),
            secret,
            site_key: settings.captcha_site_key.clone(),
            min_score: settings.recaptcha_min_score,
        }))
    }

    pub async fn verify(
        &self,
        token: Option<&SecretString>,
        client_ip: IpAddr,
    ) -> Result<(), ServiceError> {
        let token = match token {
            Some(token) if !token.expose().is_empty() => token,
            _ => return Err(ServiceError::CaptchaFailed),
        };
        let request = match self.kind {
            CaptchaKind::Recaptcha => self.client.post(&self.url).form(&[
                ("secret", self.secret.expose()),
                ("response", token.expose()),
                ("remoteip", &client_ip.to_string()),
            ]),
            CaptchaKind::Friendlycaptcha => self
                .client
                .post(&self.url)
                .header("X-API-Key", self.secret.expose())
                .json(&serde_json::json!({
                    "response": token.expose(),
                    "sitekey": self.site_key,
                })),
            CaptchaKind::None => return Ok(()),
        };
        let response = request
            .send()
            .await
            .map_err(|_| ServiceError::Unavailable("captcha verifier unreachable".into()))?;
        let status = response.status();
        let answer: serde_json::Value = response.json().await.map_err(|_| {
            ServiceError::Unavailable(format!(
                "captcha verifier answered HTTP {status} without JSON"
            ))
        })?;
        let success = answer.get("success").and_then(serde_json::Value::as_bool) == Some(true);
        let accepted = match self.kind {
            CaptchaKind::Recaptcha => {
                let score = answer
                    .get("score")
                    .and_then(serde_json::Value::as_f64)
                    .unwrap_or(0.0);
                success && score >= self.min_score
            }
            _ => success,
        };
        if accepted {
            return Ok(());
        }
        // FriendlyCaptcha reports its own misconfiguration (bad API key) this way.
        let own_fault = answer
            .pointer("/error/error_code")
            .and_then(serde_json::Value::as_str)
            .is_some_and(|code| code.starts_with("auth_") || code == "sitekey_invalid");
        if own_fault || status.is_server_error() {
            return Err(ServiceError::Unavailable(format!(
                "captcha verifier refused our request (HTTP {status})"
            )));
        }
        Err(ServiceError::CaptchaFailed)
    }
}

/// Checks `token` when this server checks captchas; every path that makes
/// the server send a message or open an account calls it (start, resend,
/// WhatsApp, BioT's generate unless exempt by setting, guests). Guessing
/// paths need no captcha of their own: each guess spends a try of a request
/// whose start passed one.
pub async fn check(
    state: &crate::state::AppState,
    token: Option<&carekey_api::SecretString>,
    client_ip: IpAddr,
) -> Result<(), crate::error::ServiceError> {
    match &state.captcha {
        Some(captcha) => captcha.verify(token, client_ip).await,
        None => Ok(()),
    }
}
