//! Atomic operations in one round trip, coalesced on SQLite.
//!
//! A hot operation (start a login, redeem a code) is written once per
//! backend: for PostgreSQL one statement (data-modifying CTEs), for SQLite a
//! script of statements. Either way it answers exactly one row.
//!
//! Round trips, not SQL, are what a login costs here: each call into sqlx's
//! SQLite connection thread, or to PostgreSQL, is a pair of thread switches
//! (about 100 µs on this machine). PostgreSQL runs many connections side by
//! side. SQLite has one writer, so operations of one kind that arrive
//! together are run as one script, `BEGIN IMMEDIATE; op; op; …; COMMIT;`, in
//! a single call. Each operation's statements run in turn, so limits and
//! checks see the operations before them exactly as if run alone. If the
//! script fails, each operation is run again alone so that an error reaches
//! only its own caller.

use super::{Backend, Database};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// A parameter of an operation (the types the `Any` driver carries).
#[derive(Clone)]
pub enum Arg {
    Int(i64),
    Text(Option<String>),
    Blob(Option<Vec<u8>>),
}

impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}

impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(Some(value))
    }
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(Some(value.to_owned()))
    }
}

impl From<Option<String>> for Arg {
    fn from(value: Option<String>) -> Self {
        Arg::Text(value)
    }
}

impl From<Vec<u8>> for Arg {
    fn from(value: Vec<u8>) -> Self {
        Arg::Blob(Some(value))
    }
}

impl From<Option<Vec<u8>>> for Arg {
    fn from(value: Option<Vec<u8>>) -> Self {
        Arg::Blob(value)
    }
}

fn bind(
    query: Query<'static, sqlx::Any, AnyArguments>,
    arg: Arg,
) -> Query<'static, sqlx::Any, AnyArguments> {
    match arg {
        Arg::Int(value) => query.bind(value),
        Arg::Text(value) => query.bind(value),
        Arg::Blob(value) => query.bind(value),
    }
}

/// One kind of operation: its SQL on each backend and how many parameters
/// (`$1`…`$params`) it takes. Each must answer exactly one row.
pub struct Operation {
    pub name: &'static str,
    pub params: usize,
    /// Statements without `BEGIN`/`COMMIT`.
    pub sqlite: String,
    pub postgres: String,
}

/// The most operations run in one SQLite script. Each size is its own
/// prepared script, kept in sqlx's statement cache.
const MOST_PER_SCRIPT: usize = 16;

type Pending = (Vec<Arg>, oneshot::Sender<Result<AnyRow, sqlx::Error>>);

/// Runs [`Operation`]s on a database.
#[derive(Clone)]
pub struct Runner {
    db: Database,
    operation: Arc<Operation>,
    queue: Option<mpsc::UnboundedSender<Pending>>,
}

impl Runner {
    /// On SQLite, starts the task that coalesces this operation's calls.
    pub fn new(db: &Database, operation: Operation) -> Self {
        let operation = Arc::new(operation);
        let queue = (db.backend() == Backend::Sqlite).then(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            tokio::spawn(coalesce(db.clone(), operation.clone(), receiver));
            sender
        });
        Runner {
            db: db.clone(),
            operation,
            queue,
        }
    }

    pub async fn run(&self, args: Vec<Arg>) -> Result<AnyRow, sqlx::Error> {
        debug_assert_eq!(args.len(), self.operation.params, "{}", self.operation.name);
        match &self.queue {
            None => {
                let query = sqlx::query(sqlx::AssertSqlSafe(self.operation.postgres.clone()));
                let query = args.into_iter().fold(query, bind);
                query.fetch_one(self.db.writer()).await
            }
            Some(queue) => {
                let (reply, answer) = oneshot::channel();
                queue
                    .send((args, reply))
                    .map_err(|_| sqlx::Error::PoolClosed)?;
                answer.await.map_err(|_| sqlx::Error::PoolClosed)?
            }
        }
    }
}

/// `sql` with every `$n` moved up by `offset`. Our SQL has no `$` in literals.
fn shift_parameters(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        match after[..digits].parse::<usize>() {
            Ok(number) => out.push_str(&format!("${}", number + offset)),
            Err(_) => out.push('$'),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

fn script(operation: &Operation, count: usize) -> String {
    let mut sql = String::from("BEGIN IMMEDIATE; ");
    for index in 0..count {
        sql.push_str(&shift_parameters(
            &operation.sqlite,
            index * operation.params,
        ));
        sql.push_str("; ");
    }
    sql.push_str("COMMIT;");
    sql
}

async fn coalesce(
    db: Database,
    operation: Arc<Operation>,
    mut queue: mpsc::UnboundedReceiver<Pending>,
) {
    let scripts: Vec<String> = (0..=MOST_PER_SCRIPT)
        .map(|count| script(&operation, count))
        .collect();
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_SCRIPT {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let sql = &scripts[batch.len()];
        let args: Vec<Arg> = batch
            .iter()
            .flat_map(|(args, _)| args.iter().cloned())
            .collect();
        match run_script(&db, sql, args).await {
            Ok(rows) if rows.len() == batch.len() => {
                for ((_, reply), row) in batch.into_iter().zip(rows) {
                    let _ = reply.send(Ok(row));
                }
            }
            outcome => {
                if batch.len() > 1 {
                    // Alone, each gets its own answer (or error).
                    for (args, reply) in batch {
                        let alone = run_script(&db, &scripts[1], args).await;
                        let _ = reply.send(
                            alone.and_then(|mut rows| rows.pop().ok_or(sqlx::Error::RowNotFound)),
                        );
                    }
                } else if let Some((_, reply)) = batch.pop() {
                    let _ = reply.send(outcome.and_then(|mut rows| {
                        if rows.len() == 1 {
                            rows.pop().ok_or(sqlx::Error::RowNotFound)
                        } else {
                            Err(sqlx::Error::Protocol(format!(
                                "{} answered {} rows",
                                operation.name,
                                rows.len()
                            )))
                        }
                    }));
                }
            }
        }
    }
}

/// Runs a script on the writer; on error rolls back before the connection
/// returns to the pool.
async fn run_script(db: &Database, sql: &str, args: Vec<Arg>) -> Result<Vec<AnyRow>, sqlx::Error> {
    let query = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()));
    let query = args.into_iter().fold(query, bind);
    let mut conn = db.writer().acquire().await?;
    let result = query.fetch_all(&mut *conn).await;
    if result.is_err() && sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
        // Nothing was open (the script failed at BEGIN) or the connection is
        // broken; either way it must not be reused.
        let _ = conn.detach();
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_shift_and_literals_stay() {
        assert_eq!(
            shift_parameters("SELECT $1, $12, '$' FROM t WHERE a = $3", 10),
            "SELECT $11, $22, '$' FROM t WHERE a = $13"
        );
    }

    async fn database() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ops.db").display());
        let db = Database::connect(&url, 2, crate::settings::SqliteSynchronous::Normal)
            .await
            .unwrap();
        sqlx::query("CREATE TABLE items (name TEXT PRIMARY KEY, rank INTEGER NOT NULL)")
            .execute(db.writer())
            .await
            .unwrap();
        (dir, db)
    }

    fn insert_item() -> Operation {
        Operation {
            name: "insert_item",
            params: 1,
            sqlite: "INSERT INTO items (name, rank) SELECT $1, COUNT(*) FROM items; \
                     SELECT rank FROM items WHERE name = $1"
                .into(),
            postgres: String::new(),
        }
    }

    #[tokio::test]
    async fn coalesced_operations_each_get_their_own_answer_or_error() {
        let (_dir, db) = database().await;
        let runner = Runner::new(&db, insert_item());
        // Concurrent calls share scripts; one of them breaks the key.
        let names = ["a", "b", "c", "a", "d", "e", "f", "g"];
        let calls = names.iter().map(|name| runner.run(vec![(*name).into()]));
        let answers = futures::future::join_all(calls).await;
        let failures = answers.iter().filter(|answer| answer.is_err()).count();
        assert_eq!(failures, 1, "only the duplicate fails");
        // Each operation saw those before it, as if run alone in turn.
        let mut ranks: Vec<i64> = answers
            .iter()
            .filter_map(|answer| answer.as_ref().ok())
            .map(|row| sqlx::Row::try_get::<i64, _>(row, "rank").unwrap())
            .collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..7).collect::<Vec<i64>>());
        db.close().await;
    }

    #[test]
    fn a_script_wraps_its_operations_in_one_transaction() {
        let operation = Operation {
            name: "test",
            params: 2,
            sqlite: "SELECT $1, $2".into(),
            postgres: String::new(),
        };
        assert_eq!(
            script(&operation, 2),
            "BEGIN IMMEDIATE; SELECT $1, $2; SELECT $3, $4; COMMIT;"
        );
    }
}
