//! The two migration sets make the same schema: every table has the same
//! columns, of corresponding types (SQLite `INTEGER` is PostgreSQL
//! `bigint`, `BLOB` is `bytea`, `TEXT` is `text`) and the same
//! nullability, so a row written on one database reads the same on the
//! other. Both are applied by a real server start.

// Test support: a failed setup should panic with its reason.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::new_postgres_database;
use sqlx::{Connection, Row};
use std::collections::BTreeMap;

/// (table, column) → (type, nullable), in PostgreSQL's words.
type Columns = BTreeMap<(String, String), (String, bool)>;

async fn migrated(url: &str) {
    let keys = tempfile::tempdir().unwrap();
    let settings = carekey_server::Settings {
        listen: "127.0.0.1:0".into(),
        database_url: url.to_owned(),
        oprf_key_file: Some(keys.path().join("oprf-keys.json").display().to_string()),
        ..carekey_server::Settings::default()
    };
    let server = carekey_server::start(settings).await.unwrap();
    server.shutdown().await;
}

fn postgres_type_of_sqlite(declared: &str) -> String {
    match declared.to_ascii_uppercase().as_str() {
        "INTEGER" | "BIGINT" => "bigint".into(),
        "TEXT" => "text".into(),
        "BLOB" => "bytea".into(),
        "REAL" | "DOUBLE PRECISION" => "double precision".into(),
        other => format!("unmapped SQLite type {other}"),
    }
}

async fn sqlite_columns(url: &str) -> Columns {
    let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
    let rows = sqlx::query(
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS declared, \
                p.\"notnull\" AS not_null, p.pk AS pk \
         FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    rows.iter()
        .map(|row| {
            let not_null: i64 = row.get("not_null");
            let pk: i64 = row.get("pk");
            (
                (row.get("table_name"), row.get("column_name")),
                (
                    postgres_type_of_sqlite(row.get("declared")),
                    // A primary key is never NULL on PostgreSQL; SQLite
                    // allows it unless told, and CareKey never writes one.
                    not_null == 0 && pk == 0,
                ),
            )
        })
        .collect()
}

async fn postgres_columns(url: &str) -> Columns {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let rows = sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                data_type::text AS data_type, is_nullable::text AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    rows.iter()
        .map(|row| {
            let nullable: String = row.get("nullable");
            (
                (row.get("table_name"), row.get("column_name")),
                (row.get("data_type"), nullable == "YES"),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_sets_make_the_same_tables_columns_and_types() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite_url = format!("sqlite://{}", dir.path().join("schema.db").display());
    migrated(&sqlite_url).await;
    let postgres_url = new_postgres_database().await;
    migrated(&postgres_url).await;

    let sqlite = sqlite_columns(&sqlite_url).await;
    let postgres = postgres_columns(&postgres_url).await;
    assert!(sqlite.len() > 50, "only {} SQLite columns", sqlite.len());
    let mut differences = Vec::new();
    for (column, on_sqlite) in &sqlite {
        match postgres.get(column) {
            None => differences.push(format!("{column:?} is only on SQLite")),
            Some(on_postgres) if on_postgres != on_sqlite => differences.push(format!(
                "{column:?}: SQLite {on_sqlite:?}, PostgreSQL {on_postgres:?}"
            )),
            Some(_) => {}
        }
    }
    for column in postgres.keys() {
        if !sqlite.contains_key(column) {
            differences.push(format!("{column:?} is only on PostgreSQL"));
        }
    }
    assert!(
        differences.is_empty(),
        "the migration sets drifted:\n{}",
        differences.join("\n")
    );
}
