//! "Issue - meetings": one issue and every meeting that considered it, as ModernGov publishes
//! it. Each meeting is a block of
//!
//! ```text
//! Meeting: 14/04/2016 - Cabinet (Item 7)
//! 7 Health and Social Care Integration … pdf icon PDF 144 KB
//! Minutes:
//! …paragraphs…
//! Resolved: That
//!   i. …
//!   ii. …
//! ```

use super::{Parsed, Prose, committee, find_date, line, meeting_key, organisation, slug};
use crate::model::{Draft, Key, MinutesDraft};
use crate::text::Block;
use crate::{ImportError, Options};
use witan_domain::MeetingStatus;

pub(super) fn is_meeting_line(text: &str) -> bool {
    meeting_line(text).is_some()
}

/// "Meeting: 14/04/2016 - Cabinet (Item 7)" → (date text, committee, item number).
fn meeting_line(text: &str) -> Option<(&str, &str, &str)> {
    let rest = text.strip_prefix("Meeting:")?.trim();
    let (date, rest) = rest.split_once(" - ")?;
    let open = rest.rfind("(Item ")?;
    let number = rest[open + 6..].strip_suffix(')')?.trim();
    Some((date.trim(), rest[..open].trim(), number))
}

/// "7 Title pdf icon PDF 144 KB" → (title, Some((media type, bytes))).
fn item_heading<'a>(text: &'a str, number: &str) -> (&'a str, Option<(&'static str, u64)>) {
    let title = text.strip_prefix(number).unwrap_or(text).trim();
    let lower = title.to_ascii_lowercase();
    for (marker, media) in [
        (" pdf icon ", "application/pdf"),
        (" doc icon ", "application/msword"),
        (
            " docx icon ",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ] {
        if let Some(at) = lower.find(marker) {
            let size = parse_size(&title[at + marker.len()..]);
            return (title[..at].trim(), size.map(|s| (media, s)));
        }
    }
    (title, None)
}

/// "PDF 144 KB" → 147,456 bytes.
fn parse_size(text: &str) -> Option<u64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let (number, unit) = match words.as_slice() {
        [_, n, unit, ..] | [n, unit] => (n, unit),
        _ => return None,
    };
    let number: f64 = number.parse().ok()?;
    let scale = match unit.to_ascii_uppercase().as_str() {
        "B" | "BYTES" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        _ => return None,
    };
    let bytes = (number * scale).round();
    (0.0..1e15).contains(&bytes).then_some(bytes as u64)
}

/// "i.  the development … be noted" → "the development … be noted".
fn roman_point(text: &str) -> Option<&str> {
    let (numeral, rest) = text.split_once(['.', ')'])?;
    let numeral = numeral.trim().trim_start_matches('(');
    (!numeral.is_empty() && numeral.len() <= 6 && numeral.chars().all(|c| "ivxlc".contains(c)))
        .then(|| rest.trim())
}

struct Meeting<'a> {
    at: &'a Block,
    date: chrono::NaiveDate,
    committee: &'a str,
    number: &'a str,
    heading: Option<&'a Block>,
    minutes: MinutesDraft,
}

pub(super) fn parse(blocks: &[Block], options: &Options) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    let first = blocks
        .iter()
        .position(|b| is_meeting_line(&b.text))
        .unwrap_or(blocks.len());
    let title = blocks[..first]
        .iter()
        .rev()
        .find(|b| !b.text.eq_ignore_ascii_case("Issue - meetings"))
        .ok_or_else(|| {
            ImportError::at(
                "line 1",
                "expected the issue's title before the first \"Meeting:\" line",
            )
        })?;
    let batch = &mut parsed.batch;
    let issue = Key::new(super::FORMAT, format_args!("issue/{}", slug(&title.text)));
    let mut meetings: Vec<Meeting<'_>> = Vec::new();
    let mut prose = Prose::default();
    let mut in_resolution = false;
    for block in &blocks[first..] {
        if let Some((date, committee, number)) = meeting_line(&block.text) {
            finish(&mut meetings, &mut prose);
            in_resolution = false;
            let Some(date) = find_date(date, None) else {
                batch.problem(
                    line(block),
                    format!("\"{date}\" is not a date like 14/04/2016"),
                );
                continue;
            };
            meetings.push(Meeting {
                at: block,
                date,
                committee,
                number,
                heading: None,
                minutes: MinutesDraft::default(),
            });
            continue;
        }
        let Some(meeting) = meetings.last_mut() else {
            continue;
        };
        let text = block.text.as_str();
        if meeting.heading.is_none() && text.starts_with(meeting.number) {
            meeting.heading = Some(block);
        } else if text.eq_ignore_ascii_case("Minutes:") {
            prose.take();
        } else if let Some(rest) = text.strip_prefix("Resolved:") {
            meeting.minutes.text = prose.take();
            in_resolution = true;
            let rest = rest.trim();
            if !rest.eq_ignore_ascii_case("That") {
                meeting.minutes.resolution_text = rest.to_owned();
            }
        } else if in_resolution {
            match roman_point(text) {
                Some(point) => meeting.minutes.resolution_points.push(point.to_owned()),
                None if meeting.minutes.resolution_text.is_empty() => {
                    meeting.minutes.resolution_text = text.to_owned();
                }
                None => {
                    meeting.minutes.resolution_text.push_str("\n\n");
                    meeting.minutes.resolution_text.push_str(text);
                }
            }
        } else {
            prose.push(block);
        }
    }
    finish(&mut meetings, &mut prose);
    if meetings.is_empty() {
        return Err(ImportError::no_records(
            line(title),
            "no meeting could be read",
        ));
    }
    let organisation = organisation(batch, options, &line(&blocks[0]));
    batch.push(
        line(title),
        Draft::Issue {
            key: issue.clone(),
            title: title.text.clone(),
            reference: None,
            summary: String::new(),
        },
    );
    for meeting in meetings {
        let at = line(meeting.at);
        let committee = committee(batch, &organisation, meeting.committee, &at);
        let Some(start) = super::start_of(meeting.date, None) else {
            batch.problem(at, "the meeting's date does not exist in UK time");
            continue;
        };
        let meeting_key = meeting_key(&committee, meeting.date);
        batch.push(
            at.clone(),
            Draft::Meeting {
                key: meeting_key.clone(),
                committee: committee.clone(),
                start,
                end: None,
                location: None,
                status: MeetingStatus::Held,
            },
        );
        let (title, document) = match meeting.heading {
            Some(h) => item_heading(&h.text, meeting.number),
            None => (title.text.as_str(), None),
        };
        let item = meeting_key.child(format_args!("item/{}", meeting.number));
        let position = meeting
            .number
            .trim_end_matches('.')
            .parse::<u32>()
            .unwrap_or(1)
            .max(1);
        batch.push(
            at.clone(),
            Draft::Item {
                key: item.clone(),
                meeting: meeting_key,
                position,
                number: meeting.number.to_owned(),
                title: title.to_owned(),
                issue: Some(issue.clone()),
                exempt: None,
                minutes: Some(meeting.minutes),
            },
        );
        if let Some((media_type, size_bytes)) = document {
            let at = meeting.heading.map(line).unwrap_or(at);
            batch.push(
                at,
                Draft::Document {
                    key: item.child("report"),
                    item: Some(item),
                    issue: None,
                    name: title.to_owned(),
                    claimed_media_type: media_type.to_owned(),
                    claimed_size_bytes: size_bytes,
                    file: None,
                    text: String::new(),
                },
            );
        }
    }
    Ok(parsed)
}

fn finish(meetings: &mut [Meeting<'_>], prose: &mut Prose) {
    if let Some(m) = meetings.last_mut()
        && !prose.is_empty()
    {
        let rest = prose.take();
        if m.minutes.text.is_empty() {
            m.minutes.text = rest;
        } else {
            m.minutes.text.push_str("\n\n");
            m.minutes.text.push_str(&rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meeting_lines_headings_and_points() {
        assert_eq!(
            meeting_line("Meeting: 12/04/2016 - Executive Scrutiny Committee (Item 4)"),
            Some(("12/04/2016", "Executive Scrutiny Committee", "4"))
        );
        assert_eq!(meeting_line("Meeting: soon"), None);
        let (title, doc) = item_heading("7 Health and Social Care pdf icon PDF 144 KB", "7");
        assert_eq!(title, "Health and Social Care");
        assert_eq!(doc, Some(("application/pdf", 147_456)));
        assert_eq!(
            roman_point("ii.  the Operating Principles"),
            Some("the Operating Principles")
        );
        assert_eq!(roman_point("Members discussed. Then"), None);
    }
}
