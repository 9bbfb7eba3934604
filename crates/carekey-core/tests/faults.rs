//! Everyday faults, against a real server: the app starts while the server
//! is away (home shows what the device last knew, and nothing is forgotten),
//! and a laptop that slept past its access token's life carries on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_core::Resumed;
use common::{clinician, code_in, email_contact, memory, message_in, restartable, unique};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_started_while_the_server_is_away_shows_home_offline_and_forgets_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let settings = |listen: &str| restartable(dir.path(), listen);
    let clock = carekey_server::Clock::manual();
    let running = carekey_server::start_with_clock(settings("127.0.0.1:0"), clock.clone())
        .await
        .unwrap();
    let url = running.url();
    let store = memory();
    let email = unique("offline");
    let client = carekey_core::Client::new(&url, store.clone(), "session:test".into()).unwrap();
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let code = code_in(&message_in(&dir.path().join("outbox.jsonl"), &email, 1).await);
    let logged_in = client.complete(&code).await.unwrap();
    let fingerprint = client.create_keypair(|_| {}).await.unwrap();
    let user_id = logged_in.profile.user_id.clone();
    drop(client);

    // The server goes away; the app starts again (a new client, the same
    // keychain): home, from what this device last saw.
    running.shutdown().await;
    let again = carekey_core::Client::new(&url, store.clone(), "session:test".into()).unwrap();
    match again.resume().await.unwrap() {
        Resumed::Offline(profile) => {
            assert_eq!(profile.user_id, user_id);
            assert_eq!(profile.first_name, "Gregory");
        }
        other => panic!("expected offline, got {other:?}"),
    }
    assert_eq!(
        again.key_fingerprint().await.unwrap(),
        Some(fingerprint.clone())
    );
    assert!(
        store.get("session:test").unwrap().is_some(),
        "the session is kept"
    );
    let error = again.samples().await.unwrap_err();
    assert_eq!(error.code(), "unreachable", "{error}");

    // Back, and the laptop slept past the access token's life (15
    // minutes): the next action refreshes on its own.
    let address = url.trim_start_matches("http://").to_owned();
    let back = carekey_server::start_with_clock(settings(&address), clock.clone())
        .await
        .unwrap();
    clock.advance(Duration::from_secs(20 * 60));
    match again.resume().await.unwrap() {
        Resumed::LoggedIn(profile) => assert_eq!(profile.user_id, user_id),
        other => panic!("expected logged in, got {other:?}"),
    }
    again.write_sample("Slept through the night").await.unwrap();
    assert_eq!(again.samples().await.unwrap().len(), 1);
    back.shutdown().await;
}
