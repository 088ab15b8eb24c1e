//! The HTTP edge: the axum router, its handlers and the page templates.
//!
//! Handlers parse the request, call the store with the reader's [`Audience`], turn what comes back
//! into a view model and render it. They hold no SQL and no rules. Every error becomes an
//! [`AppError`], which logs the cause and shows the reader a plain page without internals.

pub mod api;
mod auth;
mod caching;
mod downloads;
mod error;
mod feeds;
mod forms;
pub mod oparl;
mod open_data;
mod pages;
mod query;
mod registers;
mod search;
mod views;
mod workspace;

use axum::Router;
use axum::routing::{get, post};
use std::sync::Arc;
use witan_search::SearchIndex;
use witan_store::Store;

pub use caching::PageCache;
pub use error::AppError;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub search: SearchIndex,
    pub cache: Arc<caching::PageCache>,
    /// The use cases of the workspace, over the same store.
    pub workspace: witan_app::Workspace,
    /// Whether cookies are marked `Secure` even when the request did not say it came over TLS.
    pub secure_cookies: bool,
    /// The site's public address (`https://meetings.example.gov.uk`), which open data uses in
    /// its ids; without it, the host each request names.
    pub public_url: Option<String>,
}

impl AppState {
    /// Keeps uploaded document files in `dir` (under their SHA-256) and serves them from there.
    pub fn with_files(mut self, dir: std::path::PathBuf) -> Self {
        self.workspace = self.workspace.with_files(dir);
        self
    }

    pub fn new(store: Arc<dyn Store>, search: SearchIndex) -> Self {
        Self {
            search,
            cache: Arc::default(),
            workspace: witan_app::Workspace::new(store.clone()),
            secure_cookies: false,
            public_url: None,
            store,
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
        .route("/api/v1", get(api::index))
        .route("/api/v1/", get(api::index))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/organisations", get(api::organisations))
        .route("/api/v1/organisations/{id}", get(api::organisation))
        .route("/api/v1/committees", get(api::committees))
        .route("/api/v1/committees/{id}", get(api::committee))
        .route("/api/v1/people", get(api::people))
        .route("/api/v1/people/{id}", get(api::person))
        .route("/api/v1/meetings", get(api::meetings))
        .route("/api/v1/meetings/{id}", get(api::meeting))
        .route("/api/v1/issues", get(api::issues))
        .route("/api/v1/issues/{id}", get(api::issue))
        .route("/api/v1/documents", get(api::documents))
        .route("/api/v1/documents/{id}", get(api::document))
        .route("/api/v1/decisions", get(api::decisions))
        .route("/api/v1/decisions/{id}", get(api::decision))
        .route("/api/v1/actions", get(api::actions))
        .route("/api/v1/actions/{id}", get(api::action))
        .route("/api/v1/escalations", get(api::escalations))
        .route("/api/v1/escalations/{id}", get(api::escalation))
        .route("/api/v1/forward-plan", get(api::forward_plan))
        .route("/api/v1/forward-plan/{id}", get(api::forward_plan_entry))
        .route("/api/{*rest}", get(api::not_found))
        .route("/api/v1/search/suggest", get(search::suggest))
        .route("/meetings/{id}", get(pages::meeting))
        .route("/issues/{id}", get(pages::issue))
        .route("/static/witan.css", get(pages::stylesheet))
        .route("/oparl", get(oparl::entry))
        .route("/oparl/v1.1", get(oparl::entry))
        .route("/oparl/v1.1/", get(oparl::entry))
        .route("/oparl/v1.1/system", get(oparl::system))
        .route("/oparl/v1.1/bodies", get(oparl::bodies))
        .route("/oparl/v1.1/body/{id}", get(oparl::body))
        .route(
            "/oparl/v1.1/body/{id}/term/{year}",
            get(oparl::legislative_term),
        )
        .route("/oparl/v1.1/body/{id}/{list}", get(oparl::body_list))
        .route(
            "/oparl/v1.1/organization/{id}/meetings",
            get(oparl::committee_meetings),
        )
        .route(
            "/oparl/v1.1/person/{person}/membership/{id}",
            get(oparl::membership),
        )
        .route("/oparl/v1.1/meeting/{id}/location", get(oparl::location))
        .route("/oparl/v1.1/{kind}/{id}", get(oparl::object))
        .route("/oparl/{*rest}", get(oparl::not_found))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(caching::etag))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            caching::page_cache,
        ))
        // The workspace shows exempt material to signed-in readers: outside the page cache.
        .merge(workspace_routes())
        .with_state(state)
}

/// Sign-in and the clerk's workspace.
fn workspace_routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/account/password",
            get(auth::password_form).post(auth::change_password),
        )
        .route("/workspace", get(workspace::home))
        .route(
            "/workspace/committees/{slug}",
            get(workspace::committee).post(workspace::edit_committee),
        )
        .route(
            "/workspace/committees/{slug}/members",
            post(workspace::add_member),
        )
        .route(
            "/workspace/committees/{slug}/forward-plan",
            post(workspace::add_forward_plan_entry),
        )
        .route("/workspace/committees", post(workspace::add_committee))
        .route(
            "/workspace/committees/{slug}/members/{membership}/end",
            post(workspace::end_membership),
        )
        .route(
            "/workspace/people/{id}",
            get(workspace::person).post(workspace::edit_person),
        )
        .route(
            "/workspace/organisations/{id}",
            post(workspace::edit_organisation),
        )
        .route(
            "/workspace/organisations",
            post(workspace::add_organisation),
        )
        .route("/workspace/setup", get(workspace::setup))
        .route(
            "/workspace/committees/{slug}/meetings",
            post(workspace::schedule),
        )
        .route(
            "/workspace/meetings/{id}",
            get(workspace::meeting).post(workspace::edit_meeting),
        )
        .route(
            "/workspace/meetings/{id}/status",
            post(workspace::meeting_status),
        )
        .route("/workspace/meetings/{id}/items", post(workspace::add_item))
        .route(
            "/workspace/meetings/{id}/attendance",
            post(workspace::attendance),
        )
        .route(
            "/workspace/meetings/{id}/declarations",
            post(workspace::declaration),
        )
        .route(
            "/workspace/meetings/{id}/sign-off",
            post(workspace::sign_off),
        )
        .route("/workspace/items/{id}", post(workspace::edit_item))
        .route(
            "/workspace/decisions/{id}/status",
            post(workspace::decision_status),
        )
        .route(
            "/workspace/meetings/{id}/correction",
            post(workspace::correct),
        )
        .route("/workspace/items/{id}/minutes", post(workspace::minutes))
        .route("/workspace/items/{id}/decisions", post(workspace::decision))
        .route("/workspace/items/{id}/actions", post(workspace::action))
        .route(
            "/workspace/items/{id}/escalations",
            post(workspace::escalation),
        )
        .route("/workspace/items/{id}/release", post(workspace::release))
        .route(
            "/workspace/actions/{id}/updates",
            post(workspace::action_update),
        )
        .route(
            "/workspace/escalations/{id}/consider",
            post(workspace::consider),
        )
        .route(
            "/workspace/escalations/{id}/accept",
            post(workspace::accept_escalation),
        )
        .route(
            "/workspace/escalations/{id}/decline",
            post(workspace::decline_escalation),
        )
        // Files are outside the page cache too: they can be larger than it keeps.
        .route("/documents/{id}", get(pages::document))
        .route("/workspace/documents/{id}", get(workspace::document))
        .route(
            "/workspace/items/{id}/documents",
            post(workspace::upload).layer(axum::extract::DefaultBodyLimit::max(
                witan_app::documents::MAX_UPLOAD_BYTES + (1 << 20),
            )),
        )
        .route("/workspace/exempt", get(workspace::exempt_register))
        .route(
            "/workspace/documents/{id}/release",
            post(workspace::release_document),
        )
        .route("/workspace/audit", get(workspace::audit))
        .route(
            "/workspace/users",
            get(workspace::users).post(workspace::add_user),
        )
        .route("/workspace/users/{id}", post(workspace::change_user))
        .route("/workspace/users/{id}/remove", post(workspace::remove_user))
}
