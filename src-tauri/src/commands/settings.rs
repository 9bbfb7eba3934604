//! Which server the app uses, the language it shows, and what the app tells
//! support about itself.

use crate::backend::{Backend, ServerView};
use crate::diagnostics::{Diagnostics, ServerLine};
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

/// The report "Copy diagnostics" puts on the clipboard (see
/// `diagnostics`); it connects to nothing. With `copy`, it is written to
/// the clipboard too; a clipboard that cannot be reached leaves `copied`
/// false, and the window shows the text to select instead.
#[tauri::command]
pub async fn diagnostics_get(
    app: tauri::AppHandle,
    backend: State<'_, Backend>,
    copy: bool,
) -> Result<Diagnostics, CommandError> {
    let (address, chosen_by) = backend.configured().await;
    let mut report = crate::diagnostics::report(
        &app.package_info().version.to_string(),
        ServerLine {
            address: &address,
            chosen_by,
        },
        crate::logs::file(),
        &crate::logs::recent_problems(),
    );
    if copy {
        report.copied = crate::diagnostics::to_clipboard(&report.text);
    }
    Ok(report)
}

/// The latest background look for an update (see `updates`); answers at
/// once with what is known.
#[tauri::command]
pub fn update_status(updates: State<'_, crate::updates::Updates>) -> crate::updates::UpdateStatus {
    updates.latest()
}

/// "Install and restart": installs the update that is ready and restarts
/// into it (Windows, macOS). Refused with `update_waits` while a key
/// operation runs or a login, a phone number, a proof or a recovery key is
/// unfinished; on Linux answers `update_by_system` (apt installs).
#[tauri::command]
pub async fn update_install(
    app: tauri::AppHandle,
    backend: State<'_, Backend>,
    operations: State<'_, crate::key_operations::KeyOperations>,
    updates: State<'_, crate::updates::Updates>,
) -> Result<(), CommandError> {
    crate::updates::install(&app, &backend, &operations, &updates).await
}

/// The language the page shows, with its catalog (see `crate::language`);
/// with `defer_english`, plain English comes without it.

#[tauri::command]
pub async fn ui_language_get(
    backend: State<'_, Backend>,
    defer_english: bool,
) -> Result<crate::language::LanguageView, CommandError> {
    let (tag, chosen) = backend.ui_language_chosen().await;
    let mut view = crate::language::view(&tag)
        .ok_or_else(|| CommandError::new("internal", "The app's language has no catalog."))?;
    view.chosen = chosen;
    if defer_english && tag == "en" {
        view.source = None;
    }
    Ok(view)
}

/// Shows the app in `tag` from now on. With `account` (the person chose it
/// in Settings), the account's messages follow it too when someone is
/// logged in; without (the app follows the account's language at login),
/// only this device changes.
#[tauri::command]
pub async fn ui_language_set(
    backend: State<'_, Backend>,
    tag: String,
    account: bool,
) -> Result<crate::language::LanguageView, CommandError> {
    let view = backend.set_ui_language(&tag).await?;
    if account && tag != crate::language::PSEUDO {
        let connection = backend.connection().await?;
        match connection.client.set_account_language(&tag).await {
            Ok(_) | Err(carekey_core::CoreError::NotLoggedIn) => {}
            Err(error) => return Err(error.into()),
        }
    }
    Ok(view)
}
