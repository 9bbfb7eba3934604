//! The captcha provider: its settings, its verification API and its widget
//! page. Verification follows the provider's documented API:
//!
//! - reCAPTCHA v3: `POST {base}/recaptcha/api/siteverify`, form `secret`,
//!   `response`, `remoteip`; answer `{success, score, action, "error-codes"}`.
//!   Accepted when `success` and `score >= recaptcha_min_score`.
//! - FriendlyCaptcha v2: `POST {base}/api/v2/captcha/siteverify`, header
//!   `X-API-Key`, JSON `{response, sitekey}`; answer `{success, data, error}`.
//!
//! A verifier that cannot be reached refuses the start (`unavailable`): a
//! captcha that fails open would be no captcha.
//!
//! The app gets its token from this server's own page, `GET /captcha`: it
//! loads the provider's widget script (its origin the only one the page's
//! CSP allows, besides the page's own nonce), and when the widget answers
//! it goes to `/captcha/done?token=…`. The app, which opened the page in a
//! window of its own, takes the token from that navigation and cancels it:
//! the token never comes back here but inside the start it protects.

use crate::error::ServiceError;
use crate::outbound::answers;
use crate::settings::{CaptchaKind, Settings};
use carekey_api::SecretString;
use std::net::IpAddr;
use std::time::Duration;

pub struct Captcha {
    kind: CaptchaKind,
    client: reqwest::Client,
    url: String,
    secret: SecretString,
    site_key: String,
    widget_url: String,
    /// Origins the provider's own widget loads from besides the script's
    /// (none for a configured stand-in).
    widget_origins: &'static [&'static str],
    min_score: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum CaptchaConfigError {
    #[error("captcha `{0}` needs captcha_secret")]
    MissingSecret(&'static str),
    #[error("captcha `{0}` needs captcha_site_key (the app's widget shows it)")]
    MissingSiteKey(&'static str),
    #[error("captcha_widget_url must be an http(s) URL")]
    BadWidgetUrl,
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
        let site_key = settings
            .captcha_site_key
            .clone()
            .filter(|key| !key.trim().is_empty())
            .ok_or(CaptchaConfigError::MissingSiteKey(name))?;
        let (widget_url, widget_origins): (String, &'static [&'static str]) =
            match (&settings.captcha_widget_url, settings.captcha) {
                (Some(url), _) => (url.clone(), &[]),
                (None, CaptchaKind::Recaptcha) => (
                    "https://www.google.com/recaptcha/api.js".into(),
                    &["https://www.gstatic.com", "https://recaptcha.google.com"],
                ),
                (None, _) => (
                    "https://cdn.jsdelivr.net/npm/@friendlycaptcha/sdk@0.1.8/site.min.js".into(),
                    &["https://global.frcapi.com", "https://eu.frcapi.com"],
                ),
            };
        if origin_of(&widget_url).is_none() {
            return Err(CaptchaConfigError::BadWidgetUrl);
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
            site_key,
            widget_url,
            widget_origins,
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
                    "sitekey": &self.site_key,
                })),
            CaptchaKind::None => return Ok(()),
        };
        let response = request
            .send()
            .await
            .map_err(|_| ServiceError::Unavailable("captcha verifier unreachable".into()))?;
        let status = response.status();
        let body = answers::read_body(response).await;
        verdict(self.kind, self.min_score, status, &body)
    }
}

/// The provider's answer to a verification: `Ok` when it accepts the
/// token; `unavailable` when the provider is down or refuses our own
/// request (so an operator's mistake is not blamed on the person);
/// `captcha_failed` otherwise. A NaN or missing score is below any minimum.
pub fn verdict(
    kind: CaptchaKind,
    min_score: f64,
    status: reqwest::StatusCode,
    body: &[u8],
) -> Result<(), ServiceError> {
    let Ok(answer) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Err(ServiceError::Unavailable(format!(
            "captcha verifier answered HTTP {status} without JSON"
        )));
    };
    let success = answer.get("success").and_then(serde_json::Value::as_bool) == Some(true);
    let accepted = match kind {
        CaptchaKind::Recaptcha => {
            let score = answer
                .get("score")
                .and_then(serde_json::Value::as_f64)
                .unwrap_or(0.0);
            success && score >= min_score
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

/// `scheme://host[:port]` of an http(s) URL, as a CSP source.
fn origin_of(url: &str) -> Option<String> {
    let parsed = reqwest::Url::parse(url).ok()?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return None;
    }
    Some(parsed.origin().ascii_serialization())
}

/// Text for an HTML attribute or a JavaScript string inside the page.
fn escaped(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect()
}

impl Captcha {
    fn provider(&self) -> &'static str {
        match self.kind {
            CaptchaKind::Recaptcha => "recaptcha",
            CaptchaKind::Friendlycaptcha => "friendlycaptcha",
            CaptchaKind::None => "none",
        }
    }

    /// What `GET /v1/auth/channels` tells the app.
    pub fn challenge(&self) -> carekey_api::CaptchaChallenge {
        carekey_api::CaptchaChallenge {
            provider: self.provider().into(),
            site_key: self.site_key.clone(),
        }
    }

    /// The captcha page and its Content-Security-Policy: the page's own
    /// script (by `nonce`) and the widget's origin, nothing else.
    pub fn page(&self, nonce: &str) -> (String, String) {
        let mut origins = vec![origin_of(&self.widget_url).unwrap_or_default()];
        origins.extend(
            self.widget_origins
                .iter()
                .map(|origin| (*origin).to_owned()),
        );
        let origin = origins.join(" ");
        let site_key = escaped(&self.site_key);
        let (widget, script) = match self.kind {
            CaptchaKind::Recaptcha => (
                format!(
                    r#"<script nonce="{nonce}" src="{url}?render={site_key}"></script>"#,
                    url = self.widget_url
                ),
                format!(
                    "grecaptcha.ready(function () {{ grecaptcha.execute('{site_key}', {{action: 'login'}}).then(done, failed); }});"
                ),
            ),
            _ => (
                format!(
                    r#"<div class="frc-captcha" data-sitekey="{site_key}" data-start="auto"></div><script nonce="{nonce}" type="module" src="{url}"></script>"#,
                    url = self.widget_url
                ),
                "document.addEventListener('frc:widget.complete', function (event) { done(event.detail.response); });\n      document.addEventListener('frc:widget.error', failed);".to_owned(),
            ),
        };
        let html = format!(
            r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>CareKey: a quick check</title>
  <style nonce="{nonce}">body {{ font-family: system-ui, sans-serif; max-width: 30rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}</style>
</head>
<body>
  <h1>A quick check</h1>
  <p id="status">Checking that a person is asking, not a program. This window closes by itself.</p>
  {widget}
  <script nonce="{nonce}">
    function done(token) {{ location.href = '/captcha/done?token=' + encodeURIComponent(token); }}
    function failed() {{ document.getElementById('status').textContent = 'The check could not be done. Close this window and try again.'; }}
    {script}
  </script>
</body>
</html>"#
        );
        let csp = format!(
            "default-src 'none'; script-src 'nonce-{nonce}' {origin}; style-src 'nonce-{nonce}' {origin}; \
             frame-src {origin}; connect-src {origin}; img-src {origin}; \
             base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        );
        (html, csp)
    }
}
