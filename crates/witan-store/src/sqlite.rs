//! The embedded default: SQLite in WAL mode with foreign keys on, migrations from
//! `migrations/sqlite` applied at open. The driver keeps only what SQLite does its own way: dates
//! and instants as text, flags as 0 or 1, lists as JSON, the write lock as `BEGIN IMMEDIATE`, and
//! batched inserts as multi-row `VALUES`.
//!
//! Statements run in place (rusqlite), on the thread of the task that asks: a read of a meeting
//! page is a few hundred microseconds of SQLite's own work, far less than handing each statement
//! to a worker thread and waking the task again would cost. Connections are a small pool, leased
//! for one statement (a read) or one unit of work (a writer, which also holds the process's write
//! lock, so writers of one process queue without blocking a thread). Only what may wait on another
//! process leaves the thread: `BEGIN IMMEDIATE` (SQLite's busy wait) and streaming a whole table
//! for `witan copy`.

use crate::catalogue::{Kind, Table};
use crate::decode::{Columns, corrupt};
use crate::error::Broke;
use crate::sql::{Dialect, Driver, Param, Sql, SqlStore};
use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::{ToSqlOutput, Value, ValueRef};
use rusqlite::{Connection, OpenFlags, ToSql, ffi};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedMutexGuard, OwnedSemaphorePermit, Semaphore};
use witan_domain::ValidationError;

mod migrate;

use migrate::migrate;

/// The SQLite store. Cheap to clone: it is a handle on a connection pool.
pub type SqliteStore = SqlStore<SqliteDriver>;

/// Connections open at most: readers run in place, so more than the cores rarely help; the rest
/// cover units of work held across awaits.
const CONNECTIONS: usize = 8;
/// How long a statement waits for a connection, and SQLite for another process's write lock.
const WAIT: Duration = Duration::from_secs(10);
/// Prepared statements kept per connection (every query the store has fits).
const STATEMENTS_KEPT: usize = 256;

/// Statements on a pool of SQLite connections.
#[derive(Debug, Clone)]
pub struct SqliteDriver {
    pool: Arc<Pool>,
}

#[derive(Debug)]
struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    leases: Arc<Semaphore>,
    /// Held by a unit of work from `begin` to its end.
    writer: Arc<tokio::sync::Mutex<()>>,
}

impl SqlStore<SqliteDriver> {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Self> {
        let pool = Arc::new(Pool {
            path: path.to_owned(),
            idle: Mutex::new(Vec::new()),
            leases: Arc::new(Semaphore::new(CONNECTIONS)),
            writer: Arc::new(tokio::sync::Mutex::new(())),
        });
        let driver = SqliteDriver { pool };
        let mut lease = driver.lease().await?;
        let connection = lease.take();
        let (connection, migrated) = tokio::task::spawn_blocking(move || {
            let migrated = migrate(&connection);
            (connection, migrated)
        })
        .await
        .map_err(|e| StoreError::Database(format!("migrating the database: {e}")))?;
        lease.put(connection);
        migrated?;
        Ok(Self::new(driver))
    }

    /// Opens a `sqlite://PATH` (or `sqlite:PATH`) URL; options after `?` are SQLite's defaults
    /// here (the file is created if missing).
    pub async fn open_url(url: &str) -> Result<Self> {
        let rest = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                StoreError::Invalid(ValidationError::new("database_url", "is not a sqlite: URL"))
            })?;
        let path = rest.split_once('?').map_or(rest, |(path, _)| path);
        if path.is_empty() || path.starts_with(":memory:") {
            return Err(StoreError::Invalid(ValidationError::new(
                "database_url",
                "names no database file",
            )));
        }
        Self::open(Path::new(path)).await
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.driver.pool.path
    }
}

impl Pool {
    fn connect(&self) -> Result<Connection> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let unavailable = |e: rusqlite::Error| {
            StoreError::Unavailable(format!("opening {}: {e}", self.path.display()))
        };
        let connection = Connection::open_with_flags(&self.path, flags).map_err(unavailable)?;
        connection.busy_timeout(WAIT).map_err(unavailable)?;
        connection.set_prepared_statement_cache_capacity(STATEMENTS_KEPT);
        // 8 MB of page cache per connection keeps a serving process's own memory well under
        // 200 MB. The database file is read through a map of it (up to 64 GiB): a page nobody
        // asked for lately is read from the kernel's page cache in place, not copied by a
        // pread per page (cold meeting pages at 1M items: 1,237–1,291 → 2,071–2,356 req/s).
        // The mapped pages show in the process's RSS as file pages, which the kernel shares
        // and reclaims like any cache; the anonymous part is unchanged.
        connection
            .execute_batch(
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;
                 PRAGMA cache_size = -8192; PRAGMA temp_store = memory;
                 PRAGMA mmap_size = 68719476736;",
            )
            .map_err(unavailable)?;
        Ok(connection)
    }
}

/// A connection lent by the pool; it goes back when dropped.
struct Lease {
    connection: Option<Connection>,
    pool: Arc<Pool>,
    _permit: OwnedSemaphorePermit,
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lease").finish_non_exhaustive()
    }
}

impl Lease {
    fn connection(&self) -> &Connection {
        self.connection
            .as_ref()
            .expect("a lease holds its connection except inside take/put")
    }

    fn take(&mut self) -> Connection {
        self.connection
            .take()
            .expect("a lease holds its connection except inside take/put")
    }

    fn put(&mut self, connection: Connection) {
        self.connection = Some(connection);
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            // A connection left inside a transaction (a panic mid-statement) is not reused.
            if connection.is_autocommit()
                && let Ok(mut idle) = self.pool.idle.lock()
            {
                idle.push(connection);
            }
        }
    }
}

impl SqliteDriver {
    async fn lease(&self) -> Result<Lease> {
        let permit = tokio::time::timeout(WAIT, self.pool.leases.clone().acquire_owned())
            .await
            .map_err(|_| StoreError::Unavailable("no database connection free".into()))?
            .map_err(|_| StoreError::Unavailable("the database is closed".into()))?;
        let idle = self.pool.idle.lock().ok().and_then(|mut idle| idle.pop());
        let connection = match idle {
            Some(connection) => connection,
            None => self.pool.connect()?,
        };
        Ok(Lease {
            connection: Some(connection),
            pool: self.pool.clone(),
            _permit: permit,
        })
    }
}

/// A unit of work: a leased connection inside `BEGIN IMMEDIATE`, and the process's write lock.
/// Dropped without `commit`, it rolls back.
pub struct SqliteTx {
    lease: Lease,
    open: bool,
    _writer: OwnedMutexGuard<()>,
}

impl std::fmt::Debug for SqliteTx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteTx")
            .field("open", &self.open)
            .finish_non_exhaustive()
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            let _ = self.lease.connection().execute_batch("ROLLBACK");
        }
    }
}

/// A row as read: its column names (shared by every row of one statement) and values.
#[derive(Debug, Clone)]
pub struct SqliteRow {
    names: Arc<[String]>,
    values: Vec<Value>,
}

impl SqliteRow {
    fn value(&self, column: &'static str) -> Result<&Value> {
        self.names
            .iter()
            .position(|n| n == column)
            .map(|i| &self.values[i])
            .ok_or_else(|| invalid(column, "no such column in the result"))
    }
}

/// Turns a driver error into a store error in domain words. `record` names what was being
/// written, so that a constraint failure names it.
pub(crate) fn db_error(record: &'static str) -> impl Fn(rusqlite::Error) -> StoreError {
    move |error| match &error {
        rusqlite::Error::SqliteFailure(failure, message) => {
            let message = message.clone().unwrap_or_else(|| failure.to_string());
            let broke = match failure.extended_code {
                ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Broke::Unique,
                ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Broke::ForeignKey,
                ffi::SQLITE_CONSTRAINT_CHECK => Broke::Check,
                _ => Broke::Other,
            };
            match failure.code {
                rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::SystemIoFailure
                | rusqlite::ErrorCode::DatabaseBusy
                | rusqlite::ErrorCode::DatabaseLocked => StoreError::Unavailable(message),
                _ => crate::error::refusal(record, &message, broke, || {
                    message
                        .trim_start_matches("UNIQUE constraint failed: ")
                        .to_owned()
                }),
            }
        }
        _ => StoreError::Database(error.to_string()),
    }
}

/// The stored form of an instant a person chose: RFC 3339 in UTC with a Z, to the second, whose
/// text order is time order.
pub(crate) fn instant_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The stored form of a moment the database recorded, to the millisecond, as
/// `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` writes it.
pub(crate) fn stamp_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "[]".to_owned())
}

/// One value as SQLite keeps it.
impl ToSql for Param {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        let text = |t: Option<String>| ToSqlOutput::Owned(t.map_or(Value::Null, Value::Text));
        Ok(match self {
            Param::Int(v) => ToSqlOutput::Owned(v.map_or(Value::Null, Value::Integer)),
            Param::Bool(v) => ToSqlOutput::Owned(Value::Integer(i64::from(*v))),
            Param::Text(v) | Param::Json(v) => match v {
                Some(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
                None => ToSqlOutput::Owned(Value::Null),
            },
            Param::Texts(v) | Param::Keys(v) => text(Some(json(v))),
            Param::Ints(v) => text(Some(json(v))),
            Param::Date(v) => text(v.map(date_text)),
            Param::Instant(v) => text(v.map(instant_text)),
            Param::Stamp(v) => text(v.map(stamp_text)),
        })
    }
}

/// Binds `params` to a statement whose placeholders are `$N` (the N-th value, wherever and
/// however often it appears) or plain `?` (in order).
fn bind(statement: &mut rusqlite::Statement<'_>, params: &[Param]) -> rusqlite::Result<()> {
    for index in 1..=statement.parameter_count() {
        let at = match statement.parameter_name(index) {
            Some(name) => name
                .strip_prefix('$')
                .and_then(|n| n.parse::<usize>().ok())
                .ok_or_else(|| rusqlite::Error::InvalidParameterName(name.to_owned()))?,
            None => index,
        };
        let param = params
            .get(at - 1)
            .ok_or(rusqlite::Error::InvalidParameterCount(at, params.len()))?;
        statement.raw_bind_parameter(index, param)?;
    }
    Ok(())
}

/// Runs a query on `connection`, reading at most `limit` rows.
fn rows(
    connection: &Connection,
    sql: &str,
    params: &[Param],
    limit: usize,
) -> rusqlite::Result<Vec<SqliteRow>> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, params)?;
    let names = names_of(&statement);
    let mut found = Vec::new();
    let mut rows = statement.raw_query();
    while found.len() < limit
        && let Some(row) = rows.next()?
    {
        found.push(row_of(&names, row)?);
    }
    Ok(found)
}

/// A statement's column names, shared by the rows it reads.
fn names_of(statement: &rusqlite::Statement<'_>) -> Arc<[String]> {
    statement
        .column_names()
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// A row as read, its values owned.
fn row_of(names: &Arc<[String]>, row: &rusqlite::Row<'_>) -> rusqlite::Result<SqliteRow> {
    let values = (0..names.len())
        .map(|i| row.get::<_, Value>(i))
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(SqliteRow {
        names: names.clone(),
        values,
    })
}

/// Runs a statement for its effect; rows it returns (`SELECT 1`, `RETURNING`) are read and
/// dropped. How many rows it changed.
fn execute(connection: &Connection, sql: &str, params: &[Param]) -> rusqlite::Result<u64> {
    let mut statement = connection.prepare_cached(sql)?;
    bind(&mut statement, params)?;
    if statement.column_count() == 0 {
        return Ok(statement.raw_execute()? as u64);
    }
    let mut rows = statement.raw_query();
    while rows.next()?.is_some() {}
    Ok(connection.changes())
}

/// Rows per batched INSERT: enough to amortise preparing the statement, few enough that it stays
/// small (and far below SQLite's limit of 32,766 values).
const ROWS_PER_INSERT: usize = 256;

#[async_trait]
impl Driver for SqliteDriver {
    type Row = SqliteRow;
    type Tx = SqliteTx;
    const DIALECT: Dialect = Dialect::Sqlite;
    const TRIGGERS_LOG_INSERTS: bool = false;

    async fn fetch_all(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<SqliteRow>> {
        let lease = self.lease().await?;
        rows(lease.connection(), &sql, &params, usize::MAX).map_err(db_error(what))
    }

    async fn fetch_optional(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<SqliteRow>> {
        let lease = self.lease().await?;
        Ok(rows(lease.connection(), &sql, &params, 1)
            .map_err(db_error(what))?
            .pop())
    }

    async fn execute(&self, sql: Sql, params: Vec<Param>, what: &'static str) -> Result<u64> {
        let lease = self.lease().await?;
        execute(lease.connection(), &sql, &params).map_err(db_error(what))
    }

    async fn begin(&self) -> Result<Self::Tx> {
        // Writers of this process queue here; `BEGIN IMMEDIATE` then waits only for another
        // process, on a blocking thread, instead of failing half-way when two try to upgrade a
        // read lock at once.
        let writer = self.pool.writer.clone().lock_owned().await;
        let mut lease = self.lease().await?;
        let connection = lease.take();
        let (connection, began) = tokio::task::spawn_blocking(move || {
            let began = connection.execute_batch("BEGIN IMMEDIATE");
            (connection, began)
        })
        .await
        .map_err(|e| StoreError::Database(format!("beginning a transaction: {e}")))?;
        lease.put(connection);
        began.map_err(db_error("transaction"))?;
        Ok(SqliteTx {
            lease,
            open: true,
            _writer: writer,
        })
    }

    async fn tx_fetch_all(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<SqliteRow>> {
        rows(tx.lease.connection(), &sql, &params, usize::MAX).map_err(db_error(what))
    }

    async fn tx_fetch_optional(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<SqliteRow>> {
        Ok(rows(tx.lease.connection(), &sql, &params, 1)
            .map_err(db_error(what))?
            .pop())
    }

    async fn tx_execute(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<u64> {
        execute(tx.lease.connection(), &sql, &params).map_err(db_error(what))
    }

    async fn insert_rows(
        tx: &mut Self::Tx,
        table: &'static Table,
        columns: &[&'static str],
        rows: Vec<Vec<Param>>,
    ) -> Result<()> {
        let width = columns.len();
        // Plain `?` binds in order; numbered names would cost SQLite a lookup each.
        let row = format!("({})", vec!["?"; width].join(", "));
        let suffix = conflict_suffix(table, Dialect::Sqlite);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let chunk: Vec<Param> = rows.by_ref().take(ROWS_PER_INSERT).flatten().collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}{suffix}",
                table.name,
                columns.join(", "),
                vec![row.as_str(); chunk.len() / width.max(1)].join(", "),
            );
            execute(tx.lease.connection(), &sql, &chunk).map_err(db_error(table.name))?;
        }
        Ok(())
    }

    async fn ids_taken(_tx: &mut Self::Tx, _tables: &[&'static str]) -> Result<()> {
        // SQLite's next rowid is always one more than the largest.
        Ok(())
    }

    async fn commit(mut tx: Self::Tx) -> Result<()> {
        let committed = tx
            .lease
            .connection()
            .execute_batch("COMMIT")
            .map_err(db_error("transaction"));
        // A failed COMMIT leaves the transaction open; dropping the unit of work rolls it back.
        tx.open = committed.is_err();
        committed
    }

    async fn rollback(mut tx: Self::Tx) {
        // A rollback that fails leaves the connection outside the pool: it is not reused.
        let _ = tx.lease.connection().execute_batch("ROLLBACK");
        tx.open = false;
    }

    async fn refresh_statistics(&self) -> Result<()> {
        // SQLite plans well without statistics and keeps none.
        Ok(())
    }
}

/// A read transaction over one snapshot of the database, for `witan copy`.
pub(crate) struct Snapshot {
    lease: Lease,
}

impl SqliteDriver {
    /// Begins a read transaction and fixes its snapshot.
    pub(crate) async fn snapshot(&self) -> Result<Snapshot> {
        let lease = self.lease().await?;
        lease
            .connection()
            .execute_batch("BEGIN; SELECT count(*) FROM sqlite_schema;")
            .map_err(|e| StoreError::Database(format!("reading the source: {e}")))?;
        Ok(Snapshot { lease })
    }
}

impl Snapshot {
    /// Reads the rows of `sql` on a blocking thread, decoded by `decode`, in batches of `batch`;
    /// no more than two batches are held at once. Read them with [`Batches::next`] until it
    /// gives `None`, then give the connection back with [`Batches::finish`].
    pub(crate) fn stream<T: Send + 'static>(
        &mut self,
        sql: String,
        batch: usize,
        decode: impl Fn(&SqliteRow) -> Result<T> + Send + 'static,
    ) -> Batches<'_, T> {
        let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<T>>>(1);
        let connection = self.lease.take();
        let reader = tokio::task::spawn_blocking(move || {
            let read = || -> Result<()> {
                let fail = |e: rusqlite::Error| StoreError::Database(format!("reading: {e}"));
                let mut statement = connection.prepare(&sql).map_err(fail)?;
                let names = names_of(&statement);
                let mut rows = statement.raw_query();
                let mut pending = Vec::with_capacity(batch);
                while let Some(row) = rows.next().map_err(fail)? {
                    pending.push(decode(&row_of(&names, row).map_err(fail)?)?);
                    if pending.len() == batch {
                        let full = std::mem::replace(&mut pending, Vec::with_capacity(batch));
                        if sender.blocking_send(Ok(full)).is_err() {
                            return Ok(());
                        }
                    }
                }
                if !pending.is_empty() {
                    let _ = sender.blocking_send(Ok(pending));
                }
                Ok(())
            };
            if let Err(e) = read() {
                let _ = sender.blocking_send(Err(e));
            }
            connection
        });
        Batches {
            snapshot: self,
            receiver,
            reader,
        }
    }
}

/// Batches of rows being read from a [`Snapshot`].
pub(crate) struct Batches<'a, T> {
    snapshot: &'a mut Snapshot,
    receiver: tokio::sync::mpsc::Receiver<Result<Vec<T>>>,
    reader: tokio::task::JoinHandle<Connection>,
}

impl<T> Batches<'_, T> {
    pub(crate) async fn next(&mut self) -> Option<Result<Vec<T>>> {
        self.receiver.recv().await
    }

    /// Stops reading (if it has not ended) and gives the connection back to the snapshot.
    pub(crate) async fn finish(self) -> Result<()> {
        let Self {
            snapshot,
            receiver,
            reader,
        } = self;
        drop(receiver);
        let connection = reader
            .await
            .map_err(|e| StoreError::Database(format!("reading the source: {e}")))?;
        snapshot.lease.put(connection);
        Ok(())
    }
}

impl Drop for Snapshot {
    fn drop(&mut self) {
        if let Some(connection) = &self.lease.connection {
            let _ = connection.execute_batch("ROLLBACK");
        }
    }
}

/// The `ON CONFLICT` clause of a table the writer may write a row of again.
pub(crate) fn conflict_suffix(table: &Table, dialect: Dialect) -> String {
    let Some(conflict) = table.on_conflict else {
        return String::new();
    };
    let mut set: Vec<String> = conflict
        .update
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    if let Some(stamp) = conflict.stamp {
        set.push(format!("{stamp} = {}", dialect.now()));
    }
    format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        conflict.key.join(", "),
        set.join(", ")
    )
}

fn invalid(column: &'static str, e: impl std::fmt::Display) -> StoreError {
    corrupt(ValidationError::new(column, e))
}

fn text_of(column: &'static str, value: &Value) -> Result<Option<String>> {
    match value {
        Value::Null => Ok(None),
        Value::Text(t) => Ok(Some(t.clone())),
        Value::Integer(i) => Ok(Some(i.to_string())),
        Value::Real(r) => Ok(Some(r.to_string())),
        Value::Blob(b) => String::from_utf8(b.clone())
            .map(Some)
            .map_err(|e| invalid(column, e)),
    }
}

/// How SQLite's columns read: instants are RFC 3339 UTC text, dates ISO text, flags 0 or 1, a
/// list of ids comma-separated text and a list of texts a JSON array.
impl Columns for SqliteRow {
    fn opt_string(&self, column: &'static str) -> Result<Option<String>> {
        text_of(column, self.value(column)?)
    }

    fn opt_int(&self, column: &'static str) -> Result<Option<i64>> {
        match self.value(column)? {
            Value::Null => Ok(None),
            Value::Integer(i) => Ok(Some(*i)),
            other => Err(invalid(
                column,
                format!("is {:?}, not a whole number", other.data_type()),
            )),
        }
    }

    fn flag(&self, column: &'static str) -> Result<bool> {
        match self.value(column)? {
            Value::Integer(i) => Ok(*i != 0),
            other => Err(invalid(
                column,
                format!("is {:?}, not 0 or 1", other.data_type()),
            )),
        }
    }

    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>> {
        self.opt_string(column)?
            .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| invalid(column, e)))
            .transpose()
    }

    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>> {
        self.opt_string(column)?
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| invalid(column, e))
            })
            .transpose()
    }

    fn ids(&self, column: &'static str) -> Result<Vec<i64>> {
        crate::decode::comma_separated(column, &self.opt_string(column)?)
    }

    fn texts(&self, column: &'static str) -> Result<Vec<String>> {
        let text = self
            .opt_string(column)?
            .ok_or_else(|| invalid(column, "is missing"))?;
        serde_json::from_str(&text).map_err(|e| invalid(column, e))
    }
}

/// How a column of `kind` reads from SQLite, as a value `witan copy` can write anywhere.
pub(crate) fn value(row: &SqliteRow, column: &'static str, kind: Kind) -> Result<Param> {
    Ok(match kind {
        Kind::Int => Param::Int(row.opt_int(column)?),
        Kind::Text => Param::Text(row.opt_string(column)?),
        Kind::Json => Param::Json(row.opt_string(column)?),
        Kind::Bool => Param::Bool(row.flag(column)?),
        Kind::Date => Param::Date(row.opt_date(column)?),
        Kind::Instant => Param::Instant(row.opt_instant(column)?),
        Kind::Stamp => Param::Stamp(row.opt_instant(column)?),
        Kind::TextList => Param::Texts(row.texts(column)?),
    })
}
