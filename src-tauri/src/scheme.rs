//! The `carekey:` URL scheme's registration with the desktop.
//!
//! Installed packages (a binary under `/usr`: the .deb and .rpm) declare
//! the scheme in their own desktop entry, and the app writes nothing of its
//! own: a per-user entry would outlive the package's removal and point at a
//! binary that is gone. A build run from the repository (or an AppImage)
//! registers it for this user, so that links open the app (`intake.rs`
//! receives them). Registering
//! writes a desktop entry and runs the desktop's database tools, a few
//! hundred milliseconds of other processes: it waits until the first screen
//! is up, so that it does not slow the start, and runs once per launch.

use std::sync::Once;

static REGISTERED: Once = Once::new();

pub fn register_after_first_screen<R: tauri::Runtime>(app: &tauri::AppHandle<R>) {
    #[cfg(any(target_os = "linux", all(debug_assertions, windows)))]
    REGISTERED.call_once(|| {
        use tauri_plugin_deep_link::DeepLinkExt;
        if installed_by_a_package() {
            return;
        }
        let app = app.clone();
        std::thread::spawn(move || {
            if let Err(error) = app.deep_link().register_all() {
                tracing::warn!(%error, "cannot register the carekey: scheme");
            }
        });
    });
    #[cfg(not(any(target_os = "linux", all(debug_assertions, windows))))]
    let _ = (app, &REGISTERED);
}

/// Whether this binary is a package's, whose desktop entry declares the
/// scheme (Linux packages put it under `/usr`).
#[cfg(target_os = "linux")]
fn installed_by_a_package() -> bool {
    std::env::current_exe().is_ok_and(|exe| exe.starts_with("/usr/"))
}

#[cfg(all(debug_assertions, windows))]
fn installed_by_a_package() -> bool {
    false
}
