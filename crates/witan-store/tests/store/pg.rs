//! PostgreSQL. Each test gets a schema of its own in the database WITAN_TEST_DATABASE_URL names,
//! so that tests run side by side; the schema is dropped when the test ends, passed or not.

use sqlx::postgres::{PgConnectOptions, PgPool};
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use witan_store::postgres::PgStore;

/// The test database's URL, or `None` (and a note on stderr) when it is not set.
pub fn url(test: &str) -> Option<String> {
    match std::env::var("WITAN_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("{test} skipped: WITAN_TEST_DATABASE_URL is not set");
            None
        }
    }
}

/// A schema made for one test, and a store opened in it.
pub struct Schema {
    pub name: String,
    pub options: PgConnectOptions,
    admin: PgPool,
}

impl Schema {
    /// Whether witan's migrations ran in this schema (and not in another one).
    pub async fn is_migrated(&self) -> bool {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT to_regclass('{}._sqlx_migrations') IS NOT NULL",
            self.name
        )))
        .fetch_one(&self.admin)
        .await
        .expect("look for the migrations table")
    }

    pub async fn create(url: &str, label: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "witan_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            label.chars().take(30).collect::<String>()
        );
        let admin = PgPool::connect(url)
            .await
            .expect("connect to the test database");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {name}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let options = PgConnectOptions::from_str(url)
            .expect("test database URL")
            .options([("search_path", name.as_str())]);
        Self {
            name,
            options,
            admin,
        }
    }

    pub async fn open(&self) -> Result<PgStore, witan_store::StoreError> {
        PgStore::open_with(self.options.clone()).await
    }

    pub async fn drop(self) {
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA {} CASCADE",
            self.name
        )))
        .execute(&self.admin)
        .await
        .expect("drop schema");
        self.admin.close().await;
    }
}

/// Runs `test` on a fresh store in a schema of its own, drops the schema, and then passes on
/// the test's panic if it had one.
pub async fn with_store<F, Fut>(url: &str, label: &str, test: F)
where
    F: FnOnce(PgStore) -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let schema = Schema::create(url, label).await;
    let store = schema.open().await.expect("open store");
    let pool = store.pool().clone();
    let outcome = tokio::spawn(test(store)).await;
    pool.close().await;
    schema.drop().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}
