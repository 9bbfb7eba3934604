//! WhatsApp through the Cloud API: the authentication template for codes,
//! free text for replies in a chat the person opened.
//!
//! Invariant: a template is sent outside a chat window, free text only
//! inside one, as Meta's rules require.

use super::ChannelConfigError;
use crate::outbound::answers::{self, AnswerShape};
use crate::outbound::messages::Message;
use crate::outbound::queue::{DeliveryError, TransportName};
use crate::settings::Settings;
use carekey_api::SecretString;
use std::time::Duration;

/// The Graph API's answer: `messages[0].id`, or `{"error": {"message",
/// "type", "code", "error_subcode", "fbtrace_id"}}`; 4, 80007, 130429,
/// 131048 and 131056 are throttling.
pub(super) const ANSWER: AnswerShape = AnswerShape {
    transport: TransportName::Whatsapp,
    provider: "WhatsApp",
    id_at: "/messages/0/id",
    code_at: "/error/code",
    throttling: &[4, 80007, 130429, 131048, 131056],
};

/// WhatsApp Cloud API: `POST <base>/<phone-number-id>/messages` with a
/// bearer token and JSON; `200` with `messages[0].id`; errors as
/// `{"error": {"code", "message", ...}}`. A reply in a chat the person opened
/// is a `text` message; anything else must be an approved template, here the
/// authentication template (its code in the body and in the copy-code button).
pub(super) struct WhatsappCloud {
    client: reqwest::Client,
    pub(super) url: String,
    access_token: SecretString,
    template: String,
    /// The languages the template is approved in, as Meta codes them
    /// (`en`, `pt_BR`); the first is for whoever's is not among them.
    languages: Vec<String>,
}

/// `whatsapp_template_language`: Meta's codes, comma-separated (`en,fr,id`).
fn template_languages(setting: &str) -> Vec<String> {
    setting
        .split(',')
        .map(|code| code.trim().replace('-', "_"))
        .filter(|code| !code.is_empty())
        .collect()
}

impl WhatsappCloud {
    pub(super) fn new(settings: &Settings, timeout: Duration) -> Result<Self, ChannelConfigError> {
        let phone_number_id = settings
            .whatsapp_phone_number_id
            .as_deref()
            .ok_or(ChannelConfigError::Whatsapp("whatsapp_phone_number_id"))?;
        let access_token = settings
            .whatsapp_access_token
            .clone()
            .ok_or(ChannelConfigError::Whatsapp("whatsapp_access_token"))?;
        settings
            .whatsapp_bot_number
            .as_deref()
            .ok_or(ChannelConfigError::Whatsapp("whatsapp_bot_number"))?;
        settings
            .whatsapp_app_secret
            .as_ref()
            .ok_or(ChannelConfigError::Whatsapp("whatsapp_app_secret"))?;
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|_| ChannelConfigError::Whatsapp("an HTTP client"))?;
        Ok(WhatsappCloud {
            client,
            url: format!(
                "{}/{phone_number_id}/messages",
                settings.whatsapp_base_url.trim_end_matches('/')
            ),
            access_token,
            template: settings.whatsapp_code_template.clone(),
            languages: template_languages(&settings.whatsapp_template_language),
        })
    }

    /// The template's language for a message written in `language` (a
    /// catalog tag, `fr`, `pt-BR`): its own where the template is approved
    /// in it, else the same language of another region, else the first.
    pub(super) fn template_language(&self, language: Option<&str>) -> &str {
        let first = self.languages.first().map_or("en", String::as_str);
        let Some(wanted) = language.map(|tag| tag.replace('-', "_")) else {
            return first;
        };
        let primary = |code: &str| code.split('_').next().unwrap_or_default().to_owned();
        self.languages
            .iter()
            .find(|code| **code == wanted)
            .or_else(|| {
                self.languages
                    .iter()
                    .find(|code| primary(code) == primary(&wanted))
            })
            .map_or(first, String::as_str)
    }

    pub(super) fn payload(&self, message: &Message) -> serde_json::Value {
        // The Cloud API takes the number without its `+`.
        let to = message.to.trim_start_matches('+');
        match &message.template_code {
            Some(code) => serde_json::json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "template",
                "template": {
                    "name": self.template,
                    "language": { "code": self.template_language(message.language.as_deref()) },
                    "components": [
                        { "type": "body", "parameters": [{ "type": "text", "text": code }] },
                        { "type": "button", "sub_type": "url", "index": "0",
                          "parameters": [{ "type": "text", "text": code }] }
                    ]
                }
            }),
            None => serde_json::json!({
                "messaging_product": "whatsapp",
                "recipient_type": "individual",
                "to": to,
                "type": "text",
                "text": { "preview_url": false, "body": message.body }
            }),
        }
    }

    pub(super) async fn send(&self, message: &Message) -> Result<Option<String>, DeliveryError> {
        let payload = zeroize::Zeroizing::new(self.payload(message).to_string());
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(self.access_token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload.as_str().to_owned())
            .send()
            .await
            .map_err(|error| answers::unreachable(TransportName::Whatsapp, &error))?;
        let status = response.status();
        let body = answers::read_body(response).await;
        answers::read_send_answer(&ANSWER, status, &body)
    }
}
