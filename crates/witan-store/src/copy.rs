//! `witan copy`: every record of one store into an empty other, SQLite or PostgreSQL either way.
//!
//! The copy works on tables, not records: every column of every table the catalogue marks as
//! copied (accounts, sessions, the audit log and import sources included) is read from one
//! consistent snapshot of the source, in key order, and written into the destination in one unit
//! of work with the destination driver's batched inserts, so ids, times and versions stay as they
//! were and a failed copy leaves the destination as it found it. What belongs to a deployment
//! rather than to the record (the search change log and its readers, the generation counter, the
//! migrations table) is not copied; the destination's log is marked so that every search index
//! built before the copy is rebuilt.
//!
//! The columns, and how each travels between the databases, are the catalogue's
//! ([`crate::catalogue`]): a column the catalogue lacks fails its parity test rather than being
//! dropped here.

use crate::catalogue::{Kind, TABLES, Table};
use crate::postgres::PgStore;
use crate::sql::{Driver, Param, SqlStore};
use crate::sqlite::SqliteStore;
use crate::{Result, StoreError};
use futures_util::TryStreamExt;
use sqlx::AssertSqlSafe;
use witan_domain::ValidationError;

/// One value of a row, whichever database it came from.
pub type Value = Param;

/// Rows handed on at a time.
const ROWS_PER_BATCH: usize = 5_000;

/// What a copy moved: rows per table, in the order copied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CopyReport {
    pub tables: Vec<(&'static str, u64)>,
}

impl CopyReport {
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// A store opened for copying: the backend's own pool, migrated to this witan's schema.
enum Side {
    Sqlite(SqliteStore),
    Postgres(PgStore),
}

impl Side {
    async fn open(url: &str) -> Result<Self> {
        Ok(match crate::Backend::of(url)? {
            crate::Backend::Sqlite => Self::Sqlite(SqliteStore::open_url(url).await?),
            crate::Backend::Postgres => Self::Postgres(PgStore::open_url(url).await?),
        })
    }
}

fn copied() -> impl Iterator<Item = &'static Table> {
    TABLES.iter().filter(|t| t.copied)
}

/// The rows of every copied table of the store `url` names, in key order: for comparing two
/// stores (the copy round trip is tested with it).
pub async fn dump(url: &str) -> Result<Vec<(&'static str, Vec<Vec<Value>>)>> {
    let side = Side::open(url).await?;
    let mut source = Source::begin(&side).await?;
    let mut out = Vec::new();
    for table in copied() {
        let mut rows = Collect(Vec::new());
        source.pump(table, &mut rows).await?;
        out.push((table.name, rows.0));
    }
    Ok(out)
}

/// Copies every record of the store `from` names into the empty store `to` names (migrating
/// both first). `progress` hears each table as it is done.
pub async fn copy(
    from: &str,
    to: &str,
    progress: &mut (dyn FnMut(&'static str, u64) + Send),
) -> Result<CopyReport> {
    if from == to {
        return Err(StoreError::Invalid(ValidationError::new(
            "to",
            "is the store copied from; name another",
        )));
    }
    let source_side = Side::open(from).await?;
    let destination = Side::open(to).await?;
    let mut source = Source::begin(&source_side).await?;
    match destination {
        Side::Sqlite(store) => copy_into(&mut source, &store, progress).await,
        Side::Postgres(store) => copy_into(&mut source, &store, progress).await,
    }
}

async fn copy_into<D: Driver>(
    source: &mut Source,
    destination: &SqlStore<D>,
    progress: &mut (dyn FnMut(&'static str, u64) + Send),
) -> Result<CopyReport> {
    let mut tx = destination.driver.begin().await?;
    let result = fill::<D>(source, &mut tx, progress).await;
    match result {
        Ok(report) => {
            D::commit(tx).await?;
            // Statistics for the planner, as after any bulk load.
            destination.driver.refresh_statistics().await?;
            Ok(report)
        }
        Err(error) => {
            D::rollback(tx).await;
            Err(error)
        }
    }
}

async fn fill<D: Driver>(
    source: &mut Source,
    tx: &mut D::Tx,
    progress: &mut (dyn FnMut(&'static str, u64) + Send),
) -> Result<CopyReport> {
    // A copy fills an empty store: it never mixes two records.
    for table in copied() {
        let sql = format!("SELECT COUNT(*) AS n FROM {}", table.name);
        let row = D::tx_fetch_optional(tx, sql.into(), Vec::new(), table.name).await?;
        let n = match row {
            Some(row) => crate::decode::int(&row, "n")?,
            None => 0,
        };
        if n > 0 {
            return Err(StoreError::Invalid(ValidationError::new(
                "to",
                format!(
                    "already holds records ({n} in {}); witan copy only fills an empty store",
                    table.name
                ),
            )));
        }
    }
    let mut report = CopyReport::default();
    // A committee may refer to a parent with a larger id: parents are set once all are in.
    let mut parents: Vec<(i64, i64)> = Vec::new();
    for table in copied() {
        let columns: Vec<&'static str> = table.columns.iter().map(|c| c.name).collect();
        let mut sink = Insert::<D> {
            tx: &mut *tx,
            table,
            parent_at: (table.name == "committees")
                .then(|| columns.iter().position(|c| *c == "parent_id"))
                .flatten(),
            columns,
            parents: &mut parents,
        };
        let count = source.pump(table, &mut sink).await?;
        report.tables.push((table.name, count));
        progress(table.name, count);
    }
    for (id, parent) in parents {
        D::tx_execute(
            tx,
            "UPDATE committees SET parent_id = $1 WHERE id = $2".into(),
            vec![Param::Int(Some(parent)), Param::Int(Some(id))],
            "committees",
        )
        .await?;
    }
    let with_ids: Vec<&'static str> = copied().filter(|t| t.key == "id").map(|t| t.name).collect();
    D::ids_taken(tx, &with_ids).await?;
    for sql in [
        "INSERT INTO search_changes (kind, record_id) VALUES ('item', 0)",
        "DELETE FROM search_changes WHERE seq < (SELECT MAX(seq) FROM search_changes)",
        "UPDATE search_log SET floor = (SELECT MAX(seq) FROM search_changes)",
        "UPDATE store_generation SET value = value + 1 WHERE id = 1",
    ] {
        D::tx_execute(tx, sql.into(), Vec::new(), "copy").await?;
    }
    Ok(report)
}

/// Where pumped rows go.
#[async_trait::async_trait]
trait Sink: Send {
    async fn take(&mut self, rows: Vec<Vec<Value>>) -> Result<()>;
}

struct Collect(Vec<Vec<Value>>);

#[async_trait::async_trait]
impl Sink for Collect {
    async fn take(&mut self, rows: Vec<Vec<Value>>) -> Result<()> {
        self.0.extend(rows);
        Ok(())
    }
}

/// Rows written into the destination's unit of work, committees without their parents.
struct Insert<'a, D: Driver> {
    tx: &'a mut D::Tx,
    table: &'static Table,
    columns: Vec<&'static str>,
    parent_at: Option<usize>,
    parents: &'a mut Vec<(i64, i64)>,
}

#[async_trait::async_trait]
impl<D: Driver> Sink for Insert<'_, D> {
    async fn take(&mut self, mut rows: Vec<Vec<Value>>) -> Result<()> {
        if let Some(at) = self.parent_at {
            for row in &mut rows {
                if let (Param::Int(Some(id)), Param::Int(Some(parent))) = (&row[0], &row[at]) {
                    self.parents.push((*id, *parent));
                }
                row[at] = Param::Int(None);
            }
        }
        D::insert_rows(self.tx, self.table, &self.columns, rows).await
    }
}

/// The source's one read transaction: every table is read from the same snapshot.
enum Source {
    Sqlite(crate::sqlite::Snapshot),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl Source {
    async fn begin(side: &Side) -> Result<Self> {
        let fail = |e: sqlx::Error| StoreError::Database(format!("reading the source: {e}"));
        match side {
            Side::Sqlite(store) => Ok(Self::Sqlite(store.driver.snapshot().await?)),
            Side::Postgres(store) => {
                let mut c = store.pool().acquire().await.map_err(fail)?;
                sqlx::query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .execute(&mut *c)
                    .await
                    .map_err(fail)?;
                Ok(Self::Postgres(c))
            }
        }
    }

    /// Streams the rows of `table` in key order into `sink`, a batch at a time; how many.
    async fn pump(&mut self, table: &'static Table, sink: &mut dyn Sink) -> Result<u64> {
        match self {
            Self::Sqlite(snapshot) => {
                let decode = move |row: &crate::sqlite::SqliteRow| {
                    table
                        .columns
                        .iter()
                        .map(|c| crate::sqlite::value(row, c.name, c.kind))
                        .collect::<Result<Vec<Value>>>()
                };
                let mut batches = snapshot.stream(select(table, false), ROWS_PER_BATCH, decode);
                let mut count = 0u64;
                let outcome: Result<()> = async {
                    while let Some(rows) = batches.next().await.transpose()? {
                        count += rows.len() as u64;
                        sink.take(rows).await?;
                    }
                    Ok(())
                }
                .await;
                batches.finish().await?;
                outcome.map(|()| count)
            }
            Self::Postgres(c) => {
                let rows = sqlx::query(AssertSqlSafe(select(table, true))).fetch(&mut **c);
                drain(rows, table, sink, crate::postgres::value).await
            }
        }
    }
}

/// Decodes the rows of `table` from `rows` with `value` and hands them to `sink` in batches;
/// how many there were.
async fn drain<R>(
    mut rows: impl futures_util::Stream<Item = Result<R, sqlx::Error>> + Unpin,
    table: &'static Table,
    sink: &mut dyn Sink,
    value: impl Fn(&R, &'static str, Kind) -> Result<Value>,
) -> Result<u64> {
    let fail = |e: sqlx::Error| StoreError::Database(format!("reading {}: {e}", table.name));
    let mut batch = Vec::with_capacity(ROWS_PER_BATCH);
    let mut count = 0u64;
    while let Some(row) = rows.try_next().await.map_err(fail)? {
        batch.push(
            table
                .columns
                .iter()
                .map(|c| value(&row, c.name, c.kind))
                .collect::<Result<_>>()?,
        );
        if batch.len() == ROWS_PER_BATCH {
            count += batch.len() as u64;
            sink.take(std::mem::take(&mut batch)).await?;
        }
    }
    count += batch.len() as u64;
    if !batch.is_empty() {
        sink.take(batch).await?;
    }
    Ok(count)
}

/// The SELECT of a table's columns in key order; PostgreSQL's json comes back as its text.
fn select(table: &Table, postgres: bool) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| match c.kind {
            Kind::Json if postgres => format!("{0}::text AS {0}", c.name),
            _ => c.name.to_owned(),
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        table.name,
        table.key
    )
}
