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
use std::process::Command;

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
    let handler = Command::new("gio")
        .args(["mime", "x-scheme-handler/carekey"])
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .output()
        .expect("gio is installed (libglib2.0-bin)");
    let handler = String::from_utf8_lossy(&handler.stdout).into_owned();
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
