//! The HTTP API: routes, extractors, and per-request metrics.

pub mod connections;

use crate::clock::rfc3339;
use crate::error::ServiceError;
use crate::identity::Contact;
use crate::login::auth::{self, Flavor};
use crate::metrics::{RouteLabels, RouteOnly};
use crate::sessions;
use crate::state::AppState;
use axum::extract::rejection::JsonRejection;
use axum::extract::{
    ConnectInfo, FromRequest, FromRequestParts, MatchedPath, Path, Request, State,
};
use axum::http::{StatusCode, header, request::Parts};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use carekey_api::{
    ApiError, ApprovalRequest, AuditLog, Backup, BackupInfo, BackupKind, BackupUpload, Backups,
    BiotJwt, BiotLoginResponse, BiotOtpGenerateRequest, BiotOtpGenerateResponse,
    BiotOtpLoginRequest, BiotRefreshRequest, CareStatus, CompleteRequest, LogoutRequest, Patient,
    Patients, PhoneRequest, PhoneVerifyRequest, Profile, PublicKeyInfo, PublicKeyUpload,
    PublicKeys, RefreshRequest, ResendRequest, Sample, SampleKeysUpload, SampleUpload, Samples,
    SessionResponse, StartRequest, StartResponse, Transfer, TransferOffer, TransferUpload,
    WhatsappStartRequest, WhatsappStartResponse, WhatsappWaitRequest,
};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;
use utoipa::OpenApi;

type Shared = State<Arc<AppState>>;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/auth/start", post(start))
        .route("/v1/auth/resend", post(resend))
        .route("/v1/auth/complete", post(complete))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/me", get(me))
        .route("/v1/me/phone", post(add_phone))
        .route("/v1/me/phone/verify", post(verify_phone))
        .route("/v1/keys", get(list_keys).post(register_key))
        .route("/v1/keys/{id}", axum::routing::delete(revoke_key))
        .route("/v1/me/proof", post(start_proof))
        .route("/v1/me/proof/verify", post(verify_proof))
        .route("/v1/users/{id}/keys", get(user_keys))
        .route("/v1/me/backups", get(list_backups))
        .route("/v1/me/backups/{kind}", get(fetch_backup).put(store_backup))
        .route("/v1/me/audit", get(audit))
        .route("/v1/me/transfers", post(offer_transfer))
        .route("/v1/me/transfers/{id}/take", post(take_transfer))
        .route("/v1/samples", get(list_samples).post(create_sample))
        .route("/v1/samples/{id}", get(read_sample))
        .route("/v1/samples/{id}/keys", post(share_sample))
        .route("/v1/patients", get(list_patients))
        .route("/v1/patients/{id}/accept", post(accept_patient))
        .route("/v1/patients/{id}/decline", post(decline_patient))
        .route("/ums/v2/users/otp/generate", post(biot_generate))
        .route("/ums/v2/users/otp/login", post(biot_login))
        .route("/ums/v2/users/token/refresh", post(biot_refresh))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/openapi.json", get(openapi))
        .route("/.well-known/jwks.json", get(jwks))
        .route("/.well-known/assetlinks.json", get(assetlinks))
        .route(
            "/.well-known/apple-app-site-association",
            get(apple_app_site_association),
        )
        .route("/l/{token}", get(link_landing))
        .route("/l/{token}/approve", post(link_approve))
        .route("/v1/auth/approval", post(approval))
        .route("/v1/auth/channels", get(auth_channels))
        .route("/captcha", get(captcha_page))
        .route("/captcha/done", get(captcha_done))
        .route("/v1/auth/guest", post(guest_start))
        .route(
            "/v1/me/settings",
            get(user_settings).put(save_user_settings),
        )
        .route("/v1/me/guest", axum::routing::delete(close_guest))
        .route("/v1/auth/whatsapp", post(whatsapp_start))
        .route("/v1/auth/whatsapp/wait", post(whatsapp_wait))
        .route(
            "/v1/webhooks/whatsapp",
            get(whatsapp_handshake).post(whatsapp_webhook).layer(
                // Meta batches notifications; they stay far under this.
                axum::extract::DefaultBodyLimit::max(1024 * 1024),
            ),
        )
        .fallback(not_found)
        .layer(axum::extract::DefaultBodyLimit::max(16 * 1024))
        .layer(middleware::from_fn_with_state(state.clone(), check_host))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Paths answered whatever the `Host`: probes and scrapers name servers by
/// address, and these say nothing secret and change nothing.
const ANY_HOST_PATHS: [&str; 3] = ["/healthz", "/readyz", "/metrics"];

/// Refuses a request whose `Host` (or HTTP/2 authority) is not one this
/// server answers for: a page on attacker.example that the attacker's DNS
/// points at 127.0.0.1 (DNS rebinding) reaches the port but names its own
/// host.
async fn check_host(State(state): Shared, request: Request, next: Next) -> Response {
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

/// Counts and times every request by route template, and answers any request
/// not done within the request timeout. The raw path is never
/// logged: later routes (magic links) carry secrets in it.
async fn observe(State(state): Shared, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = crate::metrics::method_label(request.method());
    let route = request.extensions().get::<MatchedPath>().map_or_else(
        || String::from("unmatched"),
        |path| path.as_str().to_owned(),
    );
    // A body sent too slowly holds its handler; past the request timeout
    // the request is answered and its connection's slot freed.
    let response = match tokio::time::timeout(state.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ServiceError::RequestTimeout.into_response(),
    };
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
    tracing::debug!(%method, %route, status, micros = elapsed.as_micros() as u64, "http request");
    response
}

/// A JSON body whose rejection is a `{code, message}` error like any other.
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ServiceError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(ServiceError::InvalidRequest(rejection.body_text())),
        }
    }
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

/// `Authorization: Bearer <access token>`.
pub struct Bearer(pub String);

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

#[utoipa::path(post, path = "/v1/auth/start", tag = "auth",
    description = "Register (names and role given) or log in (identifier only). The answer has the same shape whether or not an account exists.",
    request_body = StartRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_request, invalid_email, invalid_phone, invalid_clinician, channel_unavailable"),
        (status = 403, body = ApiError, description = "captcha_failed"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
async fn start(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Body(request): Body<StartRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    auth::start(&state, &request, ip, user_agent)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/auth/resend", tag = "auth",
    description = "A new code for a pending request; the previous code stops working.",
    request_body = ResendRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 429, body = ApiError, description = "rate_limited (cooldown), too_many_attempts"),
    ))]
async fn resend(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Body(request): Body<ResendRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    crate::login::captcha::check(&state, request.captcha_token.as_ref(), ip).await?;
    auth::resend(&state, &request.request_id, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/auth/complete", tag = "auth",
    description = "Trade the code (or the magic link's secret) and the device verifier for a session.",
    request_body = CompleteRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired, invalid_link, invalid_request (neither or both of code and linkSecret)"),
        (status = 403, body = ApiError, description = "verifier_mismatch"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 409, body = ApiError, description = "code_used"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
async fn complete(
    State(state): Shared,
    Body(request): Body<CompleteRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    // A link's secret is its own proof, checked against the same budget of
    // tries as the code; a malformed one is refused without a look-up.
    let proof = match (&request.code, &request.link_secret) {
        (Some(code), None) => auth::Proof::Code(code.expose()),
        (None, Some(secret)) if crate::secrets::is_well_formed_link_secret(secret.expose()) => {
            auth::Proof::Link(secret.expose())
        }
        (None, Some(_)) => return Err(ServiceError::InvalidLink),
        _ => {
            return Err(ServiceError::InvalidRequest(
                "give either code or linkSecret".into(),
            ));
        }
    };
    let redeemed = auth::redeem(
        &state,
        Flavor::Native,
        &request.request_id,
        proof,
        Some(request.device_verifier.expose()),
    )
    .await?;
    Ok(Json(redeemed.issued.response(redeemed.is_new_user)))
}

#[utoipa::path(post, path = "/v1/auth/refresh", tag = "auth",
    description = "Trade a refresh token for a new pair. Each refresh token works once; reusing one after a few seconds revokes its session.",
    request_body = RefreshRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, body = ApiError, description = "invalid_token, token_reused"),
    ))]
async fn refresh(
    State(state): Shared,
    Body(request): Body<RefreshRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    let issued = sessions::refresh(&state, request.refresh_token.expose()).await?;
    Ok(Json(issued.response(false)))
}

#[utoipa::path(post, path = "/v1/auth/logout", tag = "auth",
    description = "End the session of the bearer access token (and of the refresh token given, if it is the same user's).",
    request_body = LogoutRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "logged out"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn logout(
    State(state): Shared,
    Bearer(token): Bearer,
    body: axum::body::Bytes,
) -> Result<StatusCode, ServiceError> {
    // The body is optional: an empty one means "this session only".
    let request: LogoutRequest = if body.iter().all(u8::is_ascii_whitespace) {
        LogoutRequest::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|error| ServiceError::InvalidRequest(error.to_string()))?
    };
    let claims = sessions::authenticate(&state, &token).await?;
    let refresh_token = request.refresh_token;
    sessions::logout(
        &state,
        &claims,
        refresh_token.as_ref().map(|token| token.expose()),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn me(State(state): Shared, Bearer(token): Bearer) -> Result<Json<Profile>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    let user = crate::accounts::by_id(state.db.reader(), &claims.sub)
        .await?
        .ok_or(ServiceError::InvalidToken)?;
    Ok(Json(user.profile()))
}

#[utoipa::path(post, path = "/v1/me/phone", tag = "account",
    description = "Send a code to a phone number the caller wants to log in with. A number given beside an email at registration is not proven and cannot log in until it is verified this way.",
    request_body = PhoneRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_phone, channel_unavailable"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 409, body = ApiError, description = "contact_taken: another account logs in with it"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
async fn add_phone(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Body(request): Body<PhoneRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    let guest = crate::accounts::by_id(state.db.reader(), &claims.sub)
        .await?
        .is_none_or(|user| user.guest);
    if guest {
        return Err(ServiceError::InvalidRequest(
            "a guest has no login to add a number to: create an account or log in first".into(),
        ));
    }
    crate::account::phone::start(&state, &claims, &request.phone, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/phone/verify", tag = "account",
    description = "Prove the number with its code: it becomes the caller's login by SMS.",
    request_body = PhoneVerifyRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Profile),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 409, body = ApiError, description = "code_used, contact_taken"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
async fn verify_phone(
    State(state): Shared,
    Bearer(token): Bearer,
    Body(request): Body<PhoneVerifyRequest>,
) -> Result<Json<Profile>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::account::phone::verify(
        &state,
        &claims.sub,
        &request.request_id,
        request.code.expose(),
    )
    .await
    .map(Json)
}

#[utoipa::path(post, path = "/v1/keys", tag = "keys",
    description = "Register a public key of the caller's (RSA-OAEP-SHA256, 2048 to 8192 bits, SPKI DER in base64). Registering it again changes nothing.",
    request_body = PublicKeyUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeyInfo),
        (status = 400, body = ApiError, description = "invalid_request"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn register_key(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Body(upload): Body<PublicKeyUpload>,
) -> Result<Json<PublicKeyInfo>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::public::register(&state, &claims, &upload, ip)
        .await
        .map(Json)
}

#[utoipa::path(delete, path = "/v1/keys/{id}", tag = "keys",
    description = "Revoke one of the caller's keys: it is no longer handed out nor accepted for new data. Needs a fresh proof; the account's contacts are told.",
    params(("id" = String, Path, description = "the key's fingerprint (keyId)")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeyInfo),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 403, body = ApiError, description = "fresh_proof_required"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
async fn revoke_key(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> Result<Json<PublicKeyInfo>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::public::revoke(&state, &claims, &id, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/proof", tag = "account",
    description = "Send a code to the account's own contact (its email, else its login phone), to prove the session's holder is the owner before a change that needs a fresh proof.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = StartResponse),
        (status = 400, body = ApiError, description = "invalid_request (no contact)"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts"),
    ))]
async fn start_proof(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
) -> Result<Json<StartResponse>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::account::proofs::start(&state, &claims, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/proof/verify", tag = "account",
    description = "Prove the code sent by /v1/me/proof: for the next few minutes this session may change the account's keys and phone.",
    request_body = PhoneVerifyRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "proven"),
        (status = 400, body = ApiError, description = "invalid_code (with attemptsLeft), code_expired"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
async fn verify_proof(
    State(state): Shared,
    Bearer(token): Bearer,
    Body(request): Body<PhoneVerifyRequest>,
) -> Result<StatusCode, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::account::proofs::verify(&state, &claims, &request.request_id, request.code.expose())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/v1/keys", tag = "keys",
    description = "The caller's public keys, oldest first.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeys),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn list_keys(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<Json<PublicKeys>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::public::own(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/users/{id}/keys", tag = "keys",
    description = "The public keys of a user the caller shares with: themselves, the clinician who accepted them, or (for a clinician) a patient he accepted. Anyone else is not found.",
    params(("id" = String, Path, description = "the user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = PublicKeys),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found"),
    ))]
async fn user_keys(
    State(state): Shared,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> Result<Json<PublicKeys>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::samples::keys_of(&state, &claims.sub, &id)
        .await
        .map(Json)
}

fn backup_kind(name: &str) -> Result<BackupKind, ServiceError> {
    BackupKind::parse(name).ok_or_else(|| {
        ServiceError::InvalidRequest("the backup kind is password or recovery".into())
    })
}

#[utoipa::path(get, path = "/v1/me/backups", tag = "backups",
    description = "Which key backups the caller has (without their envelopes).",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Backups),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn list_backups(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<Json<Backups>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::backups::list(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(put, path = "/v1/me/backups/{kind}", tag = "backups",
    description = "Store the caller's key backup envelope (sealed on the device; opaque here). With expectedVersion (0 for none yet), only over that version.",
    params(("kind" = BackupKind, Path, description = "password or recovery")),
    request_body = BackupUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = BackupInfo),
        (status = 400, body = ApiError, description = "invalid_request"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 409, body = ApiError, description = "version_conflict"),
    ))]
async fn store_backup(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Path(kind): Path<String>,
    Body(upload): Body<BackupUpload>,
) -> Result<Json<BackupInfo>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::backups::store(&state, &claims.sub, backup_kind(&kind)?, &upload, ip)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/me/backups/{kind}", tag = "backups",
    description = "The caller's key backup envelope. Limited per hour (backup_fetches_per_hour) and recorded in the caller's audit log.",
    params(("kind" = BackupKind, Path, description = "password or recovery")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Backup),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "no_backup"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
async fn fetch_backup(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Path(kind): Path<String>,
) -> Result<Json<Backup>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::backups::fetch(&state, &claims.sub, backup_kind(&kind)?, ip)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/me/audit", tag = "backups",
    description = "What was done with the caller's keys and backups, newest first.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = AuditLog),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn audit(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<Json<AuditLog>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::backups::audit(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/transfers", tag = "backups",
    description = "Leave the caller's key, sealed under a one-time secret shown on this device, for their new device: it waits key_transfer_ttl_seconds.",
    request_body = TransferUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = TransferOffer),
        (status = 400, body = ApiError, description = "invalid_request"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn offer_transfer(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Body(upload): Body<TransferUpload>,
) -> Result<Json<TransferOffer>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::backups::offer(&state, &claims.sub, &upload.envelope, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/me/transfers/{id}/take", tag = "backups",
    description = "Take a key transfer of the caller's: once, before it expires; it is deleted as it is taken.",
    params(("id" = String, Path, description = "the transfer id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Transfer),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "unknown_transfer: never made, another user's, or already taken"),
        (status = 410, body = ApiError, description = "transfer_expired"),
    ))]
async fn take_transfer(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> Result<Json<Transfer>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::backups::take(&state, &claims.sub, &id, ip)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/samples", tag = "samples",
    description = "Store an encrypted data sample of the caller's: ciphertext and its content key wrapped for the caller's and their responsible clinician's registered keys. No plaintext.",
    request_body = SampleUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Sample),
        (status = 400, body = ApiError, description = "invalid_request, invalid_recipient"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn create_sample(
    State(state): Shared,
    Bearer(token): Bearer,
    Body(upload): Body<SampleUpload>,
) -> Result<Json<Sample>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::samples::create(&state, &claims.sub, &upload)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/samples", tag = "samples",
    description = "The samples the caller may read (their own and those shared with them), newest first, each with the keys wrapped for the caller.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Samples),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn list_samples(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<Json<Samples>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::samples::list(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/samples/{id}", tag = "samples",
    params(("id" = String, Path, description = "the sample id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Sample),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (or not shared with the caller)"),
    ))]
async fn read_sample(
    State(state): Shared,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> Result<Json<Sample>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::samples::read(&state, &claims.sub, &id)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/samples/{id}/keys", tag = "samples",
    description = "Share one of the caller's samples with more registered keys (their own, or those of the clinician who accepted them): for notes written before he accepted, or before he had that key. Keys already there stay as they were.",
    params(("id" = String, Path, description = "the sample id")),
    request_body = SampleKeysUpload,
    security(("bearer" = [])),
    responses(
        (status = 200, body = Sample),
        (status = 400, body = ApiError, description = "invalid_request, invalid_recipient"),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (or not the caller's)"),
    ))]
async fn share_sample(
    State(state): Shared,
    Bearer(token): Bearer,
    Path(id): Path<String>,
    Body(upload): Body<SampleKeysUpload>,
) -> Result<Json<Sample>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::keys::samples::share(&state, &claims.sub, &id, &upload)
        .await
        .map(Json)
}

#[utoipa::path(get, path = "/v1/patients", tag = "care",
    description = "The patients who named the caller as their clinician, those waiting for an answer first. Naming a clinician is the patient's claim: nothing is shared with him until he accepts. Anyone but a clinician has none.",
    security(("bearer" = [])),
    responses(
        (status = 200, body = Patients),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn list_patients(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<Json<Patients>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::care::patients_of(&state, &claims.sub)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/patients/{id}/accept", tag = "care",
    description = "Accept a patient who named the caller: from now on her notes are shared with him and his keys are handed to her. Also takes back an earlier decline.",
    params(("id" = String, Path, description = "the patient's user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Patient),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (she did not name the caller)"),
    ))]
async fn accept_patient(
    State(state): Shared,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> Result<Json<Patient>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::care::answer(&state, &claims.sub, &id, CareStatus::Accepted)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/patients/{id}/decline", tag = "care",
    description = "Decline a patient who named the caller, or stop caring for one he accepted: nothing new is shared with him and his keys are no longer handed to her. Notes already shared stay readable to him.",
    params(("id" = String, Path, description = "the patient's user id")),
    security(("bearer" = [])),
    responses(
        (status = 200, body = Patient),
        (status = 401, body = ApiError, description = "invalid_token"),
        (status = 404, body = ApiError, description = "not_found (she did not name the caller)"),
    ))]
async fn decline_patient(
    State(state): Shared,
    Bearer(token): Bearer,
    Path(id): Path<String>,
) -> Result<Json<Patient>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::care::answer(&state, &claims.sub, &id, CareStatus::Declined)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/ums/v2/users/otp/generate", tag = "biot",
    description = "BioT-compatible: send a code by SMS to an existing user. Same answer for an unknown phone, and nothing is sent.",
    request_body = BiotOtpGenerateRequest,
    responses(
        (status = 200, body = BiotOtpGenerateResponse),
        (status = 400, body = ApiError, description = "invalid_phone"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
async fn biot_generate(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Body(request): Body<BiotOtpGenerateRequest>,
) -> Result<Json<BiotOtpGenerateResponse>, ServiceError> {
    let contact = Contact::phone(&request.phone)?;
    let asked = auth::Asked::by_device(ip, None, &contact);
    if state.channels.transport_for(asked.channel).is_none() {
        return Err(ServiceError::ChannelUnavailable("sms"));
    }
    if !state.captcha_exempt_biot {
        crate::login::captcha::check(&state, request.captcha_token.as_ref(), ip).await?;
    }
    let started = auth::begin(&state, Flavor::Biot, contact, None, None, asked).await?;
    Ok(Json(BiotOtpGenerateResponse {
        request_id: started.request_id,
        phone: started.contact.masked(),
    }))
}

fn biot_response(issued: sessions::Issued) -> BiotLoginResponse {
    BiotLoginResponse {
        user_id: issued.user.id,
        owner_organization_id: issued.user.group_id,
        access_jwt: BiotJwt {
            token: issued.access_token,
            expiration: rfc3339(issued.access_expires),
        },
        refresh_jwt: BiotJwt {
            token: issued.refresh_token,
            expiration: rfc3339(issued.refresh_expires),
        },
        mfa_required: false,
        mfa_expiration: None,
        password_reset_required: false,
        phone: issued.user.phone,
    }
}

#[utoipa::path(post, path = "/ums/v2/users/otp/login", tag = "biot",
    description = "BioT-compatible: trade the request id and code for JWTs.",
    request_body = BiotOtpLoginRequest,
    responses(
        (status = 200, body = BiotLoginResponse),
        (status = 400, body = ApiError, description = "invalid_code, code_expired"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 429, body = ApiError, description = "too_many_attempts"),
    ))]
async fn biot_login(
    State(state): Shared,
    Body(request): Body<BiotOtpLoginRequest>,
) -> Result<Json<BiotLoginResponse>, ServiceError> {
    let redeemed = auth::redeem(
        &state,
        Flavor::Biot,
        &request.request_id,
        auth::Proof::Code(request.code.expose()),
        None,
    )
    .await?;
    Ok(Json(biot_response(redeemed.issued)))
}

#[utoipa::path(post, path = "/ums/v2/users/token/refresh", tag = "biot",
    request_body = BiotRefreshRequest,
    responses(
        (status = 200, body = BiotLoginResponse),
        (status = 401, body = ApiError, description = "invalid_token, token_reused"),
    ))]
async fn biot_refresh(
    State(state): Shared,
    Body(request): Body<BiotRefreshRequest>,
) -> Result<Json<BiotLoginResponse>, ServiceError> {
    let issued = sessions::refresh(&state, request.refresh_token.expose()).await?;
    Ok(Json(biot_response(issued)))
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
    state
        .db
        .ping()
        .await
        .map_err(|error| ServiceError::Unavailable(format!("database: {error}")))?;
    Ok(Json(serde_json::json!({"status": "ready"})))
}

#[utoipa::path(get, path = "/metrics", tag = "operations", responses((status = 200, description = "Prometheus / OpenMetrics text")))]
async fn metrics(State(state): Shared) -> Response {
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

#[utoipa::path(get, path = "/l/{token}", tag = "links",
    description = "A magic link's landing page (HTML): \"Open CareKey\" and the code. It never logs anyone in; the app consumes the link with POST /v1/auth/complete.",
    params(("token" = String, Path, description = "<request id>.<link secret>")),
    responses(
        (status = 200, description = "the link is usable: the page offers the app and the code"),
        (status = 410, description = "used, replaced or expired"),
        (status = 404, description = "not a CareKey link"),
    ))]
async fn link_landing(
    State(state): Shared,
    Path(token): Path<String>,
) -> Result<Response, ServiceError> {
    crate::login::links::landing(&state, &token).await
}

#[utoipa::path(post, path = "/l/{token}/approve", tag = "links",
    description = "The landing page's approval form (number=<the number the starting device shows>): approves the login for the device that asked, which then receives its session from POST /v1/auth/approval. A wrong number approves nothing and spends one of the request's tries. The approving browser gets no tokens.",
    params(("token" = String, Path, description = "<request id>.<link secret>")),
    responses(
        (status = 200, description = "approved: the page says so"),
        (status = 410, description = "used, replaced or expired"),
        (status = 404, description = "not a CareKey link"),
    ))]
async fn link_approve(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Path(token): Path<String>,
    form: axum::body::Bytes,
) -> Result<Response, ServiceError> {
    // The form's one field: the number the starting device shows.
    let number = form_urlencoded::parse(&form)
        .find(|(name, _)| name == "number")
        .map(|(_, value)| value.trim().to_owned());
    crate::login::links::approve(&state, &token, number.as_deref(), ip).await
}

#[utoipa::path(post, path = "/v1/auth/approval", tag = "auth",
    description = "The device that asked waits for its login to be approved from another device (long polling: up to waitSeconds, at most 25). Only the verifier whose challenge was sent at start is answered.",
    request_body = ApprovalRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 403, body = ApiError, description = "verifier_mismatch"),
        (status = 404, body = ApiError, description = "unknown_request"),
        (status = 409, body = ApiError, description = "approval_pending (ask again), code_used"),
    ))]
async fn approval(
    State(state): Shared,
    Body(request): Body<ApprovalRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    let (state, request) = (&state, &request);
    let redeemed = hold(state, request.wait_seconds, move || {
        auth::redeem_approval(state, &request.request_id, request.device_verifier.expose())
    })
    .await?;
    Ok(Json(redeemed.issued.response(redeemed.is_new_user)))
}

/// Long polling: asks `poll` every half second while it answers a
/// "pending" error (`approval_pending`, `whatsapp_pending`), for up to
/// `wait_seconds` (at most 25). A server that stops answers "pending" at
/// once, so its clients ask again (and find it back, or another instance)
/// rather than being held while it closes its database.
async fn hold<T, Fut>(
    state: &AppState,
    wait_seconds: u32,
    mut poll: impl FnMut() -> Fut,
) -> Result<T, ServiceError>
where
    Fut: std::future::Future<Output = Result<T, ServiceError>>,
{
    let wait = std::time::Duration::from_secs(u64::from(wait_seconds.min(25)));
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

#[utoipa::path(get, path = "/.well-known/assetlinks.json", tag = "links", responses((status = 200, description = "Digital Asset Links: the Android app that opens this host's links (android_package, android_cert_fingerprints)")))]
async fn assetlinks(State(state): Shared) -> Json<serde_json::Value> {
    Json(state.app_links.assetlinks())
}

#[utoipa::path(get, path = "/.well-known/apple-app-site-association", tag = "links", responses((status = 200, description = "the iOS apps that open /l/* links (apple_app_ids)")))]
async fn apple_app_site_association(State(state): Shared) -> Json<serde_json::Value> {
    Json(state.app_links.apple_app_site_association())
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[utoipa::path(get, path = "/v1/auth/channels", tag = "auth",
    description = "How this server can send codes: the app offers only these.",
    responses((status = 200, body = carekey_api::AuthChannels)))]
async fn auth_channels(State(state): Shared) -> Json<carekey_api::AuthChannels> {
    use crate::outbound::messages::Channel;
    let has = |channel| state.channels.transport_for(channel).is_some();
    Json(carekey_api::AuthChannels {
        email: has(Channel::Email),
        sms: has(Channel::Sms),
        whatsapp: has(Channel::Whatsapp) && state.whatsapp.is_some(),
        captcha: state
            .captcha
            .as_ref()
            .map(crate::login::captcha::Captcha::challenge),
    })
}

#[utoipa::path(get, path = "/captcha", tag = "auth",
    description = "With captcha on: the page that shows the provider's widget (for the app's captcha window); it ends by going to /captcha/done?token=…, which the app intercepts. Not found with captcha off.",
    responses(
        (status = 200, description = "the page (HTML; CSP: its own nonce and the widget's origin only)"),
        (status = 404, body = ApiError, description = "not_found (captcha is off)"),
    ))]
async fn captcha_page(State(state): Shared) -> Response {
    crate::login::captcha::page_response(&state)
}

#[utoipa::path(get, path = "/captcha/done", tag = "auth",
    description = "Where the captcha page goes once solved; the app takes the token from that navigation before it is made. Reached in a browser, it only says the window may close (the token is not read).",
    responses((status = 200, description = "a page saying the window may close")))]
async fn captcha_done() -> Response {
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

#[utoipa::path(post, path = "/v1/auth/whatsapp", tag = "auth",
    description = "Log in (or register) with WhatsApp: a reference and the wa.me link of the message that carries it. The person's number comes from WhatsApp when they send it.",
    request_body = WhatsappStartRequest,
    responses(
        (status = 200, body = WhatsappStartResponse),
        (status = 400, body = ApiError, description = "invalid_request, invalid_clinician, channel_unavailable (no WhatsApp number on this server)"),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
async fn whatsapp_start(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    headers: axum::http::HeaderMap,
    Body(request): Body<WhatsappStartRequest>,
) -> Result<Json<WhatsappStartResponse>, ServiceError> {
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|value| value.to_str().ok());
    crate::login::whatsapp::start(&state, &request, ip, user_agent)
        .await
        .map(Json)
}

#[utoipa::path(post, path = "/v1/auth/whatsapp/wait", tag = "auth",
    description = "The device that asked waits for the person's WhatsApp message (long polling, up to waitSeconds, at most 25). Then the login goes on as any other: the link in the bot's reply, its approval, or the code typed on this device.",
    request_body = WhatsappWaitRequest,
    responses(
        (status = 200, body = StartResponse),
        (status = 403, body = ApiError, description = "verifier_mismatch"),
        (status = 404, body = ApiError, description = "unknown_request (unknown or expired reference)"),
        (status = 409, body = ApiError, description = "whatsapp_pending (ask again)"),
        (status = 429, body = ApiError, description = "rate_limited, too_many_attempts (the login could not start)"),
    ))]
async fn whatsapp_wait(
    State(state): Shared,
    Body(request): Body<WhatsappWaitRequest>,
) -> Result<Json<StartResponse>, ServiceError> {
    let (state, request) = (&state, &request);
    hold(state, request.wait_seconds, move || {
        crate::login::whatsapp::wait(state, request)
    })
    .await
    .map(Json)
}

#[derive(serde::Deserialize)]
struct Handshake {
    #[serde(rename = "hub.mode")]
    mode: Option<String>,
    #[serde(rename = "hub.verify_token")]
    verify_token: Option<String>,
    #[serde(rename = "hub.challenge")]
    challenge: Option<String>,
}

#[utoipa::path(get, path = "/v1/webhooks/whatsapp", tag = "webhooks",
    description = "WhatsApp Cloud API verification handshake: answers hub.challenge when hub.mode is subscribe and hub.verify_token is whatsapp_verify_token.",
    responses(
        (status = 200, description = "hub.challenge, as text"),
        (status = 401, body = ApiError, description = "invalid_signature (wrong token)"),
    ))]
async fn whatsapp_handshake(
    State(state): Shared,
    axum::extract::Query(query): axum::extract::Query<Handshake>,
) -> Result<String, ServiceError> {
    crate::login::whatsapp::handshake(
        &state,
        query.mode.as_deref(),
        query.verify_token.as_deref(),
        query.challenge.as_deref(),
    )
}

#[utoipa::path(post, path = "/v1/webhooks/whatsapp", tag = "webhooks",
    description = "WhatsApp Cloud API notifications. X-Hub-Signature-256 (HMAC-SHA256 of the raw body under whatsapp_app_secret) is checked before the body is read. A message carrying a valid reference starts that device's login and the bot replies with the link; any other message gets a help reply and creates nothing.",
    responses(
        (status = 200, description = "received"),
        (status = 401, body = ApiError, description = "invalid_signature"),
        (status = 400, body = ApiError, description = "invalid_request (signed, but not a notification)"),
    ))]
async fn whatsapp_webhook(
    State(state): Shared,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Result<&'static str, ServiceError> {
    let signature = headers
        .get("x-hub-signature-256")
        .and_then(|value| value.to_str().ok());
    crate::login::whatsapp::receive(&state, signature, &body).await?;
    Ok("EVENT_RECEIVED")
}

#[utoipa::path(post, path = "/v1/auth/guest", tag = "auth",
    description = "An anonymous guest account and its session, before any login: its notes and preferences have an owner. Logging in later on the same device carries them into the real account (the device re-encrypts the notes), then closes the guest with DELETE /v1/me/guest.",
    request_body = carekey_api::GuestRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 429, body = ApiError, description = "rate_limited"),
    ))]
async fn guest_start(
    State(state): Shared,
    ClientIp(ip): ClientIp,
    Body(request): Body<carekey_api::GuestRequest>,
) -> Result<Json<SessionResponse>, ServiceError> {
    crate::login::captcha::check(&state, request.captcha_token.as_ref(), ip).await?;
    let issued = crate::account::guests::start(&state, ip).await?;
    Ok(Json(issued.response(true)))
}

#[utoipa::path(get, path = "/v1/me/settings", tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, body = carekey_api::UserSettings),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn user_settings(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<Json<carekey_api::UserSettings>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
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
async fn save_user_settings(
    State(state): Shared,
    Bearer(token): Bearer,
    Body(settings): Body<carekey_api::UserSettings>,
) -> Result<Json<carekey_api::UserSettings>, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::account::guests::save_settings(&state, &claims.sub, &settings)
        .await
        .map(Json)
}

#[utoipa::path(delete, path = "/v1/me/guest", tag = "account",
    description = "Closes the caller's guest account (its notes, keys, preferences, sessions), once the device has carried them into the real account. Refused for a real account.",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "closed"),
        (status = 400, body = ApiError, description = "invalid_request (not a guest)"),
        (status = 401, body = ApiError, description = "invalid_token"),
    ))]
async fn close_guest(
    State(state): Shared,
    Bearer(token): Bearer,
) -> Result<StatusCode, ServiceError> {
    let claims = sessions::authenticate(&state, &token).await?;
    crate::account::guests::close(&state, &claims.sub).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn not_found() -> ServiceError {
    ServiceError::NotFound
}

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

#[derive(OpenApi)]
#[openapi(
    info(title = "CareKey Server", description = "Passwordless registration and login by one-time codes."),
    paths(start, resend, complete, refresh, logout, me, add_phone, verify_phone, start_proof, verify_proof, register_key, revoke_key, list_keys, user_keys, list_backups, store_backup, fetch_backup, audit, offer_transfer, take_transfer, create_sample, list_samples, read_sample, share_sample, list_patients, accept_patient, decline_patient, biot_generate, biot_login, biot_refresh, healthz, readyz, metrics, jwks, link_landing, link_approve, approval, assetlinks, apple_app_site_association, auth_channels, captcha_page, captcha_done, whatsapp_start, whatsapp_wait, whatsapp_handshake, whatsapp_webhook, guest_start, user_settings, save_user_settings, close_guest),
    components(schemas(ApiError, carekey_api::ErrorCode, carekey_api::Role)),
    modifiers(&BearerScheme),
)]
pub struct ApiDoc;

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn the_openapi_document_lists_every_route() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
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
            "/metrics",
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
        assert!(doc["components"]["schemas"].get("StartRequest").is_some());
    }
}
