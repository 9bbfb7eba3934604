//! A local server speaking Twilio's Messages API as documented, for the
//! tests of SMS delivery: it checks the account's basic auth and the form,
//! answers as Twilio does (201 with the message resource, 400 with Twilio's
//! error codes for a bad or refused number), and can be taken down.

use super::serve;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine;
use serde_json::json;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
pub const TOKEN: &str = "twilio-auth-token";

/// Twilio's Messages resource as documented: basic auth with the account SID
/// and auth token, form-encoded To/From/Body, 201 with the message resource.
#[derive(Clone, Default)]
pub struct FakeTwilio {
    pub down: Arc<AtomicBool>,
    pub attempts: Arc<AtomicUsize>,
    pub accepted: Arc<Mutex<Vec<HashMap<String, String>>>>,
}

async fn twilio_messages(
    State(twilio): State<FakeTwilio>,
    Path(account): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> impl IntoResponse {
    twilio.attempts.fetch_add(1, Ordering::SeqCst);
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{ACCOUNT}:{TOKEN}"))
    );
    if account != ACCOUNT
        || headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&expected)
    {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"code": 20003, "message": "Authenticate", "status": 401})),
        );
    }
    if twilio.down.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"code": 20503, "message": "Service unavailable", "status": 503})),
        );
    }
    let to = form.get("To").cloned().unwrap_or_default();
    if !form.contains_key("Body") || !form.contains_key("From") || !to.starts_with('+') {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"code": 21604, "message": "A 'To' phone number is required.", "status": 400}),
            ),
        );
    }
    if to.ends_with("0000") {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"code": 21211, "message": format!("The 'To' number {to} is not a valid phone number."), "status": 400}),
            ),
        );
    }
    let sid = format!("SM{}", uuid::Uuid::new_v4().simple());
    twilio.accepted.lock().unwrap().push(form.clone());
    (
        StatusCode::CREATED,
        Json(json!({
            "sid": sid,
            "account_sid": ACCOUNT,
            "to": to,
            "from": form.get("From"),
            "body": form.get("Body"),
            "status": "queued",
            "num_segments": "1",
            "direction": "outbound-api",
            "api_version": "2010-04-01",
            "uri": format!("/2010-04-01/Accounts/{ACCOUNT}/Messages/{sid}.json"),
        })),
    )
}

pub async fn start_twilio() -> (FakeTwilio, String) {
    let twilio = FakeTwilio::default();
    let router = Router::new()
        .route(
            "/2010-04-01/Accounts/{account}/Messages.json",
            post(twilio_messages),
        )
        .with_state(twilio.clone());
    (twilio, serve(router).await)
}

pub fn with_twilio(settings: &mut carekey_server::Settings, base: &str) {
    settings.channel = "twilio,outbox".into();
    settings.twilio_base_url = base.into();
    settings.twilio_account_sid = Some(ACCOUNT.into());
    settings.twilio_auth_token = Some(TOKEN.into());
    settings.twilio_from = Some("+15005550006".into());
}

impl FakeTwilio {
    pub fn bodies_to(&self, to: &str) -> Vec<String> {
        self.accepted
            .lock()
            .unwrap()
            .iter()
            .filter(|form| form.get("To").map(String::as_str) == Some(to))
            .filter_map(|form| form.get("Body").cloned())
            .collect()
    }

    pub async fn wait_for(&self, to: &str, count: usize) -> Vec<String> {
        for _ in 0..500 {
            let bodies = self.bodies_to(to);
            if bodies.len() >= count {
                return bodies;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("Twilio did not get {count} message(s) for {to}");
    }
}
