//! "This was not me": when an account's login email or phone changes, each
//! of its addresses of before is told, with a link
//! (`<public url>/not-me/<change id>.<secret>`) that logs every device of the
//! account out and puts the previous address back.
//!
//! Why: a change of login needs a session and a fresh proof, but a stolen
//! phone that is still unlocked has both; without a way back, the thief's
//! new address would own the account. The person who held the address of
//! before is, for this purpose, the owner: the link only ever reaches them.
//!
//! Invariants: the secret is 160 random bits kept as a keyed hash in its own
//! domain; every check of it takes a try (counted and committed) before it
//! compares, and a change's link works once, for [`LINK_DAYS`] days (after
//! that, a number or mailbox given up and handed to someone else must not be
//! able to take the account back). Opening the link (`GET`) changes nothing,
//! so a mail scanner or a link preview cannot log anyone out; the form on
//! the page (`POST`) does it. The previous address is put back only while
//! the changed one is still current and no other account took it meanwhile;
//! the devices are logged out in every case.

use crate::accounts::User;
use crate::clock::Millis;
use crate::db::Tx;
use crate::error::ServiceError;
use crate::http::Shared;
use crate::http::pages::{accept_language, escape, page, paragraph, words_page};
use crate::identity::{Contact, ContactKind};
use crate::outbound::messages::Channel;
use crate::outbound::queue;
use crate::secrets::{generate_link_secret, same_digest, split_link_token};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use carekey_i18n::Language;
use sqlx::Row;

/// How long the link of a change works.
pub const LINK_DAYS: i64 = 7;

/// Checks of one link's secret before it stops answering (a secret of 160
/// random bits is never guessed; this only bounds the work one link costs).
const MAX_TRIES: i64 = 10;

/// Tells the account's login addresses of before (`before`, read in `tx`
/// ahead of the change) that `current` is now its login of that kind, each
/// with its own link. Returns the queued messages, to be handed to the
/// worker once `tx` commits. An address whose channel this server lacks is
/// not told.
pub async fn tell_previous(
    state: &AppState,
    tx: &mut Tx,
    before: &User,
    current: &Contact,
    previous: Option<&str>,
    now: Millis,
) -> Result<Vec<queue::SealedJob>, ServiceError> {
    let kind = current.kind();
    let mut told: Vec<Contact> = Vec::new();
    if let Some(email) = &before.email {
        told.push(Contact::Email(email.clone()));
    }
    if let Some(phone) = before.phone.as_ref().filter(|_| before.phone_verified) {
        told.push(Contact::Phone(phone.clone()));
    }
    told.retain(|contact| contact.address() != current.address());
    let address = current.masked();
    let notice = crate::outbound::messages::Notice::LoginChanged {
        kind,
        address: &address,
    };
    let language = state.templates.language(&[before.language.as_deref()]);
    let mut jobs = Vec::new();
    for contact in told {
        let channel: Channel = contact.kind().into();
        let Some(transport) = state.channels.transport_for(channel) else {
            continue;
        };
        let id = crate::db::new_id(now);
        let secret = generate_link_secret();
        sqlx::query(
            "INSERT INTO contact_changes (id, user_id, kind, previous, current, secret_hash, expires_at, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id.clone())
        .bind(before.id.clone())
        .bind(crate::account::contacts::column(kind))
        .bind(previous.map(str::to_owned))
        .bind(current.address().to_owned())
        .bind(state.codes.hash_report(&id, secret.expose()))
        .bind(now.saturating_add(LINK_DAYS * 24 * 3600 * 1000))
        .bind(now)
        .execute(&mut **tx)
        .await?;
        let link = zeroize::Zeroizing::new(format!(
            "{}/not-me/{id}.{}",
            state.public_url,
            secret.expose()
        ));
        let message =
            state
                .templates
                .contact_changed(channel, contact.address(), (&notice, &link), language);
        let job = queue::seal(&state.sealer, &crate::db::new_id(now), transport, &message)?;
        queue::enqueue(&mut *tx, &job, now, state.queue.lease_ms).await?;
        jobs.push(job);
    }
    Ok(jobs)
}

fn not_a_link(state: &AppState, language: Language) -> Response {
    words_page(
        &state.templates,
        StatusCode::NOT_FOUND,
        language,
        "not-me-malformed",
        (&[], &[]),
    )
}

fn ended(state: &AppState, language: Language) -> Response {
    words_page(
        &state.templates,
        StatusCode::GONE,
        language,
        "not-me-ended",
        (&[], &[]),
    )
}

/// What a report did, for its page.
enum Outcome {
    Done { restored: bool, kind: &'static str },
    Ended,
    NotALink,
}

/// Takes a try of the link, then checks it and, when it holds, ends every
/// session of the account and puts the previous address back; all in one
/// transaction, the try committed whatever the check says.
async fn report(state: &AppState, token: &str) -> Result<Outcome, ServiceError> {
    let Some((id, secret)) = split_link_token(token) else {
        return Ok(Outcome::NotALink);
    };
    let now = state.clock.now_ms();
    let mut tx = state.db.begin().await?;
    let sql = format!(
        "SELECT user_id, kind, previous, current, secret_hash, failed_attempts, expires_at, reported_at \
         FROM contact_changes WHERE id = $1{}",
        state.db.backend().for_update()
    );
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.clone())
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(Outcome::NotALink);
    };
    let tries: i64 = row.try_get("failed_attempts")?;
    if row.try_get::<Option<i64>, _>("reported_at")?.is_some() || tries >= MAX_TRIES {
        return Ok(Outcome::Ended);
    }
    sqlx::query("UPDATE contact_changes SET failed_attempts = failed_attempts + 1 WHERE id = $1")
        .bind(id.clone())
        .execute(&mut *tx)
        .await?;
    let stored: Vec<u8> = row.try_get("secret_hash")?;
    if !same_digest(&state.codes.hash_report(&id, &secret), &stored) {
        tx.commit().await?;
        tracing::info!(change = %id, "a not-me link with a wrong secret");
        return Ok(Outcome::NotALink);
    }
    if row.try_get::<i64, _>("expires_at")? <= now {
        tx.commit().await?;
        return Ok(Outcome::Ended);
    }
    let user_id: String = row.try_get("user_id")?;
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "email" => ContactKind::Email,
        _ => ContactKind::Sms,
    };
    let column = crate::account::contacts::column(kind);
    let previous: Option<String> = row.try_get("previous")?;
    let current: String = row.try_get("current")?;
    sqlx::query("UPDATE contact_changes SET reported_at = $2 WHERE id = $1")
        .bind(id.clone())
        .bind(now)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "UPDATE sessions SET revoked_at = $2, revoked_reason = $3 \
         WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(user_id.clone())
    .bind(now)
    .bind(crate::sessions::REPORTED)
    .execute(&mut *tx)
    .await?;
    // Checked first rather than left to the UNIQUE constraint: on
    // PostgreSQL a failed statement would abort the whole transaction, and
    // the devices must be logged out whatever happens to the address.
    let taken = match &previous {
        Some(previous) => sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id FROM users WHERE {column} = $1 AND id <> $2"
        )))
        .bind(previous.clone())
        .bind(user_id.clone())
        .fetch_optional(&mut *tx)
        .await?
        .is_some(),
        None => false,
    };
    let restored = !taken
        && sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE users SET {column} = $2, updated_at = $4 WHERE id = $1 AND {column} = $3"
        )))
        .bind(user_id.clone())
        .bind(previous)
        .bind(current)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
    tx.commit().await?;
    tracing::warn!(change = %id, user = %user_id, restored, "a login change was reported as not the owner's: every session ended");
    Ok(Outcome::Done {
        restored,
        kind: column,
    })
}

#[utoipa::path(get, path = "/not-me/{token}", tag = "links",
    description = "The page of a \"this was not me\" link, sent to an account's addresses of before when its login email or phone changed. It changes nothing: its form (POST) logs every device out and puts the previous address back.",
    params(("token" = String, Path, description = "<change id>.<secret>")),
    responses(
        (status = 200, description = "the page, with its form"),
        (status = 404, description = "not such a link"),
    ))]
pub(super) async fn not_me_page(
    State(state): Shared,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Response {
    let language = state.templates.page_language(accept_language(&headers));
    if split_link_token(&token).is_none() {
        return not_a_link(&state, language);
    }
    let words = |id: &str| state.templates.words(language, id, None, &[]);
    page(
        StatusCode::OK,
        &state.templates.tag(language),
        &state
            .templates
            .words(language, "not-me", Some("title"), &[]),
        &format!(
            "{explained}<form method=\"post\" action=\"/not-me/{token}\">\
             <button type=\"submit\">{button}</button></form>{hint}",
            explained = paragraph(&words("not-me"), false),
            button = escape(&words("not-me-button")),
            hint = paragraph(&words("not-me-hint"), true),
            token = escape(token.trim())
        ),
    )
}

#[utoipa::path(post, path = "/not-me/{token}", tag = "links",
    description = "The report of a \"this was not me\" link: ends every session of the account and puts the previous login address back (if the changed one is still current and nobody else took the old one). Works once, for 7 days; every try of a link counts.",
    params(("token" = String, Path, description = "<change id>.<secret>")),
    responses(
        (status = 200, description = "done: the page says what was done"),
        (status = 404, description = "not such a link"),
        (status = 410, description = "used already, or expired"),
    ))]
pub(super) async fn not_me_report(
    State(state): Shared,
    Path(token): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ServiceError> {
    let language = state.templates.page_language(accept_language(&headers));
    Ok(match report(&state, &token).await? {
        Outcome::NotALink => not_a_link(&state, language),
        Outcome::Ended => ended(&state, language),
        Outcome::Done { restored, kind } => {
            let kind = if kind == "email" { "email" } else { "phone" };
            let back = if restored {
                "not-me-restored"
            } else {
                "not-me-not-restored"
            };
            words_page(
                &state.templates,
                StatusCode::OK,
                language,
                "not-me-done",
                (&[("kind", kind.into())], &[back, "not-me-done-hint"]),
            )
        }
    })
}
