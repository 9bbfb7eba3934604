//! The server's few HTML pages (a magic link's landing, "this was not me",
//! an invitation): one frame and one escaping, so that every page has the
//! same strict headers, in the visitor's language.
//!
//! Invariant: every value from the database, the request or a catalog goes
//! through [`escape`] (a page's words are plain text, whoever wrote them); a
//! page carries no script (its CSP allows none), never shows in a frame,
//! and is not cached or indexed.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;line-height:1.5;color:#14201f}\
h1{font-size:1.5rem}.code{font-size:2rem;letter-spacing:.3em;font-weight:700}\
a.open{display:inline-block;background:#0f766e;color:#fff;padding:.7rem 1.3rem;border-radius:6px;text-decoration:none;font-weight:600}\
.hint{color:#4b5b59}h2{font-size:1.1rem;margin-top:2rem}\
button{font:inherit;background:#fff;color:#0f766e;border:1px solid #0f766e;padding:.6rem 1.1rem;border-radius:6px;cursor:pointer}";

/// What a visitor's browser asks for in `Accept-Language`, if readable.
pub fn accept_language(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|value| value.to_str().ok())
}

/// Plain text as a paragraph (`hint`: the quieter kind).
pub fn paragraph(text: &str, hint: bool) -> String {
    let class = if hint { " class=\"hint\"" } else { "" };
    format!("<p{class}>{}</p>", escape(text))
}

/// A page of words from the catalog: message `id`'s title attribute and
/// value (with `args`), then each of `hints` as a quieter paragraph.
pub fn words_page(
    templates: &crate::outbound::messages::Templates,
    status: StatusCode,
    language: carekey_i18n::Language,
    id: &str,
    (args, hints): (&[(&str, carekey_i18n::FluentValue<'_>)], &[&str]),
) -> Response {
    let words = |id: &str| templates.words(language, id, None, args);
    let body: String = std::iter::once(paragraph(&words(id), false))
        .chain(hints.iter().map(|hint| paragraph(&words(hint), true)))
        .collect();
    page(
        status,
        &templates.tag(language),
        &templates.words(language, id, Some("title"), &[]),
        &body,
    )
}

/// A page in the language tagged `language` (`fr`): its `title` (plain
/// text) and `body` (HTML, escaped by the caller).
pub fn page(status: StatusCode, language: &str, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{language}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\"><title>{title} · CareKey</title>\
         <style>{STYLE}</style></head><body><h1>{title}</h1>{body}</body></html>",
        language = escape(language),
        title = escape(title)
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        // No script at all, inline style only, never in a frame.
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        ),
        (header::CACHE_CONTROL, "no-store"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_text_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">&"),
            "&lt;a href=&quot;x&quot;&gt;&amp;"
        );
    }
}
