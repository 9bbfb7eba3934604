//! `carekey-server copy-data`: moves an installation from SQLite to
//! PostgreSQL, every table, checked.
//!
//! Invariant: the target ends up either with every row of one snapshot of
//! the source, verified table by table (row count and a checksum read
//! back from the target before committing), or unchanged: the whole copy
//! is one PostgreSQL transaction. A target that holds anything is refused
//! unless the operator asks to replace it. Both databases must be at this
//! binary's schema, so each column means the same on both
//! (`tests/schema.rs` keeps the two migration sets alike).
//!
//! The copy reads one snapshot; what servers write to the source after it
//! does not move. The report says so when the source changed meanwhile:
//! stop the servers, then copy.

use super::AdminError;
use crate::db::{Backend, Database, SqliteOptions};
use crate::settings::Settings;
use futures::TryStreamExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Acquire, AnyConnection, Row};

/// Every table, parents before children (their foreign keys are checked
/// as rows arrive). `users` refers to itself: clinicians (who name no
/// responsible clinician) are copied before the patients who name them.
pub const TABLES: [&str; 26] = [
    "server_secrets",
    "signing_keys",
    "users",
    "auth_requests",
    "login_approvals",
    "whatsapp_requests",
    "whatsapp_messages",
    "identifier_guards",
    "rate_counters",
    "trusted_requesters",
    "sessions",
    "refresh_tokens",
    "proofs",
    "message_jobs",
    "public_keys",
    "contact_verifications",
    "contact_changes",
    "invitations",
    "key_backups",
    "password_oprf",
    "key_audit_events",
    "key_transfers",
    "data_samples",
    "data_sample_keys",
    "user_settings",
    "operator_actions",
];

/// The most values one INSERT binds (PostgreSQL allows 65,535).
const VALUES_PER_INSERT: usize = 8_000;

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Table {
    pub table: &'static str,
    pub rows: u64,
    /// SHA-256 over the rows' hashes in sorted order, the same whichever
    /// order a database answers in; equal on both sides.
    pub checksum: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Copied {
    pub schema_version: i64,
    pub tables: Vec<Table>,
    /// Whether the target's rows were deleted first (`--replace-target`).
    pub replaced: bool,
    /// Tables whose row count in the source changed while copying: servers
    /// were writing to it, and those writes are not in the target.
    pub source_changed: Vec<&'static str>,
}

impl std::fmt::Display for Copied {
    fn fmt(&self, out: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: u64 = self.tables.iter().map(|table| table.rows).sum();
        write!(
            out,
            "copied {rows} rows in {} tables (schema version {}), each checked by count and checksum",
            self.tables.len(),
            self.schema_version
        )?;
        for table in &self.tables {
            write!(
                out,
                "\n  {:20} {:>9}  {}",
                table.table,
                table.rows,
                &table.checksum[..16]
            )?;
        }
        if !self.source_changed.is_empty() {
            write!(
                out,
                "\nWARNING: the source changed while copying ({}): servers were still \
                 writing to it. Stop them and copy again with --replace-target.",
                self.source_changed.join(", ")
            )?;
        }
        Ok(())
    }
}

/// One value as both databases store CareKey's columns.
#[derive(Debug)]
enum Cell {
    Null,
    Integer(i64),
    Text(String),
    Bytes(Vec<u8>),
}

#[derive(Clone, Copy)]
enum Kind {
    Integer,
    Text,
    Bytes,
}

/// Copies the SQLite database `from` into the PostgreSQL database `to`
/// (migrated first when new).
pub async fn copy_data(
    settings: &Settings,
    from: &str,
    to: &str,
    replace_target: bool,
) -> Result<Copied, AdminError> {
    if Backend::of_url(from) != Some(Backend::Sqlite)
        || Backend::of_url(to) != Some(Backend::Postgres)
    {
        return Err(AdminError::Refused(
            "copy-data moves a SQLite database (--from sqlite:…) to PostgreSQL \
             (--to postgres://…)"
                .into(),
        ));
    }
    let source = Database::connect_existing(from, 1, SqliteOptions::of(settings))
        .await
        .map_err(|error| super::missing_sqlite(from, error))?;
    let version = source.schema_version().await?;
    let latest = Database::latest_version(Backend::Sqlite);
    if version != latest {
        return Err(AdminError::Refused(format!(
            "the SQLite database is at schema version {version}, this binary's is {latest}: \
             {}",
            if version < latest {
                "run `carekey-server migrate` on it first, with its servers stopped"
            } else {
                "use the carekey-server that wrote it"
            }
        )));
    }
    let target = Database::connect(to, 2, SqliteOptions::of(settings)).await?;
    target.migrate().await?;

    let result = copy_tables(&source, &target, replace_target).await;
    let result = match result {
        Ok(mut copied) => {
            copied.schema_version = version;
            // Counted again outside the snapshot: did servers write meanwhile?
            for table in &copied.tables {
                if count(&mut *source.reader().acquire().await?, table.table).await? != table.rows {
                    copied.source_changed.push(table.table);
                }
            }
            Ok(copied)
        }
        Err(error) => Err(error),
    };
    source.close().await;
    target.close().await;
    result
}

async fn copy_tables(
    source: &Database,
    target: &Database,
    replace_target: bool,
) -> Result<Copied, AdminError> {
    let mut tx = target.begin().await?;
    let mut filled = Vec::new();
    for table in TABLES {
        if count(&mut tx, table).await? > 0 {
            filled.push(table);
        }
    }
    if !filled.is_empty() {
        if !replace_target {
            return Err(AdminError::Refused(format!(
                "the target database is not empty ({}); nothing was copied. \
                 --replace-target deletes what it holds first",
                filled.join(", ")
            )));
        }
        for table in TABLES.iter().rev() {
            sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
                .execute(&mut *tx)
                .await?;
        }
    }
    // One read transaction: every table from the same snapshot.
    let mut reader = source.reader().acquire().await?;
    let mut snapshot = reader.begin().await?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = columns(&mut tx, table).await?;
        let (rows, checksum) = copy_table(&mut snapshot, &mut tx, table, &columns).await?;
        let (rows_there, checksum_there) = digest(&mut tx, table, &columns).await?;
        if (rows, &checksum) != (rows_there, &checksum_there) {
            return Err(AdminError::Corrupt(format!(
                "{table}: {rows} rows read, {rows_there} in the target, or their checksums \
                 differ; nothing was committed"
            )));
        }
        tables.push(Table {
            table,
            rows,
            checksum: data_encoding::HEXLOWER.encode(&checksum),
        });
    }
    snapshot.commit().await?;
    tx.commit().await?;
    Ok(Copied {
        schema_version: 0,
        tables,
        replaced: !filled.is_empty(),
        source_changed: Vec::new(),
    })
}

async fn count(conn: &mut AnyConnection, table: &str) -> Result<u64, AdminError> {
    let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM {table}"
    )))
    .fetch_one(conn)
    .await?;
    Ok(u64::try_from(rows).unwrap_or(0))
}

/// The table's columns in the target, in order, and how each is read.
async fn columns(conn: &mut AnyConnection, table: &str) -> Result<Vec<(String, Kind)>, AdminError> {
    let rows = sqlx::query(
        "SELECT column_name::text AS name, data_type::text AS kind \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table.to_owned())
    .fetch_all(conn)
    .await?;
    if rows.is_empty() {
        return Err(AdminError::Refused(format!(
            "the target has no table {table}: is it a CareKey database at this version?"
        )));
    }
    rows.iter()
        .map(|row| {
            let name: String = row.try_get("name")?;
            let kind: String = row.try_get("kind")?;
            let kind = match kind.as_str() {
                "bigint" | "integer" => Kind::Integer,
                "text" => Kind::Text,
                "bytea" => Kind::Bytes,
                other => {
                    return Err(AdminError::Refused(format!(
                        "{table}.{name} is of type {other}, which copy-data does not know"
                    )));
                }
            };
            Ok((name, kind))
        })
        .collect()
}

fn select(table: &str, columns: &[(String, Kind)]) -> String {
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    // Clinicians first: the patients who name them refer to their rows.
    let order = if table == "users" {
        " ORDER BY CASE WHEN responsible_clinician_id IS NULL THEN 0 ELSE 1 END"
    } else {
        ""
    };
    format!("SELECT {} FROM {table}{order}", names.join(", "))
}

fn cells(row: &AnyRow, columns: &[(String, Kind)]) -> Result<Vec<Cell>, sqlx::Error> {
    columns
        .iter()
        .enumerate()
        .map(|(index, (_, kind))| {
            Ok(match kind {
                Kind::Integer => row
                    .try_get::<Option<i64>, _>(index)?
                    .map_or(Cell::Null, Cell::Integer),
                Kind::Text => row
                    .try_get::<Option<String>, _>(index)?
                    .map_or(Cell::Null, Cell::Text),
                Kind::Bytes => row
                    .try_get::<Option<Vec<u8>>, _>(index)?
                    .map_or(Cell::Null, Cell::Bytes),
            })
        })
        .collect()
}

/// A row's hash: each value tagged with its kind and length, so that no
/// two different rows encode alike.
fn row_hash(cells: &[Cell]) -> [u8; 32] {
    let mut hash = Sha256::new();
    for cell in cells {
        let (tag, bytes): (u8, &[u8]) = match cell {
            Cell::Null => (0, &[]),
            Cell::Integer(value) => (1, &value.to_be_bytes()),
            Cell::Text(text) => (2, text.as_bytes()),
            Cell::Bytes(bytes) => (3, bytes),
        };
        hash.update([tag]);
        hash.update((bytes.len() as u64).to_be_bytes());
        hash.update(bytes);
    }
    hash.finalize().into()
}

fn checksum(mut hashes: Vec<[u8; 32]>) -> Vec<u8> {
    hashes.sort_unstable();
    let mut hash = Sha256::new();
    for row in &hashes {
        hash.update(row);
    }
    hash.finalize().to_vec()
}

/// Streams `table` from the snapshot into the target in batches; answers
/// the rows read and their checksum.
async fn copy_table(
    snapshot: &mut AnyConnection,
    target: &mut AnyConnection,
    table: &str,
    columns: &[(String, Kind)],
) -> Result<(u64, Vec<u8>), AdminError> {
    let per_insert = (VALUES_PER_INSERT / columns.len()).max(1);
    let mut hashes = Vec::new();
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(per_insert);
    let sql = select(table, columns);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *snapshot);
    while let Some(row) = rows.try_next().await? {
        let row = cells(&row, columns)?;
        hashes.push(row_hash(&row));
        batch.push(row);
        if batch.len() == per_insert {
            insert(target, table, columns, &mut batch).await?;
        }
    }
    insert(target, table, columns, &mut batch).await?;
    Ok((hashes.len() as u64, checksum(hashes)))
}

async fn insert(
    target: &mut AnyConnection,
    table: &str,
    columns: &[(String, Kind)],
    batch: &mut Vec<Vec<Cell>>,
) -> Result<(), AdminError> {
    if batch.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    let mut placeholders = Vec::with_capacity(batch.len());
    let mut next = 1;
    for _ in batch.iter() {
        let row: Vec<String> = (0..columns.len())
            .map(|offset| format!("${}", next + offset))
            .collect();
        next += columns.len();
        placeholders.push(format!("({})", row.join(", ")));
    }
    // Names come from the target's own catalogue, values are bound.
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES {}",
        names.join(", "),
        placeholders.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for row in batch.drain(..) {
        for (cell, (_, kind)) in row.into_iter().zip(columns) {
            query = match (cell, kind) {
                (Cell::Integer(value), _) => query.bind(value),
                (Cell::Text(value), _) => query.bind(value),
                (Cell::Bytes(value), _) => query.bind(value),
                (Cell::Null, Kind::Integer) => query.bind(None::<i64>),
                (Cell::Null, Kind::Text) => query.bind(None::<String>),
                (Cell::Null, Kind::Bytes) => query.bind(None::<Vec<u8>>),
            };
        }
    }
    query.execute(&mut *target).await?;
    Ok(())
}

/// The rows of `table` as the target holds them: count and checksum.
async fn digest(
    conn: &mut AnyConnection,
    table: &str,
    columns: &[(String, Kind)],
) -> Result<(u64, Vec<u8>), AdminError> {
    let mut hashes = Vec::new();
    let sql = select(table, columns);
    let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *conn);
    while let Some(row) = rows.try_next().await? {
        hashes.push(row_hash(&cells(&row, columns)?));
    }
    Ok((hashes.len() as u64, checksum(hashes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_is_the_same_in_any_order_and_tells_values_apart() {
        let rows = [
            vec![Cell::Text("a".into()), Cell::Integer(1)],
            vec![Cell::Text("b".into()), Cell::Null],
        ];
        let forward = checksum(rows.iter().map(|row| row_hash(row)).collect());
        let backward = checksum(rows.iter().rev().map(|row| row_hash(row)).collect());
        assert_eq!(forward, backward);
        // A NULL, an empty text and empty bytes are three different values.
        let empty = [
            row_hash(&[Cell::Null]),
            row_hash(&[Cell::Text(String::new())]),
            row_hash(&[Cell::Bytes(Vec::new())]),
        ];
        assert_ne!(empty[0], empty[1]);
        assert_ne!(empty[1], empty[2]);
        // Values do not run into each other.
        assert_ne!(
            row_hash(&[Cell::Text("ab".into()), Cell::Text("c".into())]),
            row_hash(&[Cell::Text("a".into()), Cell::Text("bc".into())])
        );
    }
}
