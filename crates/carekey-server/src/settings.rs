//! Every setting of the server, where it comes from, and what it means.
//!
//! Layers, later wins: built-in defaults, a config file (TOML, `--config`),
//! `CAREKEY_*` environment variables (`CAREKEY_DATABASE_URL` sets
//! `database_url`). [`SETTINGS`] documents each one for `--help`; a test keeps
//! it in step with the struct.

use carekey_api::SecretString;
use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub listen: String,
    pub admin_listen: Option<String>,
    pub admin_token: Option<SecretString>,
    pub public_url: Option<String>,
    pub database_url: String,
    pub database_max_connections: u32,
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    pub http_header_timeout_seconds: u64,
    pub http_request_timeout_seconds: u64,
    pub sqlite_synchronous: SqliteSynchronous,
    pub sqlite_max_megabytes: u64,
    pub sqlite_cache_megabytes: u64,
    pub group_id: Option<String>,
    pub channel: String,
    pub outbox_file: String,
    pub templates_dir: Option<String>,
    pub oprf_key_file: Option<String>,
    pub default_language: String,
    pub ip_places_database: Option<String>,
    pub smtp_host: Option<String>,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: Option<String>,
    #[serde(serialize_with = "serialize_redacted")]
    pub smtp_password: Option<SecretString>,
    pub smtp_from: String,
    pub twilio_base_url: String,
    pub twilio_account_sid: Option<String>,
    #[serde(serialize_with = "serialize_redacted")]
    pub twilio_auth_token: Option<SecretString>,
    pub twilio_from: Option<String>,
    pub twilio_messaging_service_sid: Option<String>,
    pub whatsapp_base_url: String,
    pub whatsapp_phone_number_id: Option<String>,
    #[serde(serialize_with = "serialize_redacted")]
    pub whatsapp_access_token: Option<SecretString>,
    pub whatsapp_bot_number: Option<String>,
    #[serde(serialize_with = "serialize_redacted")]
    pub whatsapp_app_secret: Option<SecretString>,
    #[serde(serialize_with = "serialize_redacted")]
    pub whatsapp_verify_token: Option<SecretString>,
    pub whatsapp_code_template: String,
    pub whatsapp_template_language: String,
    pub whatsapp_reference_ttl_seconds: u64,
    pub omnichannel_webhook_url: Option<String>,
    #[serde(serialize_with = "serialize_redacted")]
    pub omnichannel_webhook_secret: Option<SecretString>,
    pub fhir_base_url: Option<String>,
    #[serde(serialize_with = "serialize_redacted")]
    pub fhir_bearer_token: Option<SecretString>,
    pub fhir_identifier_system: Option<String>,
    pub provider_timeout_seconds: u64,
    pub code_length: u8,
    pub otp_ttl_seconds: Option<u64>,
    pub email_code_ttl_seconds: u64,
    pub sms_code_ttl_seconds: u64,
    pub request_ttl_seconds: u64,
    pub max_attempts_per_request: u32,
    pub max_consecutive_failures: u32,
    pub failure_lockout_seconds: u64,
    pub resend_cooldown_seconds: u64,
    pub send_limit_window_seconds: u64,
    pub send_limit_per_identifier: u32,
    pub send_limit_per_identifier_total: u32,
    pub send_limit_per_ip: u32,
    pub send_limit_per_phone_prefix: u32,
    pub phone_prefix_digits: u8,
    pub trusted_proxies: String,
    pub allowed_hosts: String,
    pub captcha: CaptchaKind,
    #[serde(serialize_with = "serialize_redacted")]
    pub captcha_secret: Option<SecretString>,
    pub captcha_site_key: Option<String>,
    pub captcha_base_url: Option<String>,
    pub captcha_widget_url: Option<String>,
    pub recaptcha_min_score: f64,
    pub captcha_exempt_biot: bool,
    pub access_token_ttl_seconds: u64,
    pub refresh_token_ttl_seconds: u64,
    pub refresh_reuse_grace_seconds: u64,
    pub fresh_proof_seconds: u64,
    pub backup_fetches_per_hour: u32,
    pub key_transfer_ttl_seconds: u64,
    pub quota_samples: u32,
    pub quota_sample_megabytes: u32,
    pub quota_guest_samples: u32,
    pub quota_guest_sample_megabytes: u32,
    pub quota_pending_transfers: u32,
    pub android_package: Option<String>,
    pub android_cert_fingerprints: String,
    pub apple_app_ids: String,
    pub queue_batch_size: u32,
    pub queue_poll_interval_ms: u64,
    pub queue_lease_seconds: u64,
    pub queue_max_attempts: u32,
    pub queue_retry_base_ms: u64,
    pub queue_retry_max_ms: u64,
    pub log_format: LogFormat,
    pub log_level: String,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            listen: "127.0.0.1:8080".into(),
            admin_listen: None,
            admin_token: None,
            public_url: None,
            database_url: "sqlite://carekey.db".into(),
            database_max_connections: 16,
            // Under the usual limit of 1,024 open files, with room for the
            // database, logs and outgoing calls.
            max_connections: 768,
            max_connections_per_address: 64,
            http_header_timeout_seconds: 10,
            http_request_timeout_seconds: 60,
            sqlite_synchronous: SqliteSynchronous::Normal,
            sqlite_max_megabytes: 0,
            sqlite_cache_megabytes: 16,
            group_id: None,
            channel: "outbox".into(),
            outbox_file: "carekey-outbox.jsonl".into(),
            templates_dir: None,
            oprf_key_file: None,
            default_language: "en".into(),
            ip_places_database: None,
            smtp_host: None,
            smtp_port: 587,
            smtp_tls: SmtpTls::Starttls,
            smtp_username: None,
            smtp_password: None,
            smtp_from: "CareKey <no-reply@carekey.invalid>".into(),
            twilio_base_url: "https://api.twilio.com".into(),
            twilio_account_sid: None,
            twilio_auth_token: None,
            twilio_from: None,
            twilio_messaging_service_sid: None,
            whatsapp_base_url: "https://graph.facebook.com/v21.0".into(),
            whatsapp_phone_number_id: None,
            whatsapp_access_token: None,
            whatsapp_bot_number: None,
            whatsapp_app_secret: None,
            whatsapp_verify_token: None,
            whatsapp_code_template: "carekey_code".into(),
            whatsapp_template_language: "en".into(),
            whatsapp_reference_ttl_seconds: 600,
            omnichannel_webhook_url: None,
            omnichannel_webhook_secret: None,
            fhir_base_url: None,
            fhir_bearer_token: None,
            fhir_identifier_system: None,
            provider_timeout_seconds: 10,
            code_length: 6,
            otp_ttl_seconds: None,
            email_code_ttl_seconds: 600,
            sms_code_ttl_seconds: 120,
            request_ttl_seconds: 1800,
            max_attempts_per_request: 5,
            max_consecutive_failures: 100,
            failure_lockout_seconds: 3600,
            resend_cooldown_seconds: 60,
            send_limit_window_seconds: 3600,
            send_limit_per_identifier: 10,
            send_limit_per_identifier_total: 30,
            send_limit_per_ip: 100,
            send_limit_per_phone_prefix: 300,
            phone_prefix_digits: 6,
            trusted_proxies: String::new(),
            allowed_hosts: String::new(),
            captcha: CaptchaKind::None,
            captcha_secret: None,
            captcha_site_key: None,
            captcha_base_url: None,
            captcha_widget_url: None,
            recaptcha_min_score: 0.5,
            captcha_exempt_biot: false,
            access_token_ttl_seconds: 900,
            refresh_token_ttl_seconds: 30 * 24 * 3600,
            refresh_reuse_grace_seconds: 5,
            fresh_proof_seconds: 600,
            backup_fetches_per_hour: 10,
            key_transfer_ttl_seconds: 300,
            quota_samples: 20_000,
            quota_sample_megabytes: 100,
            quota_guest_samples: 200,
            quota_guest_sample_megabytes: 2,
            quota_pending_transfers: 5,
            android_package: None,
            android_cert_fingerprints: String::new(),
            apple_app_ids: String::new(),
            queue_batch_size: 32,
            queue_poll_interval_ms: 1000,
            queue_lease_seconds: 60,
            queue_max_attempts: 25,
            queue_retry_base_ms: 1000,
            queue_retry_max_ms: 600_000,
            log_format: LogFormat::Json,
            log_level: "info".into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SqliteSynchronous {
    Off,
    Normal,
    Full,
    Extra,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain SMTP; only for a relay on the same host or a test server.
    None,
    Starttls,
    /// Implicit TLS (SMTPS, usually port 465).
    Tls,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CaptchaKind {
    None,
    Recaptcha,
    Friendlycaptcha,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Text,
}

fn serialize_redacted<S: serde::Serializer>(
    value: &Option<SecretString>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(_) => serializer.serialize_some("[redacted]"),
        None => serializer.serialize_none(),
    }
}

/// One line of `--help` per setting: its key and what it does.
pub const SETTINGS: &[(&str, &str)] = &[
    (
        "listen",
        "address and port to listen on (port 0 picks a free one)",
    ),
    (
        "admin_listen",
        "address and port of the admin API and /metrics, e.g. 127.0.0.1:9090 (off when unset; keep it on loopback or a private network)",
    ),
    (
        "admin_token",
        "the bearer token of the admin API and /metrics, at least 32 characters (required with admin_listen)",
    ),
    (
        "public_url",
        "the URL people reach this server at; also the JWT issuer [default: http://<listen>]",
    ),
    (
        "database_url",
        "sqlite://FILE (created if missing) or postgres://USER@HOST/DB",
    ),
    (
        "database_max_connections",
        "connection pool size (PostgreSQL; SQLite uses one writer)",
    ),
    (
        "max_connections",
        "open client connections at most; more are closed at once (keep it under the open-file limit)",
    ),
    (
        "max_connections_per_address",
        "open client connections at most from one address (IPv4) or one /64 (IPv6)",
    ),
    (
        "http_header_timeout_seconds",
        "a connection that has not sent a whole request head in this time (or sat idle between requests) is closed",
    ),
    (
        "http_request_timeout_seconds",
        "a request not answered in this time (a body sent too slowly) gets 408; above the long polls' 25 s",
    ),
    (
        "sqlite_synchronous",
        "SQLite durability: off, normal (safe in WAL against crashes), full, extra",
    ),
    (
        "sqlite_max_megabytes",
        "SQLite: the most the database may grow to, in MiB (0: until the disk is full); past it, writes are refused with 503 unavailable and nothing is half-written",
    ),
    (
        "sqlite_cache_megabytes",
        "SQLite: each connection's page cache, in MiB; with one writer and up to four readers, memory grows with the database up to about five times this, then stays level",
    ),
    (
        "group_id",
        "the organisation id given to every user [default: made at first start and kept]",
    ),
    (
        "channel",
        "transports, comma-separated: outbox (development, every kind), smtp (email), twilio (SMS), whatsapp (Cloud API)",
    ),
    (
        "outbox_file",
        "with the outbox channel: file that gets one JSON line per message",
    ),
    (
        "oprf_key_file",
        "the file of the keys that harden password backups (made with one key when missing, readable by the server's user only); keep it out of the database's backups and back it up apart: a copy of the database without it cannot be guessed at [default: beside a SQLite database's file; required with PostgreSQL, the same file for every instance]",
    ),
    (
        "templates_dir",
        "a folder of the operator's wording, checked at start: whole message templates by file name (code.sms.txt for the default language, code.sms.fr.txt for one language) and Fluent catalogs by language (fr.ftl: its messages replace the built-in ones; de.ftl: a new language, with every message)",
    ),
    (
        "default_language",
        "the language of messages and pages for whoever has none of theirs (en, fr, nl, id, or one a catalog in templates_dir adds; fr-BE chooses fr)",
    ),
    (
        "ip_places_database",
        "a local places database (MaxMind DB format: GeoLite2 City or Country, DB-IP Lite, IPinfo Lite): the account's sessions then show the city and country their login came from; none: no place is shown",
    ),
    ("smtp_host", "SMTP relay host (required with smtp)"),
    ("smtp_port", "SMTP port"),
    ("smtp_tls", "none, starttls or tls"),
    ("smtp_username", "SMTP login"),
    ("smtp_password", "SMTP password"),
    ("smtp_from", "sender of the emails"),
    ("twilio_base_url", "base URL of the Twilio REST API"),
    (
        "twilio_account_sid",
        "Twilio account SID (required with twilio)",
    ),
    (
        "twilio_auth_token",
        "Twilio auth token (required with twilio)",
    ),
    (
        "twilio_from",
        "sender number in E.164 (or set twilio_messaging_service_sid)",
    ),
    (
        "twilio_messaging_service_sid",
        "Twilio messaging service that picks the sender",
    ),
    (
        "whatsapp_base_url",
        "WhatsApp Cloud API base, with its version (messages go to <base>/<phone_number_id>/messages)",
    ),
    (
        "whatsapp_phone_number_id",
        "the Cloud API id of the business phone number that sends (channel `whatsapp`)",
    ),
    (
        "whatsapp_access_token",
        "the Cloud API access token (a system user token)",
    ),
    (
        "whatsapp_bot_number",
        "the business number people write to, E.164 (the wa.me link of Log in with WhatsApp)",
    ),
    (
        "whatsapp_app_secret",
        "the Meta app secret: webhook posts are refused unless X-Hub-Signature-256 matches it",
    ),
    (
        "whatsapp_verify_token",
        "the token Meta sends in the webhook's verification handshake (GET /v1/webhooks/whatsapp)",
    ),
    (
        "whatsapp_code_template",
        "name of the approved authentication template (one code variable, copy-code button) for codes sent outside a chat",
    ),
    (
        "whatsapp_template_language",
        "language codes that template is approved in, comma-separated (en,fr,nl,id): a person's code goes in their language where it is one of them, else in the first",
    ),
    (
        "whatsapp_reference_ttl_seconds",
        "how long the reference in a prepared WhatsApp message stays valid",
    ),
    (
        "omnichannel_webhook_url",
        "where each registration is posted as a contact.created event (Standard Webhooks), through the queue",
    ),
    (
        "omnichannel_webhook_secret",
        "whsec_<base64>: the Standard Webhooks signing secret (required with omnichannel_webhook_url)",
    ),
    (
        "fhir_base_url",
        "FHIR R4 base URL: each patient's registration links or creates their Patient there, through the queue",
    ),
    (
        "fhir_bearer_token",
        "bearer token for the FHIR server, if it needs one",
    ),
    (
        "fhir_identifier_system",
        "the identifier system of CareKey user ids in FHIR [default: <public_url>/users]",
    ),
    (
        "provider_timeout_seconds",
        "timeout of one call to SMTP, Twilio or a captcha verifier",
    ),
    ("code_length", "digits in a one-time code (6 to 10)"),
    (
        "otp_ttl_seconds",
        "validity of a code on every channel; overrides the two below",
    ),
    ("email_code_ttl_seconds", "validity of a code sent by email"),
    ("sms_code_ttl_seconds", "validity of a code sent by SMS"),
    (
        "request_ttl_seconds",
        "how long a login request can be resent and completed",
    ),
    (
        "max_attempts_per_request",
        "wrong codes allowed per request, across resends",
    ),
    (
        "max_consecutive_failures",
        "wrong codes in a row allowed per identifier before it is locked",
    ),
    (
        "failure_lockout_seconds",
        "how long an identifier stays locked after that",
    ),
    (
        "resend_cooldown_seconds",
        "minimum time between two codes for one request",
    ),
    (
        "send_limit_window_seconds",
        "window of the send limits below",
    ),
    (
        "send_limit_per_identifier",
        "messages per email or phone number per window, from one requester (an IPv4 address or an IPv6 /64)",
    ),
    (
        "send_limit_per_identifier_total",
        "messages per email or phone number per window from all requesters together, except those the owner has logged in from",
    ),
    ("send_limit_per_ip", "messages per client IP per window"),
    (
        "send_limit_per_phone_prefix",
        "SMS per phone-number prefix per window (SMS pumping); one requester may use a tenth of it",
    ),
    (
        "phone_prefix_digits",
        "digits of the E.164 number that make its prefix",
    ),
    (
        "trusted_proxies",
        "comma-separated IPs or CIDRs whose X-Forwarded-For is believed",
    ),
    (
        "allowed_hosts",
        "Host headers answered, comma-separated (host or host:port); * for any [default: public_url's host, and on loopback this machine's names for the listening port]",
    ),
    (
        "captcha",
        "none, recaptcha (v3, scored) or friendlycaptcha (v2)",
    ),
    (
        "captcha_secret",
        "reCAPTCHA secret or FriendlyCaptcha API key",
    ),
    (
        "captcha_site_key",
        "reCAPTCHA or FriendlyCaptcha site key: the app's captcha page shows the widget with it",
    ),
    (
        "captcha_base_url",
        "verifier base URL [default: https://www.google.com or https://global.frcapi.com]",
    ),
    (
        "captcha_widget_url",
        "the widget script the captcha page loads; its origin is the only one the page's CSP allows [default: the provider's own]",
    ),
    ("recaptcha_min_score", "lowest reCAPTCHA v3 score accepted"),
    (
        "captcha_exempt_biot",
        "with captcha on: let BioT's /ums/v2/users/otp/generate send codes without a captchaToken (BioT's clients send none)",
    ),
    (
        "backup_fetches_per_hour",
        "key backups one account may download per hour",
    ),
    (
        "key_transfer_ttl_seconds",
        "how long a key sent to a new device waits to be taken",
    ),
    (
        "quota_samples",
        "encrypted data samples one account may keep",
    ),
    (
        "quota_sample_megabytes",
        "megabytes of data samples one account may keep",
    ),
    (
        "quota_guest_samples",
        "data samples one guest (an account before login) may keep",
    ),
    (
        "quota_guest_sample_megabytes",
        "megabytes of data samples one guest may keep",
    ),
    (
        "quota_pending_transfers",
        "key transfers one account may have waiting at once (a guest: one)",
    ),
    (
        "android_package",
        "the Android app's package name, for /.well-known/assetlinks.json",
    ),
    (
        "android_cert_fingerprints",
        "comma-separated SHA-256 fingerprints of its signing certificates",
    ),
    (
        "apple_app_ids",
        "comma-separated TEAMID.bundle ids, for /.well-known/apple-app-site-association",
    ),
    ("access_token_ttl_seconds", "lifetime of an access token"),
    (
        "refresh_token_ttl_seconds",
        "lifetime of a refresh token (each refresh issues a new one)",
    ),
    (
        "refresh_reuse_grace_seconds",
        "a refresh token reused within this time counts as a concurrent refresh, not a theft",
    ),
    (
        "fresh_proof_seconds",
        "how long a login (or a code proven from the app) lets a session change the account's keys or phone",
    ),
    ("queue_batch_size", "messages one worker takes at a time"),
    (
        "queue_poll_interval_ms",
        "how often a worker looks for messages queued by other instances",
    ),
    (
        "queue_lease_seconds",
        "how long a taken message is reserved for its worker",
    ),
    (
        "queue_max_attempts",
        "delivery attempts before a message is parked as failed",
    ),
    (
        "queue_retry_base_ms",
        "first retry delay; doubles each attempt",
    ),
    ("queue_retry_max_ms", "longest retry delay"),
    ("log_format", "json or text"),
    (
        "log_level",
        "tracing filter, e.g. info or carekey_server=debug (RUST_LOG wins)",
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the settings: {0}")]
    Load(#[from] config::ConfigError),
    #[error("unknown setting `{0}` in {1}")]
    UnknownKey(String, String),
}

/// The fewest characters of a secret that signs webhooks: an empty or short
/// key would let anyone forge a signature (Meta's app secrets are 32).
pub const SIGNING_SECRET_MIN_CHARS: usize = 16;

/// The fewest characters of the admin API's token: it is compared in
/// constant time, but a short one could be guessed.
pub const ADMIN_TOKEN_MIN_CHARS: usize = 32;

impl Settings {
    /// The first secret setting that is set but unusable, with why: a blank
    /// credential, a webhook signing key shorter than
    /// [`SIGNING_SECRET_MIN_CHARS`], or a WhatsApp bot without the app secret
    /// that signs its webhook. The server refuses to start on one (an empty
    /// key would accept webhooks signed with the empty key).
    pub fn unusable_secret(&self) -> Option<(&'static str, String)> {
        let signing = [
            ("whatsapp_app_secret", &self.whatsapp_app_secret),
            (
                "omnichannel_webhook_secret",
                &self.omnichannel_webhook_secret,
            ),
        ];
        for (name, value) in signing {
            if let Some(value) = value {
                let chars = value.expose().trim().chars().count();
                if chars < SIGNING_SECRET_MIN_CHARS {
                    return Some((
                        name,
                        format!(
                            "it signs webhooks and must have at least {SIGNING_SECRET_MIN_CHARS} characters (it has {chars})"
                        ),
                    ));
                }
            }
        }
        if let Some(token) = &self.admin_token {
            let chars = token.expose().trim().chars().count();
            if chars < ADMIN_TOKEN_MIN_CHARS {
                return Some((
                    "admin_token",
                    format!(
                        "it opens the admin API and must have at least {ADMIN_TOKEN_MIN_CHARS} characters (it has {chars})"
                    ),
                ));
            }
        }
        if self.admin_listen.is_some() && self.admin_token.is_none() {
            return Some((
                "admin_token",
                "admin_listen is set, and the admin API answers no one without a token".into(),
            ));
        }
        let credentials = [
            ("whatsapp_verify_token", &self.whatsapp_verify_token),
            ("whatsapp_access_token", &self.whatsapp_access_token),
            ("twilio_auth_token", &self.twilio_auth_token),
            ("smtp_password", &self.smtp_password),
            ("captcha_secret", &self.captcha_secret),
            ("fhir_bearer_token", &self.fhir_bearer_token),
        ];
        for (name, value) in credentials {
            if value
                .as_ref()
                .is_some_and(|value| value.expose().trim().is_empty())
            {
                return Some((name, "it is set but empty".into()));
            }
        }
        if self.whatsapp_bot_number.is_some() && self.whatsapp_app_secret.is_none() {
            return Some((
                "whatsapp_app_secret",
                "whatsapp_bot_number is set, and the bot's webhook cannot be checked without Meta's app secret".into(),
            ));
        }
        None
    }

    /// Defaults, then the file if given, then `CAREKEY_*` variables.
    pub fn load(file: Option<&Path>) -> Result<Self, SettingsError> {
        let mut builder = config::Config::builder();
        if let Some(path) = file {
            let source = config::File::from(path).required(true);
            let keys = config::Config::builder()
                .add_source(source.clone())
                .build()?
                .try_deserialize::<std::collections::HashMap<String, config::Value>>()?;
            if let Some(unknown) = keys
                .keys()
                .find(|key| !SETTINGS.iter().any(|(known, _)| known == key))
            {
                return Err(SettingsError::UnknownKey(
                    unknown.clone(),
                    path.display().to_string(),
                ));
            }
            builder = builder.add_source(source);
        }
        let settings = builder
            .add_source(config::Environment::with_prefix("CAREKEY").try_parsing(true))
            .build()?
            .try_deserialize::<Settings>()?;
        Ok(settings)
    }

    /// These settings as a TOML file, in the order of [`SETTINGS`], each
    /// key under its description; secrets show as `[redacted]`, and a
    /// setting without a value is a commented-out line. Read back by
    /// [`Settings::load`], it gives the same settings (secrets aside).
    pub fn to_toml(&self) -> String {
        let values = serde_json::to_value(self).unwrap_or_default();
        let mut text = String::new();
        for (key, description) in SETTINGS {
            text.push_str(&format!(
                "\n# {description}\n# (CAREKEY_{})\n",
                key.to_uppercase()
            ));
            match values.get(*key) {
                Some(serde_json::Value::Null) | None => text.push_str(&format!("# {key} =\n")),
                // A JSON scalar is written as TOML writes it: strings with
                // the same escapes, numbers and booleans alike.
                Some(value) => text.push_str(&format!("{key} = {value}\n")),
            }
        }
        text
    }

    /// The example configuration shipped with the server (and installed as
    /// `/etc/carekey/carekey.toml`): every setting at its default. A test
    /// keeps `carekey.example.toml` equal to it.
    pub fn example() -> String {
        format!(
            "# CareKey Server settings: every key at its default.\n\
             # Layers, later wins: built-in defaults < this file (--config) < CAREKEY_*\n\
             # variables. `carekey-server check-config --config FILE` checks a file and\n\
             # prints the settings in effect. Made by `carekey-server example-config`.\n{}",
            Settings::default().to_toml()
        )
    }

    /// The settings the Debian package installs as
    /// `/etc/carekey/carekey.toml`: every key at its default but the two
    /// paths, which name the service's state directory, so that the
    /// operator's commands find the database from any directory.
    pub fn packaged_example() -> String {
        let packaged = Settings {
            database_url: "sqlite:///var/lib/carekey/carekey.db".into(),
            outbox_file: "/var/lib/carekey/carekey-outbox.jsonl".into(),
            ..Settings::default()
        };
        format!(
            "# CareKey Server settings, as the Debian package installs them: every key\n\
             # at its default, but database_url and outbox_file, which are in the\n\
             # service's state directory. Layers, later wins: built-in defaults < this\n\
             # file < CAREKEY_* variables (in the unit). `carekey-server check-config\n\
             # --config /etc/carekey/carekey.toml` checks it. Made by\n\
             # `carekey-server example-config --packaged`.\n{}",
            packaged.to_toml()
        )
    }

    /// The `--help` text: every setting, its variable and its default.
    pub fn help() -> String {
        let defaults = serde_json::to_value(Settings::default()).unwrap_or_default();
        let mut text = String::from(
            "Settings (config file key / environment variable), later layers win:\n\
             defaults < --config FILE (TOML) < CAREKEY_* variables\n\n",
        );
        for (key, description) in SETTINGS {
            let default = match defaults.get(*key) {
                Some(serde_json::Value::Null) | None => String::new(),
                Some(serde_json::Value::String(text)) if text.is_empty() => String::new(),
                Some(serde_json::Value::String(text)) => format!(" [default: {text}]"),
                Some(other) => format!(" [default: {other}]"),
            };
            text.push_str(&format!(
                "  {key} / CAREKEY_{}\n      {description}{default}\n",
                key.to_uppercase()
            ));
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_example_is_every_setting_at_its_default() {
        let shipped = include_str!("../carekey.example.toml");
        assert!(
            shipped == Settings::example(),
            "carekey.example.toml is out of date: cargo run -p carekey-server -- example-config > crates/carekey-server/carekey.example.toml"
        );
    }

    #[test]
    fn the_packaged_settings_are_the_example_in_the_state_directory() {
        let packaged = include_str!("../debian/carekey.toml");
        assert!(
            packaged == Settings::packaged_example(),
            "debian/carekey.toml is out of date: cargo run -p carekey-server -- example-config --packaged > crates/carekey-server/debian/carekey.toml"
        );
        let differing: Vec<&str> = packaged
            .lines()
            .filter(|line| !line.starts_with('#') && !Settings::example().contains(line))
            .collect();
        assert_eq!(
            differing,
            [
                "database_url = \"sqlite:///var/lib/carekey/carekey.db\"",
                "outbox_file = \"/var/lib/carekey/carekey-outbox.jsonl\""
            ]
        );
    }

    #[test]
    fn settings_read_back_from_their_toml_are_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("carekey.toml");
        let mut changed = Settings {
            listen: "0.0.0.0:9000".into(),
            public_url: Some("https://auth.example.org".into()),
            outbox_file: "a \"quoted\" \\ path\twith tab".into(),
            ..Settings::default()
        };
        changed.code_length = 8;
        for settings in [Settings::default(), changed] {
            std::fs::write(&file, settings.to_toml()).unwrap();
            let read = Settings::load(Some(&file)).unwrap();
            assert_eq!(
                serde_json::to_value(&read).unwrap(),
                serde_json::to_value(&settings).unwrap()
            );
        }
    }

    #[test]
    fn the_help_table_lists_exactly_the_settings() {
        let defaults = serde_json::to_value(Settings::default()).unwrap();
        let mut fields: Vec<&str> = defaults
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut documented: Vec<&str> = SETTINGS.iter().map(|(key, _)| *key).collect();
        fields.sort_unstable();
        documented.sort_unstable();
        assert_eq!(fields, documented);
    }

    #[test]
    fn help_names_every_variable() {
        let help = Settings::help();
        assert!(help.contains("CAREKEY_DATABASE_URL"));
        assert!(help.contains("CAREKEY_OTP_TTL_SECONDS"));
        assert!(help.contains("[default: 127.0.0.1:8080]"));
    }

    #[test]
    fn a_file_with_a_typo_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(&path, "listne = \"127.0.0.1:1\"\n").unwrap();
        let error = Settings::load(Some(&path)).unwrap_err();
        assert!(error.to_string().contains("listne"), "{error}");
    }

    #[test]
    fn a_file_sets_values_and_secrets_stay_out_of_debug() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("server.toml");
        std::fs::write(
            &path,
            "listen = \"127.0.0.1:9\"\ncode_length = 8\nsmtp_password = \"hunter2\"\ncaptcha = \"recaptcha\"\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&path)).unwrap();
        assert_eq!(settings.listen, "127.0.0.1:9");
        assert_eq!(settings.code_length, 8);
        assert_eq!(settings.captcha, CaptchaKind::Recaptcha);
        assert!(!format!("{settings:?}").contains("hunter2"));
        assert!(
            !serde_json::to_string(&settings)
                .unwrap()
                .contains("hunter2")
        );
    }
}
