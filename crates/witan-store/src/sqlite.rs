//! The embedded default: SQLite in WAL mode with foreign keys on, migrations from
//! `migrations/sqlite` applied at open. The driver keeps only what SQLite does its own way: dates
//! and instants as text, flags as 0 or 1, lists as JSON, the write lock as `BEGIN IMMEDIATE`, and
//! batched inserts as multi-row `VALUES`.

use crate::catalogue::{Kind, Table};
use crate::decode::{Columns, corrupt};
use crate::sql::{Dialect, Driver, Param, Sql, SqlStore};
use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::query::Query;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row, Sqlite, Transaction};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;
use witan_domain::ValidationError;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite store. Cheap to clone: it is a handle on a connection pool.
pub type SqliteStore = SqlStore<SqliteDriver>;

/// Statements on a SQLite pool.
#[derive(Debug, Clone)]
pub struct SqliteDriver {
    pool: SqlitePool,
}

impl SqlStore<SqliteDriver> {
    /// Opens (creating if missing) the database file at `path` and migrates it.
    pub async fn open(path: &Path) -> Result<Self> {
        let options = SqliteConnectOptions::new().filename(path);
        Self::open_with(options).await
    }

    /// Opens a `sqlite://PATH` URL.
    pub async fn open_url(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url).map_err(|e| {
            StoreError::Invalid(witan_domain::ValidationError::new("database_url", e))
        })?;
        Self::open_with(options).await
    }

    async fn open_with(options: SqliteConnectOptions) -> Result<Self> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            // 8 MB of page cache per connection keeps a serving process well under 200 MB.
            .pragma("cache_size", "-8192")
            .pragma("temp_store", "memory");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .min_connections(1)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        migrate(&pool).await?;
        Ok(Self::new(SqliteDriver { pool }))
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.driver.pool
    }
}

async fn migrate(pool: &SqlitePool) -> Result<()> {
    use sqlx::migrate::MigrateError;
    MIGRATOR.run(pool).await.map_err(|e| match e {
        MigrateError::VersionMissing(found) => StoreError::NewerSchema { found },
        other => StoreError::Database(format!("migrating the database: {other}")),
    })
}

/// Turns a driver error into a store error in domain words. `record` names what was being
/// written, so that a constraint failure names it.
pub(crate) fn db_error(record: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |error| match &error {
        sqlx::Error::Database(db) => crate::error::refusal(record, db.as_ref(), || {
            db.message()
                .trim_start_matches("UNIQUE constraint failed: ")
                .to_owned()
        }),
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => {
            StoreError::Unavailable(error.to_string())
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

/// Binds one value as SQLite keeps it.
fn bind<'q>(
    query: Query<'q, Sqlite, SqliteArguments>,
    param: Param,
) -> Query<'q, Sqlite, SqliteArguments> {
    match param {
        Param::Int(v) => query.bind(v),
        Param::Bool(v) => query.bind(i64::from(v)),
        Param::Text(v) | Param::Json(v) => query.bind(v),
        Param::Texts(v) | Param::Keys(v) => query.bind(json(&v)),
        Param::Ints(v) => query.bind(json(&v)),
        Param::Date(v) => query.bind(v.map(date_text)),
        Param::Instant(v) => query.bind(v.map(instant_text)),
        Param::Stamp(v) => query.bind(v.map(stamp_text)),
    }
}

fn query(sql: Sql, params: Vec<Param>) -> Query<'static, Sqlite, SqliteArguments> {
    params
        .into_iter()
        .fold(sqlx::query(AssertSqlSafe(sql)), bind)
}

/// Rows per batched INSERT: enough to amortise the hop to the driver's worker thread, few enough
/// that the prepared statement stays small (and far below SQLite's limit of 32,766 values).
const ROWS_PER_INSERT: usize = 256;

#[async_trait]
impl Driver for SqliteDriver {
    type Row = SqliteRow;
    type Tx = Transaction<'static, Sqlite>;
    const DIALECT: Dialect = Dialect::Sqlite;
    const TRIGGERS_LOG_INSERTS: bool = false;

    async fn fetch_all(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<SqliteRow>> {
        query(sql, params)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error(what))
    }

    async fn fetch_optional(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<SqliteRow>> {
        query(sql, params)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error(what))
    }

    async fn execute(&self, sql: Sql, params: Vec<Param>, what: &'static str) -> Result<u64> {
        Ok(query(sql, params)
            .execute(&self.pool)
            .await
            .map_err(db_error(what))?
            .rows_affected())
    }

    async fn begin(&self) -> Result<Self::Tx> {
        // Writers queue for the lock up front instead of failing half-way when two try to
        // upgrade a read lock at once.
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error("transaction"))
    }

    async fn tx_fetch_all(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<SqliteRow>> {
        query(sql, params)
            .fetch_all(&mut **tx)
            .await
            .map_err(db_error(what))
    }

    async fn tx_fetch_optional(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<SqliteRow>> {
        query(sql, params)
            .fetch_optional(&mut **tx)
            .await
            .map_err(db_error(what))
    }

    async fn tx_execute(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<u64> {
        Ok(query(sql, params)
            .execute(&mut **tx)
            .await
            .map_err(db_error(what))?
            .rows_affected())
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
            let chunk: Vec<Vec<Param>> = rows.by_ref().take(ROWS_PER_INSERT).collect();
            let sql = format!(
                "INSERT INTO {} ({}) VALUES {}{suffix}",
                table.name,
                columns.join(", "),
                vec![row.as_str(); chunk.len()].join(", "),
            );
            query(sql.into(), chunk.into_iter().flatten().collect())
                .execute(&mut **tx)
                .await
                .map_err(db_error(table.name))?;
        }
        Ok(())
    }

    async fn ids_taken(_tx: &mut Self::Tx, _tables: &[&'static str]) -> Result<()> {
        // SQLite's next rowid is always one more than the largest.
        Ok(())
    }

    async fn commit(tx: Self::Tx) -> Result<()> {
        tx.commit().await.map_err(db_error("transaction"))
    }

    async fn rollback(tx: Self::Tx) {
        // A rollback that fails leaves the connection to the pool, which resets it.
        let _ = tx.rollback().await;
    }

    async fn refresh_statistics(&self) -> Result<()> {
        // SQLite plans well without statistics and keeps none.
        Ok(())
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

fn get<'r, T>(row: &'r SqliteRow, column: &'static str) -> Result<T>
where
    T: sqlx::Decode<'r, Sqlite> + sqlx::Type<Sqlite>,
{
    row.try_get(column)
        .map_err(|e| corrupt(ValidationError::new(column, e)))
}

fn invalid(column: &'static str, e: impl std::fmt::Display) -> StoreError {
    corrupt(ValidationError::new(column, e))
}

/// How SQLite's columns read: instants are RFC 3339 UTC text, dates ISO text, flags 0 or 1, a
/// list of ids comma-separated text and a list of texts a JSON array.
impl Columns for SqliteRow {
    fn opt_string(&self, column: &'static str) -> Result<Option<String>> {
        get(self, column)
    }

    fn opt_int(&self, column: &'static str) -> Result<Option<i64>> {
        get(self, column)
    }

    fn flag(&self, column: &'static str) -> Result<bool> {
        Ok(get::<i64>(self, column)? != 0)
    }

    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>> {
        get::<Option<String>>(self, column)?
            .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| invalid(column, e)))
            .transpose()
    }

    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>> {
        get::<Option<String>>(self, column)?
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| invalid(column, e))
            })
            .transpose()
    }

    fn ids(&self, column: &'static str) -> Result<Vec<i64>> {
        crate::decode::comma_separated(column, &get::<Option<String>>(self, column)?)
    }

    fn texts(&self, column: &'static str) -> Result<Vec<String>> {
        serde_json::from_str(&get::<String>(self, column)?).map_err(|e| invalid(column, e))
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
