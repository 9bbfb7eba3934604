//! The messages people receive and the words of the server's pages, in
//! each person's language: from the Fluent catalogs of `assets/locales/`
//! (`carekey-i18n`), with an operator's files from `templates_dir` over them.
//!
//! Invariant: every text held was checked when loaded (a known name, the
//! variables its message needs, known variables only, an email's subject,
//! every language complete), so composing a message cannot fail, never sends
//! a code-less code message, and never shows a blank or a placeholder; a
//! broken file stops the start, naming the file (and the language and
//! message).

use crate::identity::ContactKind;
use carekey_i18n::{Catalog, FluentArgs, FluentValue, Language, Overriding, Part};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The templates an operator may replace whole, by file name (without
/// `.txt`; `NAME.LANGUAGE.txt` for one language), each with the catalog
/// message it replaces. BioT's code SMS is not in the catalogs: BioT's
/// endpoints keep BioT's exact English wording, whatever the language,
/// unless an operator's file says otherwise.
const NAMES: [(&str, &str); 16] = [
    ("code.email", "code-email"),
    ("code.sms", "code-sms"),
    ("code.biot.sms", ""),
    ("no-account.email", "no-account-email"),
    ("no-account.sms", "no-account-sms"),
    ("code.whatsapp", "code-whatsapp"),
    ("code.whatsapp-chat", "code-whatsapp-chat"),
    ("no-account.whatsapp-chat", "no-account-whatsapp-chat"),
    ("notice.email", "notice-email"),
    ("notice.sms", "notice-sms"),
    // A login email or phone changed, to an address of before, with the
    // "this was not me" link.
    ("changed.email", "changed-email"),
    ("changed.sms", "changed-sms"),
    // The account was deleted by its owner: nothing to open or check.
    ("deleted.email", "deleted-email"),
    ("deleted.sms", "deleted-sms"),
    ("help.whatsapp-chat", "help-whatsapp-chat"),
    // The magic link's page: its title, then what it says under the code.
    ("landing", "landing"),
];

const BIOT_CODE_SMS: &str = include_str!("../../../../assets/templates/code.biot.sms.txt");

/// The placeholders an operator's `.txt` template may use. Those that carry
/// what the message is for (`{code}`, `{link}`, `{notice}`) must stay
/// wherever the built-in message has them.
const PLACEHOLDERS: [&str; 5] = ["{code}", "{link}", "{minutes}", "{host}", "{notice}"];
const REQUIRED: [&str; 3] = ["{code}", "{link}", "{notice}"];

/// Stands for the link while a text is filled: the lines that hold it are
/// left out of a message without one. A private-use character, which no
/// catalog or operator writes.
const LINK_MARK: &str = "\u{e000}";

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{0}: {1}")]
    Unreadable(std::path::PathBuf, #[source] std::io::Error),
    #[error(
        "{0}: no template has this name (they are code.email, code.sms, code.biot.sms, \
         code.whatsapp, code.whatsapp-chat, no-account.email, no-account.sms, \
         no-account.whatsapp-chat, notice.email, notice.sms, changed.email, changed.sms, \
         deleted.email, deleted.sms, help.whatsapp-chat, landing; \
         NAME.LANGUAGE.txt for a language; LANGUAGE.ftl for a catalog)"
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
    #[error("{0}: no catalog is in this language (add LANGUAGE.ftl with every message)")]
    NoCatalog(String),
    #[error("{0}")]
    Catalog(#[from] carekey_i18n::CatalogError),
}

/// The wording in use: the catalogs (with an operator's `LANGUAGE.ftl`
/// files over them) and an operator's whole templates (`NAME.txt`, for the
/// default language, and `NAME.LANGUAGE.txt`).
#[derive(Debug, Clone)]
pub struct Templates {
    catalog: Arc<Catalog>,
    /// (name, language tag) → text.
    replaced: std::collections::HashMap<(&'static str, String), String>,
}

impl Templates {
    /// The built-in wording, English by default.
    pub fn built_in() -> Self {
        Self::with_default("en").unwrap_or_else(|_| unreachable!("English is built in"))
    }

    /// The built-in wording with `default` (a tag: `fr`, `nl-BE`) for
    /// whoever has no language of theirs.
    pub fn with_default(default: &str) -> Result<Self, TemplateError> {
        Ok(Templates {
            catalog: Arc::new(Catalog::with_overrides(Part::Server, &[], default)?),
            replaced: std::collections::HashMap::new(),
        })
    }

    /// The built-in wording with the files of `dir` over it: `LANGUAGE.ftl`
    /// catalogs and `*.txt` templates (other files are left alone: a README
    /// may sit there).
    pub fn load(dir: &std::path::Path, default: &str) -> Result<Self, TemplateError> {
        let unreadable = |error| TemplateError::Unreadable(dir.to_path_buf(), error);
        let mut catalogs = Vec::new();
        let mut templates = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(unreadable)? {
            let path = entry.map_err(unreadable)?.path();
            let file = path
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default();
            let (stem, catalog) = match (file.strip_suffix(".txt"), file.strip_suffix(".ftl")) {
                (Some(stem), _) => (stem.to_owned(), false),
                (None, Some(stem)) => (stem.to_owned(), true),
                (None, None) => continue,
            };
            let bytes = std::fs::read(&path)
                .map_err(|error| TemplateError::Unreadable(path.clone(), error))?;
            let text =
                String::from_utf8(bytes).map_err(|_| TemplateError::NotText(file.clone()))?;
            if catalog {
                catalogs.push((file, stem, text));
            } else {
                let (name, language) =
                    template_name(&stem).ok_or(TemplateError::Unknown(file.clone()))?;
                check(&file, name, &text)?;
                templates.push((file, name, language, text));
            }
        }
        let overrides: Vec<Overriding<'_>> = catalogs
            .iter()
            .map(|(file, language, source)| Overriding {
                file,
                language,
                source,
            })
            .collect();
        let catalog = Catalog::with_overrides(Part::Server, &overrides, default)?;
        let tags = catalog.tags();
        let default_tag = catalog.tag(catalog.default_language());
        let mut replaced = std::collections::HashMap::new();
        for (file, name, language, text) in templates {
            let tag = match language {
                None => default_tag.clone(),
                Some(language) if tags.contains(&language) => language,
                Some(_) => return Err(TemplateError::NoCatalog(file)),
            };
            replaced.insert((name, tag), text);
        }
        Ok(Templates {
            catalog: Arc::new(catalog),
            replaced,
        })
    }

    /// How many whole templates an operator's files replace (every language).
    pub fn replaced(&self) -> usize {
        self.replaced.len()
    }

    /// The languages messages can be written in, English first.
    pub fn languages(&self) -> Vec<String> {
        self.catalog.tags()
    }

    /// The language of someone who wants `wanted` (tags, best first: what
    /// the account keeps, what the request asked for), else the default.
    pub fn language(&self, wanted: &[Option<&str>]) -> Language {
        let wanted: Vec<&str> = wanted.iter().flatten().copied().collect();
        self.catalog.choose(&wanted)
    }

    /// What an account keeps of its owner's choice of `tag` (see
    /// [`Catalog::keep`]); `None` when it is no language tag.
    pub fn keep_language(&self, tag: &str) -> Option<String> {
        self.catalog.keep(tag)
    }

    /// The language a page's visitor asks for in `Accept-Language`.
    pub fn page_language(&self, accept_language: Option<&str>) -> Language {
        self.catalog
            .from_accept_language(accept_language.unwrap_or_default())
    }

    pub fn tag(&self, language: Language) -> String {
        self.catalog.tag(language)
    }

    /// A page's or a notice's words: message `id` (or its `attribute`).
    pub fn words(
        &self,
        language: Language,
        id: &str,
        attribute: Option<&str>,
        args: &[(&str, FluentValue<'_>)],
    ) -> String {
        let mut values = FluentArgs::new();
        for (name, value) in args {
            values.set(*name, value.clone());
        }
        self.catalog.format(language, id, attribute, &values)
    }

    /// The text of template `name` in `language` with its placeholders
    /// filled (the link as [`LINK_MARK`]), and its subject or title if it
    /// has one (an email, the landing page).
    fn filled(
        &self,
        name: &'static str,
        language: Language,
        values: &[(&str, FluentValue<'_>)],
    ) -> (Option<String>, String) {
        let tag = self.catalog.tag(language);
        let titled = name.ends_with(".email") || name == "landing";
        if let Some(text) = self.replaced.get(&(name, tag)) {
            let filled = values
                .iter()
                .fold(text.clone(), |text, (placeholder, value)| {
                    let value = match value {
                        FluentValue::String(text) => text.to_string(),
                        FluentValue::Number(number) => number.as_string().into_owned(),
                        _ => String::new(),
                    };
                    text.replace(&format!("{{{placeholder}}}"), &value)
                });
            return match (titled, filled.split_once('\n')) {
                (true, Some((title, rest))) => (Some(title.trim().to_owned()), rest.to_owned()),
                _ => (None, filled),
            };
        }
        let id = catalog_id(name);
        if id.is_empty() {
            // BioT's code SMS: its own English wording.
            let code = values
                .iter()
                .find(|(placeholder, _)| *placeholder == "code");
            let code = match code {
                Some((_, FluentValue::String(code))) => code.to_string(),
                _ => String::new(),
            };
            return (None, BIOT_CODE_SMS.replace("{code}", &code));
        }
        let body = self.words(language, id, None, values);
        let title = titled.then(|| {
            let attribute = if name == "landing" {
                "title"
            } else {
                "subject"
            };
            self.words(language, id, Some(attribute), values)
        });
        (title, body)
    }

    /// A moment for people, in UTC, written as `language` writes dates
    /// ("5 Dec 2026, 14:05 UTC", "5 déc. 2026 à 14:05 UTC").
    pub fn moment(&self, language: Language, at: crate::clock::Millis) -> String {
        let nanos = i128::from(at) * 1_000_000;
        match time::OffsetDateTime::from_unix_timestamp_nanos(nanos) {
            Ok(moment) => self.words(
                language,
                "date-time",
                None,
                &[
                    ("day", i64::from(moment.day()).into()),
                    ("month", i64::from(u8::from(moment.month())).into()),
                    ("year", i64::from(moment.year()).into()),
                    (
                        "time",
                        format!("{:02}:{:02}", moment.hour(), moment.minute()).into(),
                    ),
                ],
            ),
            Err(_) => crate::clock::rfc3339(at),
        }
    }

    /// The magic link's page: its title, and the paragraphs it shows
    /// under the code (plain text; blank lines separate paragraphs).
    pub fn landing(&self, language: Language) -> (String, Vec<String>) {
        let (title, text) = self.filled("landing", language, &[]);
        let paragraphs = text
            .split("\n\n")
            .map(str::trim)
            .filter(|paragraph| !paragraph.is_empty())
            .map(str::to_owned)
            .collect();
        (title.unwrap_or_default(), paragraphs)
    }
}

/// The catalog message a template name stands for ("" for BioT's SMS).
fn catalog_id(name: &str) -> &'static str {
    NAMES
        .iter()
        .find(|(known, _)| *known == name)
        .map_or("", |(_, id)| id)
}

/// The built-in text of template `name` in English, with `{placeholder}`s
/// where the catalog has variables: what an operator's file is checked
/// against.
fn built_in(name: &str) -> String {
    let id = catalog_id(name);
    if id.is_empty() {
        return BIOT_CODE_SMS.to_owned();
    }
    let catalog = Templates::built_in();
    let english = catalog.language(&[Some("en")]);
    let marks: Vec<(&str, FluentValue<'_>)> = PLACEHOLDERS
        .iter()
        .map(|placeholder| {
            let name = placeholder.trim_matches(['{', '}']);
            (name, FluentValue::from(*placeholder))
        })
        .collect();
    catalog.words(english, id, None, &marks)
}

/// A file's stem as a template: its name (one of [`NAMES`]) and, after
/// it, a language tag (`fr`, `pt-BR`), if any.
fn template_name(stem: &str) -> Option<(&'static str, Option<String>)> {
    NAMES.iter().find_map(|(name, _)| {
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

/// `text` with the lines that hold the link mark left out (no link), or
/// the mark replaced by the link.
fn with_link(text: &str, link: Option<&str>) -> String {
    text.split_inclusive('\n')
        .filter_map(|line| match (line.contains(LINK_MARK), link) {
            (false, _) => Some(line.to_owned()),
            (true, Some(link)) => Some(line.replace(LINK_MARK, link)),
            (true, None) => None,
        })
        .collect()
}

/// What a security notice says, written in the language of whoever it
/// goes to.
#[derive(Debug, Clone, Copy)]
pub enum Notice<'a> {
    KeyAdded {
        fingerprint: &'a str,
    },
    KeyRevoked {
        fingerprint: &'a str,
    },
    /// Someone tried to add this address to another account.
    ContactTaken {
        kind: ContactKind,
    },
    /// `address` (masked) is now the account's login of its kind.
    LoginChanged {
        kind: ContactKind,
        address: &'a str,
    },
    /// The password backup locked after too many wrong passwords.
    BackupLocked,
}

impl Notice<'_> {
    fn text(&self, templates: &Templates, language: Language) -> String {
        let kind = |kind: &ContactKind| match kind {
            ContactKind::Email => "email",
            ContactKind::Sms => "phone",
        };
        match self {
            Notice::KeyAdded { fingerprint } => templates.words(
                language,
                "notice-key-added",
                None,
                &[("fingerprint", (*fingerprint).into())],
            ),
            Notice::KeyRevoked { fingerprint } => templates.words(
                language,
                "notice-key-revoked",
                None,
                &[("fingerprint", (*fingerprint).into())],
            ),
            Notice::ContactTaken { kind: of } => templates.words(
                language,
                "notice-contact-taken",
                None,
                &[("kind", kind(of).into())],
            ),
            Notice::LoginChanged { kind: of, address } => templates.words(
                language,
                "notice-login-changed",
                None,
                &[("kind", kind(of).into()), ("address", (*address).into())],
            ),
            Notice::BackupLocked => templates.words(language, "notice-backup-locked", None, &[]),
        }
    }
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
    /// The language it is written in (a tag of the catalogs): the WhatsApp
    /// template is sent in it where the operator has it approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
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
    /// The message for `template` on `channel` in `language` (the `Chat*`
    /// templates are replies in a WhatsApp chat the person opened, where
    /// free text is allowed for 24 hours), or `None` where that channel has
    /// no such message (a business-initiated WhatsApp message can only be
    /// the code's template, so it cannot say that no account exists).
    pub fn compose(
        &self,
        template: Template,
        channel: Channel,
        to: &str,
        fill: &Fill<'_>,
        language: Language,
    ) -> Option<Message> {
        let name = match (template, channel) {
            (Template::Code, Channel::Email) => "code.email",
            (Template::Code, Channel::Sms) => "code.sms",
            (Template::BiotCode, Channel::Sms) => "code.biot.sms",
            (Template::BiotCode, Channel::Email) => "code.email",
            (Template::Code | Template::BiotCode, Channel::Whatsapp) => "code.whatsapp",
            (Template::NoAccount, Channel::Email) => "no-account.email",
            (Template::NoAccount, Channel::Sms) => "no-account.sms",
            (Template::ChatCode, _) => "code.whatsapp-chat",
            (Template::ChatNoAccount, _) => "no-account.whatsapp-chat",
            (Template::ChatHelp, _) => "help.whatsapp-chat",
            (Template::NoAccount, Channel::Whatsapp) => return None,
        };
        let minutes = i64::try_from(fill.minutes).unwrap_or(i64::MAX);
        let (subject, text) = self.filled(
            name,
            language,
            &[
                ("code", fill.code.into()),
                ("link", LINK_MARK.into()),
                ("minutes", minutes.into()),
                ("host", fill.host.into()),
            ],
        );
        let body = with_link(&text, fill.link);
        let body = match channel {
            Channel::Email => body,
            Channel::Sms | Channel::Whatsapp => body.trim_end().to_owned(),
        };
        let template_code = (channel == Channel::Whatsapp
            && matches!(template, Template::Code | Template::BiotCode))
        .then(|| fill.code.to_owned());
        Some(Message {
            kind: channel,
            to: to.to_owned(),
            subject: subject.filter(|_| channel == Channel::Email),
            body,
            template_code,
            language: Some(self.tag(language)),
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
        notice: &Notice<'_>,
        language: Language,
    ) -> Message {
        let notice = notice.text(self, language);
        self.told(
            channel,
            to,
            ("notice.email", "notice.sms"),
            (&[("notice", notice.as_str().into())], None),
            language,
        )
    }

    /// The notice that an account's login email or phone changed, sent to
    /// an address of before, with the link that says "this was not me".
    pub fn contact_changed(
        &self,
        channel: Channel,
        to: &str,
        (notice, link): (&Notice<'_>, &str),
        language: Language,
    ) -> Message {
        let notice = notice.text(self, language);
        self.told(
            channel,
            to,
            ("changed.email", "changed.sms"),
            (&[("notice", notice.as_str().into())], Some(link)),
            language,
        )
    }

    /// The last message to an account's addresses: it was deleted by its
    /// owner. Unlike a notice, it asks nobody to open CareKey or log in:
    /// there is nothing left to log in to.
    pub fn account_deleted(&self, channel: Channel, to: &str, language: Language) -> Message {
        self.told(
            channel,
            to,
            ("deleted.email", "deleted.sms"),
            (&[], None),
            language,
        )
    }

    /// A message that tells (no code), from its email or its SMS template.
    fn told(
        &self,
        channel: Channel,
        to: &str,
        (email, sms): (&'static str, &'static str),
        (values, link): (&[(&str, FluentValue<'_>)], Option<&str>),
        language: Language,
    ) -> Message {
        let mut values = values.to_vec();
        values.push(("link", LINK_MARK.into()));
        let (subject, body) = match channel {
            Channel::Email => {
                let (subject, body) = self.filled(email, language, &values);
                (subject, with_link(&body, link))
            }
            Channel::Sms | Channel::Whatsapp => {
                let (_, body) = self.filled(sms, language, &values);
                (None, with_link(&body, link).trim_end().to_owned())
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
            language: Some(self.tag(language)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Language {
        Templates::built_in().language(&[Some("en")])
    }

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
            .compose(
                Template::Code,
                Channel::Sms,
                "+32470123456",
                &fill(),
                english(),
            )
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
                english(),
            )
            .expect("an SMS or email message");
        assert!(!bare.body.contains("{link}") && !bare.body.contains("https://"));
        assert!(bare.body.ends_with("@auth.example #649551"));
    }

    #[test]
    fn a_deleted_account_is_told_so_and_not_asked_to_log_in() {
        let templates = Templates::built_in();
        let email = templates.account_deleted(Channel::Email, "a@b.example", english());
        assert_eq!(
            email.subject.as_deref(),
            Some("CareKey: your account is deleted")
        );
        let sms = templates.account_deleted(Channel::Whatsapp, "+32470123456", english());
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
                english(),
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
            .compose(
                Template::Code,
                Channel::Email,
                "a@b.example",
                &fill(),
                english(),
            )
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
                english(),
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
                    english()
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
                english(),
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
                english(),
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
    fn an_operators_files_replace_a_template_per_language_and_a_catalog_message() {
        let dir = folder(&[
            (
                "code.sms.txt",
                "Clinique du Parc: {code} ({minutes} min)\n{link}\n",
            ),
            ("code.sms.fr.txt", "Votre code : {code}\n{link}\n"),
            ("nl.ftl", "landing-open = Start { -brand }\n"),
            ("README.md", "not a template"),
        ]);
        let templates = Templates::load(dir.path(), "en").unwrap();
        assert_eq!(templates.replaced(), 2);
        let sms = |tag| {
            let message = templates
                .compose(
                    Template::Code,
                    Channel::Sms,
                    "+32470123456",
                    &fill(),
                    templates.language(&[Some(tag)]),
                )
                .unwrap();
            message.body.clone()
        };
        // A file without a language is the default language's.
        assert_eq!(
            sms("en"),
            "Clinique du Parc: 649551 (2 min)\nhttps://auth.example/l/r.s"
        );
        assert_eq!(
            sms("fr-BE"),
            "Votre code : 649551\nhttps://auth.example/l/r.s"
        );
        // No Dutch file: the Dutch catalog, not the default's file.
        assert!(
            sms("nl").starts_with("Uw CareKey-code is 649551."),
            "{}",
            sms("nl")
        );
        // The others stay built in, in each language.
        let email = templates
            .compose(
                Template::Code,
                Channel::Email,
                "a@b.example",
                &fill(),
                templates.language(&[Some("fr")]),
            )
            .unwrap();
        assert_eq!(
            email.subject.as_deref(),
            Some("Votre code CareKey\u{a0}: 649551")
        );
        assert_eq!(email.language.as_deref(), Some("fr"));
        let dutch = templates.language(&[Some("nl")]);
        assert_eq!(
            templates.words(dutch, "landing-open", None, &[]),
            "Start CareKey"
        );
    }

    #[test]
    fn a_template_in_a_language_without_a_catalog_is_refused() {
        let dir = folder(&[("code.sms.de.txt", "Ihr Code: {code}\n{link}\n")]);
        let error = Templates::load(dir.path(), "en").unwrap_err().to_string();
        assert!(error.starts_with("code.sms.de.txt: no catalog"), "{error}");
        let dir = folder(&[("fr.ftl", "code-sms = Votre code arrive.\n")]);
        let error = Templates::load(dir.path(), "en").unwrap_err().to_string();
        assert_eq!(
            error,
            "fr: code-sms leaves out $code, which English's uses (every language says the same)"
        );
    }

    #[test]
    fn a_notice_is_written_in_the_language_of_whoever_it_goes_to() {
        let templates = Templates::built_in();
        let notice = Notice::KeyRevoked {
            fingerprint: "AB12 CD34",
        };
        let french = templates.notice(
            Channel::Email,
            "a@b.example",
            &notice,
            templates.language(&[Some("fr")]),
        );
        assert_eq!(
            french.subject.as_deref(),
            Some("CareKey\u{a0}: une modification de votre compte")
        );
        assert!(
            french
                .body
                .contains("La clé de chiffrement d'empreinte AB12 CD34 a été révoquée"),
            "{}",
            french.body
        );
        let indonesian = templates.contact_changed(
            Channel::Sms,
            "+6281234567890",
            (
                &Notice::LoginChanged {
                    kind: ContactKind::Sms,
                    address: "+62•••7890",
                },
                "https://auth.example/not-me/x.y",
            ),
            templates.language(&[Some("id")]),
        );
        assert_eq!(
            indonesian.body,
            "CareKey: Nomor telepon +62•••7890 sekarang menjadi nomor masuk akun CareKey Anda. \
             Bukan Anda? Buka https://auth.example/not-me/x.y untuk mengeluarkan semua perangkat \
             dan mendapatkan kembali akses Anda."
        );
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
            let error = Templates::load(dir.path(), "en").unwrap_err().to_string();
            assert!(error.starts_with(file), "{error}");
            assert!(error.contains(words), "{file}: {error}");
        }
        let dir = folder(&[("code.sms.txt", "\u{fffd}")]);
        std::fs::write(dir.path().join("code.sms.txt"), [0xff, 0xfe]).unwrap();
        assert!(Templates::load(dir.path(), "en").is_err());
        assert!(Templates::load(std::path::Path::new("/no/such/folder"), "en").is_err());
    }
}
