//! Harvesting a live OParl endpoint: the System (or a Body list), every Body, and each body's
//! organisations, people, papers and meetings, following `links.next` page by page. Later runs
//! ask only for what changed (`modified_since`) since the last complete harvest, which witan
//! remembers per endpoint. Each page is a unit like a file: it lands whole or not at all.
//!
//! Fetching is behind [`Fetch`] so the binary brings the HTTP client (and TLS) and the library
//! stays free of them. Real servers' paging is not trusted: a page seen before ends the list, and a
//! list stops after [`MAX_PAGES`] pages.

use crate::{ImportError, Loaded, Options, Progress, Report, oparl};
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use std::collections::HashSet;
use std::path::PathBuf;
use witan_store::{ImportSource, Store, StoreError};

/// Pages read from one list at most.
pub const MAX_PAGES: usize = 10_000;

/// Gets a URL's body, or says why not.
pub trait Fetch {
    fn get(&self, url: &str) -> Result<String, String>;
    /// A file's bytes (a report to read the text of), at most [`crate::MAX_FILE_BYTES`].
    fn get_bytes(&self, url: &str) -> Result<Vec<u8>, String>;
}

/// Report files fetched in one harvest at most; the rest keep their link without text.
pub const MAX_DOWNLOADS: usize = 10_000;

/// What to harvest.
#[derive(Debug, Clone)]
pub struct Harvest {
    /// The System URL (or a Body list URL).
    pub url: String,
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

/// Every page of a list, in order: (page URL, page text).
fn pages(fetch: &dyn Fetch, first: &str, report: &mut Report) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut next = Some(first.to_owned());
    while let Some(url) = next.take() {
        if !seen.insert(url.clone()) || out.len() >= MAX_PAGES {
            break;
        }
        let text = match fetch.get(&url) {
            Ok(text) => text,
            Err(e) => {
                report.failed.push(crate::Problem {
                    at: url,
                    message: format!("could not be fetched: {e}"),
                });
                break;
            }
        };
        next = serde_json::from_str::<Value>(&text)
            .ok()
            .and_then(|v| v["links"]["next"].as_str().map(str::to_owned));
        out.push((url, text));
    }
    out
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
    let entry = match fetch.get(&target.url) {
        Ok(text) => text,
        Err(e) => {
            report.failed.push(crate::Problem {
                at: target.url.clone(),
                message: format!("could not be fetched: {e}"),
            });
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
    // A System names its body list; otherwise the URL is taken as the body list itself.
    let bodies_url = entry_json["body"]
        .as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| target.url.clone());
    let mut loaded: Vec<Loaded> = Vec::new();
    let mut lists: Vec<(u8, String)> = Vec::new();
    for (url, text) in pages(fetch, &bodies_url, &mut report) {
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
                        lists.push((rank, list.to_owned()));
                    }
                }
            }
        }
        load(&mut loaded, &mut report, url, &text, 0, options);
    }
    lists.sort();
    for (rank, list) in lists {
        for (url, text) in pages(fetch, &with_since(&list, since), &mut report) {
            load(&mut loaded, &mut report, url, &text, rank, options);
        }
    }
    let mut budget = MAX_DOWNLOADS;
    for page in &mut loaded {
        download(fetch, &mut page.batch, &mut budget);
    }
    crate::apply_loaded(store, loaded, options, progress, &mut report).await?;
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

/// Fetches the report files a page's documents link to and reads their digest, size and text
/// (documents::extract), within [`MAX_DOWNLOADS`] a harvest; a file that cannot be fetched or read
/// leaves its document with the link only, and is noted.
fn download(fetch: &dyn Fetch, batch: &mut crate::model::Batch, budget: &mut usize) {
    for (index, url) in std::mem::take(&mut batch.downloads) {
        if *budget == 0 {
            batch.note(
                String::new(),
                format!("{url}: not fetched, {MAX_DOWNLOADS} files were fetched already"),
            );
            continue;
        }
        *budget -= 1;
        let at = batch
            .records
            .get(index)
            .map(|r| r.at.clone())
            .unwrap_or_default();
        let read = fetch
            .get_bytes(&url)
            .and_then(|bytes| crate::documents::extract(&url, &bytes));
        match (read, batch.records.get_mut(index).map(|r| &mut r.draft)) {
            (Ok(extracted), Some(crate::model::Draft::Document { file, text, .. })) => {
                *file = Some(crate::model::FileRead::read(&extracted));
                *text = extracted.text;
            }
            (Err(e), _) => batch.note(
                at,
                format!("{url}: {e}; the document keeps its link without text"),
            ),
            _ => {}
        }
    }
}

fn load(
    loaded: &mut Vec<Loaded>,
    report: &mut Report,
    url: String,
    text: &str,
    rank: u8,
    options: &Options,
) {
    match oparl::parse(text, None, options) {
        Ok(batch) => loaded.push(Loaded {
            path: PathBuf::from(&url),
            batch,
            order: (rank, None, None),
        }),
        Err(e) => report
            .failed
            .push(crate::apply::problem(&url, &e.at, &e.message)),
    }
}
