//! A patient changes her clinician, then stops sharing (issue 16), end to
//! end against a real server on port 0: the new clinician reads nothing
//! until he accepts her, then her device re-wraps her earlier notes for his
//! key; the one before keeps what he was given and gets nothing new; after
//! she stops sharing, what she writes is hers alone.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_api::{CareStatus, Role};
use carekey_core::{Client, NewAccount};
use common::{Server, clinician, email_contact, memory, server, unique};

/// A new account on a device of its own, with its key: the client, the
/// account's id and its email.
async fn logged_in(server: &Server, account: &NewAccount) -> (Client, String, String) {
    let client = server.client(&memory());
    let email = unique(&account.first_name.to_lowercase());
    client
        .start(&email_contact(&email), Some(account))
        .await
        .unwrap();
    let code = server.code(&email, 1).await;
    client.complete(&code).await.unwrap();
    client.create_keypair(|_| {}).await.unwrap();
    let id = client.profile().await.unwrap().user_id;
    (client, id, email)
}

/// The texts of `owner`'s notes that `reader` can open.
async fn readable(reader: &Client, owner: &str) -> Vec<String> {
    let mut texts: Vec<String> = reader
        .samples()
        .await
        .unwrap()
        .into_iter()
        .filter(|sample| sample.owner_id == owner)
        .map(|sample| sample.text.expect("readable by this reader"))
        .collect();
    texts.sort();
    texts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_moves_to_another_clinician_and_later_stops_sharing() {
    let server = server(|_| {}).await;
    let (house, house_id, _) = logged_in(&server, &clinician()).await;
    let (wilson, wilson_id, _) = logged_in(&server, &clinician()).await;
    let (patient, patient_id, _) = logged_in(
        &server,
        &NewAccount {
            first_name: "Rachel".into(),
            last_name: "Dunne".into(),
            role: Role::Patient,
            responsible_clinician_id: Some(house_id.clone()),
            invitation: None,
        },
    )
    .await;
    house.answer_patient(&patient_id, true).await.unwrap();
    patient.write_sample("Dizzy in the morning").await.unwrap();
    assert_eq!(
        readable(&house, &patient_id).await,
        ["Dizzy in the morning"]
    );

    // She names Wilson: he has nothing until he accepts her.
    let moved = patient.set_clinician(Some(&wilson_id)).await.unwrap();
    assert_eq!(
        moved.responsible_clinician_id.as_deref(),
        Some(wilson_id.as_str())
    );
    assert_eq!(moved.care_status, Some(CareStatus::Pending));
    patient.write_sample("Better since Friday").await.unwrap();
    assert!(readable(&wilson, &patient_id).await.is_empty());
    assert_eq!(patient.share_earlier_notes().await.unwrap(), 0);
    // House keeps what she gave him while he followed her, and no more.
    assert_eq!(
        readable(&house, &patient_id).await,
        ["Dizzy in the morning"]
    );
    assert!(house.patients().await.unwrap().is_empty());

    // Wilson accepts: her device re-shares both notes to his key.
    wilson.answer_patient(&patient_id, true).await.unwrap();
    assert_eq!(patient.share_earlier_notes().await.unwrap(), 2);
    assert_eq!(
        readable(&wilson, &patient_id).await,
        ["Better since Friday", "Dizzy in the morning"]
    );
    assert_eq!(wilson.patients().await.unwrap()[0].notes_shared, 2);

    // She stops sharing: what she writes now is hers alone.
    let alone = patient.set_clinician(None).await.unwrap();
    assert_eq!(alone.responsible_clinician_id, None);
    assert_eq!(alone.care_status, None);
    assert_eq!(patient.profile().await.unwrap().care_status, None);
    patient.write_sample("Private thought").await.unwrap();
    assert_eq!(patient.share_earlier_notes().await.unwrap(), 0);
    assert_eq!(readable(&wilson, &patient_id).await.len(), 2);
    assert_eq!(
        readable(&patient, &patient_id).await,
        [
            "Better since Friday",
            "Dizzy in the morning",
            "Private thought"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_who_made_a_new_key_reads_her_notes_again_once_her_clinician_reshares() {
    let server = server(|_| {}).await;
    let (house, house_id, _) = logged_in(&server, &clinician()).await;
    let (patient, patient_id, email) = logged_in(
        &server,
        &NewAccount {
            first_name: "Martha".into(),
            last_name: "Masters".into(),
            role: Role::Patient,
            responsible_clinician_id: Some(house_id.clone()),
            invitation: None,
        },
    )
    .await;
    house.answer_patient(&patient_id, true).await.unwrap();
    patient.write_sample("Dizzy in the morning").await.unwrap();

    // Her device is lost with its key, and she has no backup: on a new
    // device she makes a new key. Her note is there, but not for her.
    let again = server.client(&memory());
    again.start(&email_contact(&email), None).await.unwrap();
    again.complete(&server.code(&email, 2).await).await.unwrap();
    again.create_keypair(|_| {}).await.unwrap();
    let notes = again.samples().await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].text, None, "not readable with the new key");
    assert_eq!(again.share_earlier_notes().await.unwrap(), 0);
    let waiting = house.patients().await.unwrap();
    assert_eq!(
        (waiting[0].notes_shared, waiting[0].notes_to_reshare),
        (1, 1)
    );

    // Her clinician's device gives it back; once is enough.
    assert_eq!(house.reshare_to_patient(&patient_id).await.unwrap(), 1);
    assert_eq!(
        readable(&again, &patient_id).await,
        ["Dizzy in the morning"]
    );
    assert_eq!(house.patients().await.unwrap()[0].notes_to_reshare, 0);
    // A clinician who never read her notes has nothing to give.
    let (other, _, _) = logged_in(&server, &clinician()).await;
    assert_eq!(
        other
            .reshare_to_patient(&patient_id)
            .await
            .map_err(|e| e.code().to_owned()),
        Err("not_found".to_owned())
    );
}
