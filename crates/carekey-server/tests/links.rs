//! Magic links over HTTP, against a real server on port 0, once on SQLite
//! and once on PostgreSQL: a link in every message, a landing page that
//! never logs anyone in, consumption by POST with the starting device's
//! verifier only, once, in time; replaced, replayed, expired and malformed
//! links refused; the app-link documents from settings.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer, code_in, unique_email, unique_phone};
use serde_json::{Value, json};

on_both_databases!(
    every_message_carries_a_link_that_the_landing_page_does_not_use,
    a_link_logs_in_only_the_starting_device_once,
    replaced_expired_and_malformed_links_are_refused,
    the_app_link_documents_come_from_settings,
    a_login_is_approved_from_another_device_with_a_tap,
);

/// The link in a message: its URL, request id and secret.
struct Link {
    url: String,
    request_id: String,
    secret: String,
}

fn link_in(message: &Value) -> Link {
    let body = message["body"].as_str().unwrap();
    let pattern = regex::Regex::new(r"(https?://\S+/l/([0-9a-f-]{36})\.([a-z2-7]{32}))").unwrap();
    let found = pattern
        .captures(body)
        .unwrap_or_else(|| panic!("no link in {body}"));
    Link {
        url: found[1].to_owned(),
        request_id: found[2].to_owned(),
        secret: found[3].to_owned(),
    }
}

impl TestServer {
    /// A registered clinician and the email address they log in with.
    async fn clinician_and_email(&self) -> (common::Registered, String) {
        let user = self.register_clinician().await;
        let me = self.get("/v1/me", Some(&user.access_token)).await;
        let email = me.ok()["email"].as_str().unwrap().to_owned();
        (user, email)
    }

    /// The landing page as a browser (or a mail scanner) would fetch it.
    async fn open_in_browser(&self, url: &str) -> (u16, String, reqwest::header::HeaderMap) {
        let path = url
            .split_once("/l/")
            .map(|(_, rest)| format!("/l/{rest}"))
            .unwrap();
        let response = self.http.get(self.url(&path)).send().await.unwrap();
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        (status, response.text().await.unwrap(), headers)
    }

    async fn complete_with_link(&self, device: &Device, link: &Link) -> common::Answer {
        self.post(
            "/v1/auth/complete",
            &json!({"requestId": link.request_id, "linkSecret": link.secret, "deviceVerifier": device.verifier}),
        )
        .await
    }
}

async fn every_message_carries_a_link_that_the_landing_page_does_not_use(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let device = Device::new();
    let request_id = server
        .request_id(
            &device,
            json!({"email": email, "firstName": "A", "lastName": "B", "role": "clinician"}),
        )
        .await;
    let message = &server.wait_for_messages(&email, 1).await[0];
    let link = link_in(message);
    assert_eq!(link.request_id, request_id);
    assert!(
        link.url.starts_with("https://auth.carekey.test/l/"),
        "{}",
        link.url
    );
    let code = code_in(message);

    // Opened in a browser, twice (a mail scanner, then the person): the
    // page shows the code and offers the app, and uses nothing up.
    for _ in 0..2 {
        let (status, html, headers) = server.open_in_browser(&link.url).await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains(&code), "the page shows the code");
        assert!(html.contains(&format!("carekey://l/{}.{}", link.request_id, link.secret)));
        assert!(html.contains("does not log you in"));
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'") && !csp.contains("script-src"));
        assert_eq!(headers["cache-control"], "no-store");
        assert_eq!(headers["referrer-policy"], "no-referrer");
    }
    // The code still works after the page was seen.
    server.complete(&device, &request_id, &code).await.ok();

    // SMS carry one too, on a line of its own before the autofill line.
    let clinician = server.register_clinician().await;
    let phone = unique_phone();
    server
        .sign_in(json!({"phone": phone, "firstName": "P", "lastName": "Q", "role": "patient", "responsibleClinicianId": clinician.user_id}))
        .await;
    let sms = &server.wait_for_messages(&phone, 1).await[0];
    let sms_link = link_in(sms);
    let body = sms["body"].as_str().unwrap();
    assert!(body.contains(&format!("\n{}\n", sms_link.url)), "{body}");
    assert!(body.ends_with(&format!("#{}", code_in(sms))));

    // BioT's wording is kept exactly: no link.
    server
        .post("/ums/v2/users/otp/generate", &json!({"phone": phone}))
        .await
        .ok();
    let biot = &server.wait_for_messages(&phone, 2).await[1];
    assert!(!biot["body"].as_str().unwrap().contains("/l/"));
    server.stop().await;
}

async fn a_link_logs_in_only_the_starting_device_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, email) = server.clinician_and_email().await;
    let device = Device::new();
    server.request_id(&device, json!({"email": email})).await;
    let message = &server.wait_for_messages(&email, 2).await[1];
    let link = link_in(message);

    // Another device (one that found the link) gets nothing, and uses up
    // none of the owner's tries.
    server
        .complete_with_link(&Device::new(), &link)
        .await
        .error(403, "verifier_mismatch");
    let session = server.complete_with_link(&device, &link).await;
    assert_eq!(session.ok()["userId"], user.user_id.as_str());
    assert_eq!(session.ok()["isNewUser"], false);
    // Replayed: refused, and the page says the link is spent.
    server
        .complete_with_link(&device, &link)
        .await
        .error(409, "code_used");
    let (status, html, _) = server.open_in_browser(&link.url).await;
    assert_eq!(status, 410);
    assert!(html.contains("no longer works"));
    assert!(!html.contains(&code_in(message)));
    server.stop().await;
}

async fn replaced_expired_and_malformed_links_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (_, email) = server.clinician_and_email().await;

    // A resend replaces the link: the old one no longer works.
    let device = Device::new();
    let request_id = server.request_id(&device, json!({"email": email})).await;
    let old = link_in(&server.wait_for_messages(&email, 2).await[1]);
    server.advance(61);
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .ok();
    let new = link_in(&server.wait_for_messages(&email, 3).await[2]);
    assert_ne!(old.secret, new.secret);
    // A replaced link's secret is a wrong secret like any guess: opening
    // it and offering it each spend a try.
    assert_eq!(server.open_in_browser(&old.url).await.0, 410);
    let refused = server.complete_with_link(&device, &old).await;
    refused.error(400, "invalid_code");
    assert_eq!(refused.body["attemptsLeft"], 3);

    // Expired (email codes live 10 minutes).
    server.advance(601);
    assert_eq!(server.open_in_browser(&new.url).await.0, 410);
    server
        .complete_with_link(&device, &new)
        .await
        .error(400, "code_expired");

    // Malformed links and requests.
    let device = Device::new();
    let request_id = server.request_id(&device, json!({"email": email})).await;
    let link = link_in(&server.wait_for_messages(&email, 4).await[3]);
    for secret in ["", "not base32!", "abcd", &link.secret[..30]] {
        let answer = server
            .post(
                "/v1/auth/complete",
                &json!({"requestId": request_id, "linkSecret": secret, "deviceVerifier": device.verifier}),
            )
            .await;
        answer.error(400, "invalid_link");
    }
    server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "code": "123456", "linkSecret": link.secret, "deviceVerifier": device.verifier}),
        )
        .await
        .error(400, "invalid_request");
    server
        .post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "deviceVerifier": device.verifier}),
        )
        .await
        .error(400, "invalid_request");
    for path in [
        "/l/nothing",
        "/l/not-a-uuid.abcdefghijklmnopqrstuvwxyz234567",
        &format!("/l/{request_id}.{}", "a".repeat(32)),
    ] {
        let status = server.get(path, None).await.status;
        assert!(status == 404 || status == 410, "{path}: {status}");
    }
    // The malformed tries cost nothing: the link still logs in.
    server.complete_with_link(&device, &link).await.ok();
    server.stop().await;
}

async fn the_app_link_documents_come_from_settings(backend: Backend) {
    let bare = TestServer::start(backend).await;
    assert_eq!(
        bare.get("/.well-known/assetlinks.json", None).await.ok(),
        &json!([])
    );
    bare.stop().await;
    let server = TestServer::start_with(backend, |settings| {
        settings.android_package = Some("app.carekey".into());
        settings.android_cert_fingerprints = "14:6D:E9:83:C5:73:06:50:D8:EE:B9:95:2F:34:FC:64:16:A0:83:42:E6:1D:BE:A8:8A:04:96:B2:3F:CF:44:E5".into();
        settings.apple_app_ids = "ABCDE12345.app.carekey".into();
    })
    .await;
    let android = server.get("/.well-known/assetlinks.json", None).await;
    assert_eq!(
        android.ok()[0]["relation"][0],
        "delegate_permission/common.handle_all_urls"
    );
    assert_eq!(android.ok()[0]["target"]["package_name"], "app.carekey");
    let apple = server
        .get("/.well-known/apple-app-site-association", None)
        .await;
    assert_eq!(
        apple.headers["content-type"].to_str().unwrap(),
        "application/json"
    );
    let details = &apple.ok()["applinks"]["details"][0];
    assert_eq!(details["appIDs"][0], "ABCDE12345.app.carekey");
    assert_eq!(details["components"][0]["/"], "/l/*");
    server.stop().await;
}

async fn a_login_is_approved_from_another_device_with_a_tap(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (user, email) = server.clinician_and_email().await;
    // The laptop asks; the message is read on a phone.
    let laptop = Device::new();
    let started = server
        .start_request(
            &laptop,
            json!({"email": email, "deviceName": "CareKey on Linux"}),
        )
        .await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let number = started.body["matchNumber"].as_u64().unwrap();
    assert!((10..=99).contains(&number));
    let link = link_in(&server.wait_for_messages(&email, 2).await[1]);
    let wait = |verifier: String, seconds: u32| {
        let request_id = request_id.clone();
        let server = &server;
        async move {
            server
                .post(
                    "/v1/auth/approval",
                    &json!({"requestId": request_id, "deviceVerifier": verifier, "waitSeconds": seconds}),
                )
                .await
        }
    };
    wait(laptop.verifier.clone(), 0)
        .await
        .error(409, "approval_pending");
    wait(Device::new().verifier, 0)
        .await
        .error(403, "verifier_mismatch");

    // The page says what the server saw, shows the device's name as its
    // claim, and approves only with the number the laptop shows.
    let (status, html, _) = server.open_in_browser(&link.url).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("calls itself “CareKey on Linux”: that name is its own claim"),
        "{html}"
    );
    assert!(
        html.contains("from the network address 127.0.0.1"),
        "{html}"
    );
    assert!(html.contains("name=\"number\""));
    assert!(html.contains(&format!(
        "action=\"/l/{}.{}/approve\"",
        link.request_id, link.secret
    )));
    wait(laptop.verifier.clone(), 0)
        .await
        .error(409, "approval_pending");

    // A tap without the number, or with another, approves nothing.
    let approve_path = link
        .url
        .split_once("/l/")
        .map(|(_, rest)| format!("/l/{rest}/approve"))
        .unwrap();
    let other = if number == 99 { 10 } else { number + 1 };
    for form in [String::new(), format!("number={other}"), "number=ab".into()] {
        let refused = server
            .http
            .post(server.url(&approve_path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status().as_u16(), 403);
        assert!(
            refused
                .text()
                .await
                .unwrap()
                .contains("nothing was approved")
        );
    }
    wait(laptop.verifier.clone(), 0)
        .await
        .error(409, "approval_pending");

    // The laptop waits (long polling) while the phone approves.
    let waiting = wait(laptop.verifier.clone(), 10);
    let tap = async {
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        server
            .http
            .post(server.url(&approve_path))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("number={number}"))
            .send()
            .await
            .unwrap()
    };
    let (session, tapped) = tokio::join!(waiting, tap);
    assert_eq!(tapped.status().as_u16(), 200);
    assert!(tapped.headers().get("set-cookie").is_none());
    let page = tapped.text().await.unwrap();
    assert!(
        page.contains("The device that asked is logging in now"),
        "{page}"
    );
    assert!(
        !page.contains("eyJ"),
        "no token reaches the approving browser"
    );
    let session = session.ok().clone();
    assert_eq!(session["userId"], user.user_id.as_str());
    assert!(session["accessToken"].as_str().unwrap().starts_with("eyJ"));

    // Once only; the page and a second tap say the link is spent.
    wait(laptop.verifier.clone(), 0)
        .await
        .error(409, "code_used");
    assert_eq!(server.open_in_browser(&link.url).await.0, 410);
    let path = format!("/l/{}.{}/approve", link.request_id, link.secret);
    let again = server.http.post(server.url(&path)).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 410);
    server
        .post(
            "/v1/auth/approval",
            &json!({"requestId": "nonsense", "deviceVerifier": laptop.verifier}),
        )
        .await
        .error(404, "unknown_request");
    server.stop().await;
}
