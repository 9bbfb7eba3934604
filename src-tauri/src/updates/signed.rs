//! Windows and macOS: updates the app downloads and installs itself, with
//! Tauri's updater.
//!
//! Trust: an update is a bundle (the NSIS installer, the MSI, the macOS
//! `.app.tar.gz`) signed with CareKey's update key (minisign, made with
//! `tauri signer generate` on the release machine, never in the
//! repository). The public key is `plugins.updater.pubkey` in
//! `tauri.windows.conf.json` and `tauri.macos.conf.json`; the updater checks
//! the signature of every byte before installing, and with
//! `requireSignedVersion` that the version the release was signed for is
//! the one the endpoint announces (so a replayed older release cannot be
//! passed off as new). The endpoint is HTTPS only. A build without a public
//! key (a developer's `cargo run`) never looks for updates.
//!
//! The look runs in the background, first [`FIRST_LOOK`] after start, then
//! every [`LOOK_EVERY`]; a failed look (offline) keeps the last answer and
//! tries again at the next. Installing happens only when the person asks
//! (the notice's "Install and restart"), and never while the app is busy
//! ([`super::refuse_while_busy`], before the download and again after it).

use super::{FIRST_LOOK, Installer, UpdateStatus, Updates, newer};
use crate::backend::Backend;
use crate::error::CommandError;
use crate::key_operations::KeyOperations;
use std::time::Duration;
use tauri::Manager;
use tauri_plugin_updater::UpdaterExt;

/// How often the endpoint is asked (a request to CareKey's update server).
const LOOK_EVERY: Duration = Duration::from_secs(6 * 60 * 60);

/// The update public key this build carries, if any.
fn public_key(app: &tauri::AppHandle) -> Option<String> {
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|updater| updater.get("pubkey"))
        .and_then(|key| key.as_str())
        .map(str::trim)
        .filter(|key| !key.is_empty())
        .map(str::to_owned)
}

pub fn start_looking(app: &tauri::AppHandle) {
    if public_key(app).is_none() {
        tracing::info!("this build carries no update key: it does not look for updates");
        return;
    }
    let handle = app.clone();
    let running = app.package_info().version.to_string();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(FIRST_LOOK).await;
        loop {
            look(&handle, &running).await;
            tokio::time::sleep(LOOK_EVERY).await;
        }
    });
}

async fn look(app: &tauri::AppHandle, running: &str) {
    let checked = match app.updater() {
        Ok(updater) => updater.check().await,
        Err(error) => Err(error),
    };
    let updates = app.state::<Updates>();
    match checked {
        Ok(Some(update)) if newer(running, &update.version) => {
            let version = update.version.clone();
            if let Ok(mut offered) = updates.offered.lock() {
                *offered = Some(update);
            }
            updates.record(UpdateStatus::Ready {
                version,
                installer: Installer::App,
            });
        }
        Ok(_) => updates.record(UpdateStatus::None),
        // Offline, or the endpoint is down: the last answer stands.
        Err(error) => tracing::warn!(%error, "update check failed"),
    }
}

/// Downloads the offered update (its signature checked), then, if the app
/// is still free to restart, stops the embedded server and installs. On
/// Windows the installer takes over and starts the new version; on macOS
/// the new bundle is in place and the app restarts into it.
pub async fn install(
    app: &tauri::AppHandle,
    backend: &Backend,
    operations: &KeyOperations,
    updates: &Updates,
) -> Result<(), CommandError> {
    let offered = updates
        .offered
        .lock()
        .ok()
        .and_then(|offered| offered.clone());
    let Some(update) = offered else {
        return Err(CommandError::new(
            "no_update",
            "There is no update to install.",
        ));
    };
    let bytes = update.download(|_, _| {}, || {}).await.map_err(|error| {
        tracing::warn!(%error, version = %update.version, "update refused");
        CommandError::new(
            "update_failed",
            "The update could not be downloaded, or it is not signed by CareKey. Nothing was \
             installed; CareKey will look again later.",
        )
    })?;
    // The download took a while: the person may have begun something.
    super::refuse_while_busy(backend, operations).await?;
    tracing::info!(version = %update.version, "installing update");
    backend.shut_down().await;
    crate::logs::flush();
    if let Err(error) = update.install(&bytes) {
        tracing::error!(%error, version = %update.version, "update not installed");
        return Err(CommandError::new(
            "update_failed",
            "The update could not be installed. CareKey goes on as before.",
        ));
    }
    app.restart()
}
