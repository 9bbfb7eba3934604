//! The real CareKey app in a real window (under Xvfb), driven through
//! `tauri-driver` and WebKitWebDriver as a person would: register, log out,
//! log in by SMS, quit and come back; wrong codes and bad numbers. The
//! keychain is gnome-keyring in the test script's D-Bus session.
//!
//! Run it with `bash tests/run.sh` (which provides Xvfb, D-Bus, an unlocked
//! gnome-keyring, tauri-driver and WebKitWebDriver); missing any of them is a
//! failure with the reason, never a skip. Screenshots of every step land in
//! `target/tmp/screenshots/`.

// Test code: a failed step panics with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine;
use carekey_api::SecretString;
use carekey_core::ApiClient;
use carekey_core::vault::{Keychain, SecretStore};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

mod driving;

use driving::*;

const APP: &str = env!("CARGO_BIN_EXE_carekey");
/// The app's identifier (tauri.conf.json): its folders are named after it.
const IDENTIFIER: &str = "app.carekey.desktop";

/// What the keychain holds for this app: the session's tokens and the
/// user's private key, in the forms they could leak in.
fn secrets_in_keychain(user_id: &str) -> Vec<String> {
    let keychain = Keychain::new("CareKey");
    let mut secrets = Vec::new();
    if let Some(session) = keychain.get("session:embedded").unwrap() {
        let session: Value = serde_json::from_slice(&session).unwrap();
        for field in ["accessToken", "refreshToken"] {
            secrets.push(session[field].as_str().unwrap().to_owned());
        }
    }
    let key = keychain
        .get(&format!("rsa-oaep-sha256:{user_id}"))
        .unwrap()
        .expect("the private key is in the keychain");
    let standard = base64::engine::general_purpose::STANDARD.encode(key.as_slice());
    // A slice from the middle of the key: no prefix shared with the public half.
    secrets.push(standard[400..480].to_owned());
    secrets.push(
        key[300..340]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect(),
    );
    secrets
}

fn assert_no_secret(log: &[String], secrets: &[String]) {
    assert!(!log.is_empty(), "the IPC recorder saw nothing");
    for entry in log {
        for secret in secrets {
            assert!(
                !entry.contains(secret.as_str()),
                "a secret reached the web view: {entry}"
            );
        }
    }
}

/// What tapping "Open CareKey" on a message's landing page gives: the page
/// is fetched as a browser would (it must not log in), and its button's
/// `carekey:` link is returned.
/// The messages in `outbox` for `to`, oldest first (a last line still
/// being written is left for the next look).
fn messages_to(outbox: &Path, to: &str) -> Vec<Value> {
    let text = std::fs::read_to_string(outbox).unwrap_or_default();
    let complete = text.rfind('\n').map_or("", |end| &text[..end]);
    complete
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|message| message["to"] == to)
        .collect()
}

/// The code in the first message for `to` after the first `seen` that
/// carries one (notices carry none), waiting for it.
async fn next_code(outbox: &Path, to: &str, seen: usize) -> String {
    let started = Instant::now();
    loop {
        let code = messages_to(outbox, to)
            .iter()
            .skip(seen)
            .find_map(|message| {
                message["body"]
                    .as_str()?
                    .split_whitespace()
                    .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
                    .find(|word| word.len() == 6 && word.bytes().all(|b| b.is_ascii_digit()))
                    .map(str::to_owned)
            });
        if let Some(code) = code {
            return code;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no new code for {to}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// How many login messages (with a link) `outbox` holds for `to`.
fn links_to(outbox: &Path, to: &str) -> usize {
    messages_to(outbox, to)
        .iter()
        .filter(|message| {
            message["body"]
                .as_str()
                .is_some_and(|body| body.contains("/l/"))
        })
        .count()
}

/// The `carekey://` link behind the landing page of the `nth` login
/// message (one with a link) for `to`.
async fn link_behind_landing_page(outbox: &Path, to: &str, nth: usize) -> String {
    let started = Instant::now();
    let message: Value = loop {
        let found = messages_to(outbox, to)
            .into_iter()
            .filter(|message| {
                message["body"]
                    .as_str()
                    .is_some_and(|body| body.contains("/l/"))
            })
            .nth(nth - 1);
        if let Some(message) = found {
            break message;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no message {nth} to {to}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let url = message["body"]
        .as_str()
        .unwrap()
        .split_whitespace()
        .find(|word| word.contains("/l/"))
        .expect("the message has a link")
        .to_owned();
    let page = reqwest::get(&url).await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let html = page.text().await.unwrap();
    let start = html.find("carekey://l/").expect("the page offers the app");
    html[start..].split('"').next().unwrap().to_owned()
}

const WHATSAPP_BOT: &str = "+15550001111";
const WHATSAPP_APP_SECRET: &str = "meta-app-secret-of-the-tests";

/// Posts `text` from `from` to the server's WhatsApp webhook as the Cloud
/// API does, signed with `app_secret`; answers the HTTP status.
async fn post_whatsapp_message(server: &str, from: &str, text: &str, app_secret: &str) -> u16 {
    let body = json!({
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": {
            "messaging_product": "whatsapp",
            "metadata": {"display_phone_number": "15550001111", "phone_number_id": "106540352242922"},
            "contacts": [{"profile": {"name": "Allison Cameron"}, "wa_id": from.trim_start_matches('+')}],
            "messages": [{"from": from.trim_start_matches('+'), "id": format!("wamid.{}", unique("m")),
                          "timestamp": "1763800000", "type": "text", "text": {"body": text}}]
        }}]}]
    })
    .to_string();
    reqwest::Client::new()
        .post(format!("{server}/v1/webhooks/whatsapp"))
        .header("content-type", "application/json")
        .header(
            "x-hub-signature-256",
            carekey_server::webhook_signature(app_secret.as_bytes(), body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// The phone's browser: headless Chromium through chromedriver.
struct Phone {
    client: Client,
    driver: Child,
}

impl Phone {
    async fn start() -> Phone {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver is installed: run the tests with `bash tests/run.sh`");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(started.elapsed() < WAIT, "chromedriver does not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=412,915"]}),
        );
        let client = ClientBuilder::rustls()
            .unwrap()
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .expect("chromedriver starts Chromium");
        Phone { client, driver }
    }

    async fn stop(mut self) {
        let _ = self.client.close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!("{prefix}-{nanos}@example.com")
}

const BACKUP_PASSWORD: &str = "tidal-mango-orbit-velvet-42";
const GUEST_NOTE: &str = "Trying CareKey before making an account.";
const NOTE: &str = "Slept badly; blood pressure 131/84 this morning.";

/// A step that has not ended after this long never will: every wait has
/// its own limit ([`WAIT`]) and the longest deliberate pause is 45 s, so
/// only a WebDriver call that never answers gets here, and it fails the
/// test instead of holding CI until its own limit. Tied to progress, not
/// to the journey's length, which a busy machine stretches (about 40 s
/// alone, 172 s beside a release build).
const STALL_LIMIT: Duration = Duration::from_secs(120);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_patient_registers_logs_in_by_sms_and_comes_back() {
    let journey = journey();
    tokio::pin!(journey);
    doing("starting tauri-driver".into());
    loop {
        tokio::select! {
            () = &mut journey => return,
            () = tokio::time::sleep(Duration::from_secs(1)) => {
                let stalled = stalled_for();
                assert!(
                    stalled < STALL_LIMIT,
                    "the window test made no progress for {} s; it was {}",
                    stalled.as_secs(),
                    now_doing()
                );
            }
        }
    }
}

async fn journey() {
    let home = tempfile::tempdir().unwrap();
    let driver = Driver::start(home.path(), Path::new(APP));
    let mut app = App::launch(&driver, "patient").await;
    app.screen("welcome").await;
    app.wait_until(
        "the Dev inbox",
        "return !document.getElementById('inbox').hidden",
    )
    .await;
    app.shot("welcome").await;
    // The window starts once: one look at the session (a page that wired
    // its handlers twice also booted twice, and ran every click twice).
    let log_file = home
        .path()
        .join("data")
        .join(IDENTIFIER)
        .join("logs")
        .join("carekey.log");
    let resumed = || {
        std::fs::read_to_string(&log_file)
            .unwrap_or_default()
            .matches("session resumed")
            .count()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while resumed() == 0 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Past the log writer's queue, and a second boot had it been there.
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(resumed(), 1, "the session is resumed once at start");

    // In French (issue 17): chosen in Settings, the screens speak it, and
    // the code the server sends for a registration started here is French.
    app.open_settings().await;
    app.select("ui-language", "fr").await;
    app.wait_text("settings-open", "Réglages").await;
    app.click("settings-close").await;
    app.wait_text("welcome-title", "Bienvenue dans CareKey")
        .await;
    app.shot("welcome-french").await;
    app.click("choose-register").await;
    app.screen("contact").await;
    app.wait_text("contact-title", "Créer votre compte").await;
    let french_email = unique("amelie");
    app.type_into("email", &french_email).await;
    // A name the server would refuse is refused here first, in French: a
    // field stops at the server's 100 characters, and a name pasted with a
    // tab is told about in the page's language (the server's refusal,
    // `invalid_request`, would name the field in English).
    app.type_into("first-name", &"A".repeat(120)).await;
    app.wait_until(
        "the first name to stop at 100 characters",
        "return document.getElementById('first-name').value.length === 100",
    )
    .await;
    app.wait_until(
        "a last name pasted with a tab",
        "const field = document.getElementById('last-name'); \
         field.value = 'Du\\tbois'; return field.value === 'Du\\tbois';",
    )
    .await;
    app.click("contact-submit").await;
    app.wait_text("contact-error", "Un nom compte au plus 100 caractères")
        .await;
    fits(&app, "register-french-refused").await;
    app.type_into("first-name", "Amélie").await;
    app.type_into("last-name", "Dubois").await;
    app.click_radio("role", "clinician").await;
    app.shot("register-french").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    app.wait_text("code-sent-to", "Nous avons envoyé un code à 6 chiffres")
        .await;
    app.wait_text("resend", "Renvoyer le code dans").await;
    app.wait_message(&french_email, "Votre code CareKey est")
        .await;
    fits(&app, "code-french").await;
    app.shot("code-french").await;
    // Her registration goes on in French, with nothing cut off: her key,
    // zxcvbn's advice on a common password, the backup, the recovery key,
    // her home.
    let code = app.code_for(&french_email, 1).await;
    app.type_into("code", &code).await;
    app.screen("backup").await;
    app.wait_text("backup-title", "Protégez votre clé").await;
    app.type_into("backup-password", "password1").await;
    app.wait_text("backup-strength", "trop facile à deviner")
        .await;
    app.wait_text("backup-strength", "C'est un mot de passe très courant")
        .await;
    fits(&app, "backup-french").await;
    app.shot("backup-french").await;
    app.type_into("backup-password", BACKUP_PASSWORD).await;
    app.wait_text("backup-strength", "Très solide").await;
    app.type_into("backup-confirm", BACKUP_PASSWORD).await;
    app.click("backup-submit").await;
    app.screen("recovery").await;
    app.wait_text("recovery-title", "Votre clé de secours")
        .await;
    app.wait_until(
        "the recovery key",
        "return document.getElementById('recovery-text').textContent.split('-').length === 13",
    )
    .await;
    fits(&app, "recovery-french").await;
    app.shot("recovery-french").await;
    app.click("recovery-saved").await;
    app.click("recovery-confirm").await;
    app.screen("home").await;
    app.wait_text("home-title", "Bonjour, Amélie Dubois").await;
    app.wait_text("home-backup-status", "Clé de secours créée le")
        .await;
    app.wait_text("patients-empty", "Aucun patient").await;
    app.click_css("#account-sessions summary").await;
    app.wait_text("account-sessions-list", "cet appareil").await;
    fits(&app, "home-french").await;
    app.shot("home-french").await;
    app.click("log-out").await;
    app.screen("welcome").await;
    // The pseudo-locale (debug builds): accented and longer, to see what is
    // cut off or never translated. A whole registration, every screen
    // looked at: no word that is not the catalog's, nothing cut off.
    app.open_settings().await;
    app.select("ui-language", "en-XA").await;
    app.wait_text("settings-open", "[Şḗḗŧŧīīƞɠş]").await;
    all_from_catalog(&app, "settings-pseudo").await;
    fits(&app, "settings-pseudo").await;
    app.shot("settings-pseudo").await;
    app.click("settings-close").await;
    app.wait_text("welcome-title", "[Ẇḗḗŀƈǿǿḿḗḗ ŧǿǿ ƇȧȧřḗḗĶḗḗẏ]")
        .await;
    all_from_catalog(&app, "welcome-pseudo").await;
    app.click("choose-register").await;
    app.screen("contact").await;
    let pseudo_email = unique("pseudo");
    app.type_into("email", &pseudo_email).await;
    app.type_into("first-name", "Pat").await;
    app.type_into("last-name", "Seudo").await;
    app.click_radio("role", "clinician").await;
    all_from_catalog(&app, "register-pseudo").await;
    fits(&app, "register-pseudo").await;
    app.shot("register-pseudo").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    app.wait_text("resend", "[Řḗḗşḗḗƞḓ").await;
    all_from_catalog(&app, "code-pseudo").await;
    fits(&app, "code-pseudo").await;
    app.shot("code-pseudo").await;
    let code = app.code_for(&pseudo_email, 1).await;
    app.type_into("code", &code).await;
    app.screen("backup").await;
    app.type_into("backup-password", "password1").await;
    app.wait_text("backup-strength", "[Ṽḗḗřẏ ẇḗḗȧȧķ").await;
    all_from_catalog(&app, "backup-pseudo").await;
    fits(&app, "backup-pseudo").await;
    app.shot("backup-pseudo").await;
    app.type_into("backup-password", BACKUP_PASSWORD).await;
    app.type_into("backup-confirm", BACKUP_PASSWORD).await;
    app.click("backup-submit").await;
    app.screen("recovery").await;
    app.wait_until(
        "the recovery key",
        "return document.getElementById('recovery-text').textContent.split('-').length === 13",
    )
    .await;
    all_from_catalog(&app, "recovery-pseudo").await;
    fits(&app, "recovery-pseudo").await;
    app.shot("recovery-pseudo").await;
    app.click("recovery-saved").await;
    app.click("recovery-confirm").await;
    app.screen("home").await;
    app.wait_text("home-backup-status", "Řḗḗƈǿǿṽḗḗřẏ ķḗḗẏ")
        .await;
    app.click_css("#account-keys summary").await;
    app.click_css("#account-sessions summary").await;
    app.click_css("#activity summary").await;
    app.wait_text("account-sessions-list", "ŧħīīş ḓḗḗṽīīƈḗḗ")
        .await;
    app.wait_text("account-keys-list", "ŧħīīş ḓḗḗṽīīƈḗḗ").await;
    app.wait_text("activity-list", "[").await;
    all_from_catalog(&app, "home-pseudo").await;
    fits(&app, "home-pseudo").await;
    app.shot("home-pseudo").await;
    app.click("log-out").await;
    app.screen("welcome").await;

    app.open_settings().await;
    app.select("ui-language", "en").await;
    app.wait_text("settings-open", "Settings").await;
    app.click("settings-close").await;
    app.wait_text("welcome-title", "Welcome to CareKey").await;

    // A clinician registers first: the patient needs their CareKey ID.
    let clinician_email = unique("house");
    app.click("choose-register").await;
    app.screen("contact").await;
    app.type_into("email", &clinician_email).await;
    app.type_into("first-name", "Gregory").await;
    app.type_into("last-name", "House").await;
    app.click_radio("role", "clinician").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    // An update never restarts the app in the middle of a login.
    let refused = app.call("update_install").await;
    assert_eq!(refused["code"], "update_waits", "{refused}");
    assert!(
        refused["message"]
            .as_str()
            .is_some_and(|message| message.starts_with("You are logging in.")),
        "{refused}"
    );
    let code = app.code_for(&clinician_email, 1).await;
    app.type_into("code", &code).await;
    // The key is made (the keys screen shows its progress), then the app
    // asks for a backup password. He skips it, after a plain warning.
    app.screen("backup").await;
    app.click("backup-skip").await;
    app.wait_text("backup-skip-warning", "losing your key")
        .await;
    app.shot("backup-skip-warning").await;
    app.click("backup-skip-confirm").await;
    app.screen("home").await;
    app.wait_text("home-backup-status", "No backup password yet")
        .await;
    let clinician_id = app.text("home-id").await;
    assert_eq!(clinician_id.len(), 36, "{clinician_id}");
    // Logged in, nothing running: on Linux apt installs, not the app.
    let by_system = app.call("update_install").await;
    assert_eq!(by_system["code"], "update_by_system", "{by_system}");
    // He changes his name: a blank one is refused and changes nothing.
    app.click("name-open").await;
    app.type_into("name-first", "").await;
    app.click("name-submit").await;
    app.wait_text("name-form-error", "Give a first and a last name")
        .await;
    app.type_into("name-first", "Greg").await;
    app.click("name-submit").await;
    app.wait_text("home-title", "Hello, Greg House").await;
    app.shot("renamed").await;
    app.click("name-open").await;
    app.type_into("name-first", "Gregory").await;
    app.click("name-submit").await;
    app.wait_text("home-title", "Hello, Gregory House").await;
    // He changes the email he logs in with: a code to the new address
    // (the old one is told, with a way to undo it: the server's and the
    // core's tests follow that link). He logs in with the new one later.
    let changed_email = unique("greg");
    app.click("email-open").await;
    app.type_into("email-new", "not an address").await;
    app.click("email-submit").await;
    app.wait_text("email-form-error", "not a valid email address")
        .await;
    app.type_into("email-new", &changed_email).await;
    app.click("email-submit").await;
    app.wait_text("email-sent-to", "g***@example.com").await;
    let code = app.code_for(&changed_email, 1).await;
    app.type_into("email-code", &code).await;
    app.click("email-submit").await;
    app.wait_text("home-contact", "g***@example.com").await;
    app.wait_message(&clinician_email, "is now the login email")
        .await;
    app.shot("email-changed").await;
    let clinician_email = changed_email;
    app.click("log-out").await;
    app.screen("welcome").await;

    // The patient registers by email, with the clinician's ID.
    let email = unique("lisa");
    app.click("choose-register").await;
    app.screen("contact").await;
    app.type_into("email", &email).await;
    app.type_into("first-name", "Lisa").await;
    app.type_into("last-name", "Cuddy").await;
    app.click_radio("role", "patient").await;
    app.type_into("clinician-id", &clinician_id).await;
    app.shot("register-patient").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    assert!(
        app.text("code-sent-to").await.contains("l***@example.com"),
        "the code screen says where the code went, masked"
    );
    assert!(app.text("resend").await.starts_with("Resend code in "));
    app.shot("code").await;
    let code = app.code_for(&email, 1).await;
    // The whole code pasted at once works (spaces and all).
    app.type_into("code", &format!("{} {}", &code[..3], &code[3..]))
        .await;
    // Her key is made; she sets a backup password. A guessable one and a
    // mistyped confirmation are refused first.
    app.screen("backup").await;
    app.type_into("backup-password", "lisacuddy1").await;
    app.wait_text("backup-strength", "too easy to guess").await;
    app.type_into("backup-confirm", "lisacuddy1").await;
    app.click("backup-submit").await;
    app.wait_text("backup-error", "easy to guess").await;
    app.shot("backup-weak-password").await;
    app.type_into("backup-password", BACKUP_PASSWORD).await;
    app.wait_text("backup-strength", "Very strong").await;
    app.type_into("backup-confirm", "tidal-mango-orbit-velvet-24")
        .await;
    app.click("backup-submit").await;
    app.wait_text("backup-error", "not the same").await;
    app.type_into("backup-confirm", BACKUP_PASSWORD).await;
    app.shot("backup-password").await;
    app.click("backup-submit").await;
    // The recovery key, shown once, stored only once she says it is saved.
    app.screen("recovery").await;
    app.wait_until(
        "the recovery key and its QR code",
        "return document.getElementById('recovery-text').textContent.split('-').length === 13 && !!document.querySelector('#recovery-qr svg')",
    )
    .await;
    let recovery_key = app.text("recovery-text").await;
    assert!(
        app.client
            .find(Locator::Id("recovery-confirm"))
            .await
            .unwrap()
            .attr("disabled")
            .await
            .unwrap()
            .is_some(),
        "Continue waits for the box to be ticked"
    );
    app.shot("recovery-key").await;
    app.click("recovery-saved").await;
    app.click("recovery-confirm").await;
    app.screen("home").await;
    app.wait_text("home-backup-status", "Recovery key made")
        .await;
    assert!(
        app.text("home-backup-status")
            .await
            .contains("Password backup saved")
    );
    assert_eq!(app.text("home-title").await, "Hello, Lisa Cuddy");
    assert_eq!(app.text("home-contact").await, "l***@example.com");
    let fingerprint = app.text("home-fingerprint").await;
    assert_eq!(fingerprint.len(), 79, "{fingerprint}");
    let user_id = app.text("home-id").await;
    app.frames_while_the_key_was_made().await;
    app.argon2_progress_was_shown().await;

    // Her clinician has not accepted her yet: she is told, and her notes
    // stay hers until he does.
    app.wait_text("home-care", "has not accepted you yet").await;
    assert!(
        app.text("home-care-status")
            .await
            .contains("waiting for them")
    );
    app.type_into("note-text", NOTE).await;
    app.click("note-submit").await;
    app.wait_text("notes-list", NOTE).await;
    // She downloads everything in her account: the system's save dialog
    // opens in her Downloads folder, and she names the page herself; the
    // JSON document goes beside it under the same name, her note opened in
    // both. Cancelling the dialog first saves nothing.
    app.click_css("#account-export summary").await;
    app.scroll_to("account-export").await;
    app.click("account-export-button").await;
    cancel_dialog("Save your CareKey data");
    app.wait_text("account-export-done", "Nothing was saved")
        .await;
    app.click("account-export-button").await;
    save_in_dialog("Save your CareKey data", "Lisa Cuddy data.html");
    let saved = app.wait_text("account-export-done", "Saved 1 note").await;
    let (page, json) = saved
        .split_once(": ")
        .and_then(|(_, paths)| paths.split_once(" (to read) and "))
        .unwrap_or_else(|| panic!("{saved}"));
    let downloads = home.path().join("Downloads");
    assert_eq!(Path::new(page), downloads.join("Lisa Cuddy data.html"));
    assert_eq!(
        Path::new(json.trim_end_matches('.')),
        downloads.join("Lisa Cuddy data.json")
    );
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains(NOTE) && page.contains("Lisa Cuddy"), "{page}");
    let json: Value =
        serde_json::from_slice(&std::fs::read(json.trim_end_matches('.')).unwrap()).unwrap();
    assert_eq!(json["format"], "carekey-export-1");
    assert_eq!(json["notes"][0]["text"], NOTE);
    assert_eq!(json["profile"]["email"], email.as_str());
    app.shot("account-exported").await;
    app.scroll_to("home-backup").await;
    app.shot("home-patient").await;

    // She adds her mobile number, proving it with a code.
    app.click("phone-open").await;
    app.type_into("phone-new", "not a number").await;
    app.click("phone-submit").await;
    let error = app
        .wait_text("phone-form-error", "not a valid phone number")
        .await;
    app.shot("invalid-phone").await;
    assert!(!error.contains("Error"), "{error}");
    app.select("phone-country", "BE").await;
    app.type_into("phone-new", "0470 12 34 56").await;
    app.click("phone-submit").await;
    app.wait_text("phone-sent-to", "******3456").await;
    let code = app.code_for("+32470123456", 1).await;
    app.type_into("phone-code", &code).await;
    app.click("phone-submit").await;
    app.wait_text("home-phone", "******3456").await;
    assert!(!app.text("home-phone").await.contains("not verified"));

    let mut secrets = secrets_in_keychain(&user_id);
    app.click("log-out").await;
    app.screen("welcome").await;

    // Log in by SMS: a wrong code first.
    app.click("choose-login").await;
    app.screen("contact").await;
    app.click_radio("via", "phone").await;
    app.select("country", "BE").await;
    app.type_into("phone", "0470 12 34 56").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    let code = app.code_for("+32470123456", 2).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    app.type_into("code", wrong).await;
    app.wait_text("code-error", "4 tries left").await;
    app.shot("wrong-code").await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, Lisa Cuddy");
    assert_eq!(app.text("home-fingerprint").await, fingerprint);
    assert_eq!(app.text("home-id").await, user_id);
    secrets.extend(secrets_in_keychain(&user_id));
    let log = app.quit().await;
    assert_no_secret(&log, &secrets);

    // Relaunch: still logged in, no code asked, the same key.
    let mut app = App::launch(&driver, "relaunch").await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, Lisa Cuddy");
    assert_eq!(app.text("home-fingerprint").await, fingerprint);
    app.wait_text("notes-list", NOTE).await;
    app.shot("home-after-relaunch").await;

    // A device without her key: the private key leaves the keychain, she
    // logs in again, and restores the key with her backup password (a
    // wrong one first). Same fingerprint, and her note reads again.
    secrets.extend(secrets_in_keychain(&user_id));
    Keychain::new("CareKey")
        .delete(&format!("rsa-oaep-sha256:{user_id}"))
        .unwrap();
    app.log_out_and_ask_a_code(&email).await;
    let code = app.code_for(&email, 2).await;
    app.type_into("code", &code).await;
    app.screen("restore").await;
    // Her backup is format 2: the server counts the tries (issue 18).
    app.wait_text("restore-tries", "The server allows 10 more tries")
        .await;
    app.shot("restore").await;
    app.type_into("restore-password", "tidal-mango-orbit-velvet-24")
        .await;
    app.click("restore-submit").await;
    app.wait_text(
        "restore-error",
        "This password is not right. 9 tries left before the password backup locks.",
    )
    .await;
    assert_eq!(
        app.text("restore-tries").await,
        "",
        "the error says the tries left; the hint does not say them again"
    );
    app.shot("restore-wrong-password").await;
    assert!(
        Keychain::new("CareKey")
            .get(&format!("rsa-oaep-sha256:{user_id}"))
            .unwrap()
            .is_none(),
        "a wrong password changes nothing"
    );
    app.type_into("restore-password", BACKUP_PASSWORD).await;
    app.click("restore-submit").await;
    app.screen("home").await;
    assert_eq!(app.text("home-fingerprint").await, fingerprint);
    app.wait_text("notes-list", NOTE).await;
    app.shot("home-restored").await;

    // Once more, by transfer: this device offers its key (QR code and
    // text), then plays the new device that pastes the code.
    app.click("home-transfer").await;
    app.wait_until(
        "the transfer code and its QR code",
        "return document.getElementById('transfer-text').textContent.startsWith('carekey-transfer:v1:') && !!document.querySelector('#transfer-qr svg')",
    )
    .await;
    app.wait_text("transfer-intro", "It works once").await;
    let transfer_code = app.text("transfer-text").await;
    app.scroll_to("home-backup").await;
    app.shot("transfer-offered").await;
    Keychain::new("CareKey")
        .delete(&format!("rsa-oaep-sha256:{user_id}"))
        .unwrap();
    app.log_out_and_ask_a_code(&email).await;
    let code = app.code_for(&email, 3).await;
    app.type_into("code", &code).await;
    app.screen("restore").await;
    app.click_radio("restore-how", "transfer").await;
    app.type_into("restore-transfer", "carekey-transfer:v1:garbage")
        .await;
    app.click("restore-submit").await;
    app.wait_text("restore-error", "not a CareKey transfer code")
        .await;
    app.type_into("restore-transfer", &transfer_code).await;
    app.shot("restore-by-transfer").await;
    app.click("restore-submit").await;
    app.screen("home").await;
    assert_eq!(app.text("home-fingerprint").await, fingerprint);
    app.wait_text("notes-list", NOTE).await;

    // Her clinician, on his account: she waits for his answer, and nothing
    // of hers has reached him. He accepts her.
    app.log_out_and_ask_a_code(&clinician_email).await;
    let code = app.code_for(&clinician_email, 2).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    app.wait_text("patients-list", "Lisa Cuddy").await;
    app.wait_text("patients-list", "Waiting for your answer")
        .await;
    app.wait_text("patients-list", "no notes shared").await;
    assert!(!app.text("notes-list").await.contains(NOTE));
    app.scroll_to("home-patients").await;
    app.shot("clinician-patient-waiting").await;
    app.click_css("#patients-list button[data-answer=accept]")
        .await;
    app.wait_text("patients-list", "Accepted").await;

    // Her device shares the note she wrote while she waited.
    app.log_out_and_ask_a_code(&email).await;
    let code = app.code_for(&email, 4).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    app.wait_text("home-care", "1 earlier note is now shared")
        .await;
    assert!(app.text("home-care-status").await.contains("accepted you"));
    app.shot("patient-accepted").await;

    // She stops sharing (two presses), then names a clinician again: an
    // ID that is nobody's first, then his. He has to accept her again;
    // what she shared before stays his.
    app.click("clinician-stop").await;
    app.wait_text("clinician-stop", "Stop sharing new notes")
        .await;
    app.click("clinician-stop").await;
    app.wait_text("home-care-status", "yours alone").await;
    app.wait_text("clinician-open", "Choose a clinician").await;
    app.click("clinician-open").await;
    app.type_into("care-clinician-id", "00000000-0000-4000-8000-000000000000")
        .await;
    app.click("clinician-submit").await;
    app.wait_text("clinician-form-error", "registered clinician")
        .await;
    app.shot("patient-clinician-unknown").await;
    app.type_into("care-clinician-id", &clinician_id).await;
    app.click("clinician-submit").await;
    app.wait_text("home-care-status", "waiting for them to accept you")
        .await;
    assert_eq!(app.text("home-clinician").await, clinician_id);

    // He reads what she shared.
    app.log_out_and_ask_a_code(&clinician_email).await;
    let code = app.code_for(&clinician_email, 3).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    // His notes come grouped by patient, under her name and her count.
    app.wait_text("notes-list", "Lisa Cuddy · 1 note").await;
    app.wait_text("notes-list", NOTE).await;
    app.wait_text("patients-list", "1 note shared").await;
    app.wait_text("patients-list", "Waiting for your answer")
        .await;
    app.scroll_to("home-notes").await;
    app.shot("clinician-reads-note").await;

    // Care-team recovery: her key is lost (gone from the keychain, and she
    // does not use her backup); she makes a new one and cannot open her
    // note. He accepts her again, and his device gives it back to her new
    // key; she reads it.
    app.click_css("#patients-list button[data-answer=accept]")
        .await;
    app.wait_text("patients-list", "Accepted").await;
    Keychain::new("CareKey")
        .delete(&format!("rsa-oaep-sha256:{user_id}"))
        .unwrap();
    app.log_out_and_ask_a_code(&email).await;
    let code = app.code_for(&email, 5).await;
    app.type_into("code", &code).await;
    app.screen("restore").await;
    app.click_radio("restore-how", "new").await;
    app.click("restore-new-understood").await;
    app.click("restore-submit").await;
    app.screen("backup").await;
    app.click("backup-skip").await;
    app.wait_text("backup-skip-warning", "losing your key")
        .await;
    app.click("backup-skip-confirm").await;
    app.screen("home").await;
    app.wait_until(
        "her note listed, unreadable with the new key",
        "return document.querySelectorAll('#notes-list .unreadable').length === 1",
    )
    .await;
    assert!(!app.text("notes-list").await.contains(NOTE));
    app.log_out_and_ask_a_code(&clinician_email).await;
    let code = app.code_for(&clinician_email, 4).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    app.wait_text("patients-list", "cannot open 1 of their notes")
        .await;
    app.scroll_to("home-patients").await;
    app.shot("clinician-gives-notes-back").await;
    app.click_css("#patients-list button[data-reshare]").await;
    app.wait_until(
        "the list without the notes to give back",
        "return !document.getElementById('patients-list').textContent.includes('cannot open') && !document.querySelector('#patients-list button[data-reshare]')",
    )
    .await;
    app.log_out_and_ask_a_code(&email).await;
    let code = app.code_for(&email, 6).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    app.wait_text("notes-list", NOTE).await;
    app.scroll_to("home-notes").await;
    app.shot("patient-notes-given-back").await;
    app.log_out_and_ask_a_code(&clinician_email).await;
    let code = app.code_for(&clinician_email, 5).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    assert!(!recovery_key.is_empty());
    // Going back to the built-in server from the settings resumes the
    // session again, this time under the recorder's eye.
    app.open_settings().await;
    let current = app.wait_text("settings-current", "built-in server").await;
    let server_url = current
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap()
        .trim_end_matches('.')
        .to_owned();
    app.shot("settings").await;
    // About: the version, and the diagnostics a person sends to support:
    // on the clipboard (read back from the X server) and on the screen.
    app.wait_text("about-version", env!("CARGO_PKG_VERSION"))
        .await;
    app.click("diagnostics-copy").await;
    app.wait_text("diagnostics-status", "Copied").await;
    let diagnostics: String = serde_json::from_value(
        app.client
            .execute(
                "return document.getElementById('diagnostics-text').value",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    let log_folder = home.path().join("data").join(IDENTIFIER).join("logs");
    for expected in [
        format!("CareKey {}", env!("CARGO_PKG_VERSION")),
        format!("Server: {server_url} (built in, running in the app)"),
        format!("Log file: {}", log_folder.join("carekey.log").display()),
        "Recent problems".into(),
    ] {
        assert!(
            diagnostics.contains(&expected),
            "{expected:?} in {diagnostics}"
        );
    }
    assert_no_secret(std::slice::from_ref(&diagnostics), &secrets);
    assert_eq!(clipboard().trim_end(), diagnostics.trim_end());
    app.shot("diagnostics").await;
    // The licences of what the app ships, generated from Cargo.lock.
    app.click("licences-open").await;
    app.wait_until(
        "the licences page",
        "const page = document.getElementById('licences-frame').contentDocument; return !!page && page.body.innerText.includes('tauri') && page.body.innerText.includes('MIT License')",
    )
    .await;
    app.shot("licences").await;
    app.click("licences-close").await;
    app.click("settings-embedded").await;
    app.wait_until(
        "the session to be resumed again",
        r#"return window.__ipcLog.some((entry) => entry.includes('"state":"loggedIn"'))"#,
    )
    .await;
    app.screen("home").await;
    secrets.extend(secrets_in_keychain(&user_id));

    // Where he is logged in: this app, and a phone of his that logged in
    // with a code of its own. He logs the phone out from the list (one
    // press asks, the second does it); the phone is told why at its next
    // look, and the list shows this device alone.
    let phone_keychain: Arc<dyn SecretStore> =
        Arc::new(carekey_core::vault::MemoryStore::default());
    let phone =
        carekey_core::Client::new(&server_url, phone_keychain, "session:phone".into()).unwrap();
    phone
        .start(
            &carekey_core::Contact {
                email: Some(clinician_email.clone()),
                ..carekey_core::Contact::default()
            },
            None,
        )
        .await
        .unwrap();
    let code = app.code_for(&clinician_email, 6).await;
    phone.complete(&code).await.unwrap();
    app.click_css("#account-sessions summary").await;
    app.wait_until(
        "two sessions in the list, this one marked",
        "const items = document.querySelectorAll('#account-sessions-list li'); return items.length === 2 && [...items].filter((item) => item.textContent.includes('this device')).length === 1",
    )
    .await;
    app.scroll_to("account-sessions").await;
    app.shot("sessions").await;
    app.click_css("#account-sessions-list li button").await;
    app.wait_text("account-sessions-list", "Log out CareKey on Linux")
        .await;
    app.click_css("#account-sessions-list li button").await;
    app.wait_until(
        "the phone gone from the list",
        "return document.querySelectorAll('#account-sessions-list li').length === 1 && document.getElementById('account-sessions-list').textContent.includes('this device')",
    )
    .await;
    match phone.resume().await.unwrap() {
        carekey_core::Resumed::LoggedOut {
            reason: Some(reason),
            code,
        } => {
            assert!(reason.contains("another of your devices"), "{reason}");
            assert_eq!(code.as_deref(), Some("session_revoked"));
        }
        other => panic!("the phone is still logged in: {other:?}"),
    }
    app.shot("sessions-phone-logged-out").await;

    // The session is revoked behind the app's back (as logging out on the
    // server, or an operator, would).
    let session = Keychain::new("CareKey")
        .get("session:embedded")
        .unwrap()
        .unwrap();
    let session: Value = serde_json::from_slice(&session).unwrap();
    let token = |field: &str| SecretString::new(session[field].as_str().unwrap().to_owned());
    ApiClient::new(&server_url)
        .unwrap()
        .logout(&token("accessToken"), &token("refreshToken"))
        .await
        .unwrap();
    let log = app.quit().await;
    assert_no_secret(&log, &secrets);

    // Next launch: the login screen, saying why.
    let mut app = App::launch(&driver, "revoked").await;
    app.screen("welcome").await;
    app.wait_text("welcome-reason", "Your session has ended")
        .await;
    app.shot("session-ended").await;

    // An invalid number on the login form is refused with a clear sentence.
    app.click("choose-login").await;
    app.click_radio("via", "phone").await;
    app.select("country", "BE").await;
    app.type_into("phone", "12").await;
    app.click("contact-submit").await;
    app.wait_text("contact-error", "not a valid phone number")
        .await;
    assert_eq!(app.visible_screen().await, "screen-contact");
    app.shot("login-invalid-phone").await;

    // Settings: a standalone server instead of the built-in one. A wrong
    // address is refused; a real server is used, with a session of its own
    // and no Dev inbox (its messages would go out for real).
    let dir = tempfile::tempdir().unwrap();
    let standalone_clock = carekey_server::Clock::manual();
    let standalone_settings = |listen: &str| carekey_server::Settings {
        listen: listen.into(),
        database_url: format!("sqlite://{}", dir.path().join("standalone.db").display()),
        outbox_file: dir.path().join("outbox.jsonl").display().to_string(),
        // Log in with WhatsApp, the bot's replies going to the outbox.
        whatsapp_bot_number: Some(WHATSAPP_BOT.into()),
        whatsapp_app_secret: Some(WHATSAPP_APP_SECRET.into()),
        ..carekey_server::Settings::default()
    };
    let mut standalone = carekey_server::start_with_clock(
        standalone_settings("127.0.0.1:0"),
        standalone_clock.clone(),
    )
    .await
    .unwrap();
    let standalone_outbox = dir.path().join("outbox.jsonl");
    app.open_settings().await;
    app.type_into("server-url", "carekey.example.org").await;
    app.click("settings-save").await;
    app.wait_text("settings-error", "Give the server's address")
        .await;
    let closed = "http://127.0.0.1:9";
    app.type_into("server-url", closed).await;
    app.click("settings-save").await;
    app.wait_text("settings-error", "No CareKey server answers")
        .await;
    app.type_into("server-url", &standalone.url()).await;
    app.click("settings-save").await;
    app.screen("welcome").await;
    app.wait_until(
        "the Dev inbox to go",
        "return document.getElementById('inbox').hidden && document.getElementById('inbox-toggle').hidden",
    )
    .await;
    app.open_settings().await;
    app.wait_text("settings-current", &standalone.url()).await;
    app.shot("standalone-server").await;
    app.click("settings-close").await;

    // Magic links. He registers, and instead of typing the code opens the
    // link in the message: the landing page in a browser (which logs no
    // one in), then its "Open CareKey", which the desktop hands to the
    // running app (a second launch, forwarded by single-instance).
    let wilson = unique("wilson");
    app.click("choose-register").await;
    app.screen("contact").await;
    app.type_into("email", &wilson).await;
    app.type_into("phone", "").await;
    app.type_into("first-name", "James").await;
    app.type_into("last-name", "Wilson").await;
    app.click_radio("role", "clinician").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    let link = link_behind_landing_page(&standalone_outbox, &wilson, 1).await;
    gio_open(home.path(), &link);
    app.screen("backup").await;
    app.click("backup-skip").await;
    app.click("backup-skip-confirm").await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, James Wilson");
    app.shot("logged-in-by-link").await;
    // The same link again: refused with its reason; nothing changes.
    gio_open(home.path(), &link);
    app.wait_text("link-notice-text", "could not be used").await;
    assert_eq!(app.visible_screen().await, "screen-home");
    app.shot("link-replayed").await;
    // He closes CareKey and opens it again at once, several times, the
    // last time by a link (the same used one): every launch reaches a
    // usable window, even while the CareKey before it is still quitting,
    // and the link is handled by the one that stays.
    for round in 0..3 {
        app.close_now().await;
        app = App::launch(&driver, "relaunch-at-once").await;
        app.screen("home").await;
        assert_eq!(
            app.text("home-title").await,
            "Hello, James Wilson",
            "round {round}"
        );
    }
    app.close_now().await;
    app = App::launch_with(&driver, "relaunch-at-once", &[&link]).await;
    app.screen("home").await;
    app.wait_text("link-notice-text", "could not be used").await;
    // A link opened too late.
    app.log_out_and_ask_a_code(&wilson).await;
    let late = link_behind_landing_page(&standalone_outbox, &wilson, 2).await;
    standalone_clock.advance(Duration::from_secs(601));
    gio_open(home.path(), &late);
    app.wait_text("link-notice-text", "expired").await;
    assert_eq!(app.visible_screen().await, "screen-code");
    app.shot("link-expired").await;
    // A cold start: he asks for a new code, quits, and the link starts
    // the app, which completes the login it began.
    app.click("code-restart").await;
    app.screen("contact").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    let cold = link_behind_landing_page(&standalone_outbox, &wilson, 3).await;
    app.quit().await;
    let mut app = App::launch_with(&driver, "cold-start", &[&cold]).await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, James Wilson");
    app.shot("cold-start-by-link").await;

    // He invites a patient: a QR code and its link. A second invitation
    // he withdraws at once. Logged out, the withdrawn one is refused with
    // its reason; the first opens the registration with him chosen, and
    // the new patient is his at once, without his answer.
    let wilson_id = app.text("home-id").await;
    app.scroll_to("home-patients").await;
    app.click("invite-submit").await;
    app.wait_until(
        "the invitation's QR code",
        "return !!document.querySelector('#invite-qr svg')",
    )
    .await;
    let token_of = |link: String| link.rsplit("/invite/").next().unwrap().to_owned();
    let invitation = token_of(app.text("invite-link").await);
    app.wait_text("invite-facts", "admits 1 patient more").await;
    app.wait_text("invitations-list", "admits 1 patient more")
        .await;
    app.scroll_to("invite-shown").await;
    app.shot("clinician-invitation").await;
    app.select("invite-uses", "5").await;
    app.click("invite-submit").await;
    app.wait_text("invite-facts", "admits 5 patients more")
        .await;
    let withdrawn = token_of(app.text("invite-link").await);
    assert_ne!(withdrawn, invitation);
    // Neither secret may reach the app's log.
    for token in [&invitation, &withdrawn] {
        secrets.push(token.split('.').nth(1).unwrap().to_owned());
    }
    app.click("invite-withdraw").await;
    app.wait_until(
        "one invitation left in the list",
        "return document.querySelectorAll('#invitations-list li').length === 1 && document.getElementById('invite-shown').hidden",
    )
    .await;
    app.click("log-out").await;
    app.screen("welcome").await;
    gio_open(home.path(), &format!("carekey://invite/{withdrawn}"));
    app.wait_text("link-notice-text", "withdrawn").await;
    assert_eq!(app.visible_screen().await, "screen-welcome");
    gio_open(home.path(), &format!("carekey://invite/{invitation}"));
    app.screen("contact").await;
    app.wait_text("clinician-invited-text", "James Wilson invited you")
        .await;
    let prefilled: String = serde_json::from_value(
        app.client
            .execute(
                "return document.getElementById('clinician-id').value",
                vec![],
            )
            .await
            .unwrap(),
    )
    .unwrap();
    assert_eq!(prefilled, wilson_id);
    let invited = unique("rachel");
    app.type_into("email", &invited).await;
    app.type_into("phone", "").await;
    app.type_into("first-name", "Rachel").await;
    app.type_into("last-name", "Dunne").await;
    app.shot("register-through-invitation").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    let code = next_code(&standalone_outbox, &invited, 0).await;
    app.type_into("code", &code).await;
    app.screen("backup").await;
    app.click("backup-skip").await;
    app.click("backup-skip-confirm").await;
    app.screen("home").await;
    app.wait_text("home-care-status", "accepted you").await;
    assert_eq!(app.text("home-clinician").await, wilson_id);
    app.shot("patient-joined-by-invitation").await;
    // He finds her among his patients, accepted; the invitation is used.
    let seen = messages_to(&standalone_outbox, &wilson).len();
    app.log_out_and_ask_a_code(&wilson).await;
    let code = next_code(&standalone_outbox, &wilson, seen).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    app.wait_text("patients-list", "Rachel Dunne").await;
    app.wait_text("patients-list", "Accepted").await;
    app.wait_until(
        "no invitation left",
        "return document.querySelectorAll('#invitations-list li').length === 0",
    )
    .await;

    // A key he does not recognise (a laptop he lost, with a key of its
    // own): he revokes it from the keys list. His login is no longer
    // recent, so he first proves it is him with a code to his email.
    let lost_laptop = carekey_core::Client::new(
        &standalone.url(),
        std::sync::Arc::new(carekey_core::vault::MemoryStore::default()),
        "session:lost".into(),
    )
    .unwrap();
    let seen = messages_to(&standalone_outbox, &wilson).len();
    let contact = carekey_core::Contact {
        email: Some(wilson.clone()),
        ..carekey_core::Contact::default()
    };
    lost_laptop.start(&contact, None).await.unwrap();
    let code = next_code(&standalone_outbox, &wilson, seen).await;
    lost_laptop.complete(&code).await.unwrap();
    lost_laptop.create_keypair(|_| {}).await.unwrap();
    standalone_clock.advance(Duration::from_secs(11 * 60));
    app.click_css("#account-keys summary").await;
    app.wait_until(
        "both keys listed",
        "return document.querySelectorAll('#account-keys-list li').length === 2",
    )
    .await;
    assert!(app.text("account-keys-list").await.contains("this device"));
    app.click_css("#account-keys-list button").await;
    app.wait_text("account-keys-list", "for good").await;
    let seen = messages_to(&standalone_outbox, &wilson).len();
    app.click_css("#account-keys-list button").await;
    app.wait_text("proof-sent-to", "confirm it's you first")
        .await;
    app.shot("fresh-proof").await;
    let code = next_code(&standalone_outbox, &wilson, seen).await;
    app.type_into("proof-code", &code).await;
    app.click("proof-submit").await;
    app.wait_text("account-keys-list", "revoked").await;
    app.scroll_to("account-keys").await;
    app.shot("key-revoked").await;

    // Cross-device approval: he asks on this computer and reads the
    // message on his phone, whose browser shows which device asked and
    // approves it with a tap (the form's POST); this computer, waiting on
    // the code screen, logs in.
    let links = links_to(&standalone_outbox, &wilson);
    app.log_out_and_ask_a_code(&wilson).await;
    app.shot("waiting-for-approval").await;
    let approve = link_behind_landing_page(&standalone_outbox, &wilson, links + 1).await;
    let token = approve.trim_start_matches("carekey://l/");
    // He takes his time finding his phone, longer than two holds of the
    // server, and the server restarts meanwhile (an update): the code
    // screen says so, keeps waiting, and goes on once it is back.
    let asked = Instant::now();
    app.wait_text("code-waiting", "Still listening").await;
    let address = standalone.url().trim_start_matches("http://").to_owned();
    standalone.shutdown().await;
    let away = app
        .wait_text("code-waiting", "Cannot reach the server")
        .await;
    assert!(away.contains("Trying again in "), "{away}");
    assert!(!away.contains("undefined"), "{away}");
    app.shot("waiting-server-away").await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    standalone =
        carekey_server::start_with_clock(standalone_settings(&address), standalone_clock.clone())
            .await
            .unwrap();
    app.wait_until(
        "the code screen to reach the server again",
        "return !document.getElementById('code-waiting').textContent.includes('Cannot reach')",
    )
    .await;
    let person_pace = Duration::from_secs(45);
    if let Some(left) = person_pace.checked_sub(asked.elapsed()) {
        tokio::time::sleep(left).await;
    }
    assert_eq!(app.visible_screen().await, "screen-code");
    let phone = Phone::start().await;
    phone
        .client
        .goto(&format!("{}/l/{token}", standalone.url()))
        .await
        .unwrap();
    let page = phone.client.source().await.unwrap();
    assert!(page.contains("calls itself “CareKey on Linux”"), "{page}");
    // Number matching: he types on the phone the number this computer shows.
    let number = app.text("code-match-number").await;
    assert_eq!(number.len(), 2, "the code screen shows a two-digit number");
    let field = phone
        .client
        .find(Locator::Css("input[name=number]"))
        .await
        .unwrap();
    field.send_keys(&number).await.unwrap();
    let shot = phone.client.screenshot().await.unwrap();
    std::fs::write(screenshots().join("phone-landing-page.png"), shot).unwrap();
    let button = phone
        .client
        .find(Locator::Css("form button[type=submit]"))
        .await
        .unwrap();
    button.click().await.unwrap();
    let started = Instant::now();
    while !phone
        .client
        .source()
        .await
        .unwrap()
        .contains("is logging in now")
    {
        assert!(started.elapsed() < WAIT, "the approval page did not come");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let shot = phone.client.screenshot().await.unwrap();
    std::fs::write(screenshots().join("phone-approved.png"), shot).unwrap();
    phone.stop().await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, James Wilson");
    app.shot("approved-from-another-device").await;

    // The server goes away while home shows: home says so within a check.
    // CareKey is opened again meanwhile: home, from what this device last
    // knew, marked offline; once the server is back, the mark goes by
    // itself.
    let address = standalone.url().trim_start_matches("http://").to_owned();
    standalone.shutdown().await;
    // Home notices by itself (it checks every 15 s) and says so.
    app.wait_until(
        "home to say the server is out of reach",
        "return !document.getElementById('home-offline').hidden",
    )
    .await;
    app.close_now().await;
    app = App::launch(&driver, "offline").await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, James Wilson");
    app.wait_text("home-offline", "cannot reach the server")
        .await;
    app.shot("home-offline").await;
    standalone =
        carekey_server::start_with_clock(standalone_settings(&address), standalone_clock.clone())
            .await
            .unwrap();
    app.wait_until(
        "the offline mark to go once the server is back",
        "return document.getElementById('home-offline').hidden",
    )
    .await;

    // He cannot leave while Rachel names him: the app says why. She
    // stops sharing with him (two presses); then he can.
    app.click_css("#account-delete summary").await;
    app.scroll_to("account-delete").await;
    app.click("account-delete-button").await;
    app.wait_text("account-delete-button", "for good").await;
    app.click("account-delete-button").await;
    app.wait_text(
        "account-delete-error",
        "1 patient still names you as their clinician",
    )
    .await;
    app.shot("account-delete-refused").await;
    app.click_css("#account-delete summary").await;
    let seen = messages_to(&standalone_outbox, &invited).len();
    app.log_out_and_ask_a_code(&invited).await;
    let code = next_code(&standalone_outbox, &invited, seen).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    app.click("clinician-stop").await;
    app.wait_text("clinician-stop", "Stop sharing new notes")
        .await;
    app.click("clinician-stop").await;
    app.wait_text("home-care-status", "yours alone").await;
    let seen = messages_to(&standalone_outbox, &wilson).len();
    app.log_out_and_ask_a_code(&wilson).await;
    let code = next_code(&standalone_outbox, &wilson, seen).await;
    app.type_into("code", &code).await;
    app.screen("home").await;

    // He leaves CareKey: he deletes his account (the first press asks, the
    // second does it). The welcome screen says so, and this computer's
    // keychain no longer holds his key.
    let wilson_id = app.text("home-id").await;
    let wilson_key = format!("rsa-oaep-sha256:{wilson_id}");
    assert!(Keychain::new("CareKey").get(&wilson_key).unwrap().is_some());
    app.click_css("#account-delete summary").await;
    app.scroll_to("account-delete").await;
    app.click("account-delete-button").await;
    app.wait_text("account-delete-button", "for good").await;
    app.shot("account-delete-asks").await;
    app.click("account-delete-button").await;
    app.screen("welcome").await;
    app.wait_text("welcome-reason", "Your account is deleted")
        .await;
    app.shot("account-deleted").await;
    assert!(
        Keychain::new("CareKey").get(&wilson_key).unwrap().is_none(),
        "the deleted account's key is still in the keychain"
    );

    // WhatsApp (Konsulin's flow): a new clinician registers by sending the
    // prepared message from her phone. A forged webhook post changes
    // nothing; the real one (signed as Meta signs) moves this screen on,
    // and the bot's reply carries the link she opens.
    app.click("choose-register").await;
    app.screen("contact").await;
    app.type_into("email", "").await;
    app.type_into("phone", "").await;
    app.type_into("first-name", "Allison").await;
    app.type_into("last-name", "Cameron").await;
    app.click_radio("role", "clinician").await;
    app.wait_text("contact-whatsapp", "Register with WhatsApp")
        .await;
    app.click("contact-whatsapp").await;
    app.screen("whatsapp").await;
    let text = app.text("whatsapp-text").await;
    assert!(
        text.starts_with("Request login, authenticate me. CK-"),
        "{text}"
    );
    assert!(
        app.text("whatsapp-link")
            .await
            .starts_with("https://wa.me/15550001111?text=")
    );
    app.wait_until(
        "the QR code of the message",
        "return !!document.querySelector('#whatsapp-qr svg')",
    )
    .await;
    app.shot("whatsapp-qr").await;
    let cameron = "+32470998877";
    assert_eq!(
        post_whatsapp_message(&standalone.url(), cameron, &text, "not-the-app-secret").await,
        401
    );
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(app.visible_screen().await, "screen-whatsapp");
    assert_eq!(
        post_whatsapp_message(&standalone.url(), cameron, &text, WHATSAPP_APP_SECRET).await,
        200
    );
    // The app names the number the message came from and waits for her
    // to confirm it is hers before anything can log in.
    app.wait_text("whatsapp-sender-text", "8877").await;
    app.shot("whatsapp-confirm-sender").await;
    app.click("whatsapp-sender-yes").await;
    app.screen("code").await;
    app.wait_text("code-sent-to", "We replied on WhatsApp")
        .await;
    app.shot("whatsapp-replied").await;
    let link = link_behind_landing_page(&standalone_outbox, cameron, 1).await;
    gio_open(home.path(), &link);
    app.screen("backup").await;
    app.click("backup-skip").await;
    app.click("backup-skip-confirm").await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, Allison Cameron");
    assert!(app.text("home-phone").await.contains("8877"));
    app.shot("registered-by-whatsapp").await;

    app.open_settings().await;
    app.click("settings-embedded").await;
    app.screen("welcome").await;
    app.wait_until(
        "the Dev inbox to come back",
        "return !document.getElementById('inbox-toggle').hidden",
    )
    .await;
    // The built-in server has no WhatsApp number: no button for it.
    app.click("choose-login").await;
    app.screen("contact").await;
    app.wait_until(
        "no WhatsApp button",
        "return document.getElementById('contact-whatsapp').hidden",
    )
    .await;

    // A guest: he tries CareKey without an account, writes a note and
    // picks the dark appearance; then creates his account on this device,
    // and finds both there.
    app.click_back_on_contact().await;
    app.screen("welcome").await;
    app.click("choose-guest").await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, guest");
    app.type_into("note-text", GUEST_NOTE).await;
    app.click("note-submit").await;
    app.wait_text("notes-list", GUEST_NOTE).await;
    app.select("pref-theme", "dark").await;
    app.wait_until(
        "the dark appearance",
        "return document.documentElement.dataset.theme === 'dark'",
    )
    .await;
    app.shot("guest-home").await;
    let chase = unique("chase");
    app.click("guest-register").await;
    app.screen("contact").await;
    app.type_into("email", &chase).await;
    app.type_into("phone", "").await;
    app.type_into("first-name", "Robert").await;
    app.type_into("last-name", "Chase").await;
    app.click_radio("role", "clinician").await;
    app.click("contact-submit").await;
    app.screen("code").await;
    let code = app.code_for(&chase, 1).await;
    app.type_into("code", &code).await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, Robert Chase");
    app.wait_text("home-carried", "1 note").await;
    app.wait_text("notes-list", GUEST_NOTE).await;
    app.wait_until(
        "the guest's appearance kept",
        "return document.documentElement.dataset.theme === 'dark' && document.getElementById('pref-theme').value === 'dark'",
    )
    .await;
    app.shot("guest-became-an-account").await;

    // A server with captcha on (reCAPTCHA v3; here local stand-ins of its
    // widget and of its verifier): registering asks for the check first,
    // in a window of its own; a check the verifier refuses says so and
    // sends nothing; a passed one goes on to the code.
    let refuse = Arc::new(AtomicBool::new(true));
    let stand_in = captcha_stand_in(refuse.clone()).await;
    let guarded_dir = tempfile::tempdir().unwrap();
    let guarded_outbox = guarded_dir.path().join("outbox.jsonl");
    let guarded = carekey_server::start(carekey_server::Settings {
        listen: "127.0.0.1:0".into(),
        database_url: format!(
            "sqlite://{}",
            guarded_dir.path().join("guarded.db").display()
        ),
        outbox_file: guarded_outbox.display().to_string(),
        captcha: carekey_server::settings::CaptchaKind::Recaptcha,
        captcha_secret: Some("recaptcha-secret".into()),
        captcha_site_key: Some("SITEKEY".into()),
        captcha_base_url: Some(stand_in.clone()),
        captcha_widget_url: Some(format!("{stand_in}/widget.js")),
        ..carekey_server::Settings::default()
    })
    .await
    .unwrap();
    app.open_settings().await;
    app.type_into("server-url", &guarded.url()).await;
    app.click("settings-save").await;
    app.screen("welcome").await;
    let foreman = unique("foreman");
    app.click("choose-register").await;
    app.screen("contact").await;
    app.type_into("email", &foreman).await;
    app.type_into("phone", "").await;
    app.type_into("first-name", "Eric").await;
    app.type_into("last-name", "Foreman").await;
    app.click_radio("role", "clinician").await;
    app.click("contact-submit").await;
    app.wait_text("contact-error", "captcha check failed").await;
    app.shot("captcha-refused").await;
    assert!(messages_to(&guarded_outbox, &foreman).is_empty());
    refuse.store(false, Ordering::SeqCst);
    app.click("contact-submit").await;
    app.screen("code").await;
    // The captcha window came and went; the app is still the one CareKey
    // (a launch now would hand over to it, not start a second one).
    assert!(single_instance_name_is_owned());
    let code = next_code(&guarded_outbox, &foreman, 0).await;
    app.type_into("code", &code).await;
    app.screen("backup").await;
    app.click("backup-skip").await;
    app.click("backup-skip-confirm").await;
    app.screen("home").await;
    assert_eq!(app.text("home-title").await, "Hello, Eric Foreman");
    app.quit().await;
    guarded.shutdown().await;
    standalone.shutdown().await;
    secrets.push(recovery_key);
    log_file_holds_the_journey_and_no_secret(home.path(), &secrets);
}

/// The app's log file after the journey (with those set aside): one
/// request id names a call in the app's lines and in the built-in server's,
/// and no secret of the journey is there: the keychain's, the backup
/// password, nor any code, link or address the built-in server sent.
fn log_file_holds_the_journey_and_no_secret(home: &Path, secrets: &[String]) {
    let data = home.join("data").join(IDENTIFIER);
    let mut log = String::new();
    for entry in std::fs::read_dir(data.join("logs")).unwrap() {
        log.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
    }
    assert!(log.contains("logging to a file"), "{log}");

    // The registration's first call, on both sides.
    let call = log
        .lines()
        .find(|line| line.contains("api call") && line.contains("path=/v1/auth/start"))
        .expect("the app logged its calls");
    let id = call
        .split("request_id=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("a call's line names its request id");
    assert!(
        log.lines()
            .any(|line| line.contains(&format!("request{{id={id}}}"))
                && line.contains("http request")
                && line.contains("route=/v1/auth/start")),
        "the built-in server logged request {id}"
    );

    let mut strings = secrets.to_vec();
    strings.push(BACKUP_PASSWORD.into());
    let mut codes = Vec::new();
    let outbox = std::fs::read_to_string(data.join("outbox.jsonl")).unwrap();
    for line in outbox.lines() {
        let message: Value = serde_json::from_str(line).unwrap();
        strings.push(message["to"].as_str().unwrap().to_owned());
        for word in message["body"].as_str().unwrap().split_whitespace() {
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric());
            if bare.len() == 6 && bare.bytes().all(|b| b.is_ascii_digit()) {
                codes.push(bare.to_owned());
            }
            if word.contains("://")
                && let Some(token) = bare.rsplit('/').next().filter(|t| t.len() >= 16)
            {
                strings.push(token.to_owned());
            }
        }
    }
    assert!(codes.len() >= 5, "the journey's codes: {codes:?}");
    assert!(strings.iter().any(|s| s.contains('@')) && strings.iter().any(|s| s.starts_with('+')));
    for line in log.lines() {
        for secret in &strings {
            assert!(
                !line.contains(secret.as_str()),
                "a secret in the log file: {line}"
            );
        }
        // A code is six digits: it counts as found only as a word of its
        // own, and not as a duration's value (`micros=123456`).
        let words: Vec<&str> = line.split(|c: char| !c.is_ascii_alphanumeric()).collect();
        for (n, word) in words.iter().enumerate() {
            let a_duration = n > 0 && matches!(words[n - 1], "micros" | "millis");
            assert!(
                a_duration || !codes.iter().any(|code| code == word),
                "a code in the log file: {line}"
            );
        }
    }
}

/// The X clipboard's text (what a paste would give), read with xclip.
fn clipboard() -> String {
    let output = Command::new("xclip")
        .args(["-selection", "clipboard", "-o"])
        .output()
        .expect("xclip is installed (tests/setup.sh)");
    assert!(
        output.status.success(),
        "xclip: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Local stand-ins for reCAPTCHA v3: its widget script (`/widget.js`),
/// which answers at once with a token, and its siteverify, which accepts
/// only the token a passed check makes. With `refuse` set, the widget
/// answers a token the verifier refuses.
async fn captcha_stand_in(refuse: Arc<AtomicBool>) -> String {
    use axum::routing::{get, post};
    async fn siteverify(
        axum::Form(form): axum::Form<std::collections::HashMap<String, String>>,
    ) -> axum::Json<Value> {
        let human = form.get("response").map(String::as_str) == Some("passed-SITEKEY");
        axum::Json(
            json!({"success": human, "score": if human { 0.9 } else { 0.1 }, "action": "login"}),
        )
    }
    let widget = move || {
        let prefix = if refuse.load(Ordering::SeqCst) {
            "refused-"
        } else {
            "passed-"
        };
        async move {
            (
                [(axum::http::header::CONTENT_TYPE, "text/javascript")],
                format!(
                    "window.grecaptcha = {{ ready: function (f) {{ f(); }}, execute: function (key) {{ return Promise.resolve('{prefix}' + key); }} }};"
                ),
            )
        }
    };
    let app = axum::Router::new()
        .route("/widget.js", get(widget))
        .route("/recaptcha/api/siteverify", post(siteverify));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

impl App {
    /// The page kept drawing frames while the key was made (off the UI
    /// thread): the frames between the first progress report and the last.
    async fn frames_while_the_key_was_made(&self) {
        let measured = self
            .client
            .execute(
                r#"
                const at = (word) => window.__ipcLog.filter((e) => e.includes(word)).map((e) => Number(e.split(" ")[0]));
                const start = Math.min(...at('"stage":"searchingPrimes"'));
                const end = Math.max(...at('"stage":"done","fingerprint"'));
                const frames = window.__frames.filter((t) => t >= start && t <= end);
                let gap = 0;
                for (let i = 1; i < frames.length; i++) gap = Math.max(gap, frames[i] - frames[i - 1]);
                return { ms: end - start, frames: frames.length, longestGap: gap };
                "#,
                vec![],
            )
            .await
            .unwrap();
        eprintln!("UI frames while the key was made: {measured}");
        assert!(
            measured["frames"].as_u64().unwrap() >= 2,
            "the page stopped drawing while the key was made: {measured}"
        );
    }

    /// Sealing the backup (Argon2id, 64 MiB) reported its progress to the
    /// window while it ran.
    async fn argon2_progress_was_shown(&self) {
        let deriving = self
            .ipc_log()
            .await
            .iter()
            .filter(|entry| entry.contains(r#""stage":"deriving""#))
            .count();
        assert!(deriving >= 1, "no Argon2 progress reached the window");
    }

    /// Logs out, then asks for a login code by email: the code screen.
    async fn log_out_and_ask_a_code(&self, email: &str) {
        self.click("log-out").await;
        self.screen("welcome").await;
        self.click("choose-login").await;
        self.screen("contact").await;
        self.click_radio("via", "email").await;
        self.type_into("email", email).await;
        self.click("contact-submit").await;
        self.screen("code").await;
    }

    async fn scroll_to(&self, id: &str) {
        self.client
            .execute(
                "document.getElementById(arguments[0]).scrollIntoView()",
                vec![json!(id)],
            )
            .await
            .unwrap();
    }

    async fn click_back_on_contact(&self) {
        self.client
            .find(Locator::Css("#contact-form .back"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }

    async fn select(&self, id: &str, value: &str) {
        self.client
            .find(Locator::Css(&format!("#{id} option[value={value:?}]")))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
    }
}

/// Nothing on the screen is cut off or runs past the window.
async fn fits(app: &App, screen: &str) {
    let problems = app.layout_problems().await;
    assert!(problems.is_empty(), "on {screen}: {problems:#?}");
}

/// In the pseudo-locale, every word on the screen came from the catalog.
async fn all_from_catalog(app: &App, screen: &str) {
    let plain = app.untranslated().await;
    assert!(
        plain.is_empty(),
        "on {screen}, not from the catalog: {plain:#?}"
    );
}
