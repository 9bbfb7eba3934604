//! The device keypair: made off the UI's and the async runtime's threads,
//! its progress streamed through a channel; only the fingerprint comes back.

use crate::backend::Backend;
use crate::error::CommandError;
use carekey_core::KeyProgress;
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyView {
    pub fingerprint: String,
}

/// Makes (or, if this device has it, re-registers) the logged-in user's
/// RSA-2048 keypair. `on_progress` gets each step; a UI that went away just
/// stops receiving them.
#[tauri::command]
pub async fn key_create(
    backend: State<'_, Backend>,
    on_progress: Channel<KeyProgress>,
) -> Result<KeyView, CommandError> {
    let connection = backend.connection().await?;
    let fingerprint = connection
        .client
        .create_keypair(move |step| {
            // Prime candidates arrive by the thousand; one in 16 is plenty
            // for a progress display.
            if let KeyProgress::SearchingPrimes { candidates, .. } = &step
                && candidates % 16 != 1
            {
                return;
            }
            if let Err(error) = on_progress.send(step) {
                tracing::debug!(%error, "key progress not delivered");
            }
        })
        .await?;
    Ok(KeyView { fingerprint })
}
