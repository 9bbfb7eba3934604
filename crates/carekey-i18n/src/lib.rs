//! CareKey's words in each language it speaks, from the Fluent catalogs in
//! `assets/locales/<language>/<part>.ftl` (Project Fluent: plurals, variables
//! and selections are the library's, never string concatenation).
//!
//! Invariant: a [`Catalog`] holds only languages that have every message,
//! attribute and term that English has, each using exactly the variables
//! English's uses, and nothing English lacks. So formatting never shows a
//! person a key, a blank or a `{$variable}`, whatever language is chosen; a
//! catalog (or an operator's override) that breaks this is refused when it is
//! loaded, with an error that names the language and the message.

mod check;

use fluent_bundle::FluentResource;
use fluent_bundle::concurrent::FluentBundle;
use std::collections::BTreeSet;
use unic_langid::LanguageIdentifier;

pub use fluent_bundle::{FluentArgs, FluentValue};

/// The languages CareKey ships, English first: every other catalog follows
/// it, and it is the last fallback.
pub const BUILT_IN_LANGUAGES: [&str; 4] = ["en", "fr", "nl", "id"];

/// One part of the catalogs: the files of one name in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// What the server sends and shows: messages, notices, its pages.
    Server,
    /// What the app's screens say, and its error sentences.
    App,
}

impl Part {
    fn file(self) -> &'static str {
        match self {
            Part::Server => "server.ftl",
            Part::App => "app.ftl",
        }
    }

    /// The built-in catalog of this part in `language` (one of
    /// [`BUILT_IN_LANGUAGES`]).
    pub fn source(self, language: &str) -> Option<&'static str> {
        let sources: [&str; 4] = match self {
            Part::Server => [
                include_str!("../../../assets/locales/en/server.ftl"),
                include_str!("../../../assets/locales/fr/server.ftl"),
                include_str!("../../../assets/locales/nl/server.ftl"),
                include_str!("../../../assets/locales/id/server.ftl"),
            ],
            Part::App => [
                include_str!("../../../assets/locales/en/app.ftl"),
                include_str!("../../../assets/locales/fr/app.ftl"),
                include_str!("../../../assets/locales/nl/app.ftl"),
                include_str!("../../../assets/locales/id/app.ftl"),
            ],
        };
        BUILT_IN_LANGUAGES
            .iter()
            .position(|known| *known == language)
            .map(|index| sources[index])
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error("{file}: not a language tag (like fr, nl-BE or pt-BR)")]
    NotALanguage { file: String },
    #[error("{file}: line {line}: not Fluent syntax ({detail})")]
    Syntax {
        file: String,
        line: usize,
        detail: String,
    },
    #[error("{language}: {id} is missing (every language has every message that English has)")]
    Missing { language: String, id: String },
    #[error("{language}: {id} is not one of CareKey's messages")]
    Unknown { language: String, id: String },
    #[error("{language}: {id} uses ${variable}, which CareKey does not give it")]
    UnknownVariable {
        language: String,
        id: String,
        variable: String,
    },
    #[error(
        "{language}: {id} leaves out ${variable}, which English's uses (every language says the same)"
    )]
    MissingVariable {
        language: String,
        id: String,
        variable: String,
    },
    #[error("{language}: {id} is written twice")]
    Twice { language: String, id: String },
    #[error("{language}: the default language has no catalog (the languages are {known})")]
    NoDefault { language: String, known: String },
}

/// One language's bundle.
struct Bundle {
    tag: LanguageIdentifier,
    bundle: FluentBundle<FluentResource>,
}

/// The messages of one part in every language, checked complete.
pub struct Catalog {
    /// English first.
    bundles: Vec<Bundle>,
    /// Index into `bundles` of the language used when a person's is unknown.
    default: usize,
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Catalog")
            .field("languages", &self.tags())
            .field("default", &self.bundles[self.default].tag.to_string())
            .finish()
    }
}

/// Which of `available` the first of `wanted` that matches one (best
/// first; `fr-BE` matches `fr`, ill-formed tags are passed over) names.
/// Without loading a catalog: the app chooses its language this way at
/// start, among [`BUILT_IN_LANGUAGES`], whose catalogs its tests check.
pub fn negotiate<S: AsRef<str>>(wanted: &[S], available: &[&str]) -> Option<usize> {
    let available: Vec<LanguageIdentifier> = available
        .iter()
        .filter_map(|tag| tag.parse().ok())
        .collect();
    let available: Vec<&LanguageIdentifier> = available.iter().collect();
    matching(wanted, &available)
}

fn matching<S: AsRef<str>>(wanted: &[S], available: &[&LanguageIdentifier]) -> Option<usize> {
    wanted.iter().find_map(|tag| {
        let requested: LanguageIdentifier = tag.as_ref().parse().ok()?;
        let found = fluent_langneg::negotiate_languages(
            &[requested],
            available,
            None,
            fluent_langneg::NegotiationStrategy::Lookup,
        );
        let found = found.first()?;
        available.iter().position(|tag| tag == *found)
    })
}

/// A language of one [`Catalog`], as [`Catalog::choose`] answers it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Language(usize);

/// An operator's catalog file: a language tag (`fr`, `de`) and its text.
/// For a language CareKey ships, its messages replace the built-in ones of
/// the same name; another language must have every message.
pub struct Overriding<'a> {
    pub file: &'a str,
    pub language: &'a str,
    pub source: &'a str,
}

impl Catalog {
    /// The built-in catalogs of `part`, English as the default.
    pub fn built_in(part: Part) -> Result<Self, CatalogError> {
        Self::with_overrides(part, &[], "en")
    }

    /// The built-in catalogs of `part` with an operator's files over them,
    /// and `default` as the language of whoever has none (a tag one of the
    /// languages matches: `fr-BE` chooses `fr`).
    pub fn with_overrides(
        part: Part,
        overrides: &[Overriding<'_>],
        default: &str,
    ) -> Result<Self, CatalogError> {
        let english_source = part.source("en").unwrap_or_default();
        let english = check::parse(&format!("en/{}", part.file()), english_source)?;
        let reference = check::Reference::of(&english);
        let mut bundles = Vec::new();
        let mut languages: Vec<(String, Vec<(String, FluentResource)>)> = BUILT_IN_LANGUAGES
            .iter()
            .map(|language| {
                let file = format!("{language}/{}", part.file());
                let source = part.source(language).unwrap_or_default();
                (language.to_string(), vec![(file, source.to_owned())])
            })
            .map(|(language, files)| {
                let parsed = files
                    .into_iter()
                    .map(|(file, source)| check::parse(&file, &source).map(|r| (file, r)))
                    .collect::<Result<Vec<_>, _>>();
                parsed.map(|parsed| (language, parsed))
            })
            .collect::<Result<_, _>>()?;
        for overriding in overrides {
            let tag: LanguageIdentifier =
                overriding
                    .language
                    .parse()
                    .map_err(|_| CatalogError::NotALanguage {
                        file: overriding.file.to_owned(),
                    })?;
            let resource = check::parse(overriding.file, overriding.source)?;
            let tag = tag.to_string();
            match languages.iter_mut().find(|(known, _)| *known == tag) {
                Some((_, files)) => files.push((overriding.file.to_owned(), resource)),
                None => languages.push((tag, vec![(overriding.file.to_owned(), resource)])),
            }
        }
        for (language, files) in languages {
            let tag: LanguageIdentifier =
                language.parse().map_err(|_| CatalogError::NotALanguage {
                    file: language.clone(),
                })?;
            let mut ids = BTreeSet::new();
            let mut bundle = FluentBundle::new_concurrent(vec![tag.clone()]);
            // Plain text: a code or a link in an SMS must not be wrapped in
            // Unicode isolation marks, which would also break its autofill.
            bundle.set_use_isolating(false);
            for (index, (_, resource)) in files.into_iter().enumerate() {
                let overriding = index > 0;
                reference.check(&language, &resource, overriding)?;
                ids.extend(check::ids(&resource));
                bundle.add_resource_overriding(resource);
            }
            reference.complete(&language, &ids)?;
            bundles.push(Bundle { tag, bundle });
        }
        let mut catalog = Catalog {
            bundles,
            default: 0,
        };
        let chosen = catalog.matching(&[default]);
        catalog.default = chosen.ok_or_else(|| CatalogError::NoDefault {
            language: default.to_owned(),
            known: catalog.tags().join(", "),
        })?;
        Ok(catalog)
    }

    /// The tags of the languages held, English first.
    pub fn tags(&self) -> Vec<String> {
        self.bundles.iter().map(|b| b.tag.to_string()).collect()
    }

    pub fn tag(&self, language: Language) -> String {
        self.bundle(language).tag.to_string()
    }

    pub fn default_language(&self) -> Language {
        Language(self.default)
    }

    /// The first of `wanted` (tags, best first; ill-formed ones are passed
    /// over) that a language held matches, else the default.
    pub fn choose<S: AsRef<str>>(&self, wanted: &[S]) -> Language {
        Language(self.matching(wanted).unwrap_or(self.default))
    }

    /// What to keep of a person's choice of `tag`: the language held that
    /// it names (`fr-BE` keeps `fr`), else the tag in its canonical form
    /// (`de-ch` keeps `de-CH`: messages then fall back to the default, until
    /// a catalog in it is added); `None` when it is no BCP 47 tag.
    pub fn keep(&self, tag: &str) -> Option<String> {
        let parsed: LanguageIdentifier = tag.parse().ok()?;
        Some(match self.matching(&[tag]) {
            Some(index) => self.bundles[index].tag.to_string(),
            None => parsed.to_string(),
        })
    }

    /// The language an `Accept-Language` header asks for, else the default.
    pub fn from_accept_language(&self, header: &str) -> Language {
        let wanted: Vec<String> = fluent_langneg::accepted_languages::parse(header)
            .iter()
            .map(ToString::to_string)
            .collect();
        self.choose(&wanted)
    }

    fn matching<S: AsRef<str>>(&self, wanted: &[S]) -> Option<usize> {
        let available: Vec<&LanguageIdentifier> = self.bundles.iter().map(|b| &b.tag).collect();
        matching(wanted, &available)
    }

    fn bundle(&self, language: Language) -> &Bundle {
        self.bundles.get(language.0).unwrap_or(&self.bundles[0])
    }

    /// Message `id`'s text in `language`, or its `attribute` (an email's
    /// `subject`, a page's `title`) with `Some`. A message the catalog
    /// lacks (a programming error: every message used is tested) comes
    /// out as its id, never as a blank.
    pub fn format(
        &self,
        language: Language,
        id: &str,
        attribute: Option<&str>,
        args: &FluentArgs<'_>,
    ) -> String {
        [language.0, 0]
            .into_iter()
            .find_map(|index| {
                let bundle = &self.bundles.get(index)?.bundle;
                let message = bundle.get_message(id)?;
                let pattern = match attribute {
                    Some(name) => message.get_attribute(name)?.value(),
                    None => message.value()?,
                };
                let mut errors = Vec::new();
                Some(
                    bundle
                        .format_pattern(pattern, Some(args), &mut errors)
                        .into_owned(),
                )
            })
            .unwrap_or_else(|| id.to_owned())
    }
}

#[cfg(test)]
mod tests;
