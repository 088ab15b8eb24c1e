//! One unit of work: a transaction that takes the store's write lock first (SQLite's
//! `BEGIN IMMEDIATE`, PostgreSQL's advisory lock), so that writers queue up front and a workflow
//! that reads and then writes (the next item number, the latest sign-off) sees nothing change
//! under it.
//!
//! A database may abandon a transaction at the first statement it refuses (PostgreSQL does); the
//! writer then rolls back at once on every database, which frees the write lock for the next
//! unit of work, and refuses everything after, commit included, so that a caller who missed the
//! error cannot believe its work landed.

use super::buffer::Buffers;
use super::rows::{points, row, sign_off_row};
use super::{Driver, Param, Sql, SqlStore, params};
use crate::catalogue::{self, Table};
use crate::decode::{self, Columns};
use crate::{ImportSource, Replacement, Result, StoreError, Writer};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use witan_domain::*;

/// A unit of work on the store `D` drives.
#[derive(Debug)]
pub struct SqlWriter<D: Driver> {
    /// `None` once an error has undone the unit of work.
    tx: Option<D::Tx>,
    /// The next id of each table this unit of work has created records in.
    next_ids: BTreeMap<&'static str, i64>,
    /// Created records not yet written.
    buffers: Buffers,
    commits: Arc<AtomicU64>,
}

impl<D: Driver> SqlStore<D> {
    pub(crate) async fn writer(&self) -> Result<SqlWriter<D>> {
        Ok(SqlWriter {
            tx: Some(self.driver.begin().await?),
            next_ids: BTreeMap::new(),
            buffers: Buffers::default(),
            commits: self.commits.clone(),
        })
    }
}

/// The columns the writer fills in `table`, in the catalogue's order.
fn written(table: &'static str) -> (&'static Table, &'static [&'static str]) {
    catalogue::written(table)
}

impl<D: Driver> SqlWriter<D> {
    /// The unit of work, unless an error has undone it.
    fn tx(&mut self) -> Result<&mut D::Tx> {
        self.tx.as_mut().ok_or_else(|| {
            StoreError::Database(
                "this unit of work was undone by an earlier error; start another".into(),
            )
        })
    }

    /// Passes on what a statement returned; when it failed, undoes the unit of work first (see
    /// the module documentation).
    async fn check<T>(&mut self, result: Result<T>) -> Result<T> {
        if result.is_err()
            && let Some(tx) = self.tx.take()
        {
            D::rollback(tx).await;
        }
        result
    }

    /// Writes the buffered rows, so that the next statement sees them.
    async fn flush(&mut self) -> Result<()> {
        if self.buffers.is_empty() {
            return Ok(());
        }
        for insert in self.buffers.take() {
            let tx = self.tx()?;
            let result = D::insert_rows(tx, insert.table, insert.columns, insert.rows).await;
            self.check(result).await?;
        }
        Ok(())
    }

    /// Buffers a new row of `table` (see `buffer.rs`), its values in the catalogue's order of
    /// the columns the writer fills, and logs it in the search change log where the database's
    /// triggers do not; writes the buffers when they are full.
    async fn buffer(&mut self, table: &'static str, values: Vec<Param>) -> Result<()> {
        self.tx()?;
        let (spec, columns) = written(table);
        if !D::TRIGGERS_LOG_INSERTS
            && let Some((kind, id_column)) = spec.search
        {
            let at = columns.iter().position(|c| *c == id_column);
            let id = at.map(|at| values[at].clone()).unwrap_or(Param::Int(None));
            let (_, log_columns) = written("search_changes");
            self.buffers.push(
                "search_changes",
                log_columns,
                vec![kind.as_str().into(), id],
            );
        }
        if self.buffers.push(table, columns, values) {
            self.flush().await?;
        }
        Ok(())
    }

    /// Marks a record as modified now: what open data embeds in it (a meeting's attendance, an
    /// item's minutes, a person's memberships, an action's updates) has changed.
    async fn touch(&mut self, table: &'static str, id: i64) -> Result<()> {
        let sql = format!("UPDATE {table} SET updated_at = now() WHERE id = $1");
        self.execute(sql, params![id], table).await.map(drop)
    }

    pub(super) async fn execute(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<u64> {
        self.flush().await?;
        let sql = D::DIALECT.sql(sql.into());
        let result = D::tx_execute(self.tx()?, sql, params, record).await;
        self.check(result).await
    }

    pub(super) async fn fetch_all(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<Vec<D::Row>> {
        self.flush().await?;
        let sql = D::DIALECT.sql(sql.into());
        let result = D::tx_fetch_all(self.tx()?, sql, params, record).await;
        self.check(result).await
    }

    pub(super) async fn fetch_optional(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<Option<D::Row>> {
        self.flush().await?;
        let sql = D::DIALECT.sql(sql.into());
        let result = D::tx_fetch_optional(self.tx()?, sql, params, record).await;
        self.check(result).await
    }

    pub(super) async fn fetch_one(
        &mut self,
        sql: impl Into<Sql> + Send,
        params: Vec<Param>,
        record: &'static str,
    ) -> Result<D::Row> {
        self.fetch_optional(sql, params, record)
            .await?
            .ok_or_else(|| StoreError::Database(format!("{record}: the query returned no row")))
    }

    /// The id a new record of `table` gets: one more than the largest the table holds. The first
    /// of a unit of work reads the largest; the writer holds the write lock, so nobody else can
    /// take the ids that follow.
    async fn next_id(&mut self, table: &'static str) -> Result<i64> {
        let id = match self.next_ids.get(table) {
            Some(next) => *next,
            None => {
                // Buffered rows do not matter here: a table has them only once it has a counter.
                let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 AS id FROM {table}");
                let result = D::tx_fetch_optional(self.tx()?, sql.into(), Vec::new(), table).await;
                match self.check(result).await? {
                    Some(row) => decode::int(&row, "id")?,
                    None => 1,
                }
            }
        };
        self.next_ids.insert(table, id + 1);
        Ok(id)
    }

    /// Buffers a new record and returns its id.
    async fn create(&mut self, record: Replacement<'_>) -> Result<i64> {
        let (table, mut values) = row(record)?;
        let id = self.next_id(table).await?;
        values.insert(0, id.into());
        self.buffer(table, values).await?;
        if let Replacement::Committee(c) = record {
            self.add_committee_owners(id, c).await?;
        }
        Ok(id)
    }

    async fn add_committee_owners(&mut self, committee: i64, c: &Committee) -> Result<()> {
        for owner in c.owners.organisations() {
            self.buffer("committee_owners", params![committee, owner.get()])
                .await?;
        }
        Ok(())
    }

    async fn meeting_status(&mut self, meeting: MeetingId) -> Result<MeetingStatus> {
        let row = self
            .fetch_optional(
                "SELECT status FROM meetings WHERE id = $1",
                params![meeting.get()],
                "meeting",
            )
            .await?
            .ok_or_else(|| StoreError::not_found("meeting", meeting))?;
        decode::term(&row, "status")
    }

    async fn update_meeting_status(&mut self, meeting: MeetingId, to: MeetingStatus) -> Result<()> {
        self.execute(
            "UPDATE meetings SET status = $1,
                 agenda_published_at = CASE WHEN $1 = 'agenda_published'
                     THEN statement_timestamp() ELSE agenda_published_at END,
                 updated_at = now()
             WHERE id = $2",
            params![to.as_str(), meeting.get()],
            "meeting.status",
        )
        .await
        .map(drop)
    }

    async fn latest_sign_off(&mut self, meeting: MeetingId) -> Result<u32> {
        let row = self
            .fetch_one(
                "SELECT COALESCE(MAX(version), 0) AS version
                 FROM minutes_sign_offs WHERE meeting_id = $1",
                params![meeting.get()],
                "minutes_sign_off",
            )
            .await?;
        Ok(u32::try_from(decode::int(&row, "version")?).unwrap_or(0))
    }

    async fn insert_sign_off(&mut self, meeting: MeetingId, s: &SignOff) -> Result<()> {
        self.execute(
            "INSERT INTO minutes_sign_offs (meeting_id, version, signed_by, person_id, signed_on, reason)
             VALUES ($1, $2, $3, $4, $5, $6)",
            sign_off_row(meeting, s),
            "minutes_sign_off",
        )
        .await
        .map(drop)
    }

    /// The item an accepted escalation proposes: at the end of `meeting`'s agenda, numbered after
    /// the last numbered item, titled after the item it came from (through the domain's title
    /// rule, so no combination of names can make a title longer than a title may be) and as
    /// exempt as that item.
    async fn proposed_item(&mut self, meeting: MeetingId, from_item: ItemId) -> Result<AgendaItem> {
        let from = self
            .current(
                "SELECT i.*, c.name AS committee_name FROM agenda_items i
                 JOIN meetings m ON m.id = i.meeting_id JOIN committees c ON c.id = m.committee_id
                 WHERE i.id = $1",
                from_item.get(),
                "agenda item",
            )
            .await?;
        let committee = decode::title(&from, "committee_name")?;
        let from = decode::item(&from)?.record;
        let sql = format!(
            "SELECT COALESCE(MAX(position), 0) + 1 AS position,
                    COALESCE(MAX({}), 0) + 1 AS number
             FROM agenda_items WHERE meeting_id = $1",
            D::DIALECT.leading_number("number")
        );
        let next = self
            .fetch_one(sql, params![meeting.get()], "agenda_item")
            .await?;
        Ok(AgendaItem {
            meeting,
            position: u32::try_from(decode::int(&next, "position")?).map_err(|_| {
                ValidationError::new("escalation.proposed_item.position", "is too large")
            })?,
            number: ItemNumber::parse(
                "escalation.proposed_item.number",
                &decode::int(&next, "number")?.to_string(),
            )?,
            title: Escalation::proposed_item_title(&committee, &from.title)?,
            issue: from.issue,
            visibility: from.visibility,
        })
    }

    /// The row `sql` finds for `id`: the record a workflow checks a change against.
    async fn current(&mut self, sql: &'static str, id: i64, what: &'static str) -> Result<D::Row> {
        self.fetch_optional(sql, params![id], what)
            .await?
            .ok_or_else(|| StoreError::not_found(what, id))
    }
}

#[async_trait]
impl<D: Driver> Writer for SqlWriter<D> {
    async fn create_organisation(&mut self, o: &Organisation) -> Result<OrganisationId> {
        self.create(Replacement::Organisation(o)).await.map(Id::new)
    }

    async fn create_committee(&mut self, c: &Committee) -> Result<CommitteeId> {
        self.create(Replacement::Committee(c)).await.map(Id::new)
    }

    async fn create_person(&mut self, p: &Person) -> Result<PersonId> {
        self.create(Replacement::Person(p)).await.map(Id::new)
    }

    async fn create_membership(&mut self, m: &Membership) -> Result<MembershipId> {
        self.create(Replacement::Membership(m)).await.map(Id::new)
    }

    async fn create_meeting(&mut self, m: &Meeting) -> Result<MeetingId> {
        self.create(Replacement::Meeting(m)).await.map(Id::new)
    }

    async fn record_attendance(
        &mut self,
        meeting: MeetingId,
        person: PersonId,
        kind: AttendanceKind,
    ) -> Result<()> {
        self.buffer(
            "attendance",
            vec![
                meeting.get().into(),
                person.get().into(),
                kind.as_str().into(),
            ],
        )
        .await
    }

    async fn set_attendance(
        &mut self,
        meeting: MeetingId,
        attendance: &[(PersonId, AttendanceKind)],
    ) -> Result<()> {
        self.execute(
            "DELETE FROM attendance WHERE meeting_id = $1",
            vec![meeting.get().into()],
            "attendance",
        )
        .await?;
        for (person, kind) in attendance {
            self.record_attendance(meeting, *person, *kind).await?;
        }
        self.touch("meetings", meeting.get()).await
    }

    async fn create_declaration(&mut self, meeting: MeetingId, d: &Declaration) -> Result<()> {
        let id = self.next_id("declarations").await?;
        self.buffer(
            "declarations",
            vec![
                id.into(),
                meeting.get().into(),
                d.person.get().into(),
                d.item.map(Id::get).into(),
                d.kind.as_str().into(),
                d.description.as_str().into(),
            ],
        )
        .await
    }

    async fn create_issue(&mut self, i: &Issue) -> Result<IssueId> {
        self.create(Replacement::Issue(i)).await.map(Id::new)
    }

    async fn create_item(&mut self, i: &AgendaItem) -> Result<ItemId> {
        self.create(Replacement::Item(i)).await.map(Id::new)
    }

    async fn create_minutes(
        &mut self,
        item: ItemId,
        version: u32,
        minutes: &Minutes,
    ) -> Result<()> {
        if version == 0 {
            return Err(ValidationError::new("minutes.version", "versions start at 1").into());
        }
        self.buffer(
            "item_minutes",
            vec![
                item.get().into(),
                i64::from(version).into(),
                minutes.text.as_str().into(),
                points(minutes),
                minutes.resolution.text.as_str().into(),
            ],
        )
        .await
    }

    async fn create_sign_off(&mut self, meeting: MeetingId, s: &SignOff) -> Result<()> {
        self.buffer("minutes_sign_offs", sign_off_row(meeting, s))
            .await
    }

    async fn create_document(&mut self, d: &Document) -> Result<DocumentId> {
        self.create(Replacement::Document(d)).await.map(Id::new)
    }

    async fn create_decision(&mut self, d: &Decision) -> Result<DecisionId> {
        self.create(Replacement::Decision(d)).await.map(Id::new)
    }

    async fn create_action(&mut self, a: &Action) -> Result<ActionId> {
        self.create(Replacement::Action(a)).await.map(Id::new)
    }

    async fn create_action_update(&mut self, action: ActionId, u: &ActionUpdate) -> Result<()> {
        if u.text.is_empty() {
            return Err(ValidationError::new("action_update.text", "must not be empty").into());
        }
        let id = self.next_id("action_updates").await?;
        self.buffer(
            "action_updates",
            vec![
                id.into(),
                action.get().into(),
                u.on.into(),
                u.text.as_str().into(),
                u.rag.map(Rag::as_str).into(),
            ],
        )
        .await
    }

    async fn create_escalation(&mut self, e: &Escalation) -> Result<EscalationId> {
        self.create(Replacement::Escalation(e)).await.map(Id::new)
    }

    async fn create_forward_plan_entry(&mut self, e: &ForwardPlanEntry) -> Result<ForwardPlanId> {
        e.check()?;
        let id = self.next_id("forward_plan").await?;
        self.buffer(
            "forward_plan",
            vec![
                id.into(),
                e.title.as_str().into(),
                e.decision_maker.get().into(),
                e.issue.map(Id::get).into(),
                e.published_on.into(),
                e.expected_on.into(),
            ],
        )
        .await?;
        Ok(Id::new(id))
    }

    async fn add_action_update(&mut self, action: ActionId, u: &ActionUpdate) -> Result<()> {
        self.create_action_update(action, u).await?;
        if let Some(rag) = u.rag {
            self.execute(
                "UPDATE actions SET rag = $1, updated_at = now() WHERE id = $2",
                vec![rag.as_str().into(), action.get().into()],
                "action.rag",
            )
            .await?;
        }
        self.touch("actions", action.get()).await
    }

    async fn schedule_meeting(&mut self, m: &Meeting) -> Result<MeetingId> {
        if m.status != MeetingStatus::Scheduled {
            return Err(ValidationError::new(
                "meeting.status",
                "a newly scheduled meeting has the status scheduled",
            )
            .into());
        }
        self.create_meeting(m).await
    }

    async fn set_meeting_status(&mut self, meeting: MeetingId, to: MeetingStatus) -> Result<()> {
        let from = self.meeting_status(meeting).await?;
        if to == MeetingStatus::MinutesSignedOff {
            return Err(RuleError::Other(
                "minutes are signed off with sign_off_minutes, which records who and when".into(),
            )
            .into());
        }
        from.transition(to)?;
        self.update_meeting_status(meeting, to).await
    }

    async fn record_minutes(&mut self, item: ItemId, minutes: &Minutes) -> Result<()> {
        let written = self
            .execute(
                "INSERT INTO item_minutes (item_id, version, text, resolution_points, resolution_text)
                 SELECT i.id,
                        (SELECT COALESCE(MAX(s.version), 0) + 1 FROM minutes_sign_offs s
                         WHERE s.meeting_id = m.id),
                        $2, $3, $4
                 FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
                 WHERE i.id = $1 AND m.status IN ('held', 'minutes_draft')
                 ON CONFLICT (item_id, version) DO UPDATE SET
                     text = excluded.text,
                     resolution_points = excluded.resolution_points,
                     resolution_text = excluded.resolution_text",
                vec![
                    item.get().into(),
                    minutes.text.as_str().into(),
                    points(minutes),
                    minutes.resolution.text.as_str().into(),
                ],
                "minutes",
            )
            .await?;
        let row = self
            .current(
                "SELECT meeting_id FROM agenda_items WHERE id = $1",
                item.get(),
                "agenda item",
            )
            .await?;
        let meeting: MeetingId = decode::id(&row, "meeting_id")?;
        if written > 0 {
            self.touch("agenda_items", item.get()).await?;
        }
        if written == 0 {
            return Err(match self.meeting_status(meeting).await? {
                MeetingStatus::MinutesSignedOff => RuleError::MinutesLocked,
                status => RuleError::Other(format!(
                    "minutes can be recorded once the meeting is held; this one is {}",
                    status.label().to_lowercase()
                )),
            }
            .into());
        }
        self.execute(
            "UPDATE meetings SET status = 'minutes_draft' WHERE id = $1 AND status = 'held'",
            vec![meeting.get().into()],
            "meeting.status",
        )
        .await
        .map(drop)
    }

    async fn sign_off_minutes(
        &mut self,
        meeting: MeetingId,
        by: &Title,
        person: Option<PersonId>,
        on: NaiveDate,
    ) -> Result<SignOff> {
        let status = self.meeting_status(meeting).await?;
        // A held meeting whose minutes were written elsewhere passes through draft on the way.
        let draft = if status == MeetingStatus::Held {
            MeetingStatus::MinutesDraft
        } else {
            status
        };
        draft.transition(MeetingStatus::MinutesSignedOff)?;
        let row = self
            .fetch_one(
                "SELECT EXISTS (SELECT 1 FROM item_minutes n JOIN agenda_items i ON i.id = n.item_id
                                WHERE i.meeting_id = $1) AS has_minutes",
                vec![meeting.get().into()],
                "item_minutes",
            )
            .await?;
        if !row.flag("has_minutes")? {
            return Err(RuleError::Other(
                "there are no minutes to sign off: record the minutes of at least one item first"
                    .into(),
            )
            .into());
        }
        let version = self.latest_sign_off(meeting).await? + 1;
        let sign_off = SignOff::new(version, by.clone(), person, on, None)?;
        self.insert_sign_off(meeting, &sign_off).await?;
        self.update_meeting_status(meeting, MeetingStatus::MinutesSignedOff)
            .await?;
        Ok(sign_off)
    }

    async fn correct_minutes(
        &mut self,
        meeting: MeetingId,
        corrections: &[(ItemId, Minutes)],
        by: &Title,
        on: NaiveDate,
        reason: &Text,
    ) -> Result<SignOff> {
        if self.meeting_status(meeting).await? != MeetingStatus::MinutesSignedOff {
            return Err(RuleError::MinutesNotSignedOff.into());
        }
        if corrections.is_empty() {
            return Err(
                ValidationError::new("corrections", "name at least one item to correct").into(),
            );
        }
        let version = self.latest_sign_off(meeting).await? + 1;
        let sign_off = SignOff::new(version, by.clone(), None, on, Some(reason.clone()))?;
        for (item, minutes) in corrections {
            let written = self
                .execute(
                    "INSERT INTO item_minutes (item_id, version, text, resolution_points, resolution_text)
                     SELECT id, $3, $4, $5, $6 FROM agenda_items WHERE id = $1 AND meeting_id = $2",
                    vec![
                        item.get().into(),
                        meeting.get().into(),
                        i64::from(version).into(),
                        minutes.text.as_str().into(),
                        points(minutes),
                        minutes.resolution.text.as_str().into(),
                    ],
                    "corrections",
                )
                .await?;
            if written == 0 {
                return Err(ValidationError::new(
                    "corrections.item",
                    format!("item {item} is not on the agenda of meeting {meeting}"),
                )
                .into());
            }
            self.touch("agenda_items", item.get()).await?;
        }
        self.insert_sign_off(meeting, &sign_off).await?;
        self.touch("meetings", meeting.get()).await?;
        Ok(sign_off)
    }

    async fn set_decision_status(
        &mut self,
        decision: DecisionId,
        to: DecisionStatus,
        on: NaiveDate,
    ) -> Result<()> {
        let row = self
            .current(
                "SELECT * FROM decisions WHERE id = $1",
                decision.get(),
                "decision",
            )
            .await?;
        decode::decision(&row)?.transition(to, on)?;
        self.execute(
            "UPDATE decisions SET status = $1, updated_at = now() WHERE id = $2",
            vec![to.as_str().into(), decision.get().into()],
            "decision.status",
        )
        .await
        .map(drop)
    }

    async fn set_action_status(
        &mut self,
        action: ActionId,
        to: ActionStatus,
        on: NaiveDate,
    ) -> Result<()> {
        let row = self
            .current(
                "SELECT * FROM actions WHERE id = $1",
                action.get(),
                "action",
            )
            .await?;
        decode::action(&row)?.transition(to)?;
        let closed_on = (to != ActionStatus::Open).then_some(on);
        self.execute(
            "UPDATE actions SET status = $1, closed_on = $2, updated_at = now() WHERE id = $3",
            vec![to.as_str().into(), closed_on.into(), action.get().into()],
            "action.status",
        )
        .await
        .map(drop)
    }

    async fn send_escalation(
        &mut self,
        from_item: ItemId,
        to_committee: CommitteeId,
        reason: &Text,
    ) -> Result<EscalationId> {
        if reason.is_empty() {
            return Err(ValidationError::new(
                "escalation.reason",
                "must say why the matter is escalated",
            )
            .into());
        }
        let row = self
            .fetch_optional(
                "SELECT m.committee_id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
                 WHERE i.id = $1",
                vec![from_item.get().into()],
                "escalation.from_item",
            )
            .await?
            .ok_or_else(|| StoreError::not_found("agenda item", from_item))?;
        if decode::int(&row, "committee_id")? == to_committee.get() {
            return Err(ValidationError::new(
                "escalation.to_committee",
                "a committee cannot escalate a matter to itself",
            )
            .into());
        }
        // A proposal only: the receiving committee's clerk chooses the meeting, or declines.
        self.create_escalation(&Escalation {
            from_item,
            to_committee,
            reason: reason.clone(),
            state: EscalationState::Pending,
            target_item: None,
            decline_reason: None,
            considered_on: None,
        })
        .await
    }

    async fn accept_escalation(
        &mut self,
        escalation: EscalationId,
        meeting: MeetingId,
    ) -> Result<ItemId> {
        let current = self
            .current(
                "SELECT * FROM escalations WHERE id = $1",
                escalation.get(),
                "escalation",
            )
            .await?;
        let current = decode::escalation(&current)?.record;
        let target = self
            .current(
                "SELECT * FROM meetings WHERE id = $1",
                meeting.get(),
                "meeting",
            )
            .await?;
        let to = current.accept(&decode::meeting(&target)?.record)?;
        let proposed = self.proposed_item(meeting, current.from_item).await?;
        let item = self.create_item(&proposed).await?;
        self.execute(
            "UPDATE escalations SET state = $1, target_item_id = $2, updated_at = now()
             WHERE id = $3",
            vec![
                to.as_str().into(),
                item.get().into(),
                escalation.get().into(),
            ],
            "escalation.state",
        )
        .await?;
        self.touch("meetings", meeting.get()).await?;
        Ok(item)
    }

    async fn decline_escalation(&mut self, escalation: EscalationId, reason: &Text) -> Result<()> {
        if reason.is_empty() {
            return Err(ValidationError::new(
                "escalation.decline_reason",
                "must say why the escalation is declined",
            )
            .into());
        }
        let current = self
            .current(
                "SELECT * FROM escalations WHERE id = $1",
                escalation.get(),
                "escalation",
            )
            .await?;
        let to = decode::escalation(&current)?.decline()?;
        self.execute(
            "UPDATE escalations SET state = $1, decline_reason = $2, updated_at = now()
             WHERE id = $3",
            vec![
                to.as_str().into(),
                reason.as_str().into(),
                escalation.get().into(),
            ],
            "escalation.state",
        )
        .await
        .map(drop)
    }

    async fn consider_escalation(&mut self, escalation: EscalationId, on: NaiveDate) -> Result<()> {
        let row = self
            .current(
                "SELECT * FROM escalations WHERE id = $1",
                escalation.get(),
                "escalation",
            )
            .await?;
        let to = decode::escalation(&row)?.consider()?;
        self.execute(
            "UPDATE escalations SET state = $1, considered_on = $2, updated_at = now() WHERE id = $3",
            vec![to.as_str().into(), on.into(), escalation.get().into()],
            "escalation.state",
        )
        .await
        .map(drop)
    }

    async fn replace(&mut self, id: i64, record: Replacement<'_>) -> Result<()> {
        let (table, mut values) = row(record)?;
        let (spec, columns) = written(table);
        // The id is not set again.
        let columns = &columns[1..];
        let mut set: Vec<String> = columns
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 1))
            .collect();
        if spec.updated_at {
            set.push("updated_at = now()".to_owned());
        }
        let sql = format!(
            "UPDATE {table} SET {} WHERE id = ${}",
            set.join(", "),
            columns.len() + 1
        );
        values.push(id.into());
        if self.execute(sql, values, table).await? == 0 {
            return Err(StoreError::not_found(table, id));
        }
        if let Replacement::Membership(m) = record {
            self.touch("people", m.person.get()).await?;
        }
        if let Replacement::Committee(c) = record {
            self.execute(
                "DELETE FROM committee_owners WHERE committee_id = $1",
                params![id],
                "committee_owners",
            )
            .await?;
            self.add_committee_owners(id, c).await?;
        }
        Ok(())
    }

    async fn import_sources(&mut self, keys: &[String]) -> Result<Vec<ImportSource>> {
        let sql = format!(
            "SELECT source_key, kind, record_id, fingerprint FROM import_sources WHERE {}",
            D::DIALECT.any("source_key", "$1")
        );
        self.fetch_all(sql, vec![Param::Keys(keys.to_vec())], "import_sources")
            .await?
            .iter()
            .map(|row| {
                Ok(ImportSource {
                    key: decode::string(row, "source_key")?,
                    kind: decode::string(row, "kind")?,
                    record_id: decode::int(row, "record_id")?,
                    fingerprint: decode::string(row, "fingerprint")?,
                })
            })
            .collect()
    }

    async fn remember_import_source(&mut self, source: &ImportSource) -> Result<()> {
        self.buffer(
            "import_sources",
            params![
                source.key.as_str(),
                source.kind.as_str(),
                source.record_id,
                source.fingerprint.as_str(),
            ],
        )
        .await
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush().await?;
        let tables: Vec<&'static str> = std::mem::take(&mut self.next_ids).into_keys().collect();
        let result = D::ids_taken(self.tx()?, &tables).await;
        self.check(result).await?;
        self.execute(
            "UPDATE store_generation SET value = value + 1 WHERE id = 1",
            Vec::new(),
            "store_generation",
        )
        .await?;
        let tx = self.tx.take().ok_or_else(|| {
            StoreError::Database("this unit of work was undone by an earlier error".into())
        })?;
        D::commit(tx).await?;
        self.commits.fetch_add(1, Ordering::Release);
        Ok(())
    }
}
