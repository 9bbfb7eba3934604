//! Phone numbers in E.164, the only form the API carries them in, made from
//! what people type by one parser for the app and the server (Google's
//! libphonenumber rules, through the `phonenumber` crate).
//!
//! Invariant: what [`e164`] returns is a valid number in E.164 (`+` and up
//! to 15 digits), and [`e164`] of it gives it back unchanged, so a number
//! normalised by the app is the same number to the server.

pub use phonenumber::country::Id as Country;

/// `typed` as E.164: in international form (`+32 470 …`), or in the
/// national form of `country`. `None` when it is not a valid number.
///
/// Letters are refused: libphonenumber reads them as a keypad's digits
/// (vanity numbers), so a typo such as "0z" became another number, and one
/// that was not valid when given again. The result is checked to parse back
/// to itself, the invariant the app and the server rely on.
///
/// A number typed with its `+` names its own country and is read without
/// `country`: `phonenumber` would apply the chosen country's trunk prefix to
/// it, so with Belgium chosen an Italian `+39 06 …` (whose leading 0 belongs
/// to the number) was refused, and other numbers changed.
pub fn e164(typed: &str, country: Option<Country>) -> Option<String> {
    if typed.chars().any(char::is_alphabetic) {
        return None;
    }
    let country = if typed.trim_start().starts_with(['+', '\u{FF0B}']) {
        None
    } else {
        country
    };
    let e164 = valid_e164(typed, country)?;
    (valid_e164(&e164, None).as_ref() == Some(&e164)).then_some(e164)
}

fn valid_e164(typed: &str, country: Option<Country>) -> Option<String> {
    keep_rules_compiled();
    let number = phonenumber::parse(country, typed).ok()?;
    number
        .is_valid()
        .then(|| number.format().mode(phonenumber::Mode::E164).to_string())
}

/// `phonenumber` compiles each rule (a regular expression) when first used
/// and keeps only the last 100 in a least-recently-used cache. One country
/// uses 8 to 30 rules, so a server or a fuzzer going through a dozen
/// countries in turn compiled every rule again on every parse: 4.3 ms per
/// number, against 6 µs with the rules kept (`cargo bench -p carekey-core
/// --bench phone`).
fn keep_rules_compiled() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // A poisoned lock means a parse panicked inside phonenumber; the
        // small cache still works, only slower.
        if let Ok(mut cache) = phonenumber::metadata::DATABASE.cache().lock() {
            cache.set_capacity(RULES_KEPT);
        }
    });
}

/// The rules kept compiled. The app's country picker (22 countries) uses
/// 289 of them. A compiled rule with its search caches took about 110 KiB
/// (RSS over those countries, and over all of them), so the cache stays
/// under about 45 MiB whatever numbers are sent; every rule of every
/// country (about 1,000) would take 110 MiB, which anyone able to send a
/// number could otherwise make the server hold.
const RULES_KEPT: usize = 400;

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn national_and_international_forms_give_the_same_number() {
        let belgium = Country::from_str("BE").ok();
        assert_eq!(
            e164("0470 12 34 56", belgium).as_deref(),
            Some("+32470123456")
        );
        assert_eq!(
            e164("+32 470 12 34 56", None).as_deref(),
            Some("+32470123456")
        );
        assert_eq!(e164("+32470123456", None).as_deref(), Some("+32470123456"));
    }

    #[test]
    fn numbers_that_cannot_exist_are_refused() {
        assert_eq!(e164("0470 12 34", Country::from_str("BE").ok()), None);
        assert_eq!(e164("+999 1234", None), None);
        assert_eq!(e164("not a number", None), None);
    }

    /// Found by fuzzing (fuzz/regressions/contact and phone): letters were
    /// read as a keypad's digits ("z" as 9, "BQ" as 27), and the number
    /// they made was not valid when given again, so the server would have
    /// kept a number that its own check refuses.
    #[test]
    fn letters_are_refused_and_what_is_accepted_is_accepted_again() {
        assert_eq!(e164("+550z000000BQ", None), None);
        assert_eq!(e164("+55 0900000027", None), e164("+55900000027", None));
        let typed = String::from_utf8_lossy(b"0047000813 1 A08\xd2\xcc").into_owned();
        for country in ["BE", "FR", "NL", "ID", "US"] {
            let country = Country::from_str(country).ok();
            if let Some(number) = e164(&typed, country) {
                assert_eq!(e164(&number, country), Some(number));
            }
        }
        assert_eq!(e164("1-800-FLOWERS", Country::from_str("US").ok()), None);
    }

    /// Fuzzing found `+3900096 355 2` accepted as +390963552 with Belgium
    /// chosen, and that number refused when given again with Belgium:
    /// `phonenumber` applies the chosen country's trunk prefix (0 in
    /// Belgium, France, the Netherlands, Indonesia) to a number that names
    /// its own country, so an Italian landline (`+39 06 …`, whose leading
    /// 0 belongs to the number) lost its 0 or was refused outright.
    #[test]
    fn an_international_number_is_the_same_number_whatever_country_is_chosen() {
        let typed = String::from_utf8_lossy(b"+3900096 355 2\xfc\xff").into_owned();
        for country in ["BE", "FR", "NL", "ID", "US"] {
            let country = Country::from_str(country).ok();
            if let Some(number) = e164(&typed, country) {
                assert_eq!(e164(&number, country), Some(number));
            }
            for (typed, number) in [
                ("+39 06 6988 1234", "+390669881234"),
                ("+39 02 1234 5678", "+390212345678"),
                ("+39 312 345 6789", "+393123456789"),
                ("+32 470 12 34 56", "+32470123456"),
            ] {
                assert_eq!(e164(typed, country).as_deref(), Some(number), "{typed}");
                assert_eq!(e164(number, country).as_deref(), Some(number), "{number}");
            }
        }
    }

    #[test]
    fn the_rules_stay_compiled_after_the_first_number() {
        let _ = e164("+33 6 12 34 56 78", None);
        let cache = phonenumber::metadata::DATABASE.cache();
        let kept = cache.lock().map(|cache| cache.capacity()).ok();
        assert_eq!(kept, Some(RULES_KEPT));
    }
}
