//! Whether a newer CareKey is ready, and installing it where the app itself
//! installs.
//!
//! Each system gets its updates the way its people expect: on Linux the
//! system's package manager installs them from CareKey's signed APT
//! repository ([`apt`]); on Windows and macOS the app downloads a bundle
//! signed with CareKey's update key and installs it ([`signed`]). Either way
//! the look happens in the background and never delays start-up or a
//! command.
//!
//! Invariant: the app never restarts itself for an update while a key
//! operation runs or the person is in the middle of a login, a phone
//! number, a proof or a recovery key ([`refuse_while_busy`], checked before
//! the download and again just before installing). Those live only in this
//! process; restarting would make the person start over or lose a key they
//! were about to write down.

#[cfg(target_os = "linux")]
mod apt;
#[cfg(any(target_os = "windows", target_os = "macos"))]
mod signed;

use crate::backend::Backend;
use crate::error::CommandError;
use crate::key_operations::KeyOperations;
use carekey_core::Unfinished;
use serde::Serialize;
use std::time::Duration;
#[cfg(target_os = "linux")]
use tauri::Manager;

/// The first look waits for the window and the server to start.
const FIRST_LOOK: Duration = Duration::from_secs(5);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "state")]
pub enum UpdateStatus {
    /// Not looked yet, not a package, or nothing newer.
    None,
    /// `version` can be installed, by `installer`.
    Ready {
        version: String,
        installer: Installer,
    },
    /// `version` is installed on disk; it runs from the next launch (Linux:
    /// apt installed it while the app ran).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    Installed { version: String },
}

/// Who installs an update that is ready.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Installer {
    /// The system's software updater (Linux's packages).
    #[cfg_attr(not(target_os = "linux"), allow(dead_code))]
    System,
    /// The app, when the person says so (`update_install`; Windows, macOS).
    #[cfg_attr(not(any(target_os = "windows", target_os = "macos")), allow(dead_code))]
    App,
}

/// Newer in semantic-version order, for the versions CareKey uses (`X.Y.Z`,
/// with an optional Debian `-revision`); anything else is never newer, so
/// an odd version string cannot make the app claim an update.
fn newer(than: &str, version: &str) -> bool {
    let parse =
        |text: &str| semver::Version::parse(text.split_once('-').map_or(text, |(v, _)| v)).ok();
    match (parse(than), parse(version)) {
        (Some(old), Some(new)) => new > old,
        _ => false,
    }
}

/// The latest look, which the window asks for (it never waits for a look),
/// and on Windows and macOS the update it found, to install when asked.
#[derive(Default)]
pub struct Updates {
    latest: std::sync::Mutex<Option<UpdateStatus>>,
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    offered: std::sync::Mutex<Option<tauri_plugin_updater::Update>>,
}

impl Updates {
    pub fn latest(&self) -> UpdateStatus {
        self.latest
            .lock()
            .ok()
            .and_then(|latest| latest.clone())
            .unwrap_or(UpdateStatus::None)
    }

    /// Keeps what a look found, logging each change.
    fn record(&self, found: UpdateStatus) {
        if let Ok(mut latest) = self.latest.lock()
            && latest.as_ref() != Some(&found)
        {
            tracing::info!(status = ?found, "update check");
            *latest = Some(found);
        }
    }
}

/// Starts the background look, where this build has updates to look for:
/// the installed Linux package, or a Windows or macOS build that carries
/// CareKey's update key.
pub fn start_looking(app: &tauri::AppHandle) {
    #[cfg(target_os = "linux")]
    if apt::from_package() {
        let handle = app.clone();
        let running = app.package_info().version.to_string();
        tauri::async_runtime::spawn(async move {
            apt::keep_looking(&handle.state::<Updates>(), running).await;
        });
    }
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    signed::start_looking(app);
    #[cfg(not(any(target_os = "linux", target_os = "windows", target_os = "macos")))]
    let _ = app; // Phones get their updates from the app stores.
}

/// Why an update may not restart the app now: a key operation running, or
/// something the person began and has not finished.
fn busy_reason(key_operation: bool, unfinished: Option<Unfinished>) -> Option<CommandError> {
    let wait_for = if key_operation {
        "CareKey is working with your key"
    } else {
        match unfinished? {
            Unfinished::Login => "You are logging in",
            Unfinished::Contact => "You are changing how you log in",
            Unfinished::Proof => "CareKey is waiting for the code it sent you",
            Unfinished::RecoveryKey => "Your new recovery key is not saved yet",
        }
    };
    Some(CommandError::new(
        "update_waits",
        format!("{wait_for}. Finish (or go back) first; the update will still be ready."),
    ))
}

/// Refuses with `update_waits` while the app must not restart.
pub async fn refuse_while_busy(
    backend: &Backend,
    operations: &KeyOperations,
) -> Result<(), CommandError> {
    let running = operations.any_running();
    let unfinished = if running {
        None
    } else {
        backend.unfinished().await
    };
    match busy_reason(running, unfinished) {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Installs the update that is ready and restarts into it, where the app
/// installs its own updates; on Linux says who does.
pub async fn install(
    app: &tauri::AppHandle,
    backend: &Backend,
    operations: &KeyOperations,
    updates: &Updates,
) -> Result<(), CommandError> {
    refuse_while_busy(backend, operations).await?;
    #[cfg(any(target_os = "windows", target_os = "macos"))]
    return signed::install(app, backend, operations, updates).await;
    #[cfg(not(any(target_os = "windows", target_os = "macos")))]
    {
        let _ = (app, updates);
        Err(CommandError::new(
            "update_by_system",
            "Your system's software updater installs CareKey's updates.",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_waits_for_a_key_operation_and_for_anything_unfinished() {
        assert!(busy_reason(false, None).is_none());
        let key = busy_reason(true, None).unwrap();
        assert_eq!(key.code, "update_waits");
        assert!(key.message.starts_with("CareKey is working with your key."));
        for (unfinished, says) in [
            (Unfinished::Login, "You are logging in."),
            (Unfinished::Contact, "You are changing how you log in."),
            (Unfinished::Proof, "waiting for the code"),
            (Unfinished::RecoveryKey, "recovery key is not saved"),
        ] {
            let error = busy_reason(false, Some(unfinished)).unwrap();
            assert_eq!(error.code, "update_waits");
            assert!(error.message.contains(says), "{}", error.message);
        }
    }

    #[test]
    fn versions_compare_as_numbers_and_an_odd_one_is_never_newer() {
        assert!(newer("0.1.0", "0.1.1-1"));
        assert!(!newer("0.1.1", "0.1.1-1"));
        assert!(newer("0.9.0", "0.10.0"));
        assert!(!newer("0.1.0", "v0.2.0"));
        assert!(!newer("0.1.0", ""));
    }
}
