//! The meeting workflows of the brief: schedule, build and publish the agenda, hold, record
//! minutes, decisions, actions and escalations, sign off, correct, release exempt material.
//!
//! Each checks the actor against the committee the record belongs to, lets the store's workflow
//! methods apply the lifecycle rules, and writes its audit entry in the same unit of work.

use crate::{Actor, Error, Result, Workspace, audit, version_of};
use chrono::{DateTime, NaiveDate, Utc};
use witan_domain::time::{add_working_days, london_date};
use witan_domain::{
    Action, ActionId, ActionOwner, ActionStatus, ActionUpdate, AgendaItem, Audience, CallIn,
    CommitteeId, Decision, DecisionId, DecisionMaker, DecisionStatus, EscalationId, Issue, IssueId,
    ItemId, ItemNumber, Meeting, MeetingId, MeetingStatus, Minutes, PersonId, Rag, RuleError,
    SignOff, Text, Title, Visibility,
};
use witan_store::{Replacement, Stored};

/// Which issue a new agenda item belongs to.
#[derive(Debug, Clone)]
pub enum IssueChoice {
    None,
    Existing(IssueId),
    /// Start a new issue with this title.
    New(Title),
}

/// A new agenda item as the clerk describes it.
#[derive(Debug, Clone)]
pub struct NewItem {
    pub number: ItemNumber,
    pub title: Title,
    pub issue: IssueChoice,
    pub visibility: Visibility,
}

/// A new action as the clerk records it.
#[derive(Debug, Clone)]
pub struct NewAction {
    pub description: Text,
    pub owner: Option<PersonId>,
    pub due_on: Option<NaiveDate>,
}

/// A correction of signed-off minutes: the new minutes of the items that change, who signed the
/// correction, when, and why.
#[derive(Debug, Clone)]
pub struct Correction {
    pub corrections: Vec<(ItemId, Minutes)>,
    pub by: Title,
    pub on: NaiveDate,
    pub reason: Text,
}

impl Workspace {
    /// Checks that `actor` may change meeting `id`, before a form is even read.
    pub async fn may_edit_meeting(&self, actor: &Actor, id: MeetingId) -> Result<()> {
        self.meeting_for_edit(actor, id).await.map(|_| ())
    }

    pub(crate) async fn meeting_for_edit(
        &self,
        actor: &Actor,
        id: MeetingId,
    ) -> Result<Stored<Meeting>> {
        let meeting = self.store.meeting(id).await?;
        self.authorise(actor, meeting.committee).await?;
        Ok(meeting)
    }

    /// An agenda item and its meeting, once the actor may change its committee's records.
    pub(crate) async fn item_for_edit(
        &self,
        actor: &Actor,
        id: ItemId,
    ) -> Result<(Stored<AgendaItem>, Stored<Meeting>)> {
        let item = self.store.item(id).await?;
        let meeting = self.meeting_for_edit(actor, item.meeting).await?;
        Ok((item, meeting))
    }

    /// Schedules a meeting. Escalations to the committee are not put on it: its clerks accept
    /// each onto the meeting they choose ([`Workspace::accept_escalation`]).
    pub async fn schedule_meeting(
        &self,
        actor: &Actor,
        meeting: &Meeting,
        now: DateTime<Utc>,
    ) -> Result<MeetingId> {
        self.authorise(actor, meeting.committee).await?;
        if meeting.status != MeetingStatus::Scheduled || meeting.agenda_published.is_some() {
            return Err(RuleError::Other("a new meeting starts as scheduled".into()).into());
        }
        let mut w = self.store.begin().await?;
        let id = w.schedule_meeting(meeting).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "schedule meeting",
            ("meeting", id.get()),
            None,
            Some(meeting),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Changes a meeting's time and place. `version` is [`version_of`] the meeting as the form
    /// showed it: if it has changed since, nothing is written ([`Error::Stale`]).
    pub async fn edit_meeting(
        &self,
        actor: &Actor,
        id: MeetingId,
        version: &str,
        times: witan_domain::MeetingTimes,
        location: Option<Title>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut w = self.store.begin().await?;
        // Read after `begin`: writers are serialised, so nothing can change it before commit.
        let before = self.meeting_for_edit(actor, id).await?;
        if version_of(&before.record) != version {
            return Err(Error::Stale);
        }
        if matches!(before.status, MeetingStatus::MinutesSignedOff) {
            return Err(RuleError::MinutesLocked.into());
        }
        let after = Meeting {
            times,
            location,
            ..before.record.clone()
        };
        w.replace(id.get(), Replacement::Meeting(&after)).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "edit meeting",
            ("meeting", id.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Adds an item at the end of a meeting's agenda, with its issue (existing or new).
    pub async fn add_item(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        new: &NewItem,
        now: DateTime<Utc>,
    ) -> Result<ItemId> {
        let stored = self.meeting_for_edit(actor, meeting).await?;
        if matches!(
            stored.status,
            MeetingStatus::MinutesSignedOff | MeetingStatus::Cancelled
        ) {
            return Err(RuleError::Other(format!(
                "items cannot be added to a meeting whose state is {}",
                stored.status.label().to_lowercase()
            ))
            .into());
        }
        let record = self
            .store
            .meeting_record(meeting, Audience::Privileged)
            .await?;
        let position = record.agenda.as_ref().map_or(0, Vec::len) + 1;
        let mut w = self.store.begin().await?;
        let issue = match &new.issue {
            IssueChoice::None => None,
            IssueChoice::Existing(id) => Some(*id),
            IssueChoice::New(title) => {
                let issue = Issue {
                    title: title.clone(),
                    reference: None,
                    summary: Text::default(),
                };
                let id = w.create_issue(&issue).await?;
                audit(
                    w.as_mut(),
                    actor,
                    now,
                    "start issue",
                    ("issue", id.get()),
                    None,
                    Some(&issue),
                )
                .await?;
                Some(id)
            }
        };
        let item = AgendaItem {
            meeting,
            position: u32::try_from(position).unwrap_or(u32::MAX),
            number: new.number.clone(),
            title: new.title.clone(),
            issue,
            visibility: new.visibility.clone(),
        };
        let id = w.create_item(&item).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add agenda item",
            ("item", id.get()),
            None,
            Some(&item),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Moves a meeting along its lifecycle: publish the agenda, mark it held, cancel it.
    pub async fn set_meeting_status(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        to: MeetingStatus,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.meeting_for_edit(actor, meeting).await?;
        let mut w = self.store.begin().await?;
        w.set_meeting_status(meeting, to).await?;
        let action = match to {
            MeetingStatus::AgendaPublished => "publish agenda",
            MeetingStatus::Held => "mark meeting held",
            MeetingStatus::Cancelled => "cancel meeting",
            _ => "change meeting status",
        };
        audit(
            w.as_mut(),
            actor,
            now,
            action,
            ("meeting", meeting.get()),
            Some(&before.status),
            Some(&to),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Records who was at a held meeting and how (present, apologies, absent, in attendance),
    /// replacing what was recorded; refused once the minutes are signed off.
    pub async fn record_attendance(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        attendance: &[(PersonId, witan_domain::AttendanceKind)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let stored = self.meeting_for_edit(actor, meeting).await?;
        if !stored.status.minutes_are_editable() {
            return Err(RuleError::Other(format!(
                "attendance is recorded once the meeting is held and before its minutes are signed off; this one is {}",
                stored.status.label().to_lowercase()
            ))
            .into());
        }
        let before: Vec<(i64, witan_domain::AttendanceKind)> = self
            .store
            .meeting_record(meeting, Audience::Privileged)
            .await?
            .attendance
            .iter()
            .map(|a| (a.person.id.get(), a.kind))
            .collect();
        let after: Vec<(i64, witan_domain::AttendanceKind)> =
            attendance.iter().map(|(p, k)| (p.get(), *k)).collect();
        let mut w = self.store.begin().await?;
        w.set_attendance(meeting, attendance).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "record attendance",
            ("meeting", meeting.get()),
            Some(&before),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Records a declaration of interest made at a meeting, before its minutes are signed off.
    pub async fn declare_interest(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        declaration: &witan_domain::Declaration,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let stored = self.meeting_for_edit(actor, meeting).await?;
        if matches!(
            stored.status,
            MeetingStatus::MinutesSignedOff | MeetingStatus::Cancelled
        ) {
            return Err(RuleError::Other(format!(
                "declarations cannot be added to a meeting whose state is {}",
                stored.status.label().to_lowercase()
            ))
            .into());
        }
        if let Some(item) = declaration.item
            && self.store.item(item).await?.meeting != meeting
        {
            return Err(witan_domain::ValidationError::new(
                "item",
                "choose an item of this meeting",
            )
            .into());
        }
        self.store.person(declaration.person).await?;
        let mut w = self.store.begin().await?;
        w.create_declaration(meeting, declaration).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "record declaration of interest",
            ("meeting", meeting.get()),
            None,
            Some(declaration),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Writes the draft minutes and resolution of an item.
    pub async fn record_minutes(
        &self,
        actor: &Actor,
        item: ItemId,
        minutes: &Minutes,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.item_for_edit(actor, item).await?;
        let before = self
            .store
            .minutes_versions(item, Audience::Privileged)
            .await?
            .pop()
            .map(|(_, m)| m);
        let mut w = self.store.begin().await?;
        w.record_minutes(item, minutes).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "record minutes",
            ("item", item.get()),
            before.as_ref().map(|m| m as _),
            Some(minutes),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Records a decision the committee made on an item. A key decision can be called in for
    /// the configured number of working days after the meeting.
    pub async fn record_decision(
        &self,
        actor: &Actor,
        item: ItemId,
        title: Title,
        text: Text,
        key_decision: bool,
        now: DateTime<Utc>,
    ) -> Result<DecisionId> {
        let (_, meeting) = self.item_for_edit(actor, item).await?;
        if !meeting.status.minutes_are_editable() {
            return Err(RuleError::Other(
                "decisions are recorded once the meeting is held and before its minutes are signed off"
                    .into(),
            )
            .into());
        }
        let decided_on = london_date(meeting.times.start());
        let decision = Decision {
            item: Some(item),
            maker: DecisionMaker::Committee(meeting.committee),
            decided_on,
            title,
            text,
            key_decision,
            call_in: if key_decision {
                CallIn::Subject {
                    deadline: add_working_days(decided_on, self.call_in_working_days),
                }
            } else {
                CallIn::NotSubject
            },
            status: DecisionStatus::Made,
        };
        decision.check()?;
        let mut w = self.store.begin().await?;
        let id = w.create_decision(&decision).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "record decision",
            ("decision", id.get()),
            None,
            Some(&decision),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Calls in, implements or rescinds a decision, under the call-in rules.
    pub async fn set_decision_status(
        &self,
        actor: &Actor,
        decision: DecisionId,
        to: DecisionStatus,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.store.decision(decision).await?;
        let committee = match before.maker {
            DecisionMaker::Committee(c) => c,
            DecisionMaker::Officer(_) => {
                let item = before.item.ok_or(Error::Denied)?;
                self.store
                    .meeting(self.store.item(item).await?.meeting)
                    .await?
                    .committee
            }
        };
        self.authorise(actor, committee).await?;
        let mut w = self.store.begin().await?;
        w.set_decision_status(decision, to, on).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "change decision status",
            ("decision", decision.get()),
            Some(&before.status),
            Some(&to),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Records an action arising from an item.
    pub async fn add_action(
        &self,
        actor: &Actor,
        item: ItemId,
        new: &NewAction,
        now: DateTime<Utc>,
    ) -> Result<ActionId> {
        let (_, meeting) = self.item_for_edit(actor, item).await?;
        let action = Action {
            meeting: meeting.id,
            item: Some(item),
            description: new.description.clone(),
            owner: new.owner.map(ActionOwner::Person),
            due_on: new.due_on,
            status: ActionStatus::Open,
            rag: Rag::Green,
            closed_on: None,
        };
        action.check()?;
        let mut w = self.store.begin().await?;
        let id = w.create_action(&action).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add action",
            ("action", id.get()),
            None,
            Some(&action),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Adds a dated update to an action, and closes it if `status` says done or dropped.
    pub async fn update_action(
        &self,
        actor: &Actor,
        action: ActionId,
        update: &ActionUpdate,
        status: ActionStatus,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.store.action(action).await?;
        let meeting = self.store.meeting(before.action.meeting).await?;
        self.authorise(actor, meeting.committee).await?;
        let mut w = self.store.begin().await?;
        w.add_action_update(action, update).await?;
        if status != before.action.status {
            w.set_action_status(action, status, update.on).await?;
        }
        audit(
            w.as_mut(),
            actor,
            now,
            "update action",
            ("action", action.get()),
            Some(&before.action.record),
            Some(update),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Sends a matter from an item to another committee as a proposal. Nothing is written onto
    /// the other committee's agenda: its clerks accept it onto a meeting of their choosing or
    /// decline it.
    pub async fn send_escalation(
        &self,
        actor: &Actor,
        item: ItemId,
        to: CommitteeId,
        reason: &Text,
        now: DateTime<Utc>,
    ) -> Result<EscalationId> {
        let (_, meeting) = self.item_for_edit(actor, item).await?;
        if meeting.committee == to {
            return Err(witan_domain::ValidationError::new(
                "to_committee",
                "choose another committee than the one the item is at",
            )
            .into());
        }
        self.store.committee(to).await?;
        let mut w = self.store.begin().await?;
        let id = w.send_escalation(item, to, reason).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "send escalation",
            ("escalation", id.get()),
            None,
            Some(&(item, to, reason)),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// A clerk of the committee an escalation was sent to (or an admin) accepts it onto a meeting
    /// of that committee whose agenda is not yet published; the proposed item is added at the end
    /// of that agenda and its id returned. Clerks of the sending committee's organisation may not:
    /// they do not run the receiving committee's agendas.
    pub async fn accept_escalation(
        &self,
        actor: &Actor,
        escalation: EscalationId,
        meeting: MeetingId,
        now: DateTime<Utc>,
    ) -> Result<ItemId> {
        let before = self.store.escalation(escalation).await?;
        self.authorise(actor, before.escalation.to_committee)
            .await?;
        let mut w = self.store.begin().await?;
        let item = w.accept_escalation(escalation, meeting).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "accept escalation",
            ("escalation", escalation.get()),
            Some(&before.escalation.record),
            Some(&(meeting, item)),
        )
        .await?;
        w.commit().await?;
        Ok(item)
    }

    /// A clerk of the committee an escalation was sent to (or an admin) declines it, saying why.
    pub async fn decline_escalation(
        &self,
        actor: &Actor,
        escalation: EscalationId,
        reason: &Text,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.store.escalation(escalation).await?;
        self.authorise(actor, before.escalation.to_committee)
            .await?;
        let mut w = self.store.begin().await?;
        w.decline_escalation(escalation, reason).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "decline escalation",
            ("escalation", escalation.get()),
            Some(&before.escalation.record),
            Some(reason),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// The target committee records that it has considered an escalation: only its clerks may.
    pub async fn consider_escalation(
        &self,
        actor: &Actor,
        escalation: EscalationId,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self.store.escalation(escalation).await?;
        self.authorise(actor, before.escalation.to_committee)
            .await?;
        let mut w = self.store.begin().await?;
        w.consider_escalation(escalation, on).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "consider escalation",
            ("escalation", escalation.get()),
            Some(&before.escalation.record),
            Some(&on),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Signs off a meeting's minutes as a correct record: they are locked from then on.
    pub async fn sign_off(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        by: &Title,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<SignOff> {
        self.meeting_for_edit(actor, meeting).await?;
        let mut w = self.store.begin().await?;
        let signed = w.sign_off_minutes(meeting, by, None, on).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "sign off minutes",
            ("meeting", meeting.get()),
            None,
            Some(&signed),
        )
        .await?;
        w.commit().await?;
        Ok(signed)
    }

    /// Corrects signed-off minutes: a new version with a reason; the earlier stays visible.
    pub async fn correct_minutes(
        &self,
        actor: &Actor,
        meeting: MeetingId,
        correction: &Correction,
        now: DateTime<Utc>,
    ) -> Result<SignOff> {
        self.meeting_for_edit(actor, meeting).await?;
        let Correction {
            corrections,
            by,
            on,
            reason,
        } = correction;
        let mut w = self.store.begin().await?;
        let signed = w
            .correct_minutes(meeting, corrections, by, *on, reason)
            .await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "correct minutes",
            ("meeting", meeting.get()),
            None,
            Some(&(
                &signed,
                corrections
                    .iter()
                    .map(|(i, m)| (i.get(), m))
                    .collect::<Vec<_>>(),
            )),
        )
        .await?;
        w.commit().await?;
        Ok(signed)
    }

    /// Makes an exempt item public: its ground no longer applies. Who released it and when is
    /// in the audit log.
    pub async fn release_item(
        &self,
        actor: &Actor,
        item: ItemId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let (before, _) = self.item_for_edit(actor, item).await?;
        if !before.visibility.is_exempt() {
            return Err(RuleError::Other("this item is already public".into()).into());
        }
        let after = AgendaItem {
            visibility: Visibility::Public,
            ..before.record.clone()
        };
        let mut w = self.store.begin().await?;
        w.replace(item.get(), Replacement::Item(&after)).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "release exempt item",
            ("item", item.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}
