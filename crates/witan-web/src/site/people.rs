//! A person's page and every meeting they were recorded at.

use super::MEETINGS_PER_PAGE;
use crate::PublicSite;
use crate::edge::answer::html;
use crate::edge::error::AppError;
use crate::edge::extract::{self, Paging, Params, PathId};
use crate::views::{ActionView, MeetingLink, Pager};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use std::collections::HashMap;
use witan_domain::time;

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
    // The page is read before the id, so a bad page number is a 400 whatever the id.
    let paging = Paging::new(Params::new(raw).page()?, MEETINGS_PER_PAGE);
    let id = extract::id(&id)?;
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
    PathId(id): PathId<witan_domain::Person>,
) -> Result<Response, AppError> {
    let record = state.store.person_record(id).await?;
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
