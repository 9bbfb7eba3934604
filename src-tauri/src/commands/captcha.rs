//! The captcha a server with captcha on asks for before it sends a code or
//! opens an account. The server's own page (`/captcha`) shows the
//! provider's widget in a window of its own: outside content never runs in
//! the main window (whose CSP stays closed to every other origin), and the
//! captcha window gets no IPC (the app's capability names the main window
//! only). The page ends by going to `/captcha/done?token=…`; that
//! navigation is cancelled here, and the token goes to the core for the
//! next request that needs one. It never reaches the web view.

use crate::backend::Backend;
use crate::error::CommandError;
use carekey_api::SecretString;
use std::time::Duration;
use tauri::{AppHandle, Manager, State, WebviewUrl, WebviewWindowBuilder, WindowEvent};

const WINDOW: &str = "captcha";
/// A person who walked away: the window closes and the form says so.
const PATIENCE: Duration = Duration::from_secs(300);

fn cancelled(why: &str) -> CommandError {
    CommandError::new("captcha_cancelled", why)
}

/// Shows the server's captcha page and waits for its token.
#[tauri::command]
pub async fn captcha_solve(
    app: AppHandle,
    backend: State<'_, Backend>,
) -> Result<(), CommandError> {
    let connection = backend.connection().await?;
    let page = tauri::Url::parse(&format!("{}/captcha", connection.client.server_url()))
        .map_err(|_| cancelled("The server's address cannot show a check."))?;
    if let Some(earlier) = app.get_webview_window(WINDOW) {
        let _ = earlier.destroy();
    }
    let (answer, mut answered) = tokio::sync::mpsc::unbounded_channel::<Option<String>>();
    let origin = page.origin();
    let on_done = answer.clone();
    let window = WebviewWindowBuilder::new(&app, WINDOW, WebviewUrl::External(page))
        .title("CareKey: a quick check")
        .inner_size(440.0, 600.0)
        .on_navigation(move |url| {
            if url.origin() == origin && url.path() == "/captcha/done" {
                let token = url
                    .query_pairs()
                    .find(|(name, _)| name == "token")
                    .map(|(_, value)| value.into_owned());
                let _ = on_done.send(token);
                return false;
            }
            true
        })
        .build()
        .map_err(|error| {
            tracing::warn!(%error, "cannot open the captcha window");
            cancelled("The check could not be shown. Try again.")
        })?;
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            let _ = answer.send(None);
        }
    });
    let outcome = tokio::time::timeout(PATIENCE, answered.recv()).await;
    let _ = window.destroy();
    match outcome {
        Ok(Some(Some(token))) if !token.is_empty() => {
            connection
                .client
                .pass_captcha(SecretString::from(token))
                .await;
            tracing::info!("captcha solved");
            Ok(())
        }
        Ok(_) => Err(cancelled(
            "The check was closed before it finished. Try again.",
        )),
        Err(_) => Err(cancelled("The check took too long. Try again.")),
    }
}
