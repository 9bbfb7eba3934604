//! `carekey-server users` and `sessions`, and `unlock`: finding an account
//! as support is asked about it, ending its sessions, lifting the lock
//! that wrong codes put on an email or phone number.
//!
//! Invariant: an account is named by its id, or by its email or phone
//! number normalised exactly as a login normalises them, so the operator
//! finds the account the person logs into. Revoking works on the
//! `sessions` rows every request checks (`sessions::authenticate`), so a
//! revoked session's access token stops working at once, not when it
//! expires.

use super::AdminError;
use crate::clock::{Millis, rfc3339};
use crate::db::Database;
use crate::identity::Contact;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

/// How an operator names an account.
enum Who {
    Id(String),
    Contact(Contact),
}

fn who(text: &str) -> Result<Who, AdminError> {
    let text = text.trim();
    if let Ok(id) = uuid::Uuid::parse_str(text) {
        return Ok(Who::Id(id.hyphenated().to_string()));
    }
    let contact = if text.contains('@') {
        Contact::email(text)
    } else {
        Contact::phone(text)
    };
    contact.map(Who::Contact).map_err(|_| {
        AdminError::Refused(format!(
            "`{text}` is not a user id, an email, or a phone number in international form (+…)"
        ))
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub role: String,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// The login number, or else the unverified one given at registration.
    pub phone: Option<String>,
    pub phone_verified: bool,
    pub guest: bool,
    pub created_at: String,
    pub active_sessions: i64,
}

/// The account's columns as every flow reads them (`accounts::COLUMNS`),
/// and what only the operator is shown.
fn user_columns() -> String {
    format!(
        "{}, created_at, (SELECT CAST(COUNT(*) AS BIGINT) FROM sessions s \
         WHERE s.user_id = users.id AND s.revoked_at IS NULL) AS active_sessions",
        crate::accounts::COLUMNS
    )
}

fn user(row: &AnyRow) -> Result<User, AdminError> {
    let account = crate::accounts::User::from_row(row)?;
    Ok(User {
        role: account.role.as_str().to_owned(),
        phone_verified: account.phone.is_some() && account.phone_verified,
        id: account.id,
        first_name: account.first_name,
        last_name: account.last_name,
        email: account.email,
        phone: account.phone,
        guest: account.guest,
        created_at: rfc3339(row.try_get("created_at")?),
        active_sessions: row.try_get("active_sessions")?,
    })
}

#[derive(Debug, Serialize)]
pub struct UserList {
    pub users: Vec<User>,
    /// More accounts than `limit` exist.
    pub more: bool,
}

impl std::fmt::Display for UserList {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for user in &self.users {
            writeln!(out, "{}", line(user))?;
        }
        if self.more {
            write!(out, "(more: --limit N shows more)")?;
        } else {
            write!(out, "{} accounts", self.users.len())?;
        }
        Ok(())
    }
}

fn line(user: &User) -> String {
    let contact = [user.email.as_deref(), user.phone.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
    let kind = if user.guest { "guest" } else { &user.role };
    format!(
        "{}  {:9}  {} {}  <{}>  since {}, {} active sessions",
        user.id,
        kind,
        user.first_name,
        user.last_name,
        contact,
        user.created_at,
        user.active_sessions
    )
}

/// The newest accounts first.
pub async fn list(db: &Database, limit: u32) -> Result<UserList, AdminError> {
    // Only constants go into the text; the limit is bound.
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM users ORDER BY created_at DESC, id DESC LIMIT $1",
        user_columns()
    )))
    .bind(i64::from(limit) + 1)
    .fetch_all(db.reader())
    .await?;
    let mut users = rows.iter().map(user).collect::<Result<Vec<_>, _>>()?;
    let more = users.len() > limit as usize;
    users.truncate(limit as usize);
    Ok(UserList { users, more })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UserDetail {
    pub user: User,
    pub sessions: Vec<Session>,
}

impl std::fmt::Display for UserDetail {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(out, "{}", line(&self.user))?;
        for session in &self.sessions {
            match (&session.revoked_at, &session.revoked_reason) {
                (Some(at), reason) => writeln!(
                    out,
                    "  session {} since {}: revoked {at} ({})",
                    session.id,
                    session.created_at,
                    reason.as_deref().unwrap_or("no reason")
                )?,
                (None, _) => writeln!(
                    out,
                    "  session {} since {}: active",
                    session.id, session.created_at
                )?,
            }
        }
        write!(out, "{} sessions", self.sessions.len())
    }
}

/// The account `text` names (id, email or phone) and its sessions.
pub async fn show(db: &Database, text: &str) -> Result<UserDetail, AdminError> {
    let user = find(db, text).await?;
    let rows = sqlx::query(
        "SELECT id, created_at, revoked_at, revoked_reason FROM sessions \
         WHERE user_id = $1 ORDER BY created_at DESC, id DESC",
    )
    .bind(&user.id)
    .fetch_all(db.reader())
    .await?;
    let sessions = rows
        .iter()
        .map(|row| {
            Ok(Session {
                id: row.try_get("id")?,
                created_at: rfc3339(row.try_get("created_at")?),
                revoked_at: row.try_get::<Option<Millis>, _>("revoked_at")?.map(rfc3339),
                revoked_reason: row.try_get("revoked_reason")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(UserDetail { user, sessions })
}

/// The account `text` names, found as a login finds it
/// (`accounts::id_by_contact`).
async fn find(db: &Database, text: &str) -> Result<User, AdminError> {
    let id = match who(text)? {
        Who::Id(id) => Some(id),
        Who::Contact(contact) => {
            let mut conn = db.reader().acquire().await?;
            crate::accounts::id_by_contact(&mut conn, &contact).await?
        }
    };
    let not_found = || AdminError::NotFound(format!("no account is `{}`", text.trim()));
    let id = id.ok_or_else(not_found)?;
    // `id` comes from the parsed UUID or the database; the text is constant.
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {} FROM users WHERE id = $1",
        user_columns()
    )))
    .bind(id)
    .fetch_optional(db.reader())
    .await?
    .ok_or_else(not_found)?;
    user(&row)
}

/// Whose sessions `sessions revoke` ends.
pub enum Scope<'a> {
    User(&'a str),
    Everyone,
}

#[derive(Debug, Serialize)]
pub struct Revoked {
    /// The account, when one was named.
    pub user: Option<String>,
    pub sessions: u64,
}

impl std::fmt::Display for Revoked {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.user {
            Some(user) => write!(out, "revoked {} sessions of {user}", self.sessions),
            None => write!(out, "revoked {} sessions of every account", self.sessions),
        }
    }
}

/// The reason a revoked session shows, and its owner's app shows.
pub const OPERATOR_REVOKED: &str = "revoked_by_operator";

/// Ends the active sessions in `scope`: their refresh tokens and access
/// tokens stop working at the next request.
pub async fn revoke_sessions(
    db: &Database,
    scope: Scope<'_>,
    now: Millis,
) -> Result<Revoked, AdminError> {
    let (user, done) = match scope {
        Scope::User(text) => {
            let user = find(db, text).await?;
            let done = sqlx::query(
                "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
                 WHERE user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now)
            .bind(OPERATOR_REVOKED)
            .bind(&user.id)
            .execute(db.writer())
            .await?;
            (Some(user.id), done)
        }
        Scope::Everyone => {
            let done = sqlx::query(
                "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE revoked_at IS NULL",
            )
            .bind(now)
            .bind(OPERATOR_REVOKED)
            .execute(db.writer())
            .await?;
            (None, done)
        }
    };
    Ok(Revoked {
        user,
        sessions: done.rows_affected(),
    })
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unlocked {
    pub identifier: String,
    /// Whether it was locked (or counting wrong codes) before.
    pub was_locked: bool,
}

impl std::fmt::Display for Unlocked {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.was_locked {
            write!(
                out,
                "unlocked {}: codes can be asked for it again",
                self.identifier
            )
        } else {
            write!(out, "{} was not locked; nothing changed", self.identifier)
        }
    }
}

/// Lifts the lock (and forgets the wrong codes counted) on an email or
/// phone number, for when support has checked who is asking.
pub async fn unlock(db: &Database, text: &str) -> Result<Unlocked, AdminError> {
    let contact = match who(text)? {
        Who::Contact(contact) => contact,
        Who::Id(_) => {
            return Err(AdminError::Refused(
                "unlock takes the email or phone number that was locked, not an id".into(),
            ));
        }
    };
    let done = sqlx::query("DELETE FROM identifier_guards WHERE identifier = $1")
        .bind(contact.key())
        .execute(db.writer())
        .await?;
    Ok(Unlocked {
        identifier: contact.address().to_owned(),
        was_locked: done.rows_affected() > 0,
    })
}
