//! The search change log's readers, in SQL both backends run as written (SQLite reads `$1` as a
//! numbered parameter too): every search index fed by the log (one per witan process) says how
//! far it has read, and the log is pruned only below the slowest index heard from lately.

use chrono::{DateTime, Utc};

/// An index not heard from for this long no longer holds back pruning; if it comes back it finds
/// the log's floor above its position and rebuilds.
pub const SEARCH_READER_LAPSE: chrono::TimeDelta = chrono::TimeDelta::days(1);

pub(crate) const RECORD_READER: &str = "INSERT INTO search_readers (name, seq, seen) \
     VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, seen = excluded.seen";

/// Raises the floor to where the log may be pruned: below the slowest index heard from since
/// `$1` (none heard from: nowhere), and never the latest change, the high-water mark the next
/// sequence number follows.
pub(crate) const RAISE_FLOOR: &str = "UPDATE search_log SET floor = upto FROM (\
     SELECT CASE WHEN r.slowest < l.latest - 1 THEN r.slowest ELSE l.latest - 1 END AS upto \
     FROM (SELECT COALESCE(MIN(seq), 0) AS slowest FROM search_readers WHERE seen >= $1) r, \
     (SELECT COALESCE(MAX(seq), 0) AS latest FROM search_changes) l) p \
     WHERE floor < upto";

/// Forgets what the floor covers. Concurrent prunes by other processes are harmless: the floor
/// only rises, and the changes below it are read by nobody.
pub(crate) const PRUNE: &str =
    "DELETE FROM search_changes WHERE seq <= (SELECT floor FROM search_log WHERE id = 1)";

pub(crate) const FLOOR: &str = "SELECT floor FROM search_log WHERE id = 1";

pub(crate) const FORGET_READER: &str = "DELETE FROM search_readers WHERE name = $1";

/// The oldest `seen` that still counts at `at`.
pub(crate) fn lapse_cutoff(at: DateTime<Utc>) -> DateTime<Utc> {
    at - SEARCH_READER_LAPSE
}

pub(crate) fn seq(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
