use crate::error::ServiceError;
use crate::http::{Caller, JsonBody, Shared};
use axum::Json;
use axum::extract::State;
use carekey_api::ApiError;

#[utoipa::path(get, path = "/v1/me/settings", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, body = carekey_api::UserSettings),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn user_settings(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<carekey_api::UserSettings>, ServiceError> {
    crate::account::guests::settings(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(put, path = "/v1/me/settings", tag = "account",
    description = "Replaces the caller's preferences (a JSON object, at most 4 KiB).",
    request_body = carekey_api::UserSettings,
    security(("bearer" = [])),
    responses(
        (status = 200, body = carekey_api::UserSettings),
        (status = 400, body = ApiError, description = "invalid_request (too large)"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn save_user_settings(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(settings): JsonBody<carekey_api::UserSettings>,
) -> Result<Json<carekey_api::UserSettings>, ServiceError> {
    crate::account::guests::save_settings(&state, &claims.sub, &settings)
        .await
        .map(Json)
}
