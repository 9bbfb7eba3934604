//! The messages people receive, from the templates in `assets/templates/`.
//! An email template's first line is its subject.

use crate::identity::ContactKind;
use serde::{Deserialize, Serialize};

const CODE_EMAIL: &str = include_str!("../../../assets/templates/code.email.txt");
const CODE_SMS: &str = include_str!("../../../assets/templates/code.sms.txt");
const CODE_BIOT_SMS: &str = include_str!("../../../assets/templates/code.biot.sms.txt");
const NO_ACCOUNT_EMAIL: &str = include_str!("../../../assets/templates/no-account.email.txt");
const NO_ACCOUNT_SMS: &str = include_str!("../../../assets/templates/no-account.sms.txt");

/// A message on its way: what the queue seals and a transport sends.
#[derive(Clone, Serialize, Deserialize)]
pub struct Message {
    pub kind: ContactKind,
    pub to: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    pub body: String,
}

impl Drop for Message {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.body);
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

pub fn compose(template: Template, kind: ContactKind, to: &str, fill: &Fill<'_>) -> Message {
    let text = match (template, kind) {
        (Template::Code, ContactKind::Email) | (Template::BiotCode, ContactKind::Email) => {
            CODE_EMAIL
        }
        (Template::Code, ContactKind::Sms) => CODE_SMS,
        (Template::BiotCode, ContactKind::Sms) => CODE_BIOT_SMS,
        (Template::NoAccount, ContactKind::Email) => NO_ACCOUNT_EMAIL,
        (Template::NoAccount, ContactKind::Sms) => NO_ACCOUNT_SMS,
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
    let (subject, body) = match kind {
        ContactKind::Email => match filled.split_once('\n') {
            Some((subject, body)) => (Some(subject.trim().to_owned()), body.to_owned()),
            None => (None, filled.clone()),
        },
        ContactKind::Sms => (None, filled.trim_end().to_owned()),
    };
    Message {
        kind,
        to: to.to_owned(),
        subject,
        body,
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
        let message = compose(Template::Code, ContactKind::Sms, "+32470123456", &fill());
        assert!(message.body.contains("649551"));
        assert!(message.body.contains("\nhttps://auth.example/l/r.s\n"));
        assert!(message.body.ends_with("@auth.example #649551"));
        assert!(message.subject.is_none());
        // Without a link (a phone being proven from the app) the line goes.
        let bare = compose(
            Template::Code,
            ContactKind::Sms,
            "+32470123456",
            &Fill {
                link: None,
                ..fill()
            },
        );
        assert!(!bare.body.contains("{link}") && !bare.body.contains("https://"));
        assert!(bare.body.ends_with("@auth.example #649551"));
    }

    #[test]
    fn biot_wording_is_kept() {
        let message = compose(
            Template::BiotCode,
            ContactKind::Sms,
            "+12345678901",
            &fill(),
        );
        assert_eq!(
            message.body,
            "Hello, your user verification code is 649551."
        );
    }

    #[test]
    fn an_email_takes_its_subject_from_the_first_line() {
        let message = compose(Template::Code, ContactKind::Email, "a@b.example", &fill());
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
}
