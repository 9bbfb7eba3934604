//! What every request handler shares: the database, the keys, the policy,
//! the outbound queue and the providers.
//!
//! Invariant: the state names infrastructure and `outbound` types only,
//! never a flow's: the flows depend on it, so it cannot depend on them.

use crate::clock::{Clock, Millis, seconds};
use crate::db::Database;
use crate::identity::ContactKind;
use crate::metrics::Metrics;
use crate::outbound::captcha::Captcha;
use crate::outbound::channels::Channels;
use crate::secrets::{CodeHasher, QueueSealer};
use crate::settings::Settings;
use crate::tokens::AccessTokens;
use std::sync::Arc;

/// The security decisions, in the units the code uses.
#[derive(Debug, Clone)]
pub struct Policy {
    pub code_length: u8,
    pub email_code_ttl_ms: Millis,
    pub sms_code_ttl_ms: Millis,
    pub request_ttl_ms: Millis,
    pub max_attempts_per_request: u32,
    pub max_consecutive_failures: u32,
    pub failure_lockout_ms: Millis,
    pub resend_cooldown_ms: Millis,
    pub send_window_ms: Millis,
    pub send_limit_per_identifier: u32,
    pub send_limit_per_identifier_total: u32,
    pub send_limit_per_ip: u32,
    pub send_limit_per_phone_prefix: u32,
    pub phone_prefix_digits: u8,
    pub refresh_ttl_ms: Millis,
    pub refresh_grace_ms: Millis,
    pub fresh_proof_ms: Millis,
    pub backup_fetches_per_hour: u32,
    pub key_transfer_ttl_ms: Millis,
    pub quotas: Quotas,
}

/// What one account may store: accounts and guests apart, since a guest
/// costs nothing to make (100 an hour from one address) and must not be a
/// way to fill the disk.
#[derive(Debug, Clone, Copy)]
pub struct Quotas {
    pub samples: i64,
    pub sample_bytes: i64,
    pub guest_samples: i64,
    pub guest_sample_bytes: i64,
    pub pending_transfers: i64,
}

impl Quotas {
    /// (samples, bytes) an account, or a guest, may keep.
    pub fn samples_for(&self, guest: bool) -> (i64, i64) {
        if guest {
            (self.guest_samples, self.guest_sample_bytes)
        } else {
            (self.samples, self.sample_bytes)
        }
    }

    pub fn transfers_for(&self, guest: bool) -> i64 {
        if guest { 1 } else { self.pending_transfers }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("code_length must be between 6 and 10, not {0}")]
    CodeLength(u8),
    #[error("{0} must be at least 1")]
    Zero(&'static str),
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Result<Self, PolicyError> {
        if !(6..=10).contains(&settings.code_length) {
            return Err(PolicyError::CodeLength(settings.code_length));
        }
        for (name, value) in [
            (
                "max_attempts_per_request",
                u64::from(settings.max_attempts_per_request),
            ),
            (
                "max_consecutive_failures",
                u64::from(settings.max_consecutive_failures),
            ),
            (
                "send_limit_window_seconds",
                settings.send_limit_window_seconds,
            ),
            (
                "access_token_ttl_seconds",
                settings.access_token_ttl_seconds,
            ),
            (
                "refresh_token_ttl_seconds",
                settings.refresh_token_ttl_seconds,
            ),
            ("request_ttl_seconds", settings.request_ttl_seconds),
            (
                "backup_fetches_per_hour",
                u64::from(settings.backup_fetches_per_hour),
            ),
            (
                "key_transfer_ttl_seconds",
                settings.key_transfer_ttl_seconds,
            ),
        ] {
            if value == 0 {
                return Err(PolicyError::Zero(name));
            }
        }
        let ttl = |channel: u64| seconds(settings.otp_ttl_seconds.unwrap_or(channel).max(1));
        Ok(Policy {
            code_length: settings.code_length,
            email_code_ttl_ms: ttl(settings.email_code_ttl_seconds),
            sms_code_ttl_ms: ttl(settings.sms_code_ttl_seconds),
            request_ttl_ms: seconds(settings.request_ttl_seconds),
            max_attempts_per_request: settings.max_attempts_per_request,
            max_consecutive_failures: settings.max_consecutive_failures,
            failure_lockout_ms: seconds(settings.failure_lockout_seconds),
            resend_cooldown_ms: seconds(settings.resend_cooldown_seconds),
            send_window_ms: seconds(settings.send_limit_window_seconds),
            send_limit_per_identifier: settings.send_limit_per_identifier,
            send_limit_per_identifier_total: settings.send_limit_per_identifier_total,
            send_limit_per_ip: settings.send_limit_per_ip,
            send_limit_per_phone_prefix: settings.send_limit_per_phone_prefix,
            phone_prefix_digits: settings.phone_prefix_digits,
            refresh_ttl_ms: seconds(settings.refresh_token_ttl_seconds),
            refresh_grace_ms: seconds(settings.refresh_reuse_grace_seconds),
            fresh_proof_ms: seconds(settings.fresh_proof_seconds),
            backup_fetches_per_hour: settings.backup_fetches_per_hour,
            key_transfer_ttl_ms: seconds(settings.key_transfer_ttl_seconds),
            quotas: Quotas {
                samples: i64::from(settings.quota_samples),
                sample_bytes: i64::from(settings.quota_sample_megabytes) * 1024 * 1024,
                guest_samples: i64::from(settings.quota_guest_samples),
                guest_sample_bytes: i64::from(settings.quota_guest_sample_megabytes) * 1024 * 1024,
                pending_transfers: i64::from(settings.quota_pending_transfers),
            },
        })
    }

    pub fn code_ttl_ms(&self, kind: ContactKind) -> Millis {
        match kind {
            ContactKind::Email => self.email_code_ttl_ms,
            ContactKind::Sms => self.sms_code_ttl_ms,
        }
    }
}

pub struct AppState {
    pub db: Database,
    /// Turns true when the server stops: long polls answer at once.
    pub stopping: tokio::sync::watch::Receiver<bool>,
    pub operations: crate::db::HotOperations,
    pub clock: Clock,
    pub policy: Policy,
    pub codes: CodeHasher,
    pub tokens: AccessTokens,
    pub sealer: QueueSealer,
    pub channels: Arc<Channels>,
    /// The clinic's other systems, told of registrations through the queue.
    pub integrations: Arc<crate::outbound::integrations::Integrations>,
    pub captcha: Option<Captcha>,
    pub metrics: Arc<Metrics>,
    pub queue: crate::outbound::queue::QueuePolicy,
    /// Hands this instance's committed messages to its worker.
    pub local_lane: crate::outbound::queue::LocalLane,
    pub group_id: String,
    /// Where people reach this server (`https://auth.example.org`): magic
    /// links start with it.
    pub public_url: String,
    /// Host of the public URL, for the SMS autofill line.
    pub public_host: String,
    /// The messages' wording (built in, or from `templates_dir`).
    pub templates: crate::outbound::messages::Templates,
    pub app_links: crate::app_links::AppLinks,
    /// Where network addresses are, from `ip_places_database` (none: no
    /// place is shown).
    pub places: Option<std::sync::Arc<crate::places::Places>>,
    /// Log in with WhatsApp, when a bot number and its webhook secret are set.
    pub whatsapp: Option<crate::outbound::whatsapp_bot::WhatsappBot>,
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// A request not answered in this time (its body sent too slowly) gets
    /// `request_timeout`.
    pub request_timeout: std::time::Duration,
    /// The `Host` values (authorities, lowercase) this server answers;
    /// `None` answers any. A DNS-rebinding page (attacker.example resolving
    /// to 127.0.0.1) names its own host, and is refused.
    pub allowed_hosts: Option<Vec<String>>,
    /// BioT's code endpoint takes no captcha (by setting).
    pub captcha_exempt_biot: bool,
    /// The keys that harden password backups (`oprf_key_file`).
    pub oprf: Arc<dyn crate::oprf_keys::OprfKeys>,
}

impl AppState {
    /// What queues the jobs that tell the clinic's systems.
    pub fn teller(&self) -> crate::outbound::integrations::Teller<'_> {
        crate::outbound::integrations::Teller {
            integrations: &self.integrations,
            sealer: &self.sealer,
            lease_ms: self.queue.lease_ms,
        }
    }

    /// Checks a captcha `token` when this server checks captchas; every path
    /// that makes the server send a message or open an account calls it
    /// (start, resend, WhatsApp, BioT's generate unless exempt by setting,
    /// guests). Guessing paths need no captcha of their own: each guess
    /// spends a try of a request whose start passed one.
    pub async fn check_captcha(
        &self,
        token: Option<&carekey_api::SecretString>,
        client_ip: std::net::IpAddr,
    ) -> Result<(), crate::error::ServiceError> {
        match &self.captcha {
            Some(captcha) => captcha.verify(token, client_ip).await,
            None => Ok(()),
        }
    }
}
