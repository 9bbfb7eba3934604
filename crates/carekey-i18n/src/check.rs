//! What makes a language complete: English's messages, attributes and terms,
//! each with English's variables. Checked when a catalog is loaded, so a
//! translation or an operator's file that would show a person a blank or a
//! `{$variable}` stops the start instead, naming the language and message.

use crate::CatalogError;
use fluent_bundle::FluentResource;
use fluent_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

/// Parses one file; a syntax error names the file and line.
pub(crate) fn parse(file: &str, source: &str) -> Result<FluentResource, CatalogError> {
    FluentResource::try_new(source.to_owned()).map_err(|(_, errors)| {
        let first = errors.first();
        let offset = first.map_or(0, |error| error.pos.start);
        CatalogError::Syntax {
            file: file.to_owned(),
            line: source[..offset.min(source.len())].lines().count().max(1),
            detail: first.map_or_else(String::new, |error| format!("{:?}", error.kind)),
        }
    })
}

/// What one entry is made of: its variables (a message's) and attributes.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    variables: BTreeSet<String>,
    attributes: BTreeMap<String, BTreeSet<String>>,
    has_value: bool,
}

/// English's entries by id (`-name` for a term), which every language must
/// match.
pub(crate) struct Reference {
    entries: BTreeMap<String, Shape>,
}

impl Reference {
    pub(crate) fn of(english: &FluentResource) -> Self {
        Reference {
            entries: shapes(english),
        }
    }

    /// `resource`, in `language`, has only English's entries, each shaped as
    /// English's; `overriding` (an operator's file over a catalog) may
    /// leave entries out, and a language's first file may not hold one twice.
    pub(crate) fn check(
        &self,
        language: &str,
        resource: &FluentResource,
        overriding: bool,
    ) -> Result<(), CatalogError> {
        let mut seen = BTreeSet::new();
        for (id, shape) in entries(resource) {
            if !overriding && !seen.insert(id.clone()) {
                return Err(CatalogError::Twice {
                    language: language.to_owned(),
                    id,
                });
            }
            let Some(expected) = self.entries.get(&id) else {
                return Err(CatalogError::Unknown {
                    language: language.to_owned(),
                    id,
                });
            };
            // A term's variables are its own parameters: only its presence
            // and attributes matter.
            if !id.starts_with('-') {
                if expected.has_value {
                    same_variables(language, &id, &shape.variables, &expected.variables)?;
                }
                for (name, variables) in &shape.attributes {
                    if let Some(expected) = expected.attributes.get(name) {
                        same_variables(language, &format!("{id}.{name}"), variables, expected)?;
                    }
                }
            }
            if shape.has_value != expected.has_value {
                return Err(CatalogError::Missing {
                    language: language.to_owned(),
                    id,
                });
            }
            for name in expected.attributes.keys() {
                if !shape.attributes.contains_key(name) {
                    return Err(CatalogError::Missing {
                        language: language.to_owned(),
                        id: format!("{id}.{name}"),
                    });
                }
            }
            if let Some(name) = shape
                .attributes
                .keys()
                .find(|name| !expected.attributes.contains_key(*name))
            {
                return Err(CatalogError::Unknown {
                    language: language.to_owned(),
                    id: format!("{id}.{name}"),
                });
            }
        }
        Ok(())
    }

    /// Every entry of English is among `ids`, what a language's files held.
    pub(crate) fn complete(
        &self,
        language: &str,
        ids: &BTreeSet<String>,
    ) -> Result<(), CatalogError> {
        match self.entries.keys().find(|id| !ids.contains(*id)) {
            Some(id) => Err(CatalogError::Missing {
                language: language.to_owned(),
                id: id.clone(),
            }),
            None => Ok(()),
        }
    }
}

fn same_variables(
    language: &str,
    id: &str,
    variables: &BTreeSet<String>,
    expected: &BTreeSet<String>,
) -> Result<(), CatalogError> {
    if let Some(variable) = variables.difference(expected).next() {
        return Err(CatalogError::UnknownVariable {
            language: language.to_owned(),
            id: id.to_owned(),
            variable: variable.clone(),
        });
    }
    if let Some(variable) = expected.difference(variables).next() {
        return Err(CatalogError::MissingVariable {
            language: language.to_owned(),
            id: id.to_owned(),
            variable: variable.clone(),
        });
    }
    Ok(())
}

pub(crate) fn ids(resource: &FluentResource) -> impl Iterator<Item = String> + '_ {
    entries(resource).map(|(id, _)| id)
}

fn shapes(resource: &FluentResource) -> BTreeMap<String, Shape> {
    entries(resource).collect()
}

fn entries(resource: &FluentResource) -> impl Iterator<Item = (String, Shape)> + '_ {
    resource.entries().filter_map(|entry| match entry {
        ast::Entry::Message(message) => Some((
            message.id.name.to_owned(),
            Shape {
                variables: message.value.as_ref().map(variables).unwrap_or_default(),
                attributes: attributes(&message.attributes),
                has_value: message.value.is_some(),
            },
        )),
        ast::Entry::Term(term) => Some((
            format!("-{}", term.id.name),
            Shape {
                variables: BTreeSet::new(),
                attributes: attributes(&term.attributes),
                has_value: true,
            },
        )),
        _ => None,
    })
}

fn attributes(attributes: &[ast::Attribute<&str>]) -> BTreeMap<String, BTreeSet<String>> {
    attributes
        .iter()
        .map(|attribute| (attribute.id.name.to_owned(), variables(&attribute.value)))
        .collect()
}

/// The variables a pattern reads, in selectors, placeables and the
/// arguments it gives terms and functions.
fn variables(pattern: &ast::Pattern<&str>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    in_pattern(pattern, &mut found);
    found
}

fn in_pattern(pattern: &ast::Pattern<&str>, found: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let ast::PatternElement::Placeable { expression } = element {
            in_expression(expression, found);
        }
    }
}

fn in_expression(expression: &ast::Expression<&str>, found: &mut BTreeSet<String>) {
    match expression {
        ast::Expression::Inline(inline) => in_inline(inline, found),
        ast::Expression::Select { selector, variants } => {
            in_inline(selector, found);
            for variant in variants {
                in_pattern(&variant.value, found);
            }
        }
    }
}

fn in_inline(inline: &ast::InlineExpression<&str>, found: &mut BTreeSet<String>) {
    match inline {
        ast::InlineExpression::VariableReference { id } => {
            found.insert(id.name.to_owned());
        }
        ast::InlineExpression::FunctionReference { arguments, .. } => {
            in_arguments(arguments, found)
        }
        ast::InlineExpression::TermReference {
            arguments: Some(arguments),
            ..
        } => in_arguments(arguments, found),
        ast::InlineExpression::Placeable { expression } => in_expression(expression, found),
        _ => {}
    }
}

fn in_arguments(arguments: &ast::CallArguments<&str>, found: &mut BTreeSet<String>) {
    for argument in &arguments.positional {
        in_inline(argument, found);
    }
    for argument in &arguments.named {
        in_inline(&argument.value, found);
    }
}
