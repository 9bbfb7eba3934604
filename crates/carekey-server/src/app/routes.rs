//! The one list of routes. Each flow hands over its routes together with
//! their OpenAPI descriptions (`utoipa-axum`'s `routes!`); the router and
//! `/openapi.json` are both made from that one list, so neither can name a
//! route the other lacks. The tests below check it both ways.
//!
//! Order of the layers (outermost first): `observe` (metrics and the
//! request timeout) sees every request, even one refused by `check_host`;
//! then the `Host` check; then the 16 KiB body limit, which a route may
//! raise for itself (the WhatsApp webhook).

use crate::http::operations::ApiDocument;
use crate::http::{Routes, check_host, not_found, observe};
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::{Extension, Router};
use carekey_api::ApiError;
use std::sync::Arc;
use utoipa::OpenApi;

/// The largest request body, but where a route says otherwise.
const BODY_LIMIT: usize = 16 * 1024;

struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = Http::builder()
            .scheme(HttpAuthScheme::Bearer)
            .bearer_format("JWT")
            .build();
        components.add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}

/// What the document says beyond its paths.
#[derive(OpenApi)]
#[openapi(
    info(title = "CareKey Server", description = "Passwordless registration and login by one-time codes."),
    components(schemas(ApiError, carekey_api::ErrorCode, carekey_api::Role)),
    modifiers(&BearerScheme),
)]
struct ApiDoc;

/// Every route of the server, with its description.
pub fn api() -> Routes {
    let mut routes = Routes::with_openapi(ApiDoc::openapi())
        .merge(crate::login::routes())
        .merge(crate::account::routes())
        .merge(crate::keys::routes())
        .merge(crate::care::routes())
        .merge(crate::http::operations::routes());
    shared_answers(routes.get_openapi_mut());
    routes
}

/// The answers an operation gives because of the extractors it takes,
/// written once here rather than in each operation: every operation with a
/// JSON body (`JsonBody`) can refuse it with 400 `invalid_request`, and
/// every operation behind the bearer check (`Caller`) can answer 401
/// `invalid_token` and 403 `account_disabled`. Where an operation describes
/// one itself, its words stay (403's get `account_disabled` added).
fn shared_answers(openapi: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
    let error = |description: &str| {
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ApiError")))
                    .build(),
            )
            .build()
    };
    for item in openapi.paths.paths.values_mut() {
        for operation in operations_mut(item) {
            let answers = &mut operation.responses.responses;
            if operation.request_body.is_some() {
                answers.entry("400".into()).or_insert_with(|| {
                    error("invalid_request: the body is missing or is not this operation's JSON")
                        .into()
                });
            }
            if operation
                .security
                .as_ref()
                .is_some_and(|list| !list.is_empty())
            {
                answers
                    .entry("401".into())
                    .or_insert_with(|| error("invalid_token: no valid bearer access token").into());
                const DISABLED: &str = "account_disabled: an operator disabled the account";
                match answers.get_mut("403") {
                    Some(utoipa::openapi::RefOr::T(own)) => {
                        own.description = format!("{}; {DISABLED}", own.description);
                    }
                    Some(utoipa::openapi::RefOr::Ref(_)) => {}
                    None => {
                        answers.insert("403".into(), error(DISABLED).into());
                    }
                }
            }
        }
    }
}

/// The admin API's document: its own, so that nothing of it is in the
/// public one.
#[derive(OpenApi)]
#[openapi(
    info(title = "CareKey Server: admin API", description = "What the carekey-server subcommands do, over HTTP, on the admin listener (admin_listen), with the admin token. Actions are recorded in the operators' audit as admin-api."),
    components(schemas(ApiError, carekey_api::ErrorCode)),
    modifiers(&AdminTokenScheme),
    security(("admin_token" = [])),
)]
struct AdminDoc;

struct AdminTokenScheme;

impl utoipa::Modify for AdminTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        let scheme = Http::builder().scheme(HttpAuthScheme::Bearer).build();
        components.add_security_scheme("admin_token", SecurityScheme::Http(scheme));
    }
}

/// Every route of the admin API, with its description: each can refuse a
/// request without the token (401) or with a body that is not its JSON.
pub fn admin_api() -> Routes {
    let mut routes = Routes::with_openapi(AdminDoc::openapi()).merge(crate::admin::api::routes());
    shared_answers(routes.get_openapi_mut());
    for (path, item) in routes.get_openapi_mut().paths.paths.iter_mut() {
        if path == "/admin/openapi.json" {
            continue;
        }
        for operation in operations_mut(item) {
            operation
                .responses
                .responses
                .entry("401".into())
                .or_insert_with(|| {
                    utoipa::openapi::ResponseBuilder::new()
                        .description("invalid_token: no admin token, or not this one")
                        .build()
                        .into()
                });
        }
    }
    routes
}

/// The admin listener's router: every route of [`admin_api`], its document
/// at `/admin/openapi.json`, behind the token; `not_found` for the rest.
/// No route of the public API is here, and none of these is there.
pub fn admin_router(state: Arc<AppState>, token: crate::admin::api::AdminToken) -> Router {
    let (routes, document) = admin_api().split_for_parts();
    routes
        .layer(Extension(served(&document)))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(
            Arc::new(token),
            crate::admin::api::require_token,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// A document as served, serialised once. Plain data with string keys:
/// serialising it cannot fail, but if it ever did the document would say
/// so rather than the server stop.
fn served(document: &utoipa::openapi::OpenApi) -> ApiDocument {
    let json = serde_json::to_vec(document).unwrap_or_else(|error| {
        tracing::error!(error = %error, "cannot serialise an OpenAPI document");
        br#"{"error":"the OpenAPI document could not be serialised"}"#.to_vec()
    });
    ApiDocument(json.into())
}

/// Every operation of a path.
fn operations_mut(
    item: &mut utoipa::openapi::PathItem,
) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        &mut item.get,
        &mut item.put,
        &mut item.post,
        &mut item.delete,
        &mut item.patch,
    ]
    .into_iter()
    .flatten()
}

/// The server's router: every route of [`api`], its document served at
/// `/openapi.json`, the guards around them, and `not_found` for the rest.
pub fn router(state: Arc<AppState>) -> Router {
    let (routes, document) = api().split_for_parts();
    routes
        .layer(Extension(served(&document)))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use axum::body::Body;
    use axum::extract::MatchedPath;
    use axum::http::{Method, Request, StatusCode};
    use std::sync::Mutex;
    use tower::ServiceExt;

    /// A server's state on a fresh SQLite file: no socket, no worker.
    async fn prepared() -> (tempfile::TempDir, crate::app::Prepared) {
        let dir = tempfile::tempdir().unwrap();
        let settings = crate::Settings {
            database_url: format!("sqlite://{}", dir.path().join("test.db").display()),
            ..crate::Settings::default()
        };
        let address = "127.0.0.1:8080".parse().unwrap();
        let prepared = crate::app::prepare(&settings, Clock::system(), address)
            .await
            .unwrap();
        (dir, prepared)
    }

    fn documented(document: &utoipa::openapi::OpenApi) -> Vec<(String, Method)> {
        let json = serde_json::to_value(document).unwrap();
        let mut routes = Vec::new();
        for (path, item) in json["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                if let Ok(method) = method.to_uppercase().parse::<Method>() {
                    routes.push((path.clone(), method));
                }
            }
        }
        routes
    }

    #[tokio::test]
    async fn every_documented_route_reaches_a_handler_of_that_path_and_method() {
        let (_dir, prepared) = prepared().await;
        let (routes, document) = api().split_for_parts();
        let matched: Arc<Mutex<Option<String>>> = Arc::default();
        let seen = matched.clone();
        let router = routes
            .layer(middleware::from_fn(
                move |request: axum::extract::Request, next: middleware::Next| {
                    let seen = seen.clone();
                    async move {
                        *seen.lock().unwrap() = request
                            .extensions()
                            .get::<MatchedPath>()
                            .map(|path| path.as_str().to_owned());
                        next.run(request).await
                    }
                },
            ))
            .layer(Extension(ApiDocument(
                serde_json::to_vec(&document).unwrap().into(),
            )))
            .with_state(prepared.state.clone());
        let routes = documented(&document);
        assert!(routes.len() >= 50, "only {} routes", routes.len());
        for (path, method) in routes {
            let concrete = path
                .replace("{id}", "x")
                .replace("{kind}", "password")
                .replace("{token}", "x.y");
            *matched.lock().unwrap() = None;
            let response = router
                .clone()
                .oneshot(
                    Request::builder()
                        .method(method.clone())
                        .uri(&concrete)
                        .header("content-type", "application/json")
                        .body(Body::from("{}"))
                        .unwrap(),
                )
                .await
                .unwrap();
            assert_ne!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
            assert_eq!(
                matched.lock().unwrap().as_deref(),
                Some(path.as_str()),
                "{method} {path}"
            );
        }
        let _ = prepared.stop.send(true);
    }

    /// The other way round: a route can only be added through a flow's
    /// `routes!`, which documents it; nothing in the server adds one by hand.
    #[test]
    fn no_route_is_added_outside_the_documented_list() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut pending = vec![root];
        let mut files = 0;
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                for forbidden in [
                    ".route(",
                    ".route_service(",
                    ".nest(",
                    ".nest_service(",
                    "Router::new()",
                ] {
                    assert!(
                        !text.contains(forbidden) || path.ends_with("app/routes.rs"),
                        "{} adds a route by hand ({forbidden})",
                        path.display()
                    );
                }
            }
        }
        assert!(files > 30);
    }

    #[test]
    fn the_openapi_document_lists_the_routes_clients_rely_on() {
        let doc = serde_json::to_value(api().into_openapi()).unwrap();
        for path in [
            "/v1/auth/start",
            "/v1/auth/resend",
            "/v1/auth/complete",
            "/v1/auth/refresh",
            "/v1/auth/logout",
            "/v1/me",
            "/v1/keys",
            "/ums/v2/users/otp/generate",
            "/ums/v2/users/otp/login",
            "/ums/v2/users/token/refresh",
            "/healthz",
            "/readyz",
            "/openapi.json",
            "/.well-known/jwks.json",
            "/v1/auth/whatsapp",
            "/v1/auth/whatsapp/wait",
            "/v1/webhooks/whatsapp",
            "/v1/patients",
            "/v1/samples/{id}/keys",
            "/v1/patients/{id}/accept",
            "/v1/patients/{id}/decline",
        ] {
            assert!(doc["paths"].get(path).is_some(), "{path} missing");
        }
        for schema in [
            "StartRequest",
            "ApiError",
            "ErrorCode",
            "Role",
            "SessionResponse",
        ] {
            assert!(
                doc["components"]["schemas"].get(schema).is_some(),
                "{schema} missing"
            );
        }
        assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
    }

    #[test]
    fn the_admin_routes_and_metrics_are_in_the_admin_document_only() {
        let public = serde_json::to_value(api().into_openapi()).unwrap();
        let admin = serde_json::to_value(admin_api().into_openapi()).unwrap();
        for path in public["paths"].as_object().unwrap().keys() {
            assert!(
                !path.starts_with("/admin") && path != "/metrics",
                "{path} is public"
            );
        }
        let paths = admin["paths"].as_object().unwrap();
        for path in [
            "/metrics",
            "/admin/openapi.json",
            "/admin/v1/users",
            "/admin/v1/users/{who}",
            "/admin/v1/users/{who}/disable",
            "/admin/v1/users/{who}/enable",
            "/admin/v1/sessions/revoke",
            "/admin/v1/unlock",
            "/admin/v1/queue",
            "/admin/v1/queue/dead",
            "/admin/v1/queue/retry",
            "/admin/v1/keys",
            "/admin/v1/keys/rotate",
        ] {
            assert!(paths.contains_key(path), "{path} missing");
        }
        for (path, item) in paths {
            for (method, operation) in item.as_object().unwrap() {
                if path != "/admin/openapi.json" {
                    assert!(
                        operation["responses"].get("401").is_some(),
                        "{method} {path} lacks 401"
                    );
                }
            }
        }
        assert!(
            admin["components"]["securitySchemes"]
                .get("admin_token")
                .is_some()
        );
    }

    /// Found by Schemathesis: a missing body answered 400 and a missing
    /// token 401 where the operation did not say it could.
    #[test]
    fn every_operation_documents_what_its_extractors_answer() {
        let doc = serde_json::to_value(api().into_openapi()).unwrap();
        let mut checked = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                let answers = &operation["responses"];
                if operation.get("requestBody").is_some() {
                    assert!(answers.get("400").is_some(), "{method} {path} lacks 400");
                    checked += 1;
                }
                if operation["security"]
                    .as_array()
                    .is_some_and(|list| !list.is_empty())
                {
                    assert!(answers.get("401").is_some(), "{method} {path} lacks 401");
                    checked += 1;
                }
            }
        }
        assert!(checked > 40, "{checked}");
    }

    #[tokio::test]
    async fn the_router_answers_without_a_socket_and_refuses_a_forged_bearer() {
        let (_dir, prepared) = prepared().await;
        let app = router(prepared.state.clone());
        let get = |uri: &str, bearer: Option<&str>| {
            let mut request = Request::builder().uri(uri).header("host", "127.0.0.1:8080");
            if let Some(token) = bearer {
                request = request.header("authorization", format!("Bearer {token}"));
            }
            request.body(Body::empty()).unwrap()
        };
        let health = app.clone().oneshot(get("/healthz", None)).await.unwrap();
        assert_eq!(health.status(), StatusCode::OK);
        let me = app
            .clone()
            .oneshot(get("/v1/me", Some("forged.token.here")))
            .await
            .unwrap();
        assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
        let body = axum::body::to_bytes(me.into_body(), 4096).await.unwrap();
        let error: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(error["code"], "invalid_token");
        let missing = app.clone().oneshot(get("/v1/nothing", None)).await.unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        let document = app
            .clone()
            .oneshot(get("/openapi.json", None))
            .await
            .unwrap();
        assert_eq!(document.status(), StatusCode::OK);
        let stranger = app
            .oneshot(
                Request::builder()
                    .uri("/v1/auth/channels")
                    .header("host", "attacker.example")
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(stranger.status(), StatusCode::BAD_REQUEST);
        let _ = prepared.stop.send(true);
    }
}
