//! Records as rows: the values the writer inserts for each kind of record (and that a replacement
//! sets), in the order of the columns the catalogue says the writer fills.

use super::Param;
use crate::{Replacement, Result, StoreError};
use chrono::NaiveDate;
use witan_domain::*;

fn exempt_columns(v: &Visibility) -> (Option<String>, Option<NaiveDate>) {
    match v {
        Visibility::Public => (None, None),
        Visibility::Exempt(e) => (Some(e.ground.code()), e.review_on),
    }
}

fn as_i64(n: u64, field: &'static str) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Invalid(ValidationError::new(field, "is too large")))
}

pub(super) fn points(minutes: &Minutes) -> Param {
    Param::Texts(
        minutes
            .resolution
            .points
            .iter()
            .map(|p| p.as_str().to_owned())
            .collect(),
    )
}

/// A record's row: its table and its values, without the id.
pub(super) fn row(record: Replacement<'_>) -> Result<(&'static str, Vec<Param>)> {
    let (table, values): (_, Vec<Param>) = match record {
        Replacement::Organisation(o) => (
            "organisations",
            vec![
                o.slug.as_str().into(),
                o.name.as_str().into(),
                o.kind.as_str().into(),
            ],
        ),
        Replacement::Committee(c) => (
            "committees",
            vec![
                c.slug.as_str().into(),
                c.name.as_str().into(),
                c.purpose.as_str().into(),
                c.owners.is_joint().into(),
                c.parent.map(Id::get).into(),
            ],
        ),
        Replacement::Person(p) => (
            "people",
            vec![
                p.name.as_str().into(),
                p.job_title.as_ref().map(Title::as_str).into(),
            ],
        ),
        Replacement::Membership(m) => (
            "memberships",
            vec![
                m.person.get().into(),
                m.committee.get().into(),
                m.role.as_str().into(),
                m.from.into(),
                m.until.into(),
            ],
        ),
        Replacement::Meeting(m) => (
            "meetings",
            vec![
                m.committee.get().into(),
                m.times.start().into(),
                m.times.end().into(),
                m.location.as_ref().map(Title::as_str).into(),
                m.status.as_str().into(),
                Param::Stamp(m.agenda_published),
            ],
        ),
        Replacement::Issue(i) => (
            "issues",
            vec![
                i.title.as_str().into(),
                i.reference.as_ref().map(Title::as_str).into(),
                i.summary.as_str().into(),
            ],
        ),
        Replacement::Item(i) => {
            let (ground, review) = exempt_columns(&i.visibility);
            (
                "agenda_items",
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
                "documents",
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
                "decisions",
                vec![
                    d.item.map(Id::get).into(),
                    committee.into(),
                    person.into(),
                    d.decided_on.into(),
                    d.title.as_str().into(),
                    d.text.as_str().into(),
                    d.key_decision.into(),
                    d.call_in.deadline().into(),
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
                "actions",
                vec![
                    a.meeting.get().into(),
                    a.item.map(Id::get).into(),
                    a.description.as_str().into(),
                    person.into(),
                    organisation.into(),
                    a.due_on.into(),
                    a.status.as_str().into(),
                    a.rag.as_str().into(),
                    a.closed_on.into(),
                ],
            )
        }
        Replacement::Escalation(e) => {
            e.check()?;
            (
                "escalations",
                vec![
                    e.from_item.get().into(),
                    e.to_committee.get().into(),
                    e.reason.as_str().into(),
                    e.state.as_str().into(),
                    e.target_item.map(Id::get).into(),
                    e.considered_on.into(),
                    e.decline_reason.as_ref().map(Text::as_str).into(),
                ],
            )
        }
    };
    Ok((table, values))
}

pub(super) fn sign_off_row(meeting: MeetingId, s: &SignOff) -> Vec<Param> {
    vec![
        meeting.get().into(),
        i64::from(s.version).into(),
        s.by.as_str().into(),
        s.person.map(Id::get).into(),
        s.on.into(),
        s.reason.as_ref().map(Text::as_str).into(),
    ]
}
