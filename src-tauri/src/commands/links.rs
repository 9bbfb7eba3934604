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
    let host = reqwest_host(connection.client.server());
    let link = carekey_core::links::parse(&url, &host).map_err(carekey_core::CoreError::from)?;
    let logged_in = connection.client.complete_with_link(&link).await?;
    Ok(Some(logged_in.into()))
}

fn reqwest_host(server: &str) -> String {
    server
        .split_once("://")
        .map_or(server, |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_of_the_server_is_what_links_must_name() {
        assert_eq!(reqwest_host("http://127.0.0.1:4317"), "127.0.0.1");
        assert_eq!(
            reqwest_host("https://auth.example.org/"),
            "auth.example.org"
        );
        assert_eq!(
            reqwest_host("https://auth.example.org:8443/x"),
            "auth.example.org"
        );
    }
}
