//! Which CareKey server the app talks to, and the client for it.
//!
//! With no server configured the app runs the server itself (the embedded
//! default): on 127.0.0.1, SQLite in the app's data folder, the `outbox`
//! channel whose messages the Dev inbox shows. `CAREKEY_SERVER_URL`, or the
//! address saved from the settings screen, points it at a standalone server
//! instead; the variable wins over the saved address.

use crate::error::CommandError;
use carekey_core::Client;
use carekey_core::vault::{Keychain, SecretStore};
use carekey_server::{RunningServer, Settings, StartError};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The keychain service under which the app keeps its secrets.
const KEYCHAIN_SERVICE: &str = "CareKey";
pub const SERVER_URL_VARIABLE: &str = "CAREKEY_SERVER_URL";

/// Where the server address came from, for the settings screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ServerSource {
    Embedded,
    Environment,
    Settings,
}

impl ServerSource {
    /// How the server was chosen, in the diagnostics' words.
    pub fn described(self) -> &'static str {
        match self {
            ServerSource::Embedded => "built in, running in the app",
            ServerSource::Environment => "set by CAREKEY_SERVER_URL",
            ServerSource::Settings => "saved in Settings",
        }
    }
}

/// What the app saves between runs (not secret: the keychain holds those).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SavedSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    server_url: Option<String>,
    /// The language chosen in Settings (a tag); none: the system's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    language: Option<String>,
}

/// A client bound to one server.
pub struct Connection {
    pub client: Client,
    pub source: ServerSource,
    /// The embedded server's outbox: the Dev inbox reads it.
    pub outbox: Option<PathBuf>,
}

pub struct Backend {
    data_dir: PathBuf,
    settings_file: PathBuf,
    environment_url: Option<String>,
    store: Arc<dyn SecretStore>,
    connection: Mutex<Option<Arc<Connection>>>,
    embedded: Mutex<Option<RunningServer>>,
}

impl Backend {
    /// `data_dir` keeps the embedded server's database and outbox;
    /// `config_dir` the saved settings.
    pub fn new(data_dir: PathBuf, config_dir: &Path) -> Self {
        Self::with_store(
            data_dir,
            config_dir,
            Arc::new(Keychain::new(KEYCHAIN_SERVICE)),
        )
    }

    /// As [`Backend::new`], with secrets kept in `store`.
    fn with_store(data_dir: PathBuf, config_dir: &Path, store: Arc<dyn SecretStore>) -> Self {
        let environment_url = std::env::var(SERVER_URL_VARIABLE)
            .ok()
            .map(|url| url.trim().to_owned())
            .filter(|url| !url.is_empty());
        Backend {
            data_dir,
            settings_file: config_dir.join("settings.json"),
            environment_url,
            store,
            connection: Mutex::new(None),
            embedded: Mutex::new(None),
        }
    }

    /// The client, connecting on first use (starting the embedded server if
    /// that is the one in use). A failed start is reported and tried again
    /// on the next call.
    pub async fn connection(&self) -> Result<Arc<Connection>, CommandError> {
        let mut current = self.connection.lock().await;
        if let Some(connection) = current.as_ref() {
            return Ok(connection.clone());
        }
        let connection = Arc::new(self.connect().await?);
        // Every start says which language the person reads the app in.
        connection.client.set_language(&self.ui_language().await);
        *current = Some(connection.clone());
        Ok(connection)
    }

    async fn connect(&self) -> Result<Connection, CommandError> {
        if let Some(url) = &self.environment_url {
            return self.remote(url, ServerSource::Environment);
        }
        if let Some(url) = self.saved().await.server_url {
            return self.remote(&url, ServerSource::Settings);
        }
        let mut embedded = self.embedded.lock().await;
        if embedded.is_none() {
            *embedded = Some(self.start_embedded().await?);
        }
        let url = embedded
            .as_ref()
            .map(RunningServer::url)
            .ok_or_else(|| CommandError::new("server_unavailable", "The server did not start."))?;
        let client = Client::new(&url, self.store.clone(), "session:embedded".into())?;
        Ok(Connection {
            client,
            source: ServerSource::Embedded,
            outbox: Some(self.outbox_file()),
        })
    }

    fn remote(&self, url: &str, source: ServerSource) -> Result<Connection, CommandError> {
        let url = normalised_url(url)?;
        // One session per server: pointing the app elsewhere never sends
        // one server's refresh token to another.
        let client = Client::new(&url, self.store.clone(), format!("session:{url}"))?;
        Ok(Connection {
            client,
            source,
            outbox: None,
        })
    }

    fn outbox_file(&self) -> PathBuf {
        self.data_dir.join("outbox.jsonl")
    }

    fn port_file(&self) -> PathBuf {
        self.data_dir.join("embedded-port")
    }

    /// Starts the server in this process. It listens on the port it had
    /// last time when that port is free, so that addresses in earlier
    /// messages keep working; otherwise on any free port.
    async fn start_embedded(&self) -> Result<RunningServer, CommandError> {
        let failed = |detail: String| {
            tracing::error!(%detail, "embedded server");
            CommandError::new(
                "server_unavailable",
                "The built-in server could not start. Check that the app's data folder is writable.",
            )
        };
        tokio::fs::create_dir_all(&self.data_dir)
            .await
            .map_err(|error| failed(error.to_string()))?;
        let previous_port = tokio::fs::read_to_string(self.port_file())
            .await
            .ok()
            .and_then(|text| text.trim().parse::<u16>().ok());
        let whatsapp = whatsapp_settings();
        let settings = |port: u16| Settings {
            listen: format!("127.0.0.1:{port}"),
            database_url: sqlite_url(&self.data_dir.join("carekey.db")),
            database_max_connections: 4,
            channel: if whatsapp.whatsapp_phone_number_id.is_some() {
                "outbox,whatsapp".into()
            } else {
                "outbox".into()
            },
            outbox_file: self.outbox_file().display().to_string(),
            ..whatsapp.clone()
        };
        let running = match previous_port {
            Some(port) => match carekey_server::start(settings(port)).await {
                Err(StartError::Listen(..)) => carekey_server::start(settings(0)).await,
                other => other,
            },
            None => carekey_server::start(settings(0)).await,
        }
        .map_err(|error| failed(error.to_string()))?;
        let port = running.local_addr().port();
        if previous_port != Some(port)
            && let Err(error) = tokio::fs::write(self.port_file(), port.to_string()).await
        {
            tracing::warn!(%error, "cannot remember the embedded server's port");
        }
        tracing::info!(url = %running.url(), "embedded server started");
        Ok(running)
    }

    async fn saved(&self) -> SavedSettings {
        match tokio::fs::read(&self.settings_file).await {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|error| {
                tracing::warn!(%error, "unreadable settings file; using the defaults");
                SavedSettings::default()
            }),
            Err(_) => SavedSettings::default(),
        }
    }

    async fn save(&self, saved: &SavedSettings) -> Result<(), CommandError> {
        let bytes = serde_json::to_vec_pretty(saved)
            .map_err(|error| CommandError::new("storage_failed", error.to_string()))?;
        if let Some(folder) = self.settings_file.parent() {
            tokio::fs::create_dir_all(folder)
                .await
                .map_err(|_| settings_not_saved())?;
        }
        tokio::fs::write(&self.settings_file, bytes)
            .await
            .map_err(|_| settings_not_saved())
    }

    /// The language the app shows (see `crate::language`).
    pub async fn ui_language(&self) -> String {
        self.ui_language_chosen().await.0
    }

    /// The language the app shows, and whether the person chose it here.
    pub async fn ui_language_chosen(&self) -> (String, bool) {
        let saved = self.saved().await.language;
        let tag = crate::language::choose(saved.as_deref(), &crate::language::system_languages());
        let chosen = saved.as_deref() == Some(tag.as_str());
        (tag, chosen)
    }

    /// Shows the app in `tag` from now on, on this device; the starts that
    /// follow carry it. Refused (`invalid_request`) for a language the app
    /// has no catalog for.
    pub async fn set_ui_language(
        &self,
        tag: &str,
    ) -> Result<crate::language::LanguageView, CommandError> {
        let mut view = crate::language::view(tag).ok_or_else(|| {
            CommandError::new(
                "invalid_request",
                format!("The app has no catalog for {tag}."),
            )
        })?;
        view.chosen = true;
        let saved = SavedSettings {
            language: Some(tag.to_owned()),
            ..self.saved().await
        };
        self.save(&saved).await?;
        if let Some(connection) = self.connection.lock().await.as_ref() {
            connection.client.set_language(tag);
        }
        Ok(view)
    }

    /// What the settings screen shows.
    pub async fn describe(&self) -> Result<ServerView, CommandError> {
        let connection = self.connection().await?;
        Ok(ServerView {
            url: connection.client.server().to_owned(),
            source: connection.source,
            locked_by_environment: self.environment_url.is_some(),
        })
    }

    /// The server in use, or the one the app would use, without connecting
    /// (diagnostics must work when the server is what is wrong): its address
    /// and how it was chosen.
    pub async fn configured(&self) -> (String, &'static str) {
        if let Some(connection) = self.connection.lock().await.as_ref() {
            return (
                connection.client.server().to_owned(),
                connection.source.described(),
            );
        }
        if let Some(url) = &self.environment_url {
            return (url.clone(), ServerSource::Environment.described());
        }
        match self.saved().await.server_url {
            Some(url) => (url, ServerSource::Settings.described()),
            None => ("the built-in server".into(), "not started yet"),
        }
    }

    /// Points the app at a standalone server (checked first: it must answer
    /// as a CareKey server), or back at the embedded one with `None`. The
    /// session with the previous server stays in the keychain for when the
    /// app is pointed back at it.
    pub async fn set_server(&self, url: Option<&str>) -> Result<ServerView, CommandError> {
        if self.environment_url.is_some() {
            return Err(CommandError::new(
                "server_locked",
                format!("The server is set by {SERVER_URL_VARIABLE}; unset it to change it here."),
            ));
        }
        let url = match url.map(str::trim).filter(|url| !url.is_empty()) {
            Some(url) => {
                let url = normalised_url(url)?;
                check_server(&url).await?;
                Some(url)
            }
            None => None,
        };
        let mut current = self.connection.lock().await;
        let saved = SavedSettings {
            server_url: url.clone(),
            ..self.saved().await
        };
        self.save(&saved).await?;
        *current = None;
        drop(current);
        if url.is_some()
            && let Some(server) = self.embedded.lock().await.take()
        {
            server.shutdown().await;
        }
        self.describe().await
    }

    /// Stops the embedded server (if it runs) so that its database closes
    /// cleanly when the app quits, or before an update replaces it. The next
    /// command (after an update that failed to install) starts it again.
    pub async fn shut_down(&self) {
        // One lock at a time: `connection` takes `connection`, then `embedded`.
        let server = self.embedded.lock().await.take();
        if let Some(server) = server {
            server.shutdown().await;
            *self.connection.lock().await = None;
        }
    }

    /// What the person is in the middle of with the server in use (nothing
    /// before the first connection).
    pub async fn unfinished(&self) -> Option<carekey_core::Unfinished> {
        let connection = self.connection.lock().await.clone();
        match connection {
            Some(connection) => connection.client.unfinished().await,
            None => None,
        }
    }
}

fn settings_not_saved() -> CommandError {
    CommandError::new("storage_failed", "The settings could not be saved.")
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerView {
    pub url: String,
    pub source: ServerSource,
    pub locked_by_environment: bool,
}

/// `sqlite://` URL of a path; the path is percent-encoded where a URL would
/// misread it (macOS's "Application Support" has a space).
fn sqlite_url(path: &Path) -> String {
    let mut url = String::from("sqlite://");
    for character in path.display().to_string().chars() {
        match character {
            ' ' => url.push_str("%20"),
            '%' => url.push_str("%25"),
            '?' => url.push_str("%3F"),
            '#' => url.push_str("%23"),
            other => url.push(other),
        }
    }
    url
}

/// An http(s) URL with a host and nothing after it, without the trailing
/// slash (the API client appends paths to it).
fn normalised_url(raw: &str) -> Result<String, CommandError> {
    let invalid = || {
        CommandError::new(
            "invalid_server_url",
            "Give the server's address, such as https://carekey.example.org.",
        )
    };
    let url = tauri::Url::parse(raw.trim()).map_err(|_| invalid())?;
    let acceptable = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some_and(|host| !host.is_empty())
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    if !acceptable {
        return Err(invalid());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A CareKey server answers `/readyz`; anything else is not one.
async fn check_server(url: &str) -> Result<(), CommandError> {
    let unreachable = || {
        CommandError::new(
            "no_server_there",
            format!("No CareKey server answers at {url}. Check the address and the connection."),
        )
    };
    let api = carekey_core::ApiClient::new(url).map_err(|_| unreachable())?;
    api.ready().await.map_err(|_| unreachable())
}

/// The embedded server's WhatsApp bot, from the `CAREKEY_WHATSAPP_*`
/// variables a standalone server reads (its other settings are the app's):
/// with a bot number and app secret, "Log in with WhatsApp" is offered and
/// its replies go to the Dev inbox; with a Cloud API number id and token too,
/// they go to WhatsApp.
fn whatsapp_settings() -> Settings {
    let from_environment = Settings::load(None).unwrap_or_else(|error| {
        tracing::warn!(%error, "CAREKEY_* variables ignored");
        Settings::default()
    });
    Settings {
        whatsapp_base_url: from_environment.whatsapp_base_url,
        whatsapp_phone_number_id: from_environment.whatsapp_phone_number_id,
        whatsapp_access_token: from_environment.whatsapp_access_token,
        whatsapp_bot_number: from_environment.whatsapp_bot_number,
        whatsapp_app_secret: from_environment.whatsapp_app_secret,
        whatsapp_verify_token: from_environment.whatsapp_verify_token,
        whatsapp_code_template: from_environment.whatsapp_code_template,
        whatsapp_template_language: from_environment.whatsapp_template_language,
        whatsapp_reference_ttl_seconds: from_environment.whatsapp_reference_ttl_seconds,
        ..Settings::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code in the last message of the embedded server's outbox,
    /// waiting for it (the queue delivers it just after the start answers).
    async fn last_code(outbox: &Path) -> String {
        let mut text = String::new();
        for _ in 0..200 {
            text = std::fs::read_to_string(outbox).unwrap_or_default();
            if text.ends_with('\n') {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let message: serde_json::Value =
            serde_json::from_str(text.lines().last().unwrap()).unwrap();
        message["body"]
            .as_str()
            .unwrap()
            .split_whitespace()
            .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
            .find(|word| word.len() == 6 && word.bytes().all(|b| b.is_ascii_digit()))
            .unwrap()
            .to_owned()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_taken_port_moves_the_built_in_server_and_the_session_carries_on() {
        let data = tempfile::tempdir().unwrap();
        let config = tempfile::tempdir().unwrap();
        let store: Arc<dyn SecretStore> = Arc::new(carekey_core::vault::MemoryStore::default());
        let first = Backend::with_store(data.path().to_owned(), config.path(), store.clone());
        let connection = first.connection().await.unwrap();
        let account = carekey_core::NewAccount {
            first_name: "Lisa".into(),
            last_name: "Cuddy".into(),
            role: carekey_api::Role::Clinician,
            responsible_clinician_id: None,
            invitation: None,
        };
        let contact = carekey_core::Contact {
            email: Some("cuddy@example.com".into()),
            ..carekey_core::Contact::default()
        };
        connection
            .client
            .start(&contact, Some(&account))
            .await
            .unwrap();
        let outbox = connection.outbox.clone().unwrap();
        connection
            .client
            .complete(&last_code(&outbox).await)
            .await
            .unwrap();
        let old_url = connection.client.server_url().to_owned();
        drop(connection);
        first.shut_down().await;

        // Another program takes the port before the app starts again.
        let taken = std::net::TcpListener::bind(old_url.trim_start_matches("http://")).unwrap();
        let again = Backend::with_store(data.path().to_owned(), config.path(), store);
        let connection = again.connection().await.unwrap();
        assert_ne!(connection.client.server_url(), old_url);
        match connection.client.resume().await.unwrap() {
            carekey_core::Resumed::LoggedIn(profile) => assert_eq!(profile.first_name, "Lisa"),
            other => panic!("the session did not carry on: {other:?}"),
        }
        let remembered = std::fs::read_to_string(data.path().join("embedded-port")).unwrap();
        assert_eq!(
            connection.client.server_url(),
            format!("http://127.0.0.1:{}", remembered.trim())
        );
        drop(taken);
        again.shut_down().await;
    }

    #[test]
    fn server_addresses_are_checked_and_normalised() {
        assert_eq!(
            normalised_url(" https://carekey.example.org/ ").unwrap(),
            "https://carekey.example.org"
        );
        assert_eq!(
            normalised_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "",
            "carekey.example.org",
            "ftp://carekey.example.org",
            "https://",
            "https://a/b",
            "https://user@host",
            "javascript://alert(1)",
        ] {
            assert_eq!(
                normalised_url(bad).unwrap_err().code,
                "invalid_server_url",
                "{bad}"
            );
        }
    }

    #[test]
    fn data_folders_with_spaces_make_valid_sqlite_urls() {
        assert_eq!(
            sqlite_url(Path::new(
                "/Users/ada/Library/Application Support/app/carekey.db"
            )),
            "sqlite:///Users/ada/Library/Application%20Support/app/carekey.db"
        );
    }
}
