//! Log in with WhatsApp against a real server on port 0 (SQLite and
//! PostgreSQL) and a local server that speaks the WhatsApp Cloud API's
//! messages endpoint: the verification handshake; webhook posts signed as
//! Meta signs them (and forged ones, refused before anything is created);
//! the bot's reply with the link; help for messages without a valid
//! reference; the business-initiated code as an authentication template;
//! the Cloud API down, then back.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use axum::{Json, Router};
use common::{Backend, Device, TestServer, serve, unique_phone};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

on_both_databases!(
    the_handshake_answers_only_our_verify_token,
    a_whatsapp_message_registers_and_logs_in_the_device_that_asked,
    messages_without_a_valid_reference_get_help_and_create_nothing,
    a_code_sent_unasked_is_an_authentication_template,
    the_cloud_api_down_delays_the_reply_and_loses_nothing,
    a_server_without_whatsapp_says_so,
    a_login_the_limits_refuse_is_told_to_the_device,
    an_indonesian_whatsapp_user_gets_indonesian_replies_and_template_language_id,
);

const PHONE_NUMBER_ID: &str = "106540352242922";
const ACCESS_TOKEN: &str = "cloud-api-access-token";
const APP_SECRET: &str = "meta-app-secret-of-the-tests";
const VERIFY_TOKEN: &str = "verify-me";
const BOT: &str = "+15550001111";

/// The Cloud API's `POST /<version>/<phone number id>/messages` as
/// documented: a bearer token, JSON with `messaging_product: whatsapp`,
/// `to` as digits, `type` text or template; `200` with the message id.
#[derive(Clone, Default)]
struct FakeCloudApi {
    down: Arc<AtomicBool>,
    accepted: Arc<Mutex<Vec<Value>>>,
}

async fn cloud_messages(
    State(cloud): State<FakeCloudApi>,
    Path((version, number_id)): Path<(String, String)>,
    headers: HeaderMap,
    Json(message): Json<Value>,
) -> impl IntoResponse {
    let bearer = format!("Bearer {ACCESS_TOKEN}");
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&bearer) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190, "fbtrace_id": "A"}}),
            ),
        );
    }
    if cloud.down.load(Ordering::SeqCst) {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"error": {"message": "Service temporarily unavailable", "type": "OAuthException", "code": 2, "fbtrace_id": "B"}}),
            ),
        );
    }
    let to = message["to"].as_str().unwrap_or_default().to_owned();
    let well_formed = version == "v21.0"
        && number_id == PHONE_NUMBER_ID
        && message["messaging_product"] == "whatsapp"
        && !to.is_empty()
        && to.bytes().all(|b| b.is_ascii_digit())
        && match message["type"].as_str() {
            Some("text") => message["text"]["body"].is_string(),
            Some("template") => message["template"]["name"].is_string(),
            _ => false,
        };
    if !well_formed {
        return (
            StatusCode::BAD_REQUEST,
            Json(
                json!({"error": {"message": "(#100) Invalid parameter", "type": "OAuthException", "code": 100, "fbtrace_id": "C"}}),
            ),
        );
    }
    cloud.accepted.lock().unwrap().push(message);
    (
        StatusCode::OK,
        Json(json!({
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": format!("wamid.{}", uuid::Uuid::new_v4().simple())}],
        })),
    )
}

impl FakeCloudApi {
    async fn start() -> (Self, String) {
        let cloud = FakeCloudApi::default();
        let router = Router::new()
            .route("/{version}/{number_id}/messages", post(cloud_messages))
            .with_state(cloud.clone());
        (cloud, format!("{}/v21.0", serve(router).await))
    }

    fn sent_to(&self, phone: &str) -> Vec<Value> {
        let digits = phone.trim_start_matches('+');
        self.accepted
            .lock()
            .unwrap()
            .iter()
            .filter(|message| message["to"] == digits)
            .cloned()
            .collect()
    }

    async fn wait_for(&self, phone: &str, count: usize) -> Vec<Value> {
        for _ in 0..500 {
            let sent = self.sent_to(phone);
            if sent.len() >= count {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("{phone} did not get {count} WhatsApp message(s)");
    }
}

fn with_whatsapp(settings: &mut carekey_server::Settings, base: &str) {
    settings.channel = "whatsapp,outbox".into();
    settings.whatsapp_base_url = base.into();
    settings.whatsapp_phone_number_id = Some(PHONE_NUMBER_ID.into());
    settings.whatsapp_access_token = Some(ACCESS_TOKEN.into());
    settings.whatsapp_bot_number = Some(BOT.into());
    settings.whatsapp_app_secret = Some(APP_SECRET.into());
    settings.whatsapp_verify_token = Some(VERIFY_TOKEN.into());
}

/// A notification as the Cloud API posts it for one text message.
fn notification(from: &str, message_id: &str, text: &str) -> Vec<u8> {
    json!({
        "object": "whatsapp_business_account",
        "entry": [{
            "id": "102290129340398",
            "changes": [{
                "field": "messages",
                "value": {
                    "messaging_product": "whatsapp",
                    "metadata": {"display_phone_number": "15550001111", "phone_number_id": PHONE_NUMBER_ID},
                    "contacts": [{"profile": {"name": "Kerry Fisher"}, "wa_id": from.trim_start_matches('+')}],
                    "messages": [{
                        "from": from.trim_start_matches('+'),
                        "id": message_id,
                        "timestamp": "1763800000",
                        "type": "text",
                        "text": {"body": text}
                    }]
                }
            }]
        }]
    })
    .to_string()
    .into_bytes()
}

fn sign(secret: &str, body: &[u8]) -> String {
    carekey_server::webhook_signature(secret.as_bytes(), body)
}

fn new_message_id() -> String {
    format!("wamid.{}", uuid::Uuid::new_v4().simple())
}

impl TestServer {
    async fn post_webhook(&self, body: Vec<u8>, signature: Option<String>) -> common::Answer {
        let mut request = self
            .http
            .post(self.url("/v1/webhooks/whatsapp"))
            .header("content-type", "application/json")
            .body(body);
        if let Some(signature) = signature {
            request = request.header("x-hub-signature-256", signature);
        }
        self.send(request).await
    }

    /// Posts a text from `from`, signed as Meta signs it.
    async fn whatsapp_text(&self, from: &str, text: &str) -> common::Answer {
        let body = notification(from, &new_message_id(), text);
        let signature = sign(APP_SECRET, &body);
        self.post_webhook(body, Some(signature)).await
    }

    async fn whatsapp_start(&self, device: &Device, mut body: Value) -> common::Answer {
        body["deviceChallenge"] = json!(device.challenge());
        self.post("/v1/auth/whatsapp", &body).await
    }

    async fn whatsapp_wait(&self, device: &Device, reference: &str) -> common::Answer {
        self.post(
            "/v1/auth/whatsapp/wait",
            &json!({"reference": reference, "deviceVerifier": device.verifier}),
        )
        .await
    }
}

/// The link and the code in a chat reply.
fn link_and_code(message: &Value) -> (String, String, String) {
    assert_eq!(
        message["type"], "text",
        "a chat reply is free text: {message}"
    );
    let body = message["text"]["body"].as_str().unwrap();
    let link = regex::Regex::new(r"https://auth\.carekey\.test/l/([0-9a-f-]{36})\.([a-z2-7]{32})")
        .unwrap();
    let found = link
        .captures(body)
        .unwrap_or_else(|| panic!("no link in {body}"));
    let code = regex::Regex::new(r"\b(\d{6})\b")
        .unwrap()
        .captures(body)
        .unwrap()[1]
        .to_owned();
    (found[1].to_owned(), found[2].to_owned(), code)
}

async fn the_handshake_answers_only_our_verify_token(backend: Backend) {
    let (_cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| with_whatsapp(s, &base)).await;
    let answer = server
        .get(
            "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444",
            None,
        )
        .await;
    assert_eq!(
        (answer.status, answer.body.clone()),
        (200, json!(1158201444))
    );
    server
        .get(
            "/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1",
            None,
        )
        .await
        .error(401, "invalid_signature");
    server
        .get(
            "/v1/webhooks/whatsapp?hub.mode=unsubscribe&hub.verify_token=verify-me&hub.challenge=1",
            None,
        )
        .await
        .error(401, "invalid_signature");
    server.stop().await;
}

async fn a_whatsapp_message_registers_and_logs_in_the_device_that_asked(backend: Backend) {
    let (cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| with_whatsapp(s, &base)).await;
    let channels = server.get("/v1/auth/channels", None).await;
    assert_eq!(channels.ok()["whatsapp"], true);
    let phone = unique_phone();

    // A clinician registers: names and role now, the number from WhatsApp.
    let laptop = Device::new();
    let started = server
        .whatsapp_start(
            &laptop,
            json!({"firstName": "Kerry", "lastName": "Fisher", "role": "clinician", "deviceName": "CareKey on Linux"}),
        )
        .await;
    let started = started.ok().clone();
    let reference = started["reference"].as_str().unwrap().to_owned();
    assert_eq!(
        started["text"],
        format!("Request login, authenticate me. {reference}")
    );
    assert_eq!(
        started["waLink"],
        format!(
            "https://wa.me/15550001111?text=Request%20login%2C%20authenticate%20me%2E%20{}",
            reference.replace('-', "%2D")
        )
    );
    assert_eq!(started["botNumber"], BOT);
    server
        .whatsapp_wait(&laptop, &reference)
        .await
        .error(409, "whatsapp_pending");

    // Forged posts are refused before anything is read or created.
    let requests_before = server.count("auth_requests").await;
    let body = notification(&phone, &new_message_id(), started["text"].as_str().unwrap());
    server
        .post_webhook(body.clone(), Some(sign("not-the-secret", &body)))
        .await
        .error(401, "invalid_signature");
    server
        .post_webhook(body.clone(), None)
        .await
        .error(401, "invalid_signature");
    let mut tampered = body.clone();
    let at = tampered.len() - 10;
    tampered[at] ^= 1;
    server
        .post_webhook(tampered, Some(sign(APP_SECRET, &body)))
        .await
        .error(401, "invalid_signature");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(cloud.sent_to(&phone).is_empty());
    assert_eq!(server.count("auth_requests").await, requests_before);
    server
        .whatsapp_wait(&laptop, &reference)
        .await
        .error(409, "whatsapp_pending");

    // The real message: the bot replies with the link; the device learns its request.
    let signature = sign(APP_SECRET, &body);
    let answer = server
        .post_webhook(body.clone(), Some(signature.clone()))
        .await;
    assert_eq!(answer.status, 200);
    let reply = cloud.wait_for(&phone, 1).await;
    let (request_id, secret, _code) = link_and_code(&reply[0]);
    // Meta delivers the same message again: it acts once.
    server.post_webhook(body, Some(signature)).await.ok();
    server
        .whatsapp_wait(&Device::new(), &reference)
        .await
        .error(403, "verifier_mismatch");
    let waited = server.whatsapp_wait(&laptop, &reference).await;
    assert_eq!(waited.ok()["requestId"], request_id);
    assert!(
        waited.ok()["login"]
            .as_str()
            .unwrap()
            .ends_with(&phone[phone.len() - 2..])
    );
    let session = server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "linkSecret": secret, "deviceVerifier": laptop.verifier}),
        )
        .await;
    assert_eq!(session.ok()["isNewUser"], true);
    let user_id = session.ok()["userId"].as_str().unwrap().to_owned();
    let token = session.ok()["accessToken"].as_str().unwrap().to_owned();
    let me = server.get("/v1/me", Some(&token)).await;
    assert_eq!(me.ok()["phone"], phone.as_str());
    assert_eq!(me.ok()["phoneVerified"], true);
    assert_eq!(me.ok()["firstName"], "Kerry");
    // The same reference again (a new message): used, so help, nothing new.
    server
        .whatsapp_text(&phone, started["text"].as_str().unwrap())
        .await
        .ok();
    let replies = cloud.wait_for(&phone, 2).await;
    assert!(
        replies[1]["text"]["body"]
            .as_str()
            .unwrap()
            .contains("Log in with WhatsApp")
    );
    assert_eq!(
        cloud.sent_to(&phone).len(),
        2,
        "the redelivery sent nothing"
    );

    // Later, on a phone: a login, the code typed this time.
    let phone_device = Device::new();
    let login = server.whatsapp_start(&phone_device, json!({})).await;
    let text = login.ok()["text"].as_str().unwrap().to_owned();
    let reference = login.ok()["reference"].as_str().unwrap().to_owned();
    // People edit messages: the reference still counts.
    server
        .whatsapp_text(&phone, &format!("hello, {}", text.to_lowercase()))
        .await
        .ok();
    let replies = cloud.wait_for(&phone, 3).await;
    let (request_id, _, code) = link_and_code(&replies[2]);
    assert_eq!(
        server.whatsapp_wait(&phone_device, &reference).await.ok()["requestId"],
        request_id
    );
    let session = server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "code": code, "deviceVerifier": phone_device.verifier}),
        )
        .await;
    assert_eq!(session.ok()["userId"], user_id.as_str());
    assert_eq!(session.ok()["isNewUser"], false);

    // A number without an account that asks to log in is told so in the chat;
    // the device sees the same answer as for anyone, and no code works.
    let stranger = unique_phone();
    let device = Device::new();
    let login = server.whatsapp_start(&device, json!({})).await;
    let reference = login.ok()["reference"].as_str().unwrap().to_owned();
    server
        .whatsapp_text(&stranger, login.ok()["text"].as_str().unwrap())
        .await
        .ok();
    let told = cloud.wait_for(&stranger, 1).await;
    assert!(
        told[0]["text"]["body"]
            .as_str()
            .unwrap()
            .contains("No CareKey account")
    );
    let waited = server.whatsapp_wait(&device, &reference).await;
    let request_id = waited.ok()["requestId"].as_str().unwrap().to_owned();
    server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "code": "123456", "deviceVerifier": device.verifier}),
        )
        .await
        .error(400, "invalid_code");
    server.stop().await;
}

async fn messages_without_a_valid_reference_get_help_and_create_nothing(backend: Backend) {
    let (cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| {
        with_whatsapp(s, &base);
        s.whatsapp_reference_ttl_seconds = 300;
    })
    .await;
    let phone = unique_phone();
    let requests = server.count("auth_requests").await;
    server.whatsapp_text(&phone, "hello").await.ok();
    server
        .whatsapp_text(&phone, "Request login, authenticate me. CK-ABCDEFGHJK")
        .await
        .ok();
    // An expired reference is no reference. The two replies are delivered
    // first: the clock's jump would otherwise end their delivery's lease
    // while a slow machine still sends them, and they would go again.
    cloud.wait_for(&phone, 2).await;
    for _ in 0..500 {
        if server.count("message_jobs").await == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        server.count("message_jobs").await,
        0,
        "the replies were delivered"
    );
    let device = Device::new();
    let login = server.whatsapp_start(&device, json!({})).await;
    let reference = login.ok()["reference"].as_str().unwrap().to_owned();
    server.advance(301);
    server
        .whatsapp_text(&phone, login.ok()["text"].as_str().unwrap())
        .await
        .ok();
    let replies = cloud.wait_for(&phone, 3).await;
    for reply in &replies {
        let body = reply["text"]["body"].as_str().unwrap();
        assert!(body.contains("Log in with WhatsApp"), "{body}");
        assert!(!body.contains("https://"), "{body}");
    }
    assert_eq!(server.count("auth_requests").await, requests);
    server
        .whatsapp_wait(&device, &reference)
        .await
        .error(404, "unknown_request");
    // Signed but not a notification: refused, nothing created.
    let body = b"{\"entry\": 5}".to_vec();
    let signature = sign(APP_SECRET, &body);
    server
        .post_webhook(body, Some(signature))
        .await
        .error(400, "invalid_request");
    // Status updates carry no messages: received, nothing sent.
    let statuses = json!({"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp", "statuses": [{"id": "wamid.X", "status": "delivered", "recipient_id": "32470000000"}]}}]}]}).to_string().into_bytes();
    let signature = sign(APP_SECRET, &statuses);
    server.post_webhook(statuses, Some(signature)).await.ok();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(cloud.sent_to(&phone).len(), 3);
    // A malformed start is refused with a reason.
    server
        .whatsapp_start(&device, json!({"firstName": "Only"}))
        .await
        .error(400, "invalid_request");
    server
        .post("/v1/auth/whatsapp", &json!({"deviceChallenge": "short"}))
        .await
        .error(400, "invalid_request");
    server
        .whatsapp_start(
            &device,
            json!({"firstName": "P", "lastName": "Q", "role": "patient", "responsibleClinicianId": uuid::Uuid::new_v4().to_string()}),
        )
        .await
        .error(400, "invalid_clinician");
    server.stop().await;
}

async fn a_code_sent_unasked_is_an_authentication_template(backend: Backend) {
    let (cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| with_whatsapp(s, &base)).await;
    let phone = unique_phone();
    // A clinician registered by phone (the SMS went to the outbox).
    let registered = server.sign_in(common::clinician("phone", &phone)).await;
    let device = Device::new();
    let request_id = server
        .request_id(&device, json!({"phone": phone, "channel": "whatsapp"}))
        .await;
    let sent = cloud.wait_for(&phone, 1).await;
    assert_eq!(sent[0]["type"], "template");
    assert_eq!(sent[0]["template"]["name"], "carekey_code");
    assert_eq!(sent[0]["template"]["language"]["code"], "en");
    let code = sent[0]["template"]["components"][0]["parameters"][0]["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        sent[0]["template"]["components"][1]["sub_type"], "url",
        "the copy-code button carries the code too"
    );
    let session = server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "code": code, "deviceVerifier": device.verifier}),
        )
        .await;
    assert_eq!(session.ok()["userId"], registered.user_id.as_str());
    // A resend goes the same way.
    let device = Device::new();
    let request_id = server
        .request_id(&device, json!({"phone": phone, "channel": "whatsapp"}))
        .await;
    cloud.wait_for(&phone, 2).await;
    server.advance(61);
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .ok();
    let sent = cloud.wait_for(&phone, 3).await;
    assert_eq!(sent[2]["type"], "template");
    // An unknown number gets nothing: a template cannot say there is no account.
    let stranger = unique_phone();
    server
        .request_id(
            &Device::new(),
            json!({"phone": stranger, "channel": "whatsapp"}),
        )
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(cloud.sent_to(&stranger).is_empty());
    // WhatsApp carries phone numbers only.
    server
        .start_request(
            &Device::new(),
            json!({"email": "a@example.com", "channel": "whatsapp"}),
        )
        .await
        .error(400, "invalid_request");
    server.stop().await;
}

async fn the_cloud_api_down_delays_the_reply_and_loses_nothing(backend: Backend) {
    let (cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| with_whatsapp(s, &base)).await;
    let phone = unique_phone();
    cloud.down.store(true, Ordering::SeqCst);
    server.whatsapp_text(&phone, "hi").await.ok();
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(cloud.sent_to(&phone).is_empty());
    cloud.down.store(false, Ordering::SeqCst);
    for _ in 0..40 {
        server.advance(2);
        if !cloud.sent_to(&phone).is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    cloud.wait_for(&phone, 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(cloud.sent_to(&phone).len(), 1, "delivered once");
    server.stop().await;
}

async fn a_server_without_whatsapp_says_so(backend: Backend) {
    let server = TestServer::start(backend).await;
    let channels = server.get("/v1/auth/channels", None).await;
    assert_eq!(
        channels.ok().clone(),
        json!({"email": true, "sms": true, "whatsapp": false})
    );
    server
        .whatsapp_start(&Device::new(), json!({}))
        .await
        .error(400, "channel_unavailable");
    server
        .start_request(
            &Device::new(),
            json!({"phone": unique_phone(), "channel": "whatsapp"}),
        )
        .await
        .error(400, "channel_unavailable");
    let body = notification(&unique_phone(), &new_message_id(), "hi");
    let signature = sign(APP_SECRET, &body);
    server
        .post_webhook(body, Some(signature))
        .await
        .error(404, "not_found");
    server.stop().await;
}

async fn a_login_the_limits_refuse_is_told_to_the_device(backend: Backend) {
    let (cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| {
        with_whatsapp(s, &base);
        s.send_limit_per_identifier = 1;
    })
    .await;
    let phone = unique_phone();
    for expected in [None, Some("rate_limited")] {
        let device = Device::new();
        let login = server.whatsapp_start(&device, json!({})).await;
        let reference = login.ok()["reference"].as_str().unwrap().to_owned();
        server
            .whatsapp_text(&phone, login.ok()["text"].as_str().unwrap())
            .await
            .ok();
        let waited = server.whatsapp_wait(&device, &reference).await;
        match expected {
            None => assert_eq!(waited.status, 200, "{:?}", waited.body),
            Some(code) => {
                waited.error(429, code);
                assert!(
                    waited.body["retryAfter"]
                        .as_u64()
                        .is_some_and(|after| after > 0)
                );
            }
        }
    }
    // Only the first got a reply: the refused one sent nothing.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(cloud.sent_to(&phone).len(), 1);
    server.stop().await;
}

async fn an_indonesian_whatsapp_user_gets_indonesian_replies_and_template_language_id(
    backend: Backend,
) {
    let (cloud, base) = FakeCloudApi::start().await;
    let server = TestServer::start_with(backend, |s| {
        with_whatsapp(s, &base);
        // The operator had the code template approved in English and Indonesian.
        s.whatsapp_template_language = "en,id".into();
    })
    .await;
    let phone = unique_phone();

    // She registers from an app in Indonesian: the prepared message and the
    // chat's reply are Indonesian.
    let device = Device::new();
    let started = server
        .whatsapp_start(
            &device,
            json!({"firstName": "Siti", "lastName": "Rahayu", "role": "clinician", "language": "id"}),
        )
        .await;
    let started = started.ok().clone();
    let reference = started["reference"].as_str().unwrap().to_owned();
    assert_eq!(
        started["text"],
        format!("Minta masuk, autentikasi saya. {reference}")
    );
    server
        .whatsapp_text(&phone, started["text"].as_str().unwrap())
        .await
        .ok();
    let reply = &cloud.wait_for(&phone, 1).await[0];
    let body = reply["text"]["body"].as_str().unwrap();
    assert!(
        body.starts_with("Ketuk untuk masuk ke CareKey:\n"),
        "{body}"
    );
    assert!(body.contains("Atau ketik kode ini di aplikasi: "), "{body}");
    assert!(body.contains("Jangan bagikan kepada siapa pun."), "{body}");
    let (request_id, secret, _) = link_and_code(reply);
    server.whatsapp_wait(&device, &reference).await.ok();
    let session = server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "linkSecret": secret, "deviceVerifier": device.verifier}),
        )
        .await;
    let token = session.ok()["accessToken"].as_str().unwrap().to_owned();
    assert_eq!(
        server.get("/v1/me", Some(&token)).await.ok()["language"],
        "id"
    );

    // A message without a reference from her number: help, in her language.
    server.whatsapp_text(&phone, "halo").await.ok();
    let help = &cloud.wait_for(&phone, 2).await[1];
    let help = help["text"]["body"].as_str().unwrap();
    assert!(
        help.starts_with("Halo dari CareKey.") && help.contains("\"Masuk dengan WhatsApp\""),
        "{help}"
    );

    // A code sent unasked is the template, in Indonesian (her app's
    // language, or her account's when the client gives none).
    for body in [
        json!({"phone": phone, "channel": "whatsapp", "language": "id"}),
        json!({"phone": phone, "channel": "whatsapp"}),
    ] {
        server.request_id(&Device::new(), body).await;
    }
    let sent = cloud.wait_for(&phone, 4).await;
    for template in &sent[2..] {
        assert_eq!(template["type"], "template");
        assert_eq!(template["template"]["language"]["code"], "id", "{template}");
    }
    // An app in a language the template lacks: the template's first.
    server
        .request_id(
            &Device::new(),
            json!({"phone": phone, "channel": "whatsapp", "language": "fr"}),
        )
        .await;
    let sent = cloud.wait_for(&phone, 5).await;
    assert_eq!(sent[4]["template"]["language"]["code"], "en");

    // Someone with no language and no account: the help in the default.
    let stranger = unique_phone();
    server.whatsapp_text(&stranger, "hello").await.ok();
    let help = &cloud.wait_for(&stranger, 1).await[0];
    assert!(
        help["text"]["body"]
            .as_str()
            .unwrap()
            .starts_with("Hello from CareKey."),
        "{help}"
    );
    server.stop().await;
}
