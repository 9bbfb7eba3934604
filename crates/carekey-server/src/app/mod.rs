//! Starting and stopping a server instance: the state every request shares
//! ([`prepare`]), then the HTTP listener, the queue worker and the janitor
//! that clears what has expired ([`start_with_clock`]).
//!
//! Invariant: a server answers requests only after its settings were
//! checked, its database migrated and its keys read; stopping answers long
//! polls at once, lets requests in flight finish and sends what the worker
//! holds before the database closes.

mod janitor;
pub(crate) mod routes;

use crate::admin::api::AdminToken;
use crate::clock::{Clock, Millis};
use crate::db::{Database, DbError};
use crate::metrics::Metrics;
use crate::outbound::captcha::{Captcha, CaptchaConfigError};
use crate::outbound::channels::{ChannelConfigError, Channels};
use crate::outbound::queue::{LocalLane, QueuePolicy, Worker};
use crate::secrets::{CodeHasher, QueueSealer, random_key};
use crate::settings::Settings;
use crate::state::{AppState, Policy, PolicyError};
use crate::tokens::AccessTokens;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use zeroize::Zeroizing;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot read or make the server keys: {0}")]
    Keys(String),
    #[error(transparent)]
    Channels(#[from] ChannelConfigError),
    #[error(transparent)]
    Captcha(#[from] CaptchaConfigError),
    #[error(transparent)]
    Integrations(#[from] crate::outbound::integrations::IntegrationConfigError),
    #[error(transparent)]
    Policy(#[from] PolicyError),
    #[error("invalid setting {0}: {1}")]
    Setting(&'static str, String),
    #[error("cannot listen on {0}: {1}")]
    Listen(String, #[source] std::io::Error),
}

impl StartError {
    /// The setting to blame, when the settings are what is wrong (the
    /// binary exits 2 for those, and `check-config` names it).
    pub fn setting(&self) -> Option<&'static str> {
        use crate::outbound::integrations::IntegrationConfigError as Integration;
        let name: &str = match self {
            StartError::Setting(name, _) => name,
            StartError::Database(DbError::UnsupportedUrl | DbError::NoPostgres) => "database_url",
            StartError::Channels(ChannelConfigError::Unknown(_)) => "channel",
            StartError::Channels(
                ChannelConfigError::Smtp(name)
                | ChannelConfigError::Twilio(name)
                | ChannelConfigError::Whatsapp(name),
            ) => name,
            StartError::Captcha(CaptchaConfigError::MissingSecret(_)) => "captcha_secret",
            StartError::Captcha(CaptchaConfigError::MissingSiteKey(_)) => "captcha_site_key",
            StartError::Captcha(CaptchaConfigError::BadWidgetUrl) => "captcha_widget_url",
            StartError::Integrations(Integration::MissingSecret | Integration::MalformedSecret) => {
                "omnichannel_webhook_secret"
            }
            StartError::Integrations(Integration::NotAUrl(name)) => name,
            StartError::Policy(PolicyError::CodeLength(_)) => "code_length",
            StartError::Policy(PolicyError::Zero(name)) => name,
            _ => return None,
        };
        // Some errors name what is missing in words ("an HTTP client").
        crate::settings::SETTINGS
            .iter()
            .map(|(key, _)| *key)
            .find(|key| *key == name)
    }
}

/// A server that is running. [`RunningServer::shutdown`] stops it and waits;
/// dropping it stops it without waiting.
pub struct RunningServer {
    address: SocketAddr,
    admin_address: Option<SocketAddr>,
    public_url: String,
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    worker: JoinHandle<()>,
    state: Arc<AppState>,
}

impl RunningServer {
    pub fn local_addr(&self) -> SocketAddr {
        self.address
    }

    /// `http://127.0.0.1:PORT`: where this instance listens.
    pub fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Where the admin API and `/metrics` listen, when `admin_listen` is set.
    pub fn admin_url(&self) -> Option<String> {
        self.admin_address
            .map(|address| format!("http://{address}"))
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Runs the janitor's clean-up now rather than at its next minute.
    pub async fn clean_up(&self) {
        janitor::clean_up(&self.state).await;
    }

    /// Reads the signing keys now rather than at the next reload.
    pub async fn reload_keys(&self) {
        janitor::reload_keys(&self.state).await;
    }

    /// For failure drills: stops this instance's queue worker at once, as if
    /// the process had died between queueing messages and sending them. What
    /// it held stays leased until the lease runs out; then another worker (or
    /// this instance restarted) sends it.
    pub fn stop_delivering(&self) {
        self.worker.abort();
    }

    /// Stops accepting requests, lets those in flight finish, stops the worker
    /// (after it has sent what it holds).
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.worker.await;
        for task in self.tasks {
            let _ = task.await;
        }
        self.state.db.close().await;
    }

    /// Runs until ctrl-c or SIGTERM, then shuts down.
    pub async fn run_until_signal(self) {
        wait_for_signal().await;
        tracing::info!("shutting down");
        self.shutdown().await;
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn queue_policy(settings: &Settings) -> QueuePolicy {
    let millis = |value: u64| Millis::try_from(value).unwrap_or(Millis::MAX);
    QueuePolicy {
        batch_size: settings.queue_batch_size,
        poll_interval: Duration::from_millis(settings.queue_poll_interval_ms.max(10)),
        lease_ms: crate::clock::seconds(settings.queue_lease_seconds.max(1)),
        max_attempts: settings.queue_max_attempts.max(1),
        retry_base_ms: millis(settings.queue_retry_base_ms.max(1)),
        retry_max_ms: millis(settings.queue_retry_max_ms.max(1)),
    }
}

fn worker(state: &Arc<AppState>) -> Worker {
    Worker {
        db: state.db.clone(),
        deliverers: vec![state.channels.clone(), state.integrations.clone()],
        sealer: state.sealer.clone(),
        clock: state.clock.clone(),
        metrics: state.metrics.clone(),
        policy: state.queue.clone(),
    }
}

/// `carekey-server migrate`: what a start does to the database, and no
/// more, so a package can migrate before the service starts (and a
/// migration that fails stops the upgrade, not a running server). Returns
/// the database's kind and the newest migration it now has.
pub async fn migrate(settings: &Settings) -> Result<(&'static str, i64), StartError> {
    let db = Database::open(settings).await?;
    let version = db.schema_version().await.map_err(DbError::Query)?;
    db.close().await;
    Ok((db_kind(&settings.database_url), version))
}

pub async fn start(settings: Settings) -> Result<RunningServer, StartError> {
    start_with_clock(settings, Clock::system()).await
}

/// Starts a server whose notion of time is `clock` (tests move it by hand).
pub async fn start_with_clock(
    settings: Settings,
    clock: Clock,
) -> Result<RunningServer, StartError> {
    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|error| StartError::Listen(settings.listen.clone(), error))?;
    let address = listener
        .local_addr()
        .map_err(|error| StartError::Listen(settings.listen.clone(), error))?;
    let Prepared {
        state,
        stop,
        local_jobs,
    } = prepare(&settings, clock, address).await?;
    let stopped = stop.subscribe();
    let mut tasks = Vec::new();
    let worker = tokio::spawn(worker(&state).run(local_jobs, stopped.clone()));
    tasks.push(tokio::spawn(janitor::janitor(
        state.clone(),
        stopped.clone(),
    )));
    tasks.push(tokio::spawn(janitor::checkpointer(
        state.db.clone(),
        stopped.clone(),
    )));
    tasks.push(tokio::spawn(janitor::key_reloader(
        state.clone(),
        stopped.clone(),
    )));
    let app = routes::router(state.clone());
    let limits = crate::http::connections::ConnectionLimits {
        total: settings.max_connections,
        per_address: settings.max_connections_per_address,
        header_timeout: Duration::from_secs(settings.http_header_timeout_seconds.max(1)),
    };
    let admin_address = match (&settings.admin_listen, &settings.admin_token) {
        (Some(admin_listen), Some(token)) => {
            let admin = tokio::net::TcpListener::bind(admin_listen)
                .await
                .map_err(|error| StartError::Listen(admin_listen.clone(), error))?;
            let admin_address = admin
                .local_addr()
                .map_err(|error| StartError::Listen(admin_listen.clone(), error))?;
            if !admin_address.ip().is_loopback() {
                tracing::warn!(address = %admin_address, "the admin API listens beyond this machine; its token is all that guards it");
            }
            let router = routes::admin_router(state.clone(), AdminToken::new(token));
            tasks.push(tokio::spawn(crate::http::connections::serve(
                admin,
                router,
                limits.clone(),
                stopped.clone(),
            )));
            Some(admin_address)
        }
        // `check` refuses a listener without a token.
        _ => None,
    };
    tasks.push(tokio::spawn(crate::http::connections::serve(
        listener, app, limits, stopped,
    )));
    let public_url = state.public_url.clone();
    tracing::info!(
        address = %address,
        public_url = %public_url,
        database = db_kind(&settings.database_url),
        channel = %settings.channel,
        admin = ?admin_address,
        "CareKey server listening"
    );
    Ok(RunningServer {
        address,
        admin_address,
        public_url,
        stop,
        tasks,
        worker,
        state,
    })
}

/// A server's state, ready to answer, before anything runs: no socket is
/// bound and no worker spawned. `start_with_clock` runs it; tests drive its
/// router directly.
pub struct Prepared {
    pub state: Arc<AppState>,
    /// Turning it true stops what runs on the state (and ends long polls).
    pub stop: watch::Sender<bool>,
    /// What this instance queues for its own worker.
    pub local_jobs: tokio::sync::mpsc::UnboundedReceiver<crate::outbound::queue::Job>,
}

/// What [`check`] makes of the settings before anything is opened.
pub struct CheckedSettings {
    policy: Policy,
    channels: Arc<Channels>,
    captcha: Option<Captcha>,
    trusted_proxies: Vec<ipnet::IpNet>,
    public_url: String,
    public_host: String,
    integrations: Arc<crate::outbound::integrations::Integrations>,
    templates: crate::outbound::messages::Templates,
    places: Option<Arc<crate::places::Places>>,
}

/// Every check of the settings that needs neither the database nor a
/// socket: secrets, limits, channels and their credentials, captcha,
/// proxies, the public URL, integrations. `check-config` runs exactly
/// this, so a file it accepts is one the server starts with (unless the
/// database or the address is unreachable). `address` is where the
/// listener is, or would be: the public URL defaults to it.
pub fn check(settings: &Settings, address: SocketAddr) -> Result<CheckedSettings, StartError> {
    if let Some((name, why)) = settings.unusable_secret() {
        return Err(StartError::Setting(name, why));
    }
    if settings.oprf_key_file.is_none()
        && crate::oprf_keys::default_path(&settings.database_url).is_none()
        && crate::db::Backend::of_url(&settings.database_url) == Some(crate::db::Backend::Postgres)
    {
        return Err(StartError::Setting(
            "oprf_key_file",
            "is needed with PostgreSQL: every instance must harden password backups with the \
             same key, from a file apart from the database"
                .into(),
        ));
    }
    if let Some(admin_listen) = &settings.admin_listen {
        use std::net::ToSocketAddrs;
        let resolves = admin_listen
            .to_socket_addrs()
            .is_ok_and(|mut addresses| addresses.next().is_some());
        if !resolves {
            return Err(StartError::Setting(
                "admin_listen",
                format!("`{admin_listen}` is not an address and port"),
            ));
        }
        if admin_listen == &settings.listen && !admin_listen.ends_with(":0") {
            return Err(StartError::Setting(
                "admin_listen",
                "it must differ from listen: the public listener never serves the admin API".into(),
            ));
        }
    }
    if crate::db::Backend::of_url(&settings.database_url).is_none() {
        return Err(StartError::Setting(
            "database_url",
            "it must start with sqlite: or postgres://".into(),
        ));
    }
    let policy = Policy::from_settings(settings)?;
    let channels = Arc::new(Channels::from_settings(settings)?);
    let captcha = Captcha::from_settings(settings)?;
    let trusted_proxies = settings
        .trusted_proxies
        .split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| StartError::Setting("trusted_proxies", entry.to_owned()))
        })
        .collect::<Result<Vec<_>, _>>()?;

    let public_url = settings
        .public_url
        .clone()
        .unwrap_or_else(|| format!("http://{address}"))
        .trim_end_matches('/')
        .to_owned();
    let public_host = reqwest::Url::parse(&public_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .ok_or_else(|| StartError::Setting("public_url", public_url.clone()))?;
    let integrations = Arc::new(crate::outbound::integrations::Integrations::from_settings(
        settings,
        &public_url,
    )?);
    let templates = match &settings.templates_dir {
        Some(dir) => crate::outbound::messages::Templates::load(
            std::path::Path::new(dir),
            &settings.default_language,
        )
        .map_err(|error| {
            let setting = match error {
                crate::outbound::messages::TemplateError::Catalog(
                    carekey_i18n::CatalogError::NoDefault { .. },
                ) => "default_language",
                _ => "templates_dir",
            };
            StartError::Setting(setting, error.to_string())
        })?,
        None => crate::outbound::messages::Templates::with_default(&settings.default_language)
            .map_err(|error| StartError::Setting("default_language", error.to_string()))?,
    };
    let places = match &settings.ip_places_database {
        Some(path) => Some(Arc::new(
            crate::places::Places::open(std::path::Path::new(path))
                .map_err(|error| StartError::Setting("ip_places_database", error.to_string()))?,
        )),
        None => None,
    };
    Ok(CheckedSettings {
        policy,
        channels,
        captcha,
        trusted_proxies,
        public_url,
        public_host,
        integrations,
        templates,
        places,
    })
}

/// Checks the settings, opens and migrates the database, reads or makes the
/// server's keys, and builds the state that `address` (where the listener
/// is, or would be) serves.
pub async fn prepare(
    settings: &Settings,
    clock: Clock,
    address: SocketAddr,
) -> Result<Prepared, StartError> {
    let CheckedSettings {
        policy,
        channels,
        captcha,
        trusted_proxies,
        public_url,
        public_host,
        integrations,
        templates,
        places,
    } = check(settings, address)?;
    if templates.replaced() > 0 {
        tracing::info!(
            replaced = templates.replaced(),
            "message templates from templates_dir"
        );
    }

    let db = Database::open(settings).await?;
    let now = clock.now_ms();
    let keys_error = |error: sqlx::Error| StartError::Keys(error.to_string());
    let code_key = Zeroizing::new(
        db.secret("code_hmac", now, || random_key().to_vec())
            .await
            .map_err(keys_error)?,
    );
    let queue_key = Zeroizing::new(
        db.secret("queue_seal", now, || random_key().to_vec())
            .await
            .map_err(keys_error)?,
    );
    let group_id = match &settings.group_id {
        Some(group) => group.clone(),
        None => {
            let stored = db
                .secret("group_id", now, || {
                    uuid::Uuid::new_v4().to_string().into_bytes()
                })
                .await
                .map_err(keys_error)?;
            String::from_utf8(stored).map_err(|_| StartError::Keys("stored group id".into()))?
        }
    };
    crate::tokens::first_key(&db, now)
        .await
        .map_err(|error| StartError::Keys(error.to_string()))?;
    let stored = crate::tokens::stored_keys(&db, now)
        .await
        .map_err(keys_error)?;
    let tokens = AccessTokens::new(
        &stored,
        public_url.clone(),
        crate::clock::seconds(settings.access_token_ttl_seconds),
        now,
    )
    .map_err(|error| StartError::Keys(error.to_string()))?;
    let sealer =
        QueueSealer::new(&queue_key).map_err(|error| StartError::Keys(error.to_string()))?;

    let oprf: Arc<dyn crate::oprf_keys::OprfKeys> = {
        use crate::oprf_keys::{FollowedKeyFile, KeyFile, default_path};
        let path = settings
            .oprf_key_file
            .as_ref()
            .map(std::path::PathBuf::from)
            .or_else(|| default_path(&settings.database_url));
        match path {
            Some(path) => Arc::new(
                FollowedKeyFile::open_or_create(&path)
                    .map_err(|error| StartError::Setting("oprf_key_file", error.to_string()))?,
            ),
            None => Arc::new(KeyFile::ephemeral()),
        }
    };

    let (local_lane, local_jobs) = LocalLane::new();
    let (stop, stopping) = watch::channel(false);
    let state = Arc::new(AppState {
        stopping,
        operations: crate::login::operations(&db),
        db: db.clone(),
        clock: clock.clone(),
        policy,
        codes: CodeHasher::new(code_key),
        tokens,
        sealer,
        channels,
        integrations,
        templates,
        captcha,
        metrics: Arc::new(Metrics::new()),
        queue: queue_policy(settings),
        local_lane,
        group_id,
        public_url: public_url.clone(),
        public_host,
        app_links: crate::app_links::AppLinks::from_settings(settings),
        places,
        whatsapp: crate::outbound::whatsapp_bot::WhatsappBot::from_settings(settings),
        trusted_proxies,
        request_timeout: Duration::from_secs(settings.http_request_timeout_seconds.max(1)),
        allowed_hosts: allowed_hosts(&settings.allowed_hosts, &public_url, address),
        captcha_exempt_biot: settings.captcha_exempt_biot,
        oprf,
    });

    Ok(Prepared {
        state,
        stop,
        local_jobs,
    })
}

/// The `Host` values answered: the configured list, else the public URL's
/// authority and, on a loopback listener, this machine's names for its port.
fn allowed_hosts(configured: &str, public_url: &str, address: SocketAddr) -> Option<Vec<String>> {
    let configured: Vec<String> = configured
        .split(',')
        .map(|host| host.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|host| !host.is_empty())
        .collect();
    if configured.iter().any(|host| host == "*") {
        return None;
    }
    if !configured.is_empty() {
        return Some(configured);
    }
    let mut hosts = Vec::new();
    if let Ok(url) = reqwest::Url::parse(public_url)
        && let Some(host) = url.host_str()
    {
        let host = host.to_ascii_lowercase();
        match url.port() {
            Some(port) => hosts.push(format!("{host}:{port}")),
            None => hosts.push(host),
        }
    }
    let port = address.port();
    if address.ip().is_loopback() {
        hosts.extend([
            format!("127.0.0.1:{port}"),
            format!("localhost:{port}"),
            format!("[::1]:{port}"),
        ]);
    } else {
        hosts.push(address.to_string());
    }
    Some(hosts)
}

fn db_kind(url: &str) -> &'static str {
    if url.starts_with("sqlite:") {
        "sqlite"
    } else {
        "postgres"
    }
}
