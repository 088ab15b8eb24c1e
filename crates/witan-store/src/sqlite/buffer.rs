//! Buffered inserts. A `create_*` call on the SQLite writer does not go to the database at once:
//! it takes the next id of its table, and its row waits in a buffer. The buffers are written as
//! multi-row INSERTs, parents before children, before any other statement of the unit of work
//! and at commit. Each statement costs a hop to the driver's worker thread; writing hundreds of
//! rows per hop instead of one is what lets an import or the demo write a million agenda items
//! in minutes. See BENCHMARKS.md.

use super::db_error;
use crate::Result;
use sqlx::{AssertSqlSafe, Sqlite, Transaction};

/// A bound value of a buffered row.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
    OptText(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Self::Int(v)
    }
}
impl From<Option<i64>> for Value {
    fn from(v: Option<i64>) -> Self {
        Self::OptInt(v)
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Self::Text(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Self::Text(v.to_owned())
    }
}
impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Self {
        Self::OptText(v)
    }
}
impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Self {
        Self::OptText(v.map(str::to_owned))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Self::Int(i64::from(v))
    }
}

/// The tables rows are buffered for, in the order they are written: every table comes after
/// the tables it refers to, and minutes come before the sign-offs that lock them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Table {
    Organisations,
    Committees,
    CommitteeOwners,
    People,
    Memberships,
    Meetings,
    Attendance,
    Issues,
    AgendaItems,
    Declarations,
    ItemMinutes,
    Documents,
    Decisions,
    Actions,
    ActionUpdates,
    Escalations,
    ForwardPlan,
    SignOffs,
    /// The search change log: one row per searchable record inserted.
    SearchChanges,
    /// Where imported records came from (no references: written last).
    ImportSources,
}

impl Table {
    /// Whether the table keeps an `updated_at` column that a change in place sets (0001 gave
    /// memberships none).
    pub(crate) fn has_updated_at(self) -> bool {
        !matches!(self, Self::Memberships)
    }

    pub(crate) fn name(self) -> &'static str {
        SPECS[self as usize].name
    }

    /// The table's buffered columns, `id` first when it has one.
    pub(crate) fn columns(self) -> &'static [&'static str] {
        SPECS[self as usize].columns
    }
}

/// Binds values in order.
pub(crate) fn bind_all<'q>(
    mut query: sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments>,
    values: Vec<Value>,
) -> sqlx::query::Query<'q, Sqlite, sqlx::sqlite::SqliteArguments> {
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(v),
            Value::OptInt(v) => query.bind(v),
            Value::Text(v) => query.bind(v),
            Value::OptText(v) => query.bind(v),
        };
    }
    query
}

struct Spec {
    name: &'static str,
    /// Columns in bind order; when `has_id`, the first is `id`, taken from the writer's counter.
    columns: &'static [&'static str],
    has_id: bool,
    suffix: &'static str,
}

const SPECS: [Spec; TABLES] = [
    Spec {
        name: "organisations",
        columns: &["id", "slug", "name", "kind"],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "committees",
        columns: &["id", "slug", "name", "purpose", "joint", "parent_id"],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "committee_owners",
        columns: &["committee_id", "organisation_id"],
        has_id: false,
        suffix: "",
    },
    Spec {
        name: "people",
        columns: &["id", "name", "job_title"],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "memberships",
        columns: &[
            "id",
            "person_id",
            "committee_id",
            "role",
            "from_date",
            "until_date",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "meetings",
        columns: &[
            "id",
            "committee_id",
            "starts_at",
            "ends_at",
            "location",
            "status",
            "agenda_published_at",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "attendance",
        columns: &["meeting_id", "person_id", "kind"],
        has_id: false,
        suffix: " ON CONFLICT (meeting_id, person_id) DO UPDATE SET kind = excluded.kind",
    },
    Spec {
        name: "issues",
        columns: &["id", "title", "reference", "summary"],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "agenda_items",
        columns: &[
            "id",
            "meeting_id",
            "position",
            "number",
            "title",
            "issue_id",
            "exempt_ground",
            "exempt_review_on",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "declarations",
        columns: &[
            "id",
            "meeting_id",
            "person_id",
            "item_id",
            "kind",
            "description",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "item_minutes",
        columns: &[
            "item_id",
            "version",
            "text",
            "resolution_points",
            "resolution_text",
        ],
        has_id: false,
        suffix: "",
    },
    Spec {
        name: "documents",
        columns: &[
            "id",
            "item_id",
            "issue_id",
            "name",
            "media_type",
            "size_bytes",
            "sha256",
            "text",
            "exempt_ground",
            "exempt_review_on",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "decisions",
        columns: &[
            "id",
            "item_id",
            "maker_committee_id",
            "maker_person_id",
            "decided_on",
            "title",
            "text",
            "key_decision",
            "call_in_deadline",
            "status",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "actions",
        columns: &[
            "id",
            "meeting_id",
            "item_id",
            "description",
            "owner_person_id",
            "owner_organisation_id",
            "due_on",
            "status",
            "rag",
            "closed_on",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "action_updates",
        columns: &["id", "action_id", "on_date", "text", "rag"],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "escalations",
        columns: &[
            "id",
            "from_item_id",
            "to_committee_id",
            "reason",
            "state",
            "target_item_id",
            "considered_on",
            "decline_reason",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "forward_plan",
        columns: &[
            "id",
            "title",
            "decision_maker_id",
            "issue_id",
            "published_on",
            "expected_on",
        ],
        has_id: true,
        suffix: "",
    },
    Spec {
        name: "minutes_sign_offs",
        columns: &[
            "meeting_id",
            "version",
            "signed_by",
            "person_id",
            "signed_on",
            "reason",
        ],
        has_id: false,
        suffix: "",
    },
    Spec {
        name: "search_changes",
        columns: &["kind", "record_id"],
        has_id: false,
        suffix: "",
    },
    Spec {
        name: "import_sources",
        columns: &["source_key", "kind", "record_id", "fingerprint"],
        has_id: false,
        suffix: " ON CONFLICT (source_key) DO UPDATE SET kind = excluded.kind,
            record_id = excluded.record_id, fingerprint = excluded.fingerprint,
            imported_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
    },
];
const TABLES: usize = 20;

/// Rows per INSERT statement: enough to amortise the hop to the driver, few enough that the
/// prepared statement stays small (and far below SQLite's limit of 32,766 bound values).
const ROWS_PER_STATEMENT: usize = 256;
/// Buffered values that trigger a write, to bound memory on long units of work.
const FLUSH_AT_VALUES: usize = 256 * 1024;

#[derive(Debug, Default)]
pub(crate) struct Buffers {
    rows: [Vec<Value>; TABLES],
    next_id: [Option<i64>; TABLES],
    values: usize,
}

impl Buffers {
    /// Buffers a row (values in the column order of its table, without the id) and returns the
    /// id it will have. The first row of a table in a unit of work reads the table's largest id;
    /// the writer holds the write lock, so nobody else can take the ids that follow.
    pub(crate) async fn push(
        &mut self,
        tx: &mut Transaction<'static, Sqlite>,
        table: Table,
        values: Vec<Value>,
    ) -> Result<i64> {
        let index = table as usize;
        let spec = &SPECS[index];
        debug_assert_eq!(values.len() + usize::from(spec.has_id), spec.columns.len());
        let mut id = 0;
        if spec.has_id {
            id = match self.next_id[index] {
                Some(next) => next,
                None => {
                    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {}", spec.name);
                    sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql))
                        .fetch_one(&mut **tx)
                        .await
                        .map_err(db_error(spec.name))?
                }
            };
            self.next_id[index] = Some(id + 1);
            self.rows[index].push(Value::Int(id));
            self.values += 1;
        }
        self.values += values.len();
        self.rows[index].extend(values);
        if self.values >= FLUSH_AT_VALUES {
            self.flush(tx).await?;
        }
        Ok(id)
    }

    /// Writes every buffered row, parents first, and forgets the id counters so that the next
    /// row after any other statement reads the largest id afresh.
    pub(crate) async fn flush(&mut self, tx: &mut Transaction<'static, Sqlite>) -> Result<()> {
        for (index, spec) in SPECS.iter().enumerate() {
            let width = spec.columns.len();
            let row = format!("({})", vec!["?"; width].join(", "));
            let mut values = std::mem::take(&mut self.rows[index]).into_iter();
            loop {
                let chunk: Vec<Value> = values.by_ref().take(width * ROWS_PER_STATEMENT).collect();
                if chunk.is_empty() {
                    break;
                }
                let sql = format!(
                    "INSERT INTO {} ({}) VALUES {}{}",
                    spec.name,
                    spec.columns.join(", "),
                    vec![row.as_str(); chunk.len() / width].join(", "),
                    spec.suffix
                );
                bind_all(sqlx::query(AssertSqlSafe(sql)), chunk)
                    .execute(&mut **tx)
                    .await
                    .map_err(db_error(spec.name))?;
            }
        }
        self.next_id = Default::default();
        self.values = 0;
        Ok(())
    }
}
