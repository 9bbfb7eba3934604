//! `carekey-server queue`: what is waiting to go out, what was given up
//! (the dead letters), and sending a given-up job again.
//!
//! Invariant: a retry only puts a job back as if it were new (pending, due
//! now, no attempts), so the servers' workers send it exactly as they send
//! any job: leased, once. Only jobs that kept their body can be retried:
//! a message to a person drops its body when given up, because its code
//! or link expired long before an operator could retry it
//! (`TransportName::is_message`); the person asks for a new one.

use super::AdminError;
use crate::clock::{Millis, rfc3339};
use crate::db::Database;
use serde::Serialize;
use sqlx::Row;

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Count {
    pub transport: String,
    /// `due` (waiting for a worker), `retrying` (failed, due again later),
    /// `sending` (leased to a worker now) or `failed` (given up).
    pub state: String,
    pub count: i64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub id: String,
    pub transport: String,
    pub created_at: String,
    pub age_seconds: i64,
    pub attempts: i64,
    pub last_error: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct QueueStatus {
    pub counts: Vec<Count>,
    /// The job waiting longest, if any is.
    pub oldest_pending: Option<Pending>,
}

impl std::fmt::Display for QueueStatus {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.counts.is_empty() {
            write!(out, "the queue is empty")?;
        }
        for (index, count) in self.counts.iter().enumerate() {
            if index > 0 {
                writeln!(out)?;
            }
            write!(
                out,
                "{:12} {:9} {}",
                count.transport, count.state, count.count
            )?;
        }
        if let Some(oldest) = &self.oldest_pending {
            write!(
                out,
                "\noldest pending: {} ({}) since {}, {} s, {} attempts{}",
                oldest.id,
                oldest.transport,
                oldest.created_at,
                oldest.age_seconds,
                oldest.attempts,
                oldest
                    .last_error
                    .as_deref()
                    .map(|error| format!(", last error: {error}"))
                    .unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

/// Counts by transport and state, and the oldest pending job.
pub async fn status(db: &Database, now: Millis) -> Result<QueueStatus, AdminError> {
    let rows = sqlx::query(
        "SELECT transport, \
           CASE WHEN status = 'failed' THEN 'failed' \
                WHEN locked_until > $1 THEN 'sending' \
                WHEN run_at > $1 THEN 'retrying' \
                ELSE 'due' END AS state, \
           CAST(COUNT(*) AS BIGINT) AS count \
         FROM message_jobs GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .bind(now)
    .fetch_all(db.reader())
    .await?;
    let counts = rows
        .iter()
        .map(|row| {
            Ok(Count {
                transport: row.try_get("transport")?,
                state: row.try_get("state")?,
                count: row.try_get("count")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let oldest = sqlx::query(
        "SELECT id, transport, created_at, attempts, last_error FROM message_jobs \
         WHERE status = 'pending' ORDER BY created_at, id LIMIT 1",
    )
    .fetch_optional(db.reader())
    .await?;
    let oldest_pending = oldest
        .map(|row| {
            let created_at: Millis = row.try_get("created_at")?;
            Ok::<_, sqlx::Error>(Pending {
                id: row.try_get("id")?,
                transport: row.try_get("transport")?,
                created_at: rfc3339(created_at),
                age_seconds: now.saturating_sub(created_at).max(0) / 1000,
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
            })
        })
        .transpose()?;
    Ok(QueueStatus {
        counts,
        oldest_pending,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeadLetter {
    pub id: String,
    pub transport: String,
    pub created_at: String,
    pub failed_at: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    /// Whether `queue retry` can send it again (it kept its body).
    pub retryable: bool,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeadLetters {
    pub jobs: Vec<DeadLetter>,
    pub more: bool,
}

impl std::fmt::Display for DeadLetters {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for job in &self.jobs {
            writeln!(
                out,
                "{}  {:12} given up {} after {} attempts{}: {}",
                job.id,
                job.transport,
                job.failed_at,
                job.attempts,
                if job.retryable {
                    ""
                } else {
                    " (a message: not retryable)"
                },
                job.last_error.as_deref().unwrap_or("no error recorded")
            )?;
        }
        if self.more {
            write!(out, "(more: --limit N shows more)")
        } else {
            write!(out, "{} given up", self.jobs.len())
        }
    }
}

/// The jobs given up, newest first (the janitor deletes them after 30 days).
pub async fn dead_letters(db: &Database, limit: u32) -> Result<DeadLetters, AdminError> {
    let rows = sqlx::query(
        "SELECT id, transport, created_at, run_at, attempts, last_error, \
           CAST(CASE WHEN sealed_body IS NULL THEN 0 ELSE 1 END AS BIGINT) AS retryable \
         FROM message_jobs WHERE status = 'failed' ORDER BY run_at DESC, id DESC LIMIT $1",
    )
    .bind(i64::from(limit) + 1)
    .fetch_all(db.reader())
    .await?;
    let jobs = rows
        .iter()
        .map(|row| {
            Ok(DeadLetter {
                id: row.try_get("id")?,
                transport: row.try_get("transport")?,
                created_at: rfc3339(row.try_get("created_at")?),
                failed_at: rfc3339(row.try_get("run_at")?),
                attempts: row.try_get("attempts")?,
                last_error: row.try_get("last_error")?,
                retryable: row.try_get::<i64, _>("retryable")? == 1,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let (jobs, more) = super::first(jobs, limit);
    Ok(DeadLetters { jobs, more })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Retried {
    pub jobs: Vec<String>,
}

impl std::fmt::Display for Retried {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            out,
            "{} jobs are due again; a running server sends them",
            self.jobs.len()
        )
    }
}

/// Which given-up jobs `retry` sends again.
pub enum Retry<'a> {
    One(&'a str),
    /// Every retryable one (after a receiver's outage).
    All,
}

/// Puts given-up jobs back in the queue, due now, with a fresh budget of
/// attempts; recorded in the operators' audit.
pub async fn retry(
    db: &Database,
    which: Retry<'_>,
    actor: &str,
    now: Millis,
) -> Result<Retried, AdminError> {
    let mut tx = db.begin().await?;
    let requeue = "UPDATE message_jobs SET status = 'pending', attempts = 0, run_at = $1, \
                   locked_until = 0 WHERE status = 'failed' AND sealed_body IS NOT NULL";
    let jobs: Vec<String> = match which {
        Retry::One(id) => {
            let row = sqlx::query(
                "SELECT status, CAST(CASE WHEN sealed_body IS NULL THEN 0 ELSE 1 END AS BIGINT) \
                 AS kept FROM message_jobs WHERE id = $1",
            )
            .bind(id.to_owned())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AdminError::NotFound(format!("no job is `{id}`")))?;
            let status: String = row.try_get("status")?;
            if status != "failed" {
                return Err(AdminError::Refused(format!(
                    "{id} has not been given up: it is still in the queue"
                )));
            }
            if row.try_get::<i64, _>("kept")? == 0 {
                return Err(AdminError::Refused(format!(
                    "{id} was a message to a person: its code or link has expired and its \
                     body was dropped; they ask for a new one"
                )));
            }
            sqlx::query(sqlx::AssertSqlSafe(format!("{requeue} AND id = $2")))
                .bind(now)
                .bind(id.to_owned())
                .execute(&mut *tx)
                .await?;
            vec![id.to_owned()]
        }
        Retry::All => {
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("{requeue} RETURNING id")))
                .bind(now)
                .fetch_all(&mut *tx)
                .await?
        }
    };
    if !jobs.is_empty() {
        let detail = serde_json::json!({ "jobs": jobs });
        super::audit::record(&mut tx, now, actor, "queue_retry", None, detail).await?;
    }
    tx.commit().await?;
    Ok(Retried { jobs })
}
