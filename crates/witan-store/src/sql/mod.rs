//! The store, written once: every query and workflow of [`Store`](crate::Store),
//! [`Writer`](crate::Writer) and the accounts, over a [`Driver`] that keeps only what really
//! differs between the databases.
//!
//! Queries are one SQL text for both databases, with `$1`, `$2`… for their values (SQLite reads
//! `$NNN` as the NNN-th value, as PostgreSQL does) and the few spellings that differ taken from
//! [`Dialect`]. Values travel as [`Param`]s, one value type whose variants say what a value is
//! (a date, an instant, a list), so that each driver binds it in its own database's type; rows
//! come back as the driver's own row type, read through [`Columns`](crate::decode::Columns), so
//! that how columns become records is written once too (`decode.rs`).
//!
//! What a driver keeps: connecting and its pool, migrations, the write lock (`BEGIN IMMEDIATE`
//! or an advisory lock), bulk inserts (multi-row `VALUES` or `UNNEST`), turning its errors into
//! [`StoreError`]s, and statistics. Nothing else may differ.

mod accounts;
mod alerts;
mod buffer;
mod items;
mod read;
mod rows;
mod search;
mod unit;
mod write;

use crate::catalogue::Table;
use crate::decode::Columns;
use crate::{Result, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

pub use unit::SqlWriter;

/// A statement's text: most are constants, some are put together at run time.
pub type Sql = Cow<'static, str>;

/// A value bound to a statement, the same for every driver: each variant says what the value
/// is, so that a driver can bind it as its database keeps it (SQLite keeps dates and instants
/// as text and flags as 0 or 1; PostgreSQL has types for them).
#[derive(Debug, Clone, PartialEq)]
pub enum Param {
    Int(Option<i64>),
    Bool(bool),
    Text(Option<String>),
    /// A list of texts stored in one column (a resolution's points).
    Texts(Vec<String>),
    /// A list of ids to match with [`Dialect::any`].
    Ints(Vec<i64>),
    /// A list of texts to match with [`Dialect::any`].
    Keys(Vec<String>),
    Date(Option<NaiveDate>),
    /// A moment a person chose (when a meeting starts, when a session expires): SQLite keeps it
    /// to the second.
    Instant(Option<DateTime<Utc>>),
    /// A moment the database recorded (when a record was created or changed): SQLite keeps it to
    /// the millisecond, so a window compared with it is bound the same way.
    Stamp(Option<DateTime<Utc>>),
    /// JSON text (the audit log's before and after).
    Json(Option<String>),
}

macro_rules! param_from {
    ($($t:ty => $variant:ident($conv:expr)),* $(,)?) => {
        $(impl From<$t> for Param {
            fn from(v: $t) -> Self {
                Self::$variant($conv(v))
            }
        })*
    };
}

param_from! {
    i64 => Int(Some),
    Option<i64> => Int(std::convert::identity),
    bool => Bool(std::convert::identity),
    &str => Text(|v: &str| Some(v.to_owned())),
    String => Text(Some),
    Option<&str> => Text(|v: Option<&str>| v.map(str::to_owned)),
    Option<String> => Text(std::convert::identity),
    NaiveDate => Date(Some),
    Option<NaiveDate> => Date(std::convert::identity),
    DateTime<Utc> => Instant(Some),
    Option<DateTime<Utc>> => Instant(std::convert::identity),
}

/// The values of a statement, in order: `params![a, b]`.
macro_rules! params {
    ($($value:expr),* $(,)?) => {
        vec![$($crate::sql::Param::from($value)),*]
    };
}
pub(crate) use params;

const SQLITE_NOW: &str = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')";

/// `column` is one of `ids`, bound as `$1` by [`ids_param`]: plain equality for one id (which the
/// planner serves straight from an index), the dialect's list membership for more.
pub(crate) fn one_of(dialect: Dialect, column: &str, ids: &[i64]) -> String {
    match ids {
        [_] => format!("{column} = $1"),
        _ => dialect.any(column, "$1"),
    }
}

/// The value [`one_of`] compares with.
pub(crate) fn ids_param(ids: &[i64]) -> Param {
    match ids {
        [one] => Param::Int(Some(*one)),
        _ => Param::Ints(ids.to_vec()),
    }
}

/// The spellings that differ between the databases, as fragments of SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The current moment, as the database stamps a change.
    pub fn now(self) -> &'static str {
        match self {
            Self::Sqlite => SQLITE_NOW,
            Self::Postgres => "now()",
        }
    }

    /// A statement as this database spells it. Statements name the current moment as
    /// PostgreSQL does, `now()` (when the unit of work began) or `statement_timestamp()`; SQLite
    /// has one spelling for both, as text to the millisecond.
    pub fn sql(self, sql: Sql) -> Sql {
        match self {
            Self::Sqlite if sql.contains("now()") || sql.contains("statement_timestamp()") => sql
                .replace("statement_timestamp()", SQLITE_NOW)
                .replace("now()", SQLITE_NOW)
                .into(),
            _ => sql,
        }
    }

    /// `column` is one of the list bound as `param` ([`Param::Ints`] or [`Param::Keys`]).
    pub fn any(self, column: &str, param: &str) -> String {
        match self {
            Self::Sqlite => format!("{column} IN (SELECT value FROM json_each({param}))"),
            Self::Postgres => format!("{column} = ANY({param})"),
        }
    }

    /// The larger of two values.
    pub fn greatest(self) -> &'static str {
        match self {
            Self::Sqlite => "max",
            Self::Postgres => "GREATEST",
        }
    }

    /// A NULL of an SQL type (`date`, `bigint`, `text`, `timestamptz`) where the type matters.
    pub fn null(self, sql_type: &str) -> String {
        match self {
            Self::Sqlite => "NULL".to_owned(),
            Self::Postgres => format!("NULL::{sql_type}"),
        }
    }

    /// The points of a resolution (a stored list of texts) as one text, space-separated.
    pub fn joined_points(self, column: &str) -> String {
        match self {
            Self::Sqlite => {
                format!("(SELECT string_agg(p.value, ' ') FROM json_each({column}) p)")
            }
            Self::Postgres => format!("array_to_string({column}, ' ')"),
        }
    }

    /// The leading digits of a text column as an integer (0 when there are none).
    pub fn leading_number(self, column: &str) -> String {
        match self {
            // SQLite's CAST reads the longest leading integer and gives 0 when there is none.
            Self::Sqlite => format!("CAST({column} AS INTEGER)"),
            Self::Postgres => format!("COALESCE(substring({column} FROM '^[0-9]+')::bigint, 0)"),
        }
    }

    /// A bound JSON value as the column keeps it.
    pub fn json(self, param: &str) -> String {
        match self {
            Self::Sqlite => param.to_owned(),
            Self::Postgres => format!("{param}::json"),
        }
    }

    /// A JSON column read as text.
    pub fn json_text(self, column: &str) -> String {
        match self {
            Self::Sqlite => column.to_owned(),
            Self::Postgres => format!("{column}::text"),
        }
    }
}

/// What differs between databases, and nothing else: how to run a statement, hold the write
/// lock, insert many rows at once, and say what an error means.
#[async_trait]
pub trait Driver: Clone + fmt::Debug + Send + Sync + 'static {
    /// A row as the driver reads it.
    #[doc(hidden)]
    type Row: Columns + Send + Sync + 'static;
    /// A unit of work holding the write lock.
    #[doc(hidden)]
    type Tx: fmt::Debug + Send + 'static;
    #[doc(hidden)]
    const DIALECT: Dialect;
    /// Whether the schema's own triggers log inserted searchable records in the search change
    /// log (PostgreSQL's statement triggers); otherwise the writer logs them with its batched
    /// inserts (on SQLite a trigger per inserted row doubled the time of a bulk load).
    #[doc(hidden)]
    const TRIGGERS_LOG_INSERTS: bool;

    #[doc(hidden)]
    async fn fetch_all(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<Self::Row>>;
    #[doc(hidden)]
    async fn fetch_optional(
        &self,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<Self::Row>>;
    #[doc(hidden)]
    async fn execute(&self, sql: Sql, params: Vec<Param>, what: &'static str) -> Result<u64>;

    /// Starts a unit of work holding the write lock.
    #[doc(hidden)]
    async fn begin(&self) -> Result<Self::Tx>;
    #[doc(hidden)]
    async fn tx_fetch_all(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<Self::Row>>;
    #[doc(hidden)]
    async fn tx_fetch_optional(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<Self::Row>>;
    #[doc(hidden)]
    async fn tx_execute(
        tx: &mut Self::Tx,
        sql: Sql,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<u64>;
    /// Inserts `rows` (values in the order of `columns`) into `table`, in as few statements as
    /// the database allows.
    #[doc(hidden)]
    async fn insert_rows(
        tx: &mut Self::Tx,
        table: &'static Table,
        columns: &[&'static str],
        rows: Vec<Vec<Param>>,
    ) -> Result<()>;
    /// After rows were written with ids chosen by the writer: whatever the database needs so that
    /// ids it gives itself later follow them (PostgreSQL's sequences).
    #[doc(hidden)]
    async fn ids_taken(tx: &mut Self::Tx, tables: &[&'static str]) -> Result<()>;
    #[doc(hidden)]
    async fn commit(tx: Self::Tx) -> Result<()>;
    #[doc(hidden)]
    async fn rollback(tx: Self::Tx);

    /// Brings the query planner's statistics up to date, where the database keeps any.
    #[doc(hidden)]
    async fn refresh_statistics(&self) -> Result<()>;
}

/// The store over a driver. Cheap to clone: it is a handle on a connection pool.
#[derive(Debug, Clone)]
pub struct SqlStore<D> {
    pub(crate) driver: D,
    /// Units of work committed through this handle (and its clones).
    pub(crate) commits: Arc<AtomicU64>,
}

impl<D: Driver> SqlStore<D> {
    pub(crate) fn new(driver: D) -> Self {
        Self {
            driver,
            commits: Arc::default(),
        }
    }

    pub(crate) async fn all(
        &self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Vec<D::Row>> {
        let sql = D::DIALECT.sql(sql.into());
        self.driver.fetch_all(sql, params, what).await
    }

    pub(crate) async fn optional(
        &self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<Option<D::Row>> {
        let sql = D::DIALECT.sql(sql.into());
        self.driver.fetch_optional(sql, params, what).await
    }

    pub(crate) async fn one(
        &self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<D::Row> {
        self.optional(sql, params, what)
            .await?
            .ok_or_else(|| StoreError::Database(format!("{what}: the query returned no row")))
    }

    pub(crate) async fn execute(
        &self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        what: &'static str,
    ) -> Result<u64> {
        let sql = D::DIALECT.sql(sql.into());
        self.driver.execute(sql, params, what).await
    }
}
