//! What the operator of a server does to it besides serving it, as
//! `carekey-server` subcommands.
//!
//! Invariant: every operation works on the database alone, never through a
//! running server's memory, so it is safe beside running instances (they
//! share nothing else) and gives the same result on SQLite and PostgreSQL
//! wherever both can do it. Each returns a report that prints as text or
//! JSON.

pub mod backup;
pub mod users;

use crate::db::{Database, DbError};
use crate::settings::Settings;
use std::path::PathBuf;

/// The database `settings` name, as it is: an operator's command never
/// migrates it (`migrate` does that), so it cannot change the schema under
/// servers of an older version still running on it.
pub async fn open(settings: &Settings) -> Result<Database, AdminError> {
    Ok(Database::connect(
        &settings.database_url,
        2,
        settings.sqlite_synchronous,
        settings.sqlite_max_megabytes,
    )
    .await?)
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
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Service(#[from] crate::error::ServiceError),
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
        )
    }
}
