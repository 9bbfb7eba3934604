//! The language the app shows: the one the person chose in Settings, else
//! the first of the operating system's preferred languages that CareKey
//! has, else English. The page formats its words itself (Fluent, in
//! `ui/l10n.js`) from the catalog handed over here, `assets/locales/<tag>/app.ftl`.
//!
//! Invariant: the language handed to the page is always one whose catalog
//! is complete (checked by `carekey-i18n` when it is loaded, and by its unit
//! tests), or the pseudo-locale of a debug build, which is English's
//! catalog transformed; so the page never shows a message id.

use carekey_i18n::{BUILT_IN_LANGUAGES, Part};
use serde::Serialize;

/// The pseudo-locale: English, accented and 40 % longer, to find text that
/// is cut off or never translated. Debug builds only.
pub const PSEUDO: &str = "en-XA";

/// Each language by its own name, as the language setting lists it.
const NAMES: [(&str, &str); 4] = [
    ("en", "English"),
    ("fr", "Français"),
    ("nl", "Nederlands"),
    ("id", "Bahasa Indonesia"),
];

/// A language the setting offers.
#[derive(Debug, Clone, Serialize)]
pub struct Offered {
    pub tag: &'static str,
    pub name: &'static str,
}

/// What the page needs to speak: the language, its catalog's text, whether
/// to pseudo-localise it, and the languages the setting offers.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LanguageView {
    pub language: String,
    /// The catalog; left out of the start's first answer when it is plain
    /// English, which the page's HTML already is (the page asks for it
    /// once its first screen shows: tests/bench/startup.sh).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,

    pub pseudo: bool,
    pub offered: Vec<Offered>,
    /// Whether the person chose it on this device (else it follows the
    /// system): a chosen language is the account's too once she logs in,
    /// and an unchosen one gives way to the account's.
    pub chosen: bool,
}

/// The languages the setting offers: CareKey's, and in a debug build the
/// pseudo-locale.
pub fn offered() -> Vec<Offered> {
    let mut offered: Vec<Offered> = NAMES
        .iter()
        .map(|(tag, name)| Offered { tag, name })
        .collect();
    if cfg!(debug_assertions) {
        offered.push(Offered {
            tag: PSEUDO,
            name: "[Ƥşḗŭḓǿ-ŀǿƈȧŀḗ]",
        });
    }
    offered
}

/// The language to show for a saved choice (`None`: none was made) and
/// the operating system's preferred languages, best first.
pub fn choose(saved: Option<&str>, system: &[String]) -> String {
    if saved == Some(PSEUDO) && cfg!(debug_assertions) {
        return PSEUDO.to_owned();
    }
    let wanted: Vec<&str> = saved
        .into_iter()
        .chain(system.iter().map(String::as_str))
        .collect();
    // Chosen without parsing a catalog: this is on the start's path.
    carekey_i18n::negotiate(&wanted, &BUILT_IN_LANGUAGES)
        .map_or("en", |index| BUILT_IN_LANGUAGES[index])
        .to_owned()
}

/// The operating system's preferred languages, best first (`fr_BE.UTF-8`
/// as `fr-BE`).
pub fn system_languages() -> Vec<String> {
    sys_locale::get_locales()
        .map(|locale| {
            locale
                .split(['.', '@'])
                .next()
                .unwrap_or_default()
                .replace('_', "-")
        })
        .filter(|tag| !tag.is_empty() && tag != "C" && tag != "POSIX")
        .collect()
}

/// The view of `language` (one [`choose`] answered or the person picked),
/// not yet marked chosen.
/// A tag without a catalog is refused with `None`.
pub fn view(language: &str) -> Option<LanguageView> {
    let pseudo = language == PSEUDO && cfg!(debug_assertions);
    let tag = if pseudo { "en" } else { language };
    let source = Part::App.source(tag)?;
    Some(LanguageView {
        language: language.to_owned(),
        source: Some(source),
        pseudo,
        offered: offered(),
        chosen: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|tag| (*tag).to_owned()).collect()
    }

    #[test]
    fn the_choice_in_settings_wins_then_the_system_s_languages_then_english() {
        assert_eq!(choose(Some("nl"), &system(&["fr-BE", "en-US"])), "nl");
        assert_eq!(choose(None, &system(&["de-DE", "fr-BE", "en-US"])), "fr");
        assert_eq!(choose(None, &system(&["id-ID"])), "id");
        assert_eq!(choose(None, &system(&["de-DE", "ja-JP"])), "en");
        assert_eq!(choose(None, &[]), "en");
        assert_eq!(choose(Some("xx-not a tag"), &system(&["nl-BE"])), "nl");
    }

    /// The ids the page names: `data-l10n-id="…"` in index.html, and in
    /// the modules the literal ids given to `t(…)` and `name(…)` (an
    /// element's own id, `$("…")`, is not a message).
    fn ids_the_page_uses() -> Vec<(String, String)> {
        let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui");
        let mut found = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(&ui)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "js" || e == "html"))
            .collect();
        files.sort();
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let mut literals = |from: &str, call: &str| {
                for (start, _) in text.match_indices(call) {
                    let rest = &text[start + call.len()..];
                    let end = if from == "html" {
                        rest.find('"').unwrap_or(0)
                    } else {
                        // To the call's closing parenthesis at its own depth.
                        let mut depth = 1;
                        rest.char_indices()
                            .find(|(_, c)| {
                                match c {
                                    '(' => depth += 1,
                                    ')' => depth -= 1,
                                    _ => {}
                                }
                                depth == 0
                            })
                            .map_or(0, |(at, _)| at)
                    };
                    let segment = &rest[..end];
                    if from == "html" {
                        found.push((file.clone(), segment.to_owned()));
                        continue;
                    }
                    let mut pieces = segment.split('"');
                    let mut before = pieces.next().unwrap_or_default().to_owned();
                    while let (Some(literal), rest) = (pieces.next(), pieces.next()) {
                        let message_like = literal
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                        // Not an inner call's argument, nor a comparison.
                        let argument = before.ends_with('(') || before.trim_end().ends_with("==");
                        // One-word literals there are mostly arguments'
                        // values (`"yes"`, `"none"`); a misspelt one-word
                        // id shows as itself, which the window test's
                        // pseudo-locale pass reports.
                        if message_like && literal.contains('-') && !argument {
                            found.push((file.clone(), literal.to_owned()));
                        }
                        before = rest.unwrap_or_default().to_owned();
                    }
                }
            };
            if file.ends_with(".html") {
                literals("html", "data-l10n-id=\"");
            } else {
                literals("js", " t(");
                literals("js", "(t(");
                literals("js", "name(");
                literals("js", "nameOrClear(");
                literals("js", "answer(");
                // The tables from a state to its message (`pending: "…"`).
                for (start, _) in text.match_indices(": \"") {
                    // A key's colon, not a conditional's.
                    if !text[..start].ends_with(|c: char| c.is_ascii_alphanumeric()) {
                        continue;
                    }
                    let rest = &text[start + 3..];
                    let literal = &rest[..rest.find('"').unwrap_or(0)];
                    let message_like = literal.contains('-')
                        && literal.starts_with(|c: char| c.is_ascii_lowercase())
                        && literal
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                    if message_like {
                        found.push((file.clone(), literal.to_owned()));
                    }
                }
            }
        }
        found
    }

    #[test]
    fn every_message_the_page_names_is_in_the_catalogs() {
        let english = Part::App.source("en").unwrap();
        let used = ids_the_page_uses();
        assert!(used.len() > 40, "{used:?}");
        for (file, id) in used {
            assert!(
                english.contains(&format!("\n{id} =")),
                "{file} names {id}, which assets/locales/en/app.ftl lacks"
            );
        }
    }

    /// The codes in `text` that follow `marker` as its first string literal
    /// (`=> "code"`, `CommandError::new(\n "code"`).
    fn codes_after(text: &str, marker: &str) -> Vec<String> {
        text.match_indices(marker)
            .filter_map(|(start, _)| {
                let rest = text[start + marker.len()..].trim_start();
                let code = rest.strip_prefix('"')?.split('"').next()?;
                code.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
                    .then(|| code.to_owned())
            })
            .collect()
    }

    fn rust_files(folder: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// Every code the page can be given has its sentence in the catalog:
    /// the server's (`ErrorCode`), the core's (`CoreError::code`), the
    /// app's commands' and the page's own. Otherwise the person reads the
    /// server's English sentence, or nothing.
    #[test]
    fn every_error_code_the_app_can_meet_has_a_sentence() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let read = |path: &str| std::fs::read_to_string(root.join(path)).unwrap();
        let mut codes = codes_after(&read("crates/carekey-api/src/error.rs"), "=>");
        assert!(codes.len() > 30, "{codes:?}");
        codes.extend(codes_after(&read("crates/carekey-core/src/error.rs"), "=>"));
        let mut commands = Vec::new();
        rust_files(&root.join("src-tauri/src"), &mut commands);
        for path in commands {
            let text = std::fs::read_to_string(path).unwrap();
            codes.extend(codes_after(&text, "CommandError::new("));
        }
        for entry in std::fs::read_dir(root.join("ui")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "js") {
                let text = std::fs::read_to_string(path).unwrap();
                codes.extend(codes_after(&text, "AppError("));
            }
        }
        codes.sort();
        codes.dedup();
        let english = Part::App.source("en").unwrap();
        // `unknown` is a newer server's code: its own sentence is shown.
        // Webhook signatures are checked for providers, never for the app.
        let missing: Vec<_> = codes
            .iter()
            .filter(|code| !["unknown", "invalid_signature"].contains(&code.as_str()))
            .filter(|code| !english.contains(&format!("\nerror-{code} =")))
            .collect();
        assert!(
            missing.is_empty(),
            "no error-<code> in the catalog for {missing:?}"
        );
    }

    #[test]
    fn every_offered_language_has_a_catalog() {
        for offered in offered() {
            let view = view(offered.tag).unwrap_or_else(|| panic!("{}", offered.tag));
            let source = view.source.unwrap_or_default();
            assert!(source.contains("welcome-title ="), "{}", offered.tag);
        }
        assert!(view("de").is_none());
    }
}
