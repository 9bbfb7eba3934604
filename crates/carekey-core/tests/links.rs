//! Magic links through the client core, against a real server on port 0:
//! the link from the message logs in the device that asked, also after the
//! app restarted; another device, a replay and a late link are refused with
//! a reason and change nothing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{approve, clinician, email_contact, finished, link_for, memory, server, unique};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_link_logs_in_the_device_that_asked_even_after_a_restart() {
    let server = server(|_| {}).await;
    let email = unique("house");
    let store = memory();
    let client = server.client(&store);
    client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let (_, link) = link_for(&server, &email, 1).await;

    // Someone else's device with the link: refused, the owner unharmed.
    let stranger = server.client(&memory());
    let error = stranger.complete_with_link(&link).await.unwrap_err();
    assert_eq!(error.code(), "link_not_for_this_device", "{error}");

    let done = client.complete_with_link(&link).await.unwrap();
    assert!(done.is_new_user);
    // Opened again: the login is over on this device, nothing changes.
    let replay = client.complete_with_link(&link).await.unwrap_err();
    assert_eq!(replay.code(), "link_not_for_this_device");
    assert_eq!(
        client.profile().await.unwrap().user_id,
        done.profile.user_id
    );
    client.log_out().await.unwrap();

    // The app quits after asking for a code; the link opens it again (a
    // cold start): the login waited in the keychain.
    client.start(&email_contact(&email), None).await.unwrap();
    let (_, link) = link_for(&server, &email, 2).await;
    drop(client);
    let restarted = server.client(&store);
    let again = restarted.complete_with_link(&link).await.unwrap();
    assert!(!again.is_new_user);
    assert_eq!(again.profile.user_id, done.profile.user_id);
    restarted.log_out().await.unwrap();

    // A late link says so, and the device stays logged out.
    restarted.start(&email_contact(&email), None).await.unwrap();
    let (_, link) = link_for(&server, &email, 3).await;
    server.clock.advance(Duration::from_secs(601));
    let late = restarted.complete_with_link(&link).await.unwrap_err();
    assert_eq!(late.code(), "code_expired", "{late}");
    assert!(matches!(
        restarted.resume().await.unwrap(),
        carekey_core::Resumed::LoggedOut { .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_device_that_asked_waits_for_an_approval_from_another() {
    let server = server(|_| {}).await;
    let email = unique("cameron");
    let client = std::sync::Arc::new(server.client(&memory()));
    let started = client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let number = started.match_number.unwrap();
    let (url, _) = link_for(&server, &email, 1).await;
    let waiting = {
        let client = client.clone();
        tokio::spawn(async move { client.wait_for_approval().await })
    };
    // On the phone: the page, then the tap.
    let page = reqwest::get(&url).await.unwrap().text().await.unwrap();
    assert!(
        page.contains("CareKey on"),
        "the page names the device: {page}"
    );
    approve(&url, number).await;
    let done = finished(waiting, 30).await.unwrap();
    assert!(done.is_new_user);
    client.log_out().await.unwrap();

    // The code typed while waiting wins; the wait then ends quietly.
    client.start(&email_contact(&email), None).await.unwrap();
    let waiting = {
        let client = client.clone();
        tokio::spawn(async move { client.wait_for_approval().await })
    };
    let code = server.code(&email, 2).await;
    client.complete(&code).await.unwrap();
    let ended = finished(waiting, 30).await.unwrap_err();
    assert_eq!(ended.code(), "no_pending_login");
}
