//! The operations endpoints: liveness, readiness, metrics, the token
//! signing keys, the app-link documents and the API's own description.
//!
//! Invariant: none of these says anything secret or changes anything, so
//! probes and scrapers may reach them by address (see `check_host`).

use super::{Routes, Shared};
use crate::error::ServiceError;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use carekey_api::ApiError;
use utoipa_axum::routes;

pub fn routes() -> Routes {
    Routes::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(jwks))
        .routes(routes!(assetlinks))
        .routes(routes!(apple_app_site_association))
        .routes(routes!(openapi))
}

#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, description = "the process answers")))]
async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({"status": "ok"}))
}

#[utoipa::path(get, path = "/readyz", tag = "operations", responses(
    (status = 200, description = "the database answers"),
    (status = 503, body = ApiError, description = "unavailable"),
))]
async fn readyz(State(state): Shared) -> Result<Json<serde_json::Value>, ServiceError> {
    // With the database gone, the pool keeps trying to connect until its
    // acquire timeout (10 s); a load balancer's check gives up sooner and
    // would see no answer at all instead of "not ready".
    match tokio::time::timeout(READINESS_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => Ok(Json(serde_json::json!({"status": "ready"}))),
        Ok(Err(error)) => Err(ServiceError::Unavailable(format!("database: {error}"))),
        Err(_) => Err(ServiceError::Unavailable(format!(
            "database: no answer in {} s",
            READINESS_TIMEOUT.as_secs()
        ))),
    }
}

/// How long readiness waits for the database before saying it is not ready.
const READINESS_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus / OpenMetrics text")))]
pub(crate) async fn metrics(State(state): Shared) -> Response {
    if let Ok(pending) = crate::outbound::queue::pending_count(&state.db).await {
        state.metrics.queue_pending.set(pending);
    }
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

#[utoipa::path(get, path = "/.well-known/jwks.json", tag = "operations", responses((status = 200, description = "the public keys that sign access tokens")))]
async fn jwks(State(state): Shared) -> Json<serde_json::Value> {
    Json(state.tokens.jwks())
}

#[utoipa::path(get, path = "/.well-known/assetlinks.json", tag = "links", responses((status = 200, description = "Digital Asset Links: the Android app that opens this host's links (android_package, android_cert_fingerprints)")))]
async fn assetlinks(State(state): Shared) -> Json<serde_json::Value> {
    Json(state.app_links.assetlinks())
}

#[utoipa::path(get, path = "/.well-known/apple-app-site-association", tag = "links", responses((status = 200, description = "the iOS apps that open /l/* links (apple_app_ids)")))]
async fn apple_app_site_association(State(state): Shared) -> Json<serde_json::Value> {
    Json(state.app_links.apple_app_site_association())
}

/// The API's description, serialised once when the router is built: the
/// document itself is not kept in memory.
#[derive(Clone)]
pub struct ApiDocument(pub axum::body::Bytes);

#[utoipa::path(get, path = "/openapi.json", tag = "operations", responses((status = 200, description = "this document")))]
async fn openapi(Extension(ApiDocument(json)): Extension<ApiDocument>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], json).into_response()
}
