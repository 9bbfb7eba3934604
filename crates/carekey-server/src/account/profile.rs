//! The caller's profile (`GET /v1/me`): who the session belongs to, and
//! their name and language, which they change themselves (`PUT /v1/me/name`,
//! `PUT /v1/me/language`).
//!
//! Invariant: a session whose user no longer exists is `invalid_token`,
//! never an empty profile; a name is checked as at registration (trimmed,
//! not blank, at most 100 characters, no control characters); a language
//! kept is a well-formed tag: one of the server's catalogs where one
//! matches, else the person's own (messages fall back to the default).

use crate::error::ServiceError;
use crate::http::{Caller, JsonBody, Shared};
use axum::Json;
use axum::extract::State;
use carekey_api::{ApiError, LanguageRequest, NameRequest, Profile};

#[utoipa::path(get, path = "/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn me(
    State(state): Shared,
    Caller(claims): Caller,
) -> Result<Json<Profile>, ServiceError> {
    let user = crate::accounts::by_id(state.db.reader(), &claims.sub)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    Ok(Json(user.profile()))
}

#[utoipa::path(put, path = "/v1/me/name", tag = "account",
    description = "Change the caller's first and last name (not a guest's: a guest has none until it makes an account). Each is trimmed, not blank, at most 100 characters, without control characters.",
    request_body = NameRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ApiError, description = "invalid_request: a blank, too long or malformed name, or a guest"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn rename(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<NameRequest>,
) -> Result<Json<Profile>, ServiceError> {
    let named = |field: &str, value: &str| {
        crate::accounts::clean_name(field, Some(value))?
            .ok_or_else(|| ServiceError::InvalidRequest(format!("{field} must not be blank")))
    };
    let first_name = named("firstName", &request.first_name)?;
    let last_name = named("lastName", &request.last_name)?;
    if claims.role == crate::tokens::TokenRole::Guest {
        return Err(ServiceError::InvalidRequest(
            "a guest has no name: create an account to have one".into(),
        ));
    }
    let mut tx = state.db.begin().await?;
    let user = crate::accounts::rename(
        &mut tx,
        &claims.sub,
        &first_name,
        &last_name,
        state.clock.now_ms(),
    )
    .await?
    .ok_or(ServiceError::InvalidToken)?;
    tx.commit().await?;
    tracing::info!(user = %claims.sub, "name changed");
    Ok(Json(user.profile()))
}

#[utoipa::path(put, path = "/v1/me/language", tag = "account",
    description = "Change the language the caller's messages (codes, notices) are written in: a BCP 47 tag. The closest language the server has is kept (fr-BE keeps fr); a language it has none in is kept as given, and messages fall back to the server's default until an operator adds it.",
    request_body = LanguageRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ApiError, description = "invalid_request: not a language tag"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
pub(super) async fn change_language(
    State(state): Shared,
    Caller(claims): Caller,
    JsonBody(request): JsonBody<LanguageRequest>,
) -> Result<Json<Profile>, ServiceError> {
    let tag = request.language.trim();
    let language = (tag.len() <= 35)
        .then(|| state.templates.keep_language(tag))
        .flatten()
        .ok_or_else(|| {
            ServiceError::InvalidRequest("language must be a language tag, like fr or nl-BE".into())
        })?;
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE users SET language = $2, updated_at = $3 WHERE id = $1")
        .bind(claims.sub.clone())
        .bind(language.clone())
        .bind(state.clock.now_ms())
        .execute(&mut *tx)
        .await?;
    let user = crate::accounts::by_id(&mut *tx, &claims.sub)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    tx.commit().await?;
    tracing::info!(user = %claims.sub, %language, "language changed");
    Ok(Json(user.profile()))
}
