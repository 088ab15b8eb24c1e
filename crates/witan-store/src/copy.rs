//! `witan copy`: every record of one store into an empty other, SQLite or PostgreSQL either way.
//!
//! The copy works on tables, not records: every column of every table that holds the record
//! (accounts, sessions, the audit log and import sources included) is read from one consistent
//! snapshot of the source, in key order, and written into the destination in one transaction,
//! so ids, times and versions stay as they were and a failed copy leaves the destination as it
//! found it. What belongs to a deployment rather than to the record (the search change log and
//! its readers, the generation counter, the migrations table) is not copied; the destination's
//! log is marked so that every search index built before the copy is rebuilt.
//!
//! Both backends hold the same tables and columns (see the migrations); only the types differ,
//! and `Kind` says how each column travels between them.

use crate::postgres::PgStore;
use crate::sqlite::SqliteStore;
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sqlx::{AssertSqlSafe, Row};
use witan_domain::ValidationError;

/// How a column's values travel between the backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    /// SQLite: 0 or 1; PostgreSQL: boolean.
    Bool,
    /// SQLite: `YYYY-MM-DD`; PostgreSQL: date.
    Date,
    /// SQLite: RFC 3339 text to the second; PostgreSQL: timestamptz(3).
    Instant,
    /// SQLite: RFC 3339 text to the millisecond (the times a record was created and changed);
    /// PostgreSQL: timestamptz(3).
    Stamp,
    /// SQLite: text; PostgreSQL: json.
    Json,
    /// SQLite: a JSON array of strings; PostgreSQL: text[].
    TextList,
}

/// One value of a row, whichever backend it came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Instant(DateTime<Utc>),
    TextList(Vec<String>),
}

struct Table {
    name: &'static str,
    /// The columns rows are read in the order of.
    key: &'static str,
    columns: &'static [(&'static str, Kind)],
}

use Kind::{Bool, Date, Instant, Int, Json, Stamp, Text, TextList};

/// The tables of the record, each after the tables it refers to.
const TABLES: &[Table] = &[
    Table {
        name: "organisations",
        key: "id",
        columns: &[
            ("id", Int),
            ("slug", Text),
            ("name", Text),
            ("kind", Text),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "people",
        key: "id",
        columns: &[
            ("id", Int),
            ("name", Text),
            ("job_title", Text),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    // A committee may refer to a parent with a larger id: parents are set after all are in.
    Table {
        name: "committees",
        key: "id",
        columns: &[
            ("id", Int),
            ("slug", Text),
            ("name", Text),
            ("purpose", Text),
            ("joint", Bool),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "committee_owners",
        key: "committee_id, organisation_id",
        columns: &[("committee_id", Int), ("organisation_id", Int)],
    },
    Table {
        name: "users",
        key: "id",
        columns: &[
            ("id", Int),
            ("email", Text),
            ("name", Text),
            ("role", Text),
            ("organisation_id", Int),
            ("password_hash", Text),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "sessions",
        key: "token_hash",
        columns: &[
            ("token_hash", Text),
            ("user_id", Int),
            ("csrf_token", Text),
            ("created_at", Stamp),
            ("expires_at", Instant),
            ("seen_at", Instant),
        ],
    },
    Table {
        name: "login_failures",
        key: "id",
        columns: &[
            ("id", Int),
            ("email", Text),
            ("at", Instant),
            ("address", Text),
        ],
    },
    Table {
        name: "memberships",
        key: "id",
        columns: &[
            ("id", Int),
            ("person_id", Int),
            ("committee_id", Int),
            ("role", Text),
            ("from_date", Date),
            ("until_date", Date),
        ],
    },
    Table {
        name: "issues",
        key: "id",
        columns: &[
            ("id", Int),
            ("title", Text),
            ("reference", Text),
            ("summary", Text),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "meetings",
        key: "id",
        columns: &[
            ("id", Int),
            ("committee_id", Int),
            ("starts_at", Instant),
            ("ends_at", Instant),
            ("location", Text),
            ("status", Text),
            ("agenda_published_at", Stamp),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "agenda_items",
        key: "id",
        columns: &[
            ("id", Int),
            ("meeting_id", Int),
            ("position", Int),
            ("number", Text),
            ("title", Text),
            ("issue_id", Int),
            ("exempt_ground", Text),
            ("exempt_review_on", Date),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    // Every version before any sign-off: a signed-off version can no longer be written.
    Table {
        name: "item_minutes",
        key: "item_id, version",
        columns: &[
            ("item_id", Int),
            ("version", Int),
            ("text", Text),
            ("resolution_points", TextList),
            ("resolution_text", Text),
        ],
    },
    Table {
        name: "minutes_sign_offs",
        key: "meeting_id, version",
        columns: &[
            ("meeting_id", Int),
            ("version", Int),
            ("signed_by", Text),
            ("person_id", Int),
            ("signed_on", Date),
            ("reason", Text),
        ],
    },
    Table {
        name: "attendance",
        key: "meeting_id, person_id",
        columns: &[("meeting_id", Int), ("person_id", Int), ("kind", Text)],
    },
    Table {
        name: "declarations",
        key: "id",
        columns: &[
            ("id", Int),
            ("meeting_id", Int),
            ("person_id", Int),
            ("item_id", Int),
            ("kind", Text),
            ("description", Text),
        ],
    },
    Table {
        name: "documents",
        key: "id",
        columns: &[
            ("id", Int),
            ("item_id", Int),
            ("issue_id", Int),
            ("name", Text),
            ("media_type", Text),
            ("size_bytes", Int),
            ("sha256", Text),
            ("text", Text),
            ("exempt_ground", Text),
            ("exempt_review_on", Date),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "decisions",
        key: "id",
        columns: &[
            ("id", Int),
            ("item_id", Int),
            ("maker_committee_id", Int),
            ("maker_person_id", Int),
            ("decided_on", Date),
            ("title", Text),
            ("text", Text),
            ("key_decision", Bool),
            ("call_in_deadline", Date),
            ("status", Text),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "actions",
        key: "id",
        columns: &[
            ("id", Int),
            ("meeting_id", Int),
            ("item_id", Int),
            ("description", Text),
            ("owner_person_id", Int),
            ("owner_organisation_id", Int),
            ("due_on", Date),
            ("status", Text),
            ("rag", Text),
            ("closed_on", Date),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "action_updates",
        key: "id",
        columns: &[
            ("id", Int),
            ("action_id", Int),
            ("on_date", Date),
            ("text", Text),
            ("rag", Text),
        ],
    },
    Table {
        name: "escalations",
        key: "id",
        columns: &[
            ("id", Int),
            ("from_item_id", Int),
            ("to_committee_id", Int),
            ("reason", Text),
            ("state", Text),
            ("target_item_id", Int),
            ("considered_on", Date),
            ("decline_reason", Text),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "forward_plan",
        key: "id",
        columns: &[
            ("id", Int),
            ("title", Text),
            ("decision_maker_id", Int),
            ("issue_id", Int),
            ("published_on", Date),
            ("expected_on", Date),
            ("created_at", Stamp),
            ("updated_at", Stamp),
        ],
    },
    Table {
        name: "import_sources",
        key: "source_key",
        columns: &[
            ("source_key", Text),
            ("kind", Text),
            ("record_id", Int),
            ("fingerprint", Text),
            ("imported_at", Stamp),
        ],
    },
    Table {
        name: "audit_log",
        key: "id",
        columns: &[
            ("id", Int),
            ("at", Instant),
            ("by_whom", Text),
            ("action", Text),
            ("record_kind", Text),
            ("record_id", Int),
            ("before_json", Json),
            ("after_json", Json),
        ],
    },
];

/// The committees' parents, written once every committee is in.
const PARENTS: Table = Table {
    name: "committees",
    key: "id",
    columns: &[("id", Int), ("parent_id", Int)],
};

/// Rows written per statement (well under both backends' limits on parameters).
const PARAMETERS_PER_STATEMENT: usize = 30_000;

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

fn corrupt(table: &str, column: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Database(format!("{table}.{column}: {e}"))
}

fn sqlite_value(
    row: &sqlx::sqlite::SqliteRow,
    table: &str,
    (name, kind): (&str, Kind),
) -> Result<Value> {
    let fail = |e: &dyn std::fmt::Display| corrupt(table, name, e);
    let value = match kind {
        Int | Bool => row
            .try_get::<Option<i64>, _>(name)
            .map_err(|e| fail(&e))?
            .map(|v| {
                if kind == Bool {
                    Value::Bool(v != 0)
                } else {
                    Value::Int(v)
                }
            }),
        Text | Json => row
            .try_get::<Option<String>, _>(name)
            .map_err(|e| fail(&e))?
            .map(Value::Text),
        Date => match row
            .try_get::<Option<String>, _>(name)
            .map_err(|e| fail(&e))?
        {
            None => None,
            Some(t) => Some(Value::Date(
                NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|e| fail(&e))?,
            )),
        },
        Instant | Stamp => match row
            .try_get::<Option<String>, _>(name)
            .map_err(|e| fail(&e))?
        {
            None => None,
            Some(t) => Some(Value::Instant(
                DateTime::parse_from_rfc3339(&t)
                    .map_err(|e| fail(&e))?
                    .with_timezone(&Utc),
            )),
        },
        TextList => match row
            .try_get::<Option<String>, _>(name)
            .map_err(|e| fail(&e))?
        {
            None => None,
            Some(t) => Some(Value::TextList(
                serde_json::from_str(&t).map_err(|e| fail(&e))?,
            )),
        },
    };
    Ok(value.unwrap_or(Value::Null))
}

fn postgres_value(
    row: &sqlx::postgres::PgRow,
    table: &str,
    (name, kind): (&str, Kind),
) -> Result<Value> {
    let fail = |e: sqlx::Error| corrupt(table, name, e);
    let value = match kind {
        Int => row
            .try_get::<Option<i64>, _>(name)
            .map_err(fail)?
            .map(Value::Int),
        Bool => row
            .try_get::<Option<bool>, _>(name)
            .map_err(fail)?
            .map(Value::Bool),
        Text | Json => row
            .try_get::<Option<String>, _>(name)
            .map_err(fail)?
            .map(Value::Text),
        Date => row
            .try_get::<Option<NaiveDate>, _>(name)
            .map_err(fail)?
            .map(Value::Date),
        Instant | Stamp => row
            .try_get::<Option<DateTime<Utc>>, _>(name)
            .map_err(fail)?
            .map(Value::Instant),
        TextList => row
            .try_get::<Option<Vec<String>>, _>(name)
            .map_err(fail)?
            .map(Value::TextList),
    };
    Ok(value.unwrap_or(Value::Null))
}

/// The rows of every copied table of the store `url` names, in key order: for comparing two
/// stores (the copy round trip is tested with it).
pub async fn dump(url: &str) -> Result<Vec<(&'static str, Vec<Vec<Value>>)>> {
    let side = Side::open(url).await?;
    let mut source = Source::begin(&side).await?;
    let mut out = Vec::new();
    for table in TABLES.iter().chain([&PARENTS]) {
        let mut rows = Vec::new();
        source.pump(table, &mut Sink::Collect(&mut rows)).await?;
        out.push((table.name, rows));
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
    let mut target = Target::begin(&destination).await?;
    target.ensure_empty().await?;
    let mut report = CopyReport::default();
    for table in TABLES {
        let copied = source
            .pump(table, &mut Sink::Insert(&mut target, table))
            .await?;
        report.tables.push((table.name, copied));
        progress(table.name, copied);
    }
    source
        .pump(&PARENTS, &mut Sink::Parents(&mut target))
        .await?;
    target.finish().await?;
    Ok(report)
}

/// Where pumped rows go.
enum Sink<'a> {
    Collect(&'a mut Vec<Vec<Value>>),
    Insert(&'a mut Target, &'a Table),
    Parents(&'a mut Target),
}

impl Sink<'_> {
    async fn take(&mut self, rows: Vec<Vec<Value>>) -> Result<()> {
        match self {
            Self::Collect(all) => {
                all.extend(rows);
                Ok(())
            }
            Self::Insert(target, table) => target.insert(table, &rows).await,
            Self::Parents(target) => target.set_parents(&rows).await,
        }
    }
}

/// The source's one read transaction: every table is read from the same snapshot.
enum Source {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::pool::PoolConnection<sqlx::Postgres>),
}

impl Source {
    async fn begin(side: &Side) -> Result<Self> {
        let fail = |e: sqlx::Error| StoreError::Database(format!("reading the source: {e}"));
        match side {
            Side::Sqlite(store) => {
                let mut c = store.pool().acquire().await.map_err(fail)?;
                sqlx::query("BEGIN").execute(&mut *c).await.map_err(fail)?;
                Ok(Self::Sqlite(c))
            }
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
    async fn pump(&mut self, table: &Table, sink: &mut Sink<'_>) -> Result<u64> {
        match self {
            Self::Sqlite(c) => {
                let sql = select(table, false);
                let rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut **c);
                drain(rows, table, sink, |row, col| {
                    sqlite_value(row, table.name, col)
                })
                .await
            }
            Self::Postgres(c) => {
                let sql = select(table, true);
                let rows = sqlx::query(AssertSqlSafe(sql)).fetch(&mut **c);
                drain(rows, table, sink, |row, col| {
                    postgres_value(row, table.name, col)
                })
                .await
            }
        }
    }
}

/// Decodes the rows of `table` from `rows` with `value` and hands them to `sink` in batches of
/// one statement's worth; how many there were.
async fn drain<R>(
    mut rows: impl futures_util::Stream<Item = Result<R, sqlx::Error>> + Unpin,
    table: &Table,
    sink: &mut Sink<'_>,
    value: impl Fn(&R, (&'static str, Kind)) -> Result<Value>,
) -> Result<u64> {
    let per_batch = PARAMETERS_PER_STATEMENT / table.columns.len();
    let fail = |e: sqlx::Error| StoreError::Database(format!("reading {}: {e}", table.name));
    let mut batch = Vec::with_capacity(per_batch);
    let mut count = 0u64;
    while let Some(row) = rows.try_next().await.map_err(fail)? {
        batch.push(
            table
                .columns
                .iter()
                .map(|col| value(&row, *col))
                .collect::<Result<_>>()?,
        );
        if batch.len() == per_batch {
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

/// The SELECT of a table's copied columns in key order; PostgreSQL's int4 columns come back as
/// int8 and json as its text.
fn select(table: &Table, postgres: bool) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|(name, kind)| match kind {
            Int if postgres => format!("{name}::bigint AS {name}"),
            Json if postgres => format!("{name}::text AS {name}"),
            _ => (*name).to_owned(),
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        table.name,
        table.key
    )
}

/// The destination's one transaction.
enum Target {
    Sqlite(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Target {
    async fn begin(side: &Side) -> Result<Self> {
        let fail = |e: sqlx::Error| StoreError::Database(format!("starting the copy: {e}"));
        match side {
            Side::Sqlite(store) => {
                let mut connection = store.pool().acquire().await.map_err(fail)?;
                // The write lock for the whole copy, as a Writer takes it.
                sqlx::query("BEGIN IMMEDIATE")
                    .execute(&mut *connection)
                    .await
                    .map_err(fail)?;
                Ok(Self::Sqlite(connection))
            }
            Side::Postgres(store) => {
                let mut tx = store.pool().begin().await.map_err(fail)?;
                sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))")
                    .bind(crate::postgres::WRITE_LOCK)
                    .execute(&mut *tx)
                    .await
                    .map_err(fail)?;
                Ok(Self::Postgres(tx))
            }
        }
    }

    async fn execute(&mut self, sql: &str) -> Result<()> {
        let fail = |e: sqlx::Error| StoreError::Database(format!("{e} (in {sql})"));
        match self {
            Self::Sqlite(c) => sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut **c)
                .await
                .map(drop)
                .map_err(fail),
            Self::Postgres(tx) => sqlx::raw_sql(AssertSqlSafe(sql.to_owned()))
                .execute(&mut **tx)
                .await
                .map(drop)
                .map_err(fail),
        }
    }

    async fn count(&mut self, table: &str) -> Result<i64> {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let fail = |e: sqlx::Error| StoreError::Database(format!("counting {table}: {e}"));
        match self {
            Self::Sqlite(c) => sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_one(&mut **c)
                .await
                .map_err(fail),
            Self::Postgres(tx) => sqlx::query_scalar(AssertSqlSafe(sql))
                .fetch_one(&mut **tx)
                .await
                .map_err(fail),
        }
    }

    /// A copy fills an empty store: it never mixes two records.
    async fn ensure_empty(&mut self) -> Result<()> {
        for table in TABLES {
            let n = self.count(table.name).await?;
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
        Ok(())
    }

    async fn insert(&mut self, table: &Table, rows: &[Vec<Value>]) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let names: Vec<&str> = table.columns.iter().map(|(n, _)| *n).collect();
        let postgres = matches!(self, Self::Postgres(_));
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", table.name, names.join(", "));
        let mut n = 0;
        for (r, _) in rows.iter().enumerate() {
            if r > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            for (c, (_, kind)) in table.columns.iter().enumerate() {
                if c > 0 {
                    sql.push_str(", ");
                }
                // SQLite binds plain `?` in order; numbered names cost it a lookup each.
                if postgres {
                    n += 1;
                    sql.push_str(&format!("${n}"));
                    if *kind == Json {
                        sql.push_str("::json");
                    }
                } else {
                    sql.push('?');
                }
            }
            sql.push(')');
        }
        let fail = |e: sqlx::Error| StoreError::Database(format!("writing {}: {e}", table.name));
        match self {
            Self::Sqlite(c) => {
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (value, (_, kind)) in rows
                    .iter()
                    .flat_map(|row| row.iter().zip(table.columns.iter()))
                {
                    query = match value {
                        Value::Null => query.bind(None::<String>),
                        Value::Int(v) => query.bind(*v),
                        Value::Text(v) => query.bind(v.as_str()),
                        Value::Bool(v) => query.bind(i64::from(*v)),
                        Value::Date(v) => query.bind(crate::sqlite::date_text(*v)),
                        Value::Instant(v) if *kind == Stamp => {
                            query.bind(v.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
                        }
                        Value::Instant(v) => query.bind(crate::sqlite::instant_text(*v)),
                        Value::TextList(v) => query.bind(
                            serde_json::to_string(v).map_err(|e| corrupt(table.name, "list", e))?,
                        ),
                    };
                }
                query.execute(&mut **c).await.map_err(fail)?;
            }
            Self::Postgres(tx) => {
                let mut query = sqlx::query(AssertSqlSafe(sql));
                for (value, (_, kind)) in rows
                    .iter()
                    .flat_map(|row| row.iter().zip(table.columns.iter()))
                {
                    query = match value {
                        // A typed null, so that PostgreSQL need not guess.
                        Value::Null => match kind {
                            Int => query.bind(None::<i64>),
                            Bool => query.bind(None::<bool>),
                            Date => query.bind(None::<NaiveDate>),
                            Instant | Stamp => query.bind(None::<DateTime<Utc>>),
                            TextList => query.bind(None::<Vec<String>>),
                            Text | Json => query.bind(None::<String>),
                        },
                        Value::Int(v) => query.bind(*v),
                        Value::Text(v) => query.bind(v.as_str()),
                        Value::Bool(v) => query.bind(*v),
                        Value::Date(v) => query.bind(*v),
                        Value::Instant(v) => query.bind(*v),
                        Value::TextList(v) => query.bind(v.as_slice()),
                    };
                }
                query.execute(&mut **tx).await.map_err(fail)?;
            }
        }
        Ok(())
    }

    async fn set_parents(&mut self, rows: &[Vec<Value>]) -> Result<()> {
        for row in rows {
            if let [Value::Int(id), Value::Int(parent)] = row.as_slice() {
                self.execute(&format!(
                    "UPDATE committees SET parent_id = {parent} WHERE id = {id}"
                ))
                .await?;
            }
        }
        Ok(())
    }

    /// Sequences after the copied ids, the search log marked so that every index rebuilds, the
    /// generation moved on; then commit.
    async fn finish(mut self) -> Result<()> {
        if let Self::Postgres(_) = self {
            // Statistics for the planner, as after any bulk load (see PgWriter::commit).
            self.execute("ANALYZE").await?;
            for table in TABLES.iter().filter(|t| t.key == "id") {
                self.execute(&format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), (SELECT MAX(id) FROM {0})) \
                     WHERE EXISTS (SELECT 1 FROM {0})",
                    table.name
                ))
                .await?;
            }
        }
        self.execute(
            "INSERT INTO search_changes (kind, record_id) VALUES ('item', 0); \
             DELETE FROM search_changes WHERE seq < (SELECT MAX(seq) FROM search_changes); \
             UPDATE search_log SET floor = (SELECT MAX(seq) FROM search_changes); \
             UPDATE store_generation SET value = value + 1 WHERE id = 1",
        )
        .await?;
        match self {
            Self::Sqlite(mut c) => {
                sqlx::query("COMMIT")
                    .execute(&mut *c)
                    .await
                    .map_err(|e| StoreError::Database(format!("committing the copy: {e}")))?;
            }
            Self::Postgres(tx) => tx
                .commit()
                .await
                .map_err(|e| StoreError::Database(format!("committing the copy: {e}")))?,
        }
        Ok(())
    }
}
