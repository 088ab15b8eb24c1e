//! Buffered inserts, as on SQLite (see `sqlite/buffer.rs`). A `create_*` call does not go to the
//! database at once: its row waits in a buffer with the id the writer gave it, and the buffers
//! are written before any other statement of the unit of work and at commit, parents before
//! children, one `INSERT … SELECT … FROM UNNEST(…)` of up to [`ROWS_PER_STATEMENT`] rows per
//! table, with one array per column. The order also puts minutes before the sign-offs that lock
//! them, so that history recorded as it stands (a meeting, its sign-off, then its minutes) lands
//! whole, whatever order it was described in.

use super::Param;
use sqlx::postgres::PgArguments;
use sqlx::query::Query;
use sqlx::{Arguments, Postgres};

/// The tables rows are buffered for, in the order they are written: every table comes after
/// the tables it refers to, and minutes come before the sign-offs that lock them.
pub(super) const ORDER: [&str; 19] = [
    "organisations",
    "committees",
    "committee_owners",
    "people",
    "memberships",
    "meetings",
    "attendance",
    "issues",
    "agenda_items",
    "declarations",
    "item_minutes",
    "documents",
    "decisions",
    "actions",
    "action_updates",
    "escalations",
    "forward_plan",
    "minutes_sign_offs",
    "import_sources",
];

/// Rows per statement: enough that the round trips stop mattering, few enough that a statement
/// stays a few megabytes.
const ROWS_PER_STATEMENT: usize = 5_000;
/// Buffered values that trigger a write, to bound memory on long units of work.
const FLUSH_AT_VALUES: usize = 256 * 1024;

/// The rows waiting for one table.
#[derive(Debug)]
struct Pending {
    columns: &'static [&'static str],
    /// What follows the INSERT (an `ON CONFLICT` clause).
    suffix: &'static str,
    /// How many leading columns make a row's key under `suffix`: a statement may not update one
    /// row twice, so only the last row of each key is written.
    key_columns: usize,
    rows: Vec<Vec<Param>>,
}

#[derive(Debug, Default)]
pub(super) struct Buffers {
    pending: [Option<Pending>; ORDER.len()],
    values: usize,
}

/// One buffered table's statement.
pub(super) struct Insert {
    pub table: &'static str,
    pub sql: String,
    pub arguments: PgArguments,
}

impl Buffers {
    /// Buffers a row of `table`, whose values are in the order of `columns`; says whether the
    /// buffers are full enough to be written.
    pub(super) fn push(
        &mut self,
        table: &'static str,
        columns: &'static [&'static str],
        suffix: &'static str,
        key_columns: usize,
        values: Vec<Param>,
    ) -> bool {
        debug_assert_eq!(columns.len(), values.len());
        let index = ORDER
            .iter()
            .position(|t| *t == table)
            .unwrap_or_else(|| unreachable!("{table} is not buffered"));
        self.values += values.len();
        self.pending[index]
            .get_or_insert_with(|| Pending {
                columns,
                suffix,
                key_columns,
                rows: Vec::new(),
            })
            .rows
            .push(values);
        self.values >= FLUSH_AT_VALUES
    }

    pub(super) fn is_empty(&self) -> bool {
        self.values == 0
    }

    /// Takes every buffered row, as statements to run in order.
    pub(super) fn take(&mut self) -> Vec<Insert> {
        self.values = 0;
        let mut inserts = Vec::new();
        for (table, pending) in ORDER.iter().zip(self.pending.iter_mut()) {
            let Some(mut pending) = pending.take() else {
                continue;
            };
            if pending.key_columns > 0 {
                last_of_each_key(&mut pending.rows, pending.key_columns);
            }
            for chunk in pending.rows.chunks(ROWS_PER_STATEMENT) {
                inserts.push(insert(table, &pending, chunk));
            }
        }
        inserts
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

/// The statement for `rows` of `table`: one array per column, unnested side by side.
fn insert(table: &'static str, pending: &Pending, rows: &[Vec<Param>]) -> Insert {
    let mut arguments = PgArguments::default();
    let mut arrays = Vec::new();
    let mut selected = Vec::new();
    for index in 0..pending.columns.len() {
        let values = rows.iter().map(|row| &row[index]);
        let n = index + 1;
        // Every row of a table comes from one code path, so a column's values are all of one
        // kind; the first row says which.
        let (array_type, select) = match rows.first().map(|row| &row[index]) {
            Some(Param::Bool(_)) => {
                add(&mut arguments, values.map(as_bool).collect::<Vec<_>>());
                ("boolean[]", format!("u.c{n}"))
            }
            Some(Param::Text(_)) => {
                add(&mut arguments, values.map(as_text).collect::<Vec<_>>());
                ("text[]", format!("u.c{n}"))
            }
            // A list per row cannot be one row of a two-dimensional array (their rows must be
            // of one length), so it travels as JSON.
            Some(Param::Texts(_)) => {
                add(&mut arguments, values.map(as_json).collect::<Vec<_>>());
                (
                    "text[]",
                    format!("ARRAY(SELECT json_array_elements_text(u.c{n}::json))"),
                )
            }
            Some(Param::Date(_)) => {
                add(&mut arguments, values.map(as_date).collect::<Vec<_>>());
                ("date[]", format!("u.c{n}"))
            }
            Some(Param::Instant(_)) => {
                add(&mut arguments, values.map(as_instant).collect::<Vec<_>>());
                ("timestamptz[]", format!("u.c{n}"))
            }
            Some(Param::Int(_)) | None => {
                add(&mut arguments, values.map(as_int).collect::<Vec<_>>());
                ("bigint[]", format!("u.c{n}"))
            }
        };
        arrays.push(format!("${n}::{array_type}"));
        selected.push(select);
    }
    let names: Vec<String> = (1..=pending.columns.len())
        .map(|n| format!("c{n}"))
        .collect();
    let sql = format!(
        "INSERT INTO {table} ({}) SELECT {} FROM UNNEST({}) AS u({}){}",
        pending.columns.join(", "),
        selected.join(", "),
        arrays.join(", "),
        names.join(", "),
        pending.suffix
    );
    Insert {
        table,
        sql,
        arguments,
    }
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
        Param::Text(v) => v.clone(),
        _ => None,
    }
}

fn as_json(p: &Param) -> String {
    match p {
        Param::Texts(v) => serde_json::to_string(v).unwrap_or_else(|_| "[]".to_owned()),
        _ => "[]".to_owned(),
    }
}

fn as_date(p: &Param) -> Option<chrono::NaiveDate> {
    match p {
        Param::Date(v) => *v,
        _ => None,
    }
}

fn as_instant(p: &Param) -> Option<chrono::DateTime<chrono::Utc>> {
    match p {
        Param::Instant(v) => *v,
        _ => None,
    }
}

/// The query for an insert, ready to run.
pub(super) fn query(insert: Insert) -> Query<'static, Postgres, PgArguments> {
    sqlx::query_with(sqlx::AssertSqlSafe(insert.sql), insert.arguments)
}
