//! The embedded default: SQLite in WAL mode with foreign keys on, migrations from
//! `migrations/sqlite` applied at open.

mod accounts;
mod buffer;
mod decode;
mod read;
mod search;
mod write;

use crate::{Result, StoreError};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

pub(crate) use decode::{date_text, instant_text};
pub use write::SqliteWriter;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The SQLite store. Cheap to clone: it is a handle on a connection pool.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// Units of work committed through this handle (and its clones).
    commits: Arc<AtomicU64>,
}

impl SqliteStore {
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
        Ok(Self {
            pool,
            commits: Arc::default(),
        })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(crate) fn commit_counter(&self) -> Arc<AtomicU64> {
        self.commits.clone()
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
