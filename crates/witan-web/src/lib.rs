//! The HTTP edge: the axum router, its handlers and the page templates.
//!
//! Handlers parse the request, call the store with the reader's [`Audience`], turn what comes back
//! into a view model and render it. They hold no SQL and no rules. Every error becomes an
//! [`AppError`], which logs the cause and shows the reader a plain page without internals.

mod caching;
mod error;
mod feeds;
mod pages;
mod query;
mod registers;
mod search;
mod views;

use axum::Router;
use axum::routing::get;
use std::sync::Arc;
use witan_search::SearchIndex;
use witan_store::Store;

pub use error::AppError;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub search: SearchIndex,
    pub cache: Arc<caching::PageCache>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, search: SearchIndex) -> Self {
        Self {
            store,
            search,
            cache: Arc::default(),
        }
    }
}

/// The whole site.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(pages::healthz))
        .route("/committees", get(pages::committees))
        .route("/committees/{slug}", get(pages::committee))
        .route(
            "/committees/{slug}/escalations/{direction}",
            get(pages::committee_escalations),
        )
        .route(
            "/committees/{slug}/meetings",
            get(pages::committee_meetings),
        )
        .route(
            "/committees/{slug}/calendar.ics",
            get(feeds::committee_meetings),
        )
        .route("/calendar.ics", get(feeds::all_meetings))
        .route("/feeds/decisions.atom", get(feeds::decisions))
        .route("/people/{id}", get(pages::person))
        .route("/people/{id}/meetings", get(pages::person_meetings))
        .route("/decisions", get(registers::decisions))
        .route("/actions", get(registers::actions))
        .route("/forward-plan", get(registers::forward_plan))
        .route("/search", get(search::page))
        .route("/api/v1/search", get(search::api))
        .route("/api/v1/search/suggest", get(search::suggest))
        .route("/meetings/{id}", get(pages::meeting))
        .route("/issues/{id}", get(pages::issue))
        .route("/static/witan.css", get(pages::stylesheet))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(caching::etag))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caching::page_cache,
        ))
        .with_state(state)
}
