//! The edge of the site: the headers every answer carries to keep browsers safe, and the limits
//! that keep a flood of requests from taking unbounded memory or time. Overload is answered at
//! once with a 503 that says when to come back, never by queueing.
//!
//! The limits on connections (how many are open, how long a request's header may take to
//! arrive) belong to the server loop of the binary; these are the limits on requests.

use crate::edge::error::{AppError, Channel, RETRY_AFTER_SECS};
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;

/// What a deployment may set about the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EdgeSettings {
    /// Requests handled at once; a request beyond them is answered 503 at once.
    pub max_concurrent_requests: usize,
    /// The longest a request may take until its answer begins (reading an upload included);
    /// after it the reader gets a 503 and the work is dropped.
    pub request_timeout: Duration,
    /// Whether answers carry Strict-Transport-Security: witan speaks plain HTTP behind a proxy
    /// that ends TLS, so only the deployment knows that every reader arrives over TLS.
    pub hsts: bool,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        Self {
            max_concurrent_requests: 64,
            request_timeout: Duration::from_secs(60),
            hsts: false,
        }
    }
}

/// The policy for every page: nothing but witan's own stylesheet, no scripts at all (the site
/// works without them), no plugins, no framing by other sites, forms only to witan itself.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";

/// One year, as browsers' preload lists expect.
const HSTS: &str = "max-age=31536000";

/// Adds the security headers to every answer (pages, JSON, feeds, downloads, errors), keeping
/// any a handler set itself.
pub async fn security_headers(
    State(settings): State<Arc<EdgeSettings>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(HeaderName, &'static str); 4] = [
        (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // Addresses of meetings and searches stay on the site; other sites learn the origin.
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ];
    for (name, value) in fixed {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    if settings.hsts {
        headers
            .entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert(HeaderValue::from_static(HSTS));
    }
    if response.status() == StatusCode::SERVICE_UNAVAILABLE {
        // Browsers, crawlers and harvesters come back later rather than treat the page as gone.
        response
            .headers_mut()
            .entry(header::RETRY_AFTER)
            .or_insert(HeaderValue::from(RETRY_AFTER_SECS));
    }
    response
}

/// The requests being handled, and how long each may take.
#[derive(Debug)]
pub struct Limiter {
    permits: Arc<Semaphore>,
    timeout: Duration,
    /// When overload was last logged (seconds since 1970), so that a flood logs once a second.
    last_logged: AtomicU64,
}

impl Limiter {
    pub fn new(settings: &EdgeSettings) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(settings.max_concurrent_requests.max(1))),
            timeout: settings.request_timeout,
            last_logged: AtomicU64::new(0),
        }
    }

    fn log_once_a_second(&self, what: &str, path: &str) {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        if self.last_logged.swap(now, Ordering::Relaxed) != now {
            tracing::warn!(path, "{what}; answering 503 (logged once a second)");
        }
    }
}

/// Admits a request while fewer than the limit are being handled, and ends it with a 503 when
/// it takes longer than the request timeout. Health checks pass, so that a busy process is not
/// taken for a dead one.
pub async fn limit(State(limiter): State<Arc<Limiter>>, request: Request, next: Next) -> Response {
    if request.uri().path() == "/healthz" {
        return next.run(request).await;
    }
    let path = request.uri().path().to_owned();
    let Ok(_permit) = limiter.permits.clone().try_acquire_owned() else {
        limiter.log_once_a_second("too many requests at once", &path);
        return busy(&path);
    };
    match tokio::time::timeout(limiter.timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            limiter.log_once_a_second("a request took longer than the request timeout", &path);
            busy(&path)
        }
    }
}

/// "Busy, come back shortly", in the form the address answers in.
fn busy(path: &str) -> Response {
    Channel::of(path).render(AppError::Busy)
}
