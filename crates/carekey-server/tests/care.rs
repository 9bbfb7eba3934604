//! A patient changes her clinician or stops sharing (issue 16), against a
//! real server on port 0, on SQLite and PostgreSQL: a new clinician gets
//! nothing until he accepts her, then what her device re-shares; the one
//! before keeps what he was given and gets nothing new; naming someone is
//! checked, and only a patient has a clinician.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Backend, Registered, TestServer, base64};
use serde_json::{Value, json};

on_both_databases!(a_patient_moves_to_another_clinician_who_reads_her_notes_once_he_accepts);
on_both_databases!(a_patient_who_stops_sharing_writes_for_herself_alone);
on_both_databases!(only_a_patient_names_a_clinician_and_only_a_registered_one);
on_both_databases!(a_reader_gives_the_owner_her_notes_back_for_her_new_key_and_nothing_else);

async fn name_clinician(
    server: &TestServer,
    patient: &Registered,
    clinician: Value,
) -> common::Answer {
    server
        .put(
            "/v1/me/clinician",
            &patient.access_token,
            &json!({ "clinicianId": clinician }),
        )
        .await
}

/// The ids of the samples `reader` can open.
async fn readable(server: &TestServer, reader: &Registered) -> Vec<String> {
    let samples = server.get("/v1/samples", Some(&reader.access_token)).await;
    samples.ok()["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|sample| sample["id"].as_str().unwrap().to_owned())
        .collect()
}

/// `clinician`'s list entry for `patient`, if she is on it.
async fn listed(
    server: &TestServer,
    clinician: &Registered,
    patient: &Registered,
) -> Option<Value> {
    let list = server
        .get("/v1/patients", Some(&clinician.access_token))
        .await;
    list.ok()["patients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|entry| entry["userId"] == patient.user_id.as_str())
        .cloned()
}

/// The one key `user` registered (`care_team_with_a_note` makes one each).
async fn key_of(server: &TestServer, user: &Registered) -> String {
    let sql = format!(
        "SELECT key_id FROM public_keys WHERE user_id = '{}'",
        user.user_id
    );
    server.texts(&sql).await.remove(0)
}

async fn wrap_for(
    server: &TestServer,
    patient: &Registered,
    note: &str,
    recipient: &str,
    key: &str,
) -> common::Answer {
    let body = json!({"keys": [{"recipientId": recipient, "keyId": key, "wrappedKey": base64(&[7u8; 256])}]});
    server
        .post_as(
            &format!("/v1/samples/{note}/keys"),
            &patient.access_token,
            &body,
        )
        .await
}

async fn a_patient_moves_to_another_clinician_who_reads_her_notes_once_he_accepts(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let (first, patient, note) = server.care_team_with_a_note().await;
    let second = server.register_clinician().await;
    let second_key = server.register_key(&second).await;

    let moved = name_clinician(&server, &patient, json!(second.user_id)).await;
    assert_eq!(
        moved.ok()["responsibleClinicianId"],
        second.user_id.as_str()
    );
    assert_eq!(moved.ok()["careStatus"], "pending");
    // The first keeps what she gave him, and no longer lists her.
    assert_eq!(readable(&server, &first).await, vec![note.clone()]);
    assert!(listed(&server, &first, &patient).await.is_none());
    // The second waits for his answer, with nothing of hers, and nothing
    // can be wrapped for him yet.
    let waiting = listed(&server, &second, &patient).await.unwrap();
    assert_eq!(waiting["careStatus"], "pending");
    assert_eq!(waiting["notesShared"], 0);
    assert!(readable(&server, &second).await.is_empty());
    wrap_for(&server, &patient, &note, &second.user_id, &second_key)
        .await
        .error(400, "invalid_recipient");

    // He accepts; her device re-shares her note to him.
    server.accept_patient(&second, &patient.user_id).await;
    wrap_for(&server, &patient, &note, &second.user_id, &second_key)
        .await
        .ok();
    assert_eq!(readable(&server, &second).await, vec![note.clone()]);
    assert_eq!(
        listed(&server, &second, &patient).await.unwrap()["notesShared"],
        1
    );
    // Naming him again changes nothing (still accepted).
    let again = name_clinician(&server, &patient, json!(second.user_id)).await;
    assert_eq!(again.ok()["careStatus"], "accepted");
    server.stop().await;
}

async fn a_patient_who_stops_sharing_writes_for_herself_alone(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (doctor, patient, note) = server.care_team_with_a_note().await;
    let doctor_key = key_of(&server, &doctor).await;

    let alone = name_clinician(&server, &patient, Value::Null).await;
    assert!(
        alone.ok().get("responsibleClinicianId").is_none(),
        "{:?}",
        alone.ok()
    );
    assert!(alone.ok().get("careStatus").is_none(), "{:?}", alone.ok());
    // Her clinician's keys are no longer handed to her, nothing new can be
    // wrapped for him, and she is off his list; what he was given stays.
    server
        .get(
            &format!("/v1/users/{}/keys", doctor.user_id),
            Some(&patient.access_token),
        )
        .await
        .error(404, "not_found");
    let later = server
        .texts(&format!(
            "SELECT id FROM data_samples WHERE owner_id = '{}'",
            patient.user_id
        ))
        .await;
    assert_eq!(later, vec![note.clone()]);
    wrap_for(&server, &patient, &note, &doctor.user_id, &doctor_key)
        .await
        .error(400, "invalid_recipient");
    assert!(listed(&server, &doctor, &patient).await.is_none());
    assert_eq!(readable(&server, &doctor).await, vec![note]);
    // An empty id says the same as none.
    let blank = name_clinician(&server, &patient, json!("  ")).await;
    assert!(blank.ok().get("responsibleClinicianId").is_none());
    server.stop().await;
}

async fn only_a_patient_names_a_clinician_and_only_a_registered_one(backend: Backend) {
    let server = TestServer::start(backend).await;
    let doctor = server.register_clinician().await;
    let patient = server.register_patient(&doctor.user_id).await;
    let other_patient = server.register_patient(&doctor.user_id).await;

    // A clinician has no clinician.
    let other_doctor = server.register_clinician().await;
    name_clinician(&server, &other_doctor, json!(doctor.user_id))
        .await
        .error(400, "invalid_request");
    // A patient, herself, or an id nobody has is refused, and nothing changes.
    for claimed in [
        other_patient.user_id.clone(),
        patient.user_id.clone(),
        uuid::Uuid::new_v4().to_string(),
    ] {
        name_clinician(&server, &patient, json!(claimed))
            .await
            .error(400, "invalid_clinician");
    }
    let me = server.get("/v1/me", Some(&patient.access_token)).await;
    assert_eq!(me.ok()["responsibleClinicianId"], doctor.user_id.as_str());
    assert_eq!(me.ok()["careStatus"], "pending");

    // Declined, naming him again does not ask him again.
    server
        .post_as(
            &format!("/v1/patients/{}/decline", patient.user_id),
            &doctor.access_token,
            &json!({}),
        )
        .await
        .ok();
    let again = name_clinician(&server, &patient, json!(doctor.user_id)).await;
    assert_eq!(again.ok()["careStatus"], "declined");
    server.stop().await;
}

/// Her clinician gives a patient her note back for a key she made since,
/// and for nothing else: not for himself, not for someone else, not for a
/// key she never registered; someone the note was never shared with finds
/// nothing.
async fn a_reader_gives_the_owner_her_notes_back_for_her_new_key_and_nothing_else(
    backend: Backend,
) {
    let server = TestServer::start(backend).await;
    let (doctor, patient, note) = server.care_team_with_a_note().await;
    let stranger = server.register_clinician().await;
    let stranger_key = server.register_key(&stranger).await;
    let new_key = server.register_key(&patient).await;
    // Only a clinician who follows her is handed her keys, so only then is
    // he offered to give her notes back.
    let decline = format!("/v1/patients/{}/decline", patient.user_id);
    server
        .post_as(&decline, &doctor.access_token, &json!({}))
        .await
        .ok();
    assert_eq!(
        listed(&server, &doctor, &patient).await.unwrap()["notesToReshare"],
        0
    );
    server.accept_patient(&doctor, &patient.user_id).await;
    let listed_before = listed(&server, &doctor, &patient).await.unwrap();
    assert_eq!(
        (
            listed_before["notesShared"].clone(),
            listed_before["notesToReshare"].clone()
        ),
        (json!(1), json!(1))
    );
    let doctor_key = key_of(&server, &doctor).await;

    wrap_for(&server, &stranger, &note, &patient.user_id, &new_key)
        .await
        .error(404, "not_found");
    for (recipient, key) in [
        (&doctor.user_id, &doctor_key),
        (&stranger.user_id, &stranger_key),
        (&patient.user_id, &uuid::Uuid::new_v4().to_string()),
    ] {
        wrap_for(&server, &doctor, &note, recipient, key)
            .await
            .error(400, "invalid_recipient");
    }
    let given = wrap_for(&server, &doctor, &note, &patient.user_id, &new_key).await;
    assert!(
        given.ok().get("sharedWith").is_none(),
        "only the owner learns who holds it"
    );
    assert_eq!(
        server
            .count_where(
                "data_sample_keys",
                &format!("sample_id = '{note}' AND key_id = '{new_key}'")
            )
            .await,
        1
    );
    assert_eq!(
        listed(&server, &doctor, &patient).await.unwrap()["notesToReshare"],
        0
    );
    // She sees it wrapped for her new key; a second giving changes nothing.
    let hers = server.get("/v1/samples", Some(&patient.access_token)).await;
    assert!(hers.ok().to_string().contains(&new_key));
    wrap_for(&server, &doctor, &note, &patient.user_id, &new_key)
        .await
        .ok();
    assert_eq!(
        server
            .count_where("data_sample_keys", &format!("sample_id = '{note}'"))
            .await,
        3
    );
    server.stop().await;
}
