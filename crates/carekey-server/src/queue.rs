//! The durable outgoing queue.
//!
//! A message is queued in the same transaction as the request that causes it,
//! so it exists exactly when the request does. Workers (one per instance) take
//! due messages under a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite
//! has a single writer), deliver them, and mark them sent or reschedule them
//! with exponential backoff. A message is marked sent only after its transport
//! accepted it, and is never taken by two workers while its lease runs.

use crate::channels::{Channels, DeliveryError, TransportName};
use crate::clock::{Clock, Millis};
use crate::db::{Backend, Database};
use crate::messages::Message;
use crate::metrics::Metrics;
use crate::secrets::QueueSealer;
use rand::Rng;
use sqlx::{AnyConnection, Row};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{Notify, watch};

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

/// Seals `message` as the body of job `id` (a body opens only in its own row).
pub fn seal(
    sealer: &QueueSealer,
    id: &str,
    transport: TransportName,
    message: &Message,
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

/// The columns and values of a new job; `$id`, `$transport`, `$body` and
/// `$now` name the parameters (shared with the combined start statement).
pub fn insert_sql(id: &str, transport: &str, body: &str, now: &str) -> String {
    format!(
        "INSERT INTO message_jobs (id, transport, sealed_body, status, run_at, created_at) \
         SELECT {id}, {transport}, {body}, 'pending', {now}, {now}"
    )
}

/// Puts a message on the queue inside the caller's transaction.
pub async fn enqueue(
    conn: &mut AnyConnection,
    job: &SealedJob,
    now: Millis,
) -> Result<(), crate::error::ServiceError> {
    sqlx::query(sqlx::AssertSqlSafe(insert_sql("$1", "$2", "$3", "$4")))
        .bind(job.id.clone())
        .bind(job.transport.as_str())
        .bind(job.sealed.clone())
        .bind(now)
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
    let jitter = rand::thread_rng().gen_range(-delay / 5..=delay / 5);
    (delay + jitter).max(1)
}

struct Claimed {
    id: String,
    transport: String,
    sealed_body: Option<Vec<u8>>,
    attempts: i64,
}

enum Outcome {
    Sent(Option<String>),
    Failed(DeliveryError),
}

pub struct Worker {
    pub db: Database,
    pub channels: Arc<Channels>,
    pub sealer: QueueSealer,
    pub clock: Clock,
    pub metrics: Arc<Metrics>,
    pub policy: QueuePolicy,
    pub wake: Arc<Notify>,
}

impl Worker {
    /// Runs until `stop` turns true. Wakes on `wake` (a message queued by this
    /// instance) or every poll interval (messages of other instances, retries).
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let delivered = match self.take_and_deliver().await {
                Ok(count) => count,
                Err(error) => {
                    tracing::warn!(error = %error, "message queue unavailable; will retry");
                    0
                }
            };
            if delivered > 0 {
                continue;
            }
            tokio::select! {
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.policy.poll_interval) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Takes one batch of due messages and delivers it; answers how many it took.
    pub async fn take_and_deliver(&self) -> Result<usize, sqlx::Error> {
        let now = self.clock.now_ms();
        let claimed = self.claim(now).await?;
        let count = claimed.len();
        let deliveries = claimed.into_iter().map(|job| async move {
            let outcome = self.deliver(&job).await;
            (job, outcome)
        });
        let mut sent = Vec::new();
        for (job, outcome) in futures::future::join_all(deliveries).await {
            match outcome {
                Outcome::Sent(reference) => sent.push((job, reference)),
                Outcome::Failed(error) => self.reschedule(&job, error).await?,
            }
        }
        self.mark_sent(&sent).await?;
        Ok(count)
    }

    /// Marks a batch delivered in one statement (a round trip costs more than
    /// the update): bodies wiped, provider ids kept.
    async fn mark_sent(&self, sent: &[(Claimed, Option<String>)]) -> Result<(), sqlx::Error> {
        if sent.is_empty() {
            return Ok(());
        }
        let batch: Vec<(&str, Option<&str>)> = sent
            .iter()
            .map(|(job, reference)| (job.id.as_str(), reference.as_deref()))
            .collect();
        let batch =
            serde_json::to_string(&batch).map_err(|error| sqlx::Error::Encode(error.into()))?;
        let sql = match self.db.backend() {
            Backend::Sqlite => {
                "UPDATE message_jobs SET status = 'sent', sealed_body = NULL, sent_at = $1, \
                 provider_ref = done.reference, locked_until = 0, last_error = NULL \
                 FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS reference \
                       FROM json_each($2)) AS done \
                 WHERE message_jobs.id = done.id"
            }
            Backend::Postgres => {
                "UPDATE message_jobs SET status = 'sent', sealed_body = NULL, sent_at = $1, \
                 provider_ref = done.reference, locked_until = 0, last_error = NULL \
                 FROM (SELECT item->>0 AS id, item->>1 AS reference \
                       FROM jsonb_array_elements($2::jsonb) AS item) AS done \
                 WHERE message_jobs.id = done.id"
            }
        };
        sqlx::query(sql)
            .bind(self.clock.now_ms())
            .bind(batch)
            .execute(self.db.writer())
            .await?;
        for (job, _) in sent {
            Metrics::transport(&self.metrics.messages_sent, &job.transport);
            tracing::info!(job = %job.id, transport = %job.transport, "message delivered");
        }
        Ok(())
    }

    async fn claim(&self, now: Millis) -> Result<Vec<Claimed>, sqlx::Error> {
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
        let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(now.saturating_add(self.policy.lease_ms))
            .bind(now)
            .bind(i64::from(self.policy.batch_size.max(1)))
            .fetch_all(self.db.writer())
            .await?;
        rows.iter()
            .map(|row| {
                Ok(Claimed {
                    id: row.try_get("id")?,
                    transport: row.try_get("transport")?,
                    sealed_body: row.try_get("sealed_body")?,
                    attempts: row.try_get("attempts")?,
                })
            })
            .collect()
    }

    async fn deliver(&self, job: &Claimed) -> Outcome {
        let Some(transport) = TransportName::parse(&job.transport) else {
            return Outcome::Failed(DeliveryError {
                transport: "unknown",
                permanent: true,
                summary: format!("unknown transport {}", job.transport),
            });
        };
        let opened = job
            .sealed_body
            .as_deref()
            .ok_or(())
            .and_then(|sealed| self.sealer.open(&job.id, sealed).map_err(|_| ()));
        let message: Message = match opened
            .ok()
            .and_then(|plain| serde_json::from_slice(&plain).ok())
        {
            Some(message) => message,
            None => {
                return Outcome::Failed(DeliveryError {
                    transport: transport.as_str(),
                    permanent: true,
                    summary: String::from("sealed body missing or unreadable"),
                });
            }
        };
        match self.channels.deliver(transport, &job.id, &message).await {
            Ok(reference) => Outcome::Sent(reference),
            Err(error) => Outcome::Failed(error),
        }
    }

    /// Retries later with backoff, or parks the message as failed after its
    /// last attempt or a permanent refusal.
    async fn reschedule(&self, job: &Claimed, error: DeliveryError) -> Result<(), sqlx::Error> {
        Metrics::transport(&self.metrics.delivery_failures, &job.transport);
        let attempts = u32::try_from(job.attempts).unwrap_or(u32::MAX);
        let give_up = error.permanent || attempts >= self.policy.max_attempts;
        let run_at = self
            .clock
            .now_ms()
            .saturating_add(backoff(&self.policy, attempts));
        sqlx::query(
            "UPDATE message_jobs SET status = $2, run_at = $3, locked_until = 0, last_error = $4, \
             sealed_body = CASE WHEN $2 = 'failed' THEN NULL ELSE sealed_body END \
             WHERE id = $1",
        )
        .bind(&job.id)
        .bind(if give_up { "failed" } else { "pending" })
        .bind(run_at)
        .bind(error.to_string())
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
