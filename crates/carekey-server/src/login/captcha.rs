//! Captcha on the paths that send a message or open an account, and the
//! page (`GET /captcha`) that gets the app its token.
//!
//! Invariant: with captcha on, every start that can make the server send
//! something or create an account passes `AppState::check_captcha` before it writes; the
//! provider's own client is `outbound::captcha`.

use crate::error::ServiceError;
use crate::http::Shared;
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use carekey_api::ApiError;

/// `GET /captcha`: the page the app shows in a window of its own; not
/// found with captcha off.
fn page_response(state: &AppState) -> Response {
    let Some(captcha) = &state.captcha else {
        return ServiceError::NotFound.into_response();
    };
    let mut nonce = [0u8; 16];
    crate::secrets::fill_random(&mut nonce);
    let nonce = base64::Engine::encode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, nonce);
    let (html, csp) = captcha.page(&nonce);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_SECURITY_POLICY, csp),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::REFERRER_POLICY, "no-referrer".to_owned()),
        ],
        html,
    )
        .into_response()
}

#[utoipa::path(get, path = "/captcha", tag = "auth",
    description = "With captcha on: the page that shows the provider's widget (for the app's captcha window); it ends by going to /captcha/done?token=…, which the app intercepts. Not found with captcha off.",
    responses(
        (status = 200, description = "the page (HTML; CSP: its own nonce and the widget's origin only)"),
        (status = 404, body = ApiError, description = "not_found (captcha is off)"),
    ))]
pub(super) async fn captcha_page(State(state): Shared) -> Response {
    crate::login::captcha::page_response(&state)
}

#[utoipa::path(get, path = "/captcha/done", tag = "auth",
    description = "Where the captcha page goes once solved; the app takes the token from that navigation before it is made. Reached in a browser, it only says the window may close (the token is not read).",
    responses((status = 200, description = "a page saying the window may close")))]
pub(super) async fn captcha_done() -> Response {
    use axum::response::IntoResponse;
    (
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                axum::http::header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; frame-ancestors 'none'",
            ),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>CareKey</title><p>Done. You can close this window.</p></html>",
    )
        .into_response()
}
