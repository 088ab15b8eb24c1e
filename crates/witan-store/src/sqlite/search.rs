//! What the search index reads: searchable records flattened to words and filter facts, and the
//! change log the triggers of migration 0006 fill.

use super::decode::{self, string};
use super::{SqliteStore, db_error};
use crate::*;
use crate::{search_log, visibility};
use sqlx::{AssertSqlSafe, Row};
use witan_domain::Term;

/// The organisations owning committee `c`, as space-separated slugs.
const ORGANISATIONS: &str = "COALESCE((SELECT group_concat(o.slug, ' ') FROM committee_owners co \
     JOIN organisations o ON o.id = co.organisation_id WHERE co.committee_id = c.id), '') AS organisations";

/// The SELECT for one kind, with `{id}` the record's id column: every kind answers with the same
/// columns.
fn select(kind: SearchKind) -> String {
    let latest_minutes = "LEFT JOIN item_minutes mm ON mm.item_id = i.id \
         AND mm.version = (SELECT MAX(x.version) FROM item_minutes x WHERE x.item_id = i.id)";
    // Whether the public may find a record is the store's one definition (visibility.rs).
    let item_public = visibility::item("i");
    let issue_public = visibility::issue("iss");
    let agenda_m2 = visibility::agenda("m2");
    let decision_public = visibility::decision("d");
    let action_public = visibility::action("a");
    let document_public = visibility::document("d");
    match kind {
        SearchKind::Item => format!(
            "SELECT i.id, i.title, trim(COALESCE(mm.text, '') || ' ' || COALESCE(mm.resolution_text, '') || ' ' || \
               COALESCE((SELECT group_concat(p.value, ' ') FROM json_each(mm.resolution_points) p), '')) AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL AS on_date, 0 AS key_decision, {item_public} AS public, \
             i.meeting_id, i.number AS item_number, i.issue_id \
             FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id \
             JOIN committees c ON c.id = m.committee_id {latest_minutes}"
        ),
        SearchKind::Issue => format!(
            "SELECT iss.id AS id, iss.title, trim(COALESCE(iss.reference, '') || ' ' || iss.summary) AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL AS on_date, 0 AS key_decision, {issue_public} AS public, \
             NULL AS meeting_id, NULL AS item_number, iss.id AS issue_id \
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
             NULL AS starts_at, d.decided_on AS on_date, d.key_decision, \
             {decision_public} AS public, \
             i.meeting_id, i.number AS item_number, i.issue_id \
             FROM decisions d LEFT JOIN agenda_items i ON i.id = d.item_id \
             LEFT JOIN meetings m ON m.id = i.meeting_id \
             LEFT JOIN committees c ON c.id = COALESCE(d.maker_committee_id, m.committee_id)"
        ),
        SearchKind::Action => format!(
            "SELECT a.id AS id, a.description AS title, \
               COALESCE((SELECT group_concat(u.text, ' ') FROM action_updates u WHERE u.action_id = a.id), '') AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL AS on_date, 0 AS key_decision, \
             {action_public} AS public, \
             a.meeting_id, i.number AS item_number, i.issue_id \
             FROM actions a JOIN meetings m ON m.id = a.meeting_id \
             JOIN committees c ON c.id = m.committee_id \
             LEFT JOIN agenda_items i ON i.id = a.item_id"
        ),
        SearchKind::Document => format!(
            "SELECT d.id AS id, d.name AS title, d.text AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL AS on_date, 0 AS key_decision, \
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

impl SqliteStore {
    pub(super) async fn read_search_documents(
        &self,
        kind: SearchKind,
        selection: SearchSelection<'_>,
    ) -> Result<Vec<SearchDocument>> {
        let id = id_column(kind);
        let base = select(kind);
        let rows = match selection {
            SearchSelection::After { id: after, limit } => {
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE {id} > ?1 ORDER BY {id} LIMIT ?2"
                )))
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await
            }
            SearchSelection::Ids(ids) => {
                let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE {id} IN (SELECT value FROM json_each(?1)) ORDER BY {id}"
                )))
                .bind(list)
                .fetch_all(self.pool())
                .await
            }
            SearchSelection::OfIssues(ids) if kind == SearchKind::Document => {
                let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE d.item_id IS NULL AND d.issue_id IN (SELECT value FROM json_each(?1)) ORDER BY {id}"
                )))
                .bind(list)
                .fetch_all(self.pool())
                .await
            }
            SearchSelection::OfIssues(_) => return Ok(Vec::new()),
        }
        .map_err(db_error("search document"))?;
        rows.iter()
            .map(|row| decode::search_document(kind, row))
            .collect()
    }

    pub(super) async fn read_search_changes(
        &self,
        after: u64,
        limit: u32,
    ) -> Result<Vec<SearchChange>> {
        let rows = sqlx::query(
            "SELECT seq, kind, record_id FROM search_changes WHERE seq > ?1 ORDER BY seq LIMIT ?2",
        )
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(db_error("search change"))?;
        rows.iter()
            .map(|row| {
                let seq: i64 = row.try_get("seq").map_err(db_error("search change"))?;
                Ok(SearchChange {
                    seq: u64::try_from(seq).unwrap_or(0),
                    kind: SearchKind::parse("kind", &string(row, "kind")?)
                        .map_err(decode::corrupt)?,
                    id: row
                        .try_get("record_id")
                        .map_err(db_error("search change"))?,
                })
            })
            .collect()
    }

    pub(super) async fn read_last_search_change(&self) -> Result<u64> {
        let seq: i64 = sqlx::query_scalar(
            // The latest row is never pruned, so this is the high-water mark.
            "SELECT COALESCE(MAX(seq), 0) FROM search_changes",
        )
        .fetch_one(self.pool())
        .await
        .map_err(db_error("search change"))?;
        Ok(u64::try_from(seq).unwrap_or(0))
    }

    pub(super) async fn record_search_reader(
        &self,
        reader: &str,
        seq: u64,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<()> {
        let fail = db_error("search reader");
        sqlx::query(search_log::RECORD_READER)
            .bind(reader)
            .bind(search_log::seq(seq))
            .bind(super::decode::instant_text(at))
            .execute(self.pool())
            .await
            .map_err(&fail)?;
        sqlx::query(search_log::RAISE_FLOOR)
            .bind(super::decode::instant_text(search_log::lapse_cutoff(at)))
            .execute(self.pool())
            .await
            .map_err(&fail)?;
        sqlx::query(search_log::PRUNE)
            .execute(self.pool())
            .await
            .map_err(&fail)?;
        Ok(())
    }

    pub(super) async fn read_search_log_floor(&self) -> Result<u64> {
        let floor: i64 = sqlx::query_scalar(search_log::FLOOR)
            .fetch_one(self.pool())
            .await
            .map_err(db_error("search reader"))?;
        Ok(u64::try_from(floor).unwrap_or(0))
    }

    pub(super) async fn delete_search_reader(&self, reader: &str) -> Result<()> {
        sqlx::query(search_log::FORGET_READER)
            .bind(reader)
            .execute(self.pool())
            .await
            .map_err(db_error("search reader"))?;
        Ok(())
    }
}
