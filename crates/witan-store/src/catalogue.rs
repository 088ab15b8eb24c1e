//! Every table of the record, declared once: its columns with what kind of value each holds,
//! which the writer fills and which the database fills itself, whether the table keeps an
//! `updated_at`, which kind of search record its rows are, and the order tables are written in
//! (each after the tables it refers to).
//!
//! The writer's batched inserts, `replace`, `witan copy` and the drivers' binding read it; a test
//! holds it against each migrated database, so a column added to a migration and forgotten here
//! fails a test instead of being silently dropped by `witan copy`.

use crate::SearchKind;

/// What a column holds, and so how it travels to and from each database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Int,
    Text,
    /// SQLite: 0 or 1; PostgreSQL: boolean.
    Bool,
    /// SQLite: `YYYY-MM-DD`; PostgreSQL: date.
    Date,
    /// A moment a person chose. SQLite: RFC 3339 text to the second; PostgreSQL: timestamptz(3).
    Instant,
    /// A moment the database recorded (created, changed). SQLite: RFC 3339 text to the
    /// millisecond; PostgreSQL: timestamptz(3).
    Stamp,
    /// SQLite: text; PostgreSQL: json.
    Json,
    /// SQLite: a JSON array of strings; PostgreSQL: text[].
    TextList,
}

/// One column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
    /// Whether the database fills it when a row is inserted (a creation or change time): the
    /// writer leaves it out of its inserts; `witan copy` carries it over.
    pub filled_by_database: bool,
}

/// One table.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    /// The columns rows are read in the order of (the primary key).
    pub key: &'static str,
    pub columns: &'static [Column],
    /// Whether a change in place sets `updated_at`.
    pub updated_at: bool,
    /// The kind of search record a row is part of, and the column holding that record's id, for
    /// tables the search index reads.
    pub search: Option<(SearchKind, &'static str)>,
    /// Whether the writer gives new rows their id (one more than the largest), under its lock.
    pub writer_ids: bool,
    /// What follows the writer's INSERT, for tables where a row may be written again.
    pub on_conflict: Option<Conflict>,
    /// Whether `witan copy` carries the table (what belongs to a deployment rather than to the
    /// record, such as the search change log, is not copied).
    pub copied: bool,
}

/// An upsert: the key columns (leading in the written columns) and the columns set again.
#[derive(Debug, Clone, Copy)]
pub struct Conflict {
    pub key: &'static [&'static str],
    pub update: &'static [&'static str],
    /// A stamp column set to the database's now on update.
    pub stamp: Option<&'static str>,
}

impl Table {
    /// The columns the writer fills, in order: the values of a row the writer inserts.
    pub fn written(&self) -> impl Iterator<Item = &'static Column> + '_ {
        self.columns.iter().filter(|c| !c.filled_by_database)
    }

    pub fn written_names(&self) -> Vec<&'static str> {
        self.written().map(|c| c.name).collect()
    }

    pub fn column(&self, name: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.name == name)
    }
}

/// The columns each table's writer fills, in the catalogue's order: worked out once.
static WRITTEN: std::sync::LazyLock<Vec<Vec<&'static str>>> =
    std::sync::LazyLock::new(|| TABLES.iter().map(Table::written_names).collect());

/// The table named `name`, with its place in [`TABLES`] and the columns the writer fills in it.
pub fn written(name: &str) -> (usize, &'static Table, &'static [&'static str]) {
    let index = TABLES
        .iter()
        .position(|t| t.name == name)
        .unwrap_or_else(|| unreachable!("{name} is not in the catalogue"));
    (index, &TABLES[index], &WRITTEN[index])
}

const fn col(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        filled_by_database: false,
    }
}

const fn db(name: &'static str, kind: Kind) -> Column {
    Column {
        name,
        kind,
        filled_by_database: true,
    }
}

use Kind::{Bool, Date, Instant, Int, Json, Stamp, Text, TextList};

const CREATED: Column = db("created_at", Stamp);
const UPDATED: Column = db("updated_at", Stamp);

const fn record(
    name: &'static str,
    columns: &'static [Column],
    search: Option<(SearchKind, &'static str)>,
) -> Table {
    Table {
        name,
        key: "id",
        columns,
        updated_at: true,
        search,
        writer_ids: true,
        on_conflict: None,
        copied: true,
    }
}

/// A table that is not a record of its own: no id of the writer's, no `updated_at`, not searched.
const fn part(name: &'static str, key: &'static str, columns: &'static [Column]) -> Table {
    Table {
        name,
        key,
        columns,
        updated_at: false,
        search: None,
        writer_ids: false,
        on_conflict: None,
        copied: true,
    }
}

/// Every table, each after the tables it refers to (a committee's parent is the exception:
/// `witan copy` sets parents once every committee is in; the writer's ids make a parent come
/// first). Minutes come before the sign-offs that lock them.
pub static TABLES: &[Table] = &[
    record(
        "organisations",
        &[
            col("id", Int),
            col("slug", Text),
            col("name", Text),
            col("kind", Text),
            CREATED,
            UPDATED,
        ],
        None,
    ),
    record(
        "people",
        &[
            col("id", Int),
            col("name", Text),
            col("job_title", Text),
            CREATED,
            UPDATED,
        ],
        None,
    ),
    record(
        "committees",
        &[
            col("id", Int),
            col("slug", Text),
            col("name", Text),
            col("purpose", Text),
            col("joint", Bool),
            col("parent_id", Int),
            CREATED,
            UPDATED,
        ],
        None,
    ),
    part(
        "committee_owners",
        "committee_id, organisation_id",
        &[col("committee_id", Int), col("organisation_id", Int)],
    ),
    Table {
        writer_ids: false,
        ..record(
            "users",
            &[
                col("id", Int),
                col("email", Text),
                col("name", Text),
                col("role", Text),
                col("organisation_id", Int),
                col("password_hash", Text),
                CREATED,
                UPDATED,
            ],
            None,
        )
    },
    part(
        "sessions",
        "token_hash",
        &[
            col("token_hash", Text),
            col("user_id", Int),
            col("csrf_token", Text),
            col("created_at", Instant),
            col("expires_at", Instant),
            col("seen_at", Instant),
        ],
    ),
    part(
        "login_failures",
        "id",
        &[
            col("id", Int),
            col("email", Text),
            col("at", Instant),
            col("address", Text),
        ],
    ),
    Table {
        updated_at: false,
        ..record(
            "memberships",
            &[
                col("id", Int),
                col("person_id", Int),
                col("committee_id", Int),
                col("role", Text),
                col("from_date", Date),
                col("until_date", Date),
            ],
            None,
        )
    },
    record(
        "issues",
        &[
            col("id", Int),
            col("title", Text),
            col("reference", Text),
            col("summary", Text),
            CREATED,
            UPDATED,
        ],
        Some((SearchKind::Issue, "id")),
    ),
    record(
        "meetings",
        &[
            col("id", Int),
            col("committee_id", Int),
            col("starts_at", Instant),
            col("ends_at", Instant),
            col("location", Text),
            col("status", Text),
            col("agenda_published_at", Stamp),
            CREATED,
            UPDATED,
        ],
        None,
    ),
    record(
        "agenda_items",
        &[
            col("id", Int),
            col("meeting_id", Int),
            col("position", Int),
            col("number", Text),
            col("title", Text),
            col("issue_id", Int),
            col("exempt_ground", Text),
            col("exempt_review_on", Date),
            CREATED,
            UPDATED,
        ],
        Some((SearchKind::Item, "id")),
    ),
    Table {
        name: "item_minutes",
        key: "item_id, version",
        columns: &[
            col("item_id", Int),
            col("version", Int),
            col("text", Text),
            col("resolution_points", TextList),
            col("resolution_text", Text),
        ],
        updated_at: false,
        search: Some((SearchKind::Item, "item_id")),
        writer_ids: false,
        on_conflict: None,
        copied: true,
    },
    part(
        "minutes_sign_offs",
        "meeting_id, version",
        &[
            col("meeting_id", Int),
            col("version", Int),
            col("signed_by", Text),
            col("person_id", Int),
            col("signed_on", Date),
            col("reason", Text),
        ],
    ),
    Table {
        name: "attendance",
        key: "meeting_id, person_id",
        columns: &[
            col("meeting_id", Int),
            col("person_id", Int),
            col("kind", Text),
        ],
        updated_at: false,
        search: None,
        writer_ids: false,
        on_conflict: Some(Conflict {
            key: &["meeting_id", "person_id"],
            update: &["kind"],
            stamp: None,
        }),
        copied: true,
    },
    Table {
        updated_at: false,
        ..record(
            "declarations",
            &[
                col("id", Int),
                col("meeting_id", Int),
                col("person_id", Int),
                col("item_id", Int),
                col("kind", Text),
                col("description", Text),
            ],
            None,
        )
    },
    record(
        "documents",
        &[
            col("id", Int),
            col("item_id", Int),
            col("issue_id", Int),
            col("name", Text),
            col("media_type", Text),
            col("size_bytes", Int),
            col("sha256", Text),
            col("text", Text),
            col("exempt_ground", Text),
            col("exempt_review_on", Date),
            CREATED,
            UPDATED,
        ],
        Some((SearchKind::Document, "id")),
    ),
    record(
        "decisions",
        &[
            col("id", Int),
            col("item_id", Int),
            col("maker_committee_id", Int),
            col("maker_person_id", Int),
            col("decided_on", Date),
            col("title", Text),
            col("text", Text),
            col("key_decision", Bool),
            col("call_in_deadline", Date),
            col("status", Text),
            CREATED,
            UPDATED,
        ],
        Some((SearchKind::Decision, "id")),
    ),
    record(
        "actions",
        &[
            col("id", Int),
            col("meeting_id", Int),
            col("item_id", Int),
            col("description", Text),
            col("owner_person_id", Int),
            col("owner_organisation_id", Int),
            col("due_on", Date),
            col("status", Text),
            col("rag", Text),
            col("closed_on", Date),
            CREATED,
            UPDATED,
        ],
        Some((SearchKind::Action, "id")),
    ),
    Table {
        updated_at: false,
        ..record(
            "action_updates",
            &[
                col("id", Int),
                col("action_id", Int),
                col("on_date", Date),
                col("text", Text),
                col("rag", Text),
            ],
            None,
        )
    },
    record(
        "escalations",
        &[
            col("id", Int),
            col("from_item_id", Int),
            col("to_committee_id", Int),
            col("reason", Text),
            col("state", Text),
            col("target_item_id", Int),
            col("considered_on", Date),
            col("decline_reason", Text),
            CREATED,
            UPDATED,
        ],
        None,
    ),
    record(
        "forward_plan",
        &[
            col("id", Int),
            col("title", Text),
            col("decision_maker_id", Int),
            col("issue_id", Int),
            col("published_on", Date),
            col("expected_on", Date),
            CREATED,
            UPDATED,
        ],
        None,
    ),
    Table {
        name: "import_sources",
        key: "source_key",
        columns: &[
            col("source_key", Text),
            col("kind", Text),
            col("record_id", Int),
            col("fingerprint", Text),
            db("imported_at", Stamp),
        ],
        updated_at: false,
        search: None,
        writer_ids: false,
        on_conflict: Some(Conflict {
            key: &["source_key"],
            update: &["kind", "record_id", "fingerprint"],
            stamp: Some("imported_at"),
        }),
        copied: true,
    },
    part(
        "audit_log",
        "id",
        &[
            col("id", Int),
            col("at", Instant),
            col("by_whom", Text),
            col("action", Text),
            col("record_kind", Text),
            col("record_id", Int),
            col("before_json", Json),
            col("after_json", Json),
        ],
    ),
    // Following by email: who asked (an address and its private token), what they
    // follow, the changes waiting for their message, and the messages to send.
    part(
        "subscribers",
        "id",
        &[
            col("id", Int),
            col("email", Text),
            col("token", Text),
            col("confirmed_at", Instant),
            col("created_at", Instant),
        ],
    ),
    part(
        "subscriptions",
        "id",
        &[
            col("id", Int),
            col("subscriber_id", Int),
            col("target_kind", Text),
            col("target", Text),
            col("label", Text),
            col("frequency", Text),
            col("created_at", Instant),
            col("confirmed_at", Instant),
        ],
    ),
    part(
        "alert_pending",
        "subscription_id, kind, record_id",
        &[
            col("subscription_id", Int),
            col("kind", Text),
            col("record_id", Int),
            col("seq", Int),
        ],
    ),
    part(
        "outbox",
        "id",
        &[
            col("id", Int),
            col("subscriber_id", Int),
            col("recipient", Text),
            col("kind", Text),
            col("subject", Text),
            col("text_body", Text),
            col("html_body", Text),
            col("manage_url", Text),
            col("message_id", Text),
            col("created_at", Instant),
            col("attempts", Int),
            col("next_attempt_at", Instant),
            col("claimed_until", Instant),
            col("sent_at", Instant),
            col("last_error", Text),
        ],
    ),
    part(
        "alert_runs",
        "frequency",
        &[col("frequency", Text), col("at", Instant)],
    ),
    // The search change log: the writer logs inserted searchable records here on databases
    // whose triggers do not (see `Driver::TRIGGERS_LOG_INSERTS`). It belongs to a deployment's
    // indexes, not to the record: not copied.
    Table {
        name: "search_changes",
        key: "seq",
        columns: &[db("seq", Int), col("kind", Text), col("record_id", Int)],
        updated_at: false,
        search: None,
        writer_ids: false,
        on_conflict: None,
        copied: false,
    },
];

/// Tables the migrations create that hold no record: how far the search indexes have read, the
/// generation counter, the migrations themselves.
pub const NOT_RECORDS: &[&str] = &[
    "search_readers",
    "search_log",
    "store_generation",
    "_sqlx_migrations",
];

#[cfg(test)]
mod tests {
    use super::{NOT_RECORDS, TABLES};
    use crate::decode::Columns;
    use crate::sql::{Driver, SqlStore};
    use std::collections::{BTreeMap, BTreeSet};

    /// Every table and column of a migrated database, as the database lists them.
    async fn schema<D: Driver>(
        store: &SqlStore<D>,
        sql: &'static str,
    ) -> BTreeMap<String, BTreeSet<String>> {
        let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for row in store.all(sql, Vec::new(), "schema").await.expect("schema") {
            let table = crate::decode::string(&row, "table_name").expect("table");
            let column = row
                .opt_string("column_name")
                .expect("column")
                .unwrap_or_default();
            tables.entry(table).or_default().insert(column);
        }
        tables
    }

    /// The catalogue as the same map, with the tables that hold no record left out of both.
    fn catalogue() -> BTreeMap<String, BTreeSet<String>> {
        TABLES
            .iter()
            .map(|t| {
                let columns = t.columns.iter().map(|c| c.name.to_owned()).collect();
                (t.name.to_owned(), columns)
            })
            .collect()
    }

    fn records(
        mut tables: BTreeMap<String, BTreeSet<String>>,
    ) -> BTreeMap<String, BTreeSet<String>> {
        tables.retain(|name, _| !NOT_RECORDS.contains(&name.as_str()));
        tables
    }

    #[test]
    fn every_kind_of_search_record_is_one_table_of_the_catalogue() {
        use crate::SearchKind;
        use witan_domain::Term;
        for kind in SearchKind::ALL {
            let own: Vec<&str> = TABLES
                .iter()
                .filter(|t| t.search == Some((*kind, "id")))
                .map(|t| t.name)
                .collect();
            assert_eq!(own.len(), 1, "{kind:?} is the record of {own:?}");
        }
        // Every table that logs search changes names a column it has.
        for table in TABLES {
            if let Some((_, id)) = table.search {
                assert!(table.column(id).is_some(), "{}.{id}", table.name);
            }
        }
    }

    #[test]
    fn tables_come_after_the_tables_they_are_written_after() {
        let at = |name: &str| TABLES.iter().position(|t| t.name == name).expect(name);
        for (parent, child) in [
            ("organisations", "committee_owners"),
            ("committees", "committee_owners"),
            ("people", "memberships"),
            ("committees", "meetings"),
            ("meetings", "agenda_items"),
            ("issues", "agenda_items"),
            ("agenda_items", "item_minutes"),
            ("item_minutes", "minutes_sign_offs"),
            ("agenda_items", "documents"),
            ("agenda_items", "decisions"),
            ("actions", "action_updates"),
            ("agenda_items", "escalations"),
            ("users", "sessions"),
            ("subscribers", "subscriptions"),
            ("subscriptions", "alert_pending"),
            ("subscribers", "outbox"),
        ] {
            assert!(at(parent) < at(child), "{parent} before {child}");
        }
    }

    #[tokio::test]
    async fn the_catalogue_names_every_table_and_column_of_a_migrated_sqlite_database() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = crate::sqlite::SqliteStore::open(&dir.path().join("witan.db"))
            .await
            .expect("open");
        let found = schema(
            &store,
            "SELECT m.name AS table_name, p.name AS column_name
             FROM sqlite_master m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'",
        )
        .await;
        assert_eq!(records(found), catalogue());
    }

    #[tokio::test]
    async fn the_catalogue_names_every_table_and_column_of_a_migrated_postgres_database() {
        let Ok(url) = std::env::var("WITAN_TEST_DATABASE_URL") else {
            eprintln!(
                "WITAN_TEST_DATABASE_URL is not set: skipping the PostgreSQL catalogue check"
            );
            return;
        };
        // A schema of its own, so that the check sees only what the migrations made.
        let schema_name = format!("catalogue_{}", std::process::id());
        let admin = sqlx::PgPool::connect(&url).await.expect("connect");
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA IF EXISTS {schema_name} CASCADE"
        )))
        .execute(&admin)
        .await
        .expect("drop schema");
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema_name}")))
            .execute(&admin)
            .await
            .expect("create schema");
        let options: sqlx::postgres::PgConnectOptions = url.parse().expect("url");
        let store = crate::postgres::PgStore::open_with(
            options.options([("search_path", schema_name.as_str())]),
        )
        .await
        .expect("open");
        let found = schema(
            &store,
            "SELECT table_name::text AS table_name, column_name::text AS column_name
             FROM information_schema.columns WHERE table_schema = current_schema()",
        )
        .await;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "DROP SCHEMA {schema_name} CASCADE"
        )))
        .execute(&admin)
        .await
        .expect("drop schema");
        assert_eq!(records(found), catalogue());
    }
}
