//! Registrations reach the clinic's other systems through the durable
//! queue, on SQLite and PostgreSQL: the omnichannel contact webhook, checked
//! by the Standard Webhooks reference library (Python's `standardwebhooks`),
//! and the FHIR R4 Patient, against Medplum's FHIR router and in-memory
//! repository (`tests/support/fhir`). Existing Patients get our identifier
//! with a versioned update (retried after a concurrent edit's 412); unknown
//! people get a Patient by conditional create; a receiver that is down gets
//! the same webhook id again later; an answer lost after the create does not
//! make a second Patient. A deleted account is told too: a
//! `contact.deleted` webhook without personal data, and our identifier off
//! its Patient (inactive only if we made it).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::fhir::{FHIR_TOKEN, Fhir};
use common::{Backend, SupportServer, TestServer, unique_email, unique_phone};
use serde_json::{Value, json};
use std::time::Duration;

on_both_databases!(registrations_reach_the_omnichannel_and_fhir_systems_once);
on_both_databases!(deleted_accounts_are_told_and_leave_the_clinics_record_its_own);

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

impl TestServer {
    /// Moves the clock on (retries are due by it) until `done` holds.
    async fn until<F, Fut>(&self, what: &str, done: F)
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        for _ in 0..200 {
            if done().await {
                return;
            }
            self.advance(2);
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{what} did not happen");
    }
}

/// A FHIR server, a webhook receiver, and a CareKey server that tells both.
async fn with_the_clinics_systems(backend: Backend) -> (Fhir, SupportServer, TestServer) {
    let fhir = Fhir::start().await;
    let hooks = SupportServer::webhook_sink(SECRET).await;
    let hook_url = format!("{}/hooks/contacts", hooks.url());
    let fhir_url = fhir.server.url();
    let server = TestServer::start_with(backend, |settings| {
        settings.omnichannel_webhook_url = Some(hook_url.clone());
        settings.omnichannel_webhook_secret = Some(SECRET.into());
        settings.fhir_base_url = Some(fhir_url.clone());
        settings.fhir_bearer_token = Some(FHIR_TOKEN.into());
    })
    .await;
    (fhir, hooks, server)
}

async fn patient(server: &TestServer, clinician_id: &str, contact: Value) -> String {
    let mut body = json!({"firstName": "Jon", "lastName": "Snow", "role": "patient", "responsibleClinicianId": clinician_id});
    for (key, value) in contact.as_object().unwrap() {
        body[key] = value.clone();
    }
    server.sign_in(body).await.user_id
}

async fn registrations_reach_the_omnichannel_and_fhir_systems_once(backend: Backend) {
    let (fhir, hooks, server) = with_the_clinics_systems(backend).await;

    // A clinician: a contact, and no Patient.
    let clinician = server.register_clinician().await;
    let delivered = hooks.wait_for(1).await;
    assert_eq!(delivered[0]["valid"], true, "{delivered:?}");
    assert_eq!(delivered[0]["payload"]["type"], "contact.created");
    assert_eq!(
        delivered[0]["payload"]["data"]["userId"],
        clinician.user_id.as_str()
    );
    assert_eq!(delivered[0]["payload"]["data"]["role"], "clinician");
    assert!(
        fhir.patients_with_our_id(&clinician.user_id)
            .await
            .is_empty()
    );

    // A patient the clinic already knows by phone: that Patient gets our
    // identifier and keeps its own.
    let known_phone = unique_phone();
    let known = fhir.existing_patient(&known_phone).await;
    let jon = patient(&server, &clinician.user_id, json!({"phone": known_phone})).await;
    server
        .until("Jon's Patient to get our identifier", || async {
            fhir.patients_with_our_id(&jon).await.len() == 1
        })
        .await;
    let linked = fhir.patients_with_our_id(&jon).await;
    assert_eq!(
        linked[0]["id"],
        known.as_str(),
        "the existing Patient, not a new one"
    );
    assert!(
        linked[0]["identifier"]
            .as_array()
            .unwrap()
            .iter()
            .any(|identifier| identifier["value"] == "MRN-1")
    );
    hooks.wait_for(2).await;

    // Unknown people: a Patient is created, found by phone or by email.
    let new_phone = unique_phone();
    let arya = patient(&server, &clinician.user_id, json!({"phone": new_phone})).await;
    let email = unique_email();
    let sansa = patient(&server, &clinician.user_id, json!({"email": email})).await;
    server
        .until("Patients for Arya and Sansa", || async {
            fhir.patients_with_our_id(&arya).await.len() == 1
                && fhir.patients_with_our_id(&sansa).await.len() == 1
        })
        .await;
    let created = fhir.patients_with_our_id(&arya).await;
    assert_eq!(created[0]["telecom"][0]["value"], new_phone.as_str());
    assert_eq!(created[0]["name"][0]["family"], "Snow");
    let created = fhir.patients_with_our_id(&sansa).await;
    assert_eq!(created[0]["telecom"][0]["value"], email.as_str());

    // Someone edits the known Patient just as our update lands: the update
    // is refused (412), read again, and made on the new version.
    let other_phone = unique_phone();
    let edited = fhir.existing_patient(&other_phone).await;
    fhir.hook("concurrent-edit").await;
    let bran = patient(&server, &clinician.user_id, json!({"phone": other_phone})).await;
    server
        .until("Bran's Patient to get our identifier", || async {
            fhir.patients_with_our_id(&bran).await.len() == 1
        })
        .await;
    let linked = fhir.patients_with_our_id(&bran).await;
    assert_eq!(linked[0]["id"], edited.as_str());
    assert_eq!(linked[0]["active"], true, "the concurrent edit is kept");

    // The FHIR server creates the Patient but its answer is lost: the job
    // runs again, and the conditional create finds the Patient it made.
    fhir.hook("lose-next-create").await;
    let rickon = patient(
        &server,
        &clinician.user_id,
        json!({"phone": unique_phone()}),
    )
    .await;
    server
        .until("Rickon's Patient", || async {
            fhir.patients_with_our_id(&rickon).await.len() == 1
        })
        .await;
    server
        .until("the FHIR job to be done", || async {
            server
                .metrics()
                .await
                .contains("carekey_queue_pending_messages 0")
        })
        .await;
    assert_eq!(fhir.patients_with_our_id(&rickon).await.len(), 1);

    // The omnichannel system is down: the contact waits in the queue and
    // comes with the same webhook id when it is back.
    let before = hooks.messages().len();
    reqwest::Client::new()
        .post(format!("{}/down", hooks.url()))
        .send()
        .await
        .unwrap();
    let robb = server.register_clinician().await;
    hooks.wait_for(before + 1).await;
    reqwest::Client::new()
        .post(format!("{}/up", hooks.url()))
        .send()
        .await
        .unwrap();
    server
        .until("the contact to arrive", || async {
            hooks.messages()[before..]
                .iter()
                .any(|delivery| delivery["valid"] == true)
        })
        .await;
    let attempts: Vec<Value> = hooks.messages()[before..].to_vec();
    let ids: std::collections::HashSet<&str> = attempts
        .iter()
        .map(|attempt| attempt["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "one webhook id across retries: {attempts:?}");
    let accepted: Vec<&Value> = attempts
        .iter()
        .filter(|attempt| attempt["valid"] == true)
        .collect();
    assert_eq!(accepted.len(), 1);
    assert_eq!(
        accepted[0]["payload"]["data"]["userId"],
        robb.user_id.as_str()
    );

    // Every delivery was signed right; each registration told once.
    let all = hooks.messages();
    assert!(
        all.iter().all(|delivery| delivery["valid"] != false),
        "{all:?}"
    );
    server.stop().await;
    hooks.stop().await;
    fhir.server.stop().await;
}

async fn deleted_accounts_are_told_and_leave_the_clinics_record_its_own(backend: Backend) {
    let (fhir, hooks, server) = with_the_clinics_systems(backend).await;
    let clinician = server.register_clinician().await;
    let registered = |phone: String| {
        let body = json!({"firstName": "Jon", "lastName": "Snow", "role": "patient",
            "responsibleClinicianId": clinician.user_id, "phone": phone});
        let server = &server;
        async move { server.sign_in(body).await }
    };
    // One the clinic knew before (its Patient gets our identifier), and
    // one it did not (we make the Patient).
    let known_phone = unique_phone();
    let known = fhir.existing_patient(&known_phone).await;
    let jon = registered(known_phone).await;
    let arya = registered(unique_phone()).await;
    server
        .until("both Patients linked", || async {
            fhir.patients_with_our_id(&jon.user_id).await.len() == 1
                && fhir.patients_with_our_id(&arya.user_id).await.len() == 1
        })
        .await;
    let made = fhir.patients_with_our_id(&arya.user_id).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // A guest, never announced, is deleted by an operator too.
    let guest = server.post("/v1/auth/guest", &json!({})).await;
    let guest_token = guest.ok()["accessToken"].as_str().unwrap().to_owned();
    let guest_id = server.get("/v1/me", Some(&guest_token)).await.ok()["userId"]
        .as_str()
        .unwrap()
        .to_owned();
    server
        .admin(
            reqwest::Method::DELETE,
            &format!("/admin/v1/users/{guest_id}"),
            None,
        )
        .await
        .ok();

    // Jon deletes his account; an operator deletes Arya's.
    let deleted = server
        .send(
            server
                .http
                .delete(server.url("/v1/me"))
                .bearer_auth(&jon.access_token),
        )
        .await;
    assert_eq!(deleted.status, 204, "{:?}", deleted.body);
    server
        .admin(
            reqwest::Method::DELETE,
            &format!("/admin/v1/users/{}", arya.user_id),
            None,
        )
        .await
        .ok();
    server
        .until("both Patients unlinked", || async {
            fhir.patients_with_our_id(&jon.user_id).await.is_empty()
                && fhir.patients_with_our_id(&arya.user_id).await.is_empty()
        })
        .await;
    // The clinic's own Patient keeps its identifier and stays active; the
    // one we made is inactive, with no identifier of ours.
    let kept = fhir
        .call(reqwest::Method::GET, &format!("Patient/{known}"), None)
        .await;
    assert_ne!(kept["active"], false, "{kept}");
    assert!(kept.to_string().contains("MRN-1"), "{kept}");
    assert!(!kept.to_string().contains(&jon.user_id), "{kept}");
    let ours = fhir
        .call(reqwest::Method::GET, &format!("Patient/{made}"), None)
        .await;
    assert_eq!(ours["active"], false, "{ours}");
    assert!(!ours.to_string().contains(&arya.user_id), "{ours}");

    // The omnichannel system: contact.deleted for each, signed, with the
    // id and role only.
    let gone = |user: &str| {
        hooks.messages().into_iter().find(|delivery| {
            delivery["payload"]["type"] == "contact.deleted"
                && delivery["payload"]["data"]["userId"] == user
        })
    };
    server
        .until("both deletions sent", || async {
            gone(&jon.user_id).is_some() && gone(&arya.user_id).is_some()
        })
        .await;
    for user in [&jon.user_id, &arya.user_id] {
        let delivery = gone(user).unwrap();
        assert_eq!(delivery["valid"], true, "{delivery}");
        let data = &delivery["payload"]["data"];
        assert_eq!(data["role"], "patient");
        assert!(data["deletedAt"].is_string());
        assert!(
            data.get("firstName").is_none() && data.get("phone").is_none(),
            "{data}"
        );
    }
    assert!(
        gone(&guest_id).is_none(),
        "a guest is not announced, alive or deleted"
    );
    server.stop().await;
    hooks.stop().await;
    fhir.server.stop().await;
}
