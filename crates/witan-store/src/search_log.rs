//! The search change log's readers, in SQL both backends run as written (SQLite reads `$1` as a
//! numbered parameter too): every search index fed by the log (one per witan process) says how
//! far it has read, and the log is pruned only below the slowest index heard from lately.

use chrono::{DateTime, Utc};

/// An index not heard from for this long no longer holds back pruning; if it comes back it finds
/// the log's floor above its position and rebuilds.
pub const SEARCH_READER_LAPSE: chrono::TimeDelta = chrono::TimeDelta::days(1);

pub(crate) const RECORD_READER: &str = "INSERT INTO search_readers (name, seq, seen) \
     VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET seq = excluded.seq, seen = excluded.seen";

/// The position of the slowest index heard from since `$1`, and the high-water mark.
pub(crate) const PRUNE_LIMITS: &str = "SELECT (SELECT MIN(seq) FROM search_readers WHERE seen >= $1) AS slowest, \
     (SELECT MAX(seq) FROM search_changes) AS latest";

pub(crate) const PRUNE: &str = "DELETE FROM search_changes WHERE seq <= $1";

pub(crate) const RAISE_FLOOR: &str = "UPDATE search_log SET floor = $1 WHERE floor < $1";

pub(crate) const FLOOR: &str = "SELECT floor FROM search_log WHERE id = 1";

pub(crate) const FORGET_READER: &str = "DELETE FROM search_readers WHERE name = $1";

/// The oldest `seen` that still counts at `at`.
pub(crate) fn lapse_cutoff(at: DateTime<Utc>) -> DateTime<Utc> {
    at - SEARCH_READER_LAPSE
}

/// Up to where the log may be pruned: below the slowest index, and never the latest change (it
/// is the high-water mark the next sequence number follows).
pub(crate) fn prune_upto(slowest: Option<i64>, latest: Option<i64>) -> Option<i64> {
    let upto = slowest?.min(latest? - 1);
    (upto > 0).then_some(upto)
}

pub(crate) fn seq(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
