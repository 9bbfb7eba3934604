//! A server with captcha on, through the client core: the token of a
//! captcha the person solved goes with the next start, once; without one
//! the start is refused with `captcha_failed`. The verifier is a local
//! server speaking reCAPTCHA v3's siteverify.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::routing::post;
use axum::{Form, Json, Router};
use carekey_api::SecretString;
use common::{clinician, email_contact, memory, server, unique};
use std::collections::HashMap;

/// reCAPTCHA v3 siteverify: a token the stand-in widget made passes.
async fn siteverify(Form(form): Form<HashMap<String, String>>) -> Json<serde_json::Value> {
    let human = form.get("response").map(String::as_str) == Some("stand-in-token-SITEKEY");
    Json(
        serde_json::json!({"success": human, "score": if human { 0.9 } else { 0.0 }, "action": "login"}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_solved_captcha_goes_with_the_next_start_once() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let verifier = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let app = Router::new().route("/recaptcha/api/siteverify", post(siteverify));
        axum::serve(listener, app).await.unwrap();
    });
    let server = server(|settings| {
        settings.captcha = carekey_server::settings::CaptchaKind::Recaptcha;
        settings.captcha_secret = Some("secret".into());
        settings.captcha_site_key = Some("SITEKEY".into());
        settings.captcha_base_url = Some(verifier);
    })
    .await;
    let client = server.client(&memory());
    let captcha = client.channels().await.unwrap().captcha.unwrap();
    assert_eq!(
        (captcha.provider.as_str(), captcha.site_key.as_str()),
        ("recaptcha", "SITEKEY")
    );
    let email = unique("captcha");
    let refused = client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap_err();
    assert_eq!(refused.code(), "captcha_failed", "{refused}");
    client
        .pass_captcha(SecretString::from("stand-in-token-SITEKEY"))
        .await;
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    // Used: the next message needs a new one.
    let refused = client.resend().await.unwrap_err();
    assert_eq!(refused.code(), "captcha_failed", "{refused}");
}
