//! Keeping the database small and the SQLite log short: the janitor deletes
//! what can no longer be used, every minute; the checkpointer folds SQLite's
//! write-ahead log back into the database.
//!
//! Invariant: nothing deleted here could still be used: every delete is a
//! day (or more) past the moment its row stopped counting.

use crate::clock::Millis;
use crate::db::{Arg, Database};
use crate::state::AppState;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Keeps SQLite's write-ahead log short (see `Database::checkpoint`).
pub async fn checkpointer(db: Database, mut stop: watch::Receiver<bool>) {
    if db.backend() != crate::db::Backend::Sqlite {
        return;
    }
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(250)) => {}
            _ = stop.changed() => return,
        }
        if let Err(error) = db.checkpoint().await {
            tracing::warn!(error = %error, "checkpoint failed");
        }
    }
}

/// Runs [`clean_up`] every minute.
pub async fn janitor(state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(60)) => {}
            _ = stop.changed() => return,
        }
        clean_up(&state).await;
    }
}

/// Reads the signing keys every [`crate::tokens::KEY_RELOAD_INTERVAL_MS`]:
/// a rotation (by an operator, on any instance) reaches this one in time,
/// and a key's time to sign or to retire comes without a restart.
pub async fn key_reloader(state: Arc<AppState>, mut stop: watch::Receiver<bool>) {
    let interval = Duration::from_millis(crate::tokens::KEY_RELOAD_INTERVAL_MS.unsigned_abs());
    loop {
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = stop.changed() => return,
        }
        reload_keys(&state).await;
    }
}

/// One reload. A failure keeps the keys in use, and says so: they stay
/// valid until an operator's rotation, which a later reload picks up.
pub async fn reload_keys(state: &AppState) {
    let now = state.clock.now_ms();
    let reloaded = match crate::tokens::stored_keys(&state.db, now).await {
        Ok(stored) => state.tokens.replace(&stored, now),
        Err(error) => Err(crate::tokens::TokenError::Store(error.to_string())),
    };
    if let Err(error) = reloaded {
        tracing::warn!(error = %error, "could not reload the signing keys; keeping those in use");
    }
}

/// Deletes what can no longer be used: ended requests (a day after they
/// could last end), WhatsApp references a day after they expired, WhatsApp
/// message ids a week old, phone verifications a day old, counters of past
/// windows, spent lockouts, refresh tokens expired a day ago, messages given
/// up a month ago, retired signing keys, invitations a day after they ended,
/// and guests nobody can come back to.
pub async fn clean_up(state: &AppState) {
    const DAY: Millis = 24 * 3600 * 1000;
    let now = state.clock.now_ms();
    // Requests end at most `request_ttl` after they start; their ids
    // (UUIDv7) sort by start time, so no index on expiry is needed.
    let ended = crate::db::first_id_at(now - DAY - state.policy.request_ttl_ms);
    let window = state.policy.send_window_ms;
    let statements: [(&str, Arg); 14] = [
        (
            "DELETE FROM auth_requests WHERE id < $1",
            ended.clone().into(),
        ),
        (
            "DELETE FROM login_approvals WHERE request_id < $1",
            ended.into(),
        ),
        (
            "DELETE FROM whatsapp_requests WHERE expires_at < $1",
            (now - DAY).into(),
        ),
        // Meta retries an unanswered delivery for up to 7 days.
        (
            "DELETE FROM whatsapp_messages WHERE received_at < $1",
            (now - 7 * DAY).into(),
        ),
        (
            "DELETE FROM contact_verifications WHERE id < $1",
            crate::db::first_id_at(now - DAY).into(),
        ),
        // A "this was not me" link works for 7 days; a day more for the
        // page to say it ended rather than that it is no link at all.
        (
            "DELETE FROM contact_changes WHERE expires_at < $1",
            (now - DAY).into(),
        ),
        // An invitation works a week at most; a day more for its link
        // to say it ended rather than that it is no link at all.
        (
            "DELETE FROM invitations WHERE expires_at < $1",
            (now - DAY).into(),
        ),
        (
            "DELETE FROM proofs WHERE id < $1",
            crate::db::first_id_at(now - DAY).into(),
        ),
        (
            "DELETE FROM trusted_requesters WHERE last_login_at < $1",
            (now - 180 * DAY).into(),
        ),
        (
            "DELETE FROM rate_counters WHERE window_start < $1",
            (now - 2 * window).into(),
        ),
        (
            "DELETE FROM identifier_guards WHERE consecutive_failures = 0 AND locked_until < $1",
            now.into(),
        ),
        (
            "DELETE FROM refresh_tokens WHERE expires_at < $1",
            (now - DAY).into(),
        ),
        (
            "DELETE FROM message_jobs WHERE status = 'failed' AND run_at < $1",
            (now - 30 * DAY).into(),
        ),
        // Retired: every token they signed has expired.
        (
            "DELETE FROM signing_keys WHERE retire_after < $1",
            now.into(),
        ),
    ];
    for (sql, before) in statements {
        if let Err(error) = before
            .bind(sqlx::query(sql))
            .execute(state.db.writer())
            .await
        {
            tracing::warn!(error = %error, "janitor could not clean up");
        }
    }
    if let Err(error) = crate::account::guests::delete_abandoned(state).await {
        tracing::warn!(error = %error, "janitor could not delete abandoned guests");
    }
}
