//! The SQL of the two hot operations, start and log in, written once per
//! backend as a single atomic unit (see `db::atomic` for why).
//!
//! Invariant: each operation checks its limits and takes its try in the
//! same statement (PostgreSQL) or script (SQLite) that writes, so
//! concurrent calls cannot slip past a limit between a check and a write.

use crate::accounts;
use crate::db::{Backend, HotOperations, Operation, Runner};
use crate::identity::ContactKind;
use crate::limits;
use crate::outbound::queue;

/// The lockout key of a request's identifier, in SQL over `auth_requests`
/// columns: the same text as `Contact::key()` (`email:ADDRESS`, `phone:NUMBER`).
pub(crate) const IDENTIFIER_SQL: &str = "(CASE auth_requests.contact_kind WHEN 'email' THEN 'email:' ELSE 'phone:' END) || auth_requests.contact";

/// The start operation. Parameters: $1 now, $2 window start, $3-$6 the
/// identifier's (for this requester) and IP limits (key, max), $7-$16 the
/// request, $17-$20 the message (id, transport, body with the code, body for
/// an unknown address or NULL), $21 the identifier's lockout key, $22 the
/// responsible clinician or NULL, $23 the end of the message's lease to this
/// instance, for a phone $24-$25 its prefix limit, then (an email's
/// $24-$26, a phone's $26-$28) where the login was asked from (the device's
/// name and address) and the channel the code goes by, then the link's hash
/// and its sealed code (an email's $27-$28, a phone's $29-$30), then the
/// requester and the identifier-wide ceiling (key, max: an email's
/// $29-$31, a phone's $31-$33), for a phone its prefix share (key, max,
/// $34-$35), and last the language the start asked for or NULL (an email's
/// $32, a phone's $36).
///
/// SQLite counts the limits here, and only when the start is admitted (no
/// counter at its maximum, the ceiling passed by the owner's known
/// requesters; the identifier not locked for this requester; the clinician
/// real): a refused start spends nobody's budget. PostgreSQL counted them
/// just before, the same way ([`limits::count_apart`]).
/// Answers one row: over_limit, locked_until, clinician_ok, queued,
/// with_code.
pub fn start_operation(kind: ContactKind) -> Operation {
    struct Places {
        column: &'static str,
        /// The requester's own limits (key, max).
        pairs: &'static [(&'static str, &'static str)],
        origin: (&'static str, &'static str, &'static str),
        link: (&'static str, &'static str),
        requester: &'static str,
        ceiling: (&'static str, &'static str),
        language: &'static str,
        params: usize,
    }
    let places = match kind {
        ContactKind::Email => Places {
            column: "email",
            pairs: &[("$3", "$4"), ("$5", "$6")],
            origin: ("$24", "$25", "$26"),
            link: ("$27", "$28"),
            requester: "$29",
            ceiling: ("$30", "$31"),
            language: "$32",
            params: 32,
        },
        ContactKind::Sms => Places {
            column: "phone",
            pairs: &[("$3", "$4"), ("$5", "$6"), ("$24", "$25"), ("$34", "$35")],
            origin: ("$26", "$27", "$28"),
            link: ("$29", "$30"),
            requester: "$31",
            ceiling: ("$32", "$33"),
            language: "$36",
            params: 36,
        },
    };
    let (origin_device, origin_ip, channel) = places.origin;
    let requester = places.requester;
    let (ceiling_key, ceiling_max) = places.ceiling;
    let account = format!("(SELECT id FROM users WHERE {} = $10)", places.column);
    let known = format!(
        "EXISTS (SELECT 1 FROM trusted_requesters WHERE identifier = $21 AND requester = {requester})"
    );
    let locked = format!(
        "(EXISTS (SELECT 1 FROM identifier_guards WHERE identifier = $21 AND locked_until > $1) AND NOT {known})"
    );
    let clinician_ok =
        "($22 IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = $22 AND role = 'clinician'))";
    let request = "INSERT INTO auth_requests (id, flavor, contact_kind, contact, user_id, registration, \
         device_challenge, code_hash, code_expires_at, expires_at, resend_after, sends, status, created_at, \
         origin_device, origin_ip, channel, link_hash, link_code, origin_requester, language)";
    // A code (and a link) only where there is an account or a registration.
    let with_code = |value: &str| {
        format!("CASE WHEN account.id IS NOT NULL OR $11 IS NOT NULL THEN {value} END")
    };
    let code_hash = with_code("$13");
    let (link_hash, link_code) = (with_code(places.link.0), with_code(places.link.1));
    let job = queue::insert_sql("$17", "$18", "chosen.body", "$1", "$23");
    let outcome = |job: &str, request: &str, over: String| {
        format!(
            "SELECT CASE WHEN {over} THEN 1 ELSE 0 END AS over_limit, \
             CASE WHEN {known} THEN NULL \
                  ELSE (SELECT locked_until FROM identifier_guards WHERE identifier = $21) END AS locked_until, \
             CASE WHEN {clinician_ok} THEN 1 ELSE 0 END AS clinician_ok, \
             CASE WHEN EXISTS (SELECT 1 FROM {job}) THEN 1 ELSE 0 END AS queued, \
             CASE WHEN EXISTS (SELECT 1 FROM {request} WHERE code_hash IS NOT NULL) THEN 1 ELSE 0 END AS with_code"
        )
    };
    // A counter at its maximum in this window refuses the start (the
    // ceiling not for a known requester).
    // Each counter is looked up by its key (the primary key), never scanned.
    let at_limit = {
        let counter = |key: &str, max: &str| {
            format!(
                "EXISTS (SELECT 1 FROM rate_counters WHERE key = {key} AND window_start = $2 AND count >= {max})"
            )
        };
        let mut conditions: Vec<String> = places
            .pairs
            .iter()
            .map(|(key, max)| counter(key, max))
            .collect();
        conditions.push(format!(
            "({} AND NOT {known})",
            counter(ceiling_key, ceiling_max)
        ));
        format!("({})", conditions.join(" OR "))
    };
    let counted_keys: Vec<String> = places
        .pairs
        .iter()
        .map(|(key, _)| format!("({key})"))
        .chain(std::iter::once(format!("({ceiling_key})")))
        .collect();
    let admit = format!(
        "INSERT INTO rate_counters (key, window_start, count) \
           SELECT column1, $2, 1 FROM (VALUES {}) \
           WHERE NOT {at_limit} AND NOT {locked} AND {clinician_ok} \
         ON CONFLICT (key) DO UPDATE SET \
           count = CASE WHEN rate_counters.window_start = excluded.window_start \
                        THEN rate_counters.count + 1 ELSE 1 END, \
           window_start = excluded.window_start",
        counted_keys.join(", ")
    );
    let values = format!(
        "SELECT $7, $8, $9, $10, account.id, $11, $12, {code_hash}, $14, $15, $16, 1, 'pending', $1, \
         {origin_device}, {origin_ip}, {channel}, {link_hash}, {link_code}, {requester}, {language} \
         FROM (SELECT {account} AS id) AS account",
        language = places.language
    );
    Operation {
        name: "start",
        params: places.params,
        sqlite: format!(
            "{admit}; \
             {request} {values} WHERE changes() > 0; \
             {job} FROM (SELECT CASE WHEN code_hash IS NOT NULL THEN $19 ELSE $20 END AS body \
                         FROM auth_requests WHERE id = $7) AS chosen WHERE chosen.body IS NOT NULL; \
             {outcome}",
            outcome = outcome(
                "message_jobs WHERE id = $17",
                "(SELECT code_hash FROM auth_requests WHERE id = $7) AS request",
                format!("NOT EXISTS (SELECT 1 FROM auth_requests WHERE id = $7) AND {at_limit}")
            ),
        ),
        // The limits were counted just before, apart (`limits::count_apart`):
        // the limit parameters go unused here.
        postgres: format!(
            "WITH request AS ({request} {values} \
               WHERE NOT {locked} AND {clinician_ok} RETURNING code_hash), \
             job AS ({job} FROM (SELECT CASE WHEN code_hash IS NOT NULL THEN $19 ELSE $20 END AS body \
                                FROM request) AS chosen WHERE chosen.body IS NOT NULL RETURNING id) \
             {outcome}",
            outcome = outcome("job", "request", String::from("FALSE")),
        ),
    }
}

/// The login operation. Parameters: $1 request, $2 now, $3 new session (and
/// this call's mark on the try it takes), $4 keyed hash of the code given or
/// NULL, $5 challenge of the verifier given (NULL for BioT), $6 flavor, $7
/// refresh-token hash, $8 its expiry, $9 tries allowed, $10 keyed hash of the
/// link secret given or NULL, $11 wrong tries in a row that lock the
/// identifier, $12 until when.
///
/// The one row update takes the try and compares in the same step (the row
/// is locked while it does, on both databases): a right proof costs nothing
/// and completes the request, a wrong one counts. The rows written on success
/// are those of `sessions::open`. The one row answered holds the account
/// when this call logged in, `failed_attempts` when it counted a wrong
/// proof, and NULLs when it tried nothing. A disabled account's request is
/// not tried here: the locked path counts its proof and refuses it.
pub fn log_in_operation() -> Operation {
    let right = "(auth_requests.code_hash = $4 OR auth_requests.link_hash = $10)";
    let tried = format!(
        "UPDATE auth_requests SET last_try = $3, \
           failed_attempts = failed_attempts + CASE WHEN {right} THEN 0 ELSE 1 END, \
           status = CASE WHEN {right} THEN 'completed' WHEN failed_attempts + 1 >= $9 THEN 'locked' ELSE 'pending' END, \
           completed_at = CASE WHEN {right} THEN $2 END, \
           session_id = CASE WHEN {right} THEN $3 END, \
           code_hash = CASE WHEN {right} THEN NULL ELSE code_hash END, \
           link_hash = CASE WHEN {right} THEN NULL ELSE link_hash END, \
           link_code = CASE WHEN {right} THEN NULL ELSE link_code END \
         WHERE id = $1 AND flavor = $6 AND status = 'pending' AND user_id IS NOT NULL \
           AND device_challenge IS NOT DISTINCT FROM $5 AND failed_attempts < $9 \
           AND code_expires_at > $2 AND expires_at > $2 \
           AND NOT EXISTS (SELECT 1 FROM users WHERE users.id = auth_requests.user_id \
                           AND users.disabled_at IS NOT NULL)"
    );
    let failure = |source: &str| {
        format!(
            "INSERT INTO identifier_guards (identifier, consecutive_failures, locked_until) \
               {source} \
             ON CONFLICT (identifier) DO UPDATE SET \
               consecutive_failures = CASE WHEN identifier_guards.consecutive_failures + 1 >= $11 \
                 THEN 0 ELSE identifier_guards.consecutive_failures + 1 END, \
               locked_until = CASE WHEN identifier_guards.consecutive_failures + 1 >= $11 \
                 THEN $12 ELSE identifier_guards.locked_until END"
        )
    };
    // The owner logged in from this requester: a stranger's traffic will
    // not stop them getting codes from it.
    // Written again at most daily: most logins come from a known requester,
    // and a row rewritten on each would cost every login a write.
    let trust = |source: &str| {
        format!(
            "INSERT INTO trusted_requesters (identifier, requester, last_login_at) {source} \
             ON CONFLICT (identifier, requester) DO UPDATE SET last_login_at = excluded.last_login_at \
             WHERE trusted_requesters.last_login_at < excluded.last_login_at - 86400000"
        )
    };
    let account = accounts::COLUMNS;
    Operation {
        name: "log_in",
        params: 12,
        sqlite: format!(
            "{tried}; \
             INSERT INTO sessions (id, user_id, created_at, device_name, last_seen_at, login_ip) \
               SELECT $3, user_id, $2, origin_device, $2, origin_ip FROM auth_requests WHERE id = $1 AND session_id = $3; \
             INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) \
               SELECT $7, id, $2, $8 FROM sessions WHERE id = $3; \
             DELETE FROM identifier_guards WHERE identifier = \
               (SELECT {IDENTIFIER_SQL} FROM auth_requests WHERE id = $1 AND session_id = $3); \
             {trusted}; \
             {failed}; \
             SELECT {account}, \
               (SELECT failed_attempts FROM auth_requests \
                WHERE id = $1 AND last_try = $3 AND session_id IS NULL) AS failed_attempts \
             FROM (SELECT 1) AS answer \
               LEFT JOIN users ON users.id = (SELECT user_id FROM sessions WHERE id = $3)",
            failed = failure(&format!(
                "SELECT {IDENTIFIER_SQL}, 1, 0 FROM auth_requests \
                 WHERE id = $1 AND last_try = $3 AND session_id IS NULL"
            )),
            trusted = trust(&format!(
                "SELECT {IDENTIFIER_SQL}, origin_requester, $2 FROM auth_requests \
                 WHERE id = $1 AND session_id = $3 AND origin_requester IS NOT NULL"
            )),
        ),
        postgres: format!(
            "WITH done AS ({tried} RETURNING user_id, session_id, failed_attempts, origin_requester, \
                           origin_device, origin_ip, {IDENTIFIER_SQL} AS identifier), \
             opened AS (INSERT INTO sessions (id, user_id, created_at, device_name, last_seen_at, login_ip) \
                        SELECT $3, user_id, $2, origin_device, $2, origin_ip FROM done WHERE session_id = $3 \
                        RETURNING id, user_id), \
             token AS (INSERT INTO refresh_tokens (token_hash, session_id, issued_at, expires_at) \
                       SELECT $7, id, $2, $8 FROM opened), \
             cleared AS (DELETE FROM identifier_guards \
                         WHERE identifier IN (SELECT identifier FROM done WHERE session_id = $3)), \
             failed AS ({failed}), \
             trusted AS ({trusted}) \
             SELECT {account}, (SELECT failed_attempts FROM done WHERE session_id IS NULL) AS failed_attempts \
             FROM (SELECT 1) AS answer \
               LEFT JOIN users ON users.id = (SELECT user_id FROM opened)",
            failed = failure("SELECT identifier, 1, 0 FROM done WHERE session_id IS NULL"),
            trusted = trust(
                "SELECT identifier, origin_requester, $2 FROM done \
                 WHERE session_id = $3 AND origin_requester IS NOT NULL"
            ),
        ),
    }
}

/// The runners of login's hot operations, one per kind.
pub fn operations(db: &crate::db::Database) -> HotOperations {
    HotOperations {
        start_by_email: Runner::new(db, start_operation(ContactKind::Email)),
        start_by_phone: Runner::new(db, start_operation(ContactKind::Sms)),
        log_in: Runner::new(db, log_in_operation()),
        count_limits: (db.backend() == Backend::Postgres)
            .then(|| Runner::new(db, limits::count_operation())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn highest_parameter(sql: &str) -> usize {
        sql.split('$')
            .skip(1)
            .filter_map(|rest| {
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                digits.parse().ok()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn combined_statements_take_the_parameters_bound_to_them() {
        for operation in [
            start_operation(ContactKind::Email),
            start_operation(ContactKind::Sms),
            log_in_operation(),
        ] {
            assert_eq!(
                highest_parameter(&operation.sqlite),
                operation.params,
                "{}",
                operation.name
            );
            // PostgreSQL counts the start's limits apart; the same arguments are bound.
            assert!(
                highest_parameter(&operation.postgres) <= operation.params,
                "{}",
                operation.name
            );
        }
    }
}
