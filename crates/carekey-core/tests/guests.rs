//! Guest to account (flow 10), end to end against a real server on port 0:
//! a guest writes notes and sets a preference; registering carries them into
//! the new account (the guest's key becomes the account's); a second guest
//! on another device logs into that existing account and is merged into it
//! without a second account or a duplicate note; a carry-over that cannot
//! finish at login is finished at the next start.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_api::{Role, UserSettings};
use carekey_core::{Client, LoggedIn, NewAccount};
use common::{Server, clinician, email_contact, memory, server, unique};
use serde_json::json;

async fn code_login(
    server: &Server,
    client: &Client,
    email: &str,
    account: Option<&NewAccount>,
) -> LoggedIn {
    let before = std::fs::read_to_string(&server.outbox)
        .unwrap_or_default()
        .lines()
        .filter(|line| line.contains(email))
        .count();
    client.start(&email_contact(email), account).await.unwrap();
    let code = server.code(email, before + 1).await;
    client.complete(&code).await.unwrap()
}

fn preferences(values: serde_json::Value) -> UserSettings {
    UserSettings {
        values: values.as_object().unwrap().clone(),
    }
}

async fn texts(client: &Client) -> Vec<String> {
    let mut texts: Vec<String> = client
        .samples()
        .await
        .unwrap()
        .into_iter()
        .map(|sample| sample.text.expect("readable here"))
        .collect();
    texts.sort();
    texts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_keeps_what_they_did_when_they_register_and_when_they_log_in() {
    let server = server(|_| {}).await;
    let doctor = server.client(&memory());
    let doctor_email = unique("house");
    code_login(&server, &doctor, &doctor_email, Some(&clinician())).await;
    doctor.create_keypair(|_| {}).await.unwrap();
    let doctor_id = doctor.profile().await.unwrap().user_id;

    // Device A: a guest, with a key, two notes and a preference.
    let a_store = memory();
    let a = server.client(&a_store);
    let guest = a.start_as_guest().await.unwrap();
    assert!(guest.guest);
    assert!(guest.first_name.is_empty() && guest.email.is_none());
    let guest_fingerprint = a.create_keypair(|_| {}).await.unwrap();
    a.write_sample("Headache since Tuesday").await.unwrap();
    a.write_sample("Took 1 g paracetamol").await.unwrap();
    a.save_preferences(&preferences(json!({"theme": "dark"})))
        .await
        .unwrap();

    // She registers on the same device: everything comes along.
    let email = unique("arya");
    let patient = NewAccount {
        first_name: "Arya".into(),
        last_name: "Stark".into(),
        role: Role::Patient,
        responsible_clinician_id: Some(doctor_id.clone()),
        invitation: None,
    };
    let registered = code_login(&server, &a, &email, Some(&patient)).await;
    assert!(registered.is_new_user);
    let carried = registered.carried_over.expect("the guest was carried over");
    assert_eq!(
        (carried.notes, carried.preferences, carried.key),
        (2, 1, true)
    );
    assert_eq!(
        registered.key_fingerprint.as_deref(),
        Some(guest_fingerprint.as_str()),
        "the guest's key is now the account's: no second key to make"
    );
    let account_id = registered.profile.user_id.clone();
    assert_ne!(account_id, guest.user_id);
    assert!(!registered.profile.guest);
    assert_eq!(
        texts(&a).await,
        ["Headache since Tuesday", "Took 1 g paracetamol"]
    );
    assert_eq!(a.preferences().await.unwrap().values["theme"], "dark");
    // Her clinician has not accepted her yet: nothing reaches him.
    let hers = || async {
        doctor
            .samples()
            .await
            .unwrap()
            .into_iter()
            .filter(|sample| sample.owner_id == account_id)
            .collect::<Vec<_>>()
    };
    assert!(hers().await.is_empty());
    assert_eq!(a.share_earlier_notes().await.unwrap(), 0);
    // He accepts her; her device shares what she wrote before.
    let waiting = doctor.patients().await.unwrap();
    assert_eq!(waiting[0].user_id, account_id);
    assert_eq!(waiting[0].care_status, carekey_api::CareStatus::Pending);
    doctor.answer_patient(&account_id, true).await.unwrap();
    assert_eq!(a.share_earlier_notes().await.unwrap(), 2);
    assert_eq!(a.share_earlier_notes().await.unwrap(), 0, "once");
    let shared = hers().await;
    assert_eq!(shared.len(), 2);
    assert!(shared.iter().all(|sample| sample.text.is_some()));
    // The guest account is gone, and its key with it.
    assert!(
        a_store
            .get(&format!("rsa-oaep-sha256:{}", guest.user_id))
            .unwrap()
            .is_none()
    );
    assert!(a.carry_over_guest().await.unwrap().is_none());

    // Device B: another guest, who then logs into her existing account.
    let b_store = memory();
    let b = server.client(&b_store);
    b.start_as_guest().await.unwrap();
    b.create_keypair(|_| {}).await.unwrap();
    b.write_sample("Slept well").await.unwrap();
    b.save_preferences(&preferences(json!({"theme": "light", "language": "fr"})))
        .await
        .unwrap();
    let logged_in = code_login(&server, &b, &email, None).await;
    assert_eq!(
        logged_in.profile.user_id, account_id,
        "merged, no new account"
    );
    assert!(!logged_in.is_new_user);
    let carried = logged_in.carried_over.expect("merged");
    assert_eq!(
        (carried.notes, carried.preferences, carried.key),
        (1, 1, false)
    );
    // B has no key of the account (it would restore one); A reads all three.
    assert!(logged_in.key_fingerprint.is_none());
    assert_eq!(
        texts(&a).await,
        [
            "Headache since Tuesday",
            "Slept well",
            "Took 1 g paracetamol"
        ]
    );
    let settings = a.preferences().await.unwrap();
    assert_eq!(
        settings.values["theme"], "dark",
        "the account's own value wins"
    );
    assert_eq!(settings.values["language"], "fr");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_carry_over_that_cannot_finish_at_login_finishes_at_the_next_start() {
    let server = server(|_| {}).await;
    let store = memory();
    let client = server.client(&store);
    let guest = client.start_as_guest().await.unwrap();
    client.create_keypair(|_| {}).await.unwrap();
    client.write_sample("Before the account").await.unwrap();
    // The guest's key is out of reach (say, a keychain that was locked).
    let entry = format!("rsa-oaep-sha256:{}", guest.user_id);
    let key = store.get(&entry).unwrap().unwrap();
    store.delete(&entry).unwrap();
    let email = unique("bran");
    let logged_in = code_login(&server, &client, &email, Some(&clinician())).await;
    assert!(logged_in.carried_over.is_none(), "the login itself works");
    // The key is back; the next start finishes the carry-over, once.
    store.set(&entry, &key).unwrap();
    let restarted = server.client(&store);
    restarted.resume().await.unwrap();
    restarted.create_keypair(|_| {}).await.unwrap();
    assert_eq!(texts(&restarted).await, ["Before the account"]);
    let again = server.client(&store);
    again.resume().await.unwrap();
    assert_eq!(texts(&again).await, ["Before the account"]);
}
