//! Email through SMTP (lettre), with the TLS mode the settings name.
//!
//! Invariant: a refusal of the address is permanent; anything else is
//! retried by the queue.

use super::ChannelConfigError;
use crate::outbound::messages::Message;
use crate::outbound::queue::{DeliveryError, TransportName};
use crate::settings::{Settings, SmtpTls};
use carekey_api::SecretString;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use std::time::Duration;

pub(super) struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: lettre::message::Mailbox,
}

impl Smtp {
    pub(super) fn new(settings: &Settings, timeout: Duration) -> Result<Self, ChannelConfigError> {
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

    pub(super) async fn send(&self, message: &Message) -> Result<Option<String>, DeliveryError> {
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
