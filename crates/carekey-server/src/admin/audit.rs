//! The operators' audit (`operator_actions`): every change an operator
//! makes to people's accounts, the queue or the keys, from the command line
//! or the admin API, and the tombstone of an account its owner deleted
//! (actor [`OWNER`]), so an operator asked about an id learns what became
//! of it.
//!
//! Invariant: an entry is written in the transaction of the change it
//! records, so neither exists without the other; it names an account by id
//! only and keeps no reference to `users`, so it outlives a deleted account
//! without keeping who the person was.

use super::AdminError;
use crate::clock::{Millis, rfc3339};
use crate::db::Database;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// The actor of an entry the account's owner caused (deleting it).
pub(crate) const OWNER: &str = "owner";

/// One entry of the operators' audit (`operator_actions`), written in the
/// transaction of the change it records, so neither exists without the
/// other. `detail` names no person: it outlives the accounts it is about.
pub(crate) async fn record(
    conn: &mut AnyConnection,
    now: Millis,
    actor: &str,
    action: &str,
    user_id: Option<&str>,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO operator_actions (id, at, actor, action, user_id, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(crate::db::new_id(now))
    .bind(now)
    .bind(actor.to_owned())
    .bind(action.to_owned())
    .bind(user_id.map(str::to_owned))
    .bind(detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Action {
    /// The account it was about, if one.
    pub user: Option<String>,
    pub at: String,
    pub actor: String,
    pub action: String,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

fn action(row: &AnyRow) -> Result<Action, sqlx::Error> {
    let detail: Option<String> = row.try_get("detail")?;
    Ok(Action {
        user: row.try_get("user_id")?,
        at: rfc3339(row.try_get("at")?),
        actor: row.try_get("actor")?,
        action: row.try_get("action")?,
        detail: detail
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default(),
    })
}

/// The entries about `user_id`, oldest first (this works on a deleted
/// account's id too).
pub async fn actions_on(db: &Database, user_id: &str) -> Result<Vec<Action>, AdminError> {
    let rows = sqlx::query(
        "SELECT at, actor, action, user_id, detail FROM operator_actions WHERE user_id = $1 \
         ORDER BY at, id",
    )
    .bind(user_id.to_owned())
    .fetch_all(db.reader())
    .await?;
    Ok(rows.iter().map(action).collect::<Result<_, _>>()?)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Audit {
    pub actions: Vec<Action>,
    /// More entries than `limit` exist.
    pub more: bool,
}

impl std::fmt::Display for Audit {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for action in &self.actions {
            writeln!(
                out,
                "{}  {:14} by {}{}: {}",
                action.at,
                action.action,
                action.actor,
                action
                    .user
                    .as_deref()
                    .map(|user| format!(" on {user}"))
                    .unwrap_or_default(),
                action.detail
            )?;
        }
        if self.more {
            write!(out, "(more: --limit N shows more)")
        } else {
            write!(out, "{} entries", self.actions.len())
        }
    }
}

/// The newest entries first, about any account or none.
pub async fn recent(db: &Database, limit: u32) -> Result<Audit, AdminError> {
    let rows = sqlx::query(
        "SELECT at, actor, action, user_id, detail FROM operator_actions \
         ORDER BY at DESC, id DESC LIMIT $1",
    )
    .bind(i64::from(limit) + 1)
    .fetch_all(db.reader())
    .await?;
    let actions = rows.iter().map(action).collect::<Result<Vec<_>, _>>()?;
    let (actions, more) = super::first(actions, limit);
    Ok(Audit { actions, more })
}
