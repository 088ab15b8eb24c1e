//! `/api/v1/meetings`: meetings with their agendas, attendance and sign-offs.

use super::Failure;
use super::committees::CommitteeRef;
use super::list::{Answer, ListParams, Record, collection, list, one};
use crate::PublicSite;
use crate::edge::error::ApiError;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use witan_domain::{Id, MeetingId, Term};
use witan_store::{ItemEntry, MeetingSheet, PublicStore, PublishedKind, Stamp};

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    id: i64,
    committee: CommitteeRef,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    location: Option<String>,
    /// scheduled, agenda_published, held, minutes_draft, minutes_signed_off or cancelled.
    status: String,
    agenda_published: Option<DateTime<Utc>>,
    /// Absent until the agenda is published.
    agenda: Option<Vec<Item>>,
    attendance: Vec<Attendee>,
    sign_offs: Vec<SignOff>,
    web: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    person: i64,
    name: String,
    /// present, apologies, absent or in_attendance.
    kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    version: u32,
    by: String,
    on: NaiveDate,
    /// Why a corrected version was made.
    reason: Option<String>,
}

/// An agenda item. An exempt item shows only its number and the legal ground.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub(super) id: i64,
    number: String,
    /// The title, or for an exempt item the ground it is withheld on.
    pub(super) title: String,
    pub(super) exempt: bool,
    issue: Option<i64>,
    minutes: Option<ItemMinutes>,
    documents: Vec<i64>,
    decisions: Vec<i64>,
    actions: Vec<i64>,
    escalations: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemMinutes {
    version: u32,
    text: String,
    resolution_points: Vec<String>,
    resolution_text: String,
}

pub(super) fn item(entry: &ItemEntry) -> Item {
    match entry {
        ItemEntry::Withheld {
            id, number, label, ..
        } => Item {
            id: id.get(),
            number: number.to_string(),
            title: label.clone(),
            exempt: true,
            issue: None,
            minutes: None,
            documents: Vec::new(),
            decisions: Vec::new(),
            actions: Vec::new(),
            escalations: Vec::new(),
        },
        ItemEntry::Open(r) => Item {
            id: r.item.id.get(),
            number: r.item.number.to_string(),
            title: r.item.title.as_str().to_owned(),
            exempt: false,
            issue: r.item.issue.map(Id::get),
            minutes: r.minutes.as_ref().map(|(version, m)| ItemMinutes {
                version: *version,
                text: m.text.as_str().to_owned(),
                resolution_points: m
                    .resolution
                    .points
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect(),
                resolution_text: m.resolution.text.as_str().to_owned(),
            }),
            documents: r.documents.iter().map(|d| d.id.get()).collect(),
            decisions: r.decisions.iter().map(|d| d.id.get()).collect(),
            actions: r.actions.iter().map(|a| a.action.id.get()).collect(),
            escalations: r
                .escalations_sent
                .iter()
                .map(|e| e.escalation.id.get())
                .collect(),
        },
    }
}

impl Record for Meeting {
    const KIND: PublishedKind = PublishedKind::Meeting;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let sheet = store
            .meeting_sheets(&[Id::new(stamp.id)])
            .await?
            .pop()
            .ok_or(Failure(AppError::NotFound))?;
        Ok(Self::of(&sheet, stamp))
    }

    /// A page of meetings is read together: a few queries for the whole page.
    async fn read_page(store: &PublicStore, stamps: &[Stamp]) -> Result<Vec<Self>, Failure> {
        let ids: Vec<MeetingId> = stamps.iter().map(|s| Id::new(s.id)).collect();
        let mut sheets: std::collections::HashMap<i64, MeetingSheet> = store
            .meeting_sheets(&ids)
            .await?
            .into_iter()
            .map(|sheet| (sheet.meeting.id.get(), sheet))
            .collect();
        stamps
            .iter()
            .map(|stamp| {
                let sheet = sheets
                    .remove(&stamp.id)
                    .ok_or(Failure(AppError::NotFound))?;
                Ok(Self::of(&sheet, stamp))
            })
            .collect()
    }
}

impl Meeting {
    fn of(r: &MeetingSheet, stamp: &Stamp) -> Self {
        let m = &r.meeting;
        Self {
            id: stamp.id,
            committee: (&r.committee).into(),
            start: m.times.start(),
            end: m.times.end(),
            location: m.location.as_ref().map(|l| l.as_str().to_owned()),
            status: m.status.as_str().to_owned(),
            agenda_published: m.agenda_published,
            agenda: r.agenda.as_ref().map(|a| a.iter().map(item).collect()),
            attendance: r
                .attendance
                .iter()
                .map(|a| Attendee {
                    person: a.person.id.get(),
                    name: a.person.name.as_str().to_owned(),
                    kind: a.kind.as_str().to_owned(),
                })
                .collect(),
            sign_offs: r
                .sign_offs
                .iter()
                .map(|s| SignOff {
                    version: s.version,
                    by: s.by.as_str().to_owned(),
                    on: s.on,
                    reason: s.reason.as_ref().map(|r| r.as_str().to_owned()),
                })
                .collect(),
            web: format!("/meetings/{}", stamp.id),
            created: stamp.created,
            modified: stamp.modified,
        }
    }
}

collection!(
    meetings,
    meeting,
    Meeting,
    MeetingPage,
    "/api/v1/meetings",
    "/api/v1/meetings/{id}",
    "meetings",
    "Meetings with their agendas"
);
