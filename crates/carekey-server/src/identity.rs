//! Email addresses and phone numbers: validated, normalised, masked.
//!
//! Phone numbers are stored as E.164; emails lowercased. Anything shown to a
//! person who has not logged in yet, or written to a log, is masked.

pub use carekey_api::{mask_email, mask_phone};
use email_address::{EmailAddress, Options};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("this is not a valid email address")]
    InvalidEmail,
    #[error(
        "this is not a valid phone number; write it in international form, like +32 470 12 34 56"
    )]
    InvalidPhone,
}

/// The kind of address, which decides the transport and the code's validity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContactKind {
    Email,
    Sms,
}

impl ContactKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactKind::Email => "email",
            ContactKind::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(ContactKind::Email),
            "sms" => Some(ContactKind::Sms),
            _ => None,
        }
    }
}

/// A normalised email address or E.164 phone number.
#[derive(Clone, PartialEq, Eq)]
pub enum Contact {
    Email(String),
    Phone(String),
}

impl Contact {
    pub fn email(raw: &str) -> Result<Self, IdentityError> {
        normalise_email(raw).map(Contact::Email)
    }

    pub fn phone(raw: &str) -> Result<Self, IdentityError> {
        normalise_phone(raw).map(Contact::Phone)
    }

    pub fn kind(&self) -> ContactKind {
        match self {
            Contact::Email(_) => ContactKind::Email,
            Contact::Phone(_) => ContactKind::Sms,
        }
    }

    /// The address itself (where the message goes).
    pub fn address(&self) -> &str {
        match self {
            Contact::Email(address) | Contact::Phone(address) => address,
        }
    }

    /// Key for per-identifier limits and lockouts.
    pub fn key(&self) -> String {
        match self {
            Contact::Email(address) => format!("email:{address}"),
            Contact::Phone(number) => format!("phone:{number}"),
        }
    }

    pub fn masked(&self) -> String {
        match self {
            Contact::Email(address) => mask_email(address),
            Contact::Phone(number) => mask_phone(number),
        }
    }
}

/// Only the masked form: a `Contact` may be logged by mistake.
impl std::fmt::Debug for Contact {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Contact({})", self.masked())
    }
}

pub fn normalise_email(raw: &str) -> Result<String, IdentityError> {
    let trimmed = raw.trim();
    if trimmed.len() > 254 {
        return Err(IdentityError::InvalidEmail);
    }
    let options = Options::default()
        .without_display_text()
        .without_domain_literal()
        .with_required_tld();
    let parsed = EmailAddress::parse_with_options(trimmed, options)
        .map_err(|_| IdentityError::InvalidEmail)?;
    Ok(parsed.email().to_lowercase())
}

/// International numbers only (`+` and country code): the server cannot guess
/// a country; the app normalises what people type before sending.
pub fn normalise_phone(raw: &str) -> Result<String, IdentityError> {
    let trimmed = raw.trim();
    if !trimmed.starts_with('+') || trimmed.len() > 32 {
        return Err(IdentityError::InvalidPhone);
    }
    carekey_api::phone::e164(trimmed, None).ok_or(IdentityError::InvalidPhone)
}

/// The first `digits` digits of an E.164 number, country code included, for
/// limits per number range (SMS pumping targets whole ranges).
pub fn phone_prefix(number: &str, digits: u8) -> String {
    number
        .chars()
        .filter(char::is_ascii_digit)
        .take(usize::from(digits))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_become_e164() {
        assert_eq!(normalise_phone("+32 470 12 34 56").unwrap(), "+32470123456");
        assert_eq!(
            normalise_phone("+1 (415) 555-2671").unwrap(),
            "+14155552671"
        );
    }

    #[test]
    fn malformed_phones_are_refused() {
        for raw in [
            "",
            "0470123456",
            "+",
            "+32",
            "+32 12",
            "+999 123456789",
            "call me",
            "+32470123456789012345",
        ] {
            assert_eq!(
                normalise_phone(raw),
                Err(IdentityError::InvalidPhone),
                "{raw}"
            );
        }
    }

    #[test]
    fn emails_are_checked_and_lowercased() {
        assert_eq!(
            normalise_email(" Daenerys@GOT.com ").unwrap(),
            "daenerys@got.com"
        );
        for raw in [
            "",
            "plain",
            "a@b",
            "a@@b.com",
            "Name <a@b.com>",
            "a@[127.0.0.1]",
            "a b@c.com",
        ] {
            assert_eq!(
                normalise_email(raw),
                Err(IdentityError::InvalidEmail),
                "{raw}"
            );
        }
    }

    #[test]
    fn masks_hide_all_but_a_hint() {
        assert_eq!(mask_phone("+12345678901"), "******8901");
        assert_eq!(mask_email("daenerys@got.com"), "d***@got.com");
        let contact = Contact::phone("+32470123456").unwrap();
        assert_eq!(format!("{contact:?}"), "Contact(******3456)");
    }

    #[test]
    fn prefixes_count_digits() {
        assert_eq!(phone_prefix("+32470123456", 6), "324701");
    }
}
