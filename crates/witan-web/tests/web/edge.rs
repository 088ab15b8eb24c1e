//! The edge through the router: the security headers of every kind of answer, overload and slow
//! requests answered with a 503 at once, answers larger than the caches hold, and feeds that
//! link to the configured public address.

use crate::kit::{Site, site};
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use chrono::{Duration, Utc};
use serde_json::Value;
use sha2::Digest;
use std::time::Instant;
use tower::ServiceExt;
use witan_domain::{
    AgendaItem, Document, ItemNumber, MediaType, Meeting, MeetingStatus, MeetingTimes, Minutes,
    Resolution, Sha256, Text, Visibility,
};
use witan_store::suite::kit::title;

async fn answer(router: &axum::Router, request: Request<Body>) -> (Response<()>, Vec<u8>) {
    let response = router.clone().oneshot(request).await.expect("response");
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 << 20).await.expect("body");
    (Response::from_parts(parts, ()), bytes.to_vec())
}

async fn get_from(router: &axum::Router, path: &str) -> (Response<()>, Vec<u8>) {
    answer(
        router,
        Request::get(path)
            .header(header::HOST, "127.0.0.1:8080")
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

/// About a mebibyte of plain words, numbered so that no two are alike.
fn megabyte_text(n: usize) -> String {
    let mut text = String::with_capacity(1_000_000);
    let mut word = 0;
    while text.len() < 999_900 {
        text.push_str(&format!("paragraph {n} word {word} "));
        word += 1;
    }
    text.trim_end().to_owned()
}

/// A router over `site`'s store with the settings `change` makes.
fn router_with(site: &Site, change: impl FnOnce(&mut witan_web::AppState)) -> axum::Router {
    let (search, _) = witan_search::SearchIndex::open(&site._dir.path().join("search-edge"))
        .expect("search index");
    let mut state = witan_web::AppState::new(site.store.clone(), search).with_files(
        site._dir.path().join("files"),
        witan_import::extract::Extractor::InProcess,
    );
    change(&mut state);
    witan_web::router(state)
}

fn assert_security_headers(response: &Response<()>, path: &str) {
    let headers = response.headers();
    let csp = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{path}: no Content-Security-Policy"));
    // A file is sandboxed and loads nothing; a page may load witan's own stylesheet and post
    // its own forms.
    let directives: &[&str] = if csp.starts_with("sandbox") {
        &[
            "default-src 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    } else {
        &[
            "default-src 'none'",
            "style-src 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    };
    for directive in directives {
        assert!(csp.contains(directive), "{path}: {csp} lacks {directive}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("script-src"),
        "{path}: {csp}"
    );
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "strict-origin-when-cross-origin"),
    ] {
        assert_eq!(
            headers.get(&name).and_then(|v| v.to_str().ok()),
            Some(value),
            "{path}: {name}"
        );
    }
}

#[tokio::test]
async fn pages_api_oparl_and_downloads_carry_security_headers() {
    let site = site().await;
    // A document with its file in the files folder, to download.
    let bytes = b"%PDF-1.4 the budget report".to_vec();
    let digest: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let path = witan_app::documents::file_path(&site._dir.path().join("files"), &digest);
    std::fs::create_dir_all(path.parent().expect("folder")).expect("files folder");
    std::fs::write(&path, &bytes).expect("file");
    let (_, list) = crate::kit::get(&site, "/api/v1/documents?limit=1").await;
    let list: Value = serde_json::from_str(&list).expect("JSON");
    let item = list["data"][0]["item"]
        .as_i64()
        .expect("a public document's item");
    let mut w = site.store.begin().await.expect("begin");
    let document = w
        .create_document(&Document {
            item: Some(witan_domain::Id::new(item)),
            issue: None,
            name: title("Budget report"),
            media_type: MediaType::parse("media_type", "application/pdf").expect("type"),
            size_bytes: bytes.len() as u64,
            sha256: Some(Sha256::parse("sha256", &digest).expect("digest")),
            text: Text::parse("text", "the budget report").expect("text"),
            visibility: Visibility::Public,
        })
        .await
        .expect("document");
    w.commit().await.expect("commit");

    let (response, body) = get_from(&site.router, &format!("/documents/{document}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body, bytes, "the download is the file");
    assert_security_headers(&response, "a download");
    assert!(
        response.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .is_ok_and(|csp| csp.starts_with("sandbox;")),
        "a download is sandboxed"
    );
    for path in [
        "/",
        "/committees",
        "/search?q=budget",
        "/api/v1/meetings?limit=2",
        "/api/openapi.json",
        "/api/v1/nowhere",
        "/oparl/v1.1/system",
        "/oparl/v1.1/nowhere",
        "/calendar.ics",
        "/feeds/decisions.atom",
        "/static/witan.css",
        "/login",
        "/workspace",
        "/nowhere",
        "/healthz",
    ] {
        let (response, body) = get_from(&site.router, path).await;
        assert!(
            response.status().as_u16() < 500,
            "{path}: {}",
            response.status()
        );
        assert_security_headers(&response, path);
        // The policy allows no scripts and no styles but the site's stylesheet: a page that
        // carried either would be broken by it.
        let html = String::from_utf8_lossy(&body).to_lowercase();
        for refused in ["<script", "<style", " style=", "javascript:", " on"] {
            let found = match refused {
                // Event handler attributes (onclick=…), not words beginning "on".
                " on" => html.match_indices(" on").any(|(at, _)| {
                    let rest = &html[at + 3..];
                    let name: String = rest.chars().take_while(char::is_ascii_alphabetic).collect();
                    !name.is_empty() && rest[name.len()..].starts_with('=')
                }),
                other => html.contains(other),
            };
            assert!(!found, "{path}: the page has {refused}");
        }
        // witan speaks plain HTTP unless told every reader arrives over TLS.
        assert!(
            !response
                .headers()
                .contains_key(header::STRICT_TRANSPORT_SECURITY),
            "{path}: HSTS without being asked"
        );
    }
    // A cached page keeps them too.
    get_from(&site.router, "/committees").await;
    let (again, _) = get_from(&site.router, "/committees").await;
    assert_eq!(
        again.headers().get("x-witan-cache").map(|v| v.as_bytes()),
        Some(&b"hit"[..])
    );
    assert_security_headers(&again, "a cached page");

    let tls = router_with(&site, |state| state.edge.hsts = true);
    for path in ["/", "/api/v1/meetings?limit=1", "/oparl/v1.1/system"] {
        let (response, _) = get_from(&tls, path).await;
        assert_eq!(
            response
                .headers()
                .get(header::STRICT_TRANSPORT_SECURITY)
                .and_then(|v| v.to_str().ok()),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

/// A body that sends a few bytes and then nothing, ever.
struct Stalled(Option<axum::body::Bytes>);

impl axum::body::HttpBody for Stalled {
    type Data = axum::body::Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        match self.0.take() {
            Some(bytes) => std::task::Poll::Ready(Some(Ok(http_body::Frame::data(bytes)))),
            None => std::task::Poll::Pending,
        }
    }
}

/// A `POST /login` whose form never finishes arriving: a handler that waits for as long as the
/// client likes, holding its place among the requests being handled.
fn stalled_sign_in() -> Request<Body> {
    Request::post("/login")
        .header(header::HOST, "127.0.0.1:8080")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, "1000")
        .body(Body::new(Stalled(Some(axum::body::Bytes::from_static(
            b"email=a%40b.c&pass",
        )))))
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_beyond_the_limit_are_answered_503_at_once_and_slow_ones_end() {
    let site = site().await;
    let router = router_with(&site, |state| {
        state.edge.max_concurrent_requests = 2;
        state.edge.request_timeout = std::time::Duration::from_secs(2);
    });
    let started = Instant::now();
    let held: Vec<_> = (0..2)
        .map(|_| {
            let router = router.clone();
            tokio::spawn(async move { answer(&router, stalled_sign_in()).await })
        })
        .collect();
    // Both stalled requests are being handled once a request is turned away; nothing else is
    // asked until they are in, or a reader let in first would leave one of them turned away.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let mut turned_away = 0;
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        let (response, _) = get_from(&router, "/committees").await;
        if response.status() == StatusCode::SERVICE_UNAVAILABLE {
            turned_away += 1;
            break;
        }
    }
    assert_eq!(turned_away, 1, "the third request at once was turned away");
    // Twice as many again, each answered at once, in the form its address answers in.
    for path in ["/", "/api/v1/meetings", "/oparl/v1.1/system", "/login"] {
        let asked = Instant::now();
        let (response, body) = get_from(&router, path).await;
        assert!(
            asked.elapsed() < std::time::Duration::from_millis(500),
            "{path}"
        );
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(
            response
                .headers()
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()),
            Some(witan_web::RETRY_AFTER_SECS.to_string().as_str()),
            "{path}"
        );
        assert_security_headers(&response, path);
        let body = String::from_utf8(body).expect("utf-8");
        if path.starts_with("/api/") {
            let value: Value = serde_json::from_str(&body).expect("an API error");
            assert_eq!(value["error"]["code"], "unavailable");
        } else if path.starts_with("/oparl") {
            let value: Value = serde_json::from_str(&body).expect("an OParl error");
            assert_eq!(value["type"], "https://schema.oparl.org/1.1/Error");
        } else {
            assert!(body.contains("witan is busy"), "{path}: {body}");
        }
    }
    // Health checks still answer: a busy process is not a dead one.
    let (health, _) = get_from(&router, "/healthz").await;
    assert_eq!(health.status(), StatusCode::OK);
    // The stalled requests end at the request timeout, and their places are free again.
    for held in held {
        let (response, _) = held.await.expect("task");
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
    let waited = started.elapsed();
    assert!(
        waited >= std::time::Duration::from_secs(2) && waited < std::time::Duration::from_secs(10),
        "{waited:?}"
    );
    let (response, _) = get_from(&router, "/committees").await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_over_eight_mebibytes_are_not_empty_500s() {
    let site = site().await;
    let committees = site.store.committees().await.expect("committees");
    let committee = committees.first().expect("a committee");
    let organisation = committee.owners.organisations()[0];
    let start = Utc::now() - Duration::days(3);
    let mut w = site.store.begin().await.expect("begin");
    let meeting = w
        .create_meeting(&Meeting {
            committee: committee.id,
            times: MeetingTimes::new(start, Some(start + Duration::hours(2))).expect("times"),
            location: None,
            status: MeetingStatus::MinutesDraft,
            agenda_published: Some(start - Duration::days(7)),
        })
        .await
        .expect("meeting");
    let mut documents = Vec::new();
    for n in 0..10 {
        let item = w
            .create_item(&AgendaItem {
                meeting,
                position: n + 1,
                number: ItemNumber::parse("number", &(n + 1).to_string()).expect("number"),
                title: title(&format!("Long report {n}")),
                issue: None,
                visibility: Visibility::Public,
            })
            .await
            .expect("item");
        w.create_minutes(
            item,
            1,
            &Minutes {
                text: Text::parse("text", &megabyte_text(n as usize)).expect("minutes"),
                resolution: Resolution::default(),
            },
        )
        .await
        .expect("minutes");
        documents.push(
            w.create_document(&Document {
                item: Some(item),
                issue: None,
                name: title(&format!("Appendix {n}")),
                media_type: MediaType::parse("media_type", "text/plain").expect("type"),
                size_bytes: 1_000_000,
                sha256: None,
                text: Text::parse("text", &megabyte_text(100 + n as usize)).expect("text"),
                visibility: Visibility::Public,
            })
            .await
            .expect("document"),
        );
    }
    w.commit().await.expect("commit");
    let first = documents[0].get();

    // Ten mebibytes of minutes in one meeting: the whole answer, streamed past the caches.
    for path in [
        format!("/api/v1/meetings/{meeting}"),
        format!("/oparl/v1.1/meeting/{meeting}"),
    ] {
        for round in ["first", "again"] {
            let (response, body) = get_from(&site.router, &path).await;
            assert_eq!(response.status(), StatusCode::OK, "{path} {round}");
            assert!(body.len() > 8 << 20, "{path}: {} bytes", body.len());
            let value: Value = serde_json::from_slice(&body).expect("JSON");
            assert!(value.is_object(), "{path}");
            assert!(
                !response.headers().contains_key(header::ETAG),
                "{path}: no tag over a body too large to hold"
            );
        }
    }

    // Lists of documents carry an excerpt, never the whole text.
    let (response, body) = get_from(
        &site.router,
        &format!("/api/v1/documents?limit=200&cursor={}", first - 1),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.len() < 64 << 10, "{} bytes", body.len());
    let page: Value = serde_json::from_slice(&body).expect("JSON");
    let entries = page["data"].as_array().expect("data");
    assert_eq!(entries.len(), 10);
    for entry in entries {
        let excerpt = entry["excerpt"].as_str().expect("an excerpt");
        assert!(excerpt.chars().count() <= 501, "{excerpt}");
        assert!(excerpt.starts_with("paragraph 1"), "{excerpt}");
        assert!(excerpt.ends_with('…'), "{excerpt}");
        assert_eq!(entry["text_complete"], false);
        assert!(entry.get("text").is_none());
    }
    // The document's own answer has it whole.
    let (response, body) = get_from(&site.router, &format!("/api/v1/documents/{first}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let whole: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(whole["text"].as_str(), Some(megabyte_text(100).as_str()));

    // OParl: the body's file list and the meeting's agenda carry no file text; the File does.
    let (response, body) = get_from(
        &site.router,
        &format!(
            "/oparl/v1.1/body/{organisation}/files?after={}&elementsPerPage=500",
            first - 1
        ),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(body.len() < 64 << 10, "{} bytes", body.len());
    let page: Value = serde_json::from_slice(&body).expect("JSON");
    let files = page["data"].as_array().expect("data");
    assert_eq!(files.len(), 10);
    assert!(files.iter().all(|f| f.get("text").is_none()));
    let (_, body) = get_from(&site.router, &format!("/oparl/v1.1/meeting/{meeting}")).await;
    let value: Value = serde_json::from_slice(&body).expect("JSON");
    let embedded: Vec<&Value> = value["agendaItem"]
        .as_array()
        .expect("items")
        .iter()
        .flat_map(|item| item["auxiliaryFile"].as_array().into_iter().flatten())
        .collect();
    assert_eq!(embedded.len(), 10, "{}", value["agendaItem"][0]);
    assert!(embedded.iter().all(|f| f.get("text").is_none()));
    let (response, body) = get_from(&site.router, &format!("/oparl/v1.1/file/{first}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let file: Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(file["text"].as_str(), Some(megabyte_text(100).as_str()));
}

#[tokio::test]
async fn feeds_link_to_the_public_url() {
    let site = site().await;
    let router = router_with(&site, |state| {
        state.public_url = Some("https://meetings.example.gov.uk".to_owned());
    });
    for path in ["/calendar.ics", "/feeds/decisions.atom"] {
        let (response, body) = answer(
            &router,
            Request::get(path)
                .header(header::HOST, "internal-host:8080")
                .body(Body::empty())
                .expect("request"),
        )
        .await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let body = String::from_utf8(body).expect("utf-8");
        assert!(
            body.contains("https://meetings.example.gov.uk/meetings/"),
            "{path}: {}",
            &body[..body.len().min(2000)]
        );
        assert!(!body.contains("internal-host"), "{path}");
        // Every address but the Atom namespace's is under the public one.
        assert!(
            !body
                .replace("xmlns=\"http://www.w3.org/2005/Atom\"", "")
                .contains("http://"),
            "{path}: a link not under the public address"
        );
    }
    let (_, calendar) = get_from(&router, "/calendar.ics").await;
    let calendar = String::from_utf8(calendar).expect("utf-8");
    assert!(
        calendar.contains("@meetings.example.gov.uk\r\n"),
        "event ids name the public host"
    );
}
