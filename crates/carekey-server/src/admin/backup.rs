//! `carekey-server backup`: a consistent copy of a SQLite database taken
//! while servers keep writing to it.
//!
//! Invariant: the file named by the operator appears only once it holds a
//! whole copy that passed SQLite's integrity check; until then the copy is
//! a hidden file beside it, removed on any failure. `VACUUM INTO` reads
//! one snapshot in one read transaction, so the copy holds every
//! transaction committed before it began and none after, and writers are
//! not blocked (WAL mode).

use super::AdminError;
use crate::db::Backend;
use crate::settings::Settings;
use serde::Serialize;
use sqlx::ConnectOptions;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

#[derive(Debug, Serialize)]
pub struct BackupReport {
    pub path: PathBuf,
    pub bytes: u64,
    /// The newest migration in the copy.
    pub version: i64,
    pub users: i64,
    pub sessions: i64,
    pub millis: u128,
}

impl std::fmt::Display for BackupReport {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            out,
            "backed up to {}: {} bytes, version {}, {} users, {} sessions, in {} ms; integrity ok",
            self.path.display(),
            self.bytes,
            self.version,
            self.users,
            self.sessions,
            self.millis
        )
    }
}

pub async fn backup(settings: &Settings, to: &Path) -> Result<BackupReport, AdminError> {
    if Backend::of_url(&settings.database_url) != Some(Backend::Sqlite) {
        return Err(AdminError::SqliteOnly(
            "backup",
            "pg_dump, or pg_basebackup for a running copy",
        ));
    }
    if to.exists() {
        return Err(AdminError::Exists(to.to_owned()));
    }
    let started = Instant::now();
    let name = to
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let partial = to.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let partial_text = partial
        .to_str()
        .ok_or_else(|| AdminError::NotUtf8(partial.clone()))?
        .to_owned();
    let db = super::open(settings).await?;
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(partial_text)
        .execute(db.reader())
        .await;
    db.close().await;
    let result = match copied {
        Ok(_) => check(&partial).await,
        Err(error) => Err(AdminError::Query(error)),
    };
    let (version, users, sessions) = match result {
        Ok(counts) => counts,
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    publish(&partial, to)?;
    let bytes = std::fs::metadata(to)
        .map_err(|error| AdminError::Io(to.to_owned(), error))?
        .len();
    Ok(BackupReport {
        path: to.to_owned(),
        bytes,
        version,
        users,
        sessions,
        millis: started.elapsed().as_millis(),
    })
}

/// Opens the copy read-only: SQLite's integrity check, then what it holds.
async fn check(copy: &Path) -> Result<(i64, i64, i64), AdminError> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str("sqlite://")?
        .filename(copy)
        .read_only(true);
    let mut connection = options.connect().await?;
    let verdict: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut connection)
        .await?;
    if verdict != ["ok"] {
        return Err(AdminError::Corrupt(verdict.join("; ")));
    }
    let version: i64 = sqlx::query_scalar(crate::db::SCHEMA_VERSION)
        .fetch_one(&mut connection)
        .await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut connection)
        .await?;
    let sessions: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(&mut connection)
        .await?;
    Ok((version, users, sessions))
}

/// Makes the checked copy durable, then gives it its name: a crash leaves
/// either no file under that name or the whole copy.
fn publish(partial: &Path, to: &Path) -> Result<(), AdminError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |error| AdminError::Io(path, error)
    };
    std::fs::File::open(partial)
        .and_then(|file| file.sync_all())
        .map_err(io(partial))?;
    if to.exists() {
        let _ = std::fs::remove_file(partial);
        return Err(AdminError::Exists(to.to_owned()));
    }
    std::fs::rename(partial, to).map_err(io(to))?;
    if let Some(folder) = to.parent().filter(|folder| !folder.as_os_str().is_empty()) {
        std::fs::File::open(folder)
            .and_then(|folder| folder.sync_all())
            .map_err(io(folder))?;
    }
    Ok(())
}
