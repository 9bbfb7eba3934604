//! Where the account is logged in: the list of its sessions, and ending one
//! or all but this device's. Only ids, device names and dates cross to the
//! window; no token does.

use crate::backend::Backend;
use crate::error::CommandError;
use carekey_api::AccountSession;
use tauri::State;

/// The account's sessions, the most recently seen first, this device's
/// marked.
#[tauri::command]
pub async fn sessions_list(
    backend: State<'_, Backend>,
) -> Result<Vec<AccountSession>, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.account_sessions().await?)
}

/// Ends another device's session: it lands logged out, told why.
#[tauri::command]
pub async fn session_end(
    backend: State<'_, Backend>,
    session_id: String,
) -> Result<(), CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.end_session(&session_id).await?)
}

/// Ends every session but this device's; answers how many.
#[tauri::command]
pub async fn sessions_end_others(backend: State<'_, Backend>) -> Result<u64, CommandError> {
    let connection = backend.connection().await?;
    Ok(connection.client.end_other_sessions().await?)
}
