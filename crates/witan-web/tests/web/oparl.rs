//! OParl 1.1 conformance: a full crawl of the demo store's OParl API from the System object,
//! every object checked against the official JSON schemas (../shared/data/oparl/json-schema-1.1),
//! every reference resolved, every list paged to its end, and bad requests answered with OParl
//! error objects.

use crate::kit::{Site, site};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::path::PathBuf;
use tower::ServiceExt;

const ORIGIN: &str = "http://localhost";
const SCHEMA: &str = "https://schema.oparl.org/1.1/";
/// A bound on the crawl, well above what the demo store needs.
const MAX_REQUESTS: usize = 60_000;

fn schema_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/oparl/json-schema-1.1")
}

/// The official schemas, with their relative `$ref`s ("File.json") answered from the folder.
struct Schemas(HashMap<String, jsonschema::Validator>);

struct Folder(PathBuf);

impl jsonschema::Retrieve for Folder {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let name = uri
            .as_str()
            .strip_prefix(SCHEMA)
            .ok_or_else(|| format!("{uri} is not an OParl 1.1 schema"))?;
        let name = if name.ends_with(".json") {
            name.to_owned()
        } else {
            format!("{name}.json")
        };
        let text = std::fs::read_to_string(self.0.join(&name))?;
        Ok(serde_json::from_str(&text)?)
    }
}

/// An absolute http(s) URL: what OParl's `"format": "url"` means.
fn is_url(value: &str) -> bool {
    (value.starts_with("https://") || value.starts_with("http://"))
        && value.len() > "http://x".len()
        && !value.chars().any(char::is_whitespace)
}

impl Schemas {
    fn load() -> Self {
        let dir = schema_dir();
        let mut validators = HashMap::new();
        for entry in std::fs::read_dir(&dir).expect("the OParl 1.1 schemas") {
            let path = entry.expect("entry").path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let schema: Value =
                serde_json::from_str(&std::fs::read_to_string(&path).expect("schema"))
                    .expect("schema JSON");
            let name = path
                .file_stem()
                .and_then(|s| s.to_str())
                .expect("name")
                .to_owned();
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft7)
                .should_validate_formats(true)
                .should_ignore_unknown_formats(false)
                .with_format("url", is_url)
                .with_retriever(Folder(dir.clone()))
                .build(&schema)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            validators.insert(name, validator);
        }
        assert_eq!(validators.len(), 12, "every OParl 1.1 object type");
        Self(validators)
    }

    /// Schema errors of an object of any OParl type.
    fn check(&self, object: &Value, at: &str) -> Vec<String> {
        let Some(kind) = object["type"].as_str().and_then(|t| t.strip_prefix(SCHEMA)) else {
            return vec![format!("{at}: no OParl 1.1 type: {}", object["type"])];
        };
        let Some(validator) = self.0.get(kind) else {
            return vec![format!("{at}: unknown type {kind}")];
        };
        validator
            .iter_errors(object)
            .map(|e| format!("{at} ({kind}): {e} at {}", e.instance_path()))
            .collect()
    }
}

async fn fetch(site: &Site, url: &str) -> (StatusCode, Value, bool) {
    let path = url.strip_prefix(ORIGIN).unwrap_or(url);
    let response = site
        .router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let cors = response
        .headers()
        .get("access-control-allow-origin")
        .is_some_and(|v| v == "*");
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    let value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{url}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    (status, value, cors)
}

/// Every OParl address in a value, and every embedded object (with an id and a type) by id.
fn walk<'v>(value: &'v Value, links: &mut Vec<String>, embedded: &mut Vec<&'v Value>, top: bool) {
    match value {
        Value::String(s) if s.starts_with(&format!("{ORIGIN}/oparl/")) => links.push(s.clone()),
        Value::Array(items) => {
            for item in items {
                walk(item, links, embedded, false);
            }
        }
        Value::Object(map) => {
            if !top && map.contains_key("id") && map.contains_key("type") {
                embedded.push(value);
            }
            for item in map.values() {
                walk(item, links, embedded, false);
            }
        }
        _ => {}
    }
}

/// An object without its times: an embedded copy may leave them to its parent.
fn timeless(value: &Value) -> Value {
    let mut value = value.clone();
    if let Value::Object(map) = &mut value {
        map.remove("created");
        map.remove("modified");
    }
    value
}

#[derive(Default)]
struct Crawl {
    requests: usize,
    objects: BTreeMap<String, usize>,
    list_pages: usize,
    failures: Vec<String>,
}

async fn crawl(site: &Site, schemas: &Schemas, start: &str) -> Crawl {
    let mut report = Crawl::default();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut queue: VecDeque<String> = VecDeque::new();
    // Embedded copies, to compare with the object at their address.
    let mut copies: Vec<(String, Value)> = Vec::new();
    queue.push_back(start.to_owned());
    seen.insert(start.to_owned());
    while let Some(url) = queue.pop_front() {
        report.requests += 1;
        assert!(report.requests <= MAX_REQUESTS, "the crawl did not end");
        let (status, value, cors) = fetch(site, &url).await;
        if status != StatusCode::OK {
            report.failures.push(format!(
                "dangling reference: {url} answers {status}: {value}"
            ));
            continue;
        }
        if !cors {
            report.failures.push(format!("{url}: no CORS header"));
        }
        let mut links = Vec::new();
        let mut embedded = Vec::new();
        if let Some(data) = value.get("data") {
            report.list_pages += 1;
            let Some(items) = data.as_array() else {
                report.failures.push(format!("{url}: data is not a list"));
                continue;
            };
            for key in ["pagination", "links"] {
                if !value[key].is_object() {
                    report
                        .failures
                        .push(format!("{url}: a list page without {key}"));
                }
            }
            if value["links"]["self"].as_str() != Some(url.as_str()) {
                report.failures.push(format!(
                    "{url}: links.self is {}, not the page's address",
                    value["links"]["self"]
                ));
            }
            for (i, item) in items.iter().enumerate() {
                let at = format!("{url}#/data/{i}");
                report.failures.extend(schemas.check(item, &at));
                *report
                    .objects
                    .entry(item["type"].as_str().unwrap_or("?").to_owned())
                    .or_default() += 1;
                if let Some(id) = item["id"].as_str() {
                    copies.push((id.to_owned(), item.clone()));
                }
                walk(item, &mut links, &mut embedded, true);
            }
            if let Some(next) = value["links"]["next"].as_str() {
                links.push(next.to_owned());
            }
        } else {
            report.failures.extend(schemas.check(&value, &url));
            if value["id"].as_str() != Some(url.as_str()) {
                report
                    .failures
                    .push(format!("{url}: id is {}, not its address", value["id"]));
            }
            walk(&value, &mut links, &mut embedded, true);
        }
        for object in embedded {
            report.failures.extend(schemas.check(object, &url));
            if let Some(id) = object["id"].as_str() {
                copies.push((id.to_owned(), object.clone()));
            }
        }
        for link in links {
            if seen.insert(link.clone()) {
                queue.push_back(link);
            }
        }
    }
    // An embedded copy says what the object at its address says, except a File's text, which
    // only the File's own answer carries (a list page or a meeting stays small).
    let mut checked = 0;
    for (id, copy) in copies {
        let (status, mut standalone, _) = fetch(site, &id).await;
        checked += 1;
        if copy["type"] == format!("{SCHEMA}File") {
            if copy.get("text").is_some() {
                report
                    .failures
                    .push(format!("{id}: a listed or embedded File carries its text"));
            }
            if let Value::Object(map) = &mut standalone {
                map.remove("text");
            }
        }
        if status != StatusCode::OK {
            report
                .failures
                .push(format!("{id}: embedded, but its address answers {status}"));
        } else if timeless(&standalone) != timeless(&copy) {
            report.failures.push(format!(
                "{id}: the embedded copy differs from the object at its address:\n  {copy}\n  {standalone}"
            ));
        }
    }
    assert!(checked > 0, "embedded objects were compared");
    report
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_oparl_crawl_validates_with_no_dangling_references() {
    let site = site().await;
    let schemas = Schemas::load();
    // The control: the validator is strict about formats, nested objects and mandatory fields.
    let broken = serde_json::json!({
        "id": "meeting 1",
        "type": format!("{SCHEMA}Meeting"),
        "start": "yesterday",
        "agendaItem": [{"id": format!("{ORIGIN}/x"), "type": format!("{SCHEMA}AgendaItem")}],
        "location": {"id": format!("{ORIGIN}/y"), "type": format!("{SCHEMA}Location"), "meetings": "z"},
    });
    let errors = schemas.check(&broken, "control");
    assert_eq!(errors.len(), 4, "{errors:#?}");
    let report = crawl(&site, &schemas, &format!("{ORIGIN}/oparl/v1.1/system")).await;
    let shown: Vec<&String> = report.failures.iter().take(20).collect();
    assert!(
        report.failures.is_empty(),
        "{} failures, the first: {shown:#?}",
        report.failures.len()
    );
    eprintln!(
        "{} requests, {} list pages, objects in lists: {:?}",
        report.requests, report.list_pages, report.objects
    );
    // The crawl reached every kind of record the demo has, as many as the store publishes.
    let counts = site.store.counts().await.expect("counts");
    let listed = |kind: &str| {
        report
            .objects
            .get(&format!("{SCHEMA}{kind}"))
            .copied()
            .unwrap_or_default()
    };
    assert_eq!(listed("Body") as u64, counts.organisations);
    // Every meeting is listed under each body that owns its committee: at least once.
    assert!(
        listed("Meeting") as u64 >= counts.meetings,
        "{report:?}",
        report = report.objects
    );
    assert!(listed("Organization") as u64 >= counts.committees);
    assert!(listed("Paper") > 0 && listed("File") > 0 && listed("Person") > 0);
}

#[tokio::test]
async fn oparl_lists_filter_by_time_and_page_with_a_stable_cursor() {
    let site = site().await;
    let body = "/oparl/v1.1/body/1/meetings";
    // Pages of 7 walk the same meetings, in the same order, as one page of 500.
    let (_, whole, _) = fetch(&site, &format!("{body}?elementsPerPage=500")).await;
    let all: Vec<&str> = whole["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert!(all.len() > 14, "enough meetings to page");
    let mut paged = Vec::new();
    let mut next = Some(format!("{ORIGIN}{body}?elementsPerPage=7"));
    while let Some(url) = next.take() {
        let (status, page, _) = fetch(&site, &url).await;
        assert_eq!(status, StatusCode::OK, "{url}");
        assert_eq!(page["pagination"]["elementsPerPage"], 7);
        assert!(page["data"].as_array().expect("data").len() <= 7);
        for m in page["data"].as_array().expect("data") {
            paged.push(m["id"].as_str().expect("id").to_owned());
        }
        next = page["links"]["next"].as_str().map(str::to_owned);
        assert!(paged.len() <= all.len(), "paging does not end");
    }
    assert_eq!(paged, all);

    // omit_internal leaves embedded objects out of list entries, and says so in its links.
    let (_, full, _) = fetch(&site, &format!("{body}?elementsPerPage=50")).await;
    let (_, lean, _) = fetch(
        &site,
        &format!("{body}?elementsPerPage=50&omit_internal=true"),
    )
    .await;
    let embedded = |page: &Value, field: &str| {
        page["data"]
            .as_array()
            .expect("data")
            .iter()
            .filter(|m| m.get(field).is_some())
            .count()
    };
    assert!(embedded(&full, "agendaItem") > 0 && embedded(&full, "location") > 0);
    assert_eq!(
        (embedded(&lean, "agendaItem"), embedded(&lean, "location")),
        (0, 0)
    );
    assert_eq!(
        embedded(&lean, "start"),
        lean["data"].as_array().map_or(0, Vec::len)
    );
    assert!(
        lean["links"]["next"]
            .as_str()
            .is_some_and(|n| n.contains("omit_internal=true")),
        "{}",
        lean["links"]
    );

    // Nothing was modified after the far future; everything was created before it.
    let (_, later, _) = fetch(
        &site,
        &format!("{body}?modified_since=2100-01-01T00%3A00%3A00%2B00%3A00"),
    )
    .await;
    assert_eq!(later["data"].as_array().map(Vec::len), Some(0));
    let (_, before, _) = fetch(
        &site,
        &format!("{body}?created_until=2100-01-01T00%3A00%3A00Z&elementsPerPage=500"),
    )
    .await;
    assert_eq!(before["data"].as_array().map(Vec::len), Some(all.len()));

    // A change after a moment is all that modified_since from that moment lists, and the
    // filter stays on the next links.
    std::thread::sleep(std::time::Duration::from_millis(20));
    let since = chrono::Utc::now();
    std::thread::sleep(std::time::Duration::from_millis(20));
    let meeting: i64 = all[3]
        .rsplit('/')
        .next()
        .and_then(|n| n.parse().ok())
        .expect("id");
    let record = site
        .store
        .meeting_record(
            witan_domain::Id::new(meeting),
            witan_domain::Audience::Privileged,
        )
        .await
        .expect("meeting");
    let mut w = site.store.begin().await.expect("begin");
    let people: Vec<_> = record
        .attendance
        .iter()
        .map(|a| (a.person.id, witan_domain::AttendanceKind::Apologies))
        .collect();
    w.set_attendance(record.meeting.id, &people)
        .await
        .expect("attendance");
    w.commit().await.expect("commit");
    let stamp = since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let (status, changed, _) = fetch(
        &site,
        &format!(
            "{body}?modified_since={}&elementsPerPage=1",
            stamp.replace(':', "%3A")
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    let ids: Vec<&str> = changed["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, vec![all[3]]);
    assert!(changed["links"].get("next").is_none(), "{changed}");
    assert!(
        changed["links"]["self"]
            .as_str()
            .is_some_and(|s| s.contains("modified_since=")),
        "{changed}"
    );
}

#[tokio::test]
async fn bad_oparl_requests_get_error_objects_naming_the_parameter() {
    let site = site().await;
    for (path, status, names) in [
        (
            "/oparl/v1.1/bodies?modified_since=yesterday",
            400,
            "modified_since",
        ),
        (
            "/oparl/v1.1/bodies?created_since=2024-13-01T00:00:00Z",
            400,
            "created_since",
        ),
        ("/oparl/v1.1/body/1/meetings?after=abc", 400, "after"),
        (
            "/oparl/v1.1/body/1/meetings?elementsPerPage=0",
            400,
            "elementsPerPage",
        ),
        (
            "/oparl/v1.1/body/1/meetings?elementsPerPage=100000",
            400,
            "elementsPerPage",
        ),
        (
            "/oparl/v1.1/body/1/papers?omit_internal=maybe",
            400,
            "omit_internal",
        ),
        (
            "/oparl/v1.1/body/1/papers?modifed_since=2024-01-01T00:00:00Z",
            400,
            "modifed_since",
        ),
        ("/oparl/v1.1/meeting/999999999", 404, ""),
        ("/oparl/v1.1/meeting/abc", 404, ""),
        ("/oparl/v1.1/meeting/-1", 404, ""),
        ("/oparl/v1.1/body/999/meetings", 404, ""),
        ("/oparl/v1.1/body/1/nothing", 404, ""),
        ("/oparl/v1.1/body/1/term/1066", 404, ""),
        ("/oparl/v1.1/agendaitem/999999999", 404, ""),
        ("/oparl/v1.1/consultation/999999999", 404, ""),
        ("/oparl/v1.1/person/1/membership/999999999", 404, ""),
        ("/oparl/v1.1/widget/1", 404, ""),
        ("/oparl/v1.1/a/b/c/d", 404, ""),
    ] {
        let (got, value, cors) = fetch(&site, path).await;
        assert_eq!(got.as_u16(), status, "{path}: {value}");
        assert!(cors, "{path}: CORS on errors too");
        assert_eq!(value["type"], format!("{SCHEMA}Error"), "{path}");
        let message = value["message"].as_str().expect("a message");
        assert!(message.contains(names), "{path}: {message}");
    }
    // The entry points lead to the System.
    for path in ["/oparl", "/oparl/v1.1/"] {
        let response = site
            .router
            .clone()
            .oneshot(Request::get(path).body(Body::empty()).expect("request"))
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{path}");
        assert_eq!(response.headers()["location"], "/oparl/v1.1/system");
    }
}

/// The `id` of the System object as `router` answers `request`.
async fn system_id(router: &axum::Router, request: Request<Body>) -> String {
    let response = router.clone().oneshot(request).await.expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let system: Value = serde_json::from_slice(&bytes).expect("JSON");
    system["id"].as_str().expect("an id").to_owned()
}

/// A request for the System object that claims to have come over TLS, from `peer` if given.
fn claiming_tls(peer: Option<&str>) -> Request<Body> {
    let mut request = Request::get("/oparl/v1.1/system")
        .header("x-forwarded-proto", "https")
        .body(Body::empty())
        .expect("request");
    if let Some(peer) = peer {
        let peer: std::net::SocketAddr = peer.parse().expect("address");
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
    }
    request
}

fn plain() -> Request<Body> {
    Request::get("/oparl/v1.1/system")
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn x_forwarded_proto_from_an_untrusted_peer_does_not_change_oparl_ids() {
    let site = site().await;
    let system = format!("{ORIGIN}/oparl/v1.1/system");
    // From a peer nobody said to trust (and from no known peer at all), the claim is ignored,
    // and the page cache does not keep it for the next reader.
    assert_eq!(system_id(&site.router, claiming_tls(None)).await, system);
    assert_eq!(
        system_id(&site.router, claiming_tls(Some("203.0.113.9:5000"))).await,
        system
    );
    assert_eq!(system_id(&site.router, plain()).await, system);

    // From a trusted proxy it holds, for that request only: the cache keeps the schemes apart.
    let proxied = site.router_with(|mut state| {
        state.trusted_proxies = witan_web::TrustedProxies::parse(&["10.0.0.0/8"]).expect("proxies");
        state
    });
    assert_eq!(
        system_id(&proxied, claiming_tls(Some("10.1.2.3:443"))).await,
        "https://localhost/oparl/v1.1/system"
    );
    assert_eq!(system_id(&proxied, plain()).await, system);
    assert_eq!(system_id(&site.router, plain()).await, system);

    // A configured public address wins over whatever a request says.
    let public = site.router_with(|mut state| {
        state.public_url = Some("https://meetings.example.gov.uk".into());
        state.cache = std::sync::Arc::default();
        state
    });
    assert_eq!(
        system_id(&public, plain()).await,
        "https://meetings.example.gov.uk/oparl/v1.1/system"
    );
}
