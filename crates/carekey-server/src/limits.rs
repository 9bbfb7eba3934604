//! Send limits and the lockout of identifiers after too many wrong codes in
//! a row. All state is in the database, inside the caller's transaction, so
//! it holds across instances.
//!
//! Limits protect people (a phone from SMS bombing, an account from
//! guessing) and must not become a way to lock them out: a refused request
//! spends nobody's budget; the identifier's budget is per requester (an IPv4
//! address or an IPv6 /64), so a stranger spends only his own; the
//! identifier-wide ceiling and the lockout after wrong codes do not apply to
//! requesters the owner has logged in from (`trusted_requesters`); a phone
//! prefix's budget has a per-requester share, so one address cannot empty it.

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

/// SQL that counts one event for each key parameter (`$2`…) in the fixed
/// window starting at `window` (a parameter), answering `key, count` rows.
fn count_sql(keys: &[String], window: &str) -> String {
    let values: Vec<String> = keys
        .iter()
        .map(|key| format!("({key}, {window}, 1)"))
        .collect();
    format!(
        "INSERT INTO rate_counters (key, window_start, count) VALUES {} \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN rate_counters.window_start = excluded.window_start \
                        THEN rate_counters.count + 1 ELSE 1 END, \
           window_start = excluded.window_start \
         RETURNING key, count",
        values.join(", ")
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

/// What a start asks of the limits on PostgreSQL ([`count_apart`]).
pub struct StartLimits<'a> {
    /// The requester's own limits (`send_limits` of the codes module).
    pub limits: &'a [Limit],
    /// The identifier-wide ceiling, passed by the owner's known requesters.
    pub ceiling: &'a Limit,
    /// The identifier's lockout key and the requester.
    pub identifier: &'a str,
    pub requester: &'a str,
    /// The responsible clinician named, if any (a start naming no real
    /// clinician is refused, and spends nothing).
    pub clinician: Option<&'a str>,
}

/// The most limits one start counts (identifier, IP, prefix and its share,
/// and the ceiling).
const MOST_START_LIMITS: usize = 5;

/// PostgreSQL: counts one send against every limit in a statement of its
/// own, committed without waiting for the disk, unless the identifier is
/// locked for this requester or the clinician is not real; a count over a
/// limit (the ceiling passed by a known requester) refuses the start and is
/// given back. A refused start spends nobody's budget.
///
/// A counter row (an IP behind a clinic's router, a phone range) can be hot:
/// inside the start transaction its lock would be held through every
/// commit's flush and serialise all starts behind it. A counter lost in a
/// crash only loosens a limit for one window, so it need not be durable.
/// SQLite counts inside the start script instead: it has one writer anyway.
pub async fn count_apart(
    runner: &crate::db::Runner,
    asked: &StartLimits<'_>,
    window_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    let mut all: Vec<&Limit> = asked.limits.iter().collect();
    all.truncate(MOST_START_LIMITS - 1);
    let key = |index: usize| all.get(index).map(|limit| limit.key.clone());
    let max = |index: usize| i64::from(all.get(index).map_or(u32::MAX, |limit| limit.max));
    let mut args: Vec<crate::db::Arg> = vec![window_start(now, window_ms).into()];
    for index in 0..MOST_START_LIMITS - 1 {
        args.push(key(index).into());
    }
    args.push(asked.ceiling.key.clone().into());
    for index in 0..MOST_START_LIMITS - 1 {
        args.push(max(index).into());
    }
    args.push(i64::from(asked.ceiling.max).into());
    args.push(asked.identifier.into());
    args.push(asked.requester.into());
    args.push(now.into());
    args.push(asked.clinician.map(str::to_owned).into());
    let row = runner.run(args).await?;
    if row.try_get::<i64, _>("over_limit")? == 1 {
        give_back(runner.database(), asked, window_start(now, window_ms)).await?;
        return Err(ServiceError::RateLimited {
            retry_after: seconds_until(window_start(now, window_ms) + window_ms.max(1000), now),
        });
    }
    Ok(())
}

/// PostgreSQL: takes back the counts of a start the limits refused, so that
/// it spends nobody's budget. (Counting first and giving back keeps the
/// limits exact under concurrency: a start never passes on a count that a
/// concurrent one has not yet written.)
async fn give_back(
    db: &crate::db::Database,
    asked: &StartLimits<'_>,
    window: Millis,
) -> Result<(), ServiceError> {
    let keys: Vec<String> = asked
        .limits
        .iter()
        .chain(std::iter::once(asked.ceiling))
        .map(|limit| limit.key.clone())
        .collect();
    let places: Vec<String> = (0..keys.len())
        .map(|index| format!("${}", index + 2))
        .collect();
    let mut query = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE rate_counters SET count = count - 1 \
         WHERE window_start = $1 AND count > 0 AND key IN ({})",
        places.join(", ")
    )))
    .bind(window);
    for key in keys {
        query = query.bind(key);
    }
    query.execute(db.writer()).await?;
    Ok(())
}

/// The PostgreSQL statement behind [`count_apart`]. Parameters: $1 window
/// start, $2-$5 the requester's limit keys (NULL where absent), $6 the
/// ceiling's key, $7-$10 and $11 their maxima, $12 the identifier, $13 the
/// requester, $14 now, $15 the clinician or NULL.
pub fn count_operation() -> crate::db::Operation {
    crate::db::Operation {
        name: "count_limits",
        params: 15,
        sqlite: String::new(),
        postgres: String::from(
            "WITH relaxed AS (SELECT set_config('synchronous_commit', 'off', true) AS setting), \
             limits(key, most, ceiling) AS (VALUES ($2::text, $7::bigint, FALSE), ($3::text, $8::bigint, FALSE), \
               ($4::text, $9::bigint, FALSE), ($5::text, $10::bigint, FALSE), ($6::text, $11::bigint, TRUE)), \
             known AS (SELECT EXISTS (SELECT 1 FROM trusted_requesters \
                                      WHERE identifier = $12::text AND requester = $13::text) AS yes), \
             refused AS (SELECT (EXISTS (SELECT 1 FROM identifier_guards \
                                         WHERE identifier = $12::text AND locked_until > $14::bigint) \
                                 AND NOT (SELECT yes FROM known)) \
                                OR ($15::text IS NOT NULL AND NOT EXISTS \
                                    (SELECT 1 FROM users WHERE id = $15::text AND role = 'clinician')) AS yes), \
             counted AS ( \
               INSERT INTO rate_counters (key, window_start, count) \
               SELECT key, $1, 1 FROM limits \
               WHERE key IS NOT NULL AND NOT (SELECT yes FROM refused) \
               ON CONFLICT (key) DO UPDATE SET \
                 count = CASE WHEN rate_counters.window_start = excluded.window_start \
                              THEN rate_counters.count + 1 ELSE 1 END, \
                 window_start = excluded.window_start \
               RETURNING key, count) \
             SELECT CASE WHEN EXISTS (SELECT 1 FROM counted c JOIN limits l ON l.key = c.key \
                                      WHERE c.count > l.most \
                                        AND NOT (l.ceiling AND (SELECT yes FROM known))) \
                         THEN 1 ELSE 0 END AS over_limit \
             FROM relaxed",
        ),
    }
}

/// Counts one send against every limit, inside the caller's transaction.
/// Fails with `rate_limited` if any is exceeded; the caller's transaction
/// then rolls the counts back, so a refused send spends nobody's budget.
pub async fn count_send(
    conn: &mut AnyConnection,
    limits: &[Limit],
    window_ms: Millis,
    now: Millis,
) -> Result<(), ServiceError> {
    let keys: Vec<String> = (0..limits.len())
        .map(|index| format!("${}", index + 2))
        .collect();
    let mut query =
        sqlx::query(sqlx::AssertSqlSafe(count_sql(&keys, "$1"))).bind(window_start(now, window_ms));
    for limit in limits {
        query = query.bind(limit.key.clone());
    }
    let counted = query.fetch_all(&mut *conn).await?;
    check_counts(&counted, limits, window_ms, now)
}

/// Whether `requester` is one the owner of `identifier` has logged in from.
pub async fn known_requester(
    conn: &mut AnyConnection,
    identifier: &str,
    requester: &str,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT CAST(1 AS BIGINT) FROM trusted_requesters WHERE identifier = $1 AND requester = $2",
    )
    .bind(identifier.to_owned())
    .bind(requester.to_owned())
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.is_some())
}

/// Remembers that the owner of `identifier` logged in from `requester`.
pub async fn trust_requester(
    conn: &mut AnyConnection,
    identifier: &str,
    requester: Option<&str>,
    now: Millis,
) -> Result<(), sqlx::Error> {
    let Some(requester) = requester else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO trusted_requesters (identifier, requester, last_login_at) VALUES ($1, $2, $3) \
         ON CONFLICT (identifier, requester) DO UPDATE SET last_login_at = excluded.last_login_at",
    )
    .bind(identifier.to_owned())
    .bind(requester.to_owned())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
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
