//! PostgreSQL: for hosting many bodies on one cluster, and for several witan processes sharing
//! one database. Migrations from `migrations/postgres` are applied at open, in the schema the
//! connection's `search_path` names (`public` unless the URL says otherwise), so that one
//! database can hold several stores.
//!
//! The rules that guard the record (signed-off minutes are locked, the audit log only grows) live
//! in the schema as triggers, as on SQLite, so that SQL reaching the database around witan obeys
//! them too. The driver keeps only what PostgreSQL does its own way: the write lock as an
//! advisory lock, batched inserts as `UNNEST` of one array per column, sequences after ids the
//! writer chose, and statistics.

use crate::catalogue::{Kind, Table};
use crate::decode::{Columns, corrupt};
use crate::sql::{Dialect, Driver, Param, Sql, SqlStore};
use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::{
    PgArguments, PgConnectOptions, PgDatabaseError, PgPool, PgPoolOptions, PgRow,
};
use sqlx::query::Query;
use sqlx::{Arguments, AssertSqlSafe, Postgres, Row, Transaction};
use std::str::FromStr;
use std::time::Duration;
use witan_domain::ValidationError;

/// The first key of the write lock, "wita" in ASCII; the second is the hash of the schema, so
/// that stores in different schemas of one database do not wait for each other.
pub(crate) const WRITE_LOCK: i32 = 0x7769_7461;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL store. Cheap to clone: it is a handle on a connection pool.
pub type PgStore = SqlStore<PgDriver>;

/// Statements on a PostgreSQL pool.
#[derive(Debug, Clone)]
pub struct PgDriver {
    pool: PgPool,
}

impl SqlStore<PgDriver> {
    /// Opens a `postgres://` URL and migrates the database.
    pub async fn open_url(url: &str) -> Result<Self> {
        crate::database_url::check_postgres_parameters(url).map_err(|e| {
            StoreError::Invalid(witan_domain::ValidationError::new("database_url", e))
        })?;
        let options = PgConnectOptions::from_str(url).map_err(|e| {
            StoreError::Invalid(witan_domain::ValidationError::new("database_url", e))
        })?;
        Self::open_with(options).await
    }

    /// Opens the database `options` name and migrates it: for callers that set options a URL
    /// cannot, such as the `search_path` of a schema per test.
    pub async fn open_with(options: PgConnectOptions) -> Result<Self> {
        let options = options.application_name("witan");
        let pool = PgPoolOptions::new()
            .max_connections(10)
            .min_connections(0)
            // A request fails within a second with Unavailable while the database is down (a
            // request waits for a connection a few milliseconds under load), and the pool
            // checks a connection before handing it out, so it reconnects by itself when the
            // database comes back.
            .acquire_timeout(Duration::from_secs(1))
            .test_before_acquire(true)
            .idle_timeout(Duration::from_secs(300))
            .connect_with(options)
            .await
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        migrate(&pool).await?;
        Ok(Self::new(PgDriver { pool }))
    }

    pub fn pool(&self) -> &PgPool {
        &self.driver.pool
    }
}

async fn migrate(pool: &PgPool) -> Result<()> {
    use sqlx::migrate::MigrateError;
    MIGRATOR.run(pool).await.map_err(|e| match e {
        MigrateError::VersionMissing(found) => StoreError::NewerSchema { found },
        MigrateError::Execute(error) if unavailable(&error) => {
            StoreError::Unavailable(error.to_string())
        }
        other => StoreError::Database(format!("migrating the database: {other}")),
    })
}

/// Whether an error says the database cannot be reached (rather than that it refused something).
fn unavailable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => true,
        // Connection exceptions, a server shutting down or starting up, too many connections.
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || code.starts_with("57P") || code == "53300"
        }),
        _ => false,
    }
}

/// Turns a driver error into a store error in domain words. `record` names what was being
/// written, so that a constraint failure names it.
pub(crate) fn db_error(record: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |error| match &error {
        _ if unavailable(&error) => StoreError::Unavailable(error.to_string()),
        sqlx::Error::Database(db) => crate::error::refusal(
            record,
            db.message(),
            crate::error::Broke::of(db.as_ref()),
            || duplicate_columns(db.as_ref()),
        ),
        _ => StoreError::Database(error.to_string()),
    }
}

/// The columns a unique violation is about, as `table.column` (PostgreSQL's detail reads
/// "Key (meeting_id, number)=(4, 7) already exists."; the values stay out of the message).
fn duplicate_columns(db: &dyn sqlx::error::DatabaseError) -> String {
    let Some(pg) = db.try_downcast_ref::<PgDatabaseError>() else {
        return db.message().to_owned();
    };
    let columns = pg
        .detail()
        .and_then(|d| d.strip_prefix("Key ("))
        .and_then(|d| d.split_once(")=").map(|(columns, _)| columns));
    match (pg.table(), columns) {
        (Some(table), Some(columns)) => columns
            .split(", ")
            .map(|column| format!("{table}.{column}"))
            .collect::<Vec<_>>()
            .join(", "),
        _ => pg.constraint().unwrap_or(pg.message()).to_owned(),
    }
}

/// Binds one value in its PostgreSQL type.
fn bind<'q>(
    query: Query<'q, Postgres, PgArguments>,
    param: Param,
) -> Query<'q, Postgres, PgArguments> {
    match param {
        Param::Int(v) => query.bind(v),
        Param::Bool(v) => query.bind(v),
        Param::Text(v) | Param::Json(v) => query.bind(v),
        Param::Texts(v) | Param::Keys(v) => query.bind(v),
        Param::Ints(v) => query.bind(v),
        Param::Date(v) => query.bind(v),
        Param::Instant(v) | Param::Stamp(v) => query.bind(v),
    }
}

fn query(sql: Sql, params: Vec<Param>) -> Query<'static, Postgres, PgArguments> {
    params
        .into_iter()
        .fold(sqlx::query(AssertSqlSafe(sql)), bind)
}

/// Rows per batched statement: enough that the round trips stop mattering, few enough that a
/// statement stays a few megabytes.
const ROWS_PER_INSERT: usize = 5_000;

#[async_trait]
impl Driver for PgDriver {
    type Row = PgRow;
    type Tx = Transaction<'static, Postgres>;
    const DIALECT: Dialect = Dialect::Postgres;
    const TRIGGERS_LOG_INSERTS: bool = true;

    async fn fetch_all(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<PgRow>> {
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
    ) -> Result<Option<PgRow>> {
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
        let mut tx = self.pool.begin().await.map_err(db_error("transaction"))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
            .bind(WRITE_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db_error("transaction"))?;
        Ok(tx)
    }

    async fn tx_fetch_all(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<PgRow>> {
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
    ) -> Result<Option<PgRow>> {
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
        mut rows: Vec<Vec<Param>>,
    ) -> Result<()> {
        if let Some(conflict) = table.on_conflict {
            // One statement may not update a row twice: only the last row of each key is kept.
            last_of_each_key(&mut rows, conflict.key.len());
        }
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            let (sql, arguments) = unnest(table, columns, chunk);
            sqlx::query_with(AssertSqlSafe(sql), arguments)
                .execute(&mut **tx)
                .await
                .map_err(db_error(table.name))?;
        }
        Ok(())
    }

    async fn ids_taken(tx: &mut Self::Tx, tables: &[&'static str]) -> Result<()> {
        // SQL from elsewhere that takes an id from a table's sequence takes one after witan's.
        for table in tables {
            let sql = format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table})) \
                 WHERE EXISTS (SELECT 1 FROM {table})"
            );
            sqlx::query(AssertSqlSafe(sql))
                .execute(&mut **tx)
                .await
                .map_err(db_error(table))?;
        }
        Ok(())
    }

    async fn commit(tx: Self::Tx) -> Result<()> {
        tx.commit().await.map_err(db_error("transaction"))
    }

    async fn rollback(tx: Self::Tx) {
        // A rollback that fails leaves the connection to the pool, which closes it.
        let _ = tx.rollback().await;
    }

    async fn refresh_statistics(&self) -> Result<()> {
        sqlx::query("ANALYZE")
            .execute(&self.pool)
            .await
            .map_err(db_error("statistics"))?;
        Ok(())
    }
}

/// Keeps the last row of each key, in the order the rows came.
fn last_of_each_key(rows: &mut Vec<Vec<Param>>, key_columns: usize) {
    let mut seen = std::collections::HashSet::new();
    let mut kept: Vec<Vec<Param>> = Vec::with_capacity(rows.len());
    for row in std::mem::take(rows).into_iter().rev() {
        if seen.insert(format!("{:?}", &row[..key_columns])) {
            kept.push(row);
        }
    }
    kept.reverse();
    *rows = kept;
}

/// The statement for `rows` of `table`: one array per column, unnested side by side, each of the
/// type the catalogue gives the column.
fn unnest(table: &Table, columns: &[&'static str], rows: &[Vec<Param>]) -> (String, PgArguments) {
    let mut arguments = PgArguments::default();
    let mut arrays = Vec::new();
    let mut selected = Vec::new();
    for (index, name) in columns.iter().enumerate() {
        let values = rows.iter().map(|row| &row[index]);
        let n = index + 1;
        let kind = table.column(name).map_or(Kind::Text, |c| c.kind);
        let (array_type, select) = match kind {
            Kind::Bool => {
                add(&mut arguments, values.map(as_bool).collect::<Vec<_>>());
                ("boolean[]", format!("u.c{n}"))
            }
            Kind::Text | Kind::Json => {
                add(&mut arguments, values.map(as_text).collect::<Vec<_>>());
                ("text[]", format!("u.c{n}"))
            }
            // A list per row cannot be one row of a two-dimensional array (their rows must be
            // of one length), so it travels as JSON.
            Kind::TextList => {
                add(&mut arguments, values.map(as_json).collect::<Vec<_>>());
                (
                    "text[]",
                    format!("ARRAY(SELECT json_array_elements_text(u.c{n}::json))"),
                )
            }
            Kind::Date => {
                add(&mut arguments, values.map(as_date).collect::<Vec<_>>());
                ("date[]", format!("u.c{n}"))
            }
            Kind::Instant | Kind::Stamp => {
                add(&mut arguments, values.map(as_instant).collect::<Vec<_>>());
                ("timestamptz[]", format!("u.c{n}"))
            }
            Kind::Int => {
                add(&mut arguments, values.map(as_int).collect::<Vec<_>>());
                ("bigint[]", format!("u.c{n}"))
            }
        };
        let select = if kind == Kind::Json {
            format!("{select}::json")
        } else {
            select
        };
        arrays.push(format!("${n}::{array_type}"));
        selected.push(select);
    }
    let names: Vec<String> = (1..=columns.len()).map(|n| format!("c{n}")).collect();
    let sql = format!(
        "INSERT INTO {} ({}) SELECT {} FROM UNNEST({}) AS u({}){}",
        table.name,
        columns.join(", "),
        selected.join(", "),
        arrays.join(", "),
        names.join(", "),
        crate::sqlite::conflict_suffix(table, Dialect::Postgres)
    );
    (sql, arguments)
}

fn add<T>(arguments: &mut PgArguments, array: T)
where
    T: for<'q> sqlx::Encode<'q, Postgres> + sqlx::Type<Postgres>,
{
    // Encoding a vector of plain values into a buffer cannot fail.
    let _ = arguments.add(array);
}

fn as_int(p: &Param) -> Option<i64> {
    match p {
        Param::Int(v) => *v,
        _ => None,
    }
}

fn as_bool(p: &Param) -> bool {
    matches!(p, Param::Bool(true))
}

fn as_text(p: &Param) -> Option<String> {
    match p {
        Param::Text(v) | Param::Json(v) => v.clone(),
        _ => None,
    }
}

fn as_json(p: &Param) -> String {
    match p {
        Param::Texts(v) => serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned()),
        _ => "[]".to_owned(),
    }
}

fn as_date(p: &Param) -> Option<NaiveDate> {
    match p {
        Param::Date(v) => *v,
        _ => None,
    }
}

fn as_instant(p: &Param) -> Option<DateTime<Utc>> {
    match p {
        Param::Instant(v) | Param::Stamp(v) => *v,
        _ => None,
    }
}

fn get<'r, T>(row: &'r PgRow, column: &'static str) -> Result<T>
where
    T: sqlx::Decode<'r, Postgres> + sqlx::Type<Postgres>,
{
    row.try_get(column)
        .map_err(|e| corrupt(ValidationError::new(column, e)))
}

/// How PostgreSQL's columns read: in their own types.
impl Columns for PgRow {
    fn opt_string(&self, column: &'static str) -> Result<Option<String>> {
        get(self, column)
    }

    fn opt_int(&self, column: &'static str) -> Result<Option<i64>> {
        // Ids and counts are bigint; positions and versions are integer.
        match self.try_get::<Option<i64>, _>(column) {
            Ok(v) => Ok(v),
            Err(_) => Ok(get::<Option<i32>>(self, column)?.map(i64::from)),
        }
    }

    fn flag(&self, column: &'static str) -> Result<bool> {
        get(self, column)
    }

    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>> {
        get(self, column)
    }

    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>> {
        get(self, column)
    }

    fn ids(&self, column: &'static str) -> Result<Vec<i64>> {
        crate::decode::comma_separated(column, &get::<Option<String>>(self, column)?)
    }

    fn texts(&self, column: &'static str) -> Result<Vec<String>> {
        get(self, column)
    }
}

/// How a column of `kind` reads from PostgreSQL, as a value `witan copy` can write anywhere.
pub(crate) fn value(row: &PgRow, column: &'static str, kind: Kind) -> Result<Param> {
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
