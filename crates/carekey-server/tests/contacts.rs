//! A person changes the email or phone they log in with (issue 16,
//! profile), against a real server on port 0, on SQLite and PostgreSQL: a
//! code to the new address, the addresses of before told with a "this was
//! not me" link that logs every device out and puts the old login back.
//! The attacks: a stolen session changing the login, a forged or replayed
//! link, a link opened by a mail scanner, another account's request.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Registered, TestServer, unique_email, unique_phone};
use serde_json::{Value, json};

on_both_databases!(a_person_changes_their_email_and_the_old_address_can_undo_it);
on_both_databases!(a_not_me_link_works_once_for_seven_days_and_every_try_counts);
on_both_databases!(a_phone_added_by_someone_else_is_taken_away_by_the_email_of_before);

/// Starts a change of `field` ("email" or "phone") and proves it with the
/// code the new address received; answers the profile.
async fn change(server: &TestServer, user: &Registered, field: &str, to: &str) -> Value {
    let before = server
        .outbox_messages()
        .iter()
        .filter(|message| message["to"] == to)
        .count();
    let started = server
        .post_as(
            &format!("/v1/me/{field}"),
            &user.access_token,
            &json!({field: to}),
        )
        .await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(to, before + 1).await;
    server
        .post_as(
            &format!("/v1/me/{field}/verify"),
            &user.access_token,
            &json!({"requestId": request_id, "code": code}),
        )
        .await
        .ok()
        .clone()
}

/// The "this was not me" link in the last message `to` received.
async fn not_me_link(server: &TestServer, to: &str, count: usize) -> String {
    let messages = server.wait_for_messages(to, count).await;
    let body = messages.last().unwrap()["body"]
        .as_str()
        .unwrap()
        .to_owned();
    let start = body
        .find("https://auth.carekey.test/not-me/")
        .unwrap_or_else(|| panic!("no link in {body}"));
    body[start..]
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches('.')
        .to_owned()
}

/// The link's path on this test server (the message names the public URL).
fn path_of(link: &str) -> String {
    link.trim_start_matches("https://auth.carekey.test")
        .to_owned()
}

async fn open(server: &TestServer, link: &str) -> (u16, String) {
    let response = server
        .http
        .get(server.url(&path_of(link)))
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn report(server: &TestServer, link: &str) -> (u16, String) {
    let response = server
        .http
        .post(server.url(&path_of(link)))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("")
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

async fn refresh(server: &TestServer, user: &Registered) -> common::Answer {
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": user.refresh_token}),
        )
        .await
}

async fn a_person_changes_their_email_and_the_old_address_can_undo_it(backend: Backend) {
    let server = TestServer::start(backend).await;
    let greg = server.register_clinician().await;
    let token = greg.access_token.as_str();
    let old = server.email_of(&greg).await;
    let new = unique_email();

    // Bad input and no session change nothing.
    server
        .post_as("/v1/me/email", token, &json!({"email": "not an address"}))
        .await
        .error(400, "invalid_email");
    server
        .post_as("/v1/me/email", "forged", &json!({"email": new}))
        .await
        .error(401, "invalid_token");

    let started = server
        .post_as("/v1/me/email", token, &json!({"email": new.to_uppercase()}))
        .await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    assert!(started.ok()["login"].as_str().unwrap().contains('*'));
    let code = server.code_in_message(&new, 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = server
        .post_as(
            "/v1/me/email/verify",
            token,
            &json!({"requestId": request_id, "code": wrong}),
        )
        .await;
    assert_eq!(refused.error(400, "invalid_code")["attemptsLeft"], 4);
    // Another account cannot redeem it, nor can the phone's endpoint.
    let lisa = server.register_clinician().await;
    server
        .post_as(
            "/v1/me/email/verify",
            &lisa.access_token,
            &json!({"requestId": request_id, "code": code}),
        )
        .await
        .error(404, "unknown_request");
    server
        .post_as(
            "/v1/me/phone/verify",
            token,
            &json!({"requestId": request_id, "code": code}),
        )
        .await
        .error(404, "unknown_request");
    let me = server
        .post_as(
            "/v1/me/email/verify",
            token,
            &json!({"requestId": request_id, "code": code}),
        )
        .await;
    assert_eq!(me.ok()["email"], new.as_str());
    server
        .post_as(
            "/v1/me/email/verify",
            token,
            &json!({"requestId": request_id, "code": code}),
        )
        .await
        .error(409, "code_used");

    // The old address is told, with the new one masked and a link; the new
    // address now logs in to the same account.
    let told = server.wait_for_messages(&old, 2).await;
    let notice = told.last().unwrap();
    assert_eq!(
        notice["subject"],
        "CareKey: the login of your account changed"
    );
    let body = notice["body"].as_str().unwrap();
    assert!(!body.contains(&new), "the new address in full: {body}");
    assert!(body.contains("is now the login email"), "{body}");
    let link = not_me_link(&server, &old, 2).await;
    let by_new = server.sign_in(json!({"email": new})).await;
    assert_eq!(by_new.user_id, greg.user_id);

    // Another account's address: answered as a free one, no code to it,
    // its owner told; contact_taken holds.
    let lisas = server.email_of(&lisa).await;
    let tried = server
        .post_as("/v1/me/email", token, &json!({"email": lisas}))
        .await;
    assert_eq!(
        tried.ok().as_object().unwrap().keys().collect::<Vec<_>>(),
        started.ok().as_object().unwrap().keys().collect::<Vec<_>>()
    );
    let warned = server.wait_for_messages(&lisas, 2).await;
    let warning = warned.last().unwrap()["body"].as_str().unwrap();
    assert!(
        warning.contains("Someone tried to add this email address"),
        "{warning}"
    );
    assert!(!warning.contains(&code) && !warning.contains("/not-me/"));

    // A mail scanner opening the link changes nothing.
    let (status, page) = open(&server, &link).await;
    assert_eq!(status, 200);
    assert!(page.contains("<form method=\"post\""), "{page}");
    refresh(&server, &by_new).await.ok();

    // The owner of the old address says it was not them: every session
    // ends (the thief's too), with the reason; the old email is back.
    let (status, page) = report(&server, &link).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("Your account is secured"), "{page}");
    assert!(page.contains("is the account&#39;s login again") || page.contains("login again"));
    for session in [&greg, &by_new] {
        let ended = refresh(&server, session).await;
        let error = ended.error(401, "session_revoked");
        assert!(
            error["message"].as_str().unwrap().contains("reported"),
            "{error}"
        );
        server
            .get("/v1/me", Some(&session.access_token))
            .await
            .error(401, "invalid_token");
    }
    let back = server.sign_in(json!({"email": old})).await;
    assert_eq!(back.user_id, greg.user_id);
    assert_eq!(server.email_of(&back).await, old);
    // Used once: the link is spent.
    let (status, _) = report(&server, &link).await;
    assert_eq!(status, 410);
    let (status, _) = open(&server, &link).await;
    assert_eq!(status, 200, "the page itself never tells");
    server.stop().await;
}

async fn a_not_me_link_works_once_for_seven_days_and_every_try_counts(backend: Backend) {
    let server = TestServer::start(backend).await;
    let greg = server.register_clinician().await;
    let old = server.email_of(&greg).await;
    change(&server, &greg, "email", &unique_email()).await;
    let link = not_me_link(&server, &old, 2).await;
    let (id, secret) = path_of(&link)
        .trim_start_matches("/not-me/")
        .split_once('.')
        .map(|(id, secret)| (id.to_owned(), secret.to_owned()))
        .unwrap();

    // Not a link at all: no row, nothing counted.
    let (status, _) = report(&server, "https://auth.carekey.test/not-me/nonsense").await;
    assert_eq!(status, 404);
    // A forged secret for a real change: refused, and the try is counted
    // before the comparison (the same for the tenth as for the first).
    let forged = format!(
        "{}{}",
        &secret[..secret.len() - 1],
        if secret.ends_with('a') { 'b' } else { 'a' }
    );
    for tries in 1..=10 {
        let (status, _) = report(
            &server,
            &format!("https://auth.carekey.test/not-me/{id}.{forged}"),
        )
        .await;
        assert_eq!(status, 404);
        assert_eq!(
            server
                .count_where(
                    "contact_changes",
                    &format!("id = '{id}' AND failed_attempts = {tries}")
                )
                .await,
            1
        );
    }
    // The link's tries are spent: even the right secret no longer works,
    // and the devices stay logged in.
    let (status, _) = report(&server, &link).await;
    assert_eq!(status, 410);
    refresh(&server, &greg).await.ok();

    // A fresh change's link, opened after seven days: ended, and a login
    // changed that long ago is not undone.
    let greg = server
        .sign_in(json!({"email": server.email_of(&greg).await}))
        .await;
    let current = server.email_of(&greg).await;
    change(&server, &greg, "email", &unique_email()).await;
    let link = not_me_link(&server, &current, 3).await;
    server.advance(7 * 24 * 3600 + 1);
    let (status, _) = report(&server, &link).await;
    assert_eq!(status, 410);
    assert_eq!(
        server
            .count_where(
                "sessions",
                &format!("user_id = '{}' AND revoked_at IS NOT NULL", greg.user_id)
            )
            .await,
        0
    );
    server.stop().await;
}

async fn a_phone_added_by_someone_else_is_taken_away_by_the_email_of_before(backend: Backend) {
    let server = TestServer::start(backend).await;
    let greg = server.register_clinician().await;
    let email = server.email_of(&greg).await;
    let phone = unique_phone();
    let me = change(&server, &greg, "phone", &phone).await;
    assert_eq!(me["phone"], phone.as_str());
    let by_phone = server.sign_in(json!({"phone": phone})).await;
    assert_eq!(by_phone.user_id, greg.user_id);

    // The email is told; the SMS to the new number carried only its code.
    let notice = server.wait_for_messages(&email, 2).await;
    let body = notice.last().unwrap()["body"].as_str().unwrap().to_owned();
    assert!(body.contains("is now the login phone"), "{body}");
    let link = not_me_link(&server, &email, 2).await;
    let (status, page) = report(&server, &link).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        server
            .texts(&format!(
                "SELECT COALESCE(phone, 'none') FROM users WHERE id = '{}'",
                greg.user_id
            ))
            .await,
        vec!["none".to_owned()]
    );
    refresh(&server, &by_phone)
        .await
        .error(401, "session_revoked");

    // The number no longer logs in to this account: a login by it is told
    // that no account uses it.
    let device = common::Device::new();
    server
        .start_request(&device, json!({"phone": phone}))
        .await
        .ok();
    let messages = server.wait_for_messages(&phone, 3).await;
    let last = messages.last().unwrap()["body"].as_str().unwrap();
    assert!(last.contains("no account uses it"), "{last}");
    server.stop().await;
}
