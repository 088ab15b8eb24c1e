//! Page handlers: parse the path, read with the public audience, render.

use crate::query::Params;
use crate::registers::{Pager, Paging};
use crate::views::{
    ActionView, DecisionRow, DocumentView, EscalationView, ItemView, MeetingLink, MeetingView,
};
use crate::{AppError, PublicSite};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use std::collections::HashMap;
use witan_domain::ActionStatus;
use witan_domain::{CommitteeOwners, Id, MembershipRole, time};
use witan_store::{ActionFilter, DecisionFilter, Direction, Page, When};

fn html(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}

/// Path ids are positive integers; anything else is a page that does not exist.
pub(crate) fn parse_id<T>(raw: &str) -> Result<Id<T>, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Id::new)
        .ok_or(AppError::NotFound)
}

pub async fn healthz(State(state): State<PublicSite>) -> Response {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response()
        }
    }
}

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/witan.css"),
    )
        .into_response()
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    upcoming: Vec<MeetingLink>,
    published: Vec<(MeetingLink, String)>,
    recent: Vec<MeetingLink>,
    decisions: Vec<DecisionRow>,
}

pub async fn home(State(state): State<PublicSite>) -> Result<Response, AppError> {
    let now = Utc::now();
    let upcoming = state
        .store
        .meetings(None, When::From(now), Page::first(10))
        .await?;
    let published = state
        .store
        .meetings(None, When::AgendaPublishedBy(now), Page::first(10))
        .await?;
    let recent = state
        .store
        .meetings(None, When::Before(now), Page::first(10))
        .await?;
    let decisions = state
        .store
        .decisions(&DecisionFilter::default(), Page::first(10))
        .await?;
    html(&HomePage {
        upcoming: upcoming.iter().map(MeetingLink::from).collect(),
        published: published
            .iter()
            .map(|m| {
                let on = m
                    .meeting
                    .agenda_published
                    .map(|t| time::uk_date(time::london_date(t)))
                    .unwrap_or_default();
                (MeetingLink::from(m), on)
            })
            .collect(),
        recent: recent.iter().map(MeetingLink::from).collect(),
        decisions: decisions.iter().map(DecisionRow::from).collect(),
    })
}

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    slug: String,
    name: String,
    purpose: String,
    parent: Option<(String, String)>,
    members: Vec<(i64, String, &'static str)>,
    upcoming: Vec<MeetingLink>,
    past: Vec<MeetingLink>,
    open_actions: Vec<ActionView>,
    sent: Vec<EscalationView>,
    more_sent: bool,
    received: Vec<EscalationView>,
    more_received: bool,
}

/// Escalations shown on a committee page; the rest are a link away.
const ESCALATIONS_SHOWN: u32 = 20;

pub async fn committee(
    State(state): State<PublicSite>,
    Path(slug): Path<String>,
) -> Result<Response, AppError> {
    let store = &state.store;
    let committee = store.committee_by_slug(&slug).await?;
    let parent = match committee.parent {
        Some(id) => {
            let p = store.committee(id).await?;
            Some((p.slug.to_string(), p.name.to_string()))
        }
        None => None,
    };
    let today = time::london_date(Utc::now());
    let members = store
        .memberships(committee.id)
        .await?
        .into_iter()
        .filter(|m| {
            m.membership.is_current_on(today) && m.membership.role != MembershipRole::Officer
        })
        .map(|m| {
            (
                m.membership.person.get(),
                m.person_name.to_string(),
                m.membership.role.label(),
            )
        })
        .collect();
    let now = Utc::now();
    let upcoming = store
        .meetings(Some(committee.id), When::From(now), Page::first(10))
        .await?;
    let past = store
        .meetings(Some(committee.id), When::Before(now), Page::first(20))
        .await?;
    let open = ActionFilter {
        committee: Some(committee.id),
        status: Some(ActionStatus::Open),
        ..ActionFilter::default()
    };
    let open_actions = store.actions(&open, Page::first(50)).await?;
    let shown = Page::first(ESCALATIONS_SHOWN + 1);
    let mut sent = store
        .escalations(committee.id, Direction::Sent, shown)
        .await?;
    let mut received = store
        .escalations(committee.id, Direction::Received, shown)
        .await?;
    let more_sent = sent.len() > ESCALATIONS_SHOWN as usize;
    let more_received = received.len() > ESCALATIONS_SHOWN as usize;
    sent.truncate(ESCALATIONS_SHOWN as usize);
    received.truncate(ESCALATIONS_SHOWN as usize);
    html(&CommitteePage {
        open_actions: open_actions.iter().map(ActionView::from).collect(),
        sent: sent.iter().map(EscalationView::from).collect(),
        more_sent,
        received: received.iter().map(EscalationView::from).collect(),
        more_received,
        slug: committee.slug.to_string(),
        name: committee.name.to_string(),
        purpose: committee.purpose.to_string(),
        parent,
        members,
        upcoming: upcoming.iter().map(MeetingLink::from).collect(),
        past: past.iter().map(MeetingLink::from).collect(),
    })
}

const MEETINGS_PER_PAGE: u32 = 20;

#[derive(Template)]
#[template(path = "person_meetings.html")]
struct PersonMeetingsPage {
    id: i64,
    name: String,
    meetings: Vec<(MeetingLink, &'static str)>,
    pager: Pager,
}

/// Every meeting a person was recorded at, latest first, a page at a time.
pub async fn person_meetings(
    State(state): State<PublicSite>,
    Path(id): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let paging = Paging::new(Params::new(raw).page()?, MEETINGS_PER_PAGE);
    let id = parse_id(&id)?;
    let person = state.store.person(id).await?;
    let meetings = state.store.attendance(id, paging.window()).await?;
    let (meetings, has_next) = paging.cut_existing(meetings)?;
    let path = format!("/people/{}/meetings", id.get());
    html(&PersonMeetingsPage {
        pager: Pager::new(&path, &[], paging.number, has_next),
        id: id.get(),
        name: person.name.to_string(),
        meetings: meetings
            .iter()
            .map(|(m, kind)| (MeetingLink::from(m), kind.label()))
            .collect(),
    })
}

#[derive(Template)]
#[template(path = "committee_escalations.html")]
struct CommitteeEscalationsPage {
    slug: String,
    name: String,
    outgoing: bool,
    escalations: Vec<EscalationView>,
    pager: Pager,
}

/// Every escalation a committee sent or received, newest first, a page at a time.
pub async fn committee_escalations(
    State(state): State<PublicSite>,
    Path((slug, direction)): Path<(String, String)>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let outgoing = match direction.as_str() {
        "sent" => true,
        "received" => false,
        _ => return Err(AppError::NotFound),
    };
    let paging = Paging::new(Params::new(raw).page()?, MEETINGS_PER_PAGE);
    let committee = state.store.committee_by_slug(&slug).await?;
    let which = if outgoing {
        Direction::Sent
    } else {
        Direction::Received
    };
    let escalations = state
        .store
        .escalations(committee.id, which, paging.window())
        .await?;
    let (escalations, has_next) = paging.cut_existing(escalations)?;
    let path = format!("/committees/{slug}/escalations/{direction}");
    html(&CommitteeEscalationsPage {
        pager: Pager::new(&path, &[], paging.number, has_next),
        slug,
        name: committee.name.to_string(),
        outgoing,
        escalations: escalations.iter().map(EscalationView::from).collect(),
    })
}

#[derive(Template)]
#[template(path = "committee_meetings.html")]
struct CommitteeMeetingsPage {
    slug: String,
    name: String,
    meetings: Vec<MeetingLink>,
    pager: Pager,
}

/// Every past meeting of a committee, latest first, a page at a time.
pub async fn committee_meetings(
    State(state): State<PublicSite>,
    Path(slug): Path<String>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let paging = Paging::new(Params::new(raw).page()?, MEETINGS_PER_PAGE);
    let committee = state.store.committee_by_slug(&slug).await?;
    let meetings = state
        .store
        .meetings(
            Some(committee.id),
            When::Before(Utc::now()),
            paging.window(),
        )
        .await?;
    let (meetings, has_next) = paging.cut_existing(meetings)?;
    let path = format!("/committees/{slug}/meetings");
    html(&CommitteeMeetingsPage {
        pager: Pager::new(&path, &[], paging.number, has_next),
        slug,
        name: committee.name.to_string(),
        meetings: meetings.iter().map(MeetingLink::from).collect(),
    })
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    m: MeetingView,
}

pub async fn meeting(
    State(state): State<PublicSite>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = state.store.meeting_record(parse_id(&id)?).await?;
    let mut m = MeetingView::from(&record);
    for item in &mut m.items {
        DocumentView::link_held(&mut item.documents, state.files.as_deref(), "/documents");
    }
    html(&MeetingPage { m })
}

struct HistoryView {
    meeting_id: i64,
    heading: String,
    committee_slug: String,
    item: ItemView,
}

#[derive(Template)]
#[template(path = "issue.html")]
struct IssuePage {
    title: String,
    reference: Option<String>,
    summary: String,
    history: Vec<HistoryView>,
}

pub async fn issue(
    State(state): State<PublicSite>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = state.store.issue_record(parse_id(&id)?).await?;
    let history = record
        .history
        .iter()
        .map(|h| HistoryView {
            meeting_id: h.meeting.id.get(),
            heading: format!(
                "Meeting: {} - {} (Item {})",
                time::london_date(h.meeting.times.start()).format("%d/%m/%Y"),
                h.committee.name,
                h.item.number()
            ),
            committee_slug: h.committee.slug.clone(),
            item: {
                let mut item = ItemView::new(&h.item);
                DocumentView::link_held(&mut item.documents, state.files.as_deref(), "/documents");
                item
            },
        })
        .collect();
    html(&IssuePage {
        title: record.issue.title.to_string(),
        reference: record.issue.reference.as_ref().map(ToString::to_string),
        summary: record.issue.summary.to_string(),
        history,
    })
}

/// A group of committees on the committees page.
struct CommitteeGroup {
    heading: String,
    committees: Vec<CommitteeEntry>,
}

struct CommitteeEntry {
    slug: String,
    name: String,
    note: Option<String>,
}

#[derive(Template)]
#[template(path = "committees.html")]
struct CommitteesPage {
    groups: Vec<CommitteeGroup>,
}

pub async fn committees(State(state): State<PublicSite>) -> Result<Response, AppError> {
    let organisations = state.store.organisations().await?;
    let committees = state.store.committees().await?;
    let name_of = |id: witan_domain::OrganisationId| {
        organisations
            .iter()
            .find(|o| o.id == id)
            .map(|o| o.name.to_string())
            .unwrap_or_default()
    };
    let parent_of = |c: &witan_store::Stored<witan_domain::Committee>| {
        c.parent
            .and_then(|p| committees.iter().find(|x| x.id == p))
            .map(|p| format!("reports to {}", p.name))
    };
    let mut groups: Vec<CommitteeGroup> = organisations
        .iter()
        .map(|o| CommitteeGroup {
            heading: o.name.to_string(),
            committees: committees
                .iter()
                .filter(|c| c.owners == CommitteeOwners::Single(o.id))
                .map(|c| CommitteeEntry {
                    slug: c.slug.to_string(),
                    name: c.name.to_string(),
                    note: parent_of(c),
                })
                .collect(),
        })
        .filter(|g| !g.committees.is_empty())
        .collect();
    let joint: Vec<CommitteeEntry> = committees
        .iter()
        .filter(|c| c.owners.is_joint())
        .map(|c| {
            let partners: Vec<String> = c
                .owners
                .organisations()
                .iter()
                .map(|o| name_of(*o))
                .collect();
            let mut note = format!("joint board of {}", partners.join(", "));
            if let Some(parent) = parent_of(c) {
                note = format!("{note}; {parent}");
            }
            CommitteeEntry {
                slug: c.slug.to_string(),
                name: c.name.to_string(),
                note: Some(note),
            }
        })
        .collect();
    if !joint.is_empty() {
        groups.push(CommitteeGroup {
            heading: "Joint committees and partnership boards".to_owned(),
            committees: joint,
        });
    }
    html(&CommitteesPage { groups })
}

struct MembershipView {
    committee: String,
    committee_slug: String,
    role: &'static str,
    period: String,
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    id: i64,
    name: String,
    job_title: Option<String>,
    memberships: Vec<MembershipView>,
    actions: Vec<ActionView>,
    meetings: Vec<(MeetingLink, &'static str)>,
}

pub async fn person(
    State(state): State<PublicSite>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let record = state.store.person_record(parse_id(&id)?).await?;
    html(&PersonPage {
        id: record.person.id.get(),
        name: record.person.name.to_string(),
        job_title: record.person.job_title.as_ref().map(ToString::to_string),
        memberships: record
            .memberships
            .iter()
            .map(|(m, c)| MembershipView {
                committee: c.name.clone(),
                committee_slug: c.slug.clone(),
                role: m.role.label(),
                period: match m.until {
                    Some(until) => format!(
                        "{} to {}",
                        time::uk_short_date(m.from),
                        time::uk_short_date(until)
                    ),
                    None => format!("since {}", time::uk_short_date(m.from)),
                },
            })
            .collect(),
        actions: record.open_actions.iter().map(ActionView::from).collect(),
        meetings: record
            .meetings
            .iter()
            .map(|(m, kind)| (MeetingLink::from(m), kind.label()))
            .collect(),
    })
}

/// A document's file, if the public may see the document and witan holds the file.
pub async fn document(
    State(state): State<PublicSite>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let document = state.store.document(parse_id(&id)?).await?;
    crate::downloads::send(state.files.as_deref(), &document, "public, max-age=60").await
}
