//! What the search index reads: searchable records flattened to words and filter facts, and the
//! change log the triggers of migration 0002 fill.

use super::{Dialect, Driver, Param, SqlStore, params};
use crate::decode::{self, string};
use crate::*;
use crate::{search_log, visibility};
use witan_domain::Term;

/// The organisations owning committee `c`, as space-separated slugs.
const ORGANISATIONS: &str = "COALESCE((SELECT string_agg(o.slug, ' ' ORDER BY o.slug) \
     FROM committee_owners co JOIN organisations o ON o.id = co.organisation_id \
     WHERE co.committee_id = c.id), '') AS organisations";

/// The SELECT for one kind: every kind answers with the same columns, in the same types.
fn select(dialect: Dialect, kind: SearchKind) -> String {
    let latest_minutes = "LEFT JOIN item_minutes mm ON mm.item_id = i.id \
         AND mm.version = (SELECT MAX(x.version) FROM item_minutes x WHERE x.item_id = i.id)";
    // Whether the public may find a record is the store's one definition (visibility.rs).
    let item_public = visibility::item("i");
    let issue_public = visibility::issue("iss");
    let agenda_m2 = visibility::agenda("m2");
    let decision_public = visibility::decision("d");
    let action_public = visibility::action("a");
    let document_public = visibility::document("d");
    let null_date = dialect.null("date");
    let null_instant = dialect.null("timestamptz");
    let null_id = dialect.null("bigint");
    let null_text = dialect.null("text");
    let points = dialect.joined_points("mm.resolution_points");
    match kind {
        SearchKind::Item => format!(
            "SELECT i.id, i.title, trim(COALESCE(mm.text, '') || ' ' || COALESCE(mm.resolution_text, '') || ' ' || \
               COALESCE({points}, '')) AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, {null_date} AS on_date, false AS key_decision, {item_public} AS public, \
             i.meeting_id, i.number AS item_number, i.issue_id \
             FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id \
             JOIN committees c ON c.id = m.committee_id {latest_minutes}"
        ),
        // An issue takes its date and committee from its latest item on a public agenda.
        SearchKind::Issue => format!(
            "SELECT iss.id AS id, iss.title, trim(COALESCE(iss.reference, '') || ' ' || iss.summary) AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, {null_date} AS on_date, false AS key_decision, {issue_public} AS public, \
             {null_id} AS meeting_id, {null_text} AS item_number, iss.id AS issue_id \
             FROM issues iss \
             LEFT JOIN agenda_items i ON i.id = (SELECT i2.id FROM agenda_items i2 \
               JOIN meetings m2 ON m2.id = i2.meeting_id WHERE i2.issue_id = iss.id \
               AND {agenda_m2} \
               ORDER BY m2.starts_at DESC LIMIT 1) \
             LEFT JOIN meetings m ON m.id = i.meeting_id \
             LEFT JOIN committees c ON c.id = m.committee_id"
        ),
        SearchKind::Decision => format!(
            "SELECT d.id AS id, d.title, d.text AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             {null_instant} AS starts_at, d.decided_on AS on_date, d.key_decision, \
             {decision_public} AS public, \
             i.meeting_id, i.number AS item_number, i.issue_id \
             FROM decisions d LEFT JOIN agenda_items i ON i.id = d.item_id \
             LEFT JOIN meetings m ON m.id = i.meeting_id \
             LEFT JOIN committees c ON c.id = COALESCE(d.maker_committee_id, m.committee_id)"
        ),
        SearchKind::Action => format!(
            "SELECT a.id AS id, a.description AS title, \
               COALESCE((SELECT string_agg(u.text, ' ' ORDER BY u.id) FROM action_updates u \
                 WHERE u.action_id = a.id), '') AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, {null_date} AS on_date, false AS key_decision, \
             {action_public} AS public, \
             a.meeting_id, i.number AS item_number, i.issue_id \
             FROM actions a JOIN meetings m ON m.id = a.meeting_id \
             JOIN committees c ON c.id = m.committee_id \
             LEFT JOIN agenda_items i ON i.id = a.item_id"
        ),
        SearchKind::Document => format!(
            "SELECT d.id AS id, d.name AS title, d.text AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, {null_date} AS on_date, false AS key_decision, \
             {document_public} AS public, \
             i.meeting_id, i.number AS item_number, COALESCE(d.issue_id, i.issue_id) AS issue_id \
             FROM documents d LEFT JOIN agenda_items i ON i.id = d.item_id \
             LEFT JOIN meetings m ON m.id = i.meeting_id \
             LEFT JOIN committees c ON c.id = m.committee_id"
        ),
    }
}

/// The id column of each kind's SELECT.
fn id_column(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Item => "i.id",
        SearchKind::Issue => "iss.id",
        SearchKind::Decision | SearchKind::Document => "d.id",
        SearchKind::Action => "a.id",
    }
}

impl<D: Driver> SqlStore<D> {
    pub(super) async fn read_search_documents(
        &self,
        kind: SearchKind,
        selection: SearchSelection<'_>,
    ) -> Result<Vec<SearchDocument>> {
        let id = id_column(kind);
        let dialect = D::DIALECT;
        let base = select(dialect, kind);
        let (sql, params) = match selection {
            SearchSelection::After { id: after, limit } => (
                format!("{base} WHERE {id} > $1 ORDER BY {id} LIMIT $2"),
                params![after, i64::from(limit)],
            ),
            SearchSelection::Ids(ids) => (
                format!("{base} WHERE {} ORDER BY {id}", dialect.any(id, "$1")),
                vec![Param::Ints(ids.to_vec())],
            ),
            SearchSelection::OfIssues(ids) if kind == SearchKind::Document => (
                format!(
                    "{base} WHERE d.item_id IS NULL AND {} ORDER BY {id}",
                    dialect.any("d.issue_id", "$1")
                ),
                vec![Param::Ints(ids.to_vec())],
            ),
            SearchSelection::OfIssues(_) => return Ok(Vec::new()),
        };
        let rows = self.all(sql, params, "search document").await?;
        rows.iter()
            .map(|row| decode::search_document(kind, row))
            .collect()
    }

    pub(super) async fn read_search_changes(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<SearchChange>> {
        let rows = self.all("SELECT seq, kind, record_id FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2", params![i64::try_from(after).unwrap_or(i64::MAX), i64::from(limit)], "search change").await?;
        rows.iter()
            .map(|row| {
                Ok(SearchChange {
                    seq: u64::try_from(decode::int(row, "seq")?).unwrap_or(0),
                    kind: SearchKind::parse("kind", &string(row, "kind")?)
                        .map_err(decode::corrupt)?,
                    id: decode::int(row, "record_id")?,
                })
            })
            .collect()
    }

    pub(super) async fn read_last_search_change(&self) -> Result<u64> {
        // The latest row is never pruned, so this is the high-water mark.
        let row = self
            .one(
                "SELECT COALESCE(MAX(seq), 0) AS seq FROM search_changes",
                Vec::new(),
                "search change",
            )
            .await?;
        Ok(u64::try_from(decode::int(&row, "seq")?).unwrap_or(0))
    }

    pub(super) async fn record_search_reader(
        &self,
        reader: &str,
        seq: u64,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let what = "search reader";
        self.execute(
            search_log::RECORD_READER,
            params![reader, search_log::seq(seq), at],
            what,
        )
        .await?;
        self.execute(
            search_log::RAISE_FLOOR,
            params![search_log::lapse_cutoff(at)],
            what,
        )
        .await?;
        self.execute(search_log::PRUNE, Vec::new(), what).await?;
        Ok(())
    }

    pub(super) async fn read_search_log_floor(&self) -> Result<u64> {
        let row = self
            .one(search_log::FLOOR, Vec::new(), "search reader")
            .await?;
        Ok(u64::try_from(decode::int(&row, "floor")?).unwrap_or(0))
    }

    pub(super) async fn delete_search_reader(&self, reader: &str) -> Result<()> {
        self.execute(search_log::FORGET_READER, params![reader], "search reader")
            .await?;
        Ok(())
    }
}
