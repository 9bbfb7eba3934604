//! The caller's profile (`GET /v1/me`): who the session belongs to.
//!
//! Invariant: a session whose user no longer exists is `invalid_token`,
//! never an empty profile.

use crate::error::ServiceError;
use crate::http::{Caller, Shared};
use axum::Json;
use axum::extract::State;
use carekey_api::{ApiError, Profile};

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
