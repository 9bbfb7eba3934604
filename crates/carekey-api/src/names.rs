//! A person's first or last name as the API takes it, checked by one rule
//! for the app and the server.
//!
//! Invariant: what [`clean`] accepts is trimmed, not blank, at most
//! [`NAME_MAX`] characters and without control characters, and [`clean`]
//! of it gives it back unchanged. The app checks it before sending, so a
//! person is told in her own language; the server checks it again, since
//! what a client sends is only a claim.

/// The most characters a first or a last name may have.
pub const NAME_MAX: usize = 100;

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameProblem {
    /// Over [`NAME_MAX`] characters once trimmed.
    TooLong,
    /// A tab, a line break or another control character (pasted text).
    ControlCharacter,
}

/// `typed` trimmed; `Ok(None)` when blank.
pub fn clean(typed: &str) -> Result<Option<&str>, NameProblem> {
    let name = typed.trim();
    if name.is_empty() {
        return Ok(None);
    }
    if name.chars().count() > NAME_MAX {
        return Err(NameProblem::TooLong);
    }
    if name.chars().any(char::is_control) {
        return Err(NameProblem::ControlCharacter);
    }
    Ok(Some(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_a_blank_one_is_none() {
        assert_eq!(clean("  Amélie "), Ok(Some("Amélie")));
        assert_eq!(clean(" \t "), Ok(None));
    }

    #[test]
    fn a_hundred_characters_pass_and_a_hundred_and_one_do_not() {
        let hundred = "é".repeat(NAME_MAX);
        assert_eq!(clean(&hundred), Ok(Some(hundred.as_str())));
        assert_eq!(clean(&format!("{hundred}e")), Err(NameProblem::TooLong));
    }

    #[test]
    fn control_characters_inside_a_name_are_refused() {
        assert_eq!(clean("Jean\tDupont"), Err(NameProblem::ControlCharacter));
        assert_eq!(clean("Jean\u{7f}"), Err(NameProblem::ControlCharacter));
    }

    #[test]
    fn what_is_accepted_is_accepted_again_unchanged() {
        for typed in ["  Ngozi ", "O'Brien-Smith", "Nguyễn Thị"] {
            let first = clean(typed).ok().flatten().map(str::to_owned);
            let again = first.as_deref().map(clean);
            assert_eq!(again, first.as_deref().map(|name| Ok(Some(name))));
        }
    }
}
