//! Send limits (per identifier, client IP and phone prefix) and the lockout of
//! identifiers after too many wrong codes in a row. All state is in the
//! database, inside the caller's transaction, so it holds across instances.

use crate::clock::Millis;
use crate::error::ServiceError;
use sqlx::{AnyConnection, Row};

/// The requester an address stands for in per-address limits: an IPv4
/// address itself, an IPv6 address by its /64. One IPv6 subscriber or host
/// is routinely given a whole /64, so keying on the exact address would
/// hand an attacker 2^64 budgets. An IPv4-mapped address counts as IPv4.
pub fn requester(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let segments = v6.segments();
                let network = std::net::Ipv6Addr::new(
                    segments[0],
                    segments[1],
                    segments[2],
                    segments[3],
                    0,
                    0,
                    0,
                    0,
                );
                format!("{network}/64")
            }
        },
    }
}

/// One counter to bump and the most it may reach in a window.
pub struct Limit {
    pub key: String,
    pub max: u32,
}

/// SQL that counts one event for each `(key, max)` parameter pair in the
/// fixed window starting at `window` (a parameter), answering `key, count`
/// rows when `returning`. Used alone and inside the start operation.
pub fn count_sql(pairs: &[(&str, &str)], window: &str, returning: bool) -> String {
    let values: Vec<String> = pairs
        .iter()
        .map(|(key, _)| format!("({key}, {window}, 1)"))
        .collect();
    format!(
        "INSERT INTO rate_counters (key, window_start, count) VALUES {} \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN rate_counters.window_start = excluded.window_start \
                        THEN rate_counters.count + 1 ELSE 1 END, \
           window_start = excluded.window_start{}",
        values.join(", "),
        if returning {
            " RETURNING key, count"
        } else {
            ""
        }
    )
}

/// SQL true when a counter `source` (a table or CTE of `key, count`) is over
/// its limit for one of the `(key, max)` parameter pairs.
pub fn over_limit_sql(pairs: &[(&str, &str)], source: &str) -> String {
    let conditions: Vec<String> = pairs
        .iter()
        .map(|(key, max)| format!("(key = {key} AND count > {max})"))
        .collect();
    format!(
        "EXISTS (SELECT 1 FROM {source} WHERE {})",
        conditions.join(" OR ")
    )
}

pub fn window_start(now: Millis, window_ms: Millis) -> Millis {
    let window_ms = window_ms.max(1000);
    now - now.rem_euclid(window_ms)
}

/// `rate_limited` if any counter in `counted` (the `key, count` rows the
/// counting SQL answered) is over its limit.
pub fn check_counts(
    counted: &[sqlx::any::AnyRow],
    limits: &[Limit],
    window_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    for row in counted {
        let key: String = row.try_get("key")?;
        let count: i64 = row.try_get("count")?;
        if limits
            .iter()
            .any(|limit| limit.key == key && count > i64::from(limit.max))
        {
            return Err(ServiceError::RateLimited {
                retry_after: seconds_until(window_start(now, window_ms) + window_ms.max(1000), now),
            });
        }
    }
    Ok(())
}

/// PostgreSQL: counts one send against every limit in a statement of its
/// own, committed without waiting for the disk.
///
/// A counter row (an IP behind a clinic's router, a phone range) can be hot:
/// inside the start transaction its lock would be held through every
/// commit's flush and serialise all starts behind it. A counter lost in a
/// crash only loosens a limit for one window, so it need not be durable.
/// SQLite counts inside the start script instead: it has one writer anyway.
pub async fn count_apart(
    runner: &crate::db::Runner,
    limits: &[Limit],
    window_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    let key = |index: usize| limits.get(index).map(|limit| limit.key.clone());
    let max = |index: usize| i64::from(limits.get(index).map_or(u32::MAX, |limit| limit.max));
    let row = runner
        .run(vec![
            window_start(now, window_ms).into(),
            key(0).into(),
            key(1).into(),
            key(2).into(),
            max(0).into(),
            max(1).into(),
            max(2).into(),
        ])
        .await?;
    if row.try_get::<i64, _>("over_limit")? == 1 {
        return Err(ServiceError::RateLimited {
            retry_after: seconds_until(window_start(now, window_ms) + window_ms.max(1000), now),
        });
    }
    Ok(())
}

/// The PostgreSQL statement behind [`count_apart`]. Parameters: $1 window
/// start, $2-$4 keys ($4 NULL without a phone prefix), $5-$7 their limits.
pub fn count_operation() -> crate::db::Operation {
    crate::db::Operation {
        name: "count_limits",
        params: 7,
        sqlite: String::new(),
        postgres: String::from(
            "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS setting), \
             counted AS ( \
               INSERT INTO rate_counters (key, window_start, count) \
               SELECT counter.key, $1, 1 FROM (VALUES ($2), ($3), ($4)) AS counter(key) \
               WHERE counter.key IS NOT NULL \
               ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN rate_counters.window_start = excluded.window_start \
                              THEN rate_counters.count + 1 ELSE 1 END, \
                 window_start = excluded.window_start \
               RETURNING key, count) \
             SELECT CASE WHEN EXISTS (SELECT 1 FROM counted WHERE (key = $2 AND count > $5) \
                                      OR (key = $3 AND count > $6) OR (key = $4 AND count > $7)) \
                         THEN 1 ELSE 0 END AS over_limit \
             FROM relaxed",
        ),
    }
}

/// Counts one send against every limit, inside the caller's transaction.
/// Fails with `rate_limited` if any is exceeded; the caller's transaction
/// then rolls the counts back.
pub async fn count_send(
    conn: &mut AnyConnection,
    limits: &[Limit],
    window_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    const PARAMS: [(&str, &str); 3] = [("$2", ""), ("$3", ""), ("$4", "")];
    let pairs = &PARAMS[..limits.len().min(PARAMS.len())];
    let mut query = sqlx::query(sqlx::AssertSqlSafe(count_sql(pairs, "$1", true)))
        .bind(window_start(now, window_ms));
    for limit in &limits[..pairs.len()] {
        query = query.bind(limit.key.clone());
    }
    let counted = query.fetch_all(&mut *conn).await?;
    check_counts(&counted, limits, window_ms, now)
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
    fn ipv6_requesters_are_their_64_and_ipv4_their_address() {
        let ip = |text: &str| text.parse::<std::net::IpAddr>().unwrap();
        assert_eq!(requester(ip("203.0.113.7")), "203.0.113.7");
        assert_eq!(requester(ip("::ffff:203.0.113.7")), "203.0.113.7");
        assert_eq!(requester(ip("2001:db8:1:2::1")), "2001:db8:1:2::/64");
        assert_eq!(
            requester(ip("2001:db8:1:2:ffff:eeee:dddd:cccc")),
            "2001:db8:1:2::/64"
        );
        assert_ne!(
            requester(ip("2001:db8:1:3::1")),
            requester(ip("2001:db8:1:2::1"))
        );
    }

    #[test]
    fn waits_round_up_to_a_second() {
        assert_eq!(seconds_until(1001, 0), 2);
        assert_eq!(seconds_until(1000, 0), 1);
        assert_eq!(seconds_until(0, 5000), 1);
    }
}
