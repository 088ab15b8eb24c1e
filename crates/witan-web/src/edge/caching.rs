//! HTTP caching. Every successful page carries an ETag made from its body, and a request that
//! sends the same tag back gets 304 Not Modified with no body. Rendered pages are kept in a page
//! cache while the store's generation is unchanged, so a repeated page costs a lookup.
//!
//! Which routes the page cache keeps is the route table's to say (`routes::Caching`): the
//! router puts [`page_cache`] in front of those routes alone, so nothing here knows a handler.
//!
//! Only bodies known to be small are held: an answer larger than [`MAX_TAGGED_BYTES`], or one
//! whose size is not known in advance, streams past both untagged and uncached.

use crate::edge::client::{Client, TrustedProxies};
use crate::edge::error::{AppError, Channel, Code};
use crate::edge::latest::Latest;
use axum::body::{Body, Bytes, HttpBody, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::Digest;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use witan_domain::Committee;
use witan_store::{PublicStore, StoreError, Stored};

/// What the page cache reads: the store's generation, the pages kept, and the proxies believed
/// about the scheme a page was asked for in.
#[derive(Debug, Clone)]
pub struct Keeper {
    pub store: PublicStore,
    pub cache: Arc<PageCache>,
    pub trusted_proxies: TrustedProxies,
}

/// Bodies larger than this are passed through untagged rather than held in memory.
const MAX_TAGGED_BYTES: usize = 8 << 20;

/// A response body, held whole when it is known to be small enough to tag and keep.
enum Held {
    Whole(Bytes),
    Streaming(Body),
}

/// Holds `body` whole when its size is known to be at most [`MAX_TAGGED_BYTES`]; otherwise hands
/// it back to stream to the reader as it is.
async fn hold(body: Body) -> Result<Held, axum::Error> {
    match body.size_hint().upper() {
        Some(size) if size <= MAX_TAGGED_BYTES as u64 => {
            to_bytes(body, MAX_TAGGED_BYTES).await.map(Held::Whole)
        }
        _ => Ok(Held::Streaming(body)),
    }
}

/// A body that failed while it was being read (a handler's stream broke): logged, and a 500.
fn broken_body(error: &axum::Error) -> Response {
    tracing::error!(%error, "reading a response body failed");
    AppError::Internal("the answer could not be read".to_owned()).into_response()
}

pub async fn etag(request: Request, next: Next) -> Response {
    let conditional = (request.method() == Method::GET)
        .then(|| request.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let is_get = request.method() == Method::GET;
    let response = next.run(request).await;
    // A page from the page cache was tagged once, when it was kept, and has answered the
    // condition itself: its body is not hashed again on every request.
    if !is_get
        || response.status() != StatusCode::OK
        || response.headers().contains_key(header::ETAG)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match hold(body).await {
        Ok(Held::Whole(bytes)) => bytes,
        Ok(Held::Streaming(body)) => return Response::from_parts(parts, body),
        Err(e) => return broken_body(&e),
    };
    let Some(value) = tag(&mut parts.headers, &bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let matches = matches_tag(conditional.as_ref(), &value);
    if matches {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Tags a whole body: its ETag (from its SHA-256) and, unless the handler chose one, how long it
/// may be kept without asking again. Returns the tag.
fn tag(headers: &mut axum::http::HeaderMap, body: &[u8]) -> Option<HeaderValue> {
    let digest = sha2::Sha256::digest(body);
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    let value = HeaderValue::from_str(&format!("\"{hex}\"")).ok()?;
    headers.insert(header::ETAG, value.clone());
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static(
            "public, max-age=60, must-revalidate",
        ));
    Some(value)
}

/// Whether an If-None-Match header names `tag` (or `*`).
fn matches_tag(conditional: Option<&HeaderValue>, tag: &HeaderValue) -> bool {
    let (Some(conditional), Ok(tag)) = (conditional.and_then(|v| v.to_str().ok()), tag.to_str())
    else {
        return false;
    };
    conditional.split(',').any(|candidate| {
        let candidate = candidate.trim();
        candidate == "*" || candidate.trim_start_matches("W/") == tag
    })
}

/// What a cached page was rendered under: the store's generation, this process's commits, and
/// the minute (pages that list "upcoming" meetings depend on the clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Version {
    generation: u64,
    local: u64,
    minute: i64,
}

#[derive(Debug)]
struct CachedPage {
    version: Version,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
}

impl CachedPage {
    fn respond(&self, conditional: Option<&HeaderValue>, hit: bool) -> Response {
        let fresh = self
            .headers
            .get(header::ETAG)
            .is_some_and(|tag| matches_tag(conditional, tag));
        let mut response = if fresh {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::NOT_MODIFIED;
            r
        } else {
            Response::new(Body::from(self.body.clone()))
        };
        for (name, value) in &self.headers {
            if !(fresh && name == header::CONTENT_LENGTH) {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
        response.headers_mut().insert(
            "x-witan-cache",
            HeaderValue::from_static(if hit { "hit" } else { "miss" }),
        );
        response
    }
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<CachedPage>> for ByBytes {
    fn weight(&self, key: &String, page: &Arc<CachedPage>) -> u64 {
        (key.len() + page.body.len() + 512) as u64
    }
}

/// Every committee, shared.
type Committees = Arc<Vec<Stored<Committee>>>;

/// Rendered public pages, kept while the store has not changed. Holds only responses every
/// reader may see: a request that carries a session must not be answered from here.
pub struct PageCache {
    pages: quick_cache::sync::Cache<String, Arc<CachedPage>, ByBytes>,
    /// The store's generation, as last read (see `latest.rs`).
    generation: Latest,
    /// The store's last search change, as last read.
    search_change: Latest,
    /// Every committee, as of a version of the store: what search's filter offers.
    committees: Mutex<Option<(Version, Committees)>>,
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("bytes", &self.pages.weight())
            .finish()
    }
}

/// How long a generation read from SQLite is trusted: one process per database is the rule
/// there, and another process's writes (a `witan import` beside `witan serve`) may take this long
/// to show.
const GENERATION_TTL: Duration = Duration::from_millis(100);
/// Memory the cache may hold.
const CACHE_BYTES: u64 = 32 << 20;
/// Longer addresses are served but not cached.
const MAX_KEY: usize = 2048;

impl Default for PageCache {
    fn default() -> Self {
        Self::trusting(GENERATION_TTL)
    }
}

impl PageCache {
    /// A cache that reads the store's generation again once it is older than `trust`. Processes
    /// sharing a database use zero: every page served from the cache has checked, by a read that
    /// began after the request arrived, that no process has changed the store since the page was
    /// rendered, so a change made through one process shows through every other at once. The
    /// requests waiting meanwhile share that read (`latest.rs`).
    pub fn trusting(trust: Duration) -> Self {
        Self {
            pages: quick_cache::sync::Cache::with_weighter(4096, CACHE_BYTES, ByBytes),
            generation: Latest::trusting(trust),
            search_change: Latest::trusting(trust),
            committees: Mutex::new(None),
        }
    }

    /// Every committee, read again only when the store has changed (as the page cache sees it):
    /// what a page that is not kept itself (search) shows in its filter.
    pub async fn committees(&self, store: &PublicStore) -> Result<Committees, StoreError> {
        let version = self.version(store).await?;
        let same =
            |kept: &Version| (kept.generation, kept.local) == (version.generation, version.local);
        if let Some((_, committees)) = self
            .committees
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .filter(|(kept, _)| same(kept))
        {
            return Ok(committees);
        }
        let committees = Arc::new(store.committees().await?);
        if let Ok(mut c) = self.committees.lock() {
            *c = Some((version, Arc::clone(&committees)));
        }
        Ok(committees)
    }

    /// The last change of the store's search log, which a search waits for its index to hold.
    /// Read as the generation is: trusted for as long, and read again at once when this process
    /// has committed since, so a change made here is found by the next search here, and one made
    /// by another process sharing the database (where nothing is trusted) by the next search
    /// anywhere.
    pub async fn last_search_change(&self, store: &PublicStore) -> Result<u64, StoreError> {
        self.search_change
            .get(store.local_commits(), || store.last_search_change())
            .await
    }

    async fn version(&self, store: &PublicStore) -> Result<Version, StoreError> {
        let local = store.local_commits();
        let generation = self.generation.get(local, || store.generation()).await?;
        Ok(Version {
            generation,
            local,
            minute: chrono::Utc::now().timestamp() / 60,
        })
    }
}

/// Answers repeated GETs from the page cache while the store is unchanged.
pub async fn page_cache(State(state): State<Keeper>, mut request: Request, next: Next) -> Response {
    // Open data names the scheme and host in its ids (when no public address is configured),
    // so both are part of the key; the scheme as [`Client`] gives it, which believes only a
    // trusted proxy.
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    let scheme = Client::of(
        request.headers(),
        request.extensions(),
        &state.trusted_proxies,
    )
    .scheme();
    let key = format!("{scheme}://{host}{}", request.uri());
    let cacheable = request.method() == Method::GET && key.len() <= MAX_KEY;
    if !cacheable {
        return next.run(request).await;
    }
    let version = match state.cache.version(&state.store).await {
        Ok(version) => version,
        // The page would need the database too: say so at once, in the form the address
        // answers in, rather than wait for the database a second time.
        Err(e) => {
            let e = AppError::from(e);
            if e.code() == Code::Unavailable {
                return Channel::of(request.uri().path()).render(e);
            }
            return next.run(request).await;
        }
    };
    let conditional = request.headers_mut().remove(header::IF_NONE_MATCH);
    if let Some(page) = state.cache.pages.get(&key)
        && page.version == version
    {
        return page.respond(conditional.as_ref(), true);
    }
    // Render the whole page (without the condition) so that it can be kept.
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let body = match hold(body).await {
        Ok(Held::Whole(bytes)) => bytes,
        Ok(Held::Streaming(body)) => return Response::from_parts(parts, body),
        Err(e) => return broken_body(&e),
    };
    // Tagged once, here, rather than by the ETag layer on every answer from the cache.
    tag(&mut parts.headers, &body);
    let page = Arc::new(CachedPage {
        version,
        headers: parts.headers,
        body,
    });
    state.cache.pages.insert(key, page.clone());
    page.respond(conditional.as_ref(), false)
}
