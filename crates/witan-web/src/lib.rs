//! The HTTP edge: the axum router, its handlers and the page templates.
//!
//! Handlers parse the request, call the store with the reader's [`Audience`], turn what comes back
//! into a view model and render it. They hold no SQL and no rules. Every error becomes an
//! [`AppError`], which logs the cause and shows the reader a plain page without internals.

pub mod api;
mod auth;
mod caching;
mod client;
mod downloads;
mod edge;
mod error;
mod feeds;
mod forms;
pub mod oparl;
mod open_data;
mod pages;
mod query;
mod registers;
pub mod routes;
mod search;
mod views;
mod workspace;

use axum::Router;
use axum::routing::{get, post};
use std::sync::Arc;
use witan_search::{PublicSearch, SearchIndex};
use witan_store::{PublicStore, Store};

pub use caching::PageCache;
pub use client::{Client, TrustedProxies};
pub use edge::{EdgeSettings, RETRY_AFTER_SECS};
pub use error::AppError;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub search: SearchIndex,
    pub cache: Arc<caching::PageCache>,
    /// The use cases of the workspace, over the same store.
    pub workspace: witan_app::Workspace,
    /// Whether cookies are marked `Secure` (and named with `__Host-`) even when no trusted
    /// proxy said the request came over TLS.
    pub secure_cookies: bool,
    /// The proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed ([`Client`]).
    pub trusted_proxies: TrustedProxies,
    /// The site's public address (`https://meetings.example.gov.uk`), which open data uses in
    /// its ids whatever a request says; without it, the host each request names, with the
    /// scheme [`Client`] gives.
    pub public_url: Option<String>,
    /// The limits on requests and the security headers of every answer.
    pub edge: EdgeSettings,
}

impl AppState {
    /// Keeps uploaded document files in `dir` (under their SHA-256) and serves them from there.
    pub fn with_files(
        mut self,
        dir: std::path::PathBuf,
        extractor: witan_import::extract::Extractor,
    ) -> Self {
        self.workspace = self.workspace.with_files(dir, extractor);
        self
    }

    pub fn new(store: Arc<dyn Store>, search: SearchIndex) -> Self {
        Self {
            search,
            cache: Arc::default(),
            workspace: witan_app::Workspace::new(store.clone()),
            secure_cookies: false,
            trusted_proxies: TrustedProxies::default(),
            public_url: None,
            edge: EdgeSettings::default(),
            store,
        }
    }
}

/// What the public site, the JSON API, OParl, the feeds and public downloads can reach: the store
/// and the index as the public reads them, and nothing that writes. Their handlers take
/// `State<PublicSite>`; their router has no other state, so none of them can reach a
/// [`witan_store::Writer`], a privileged read or the workspace.
#[derive(Debug, Clone)]
pub struct PublicSite {
    pub store: PublicStore,
    pub search: PublicSearch,
    pub cache: Arc<caching::PageCache>,
    /// The site's public address, as in [`AppState::public_url`].
    pub public_url: Option<String>,
    /// The folder of document files, if this site keeps them.
    pub files: Option<std::path::PathBuf>,
    /// The proxies believed about the client, as in [`AppState::trusted_proxies`].
    pub trusted_proxies: TrustedProxies,
}

impl From<&AppState> for PublicSite {
    fn from(state: &AppState) -> Self {
        Self {
            store: PublicStore::new(state.store.clone()),
            search: PublicSearch::new(state.search.clone()),
            cache: state.cache.clone(),
            public_url: state.public_url.clone(),
            files: state.workspace.files.clone(),
            trusted_proxies: state.trusted_proxies.clone(),
        }
    }
}

/// The whole site: the public routes of [`routes::PUBLIC`] with the page cache, then public
/// downloads and the workspace outside it.
pub fn router(state: AppState) -> Router {
    let limiter = Arc::new(edge::Limiter::new(&state.edge));
    let settings = Arc::new(state.edge.clone());
    let site = PublicSite::from(&state);
    let (cached, uncached) = routes::public();
    cached
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(caching::etag))
        .layer(axum::middleware::from_fn_with_state(
            site.clone(),
            caching::page_cache,
        ))
        // Files are outside the page cache: they can be larger than it keeps.
        .merge(uncached)
        .with_state(site)
        // The workspace shows exempt material to signed-in readers: outside the page cache.
        .merge(workspace_routes().with_state(state))
        // Every answer, the workspace's and the downloads' included, passes the limits and
        // carries the security headers; a request turned away at the limit carries them too.
        .layer(axum::middleware::from_fn_with_state(limiter, edge::limit))
        .layer(axum::middleware::from_fn_with_state(
            settings,
            edge::security_headers,
        ))
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
