//! Delivery through real or wire-faithful providers: SMTP against a real SMTP
//! server (aiosmtpd), SMS against a local server speaking Twilio's Messages
//! API, captcha against local reCAPTCHA and FriendlyCaptcha verifiers; and
//! providers that go down and come back.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::extract::Form;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::{Json, Router};
use common::twilio::{start_twilio, with_twilio};
use common::{
    Backend, Device, SupportServer, TestServer, clinician, code_in, serve, unique_email,
    unique_phone, with_smtp,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::time::Duration;

on_both_databases!(
    email_goes_through_a_real_smtp_server,
    sms_goes_through_twilio,
    a_provider_down_delays_and_never_loses_or_duplicates,
    a_refused_number_is_not_retried_forever,
    recaptcha_scores_are_checked,
    friendlycaptcha_answers_are_checked,
    the_app_is_told_which_captcha_and_gets_a_page_that_loads_only_its_widget,
    every_path_that_sends_a_message_or_opens_an_account_checks_the_captcha,
    forwarded_for_counts_only_from_trusted_proxies,
    a_server_without_an_sms_transport_says_so,
);

fn code_of(body: &str) -> String {
    code_in(&json!({ "body": body }))
}

async fn email_goes_through_a_real_smtp_server(backend: Backend) {
    let sink = SupportServer::smtp_sink(0).await;
    let port = sink.port;
    let server = TestServer::start_with(backend, |settings| with_smtp(settings, port)).await;
    let email = unique_email();
    let device = Device::new();
    let request_id = server.request_id(&device, clinician("email", &email)).await;
    let mail = &sink.wait_for(1).await[0];
    assert_eq!(mail["to"], json!([email]));
    assert_eq!(mail["from"], "login@carekey.test");
    let data = mail["data"].as_str().unwrap();
    assert!(data.contains("Subject: Your CareKey code: "), "{data}");
    assert!(data.contains(&format!("To: {email}")), "{data}");
    let code = code_of(data);
    server.complete(&device, &request_id, &code).await.ok();
    assert!(
        server.outbox_messages().is_empty(),
        "nothing went to the outbox"
    );

    // SMTP server down: the login still starts; the mail waits, then arrives once.
    sink.stop().await;
    let second = unique_email();
    server
        .start_request(&Device::new(), json!({"email": second}))
        .await
        .ok();
    tokio::time::sleep(Duration::from_millis(800)).await;
    let sink = SupportServer::smtp_sink(port).await;
    sink.wait_for(1).await;
    // Let any stray retry happen before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mails = sink.messages();
    let to_second = mails
        .iter()
        .filter(|mail| mail["to"] == json!([second]))
        .count();
    assert_eq!((mails.len(), to_second), (1, 1), "{mails:?}");
    sink.stop().await;
    server.stop().await;
}

async fn sms_goes_through_twilio(backend: Backend) {
    let (twilio, base) = start_twilio().await;
    let server = TestServer::start_with(backend, |settings| with_twilio(settings, &base)).await;
    let phone = unique_phone();
    let device = Device::new();
    let request_id = server.request_id(&device, clinician("phone", &phone)).await;
    let bodies = twilio.wait_for(&phone, 1).await;
    let form = twilio.accepted.lock().unwrap()[0].clone();
    assert_eq!(form["From"], "+15005550006");
    let code = code_of(&bodies[0]);
    server.complete(&device, &request_id, &code).await.ok();
    // Email still goes to the outbox, the only transport listed for it.
    let email = unique_email();
    server
        .start_request(&Device::new(), json!({"email": email}))
        .await
        .ok();
    server.wait_for_messages(&email, 1).await;
    assert!(
        server
            .outbox_messages()
            .iter()
            .all(|m| m["channel"] == "email")
    );
    server.stop().await;
}

async fn a_provider_down_delays_and_never_loses_or_duplicates(backend: Backend) {
    let (twilio, base) = start_twilio().await;
    twilio.down.store(true, Ordering::SeqCst);
    let server = TestServer::start_with(backend, |settings| with_twilio(settings, &base)).await;
    let phones: Vec<String> = (0..6).map(|_| unique_phone()).collect();
    let mut requests = Vec::new();
    for phone in &phones {
        let device = Device::new();
        let started = server
            .start_request(
                &device,
                json!({"phone": phone, "firstName": "A", "lastName": "B", "role": "clinician"}),
            )
            .await;
        // The provider being down never fails the request itself.
        requests.push((
            device,
            started.ok()["requestId"].as_str().unwrap().to_owned(),
        ));
    }
    for _ in 0..100 {
        if twilio.attempts.load(Ordering::SeqCst) >= 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(
        twilio.attempts.load(Ordering::SeqCst) >= 12,
        "retried while down"
    );
    assert!(twilio.accepted.lock().unwrap().is_empty());
    let text = server.metrics().await;
    assert!(text.contains("carekey_queue_pending_messages 6"), "{text}");
    assert!(
        text.contains("carekey_message_delivery_failures_total{transport=\"twilio\"}"),
        "{text}"
    );

    twilio.down.store(false, Ordering::SeqCst);
    for phone in &phones {
        twilio.wait_for(phone, 1).await;
    }
    // Let any stray retry happen before counting.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    for ((device, request_id), phone) in requests.iter().zip(&phones) {
        let bodies = twilio.bodies_to(phone);
        assert_eq!(bodies.len(), 1, "exactly one SMS to {phone}");
        server
            .complete(device, request_id, &code_of(&bodies[0]))
            .await
            .ok();
    }
    assert_eq!(twilio.accepted.lock().unwrap().len(), 6);
    let text = server.metrics().await;
    assert!(text.contains("carekey_queue_pending_messages 0"), "{text}");
    assert!(
        text.contains("carekey_messages_sent_total{transport=\"twilio\"} 6"),
        "{text}"
    );
    server.stop().await;
}

async fn a_refused_number_is_not_retried_forever(backend: Backend) {
    let (twilio, base) = start_twilio().await;
    let server = TestServer::start_with(backend, |settings| with_twilio(settings, &base)).await;
    // Twilio refuses numbers ending in 0000 with error 21211 (a 400).
    server
        .start_request(
            &Device::new(),
            json!({"phone": "+32470990000", "firstName": "A", "lastName": "B", "role": "clinician"}),
        )
        .await
        .ok();
    for _ in 0..100 {
        let text = server.metrics().await;
        if text.contains("carekey_messages_parked_total{transport=\"twilio\"} 1") {
            tokio::time::sleep(Duration::from_millis(600)).await;
            assert_eq!(
                twilio.attempts.load(Ordering::SeqCst),
                1,
                "a permanent refusal is not retried"
            );
            server.stop().await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the refused message was not parked");
}

/// reCAPTCHA v3 siteverify: form secret/response/remoteip; a score per answer.
async fn recaptcha_siteverify(Form(form): Form<HashMap<String, String>>) -> Json<Value> {
    if form.get("secret").map(String::as_str) != Some("recaptcha-secret") {
        return Json(json!({"success": false, "error-codes": ["invalid-input-secret"]}));
    }
    assert!(form.get("remoteip").is_some_and(|ip| ip == "127.0.0.1"));
    Json(match form.get("response").map(String::as_str) {
        Some("human") => {
            json!({"success": true, "score": 0.9, "action": "login", "challenge_ts": "2026-11-22T00:00:00Z", "hostname": "carekey.test"})
        }
        Some("bot") => {
            json!({"success": true, "score": 0.1, "action": "login", "challenge_ts": "2026-11-22T00:00:00Z", "hostname": "carekey.test"})
        }
        _ => json!({"success": false, "error-codes": ["invalid-input-response"]}),
    })
}

async fn recaptcha_scores_are_checked(backend: Backend) {
    let base =
        serve(Router::new().route("/recaptcha/api/siteverify", post(recaptcha_siteverify))).await;
    let server = TestServer::start_with(backend, |settings| {
        settings.captcha = carekey_server::settings::CaptchaKind::Recaptcha;
        settings.captcha_secret = Some("recaptcha-secret".into());
        settings.captcha_site_key = Some("RCSITEKEY".into());
        settings.captcha_base_url = Some(base.clone());
    })
    .await;
    let device = Device::new();
    let email = unique_email();
    server
        .start_request(&device, json!({"email": email}))
        .await
        .error(403, "captcha_failed");
    for token in ["bot", "forged"] {
        server
            .start_request(&device, json!({"email": email, "captchaToken": token}))
            .await
            .error(403, "captcha_failed");
    }
    assert!(server.outbox_messages().is_empty());
    server
        .start_request(&device, json!({"email": email, "captchaToken": "human"}))
        .await
        .ok();
    server.stop().await;

    // A verifier that cannot be reached fails closed.
    let server = TestServer::start_with(backend, |settings| {
        settings.captcha = carekey_server::settings::CaptchaKind::Recaptcha;
        settings.captcha_secret = Some("recaptcha-secret".into());
        settings.captcha_site_key = Some("RCSITEKEY".into());
        settings.captcha_base_url = Some("http://127.0.0.1:9".into());
    })
    .await;
    server
        .start_request(&device, json!({"email": email, "captchaToken": "human"}))
        .await
        .error(503, "unavailable");
    server.stop().await;
}

/// The review found BioT's generate sending SMS codes, and guests being made,
/// with captcha on. Every sender and every account-opener checks it now;
/// BioT's only when not exempt by setting.
async fn every_path_that_sends_a_message_or_opens_an_account_checks_the_captcha(backend: Backend) {
    let base =
        serve(Router::new().route("/recaptcha/api/siteverify", post(recaptcha_siteverify))).await;
    for exempt_biot in [false, true] {
        let server = TestServer::start_with(backend, |settings| {
            settings.captcha = carekey_server::settings::CaptchaKind::Recaptcha;
            settings.captcha_secret = Some("recaptcha-secret".into());
            settings.captcha_site_key = Some("RCSITEKEY".into());
            settings.captcha_base_url = Some(base.clone());
            settings.captcha_exempt_biot = exempt_biot;
        })
        .await;
        let phone = unique_phone();
        let generate = server
            .post("/ums/v2/users/otp/generate", &json!({"phone": phone}))
            .await;
        if exempt_biot {
            generate.ok();
        } else {
            generate.error(403, "captcha_failed");
            server
                .post(
                    "/ums/v2/users/otp/generate",
                    &json!({"phone": phone, "captchaToken": "bot"}),
                )
                .await
                .error(403, "captcha_failed");
            server
                .post(
                    "/ums/v2/users/otp/generate",
                    &json!({"phone": phone, "captchaToken": "human"}),
                )
                .await
                .ok();
        }
        server
            .post("/v1/auth/guest", &json!({}))
            .await
            .error(403, "captcha_failed");
        server
            .post("/v1/auth/guest", &json!({"captchaToken": "human"}))
            .await
            .ok();
        let device = Device::new();
        let email = unique_email();
        let started = server
            .start_request(&device, json!({"email": email, "captchaToken": "human"}))
            .await;
        let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
        server.wait_for_messages(&email, 1).await;
        server.advance(61);
        server
            .post("/v1/auth/resend", &json!({"requestId": request_id}))
            .await
            .error(403, "captcha_failed");
        server
            .post(
                "/v1/auth/resend",
                &json!({"requestId": request_id, "captchaToken": "human"}),
            )
            .await
            .ok();
        // Only the starts that passed sent anything: one to the email (then
        // its resend); nothing went to the phone (an unknown number).
        server.wait_for_messages(&email, 2).await;
        assert_eq!(server.outbox_messages().len(), 2);
        server.stop().await;
    }
}

/// FriendlyCaptcha v2 siteverify: X-API-Key header, JSON {response, sitekey}.
async fn friendly_siteverify(
    headers: HeaderMap,
    Json(body): Json<Value>,
) -> (StatusCode, Json<Value>) {
    if headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some("frc-api-key") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(
                json!({"success": false, "error": {"error_code": "auth_invalid", "detail": "API key invalid"}}),
            ),
        );
    }
    assert_eq!(body["sitekey"], "FCSITEKEY");
    if body["response"] == "good" {
        (
            StatusCode::OK,
            Json(
                json!({"success": true, "data": {"event_id": "ev1", "challenge": {"timestamp": "2026-11-22T00:00:00Z", "origin": "carekey.test"}}}),
            ),
        )
    } else {
        (
            StatusCode::OK,
            Json(
                json!({"success": false, "error": {"error_code": "response_invalid", "detail": "invalid"}}),
            ),
        )
    }
}

async fn friendlycaptcha_answers_are_checked(backend: Backend) {
    let base =
        serve(Router::new().route("/api/v2/captcha/siteverify", post(friendly_siteverify))).await;
    let start = |key: &'static str| {
        let base = base.clone();
        move |settings: &mut carekey_server::Settings| {
            settings.captcha = carekey_server::settings::CaptchaKind::Friendlycaptcha;
            settings.captcha_secret = Some(key.into());
            settings.captcha_site_key = Some("FCSITEKEY".into());
            settings.captcha_base_url = Some(base);
        }
    };
    let server = TestServer::start_with(backend, start("frc-api-key")).await;
    let device = Device::new();
    server
        .start_request(
            &device,
            json!({"email": unique_email(), "captchaToken": "bad"}),
        )
        .await
        .error(403, "captcha_failed");
    server
        .start_request(
            &device,
            json!({"email": unique_email(), "captchaToken": "good"}),
        )
        .await
        .ok();
    server.stop().await;
    let misconfigured = TestServer::start_with(backend, start("wrong-key")).await;
    misconfigured
        .start_request(
            &device,
            json!({"email": unique_email(), "captchaToken": "good"}),
        )
        .await
        .error(503, "unavailable");
    misconfigured.stop().await;
}

async fn forwarded_for_counts_only_from_trusted_proxies(backend: Backend) {
    for trusted in [false, true] {
        let server = TestServer::start_with(backend, |settings| {
            settings.send_limit_per_ip = 2;
            if trusted {
                settings.trusted_proxies = "127.0.0.1/32".into();
            }
        })
        .await;
        let device = Device::new();
        let mut statuses = Vec::new();
        for client in ["198.51.100.7", "198.51.100.7", "198.51.100.8"] {
            let body = json!({"email": unique_email(), "deviceChallenge": device.challenge()});
            let answer = server
                .send(
                    server
                        .http
                        .post(server.url("/v1/auth/start"))
                        .header("x-forwarded-for", client)
                        .json(&body),
                )
                .await;
            statuses.push(answer.status);
        }
        if trusted {
            // Each client counted apart: the third is a new client.
            assert_eq!(statuses, [200, 200, 200]);
        } else {
            // A direct client cannot pose as others.
            assert_eq!(statuses, [200, 200, 429]);
        }
        server.stop().await;
    }
}

async fn a_server_without_an_sms_transport_says_so(backend: Backend) {
    let sink = SupportServer::smtp_sink(0).await;
    let port = sink.port;
    let server = TestServer::start_with(backend, |settings| with_smtp(settings, port)).await;
    server
        .start_request(&Device::new(), json!({"phone": unique_phone()}))
        .await
        .error(400, "channel_unavailable");
    server
        .post(
            "/ums/v2/users/otp/generate",
            &json!({"phone": unique_phone()}),
        )
        .await
        .error(400, "channel_unavailable");
    sink.stop().await;
    server.stop().await;
}

/// Issue 11: with captcha on, the app learns which captcha from the
/// channels, and shows this server's page, whose CSP lets in the widget's
/// origin alone; the page ends at /captcha/done with the token, which the
/// server's own /captcha/done never reads.
async fn the_app_is_told_which_captcha_and_gets_a_page_that_loads_only_its_widget(
    backend: Backend,
) {
    let off = TestServer::start(backend).await;
    let channels = off.get("/v1/auth/channels", None).await;
    assert!(channels.ok().get("captcha").is_none());
    off.get("/captcha", None).await.error(404, "not_found");
    off.stop().await;

    for (kind, provider, marker) in [
        (
            carekey_server::settings::CaptchaKind::Recaptcha,
            "recaptcha",
            "grecaptcha.execute('SITEKEY-1'",
        ),
        (
            carekey_server::settings::CaptchaKind::Friendlycaptcha,
            "friendlycaptcha",
            r#"data-sitekey="SITEKEY-1""#,
        ),
    ] {
        let server = TestServer::start_with(backend, |settings| {
            settings.captcha = kind;
            settings.captcha_secret = Some("secret".into());
            settings.captcha_site_key = Some("SITEKEY-1".into());
            settings.captcha_widget_url = Some("http://127.0.0.1:4999/widget.js".into());
        })
        .await;
        let channels = server.get("/v1/auth/channels", None).await;
        let captcha = &channels.ok()["captcha"];
        assert_eq!(captcha["provider"], provider);
        assert_eq!(captcha["siteKey"], "SITEKEY-1");

        let page = reqwest::get(server.url("/captcha")).await.unwrap();
        assert_eq!(page.status().as_u16(), 200);
        let csp = page
            .headers()
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let html = page.text().await.unwrap();
        assert!(html.contains(marker), "{html}");
        assert!(html.contains("http://127.0.0.1:4999/widget.js"), "{html}");
        assert!(html.contains("/captcha/done?token="), "{html}");
        let nonce = csp
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap()
            .to_owned();
        assert!(html.contains(&format!(r#"nonce="{nonce}""#)));
        assert!(csp.contains("script-src 'nonce-"), "{csp}");
        assert!(csp.contains("http://127.0.0.1:4999"), "{csp}");
        assert!(csp.contains("default-src 'none'"), "{csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{csp}"
        );
        // Each page its own nonce.
        let again = reqwest::get(server.url("/captcha")).await.unwrap();
        let again_csp = again.headers()["content-security-policy"].to_str().unwrap();
        assert!(!again_csp.contains(&nonce));
        let done = reqwest::get(server.url("/captcha/done?token=abc"))
            .await
            .unwrap();
        assert_eq!(done.status().as_u16(), 200);
        assert!(!done.text().await.unwrap().contains("abc"));
        server.stop().await;
    }
}
