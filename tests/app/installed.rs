//! The app as a person gets it: the .deb installed on this machine, the
//! binary started from the path the package puts it at, and a `carekey:`
//! link opened by the desktop (`gio open`, which finds the package's
//! desktop entry) reaching the running app.
//!
//! `bash tests/desktop-package.sh` installs the package, runs this test in
//! Xvfb with D-Bus and gnome-keyring, and removes the package. `cargo test`
//! alone does not run it (`test = false`): it needs the package installed,
//! and says so when it is not.

// A test reports by panicking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod driving;

use driving::*;
use std::path::Path;

/// Where the package puts the app.
const INSTALLED: &str = "/usr/bin/carekey";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_installed_app_starts_and_a_link_the_desktop_opens_reaches_it() {
    assert!(
        Path::new(INSTALLED).exists(),
        "{INSTALLED} is missing: this test runs on the installed package (bash tests/desktop-package.sh)"
    );
    // The script names the folders, to check after the removal that what
    // the app made there stays.
    let home = std::env::var_os("CAREKEY_INSTALLED_HOME")
        .map(std::path::PathBuf::from)
        .expect("CAREKEY_INSTALLED_HOME: the folder for the app's data (tests/desktop-package.sh sets it)");
    let home = home.as_path();
    let driver = Driver::start(home, Path::new(INSTALLED));
    let mut app = App::launch(&driver, "installed").await;
    app.screen("welcome").await;
    app.shot("first-screen").await;

    // The desktop's handler of the scheme is the package's entry: the
    // installed app wrote none of its own, which would outlive the package.
    let handler = scheme_handler(home);
    assert!(
        handler.contains("carekey.desktop"),
        "the handler of carekey: links is not the package's entry: {handler}"
    );
    let own_entries: Vec<_> = std::fs::read_dir(home.join("data/applications"))
        .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    assert!(
        own_entries.is_empty(),
        "the installed app wrote desktop entries of its own: {own_entries:?}"
    );

    // A link nobody asked for, opened as a click in a mail does: the
    // desktop starts `carekey %u`, which hands it to the running app.
    gio_open(
        home,
        "carekey://l/01a20293-c0c4-7563-a970-fa47c7931bc3.abcdefghijklmnopqrstuvwxyz234567",
    );
    app.wait_text("link-notice-text", "could not be used").await;
    assert_eq!(app.visible_screen().await, "screen-welcome");
    app.shot("link-from-the-desktop").await;
    app.quit().await;
}

/// One step of `tests/desktop-update.sh` (which says which, in
/// CAREKEY_UPDATE_STEP): `before`, on version N, registers an account on the
/// built-in server, whose key the app makes and keeps in the keychain, and
/// writes the key's fingerprint beside the data; `after`, on whatever
/// version is installed then, finds the same session (no code asked) and the
/// same key, and Settings shows CAREKEY_EXPECTED_VERSION. With
/// CAREKEY_EXPECTED_UPDATE, the app says that version is ready to install
/// (apt's lists know it, but it is not installed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_and_its_key_outlive_an_update() {
    let Ok(step) = std::env::var("CAREKEY_UPDATE_STEP") else {
        panic!("CAREKEY_UPDATE_STEP: before or after (tests/desktop-update.sh sets it)");
    };
    let home = std::env::var_os("CAREKEY_INSTALLED_HOME")
        .map(std::path::PathBuf::from)
        .expect("CAREKEY_INSTALLED_HOME: the folder for the app's data");
    let version = std::env::var("CAREKEY_EXPECTED_VERSION").expect("CAREKEY_EXPECTED_VERSION");
    let saved = home.join("fingerprint");
    let driver = Driver::start(&home, Path::new(INSTALLED));
    let mut app = App::launch(&driver, "update").await;
    if step == "before" {
        app.screen("welcome").await;
        let email = format!("update-{}@example.com", std::process::id());
        app.click("choose-register").await;
        app.screen("contact").await;
        app.type_into("email", &email).await;
        app.type_into("first-name", "Allison").await;
        app.type_into("last-name", "Cameron").await;
        app.click_radio("role", "clinician").await;
        app.click("contact-submit").await;
        app.screen("code").await;
        let code = app.code_for(&email, 1).await;
        app.type_into("code", &code).await;
        app.screen("backup").await;
        app.click("backup-skip").await;
        app.click("backup-skip-confirm").await;
        app.screen("home").await;
        let fingerprint = app.text("home-fingerprint").await;
        assert!(fingerprint.len() > 20, "{fingerprint}");
        std::fs::write(&saved, &fingerprint).unwrap();
    } else {
        app.screen("home").await;
        let fingerprint = std::fs::read_to_string(&saved).unwrap();
        assert_eq!(app.text("home-fingerprint").await, fingerprint);
        assert_eq!(app.text("home-title").await, "Hello, Allison Cameron");
    }
    if let Ok(update) = std::env::var("CAREKEY_EXPECTED_UPDATE") {
        app.wait_text(
            "update-notice",
            &format!("CareKey {update} is ready to install"),
        )
        .await;
    } else {
        // Past the app's first look (5 s) and the window's next reading.
        tokio::time::sleep(std::time::Duration::from_secs(21)).await;
        let hidden = app
            .client
            .execute(
                "return document.getElementById('update-notice').hidden",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(hidden, serde_json::json!(true), "no update is claimed");
    }
    app.open_settings().await;
    app.wait_text("about-version", &format!("Version {version}."))
        .await;
    app.shot(&format!("update-{step}-{version}")).await;
    app.click("settings-close").await;
    app.quit().await;
}
