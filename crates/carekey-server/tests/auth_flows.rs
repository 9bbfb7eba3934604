//! Registration, login, codes, sessions and limits over HTTP, against a real
//! server on port 0, once on SQLite and once on PostgreSQL.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer, clinician, code_in, unique_email, unique_phone};
use serde_json::{Value, json};

on_both_databases!(
    register_and_log_in_by_email,
    register_and_log_in_by_sms,
    sixth_try_is_refused_even_with_the_right_code,
    an_expired_code_is_refused,
    resend_voids_the_previous_code,
    resend_waits_for_the_cooldown,
    a_used_code_cannot_be_replayed,
    concurrent_completes_open_one_session,
    unknown_requests_are_refused,
    malformed_input_gets_a_clear_error,
    only_the_starting_device_can_complete,
    refresh_rotates_and_reuse_revokes_the_family,
    concurrent_refresh_within_grace_is_not_theft,
    logout_revokes_the_session,
    known_and_unknown_identifiers_get_the_same_start,
    send_limits_per_identifier_ip_and_prefix,
    concurrent_starts_share_a_limit_exactly,
    consecutive_failures_lock_the_identifier,
    a_patient_needs_a_real_clinician,
    email_and_phone_send_by_email_and_keep_the_phone_unverified,
    biot_otp_endpoints_match_the_documentation,
    operations_endpoints_answer,
    public_keys_are_registered_and_listed,
    a_proven_phone_number_becomes_a_login,
);

async fn register_and_log_in_by_email(backend: Backend) {
    let server = TestServer::start(backend).await;
    let clinician = server.register_clinician().await;
    let email = unique_email();
    let device = Device::new();
    let started = server
        .start_request(
            &device,
            json!({
                "email": email,
                "firstName": "Daenerys",
                "lastName": "Targaryen",
                "role": "patient",
                "responsibleClinicianId": clinician.user_id,
            }),
        )
        .await;
    let started = started.ok();
    assert_eq!(started["codeLength"], 6);
    assert!(
        started["login"]
            .as_str()
            .unwrap()
            .ends_with("***@example.com")
    );
    let messages = server.wait_for_messages(&email, 1).await;
    assert_eq!(messages[0]["channel"], "email");
    assert!(messages[0]["subject"].as_str().unwrap().contains("CareKey"));
    let code = code_in(&messages[0]);
    let session = server
        .complete(&device, started["requestId"].as_str().unwrap(), &code)
        .await;
    let session = session.ok();
    assert_eq!(session["isNewUser"], true);
    for field in [
        "userId",
        "groupId",
        "accessToken",
        "accessTokenExpiresAt",
        "refreshToken",
        "refreshTokenExpiresAt",
    ] {
        assert!(
            session[field].as_str().is_some_and(|v| !v.is_empty()),
            "{field}"
        );
    }
    let me = server.get("/v1/me", session["accessToken"].as_str()).await;
    let me = me.ok();
    assert_eq!(me["userId"], session["userId"]);
    assert_eq!(me["role"], "patient");
    assert_eq!(me["firstName"], "Daenerys");
    assert_eq!(me["email"], email.as_str());
    assert_eq!(me["responsibleClinicianId"], clinician.user_id.as_str());
    assert_eq!(me["careStatus"], "pending");

    // Log in again: the identifier alone, a new code, the same account.
    let again = server.sign_in(json!({"email": email.to_uppercase()})).await;
    assert_eq!(again.user_id, session["userId"].as_str().unwrap());
    let me = server.get("/v1/me", Some(&again.access_token)).await;
    assert_eq!(me.ok()["firstName"], "Daenerys");
    server.stop().await;
}

async fn register_and_log_in_by_sms(backend: Backend) {
    let server = TestServer::start(backend).await;
    let phone = unique_phone();
    let spaced = format!("{} {} {}", &phone[..3], &phone[3..6], &phone[6..]);
    let device = Device::new();
    let started = server
        .start_request(
            &device,
            json!({"phone": spaced, "firstName": "Ned", "lastName": "Stark", "role": "clinician"}),
        )
        .await;
    let started = started.ok();
    assert_eq!(
        started["login"],
        format!("******{}", &phone[phone.len() - 4..])
    );
    let messages = server.wait_for_messages(&phone, 1).await;
    assert_eq!(messages[0]["channel"], "sms");
    let body = messages[0]["body"].as_str().unwrap();
    let code = code_in(&messages[0]);
    assert!(
        body.ends_with(&format!("@auth.carekey.test #{code}")),
        "{body}"
    );
    let session = server
        .complete(&device, started["requestId"].as_str().unwrap(), &code)
        .await;
    assert_eq!(session.ok()["isNewUser"], true);

    let again = server.sign_in(json!({"phone": phone})).await;
    let me = server.get("/v1/me", Some(&again.access_token)).await;
    let me = me.ok();
    assert_eq!(me["phone"], phone.as_str());
    assert_eq!(me["phoneVerified"], true);
    assert_eq!(me["firstName"], "Ned");
    assert_eq!(again.user_id, session.body["userId"].as_str().unwrap());
    server.stop().await;
}

async fn sixth_try_is_refused_even_with_the_right_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let clinician = server.register_clinician().await;
    let email = server
        .get("/v1/me", Some(&clinician.access_token))
        .await
        .body["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let device = Device::new();
    let started = server.start_request(&device, json!({"email": email})).await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(&email, 2).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for left in (0..5).rev() {
        let answer = server.complete(&device, &request_id, wrong).await;
        assert_eq!(answer.error(400, "invalid_code")["attemptsLeft"], left);
    }
    server
        .complete(&device, &request_id, &code)
        .await
        .error(429, "too_many_attempts");
    // A resend cannot reopen a locked request.
    server.advance(61);
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .error(429, "too_many_attempts");
    server.stop().await;
}

async fn an_expired_code_is_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let phone = unique_phone();
    let device = Device::new();
    let request_id = server.request_id(&device, clinician("phone", &phone)).await;
    let code = server.code_in_message(&phone, 1).await;
    // SMS codes work two minutes (BioT's default).
    server.advance(121);
    server
        .complete(&device, &request_id, &code)
        .await
        .error(400, "code_expired");
    // A resend gives a fresh code that works.
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .ok();
    let fresh = server.code_in_message(&phone, 2).await;
    server.complete(&device, &request_id, &fresh).await.ok();
    server.stop().await;
}

async fn resend_voids_the_previous_code(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let device = Device::new();
    let started = server
        .start_request(
            &device,
            json!({"email": email, "firstName": "A", "lastName": "B", "role": "clinician"}),
        )
        .await;
    let first = started.ok().clone();
    let request_id = first["requestId"].as_str().unwrap();
    let old = server.code_in_message(&email, 1).await;
    server.advance(61);
    let resent = server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await;
    let resent = resent.ok();
    assert_eq!(resent["requestId"], first["requestId"]);
    assert_ne!(resent["expiresAt"], first["expiresAt"]);
    let new = server.code_in_message(&email, 2).await;
    if old != new {
        server
            .complete(&device, request_id, &old)
            .await
            .error(400, "invalid_code");
    }
    server.complete(&device, request_id, &new).await.ok();
    server.stop().await;
}

async fn resend_waits_for_the_cooldown(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let device = Device::new();
    let request_id = server.request_id(&device, clinician("email", &email)).await;
    let early = server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await;
    let retry_after = early.error(429, "rate_limited")["retryAfter"]
        .as_u64()
        .unwrap();
    assert!((59..=60).contains(&retry_after), "{retry_after}");
    assert_eq!(
        early.headers["retry-after"].to_str().unwrap(),
        retry_after.to_string()
    );
    server.advance(30);
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .error(429, "rate_limited");
    server.advance(31);
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .ok();
    server.wait_for_messages(&email, 2).await;
    server.stop().await;
}

async fn a_used_code_cannot_be_replayed(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let device = Device::new();
    let request_id = server.request_id(&device, clinician("email", &email)).await;
    let code = server.code_in_message(&email, 1).await;
    server.complete(&device, &request_id, &code).await.ok();
    server
        .complete(&device, &request_id, &code)
        .await
        .error(409, "code_used");
    server
        .post("/v1/auth/resend", &json!({"requestId": request_id}))
        .await
        .error(409, "code_used");
    server.stop().await;
}

async fn concurrent_completes_open_one_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.register_clinician().await;
    let email = server.get("/v1/me", Some(&user.access_token)).await.body["email"]
        .as_str()
        .unwrap()
        .to_owned();
    for round in 0..3 {
        server.advance(61);
        let device = Device::new();
        let started = server.start_request(&device, json!({"email": email})).await;
        let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
        let code = server.code_in_message(&email, round + 2).await;
        let attempts = (0..6).map(|_| server.complete(&device, &request_id, &code));
        let answers = futures::future::join_all(attempts).await;
        let statuses: Vec<u16> = answers.iter().map(|answer| answer.status).collect();
        assert_eq!(
            statuses.iter().filter(|&&status| status == 200).count(),
            1,
            "{statuses:?}"
        );
        for answer in answers.iter().filter(|answer| answer.status != 200) {
            answer.error(409, "code_used");
        }
    }
    server.stop().await;
}

async fn unknown_requests_are_refused(backend: Backend) {
    let server = TestServer::start(backend).await;
    let device = Device::new();
    for request_id in [uuid::Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        server
            .complete(&device, &request_id, "123456")
            .await
            .error(404, "unknown_request");
        server
            .post("/v1/auth/resend", &json!({"requestId": request_id}))
            .await
            .error(404, "unknown_request");
    }
    server.stop().await;
}

async fn malformed_input_gets_a_clear_error(backend: Backend) {
    let server = TestServer::start(backend).await;
    let device = Device::new();
    for phone in [
        "0470 12 34 56",
        "+32 12",
        "+999999999999",
        "phone",
        "+32470123456789",
    ] {
        let answer = server.start_request(&device, json!({"phone": phone})).await;
        answer.error(400, "invalid_phone");
    }
    for email in ["plain", "a@b", "two@@example.com", "Name <n@example.com>"] {
        let answer = server.start_request(&device, json!({"email": email})).await;
        answer.error(400, "invalid_email");
    }
    server
        .post("/v1/auth/start", &json!({"email": unique_email()}))
        .await
        .error(400, "invalid_request");
    server
        .post(
            "/v1/auth/start",
            &json!({"email": unique_email(), "deviceChallenge": "too-short"}),
        )
        .await
        .error(400, "invalid_request");
    server
        .start_request(&device, json!({}))
        .await
        .error(400, "invalid_request");
    server
        .start_request(
            &device,
            json!({"email": unique_email(), "firstName": "Only"}),
        )
        .await
        .error(400, "invalid_request");
    server
        .start_request(
            &device,
            json!({"email": unique_email(), "firstName": "A", "lastName": "B", "role": "pharaoh"}),
        )
        .await
        .error(400, "invalid_request");
    let not_json = server
        .send(
            server
                .http
                .post(server.url("/v1/auth/start"))
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    not_json.error(400, "invalid_request");
    // Nothing was sent for any of these.
    assert!(server.outbox_messages().is_empty());
    server.stop().await;
}

async fn only_the_starting_device_can_complete(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let device = Device::new();
    let request_id = server.request_id(&device, clinician("email", &email)).await;
    let code = server.code_in_message(&email, 1).await;
    let thief = Device::new();
    for _ in 0..6 {
        server
            .complete(&thief, &request_id, &code)
            .await
            .error(403, "verifier_mismatch");
    }
    // The thief's tries did not use up the owner's attempts.
    server.complete(&device, &request_id, &code).await.ok();
    server.stop().await;
}

async fn refresh_rotates_and_reuse_revokes_the_family(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.register_clinician().await;
    let email = server.get("/v1/me", Some(&user.access_token)).await.body["email"].clone();
    let first = user.refresh_token.clone();
    let second = server
        .post("/v1/auth/refresh", &json!({"refreshToken": first}))
        .await;
    let second = second.ok().clone();
    assert_eq!(second["userId"], user.user_id.as_str());
    assert_eq!(second["isNewUser"], false);
    let second_refresh = second["refreshToken"].as_str().unwrap().to_owned();
    assert_ne!(second_refresh, first);
    server
        .get("/v1/me", second["accessToken"].as_str())
        .await
        .ok();
    let third = server
        .post("/v1/auth/refresh", &json!({"refreshToken": second_refresh}))
        .await;
    let third = third.ok().clone();

    // The first token again, long after its use: a replay; the family dies.
    server.advance(10);
    server
        .post("/v1/auth/refresh", &json!({"refreshToken": first}))
        .await
        .error(401, "token_reused");
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": third["refreshToken"]}),
        )
        .await
        .error(401, "token_reused");
    server
        .get("/v1/me", third["accessToken"].as_str())
        .await
        .error(401, "invalid_token");
    server
        .get("/v1/me", Some(&user.access_token))
        .await
        .error(401, "invalid_token");
    server
        .post("/v1/auth/refresh", &json!({"refreshToken": "made-up"}))
        .await
        .error(401, "invalid_token");
    // Another login of the same person is untouched.
    let other = server.sign_in(json!({"email": email})).await;
    server.get("/v1/me", Some(&other.access_token)).await.ok();
    server.stop().await;
}

async fn concurrent_refresh_within_grace_is_not_theft(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.register_clinician().await;
    let body = json!({"refreshToken": user.refresh_token});
    let (one, two) = tokio::join!(
        server.post("/v1/auth/refresh", &body),
        server.post("/v1/auth/refresh", &body)
    );
    one.ok();
    two.ok();
    // Both new tokens work: no revocation happened.
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": one.body["refreshToken"]}),
        )
        .await
        .ok();
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": two.body["refreshToken"]}),
        )
        .await
        .ok();
    server.stop().await;
}

async fn logout_revokes_the_session(backend: Backend) {
    let server = TestServer::start(backend).await;
    let user = server.register_clinician().await;
    let logout = server
        .send(
            server
                .http
                .post(server.url("/v1/auth/logout"))
                .bearer_auth(&user.access_token),
        )
        .await;
    assert_eq!(logout.status, 204);
    server
        .get("/v1/me", Some(&user.access_token))
        .await
        .error(401, "invalid_token");
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": user.refresh_token}),
        )
        .await
        .error(401, "invalid_token");
    server
        .send(
            server
                .http
                .post(server.url("/v1/auth/logout"))
                .bearer_auth(&user.access_token),
        )
        .await
        .error(401, "invalid_token");
    server.get("/v1/me", None).await.error(401, "invalid_token");
    server
        .get("/v1/me", Some("eyJhbGciOiJub25lIn0.e30."))
        .await
        .error(401, "invalid_token");
    // An access token dies with its clock too.
    let other = server.register_clinician().await;
    server.advance(901);
    server
        .get("/v1/me", Some(&other.access_token))
        .await
        .error(401, "invalid_token");
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": other.refresh_token}),
        )
        .await
        .ok();
    server.stop().await;
}

async fn known_and_unknown_identifiers_get_the_same_start(backend: Backend) {
    let server = TestServer::start(backend).await;
    let known = server.register_clinician().await;
    let known_email = server.get("/v1/me", Some(&known.access_token)).await.body["email"]
        .as_str()
        .unwrap()
        .to_owned();
    let unknown_email = unique_email();
    let device = Device::new();
    let a = server
        .start_request(&device, json!({"email": known_email}))
        .await;
    let b = server
        .start_request(&device, json!({"email": unknown_email}))
        .await;
    assert_eq!((a.status, b.status), (200, 200));
    let keys = |value: &Value| {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    assert_eq!(keys(&a.body), keys(&b.body));
    assert_eq!(a.body["codeLength"], b.body["codeLength"]);
    for answer in [&a, &b] {
        let login = answer.body["login"].as_str().unwrap();
        assert!(login.contains("***@example.com"), "{login}");
    }
    // The stranger is told no account uses the address; no code can work.
    let told = server.wait_for_messages(&unknown_email, 1).await;
    assert!(told[0]["body"].as_str().unwrap().contains("no account"));
    let request_id = b.body["requestId"].as_str().unwrap();
    for guess in ["000000", "123456"] {
        server
            .complete(&device, request_id, guess)
            .await
            .error(400, "invalid_code");
    }
    server.stop().await;
}

async fn send_limits_per_identifier_ip_and_prefix(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.send_limit_per_identifier = 2;
        settings.send_limit_per_ip = 8;
        settings.send_limit_per_phone_prefix = 3;
        settings.send_limit_window_seconds = 3600;
    })
    .await;
    let device = Device::new();
    let email = unique_email();
    for _ in 0..2 {
        server
            .start_request(&device, json!({"email": email}))
            .await
            .ok();
    }
    let limited = server.start_request(&device, json!({"email": email})).await;
    let retry_after = limited.error(429, "rate_limited")["retryAfter"]
        .as_u64()
        .unwrap();
    assert!(retry_after > 0 && retry_after <= 3600);
    // The phone prefix limit: numbers in one range.
    let base = "+3247055550";
    for n in 0..3 {
        server
            .start_request(&device, json!({"phone": format!("{base}{n}")}))
            .await
            .ok();
    }
    server
        .start_request(&device, json!({"phone": format!("{base}9")}))
        .await
        .error(429, "rate_limited");
    // Refused starts spend nobody's budget: 5 admitted from this IP so far
    // (of 8); three more, then none.
    for _ in 0..3 {
        server
            .start_request(&device, json!({"email": unique_email()}))
            .await
            .ok();
    }
    server
        .start_request(&device, json!({"email": unique_email()}))
        .await
        .error(429, "rate_limited");
    // A new window lets everyone in again.
    server.advance(3600);
    server
        .start_request(&device, json!({"email": email}))
        .await
        .ok();
    server.stop().await;
}

async fn concurrent_starts_share_a_limit_exactly(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.send_limit_per_identifier = 3;
        settings.send_limit_per_phone_prefix = 5;
    })
    .await;
    let device = Device::new();
    let email = unique_email();
    let starts = (0..8).map(|_| server.start_request(&device, json!({"email": email})));
    let answers = futures::future::join_all(starts).await;
    let admitted = answers.iter().filter(|answer| answer.status == 200).count();
    assert_eq!(
        admitted,
        3,
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    for refused in answers.iter().filter(|answer| answer.status != 200) {
        refused.error(429, "rate_limited");
    }
    assert_eq!(server.wait_for_messages(&email, 3).await.len(), 3);
    let phones: Vec<String> = (0..8).map(|n| format!("+324705555{n:02}")).collect();
    let starts = phones
        .iter()
        .map(|phone| server.start_request(&device, json!({"phone": phone})));
    let answers = futures::future::join_all(starts).await;
    assert_eq!(
        answers.iter().filter(|answer| answer.status == 200).count(),
        5
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let texts = server
        .outbox_messages()
        .iter()
        .filter(|message| message["channel"] == "sms")
        .count();
    assert_eq!(texts, 5, "nothing is sent for a refused start");
    server.stop().await;
}

async fn consecutive_failures_lock_the_identifier(backend: Backend) {
    let server = TestServer::start_with(backend, |settings| {
        settings.max_consecutive_failures = 7;
        settings.failure_lockout_seconds = 600;
        settings.trusted_proxies = "127.0.0.1/32".into();
    })
    .await;
    let user = server.register_clinician().await;
    let email = server.email_of(&user).await;
    // Starts from a network the owner never logged in from.
    let device = Device::new();
    // Two requests, 7 wrong codes in a row between them.
    for (request, tries) in [(1, 5), (2, 2)] {
        server.advance(61);
        let started = server.start_from("198.51.100.9", &email, &device).await;
        let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
        let code = server.code_in_message(&email, request + 1).await;
        let wrong = if code == "999999" { "888888" } else { "999999" };
        for _ in 0..tries {
            server
                .complete(&device, &request_id, wrong)
                .await
                .error(400, "invalid_code");
        }
    }
    // That network gets no new request for the lockout's time; the owner's
    // own network (where they registered) is not locked out.
    let locked = server.start_from("198.51.100.9", &email, &device).await;
    assert!(
        locked.error(429, "too_many_attempts")["retryAfter"]
            .as_u64()
            .unwrap()
            > 500
    );
    server.sign_in(json!({"email": email})).await;
    server.advance(601);
    server
        .start_from("198.51.100.9", &email, &device)
        .await
        .ok();
    server.stop().await;
}

async fn a_patient_needs_a_real_clinician(backend: Backend) {
    let server = TestServer::start(backend).await;
    let device = Device::new();
    let patient = |clinician: Value| {
        json!({
            "email": unique_email(),
            "firstName": "P",
            "lastName": "Q",
            "role": "patient",
            "responsibleClinicianId": clinician,
        })
    };
    server
        .start_request(&device, patient(Value::Null))
        .await
        .error(400, "invalid_clinician");
    server
        .start_request(&device, patient(json!(uuid::Uuid::new_v4().to_string())))
        .await
        .error(400, "invalid_clinician");
    let clinician = server.register_clinician().await;
    let patient_body = patient(json!(clinician.user_id));
    let first_patient = server.sign_in(patient_body).await;
    server
        .start_request(&device, patient(json!(first_patient.user_id)))
        .await
        .error(400, "invalid_clinician");
    server.stop().await;
}

async fn email_and_phone_send_by_email_and_keep_the_phone_unverified(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let phone = unique_phone();
    let user = server
        .sign_in(json!({
            "email": email,
            "phone": phone,
            "firstName": "Robb",
            "lastName": "Stark",
            "role": "clinician",
        }))
        .await;
    assert!(
        server
            .outbox_messages()
            .iter()
            .all(|message| message["to"] != phone.as_str())
    );
    let me = server.get("/v1/me", Some(&user.access_token)).await;
    assert_eq!(me.ok()["phone"], phone.as_str());
    assert_eq!(me.ok()["phoneVerified"], false);
    // The number was never proven, so it does not open this account.
    let device = Device::new();
    server
        .start_request(&device, json!({"phone": phone}))
        .await
        .ok();
    let told = server.wait_for_messages(&phone, 1).await;
    assert!(told[0]["body"].as_str().unwrap().contains("no account"));
    server.stop().await;
}

async fn biot_otp_endpoints_match_the_documentation(backend: Backend) {
    let server = TestServer::start(backend).await;
    // An unknown phone: the same shape, and nothing is sent.
    let stranger = unique_phone();
    let generated = server
        .post("/ums/v2/users/otp/generate", &json!({"phone": stranger}))
        .await;
    let generated = generated.ok();
    assert_eq!(generated.as_object().unwrap().len(), 2);
    assert_eq!(
        generated["phone"],
        format!("******{}", &stranger[stranger.len() - 4..])
    );
    server.advance(1);
    // The known user registered through the native API.
    let phone = unique_phone();
    let user = server
        .sign_in(json!({"phone": phone, "firstName": "A", "lastName": "B", "role": "clinician"}))
        .await;
    let generated = server
        .post("/ums/v2/users/otp/generate", &json!({"phone": phone}))
        .await;
    let generated = generated.ok().clone();
    let request_id = generated["requestId"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(request_id).is_ok());
    assert_eq!(
        generated["phone"],
        format!("******{}", &phone[phone.len() - 4..])
    );
    let message = &server.wait_for_messages(&phone, 2).await[1];
    let code = code_in(message);
    assert_eq!(
        message["body"],
        format!("Hello, your user verification code is {code}.")
    );
    let login = server
        .post(
            "/ums/v2/users/otp/login",
            &json!({"requestId": request_id, "code": code}),
        )
        .await;
    let login = login.ok().clone();
    let mut keys: Vec<&str> = login
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "accessJwt",
            "mfaExpiration",
            "mfaRequired",
            "ownerOrganizationId",
            "passwordResetRequired",
            "phone",
            "refreshJwt",
            "userId"
        ]
    );
    assert_eq!(login["userId"], user.user_id.as_str());
    assert_eq!(login["mfaRequired"], false);
    assert_eq!(login["passwordResetRequired"], false);
    assert_eq!(login["phone"], phone.as_str());
    let expiration = login["accessJwt"]["expiration"].as_str().unwrap();
    assert_eq!(expiration.len(), "2024-12-03T12:48:30.979Z".len());
    assert!(expiration.ends_with('Z'));
    let token = login["accessJwt"]["token"].as_str().unwrap();
    let me = server.get("/v1/me", Some(token)).await;
    assert_eq!(me.ok()["userId"], user.user_id.as_str());
    let me_group = me.body["groupId"].clone();
    assert_eq!(login["ownerOrganizationId"], me_group);
    // Replayed and wrong codes.
    server
        .post(
            "/ums/v2/users/otp/login",
            &json!({"requestId": request_id, "code": code}),
        )
        .await
        .error(409, "code_used");
    let refreshed = server
        .post(
            "/ums/v2/users/token/refresh",
            &json!({"refreshToken": login["refreshJwt"]["token"]}),
        )
        .await;
    assert_eq!(refreshed.ok()["userId"], user.user_id.as_str());
    // A native request cannot be completed through the BioT endpoint (it needs its device).
    let device = Device::new();
    let native = server.start_request(&device, json!({"phone": phone})).await;
    server
        .post(
            "/ums/v2/users/otp/login",
            &json!({"requestId": native.body["requestId"], "code": "123456"}),
        )
        .await
        .error(404, "unknown_request");
    server
        .post("/ums/v2/users/otp/generate", &json!({"phone": "12"}))
        .await
        .error(400, "invalid_phone");
    server.stop().await;
}

async fn operations_endpoints_answer(backend: Backend) {
    let server = TestServer::start(backend).await;
    server.register_clinician().await;
    assert_eq!(server.get("/healthz", None).await.ok()["status"], "ok");
    assert_eq!(server.get("/readyz", None).await.ok()["status"], "ready");
    let text = server.metrics().await;
    assert!(
        text.contains(
            "carekey_http_requests_total{method=\"POST\",route=\"/v1/auth/start\",status=\"200\"} 1"
        ),
        "{text}"
    );
    assert!(
        text.contains("carekey_logins_total{outcome=\"registered\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("carekey_messages_sent_total{transport=\"outbox\"} 1"),
        "{text}"
    );
    assert!(text.contains("carekey_queue_pending_messages 0"), "{text}");
    let openapi = server.get("/openapi.json", None).await;
    let openapi = openapi.ok();
    assert!(openapi["openapi"].as_str().unwrap().starts_with('3'));
    assert!(openapi["paths"]["/v1/auth/complete"]["post"].is_object());
    let jwks = server.get("/.well-known/jwks.json", None).await;
    assert_eq!(jwks.ok()["keys"][0]["crv"], "Ed25519");
    server.get("/nowhere", None).await.error(404, "not_found");
    server.stop().await;
}

async fn public_keys_are_registered_and_listed(backend: Backend) {
    use base64::Engine;
    use rsa::pkcs8::EncodePublicKey;
    let server = TestServer::start(backend).await;
    let user = server.register_clinician().await;
    let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).unwrap();
    let spki = key.to_public_key().to_public_key_der().unwrap();
    let encoded = base64::engine::general_purpose::STANDARD.encode(spki.as_bytes());
    let upload = json!({"publicKey": encoded, "algorithm": "RSA-OAEP-SHA256"});
    let post = |body: &Value, token: &str| {
        server.send(
            server
                .http
                .post(server.url("/v1/keys"))
                .bearer_auth(token.to_owned())
                .json(body),
        )
    };
    let first = post(&upload, &user.access_token).await;
    let first = first.ok().clone();
    assert_eq!(first["keyId"].as_str().unwrap().len(), 64);
    assert_eq!(first["publicKey"], encoded.as_str());
    // Again: the same key, nothing new.
    assert_eq!(
        post(&upload, &user.access_token).await.ok()["keyId"],
        first["keyId"]
    );
    let listed = server.get("/v1/keys", Some(&user.access_token)).await;
    assert_eq!(listed.ok()["keys"].as_array().unwrap().len(), 1);
    post(
        &json!({"publicKey": "AAAA", "algorithm": "RSA-OAEP-SHA256"}),
        &user.access_token,
    )
    .await
    .error(400, "invalid_request");
    post(&upload, "not-a-token")
        .await
        .error(401, "invalid_token");
    // Another user sees only their own keys.
    let other = server.register_clinician().await;
    let theirs = server.get("/v1/keys", Some(&other.access_token)).await;
    assert!(theirs.ok()["keys"].as_array().unwrap().is_empty());
    server.stop().await;
}

async fn a_proven_phone_number_becomes_a_login(backend: Backend) {
    let server = TestServer::start(backend).await;
    let email = unique_email();
    let phone = unique_phone();
    let user = server
        .sign_in(json!({
            "email": email,
            "phone": phone,
            "firstName": "Arya",
            "lastName": "Stark",
            "role": "clinician",
        }))
        .await;
    let post = |path: &str, body: Value, token: &str| {
        server.send(
            server
                .http
                .post(server.url(path))
                .bearer_auth(token.to_owned())
                .json(&body),
        )
    };
    // Bad input and no session change nothing.
    post("/v1/me/phone", json!({"phone": "12"}), &user.access_token)
        .await
        .error(400, "invalid_phone");
    post("/v1/me/phone", json!({"phone": phone}), "not-a-token")
        .await
        .error(401, "invalid_token");

    let started = post("/v1/me/phone", json!({"phone": phone}), &user.access_token).await;
    let started = started.ok().clone();
    assert_eq!(
        started["login"],
        format!("******{}", &phone[phone.len() - 4..])
    );
    let request_id = started["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(&phone, 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let refused = post(
        "/v1/me/phone/verify",
        json!({"requestId": request_id, "code": wrong}),
        &user.access_token,
    )
    .await;
    assert_eq!(refused.error(400, "invalid_code")["attemptsLeft"], 4);
    // Another account cannot redeem this user's request.
    let other = server.register_clinician().await;
    post(
        "/v1/me/phone/verify",
        json!({"requestId": request_id, "code": code}),
        &other.access_token,
    )
    .await
    .error(404, "unknown_request");
    let me = post(
        "/v1/me/phone/verify",
        json!({"requestId": request_id, "code": code}),
        &user.access_token,
    )
    .await;
    assert_eq!(me.ok()["phone"], phone.as_str());
    assert_eq!(me.ok()["phoneVerified"], true);
    post(
        "/v1/me/phone/verify",
        json!({"requestId": request_id, "code": code}),
        &user.access_token,
    )
    .await
    .error(409, "code_used");

    // The number now logs in to the same account.
    let by_sms = server.sign_in(json!({"phone": phone})).await;
    assert_eq!(by_sms.user_id, user.user_id);
    // Nobody else can claim it, and the answer does not say it is taken:
    // the same shape as for a free number, no code to the number (its owner
    // is told someone tried), and no code proves it.
    let messages_before = server.wait_for_messages(&phone, 2).await.len();
    let tried = post("/v1/me/phone", json!({"phone": phone}), &other.access_token).await;
    let tried = tried.ok().clone();
    assert_eq!(
        tried.as_object().unwrap().keys().collect::<Vec<_>>(),
        started.as_object().unwrap().keys().collect::<Vec<_>>()
    );
    let told = server.wait_for_messages(&phone, messages_before + 1).await;
    let notice = told.last().unwrap()["body"].as_str().unwrap().to_owned();
    assert!(
        notice.contains("Someone tried to add this number"),
        "{notice}"
    );
    assert!(
        !notice.chars().any(|c| c.is_ascii_digit()),
        "a code went out: {notice}"
    );
    post(
        "/v1/me/phone/verify",
        json!({"requestId": tried["requestId"], "code": code}),
        &other.access_token,
    )
    .await
    .error(400, "invalid_code");

    // A code that has expired is refused.
    let second = unique_phone();
    let started = post(
        "/v1/me/phone",
        json!({"phone": second}),
        &other.access_token,
    )
    .await;
    let request_id = started.ok()["requestId"].as_str().unwrap().to_owned();
    let code = server.code_in_message(&second, 1).await;
    server.advance(121);
    post(
        "/v1/me/phone/verify",
        json!({"requestId": request_id, "code": code}),
        &other.access_token,
    )
    .await
    .error(400, "code_expired");
    server.stop().await;
}
