//! PostgreSQL: for hosting many bodies on one cluster, and for several witan processes sharing
//! one database. Migrations from `migrations/postgres` are applied at open, in the schema the
//! connection's `search_path` names (`public` unless the URL says otherwise), so that one
//! database can hold several stores.
//!
//! The rules that guard the record (signed-off minutes are locked, the audit log only grows) live
//! in the schema as triggers, as on SQLite, so that SQL reaching the database around witan obeys
//! them too.

mod accounts;
mod buffer;
mod decode;
mod read;
mod rows;
mod search;
mod write;

use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Postgres;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgDatabaseError, PgPool, PgPoolOptions};
use sqlx::query::Query;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

pub use write::PgWriter;
pub(crate) use write::WRITE_LOCK;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The PostgreSQL store. Cheap to clone: it is a handle on a connection pool.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// Units of work committed through this handle (and its clones).
    commits: Arc<AtomicU64>,
}

impl PgStore {
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
        Ok(Self {
            pool,
            commits: Arc::default(),
        })
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    pub(crate) fn commit_counter(&self) -> Arc<AtomicU64> {
        self.commits.clone()
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
        sqlx::Error::Database(db) => {
            crate::error::refusal(record, db.as_ref(), || duplicate_columns(db.as_ref()))
        }
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

/// A value bound to a statement whose parameters are only known at run time.
#[derive(Debug, Clone)]
pub(crate) enum Param {
    Int(Option<i64>),
    Bool(bool),
    Text(Option<String>),
    Texts(Vec<String>),
    Date(Option<NaiveDate>),
    Instant(Option<DateTime<Utc>>),
}

impl From<i64> for Param {
    fn from(v: i64) -> Self {
        Self::Int(Some(v))
    }
}
impl From<Option<i64>> for Param {
    fn from(v: Option<i64>) -> Self {
        Self::Int(v)
    }
}
impl From<bool> for Param {
    fn from(v: bool) -> Self {
        Self::Bool(v)
    }
}
impl From<&str> for Param {
    fn from(v: &str) -> Self {
        Self::Text(Some(v.to_owned()))
    }
}
impl From<Option<&str>> for Param {
    fn from(v: Option<&str>) -> Self {
        Self::Text(v.map(str::to_owned))
    }
}
impl From<Option<String>> for Param {
    fn from(v: Option<String>) -> Self {
        Self::Text(v)
    }
}
impl From<NaiveDate> for Param {
    fn from(v: NaiveDate) -> Self {
        Self::Date(Some(v))
    }
}
impl From<Option<NaiveDate>> for Param {
    fn from(v: Option<NaiveDate>) -> Self {
        Self::Date(v)
    }
}
impl From<DateTime<Utc>> for Param {
    fn from(v: DateTime<Utc>) -> Self {
        Self::Instant(Some(v))
    }
}
impl From<Option<DateTime<Utc>>> for Param {
    fn from(v: Option<DateTime<Utc>>) -> Self {
        Self::Instant(v)
    }
}

/// Binds values in order.
pub(crate) fn bind_all<'q>(
    mut query: Query<'q, Postgres, PgArguments>,
    params: impl IntoIterator<Item = Param>,
) -> Query<'q, Postgres, PgArguments> {
    for param in params {
        query = match param {
            Param::Int(v) => query.bind(v),
            Param::Bool(v) => query.bind(v),
            Param::Text(v) => query.bind(v),
            Param::Texts(v) => query.bind(v),
            Param::Date(v) => query.bind(v),
            Param::Instant(v) => query.bind(v),
        };
    }
    query
}
