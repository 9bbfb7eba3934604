//! Long waits at a person's pace, against a real server: an approval from
//! another device and a WhatsApp message that come only after two full
//! holds of the server (45 s of real time), a wait whose connections drop,
//! and a wait across a restart of the server. Each wait ends in a login.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use carekey_core::waiting::WaitState;
use common::{
    APP_SECRET, approve, clinician, email_contact, finished, link_for, link_in, memory, message_in,
    restartable, send_from_whatsapp, server, unique,
};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Longer than two holds of the server (20 s each).
const PERSON_PACE: Duration = Duration::from_secs(45);

type States = Arc<Mutex<Vec<WaitState>>>;

fn recorder() -> (impl Fn(WaitState) + Send + Sync + 'static, States) {
    let states: States = Arc::default();
    let seen = states.clone();
    (move |state| seen.lock().unwrap().push(state), states)
}

fn count(states: &States, wanted: fn(&WaitState) -> bool) -> usize {
    states
        .lock()
        .unwrap()
        .iter()
        .filter(|state| wanted(state))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approval_tapped_after_two_full_holds_still_logs_in() {
    let server = server(|_| {}).await;
    let email = unique("slow-approval");
    let client = Arc::new(server.client(&memory()));
    let started = client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let (url, _) = link_for(&server, &email, 1).await;
    let (progress, states) = recorder();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait_for_approval_reporting(progress).await }
    });
    tokio::time::sleep(PERSON_PACE).await;
    assert!(!waiting.is_finished(), "the wait is still on");
    approve(&url, started.match_number.unwrap()).await;
    let done = finished(waiting, 30).await.unwrap();
    assert!(done.is_new_user);
    assert!(count(&states, |state| *state == WaitState::Waiting) >= 2);
    assert_eq!(
        count(&states, |state| matches!(
            state,
            WaitState::Reconnecting { .. }
        )),
        0,
        "a full hold is not a failure"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whatsapp_message_sent_after_two_full_holds_still_arrives() {
    let server = server(|settings| {
        settings.whatsapp_bot_number = Some("+15550001111".into());
        settings.whatsapp_app_secret = Some(APP_SECRET.into());
    })
    .await;
    let client = Arc::new(server.client(&memory()));
    let login = client.start_whatsapp(Some(&clinician())).await.unwrap();
    let (progress, states) = recorder();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait_for_whatsapp_reporting(progress).await }
    });
    tokio::time::sleep(PERSON_PACE).await;
    assert!(!waiting.is_finished(), "the wait is still on");
    let phone = "+32470998877";
    let status = send_from_whatsapp(&server.running.url(), phone, &login.started.text).await;
    assert_eq!(status, 200);
    let started = finished(waiting, 30).await.unwrap();
    assert!(started.login.ends_with("77"));
    assert!(count(&states, |state| *state == WaitState::Waiting) >= 2);
    client.confirm_whatsapp().await.unwrap();
    let code = server.code(phone, 1).await;
    assert!(client.complete(&code).await.unwrap().is_new_user);
}

/// A TCP relay to `target` that can cut every connection and refuse new
/// ones for a while, as a network that drops does.
struct Relay {
    url: String,
    cut: Arc<AtomicBool>,
    connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
}

impl Relay {
    async fn start(target: std::net::SocketAddr) -> Relay {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let cut = Arc::new(AtomicBool::new(false));
        let connections: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        tokio::spawn({
            let (cut, connections) = (cut.clone(), connections.clone());
            async move {
                loop {
                    let Ok((mut inbound, _)) = listener.accept().await else {
                        return;
                    };
                    if cut.load(Ordering::SeqCst) {
                        drop(inbound);
                        continue;
                    }
                    let relayed = tokio::spawn(async move {
                        if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                            let _ =
                                tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                        }
                    });
                    connections.lock().unwrap().push(relayed);
                }
            }
        });
        Relay {
            url,
            cut,
            connections,
        }
    }

    /// Drops every open connection and refuses new ones until [`Relay::mend`].
    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn mend(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

fn socket_of(url: &str) -> std::net::SocketAddr {
    url.trim_start_matches("http://").parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_whose_connections_drop_asks_again_and_logs_in() {
    // The relay's address is not the server's own: let any Host in.
    let server = server(|settings| settings.allowed_hosts = "*".into()).await;
    let relay = Relay::start(socket_of(&server.running.url())).await;
    let email = unique("dropped");
    let client =
        Arc::new(carekey_core::Client::new(&relay.url, memory(), "session:relay".into()).unwrap());
    let started = client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let (url, _) = link_for(&server, &email, 1).await;
    let (progress, states) = recorder();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait_for_approval_reporting(progress).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    // The connection resets in the middle of the hold; for a few seconds
    // every new one is refused too.
    relay.cut();
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(!waiting.is_finished(), "a dropped connection ends nothing");
    relay.mend();
    approve(&url, started.match_number.unwrap()).await;
    let done = finished(waiting, 40).await.unwrap();
    assert!(done.is_new_user);
    assert!(
        count(&states, |state| matches!(
            state,
            WaitState::Reconnecting { .. }
        )) >= 1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wait_across_a_server_restart_logs_in_once_it_is_back() {
    let dir = tempfile::tempdir().unwrap();
    let settings = |listen: &str| restartable(dir.path(), listen);
    let clock = carekey_server::Clock::manual();
    let first = carekey_server::start_with_clock(settings("127.0.0.1:0"), clock.clone())
        .await
        .unwrap();
    let address = socket_of(&first.url());
    let client = Arc::new(
        carekey_core::Client::new(&first.url(), memory(), "session:restart".into()).unwrap(),
    );
    let email = unique("restart");
    let started = client
        .start(&email_contact(&email), Some(&clinician()))
        .await
        .unwrap();
    let (progress, states) = recorder();
    let waiting = tokio::spawn({
        let client = client.clone();
        async move { client.wait_for_approval_reporting(progress).await }
    });
    tokio::time::sleep(Duration::from_secs(1)).await;
    // The server goes away (its long poll in flight answered or cut), is
    // away for a few seconds, and comes back on the same address.
    first.shutdown().await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    if waiting.is_finished() {
        panic!(
            "a server away ends nothing: {:?}",
            waiting.await.unwrap().map(|_| ())
        );
    }
    let second = carekey_server::start_with_clock(settings(&address.to_string()), clock)
        .await
        .unwrap();
    let url = link_in(&message_in(&dir.path().join("outbox.jsonl"), &email, 1).await);
    approve(&url, started.match_number.unwrap()).await;
    let done = finished(waiting, 40).await.unwrap();
    assert!(done.is_new_user);
    assert!(
        count(&states, |state| matches!(
            state,
            WaitState::Reconnecting { .. }
        )) >= 1
    );
    second.shutdown().await;
}
