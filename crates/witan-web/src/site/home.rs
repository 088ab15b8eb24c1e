//! The home page: upcoming meetings, agendas just published, recent meetings and decisions.

use crate::PublicSite;
use crate::edge::answer::html;
use crate::edge::error::AppError;
use crate::views::{DecisionRow, MeetingLink};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use witan_domain::time;
use witan_store::{DecisionFilter, Page, When};

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
