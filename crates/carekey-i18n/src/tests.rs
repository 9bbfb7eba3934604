use super::*;

fn args(pairs: &[(&'static str, FluentValue<'static>)]) -> FluentArgs<'static> {
    let mut args = FluentArgs::new();
    for (name, value) in pairs {
        args.set(*name, value.clone());
    }
    args
}

fn code_args(minutes: i64) -> FluentArgs<'static> {
    args(&[
        ("code", "123456".into()),
        ("minutes", minutes.into()),
        ("link", "LINK".into()),
        ("host", "carekey.example".into()),
    ])
}

#[test]
fn every_built_in_language_has_every_message_with_the_same_variables() {
    for part in [Part::Server, Part::App] {
        let catalog = Catalog::built_in(part).unwrap();
        assert_eq!(catalog.tags(), ["en", "fr", "nl", "id"]);
    }
}

#[test]
fn plurals_come_from_each_language_s_rules() {
    let catalog = Catalog::built_in(Part::Server).unwrap();
    let sms = |tag: &str, minutes| {
        catalog.format(
            catalog.choose(&[tag]),
            "code-sms",
            None,
            &code_args(minutes),
        )
    };
    assert!(
        sms("en", 1).contains("works for 1 minute."),
        "{}",
        sms("en", 1)
    );
    assert!(sms("en", 10).contains("works for 10 minutes."));
    assert!(sms("fr", 1).contains("valable 1 minute."));
    assert!(sms("fr", 10).contains("valable 10 minutes."));
    assert!(sms("nl", 1).contains("1 minuut geldig"));
    assert!(sms("nl", 10).contains("10 minuten geldig"));
    assert!(sms("id", 10).contains("Berlaku 10 menit."));
}

#[test]
fn a_code_is_given_as_it_is_without_isolation_marks() {
    let catalog = Catalog::built_in(Part::Server).unwrap();
    let sms = catalog.format(catalog.choose(&["fr"]), "code-sms", None, &code_args(10));
    assert!(sms.ends_with("@carekey.example #123456"), "{sms:?}");
    assert!(!sms.contains('\u{2068}') && !sms.contains('\u{2069}'));
    let subject = catalog.format(
        catalog.choose(&["nl"]),
        "code-email",
        Some("subject"),
        &code_args(10),
    );
    assert_eq!(subject, "Uw CareKey-code: 123456");
}

#[test]
fn a_language_is_chosen_by_its_tag_its_region_or_the_default() {
    let catalog = Catalog::with_overrides(Part::Server, &[], "fr-BE").unwrap();
    let tag = |language| catalog.tag(language);
    assert_eq!(tag(catalog.default_language()), "fr");
    assert_eq!(tag(catalog.choose(&["nl-BE"])), "nl");
    assert_eq!(tag(catalog.choose(&["id-ID"])), "id");
    assert_eq!(tag(catalog.choose(&["de", "en-GB"])), "en");
    assert_eq!(tag(catalog.choose(&["de"])), "fr");
    assert_eq!(tag(catalog.choose(&["not a tag", "nl"])), "nl");
    assert_eq!(tag(catalog.choose::<&str>(&[])), "fr");
    assert_eq!(
        tag(catalog.from_accept_language("de-CH, nl;q=0.9, en;q=0.8")),
        "nl"
    );
    assert_eq!(tag(catalog.from_accept_language("")), "fr");
}

#[test]
fn a_person_s_choice_is_kept_as_a_language_held_or_as_her_tag() {
    let catalog = Catalog::built_in(Part::Server).unwrap();
    assert_eq!(catalog.keep("fr-BE").as_deref(), Some("fr"));
    assert_eq!(catalog.keep("ID").as_deref(), Some("id"));
    assert_eq!(catalog.keep("de-ch").as_deref(), Some("de-CH"));
    assert_eq!(catalog.keep("not a tag"), None);
    assert_eq!(catalog.keep(""), None);
}

#[test]
fn a_default_language_without_a_catalog_is_refused() {
    let error = Catalog::with_overrides(Part::Server, &[], "de").unwrap_err();
    assert_eq!(
        error.to_string(),
        "de: the default language has no catalog (the languages are en, fr, nl, id)"
    );
}

#[test]
fn an_operator_replaces_one_message_of_a_language() {
    let source = "landing-open = Lancer { -brand }\n";
    let catalog = Catalog::with_overrides(
        Part::Server,
        &[Overriding {
            file: "fr.ftl",
            language: "fr",
            source,
        }],
        "en",
    )
    .unwrap();
    let open = |tag| catalog.format(catalog.choose(&[tag]), "landing-open", None, &args(&[]));
    assert_eq!(open("fr"), "Lancer CareKey");
    assert_eq!(open("en"), "Open CareKey");
}

#[test]
fn a_language_an_operator_adds_must_have_every_message() {
    let error = Catalog::with_overrides(
        Part::Server,
        &[Overriding {
            file: "de.ftl",
            language: "de",
            source: "-brand = CareKey\nlanding-open = { -brand } öffnen\n",
        }],
        "en",
    )
    .unwrap_err();
    assert!(
        matches!(&error, CatalogError::Missing { language, .. } if language == "de"),
        "{error}"
    );
    assert!(error.to_string().starts_with("de: "), "{error}");
}

#[test]
fn an_operator_s_message_cannot_lose_or_invent_a_variable() {
    let overriding = |source| {
        Catalog::with_overrides(
            Part::Server,
            &[Overriding {
                file: "fr.ftl",
                language: "fr",
                source,
            }],
            "en",
        )
        .unwrap_err()
        .to_string()
    };
    assert_eq!(
        overriding("code-whatsapp = Votre code expire bientôt.\n"),
        "fr: code-whatsapp leaves out $code, which English's uses (every language says the same)"
    );
    assert_eq!(
        overriding("code-whatsapp = { $code } { $minutes } { $patient }\n"),
        "fr: code-whatsapp uses $patient, which CareKey does not give it"
    );
    assert_eq!(
        overriding("code-email = { $code } { $link } { $minutes }\n    .subject = Code\n"),
        "fr: code-email.subject leaves out $code, which English's uses (every language says the same)"
    );
    assert_eq!(
        overriding("landing-opne = Ouvrir\n"),
        "fr: landing-opne is not one of CareKey's messages"
    );
    assert_eq!(
        overriding("landing-open = Ouvrir\n    .title = Titre\n"),
        "fr: landing-open.title is not one of CareKey's messages"
    );
}

#[test]
fn a_file_that_is_not_fluent_names_its_line() {
    let error = Catalog::with_overrides(
        Part::Server,
        &[Overriding {
            file: "templates/fr.ftl",
            language: "fr",
            source: "landing-open = Ouvrir\n\nlanding-approve = { $\n",
        }],
        "en",
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("templates/fr.ftl: line 3: not Fluent syntax"),
        "{error}"
    );
}

#[test]
fn a_file_named_for_no_language_is_refused() {
    let error = Catalog::with_overrides(
        Part::Server,
        &[Overriding {
            file: "french.ftl",
            language: "french!",
            source: "",
        }],
        "en",
    )
    .unwrap_err();
    assert!(
        matches!(error, CatalogError::NotALanguage { .. }),
        "{error}"
    );
}

#[test]
fn french_emails_and_pages_keep_non_breaking_spaces_and_sms_do_not() {
    let catalog = Catalog::built_in(Part::Server).unwrap();
    let french = catalog.choose(&["fr"]);
    let email = catalog.format(french, "code-email", None, &code_args(10));
    assert!(email.contains("le code\u{a0}: LINK"), "{email}");
    for id in ["code-sms", "notice-sms", "deleted-sms", "no-account-sms"] {
        let mut values = code_args(10);
        values.set("notice", "N");
        let sms = catalog.format(french, id, None, &values);
        assert!(!sms.contains('\u{a0}'), "{id}: {sms}");
    }
}

/// GSM 03.38's default alphabet and its extension table: an SMS with any
/// other character is sent as UCS-2, at 70 characters a part instead of 160.
const GSM_7: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
    ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€";

#[test]
fn every_sms_and_notice_fits_the_gsm_alphabet_in_every_language() {
    let catalog = Catalog::built_in(Part::Server).unwrap();
    let mut values = code_args(10);
    values.set("notice", "N");
    values.set("fingerprint", "AB12");
    values.set("kind", "email");
    values.set("address", "a@example.org");
    for tag in catalog.tags() {
        let language = catalog.choose(&[&tag]);
        for id in [
            "code-sms",
            "no-account-sms",
            "notice-sms",
            "changed-sms",
            "deleted-sms",
            "notice-key-added",
            "notice-key-revoked",
            "notice-contact-taken",
            "notice-login-changed",
        ] {
            for kind in ["email", "phone"] {
                values.set("kind", kind);
                let text = catalog.format(language, id, None, &values);
                let outside: String = text.chars().filter(|c| !GSM_7.contains(*c)).collect();
                assert!(outside.is_empty(), "{tag} {id}: {outside:?} in {text:?}");
            }
        }
    }
}
