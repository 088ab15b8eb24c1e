//! The committees: the list by organisation, each committee's page, its past meetings and
//! its escalations.

use super::MEETINGS_PER_PAGE;
use crate::PublicSite;
use crate::edge::answer::html;
use crate::edge::error::AppError;
use crate::edge::extract::{Paging, Params};
use crate::views::{ActionView, EscalationView, MeetingLink, Pager};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::Utc;
use std::collections::HashMap;
use witan_domain::{ActionStatus, CommitteeOwners, MembershipRole, time};
use witan_store::{ActionFilter, Direction, Page, When};

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    follow_field: &'static str,
    follow_id: i64,
    follow_label: String,
    follow_feed: String,
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
        follow_field: "committee",
        follow_id: committee.id.get(),
        follow_label: committee.name.to_string(),
        follow_feed: format!("/committees/{}/feed.atom", committee.slug),
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
