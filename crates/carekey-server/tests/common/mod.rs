//! A real server on port 0, on SQLite or PostgreSQL, and a client for it.
//!
//! PostgreSQL comes from `CAREKEY_TEST_POSTGRES_URL` (an admin URL; each test
//! gets its own database). `tests/run.sh` starts a throwaway cluster and sets
//! it; without it the PostgreSQL tests fail, they never skip.

#![allow(dead_code)]
// Test support: a failed setup should panic with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

pub mod cluster;
pub mod fhir;
pub mod process;
pub mod twilio;

use carekey_server::{Clock, RunningServer, Settings};
use serde_json::{Value, json};
use sqlx::Connection;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Runs an async test body once per backend, as two `#[tokio::test]`s.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    super::$name($crate::common::Backend::Postgres).await;
                }
            }
        )*
    };
}

pub fn postgres_admin_url() -> String {
    std::env::var("CAREKEY_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        panic!(
            "CAREKEY_TEST_POSTGRES_URL is not set: run the tests with `bash tests/run.sh`, \
             which starts PostgreSQL (the PostgreSQL half of the suite never skips)"
        )
    })
}

/// A fresh, empty PostgreSQL database; answers its URL.
pub async fn new_postgres_database() -> String {
    let admin = postgres_admin_url();
    let name = format!("carekey_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|error| panic!("cannot reach PostgreSQL at {admin}: {error}"));
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await
        .expect("create test database");
    let (base, _) = admin
        .rsplit_once('/')
        .expect("admin URL ends with /DATABASE");
    let query = admin
        .split_once('?')
        .map(|(_, q)| format!("?{q}"))
        .unwrap_or_default();
    format!("{base}/{name}{query}")
}

pub struct TestServer {
    pub server: RunningServer,
    pub clock: Clock,
    pub outbox: PathBuf,
    pub database_url: String,
    pub http: reqwest::Client,
    _dir: std::sync::Arc<tempfile::TempDir>,
}

/// What a call answered.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

impl Answer {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }

    #[track_caller]
    pub fn ok(&self) -> &Value {
        assert!(
            (200..300).contains(&self.status),
            "expected success, got {} {}",
            self.status,
            self.body
        );
        &self.body
    }

    #[track_caller]
    pub fn error(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            (self.status, self.code()),
            (status, code),
            "unexpected answer {}",
            self.body
        );
        assert!(
            self.body["message"].as_str().is_some_and(|m| !m.is_empty()),
            "errors carry a message: {}",
            self.body
        );
        &self.body
    }
}

pub fn base_settings(dir: &std::path::Path, database_url: &str) -> Settings {
    Settings {
        listen: "127.0.0.1:0".into(),
        database_url: database_url.into(),
        database_max_connections: 4,
        outbox_file: dir.join("outbox.jsonl").display().to_string(),
        // One key file for every instance on this database.
        oprf_key_file: Some(dir.join("oprf-keys.json").display().to_string()),
        queue_poll_interval_ms: 100,
        queue_retry_base_ms: 200,
        queue_retry_max_ms: 1000,
        public_url: Some("https://auth.carekey.test".into()),
        admin_listen: Some("127.0.0.1:0".into()),
        admin_token: Some(ADMIN_TOKEN.into()),
        ..Settings::default()
    }
}

/// Email through an SMTP server on `port` (plain, on loopback), and no
/// other transport.
pub fn with_smtp(settings: &mut Settings, port: u16) {
    settings.channel = "smtp".into();
    settings.smtp_host = Some("127.0.0.1".into());
    settings.smtp_port = port;
    settings.smtp_tls = carekey_server::settings::SmtpTls::None;
    settings.smtp_from = "CareKey <login@carekey.test>".into();
}

/// The admin API's token in every test server.
pub const ADMIN_TOKEN: &str = "test-admin-token-0123456789abcdef0123";

impl TestServer {
    pub async fn start(backend: Backend) -> Self {
        Self::start_with(backend, |_| {}).await
    }

    pub async fn start_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> Self {
        let dir = std::sync::Arc::new(tempfile::tempdir().expect("temp dir"));
        let database_url = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("carekey.db").display()),
            Backend::Postgres => new_postgres_database().await,
        };
        let mut settings = base_settings(dir.path(), &database_url);
        configure(&mut settings);
        Self::launch(settings, Clock::manual(), dir).await
    }

    /// The OPRF key file every instance on this database reads.
    pub fn oprf_key_file(&self) -> PathBuf {
        self._dir.path().join("oprf-keys.json")
    }

    /// A second instance on the same database, outbox and clock.
    pub async fn another_instance(&self, configure: impl FnOnce(&mut Settings)) -> Self {
        let mut settings = base_settings(self._dir.path(), &self.database_url);
        settings.outbox_file = self.outbox.display().to_string();
        configure(&mut settings);
        Self::launch(settings, self.clock.clone(), self._dir.clone()).await
    }

    async fn launch(
        settings: Settings,
        clock: Clock,
        dir: std::sync::Arc<tempfile::TempDir>,
    ) -> Self {
        // `CAREKEY_TEST_LOG=debug` shows the servers' logs while debugging a test.
        if let Ok(level) = std::env::var("CAREKEY_TEST_LOG") {
            carekey_server::init_logging(&Settings {
                log_level: level,
                log_format: carekey_server::settings::LogFormat::Text,
                ..Settings::default()
            });
        }
        let outbox = PathBuf::from(&settings.outbox_file);
        let database_url = settings.database_url.clone();
        let server = carekey_server::start_with_clock(settings, clock.clone())
            .await
            .expect("server starts");
        TestServer {
            server,
            clock,
            outbox,
            database_url,
            http: reqwest::Client::new(),
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.url())
    }

    pub async fn post(&self, path: &str, body: &Value) -> Answer {
        self.send(self.http.post(self.url(path)).json(body)).await
    }

    /// A POST with a bearer access token.
    pub async fn post_as(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(self.http.post(self.url(path)).bearer_auth(token).json(body))
            .await
    }

    /// A PUT with a bearer access token.
    pub async fn put(&self, path: &str, token: &str, body: &Value) -> Answer {
        self.send(self.http.put(self.url(path)).bearer_auth(token).json(body))
            .await
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> Answer {
        let mut request = self.http.get(self.url(path));
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        self.send(request).await
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Answer {
        let response = request.send().await.expect("server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Answer {
            status,
            body,
            headers,
        }
    }

    /// The `/metrics` text, from the admin listener.
    pub async fn metrics(&self) -> String {
        let answer = self.admin(reqwest::Method::GET, "/metrics", None).await;
        answer.ok();
        answer.body.as_str().expect("metrics are text").to_owned()
    }

    /// A request to the admin API with its token (and a JSON body).
    pub async fn admin(&self, method: reqwest::Method, path: &str, body: Option<&Value>) -> Answer {
        let url = format!(
            "{}{path}",
            self.server.admin_url().expect("an admin listener")
        );
        let mut request = self.http.request(method, url).bearer_auth(ADMIN_TOKEN);
        if let Some(body) = body {
            request = request.json(body);
        }
        self.send(request).await
    }

    /// Every message the outbox holds, oldest first. A last line the server
    /// is still writing (no newline yet) is not a message yet.
    pub fn outbox_messages(&self) -> Vec<Value> {
        let text = std::fs::read_to_string(&self.outbox).unwrap_or_default();
        let complete = text.rfind('\n').map_or("", |end| &text[..end]);
        complete
            .lines()
            .map(|line| serde_json::from_str(line).expect("outbox lines are JSON"))
            .collect()
    }

    /// Waits until `to` has received `count` messages; answers them all.
    pub async fn wait_for_messages(&self, to: &str, count: usize) -> Vec<Value> {
        for _ in 0..500 {
            let messages: Vec<Value> = self
                .outbox_messages()
                .into_iter()
                .filter(|message| message["to"] == to)
                .collect();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "{to} did not receive {count} message(s); outbox: {:?}",
            self.outbox_messages()
        );
    }

    /// The code in the `nth` message (1-based) sent to `to`.
    pub async fn code_in_message(&self, to: &str, nth: usize) -> String {
        let messages = self.wait_for_messages(to, nth).await;
        code_in(&messages[nth - 1])
    }

    /// Rows of `table`, straight from the database.
    pub async fn count(&self, table: &str) -> i64 {
        self.count_where(table, "1 = 1").await
    }

    /// Rows of `table` matching the SQL `condition`.
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url).await.unwrap();
        let row: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM {table} WHERE {condition}"
        )))
        .fetch_one(&pool)
        .await
        .unwrap();
        pool.close().await;
        row.0
    }

    /// Runs `sql` (statements separated by `;`, each run alone) on the
    /// server's database, as an operator or an older version would.
    pub async fn execute(&self, sql: &str) {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url).await.unwrap();
        for statement in sql.split(';').filter(|part| !part.trim().is_empty()) {
            sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
                .execute(&pool)
                .await
                .unwrap();
        }
        pool.close().await;
    }

    /// The first column of every row `sql` answers, as text (NULL as "").
    pub async fn texts(&self, sql: &str) -> Vec<String> {
        sqlx::any::install_default_drivers();
        let pool = sqlx::AnyPool::connect(&self.database_url).await.unwrap();
        let rows: Vec<(Option<String>,)> = sqlx::query_as(sqlx::AssertSqlSafe(sql.to_owned()))
            .fetch_all(&pool)
            .await
            .unwrap();
        pool.close().await;
        rows.into_iter()
            .map(|row| row.0.unwrap_or_default())
            .collect()
    }

    pub fn advance(&self, seconds: u64) {
        self.clock.advance(Duration::from_secs(seconds));
    }

    pub async fn stop(self) {
        self.server.shutdown().await;
    }
}

pub fn code_in(message: &Value) -> String {
    let body = message["body"].as_str().expect("message body");
    // A word of its own: a link's token can hold a run of digits.
    body.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .find(|word| (6..=10).contains(&word.len()) && word.bytes().all(|b| b.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {body}"))
        .to_owned()
}

/// The path (`/l/<token>`) of the magic link in an outbox `message`.
pub fn link_path(message: &Value) -> String {
    let body = message["body"].as_str().expect("message body");
    let at = body
        .find("/l/")
        .unwrap_or_else(|| panic!("no link in {body}"));
    body[at..]
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A device: its verifier, and the challenge it sends at start.
pub struct Device {
    pub verifier: String,
}

impl Device {
    pub fn new() -> Self {
        Device {
            verifier: format!(
                "{}{}",
                uuid::Uuid::new_v4().simple(),
                uuid::Uuid::new_v4().simple()
            ),
        }
    }

    pub fn challenge(&self) -> String {
        carekey_server::challenge_of(&self.verifier)
    }
}

/// The start body of a clinician's registration by `field` (`email` or `phone`).
pub fn clinician(field: &str, value: &str) -> Value {
    json!({field: value, "firstName": "A", "lastName": "B", "role": "clinician"})
}

pub fn unique_email() -> String {
    format!("user-{}@example.com", uuid::Uuid::new_v4().simple())
}

/// A valid Belgian mobile number no other test uses.
pub fn unique_phone() -> String {
    let digits = uuid::Uuid::new_v4().as_u128() % 1_000_000;
    format!("+32470{digits:06}")
}

pub struct Registered {
    pub user_id: String,
    pub access_token: String,
    pub refresh_token: String,
    pub device: Device,
}

impl TestServer {
    /// Start with `body` (plus a device challenge) and answer the request id.
    pub async fn start_request(&self, device: &Device, mut body: Value) -> Answer {
        body["deviceChallenge"] = json!(device.challenge());
        self.post("/v1/auth/start", &body).await
    }

    /// Starts with `body` and answers the request id (the start must succeed).
    pub async fn request_id(&self, device: &Device, body: Value) -> String {
        let started = self.start_request(device, body).await;
        started.ok()["requestId"]
            .as_str()
            .expect("requestId")
            .to_owned()
    }

    pub async fn complete(&self, device: &Device, request_id: &str, code: &str) -> Answer {
        self.post(
            "/v1/auth/complete",
            &json!({"requestId": request_id, "code": code, "deviceVerifier": device.verifier}),
        )
        .await
    }

    /// Registers or logs in by `contact` ("email" or "phone") through the
    /// whole flow, reading the code from the outbox.
    pub async fn sign_in(&self, body: Value) -> Registered {
        let device = Device::new();
        let to = body
            .get("email")
            .or_else(|| body.get("phone"))
            .and_then(Value::as_str)
            .expect("email or phone")
            .to_lowercase();
        let before = self
            .outbox_messages()
            .iter()
            .filter(|message| message["to"] == to.as_str())
            .count();
        let started = self.start_request(&device, body).await;
        let request_id = started.ok()["requestId"]
            .as_str()
            .expect("requestId")
            .to_owned();
        let code = self.code_in_message(&to, before + 1).await;
        let session = self.complete(&device, &request_id, &code).await;
        let session = session.ok();
        Registered {
            user_id: session["userId"].as_str().expect("userId").to_owned(),
            access_token: session["accessToken"]
                .as_str()
                .expect("accessToken")
                .to_owned(),
            refresh_token: session["refreshToken"]
                .as_str()
                .expect("refreshToken")
                .to_owned(),
            device,
        }
    }

    /// `clinician` accepts `patient_id`, who named him (nothing is shared
    /// between them before).
    pub async fn accept_patient(&self, clinician: &Registered, patient_id: &str) {
        let path = format!("/v1/patients/{patient_id}/accept");
        let answer = self
            .post_as(&path, &clinician.access_token, &json!({}))
            .await;
        assert_eq!(answer.ok()["careStatus"], "accepted");
    }

    /// The email `user` logs in with, as the server has it.
    pub async fn email_of(&self, user: &Registered) -> String {
        self.get("/v1/me", Some(&user.access_token)).await.body["email"]
            .as_str()
            .expect("an email")
            .to_owned()
    }

    /// Starts a login for `email` as if from `network` (the server must
    /// trust 127.0.0.1 as its proxy: `X-Forwarded-For` names the client).
    pub async fn start_from(&self, network: &str, email: &str, device: &Device) -> Answer {
        let body = json!({"email": email, "deviceChallenge": device.challenge()});
        self.send(
            self.http
                .post(self.url("/v1/auth/start"))
                .header("x-forwarded-for", network)
                .json(&body),
        )
        .await
    }

    /// Registers a new RSA-2048 public key of `user`; answers its key id.
    pub async fn register_key(&self, user: &Registered) -> String {
        use base64::Engine;
        use rsa::pkcs8::EncodePublicKey;
        let key = rsa::PrivateKey::new(&mut rand::rng(), 2048).expect("an RSA key");
        let spki = key
            .to_public_key()
            .to_public_key_der()
            .expect("its SubjectPublicKeyInfo");
        let upload = json!({
            "publicKey": base64::engine::general_purpose::STANDARD.encode(spki.as_bytes()),
            "algorithm": "RSA-OAEP-SHA256",
        });
        let answer = self.post_as("/v1/keys", &user.access_token, &upload).await;
        answer.ok()["keyId"].as_str().expect("a key id").to_owned()
    }

    /// A new patient who names `clinician_id` as responsible.
    pub async fn register_patient(&self, clinician_id: &str) -> Registered {
        self.sign_in(json!({
            "email": unique_email(),
            "firstName": "Daenerys",
            "lastName": "Targaryen",
            "role": "patient",
            "responsibleClinicianId": clinician_id,
        }))
        .await
    }

    pub async fn register_clinician(&self) -> Registered {
        self.sign_in(json!({
            "email": unique_email(),
            "firstName": "Gregory",
            "lastName": "House",
            "role": "clinician",
        }))
        .await
    }
}

/// Serves `router` on a free loopback port; answers its base URL.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = listener.local_addr().expect("address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{address}")
}

/// The Python that runs the SMTP sink: `CAREKEY_TEST_PYTHON` (set by
/// `tests/run.sh` to a virtualenv with aiosmtpd), else `python3`.
pub fn python() -> String {
    std::env::var("CAREKEY_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// A test server in a child process: it prints `{"port": N}` once
/// listening, then one JSON line per thing it received.
pub struct SupportServer {
    pub port: u16,
    child: tokio::process::Child,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
}

impl SupportServer {
    /// A real SMTP server (Python's aiosmtpd).
    pub async fn smtp_sink(port: u16) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/smtp_sink.py");
        Self::start(
            &python(),
            &[script, &port.to_string()],
            &[],
            "the SMTP sink (aiosmtpd)",
        )
        .await
    }

    /// A webhook receiver that checks signatures with the Standard Webhooks
    /// reference library (Python's `standardwebhooks`).
    pub async fn webhook_sink(secret: &str) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/webhook_sink.py");
        Self::start(
            &python(),
            &[script],
            &[("WEBHOOK_SECRET", secret)],
            "the webhook sink (standardwebhooks)",
        )
        .await
    }

    /// A FHIR R4 server: Medplum's FHIR router and in-memory repository
    /// (`tests/support/fhir`, installed by `tests/setup.sh`).
    pub async fn fhir(token: &str) -> Self {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/fhir/server.mjs");
        // Medplum's client library expects a global WebSocket (built into
        // Node.js 22; behind this flag in 20).
        Self::start(
            "node",
            &["--experimental-websocket", script],
            &[("FHIR_TOKEN", token)],
            "the FHIR server (Node.js 20+ and tests/support/fhir/node_modules: run tests/run.sh)",
        )
        .await
    }

    async fn start(program: &str, args: &[&str], env: &[(&str, &str)], what: &str) -> Self {
        use tokio::io::AsyncBufReadExt;
        let mut child = tokio::process::Command::new(program)
            .args(args)
            .envs(env.iter().copied())
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {program} for {what}: {error}"));
        let stdout = child.stdout.take().expect("child stdout");
        let mut lines = tokio::io::BufReader::new(stdout).lines();
        let first = tokio::time::timeout(Duration::from_secs(30), lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("{what} did not start in time"))
            .expect("child output")
            .unwrap_or_else(|| panic!("{what} did not start"));
        let ready: Value = serde_json::from_str(&first)
            .unwrap_or_else(|_| panic!("{what} printed {first:?} instead of its port"));
        let port = u16::try_from(ready["port"].as_u64().expect("port")).expect("port");
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = received.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Ok(message) = serde_json::from_str(&line) {
                    sink.lock().expect("sink lock").push(message);
                }
            }
        });
        SupportServer {
            port,
            child,
            received,
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub async fn stop(mut self) {
        let _ = self.child.kill().await;
        let _ = self.child.wait().await;
    }

    pub fn messages(&self) -> Vec<Value> {
        self.received.lock().expect("sink lock").clone()
    }

    pub async fn wait_for(&self, count: usize) -> Vec<Value> {
        for _ in 0..500 {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!(
            "the support server did not receive {count} thing(s): {:?}",
            self.messages()
        );
    }
}

pub fn base64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// Tables that name an account, and the column that does.
pub const ACCOUNT_COLUMNS: [(&str, &str); 16] = [
    ("users", "id"),
    ("sessions", "user_id"),
    ("auth_requests", "user_id"),
    ("public_keys", "user_id"),
    ("key_backups", "user_id"),
    ("password_oprf", "user_id"),
    ("key_transfers", "user_id"),
    ("key_audit_events", "user_id"),
    ("data_samples", "owner_id"),
    ("data_sample_keys", "recipient_id"),
    ("user_settings", "user_id"),
    ("contact_verifications", "user_id"),
    ("contact_changes", "user_id"),
    ("invitations", "clinician_id"),
    ("proofs", "user_id"),
    ("users", "responsible_clinician_id"),
];

impl TestServer {
    /// A clinician and his accepted patient, both with a key, and a note of
    /// hers shared with him: the doctor, the patient, the note's id.
    pub async fn care_team_with_a_note(&self) -> (Registered, Registered, String) {
        let doctor = self.register_clinician().await;
        let doctor_key = self.register_key(&doctor).await;
        let patient = self.register_patient(&doctor.user_id).await;
        let patient_key = self.register_key(&patient).await;
        self.accept_patient(&doctor, &patient.user_id).await;
        let note = uuid::Uuid::new_v4().to_string();
        let keys = json!([
            {"recipientId": patient.user_id, "keyId": patient_key, "wrappedKey": base64(&[9; 256])},
            {"recipientId": doctor.user_id, "keyId": doctor_key, "wrappedKey": base64(&[8; 256])},
        ]);
        self.post_as(
            "/v1/samples",
            &patient.access_token,
            &json!({"id": note, "ciphertext": base64(b"a note"), "keys": keys}),
        )
        .await
        .ok();
        (doctor, patient, note)
    }
}
