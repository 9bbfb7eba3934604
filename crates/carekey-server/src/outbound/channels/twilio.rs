//! SMS through Twilio's Messages API (or a server that follows its wire
//! format).
//!
//! Invariant: Twilio's 4xx answers about the number are permanent, other
//! failures transient, so a bad number is not retried for hours.

use super::ChannelConfigError;
use crate::outbound::answers::{self, AnswerShape};
use crate::outbound::messages::Message;
use crate::outbound::queue::{DeliveryError, TransportName};
use crate::settings::Settings;
use carekey_api::SecretString;
use std::time::Duration;

/// Twilio's answer: `201` with the message `sid`; an error body
/// `{"code": 21211, "message": ..., "status": 400}`.
pub(super) const ANSWER: AnswerShape = AnswerShape {
    transport: TransportName::Twilio,
    provider: "Twilio",
    id_at: "/sid",
    code_at: "/code",
    throttling: &[],
};

/// Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{sid}/Messages.json`,
/// form-encoded `To`, `Body` and `From` or `MessagingServiceSid`, HTTP basic
/// auth with the account SID and auth token; `201` with the message `sid`.
pub(super) struct Twilio {
    client: reqwest::Client,
    url: String,
    account_sid: String,
    auth_token: SecretString,
    sender: (&'static str, String),
}

impl Twilio {
    pub(super) fn new(settings: &Settings, timeout: Duration) -> Result<Self, ChannelConfigError> {
        let account_sid = settings
            .twilio_account_sid
            .clone()
            .ok_or(ChannelConfigError::Twilio("twilio_account_sid"))?;
        let auth_token = settings
            .twilio_auth_token
            .clone()
            .ok_or(ChannelConfigError::Twilio("twilio_auth_token"))?;
        let sender = match (
            &settings.twilio_messaging_service_sid,
            &settings.twilio_from,
        ) {
            (Some(service), _) => ("MessagingServiceSid", service.clone()),
            (None, Some(from)) => ("From", from.clone()),
            (None, None) => {
                return Err(ChannelConfigError::Twilio(
                    "twilio_from or twilio_messaging_service_sid",
                ));
            }
        };
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .build()
            .map_err(|_| ChannelConfigError::Twilio("an HTTP client"))?;
        let url = format!(
            "{}/2010-04-01/Accounts/{account_sid}/Messages.json",
            settings.twilio_base_url.trim_end_matches('/')
        );
        Ok(Twilio {
            client,
            url,
            account_sid,
            auth_token,
            sender,
        })
    }

    pub(super) async fn send(&self, message: &Message) -> Result<Option<String>, DeliveryError> {
        let form = [
            ("To", message.to.as_str()),
            (self.sender.0, self.sender.1.as_str()),
            ("Body", message.body.as_str()),
        ];
        let response = self
            .client
            .post(&self.url)
            .basic_auth(&self.account_sid, Some(self.auth_token.expose()))
            .form(&form)
            .send()
            .await
            .map_err(|error| answers::unreachable(TransportName::Twilio, &error))?;
        let status = response.status();
        let body = answers::read_body(response).await;
        answers::read_send_answer(&ANSWER, status, &body)
    }
}
