//! Starting and stopping a server instance: the HTTP listener, the queue
//! worker and the janitor that clears what has expired.

use crate::clock::{Clock, Millis};
use crate::db::{Arg, Database, DbError};
use crate::login::captcha::{Captcha, CaptchaConfigError};
use crate::metrics::Metrics;
use crate::outbound::channels::{ChannelConfigError, Channels};
use crate::outbound::queue::{LocalLane, QueuePolicy, Worker};
use crate::secrets::{CodeHasher, QueueSealer, random_key};
use crate::settings::Settings;
use crate::state::{AppState, Policy, PolicyError};
use crate::tokens::{AccessTokens, generate_signing_key};
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

/// A server that is running. [`RunningServer::shutdown`] stops it and waits;
/// dropping it stops it without waiting.
pub struct RunningServer {
    address: SocketAddr,
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

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// Runs the janitor's clean-up now rather than at its next minute.
    pub async fn clean_up(&self) {
        clean_up(&self.state).await;
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
        channels: state.channels.clone(),
        integrations: state.integrations.clone(),
        sealer: state.sealer.clone(),
        clock: state.clock.clone(),
        metrics: state.metrics.clone(),
        policy: state.queue.clone(),
    }
}

pub async fn start(settings: Settings) -> Result<RunningServer, StartError> {
    start_with_clock(settings, Clock::system()).await
}

/// Starts a server whose notion of time is `clock` (tests move it by hand).
pub async fn start_with_clock(
    settings: Settings,
    clock: Clock,
) -> Result<RunningServer, StartError> {
    if let Some((name, why)) = settings.unusable_secret() {
        return Err(StartError::Setting(name, why));
    }
    let policy = Policy::from_settings(&settings)?;
    let channels = Arc::new(Channels::from_settings(&settings)?);
    let captcha = Captcha::from_settings(&settings)?;
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

    let listener = tokio::net::TcpListener::bind(&settings.listen)
        .await
        .map_err(|error| StartError::Listen(settings.listen.clone(), error))?;
    let address = listener
        .local_addr()
        .map_err(|error| StartError::Listen(settings.listen.clone(), error))?;
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
        &settings,
        &public_url,
    )?);

    let db = Database::connect(
        &settings.database_url,
        settings.database_max_connections,
        settings.sqlite_synchronous,
    )
    .await?;
    db.migrate().await?;
    let now = clock.now_ms();
    let keys_error = |error: sqlx::Error| StartError::Keys(error.to_string());
    let signing_key =
        generate_signing_key().map_err(|error| StartError::Keys(error.to_string()))?;
    let signing_key = Zeroizing::new(
        db.secret("jwt_ed25519_pkcs8", now, || signing_key.to_vec())
            .await
            .map_err(keys_error)?,
    );
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
    let tokens = AccessTokens::new(
        &signing_key,
        public_url.clone(),
        crate::clock::seconds(settings.access_token_ttl_seconds),
    )
    .map_err(|error| StartError::Keys(error.to_string()))?;
    let sealer =
        QueueSealer::new(&queue_key).map_err(|error| StartError::Keys(error.to_string()))?;

    let (local_lane, local_jobs) = LocalLane::new();
    let (stop, stopped) = watch::channel(false);
    let state = Arc::new(AppState {
        stopping: stopped.clone(),
        operations: crate::login::auth::Operations::new(&db),
        db: db.clone(),
        clock: clock.clone(),
        policy,
        codes: CodeHasher::new(code_key),
        tokens,
        sealer,
        channels,
        integrations,
        captcha,
        metrics: Arc::new(Metrics::new()),
        queue: queue_policy(&settings),
        local_lane,
        group_id,
        public_url: public_url.clone(),
        public_host,
        app_links: crate::login::links::AppLinks::from_settings(&settings),
        whatsapp: crate::login::whatsapp::WhatsappBot::from_settings(&settings),
        trusted_proxies,
        request_timeout: Duration::from_secs(settings.http_request_timeout_seconds.max(1)),
        allowed_hosts: allowed_hosts(&settings.allowed_hosts, &public_url, address),
        captcha_exempt_biot: settings.captcha_exempt_biot,
    });

    let mut tasks = Vec::new();
    let worker = tokio::spawn(worker(&state).run(local_jobs, stopped.clone()));
    tasks.push(tokio::spawn(janitor(state.clone(), stopped.clone())));
    tasks.push(tokio::spawn(checkpointer(
        state.db.clone(),
        stopped.clone(),
    )));
    let app = crate::http::router(state.clone());
    let limits = crate::http::connections::ConnectionLimits {
        total: settings.max_connections,
        per_address: settings.max_connections_per_address,
        header_timeout: Duration::from_secs(settings.http_header_timeout_seconds.max(1)),
    };
    tasks.push(tokio::spawn(crate::http::connections::serve(
        listener, app, limits, stopped,
    )));
    tracing::info!(
        address = %address,
        public_url = %public_url,
        database = db_kind(&settings.database_url),
        channel = %settings.channel,
        "CareKey server listening"
    );
    Ok(RunningServer {
        address,
        public_url,
        stop,
        tasks,
        worker,
        state,
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

/// Keeps SQLite's write-ahead log short (see `Database::checkpoint`).
async fn checkpointer(db: Database, mut stop: watch::Receiver<bool>) {
    if db.backend() != crate::db::Backend::Sqlite {
        return;
    }
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = db.checkpoint().await {
            tracing::warn!(error = %error, "checkpoint failed");
        }
    }
}

/// Runs [`clean_up`] every minute.
async fn janitor(state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => return,
        }
        clean_up(&state).await;
    }
}

/// Deletes what can no longer be used: ended requests (a day after they
/// could last end), WhatsApp references a day after they expired, WhatsApp
/// message ids a week old, phone verifications a day old, counters of past
/// windows, spent lockouts, refresh tokens expired a day ago, messages given
/// up a month ago, and guests nobody can come back to.
async fn clean_up(state: &AppState) {
    const DAY: Millis = 24 * 3600 * 1000;
    let now = state.clock.now_ms();
    // Requests end at most `request_ttl` after they start; their ids
    // (UUIDv7) sort by start time, so no index on expiry is needed.
    let ended = crate::db::first_id_at(now - DAY - state.policy.request_ttl_ms);
    let window = state.policy.send_window_ms;
    let statements: [(&str, Arg); 11] = [
        (
            "DELETE FROM auth_requests WHERE id < $1",
            ended.clone().into(),
        ),
        (
            "DELETE FROM login_approvals WHERE request_id < $1",
            ended.into(),
        ),
        (
            "DELETE FROM whatsapp_requests WHERE expires_at < $1",
            (now - DAY).into(),
        ),
        // Meta retries an unanswered delivery for up to 7 days.
        (
            "DELETE FROM whatsapp_messages WHERE received_at < $1",
            (now - 7 * DAY).into(),
        ),
        (
            "DELETE FROM phone_verifications WHERE id < $1",
            crate::db::first_id_at(now - DAY).into(),
        ),
        (
            "DELETE FROM proofs WHERE id < $1",
            crate::db::first_id_at(now - DAY).into(),
        ),
        (
            "DELETE FROM trusted_requesters WHERE last_login_at < $1",
            (now - 180 * DAY).into(),
        ),
        (
            "DELETE FROM rate_counters WHERE window_start < $1",
            (now - 2 * window).into(),
        ),
        (
            "DELETE FROM identifier_guards WHERE consecutive_failures = 0 AND locked_until < $1",
            now.into(),
        ),
        (
            "DELETE FROM refresh_tokens WHERE expires_at < $1",
            (now - DAY).into(),
        ),
        (
            "DELETE FROM message_jobs WHERE status = 'failed' AND run_at < $1",
            (now - 30 * DAY).into(),
        ),
    ];
    for (sql, before) in statements {
        if let Err(error) = before
            .bind(sqlx::query(sql))
            .execute(state.db.writer())
            .await
        {
            tracing::warn!(error = %error, "janitor could not clean up");
        }
    }
    if let Err(error) = crate::account::guests::delete_abandoned(state).await {
        tracing::warn!(error = %error, "janitor could not delete abandoned guests");
    }
}
