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
use carekey_api::Role;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

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
        AdminError::Invalid(format!(
            "`{text}` is not a user id, an email, or a phone number in international form (+…)"
        ))
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    /// When an operator disabled it; `None` while it may log in.
    pub disabled_at: Option<String>,
    pub created_at: String,
    pub active_sessions: i64,
}

/// The account's columns as every flow reads them (`accounts::COLUMNS`),
/// and what only the operator is shown.
fn user_columns() -> String {
    format!(
        "{}, created_at, disabled_at, (SELECT CAST(COUNT(*) AS BIGINT) FROM sessions s \
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
        disabled_at: row
            .try_get::<Option<Millis>, _>("disabled_at")?
            .map(rfc3339),
        created_at: rfc3339(row.try_get("created_at")?),
        active_sessions: row.try_get("active_sessions")?,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    let disabled = match &user.disabled_at {
        Some(at) => format!(", DISABLED since {at}"),
        None => String::new(),
    };
    format!(
        "{}  {:9}  {} {}  <{}>  since {}, {} active sessions{disabled}",
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
    let users = rows.iter().map(user).collect::<Result<Vec<_>, _>>()?;
    let (users, more) = super::first(users, limit);
    Ok(UserList { users, more })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Session {
    pub id: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserDetail {
    pub user: User,
    pub sessions: Vec<Session>,
    /// What operators did to this account, oldest first.
    pub operator_actions: Vec<super::audit::Action>,
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
        for action in &self.operator_actions {
            writeln!(
                out,
                "  {} by {}: {} {}",
                action.at, action.actor, action.action, action.detail
            )?;
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
    let operator_actions = super::audit::actions_on(db, &user.id).await?;
    Ok(UserDetail {
        user,
        sessions,
        operator_actions,
    })
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

#[derive(Debug, Serialize, utoipa::ToSchema)]
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
    actor: &str,
    now: Millis,
) -> Result<Revoked, AdminError> {
    let user = match scope {
        Scope::User(text) => Some(find(db, text).await?.id),
        Scope::Everyone => None,
    };
    let mut tx = db.begin().await?;
    let sessions = end_sessions(&mut tx, user.as_deref(), OPERATOR_REVOKED, now).await?;
    super::audit::record(
        &mut tx,
        now,
        actor,
        "revoke_sessions",
        user.as_deref(),
        serde_json::json!({ "sessions": sessions, "everyone": user.is_none() }),
    )
    .await?;
    tx.commit().await?;
    Ok(Revoked { user, sessions })
}

/// Revokes the active sessions of `user` (of everyone with `None`).
async fn end_sessions(
    conn: &mut AnyConnection,
    user: Option<&str>,
    reason: &str,
    now: Millis,
) -> Result<u64, sqlx::Error> {
    let done =
        match user {
            Some(user) => {
                sqlx::query(
                    "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 \
                 WHERE user_id = $3 AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(reason.to_owned())
                .bind(user.to_owned())
                .execute(conn)
                .await?
            }
            None => sqlx::query(
                "UPDATE sessions SET revoked_at = $1, revoked_reason = $2 WHERE revoked_at IS NULL",
            )
            .bind(now)
            .bind(reason.to_owned())
            .execute(conn)
            .await?,
        };
    Ok(done.rows_affected())
}

/// The reason a disabled account's sessions show.
pub const DISABLED: &str = "account_disabled";

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Disabling {
    pub user: String,
    pub disabled: bool,
    /// Whether this command changed it (it was not so already).
    pub changed: bool,
    /// Sessions revoked by disabling.
    pub sessions_revoked: u64,
}

impl std::fmt::Display for Disabling {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.disabled, self.changed) {
            (true, true) => write!(
                out,
                "disabled {}: it cannot log in, and its {} active sessions were revoked",
                self.user, self.sessions_revoked
            ),
            (true, false) => write!(out, "{} was already disabled; nothing changed", self.user),
            (false, true) => write!(
                out,
                "enabled {}: it can log in again (its old sessions stay ended)",
                self.user
            ),
            (false, false) => write!(out, "{} was not disabled; nothing changed", self.user),
        }
    }
}

/// Disables the account `text` names (no session opens or answers for it;
/// its active ones are revoked), or enables it again. Its data stays.
pub async fn set_disabled(
    db: &Database,
    text: &str,
    disabled: bool,
    actor: &str,
    now: Millis,
) -> Result<Disabling, AdminError> {
    let user = find(db, text).await?.id;
    let mut tx = db.begin().await?;
    let changed = if disabled {
        sqlx::query("UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL")
            .bind(user.clone())
            .bind(now)
            .execute(&mut *tx)
            .await?
    } else {
        sqlx::query("UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL")
            .bind(user.clone())
            .execute(&mut *tx)
            .await?
    }
    .rows_affected()
        > 0;
    let sessions_revoked = if disabled {
        end_sessions(&mut tx, Some(&user), DISABLED, now).await?
    } else {
        0
    };
    if changed {
        let action = if disabled { "disable" } else { "enable" };
        let detail = serde_json::json!({ "sessionsRevoked": sessions_revoked });
        super::audit::record(&mut tx, now, actor, action, Some(&user), detail).await?;
    }
    tx.commit().await?;
    Ok(Disabling {
        user,
        disabled,
        changed,
        sessions_revoked,
    })
}

/// What becomes of the patients who name a clinician being deleted.
pub enum Patients<'a> {
    /// Nothing is deleted while there are any.
    Refuse,
    /// They name no clinician.
    Release,
    /// They name this clinician (id, email or phone), who has to accept them.
    MoveTo(&'a str),
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Deleted {
    pub user: String,
    pub role: String,
    /// Rows deleted, by table (the account's own `users` row included).
    #[schema(value_type = std::collections::BTreeMap<String, u64>)]
    pub rows: std::collections::BTreeMap<&'static str, u64>,
    /// Patients who named this clinician and now name another or none.
    pub released_patients: u64,
    /// The clinician they now name, waiting for him to accept them.
    pub moved_to: Option<String>,
    /// The jobs that tell the clinic's systems, committed with the
    /// deletion, for the caller to hand to its queue worker.
    #[serde(skip)]
    pub told: Vec<crate::outbound::queue::SealedJob>,
}

impl std::fmt::Display for Deleted {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(out, "deleted {} ({})", self.user, self.role)?;
        match (&self.moved_to, self.released_patients) {
            (_, 0) => {}
            (Some(to), moved) => write!(
                out,
                "; {moved} patients now name {to}, who has to accept them"
            )?,
            (None, released) => write!(out, "; {released} patients no longer name a clinician")?,
        }
        for (table, count) in self.rows.iter().filter(|(_, count)| **count > 0) {
            write!(out, "\n  {table}: {count}")?;
        }
        Ok(())
    }
}

/// Deletes the account `text` names and everything it owns
/// (`accounts::OWNED_ROWS`), and what login kept about its email and phone
/// (requests, locks, trusted requesters), in one transaction, recorded in
/// the operators' audit by id only.
///
/// A clinician whom patients name as responsible is refused (the refusal
/// says how many) unless the operator says what becomes of them
/// ([`Patients`]). Either way their notes stay theirs, encrypted for them,
/// and what they shared with him goes with him.
pub async fn delete(
    db: &Database,
    text: &str,
    patients: Patients<'_>,
    actor: &str,
    now: Millis,
    told: Option<&crate::outbound::integrations::Teller<'_>>,
) -> Result<Deleted, AdminError> {
    let user = find(db, text).await?;
    let successor = match patients {
        Patients::MoveTo(text) => {
            let successor = find(db, text).await?;
            if successor.role != Role::Clinician.as_str() || successor.guest {
                return Err(AdminError::Refused(format!(
                    "{} is not a clinician; patients can only move to one",
                    successor.id
                )));
            }
            if successor.id == user.id {
                return Err(AdminError::Refused(
                    "patients cannot move to the clinician being deleted".into(),
                ));
            }
            Some(successor.id)
        }
        Patients::Refuse | Patients::Release => None,
    };
    let mut tx = db.begin().await?;
    let named: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM users WHERE responsible_clinician_id = $1",
    )
    .bind(user.id.clone())
    .fetch_one(&mut *tx)
    .await?;
    if named > 0 && matches!(patients, Patients::Refuse) {
        return Err(AdminError::Refused(format!(
            "{} is the responsible clinician of {named} patients; nothing was deleted. \
             Say what becomes of them: --move-patients-to CLINICIAN (he must accept each, \
             and sees only the notes they share from then on) or --release-patients \
             (they keep their accounts and notes and name no clinician)",
            user.id
        )));
    }
    // Moving is a claim made for the patient, as naming him at
    // registration is: the successor accepts before anything is shared.
    let released = sqlx::query(
        "UPDATE users SET responsible_clinician_id = $2, \
         care_status = CASE WHEN $2 IS NULL THEN NULL ELSE 'pending' END \
         WHERE responsible_clinician_id = $1",
    )
    .bind(user.id.clone())
    .bind(successor.clone())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let account = crate::accounts::by_id(&mut *tx, &user.id).await?;
    let rows = crate::accounts::erase(
        &mut tx,
        &user.id,
        user.email.as_deref(),
        user.phone.as_deref(),
    )
    .await?;
    let Some(account) = account.filter(|_| rows.get("users") == Some(&1)) else {
        return Err(AdminError::NotFound(format!(
            "{} was deleted by someone else meanwhile",
            user.id
        )));
    };
    let jobs = match told {
        Some(teller) => teller.deletion(&mut tx, &account, now).await?,
        None => Vec::new(),
    };

    let report = Deleted {
        user: user.id,
        role: user.role,
        rows,
        released_patients: released,
        moved_to: successor,
        told: jobs,
    };
    let detail = serde_json::json!({
        "role": report.role,
        "rows": report.rows,
        "releasedPatients": released,
        "movedTo": report.moved_to,
    });
    super::audit::record(&mut tx, now, actor, "delete", Some(&report.user), detail).await?;
    tx.commit().await?;
    Ok(report)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
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
pub async fn unlock(
    db: &Database,
    text: &str,
    actor: &str,
    now: Millis,
) -> Result<Unlocked, AdminError> {
    let contact = match who(text)? {
        Who::Contact(contact) => contact,
        Who::Id(_) => {
            return Err(AdminError::Invalid(
                "unlock takes the email or phone number that was locked, not an id".into(),
            ));
        }
    };
    let mut tx = db.begin().await?;
    let was_locked = sqlx::query("DELETE FROM identifier_guards WHERE identifier = $1")
        .bind(contact.key())
        .execute(&mut *tx)
        .await?
        .rows_affected()
        > 0;
    if was_locked {
        // The audit names the account, if any, not the address.
        let user = crate::accounts::id_by_contact(&mut tx, &contact).await?;
        let detail = serde_json::json!({ "kind": contact.kind().as_str() });
        super::audit::record(&mut tx, now, actor, "unlock", user.as_deref(), detail).await?;
    }
    tx.commit().await?;
    Ok(Unlocked {
        identifier: contact.address().to_owned(),
        was_locked,
    })
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BackupUnlocked {
    pub user: String,
    /// Whether the password backup was locked (or counting tries) before.
    pub was_locked: bool,
}

impl std::fmt::Display for BackupUnlocked {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.was_locked {
            write!(
                out,
                "the password backup of {} opens again with its password (10 tries)",
                self.user
            )
        } else {
            write!(
                out,
                "the password backup of {} was not locked, and no try was counted",
                self.user
            )
        }
    }
}

/// Lifts the lock that too many tries put on an account's password backup
/// (issue 18), and sets its count of tries back to zero: for an operator,
/// after checking who is asking by other means. The backup and its OPRF
/// context stay; only guessing starts over, so do it for its owner only.
pub async fn unlock_backup(
    db: &Database,
    text: &str,
    actor: &str,
    now: Millis,
) -> Result<BackupUnlocked, AdminError> {
    let user = find(db, text).await?.id;
    let mut tx = db.begin().await?;
    let was_locked = sqlx::query(
        "UPDATE password_oprf SET locked_at = NULL, unconfirmed = 0, updated_at = $2 \
         WHERE user_id = $1 AND (locked_at IS NOT NULL OR unconfirmed > 0)",
    )
    .bind(user.clone())
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected()
        > 0;
    if was_locked {
        super::audit::record(
            &mut tx,
            now,
            actor,
            "unlock-backup",
            Some(&user),
            serde_json::json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(BackupUnlocked { user, was_locked })
}
