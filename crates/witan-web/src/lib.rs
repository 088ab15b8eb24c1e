//! The HTTP edge: the axum router, its handlers and the page templates.
//!
//! Handlers parse the request, call the store with the reader's [`Audience`], turn what comes back
//! into a view model and render it. They hold no SQL and no rules. Every error becomes an
//! [`AppError`], which logs the cause and shows the reader a plain page without internals.

pub mod api;
mod edge;
mod follow;
pub mod oparl;
mod open_data;
pub mod routes;
mod site;
mod views;
mod workspace;

use axum::Router;
use std::sync::Arc;
use witan_search::{PublicSearch, SearchIndex};
use witan_store::{PublicStore, Store};

pub use edge::caching::PageCache;
pub use edge::client::{Client, TrustedProxies};
pub use edge::error::{AppError, RETRY_AFTER_SECS};
pub use edge::limits::EdgeSettings;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub search: SearchIndex,
    pub cache: Arc<PageCache>,
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
    pub cache: Arc<PageCache>,
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

impl axum::extract::FromRef<AppState> for TrustedProxies {
    fn from_ref(state: &AppState) -> Self {
        state.trusted_proxies.clone()
    }
}

impl axum::extract::FromRef<PublicSite> for TrustedProxies {
    fn from_ref(site: &PublicSite) -> Self {
        site.trusted_proxies.clone()
    }
}

/// The site as messages name it: `public_url`, or the default address when none is set.
pub fn site_of(public_url: Option<&str>) -> witan_app::following::Site {
    witan_app::following::Site::new(public_url.unwrap_or("http://127.0.0.1:8080"), "witan")
}

/// The whole site: the public routes of [`routes::paths`] (with the page cache in front of
/// those it keeps), then public downloads and the workspace outside it.
pub fn router(state: AppState) -> Router {
    let limiter = Arc::new(edge::limits::Limiter::new(&state.edge));
    let settings = Arc::new(state.edge.clone());
    let site = PublicSite::from(&state);
    let keeper = edge::caching::Keeper {
        store: site.store.clone(),
        cache: site.cache.clone(),
        trusted_proxies: site.trusted_proxies.clone(),
    };
    let routes::Public { kept, fresh, files } = routes::public();
    kept.fallback(site::not_found)
        .layer(axum::middleware::from_fn_with_state(
            keeper,
            edge::caching::page_cache,
        ))
        // Health and search are tagged but not kept: search answers from the index, which
        // follows the store a moment later.
        .merge(fresh)
        .layer(axum::middleware::from_fn(edge::caching::etag))
        // Files are outside the page cache: they can be larger than it keeps.
        .merge(files)
        .with_state(site)
        // Following writes through its own use cases and answers private links: outside the
        // page cache and the public route table.
        .merge(follow::router().with_state(follow::FollowSite {
            following: witan_app::following::Following::new(
                state.store.clone(),
                site_of(state.public_url.as_deref()),
            ),
            trusted_proxies: state.trusted_proxies.clone(),
        }))
        // The workspace shows exempt material to signed-in readers: outside the page cache.
        .merge(workspace::router().with_state(state))
        // Every answer, the workspace's and the downloads' included, passes the limits and
        // carries the security headers; a request turned away at the limit carries them too.
        .layer(axum::middleware::from_fn_with_state(
            limiter,
            edge::limits::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            settings,
            edge::limits::security_headers,
        ))
}
