//! The workflows and records of a unit of work ([`SqlWriter`]): what the [`Writer`] trait
//! promises, once for every database, on the helpers of `unit.rs`.

use super::rows::{points, row, sign_off_row};
use super::{Driver, Param, SqlWriter, params};
use crate::catalogue;
use crate::decode::{self, Columns};
use crate::{ImportSource, Replacement, Result, StoreError, Writer};
use async_trait::async_trait;
use chrono::NaiveDate;
use std::sync::atomic::Ordering;
use witan_domain::*;

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
        let (_, spec, columns) = catalogue::written(table);
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
