//! Buffered inserts. A `create_*` call does not go to the database at once: its row waits in a
//! buffer with the id the writer gave it, and the buffers are written before any other
//! statement of the unit of work and at commit, in the catalogue's order (parents before
//! children, minutes before the sign-offs that lock them), each table in as few statements as
//! its driver allows (multi-row `VALUES` on SQLite, `UNNEST` on PostgreSQL). Each statement
//! costs a hop to the database; writing hundreds of rows per hop instead of one is what lets an
//! import or the demo write a million agenda items in minutes. See BENCHMARKS.md.

use super::Param;
use crate::catalogue::{TABLES, Table};

/// Buffered values that trigger a write, to bound memory on long units of work.
const FLUSH_AT_VALUES: usize = 256 * 1024;

/// The rows waiting for one table, with the columns they fill.
#[derive(Debug)]
struct Pending {
    columns: &'static [&'static str],
    rows: Vec<Vec<Param>>,
}

#[derive(Debug, Default)]
pub(super) struct Buffers {
    /// One per table of the catalogue, in its order.
    pending: Vec<Option<Pending>>,
    values: usize,
}

/// Rows to write into one table.
pub(super) struct Insert {
    pub table: &'static Table,
    pub columns: &'static [&'static str],
    pub rows: Vec<Vec<Param>>,
}

impl Buffers {
    /// Buffers a row of the table at `index` in the catalogue, whose values are in the order of
    /// `columns`; says whether the buffers are full enough to be written.
    pub(super) fn push(
        &mut self,
        index: usize,
        columns: &'static [&'static str],
        values: Vec<Param>,
    ) -> bool {
        debug_assert_eq!(columns.len(), values.len(), "{}", TABLES[index].name);
        if self.pending.is_empty() {
            self.pending.resize_with(TABLES.len(), || None);
        }
        self.values += values.len();
        let pending = self.pending[index].get_or_insert_with(|| Pending {
            columns,
            rows: Vec::new(),
        });
        debug_assert_eq!(pending.columns, columns, "{}", TABLES[index].name);
        pending.rows.push(values);
        self.values >= FLUSH_AT_VALUES
    }

    pub(super) fn is_empty(&self) -> bool {
        self.values == 0
    }

    /// Takes every buffered row, table by table in the order they must be written.
    pub(super) fn take(&mut self) -> Vec<Insert> {
        self.values = 0;
        TABLES
            .iter()
            .zip(self.pending.iter_mut())
            .filter_map(|(table, pending)| {
                pending.take().map(|p| Insert {
                    table,
                    columns: p.columns,
                    rows: p.rows,
                })
            })
            .collect()
    }
}
