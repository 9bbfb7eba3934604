//! Email through SMTP (lettre), with the TLS mode the settings name.
//!
//! Invariant: a refusal of the address is permanent; anything else is
//! retried by the queue. A message's Message-ID is made from its queue job,
//! so a message sent again (the process died between the server's accept
//! and the queue's record of it) is the same message to the mail system,
//! which may collapse it, and to the person, who sees the same code.

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
    /// The bound on one whole conversation: lettre's own timeout only
    /// covers connecting (lettre issue #1027), and a server that accepts
    /// and then says nothing would hold the queue's worker for ever.
    timeout: Duration,
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
            timeout,
        })
    }

    /// The email of queue job `job_id`.
    fn email(&self, job_id: &str, message: &Message) -> Result<lettre::Message, DeliveryError> {
        let to = message
            .to
            .parse()
            .map_err(|_| DeliveryError::permanent(TransportName::Smtp, "invalid recipient"))?;
        lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .message_id(Some(format!("<{job_id}@{}>", self.from.email.domain())))
            .subject(message.subject.clone().unwrap_or_default())
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|_| {
                DeliveryError::permanent(TransportName::Smtp, "message could not be built")
            })
    }

    pub(super) async fn send(
        &self,
        job_id: &str,
        message: &Message,
    ) -> Result<Option<String>, DeliveryError> {
        let email = self.email(job_id, message)?;
        // Cut short, the mail may still have been accepted: sent again, it
        // has the same Message-ID (above).
        let Ok(sent) = tokio::time::timeout(self.timeout, self.transport.send(email)).await else {
            return Err(DeliveryError::transient(
                TransportName::Smtp,
                "timed out".to_owned(),
            ));
        };
        match sent {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(port: u16) -> Settings {
        Settings {
            smtp_host: Some("127.0.0.1".into()),
            smtp_port: port,
            smtp_tls: SmtpTls::None,
            smtp_from: "CareKey <login@carekey.test>".into(),
            ..Settings::default()
        }
    }

    fn message() -> Message {
        Message {
            kind: crate::outbound::messages::Channel::Email,
            to: "ada@example.com".into(),
            subject: Some("Your CareKey code".into()),
            body: "123456".into(),
            template_code: None,
            language: None,
        }
    }

    // lettre's transport keeps its connection pool on the Tokio runtime.
    #[tokio::test]
    async fn the_message_id_is_the_jobs_so_a_resent_mail_is_the_same_mail() {
        let Ok(smtp) = Smtp::new(&settings(25), Duration::from_secs(1)) else {
            panic!("valid SMTP settings");
        };
        let message = message();
        let headers = |job: &str| {
            smtp.email(job, &message)
                .map(|email| String::from_utf8_lossy(&email.formatted()).into_owned())
                .unwrap_or_default()
        };
        let first = headers("0b6c4a3e-job");
        assert!(
            first.contains("Message-ID: <0b6c4a3e-job@carekey.test>"),
            "{first}"
        );
        assert_eq!(
            first.lines().find(|l| l.starts_with("Message-ID")),
            headers("0b6c4a3e-job")
                .lines()
                .find(|l| l.starts_with("Message-ID"))
        );
        assert!(!headers("another-job").contains("0b6c4a3e"));
    }

    /// A mail server that accepts the connection and never says a word:
    /// lettre's own timeout only covers connecting (lettre issue #1027),
    /// and this once held the queue's worker for ever.
    #[tokio::test]
    async fn a_mail_server_that_never_answers_times_out() {
        let Ok(hole) = tokio::net::TcpListener::bind("127.0.0.1:0").await else {
            panic!("a loopback port");
        };
        let port = hole.local_addr().map(|address| address.port()).unwrap_or(0);
        let holding = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = hole.accept().await {
                held.push(socket);
            }
        });
        let Ok(smtp) = Smtp::new(&settings(port), Duration::from_secs(1)) else {
            panic!("valid SMTP settings");
        };
        let sent =
            tokio::time::timeout(Duration::from_secs(30), smtp.send("job", &message())).await;
        holding.abort();
        let Ok(Err(error)) = sent else {
            panic!("no timeout: {sent:?}");
        };
        assert!(!error.permanent, "{error}");
        assert!(error.to_string().contains("timed out"), "{error}");
    }
}
