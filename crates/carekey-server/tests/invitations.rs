//! A clinician's invitations (issue 16), against a real server on port 0,
//! on SQLite and PostgreSQL: a patient who registers through one, or names
//! him through one from her account, is his patient at once; one admits no
//! more patients than it allows, whatever arrives at once; a wrong secret
//! takes a try before it is compared and ten end the invitation; a revoked
//! or expired one admits nobody, while a registration in progress still
//! registers; only its clinician lists or revokes it.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, Registered, TestServer, unique_email};
use serde_json::{Value, json};

on_both_databases!(a_patient_who_registers_through_an_invitation_is_the_clinicians_patient_at_once);
on_both_databases!(an_invitation_admits_no_more_patients_than_it_allows_even_at_once);
on_both_databases!(a_wrong_secret_takes_a_try_before_it_is_compared_and_ten_end_the_invitation);
on_both_databases!(a_revoked_or_expired_invitation_admits_nobody_but_lets_a_registration_finish);
on_both_databases!(only_a_clinician_makes_invitations_and_only_he_lists_or_revokes_his);
on_both_databases!(a_patient_with_an_account_names_a_clinician_through_his_invitation);
on_both_databases!(the_invitation_page_names_the_clinician_and_changes_nothing);

/// `clinician`'s new invitation (`body` as the request); answers the whole
/// answer and its token (`<id>.<secret>`).
async fn invite(server: &TestServer, clinician: &Registered, body: Value) -> (Value, String) {
    let made = server
        .post_as("/v1/invitations", &clinician.access_token, &body)
        .await;
    let made = made.ok().clone();
    let token = made["appLink"]
        .as_str()
        .unwrap()
        .strip_prefix("carekey://invite/")
        .unwrap()
        .to_owned();
    (made, token)
}

async fn open(server: &TestServer, token: &str) -> common::Answer {
    server
        .post("/v1/invitations/open", &json!({ "invitation": token }))
        .await
}

/// A patient's registration through `token`, started: its request id and
/// device, and the address the code goes to.
async fn start_through(server: &TestServer, token: &str) -> (String, Device, String) {
    let device = Device::new();
    let email = unique_email();
    let request_id = server
        .request_id(
            &device,
            json!({
                "email": email,
                "firstName": "Lisa",
                "lastName": "Cuddy",
                "role": "patient",
                "invitation": token,
            }),
        )
        .await;
    (request_id, device, email)
}

/// A patient's registration through `token` is refused at its start: the
/// invitation ended.
async fn ended_at_start(server: &TestServer, token: &str) {
    let body = json!({"email": unique_email(), "firstName": "A", "lastName": "B",
                      "role": "patient", "invitation": token});
    let refused = server.start_request(&Device::new(), body).await;
    refused.error(410, "invitation_ended");
}

/// Completes a registration started with [`start_through`]; answers the
/// new account's profile.
async fn finish(server: &TestServer, started: &(String, Device, String)) -> Value {
    let (request_id, device, email) = started;
    let code = server.code_in_message(email, 1).await;
    let session = server.complete(device, request_id, &code).await;
    let token = session.ok()["accessToken"].as_str().unwrap().to_owned();
    server.get("/v1/me", Some(&token)).await.ok().clone()
}

async fn a_patient_who_registers_through_an_invitation_is_the_clinicians_patient_at_once(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let house = server.register_clinician().await;
    let (made, token) = invite(&server, &house, json!({})).await;
    assert_eq!(made["uses"], 1);
    assert_eq!(made["usesLeft"], 1);
    let link = made["link"].as_str().unwrap();
    assert!(
        link.starts_with("http") && link.ends_with(&format!("/invite/{token}")),
        "{link}"
    );

    let opened = open(&server, &token).await;
    assert_eq!(opened.ok()["clinicianId"], house.user_id.as_str());
    assert_eq!(opened.ok()["lastName"], "House");

    // No clinician id typed: the invitation names him.
    let profile = finish(&server, &start_through(&server, &token).await).await;
    assert_eq!(profile["responsibleClinicianId"], house.user_id.as_str());
    assert_eq!(profile["careStatus"], "accepted");
    let patients = server.get("/v1/patients", Some(&house.access_token)).await;
    assert_eq!(patients.ok()["patients"][0]["careStatus"], "accepted");
    assert_eq!(patients.ok()["patients"][0]["userId"], profile["userId"]);

    // It admitted its one patient: it is over, for opening and for starting.
    open(&server, &token).await.error(410, "invitation_ended");
    ended_at_start(&server, &token).await;
    let listed = server
        .get("/v1/invitations", Some(&house.access_token))
        .await;
    assert_eq!(listed.ok()["invitations"], json!([]));

    // An invitation is for a patient's registration, not a clinician's nor
    // a login; a typed id must be the invitation's clinician.
    let (_, other) = invite(&server, &house, json!({})).await;
    for body in [
        json!({"email": unique_email(), "firstName": "A", "lastName": "B", "role": "clinician", "invitation": other}),
        json!({"email": unique_email(), "invitation": other}),
    ] {
        let answer = server.start_request(&Device::new(), body).await;
        answer.error(400, "invalid_request");
    }
    let wilson = server.register_clinician().await;
    let answer = server
        .start_request(
            &Device::new(),
            json!({"email": unique_email(), "firstName": "A", "lastName": "B", "role": "patient",
                   "responsibleClinicianId": wilson.user_id, "invitation": other}),
        )
        .await;
    answer.error(400, "invalid_clinician");
    // None of those took a use of it.
    open(&server, &other).await.ok();
}

async fn an_invitation_admits_no_more_patients_than_it_allows_even_at_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let house = server.register_clinician().await;
    let (_, token) = invite(&server, &house, json!({"uses": 2})).await;
    let mut started = Vec::new();
    for _ in 0..6 {
        started.push(start_through(&server, &token).await);
    }
    let profiles =
        futures::future::join_all(started.iter().map(|started| finish(&server, started))).await;
    let accepted = profiles
        .iter()
        .filter(|profile| profile["careStatus"] == "accepted")
        .count();
    let pending = profiles
        .iter()
        .filter(|profile| profile["careStatus"] == "pending")
        .count();
    // Each is registered and names him; two joined through the invitation,
    // the others wait for his answer as if they had typed his id.
    assert_eq!((accepted, pending), (2, 4));
    assert!(
        profiles
            .iter()
            .all(|profile| profile["responsibleClinicianId"] == house.user_id.as_str())
    );
    assert_eq!(
        server
            .count_where("invitations", "uses_left = 0 AND uses = 2")
            .await,
        1
    );
}

async fn a_wrong_secret_takes_a_try_before_it_is_compared_and_ten_end_the_invitation(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let house = server.register_clinician().await;
    let (made, token) = invite(&server, &house, json!({"uses": 5})).await;
    let id = made["invitationId"].as_str().unwrap();
    let wrong = format!("{id}.{}", "a".repeat(32));
    open(&server, &wrong).await.error(400, "invalid_invitation");
    let tries = format!("id = '{id}' AND failed_attempts = 1");
    assert_eq!(server.count_where("invitations", &tries).await, 1);
    // The right secret gives its try back: opening a working link again
    // and again never ends it.
    for _ in 0..3 {
        open(&server, &token).await.ok();
    }
    assert_eq!(server.count_where("invitations", &tries).await, 1);
    // Malformed ones are refused without a look.
    for malformed in [
        "",
        "nonsense",
        &format!("{id}.short"),
        "x.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    ] {
        open(&server, malformed)
            .await
            .error(400, "invalid_invitation");
    }
    // Twenty wrong secrets at once: the tries are counted one by one, the
    // tenth ends it, and none after counts.
    let wrongs = futures::future::join_all((0..20).map(|_| open(&server, &wrong))).await;
    assert!(
        wrongs
            .iter()
            .all(|answer| ["invalid_invitation", "invitation_ended"].contains(&answer.code()))
    );
    let ten = format!("id = '{id}' AND failed_attempts = 10");
    assert_eq!(server.count_where("invitations", &ten).await, 1);
    open(&server, &token).await.error(410, "invitation_ended");
    ended_at_start(&server, &token).await;
}

async fn a_revoked_or_expired_invitation_admits_nobody_but_lets_a_registration_finish(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let house = server.register_clinician().await;
    let (made, token) = invite(&server, &house, json!({"uses": 3})).await;
    let started = start_through(&server, &token).await;
    let revoked = server
        .send(
            server
                .http
                .delete(server.url(&format!(
                    "/v1/invitations/{}",
                    made["invitationId"].as_str().unwrap()
                )))
                .bearer_auth(&house.access_token),
        )
        .await;
    assert_eq!(revoked.status, 204);
    // Her registration goes through; he must answer her now.
    let profile = finish(&server, &started).await;
    assert_eq!(profile["responsibleClinicianId"], house.user_id.as_str());
    assert_eq!(profile["careStatus"], "pending");
    open(&server, &token).await.error(410, "invitation_ended");

    let (_, short) = invite(&server, &house, json!({"validMinutes": 1})).await;
    open(&server, &short).await.ok();
    server.advance(61);
    open(&server, &short).await.error(410, "invitation_ended");
    let listed = server
        .get("/v1/invitations", Some(&house.access_token))
        .await;
    assert_eq!(listed.ok()["invitations"], json!([]));

    // A clinician his operator disabled admits nobody until enabled.
    let (_, paused) = invite(&server, &house, json!({})).await;
    let email = server.email_of(&house).await;
    let path = format!("/admin/v1/users/{}/disable", house.user_id);
    let disabled = server.admin(reqwest::Method::POST, &path, None).await;
    assert_eq!(disabled.ok()["changed"], true);
    open(&server, &paused).await.error(410, "invitation_ended");
    let path = format!("/admin/v1/users/{}/enable", house.user_id);
    server.admin(reqwest::Method::POST, &path, None).await.ok();
    open(&server, &paused).await.ok();
    // Disabling ended his sessions; he logs in again as before.
    server.sign_in(json!({ "email": email })).await;
}

async fn only_a_clinician_makes_invitations_and_only_he_lists_or_revokes_his(backend: Backend) {
    let server = TestServer::start(backend).await;
    let house = server.register_clinician().await;
    let wilson = server.register_clinician().await;
    let patient = server.register_patient(&house.user_id).await;
    server
        .post_as("/v1/invitations", &patient.access_token, &json!({}))
        .await
        .error(400, "invalid_request");
    for body in [
        json!({"uses": 0}),
        json!({"uses": 51}),
        json!({"validMinutes": 0}),
        json!({"validMinutes": 10081}),
    ] {
        server
            .post_as("/v1/invitations", &house.access_token, &body)
            .await
            .error(400, "invalid_request");
    }
    let (made, token) = invite(&server, &house, json!({"uses": 50, "validMinutes": 10080})).await;
    let id = made["invitationId"].as_str().unwrap();
    let listed = server
        .get("/v1/invitations", Some(&house.access_token))
        .await;
    assert_eq!(listed.ok()["invitations"][0]["invitationId"], id);
    assert!(listed.ok()["invitations"][0].get("link").is_none());
    let theirs = server
        .get("/v1/invitations", Some(&wilson.access_token))
        .await;
    assert_eq!(theirs.ok()["invitations"], json!([]));
    let delete = |who: &Registered| {
        server.send(
            server
                .http
                .delete(server.url(&format!("/v1/invitations/{id}")))
                .bearer_auth(&who.access_token),
        )
    };
    delete(&wilson).await.error(404, "not_found");
    open(&server, &token).await.ok();
    assert_eq!(delete(&house).await.status, 204);
    assert_eq!(delete(&house).await.status, 204);

    // At most 20 working at once.
    for _ in 0..20 {
        invite(&server, &wilson, json!({})).await;
    }
    server
        .post_as("/v1/invitations", &wilson.access_token, &json!({}))
        .await
        .error(409, "quota_exceeded");
}

async fn a_patient_with_an_account_names_a_clinician_through_his_invitation(backend: Backend) {
    let server = TestServer::start(backend).await;
    let house = server.register_clinician().await;
    let wilson = server.register_clinician().await;
    let patient = server.register_patient(&house.user_id).await;
    let (_, token) = invite(&server, &wilson, json!({})).await;
    let clinician = |body: Value| {
        let (server, patient) = (&server, &patient);
        async move {
            server
                .put("/v1/me/clinician", &patient.access_token, &body)
                .await
        }
    };
    // An invitation of one and the id of another: refused, nothing used.
    clinician(json!({"clinicianId": house.user_id, "invitation": token}))
        .await
        .error(400, "invalid_clinician");
    let moved = clinician(json!({"invitation": token})).await;
    assert_eq!(
        moved.ok()["responsibleClinicianId"],
        wilson.user_id.as_str()
    );
    assert_eq!(moved.ok()["careStatus"], "accepted");
    clinician(json!({"invitation": token}))
        .await
        .error(410, "invitation_ended");
    // A clinician who declined her may invite her back: his invitation is
    // his answer.
    let path = format!("/v1/patients/{}/decline", patient.user_id);
    server
        .post_as(&path, &wilson.access_token, &json!({}))
        .await
        .ok();
    let (_, again) = invite(&server, &wilson, json!({})).await;
    let back = clinician(json!({"invitation": again})).await;
    assert_eq!(back.ok()["careStatus"], "accepted");
}

async fn the_invitation_page_names_the_clinician_and_changes_nothing(backend: Backend) {
    let server = TestServer::start(backend).await;
    let house = server
        .sign_in(json!({
            "email": unique_email(),
            "firstName": "Gregory <b>",
            "lastName": "House",
            "role": "clinician",
        }))
        .await;
    let (_, token) = invite(&server, &house, json!({})).await;
    let page = |token: String| {
        let server = &server;
        async move {
            let response = server
                .http
                .get(server.url(&format!("/invite/{token}")))
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.text().await.unwrap())
        }
    };
    for _ in 0..3 {
        let (status, html) = page(token.clone()).await;
        assert_eq!(status, 200);
        assert!(html.contains("Gregory &lt;b&gt; House"), "{html}");
        assert!(html.contains(&format!("carekey://invite/{token}")));
        assert!(html.contains(&house.user_id));
    }
    assert_eq!(
        server
            .count_where("invitations", "uses_left = 1 AND failed_attempts = 0")
            .await,
        1
    );
    assert_eq!(page("nothing.here".into()).await.0, 404);
    finish(&server, &start_through(&server, &token).await).await;
    assert_eq!(page(token).await.0, 410);
}
