//! One-time codes sent to a person's contact, wherever they are used: a
//! login, a phone number to prove, a fresh proof before a change. One
//! place makes them, sends them under the send limits, and checks them.
//!
//! Invariant: a code is checked only after its try was taken atomically
//! (`check_requested_code`); a wrong code spends it and counts toward the
//! identifier's lockout, which the owner's trusted devices are spared
//! (`admit_message`), so a stranger's guesses cannot lock the owner out.

use crate::clock::Millis;
use crate::error::ServiceError;
use crate::identity::{Contact, phone_prefix};
use crate::limits::{self, Limit};
use crate::outbound::messages::{Channel, Fill, Template};
use crate::outbound::queue;
use crate::state::AppState;
use carekey_api::SecretString;
use carekey_i18n::Language;
use sqlx::Row;
use std::net::IpAddr;

/// The send limits a message to `contact` asked from `client_ip` counts
/// against, each keyed so that a stranger cannot spend the owner's: the
/// identifier's budget is per requester (the owner's own network keeps its
/// own), the IP's is the requester's own, and a phone prefix's budget has a
/// share per requester (one address or /64 cannot empty it). The
/// identifier-wide ceiling is apart ([`identifier_ceiling`]): the owner's
/// known requesters pass it.
pub(crate) fn send_limits(state: &AppState, contact: &Contact, client_ip: IpAddr) -> Vec<Limit> {
    let policy = &state.policy;
    let requester = limits::requester(client_ip);
    let mut limits = vec![
        Limit {
            key: format!("send:id:{}|{requester}", contact.key()),
            max: policy.send_limit_per_identifier,
        },
        Limit {
            key: format!("send:ip:{requester}"),
            max: policy.send_limit_per_ip,
        },
    ];
    if let Contact::Phone(number) = contact {
        let prefix = phone_prefix(number, policy.phone_prefix_digits);
        limits.push(Limit {
            key: format!("send:prefix:{prefix}"),
            max: policy.send_limit_per_phone_prefix,
        });
        limits.push(Limit {
            key: format!("send:prefix:{prefix}|{requester}"),
            // A tenth of the prefix's budget, at least ten (or all of a
            // smaller one).
            max: (policy.send_limit_per_phone_prefix / 10)
                .max(policy.send_limit_per_phone_prefix.min(10)),
        });
    }
    limits
}

/// Queues `code` to the account's own `contact` (no link: the person is in
/// the app) in `tx`, in the account's `language`, commits, and hands the
/// message to the worker.
pub(crate) async fn send_account_code(
    state: &AppState,
    mut tx: crate::db::Tx,
    (contact, language): (&Contact, Option<&str>),
    code: &SecretString,
    ttl: Millis,
) -> Result<(), ServiceError> {
    let now = state.clock.now_ms();
    let job = prepare_message(
        state,
        &crate::db::new_id(now),
        (contact, contact.kind().into()),
        Template::Code,
        (code.expose(), None),
        (ttl, state.templates.language(&[language])),
    )?
    .ok_or_else(|| ServiceError::Internal("a code message with no text".into()))?;
    queue::enqueue(&mut tx, &job, now, state.queue.lease_ms).await?;
    tx.commit().await?;
    message_queued(state, &job);
    Ok(())
}

/// Admits one more message to `contact` asked from `client_ip`, inside
/// `tx`: refused while the identifier is locked out (unless the owner has
/// logged in from this requester), else counted against the send limits
/// (a refusal rolls the counts back with `tx`). For the messages of a
/// request already started (resend) and of a logged-in account (a phone
/// to prove, a fresh proof); starts count in their own operation.
pub(crate) async fn admit_message(
    state: &AppState,
    tx: &mut crate::db::Tx,
    contact: &Contact,
    client_ip: IpAddr,
    now: Millis,
) -> Result<(), ServiceError> {
    let known =
        limits::known_requester(&mut *tx, &contact.key(), &limits::requester(client_ip)).await?;
    if !known && let Some(wait) = limits::lockout(&mut *tx, &contact.key(), now).await? {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(wait),
        });
    }
    limits::count_send(
        &mut *tx,
        &send_limits(state, contact, client_ip),
        state.policy.send_window_ms,
        now,
    )
    .await
}

/// The identifier-wide ceiling: all requesters together, except those the
/// identifier's owner has logged in from.
pub(crate) fn identifier_ceiling(state: &AppState, contact: &Contact) -> Limit {
    Limit {
        key: format!("send:id:{}", contact.key()),
        max: state.policy.send_limit_per_identifier_total,
    }
}

/// The message for a request (its code and link, or word that no account
/// exists), sealed as the body of job `job_id`; `None` where the channel
/// has no such message (see `Templates::compose`).
pub(crate) fn prepare_message(
    state: &AppState,
    job_id: &str,
    (contact, channel): (&Contact, Channel),
    template: Template,
    (code, link): (&str, Option<&str>),
    (ttl_ms, language): (Millis, Language),
) -> Result<Option<queue::SealedJob>, ServiceError> {
    let transport = state
        .channels
        .transport_for(channel)
        .ok_or(ServiceError::ChannelUnavailable(channel.as_str()))?;
    let fill = Fill {
        code,
        link,
        minutes: u64::try_from(ttl_ms / 60_000).unwrap_or(1).max(1),
        host: &state.public_host,
    };
    state
        .templates
        .compose(template, channel, contact.address(), &fill, language)
        .map(|message| queue::seal(&state.sealer, job_id, transport, &message))
        .transpose()
}

/// Queues one message on its own, outside any request's transaction.
pub(crate) async fn queue_now(state: &AppState, job: queue::SealedJob) -> Result<(), ServiceError> {
    let mut conn = state.db.writer().acquire().await?;
    queue::enqueue(&mut conn, &job, state.clock.now_ms(), state.queue.lease_ms).await?;
    message_queued(state, &job);
    Ok(())
}

pub(crate) fn message_queued(state: &AppState, job: &queue::SealedJob) {
    crate::metrics::Metrics::transport(&state.metrics.messages_queued, job.transport.as_str());
    state.local_lane.send(job);
}

/// The tables of requests that wait for a code.
#[derive(Debug, Clone, Copy)]
pub(crate) enum CodeRequests {
    Logins,
    ContactVerifications,
    Proofs,
}

/// A wrong code: counts it against its request (locked at the limit) and
/// against the identifier, commits that (although the answer is an error),
/// and says how many tries are left. The caller holds the request's row
/// lock from before it compared.
pub(crate) async fn refuse_wrong_code(
    state: &AppState,
    mut tx: crate::db::Tx,
    table: CodeRequests,
    request_id: &str,
    failed_before: i64,
    contact: &Contact,
) -> Result<ServiceError, ServiceError> {
    let policy = &state.policy;
    let now = state.clock.now_ms();
    let failed = failed_before + 1;
    let locked = failed >= i64::from(policy.max_attempts_per_request);
    let sql = match table {
        CodeRequests::Logins => {
            "UPDATE auth_requests SET failed_attempts = $2, status = $3 WHERE id = $1"
        }
        CodeRequests::ContactVerifications => {
            "UPDATE contact_verifications SET failed_attempts = $2, status = $3 WHERE id = $1"
        }
        CodeRequests::Proofs => "UPDATE proofs SET failed_attempts = $2, status = $3 WHERE id = $1",
    };
    sqlx::query(sql)
        .bind(request_id.to_owned())
        .bind(failed)
        .bind(if locked { "locked" } else { "pending" })
        .execute(&mut *tx)
        .await?;
    limits::record_failure(
        &mut tx,
        &contact.key(),
        policy.max_consecutive_failures,
        policy.failure_lockout_ms,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(invalid_code(state, failed))
}

/// Checks `code` for an account's own code request (a phone being proven, a
/// fresh proof), read with its row lock held in `tx` from `row`
/// (`status`, `failed_attempts`, `code_expires_at`, `code_hash`). A wrong
/// code is counted and committed before the error is answered; a right one
/// hands the transaction back to finish the change.
pub(crate) async fn check_requested_code(
    state: &AppState,
    mut tx: crate::db::Tx,
    (table, request_id): (CodeRequests, &str),
    row: &sqlx::any::AnyRow,
    contact: &Contact,
    code: &str,
) -> Result<crate::db::Tx, ServiceError> {
    let now = state.clock.now_ms();
    let failed: i64 = row.try_get("failed_attempts")?;
    match row.try_get::<String, _>("status")?.as_str() {
        "completed" => return Err(ServiceError::CodeUsed),
        "locked" => return Err(ServiceError::TooManyAttempts { retry_after: None }),
        _ => {}
    }
    if failed >= i64::from(state.policy.max_attempts_per_request) {
        return Err(ServiceError::TooManyAttempts { retry_after: None });
    }
    if let Some(wait) = limits::lockout(&mut tx, &contact.key(), now).await? {
        return Err(ServiceError::TooManyAttempts {
            retry_after: Some(wait),
        });
    }
    if now >= row.try_get::<i64, _>("code_expires_at")? {
        return Err(ServiceError::CodeExpired);
    }
    let stored: Option<Vec<u8>> = row.try_get("code_hash")?;
    let right = stored
        .as_deref()
        .is_some_and(|stored| state.codes.matches(request_id, code.trim(), stored));
    if !right {
        return Err(refuse_wrong_code(state, tx, table, request_id, failed, contact).await?);
    }
    Ok(tx)
}

pub(crate) fn invalid_code(state: &AppState, failed: i64) -> ServiceError {
    let attempts_left = i64::from(state.policy.max_attempts_per_request) - failed;
    ServiceError::InvalidCode {
        attempts_left: u32::try_from(attempts_left.max(0)).unwrap_or(0),
    }
}
