//! The durable outgoing queue.
//!
//! A message is queued in the same transaction as the request that causes it,
//! so it exists exactly when the request does. The instance that queues it
//! leases it to itself in that same write and hands it to its own worker in
//! memory (the local lane): it goes out at once, with no round trip to take
//! it. Workers also take due messages from the database under a lease (`FOR
//! UPDATE SKIP LOCKED` on PostgreSQL; SQLite has a single writer): retries,
//! and messages whose instance stopped before sending them. A message is
//! marked sent only after its transport accepted it, and is never held by two
//! workers while its lease runs.

use crate::clock::{Clock, Millis};
use crate::db::{Backend, Database};
use crate::metrics::Metrics;
use crate::secrets::QueueSealer;
use rand::RngExt;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{mpsc, watch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportName {
    Outbox,
    Smtp,
    Twilio,
    Whatsapp,
    /// Not a message: a registration told to the omnichannel system.
    Omnichannel,
    /// Not a message: a registration linked to its FHIR Patient.
    Fhir,
}

impl TransportName {
    pub fn as_str(self) -> &'static str {
        match self {
            TransportName::Outbox => "outbox",
            TransportName::Smtp => "smtp",
            TransportName::Twilio => "twilio",
            TransportName::Whatsapp => "whatsapp",
            TransportName::Omnichannel => "omnichannel",
            TransportName::Fhir => "fhir",
        }
    }

    /// Whether the job is a message to a person. Its body carries a code
    /// or a link that expires within minutes, so a message given up is
    /// dead: its body is dropped rather than kept at rest, and an
    /// operator's retry could only deliver an expired code. The other jobs
    /// (a registration told to the clinic's systems) keep theirs when given
    /// up, so that `carekey-server queue retry` can send them once the
    /// receiver is back.
    pub fn is_message(self) -> bool {
        !matches!(self, TransportName::Omnichannel | TransportName::Fhir)
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "outbox" => Some(TransportName::Outbox),
            "smtp" => Some(TransportName::Smtp),
            "twilio" => Some(TransportName::Twilio),
            "whatsapp" => Some(TransportName::Whatsapp),
            "omnichannel" => Some(TransportName::Omnichannel),
            "fhir" => Some(TransportName::Fhir),
            _ => None,
        }
    }
}

/// Why a delivery failed. Permanent failures (a refused address, bad
/// credentials) are not retried; transient ones are, with backoff.
#[derive(Debug, thiserror::Error)]
#[error("{transport}: {summary}")]
pub struct DeliveryError {
    pub transport: &'static str,
    pub permanent: bool,
    /// A short cause safe to store and log: no address, body or credential.
    pub summary: String,
}

impl DeliveryError {
    pub(crate) fn transient(transport: TransportName, summary: impl Into<String>) -> Self {
        DeliveryError {
            transport: transport.as_str(),
            permanent: false,
            summary: summary.into(),
        }
    }

    pub(crate) fn permanent(transport: TransportName, summary: impl Into<String>) -> Self {
        DeliveryError {
            transport: transport.as_str(),
            permanent: true,
            summary: summary.into(),
        }
    }
}

/// What the worker does with a job it opened: each kind of job's owner
/// implements it (the channels for messages, the integrations for
/// registrations), so the queue knows the contract and none of them.
pub trait Deliver: Send + Sync {
    /// Whether jobs for `transport` are this one's.
    fn carries(&self, transport: TransportName) -> bool;

    /// Delivers job `job_id`'s opened body through `transport`; answers the
    /// provider's reference for it when there is one. A body it cannot
    /// read is a permanent failure.
    fn deliver<'a>(
        &'a self,
        transport: TransportName,
        job_id: &'a str,
        body: &'a [u8],
    ) -> futures::future::BoxFuture<'a, Result<Option<String>, DeliveryError>>;
}

#[derive(Debug, Clone)]
pub struct QueuePolicy {
    pub batch_size: u32,
    pub poll_interval: Duration,
    pub lease_ms: Millis,
    pub max_attempts: u32,
    pub retry_base_ms: Millis,
    pub retry_max_ms: Millis,
}

/// A message ready for the queue: its row id and its sealed body.
pub struct SealedJob {
    pub id: String,
    pub transport: TransportName,
    pub sealed: Vec<u8>,
}

/// The sealed body stays out of logs and reports.
impl std::fmt::Debug for SealedJob {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        out.debug_struct("SealedJob")
            .field("id", &self.id)
            .field("transport", &self.transport)
            .finish_non_exhaustive()
    }
}

/// Seals `message` as the body of job `id` (a body opens only in its own row).
pub fn seal(
    sealer: &QueueSealer,
    id: &str,
    transport: TransportName,
    message: &impl serde::Serialize,
) -> Result<SealedJob, crate::error::ServiceError> {
    let id = id.to_owned();
    let plain = zeroize::Zeroizing::new(
        serde_json::to_vec(message)
            .map_err(|_| crate::error::ServiceError::Internal("message encoding".into()))?,
    );
    let sealed = sealer
        .seal(&id, &plain)
        .map_err(|error| crate::error::ServiceError::Internal(error.to_string()))?;
    Ok(SealedJob {
        id,
        transport,
        sealed,
    })
}

/// The columns and values of a new job, leased until `leased_until` to the
/// instance that queues it (its first attempt is under way); the arguments
/// name the parameters (shared with the combined start statement).
pub fn insert_sql(id: &str, transport: &str, body: &str, now: &str, leased_until: &str) -> String {
    format!(
        "INSERT INTO message_jobs (id, transport, sealed_body, status, run_at, created_at, locked_until, attempts) \
         SELECT {id}, {transport}, {body}, 'pending', {now}, {now}, {leased_until}, 1"
    )
}

/// Puts a message on the queue inside the caller's transaction, leased to
/// this instance; hand it to [`LocalLane::send`] once committed.
pub async fn enqueue(
    conn: &mut AnyConnection,
    job: &SealedJob,
    now: Millis,
    lease_ms: Millis,
) -> Result<(), crate::error::ServiceError> {
    sqlx::query(sqlx::AssertSqlSafe(insert_sql(
        "$1", "$2", "$3", "$4", "$5",
    )))
    .bind(job.id.clone())
    .bind(job.transport.as_str())
    .bind(job.sealed.clone())
    .bind(now)
    .bind(now.saturating_add(lease_ms))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Delivery delay before attempt `attempts + 1`: doubling from `base`, capped,
/// with ±20% jitter so that many retries after an outage do not arrive at once.
pub fn backoff(policy: &QueuePolicy, attempts: u32) -> Millis {
    let exponent = attempts.saturating_sub(1).min(30);
    let delay = policy
        .retry_base_ms
        .saturating_mul(1i64 << exponent)
        .min(policy.retry_max_ms)
        .max(1);
    let jitter = rand::rng().random_range(-delay / 5..=delay / 5);
    (delay + jitter).max(1)
}

/// A message being delivered, as `claim` reads it.
#[derive(sqlx::FromRow)]
pub struct Job {
    id: String,
    transport: String,
    sealed_body: Option<Vec<u8>>,
    attempts: i64,
}

/// Hands committed messages of this instance to its worker.
#[derive(Clone)]
pub struct LocalLane(mpsc::UnboundedSender<Job>);

impl LocalLane {
    pub fn new() -> (Self, mpsc::UnboundedReceiver<Job>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (LocalLane(sender), receiver)
    }

    /// For a message queued (and leased) by this instance. If the worker is
    /// gone, the lease runs out and a worker takes it from the database.
    pub fn send(&self, job: &SealedJob) {
        let _ = self.0.send(Job {
            id: job.id.clone(),
            transport: job.transport.as_str().to_owned(),
            sealed_body: Some(job.sealed.clone()),
            attempts: 1,
        });
    }
}

enum Outcome {
    /// Accepted, with the provider's id for the message if it gives one.
    Sent(Option<String>),
    Failed(DeliveryError),
}

#[derive(Clone)]
pub struct Worker {
    pub db: Database,
    /// Who delivers each kind of job.
    pub deliverers: Vec<Arc<dyn Deliver>>,
    pub sealer: QueueSealer,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
    pub policy: QueuePolicy,
}

impl Worker {
    /// Runs until `stop` turns true: sends what the local lane brings at once,
    /// and every poll interval takes due messages from the database (retries,
    /// and those of instances that stopped before sending them). Marking
    /// messages sent is left to a second task that batches the marks, so that
    /// sending never waits for the database.
    pub async fn run(
        self,
        mut local: mpsc::UnboundedReceiver<Job>,
        mut stop: watch::Receiver<bool>,
    ) {
        let (sent, marks) = mpsc::unbounded_channel();
        let marker = tokio::spawn(self.clone().forget_sent_batches(marks));
        let mut poll = tokio::time::interval(self.policy.poll_interval);
        poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                biased;
                // First: a backlog must not keep a stopping worker busy.
                _ = stop.changed() => {
                    self.stop_holding(&mut local, &sent).await;
                    break;
                }
                Some(job) = local.recv() => {
                    let mut batch = vec![job];
                    while batch.len() < self.batch_size() {
                        match local.try_recv() {
                            Ok(job) => batch.push(job),
                            Err(_) => break,
                        }
                    }
                    self.deliver_all(batch, &sent).await;
                }
                _ = poll.tick() => self.take_due(&sent).await,
            }
        }
        drop(sent);
        let _ = marker.await;
    }

    /// On stop, what this instance queued for itself and has not sent:
    /// one batch is sent (side by side, so within one provider timeout),
    /// and the leases of the rest are handed back, so that another instance
    /// (or this one, restarted) sends them at once rather than when the
    /// lease runs out. Nothing is handed back while it is being sent, so
    /// nothing is sent twice.
    async fn stop_holding(
        &self,
        local: &mut mpsc::UnboundedReceiver<Job>,
        sent: &mpsc::UnboundedSender<Job>,
    ) {
        let mut held = Vec::new();
        while let Ok(job) = local.try_recv() {
            held.push(job);
        }
        let rest = held.split_off(held.len().min(self.batch_size()));
        self.deliver_all(held, sent).await;
        if rest.is_empty() {
            return;
        }
        match self.hand_back(&rest).await {
            Ok(()) => tracing::info!(jobs = rest.len(), "stopping: queued messages handed back"),
            Err(error) => tracing::warn!(
                error = %error,
                jobs = rest.len(),
                "stopping: could not hand messages back; they are sent when their lease runs out"
            ),
        }
    }

    /// Ends this instance's leases on `jobs` (one statement).
    async fn hand_back(&self, jobs: &[Job]) -> Result<(), sqlx::Error> {
        let sql = format!(
            "UPDATE message_jobs SET locked_until = 0 WHERE {}",
            self.ids_in_param()
        );
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id_list(jobs)?)
            .execute(self.db.writer())
            .await?;
        Ok(())
    }

    /// SQL: the job's id is in the list of `$1` (see [`id_list`]).
    fn ids_in_param(&self) -> &'static str {
        match self.db.backend() {
            Backend::Sqlite => "id IN (SELECT value FROM json_each($1))",
            Backend::Postgres => "id = ANY (ARRAY(SELECT jsonb_array_elements_text($1::jsonb)))",
        }
    }

    fn batch_size(&self) -> usize {
        usize::try_from(self.policy.batch_size.max(1)).unwrap_or(1)
    }

    /// Takes due messages from the database, batch after batch, and sends them.
    async fn take_due(&self, sent: &mpsc::UnboundedSender<Job>) {
        loop {
            match self.claim(self.clock.now_ms()).await {
                Ok(jobs) => {
                    let full = jobs.len() >= self.batch_size();
                    self.deliver_all(jobs, sent).await;
                    if !full {
                        return;
                    }
                }
                Err(error) => {
                    tracing::warn!(error = %error, "message queue unavailable; will retry");
                    return;
                }
            }
        }
    }

    /// Sends jobs side by side; hands the sent ones to the marker and
    /// reschedules the others.
    async fn deliver_all(&self, jobs: Vec<Job>, sent: &mpsc::UnboundedSender<Job>) {
        let deliveries = jobs.into_iter().map(|job| async move {
            let outcome = self.deliver(&job).await;
            (job, outcome)
        });
        for (job, outcome) in futures::future::join_all(deliveries).await {
            match outcome {
                Outcome::Sent(reference) => {
                    Metrics::transport(&self.metrics.messages_sent, &job.transport);
                    tracing::info!(
                        job = %job.id,
                        transport = %job.transport,
                        provider_ref = reference.as_deref().unwrap_or(""),
                        "message delivered"
                    );
                    let _ = sent.send(job);
                }
                Outcome::Failed(error) => {
                    if let Err(db_error) = self.reschedule(&job, error).await {
                        // Its lease runs out and it is taken again.
                        tracing::warn!(error = %db_error, job = %job.id, "could not reschedule a message");
                    }
                }
            }
        }
    }

    /// Removes sent messages from the queue, as many per statement as have
    /// piled up. A removal that fails is tried again: until it lands the
    /// message stays leased, and would be sent a second time only if its lease
    /// ran out first.
    async fn forget_sent_batches(self, mut marks: mpsc::UnboundedReceiver<Job>) {
        while let Some(first) = marks.recv().await {
            let mut batch = vec![first];
            while let Ok(next) = marks.try_recv() {
                batch.push(next);
            }
            let mut delay = Duration::from_millis(50);
            while let Err(error) = self.forget_sent(&batch).await {
                tracing::warn!(error = %error, "could not mark messages sent; will retry");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }

    /// Deletes a batch of sent messages in one statement (a round trip costs
    /// more than the delete). Their provider ids went to the log.
    async fn forget_sent(&self, sent: &[Job]) -> Result<(), sqlx::Error> {
        if sent.is_empty() {
            return Ok(());
        }
        let sql = format!("DELETE FROM message_jobs WHERE {}", self.ids_in_param());
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id_list(sent)?)
            .execute(self.db.writer())
            .await?;
        Ok(())
    }

    async fn claim(&self, now: Millis) -> Result<Vec<Job>, sqlx::Error> {
        let lock = match self.db.backend() {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE message_jobs SET locked_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM message_jobs \
                          WHERE status = 'pending' AND run_at <= $2 AND locked_until <= $2 \
                          ORDER BY run_at LIMIT $3{lock}) \
             RETURNING id, transport, sealed_body, attempts"
        );
        sqlx::query_as::<_, Job>(sqlx::AssertSqlSafe(sql))
            .bind(now.saturating_add(self.policy.lease_ms))
            .bind(now)
            .bind(i64::from(self.policy.batch_size.max(1)))
            .fetch_all(self.db.writer())
            .await
    }

    async fn deliver(&self, job: &Job) -> Outcome {
        let Some(transport) = TransportName::parse(&job.transport) else {
            return Outcome::Failed(DeliveryError {
                transport: "unknown",
                permanent: true,
                summary: format!("unknown transport {}", job.transport),
            });
        };
        let Some(deliverer) = self
            .deliverers
            .iter()
            .find(|deliverer| deliverer.carries(transport))
        else {
            return Outcome::Failed(DeliveryError::permanent(
                transport,
                "no deliverer for this transport",
            ));
        };
        let opened = job
            .sealed_body
            .as_deref()
            .and_then(|sealed| self.sealer.open(&job.id, sealed).ok());
        let Some(plain) = opened else {
            return Outcome::Failed(DeliveryError::permanent(
                transport,
                "sealed body missing or unreadable",
            ));
        };
        match deliverer.deliver(transport, &job.id, &plain).await {
            Ok(reference) => Outcome::Sent(reference),
            Err(error) => Outcome::Failed(error),
        }
    }

    /// Retries later with backoff, or parks the message as failed after its
    /// last attempt or a permanent refusal.
    async fn reschedule(&self, job: &Job, error: DeliveryError) -> Result<(), sqlx::Error> {
        Metrics::transport(&self.metrics.delivery_failures, &job.transport);
        let attempts = u32::try_from(job.attempts).unwrap_or(u32::MAX);
        let give_up = error.permanent || attempts >= self.policy.max_attempts;
        let run_at = self
            .clock
            .now_ms()
            .saturating_add(backoff(&self.policy, attempts));
        let drops_body =
            give_up && TransportName::parse(&job.transport).is_none_or(TransportName::is_message);
        sqlx::query(
            "UPDATE message_jobs SET status = $2, run_at = $3, locked_until = 0, last_error = $4, \
             sealed_body = CASE WHEN $5 = 1 THEN NULL ELSE sealed_body END \
             WHERE id = $1",
        )
        .bind(&job.id)
        .bind(if give_up { "failed" } else { "pending" })
        .bind(run_at)
        .bind(error.to_string())
        .bind(i64::from(drops_body))
        .execute(self.db.writer())
        .await?;
        if give_up {
            Metrics::transport(&self.metrics.messages_parked, &job.transport);
            tracing::error!(job = %job.id, attempts, error = %error, "message given up");
        } else {
            tracing::warn!(job = %job.id, attempts, error = %error, "delivery failed; will retry");
        }
        Ok(())
    }
}

/// One parameter for a whole batch of jobs: `["job id", …]`.
fn id_list(jobs: &[Job]) -> Result<String, sqlx::Error> {
    let ids: Vec<&str> = jobs.iter().map(|job| job.id.as_str()).collect();
    serde_json::to_string(&ids).map_err(|error| sqlx::Error::Encode(error.into()))
}

/// Messages waiting, across all instances (for `/metrics`).
pub async fn pending_count(db: &Database) -> Result<i64, sqlx::Error> {
    let row = sqlx::query("SELECT COUNT(*) AS pending FROM message_jobs WHERE status = 'pending'")
        .fetch_one(db.reader())
        .await?;
    row.try_get("pending")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        let policy = QueuePolicy {
            batch_size: 1,
            poll_interval: Duration::from_secs(1),
            lease_ms: 60_000,
            max_attempts: 10,
            retry_base_ms: 1000,
            retry_max_ms: 60_000,
        };
        let first = backoff(&policy, 1);
        assert!((800..=1200).contains(&first), "{first}");
        let third = backoff(&policy, 3);
        assert!((3200..=4800).contains(&third), "{third}");
        let late = backoff(&policy, 40);
        assert!((48_000..=72_000).contains(&late), "{late}");
    }
}
