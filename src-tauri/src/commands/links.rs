//! Links opened outside the app (magic links from SMS, email or WhatsApp,
//! clinicians' invitations): the window listens for them and asks the
//! backend to use each one.

use crate::backend::Backend;
use crate::commands::auth::LoggedInView;
use crate::error::CommandError;
use crate::intake::{LinkIntake, OpenedInvitation};
use carekey_api::InvitedBy;
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;

/// What a link led to: a login (magic link), or a clinician's invitation,
/// kept in the backend, of which the window learns who invites.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LinkOutcome {
    pub logged_in: Option<LoggedInView>,
    pub invited_by: Option<InvitedBy>,
}

/// The window is told (with no payload) each time a link arrives.
#[tauri::command]
pub fn links_watch(intake: State<'_, LinkIntake>, on_link: Channel<()>) {
    intake.listen(on_link);
}

/// Uses the next link that arrived: parsed against the allow-list, then
/// the login it belongs to completed, or the invitation checked with the
/// server and kept. `None` when no link waits. A link that is not
/// CareKey's, damaged, for another device, used or late is refused with
/// its reason and changes nothing.
#[tauri::command]
pub async fn link_consume(
    backend: State<'_, Backend>,
    intake: State<'_, LinkIntake>,
    invitation: State<'_, OpenedInvitation>,
) -> Result<Option<LinkOutcome>, CommandError> {
    let Some(url) = intake.take() else {
        return Ok(None);
    };
    let connection = backend.connection().await?;
    let link = carekey_core::links::parse(&url, connection.client.server())
        .map_err(carekey_core::CoreError::from)?;
    if let Some(token) = carekey_core::invitations::token_of(&link) {
        let invited_by = connection.client.open_invitation(&token).await?;
        invitation.keep(token);
        return Ok(Some(LinkOutcome {
            logged_in: None,
            invited_by: Some(invited_by),
        }));
    }
    let logged_in = connection.client.complete_with_link(&link).await?;
    Ok(Some(LinkOutcome {
        logged_in: Some(logged_in.into()),
        invited_by: None,
    }))
}
