//! Log in with WhatsApp through the client core, against a real server on
//! port 0 whose bot replies go to the outbox: the message is posted to the
//! webhook signed as the Cloud API signs it; the device waiting learns its
//! request and logs in with the code from the reply; a person who goes back
//! ends the wait.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_core::CoreError;
use common::{APP_SECRET, clinician, memory, send_from_whatsapp, server};
use std::time::Duration;

#[tokio::test]
async fn a_whatsapp_message_registers_this_device() {
    let server = server(|settings| {
        settings.whatsapp_bot_number = Some("+15550001111".into());
        settings.whatsapp_app_secret = Some(APP_SECRET.into());
    })
    .await;
    let client = server.client(&memory());
    assert!(client.channels().await.unwrap().whatsapp);
    let login = client.start_whatsapp(Some(&clinician())).await.unwrap();
    assert!(
        login
            .started
            .wa_link
            .starts_with("https://wa.me/15550001111?text=Request%20login")
    );
    assert!(login.qr_svg.contains("<svg"));

    let waiting = tokio::spawn({
        let client = std::sync::Arc::new(client);
        let waiter = client.clone();
        async move { (waiter.wait_for_whatsapp().await, client) }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let phone = "+32470112233";
    let status = send_from_whatsapp(&server.running.url(), phone, &login.started.text).await;
    assert_eq!(status, 200);
    let (started, client) = waiting.await.unwrap();
    let started = started.unwrap();
    assert!(started.login.ends_with("33"));
    // The bot's reply (here in the outbox) holds the code and the link; it
    // completes nothing until the person confirms the number is theirs.
    let code = server.code(phone, 1).await;
    assert!(matches!(
        client.complete(&code).await,
        Err(CoreError::NoPendingLogin)
    ));
    client.confirm_whatsapp().await.unwrap();
    let logged_in = client.complete(&code).await.unwrap();
    assert!(logged_in.is_new_user);
    assert_eq!(logged_in.profile.phone.as_deref(), Some(phone));
    assert!(logged_in.profile.phone_verified);
}

#[tokio::test]
async fn going_back_ends_the_wait() {
    let server = server(|settings| {
        settings.whatsapp_bot_number = Some("+15550001111".into());
        settings.whatsapp_app_secret = Some(APP_SECRET.into());
    })
    .await;
    let client = std::sync::Arc::new(server.client(&memory()));
    client.start_whatsapp(None).await.unwrap();
    let waiter = client.clone();
    let waiting = tokio::spawn(async move { waiter.wait_for_whatsapp().await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    client.abandon().await;
    // The long poll answers within its 20 s; the wait then sees it is over.
    let outcome = tokio::time::timeout(Duration::from_secs(30), waiting)
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(outcome, Err(CoreError::NoPendingLogin)));
    // Without WhatsApp on the server, the button is not offered.
    let plain = common::server(|_| {}).await;
    let client = plain.client(&memory());
    assert!(!client.channels().await.unwrap().whatsapp);
    let error = client.start_whatsapp(None).await.unwrap_err();
    assert_eq!(error.code(), "channel_unavailable");
}
