//! A person deletes their own account (issue 16, erasure), against a real
//! server on port 0, on SQLite and PostgreSQL: everything it owns goes in
//! one step, only with a fresh proof, never a clinician's whose patients
//! would be left with nobody, and the person's addresses are told.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Device, TestServer};
use serde_json::json;

on_both_databases!(a_patient_deletes_her_account_and_nothing_of_it_is_left);
on_both_databases!(an_old_session_a_guest_and_a_clinician_with_patients_cannot_delete);

async fn delete_me(server: &TestServer, token: &str) -> common::Answer {
    server
        .send(server.http.delete(server.url("/v1/me")).bearer_auth(token))
        .await
}

async fn a_patient_deletes_her_account_and_nothing_of_it_is_left(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (doctor, patient, note) = server.care_team_with_a_note().await;
    let email = server.email_of(&patient).await;
    let bystander = server.register_clinician().await;

    let deleted = delete_me(&server, &patient.access_token).await;
    assert_eq!(deleted.status, 204, "{:?}", deleted.body);
    for (table, column) in common::ACCOUNT_COLUMNS {
        let condition = format!("{column} = '{}'", patient.user_id);
        assert_eq!(
            server.count_where(table, &condition).await,
            0,
            "{table}.{column}"
        );
    }
    // The audit keeps her tombstone: her id, deleted by its owner, her role,
    // and nothing of who she was.
    let tombstone = format!(
        "user_id = '{}' AND actor = 'owner' AND action = 'delete'",
        patient.user_id
    );
    assert_eq!(server.count_where("operator_actions", &tombstone).await, 1);
    let details = server
        .texts(&format!(
            "SELECT detail FROM operator_actions WHERE user_id = '{}'",
            patient.user_id
        ))
        .await;
    assert_eq!(details, [r#"{"role":"patient"}"#]);
    let audit = server
        .admin(reqwest::Method::GET, "/admin/v1/audit", None)
        .await;
    let listed = audit.ok().to_string();
    assert!(
        listed.contains(&patient.user_id) && listed.contains("\"owner\""),
        "{listed}"
    );
    assert!(!listed.contains(&email), "{listed}");
    // Her tokens are dead; her clinician no longer has her or her note.
    server
        .get("/v1/me", Some(&patient.access_token))
        .await
        .error(401, "invalid_token");
    server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": patient.refresh_token}),
        )
        .await
        .error(401, "invalid_token");
    let samples = server.get("/v1/samples", Some(&doctor.access_token)).await;
    assert!(!samples.ok().to_string().contains(&note));
    let patients = server.get("/v1/patients", Some(&doctor.access_token)).await;
    assert!(!patients.ok().to_string().contains(&patient.user_id));
    // She is told; her address now belongs to nobody.
    let told = server.wait_for_messages(&email, 2).await;
    let notice = told.last().unwrap()["body"].as_str().unwrap();
    assert!(notice.contains("account was deleted"), "{notice}");
    assert!(
        !notice.contains("log in,"),
        "no account is left to log in to: {notice}"
    );
    server
        .start_request(&Device::new(), json!({"email": email}))
        .await
        .ok();
    let answer = server.wait_for_messages(&email, 3).await;
    let last = answer.last().unwrap()["body"].as_str().unwrap();
    assert!(last.contains("no account uses it"), "{last}");
    // Others are untouched.
    server
        .get("/v1/me", Some(&bystander.access_token))
        .await
        .ok();
    server.get("/v1/me", Some(&doctor.access_token)).await.ok();
    server.stop().await;
}

async fn an_old_session_a_guest_and_a_clinician_with_patients_cannot_delete(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (doctor, patient, _) = server.care_team_with_a_note().await;

    // The clinician still has a patient: refused, and it says why.
    let refused = delete_me(&server, &doctor.access_token).await;
    let error = refused.error(400, "patients_remain");
    assert_eq!(error["patients"], 1, "{error}");
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("1 patient names you"),
        "{error}"
    );
    // A guest closes itself another way.
    let guest = server
        .post("/v1/auth/guest", &json!({"deviceName": "a kiosk"}))
        .await;
    let guest_token = guest.ok()["accessToken"].as_str().unwrap().to_owned();
    delete_me(&server, &guest_token)
        .await
        .error(400, "invalid_request");
    // Eleven minutes after her login, a stolen token alone erases nothing.
    server.advance(11 * 60);
    let fresh = server
        .post(
            "/v1/auth/refresh",
            &json!({"refreshToken": patient.refresh_token}),
        )
        .await;
    let token = fresh.ok()["accessToken"].as_str().unwrap().to_owned();
    delete_me(&server, &token)
        .await
        .error(403, "fresh_proof_required");
    assert_eq!(
        server
            .count_where("users", &format!("id = '{}'", patient.user_id))
            .await,
        1
    );
    // Without her, he has no patient left, and may go (after proving it is
    // him: his login is old too).
    let patient = server
        .sign_in(json!({"email": server.email_of(&patient).await}))
        .await;
    delete_me(&server, &patient.access_token).await;
    let doctor = server
        .sign_in(json!({"email": server.email_of(&doctor).await}))
        .await;
    assert_eq!(delete_me(&server, &doctor.access_token).await.status, 204);
    server.stop().await;
}
