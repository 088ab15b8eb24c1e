//! One unit of work on SQLite: a `BEGIN IMMEDIATE` transaction, so writers queue for the lock up
//! front instead of failing half-way when two try to upgrade at once.

use super::buffer::{self, Buffers, Table, Value};
use super::decode::{self, date_text, instant_text, resolution_points_json};
use super::{SqliteStore, db_error};
use crate::SearchKind;
use crate::{ImportSource, Replacement, Result, StoreError, Writer};
use async_trait::async_trait;
use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, Sqlite, Transaction};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use witan_domain::*;

#[derive(Debug)]
pub struct SqliteWriter {
    pub(super) tx: Transaction<'static, Sqlite>,
    buffers: Buffers,
    commits: Arc<AtomicU64>,
}

impl SqliteStore {
    pub(crate) async fn writer(&self) -> Result<SqliteWriter> {
        let tx = self
            .pool()
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error("transaction"))?;
        Ok(SqliteWriter {
            tx,
            buffers: Buffers::default(),
            commits: self.commit_counter(),
        })
    }
}

/// Source keys looked up per statement (SQLite allows 32,766 bound values).
const IMPORT_KEYS_PER_QUERY: usize = 8_000;

fn exempt_columns(v: &Visibility) -> (Option<String>, Option<String>) {
    match v {
        Visibility::Public => (None, None),
        Visibility::Exempt(e) => (Some(e.ground.code()), e.review_on.map(date_text)),
    }
}

fn as_i64(n: u64, field: &'static str) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(ValidationError::new(field, "is too large")))
}

impl SqliteWriter {
    async fn buffer(&mut self, table: Table, values: Vec<Value>) -> Result<i64> {
        self.buffers.push(&mut self.tx, table, values).await
    }

    /// Buffers a searchable record and its entry in the search change log.
    async fn buffer_searchable(
        &mut self,
        table: Table,
        kind: SearchKind,
        id: Option<i64>,
        values: Vec<Value>,
    ) -> Result<i64> {
        let assigned = self.buffer(table, values).await?;
        let id = id.unwrap_or(assigned);
        self.buffer(Table::SearchChanges, vec![kind.as_str().into(), id.into()])
            .await?;
        Ok(assigned)
    }

    /// Writes buffered rows; every workflow starts with this so that it sees them.
    pub(super) async fn flush(&mut self) -> Result<()> {
        self.buffers.flush(&mut self.tx).await
    }

    /// Marks a record as modified now: what open data embeds in it (a meeting's attendance, an
    /// item's minutes, a person's memberships, an action's updates) has changed.
    async fn touch(&mut self, table: &'static str, id: i64) -> Result<()> {
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE {table} SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?"
        )))
        .bind(id)
        .execute(&mut *self.tx)
        .await
        .map_err(db_error(table))
        .map(drop)
    }

    async fn meeting_status(&mut self, meeting: MeetingId) -> Result<MeetingStatus> {
        let status: Option<String> = sqlx::query_scalar("SELECT status FROM meetings WHERE id = ?")
            .bind(meeting.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_error("meeting"))?;
        let status = status.ok_or_else(|| StoreError::not_found("meeting", meeting))?;
        MeetingStatus::parse("meetings.status", &status).map_err(decode::corrupt)
    }

    async fn update_meeting_status(&mut self, meeting: MeetingId, to: MeetingStatus) -> Result<()> {
        sqlx::query(
            "UPDATE meetings SET status = ?1,
                 agenda_published_at = CASE WHEN ?1 = 'agenda_published'
                     THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now') ELSE agenda_published_at END,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?2",
        )
        .bind(to.as_str())
        .bind(meeting.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("meeting.status"))?;
        Ok(())
    }

    async fn latest_sign_off(&mut self, meeting: MeetingId) -> Result<u32> {
        let version: i64 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) FROM minutes_sign_offs WHERE meeting_id = ?",
        )
        .bind(meeting.get())
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error("minutes_sign_off"))?;
        Ok(u32::try_from(version).unwrap_or(0))
    }

    async fn insert_sign_off(&mut self, meeting: MeetingId, s: &SignOff) -> Result<()> {
        sqlx::query(
            "INSERT INTO minutes_sign_offs (meeting_id, version, signed_by, person_id, signed_on, reason)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(meeting.get())
        .bind(i64::from(s.version))
        .bind(s.by.as_str())
        .bind(s.person.map(Id::get))
        .bind(date_text(s.on))
        .bind(s.reason.as_ref().map(Text::as_str))
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("minutes_sign_off"))?;
        Ok(())
    }

    /// An escalation as stored, for a workflow to check a change against.
    async fn current_escalation(&mut self, escalation: EscalationId) -> Result<Escalation> {
        let row = sqlx::query("SELECT * FROM escalations WHERE id = ?")
            .bind(escalation.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_error("escalation"))?
            .ok_or_else(|| StoreError::not_found("escalation", escalation))?;
        Ok(decode::escalation(&row)?.record)
    }

    /// The item an accepted escalation proposes: at the end of `meeting`'s agenda, numbered after
    /// the last numbered item, titled after the item it came from (through the domain's title
    /// rule, so no combination of names can make a title longer than a title may be) and as
    /// exempt as that item.
    async fn proposed_item(&mut self, meeting: MeetingId, from_item: ItemId) -> Result<AgendaItem> {
        let from = sqlx::query(
            "SELECT i.*, c.name AS committee_name FROM agenda_items i
             JOIN meetings m ON m.id = i.meeting_id JOIN committees c ON c.id = m.committee_id
             WHERE i.id = ?",
        )
        .bind(from_item.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error("escalation.from_item"))?
        .ok_or_else(|| StoreError::not_found("agenda item", from_item))?;
        let committee = decode::title(&from, "committee_name")?;
        let from = decode::item(&from)?.record;
        let (position, number): (i64, i64) = sqlx::query_as(
            "SELECT COALESCE(MAX(position), 0) + 1, COALESCE(MAX(CAST(number AS INTEGER)), 0) + 1
             FROM agenda_items WHERE meeting_id = ?",
        )
        .bind(meeting.get())
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error("agenda_item"))?;
        Ok(AgendaItem {
            meeting,
            position: u32::try_from(position).map_err(|_| {
                ValidationError::new("escalation.proposed_item.position", "is too large")
            })?,
            number: ItemNumber::parse("escalation.proposed_item.number", &number.to_string())?,
            title: Escalation::proposed_item_title(&committee, &from.title)?,
            issue: from.issue,
            visibility: from.visibility,
        })
    }
}

/// A record's row: its table and values in the table's column order, without the id.
fn row(record: Replacement<'_>) -> Result<(Table, Vec<Value>)> {
    Ok(match record {
        Replacement::Organisation(o) => (
            Table::Organisations,
            vec![
                o.slug.as_str().into(),
                o.name.as_str().into(),
                o.kind.as_str().into(),
            ],
        ),
        Replacement::Committee(c) => (
            Table::Committees,
            vec![
                c.slug.as_str().into(),
                c.name.as_str().into(),
                c.purpose.as_str().into(),
                c.owners.is_joint().into(),
                c.parent.map(Id::get).into(),
            ],
        ),
        Replacement::Person(p) => (
            Table::People,
            vec![
                p.name.as_str().into(),
                p.job_title.as_ref().map(Title::as_str).into(),
            ],
        ),
        Replacement::Membership(m) => (
            Table::Memberships,
            vec![
                m.person.get().into(),
                m.committee.get().into(),
                m.role.as_str().into(),
                date_text(m.from).into(),
                m.until.map(date_text).into(),
            ],
        ),
        Replacement::Meeting(m) => (
            Table::Meetings,
            vec![
                m.committee.get().into(),
                instant_text(m.times.start()).into(),
                m.times.end().map(instant_text).into(),
                m.location.as_ref().map(Title::as_str).into(),
                m.status.as_str().into(),
                m.agenda_published.map(instant_text).into(),
            ],
        ),
        Replacement::Issue(i) => (
            Table::Issues,
            vec![
                i.title.as_str().into(),
                i.reference.as_ref().map(Title::as_str).into(),
                i.summary.as_str().into(),
            ],
        ),
        Replacement::Item(i) => {
            let (ground, review) = exempt_columns(&i.visibility);
            (
                Table::AgendaItems,
                vec![
                    i.meeting.get().into(),
                    i64::from(i.position).into(),
                    i.number.as_str().into(),
                    i.title.as_str().into(),
                    i.issue.map(Id::get).into(),
                    ground.into(),
                    review.into(),
                ],
            )
        }
        Replacement::Document(d) => {
            d.check_attachment()?;
            let (ground, review) = exempt_columns(&d.visibility);
            (
                Table::Documents,
                vec![
                    d.item.map(Id::get).into(),
                    d.issue.map(Id::get).into(),
                    d.name.as_str().into(),
                    d.media_type.as_str().into(),
                    as_i64(d.size_bytes, "document.size_bytes")?.into(),
                    d.sha256.as_ref().map_or("", Sha256::as_str).into(),
                    d.text.as_str().into(),
                    ground.into(),
                    review.into(),
                ],
            )
        }
        Replacement::Decision(d) => {
            d.check()?;
            let (committee, person) = match d.maker {
                DecisionMaker::Committee(c) => (Some(c.get()), None),
                DecisionMaker::Officer(p) => (None, Some(p.get())),
            };
            (
                Table::Decisions,
                vec![
                    d.item.map(Id::get).into(),
                    committee.into(),
                    person.into(),
                    date_text(d.decided_on).into(),
                    d.title.as_str().into(),
                    d.text.as_str().into(),
                    d.key_decision.into(),
                    d.call_in.deadline().map(date_text).into(),
                    d.status.as_str().into(),
                ],
            )
        }
        Replacement::Action(a) => {
            a.check()?;
            let (person, organisation) = match a.owner {
                Some(ActionOwner::Person(p)) => (Some(p.get()), None),
                Some(ActionOwner::Organisation(o)) => (None, Some(o.get())),
                None => (None, None),
            };
            (
                Table::Actions,
                vec![
                    a.meeting.get().into(),
                    a.item.map(Id::get).into(),
                    a.description.as_str().into(),
                    person.into(),
                    organisation.into(),
                    a.due_on.map(date_text).into(),
                    a.status.as_str().into(),
                    a.rag.as_str().into(),
                    a.closed_on.map(date_text).into(),
                ],
            )
        }
        Replacement::Escalation(e) => {
            e.check()?;
            (
                Table::Escalations,
                vec![
                    e.from_item.get().into(),
                    e.to_committee.get().into(),
                    e.reason.as_str().into(),
                    e.state.as_str().into(),
                    e.target_item.map(Id::get).into(),
                    e.considered_on.map(date_text).into(),
                    e.decline_reason.as_ref().map(Text::as_str).into(),
                ],
            )
        }
    })
}

/// The search index's name for records of a table, if it indexes them.
fn searchable(table: Table) -> Option<SearchKind> {
    match table {
        Table::AgendaItems => Some(SearchKind::Item),
        Table::Issues => Some(SearchKind::Issue),
        Table::Documents => Some(SearchKind::Document),
        Table::Decisions => Some(SearchKind::Decision),
        Table::Actions => Some(SearchKind::Action),
        _ => None,
    }
}

impl SqliteWriter {
    /// Buffers a new record (and, when searchable, its entry in the search change log).
    async fn create(&mut self, record: Replacement<'_>) -> Result<i64> {
        let (table, values) = row(record)?;
        let id = match searchable(table) {
            Some(kind) => self.buffer_searchable(table, kind, None, values).await?,
            None => self.buffer(table, values).await?,
        };
        if let Replacement::Committee(c) = record {
            for owner in c.owners.organisations() {
                self.buffer(Table::CommitteeOwners, vec![id.into(), owner.get().into()])
                    .await?;
            }
        }
        Ok(id)
    }
}

#[async_trait]
impl Writer for SqliteWriter {
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
        let values = vec![
            meeting.get().into(),
            person.get().into(),
            kind.as_str().into(),
        ];
        self.buffer(Table::Attendance, values).await.map(drop)
    }

    async fn set_attendance(
        &mut self,
        meeting: MeetingId,
        attendance: &[(PersonId, AttendanceKind)],
    ) -> Result<()> {
        self.flush().await?;
        sqlx::query("DELETE FROM attendance WHERE meeting_id = ?")
            .bind(meeting.get())
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("attendance"))?;
        for (person, kind) in attendance {
            self.record_attendance(meeting, *person, *kind).await?;
        }
        self.touch("meetings", meeting.get()).await
    }

    async fn create_declaration(&mut self, meeting: MeetingId, d: &Declaration) -> Result<()> {
        let values = vec![
            meeting.get().into(),
            d.person.get().into(),
            d.item.map(Id::get).into(),
            d.kind.as_str().into(),
            d.description.as_str().into(),
        ];
        self.buffer(Table::Declarations, values).await.map(drop)
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
        let values = vec![
            item.get().into(),
            i64::from(version).into(),
            minutes.text.as_str().into(),
            resolution_points_json(&minutes.resolution.points).into(),
            minutes.resolution.text.as_str().into(),
        ];
        self.buffer_searchable(
            Table::ItemMinutes,
            SearchKind::Item,
            Some(item.get()),
            values,
        )
        .await
        .map(drop)
    }

    async fn create_sign_off(&mut self, meeting: MeetingId, s: &SignOff) -> Result<()> {
        let values = vec![
            meeting.get().into(),
            i64::from(s.version).into(),
            s.by.as_str().into(),
            s.person.map(Id::get).into(),
            date_text(s.on).into(),
            s.reason.as_ref().map(Text::as_str).into(),
        ];
        self.buffer(Table::SignOffs, values).await.map(drop)
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
        let values = vec![
            action.get().into(),
            date_text(u.on).into(),
            u.text.as_str().into(),
            u.rag.map(Rag::as_str).into(),
        ];
        self.buffer(Table::ActionUpdates, values).await.map(drop)
    }

    async fn create_escalation(&mut self, e: &Escalation) -> Result<EscalationId> {
        self.create(Replacement::Escalation(e)).await.map(Id::new)
    }

    async fn create_forward_plan_entry(&mut self, e: &ForwardPlanEntry) -> Result<ForwardPlanId> {
        e.check()?;
        let values = vec![
            e.title.as_str().into(),
            e.decision_maker.get().into(),
            e.issue.map(Id::get).into(),
            date_text(e.published_on).into(),
            date_text(e.expected_on).into(),
        ];
        self.buffer(Table::ForwardPlan, values).await.map(Id::new)
    }

    async fn add_action_update(&mut self, action: ActionId, u: &ActionUpdate) -> Result<()> {
        self.create_action_update(action, u).await?;
        self.flush().await?;
        if let Some(rag) = u.rag {
            sqlx::query("UPDATE actions SET rag = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
                .bind(rag.as_str())
                .bind(action.get())
                .execute(&mut *self.tx)
                .await
                .map_err(db_error("action.rag"))?;
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
        self.flush().await?;
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
        self.flush().await?;
        let written = sqlx::query(
            "INSERT INTO item_minutes (item_id, version, text, resolution_points, resolution_text)
             SELECT i.id,
                    (SELECT COALESCE(MAX(s.version), 0) + 1 FROM minutes_sign_offs s WHERE s.meeting_id = m.id),
                    ?2, ?3, ?4
             FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id
             WHERE i.id = ?1 AND m.status IN ('held', 'minutes_draft')
             ON CONFLICT (item_id, version) DO UPDATE SET
                 text = excluded.text,
                 resolution_points = excluded.resolution_points,
                 resolution_text = excluded.resolution_text",
        )
        .bind(item.get())
        .bind(minutes.text.as_str())
        .bind(resolution_points_json(&minutes.resolution.points))
        .bind(minutes.resolution.text.as_str())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("minutes"))?
        .rows_affected();
        if written > 0 {
            self.touch("agenda_items", item.get()).await?;
        }
        let meeting: Option<i64> =
            sqlx::query_scalar("SELECT meeting_id FROM agenda_items WHERE id = ?")
                .bind(item.get())
                .fetch_optional(&mut *self.tx)
                .await
                .map_err(db_error("agenda_item"))?;
        let meeting = Id::new(meeting.ok_or_else(|| StoreError::not_found("agenda item", item))?);
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
        sqlx::query(
            "UPDATE meetings SET status = 'minutes_draft' WHERE id = ? AND status = 'held'",
        )
        .bind(meeting.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("meeting.status"))?;
        Ok(())
    }

    async fn sign_off_minutes(
        &mut self,
        meeting: MeetingId,
        by: &Title,
        person: Option<PersonId>,
        on: NaiveDate,
    ) -> Result<SignOff> {
        self.flush().await?;
        let status = self.meeting_status(meeting).await?;
        // A held meeting whose minutes were written elsewhere passes through draft on the way.
        let draft = if status == MeetingStatus::Held {
            MeetingStatus::MinutesDraft
        } else {
            status
        };
        draft.transition(MeetingStatus::MinutesSignedOff)?;
        let has_minutes: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM item_minutes n JOIN agenda_items i ON i.id = n.item_id
                            WHERE i.meeting_id = ?)",
        )
        .bind(meeting.get())
        .fetch_one(&mut *self.tx)
        .await
        .map_err(db_error("item_minutes"))?;
        if !has_minutes {
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
        self.flush().await?;
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
            let written = sqlx::query(
                "INSERT INTO item_minutes (item_id, version, text, resolution_points, resolution_text)
                 SELECT id, ?3, ?4, ?5, ?6 FROM agenda_items WHERE id = ?1 AND meeting_id = ?2",
            )
            .bind(item.get())
            .bind(meeting.get())
            .bind(i64::from(version))
            .bind(minutes.text.as_str())
            .bind(resolution_points_json(&minutes.resolution.points))
            .bind(minutes.resolution.text.as_str())
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("corrections"))?
            .rows_affected();
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
        self.flush().await?;
        let row = sqlx::query("SELECT * FROM decisions WHERE id = ?")
            .bind(decision.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_error("decision"))?
            .ok_or_else(|| StoreError::not_found("decision", decision))?;
        let current = decode::decision(&row)?;
        current.transition(to, on)?;
        sqlx::query("UPDATE decisions SET status = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?")
            .bind(to.as_str())
            .bind(decision.get())
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("decision.status"))?;
        Ok(())
    }

    async fn set_action_status(
        &mut self,
        action: ActionId,
        to: ActionStatus,
        on: NaiveDate,
    ) -> Result<()> {
        self.flush().await?;
        let row = sqlx::query("SELECT * FROM actions WHERE id = ?")
            .bind(action.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_error("action"))?
            .ok_or_else(|| StoreError::not_found("action", action))?;
        decode::action(&row)?.transition(to)?;
        let closed_on = (to != ActionStatus::Open).then(|| date_text(on));
        sqlx::query(
            "UPDATE actions SET status = ?, closed_on = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(to.as_str())
        .bind(closed_on)
        .bind(action.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("action.status"))?;
        Ok(())
    }

    async fn send_escalation(
        &mut self,
        from_item: ItemId,
        to_committee: CommitteeId,
        reason: &Text,
    ) -> Result<EscalationId> {
        self.flush().await?;
        if reason.is_empty() {
            return Err(ValidationError::new(
                "escalation.reason",
                "must say why the matter is escalated",
            )
            .into());
        }
        let from_committee: Option<i64> = sqlx::query_scalar(
            "SELECT m.committee_id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id WHERE i.id = ?",
        )
        .bind(from_item.get())
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error("escalation.from_item"))?;
        let from_committee =
            from_committee.ok_or_else(|| StoreError::not_found("agenda item", from_item))?;
        if from_committee == to_committee.get() {
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
        self.flush().await?;
        let current = self.current_escalation(escalation).await?;
        let row = sqlx::query("SELECT * FROM meetings WHERE id = ?")
            .bind(meeting.get())
            .fetch_optional(&mut *self.tx)
            .await
            .map_err(db_error("meeting"))?
            .ok_or_else(|| StoreError::not_found("meeting", meeting))?;
        let to = current.accept(&decode::meeting(&row)?.record)?;
        let proposed = self.proposed_item(meeting, current.from_item).await?;
        let item = self.create_item(&proposed).await?;
        self.flush().await?;
        sqlx::query(
            "UPDATE escalations SET state = ?, target_item_id = ?,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?",
        )
        .bind(to.as_str())
        .bind(item.get())
        .bind(escalation.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("escalation.state"))?;
        self.touch("meetings", meeting.get()).await?;
        Ok(item)
    }

    async fn decline_escalation(&mut self, escalation: EscalationId, reason: &Text) -> Result<()> {
        self.flush().await?;
        if reason.is_empty() {
            return Err(ValidationError::new(
                "escalation.decline_reason",
                "must say why the escalation is declined",
            )
            .into());
        }
        let to = self.current_escalation(escalation).await?.decline()?;
        sqlx::query(
            "UPDATE escalations SET state = ?, decline_reason = ?,
                 updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
             WHERE id = ?",
        )
        .bind(to.as_str())
        .bind(reason.as_str())
        .bind(escalation.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("escalation.state"))?;
        Ok(())
    }

    async fn consider_escalation(&mut self, escalation: EscalationId, on: NaiveDate) -> Result<()> {
        self.flush().await?;
        let to = self.current_escalation(escalation).await?.consider()?;
        sqlx::query(
            "UPDATE escalations SET state = ?, considered_on = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
        )
        .bind(to.as_str())
        .bind(date_text(on))
        .bind(escalation.get())
        .execute(&mut *self.tx)
        .await
        .map_err(db_error("escalation.state"))?;
        Ok(())
    }

    async fn replace(&mut self, id: i64, record: Replacement<'_>) -> Result<()> {
        let (table, values) = row(record)?;
        self.flush().await?;
        let columns = &table.columns()[1..];
        let mut set: Vec<String> = columns.iter().map(|c| format!("{c} = ?")).collect();
        if table.has_updated_at() {
            set.push("updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')".to_owned());
        }
        let sql = format!(
            "UPDATE {} SET {} WHERE id = ?",
            table.name(),
            set.join(", ")
        );
        let updated = buffer::bind_all(sqlx::query(AssertSqlSafe(sql)), values)
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error(table.name()))?
            .rows_affected();
        if updated == 0 {
            return Err(StoreError::not_found(table.name(), id));
        }
        if let Replacement::Membership(m) = record {
            self.touch("people", m.person.get()).await?;
        }
        if let Replacement::Committee(c) = record {
            sqlx::query("DELETE FROM committee_owners WHERE committee_id = ?")
                .bind(id)
                .execute(&mut *self.tx)
                .await
                .map_err(db_error("committee_owners"))?;
            for owner in c.owners.organisations() {
                self.buffer(Table::CommitteeOwners, vec![id.into(), owner.get().into()])
                    .await?;
            }
        }
        Ok(())
    }

    async fn import_sources(&mut self, keys: &[String]) -> Result<Vec<ImportSource>> {
        self.flush().await?;
        let mut found = Vec::new();
        for chunk in keys.chunks(IMPORT_KEYS_PER_QUERY) {
            let sql = format!(
                "SELECT source_key, kind, record_id, fingerprint FROM import_sources
                 WHERE source_key IN ({})",
                vec!["?"; chunk.len()].join(", ")
            );
            let mut query = sqlx::query_as::<_, (String, String, i64, String)>(AssertSqlSafe(sql));
            for key in chunk {
                query = query.bind(key);
            }
            let rows = query
                .fetch_all(&mut *self.tx)
                .await
                .map_err(db_error("import_sources"))?;
            found.extend(rows.into_iter().map(|(key, kind, record_id, fingerprint)| {
                ImportSource {
                    key,
                    kind,
                    record_id,
                    fingerprint,
                }
            }));
        }
        Ok(found)
    }

    async fn remember_import_source(&mut self, source: &ImportSource) -> Result<()> {
        let values = vec![
            source.key.as_str().into(),
            source.kind.as_str().into(),
            source.record_id.into(),
            source.fingerprint.as_str().into(),
        ];
        self.buffer(Table::ImportSources, values).await.map(drop)
    }

    async fn commit(mut self: Box<Self>) -> Result<()> {
        self.flush().await?;
        sqlx::query("UPDATE store_generation SET value = value + 1 WHERE id = 1")
            .execute(&mut *self.tx)
            .await
            .map_err(db_error("store_generation"))?;
        let commits = self.commits.clone();
        self.tx.commit().await.map_err(db_error("transaction"))?;
        commits.fetch_add(1, Ordering::Release);
        Ok(())
    }
}
