//! What every route shares: the extractors (the caller, the client's
//! address, a JSON body), the guards every request passes (the `Host`
//! check, metrics and the request timeout), long polling, and the
//! operations endpoints.
//!
//! Invariant: an authenticated handler names a [`Caller`] among its
//! arguments, and that is the only place a bearer token is checked; every
//! rejection is a `{code, message}` [`ServiceError`].

pub mod connections;
pub mod operations;
pub mod pages;

use crate::error::ServiceError;
use crate::metrics::{RouteLabels, RouteOnly};
use crate::sessions;
use crate::state::AppState;
use crate::tokens::Claims;
use axum::Json;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, MatchedPath, Request, State};
use axum::http::{header, request::Parts};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

/// The state handlers take.
pub type Shared = State<Arc<AppState>>;

/// The router every flow adds its routes to, each with its OpenAPI
/// description.
pub type Routes = utoipa_axum::router::OpenApiRouter<Arc<AppState>>;

/// Paths answered whatever the `Host`: probes name servers by address,
/// and these say nothing secret and change nothing. (`/metrics` is on the
/// admin listener, which has no `Host` check: it is not for browsers.)
const ANY_HOST_PATHS: [&str; 2] = ["/healthz", "/readyz"];

/// Refuses a request whose `Host` (or HTTP/2 authority) is not one this
/// server answers for: a page on attacker.example that the attacker's DNS
/// points at 127.0.0.1 (DNS rebinding) reaches the port but names its own
/// host.
pub async fn check_host(State(state): Shared, request: Request, next: Next) -> Response {
    let Some(allowed) = &state.allowed_hosts else {
        return next.run(request).await;
    };
    if ANY_HOST_PATHS.contains(&request.uri().path()) {
        return next.run(request).await;
    }
    let named = request
        .uri()
        .authority()
        .map(|authority| authority.as_str().to_owned())
        .or_else(|| {
            request
                .headers()
                .get(header::HOST)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned)
        })
        .map(|host| host.trim().trim_end_matches('.').to_ascii_lowercase());
    match named {
        Some(host) if allowed.contains(&host) => next.run(request).await,
        _ => ServiceError::InvalidRequest("this server does not answer for that host name".into())
            .into_response(),
    }
}

/// Counts and times every request by route template, answers any request
/// not done within the request timeout, and logs it under its request id
/// (see [`request_id`]), which every line logged while it runs carries and
/// the answer sends back. The raw path is never logged: later routes (magic
/// links) carry secrets in it.
pub async fn observe(State(state): Shared, request: Request, next: Next) -> Response {
    use tracing::Instrument;
    let started = Instant::now();
    let method = crate::metrics::method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || String::from("unmatched"),
        |path| path.as_str().to_owned(),
    );
    let id = request_id(request.headers());
    let span = tracing::info_span!("request", id = %id);
    // A body sent too slowly holds its handler; past the request timeout
    // the request is answered and its connection's slot freed.
    let mut response = match tokio::time::timeout(
        state.request_timeout,
        next.run(request).instrument(span.clone()),
    )
    .await
    {
        Ok(response) => response,
        Err(_) => ServiceError::RequestTimeout.into_response(),
    };
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(carekey_api::REQUEST_ID_HEADER, value);
    }
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state
        .metrics
        .http_requests
        .get_or_create(&RouteLabels {
            method,
            route: route.clone(),
            status,
        })
        .inc();
    state
        .metrics
        .http_duration
        .get_or_create(&RouteOnly {
            route: route.clone(),
        })
        .observe(elapsed.as_secs_f64());
    span.in_scope(|| {
        tracing::info!(%method, %route, status, micros = elapsed.as_micros() as u64, "http request");
    });
    response
}

/// The id a request is logged under: the caller's `x-request-id` when it is
/// one this server writes into its logs as it is (1 to 64 letters, digits,
/// `-`, `_` or `.`: nothing that could break a log line or pass for another
/// field), else a new one. The caller's id is a label, never proof of
/// anything.
pub fn request_id(headers: &axum::http::HeaderMap) -> String {
    headers
        .get(carekey_api::REQUEST_ID_HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| {
            (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
        .map_or_else(|| uuid::Uuid::new_v4().to_string(), str::to_owned)
}

/// A JSON object body whose rejection is a `{code, message}` error like any
/// other. Only an object: serde would also read a struct from a JSON array
/// (`[null, null]`), which the document does not allow and no client sends.
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ServiceError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers()) {
            return Err(ServiceError::InvalidRequest(
                "the body must be JSON (Content-Type: application/json)".into(),
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ServiceError::InvalidRequest(rejection.body_text()))?;
        if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ServiceError::InvalidRequest(
                "the body must be a JSON object".into(),
            ));
        }
        match Json::<T>::from_bytes(&bytes) {
            Ok(Json(value)) => Ok(JsonBody(value)),
            Err(rejection) => Err(ServiceError::InvalidRequest(rejection.body_text())),
        }
    }
}

/// `application/json` or an `application/…+json` type, as axum's `Json`
/// accepts.
fn is_json(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// The client's address: the socket peer, or, when the peer is a trusted
/// proxy, the nearest untrusted address in `X-Forwarded-For`.
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<Arc<AppState>> for ClientIp {
    type Rejection = ServiceError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip());
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        Ok(ClientIp(client_ip(
            peer,
            &forwarded,
            &state.trusted_proxies,
        )))
    }
}

pub fn client_ip(peer: IpAddr, forwarded: &[&str], trusted: &[ipnet::IpNet]) -> IpAddr {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    if !is_trusted(&peer) {
        return peer;
    }
    let mut client = peer;
    for hop in forwarded.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(&ip) {
                    break;
                }
            }
            // A garbled entry ends the trusted chain.
            Err(_) => break,
        }
    }
    client
}

/// `Authorization: Bearer <access token>`, unchecked: handlers take a
/// [`Caller`], which checks it.
struct Bearer(String);

impl<S: Send + Sync> FromRequestParts<S> for Bearer {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| {
                value
                    .strip_prefix("Bearer ")
                    .or_else(|| value.strip_prefix("bearer "))
            })
            .map(|token| Bearer(token.trim().to_owned()))
            .ok_or(ServiceError::InvalidToken)
    }
}

/// Long polling: asks `poll` every half second while it answers a
/// "pending" error (`approval_pending`, `whatsapp_pending`), for up to
/// `wait_seconds` (at most 25). A server that stops answers "pending" at
/// once, so its clients ask again (and find it back, or another instance)
/// rather than being held while it closes its database.
pub async fn hold<T, Fut>(
    state: &AppState,
    wait_seconds: u32,
    mut poll: impl FnMut() -> Fut,
) -> Result<T, ServiceError>
where
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    let wait = std::time::Duration::from_secs(u64::from(
        wait_seconds.min(carekey_api::LONGEST_HOLD_SECONDS),
    ));
    let started = Instant::now();
    let mut stopping = state.stopping.clone();
    loop {
        match poll().await {
            Err(ServiceError::ApprovalPending | ServiceError::WhatsappPending)
                if started.elapsed() < wait && !*stopping.borrow() =>
            {
                tokio::select! {
                    () = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
                    _ = stopping.changed() => {}
                }
            }
            outcome => return outcome,
        }
    }
}

/// The authenticated caller: the claims of a bearer access token whose
/// session is still open. A missing, malformed, expired or revoked token is
/// `invalid_token` before the handler runs.
pub struct Caller(pub Claims);

impl FromRequestParts<Arc<AppState>> for Caller {
    type Rejection = ServiceError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Self::Rejection> {
        let Bearer(token) = Bearer::from_request_parts(parts, state).await?;
        sessions::authenticate(state, &token).await.map(Caller)
    }
}

/// Answers a request no route matched.
pub async fn not_found() -> ServiceError {
    ServiceError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_id_is_kept_only_when_it_cannot_forge_a_log_line() {
        let with = |id: &str| {
            let mut headers = axum::http::HeaderMap::new();
            headers.insert(
                carekey_api::REQUEST_ID_HEADER,
                header::HeaderValue::from_str(id).unwrap(),
            );
            request_id(&headers)
        };
        assert_eq!(
            with("3f2c1a9e-0b4d-4e7a-9c1f-2d3e4f5a6b7c"),
            "3f2c1a9e-0b4d-4e7a-9c1f-2d3e4f5a6b7c"
        );
        assert_eq!(with("lb.01_a"), "lb.01_a");
        for refused in ["", "a b", "id\" status=200", "x=1", &"a".repeat(65)] {
            let made = with(refused);
            assert_ne!(made, refused);
            assert!(uuid::Uuid::parse_str(&made).is_ok(), "{made}");
        }
        assert!(uuid::Uuid::parse_str(&request_id(&axum::http::HeaderMap::new())).is_ok());
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let trusted: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let stranger: IpAddr = "203.0.113.9".parse().unwrap();
        // A direct client cannot claim another address.
        assert_eq!(client_ip(stranger, &["198.51.100.1"], &trusted), stranger);
        // Behind our proxy, the nearest untrusted hop is the client.
        assert_eq!(
            client_ip(
                proxy,
                &["198.51.100.1", "203.0.113.9", "10.0.0.2"],
                &trusted
            ),
            stranger
        );
        assert_eq!(client_ip(proxy, &[], &trusted), proxy);
        assert_eq!(client_ip(proxy, &["garbage"], &trusted), proxy);
    }
}
