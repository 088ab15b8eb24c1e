//! Feeds: iCalendar (RFC 5545) for meetings; Atom (RFC 4287) for decisions, and for each
//! committee, issue and saved search a resident can follow (the same things the follow form
//! offers by email).

use super::search::Committees;
use crate::PublicSite;
use crate::edge::error::AppError;
use crate::edge::extract::{Params, PathId};
use crate::open_data::Base;
use crate::views::ItemView;
use askama::Template;
use axum::extract::Query;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, NaiveDate, SecondsFormat, Utc};
use std::collections::HashMap;
use witan_domain::{MeetingStatus, Term, time};
use witan_search::{SearchRequest, Sort};
use witan_store::{DecisionFilter, DecisionRecord, MeetingSummary, Page, When};

/// How far back a calendar reaches, and how many meetings it holds at most.
const CALENDAR_DAYS_BACK: i64 = 365;
const CALENDAR_LIMIT: u32 = 500;

/// Escapes a TEXT value (RFC 5545 3.3.11).
fn ics_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets without splitting a character (RFC 5545 3.1).
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn ics_time(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn calendar(name: &str, meetings: &[MeetingSummary], base: &str) -> Response {
    let mut out = String::new();
    let now = ics_time(Utc::now());
    for line in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//witan//meetings//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ] {
        ics_line(&mut out, line);
    }
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(name)));
    ics_line(&mut out, "X-WR-TIMEZONE:Europe/London");
    for m in meetings {
        let meeting = &m.meeting;
        let start = meeting.times.start();
        let end = meeting.times.end().unwrap_or(start + Duration::hours(2));
        let host = base.split_once("://").map_or(base, |(_, host)| host);
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(
            &mut out,
            &format!("UID:meeting-{}@{}", meeting.id, ics_text(host)),
        );
        ics_line(&mut out, &format!("DTSTAMP:{now}"));
        ics_line(&mut out, &format!("DTSTART:{}", ics_time(start)));
        ics_line(&mut out, &format!("DTEND:{}", ics_time(end)));
        ics_line(
            &mut out,
            &format!("SUMMARY:{}", ics_text(&m.committee.name)),
        );
        if let Some(location) = &meeting.location {
            ics_line(
                &mut out,
                &format!("LOCATION:{}", ics_text(location.as_str())),
            );
        }
        ics_line(&mut out, &format!("URL:{base}/meetings/{}", meeting.id));
        ics_line(
            &mut out,
            &format!("DESCRIPTION:{}", ics_text(meeting.status.label())),
        );
        let status = if meeting.status == MeetingStatus::Cancelled {
            "CANCELLED"
        } else {
            "CONFIRMED"
        };
        ics_line(&mut out, &format!("STATUS:{status}"));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    (
        [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
        out,
    )
        .into_response()
}

/// Meetings of every committee from a year ago onwards.
pub async fn all_meetings(
    State(state): State<PublicSite>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let since = Utc::now() - Duration::days(CALENDAR_DAYS_BACK);
    let meetings = state
        .store
        .meetings(None, When::From(since), Page::first(CALENDAR_LIMIT))
        .await?;
    Ok(calendar("Meetings", &meetings, &base))
}

pub async fn committee_meetings(
    State(state): State<PublicSite>,
    Path(slug): Path<String>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let since = Utc::now() - Duration::days(CALENDAR_DAYS_BACK);
    let meetings = state
        .store
        .meetings(
            Some(committee.id),
            When::From(since),
            Page::first(CALENDAR_LIMIT),
        )
        .await?;
    Ok(calendar(committee.name.as_str(), &meetings, &base))
}

/// One entry of an Atom feed; times in RFC 3339.
struct Entry {
    id: String,
    title: String,
    updated: String,
    link: String,
    summary: String,
    key: bool,
    author: String,
}

/// An Atom feed of public records (RFC 4287): the decisions, a committee's or an issue's.
#[derive(Template)]
#[template(path = "feed.atom", escape = "xml")]
struct Feed {
    title: String,
    subtitle: String,
    /// The page the feed follows, which is also the feed's id.
    page: String,
    self_link: String,
    updated: String,
    entries: Vec<Entry>,
}

/// Entries a feed holds at most, newest first.
const FEED_ENTRIES: usize = 50;

fn atom_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn atom_day(d: NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

impl Feed {
    /// A feed of `entries`, newest first and at most [`FEED_ENTRIES`], updated when the newest
    /// was; `page` is the path of the page the feed follows, `feed` the feed's own.
    fn new(
        (title, subtitle): (String, String),
        base: &str,
        (page, feed): (&str, &str),
        mut entries: Vec<Entry>,
    ) -> Self {
        // Stable: entries of one time keep the order they were read in.
        entries.sort_by(|a, b| b.updated.cmp(&a.updated));
        entries.truncate(FEED_ENTRIES);
        Self {
            title,
            subtitle,
            page: format!("{base}{page}"),
            self_link: format!("{base}{feed}"),
            updated: entries
                .first()
                .map(|e| e.updated.clone())
                .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned()),
            entries,
        }
    }

    fn answer(self) -> Result<Response, AppError> {
        Ok((
            [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
            self.render()?,
        )
            .into_response())
    }
}

fn decision_entry(r: &DecisionRecord, base: &str) -> Entry {
    Entry {
        id: format!("{base}/decisions#decision-{}", r.decision.id.get()),
        title: r.decision.title.to_string(),
        updated: atom_day(r.decision.decided_on),
        link: match (r.meeting, &r.item_number) {
            (Some(m), Some(n)) => format!("{base}/meetings/{m}#item-{n}"),
            _ => format!("{base}/decisions"),
        },
        summary: r.decision.text.to_string(),
        key: r.decision.key_decision,
        author: r
            .committee
            .as_ref()
            .map(|c| c.name.clone())
            .unwrap_or_else(|| "Officer decision".to_owned()),
    }
}

/// The latest public decisions.
pub async fn decisions(
    State(state): State<PublicSite>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let records = state
        .store
        .decisions(&DecisionFilter::default(), Page::first(FEED_ENTRIES as u32))
        .await?;
    let entries = records.iter().map(|r| decision_entry(r, &base)).collect();
    Feed::new(
        (
            "Decisions".to_owned(),
            "The latest decisions published with witan".to_owned(),
        ),
        &base,
        ("/decisions", "/feeds/decisions.atom"),
        entries,
    )
    .answer()
}

/// A committee's meetings (as their papers are published) and its decisions.
pub async fn committee(
    State(state): State<PublicSite>,
    Path(slug): Path<String>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let store = &state.store;
    let committee = store.committee_by_slug(&slug).await?;
    let now = Utc::now();
    let page = Page::first(FEED_ENTRIES as u32);
    let mut meetings = store
        .meetings(Some(committee.id), When::From(now), page)
        .await?;
    meetings.extend(
        store
            .meetings(Some(committee.id), When::Before(now), page)
            .await?,
    );
    let filter = DecisionFilter {
        committee: Some(committee.id),
        ..DecisionFilter::default()
    };
    let mut entries: Vec<Entry> = store
        .decisions(&filter, page)
        .await?
        .iter()
        .map(|r| decision_entry(r, &base))
        .collect();
    entries.extend(meetings.iter().map(|m| {
        let meeting = &m.meeting;
        let start = meeting.times.start();
        let day = time::london_date(start).format("%-d %B %Y");
        let link = format!("{base}/meetings/{}", meeting.id);
        Entry {
            id: link.clone(),
            title: format!("{}, {day}: {}", committee.name, meeting.status.label()),
            // Told when its agenda was published, or else when it meets.
            updated: atom_time(meeting.agenda_published.map_or(start, |p| p.min(start))),
            link,
            summary: format!(
                "The meeting of {} on {day}{}.",
                committee.name,
                meeting
                    .location
                    .as_ref()
                    .map(|l| format!(" at {l}"))
                    .unwrap_or_default()
            ),
            key: false,
            author: committee.name.to_string(),
        }
    }));
    Feed::new(
        (
            committee.name.to_string(),
            format!("Meetings and decisions of {}", committee.name),
        ),
        &base,
        (
            &format!("/committees/{}", committee.slug),
            &format!("/committees/{}/feed.atom", committee.slug),
        ),
        entries,
    )
    .answer()
}

/// Every public consideration of an issue, at whichever committee.
pub async fn issue(
    State(state): State<PublicSite>,
    PathId(id): PathId<witan_domain::Issue>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let record = state.store.issue_record(id).await?;
    let entries = record
        .history
        .iter()
        .filter_map(|h| {
            let item = ItemView::new(&h.item);
            if item.withheld.is_some() {
                return None;
            }
            let start = h.meeting.times.start();
            let day = time::london_date(start).format("%-d %B %Y");
            let said = if !item.resolution_text.is_empty() {
                item.resolution_text.clone()
            } else if !item.minutes.is_empty() {
                item.minutes.join("\n\n")
            } else {
                format!("On the agenda of {} on {day}.", h.committee.name)
            };
            let link = format!("{base}/meetings/{}#item-{}", h.meeting.id, item.number);
            Some(Entry {
                id: link.clone(),
                title: format!("{}, {day}: {}", h.committee.name, item.title),
                updated: atom_time(start),
                link,
                summary: said,
                key: item.decisions.iter().any(|d| d.key),
                author: h.committee.name.clone(),
            })
        })
        .collect();
    Feed::new(
        (
            record.issue.title.to_string(),
            format!("Every meeting that considers {}", record.issue.title),
        ),
        &base,
        (
            &format!("/issues/{}", id.get()),
            &format!("/issues/{}/feed.atom", id.get()),
        ),
        entries,
    )
    .answer()
}

/// The newest public records a search finds: a saved search, for a feed reader. The same
/// parameters as the search page, and a 400 naming a malformed one.
pub async fn search(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let params = Params::new(raw);
    let (asked, _) = super::search::request(&state, &params, Committees::Named).await?;
    let request = SearchRequest {
        sort: Sort::Newest,
        page: 1,
        per_page: FEED_ENTRIES as u32,
        ..asked
    };
    let saved = request.to_query();
    let described = request.describe();
    let results = super::search::run(&state, request).await?;
    let entries = results
        .hits
        .iter()
        .map(|h| {
            let link = format!("{base}{}", super::search::hit_link(h));
            // An item and its report share a link; the kind and id tell them apart.
            let page = link.split('#').next().unwrap_or(&link);
            Entry {
                id: format!("{page}#{}-{}", h.kind.as_str(), h.id),
                title: h.title.clone(),
                updated: h.date.map_or_else(|| atom_day(NaiveDate::MIN), atom_day),
                link,
                summary: plain(&h.snippet_html),
                key: false,
                author: h
                    .committee
                    .as_ref()
                    .map(|(_, name)| name.clone())
                    .unwrap_or_else(|| "witan".to_owned()),
            }
        })
        .collect();
    let mut first = described.chars();
    let title = first
        .next()
        .map(|c| c.to_uppercase().chain(first).collect())
        .unwrap_or_default();
    Feed::new(
        (title, format!("The newest records found by {described}")),
        &base,
        (
            &format!("/search?{saved}"),
            &format!("/search/feed.atom?{saved}"),
        ),
        entries,
    )
    .answer()
}

/// A snippet's words without its markup: the feed's template escapes them again.
fn plain(snippet_html: &str) -> String {
    snippet_html
        .replace("<mark>", "")
        .replace("</mark>", "")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_lines_fold_at_75_octets() {
        assert_eq!(
            ics_text("Cabinet; Room 2, County Hall\nPreston\\"),
            "Cabinet\\; Room 2\\, County Hall\\nPreston\\\\"
        );
        let mut out = String::new();
        ics_line(&mut out, &format!("SUMMARY:{}", "é".repeat(60)));
        for line in out.split("\r\n") {
            assert!(line.len() <= 75, "{line:?} is {} octets", line.len());
        }
        assert!(out.ends_with("\r\n"));
        assert_eq!(
            out.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "é".repeat(60))
        );
    }
}
