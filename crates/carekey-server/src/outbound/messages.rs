//! The messages people receive, from the templates in `assets/templates/`.
//! An email template's first line is its subject.

use crate::identity::ContactKind;
use serde::{Deserialize, Serialize};

/// The built-in templates by file name (without `.txt`), as shipped in
/// `assets/templates/`: the defaults an operator's files replace.
const BUILT_IN: [(&str, &str); 16] = [
    (
        "code.email",
        include_str!("../../../../assets/templates/code.email.txt"),
    ),
    (
        "code.sms",
        include_str!("../../../../assets/templates/code.sms.txt"),
    ),
    (
        "code.biot.sms",
        include_str!("../../../../assets/templates/code.biot.sms.txt"),
    ),
    (
        "no-account.email",
        include_str!("../../../../assets/templates/no-account.email.txt"),
    ),
    (
        "no-account.sms",
        include_str!("../../../../assets/templates/no-account.sms.txt"),
    ),
    (
        "code.whatsapp",
        include_str!("../../../../assets/templates/code.whatsapp.txt"),
    ),
    (
        "code.whatsapp-chat",
        include_str!("../../../../assets/templates/code.whatsapp-chat.txt"),
    ),
    (
        "no-account.whatsapp-chat",
        include_str!("../../../../assets/templates/no-account.whatsapp-chat.txt"),
    ),
    (
        "notice.email",
        include_str!("../../../../assets/templates/notice.email.txt"),
    ),
    (
        "notice.sms",
        include_str!("../../../../assets/templates/notice.sms.txt"),
    ),
    // A login email or phone changed, to an address of before, with the
    // "this was not me" link.
    (
        "changed.email",
        include_str!("../../../../assets/templates/changed.email.txt"),
    ),
    (
        "changed.sms",
        include_str!("../../../../assets/templates/changed.sms.txt"),
    ),
    // The account was deleted by its owner: nothing to open or check.
    (
        "deleted.email",
        include_str!("../../../../assets/templates/deleted.email.txt"),
    ),
    (
        "deleted.sms",
        include_str!("../../../../assets/templates/deleted.sms.txt"),
    ),
    (
        "help.whatsapp-chat",
        include_str!("../../../../assets/templates/help.whatsapp-chat.txt"),
    ),
    // The magic link's page: its title, then what it says under the code.
    (
        "landing",
        include_str!("../../../../assets/templates/landing.txt"),
    ),
];

/// The placeholders a template may use. Those that carry what the message
/// is for (`{code}`, `{link}`, `{notice}`) must stay in an operator's
/// version wherever the built-in has them.
const PLACEHOLDERS: [&str; 5] = ["{code}", "{link}", "{minutes}", "{host}", "{notice}"];
const REQUIRED: [&str; 3] = ["{code}", "{link}", "{notice}"];

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{0}: {1}")]
    Unreadable(std::path::PathBuf, #[source] std::io::Error),
    #[error(
        "{0}: no template has this name (they are code.email, code.sms, code.biot.sms, \
         code.whatsapp, code.whatsapp-chat, no-account.email, no-account.sms, \
         no-account.whatsapp-chat, notice.email, notice.sms, changed.email, changed.sms, \
         deleted.email, deleted.sms, help.whatsapp-chat, landing; \
         NAME.LOCALE.txt for a language)"
    )]
    Unknown(String),
    #[error("{0}: it must keep {1}, which carries what the message is for")]
    Missing(String, &'static str),
    #[error(
        "{0}: {1} is not a placeholder (they are {{code}}, {{link}}, {{minutes}}, {{host}}, {{notice}})"
    )]
    UnknownPlaceholder(String, String),
    #[error(
        "{0}: the first line of an email or of the landing page is its subject or title, and it is empty"
    )]
    NoSubject(String),
    #[error("{0}: it is not UTF-8 text")]
    NotText(String),
}

/// The templates in use: the built-in ones, each replaced by an operator's
/// file of the same name in `templates_dir`, and per language by
/// `NAME.LOCALE.txt` (`code.sms.fr.txt`), which falls back to `NAME` and
/// then to the built-in.
///
/// Invariant: every text held was checked when loaded (a known name, the
/// placeholders its message needs, known placeholders only, an email's
/// subject), so composing a message cannot fail and never sends a code-less
/// code message; a broken file stops the start, naming the file.
#[derive(Debug, Clone)]
pub struct Templates {
    /// (name, locale) → text; `None` is the default language.
    replaced: std::collections::HashMap<(&'static str, Option<String>), String>,
}

impl Templates {
    pub fn built_in() -> Self {
        Templates {
            replaced: std::collections::HashMap::new(),
        }
    }

    /// The built-in templates with the `*.txt` files of `dir` in their
    /// place (other files are left alone: a README may sit there).
    pub fn load(dir: &std::path::Path) -> Result<Self, TemplateError> {
        let unreadable = |error| TemplateError::Unreadable(dir.to_path_buf(), error);
        let mut replaced = std::collections::HashMap::new();
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let path = entry.map_err(unreadable)?.path();
            let file = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(stem) = file.strip_suffix(".txt") else {
                continue;
            };
            let (name, locale) = template_name(stem).ok_or(TemplateError::Unknown(file.clone()))?;
            let bytes = std::fs::read(&path)
                .map_err(|error| TemplateError::Unreadable(path.clone(), error))?;
            let text =
                String::from_utf8(bytes).map_err(|_| TemplateError::NotText(file.clone()))?;
            check(&file, name, &text)?;
            replaced.insert((name, locale), text);
        }
        Ok(Templates { replaced })
    }

    /// The text of `name` for `locale`, falling back as the type says.
    fn text(&self, name: &'static str, locale: Option<&str>) -> &str {
        locale
            .and_then(|locale| self.replaced.get(&(name, Some(locale.to_owned()))))
            .or_else(|| self.replaced.get(&(name, None)))
            .map(String::as_str)
            .unwrap_or_else(|| built_in(name))
    }

    /// The magic link's page: its title, and the paragraphs it shows
    /// under the code (plain text; blank lines separate paragraphs).
    pub fn landing(&self, locale: Option<&str>) -> (&str, Vec<&str>) {
        let text = self.text("landing", locale);
        let (title, rest) = text.split_once('\n').unwrap_or((text, ""));
        let paragraphs = rest
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .collect();
        (title.trim(), paragraphs)
    }

    /// How many templates an operator's files replace (every language).
    pub fn replaced(&self) -> usize {
        self.replaced.len()
    }
}

fn built_in(name: &str) -> &'static str {
    BUILT_IN
        .iter()
        .find(|(known, _)| *known == name)
        .map_or("", |(_, text)| text)
}

/// A file's stem as a template: its name (one of [`BUILT_IN`]) and, after
/// it, a language tag (`fr`, `pt-BR`), if any.
fn template_name(stem: &str) -> Option<(&'static str, Option<String>)> {
    BUILT_IN.iter().find_map(|(name, _)| {
        if stem == *name {
            return Some((*name, None));
        }
        let locale = stem.strip_prefix(name)?.strip_prefix('.')?;
        let tag = locale.split('-').collect::<Vec<_>>();
        let well_formed = (2..=3).contains(&tag[0].len())
            && tag[0].chars().all(|c| c.is_ascii_lowercase())
            && tag[1..].iter().all(|part| {
                (2..=8).contains(&part.len()) && part.chars().all(|c| c.is_ascii_alphanumeric())
            });
        well_formed.then(|| (*name, Some(locale.to_owned())))
    })
}

/// An operator's version of `name` keeps what the built-in needs, uses
/// no placeholder that does not exist, and (an email) has a subject.
fn check(file: &str, name: &str, text: &str) -> Result<(), TemplateError> {
    let original = built_in(name);
    for required in REQUIRED {
        if original.contains(required) && !text.contains(required) {
            return Err(TemplateError::Missing(file.to_owned(), required));
        }
    }
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open..];
        let end = after.find('}').map_or(after.len(), |close| close + 1);
        let placeholder = &after[..end];
        if !PLACEHOLDERS.contains(&placeholder) {
            return Err(TemplateError::UnknownPlaceholder(
                file.to_owned(),
                placeholder.chars().take(40).collect(),
            ));
        }
        rest = &after[end..];
    }
    if (name.ends_with(".email") || name == "landing")
        && text
            .lines()
            .next()
            .is_none_or(|subject| subject.trim().is_empty())
    {
        return Err(TemplateError::NoSubject(file.to_owned()));
    }
    Ok(())
}
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

impl Templates {
    /// The message for `template` on `channel` (the `Chat*` templates are
    /// replies in a WhatsApp chat the person opened, where free text is allowed
    /// for 24 hours), or `None` where that channel
    /// has no such message (a business-initiated WhatsApp message can only be
    /// the code's template, so it cannot say that no account exists).
    pub fn compose(
        &self,
        template: Template,
        channel: Channel,
        to: &str,
        fill: &Fill<'_>,
        locale: Option<&str>,
    ) -> Option<Message> {
        let name = match (template, channel) {
            (Template::Code | Template::BiotCode, Channel::Email) => "code.email",
            (Template::Code, Channel::Sms) => "code.sms",
            (Template::BiotCode, Channel::Sms) => "code.biot.sms",
            (Template::Code | Template::BiotCode, Channel::Whatsapp) => "code.whatsapp",
            (Template::NoAccount, Channel::Email) => "no-account.email",
            (Template::NoAccount, Channel::Sms) => "no-account.sms",
            (Template::ChatCode, _) => "code.whatsapp-chat",
            (Template::ChatNoAccount, _) => "no-account.whatsapp-chat",
            (Template::ChatHelp, _) => "help.whatsapp-chat",
            (Template::NoAccount, Channel::Whatsapp) => return None,
        };
        let text = self.text(name, locale);
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

    /// A security notice (a key added or revoked, a number someone tried
    /// to take) for one contact. It carries no code and no link: it only
    /// tells. WhatsApp notices go as SMS text, since a business may not
    /// write first on WhatsApp without an approved template.
    pub fn notice(
        &self,
        channel: Channel,
        to: &str,
        notice: &str,
        locale: Option<&str>,
    ) -> Message {
        self.told(
            channel,
            to,
            ("notice.email", "notice.sms"),
            &[("{notice}", notice)],
            locale,
        )
    }

    /// The notice that an account's login email or phone changed, sent to
    /// an address of before, with the link that says "this was not me".
    pub fn contact_changed(
        &self,
        channel: Channel,
        to: &str,
        notice: &str,
        link: &str,
        locale: Option<&str>,
    ) -> Message {
        self.told(
            channel,
            to,
            ("changed.email", "changed.sms"),
            &[("{notice}", notice), ("{link}", link)],
            locale,
        )
    }

    /// The last message to an account's addresses: it was deleted by its
    /// owner. Unlike a notice, it asks nobody to open CareKey or log in:
    /// there is nothing left to log in to.
    pub fn account_deleted(&self, channel: Channel, to: &str, locale: Option<&str>) -> Message {
        self.told(channel, to, ("deleted.email", "deleted.sms"), &[], locale)
    }

    /// A message that tells (no code), from its email or its SMS template.
    fn told(
        &self,
        channel: Channel,
        to: &str,
        (email, sms): (&'static str, &'static str),
        fills: &[(&str, &str)],
        locale: Option<&str>,
    ) -> Message {
        let fill = |text: &str| {
            fills
                .iter()
                .fold(text.to_owned(), |text, (placeholder, value)| {
                    text.replace(placeholder, value)
                })
        };
        let (subject, body) = match channel {
            Channel::Email => {
                let filled = fill(self.text(email, locale));
                match filled.split_once('\n') {
                    Some((subject, body)) => (Some(subject.trim().to_owned()), body.to_owned()),
                    None => (None, filled),
                }
            }
            Channel::Sms | Channel::Whatsapp => {
                (None, fill(self.text(sms, locale)).trim_end().to_owned())
            }
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
        let message = Templates::built_in()
            .compose(Template::Code, Channel::Sms, "+32470123456", &fill(), None)
            .expect("an SMS or email message");
        assert!(message.body.contains("649551"));
        assert!(message.body.contains("\nhttps://auth.example/l/r.s\n"));
        assert!(message.body.ends_with("@auth.example #649551"));
        assert!(message.subject.is_none());
        // Without a link (a phone being proven from the app) the line goes.
        let bare = Templates::built_in()
            .compose(
                Template::Code,
                Channel::Sms,
                "+32470123456",
                &Fill {
                    link: None,
                    ..fill()
                },
                None,
            )
            .expect("an SMS or email message");
        assert!(!bare.body.contains("{link}") && !bare.body.contains("https://"));
        assert!(bare.body.ends_with("@auth.example #649551"));
    }

    #[test]
    fn a_deleted_account_is_told_so_and_not_asked_to_log_in() {
        let templates = Templates::built_in();
        let email = templates.account_deleted(Channel::Email, "a@b.example", None);
        assert_eq!(
            email.subject.as_deref(),
            Some("CareKey: your account is deleted")
        );
        let sms = templates.account_deleted(Channel::Whatsapp, "+32470123456", None);
        assert_eq!(sms.kind, Channel::Sms);
        for message in [&email, &sms] {
            assert!(message.body.contains("deleted"), "{}", message.body);
            assert!(!message.body.contains("log in,"), "{}", message.body);
            assert!(!message.body.contains('{'), "{}", message.body);
        }
    }

    #[test]
    fn biot_wording_is_kept() {
        let message = Templates::built_in()
            .compose(
                Template::BiotCode,
                Channel::Sms,
                "+12345678901",
                &fill(),
                None,
            )
            .expect("an SMS or email message");
        assert_eq!(
            message.body,
            "Hello, your user verification code is 649551."
        );
    }

    #[test]
    fn an_email_takes_its_subject_from_the_first_line() {
        let message = Templates::built_in()
            .compose(Template::Code, Channel::Email, "a@b.example", &fill(), None)
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
        let message = Templates::built_in()
            .compose(
                Template::Code,
                Channel::Whatsapp,
                "+32470123456",
                &fill(),
                None,
            )
            .expect("a template message");
        assert_eq!(message.template_code.as_deref(), Some("649551"));
        assert!(!message.body.contains("https://"));
        // ... which cannot say that no account exists.
        assert!(
            Templates::built_in()
                .compose(
                    Template::NoAccount,
                    Channel::Whatsapp,
                    "+32470123456",
                    &fill(),
                    None,
                )
                .is_none()
        );
        // In a chat the person opened: free text with the link.
        let reply = Templates::built_in()
            .compose(
                Template::ChatCode,
                Channel::Whatsapp,
                "+32470123456",
                &fill(),
                None,
            )
            .expect("a chat reply");
        assert!(reply.template_code.is_none());
        assert!(reply.body.contains("\nhttps://auth.example/l/r.s\n"));
        assert!(reply.body.contains("649551"));
        assert!(!format!("{reply:?}").contains("649551"));
        let help = Templates::built_in()
            .compose(
                Template::ChatHelp,
                Channel::Whatsapp,
                "+32470123456",
                &fill(),
                None,
            )
            .expect("a help reply");
        assert!(!help.body.contains("649551") && help.body.contains("Log in with WhatsApp"));
    }

    fn folder(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).unwrap();
        }
        dir
    }

    #[test]
    fn an_operators_file_replaces_a_template_and_a_language_falls_back_to_it() {
        let dir = folder(&[
            (
                "code.sms.txt",
                "Clinique du Parc: {code} ({minutes} min)\n{link}\n",
            ),
            ("code.sms.fr.txt", "Votre code : {code}\n{link}\n"),
            ("README.md", "not a template"),
        ]);
        let templates = Templates::load(dir.path()).unwrap();
        assert_eq!(templates.replaced(), 2);
        let sms = |locale| {
            let message = templates
                .compose(
                    Template::Code,
                    Channel::Sms,
                    "+32470123456",
                    &fill(),
                    locale,
                )
                .unwrap();
            message.body.clone()
        };
        assert_eq!(
            sms(None),
            "Clinique du Parc: 649551 (2 min)\nhttps://auth.example/l/r.s"
        );
        assert_eq!(
            sms(Some("fr")),
            "Votre code : 649551\nhttps://auth.example/l/r.s"
        );
        assert!(
            sms(Some("nl")).starts_with("Clinique du Parc"),
            "no Dutch file: the default"
        );
        // The others stay built in.
        let email = templates
            .compose(
                Template::Code,
                Channel::Email,
                "a@b.example",
                &fill(),
                Some("fr"),
            )
            .unwrap();
        assert_eq!(email.subject.as_deref(), Some("Your CareKey code: 649551"));
    }

    #[test]
    fn a_broken_template_is_refused_naming_its_file() {
        for (file, text, words) in [
            (
                "code.sms.txt",
                "Your code is on its way\n{link}",
                "must keep {code}",
            ),
            (
                "code.email.txt",
                "Subject {code}\nbody without the link",
                "must keep {link}",
            ),
            ("notice.sms.txt", "Something changed", "must keep {notice}"),
            (
                "code.sms.txt",
                "{code} {link} {cod}",
                "{cod} is not a placeholder",
            ),
            (
                "code.email.txt",
                "\n{code} {link}",
                "is its subject or title",
            ),
            (
                "code.sms.xx_YY.txt",
                "{code} {link}",
                "no template has this name",
            ),
            ("welcome.txt", "hello", "no template has this name"),
            ("landing.txt", "\nNo title here", "is its subject or title"),
        ] {
            let dir = folder(&[(file, text)]);
            let error = Templates::load(dir.path()).unwrap_err().to_string();
            assert!(error.starts_with(file), "{error}");
            assert!(error.contains(words), "{file}: {error}");
        }
        let dir = folder(&[("code.sms.txt", "\u{fffd}")]);
        std::fs::write(dir.path().join("code.sms.txt"), [0xff, 0xfe]).unwrap();
        assert!(Templates::load(dir.path()).is_err());
        assert!(Templates::load(std::path::Path::new("/no/such/folder")).is_err());
    }
}
