//! The records a composite read is made of: agenda items with their documents, decisions,
//! escalations and actions, and actions with their updates, each in one query per kind of child
//! record whatever the number of items (no query per item). The read side (`read.rs`) builds
//! meetings, issue histories and registers from them.

use super::{Driver, Param, SqlStore};
use crate::decode::{self, Columns, committee_ref};
use crate::visibility;
use crate::*;
use std::collections::HashMap;
use witan_domain::*;

const ITEM_COLUMNS: &str = "i.*, iss.title AS issue_title, mm.version AS minutes_version, \
     mm.text AS minutes_text, mm.resolution_points, mm.resolution_text";

const ACTION_SELECT: &str = "SELECT a.*, COALESCE(p.name, o.name) AS owner_name, m.starts_at AS raised_on, \
     c.id AS committee_id, c.slug AS committee_slug, c.name AS committee_name \
     FROM actions a JOIN meetings m ON m.id = a.meeting_id JOIN committees c ON c.id = m.committee_id \
     LEFT JOIN people p ON p.id = a.owner_person_id \
     LEFT JOIN organisations o ON o.id = a.owner_organisation_id \
     LEFT JOIN agenda_items ai ON ai.id = a.item_id";

pub(super) const ESCALATION_SELECT: &str = "SELECT e.*, fc.id AS from_committee_id, fc.slug AS from_committee_slug, \
     fc.name AS from_committee_name, fi.meeting_id AS from_meeting_id, tc.slug AS to_committee_slug, \
     tc.name AS to_committee_name, ti.meeting_id AS target_meeting_id \
     FROM escalations e \
     JOIN agenda_items fi ON fi.id = e.from_item_id \
     JOIN meetings fm ON fm.id = fi.meeting_id \
     JOIN committees fc ON fc.id = fm.committee_id \
     JOIN committees tc ON tc.id = e.to_committee_id \
     LEFT JOIN agenda_items ti ON ti.id = e.target_item_id";

/// Which agenda items a composite read is about. The filter is SQL over `agenda_items i JOIN
/// meetings m`, with the record's id (or the meetings' ids) as `$1`.
#[derive(Clone, Copy)]
pub(super) enum ItemsOf<'a> {
    /// The agendas of meetings: one, or a page of open data.
    Meetings(&'a [i64]),
    Issue(IssueId),
}

impl ItemsOf<'_> {
    pub(super) fn filter(self, audience: Audience, dialect: super::Dialect) -> String {
        match self {
            Self::Meetings(_) => self.selection(dialect),
            // The public sees an item in an issue's history only once its agenda is published.
            Self::Issue(_) => format!(
                "{}{}",
                self.selection(dialect),
                visibility::for_audience(audience, visibility::agenda("m"))
            ),
        }
    }

    /// The items named, over `agenda_items i` alone, whoever reads.
    fn selection(self, dialect: super::Dialect) -> String {
        match self {
            Self::Meetings(ids) => super::one_of(dialect, "i.meeting_id", ids),
            Self::Issue(_) => "i.issue_id = $1".to_owned(),
        }
    }

    /// The ids of the items named that `audience` may see, as a subquery over `agenda_items`
    /// alone: joined to `meetings` as well, PostgreSQL's generic plan for the actions of a
    /// meeting's items scanned every action (11 ms at 20,000 agenda items, against 0.6 ms).
    fn visible_ids(self, audience: Audience, dialect: super::Dialect) -> String {
        format!(
            "SELECT i.id FROM agenda_items i WHERE {}{}",
            self.selection(dialect),
            visibility::for_audience(audience, visibility::item("i"))
        )
    }

    fn param(self) -> Param {
        match self {
            Self::Meetings(ids) => super::ids_param(ids),
            Self::Issue(id) => Param::Int(Some(id.get())),
        }
    }
}

impl<D: Driver> SqlStore<D> {
    pub(super) async fn fetch_all(
        &self,
        sql: String,
        bind: &[i64],
        what: &'static str,
    ) -> Result<Vec<D::Row>> {
        let params = bind.iter().map(|v| Param::Int(Some(*v))).collect();
        self.all(sql, params, what).await
    }

    /// Actions matching `filter` (SQL over `actions a`, `meetings m`, `committees c`,
    /// `agenda_items ai`, with `bind` as `$1`…), with their updates, as `audience` may see them,
    /// in the order and window `tail` gives (`ORDER BY …` and perhaps `LIMIT …`).
    pub(super) async fn action_records(
        &self,
        filter: &str,
        bind: Vec<Param>,
        audience: Audience,
        tail: &str,
    ) -> Result<Vec<ActionRecord>> {
        let public = visibility::for_audience(audience, visibility::action("a"));
        let rows = self
            .all(
                format!("{ACTION_SELECT} WHERE {filter}{public} {tail}"),
                bind,
                "action",
            )
            .await?;
        let actions = rows
            .iter()
            .map(decode::action)
            .collect::<Result<Vec<_>>>()?;
        let ids: Vec<i64> = actions.iter().map(|a| a.id.get()).collect();
        let mut updates: HashMap<i64, Vec<ActionUpdate>> = HashMap::new();
        if !ids.is_empty() {
            let sql = format!(
                "SELECT action_id, on_date, text, rag FROM action_updates WHERE {} ORDER BY on_date, id",
                D::DIALECT.any("action_id", "$1")
            );
            let rows = self
                .all(sql, vec![Param::Ints(ids)], "action_update")
                .await?;
            for row in &rows {
                updates
                    .entry(decode::int(row, "action_id")?)
                    .or_default()
                    .push(decode::action_update(row)?);
            }
        }
        rows.iter()
            .zip(actions)
            .map(|(row, action)| {
                Ok(ActionRecord {
                    committee: committee_ref(
                        row,
                        "committee_id",
                        "committee_slug",
                        "committee_name",
                    )?,
                    owner_name: row.opt_string("owner_name")?,
                    raised_at: action.meeting,
                    raised_on: decode::instant(row, "raised_on")?,
                    updates: updates.remove(&action.id.get()).unwrap_or_default(),
                    action,
                })
            })
            .collect()
    }

    /// The items `of` names, each with its children, as `audience` may see them, paired with the
    /// meeting they belong to. Newest meeting first, then agenda order.
    pub(super) async fn item_entries(
        &self,
        of: ItemsOf<'_>,
        audience: Audience,
    ) -> Result<Vec<ItemEntry>> {
        Ok(self.item_entries_with_meetings(of, audience).await?.0)
    }

    /// [`Self::item_entries`], and the meeting of each item by id.
    pub(super) async fn item_entries_with_meetings(
        &self,
        of: ItemsOf<'_>,
        audience: Audience,
    ) -> Result<(Vec<ItemEntry>, HashMap<i64, i64>)> {
        let filter = of.filter(audience, D::DIALECT);
        let id = || vec![of.param()];
        let item_set = of.visible_ids(audience, D::DIALECT);
        let public_docs = visibility::for_audience(audience, visibility::document("d"));

        let items = self
            .all(
                format!(
                    "SELECT {ITEM_COLUMNS} FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id \
                     LEFT JOIN issues iss ON iss.id = i.issue_id \
                     LEFT JOIN item_minutes mm ON mm.item_id = i.id \
                       AND mm.version = (SELECT MAX(x.version) FROM item_minutes x WHERE x.item_id = i.id) \
                     WHERE {filter} ORDER BY m.starts_at DESC, i.position"
                ),
                id(),
                "agenda_item",
            )
            .await?;
        let documents = self
            .all(
                format!("SELECT d.* FROM documents d WHERE d.item_id IN ({item_set}){public_docs} ORDER BY d.id"),
                id(),
                "document",
            )
            .await?;
        let decisions = self
            .all(
                format!("SELECT * FROM decisions WHERE item_id IN ({item_set}) ORDER BY id"),
                id(),
                "decision",
            )
            .await?;
        let sent = self
            .all(
                format!("{ESCALATION_SELECT} WHERE e.from_item_id IN ({item_set}) ORDER BY e.id"),
                id(),
                "escalation",
            )
            .await?;
        let received = self
            .all(
                // Shown on the item it became, only as far as the item it came from is public.
                format!(
                    "{ESCALATION_SELECT} WHERE e.target_item_id IN ({item_set}){} ORDER BY e.id",
                    visibility::for_audience(audience, visibility::escalation("e"))
                ),
                id(),
                "escalation",
            )
            .await?;
        let actions = self
            .action_records(
                &format!("a.item_id IN ({item_set})"),
                id(),
                audience,
                "ORDER BY m.starts_at, a.id",
            )
            .await?;
        let meetings = items
            .iter()
            .map(|row| Ok((decode::int(row, "id")?, decode::int(row, "meeting_id")?)))
            .collect::<Result<HashMap<i64, i64>>>()?;
        let entries = decode::item_entries(
            &items, &documents, &decisions, &sent, &received, actions, audience,
        )?;
        Ok((entries, meetings))
    }
}
