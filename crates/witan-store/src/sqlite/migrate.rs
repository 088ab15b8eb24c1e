//! The SQLite schema's migrations (`migrations/sqlite`, embedded at build time), applied with
//! rusqlite in the bookkeeping sqlx's migrator kept, so that stores made before open as they were.

use crate::{Result, StoreError};
use rusqlite::Connection;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// Applies the migrations this witan knows that the database lacks, each in its own
/// transaction, keeping sqlx's bookkeeping table (`_sqlx_migrations`) so that every store made
/// before stays readable: a migration the database has and this witan does not is a newer
/// schema; a known one whose text changed, or one left half-applied, is refused.
pub(super) fn migrate(connection: &Connection) -> Result<()> {
    let fail = |e: rusqlite::Error| StoreError::Database(format!("migrating the database: {e}"));
    connection
        .execute_batch(
            "CREATE TABLE IF NOT EXISTS _sqlx_migrations (
                version BIGINT PRIMARY KEY,
                description TEXT NOT NULL,
                installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
                success BOOLEAN NOT NULL,
                checksum BLOB NOT NULL,
                execution_time BIGINT NOT NULL
            );",
        )
        .map_err(fail)?;
    let applied: Vec<(i64, Vec<u8>, bool)> = connection
        .prepare("SELECT version, checksum, success FROM _sqlx_migrations ORDER BY version")
        .and_then(|mut s| {
            s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect()
        })
        .map_err(fail)?;
    let known = |version: i64| MIGRATOR.iter().find(|m| m.version == version);
    for (version, checksum, success) in &applied {
        let Some(migration) = known(*version) else {
            return Err(StoreError::NewerSchema { found: *version });
        };
        if !success {
            return Err(StoreError::Database(format!(
                "migrating the database: migration {version} was left half-applied"
            )));
        }
        if *migration.checksum != **checksum {
            return Err(StoreError::Database(format!(
                "migrating the database: migration {version} was applied with other text than \
                 this witan's"
            )));
        }
    }
    for migration in MIGRATOR.iter() {
        if migration.migration_type.is_down_migration()
            || applied.iter().any(|(v, _, _)| *v == migration.version)
        {
            continue;
        }
        let started = std::time::Instant::now();
        let apply = || -> rusqlite::Result<()> {
            connection.execute_batch("BEGIN IMMEDIATE")?;
            connection.execute_batch(migration.sql.as_str())?;
            connection.execute(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (?1, ?2, TRUE, ?3, ?4)",
                rusqlite::params![
                    migration.version,
                    &*migration.description,
                    &*migration.checksum,
                    i64::try_from(started.elapsed().as_nanos()).unwrap_or(i64::MAX),
                ],
            )?;
            connection.execute_batch("COMMIT")
        };
        if let Err(e) = apply() {
            let _ = connection.execute_batch("ROLLBACK");
            return Err(StoreError::Database(format!(
                "migrating the database: migration {} ({}): {e}",
                migration.version, migration.description
            )));
        }
    }
    Ok(())
}
