//! Transports that carry messages out: the development outbox (a JSON-lines
//! file), SMTP (lettre), SMS through Twilio's Messages API and WhatsApp
//! through the Cloud API, one module each.
//!
//! Transports are only called by the queue worker, never from a request: a
//! provider that is down delays a message, it cannot fail a login.

mod outbox;
mod smtp;
mod twilio;
mod whatsapp;

use crate::outbound::messages::{Channel, Message};
use crate::outbound::queue::{Deliver, DeliveryError, TransportName};
use crate::settings::Settings;
use outbox::Outbox;
use smtp::Smtp;
use std::path::PathBuf;
use std::time::Duration;
use twilio::Twilio;
use whatsapp::WhatsappCloud;

/// How Twilio and the WhatsApp Cloud API answer a send, for the fuzz
/// targets, which read every answer through the real shapes.
#[cfg(any(test, feature = "fuzz"))]
pub const ANSWER_SHAPES: [&crate::outbound::answers::AnswerShape; 2] =
    [&twilio::ANSWER, &whatsapp::ANSWER];

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
                Some(smtp) => smtp.send(job_id, message).await,
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
            whatsapp_template_language: "en_US, id, pt-BR".into(),
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
            language: Some("id".into()),
        });
        assert_eq!(template["to"], "32470123456");
        assert_eq!(template["type"], "template");
        assert_eq!(template["template"]["name"], "carekey_code");
        assert_eq!(template["template"]["language"]["code"], "id");
        // The template's language: the message's where the template is
        // approved in it (or in another region's), else the first.
        for (written, code) in [
            (Some("pt-BR"), "pt_BR"),
            (Some("pt"), "pt_BR"),
            (Some("en"), "en_US"),
            (Some("fr"), "en_US"),
            (None, "en_US"),
        ] {
            assert_eq!(sender.template_language(written), code, "{written:?}");
        }
        assert_eq!(
            template["template"]["components"][1]["parameters"][0]["text"],
            "649551"
        );
    }
}
