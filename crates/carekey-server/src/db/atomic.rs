//! Hot operations (start a login, redeem a code), each atomic, in one round
//! trip.
//!
//! Round trips, not SQL, are what a login costs here: every call into sqlx's
//! SQLite connection thread, or to a PostgreSQL backend, is a pair of thread
//! switches (about 100 µs on this machine). So each hot operation is written
//! once per backend as a single unit:
//!
//! - PostgreSQL: one statement (data-modifying CTEs) that commits by itself;
//!   calls run side by side on the pool's connections.
//! - SQLite: a script of statements. SQLite has one writer, so calls of one
//!   operation that arrive together run as one script, `BEGIN IMMEDIATE;
//!   call; call; …; COMMIT;`, in a single call to the writer. They run in
//!   turn, so each call's limits and checks see the calls before it exactly
//!   as if run alone. If such a batch fails, each call is run again alone, so
//!   that an error reaches only its own caller.
//!
//! (Batching PostgreSQL calls into one statement over a JSON table of calls
//! was tried and measured: it cost more database CPU per login than it saved.)

use super::{Backend, Database};
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::query::Query;
use std::sync::Arc;
use tokio::sync::{mpsc, oneshot};

/// A parameter of a call (the types the `Any` driver carries).
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

impl Arg {
    pub fn bind(
        self,
        query: Query<'static, sqlx::Any, AnyArguments>,
    ) -> Query<'static, sqlx::Any, AnyArguments> {
        match self {
            Arg::Int(value) => query.bind(value),
            Arg::Text(value) => query.bind(value),
            Arg::Blob(value) => query.bind(value),
        }
    }
}

/// One kind of atomic operation, written for each backend.
pub struct Operation {
    pub name: &'static str,
    /// How many parameters a call takes.
    pub params: usize,
    /// SQLite: the statements of one call, `$1`… its parameters, answering
    /// exactly one row. No `BEGIN`/`COMMIT`.
    pub sqlite: String,
    /// PostgreSQL: one statement, `$1`… its parameters, answering exactly
    /// one row.
    pub postgres: String,
}

/// The runners of the hot operations. Their SQL is the login flow's
/// (`login::operations`); they are made once per server so that SQLite's
/// calls of one kind batch together.
pub struct HotOperations {
    pub start_by_email: Runner,
    pub start_by_phone: Runner,
    pub log_in: Runner,
    /// PostgreSQL only: the send limits, counted apart from the start.
    pub count_limits: Option<Runner>,
}

/// The most calls in one SQLite script. Each size is its own prepared
/// script, kept in sqlx's statement cache.
const MOST_PER_BATCH: usize = 16;

type Pending = (Vec<Arg>, oneshot::Sender<Result<AnyRow, sqlx::Error>>);

/// Runs calls of one [`Operation`].
#[derive(Clone)]
pub struct Runner {
    db: Database,
    operation: Arc<Operation>,
    /// SQLite: the queue of the task that batches calls.
    queue: Option<mpsc::UnboundedSender<Pending>>,
}

impl Runner {
    /// On SQLite, starts the task that runs this operation's batches.
    pub fn new(db: &Database, operation: Operation) -> Self {
        let operation = Arc::new(operation);
        let queue = (db.backend() == Backend::Sqlite).then(|| {
            let (queue, receiver) = mpsc::unbounded_channel();
            tokio::spawn(run_batches(db.clone(), operation.clone(), receiver));
            queue
        });
        Runner {
            db: db.clone(),
            operation,
            queue,
        }
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// One call; answers its row. A SQLite call completes even if the caller
    /// stops waiting (a request cancelled by its client): stopping halfway
    /// would leave the writer inside a transaction. A PostgreSQL statement is
    /// atomic by itself.
    pub async fn run(&self, args: Vec<Arg>) -> Result<AnyRow, sqlx::Error> {
        let stopped = || sqlx::Error::Protocol(format!("{} runner stopped", self.operation.name));
        match &self.queue {
            None => {
                let query = sqlx::query(sqlx::AssertSqlSafe(self.operation.postgres.clone()));
                let query = args.into_iter().fold(query, |query, arg| arg.bind(query));
                query.fetch_one(self.db.writer()).await
            }
            Some(queue) => {
                let (reply, answer) = oneshot::channel();
                queue.send((args, reply)).map_err(|_| stopped())?;
                answer.await.map_err(|_| stopped())?
            }
        }
    }
}

async fn run_batches(
    db: Database,
    operation: Arc<Operation>,
    mut queue: mpsc::UnboundedReceiver<Pending>,
) {
    let scripts: Vec<String> = (0..=MOST_PER_BATCH)
        .map(|count| sqlite_script(&operation, count))
        .collect();
    while let Some(first) = queue.recv().await {
        let mut batch = vec![first];
        while batch.len() < MOST_PER_BATCH {
            match queue.try_recv() {
                Ok(next) => batch.push(next),
                Err(_) => break,
            }
        }
        let calls: Vec<&[Arg]> = batch.iter().map(|(args, _)| args.as_slice()).collect();
        let answers = run_batch(&db, &operation, &scripts, &calls).await;
        let incomplete = match &answers {
            Ok(rows) => rows.iter().any(Option::is_none),
            Err(_) => true,
        };
        if batch.len() > 1 && incomplete {
            // Alone, each call gets its own answer or error.
            for (args, reply) in batch {
                let alone = run_batch(&db, &operation, &scripts, &[args.as_slice()]).await;
                let _ = reply.send(first_row(&operation, alone));
            }
            continue;
        }
        match answers {
            Ok(rows) => {
                for ((_, reply), row) in batch.into_iter().zip(rows) {
                    let _ = reply.send(row.ok_or_else(|| missing_row(&operation)));
                }
            }
            Err(error) => {
                if let Some((_, reply)) = batch.pop() {
                    let _ = reply.send(Err(error));
                }
            }
        }
    }
}

fn missing_row(operation: &Operation) -> sqlx::Error {
    sqlx::Error::Protocol(format!("{} answered no row for a call", operation.name))
}

fn first_row(
    operation: &Operation,
    answers: Result<Vec<Option<AnyRow>>, sqlx::Error>,
) -> Result<AnyRow, sqlx::Error> {
    answers?
        .into_iter()
        .next()
        .flatten()
        .ok_or_else(|| missing_row(operation))
}

/// Runs `calls` as one SQLite script; answers each call's row, in order.
async fn run_batch(
    db: &Database,
    operation: &Operation,
    scripts: &[String],
    calls: &[&[Arg]],
) -> Result<Vec<Option<AnyRow>>, sqlx::Error> {
    let query = sqlx::query(sqlx::AssertSqlSafe(scripts[calls.len()].clone()));
    let query = calls
        .iter()
        .flat_map(|args| args.iter().cloned())
        .fold(query, |query, arg| arg.bind(query));
    let mut conn = db.writer().acquire().await?;
    match query.fetch_all(&mut *conn).await {
        Ok(rows) if rows.len() == calls.len() => Ok(rows.into_iter().map(Some).collect()),
        Ok(rows) => Err(sqlx::Error::Protocol(format!(
            "{} answered {} rows for {} calls",
            operation.name,
            rows.len(),
            calls.len()
        ))),
        Err(error) => {
            if sqlx::query("ROLLBACK").execute(&mut *conn).await.is_err() {
                // Nothing was open (the script failed at BEGIN) or the
                // connection is broken; either way it is not reused.
                let _ = conn.detach();
            }
            Err(error)
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

fn sqlite_script(operation: &Operation, count: usize) -> String {
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

    #[test]
    fn a_script_wraps_its_calls_in_one_transaction() {
        let operation = Operation {
            name: "test",
            params: 2,
            sqlite: "SELECT $1, $2".into(),
            postgres: String::new(),
        };
        assert_eq!(
            sqlite_script(&operation, 2),
            "BEGIN IMMEDIATE; SELECT $1, $2; SELECT $3, $4; COMMIT;"
        );
    }

    async fn database() -> (tempfile::TempDir, Database) {
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("ops.db").display());
        let db = Database::connect(&url, 2, crate::db::SqliteOptions::default())
            .await
            .unwrap();
        sqlx::query("CREATE TABLE items (name TEXT PRIMARY KEY, rank INTEGER NOT NULL)")
            .execute(db.writer())
            .await
            .unwrap();
        (dir, db)
    }

    #[tokio::test]
    async fn batched_calls_each_get_their_own_answer_or_error() {
        let (_dir, db) = database().await;
        let runner = Runner::new(
            &db,
            Operation {
                name: "insert_item",
                params: 1,
                sqlite: "INSERT INTO items (name, rank) SELECT $1, COUNT(*) FROM items; \
                         SELECT rank FROM items WHERE name = $1"
                    .into(),
                postgres: String::new(),
            },
        );
        // Concurrent calls share a batch; one of them breaks the key.
        let names = ["a", "b", "c", "a", "d", "e", "f", "g"];
        let calls = names.iter().map(|name| runner.run(vec![(*name).into()]));
        let answers = futures::future::join_all(calls).await;
        let failures = answers.iter().filter(|answer| answer.is_err()).count();
        assert_eq!(failures, 1, "only the duplicate fails");
        // Each call saw those before it, as if run alone in turn.
        let mut ranks: Vec<i64> = answers
            .iter()
            .filter_map(|answer| answer.as_ref().ok())
            .map(|row| sqlx::Row::try_get::<i64, _>(row, "rank").unwrap())
            .collect();
        ranks.sort_unstable();
        assert_eq!(ranks, (0..7).collect::<Vec<i64>>());
        db.close().await;
    }
}
