//! Links opened outside the app (magic links from SMS, email or WhatsApp):
//! the window listens for them and asks the backend to use each one.

use crate::backend::Backend;
use crate::commands::auth::LoggedInView;
use crate::error::CommandError;
use crate::intake::LinkIntake;
use tauri::State;
use tauri::ipc::Channel;

/// The window is told (with no payload) each time a link arrives.
#[tauri::command]
pub fn links_watch(intake: State<'_, LinkIntake>, on_link: Channel<()>) {
    intake.listen(on_link);
}

/// Uses the next link that arrived: parsed against the allow-list, then the
/// login it belongs to completed. `None` when no link waits. A link that is
/// not CareKey's, damaged, for another device, used or late is refused
/// with its reason and changes nothing.
#[tauri::command]
pub async fn link_consume(
    backend: State<'_, Backend>,
    intake: State<'_, LinkIntake>,
) -> Result<Option<LoggedInView>, CommandError> {
    let Some(url) = intake.take() else {
        return Ok(None);
    };
    let connection = backend.connection().await?;
    let link = carekey_core::links::parse(&url, connection.client.server())
        .map_err(carekey_core::CoreError::from)?;
    let logged_in = connection.client.complete_with_link(&link).await?;
    Ok(Some(logged_in.into()))
}
