//! The database: SQLite for one machine, PostgreSQL for many instances.
//!
//! One SQL text serves both (sqlx's `Any` driver, `$n` placeholders, times as
//! Unix milliseconds); the few differences are [`Backend`] methods. Every
//! limit, counter, pending request and queued message lives here, so any
//! number of PostgreSQL-backed instances behave as one.
//!
//! SQLite has one writer connection: transactions queue in the pool instead
//! of spinning on `SQLITE_BUSY`, and reads use a separate pool.

mod atomic;

pub use atomic::{Arg, HotOperations, Operation, Runner};

use crate::settings::{Settings, SqliteSynchronous};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor, Row};
use std::str::FromStr;
use std::time::Duration;

pub type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// A new row id: a UUIDv7 of the server's clock, so ids sort by creation
/// time, with 74 random bits. New rows land at the end of their primary-key
/// index instead of on a random page, which keeps writes (and, on
/// PostgreSQL, full-page images in the WAL) small, and old rows can be found
/// by id alone (see [`first_id_at`]).
pub fn new_id(now: crate::clock::Millis) -> String {
    let mut random = [0u8; 10];
    rand::Rng::fill_bytes(&mut rand::rng(), &mut random);
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(now).unwrap_or(0), &random)
        .into_uuid()
        .to_string()
}

/// The smallest id [`new_id`] can make at `at`: rows with a smaller id are
/// older. (Text order of these ids is time order.)
pub fn first_id_at(at: crate::clock::Millis) -> String {
    uuid::Builder::from_unix_timestamp_millis(u64::try_from(at).unwrap_or(0), &[0; 10])
        .into_uuid()
        .to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("database URL must start with sqlite:// or postgres://")]
    UnsupportedUrl,
    #[error(
        "this build has no PostgreSQL driver (the app's embedded server is SQLite only): use a sqlite:// URL, or the carekey-server program"
    )]
    NoPostgres,
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Query(#[from] sqlx::Error),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The database a URL names: `sqlite:…`, or `postgres://` and
    /// `postgresql://`.
    pub fn of_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// Row lock for read-then-write in a transaction. SQLite needs none: its
    /// write transactions are serial (`BEGIN IMMEDIATE`, one writer).
    pub fn for_update(self) -> &'static str {
        match self {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }
}

/// How each SQLite connection is set up; PostgreSQL ignores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    pub synchronous: SqliteSynchronous,
    /// The most the file may grow to, in MiB; 0 leaves SQLite's own limit.
    pub max_megabytes: u64,
    /// Each connection's page cache, in MiB. A server holds one writer and
    /// up to [`SQLITE_READERS`] readers, so its memory grows with the
    /// database up to about five times this, then stays level.
    pub cache_megabytes: u64,
}

impl SqliteOptions {
    pub fn of(settings: &Settings) -> Self {
        SqliteOptions {
            synchronous: settings.sqlite_synchronous,
            max_megabytes: settings.sqlite_max_megabytes,
            cache_megabytes: settings.sqlite_cache_megabytes,
        }
    }
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions::of(&Settings::default())
    }
}

#[derive(Clone)]
pub struct Database {
    write: AnyPool,
    read: AnyPool,
    backend: Backend,
}

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

impl Database {
    /// The database `settings` name, opened and migrated: what a start,
    /// `migrate` and every operator's command work on.
    pub async fn open(settings: &Settings) -> Result<Self, DbError> {
        let db = Database::connect(
            &settings.database_url,
            settings.database_max_connections,
            SqliteOptions::of(settings),
        )
        .await?;
        db.migrate().await?;
        Ok(db)
    }

    pub async fn connect(
        url: &str,
        max_connections: u32,
        sqlite: SqliteOptions,
    ) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or(DbError::UnsupportedUrl)?;
        if backend == Backend::Postgres && !cfg!(feature = "postgres") {
            return Err(DbError::NoPostgres);
        }
        let database = match backend {
            Backend::Sqlite => {
                let url = sqlite_url(url);
                let options = AnyConnectOptions::from_str(&url).map_err(DbError::Connect)?;
                let pragmas = std::sync::Arc::<str>::from(sqlite_pragmas(sqlite));
                let open = |size: u32| {
                    let pragmas = pragmas.clone();
                    AnyPoolOptions::new()
                        .max_connections(size)
                        .min_connections(1)
                        .idle_timeout(None)
                        // A ping before each use would double the round trips
                        // to SQLite's connection thread; a broken file fails
                        // the query itself just as clearly.
                        .test_before_acquire(false)
                        .after_connect(move |conn, _| {
                            let pragmas = pragmas.to_string();
                            Box::pin(async move {
                                conn.execute(sqlx::AssertSqlSafe(pragmas)).await?;
                                Ok(())
                            })
                        })
                };
                let write = open(1)
                    .connect_with(options.clone())
                    .await
                    .map_err(DbError::Connect)?;
                // WAL must be on before readers open, or they would block the writer.
                let read = open(max_connections.clamp(1, SQLITE_READERS))
                    .connect_with(options)
                    .await
                    .map_err(DbError::Connect)?;
                Database {
                    write,
                    read,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(max_connections.max(2))
                    // Not pinged on every acquire (a round trip each); dead
                    // connections are dropped by their failing query and the
                    // idle timeout.
                    .test_before_acquire(false)
                    .idle_timeout(Duration::from_secs(300))
                    .acquire_timeout(Duration::from_secs(10))
                    .connect(url)
                    .await
                    .map_err(DbError::Connect)?;
                Database {
                    write: pool.clone(),
                    read: pool,
                    backend,
                }
            }
        };
        Ok(database)
    }

    /// As [`Database::connect`], but a SQLite file that is missing is an
    /// error rather than a new, empty database: for operators' commands,
    /// where a mistyped path must not look like a server with no accounts.
    pub async fn connect_existing(
        url: &str,
        max_connections: u32,
        sqlite: SqliteOptions,
    ) -> Result<Self, DbError> {
        let url = match Backend::of_url(url) {
            Some(Backend::Sqlite) if !url.contains("mode=") && !url.contains(":memory:") => {
                let join = if url.contains('?') { '&' } else { '?' };
                format!("{url}{join}mode=rw")
            }
            _ => url.to_owned(),
        };
        Database::connect(&url, max_connections, sqlite).await
    }

    /// The newest migration this binary knows for `backend`: what
    /// [`Database::migrate`] brings a database to.
    pub fn latest_version(backend: Backend) -> i64 {
        let migrations = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrations
            .iter()
            .map(|migration| migration.version)
            .max()
            .unwrap_or(0)
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.write).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.write).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction. Dropping it without commit rolls it back.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.write.begin().await,
        }
    }

    /// SQLite: copies what the write-ahead log holds into the database file,
    /// as far as readers allow, without blocking the writer. Run often: the
    /// log only starts over after a checkpoint. Nothing to do on PostgreSQL.
    ///
    /// Under steady load some reader always holds a snapshot, so a passive
    /// checkpoint never lets the log start over and it grows without end
    /// (the soak measured 290 MiB of log for 9 MiB of data in a minute).
    /// Past [`LONGEST_WAL_FRAMES`] the checkpoint waits for the readers of
    /// the log to finish and truncates it: writers wait that long (the
    /// readers' few milliseconds), once per that many pages written.
    pub async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let row = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .fetch_one(&self.read)
            .await?;
        let log_frames: i64 = row.try_get(1)?;
        if log_frames >= LONGEST_WAL_FRAMES {
            // On the writer's connection, taken in its turn: run from a
            // reader, it had to win the write lock from a writer that takes
            // it again after every commit, and under steady writes on a busy
            // machine it lost for a minute at a time (the log reached
            // 85 MiB in a soak).
            let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .fetch_one(&self.write)
                .await?;
            let busy: i64 = row.try_get(0)?;
            if busy != 0 {
                tracing::warn!(
                    log_frames,
                    "the write-ahead log could not start over: a reader held it past the busy timeout"
                );
            }
        }
        Ok(())
    }

    /// For single statements that write outside a transaction.
    pub fn writer(&self) -> &AnyPool {
        &self.write
    }

    /// For reads that need no transaction.
    pub fn reader(&self) -> &AnyPool {
        &self.read
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1")
            .execute(&self.read)
            .await
            .map(|_| ())
    }

    /// The newest migration applied (its version, as in `migrations/`).
    pub async fn schema_version(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar::<_, i64>(SCHEMA_VERSION)
            .fetch_one(&self.read)
            .await
    }

    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// A secret of the server (signing key, hashing key), made on first use
    /// and shared by every instance on this database.
    pub async fn secret(
        &self,
        name: &str,
        now: i64,
        make: impl FnOnce() -> Vec<u8>,
    ) -> Result<Vec<u8>, sqlx::Error> {
        sqlx::query(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make())
        .bind(now)
        .execute(&self.write)
        .await?;
        let row = sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.write)
            .await?;
        row.try_get::<Vec<u8>, _>("value")
    }
}

/// `sqlite://file` creates the file when missing.
fn sqlite_url(url: &str) -> String {
    if url.contains("mode=") || url.contains(":memory:") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    }
}

/// Whether the database refused a write for lack of space: SQLite's
/// `SQLITE_FULL` (13: the disk, or the `max_page_count` of
/// `sqlite_max_megabytes`) or PostgreSQL's `disk_full` (53100).
pub fn is_storage_full(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => {
            matches!(database.code().as_deref(), Some("13" | "53100"))
        }
        _ => false,
    }
}

/// The newest migration a database has (0 before the first).
pub const SCHEMA_VERSION: &str =
    "SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success";

/// The write-ahead log's length (in pages) past which a checkpoint starts
/// it over: 16 MiB.
const LONGEST_WAL_FRAMES: i64 = 4096;

/// The most reader connections SQLite gets, whatever the pool size.
const SQLITE_READERS: u32 = 4;

/// SQLite's page size, which `max_page_count` counts in.
const SQLITE_PAGE_BYTES: u64 = 4096;

/// Per-connection settings. Automatic checkpoints are off: they would run in
/// the writer, inside some request's commit; [`Database::checkpoint`] runs
/// them from a reader connection instead, beside the writer.
fn sqlite_pragmas(sqlite: SqliteOptions) -> String {
    let synchronous = match sqlite.synchronous {
        SqliteSynchronous::Off => "OFF",
        SqliteSynchronous::Normal => "NORMAL",
        SqliteSynchronous::Full => "FULL",
        SqliteSynchronous::Extra => "EXTRA",
    };
    // A negative cache_size counts KiB rather than pages; at least one
    // page's worth, since 0 would mean SQLite's default (2 MiB).
    let cache_kib = sqlite.cache_megabytes.saturating_mul(1024).max(4);
    // 0 leaves SQLite's own limit (about 17 TiB at this page size).
    let size_limit = match sqlite.max_megabytes {
        0 => String::new(),
        megabytes => format!(
            " PRAGMA max_page_count = {};",
            megabytes.saturating_mul(1024 * 1024) / SQLITE_PAGE_BYTES
        ),
    };
    format!(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = {synchronous}; PRAGMA busy_timeout = 10000; \
         PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{cache_kib};{size_limit}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_by_time() {
        let early = new_id(1_700_000_000_000);
        let later = new_id(1_700_000_000_001);
        assert!(early < later);
        assert!(first_id_at(1_700_000_000_000) <= early);
        assert!(early < first_id_at(1_700_000_000_001));
        assert_eq!(uuid::Uuid::parse_str(&early).unwrap().get_version_num(), 7);
    }

    #[test]
    fn sqlite_files_are_created_when_missing() {
        assert_eq!(sqlite_url("sqlite://a.db"), "sqlite://a.db?mode=rwc");
        assert_eq!(
            sqlite_url("sqlite://a.db?cache=shared"),
            "sqlite://a.db?cache=shared&mode=rwc"
        );
        assert_eq!(sqlite_url("sqlite://a.db?mode=ro"), "sqlite://a.db?mode=ro");
    }

    #[tokio::test]
    async fn a_secret_is_made_once_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("s.db").display());
        let db = Database::connect(&url, 2, SqliteOptions::default())
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let first = db.secret("k", 1, || vec![1, 2, 3]).await.unwrap();
        let second = db.secret("k", 2, || vec![9, 9, 9]).await.unwrap();
        assert_eq!(first, vec![1, 2, 3]);
        assert_eq!(second, first);
        db.close().await;
    }

    #[tokio::test]
    async fn every_sqlite_connection_gets_the_page_cache_it_was_given() {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("c.db").display());
        let options = SqliteOptions {
            cache_megabytes: 3,
            ..SqliteOptions::default()
        };
        let db = Database::connect(&url, 4, options).await.unwrap();
        for pool in [db.writer(), db.reader()] {
            let kib: i64 = sqlx::query_scalar("PRAGMA cache_size")
                .fetch_one(pool)
                .await
                .unwrap();
            assert_eq!(kib, -3 * 1024);
        }
        db.close().await;
    }
}
