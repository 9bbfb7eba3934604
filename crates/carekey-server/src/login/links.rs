//! Magic links: `https://<public host>/l/<request id>.<secret>`, sent next to
//! the code in every native message. The secret is its own 160 random bits
//! (see [`crate::secrets::generate_link_secret`]), unrelated to the code; it
//! is used up, expires and needs the starting device's verifier exactly as
//! the code does, and every check of it, on any endpoint, takes a try from
//! the same budget as a typed code before it compares.
//!
//! Opening a link in a browser (or a mail scanner, or a link preview) logs
//! nobody in: `GET /l/...` only shows a page offering "Open CareKey" (the
//! `carekey:` scheme) and the code. The app consumes the link with
//! `POST /v1/auth/complete {requestId, linkSecret, deviceVerifier}`. On
//! phones the https link opens the app directly (App Links / Universal
//! Links), through the two `/.well-known` documents served from settings.
//!
//! A link opened on another device than the one that asked (the message
//! read on a phone, the login started on a laptop) can approve the login
//! there: the page says what the server itself saw (when, from which
//! network) and shows the requester's device name only as its claim, and
//! approves only when the person types the number the starting device
//! shows (number matching), in a form POST. The approval keeps the code,
//! sealed, for the device that asked, which collects its session with its
//! verifier; the approving browser gets no tokens.

use crate::error::ServiceError;
use crate::http::pages::{accept_language, escape, page, paragraph, words_page};
use crate::http::{ClientIp, Shared};
use crate::secrets::{is_well_formed_link_secret, open_code_with_link};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use carekey_api::SecretString;
use carekey_i18n::{FluentValue, Language};
use sqlx::Row;
use std::net::IpAddr;
use zeroize::Zeroizing;

/// The link for a request and its secret.
pub fn url(public_url: &str, request_id: &str, secret: &str) -> Zeroizing<String> {
    Zeroizing::new(format!("{public_url}/l/{request_id}.{secret}"))
}

/// `<request id>.<secret>` split, the id checked as a UUID.
pub fn parse_token(token: &str) -> Option<(String, &str)> {
    let (request_id, secret) = token.trim().split_once('.')?;
    let request_id = uuid::Uuid::parse_str(request_id)
        .ok()?
        .hyphenated()
        .to_string();
    (!secret.is_empty()).then_some((request_id, secret))
}

/// Where a login was asked from, and in which language.
struct Origin {
    /// The device's name and network address, when it gave a name.
    device: Option<(String, String)>,
    at: crate::clock::Millis,
    language: Option<String>,
}

/// The longest device name kept.
const DEVICE_NAME_CHARS: usize = 80;

/// How a device that asked for a login is named on the landing page: its
/// own name (else its User-Agent), without control characters, at most 80
/// characters.
pub fn device_label(name: Option<&str>) -> String {
    let label: String = name
        .unwrap_or_default()
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(DEVICE_NAME_CHARS)
        .collect();
    if label.is_empty() {
        "an unnamed device".to_owned()
    } else {
        label
    }
}

async fn origin(state: &AppState, request_id: &str) -> Result<Option<Origin>, ServiceError> {
    let row = sqlx::query(
        "SELECT origin_device, origin_ip, created_at, language FROM auth_requests WHERE id = $1",
    )
    .bind(request_id.to_owned())
    .fetch_optional(state.db.reader())
    .await?;
    row.map(|row| {
        let device: Option<String> = row.try_get("origin_device")?;
        let ip: Option<String> = row.try_get("origin_ip")?;
        Ok(Origin {
            device: device.map(|device| (device, ip.unwrap_or_default())),
            at: row.try_get("created_at")?,
            language: row.try_get("language")?,
        })
    })
    .transpose()
}

/// The approved login's code, taken once by the device that asked.
pub async fn take_approval(
    state: &AppState,
    request_id: &str,
) -> Result<Option<SecretString>, ServiceError> {
    let mut tx = state.db.begin().await?;
    let row =
        sqlx::query("DELETE FROM login_approvals WHERE request_id = $1 RETURNING sealed_code")
            .bind(request_id.to_owned())
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let sealed: Vec<u8> = row.try_get("sealed_code")?;
    let code = state
        .sealer
        .open(request_id, &sealed)
        .map_err(|_| ServiceError::Internal("an approval could not be unsealed".into()))?;
    let code = String::from_utf8(code.to_vec())
        .map_err(|_| ServiceError::Internal("an approval holds no code".into()))?;
    Ok(Some(SecretString::new(code)))
}

/// What the landing page can say about a link.
enum Landing {
    /// The real link of a request still waiting: the code it unsealed.
    Usable(Zeroizing<String>),
    /// A wrong secret (counted), or a request used, replaced, locked or out
    /// of time: the page says the same for all.
    Ended,
    Malformed,
}

/// Takes a try on the link's request and compares its secret in the same
/// row update (a wrong secret counts against the request's tries and the
/// identifier's run of failures, exactly as a wrong code at `/complete`;
/// the real one costs nothing, so mail scanners and previews spend no
/// try). Nothing is compared once the tries are spent. Only the real
/// secret unseals the code.
async fn try_link(
    state: &AppState,
    token: &str,
) -> Result<(Landing, Option<String>), ServiceError> {
    let Some((request_id, secret)) = parse_token(token) else {
        return Ok((Landing::Malformed, None));
    };
    if !is_well_formed_link_secret(secret) {
        return Ok((Landing::Malformed, None));
    }
    let now = state.clock.now_ms();
    let given = state.codes.hash_link(&request_id, secret);
    let mut tx = state.db.begin().await?;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE auth_requests SET \
           failed_attempts = failed_attempts + CASE WHEN link_hash = $2 THEN 0 ELSE 1 END, \
           status = CASE WHEN link_hash = $2 THEN status \
                         WHEN failed_attempts + 1 >= $4 THEN 'locked' ELSE status END \
         WHERE id = $1 AND flavor = 'native' AND status = 'pending' AND failed_attempts < $4 \
           AND code_expires_at > $3 AND expires_at > $3 \
         RETURNING CASE WHEN link_hash = $2 THEN link_code END AS link_code, \
           {identifier} AS identifier",
        identifier = crate::login::sql::IDENTIFIER_SQL,
    )))
    .bind(request_id.clone())
    .bind(given)
    .bind(now)
    .bind(i64::from(state.policy.max_attempts_per_request))
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok((Landing::Ended, None));
    };
    let Some(sealed) = row.try_get::<Option<Vec<u8>>, _>("link_code")? else {
        let identifier: String = row.try_get("identifier")?;
        crate::limits::record_failure(
            &mut tx,
            &identifier,
            state.policy.max_consecutive_failures,
            state.policy.failure_lockout_ms,
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok((Landing::Ended, None));
    };
    tx.commit().await?;
    let code = open_code_with_link(&request_id, secret, &sealed)
        .ok_or_else(|| ServiceError::Internal("a link's code could not be unsealed".into()))?;
    Ok((
        Landing::Usable(Zeroizing::new(code.expose().to_owned())),
        Some(request_id),
    ))
}

fn ended_page(state: &AppState, language: Language) -> Response {
    words_page(
        &state.templates,
        StatusCode::GONE,
        language,
        "landing-ended",
        (&[], &[]),
    )
}

fn malformed_page(state: &AppState, language: Language) -> Response {
    words_page(
        &state.templates,
        StatusCode::NOT_FOUND,
        language,
        "landing-malformed",
        (&[], &[]),
    )
}

/// `GET /l/{token}`: the landing page. It offers the app and shows the
/// code, says what the server saw of the request and the asking device's
/// name as its claim, and asks for the number that device shows to approve
/// its login; it never logs anyone in by itself. It is written in the
/// language the login was asked in, else the one the browser asks for.
pub async fn landing(
    state: &AppState,
    token: &str,
    accept_language: Option<&str>,
) -> Result<Response, ServiceError> {
    let visitor = state.templates.page_language(accept_language);
    let (landing, request_id) = try_link(state, token).await?;
    let code = match landing {
        Landing::Usable(code) => code,
        Landing::Ended => return Ok(ended_page(state, visitor)),
        Landing::Malformed => return Ok(malformed_page(state, visitor)),
    };
    let token = escape(token.trim());
    let asked = match request_id {
        Some(request_id) => origin(state, &request_id).await?,
        None => None,
    };
    let language = match asked.as_ref().and_then(|asked| asked.language.as_deref()) {
        Some(tag) => state.templates.language(&[Some(tag)]),
        None => visitor,
    };
    let words = |id: &str, args: &[(&str, FluentValue<'_>)]| {
        state.templates.words(language, id, None, args)
    };
    let approve = match asked {
        Some(Origin {
            device: Some((device, ip)),
            at,
            ..
        }) => format!(
            "<h2>{title}</h2>{asked}{number}\
             <form method=\"post\" action=\"/l/{token}/approve\">\
             <label for=\"number\">{label}</label> \
             <input id=\"number\" name=\"number\" inputmode=\"numeric\" pattern=\"[0-9]{{2}}\" \
             maxlength=\"2\" size=\"3\" autocomplete=\"off\" required> \
             <button type=\"submit\">{button}</button></form>{not_asked}",
            title = escape(&words("landing-asked-title", &[])),
            asked = paragraph(
                &words(
                    "landing-asked",
                    &[
                        ("at", state.templates.moment(language, at).into()),
                        ("ip", ip.into()),
                        ("device", device.into()),
                    ],
                ),
                false
            ),
            number = paragraph(&words("landing-asked-number", &[]), false),
            label = escape(&words("landing-number-label", &[])),
            button = escape(&words("landing-approve", &[])),
            not_asked = paragraph(&words("landing-not-asked", &[]), true),
        ),
        _ => String::new(),
    };
    // The operator's words (templates_dir) or the catalog's; plain text,
    // escaped here.
    let (title, paragraphs) = state.templates.landing(language);
    let hints: String = paragraphs
        .iter()
        .map(|hint| paragraph(hint, true))
        .collect();
    Ok(page(
        StatusCode::OK,
        &state.templates.tag(language),
        &title,
        &format!(
            "<p><a class=\"open\" href=\"carekey://l/{token}\">{open}</a></p>\
             {type_code}<p class=\"code\">{code}</p>{hints}{approve}",
            open = escape(&words("landing-open", &[])),
            type_code = paragraph(&words("landing-type-code", &[]), false),
            code = escape(&code)
        ),
    ))
}

/// `POST /l/{token}/approve`: the approval, with the number the starting
/// device shows (number matching: a login an attacker started cannot be
/// approved with one tap by the person who got the message). Keeps the
/// code, sealed, for the device that asked; answers a page, never a token.
/// A wrong number approves nothing and spends one of the request's tries.
pub async fn approve(
    state: &AppState,
    token: &str,
    (number, accept_language): (Option<&str>, Option<&str>),
    ip: IpAddr,
) -> Result<Response, ServiceError> {
    let visitor = state.templates.page_language(accept_language);
    let (landing, request_id) = try_link(state, token).await?;
    let (code, request_id) = match (landing, request_id) {
        (Landing::Usable(code), Some(request_id)) => (code, request_id),
        (Landing::Malformed, _) => return Ok(malformed_page(state, visitor)),
        _ => return Ok(ended_page(state, visitor)),
    };
    let language = match origin(state, &request_id).await? {
        Some(Origin {
            language: Some(tag),
            ..
        }) => state.templates.language(&[Some(&tag)]),
        _ => visitor,
    };
    let expected = state.codes.match_number(&request_id);
    let matched = number
        .and_then(|number| number.parse::<u8>().ok())
        .is_some_and(|number| number == expected);
    if !matched {
        spend_try(state, &request_id).await?;
        tracing::info!(request = %request_id, "approval refused: wrong number");
        return Ok(words_page(
            &state.templates,
            StatusCode::FORBIDDEN,
            language,
            "approval-refused",
            (&[], &["approval-refused-hint"]),
        ));
    }
    let sealed = state
        .sealer
        .seal(&request_id, code.as_bytes())
        .map_err(|_| ServiceError::Internal("an approval could not be sealed".into()))?;
    sqlx::query(
        "INSERT INTO login_approvals (request_id, sealed_code, ip, approved_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (request_id) DO NOTHING",
    )
    .bind(request_id.clone())
    .bind(sealed)
    .bind(ip.to_string())
    .bind(state.clock.now_ms())
    .execute(state.db.writer())
    .await?;
    tracing::info!(request = %request_id, "login approved from another device");
    Ok(words_page(
        &state.templates,
        StatusCode::OK,
        language,
        "approval-done",
        (&[], &["approval-done-hint"]),
    ))
}

/// A wrong approval number counts as a wrong try of the request, locking it
/// at the limit like a wrong code.
async fn spend_try(state: &AppState, request_id: &str) -> Result<(), ServiceError> {
    sqlx::query(
        "UPDATE auth_requests SET failed_attempts = failed_attempts + 1, \
           status = CASE WHEN failed_attempts + 1 >= $2 THEN 'locked' ELSE status END \
         WHERE id = $1 AND status = 'pending'",
    )
    .bind(request_id.to_owned())
    .bind(i64::from(state.policy.max_attempts_per_request))
    .execute(state.db.writer())
    .await?;
    Ok(())
}

#[utoipa::path(get, path = "/l/{token}", tag = "links",
    description = "A magic link's landing page (HTML): \"Open CareKey\" and the code. It never logs anyone in; the app consumes the link with POST /v1/auth/complete.",
    params(("token" = String, Path, description = "<request id>.<link secret>")),
    responses(
        (status = 200, description = "the link is usable: the page offers the app and the code"),
        (status = 410, description = "used, replaced or expired"),
        (status = 404, description = "not a CareKey link"),
    ))]
pub(super) async fn link_landing(
    State(state): Shared,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ServiceError> {
    crate::login::links::landing(&state, &token, accept_language(&headers)).await
}

#[utoipa::path(post, path = "/l/{token}/approve", tag = "links",
    description = "The landing page's approval form (number=<the number the starting device shows>): approves the login for the device that asked, which then receives its session from POST /v1/auth/approval. A wrong number approves nothing and spends one of the request's tries. The approving browser gets no tokens.",
    params(("token" = String, Path, description = "<request id>.<link secret>")),
    responses(
        (status = 200, description = "approved: the page says so"),
        (status = 410, description = "used, replaced or expired"),
        (status = 404, description = "not a CareKey link"),
    ))]
pub(super) async fn link_approve(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    headers: HeaderMap,
    form: axum::body::Bytes,
) -> Result<Response, ServiceError> {
    // The form's one field: the number the starting device shows.
    let number = form_urlencoded::parse(&form)
        .find(|(name, _)| name == "number")
        .map(|(_, value)| value.trim().to_owned());
    crate::login::links::approve(
        &state,
        &token,
        (number.as_deref(), accept_language(&headers)),
        ip,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_a_uuid_and_a_secret() {
        let (id, secret) = parse_token("0190A0B2-0000-7000-8000-000000000001.abc").unwrap();
        assert_eq!(id, "0190a0b2-0000-7000-8000-000000000001");
        assert_eq!(secret, "abc");
        for bad in [
            "",
            "abc",
            "not-a-uuid.abc",
            "0190a0b2-0000-7000-8000-000000000001.",
        ] {
            assert!(parse_token(bad).is_none(), "{bad}");
        }
    }
}
