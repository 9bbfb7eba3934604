//! The client core against a real CareKey server on port 0 (SQLite, outbox):
//! every flow, a session kept across restarts, refreshed, revoked.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_api::{ErrorCode, Role};
use carekey_core::vault::{Keychain, SecretStore};
use carekey_core::{Client, Contact, KeyProgress, NewAccount, Resumed, Unfinished};
use common::{clinician, email_contact, memory, server, unique};
use serde_json::Value;
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_make_a_key_log_out_and_log_in_by_sms() {
    let server = server(|_| {}).await;
    let store = memory();
    let client = server.client(&store);
    let email = unique("house");
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let code = server.code(&email, 1).await;
    let logged_in = client.complete(&code).await.unwrap();
    assert!(logged_in.is_new_user);
    assert_eq!(logged_in.profile.role, Role::Clinician);
    assert_eq!(logged_in.key_fingerprint, None);

    let steps = Arc::new(Mutex::new(Vec::new()));
    let seen = steps.clone();
    let fingerprint = client
        .create_keypair(move |step| seen.lock().unwrap().push(step))
        .await
        .unwrap();
    let steps = steps.lock().unwrap().clone();
    assert!(matches!(
        steps.first(),
        Some(KeyProgress::SearchingPrimes { .. })
    ));
    assert!(steps.contains(&KeyProgress::Storing));
    assert!(steps.contains(&KeyProgress::Registering));
    assert!(
        matches!(steps.last(), Some(KeyProgress::Done { fingerprint: done, .. }) if *done == fingerprint)
    );
    assert_eq!(
        client.key_fingerprint().await.unwrap(),
        Some(fingerprint.clone())
    );

    // A patient of this clinician registers by phone, written nationally.
    let patient_store = memory();
    let patient = server.client(&patient_store);
    let contact = Contact {
        phone: Some("0470 55 12 34".into()),
        country: Some("BE".into()),
        ..Contact::default()
    };
    let account = NewAccount {
        first_name: "Lisa".into(),
        last_name: "Cuddy".into(),
        role: Role::Patient,
        responsible_clinician_id: Some(logged_in.profile.user_id.clone()),
        invitation: None,
    };
    let started = patient.start(&contact, Some(&account)).await.unwrap();
    assert_eq!(started.login, "******1234");
    let code = server.code("+32470551234", 1).await;
    let registered = patient.complete(&code).await.unwrap();
    assert_eq!(registered.profile.phone.as_deref(), Some("+32470551234"));
    patient.create_keypair(|_| {}).await.unwrap();
    patient.log_out().await.unwrap();
    assert!(matches!(
        patient.resume().await.unwrap(),
        Resumed::LoggedOut { reason: None, .. }
    ));

    // Log in again by SMS: the same account, the key still here.
    patient.start(&contact, None).await.unwrap();
    let code = server.code("+32470551234", 2).await;
    let again = patient.complete(&code).await.unwrap();
    assert!(!again.is_new_user);
    assert_eq!(again.profile.user_id, registered.profile.user_id);
    assert!(again.key_fingerprint.is_some());
    server.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_says_how_many_tries_are_left_and_resend_works() {
    let server = server(|_| {}).await;
    let store = memory();
    let client = server.client(&store);
    let email = unique("wrong");
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let code = server.code(&email, 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let error = client.complete(wrong).await.unwrap_err();
    assert_eq!(error.api_code(), Some(ErrorCode::InvalidCode));
    assert_eq!(error.attempts_left(), Some(4));
    // Early resend: the cooldown, with how long to wait.
    let early = client.resend().await.unwrap_err();
    assert_eq!(early.api_code(), Some(ErrorCode::RateLimited));
    assert!(early.retry_after().unwrap() > 50);
    server.clock.advance(Duration::from_secs(61));
    client.resend().await.unwrap();
    let fresh = server.code(&email, 2).await;
    // A pasted code with spaces still works.
    let pasted = format!("{} {}", &fresh[..3], &fresh[3..]);
    client.complete(&pasted).await.unwrap();
    assert!(client.complete(&pasted).await.is_err(), "the login is over");
    server.running.shutdown().await;
}

/// An update that restarts the app waits while the person is in the middle
/// of something only this process holds; going back or finishing ends it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_person_is_in_the_middle_of_is_known_until_it_ends() {
    let server = server(|_| {}).await;
    let store = memory();
    let client = server.client(&store);
    assert_eq!(client.unfinished().await, None);
    let email = unique("midway");
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    assert_eq!(client.unfinished().await, Some(Unfinished::Login));
    client.abandon().await;
    assert_eq!(client.unfinished().await, None, "went back");

    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let code = server.code(&email, 2).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    client.complete(wrong).await.unwrap_err();
    assert_eq!(
        client.unfinished().await,
        Some(Unfinished::Login),
        "types again"
    );
    client.complete(&code).await.unwrap();
    assert_eq!(client.unfinished().await, None, "logged in");

    client.create_keypair(|_| {}).await.unwrap();
    client.prepare_recovery_key().await.unwrap();
    assert_eq!(client.unfinished().await, Some(Unfinished::RecoveryKey));
    client.confirm_recovery_key().await.unwrap();
    assert_eq!(client.unfinished().await, None);

    client.start_proof().await.unwrap();
    assert_eq!(client.unfinished().await, Some(Unfinished::Proof));
    client
        .verify_proof(&server.code(&email, 3).await)
        .await
        .unwrap();
    assert_eq!(client.unfinished().await, None);

    client.add_phone("0470 55 12 34", Some("BE")).await.unwrap();
    assert_eq!(client.unfinished().await, Some(Unfinished::Contact));
    client.log_out().await.unwrap();
    assert_eq!(client.unfinished().await, None, "logged out");
    server.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_before_anything_is_sent() {
    let server = server(|_| {}).await;
    let client = server.client(&memory());
    for (phone, country) in [
        ("12", Some("BE")),
        ("0470 12 34 56", None),
        ("call me", Some("BE")),
    ] {
        let contact = Contact {
            phone: Some(phone.into()),
            country: country.map(str::to_owned),
            ..Contact::default()
        };
        let error = client.start(&contact, None).await.unwrap_err();
        assert_eq!(error.code(), "invalid_phone", "{phone}");
    }
    let error = client
        .start(&email_contact("not an email"), None)
        .await
        .unwrap_err();
    assert_eq!(error.code(), "invalid_email");
    assert_eq!(
        client
            .start(&Contact::default(), None)
            .await
            .unwrap_err()
            .code(),
        "contact_needed"
    );
    assert_eq!(
        client.complete("123456").await.unwrap_err().code(),
        "no_pending_login"
    );
    assert!(
        std::fs::read_to_string(&server.outbox)
            .unwrap_or_default()
            .is_empty()
    );
    server.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_survives_a_restart_and_refreshes_one_at_a_time() {
    // Access tokens last 32 s: the client refreshes 30 s before expiry.
    let server = server(|settings| settings.access_token_ttl_seconds = 32).await;
    let store = memory();
    let email = unique("restart");
    let user_id = {
        let client = server.client(&store);
        client
            .start(&email_contact(&email), Some(&clinician()))
            .await
            .unwrap();
        let code = server.code(&email, 1).await;
        let logged_in = client.complete(&code).await.unwrap();
        client.create_keypair(|_| {}).await.unwrap();
        logged_in.profile.user_id
    };
    // "Restart": a new client over the same keychain; no code needed.
    let client = server.client(&store);
    match client.resume().await.unwrap() {
        Resumed::LoggedIn(profile) => assert_eq!(profile.user_id, user_id),
        other => panic!("{other:?}"),
    }
    assert!(client.key_fingerprint().await.unwrap().is_some());
    assert_eq!(server.refreshes().await, 0);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    // Five calls at once after expiry: one refresh serves them all.
    let restarted = Arc::new(server.client(&store));
    let calls = (0..5).map(|_| {
        let client = restarted.clone();
        async move {
            client.resume().await.unwrap();
            client.profile().await.unwrap()
        }
    });
    for profile in futures::future::join_all(calls).await {
        assert_eq!(profile.user_id, user_id);
    }
    assert_eq!(server.refreshes().await, 1);
    server.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_or_stolen_session_leads_back_to_login_with_a_reason() {
    let server = server(|_| {}).await;
    // Logged out elsewhere (the server revoked the session).
    let store = memory();
    server.logged_in_clinician(&store, "revoked").await;
    let http = reqwest::Client::new();
    let logout = http
        .post(format!("{}/v1/auth/logout", server.running.url()))
        .bearer_auth(common::access_token(&store))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status().as_u16(), 204);
    let restarted = server.client(&store);
    match restarted.resume().await.unwrap() {
        Resumed::LoggedOut {
            reason: Some(reason),
            ..
        } => assert!(reason.contains("ended"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(
        store.get("session:test").unwrap().is_none(),
        "the ended session is forgotten"
    );

    // Its refresh token replayed by someone else: the whole family dies.
    server.logged_in_clinician(&store, "stolen").await;
    let saved: Value =
        serde_json::from_slice(&store.get("session:test").unwrap().unwrap()).unwrap();
    let stolen = saved["refreshToken"].as_str().unwrap().to_owned();
    let refresh = |token: String| {
        let http = http.clone();
        let url = format!("{}/v1/auth/refresh", server.running.url());
        async move {
            http.post(url)
                .json(&serde_json::json!({"refreshToken": token}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(refresh(stolen.clone()).await, 200);
    server.clock.advance(Duration::from_secs(10));
    assert_eq!(refresh(stolen).await, 401);
    let restarted = server.client(&store);
    // The access token is still valid for a while, but the session is revoked.
    match restarted.resume().await.unwrap() {
        Resumed::LoggedOut {
            reason: Some(reason),
            ..
        } => assert!(
            reason.contains("ended") || reason.contains("two places"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
    server.running.shutdown().await;
}

/// A person changes their name; a blank one is refused and changes nothing;
/// the profile kept for offline use follows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_changes_their_name() {
    let server = server(|_| {}).await;
    let store = memory();
    let (client, _) = server.logged_in_clinician(&store, "renamed").await;
    let profile = client.rename("Gregory", " House-Cuddy ").await.unwrap();
    assert_eq!(
        (profile.first_name.as_str(), profile.last_name.as_str()),
        ("Gregory", "House-Cuddy")
    );
    let refused = client.rename("Gregory", "  ").await.unwrap_err();
    assert_eq!(refused.api_code(), Some(ErrorCode::InvalidRequest));
    // A restart shows the new name from the keychain's copy.
    let restarted = server.client(&store);
    match restarted.resume().await.unwrap() {
        Resumed::LoggedIn(profile) => assert_eq!(profile.last_name, "House-Cuddy"),
        other => panic!("{other:?}"),
    }
    server.running.shutdown().await;
}

/// A clinician changes the email he logs in with (a code to the new one);
/// the old address's "this was not me" link then logs this device out,
/// told why, and the old address logs in again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_changes_their_email_and_the_old_address_can_undo_it() {
    let server = server(|_| {}).await;
    let store = memory();
    let (client, old) = server.logged_in_clinician(&store, "email").await;
    let new = unique("changed");
    let refused = client.change_email("not an address").await.unwrap_err();
    assert_eq!(refused.api_code(), Some(ErrorCode::InvalidEmail));
    let sent = client.change_email(&format!(" {new} ")).await.unwrap();
    assert!(sent.login.contains('*'), "{}", sent.login);
    assert_eq!(client.unfinished().await, Some(Unfinished::Contact));
    let profile = client
        .verify_email(&server.code(&new, 1).await)
        .await
        .unwrap();
    assert_eq!(profile.email.as_deref(), Some(new.as_str()));
    assert_eq!(client.unfinished().await, None);

    let notice = common::message_in(&server.outbox, &old, 2).await;
    let body = notice["body"].as_str().unwrap();
    let link = body
        .split_whitespace()
        .find(|word| word.contains("/not-me/"))
        .unwrap_or_else(|| panic!("no link in {body}"));
    let path = &link[link.find("/not-me/").unwrap()..];
    let reported = reqwest::Client::new()
        .post(format!("{}{path}", server.running.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(reported.status(), 200);

    match server.client(&store).resume().await.unwrap() {
        Resumed::LoggedOut {
            reason: Some(reason),
            ..
        } => assert!(reason.contains("reported"), "{reason}"),
        other => panic!("{other:?}"),
    }
    let again = server.client(&memory());
    again.start(&email_contact(&old), None).await.unwrap();
    again.complete(&server.code(&old, 3).await).await.unwrap();
    server.running.shutdown().await;
}

/// A clinician whom a patient names cannot delete his account (the refusal
/// leaves this device as it was); once she deletes hers, he can, and the
/// device forgets his session and key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deleting_an_account_removes_it_there_and_here_and_a_refusal_changes_nothing() {
    let server = server(|_| {}).await;
    let doctor_store = memory();
    let (doctor, _) = server.logged_in_clinician(&doctor_store, "leaving").await;
    doctor.create_keypair(|_| {}).await.unwrap();
    let doctor_id = doctor.resume().await.unwrap();
    let Resumed::LoggedIn(doctor_profile) = doctor_id else {
        panic!("{doctor_id:?}")
    };
    let doctor_key = format!("rsa-oaep-sha256:{}", doctor_profile.user_id);

    let patient_store = memory();
    let patient = server.client(&patient_store);
    let email = unique("leaving-patient");
    let account = NewAccount {
        first_name: "Lisa".into(),
        last_name: "Cuddy".into(),
        role: Role::Patient,
        responsible_clinician_id: Some(doctor_profile.user_id.clone()),
        invitation: None,
    };
    patient
        .start(&email_contact(&email), Some(&account))
        .await
        .unwrap();
    patient
        .complete(&server.code(&email, 1).await)
        .await
        .unwrap();
    patient.create_keypair(|_| {}).await.unwrap();

    let refused = doctor.delete_account().await.unwrap_err();
    assert_eq!(refused.api_code(), Some(ErrorCode::PatientsRemain));
    assert!(
        refused.to_string().contains("1 patient names you"),
        "{refused}"
    );
    assert!(doctor_store.get(&doctor_key).unwrap().is_some());
    assert!(matches!(
        doctor.resume().await.unwrap(),
        Resumed::LoggedIn(_)
    ));

    patient.delete_account().await.unwrap();
    assert!(matches!(
        patient.resume().await.unwrap(),
        Resumed::LoggedOut { .. }
    ));
    assert!(patient_store.get("session:test").unwrap().is_none());
    doctor.delete_account().await.unwrap();
    assert!(doctor_store.get(&doctor_key).unwrap().is_none());
    assert!(doctor_store.get("session:test").unwrap().is_none());
    // Nothing of the account is left to log in to.
    let again = server.client(&memory());
    let no_account = again.start(&email_contact(&email), None).await;
    assert!(
        no_account.is_ok(),
        "a login is answered alike: {no_account:?}"
    );
    server.running.shutdown().await;
}

/// The export holds the profile, the sessions, the key activity and the
/// person's notes opened here; a device without the key lists the notes
/// without their text, and says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_holds_everything_and_opens_the_notes_only_where_the_key_is() {
    let server = server(|_| {}).await;
    let (client, email) = server.logged_in_clinician(&memory(), "export").await;
    client.create_keypair(|_| {}).await.unwrap();
    client.write_sample("First note").await.unwrap();
    client.write_sample("Second <note> & more").await.unwrap();

    let export = client.export().await.unwrap();
    assert_eq!(export.format, carekey_core::export::FORMAT);
    assert_eq!(export.profile.email.as_deref(), Some(email.as_str()));
    assert!(export.notes_opened_here);
    let texts: Vec<_> = export.notes.iter().map(|note| note.text.clone()).collect();
    assert_eq!(
        texts,
        vec![
            Some("First note".to_owned()),
            Some("Second <note> & more".to_owned())
        ]
    );
    assert_eq!(export.sessions.len(), 1);
    assert!(
        export
            .key_activity
            .iter()
            .any(|event| event.action == "key_registered"),
        "{:?}",
        export.key_activity
    );
    let page = export.to_html();
    assert!(page.contains("Second &lt;note&gt; &amp; more"));

    // Another device of the same account, without the key.
    let other = server.client(&memory());
    other.start(&email_contact(&email), None).await.unwrap();
    other.complete(&server.code(&email, 2).await).await.unwrap();
    let export = other.export().await.unwrap();
    assert!(!export.notes_opened_here);
    assert_eq!(export.notes.len(), 2);
    assert!(export.notes.iter().all(|note| note.text.is_none()));
    assert_eq!(export.sessions.len(), 2);
    server.running.shutdown().await;
}

/// A patient sees where her account is logged in, and ends the session of
/// a device she no longer has: that device lands logged out, told why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_ended_from_another_device_lands_logged_out_with_the_reason() {
    let server = server(|_| {}).await;
    let (laptop, email) = server.logged_in_clinician(&memory(), "devices").await;
    let lost_store = memory();
    let lost = server.client(&lost_store);
    lost.start(&email_contact(&email), None).await.unwrap();
    lost.complete(&server.code(&email, 2).await).await.unwrap();

    let listed = laptop.account_sessions().await.unwrap();
    assert_eq!(listed.len(), 2, "{listed:?}");
    let here: Vec<bool> = listed.iter().map(|session| session.this_device).collect();
    assert_eq!(here.iter().filter(|here| **here).count(), 1, "{listed:?}");
    assert!(
        listed
            .iter()
            .all(|session| session.device_name.starts_with("CareKey on ")),
        "each device named itself: {listed:?}"
    );
    let other = listed.iter().find(|session| !session.this_device).unwrap();
    laptop.end_session(&other.id).await.unwrap();
    let again = laptop.end_session(&other.id).await.unwrap_err();
    assert_eq!(again.api_code(), Some(ErrorCode::NotFound));

    match lost.resume().await.unwrap() {
        Resumed::LoggedOut {
            reason: Some(reason),
            ..
        } => assert!(reason.contains("another of your devices"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(
        lost_store.get("session:test").unwrap().is_none(),
        "the ended session is forgotten"
    );
    assert_eq!(laptop.end_other_sessions().await.unwrap(), 0);
    assert_eq!(laptop.account_sessions().await.unwrap().len(), 1);
    server.running.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_of_a_disabled_account_lands_logged_out_with_the_reason() {
    let server = server(|_| {}).await;
    let store = memory();
    let (client, email) = server.logged_in_clinician(&store, "disabled").await;

    // The operator disables it (`carekey-server users disable`).
    let settings = carekey_server::Settings {
        database_url: format!(
            "sqlite://{}",
            server.dir.path().join("carekey.db").display()
        ),
        ..carekey_server::Settings::default()
    };
    let db = carekey_server::admin::open(&settings).await.unwrap();
    carekey_server::admin::users::set_disabled(&db, &email, true, "test", 0)
        .await
        .unwrap();
    db.close().await;

    let restarted = server.client(&store);
    match restarted.resume().await.unwrap() {
        Resumed::LoggedOut {
            reason: Some(reason),
            ..
        } => assert!(reason.contains("disabled"), "{reason}"),
        other => panic!("{other:?}"),
    }
    assert!(
        store.get("session:test").unwrap().is_none(),
        "the disabled account's session is forgotten"
    );
    // Logging in again says the same, and keeps nothing.
    client.start(&email_contact(&email), None).await.unwrap();
    let code = server.code(&email, 2).await;
    let refused = client.complete(&code).await.unwrap_err();
    assert!(refused.to_string().contains("disabled"), "{refused}");
    assert!(store.get("session:test").unwrap().is_none());
    server.running.shutdown().await;
}

/// A patient who registered by email proves their mobile number, then logs
/// in by SMS to the same account, with the same key.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_account_adds_a_phone_and_logs_in_by_sms() {
    let server = server(|_| {}).await;
    let store = memory();
    let client = server.client(&store);
    let email = unique("phoneless");
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let code = server.code(&email, 1).await;
    let profile = client.complete(&code).await.unwrap().profile;
    assert!(!profile.phone_verified);
    let fingerprint = client.create_keypair(|_| {}).await.unwrap();

    let error = client.add_phone("12", Some("BE")).await.unwrap_err();
    assert_eq!(error.code(), "invalid_phone");
    assert_eq!(
        client.verify_phone("123456").await.unwrap_err().code(),
        "no_pending_login"
    );
    let started = client.add_phone("0470 66 12 34", Some("BE")).await.unwrap();
    assert_eq!(started.login, "******1234");
    let code = server.code("+32470661234", 1).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let error = client.verify_phone(wrong).await.unwrap_err();
    assert_eq!(error.attempts_left(), Some(4));
    let verified = client.verify_phone(&code).await.unwrap();
    assert_eq!(verified.phone.as_deref(), Some("+32470661234"));
    assert!(verified.phone_verified);

    client.log_out().await.unwrap();
    let contact = Contact {
        phone: Some("+32 470 66 12 34".into()),
        ..Contact::default()
    };
    client.start(&contact, None).await.unwrap();
    let code = server.code("+32470661234", 2).await;
    let again = client.complete(&code).await.unwrap();
    assert_eq!(again.profile.user_id, profile.user_id);
    assert_eq!(again.key_fingerprint, Some(fingerprint));
    server.running.shutdown().await;
}

/// The real keychain (Secret Service through gnome-keyring in the test
/// script's D-Bus session): secrets go in, come back, go away.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_os_keychain_keeps_the_session_and_the_key() {
    let keychain: Arc<dyn SecretStore> = Arc::new(Keychain::new("carekey-core-test"));
    let name = format!("probe:{}", std::process::id());
    let store = keychain.clone();
    let probe = name.clone();
    tokio::task::spawn_blocking(move || {
        store.set(&probe, b"secret bytes").expect(
            "the OS keychain is not available: run the tests with `bash tests/run.sh`, \
             which starts a D-Bus session with gnome-keyring",
        );
        assert_eq!(
            store.get(&probe).unwrap().unwrap().as_slice(),
            b"secret bytes"
        );
        store.delete(&probe).unwrap();
        assert!(store.get(&probe).unwrap().is_none());
        store.delete(&probe).unwrap();
    })
    .await
    .unwrap();

    let server = server(|_| {}).await;
    let email = unique("keychain");
    let entry = format!("session:{}", std::process::id());
    let client = Client::new(&server.running.url(), keychain.clone(), entry.clone()).unwrap();
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let code = server.code(&email, 1).await;
    client.complete(&code).await.unwrap();
    let fingerprint = client.create_keypair(|_| {}).await.unwrap();
    let restarted = Client::new(&server.running.url(), keychain.clone(), entry.clone()).unwrap();
    assert!(matches!(
        restarted.resume().await.unwrap(),
        Resumed::LoggedIn(_)
    ));
    assert_eq!(
        restarted.key_fingerprint().await.unwrap(),
        Some(fingerprint)
    );
    restarted.log_out().await.unwrap();
    let store = keychain.clone();
    let gone = tokio::task::spawn_blocking(move || store.get(&entry).unwrap().is_none())
        .await
        .unwrap();
    assert!(gone, "logging out removes the session from the keychain");
    server.running.shutdown().await;
}
