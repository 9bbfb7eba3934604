//! Send limits (per identifier, client IP and phone prefix) and the lockout of
//! identifiers after too many wrong codes in a row. All state is in the
//! database, inside the caller's transaction, so it holds across instances.

use crate::clock::Millis;
use crate::error::ServiceError;
use sqlx::{AnyConnection, Row};

/// One counter to bump and the most it may reach in a window.
pub struct Limit {
    pub key: String,
    pub max: u32,
}

/// Counts one send against every limit. Fails with `rate_limited` if any is
/// exceeded; the caller's transaction then rolls the counts back.
pub async fn count_send(
    conn: &mut AnyConnection,
    limits: &[Limit],
    window_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    let window_ms = window_ms.max(1000);
    let window_start = now - now.rem_euclid(window_ms);
    let mut retry_after = None;
    for limit in limits {
        let row = sqlx::query(
            "INSERT INTO rate_counters (key, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (key) DO UPDATE SET \
               count = CASE WHEN rate_counters.window_start = excluded.window_start \
                            THEN rate_counters.count + 1 ELSE 1 END, \
               window_start = excluded.window_start \
             RETURNING count",
        )
        .bind(&limit.key)
        .bind(window_start)
        .fetch_one(&mut *conn)
        .await?;
        let count: i64 = row.try_get("count")?;
        if count > i64::from(limit.max) {
            retry_after = Some(seconds_until(window_start + window_ms, now));
        }
    }
    match retry_after {
        Some(retry_after) => Err(ServiceError::RateLimited { retry_after }),
        None => Ok(()),
    }
}

/// Whether the identifier is locked out; if so, for how many seconds more.
pub async fn lockout(
    conn: &mut AnyConnection,
    identifier: &str,
    now: Millis,
) -> Result<Option<u64>, sqlx::Error> {
    let row = sqlx::query("SELECT locked_until FROM identifier_guards WHERE identifier = $1")
        .bind(identifier)
        .fetch_optional(&mut *conn)
        .await?;
    let locked_until: i64 = match row {
        Some(row) => row.try_get("locked_until")?,
        None => 0,
    };
    Ok((locked_until > now).then(|| seconds_until(locked_until, now)))
}

/// Records a wrong code; at `max` in a row the identifier is locked for
/// `lockout_ms` and its count starts again.
pub async fn record_failure(
    conn: &mut AnyConnection,
    identifier: &str,
    max: u32,
    lockout_ms: Millis,
    now: Millis,
) -> Result<(), sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO identifier_guards (identifier, consecutive_failures, locked_until) \
         VALUES ($1, 1, 0) \
         ON CONFLICT (identifier) DO UPDATE SET \
           consecutive_failures = identifier_guards.consecutive_failures + 1 \
         RETURNING consecutive_failures",
    )
    .bind(identifier)
    .fetch_one(&mut *conn)
    .await?;
    let failures: i64 = row.try_get("consecutive_failures")?;
    if failures >= i64::from(max) {
        sqlx::query(
            "UPDATE identifier_guards SET consecutive_failures = 0, locked_until = $2 \
             WHERE identifier = $1",
        )
        .bind(identifier)
        .bind(now.saturating_add(lockout_ms))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A right code ends the run of failures.
pub async fn record_success(conn: &mut AnyConnection, identifier: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM identifier_guards WHERE identifier = $1")
        .bind(identifier)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whole seconds from `now` to `until`, at least one.
pub fn seconds_until(until: Millis, now: Millis) -> u64 {
    let millis = until.saturating_sub(now).max(0);
    u64::try_from((millis + 999) / 1000).unwrap_or(0).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_round_up_to_a_second() {
        assert_eq!(seconds_until(1001, 0), 2);
        assert_eq!(seconds_until(1000, 0), 1);
        assert_eq!(seconds_until(0, 5000), 1);
    }
}
