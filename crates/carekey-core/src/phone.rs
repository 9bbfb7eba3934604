//! Phone numbers as people type them, made E.164 before they are sent.

use crate::error::CoreError;
use carekey_api::phone::Country;
use std::str::FromStr;

/// `raw` in international form (`+32 470 …`), or national form for
/// `country` (an ISO 3166 code such as `BE`), as E.164.
pub fn to_e164(raw: &str, country: Option<&str>) -> Result<String, CoreError> {
    let region = country
        .map(str::trim)
        .filter(|code| !code.is_empty())
        .map(|code| Country::from_str(&code.to_uppercase()));
    let region = match region {
        Some(Ok(id)) => Some(id),
        Some(Err(_)) => {
            return Err(CoreError::InvalidPhone(
                country.unwrap_or_default().to_owned(),
            ));
        }
        None => None,
    };
    // The message names the country as the picker shows it.
    let place = match country.map(str::trim).map(str::to_uppercase) {
        Some(code) => COUNTRIES
            .iter()
            .find(|(iso, _, _)| *iso == code)
            .map_or(code, |(_, name, _)| (*name).to_owned()),
        None => "an international number".to_owned(),
    };
    carekey_api::phone::e164(raw.trim(), region).ok_or(CoreError::InvalidPhone(place))
}

/// Country calling codes for the country picker: (ISO code, name, +code).
pub const COUNTRIES: &[(&str, &str, &str)] = &[
    ("BE", "Belgium", "+32"),
    ("NL", "Netherlands", "+31"),
    ("FR", "France", "+33"),
    ("DE", "Germany", "+49"),
    ("LU", "Luxembourg", "+352"),
    ("GB", "United Kingdom", "+44"),
    ("IE", "Ireland", "+353"),
    ("ES", "Spain", "+34"),
    ("IT", "Italy", "+39"),
    ("PT", "Portugal", "+351"),
    ("CH", "Switzerland", "+41"),
    ("AT", "Austria", "+43"),
    ("SE", "Sweden", "+46"),
    ("NO", "Norway", "+47"),
    ("DK", "Denmark", "+45"),
    ("FI", "Finland", "+358"),
    ("PL", "Poland", "+48"),
    ("US", "United States", "+1"),
    ("CA", "Canada", "+1"),
    ("ID", "Indonesia", "+62"),
    ("IN", "India", "+91"),
    ("AU", "Australia", "+61"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_and_international_forms_become_e164() {
        assert_eq!(
            to_e164("0470 12 34 56", Some("BE")).unwrap(),
            "+32470123456"
        );
        assert_eq!(to_e164("+32 470 12 34 56", None).unwrap(), "+32470123456");
        assert_eq!(
            to_e164("+32 470 12 34 56", Some("FR")).unwrap(),
            "+32470123456"
        );
        assert_eq!(
            to_e164("(415) 555-2671", Some("us")).unwrap(),
            "+14155552671"
        );
    }

    #[test]
    fn bad_numbers_say_which_country_they_were_read_for() {
        let error = to_e164("12", Some("BE")).unwrap_err();
        assert_eq!(error.code(), "invalid_phone");
        assert!(error.to_string().contains("Belgium"));
        assert!(to_e164("0470 12 34 56", None).is_err());
        assert!(to_e164("0470123456", Some("XX")).is_err());
        assert!(to_e164("call me", Some("BE")).is_err());
    }

    #[test]
    fn the_country_list_parses() {
        for (code, _, _) in COUNTRIES {
            assert!(Country::from_str(code).is_ok(), "{code}");
        }
    }
}
