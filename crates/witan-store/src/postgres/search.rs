//! What the search index reads: searchable records flattened to words and filter facts, and the
//! change log the triggers of migration 0002 fill.

use super::decode::{self, string};
use super::{PgStore, db_error};
use crate::*;
use crate::{search_log, visibility};
use sqlx::AssertSqlSafe;
use witan_domain::Term;

/// The organisations owning committee `c`, as space-separated slugs.
const ORGANISATIONS: &str = "COALESCE((SELECT string_agg(o.slug, ' ' ORDER BY o.slug) \
     FROM committee_owners co JOIN organisations o ON o.id = co.organisation_id \
     WHERE co.committee_id = c.id), '') AS organisations";

/// The SELECT for one kind: every kind answers with the same columns, in the same types.
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
               COALESCE(array_to_string(mm.resolution_points, ' '), '')) AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL::date AS on_date, false AS key_decision, {item_public} AS public, \
             i.meeting_id, i.number AS item_number, i.issue_id \
             FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id \
             JOIN committees c ON c.id = m.committee_id {latest_minutes}"
        ),
        // An issue takes its date and committee from its latest item on a public agenda.
        SearchKind::Issue => format!(
            "SELECT iss.id AS id, iss.title, trim(COALESCE(iss.reference, '') || ' ' || iss.summary) AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL::date AS on_date, false AS key_decision, {issue_public} AS public, \
             NULL::bigint AS meeting_id, NULL::text AS item_number, iss.id AS issue_id \
             FROM issues iss \
             LEFT JOIN LATERAL (SELECT i.meeting_id FROM agenda_items i \
               JOIN meetings m2 ON m2.id = i.meeting_id WHERE i.issue_id = iss.id \
               AND {agenda_m2} \
               ORDER BY m2.starts_at DESC LIMIT 1) latest ON true \
             LEFT JOIN meetings m ON m.id = latest.meeting_id \
             LEFT JOIN committees c ON c.id = m.committee_id"
        ),
        SearchKind::Decision => format!(
            "SELECT d.id AS id, d.title, d.text AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             NULL::timestamptz AS starts_at, d.decided_on AS on_date, d.key_decision, \
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
             m.starts_at, NULL::date AS on_date, false AS key_decision, \
             {action_public} AS public, \
             a.meeting_id, i.number AS item_number, i.issue_id \
             FROM actions a JOIN meetings m ON m.id = a.meeting_id \
             JOIN committees c ON c.id = m.committee_id \
             LEFT JOIN agenda_items i ON i.id = a.item_id"
        ),
        SearchKind::Document => format!(
            "SELECT d.id AS id, d.name AS title, d.text AS body, \
             c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name, {ORGANISATIONS}, \
             m.starts_at, NULL::date AS on_date, false AS key_decision, \
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

impl PgStore {
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
                    "{base} WHERE {id} > $1 ORDER BY {id} LIMIT $2"
                )))
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await
            }
            SearchSelection::Ids(ids) => {
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE {id} = ANY($1) ORDER BY {id}"
                )))
                .bind(ids)
                .fetch_all(self.pool())
                .await
            }
            SearchSelection::OfIssues(ids) if kind == SearchKind::Document => {
                sqlx::query(AssertSqlSafe(format!(
                    "{base} WHERE d.item_id IS NULL AND d.issue_id = ANY($1) ORDER BY {id}"
                )))
                .bind(ids)
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
            "SELECT seq, kind, record_id FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(i64::try_from(after).unwrap_or(i64::MAX))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(db_error("search change"))?;
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
            .bind(at)
            .execute(self.pool())
            .await
            .map_err(&fail)?;
        sqlx::query(search_log::RAISE_FLOOR)
            .bind(search_log::lapse_cutoff(at))
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
