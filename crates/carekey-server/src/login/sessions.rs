//! Keeping and ending a session: a refresh token traded for a new pair,
//! and logging out (the session store itself is `crate::sessions`).
//!
//! Invariant: each refresh token works once; a reuse past the grace period
//! revokes its whole session, as a stolen token would be used.

use crate::error::ServiceError;
use crate::http::{Caller, JsonBody, Shared};
use crate::sessions;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use carekey_api::{ApiError, LogoutRequest, RefreshRequest, SessionResponse};

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth",
    description = "Trade a refresh token for a new pair. Each refresh token works once; reusing one after a few seconds revokes its session.",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, body = ApiError, description = "invalid_token, token_reused"),
        (status = 403, body = ApiError, description = "account_disabled: an operator disabled the account"),
    ))]
pub(super) async fn refresh(
    State(state): Shared,
    JsonBody(request): JsonBody<RefreshRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    let issued = sessions::refresh(&state, request.refresh_token.expose()).await?;
    Ok(Json(issued.response(false)))
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth",
    description = "End the session of the bearer access token (and of the refresh token given, if it is the same user's).",
    request_body = Option<LogoutRequest>,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "logged out"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn logout(
    State(state): Shared,
    Caller(claims): Caller,
    body: axum::body::Bytes,
) -> Result<StatusCode, ServiceError> {
    // The body is optional: an empty one, or JSON's null, means "this
    // session only".
    let request: LogoutRequest = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutRequest::default()
    } else {
        serde_json::from_slice::<Option<LogoutRequest>>(&body)
            .map_err(|error| ServiceError::InvalidRequest(error.to_string()))?
            .unwrap_or_default()
    };
    let refresh_token = request.refresh_token;
    sessions::logout(
        &state,
        &claims,
        refresh_token.as_ref().map(|token| token.expose()),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
