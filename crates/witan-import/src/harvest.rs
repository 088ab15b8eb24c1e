//! Harvesting a live OParl endpoint: the System (or a Body list), every Body, and each body's
//! organisations, people, papers and meetings, following `links.next` page by page. Later runs
//! ask only for what changed (`modified_since`) since the last complete harvest, which witan
//! remembers per endpoint. Each page is a unit like a file: it lands whole or not at all.
//!
//! Every URL the endpoint names (a list, a `links.next`, a File's `accessUrl`, a redirect's
//! `Location`) is checked by the harvest's [`Scope`] before it is asked for: the harvested origin
//! and the hosts the operator allowed, nothing else (see [`crate::scope`]). Redirects are
//! followed here, at most [`MAX_REDIRECTS`], each hop checked again.
//!
//! Pages are applied as they arrive (with the report files they link to), so a harvest holds one
//! page at a time, not the endpoint. A record two pages describe differently (a File a paper
//! and a meeting both embed) is written as each page describes it in turn, the later page last.
//!
//! Fetching is behind [`Fetch`] so the binary brings the HTTP client (and TLS) and the library
//! stays free of them; a fetcher is handed only [`Permitted`] URLs, and must hold the addresses
//! it connects to to the URL's [`crate::scope::AddressRule`]. Real servers' paging is not
//! trusted: a page seen before ends the list, and a list stops after [`MAX_PAGES`] pages.

use crate::run::{Loaded, Report, Sink};
use crate::scope::{AllowedHost, Permitted, Refusal, Scope};
use crate::{ImportError, Options, Problem, Progress, oparl};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;
use witan_store::{ImportSource, Store, StoreError};

/// Pages read from one list at most.
pub const MAX_PAGES: usize = 10_000;
/// Report files fetched in one harvest at most; the rest keep their link without text.
pub const MAX_DOWNLOADS: usize = 10_000;
/// Redirects followed from one URL at most.
pub const MAX_REDIRECTS: usize = 5;
/// Lists (a body's organisations, people, papers or meetings) read in one harvest at most: four
/// for each of a thousand bodies.
pub const MAX_LISTS: usize = 4_000;
/// Text the documents of one page may bring in, at most: a page is applied whole, so this bounds
/// what it holds; documents past it keep their link without text.
pub const MAX_PAGE_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// One answer to a GET.
#[derive(Debug)]
pub enum Answer {
    /// A successful answer: its `Content-Type` and body.
    Body {
        content_type: Option<String>,
        bytes: Vec<u8>,
    },
    /// A redirect (301, 302, 303, 307, 308) and its `Location`, not followed.
    Redirect { location: String },
}

/// Why a GET brought nothing.
#[derive(Debug)]
pub enum FetchError {
    /// The fetcher would not connect: the host's addresses broke the address rule.
    Refused(Refusal),
    /// The server could not be reached, answered an error, or sent more than the limit.
    Failed(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Refused(refusal) => write!(f, "{refusal}"),
            Self::Failed(e) => write!(f, "could not be fetched: {e}"),
        }
    }
}

impl FetchError {
    /// The reason, naming `url` (what was asked for) unless a refusal names the URL already.
    fn about(&self, url: &str) -> String {
        match self {
            Self::Refused(refusal) => refusal.to_string(),
            Self::Failed(e) => format!("{url}: could not be fetched: {e}"),
        }
    }
}

impl From<Refusal> for FetchError {
    fn from(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// Makes one GET, following no redirect.
pub trait Fetch {
    /// GETs `url`, sending `accept`, and connects only to the addresses its
    /// [`Permitted::addresses`] rule keeps. A 2xx answer's body is read up to `limit` bytes (more
    /// is an error); a redirect is returned unfollowed; any other status is an error.
    fn get(&self, url: &Permitted, accept: &str, limit: u64) -> Result<Answer, FetchError>;
}

/// What to harvest.
#[derive(Debug, Clone)]
pub struct Harvest {
    /// The System URL (or a Body list URL).
    pub url: String,
    /// Hosts fetched from besides the URL's origin (report files on another server, a server on
    /// the operator's own network).
    pub allowed: Vec<AllowedHost>,
    /// Ask for objects modified since this instant; `None` uses the time of the last complete
    /// harvest of this endpoint, or harvests everything the first time.
    pub since: Option<DateTime<Utc>>,
    /// When this harvest starts: remembered as the next run's `modified_since`.
    pub now: DateTime<Utc>,
}

fn memory_key(url: &str) -> String {
    format!("harvest:oparl:{url}")
}

/// `url` with `modified_since` added to its query.
fn with_since(url: &str, since: Option<DateTime<Utc>>) -> String {
    match since {
        None => url.to_owned(),
        Some(t) => {
            let joiner = if url.contains('?') { '&' } else { '?' };
            let stamp = t.to_rfc3339_opts(SecondsFormat::Secs, true);
            format!("{url}{joiner}modified_since={}", stamp.replace('+', "%2B"))
        }
    }
}

fn parse_json(text: &str) -> Result<Value, ImportError> {
    serde_json::from_str(text).map_err(|e| {
        ImportError::at(
            format!("line {}", e.line()),
            format!("not valid JSON ({e})"),
        )
    })
}

/// What a GET within the scope brought.
struct Fetched {
    content_type: Option<String>,
    bytes: Vec<u8>,
}

/// GETs `url` within `scope`, following redirects that stay within it, at most
/// [`MAX_REDIRECTS`], within [`crate::MAX_FILE_BYTES`].
fn get(fetch: &dyn Fetch, scope: &Scope, url: &str, accept: &str) -> Result<Fetched, FetchError> {
    let mut hop = scope.permit(url)?;
    for _ in 0..=MAX_REDIRECTS {
        match fetch.get(&hop, accept, crate::MAX_FILE_BYTES)? {
            Answer::Body {
                content_type,
                bytes,
            } => {
                return Ok(Fetched {
                    content_type,
                    bytes,
                });
            }
            Answer::Redirect { location } => {
                let next = hop.join(&location)?;
                hop = scope
                    .permit(&next)
                    .map_err(|r| r.redirected_from(hop.as_str()))?;
            }
        }
    }
    Err(FetchError::Failed(format!(
        "more than {MAX_REDIRECTS} redirects"
    )))
}

/// A page's text, or the problem that stops its list.
fn get_page(fetch: &dyn Fetch, scope: &Scope, url: &str) -> Result<String, Problem> {
    let problem = |message: String| Problem {
        at: url.to_owned(),
        message,
    };
    let fetched = get(fetch, scope, url, "application/json").map_err(|e| problem(e.to_string()))?;
    String::from_utf8(fetched.bytes).map_err(|e| {
        problem(format!(
            "the page is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The pages of one list, one at a time.
struct List {
    next: Option<String>,
    seen: HashSet<String>,
}

impl List {
    fn new(first: String) -> Self {
        Self {
            next: Some(first),
            seen: HashSet::new(),
        }
    }

    /// The next page's URL and text; `None` at the end of the list, or when a page could not be
    /// had (then the report says why).
    fn next(
        &mut self,
        fetch: &dyn Fetch,
        scope: &Scope,
        report: &mut Report,
    ) -> Option<(String, String)> {
        let url = self.next.take()?;
        if self.seen.len() >= MAX_PAGES || !self.seen.insert(url.clone()) {
            return None;
        }
        match get_page(fetch, scope, &url) {
            Ok(text) => {
                self.next = serde_json::from_str::<Value>(&text)
                    .ok()
                    .and_then(|v| v["links"]["next"].as_str().map(str::to_owned));
                Some((url, text))
            }
            Err(problem) => {
                report.failed.push(problem);
                None
            }
        }
    }
}

/// Harvests an endpoint into the store.
pub async fn harvest(
    store: &dyn Store,
    fetch: &dyn Fetch,
    target: &Harvest,
    options: &Options,
    progress: &mut dyn Progress,
) -> Result<Report, StoreError> {
    let mut report = Report::default();
    let scope = match Scope::new(&target.url, &target.allowed) {
        Ok(scope) => scope,
        Err(refusal) => {
            report.failed.push(Problem {
                at: target.url.clone(),
                message: refusal.to_string(),
            });
            return Ok(report);
        }
    };
    let since = match target.since {
        Some(since) => Some(since),
        None => {
            let mut writer = store.begin().await?;
            let remembered = writer.import_sources(&[memory_key(&target.url)]).await?;
            drop(writer);
            remembered
                .first()
                .and_then(|s| DateTime::parse_from_rfc3339(&s.fingerprint).ok())
                .map(|t| t.with_timezone(&Utc))
        }
    };
    let entry = match get_page(fetch, &scope, &target.url) {
        Ok(text) => text,
        Err(problem) => {
            report.failed.push(problem);
            return Ok(report);
        }
    };
    let entry_json = match parse_json(&entry) {
        Ok(v) => v,
        Err(e) => {
            report
                .failed
                .push(crate::apply::problem(&target.url, &e.at, &e.message));
            return Ok(report);
        }
    };
    drop(entry);
    // A System names its body list; otherwise the URL is taken as the body list itself.
    let bodies_url = entry_json["body"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| target.url.clone());
    let mut sink = Sink::new(store, options).await?;
    let mut budget = MAX_DOWNLOADS;
    let mut lists: Vec<(u8, String)> = Vec::new();
    let mut body_pages = List::new(bodies_url);
    while let Some((url, text)) = body_pages.next(fetch, &scope, &mut report) {
        if let Ok(page) = parse_json(&text) {
            let bodies: Vec<&Value> = match &page["data"] {
                Value::Array(items) => items.iter().collect(),
                _ if page["type"].is_string() => vec![&page],
                _ => Vec::new(),
            };
            for body in bodies {
                for (rank, field) in [
                    (1, "organization"),
                    (2, "person"),
                    (3, "paper"),
                    (4, "meeting"),
                ] {
                    if let Some(list) = body[field].as_str() {
                        if lists.len() < MAX_LISTS {
                            lists.push((rank, list.to_owned()));
                        } else {
                            report.failed.push(Problem {
                                at: list.to_owned(),
                                message: format!(
                                    "not read: a harvest reads at most {MAX_LISTS} lists"
                                ),
                            });
                        }
                    }
                }
            }
        }
        let page = load(&mut report, url, &text, 0, options);
        drop(text);
        apply_page(
            &mut sink,
            (fetch, &scope),
            page,
            &mut budget,
            &options.extractor,
            progress,
            &mut report,
        )
        .await?;
    }
    // Organisations before the people who sit on them, papers before the meetings that
    // consider them, whichever body lists them.
    lists.sort();
    lists.dedup();
    for (rank, list) in lists {
        let mut pages = List::new(with_since(&list, since));
        while let Some((url, text)) = pages.next(fetch, &scope, &mut report) {
            let page = load(&mut report, url, &text, rank, options);
            drop(text);
            apply_page(
                &mut sink,
                (fetch, &scope),
                page,
                &mut budget,
                &options.extractor,
                progress,
                &mut report,
            )
            .await?;
        }
    }
    drop(sink);
    if report.failed.is_empty() && !options.dry_run {
        let mut writer = store.begin().await?;
        writer
            .remember_import_source(&ImportSource {
                key: memory_key(&target.url),
                kind: "harvest".to_owned(),
                record_id: 0,
                fingerprint: target.now.to_rfc3339_opts(SecondsFormat::Secs, true),
            })
            .await?;
        writer.commit().await?;
    }
    Ok(report)
}

/// Fetches the report files a parsed page links to (from `fetch`, within `scope`), then applies
/// the page.
async fn apply_page(
    sink: &mut Sink<'_>,
    (fetch, scope): (&dyn Fetch, &Scope),
    page: Option<Loaded>,
    budget: &mut usize,
    extractor: &crate::extract::Extractor,
    progress: &mut dyn Progress,
    report: &mut Report,
) -> Result<(), StoreError> {
    let Some(mut page) = page else {
        return Ok(());
    };
    download(fetch, scope, &mut page.batch, budget, extractor);
    sink.apply(vec![page], None, progress, report).await
}

/// Fetches the report files a page's documents link to and reads their digest, size, media type
/// (from the bytes and the answer's `Content-Type`, never the link) and text (through the
/// extractor, in a child process under limits), within [`MAX_DOWNLOADS`] a harvest and
/// [`MAX_PAGE_TEXT_BYTES`] a page; a file that cannot be fetched leaves its document with the
/// link only, one whose text cannot be read is kept without text, and both are noted.
fn download(
    fetch: &dyn Fetch,
    scope: &Scope,
    batch: &mut crate::model::Batch,
    budget: &mut usize,
    extractor: &crate::extract::Extractor,
) {
    let mut text_left = MAX_PAGE_TEXT_BYTES;
    for (index, url) in std::mem::take(&mut batch.downloads) {
        let at = batch
            .records
            .get(index)
            .map(|r| r.at.clone())
            .unwrap_or_default();
        if *budget == 0 {
            batch.note(
                at,
                format!("{url}: not fetched, {MAX_DOWNLOADS} files were fetched already"),
            );
            continue;
        }
        if text_left == 0 {
            batch.note(
                at,
                format!(
                    "{url}: not fetched, this page's documents hold {} MiB of text already",
                    MAX_PAGE_TEXT_BYTES / 1024 / 1024
                ),
            );
            continue;
        }
        *budget -= 1;
        let fetched = match get(fetch, scope, &url, "*/*") {
            Ok(fetched) => fetched,
            Err(e) => {
                batch.note(
                    at,
                    format!(
                        "{}; the document keeps its link without text",
                        e.about(&url)
                    ),
                );
                continue;
            }
        };
        let media =
            crate::documents::fetched_media_type(fetched.content_type.as_deref(), &fetched.bytes);
        let file = crate::documents::DocumentFile::typed(&media, fetched.bytes);
        let mut read = match file.text(extractor) {
            Ok(text) => text,
            Err(e) => {
                batch.note(
                    at.clone(),
                    format!(
                        "{url}: text could not be read: {e}; the document is kept without text"
                    ),
                );
                String::new()
            }
        };
        if read.len() > text_left {
            read = String::new();
            batch.note(
                at.clone(),
                format!(
                    "{url}: its text was not kept, this page's documents hold {} MiB of text \
                     already",
                    MAX_PAGE_TEXT_BYTES / 1024 / 1024
                ),
            );
        }
        text_left -= read.len();
        if let Some(crate::model::Draft::Document {
            file: read_file,
            text,
            ..
        }) = batch.records.get_mut(index).map(|r| &mut r.draft)
        {
            *read_file = Some(crate::model::FileRead::read(&file));
            *text = read;
        }
    }
}

fn load(
    report: &mut Report,
    url: String,
    text: &str,
    rank: u8,
    options: &Options,
) -> Option<Loaded> {
    match oparl::parse(text, None, options) {
        Ok(batch) => Some(Loaded {
            path: PathBuf::from(&url),
            batch,
            order: (rank, None, None),
        }),
        Err(e) => {
            report
                .failed
                .push(crate::apply::problem(&url, &e.at, &e.message));
            None
        }
    }
}
