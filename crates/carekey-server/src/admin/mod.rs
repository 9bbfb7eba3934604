//! What the operator of a server does to it besides serving it, as
//! `carekey-server` subcommands.
//!
//! Invariant: every operation works on the database alone, never through a
//! running server's memory, so it is safe beside running instances (they
//! share nothing else) and gives the same result on SQLite and PostgreSQL
//! wherever both can do it. Each returns a report that prints as text or
//! JSON.

pub mod api;
pub mod audit;
pub mod backup;
pub mod backup_keys;
pub mod copy;
pub mod keys;
pub mod queue;
pub mod users;

use crate::db::{Backend, Database, DbError, SqliteOptions};
use crate::settings::Settings;
use std::path::PathBuf;

/// The database `settings` name, as it is: an operator's command never
/// migrates it (`migrate` does that), so it cannot change the schema under
/// servers of an older version still running on it.
/// A SQLite file that is missing is refused, not created.
pub async fn open(settings: &Settings) -> Result<Database, AdminError> {
    let url = &settings.database_url;
    Database::connect_existing(url, 2, SqliteOptions::of(settings))
        .await
        .map_err(|error| missing_sqlite(url, error))
}

/// The first `limit` of `items` (read with `LIMIT limit + 1`), and
/// whether there were more.
pub(crate) fn first<T>(mut items: Vec<T>, limit: u32) -> (Vec<T>, bool) {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = items.len() > limit;
    items.truncate(limit);
    (items, more)
}

/// A SQLite file that could not be opened because it is not there, said
/// as such; any other error as it is.
pub(crate) fn missing_sqlite(url: &str, error: DbError) -> AdminError {
    match &error {
        DbError::Connect(sqlx::Error::Database(cause))
            if Backend::of_url(url) == Some(Backend::Sqlite)
                && cause.code().as_deref() == Some("14") =>
        {
            AdminError::Refused(format!(
                "there is no SQLite database at {url}; operators' commands never create \
                 one: check the path (database_url), or start the server or `migrate` first"
            ))
        }
        _ => AdminError::Database(error),
    }
}

/// Who ran an operator's command, as the audit records it: `cli:` and the
/// login name the command line was run under (what the system says, so a
/// claim of whoever had shell access, which is as far as a command line
/// can tell), or `cli` when it says nothing.
pub fn cli_actor() -> String {
    ["SUDO_USER", "USER", "LOGNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|value| !value.is_empty()))
        .map_or_else(|| String::from("cli"), |name| format!("cli:{name}"))
}

#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("the database failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("{0} only works on SQLite; PostgreSQL has its own tools ({1})")]
    SqliteOnly(&'static str, &'static str),
    #[error("{0} exists already; choose a new file (nothing was written)")]
    Exists(PathBuf),
    #[error("{0}: the path must be valid UTF-8")]
    NotUtf8(PathBuf),
    #[error("{0}: {1}")]
    Io(PathBuf, #[source] std::io::Error),
    #[error("the copy failed its integrity check ({0}); it was removed")]
    Corrupt(String),
    /// Asked for something that the state of things does not allow (a
    /// clinician whom patients name, a job still queued).
    #[error("{0}")]
    Refused(String),
    /// Asked in a form that names nothing (not an id, email or phone; a
    /// malformed parameter).
    #[error("{0}")]
    Invalid(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Service(#[from] crate::error::ServiceError),
    #[error("{0}")]
    Keys(String),
}

impl AdminError {
    /// Whether the operator asked for something that cannot be done as
    /// asked (the binary exits 2), rather than something failing (1).
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            AdminError::SqliteOnly(..)
                | AdminError::Exists(_)
                | AdminError::NotUtf8(_)
                | AdminError::Refused(_)
                | AdminError::Invalid(_)
        )
    }
}
