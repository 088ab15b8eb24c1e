//! Records as rows: the columns and values the PostgreSQL writer inserts for each kind of record
//! (and that a replacement sets).

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

/// A record's row: its table, its columns (the id first) and their values (without the id).
pub(super) struct Row {
    pub table: &'static str,
    pub columns: &'static [&'static str],
    pub values: Vec<Param>,
}

pub(super) fn row(record: Replacement<'_>) -> Result<Row> {
    let (table, columns, values): (_, &'static [&'static str], Vec<Param>) = match record {
        Replacement::Organisation(o) => (
            "organisations",
            &["id", "slug", "name", "kind"],
            vec![
                o.slug.as_str().into(),
                o.name.as_str().into(),
                o.kind.as_str().into(),
            ],
        ),
        Replacement::Committee(c) => (
            "committees",
            &["id", "slug", "name", "purpose", "joint", "parent_id"],
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
            &["id", "name", "job_title"],
            vec![
                p.name.as_str().into(),
                p.job_title.as_ref().map(Title::as_str).into(),
            ],
        ),
        Replacement::Membership(m) => (
            "memberships",
            &[
                "id",
                "person_id",
                "committee_id",
                "role",
                "from_date",
                "until_date",
            ],
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
            &[
                "id",
                "committee_id",
                "starts_at",
                "ends_at",
                "location",
                "status",
                "agenda_published_at",
            ],
            vec![
                m.committee.get().into(),
                m.times.start().into(),
                m.times.end().into(),
                m.location.as_ref().map(Title::as_str).into(),
                m.status.as_str().into(),
                m.agenda_published.into(),
            ],
        ),
        Replacement::Issue(i) => (
            "issues",
            &["id", "title", "reference", "summary"],
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
                &[
                    "id",
                    "meeting_id",
                    "position",
                    "number",
                    "title",
                    "issue_id",
                    "exempt_ground",
                    "exempt_review_on",
                ],
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
                &[
                    "id",
                    "item_id",
                    "issue_id",
                    "name",
                    "media_type",
                    "size_bytes",
                    "sha256",
                    "text",
                    "exempt_ground",
                    "exempt_review_on",
                ],
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
                &[
                    "id",
                    "item_id",
                    "maker_committee_id",
                    "maker_person_id",
                    "decided_on",
                    "title",
                    "text",
                    "key_decision",
                    "call_in_deadline",
                    "status",
                ],
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
                &[
                    "id",
                    "meeting_id",
                    "item_id",
                    "description",
                    "owner_person_id",
                    "owner_organisation_id",
                    "due_on",
                    "status",
                    "rag",
                    "closed_on",
                ],
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
                &[
                    "id",
                    "from_item_id",
                    "to_committee_id",
                    "reason",
                    "state",
                    "target_item_id",
                    "considered_on",
                    "decline_reason",
                ],
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
    Ok(Row {
        table,
        columns,
        values,
    })
}

pub(super) const SIGN_OFF_COLUMNS: &[&str] = &[
    "meeting_id",
    "version",
    "signed_by",
    "person_id",
    "signed_on",
    "reason",
];

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
