//! The test site: a router over a store, its search index and page cache, with a request helper
//! that reads whole answers and a signed-in user at hand. The records come from the demo
//! generator ([`Site::demo`]) or from the store kit's builders ([`Site::over`]).

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use std::sync::Arc;
use tower::ServiceExt;
use witan_domain::{Email, OrganisationId, Role, Title, User};
use witan_store::Store;
use witan_store::suite::kit::{TempDir, shared_sqlite};

pub(crate) struct Site {
    pub(crate) _dir: TempDir,
    pub(crate) store: Arc<dyn Store>,
    /// The index the router reads, built over the store when the site was made.
    pub(crate) search: witan_search::SearchIndex,
    /// The state the router was made with, for routers configured otherwise over the same store,
    /// index and page cache.
    pub(crate) state: witan_web::AppState,
    pub(crate) router: axum::Router,
}

impl Site {
    /// The demo store (3,000 items, seed 7) behind the site.
    pub(crate) async fn demo() -> Self {
        let (dir, store) = shared_sqlite().await;
        witan_demo::generate(
            store.as_ref(),
            witan_demo::Options {
                items: 3_000,
                seed: 7,
            },
            &mut |_| {},
        )
        .await
        .expect("demo");
        Self::over(dir, store).await
    }

    /// A site over `store` (whose files live in `dir`), with its search index built.
    pub(crate) async fn over(dir: TempDir, store: Arc<dyn Store>) -> Self {
        let (search, _) =
            witan_search::SearchIndex::open(&dir.path().join("search")).expect("search index");
        witan_search::Indexer::new(&search, store.clone(), "test".into())
            .expect("indexer")
            .rebuild(&mut |_| {})
            .await
            .expect("index built");
        let state = witan_web::AppState::new(store.clone(), search.clone()).with_files(
            dir.path().join("files"),
            witan_import::extract::Extractor::InProcess,
        );
        let router = witan_web::router(state.clone());
        Site {
            _dir: dir,
            store,
            search,
            state,
            router,
        }
    }

    /// A router over the same store, index and page cache, with its state changed by `change`.
    pub(crate) fn router_with(
        &self,
        change: impl FnOnce(witan_web::AppState) -> witan_web::AppState,
    ) -> axum::Router {
        witan_web::router(change(self.state.clone()))
    }
}

/// The demo site.
pub(crate) async fn site() -> Site {
    Site::demo().await
}

/// A whole answer: its status, headers and body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: String,
}

impl Answer {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(crate) fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("cookie").to_owned())
            .collect()
    }

    /// The value of the first hidden `csrf` field on the page.
    pub(crate) fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.body[at..].split('"').next().expect("value").to_owned()
    }
}

/// Sends a request to the site's router and reads the whole answer.
pub(crate) async fn send(site: &Site, request: Request<Body>) -> Answer {
    send_to(&site.router, request).await
}

/// Sends a request to a router and reads the whole answer.
pub(crate) async fn send_to(router: &axum::Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        // Downloads may be binary; every page is UTF-8 and reads the same either way.
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A page as a reader without a session gets it: its status and body, which must be UTF-8.
pub(crate) async fn get(site: &Site, path: &str) -> (StatusCode, String) {
    let response = site
        .router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .expect("body");
    (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
}

pub(crate) async fn get_as(site: &Site, path: &str, cookie: &str) -> Answer {
    let mut request = Request::get(path);
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    send(site, request.body(Body::empty()).expect("request")).await
}

pub(crate) async fn post_as(
    site: &Site,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let mut request =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    send(
        site,
        request.body(Body::from(body.join("&"))).expect("request"),
    )
    .await
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) fn far_future() -> chrono::DateTime<chrono::Utc> {
    "2100-01-01T00:00:00Z".parse().expect("date")
}

/// The password of every account the tests add.
pub(crate) const PASSWORD: &str = "correct horse battery staple";

pub(crate) async fn add_user(
    site: &Site,
    email: &str,
    role: Role,
    organisation: Option<OrganisationId>,
) {
    let hash = witan_app::accounts::hash_password(PASSWORD)
        .await
        .expect("hash");
    let user = User::new(
        Email::parse("email", email).expect("email"),
        Title::parse("name", email).expect("name"),
        role,
        organisation,
    )
    .expect("user");
    let mut w = site.store.begin().await.expect("begin");
    w.create_user(&user, &hash).await.expect("user");
    w.commit().await.expect("commit");
}

/// Signs in through the form; returns the session cookie and a CSRF token of the session.
pub(crate) async fn sign_in(site: &Site, email: &str) -> (String, String) {
    let form = get_as(site, "/login", "").await;
    let login_cookie = form.cookies()[0]
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    let answer = post_as(
        site,
        "/login",
        &login_cookie,
        &[
            ("csrf", &form.csrf()),
            ("next", "/workspace"),
            ("email", email),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let session = answer
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("witan_session="))
        .expect("session cookie");
    let cookie = session.split(';').next().expect("cookie").to_owned();
    let page = get_as(site, "/workspace", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    (cookie, page.csrf())
}
