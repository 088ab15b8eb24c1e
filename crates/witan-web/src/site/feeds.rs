//! Feeds: iCalendar (RFC 5545) for meetings, Atom (RFC 4287) for decisions.

use crate::PublicSite;
use crate::edge::error::AppError;
use crate::open_data::Base;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Duration, Utc};
use witan_domain::MeetingStatus;
use witan_store::{DecisionFilter, MeetingSummary, Page, When};

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

struct Entry {
    id: i64,
    title: String,
    updated: String,
    link: String,
    summary: String,
    key: bool,
    maker: String,
}

#[derive(Template)]
#[template(path = "decisions.atom", escape = "xml")]
struct DecisionsFeed {
    base: String,
    updated: String,
    entries: Vec<Entry>,
}

/// The latest public decisions.
pub async fn decisions(
    State(state): State<PublicSite>,
    Base(base): Base,
) -> Result<Response, AppError> {
    let records = state
        .store
        .decisions(&DecisionFilter::default(), Page::first(50))
        .await?;
    let stamp = |d: chrono::NaiveDate| format!("{}T00:00:00Z", d.format("%Y-%m-%d"));
    let entries: Vec<Entry> = records
        .iter()
        .map(|r| Entry {
            id: r.decision.id.get(),
            title: r.decision.title.to_string(),
            updated: stamp(r.decision.decided_on),
            link: match (r.meeting, &r.item_number) {
                (Some(m), Some(n)) => format!("{base}/meetings/{m}#item-{n}"),
                _ => format!("{base}/decisions"),
            },
            summary: r.decision.text.to_string(),
            key: r.decision.key_decision,
            maker: r
                .committee
                .as_ref()
                .map(|c| c.name.clone())
                .unwrap_or_else(|| "Officer decision".to_owned()),
        })
        .collect();
    let updated = records
        .first()
        .map(|r| stamp(r.decision.decided_on))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_owned());
    let feed = DecisionsFeed {
        base,
        updated,
        entries,
    };
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        feed.render()?,
    )
        .into_response())
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
