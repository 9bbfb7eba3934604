//! The admin API: the operators' commands over HTTP, and `/metrics`, on a
//! listener of their own (`admin_listen`), never on the public one.
//!
//! Invariant: every route but its own document answers only a request
//! that carries the configured token (`Authorization: Bearer …`),
//! compared in constant time; each route runs the very function its
//! subcommand runs, so the two cannot disagree, and records its actor as
//! `admin-api` in the operators' audit.

use super::AdminError;
use crate::http::{JsonBody, Routes, Shared};
use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use carekey_api::{ApiError, ErrorCode, SecretString};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::routes;

/// Who the operators' audit says acted, for every route.
const ACTOR: &str = "admin-api";

/// Every admin route, with its description.
pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(users_list))
        .routes(routes!(users_show, users_delete))
        .routes(routes!(users_disable))
        .routes(routes!(users_enable))
        .routes(routes!(users_unlock_backup))
        .routes(routes!(sessions_revoke))
        .routes(routes!(unlock))
        .routes(routes!(queue_status))
        .routes(routes!(queue_dead))
        .routes(routes!(queue_retry))
        .routes(routes!(audit))
        .routes(routes!(keys_list))
        .routes(routes!(keys_rotate))
        .routes(routes!(crate::http::operations::metrics))
        .routes(routes!(admin_openapi))
}

#[utoipa::path(get, path = "/admin/openapi.json", tag = "admin",
    description = "This document; the one route that needs no token.",
    responses((status = 200, description = "this document")))]
async fn admin_openapi(
    axum::Extension(crate::http::operations::ApiDocument(json)): axum::Extension<
        crate::http::operations::ApiDocument,
    >,
) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}

/// The token as the middleware holds it: its hash, so that comparing
/// takes the same time whatever its length and the token itself is not
/// kept in this form.
#[derive(Clone)]
pub struct AdminToken([u8; 32]);

impl AdminToken {
    pub fn new(token: &SecretString) -> Self {
        AdminToken(Sha256::digest(token.expose().trim().as_bytes()).into())
    }

    fn admits(&self, given: &str) -> bool {
        let given: [u8; 32] = Sha256::digest(given.as_bytes()).into();
        bool::from(subtle::ConstantTimeEq::ct_eq(&self.0[..], &given[..]))
    }
}

/// Lets through a request with the token, and the document to anyone.
pub async fn require_token(
    State(token): State<Arc<AdminToken>>,
    request: Request,
    next: Next,
) -> Response {
    if request.uri().path() == "/admin/openapi.json" {
        return next.run(request).await;
    }
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(given) if token.admits(given) => next.run(request).await,
        _ => refusal(
            StatusCode::UNAUTHORIZED,
            ErrorCode::InvalidToken,
            "the admin API needs its token: Authorization: Bearer <admin_token>".into(),
        ),
    }
}

fn refusal(status: StatusCode, code: ErrorCode, message: String) -> Response {
    let body = ApiError {
        code,
        message,
        attempts_left: None,
        retry_after: None,
        patients: None,
    };
    (status, Json(body)).into_response()
}

impl IntoResponse for AdminError {
    fn into_response(self) -> Response {
        match self {
            AdminError::Service(error) => error.into_response(),
            AdminError::NotFound(message) => {
                refusal(StatusCode::NOT_FOUND, ErrorCode::NotFound, message)
            }
            AdminError::Invalid(message) => {
                refusal(StatusCode::BAD_REQUEST, ErrorCode::InvalidRequest, message)
            }
            refused if refused.is_refusal() => refusal(
                StatusCode::CONFLICT,
                ErrorCode::InvalidRequest,
                refused.to_string(),
            ),
            failed => {
                tracing::error!(error = %failed, "admin request failed");
                refusal(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::InternalError,
                    "something went wrong on our side; the server's log says what".into(),
                )
            }
        }
    }
}

/// A body that names one thing (`one`, as `field`) or says `all`:
/// which, with `None` for all; neither or both is refused.
fn one_or_all<'a>(
    one: Option<&'a str>,
    all: bool,
    field: &str,
) -> Result<Option<&'a str>, AdminError> {
    match (one, all) {
        (Some(one), false) => Ok(Some(one)),
        (None, true) => Ok(None),
        _ => Err(AdminError::Invalid(format!(
            "give {field}, or all: true (one of the two)"
        ))),
    }
}

/// `Query`, refusing a malformed query string as every other error is
/// refused: `{code, message}`, 400.
struct Params<T>(T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequestParts<S>
    for Params<T>
{
    type Rejection = AdminError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AdminError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(params)| Params(params))
            .map_err(|rejection| AdminError::Invalid(rejection.body_text()))
    }
}

/// `{who}` in the path, refused as [`Params`] refuses.
struct Who(String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Who {
    type Rejection = AdminError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, AdminError> {
        Path::<String>::from_request_parts(parts, state)
            .await
            .map(|Path(who)| Who(who))
            .map_err(|rejection| AdminError::Invalid(rejection.body_text()))
    }
}

/// The most a list answers at once.
const MOST_LISTED: u32 = 1000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct Limit {
    /// How many to list (default 50, at most 1000).
    #[param(minimum = 0, maximum = 1000)]
    limit: Option<u32>,
}

impl Limit {
    fn checked(&self) -> Result<u32, AdminError> {
        match self.limit {
            Some(limit) if limit > MOST_LISTED => Err(AdminError::Invalid(format!(
                "limit is at most {MOST_LISTED}"
            ))),
            limit => Ok(limit.unwrap_or(50)),
        }
    }
}

#[utoipa::path(get, path = "/admin/v1/users", tag = "admin",
    description = "The newest accounts first (`carekey-server users list`).",
    params(Limit),
    responses(
        (status = 200, body = super::users::UserList),
        (status = 400, body = ApiError, description = "invalid_request: limit is not a number up to 1000"),
    ))]
async fn users_list(
    State(state): Shared,
    Params(query): Params<Limit>,
) -> Result<Json<super::users::UserList>, AdminError> {
    let limit = query.checked()?;
    Ok(Json(super::users::list(&state.db, limit).await?))
}

#[utoipa::path(get, path = "/admin/v1/users/{who}", tag = "admin",
    description = "One account, its sessions and what operators did to it (`users show`).",
    params(("who" = String, Path, description = "the user id, email, or phone number in international form")),
    responses(
        (status = 200, body = super::users::UserDetail),
        (status = 404, body = ApiError, description = "not_found"),
        (status = 400, body = ApiError, description = "invalid_request: who is not an id, an email or a phone number"),
    ))]
async fn users_show(
    State(state): Shared,
    Who(who): Who,
) -> Result<Json<super::users::UserDetail>, AdminError> {
    Ok(Json(super::users::show(&state.db, &who).await?))
}

#[utoipa::path(post, path = "/admin/v1/users/{who}/disable", tag = "admin",
    description = "Stops the account logging in and revokes its sessions (`users disable`).",
    params(("who" = String, Path, description = "the user id, email, or phone number")),
    responses(
        (status = 200, body = super::users::Disabling),
        (status = 400, body = ApiError, description = "invalid_request: who is not an id, an email or a phone number"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
async fn users_disable(
    State(state): Shared,
    Who(who): Who,
) -> Result<Json<super::users::Disabling>, AdminError> {
    let now = state.clock.now_ms();
    Ok(Json(
        super::users::set_disabled(&state.db, &who, true, ACTOR, now).await?,
    ))
}

#[utoipa::path(post, path = "/admin/v1/users/{who}/enable", tag = "admin",
    description = "Lets a disabled account log in again (`users enable`).",
    params(("who" = String, Path, description = "the user id, email, or phone number")),
    responses(
        (status = 200, body = super::users::Disabling),
        (status = 400, body = ApiError, description = "invalid_request: who is not an id, an email or a phone number"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
async fn users_enable(
    State(state): Shared,
    Who(who): Who,
) -> Result<Json<super::users::Disabling>, AdminError> {
    let now = state.clock.now_ms();
    Ok(Json(
        super::users::set_disabled(&state.db, &who, false, ACTOR, now).await?,
    ))
}

#[utoipa::path(post, path = "/admin/v1/users/{who}/unlock-backup", tag = "admin",
    description = "Lets a password backup locked by too many wrong passwords be tried again, 10 tries (`users unlock-backup`): after checking who asks by other means.",
    params(("who" = String, Path, description = "the user id, email, or phone number")),
    responses(
        (status = 200, body = super::users::BackupUnlocked),
        (status = 400, body = ApiError, description = "invalid_request: who is not an id, an email or a phone number"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
async fn users_unlock_backup(
    State(state): Shared,
    Who(who): Who,
) -> Result<Json<super::users::BackupUnlocked>, AdminError> {
    let now = state.clock.now_ms();
    Ok(Json(
        super::users::unlock_backup(&state.db, &who, ACTOR, now).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(rename_all = "camelCase")]
struct DeleteOptions {
    /// For a clinician whom patients name: they name this clinician (id,
    /// email or phone) instead, who has to accept them.
    move_patients_to: Option<String>,
    /// For a clinician whom patients name: they name no clinician.
    #[serde(default)]
    release_patients: bool,
}

#[utoipa::path(delete, path = "/admin/v1/users/{who}", tag = "admin",
    description = "Deletes the account and everything it owns (`users delete`). A clinician whom patients name is refused unless moveTo or releasePatients says what becomes of them.",
    params(("who" = String, Path, description = "the user id, email, or phone number"), DeleteOptions),
    responses(
        (status = 200, body = super::users::Deleted),
        (status = 404, body = ApiError, description = "not_found"),
        (status = 400, body = ApiError, description = "invalid_request: who is not an id, an email or a phone number, or the options are malformed or both given"),
        (status = 409, body = ApiError, description = "invalid_request: patients name this clinician, or the successor is not a clinician"),
    ))]
async fn users_delete(
    State(state): Shared,
    Who(who): Who,
    Params(options): Params<DeleteOptions>,
) -> Result<Json<super::users::Deleted>, AdminError> {
    let patients = match (&options.move_patients_to, options.release_patients) {
        (Some(to), false) => super::users::Patients::MoveTo(to),
        (None, true) => super::users::Patients::Release,
        (None, false) => super::users::Patients::Refuse,
        (Some(_), true) => {
            return Err(AdminError::Invalid(
                "movePatientsTo and releasePatients exclude each other".into(),
            ));
        }
    };
    let now = state.clock.now_ms();
    let deleted =
        super::users::delete(&state.db, &who, patients, ACTOR, now, Some(&state.teller())).await?;
    for job in &deleted.told {
        crate::codes::message_queued(&state, job);
    }
    Ok(Json(deleted))
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RevokeRequest {
    /// The account (id, email or phone) whose sessions end.
    user: Option<String>,
    /// Every account's sessions instead.
    #[serde(default)]
    all: bool,
}

#[utoipa::path(post, path = "/admin/v1/sessions/revoke", tag = "admin",
    description = "Ends the active sessions of one account, or of all (`sessions revoke`).",
    request_body = RevokeRequest,
    responses(
        (status = 200, body = super::users::Revoked),
        (status = 404, body = ApiError, description = "not_found"),
        (status = 400, body = ApiError, description = "invalid_request: the body is not this operation's JSON, or has neither or both of user and all"),
    ))]
async fn sessions_revoke(
    State(state): Shared,
    JsonBody(request): JsonBody<RevokeRequest>,
) -> Result<Json<super::users::Revoked>, AdminError> {
    let scope = match one_or_all(request.user.as_deref(), request.all, "user")? {
        Some(user) => super::users::Scope::User(user),
        None => super::users::Scope::Everyone,
    };
    let now = state.clock.now_ms();
    Ok(Json(
        super::users::revoke_sessions(&state.db, scope, ACTOR, now).await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct UnlockRequest {
    /// The email, or the phone number in international form.
    identifier: String,
}

#[utoipa::path(post, path = "/admin/v1/unlock", tag = "admin",
    description = "Lifts the lock that wrong codes put on an email or phone number (`unlock`).",
    request_body = UnlockRequest,
    responses(
        (status = 200, body = super::users::Unlocked),
        (status = 400, body = ApiError, description = "invalid_request: not an email or phone number (or the body is not this operation's JSON)"),
    ))]
async fn unlock(
    State(state): Shared,
    JsonBody(request): JsonBody<UnlockRequest>,
) -> Result<Json<super::users::Unlocked>, AdminError> {
    let now = state.clock.now_ms();
    Ok(Json(
        super::users::unlock(&state.db, &request.identifier, ACTOR, now).await?,
    ))
}

#[utoipa::path(get, path = "/admin/v1/queue", tag = "admin",
    description = "Jobs by transport and state, and the oldest pending (`queue`).",
    responses((status = 200, body = super::queue::QueueStatus)))]
async fn queue_status(State(state): Shared) -> Result<Json<super::queue::QueueStatus>, AdminError> {
    let now = state.clock.now_ms();
    Ok(Json(super::queue::status(&state.db, now).await?))
}

#[utoipa::path(get, path = "/admin/v1/queue/dead", tag = "admin",
    description = "The jobs given up, newest first (`queue dead`).",
    params(Limit),
    responses(
        (status = 200, body = super::queue::DeadLetters),
        (status = 400, body = ApiError, description = "invalid_request: limit is not a number up to 1000"),
    ))]
async fn queue_dead(
    State(state): Shared,
    Params(query): Params<Limit>,
) -> Result<Json<super::queue::DeadLetters>, AdminError> {
    let limit = query.checked()?;
    Ok(Json(super::queue::dead_letters(&state.db, limit).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RetryRequest {
    /// The job to send again.
    id: Option<String>,
    /// Every given-up job that can be sent again instead.
    #[serde(default)]
    all: bool,
}

#[utoipa::path(post, path = "/admin/v1/queue/retry", tag = "admin",
    description = "Sends given-up jobs again (`queue retry`): messages to people cannot be (their codes expired).",
    request_body = RetryRequest,
    responses(
        (status = 200, body = super::queue::Retried),
        (status = 404, body = ApiError, description = "not_found"),
        (status = 400, body = ApiError, description = "invalid_request: the body is not this operation's JSON, or has neither or both of id and all"),
        (status = 409, body = ApiError, description = "invalid_request: the job was not given up, or is a message to a person"),
    ))]
async fn queue_retry(
    State(state): Shared,
    JsonBody(request): JsonBody<RetryRequest>,
) -> Result<Json<super::queue::Retried>, AdminError> {
    let which = match one_or_all(request.id.as_deref(), request.all, "id")? {
        Some(id) => super::queue::Retry::One(id),
        None => super::queue::Retry::All,
    };
    let now = state.clock.now_ms();
    Ok(Json(
        super::queue::retry(&state.db, which, ACTOR, now).await?,
    ))
}

#[utoipa::path(get, path = "/admin/v1/audit", tag = "admin",
    description = "What operators did, newest first (`audit`).",
    params(Limit),
    responses(
        (status = 200, body = super::audit::Audit),
        (status = 400, body = ApiError, description = "invalid_request: limit is not a number up to 1000"),
    ))]
async fn audit(
    State(state): Shared,
    Params(query): Params<Limit>,
) -> Result<Json<super::audit::Audit>, AdminError> {
    let limit = query.checked()?;
    Ok(Json(super::audit::recent(&state.db, limit).await?))
}

#[utoipa::path(get, path = "/admin/v1/keys", tag = "admin",
    description = "The keys that sign access tokens (`keys list`).",
    responses((status = 200, body = super::keys::Keys)))]
async fn keys_list(State(state): Shared) -> Result<Json<super::keys::Keys>, AdminError> {
    let now = state.clock.now_ms();
    Ok(Json(super::keys::list(&state.db, now).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RotateRequest {
    /// For a key that leaked: replace it at once.
    #[serde(default)]
    immediately: bool,
}

#[utoipa::path(post, path = "/admin/v1/keys/rotate", tag = "admin",
    description = "A new signing key (`keys rotate`); this instance takes it up at once, the others within 30 s.",
    request_body = RotateRequest,
    responses((status = 200, body = crate::tokens::Rotation)))]
async fn keys_rotate(
    State(state): Shared,
    JsonBody(request): JsonBody<RotateRequest>,
) -> Result<Json<crate::tokens::Rotation>, AdminError> {
    let now = state.clock.now_ms();
    let rotation = super::keys::rotate(
        &state.db,
        state.tokens.ttl_ms(),
        request.immediately,
        ACTOR,
        now,
    )
    .await?;
    // Reading the keys again cannot make anything worse: on an error the
    // keys in use stay, and the next reload tries again.
    if let Ok(stored) = crate::tokens::stored_keys(&state.db, now).await {
        let _ = state.tokens.replace(&stored, now);
    }
    Ok(Json(rotation))
}
