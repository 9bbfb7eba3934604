//! The messages people receive, from the templates in `assets/templates/`.
//! An email template's first line is its subject.

use crate::identity::ContactKind;
use serde::{Deserialize, Serialize};

const CODE_EMAIL: &str = include_str!("../../../../assets/templates/code.email.txt");
const CODE_SMS: &str = include_str!("../../../../assets/templates/code.sms.txt");
const CODE_BIOT_SMS: &str = include_str!("../../../../assets/templates/code.biot.sms.txt");
const NO_ACCOUNT_EMAIL: &str = include_str!("../../../../assets/templates/no-account.email.txt");
const NO_ACCOUNT_SMS: &str = include_str!("../../../../assets/templates/no-account.sms.txt");
const CODE_WHATSAPP: &str = include_str!("../../../../assets/templates/code.whatsapp.txt");
const CODE_WHATSAPP_CHAT: &str =
    include_str!("../../../../assets/templates/code.whatsapp-chat.txt");
const NO_ACCOUNT_WHATSAPP_CHAT: &str =
    include_str!("../../../../assets/templates/no-account.whatsapp-chat.txt");
const NOTICE_EMAIL: &str = include_str!("../../../../assets/templates/notice.email.txt");
const NOTICE_SMS: &str = include_str!("../../../../assets/templates/notice.sms.txt");
const HELP_WHATSAPP_CHAT: &str =
    include_str!("../../../../assets/templates/help.whatsapp-chat.txt");

/// How a message travels. An address's kind has its own channel; a phone
/// number can also be reached by WhatsApp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    Email,
    Sms,
    Whatsapp,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            "whatsapp" => Some(Channel::Whatsapp),
            _ => None,
        }
    }
}

impl From<ContactKind> for Channel {
    fn from(kind: ContactKind) -> Self {
        match kind {
            ContactKind::Email => Channel::Email,
            ContactKind::Sms => Channel::Sms,
        }
    }
}

/// A message on its way: what the queue seals and a transport sends.
#[derive(Clone, Serialize, Deserialize)]
pub struct Message {
    pub kind: Channel,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: String,
    /// A WhatsApp message the person did not ask for in a chat can only be a
    /// template: with this set, the WhatsApp transport sends the
    /// authentication template with this code (the body is for the outbox).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_code: Option<String>,
}

impl Drop for Message {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.body);
        if let Some(code) = self.template_code.as_mut() {
            zeroize::Zeroize::zeroize(code);
        }
    }
}

/// Bodies carry codes: never shown by `Debug`.
impl std::fmt::Debug for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Message")
            .field("kind", &self.kind)
            .field("body", &"[redacted]")
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// A one-time code (native API).
    Code,
    /// A one-time code in BioT's default wording.
    BiotCode,
    /// Someone tried to log in with an address that has no account.
    NoAccount,
    /// A reply in a WhatsApp chat the person opened: the link and the code.
    ChatCode,
    /// A reply in a WhatsApp chat: no account uses the sender's number.
    ChatNoAccount,
    /// A reply in a WhatsApp chat to a message that carries no valid reference.
    ChatHelp,
}

pub struct Fill<'a> {
    pub code: &'a str,
    /// The magic link standing for the code; without one, the template's
    /// lines that hold `{link}` are left out.
    pub link: Option<&'a str>,
    pub minutes: u64,
    /// Host of the public URL, for the SMS one-time-code autofill line.
    pub host: &'a str,
}

/// The message for `template` on `channel` (the `Chat*` templates are
/// replies in a WhatsApp chat the person opened, where free text is allowed
/// for 24 hours), or `None` where that channel
/// has no such message (a business-initiated WhatsApp message can only be
/// the code's template, so it cannot say that no account exists).
pub fn compose(template: Template, channel: Channel, to: &str, fill: &Fill<'_>) -> Option<Message> {
    let text = match (template, channel) {
        (Template::Code | Template::BiotCode, Channel::Email) => CODE_EMAIL,
        (Template::Code, Channel::Sms) => CODE_SMS,
        (Template::BiotCode, Channel::Sms) => CODE_BIOT_SMS,
        (Template::Code | Template::BiotCode, Channel::Whatsapp) => CODE_WHATSAPP,
        (Template::NoAccount, Channel::Email) => NO_ACCOUNT_EMAIL,
        (Template::NoAccount, Channel::Sms) => NO_ACCOUNT_SMS,
        (Template::ChatCode, _) => CODE_WHATSAPP_CHAT,
        (Template::ChatNoAccount, _) => NO_ACCOUNT_WHATSAPP_CHAT,
        (Template::ChatHelp, _) => HELP_WHATSAPP_CHAT,
        (Template::NoAccount, Channel::Whatsapp) => return None,
    };
    let with_link: String = text
        .split_inclusive('\n')
        .filter_map(|line| match (line.contains("{link}"), fill.link) {
            (false, _) => Some(line.to_owned()),
            (true, Some(link)) => Some(line.replace("{link}", link)),
            (true, None) => None,
        })
        .collect();
    let filled = with_link
        .replace("{code}", fill.code)
        .replace("{minutes}", &fill.minutes.to_string())
        .replace("{host}", fill.host);
    let (subject, body) = match channel {
        Channel::Email => match filled.split_once('\n') {
            Some((subject, body)) => (Some(subject.trim().to_owned()), body.to_owned()),
            None => (None, filled.clone()),
        },
        Channel::Sms | Channel::Whatsapp => (None, filled.trim_end().to_owned()),
    };
    let template_code = (channel == Channel::Whatsapp
        && matches!(template, Template::Code | Template::BiotCode))
    .then(|| fill.code.to_owned());
    Some(Message {
        kind: channel,
        to: to.to_owned(),
        subject,
        body,
        template_code,
    })
}

/// A security notice (a key added or revoked, a login phone changed, a
/// number someone tried to take) for one contact. It carries no code and no
/// link: it only tells. WhatsApp notices go as SMS text, since a business
/// may not write first on WhatsApp without an approved template.
pub fn notice(channel: Channel, to: &str, notice: &str) -> Message {
    let (subject, body) = match channel {
        Channel::Email => {
            let filled = NOTICE_EMAIL.replace("{notice}", notice);
            match filled.split_once('\n') {
                Some((subject, body)) => (Some(subject.trim().to_owned()), body.to_owned()),
                None => (None, filled),
            }
        }
        Channel::Sms | Channel::Whatsapp => (
            None,
            NOTICE_SMS.replace("{notice}", notice).trim_end().to_owned(),
        ),
    };
    Message {
        kind: if channel == Channel::Whatsapp {
            Channel::Sms
        } else {
            channel
        },
        to: to.to_owned(),
        subject,
        body,
        template_code: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill() -> Fill<'static> {
        Fill {
            code: "649551",
            link: Some("https://auth.example/l/r.s"),
            minutes: 2,
            host: "auth.example",
        }
    }

    #[test]
    fn an_sms_carries_the_code_and_the_autofill_line() {
        let message = compose(Template::Code, Channel::Sms, "+32470123456", &fill())
            .expect("an SMS or email message");
        assert!(message.body.contains("649551"));
        assert!(message.body.contains("\nhttps://auth.example/l/r.s\n"));
        assert!(message.body.ends_with("@auth.example #649551"));
        assert!(message.subject.is_none());
        // Without a link (a phone being proven from the app) the line goes.
        let bare = compose(
            Template::Code,
            Channel::Sms,
            "+32470123456",
            &Fill {
                link: None,
                ..fill()
            },
        )
        .expect("an SMS or email message");
        assert!(!bare.body.contains("{link}") && !bare.body.contains("https://"));
        assert!(bare.body.ends_with("@auth.example #649551"));
    }

    #[test]
    fn biot_wording_is_kept() {
        let message = compose(Template::BiotCode, Channel::Sms, "+12345678901", &fill())
            .expect("an SMS or email message");
        assert_eq!(
            message.body,
            "Hello, your user verification code is 649551."
        );
    }

    #[test]
    fn an_email_takes_its_subject_from_the_first_line() {
        let message = compose(Template::Code, Channel::Email, "a@b.example", &fill())
            .expect("an SMS or email message");
        assert_eq!(
            message.subject.as_deref(),
            Some("Your CareKey code: 649551")
        );
        assert!(message.body.contains("Your CareKey code is 649551"));
        assert!(
            message
                .body
                .contains("asked for the code: https://auth.example/l/r.s\n")
        );
        assert!(!format!("{message:?}").contains("649551"));
    }

    #[test]
    fn whatsapp_messages_fit_the_chat_or_the_template() {
        // Outside a chat: the authentication template with the code.
        let message = compose(Template::Code, Channel::Whatsapp, "+32470123456", &fill())
            .expect("a template message");
        assert_eq!(message.template_code.as_deref(), Some("649551"));
        assert!(!message.body.contains("https://"));
        // ... which cannot say that no account exists.
        assert!(
            compose(
                Template::NoAccount,
                Channel::Whatsapp,
                "+32470123456",
                &fill()
            )
            .is_none()
        );
        // In a chat the person opened: free text with the link.
        let reply = compose(
            Template::ChatCode,
            Channel::Whatsapp,
            "+32470123456",
            &fill(),
        )
        .expect("a chat reply");
        assert!(reply.template_code.is_none());
        assert!(reply.body.contains("\nhttps://auth.example/l/r.s\n"));
        assert!(reply.body.contains("649551"));
        assert!(!format!("{reply:?}").contains("649551"));
        let help = compose(
            Template::ChatHelp,
            Channel::Whatsapp,
            "+32470123456",
            &fill(),
        )
        .expect("a help reply");
        assert!(!help.body.contains("649551") && help.body.contains("Log in with WhatsApp"));
    }
}
