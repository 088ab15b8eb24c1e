//! The public site: server-rendered pages that work without JavaScript, the registers, search,
//! feeds and public downloads. Every handler takes `State<PublicSite>`, so none can reach a
//! writer, a privileged read or the workspace.
//!
//! One file per resource; each handler parses the request (with the extractors of
//! [`crate::edge::extract`]), reads with the public audience, converts what it read into view
//! models ([`crate::views`]) and renders a template. Failures are [`AppError`]s, classified and
//! rendered by [`crate::edge::error`].

mod committees;
mod documents;
mod feeds;
mod home;
mod issues;
mod meetings;
mod people;
mod registers;
mod search;

use crate::PublicSite;
use crate::edge::error::AppError;
use crate::routes::Caching;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};

/// Meetings or escalations per page of a committee's or a person's list.
const MEETINGS_PER_PAGE: u32 = 20;

/// The site's routes, for the public route table: path template, caching, handler.
pub(crate) fn routes() -> Vec<(&'static str, Caching, MethodRouter<PublicSite>)> {
    use Caching::{Bypass, Fresh, Pages};
    vec![
        ("/", Pages, get(home::home)),
        ("/healthz", Fresh, get(healthz)),
        ("/static/witan.css", Pages, get(stylesheet)),
        ("/committees", Pages, get(committees::committees)),
        ("/committees/{slug}", Pages, get(committees::committee)),
        (
            "/committees/{slug}/escalations/{direction}",
            Pages,
            get(committees::committee_escalations),
        ),
        (
            "/committees/{slug}/meetings",
            Pages,
            get(committees::committee_meetings),
        ),
        (
            "/committees/{slug}/calendar.ics",
            Pages,
            get(feeds::committee_meetings),
        ),
        ("/committees/{slug}/feed.atom", Pages, get(feeds::committee)),
        ("/calendar.ics", Pages, get(feeds::all_meetings)),
        ("/feeds/decisions.atom", Pages, get(feeds::decisions)),
        ("/people/{id}", Pages, get(people::person)),
        ("/people/{id}/meetings", Pages, get(people::person_meetings)),
        ("/meetings/{id}", Pages, get(meetings::meeting)),
        ("/issues/{id}", Pages, get(issues::issue)),
        ("/issues/{id}/feed.atom", Pages, get(feeds::issue)),
        ("/decisions", Pages, get(registers::decisions)),
        ("/actions", Pages, get(registers::actions)),
        ("/forward-plan", Pages, get(registers::forward_plan)),
        ("/search", Fresh, get(search::page)),
        ("/search/feed.atom", Fresh, get(feeds::search)),
        ("/documents/{id}", Bypass, get(documents::document)),
        ("/api/v1/search", Fresh, get(search::api)),
        ("/api/v1/search/suggest", Fresh, get(search::suggest)),
    ]
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
        include_str!("../../static/witan.css"),
    )
        .into_response()
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
