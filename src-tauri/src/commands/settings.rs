//! Which server the app uses.

use crate::backend::{Backend, ServerView};
use crate::error::CommandError;
use tauri::State;

#[tauri::command]
pub async fn settings_get(backend: State<'_, Backend>) -> Result<ServerView, CommandError> {
    backend.describe().await
}

/// `url`: a standalone CareKey server; `None` (or empty): the built-in one.
#[tauri::command]
pub async fn settings_set_server(
    backend: State<'_, Backend>,
    url: Option<String>,
) -> Result<ServerView, CommandError> {
    backend.set_server(url.as_deref()).await
}
