//! Transports that carry messages out: the development outbox (a JSON-lines
//! file), SMTP (lettre) and SMS through Twilio's Messages API.
//!
//! Transports are only called by the queue worker, never from a request: a
//! provider that is down delays a message, it cannot fail a login.

use crate::outbound::messages::{Channel, Message};
use crate::outbound::queue::{Deliver, DeliveryError, TransportName};
use crate::settings::{Settings, SmtpTls};
use carekey_api::SecretString;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum ChannelConfigError {
    #[error("unknown channel `{0}` (expected outbox, smtp, twilio or whatsapp)")]
    Unknown(String),
    #[error("the smtp channel needs {0}")]
    Smtp(&'static str),
    #[error("the twilio channel needs {0}")]
    Twilio(&'static str),
    #[error("the whatsapp channel needs {0}")]
    Whatsapp(&'static str),
}

pub struct Channels {
    email: Option<TransportName>,
    sms: Option<TransportName>,
    whatsapp: Option<TransportName>,
    outbox: Option<Outbox>,
    smtp: Option<Smtp>,
    twilio: Option<Twilio>,
    cloud: Option<WhatsappCloud>,
}

impl Channels {
    /// `channel` is a list: SMTP carries email and Twilio SMS when listed; the
    /// outbox carries whatever kind no other listed transport does.
    pub fn from_settings(settings: &Settings) -> Result<Self, ChannelConfigError> {
        let mut names = Vec::new();
        for part in settings
            .channel
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            names.push(
                TransportName::parse(part)
                    .ok_or_else(|| ChannelConfigError::Unknown(part.to_owned()))?,
            );
        }
        let has = |name| names.contains(&name);
        let timeout = Duration::from_secs(settings.provider_timeout_seconds.max(1));
        let outbox = has(TransportName::Outbox).then(|| Outbox {
            path: PathBuf::from(&settings.outbox_file),
            file: std::sync::Mutex::new(None),
        });
        let smtp = if has(TransportName::Smtp) {
            Some(Smtp::new(settings, timeout)?)
        } else {
            None
        };
        let twilio = if has(TransportName::Twilio) {
            Some(Twilio::new(settings, timeout)?)
        } else {
            None
        };
        let cloud = if has(TransportName::Whatsapp) {
            Some(WhatsappCloud::new(settings, timeout)?)
        } else {
            None
        };
        let fallback = has(TransportName::Outbox).then_some(TransportName::Outbox);
        // WhatsApp needs a number people can write to; the outbox stands in
        // for its sending only when the webhook can be checked.
        let whatsapp_fallback = fallback.filter(|_| {
            settings.whatsapp_bot_number.is_some() && settings.whatsapp_app_secret.is_some()
        });
        Ok(Channels {
            email: smtp.as_ref().map(|_| TransportName::Smtp).or(fallback),
            sms: twilio.as_ref().map(|_| TransportName::Twilio).or(fallback),
            whatsapp: cloud
                .as_ref()
                .map(|_| TransportName::Whatsapp)
                .or(whatsapp_fallback),
            outbox,
            smtp,
            twilio,
            cloud,
        })
    }

    /// The transport for a channel, if this server has one.
    pub fn transport_for(&self, channel: Channel) -> Option<TransportName> {
        match channel {
            Channel::Email => self.email,
            Channel::Sms => self.sms,
            Channel::Whatsapp => self.whatsapp,
        }
    }

    /// Sends one message; answers the provider's id for it when there is one.
    pub async fn deliver(
        &self,
        transport: TransportName,
        job_id: &str,
        message: &Message,
    ) -> Result<Option<String>, DeliveryError> {
        match transport {
            TransportName::Outbox => match &self.outbox {
                Some(outbox) => outbox.append(job_id, message).map(|()| None),
                None => Err(DeliveryError::transient(
                    transport,
                    "not configured on this instance",
                )),
            },
            TransportName::Smtp => match &self.smtp {
                Some(smtp) => smtp.send(message).await,
                None => Err(DeliveryError::transient(
                    transport,
                    "not configured on this instance",
                )),
            },
            TransportName::Twilio => match &self.twilio {
                Some(twilio) => twilio.send(message).await,
                None => Err(DeliveryError::transient(
                    transport,
                    "not configured on this instance",
                )),
            },
            TransportName::Whatsapp => match &self.cloud {
                Some(cloud) => cloud.send(message).await,
                None => Err(DeliveryError::transient(
                    transport,
                    "not configured on this instance",
                )),
            },
            TransportName::Omnichannel | TransportName::Fhir => Err(DeliveryError::permanent(
                transport,
                "carries registrations, not messages",
            )),
        }
    }
}

/// The channels carry the jobs that are messages.
impl Deliver for Channels {
    fn carries(&self, transport: TransportName) -> bool {
        matches!(
            transport,
            TransportName::Outbox
                | TransportName::Smtp
                | TransportName::Twilio
                | TransportName::Whatsapp
        )
    }

    fn deliver<'a>(
        &'a self,
        transport: TransportName,
        job_id: &'a str,
        body: &'a [u8],
    ) -> futures::future::BoxFuture<'a, Result<Option<String>, DeliveryError>> {
        Box::pin(async move {
            let message: Message = serde_json::from_slice(body).map_err(|_| {
                DeliveryError::permanent(transport, "sealed body missing or unreadable")
            })?;
            Channels::deliver(self, transport, job_id, &message).await
        })
    }
}

/// Development stand-in for phones and mailboxes: one JSON object per line,
/// with at least `channel`, `to` and `body`.
struct Outbox {
    path: PathBuf,
    file: std::sync::Mutex<Option<std::fs::File>>,
}

impl Outbox {
    /// Appends one line with a single `write` on an `O_APPEND` file, so lines
    /// from several instances never interleave. Done in place rather than on
    /// the blocking pool: a short append to the page cache costs less than
    /// the two thread switches of going there.
    fn append(&self, job_id: &str, message: &Message) -> Result<(), DeliveryError> {
        use std::io::Write;
        let line = serde_json::json!({
            "id": job_id,
            "channel": message.kind,
            "to": message.to,
            "subject": message.subject,
            "body": message.body,
        });
        let mut bytes = zeroize::Zeroizing::new(line.to_string().into_bytes());
        bytes.push(b'\n');
        let failed = |what: &str, error: std::io::Error| {
            DeliveryError::transient(
                TransportName::Outbox,
                format!("cannot {what}: {}", error.kind()),
            )
        };
        let mut file = self
            .file
            .lock()
            .map_err(|_| DeliveryError::transient(TransportName::Outbox, "lock poisoned"))?;
        if file.is_none() {
            let opened = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(|error| failed("open", error))?;
            *file = Some(opened);
        }
        let Some(handle) = file.as_mut() else {
            return Err(DeliveryError::transient(TransportName::Outbox, "not open"));
        };
        handle.write_all(&bytes).map_err(|error| {
            *file = None;
            failed("write", error)
        })
    }
}

struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Smtp {
    fn new(settings: &Settings, timeout: Duration) -> Result<Self, ChannelConfigError> {
        let host = settings
            .smtp_host
            .as_deref()
            .ok_or(ChannelConfigError::Smtp("smtp_host"))?;
        let builder = match settings.smtp_tls {
            SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
            SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                .map_err(|_| ChannelConfigError::Smtp("a valid smtp_host"))?,
            SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                .map_err(|_| ChannelConfigError::Smtp("a valid smtp_host"))?,
        };
        let mut builder = builder.port(settings.smtp_port).timeout(Some(timeout));
        if let Some(username) = &settings.smtp_username {
            let password = settings
                .smtp_password
                .as_ref()
                .map(SecretString::expose)
                .unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password.to_owned()));
        }
        let from = settings
            .smtp_from
            .parse()
            .map_err(|_| ChannelConfigError::Smtp("a valid smtp_from address"))?;
        Ok(Smtp {
            transport: builder.build(),
            from,
        })
    }

    async fn send(&self, message: &Message) -> Result<Option<String>, DeliveryError> {
        let to = message
            .to
            .parse()
            .map_err(|_| DeliveryError::permanent(TransportName::Smtp, "invalid recipient"))?;
        let email = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|_| {
                DeliveryError::permanent(TransportName::Smtp, "message could not be built")
            })?;
        match self.transport.send(email).await {
            Ok(response) => Ok(response.first_line().map(str::to_owned)),
            Err(error) => {
                let summary = match error.status() {
                    Some(code) => format!("server answered {code}"),
                    None if error.is_timeout() => String::from("timed out"),
                    None => String::from("connection failed"),
                };
                if error.is_permanent() {
                    Err(DeliveryError::permanent(TransportName::Smtp, summary))
                } else {
                    Err(DeliveryError::transient(TransportName::Smtp, summary))
                }
            }
        }
    }
}

/// Twilio Programmable Messaging: `POST /2010-04-01/Accounts/{sid}/Messages.json`,
/// form-encoded `To`, `Body` and `From` or `MessagingServiceSid`, HTTP basic
/// auth with the account SID and auth token; `201` with the message `sid`.
struct Twilio {
    client: reqwest::Client,
    url: String,
    account_sid: String,
    auth_token: SecretString,
    sender: (&'static str, String),
}

impl Twilio {
    fn new(settings: &Settings, timeout: Duration) -> Result<Self, ChannelConfigError> {
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

    async fn send(&self, message: &Message) -> Result<Option<String>, DeliveryError> {
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
            .map_err(|error| {
                let summary = if error.is_timeout() {
                    "timed out"
                } else {
                    "connection failed"
                };
                DeliveryError::transient(TransportName::Twilio, summary)
            })?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        if status.is_success() {
            return Ok(body
                .get("sid")
                .and_then(|sid| sid.as_str())
                .map(str::to_owned));
        }
        // Twilio's error body: {"code": 21211, "message": ..., "status": 400}.
        // Only the numeric code is kept: the message may quote the number.
        let summary = match body.get("code").and_then(serde_json::Value::as_i64) {
            Some(code) => format!("HTTP {} (Twilio error {code})", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        };
        let retryable = status.is_server_error()
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            || status == reqwest::StatusCode::REQUEST_TIMEOUT;
        if retryable {
            Err(DeliveryError::transient(TransportName::Twilio, summary))
        } else {
            Err(DeliveryError::permanent(TransportName::Twilio, summary))
        }
    }
}

/// WhatsApp Cloud API: `POST <base>/<phone-number-id>/messages` with a
/// bearer token and JSON; `200` with `messages[0].id`; errors as
/// `{"error": {"code", "message", ...}}`. A reply in a chat the person opened
/// is a `text` message; anything else must be an approved template, here the
/// authentication template (its code in the body and in the copy-code button).
struct WhatsappCloud {
    client: reqwest::Client,
    url: String,
    access_token: SecretString,
    template: String,
    language: String,
}

impl WhatsappCloud {
    fn new(settings: &Settings, timeout: Duration) -> Result<Self, ChannelConfigError> {
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
            language: settings.whatsapp_template_language.clone(),
        })
    }

    fn payload(&self, message: &Message) -> serde_json::Value {
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
                    "language": { "code": self.language },
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

    async fn send(&self, message: &Message) -> Result<Option<String>, DeliveryError> {
        let payload = zeroize::Zeroizing::new(self.payload(message).to_string());
        let response = self
            .client
            .post(&self.url)
            .bearer_auth(self.access_token.expose())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(payload.as_str().to_owned())
            .send()
            .await
            .map_err(|error| {
                let summary = if error.is_timeout() {
                    "timed out"
                } else {
                    "connection failed"
                };
                DeliveryError::transient(TransportName::Whatsapp, summary)
            })?;
        let status = response.status();
        let body: serde_json::Value = response.json().await.unwrap_or_default();
        if status.is_success() {
            return Ok(body
                .pointer("/messages/0/id")
                .and_then(serde_json::Value::as_str)
                .map(str::to_owned));
        }
        // Graph API errors: {"error": {"message", "type", "code", "error_subcode",
        // "fbtrace_id"}}. Only the numeric code is kept (the message may quote
        // the number). 4/80007/130429/131048/131056 are throttling.
        let code = body
            .pointer("/error/code")
            .and_then(serde_json::Value::as_i64);
        let summary = match code {
            Some(code) => format!("HTTP {} (WhatsApp error {code})", status.as_u16()),
            None => format!("HTTP {}", status.as_u16()),
        };
        let throttled = matches!(code, Some(4 | 80007 | 130429 | 131048 | 131056));
        if status.is_server_error()
            || throttled
            || status == reqwest::StatusCode::TOO_MANY_REQUESTS
            || status == reqwest::StatusCode::REQUEST_TIMEOUT
        {
            Err(DeliveryError::transient(TransportName::Whatsapp, summary))
        } else {
            Err(DeliveryError::permanent(TransportName::Whatsapp, summary))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(channel: &str) -> Settings {
        Settings {
            channel: channel.into(),
            smtp_host: Some("localhost".into()),
            twilio_account_sid: Some("AC1".into()),
            twilio_auth_token: Some("t".into()),
            twilio_from: Some("+15005550006".into()),
            ..Settings::default()
        }
    }

    #[tokio::test]
    async fn each_kind_takes_the_most_specific_transport() {
        let channels = Channels::from_settings(&settings("outbox")).unwrap();
        assert_eq!(
            channels.transport_for(Channel::Email),
            Some(TransportName::Outbox)
        );
        assert_eq!(
            channels.transport_for(Channel::Sms),
            Some(TransportName::Outbox)
        );
        let channels = Channels::from_settings(&settings("smtp")).unwrap();
        assert_eq!(
            channels.transport_for(Channel::Email),
            Some(TransportName::Smtp)
        );
        assert_eq!(channels.transport_for(Channel::Sms), None);
        let channels = Channels::from_settings(&settings("smtp, twilio")).unwrap();
        assert_eq!(
            channels.transport_for(Channel::Sms),
            Some(TransportName::Twilio)
        );
        let channels = Channels::from_settings(&settings("twilio,outbox")).unwrap();
        assert_eq!(
            channels.transport_for(Channel::Email),
            Some(TransportName::Outbox)
        );
    }

    #[test]
    fn missing_provider_settings_are_named() {
        let error = Channels::from_settings(&Settings {
            channel: "twilio".into(),
            ..Settings::default()
        })
        .err()
        .unwrap();
        assert!(error.to_string().contains("twilio_account_sid"));
        let error = Channels::from_settings(&Settings {
            channel: "pigeon".into(),
            ..Settings::default()
        })
        .err()
        .unwrap();
        assert!(error.to_string().contains("pigeon"));
    }

    #[test]
    fn whatsapp_needs_a_number_and_a_webhook_secret() {
        let channels = Channels::from_settings(&settings("outbox")).unwrap();
        assert_eq!(channels.transport_for(Channel::Whatsapp), None);
        let with_bot = Settings {
            whatsapp_bot_number: Some("+15550001111".into()),
            whatsapp_app_secret: Some("s".into()),
            ..settings("outbox")
        };
        let channels = Channels::from_settings(&with_bot).unwrap();
        assert_eq!(
            channels.transport_for(Channel::Whatsapp),
            Some(TransportName::Outbox)
        );
        let error = Channels::from_settings(&Settings {
            channel: "whatsapp".into(),
            ..with_bot.clone()
        })
        .err()
        .unwrap();
        assert!(error.to_string().contains("whatsapp_phone_number_id"));
        let cloud = Channels::from_settings(&Settings {
            channel: "whatsapp".into(),
            whatsapp_phone_number_id: Some("1065".into()),
            whatsapp_access_token: Some("token".into()),
            ..with_bot
        })
        .unwrap();
        assert_eq!(
            cloud.transport_for(Channel::Whatsapp),
            Some(TransportName::Whatsapp)
        );
        let Some(sender) = cloud.cloud.as_ref() else {
            panic!("no Cloud API sender");
        };
        assert!(sender.url.ends_with("/v21.0/1065/messages"));
        let template = sender.payload(&Message {
            kind: Channel::Whatsapp,
            to: "+32470123456".into(),
            subject: None,
            body: "Your CareKey code is 649551.".into(),
            template_code: Some("649551".into()),
        });
        assert_eq!(template["to"], "32470123456");
        assert_eq!(template["type"], "template");
        assert_eq!(template["template"]["name"], "carekey_code");
        assert_eq!(
            template["template"]["components"][1]["parameters"][0]["text"],
            "649551"
        );
    }
}
