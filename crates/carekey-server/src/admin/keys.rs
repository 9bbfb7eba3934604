//! `carekey-server keys`: the keys that sign access tokens, and rotating
//! them while servers run.
//!
//! Invariant: a rotation is one transaction that adds the new key and
//! dates the retirement of the old ones (`tokens::rotate`), recorded in
//! the operators' audit; the running servers take it up at their next
//! reload, and nothing is ever signed with a key they do not know yet.

use super::AdminError;
use crate::clock::{Millis, rfc3339};
use crate::db::Database;
use crate::tokens::Rotation;
use serde::Serialize;
use sqlx::Row;

/// How long the servers' access tokens live, as configured: the longest
/// a token signed by a replaced key can stay valid.
pub fn access_ttl_ms(settings: &crate::settings::Settings) -> Millis {
    crate::clock::seconds(settings.access_token_ttl_seconds)
}

/// A new signing key; `immediately` for one that leaked (see
/// `tokens::rotate`).
pub async fn rotate(
    db: &Database,
    access_ttl_ms: Millis,
    immediately: bool,
    actor: &str,
    now: Millis,
) -> Result<Rotation, AdminError> {
    let mut tx = db.begin().await?;
    let rotation = crate::tokens::rotate(&mut tx, now, access_ttl_ms, immediately)
        .await
        .map_err(|error| AdminError::Keys(error.to_string()))?;
    let detail = serde_json::json!({
        "kid": rotation.kid,
        "immediately": immediately,
        "retiring": rotation.retiring.iter().map(|old| &old.kid).collect::<Vec<_>>(),
    });
    super::audit::record(&mut tx, now, actor, "keys_rotate", None, detail).await?;
    tx.commit().await?;
    Ok(rotation)
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    pub kid: String,
    pub created_at: String,
    pub signs_from: String,
    pub retire_after: Option<String>,
    /// `next` (published, not signing yet), `signing`, `retiring` (checks
    /// the tokens it signed), or `retired` (the janitor deletes it).
    pub state: &'static str,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Keys {
    pub keys: Vec<Key>,
}

impl std::fmt::Display for Keys {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (index, key) in self.keys.iter().enumerate() {
            if index > 0 {
                writeln!(out)?;
            }
            write!(
                out,
                "{}  {:8}  signs from {}{}",
                key.kid,
                key.state,
                key.signs_from,
                key.retire_after
                    .as_deref()
                    .map(|at| format!(", retires {at}"))
                    .unwrap_or_default()
            )?;
        }
        Ok(())
    }
}

/// The stored keys, oldest first, and what each does at `now`.
pub async fn list(db: &Database, now: Millis) -> Result<Keys, AdminError> {
    let rows = sqlx::query(
        "SELECT kid, created_at, signs_from, retire_after FROM signing_keys \
         ORDER BY signs_from, kid",
    )
    .fetch_all(db.reader())
    .await?;
    let mut keys = Vec::with_capacity(rows.len());
    let mut signing = None;
    for row in &rows {
        let signs_from: Millis = row.try_get("signs_from")?;
        let retire_after: Option<Millis> = row.try_get("retire_after")?;
        let state = match retire_after {
            Some(after) if after <= now => "retired",
            _ if signs_from > now => "next",
            _ => "retiring",
        };
        if state == "retiring" {
            // The newest that may sign is the one signing.
            signing = Some(keys.len());
        }
        keys.push(Key {
            kid: row.try_get("kid")?,
            created_at: rfc3339(row.try_get("created_at")?),
            signs_from: rfc3339(signs_from),
            retire_after: retire_after.map(rfc3339),
            state,
        });
    }
    if let Some(index) = signing {
        keys[index].state = "signing";
    }
    Ok(Keys { keys })
}
