//! The parts of a meeting's workspace page (`ws_meeting.html`): each agenda item with its
//! minutes, decisions, actions, escalations and documents, and the lines the page lists.

use super::{DocumentView, EscalationView};
use chrono::NaiveDate;
use std::path::Path;
use witan_app::version_of;
use witan_domain::time;
use witan_domain::{
    ActionStatus, Decision, DecisionStatus, Meeting, MeetingStatus, SignOff, Term, Text,
};
use witan_store::{ActionRecord, Attendee, DeclarationRecord, ItemRecord, Stored};

pub struct HubAction {
    pub id: i64,
    pub description: String,
    pub owner: String,
    pub due: String,
    pub status: &'static str,
    pub rag: &'static str,
    pub open: bool,
    pub form: String,
}

impl From<&ActionRecord> for HubAction {
    fn from(a: &ActionRecord) -> Self {
        Self {
            id: a.action.id.get(),
            description: a.action.description.to_string(),
            owner: a.owner_name.clone().unwrap_or_default(),
            due: a.action.due_on.map(time::uk_date).unwrap_or_default(),
            status: a.action.status.label(),
            rag: a.action.rag.label(),
            open: a.action.status == ActionStatus::Open,
            form: format!("update-{}", a.action.id),
        }
    }
}

pub struct HubDecision {
    pub id: i64,
    pub line: String,
    /// The moves the call-in rules allow from here: (status, label).
    pub next: Vec<(&'static str, &'static str)>,
    pub form: String,
}

impl HubDecision {
    /// A decision as the page lists it, with the moves its rules allow on `today`.
    pub fn new(d: &Stored<Decision>, today: NaiveDate) -> Self {
        let mut line = format!("{} ({})", d.title, d.status.label());
        if let Some(deadline) = d.call_in.deadline() {
            line.push_str(&format!(
                ", key decision, call-in until {}",
                time::uk_date(deadline)
            ));
        }
        let next = DecisionStatus::ALL
            .iter()
            .filter(|to| **to != d.status && d.transition(**to, today).is_ok())
            .map(|to| (to.as_str(), to.label()))
            .collect();
        Self {
            id: d.id.get(),
            line,
            next,
            form: format!("decision-status-{}", d.id),
        }
    }
}

/// The names of an item's forms, so that only the one submitted is filled in again.
pub struct ItemForms {
    pub minutes: String,
    pub decision: String,
    pub action: String,
    pub escalation: String,
    pub document: String,
}

impl ItemForms {
    fn of(id: i64) -> Self {
        Self {
            minutes: format!("minutes-{id}"),
            decision: format!("decision-{id}"),
            action: format!("action-{id}"),
            escalation: format!("escalation-{id}"),
            document: format!("document-{id}"),
        }
    }
}

pub struct HubItem {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub exempt: Option<String>,
    pub issue: Option<(i64, String)>,
    pub minutes: String,
    pub points: String,
    pub decisions: Vec<HubDecision>,
    /// The item as stored, for the edit form's version check.
    pub version: String,
    pub actions: Vec<HubAction>,
    pub escalations: Vec<EscalationView>,
    /// The escalation this item is the proposed item of: id, from where, and whether the
    /// committee has considered it.
    pub escalated_from: Option<(i64, String, bool)>,
    pub documents: Vec<(DocumentView, Option<String>)>,
    pub forms: ItemForms,
}

impl HubItem {
    /// An open agenda item as the workspace shows it; document links point at the workspace's
    /// own downloads when `files` holds the file.
    pub fn new(item: &ItemRecord, files: Option<&Path>, today: NaiveDate) -> Self {
        let id = item.item.id.get();
        let (minutes, points) = item
            .minutes
            .as_ref()
            .map_or_else(Default::default, |(_, m)| {
                (
                    m.text.to_string(),
                    m.resolution
                        .points
                        .iter()
                        .map(Text::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                )
            });
        Self {
            id,
            number: item.item.number.to_string(),
            title: item.item.title.to_string(),
            exempt: item.item.visibility.exemption().map(|e| match e.review_on {
                Some(on) => format!(
                    "{}, review by {}",
                    e.ground.public_label(),
                    time::uk_date(on)
                ),
                None => e.ground.public_label(),
            }),
            issue: item.item.issue.map(|i| {
                (
                    i.get(),
                    item.issue_title
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                )
            }),
            minutes,
            points,
            decisions: item
                .decisions
                .iter()
                .map(|d| HubDecision::new(d, today))
                .collect(),
            version: version_of(&item.item.record),
            actions: item.actions.iter().map(HubAction::from).collect(),
            escalations: item
                .escalations_sent
                .iter()
                .map(EscalationView::from)
                .collect(),
            documents: documents(item, files),
            escalated_from: item.escalated_from.as_ref().map(|e| {
                (
                    e.escalation.id.get(),
                    e.from_committee.name.clone(),
                    e.escalation.considered_on.is_some(),
                )
            }),
            forms: ItemForms::of(id),
        }
    }
}

/// An item's documents, each with the ground it is withheld on when it is exempt.
fn documents(item: &ItemRecord, files: Option<&Path>) -> Vec<(DocumentView, Option<String>)> {
    let mut views: Vec<DocumentView> = item.documents.iter().map(DocumentView::from).collect();
    DocumentView::link_held(&mut views, files, "/workspace/documents");
    views
        .into_iter()
        .zip(&item.documents)
        .map(|(view, d)| {
            (
                view,
                d.visibility.exemption().map(|e| e.ground.public_label()),
            )
        })
        .collect()
}

/// The moves a meeting's status allows from where it is: (status, label).
pub fn next_steps(meeting: &Meeting) -> Vec<(&'static str, &'static str)> {
    [
        (MeetingStatus::AgendaPublished, "Publish the agenda"),
        (MeetingStatus::Held, "Mark the meeting as held"),
        (MeetingStatus::Cancelled, "Cancel the meeting"),
        (MeetingStatus::Scheduled, "Reinstate the meeting"),
    ]
    .into_iter()
    .filter(|(to, _)| meeting.status.transition(*to).is_ok())
    .map(|(to, label)| (to.as_str(), label))
    .collect()
}

/// "Version 2 signed off by … on … (correction: …)".
pub fn sign_off_line(s: &SignOff) -> String {
    let mut line = format!(
        "Version {} signed off by {} on {}",
        s.version,
        s.by,
        time::uk_date(s.on)
    );
    if let Some(reason) = &s.reason {
        line.push_str(&format!(" (correction: {reason})"));
    }
    line
}

/// "Name (item 4): kind, what".
pub fn declaration_line(d: &DeclarationRecord) -> String {
    let on = d
        .item_number
        .as_ref()
        .map(|n| format!(" (item {n})"))
        .unwrap_or_default();
    format!(
        "{}{on}: {}, {}",
        d.person_name,
        d.kind.label(),
        d.description
    )
}

/// The members on the day (person id, name), and anyone else already recorded, each with how
/// they attended ("" when not recorded).
pub fn attendance_rows(
    members: &[(String, String)],
    recorded: &[Attendee],
) -> Vec<(String, String, &'static str)> {
    let mut rows: Vec<(String, String, &'static str)> = members
        .iter()
        .map(|(id, name)| {
            let kind = recorded
                .iter()
                .find(|a| a.person.id.to_string() == *id)
                .map_or("", |a| a.kind.as_str());
            (id.clone(), name.clone(), kind)
        })
        .collect();
    for a in recorded {
        if !members.iter().any(|(id, _)| *id == a.person.id.to_string()) {
            rows.push((
                a.person.id.to_string(),
                a.person.name.to_string(),
                a.kind.as_str(),
            ));
        }
    }
    rows
}
