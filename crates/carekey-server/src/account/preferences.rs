//! A person's preferences (`/v1/me/settings`): one small JSON object kept
//! with the account, so that every device of theirs (and a guest's data
//! carried into an account) shows the same.
//!
//! Invariant: the object is the caller's own, replaced whole, and never
//! larger than 4 KiB of JSON, so it cannot be a way to fill the disk.

use crate::error::ServiceError;
use crate::http::{Caller, JsonBody, Shared};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use carekey_api::{ApiError, UserSettings};

/// The largest preferences object, as JSON text.
const LARGEST_SETTINGS: usize = 4096;

/// `GET /v1/me/settings`.
pub async fn settings(state: &AppState, user_id: &str) -> Result<UserSettings, ServiceError> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT settings FROM user_settings WHERE user_id = $1")
            .bind(user_id.to_owned())
            .fetch_optional(state.db.reader())
            .await?;
    let values = match stored {
        Some(text) => serde_json::from_str(&text)
            .map_err(|_| ServiceError::Internal("stored settings".into()))?,
        None => serde_json::Map::new(),
    };
    Ok(UserSettings { values })
}

/// `PUT /v1/me/settings`: replaces the preferences.
pub async fn save_settings(
    state: &AppState,
    user_id: &str,
    settings: &UserSettings,
) -> Result<UserSettings, ServiceError> {
    let text = serde_json::to_string(&settings.values)
        .map_err(|_| ServiceError::Internal("settings encoding".into()))?;
    if text.len() > LARGEST_SETTINGS {
        return Err(ServiceError::InvalidRequest(format!(
            "settings must be at most {LARGEST_SETTINGS} bytes of JSON"
        )));
    }
    sqlx::query(
        "INSERT INTO user_settings (user_id, settings, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at",
    )
    .bind(user_id.to_owned())
    .bind(text)
    .bind(state.clock.now_ms())
    .execute(state.db.writer())
    .await?;
    Ok(settings.clone())
}

#[utoipa::path(get, path = "/v1/me/settings", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, body = UserSettings),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn user_settings(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<UserSettings>, ServiceError> {
    settings(&state, &claims.sub).await.map(Json)
}

#[utoipa::path(put, path = "/v1/me/settings", tag = "account",
    description = "Replaces the caller's preferences (a JSON object, at most 4 KiB).",
    request_body = UserSettings,
    security(("bearer" = [])),
    responses(
        (status = 200, body = UserSettings),
        (status = 400, body = ApiError, description = "invalid_request (too large)"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn save_user_settings(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(settings): JsonBody<UserSettings>,
) -> Result<Json<UserSettings>, ServiceError> {
    save_settings(&state, &claims.sub, &settings)
        .await
        .map(Json)
}
