//! Conventional minutes: a title naming the body, the date (and often the venue), the people
//! present, sending apologies and in attendance, then the items in order, each with its
//! discussion, "Action:" points with "Due:" dates, and often a review of the actions of the last
//! meeting. Headings are bold paragraphs or short lines that are not sentences.
//!
//! Actions carried from meeting to meeting are linked across files by [`link_carried_actions`]:
//! an action repeated in the next minutes, or reported on under "Actions from the last meeting",
//! becomes an update of the original action instead of a second action.

use super::{
    Front, Parsed, Prose, committee, find_date, line, meeting_key, organisation, person_key, slug,
};
use crate::model::{Draft, Key, Location, MinutesDraft};
use crate::text::Block;
use crate::{ImportError, Options};
use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use std::collections::{BTreeSet, HashMap};
use witan_domain::{ActionStatus, AttendanceKind, MeetingStatus, Rag};

/// What a later meeting said about an action of the one before.
#[derive(Debug, Clone)]
pub struct Carried {
    pub at: Location,
    pub title: String,
    pub status: String,
    pub detail: String,
}

fn attendance_heading(text: &str) -> Option<Option<AttendanceKind>> {
    let lower = text
        .to_ascii_lowercase()
        .trim_end_matches([':', ' '])
        .to_owned();
    let head = lower
        .split('(')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned();
    let kind = match head.as_str() {
        "present" | "members" | "attendees" | "members present" | "board members" => {
            AttendanceKind::Present
        }
        "apologies" | "apologies for absence" => AttendanceKind::Apologies,
        "officials"
        | "officials presenting"
        | "guests"
        | "in attendance"
        | "also present"
        | "also in attendance" => AttendanceKind::InAttendance,
        "attendance" => return Some(None),
        other if other.ends_with(" members") && other.split_whitespace().count() <= 4 => {
            AttendanceKind::Present
        }
        _ => return None,
    };
    Some(Some(kind))
}

/// "Francis Maude (Chair)" → ("Francis Maude", Some("Chair")).
fn person_line(text: &str) -> Option<(String, Option<String>)> {
    let text = text.trim().trim_end_matches([',', ';']);
    let (name, note) = match text.split_once('(') {
        Some((name, rest)) => (
            name.trim(),
            Some(rest.trim_end_matches(')').trim().to_owned()),
        ),
        None => (text, None),
    };
    let name = name.trim_end_matches([',', ' ']);
    let name = name.split(", ").next().unwrap_or(name);
    let words = name.split_whitespace().count();
    let looks_like_a_name = (1..=6).contains(&words)
        && !name.ends_with('.')
        && name.starts_with(|c: char| c.is_uppercase())
        && !name.contains(':');
    looks_like_a_name.then(|| (name.to_owned(), note.filter(|n| !n.is_empty())))
}

/// "Action:", "Actions:", "Action 1:" with what follows on the same line.
fn labelled<'a>(text: &'a str, labels: &[&str]) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    for label in labels {
        if let Some(rest) = lower.strip_prefix(label) {
            let rest_start = text.len() - rest.len();
            let rest = &text[rest_start..];
            let rest = rest.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ');
            if let Some(after) = rest.strip_prefix(':') {
                return Some(after.trim());
            }
        }
    }
    None
}

fn is_heading(block: &Block, next: Option<&Block>) -> bool {
    let text = block.text.trim();
    if labelled(text, &["action", "actions", "due"]).is_some()
        || labelled(text, &DECISION_LABELS).is_some()
    {
        return false;
    }
    let words = text.split_whitespace().count();
    block.heading
        || (words <= 12
            && !text.ends_with(['.', ':', ';', ','])
            && !block.list_item
            && text.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit() || c == '\'')
            && next.is_some_and(|n| !n.list_item || n.text.len() > text.len()))
}

/// The owner an action names: "Cabinet Office Transparency Team to …" → that team.
fn owner_of(description: &str) -> Option<&str> {
    let lower = description.to_ascii_lowercase();
    let at = [" to ", " will "]
        .iter()
        .filter_map(|sep| lower.find(sep))
        .min()?;
    let owner = description[..at].trim();
    let words = owner.split_whitespace().count();
    let generic = ["it", "the board", "members", "officials"];
    ((1..=6).contains(&words)
        && owner.starts_with(|c: char| c.is_uppercase())
        && !generic.contains(&owner.to_ascii_lowercase().as_str()))
    .then_some(owner)
}

/// A due date from "January", "March 2011", "End of March", "2 March": the last day of a month
/// named without a day, the next such month after the meeting when no year is given.
fn due_date(text: &str, meeting: NaiveDate) -> Option<NaiveDate> {
    if let Some(date) = find_date(text, Some(meeting.year())) {
        return Some(if date < meeting {
            date.with_year(meeting.year() + 1).unwrap_or(date)
        } else {
            date
        });
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    for (i, word) in words.iter().enumerate() {
        let Some(month) = super::month(word) else {
            continue;
        };
        if word.len() < 3 || word.eq_ignore_ascii_case("may") && words.len() > 2 {
            continue;
        }
        let year = words
            .get(i + 1)
            .and_then(|w| {
                w.trim_matches(|c: char| !c.is_ascii_digit())
                    .parse::<i32>()
                    .ok()
            })
            .filter(|y| (1900..=2200).contains(y))
            .unwrap_or(if month >= meeting.month() {
                meeting.year()
            } else {
                meeting.year() + 1
            });
        let first_of_next = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)
        };
        return first_of_next.and_then(|d| d.pred_opt());
    }
    None
}

/// The committee's name from the title: "Transparency Board Minutes - 13th December 2011".
fn committee_name(title: &str) -> Option<String> {
    let lower = title.to_ascii_lowercase();
    let end = [" minutes", " meeting", " - ", ": "]
        .iter()
        .filter_map(|m| lower.find(m))
        .min()
        .unwrap_or(title.len());
    let name = title[..end].trim();
    (!name.is_empty() && find_date(name, Some(2000)).is_none()).then(|| name.to_owned())
}

fn title_case(text: &str) -> String {
    text.split_whitespace()
        .map(|w| {
            let lower = w.to_ascii_lowercase();
            let mut chars = lower.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The venue in "Minutes of a meeting held on 11 January at the Cabinet Office:".
fn venue(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("meeting held") {
        return None;
    }
    let at = lower.rfind(" at ")?;
    let venue = text[at + 4..].trim().trim_end_matches([':', '.']).trim();
    let venue = venue.strip_prefix("the ").unwrap_or(venue);
    (!venue.is_empty() && venue.len() < 200).then(|| title_case_first(venue))
}

fn title_case_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

struct Item<'a> {
    at: &'a Block,
    title: String,
    prose: Prose,
    actions: Vec<(&'a Block, String, Option<String>)>,
    /// "Decision:", "Resolved:", "Agreed:" lines: the item's resolution, and decisions.
    decisions: Vec<(&'a Block, String)>,
}

const DECISION_LABELS: [&str; 5] = ["decisions", "decision", "resolved", "agreed", "decided"];

enum Expect {
    Nothing,
    ActionText,
    DueText,
}

pub(super) fn parse(
    blocks: &[Block],
    front: &Front,
    options: &Options,
) -> Result<Parsed, ImportError> {
    let mut parsed = Parsed::default();
    let title = front
        .title
        .clone()
        .or_else(|| blocks.first().map(|b| b.text.clone()));
    let title_date = title.as_deref().and_then(|t| find_date(t, None));
    let year = title.as_deref().and_then(|t| {
        t.split_whitespace()
            .filter_map(|w| {
                w.trim_matches(|c: char| !c.is_ascii_digit())
                    .parse::<i32>()
                    .ok()
            })
            .find(|y| (1900..=2200).contains(y))
    });
    let date = title_date
        .or_else(|| {
            blocks
                .iter()
                .take(12)
                .find_map(|b| find_date(&b.text, year))
        })
        .ok_or_else(|| {
            ImportError::no_records(
                blocks.first().map(line).unwrap_or_else(|| "line 1".into()),
                "expected the meeting's date in the title or the opening lines",
            )
        })?;
    let committee_name = options
        .committee
        .clone()
        .or_else(|| front.committee.clone())
        .or_else(|| title.as_deref().and_then(committee_name))
        .map(|name| {
            if name.chars().any(char::is_lowercase) {
                name
            } else {
                title_case(&name)
            }
        })
        .or_else(|| {
            blocks
                .iter()
                .find(|b| b.heading)
                .map(|b| title_case(&b.text))
        })
        .ok_or_else(|| {
            ImportError::at("line 1", "expected the name of the committee in the title")
        })?;
    let venue = blocks.iter().take(12).find_map(|b| venue(&b.text));

    let batch = &mut parsed.batch;
    let first_at = blocks.first().map(line).unwrap_or_else(|| "line 1".into());
    let organisation = organisation(batch, options, &first_at);
    let committee = committee(batch, &organisation, &committee_name, &first_at);
    let meeting = meeting_key(&committee, date);
    let times = blocks.iter().take(12).find_map(|b| meeting_times(&b.text));
    let start = super::start_of(date, times.map(|(from, _)| from))
        .ok_or_else(|| ImportError::at(first_at.clone(), "the date does not exist in UK time"))?;
    let end = times
        .and_then(|(_, until)| until)
        .and_then(|until| super::start_of(date, Some(until)))
        .filter(|end| *end > start);
    batch.push(
        first_at.clone(),
        Draft::Meeting {
            key: meeting.clone(),
            committee: committee.clone(),
            start,
            end,
            location: venue,
            status: MeetingStatus::Held,
        },
    );

    // Attendance: from the first attendance heading to the first block that is neither a
    // heading of that kind nor a name.
    let mut attendance: Vec<(&Block, String, Option<String>, AttendanceKind)> = Vec::new();
    let mut kind: Option<AttendanceKind> = None;
    let mut seen_attendance = false;
    let mut body_start = 0;
    for (i, block) in blocks.iter().enumerate() {
        if let Some(heading) = attendance_heading(&block.text) {
            seen_attendance = true;
            if heading.is_some() {
                kind = heading;
            }
            body_start = i + 1;
            continue;
        }
        if !seen_attendance {
            if i < 12 {
                body_start = i + 1;
                continue;
            }
            body_start = blocks
                .iter()
                .position(|b| find_date(&b.text, Some(date.year())).is_some())
                .map_or(0, |p| p + 1);
            break;
        }
        match (kind, person_line(&block.text)) {
            (Some(k), Some((name, note))) if !is_heading_word(&name) => {
                attendance.push((block, name, note, k));
                body_start = i + 1;
            }
            _ => break,
        }
    }
    let mut people: HashMap<String, Key> = HashMap::new();
    for (block, name, note, kind) in &attendance {
        let key = person_key(name);
        if people
            .insert(name.to_ascii_lowercase(), key.clone())
            .is_none()
        {
            let job_title = note
                .as_deref()
                .filter(|n| {
                    !n.eq_ignore_ascii_case("chair") && !n.to_ascii_lowercase().contains("secretar")
                })
                .map(str::to_owned);
            batch.push(
                line(block),
                Draft::Person {
                    key: key.clone(),
                    name: name.clone(),
                    job_title,
                },
            );
            batch.push(
                line(block),
                Draft::Attendance {
                    key: meeting.child(format_args!("attendance/{}", slug(name))),
                    meeting: meeting.clone(),
                    person: key.clone(),
                    attendance: *kind,
                },
            );
            // "Francis Maude (Chair)": who chaired this meeting, as a membership of the day.
            if note.as_deref().is_some_and(|n| {
                n.to_ascii_lowercase().contains("chair") && !n.to_ascii_lowercase().contains("vice")
            }) {
                batch.push(
                    line(block),
                    Draft::Membership {
                        key: meeting.child("chair"),
                        person: key,
                        committee: committee.clone(),
                        role: witan_domain::MembershipRole::Chair,
                        from: date,
                        until: Some(date),
                    },
                );
            }
        }
    }

    // Items.
    let body = &blocks[body_start.min(blocks.len())..];
    let mut items: Vec<Item<'_>> = Vec::new();
    let mut expect = Expect::Nothing;
    let mut in_review = false;
    for (i, block) in body.iter().enumerate() {
        let text = block.text.as_str();
        let lower = text.to_ascii_lowercase();
        if lower.contains("actions from the last meeting")
            || lower.contains("actions from the previous meeting")
            || lower.contains("actions arising from the last meeting")
        {
            in_review = true;
        }
        if let Some(rest) = labelled(text, &DECISION_LABELS).filter(|r| !r.is_empty()) {
            ensure_item(&mut items, block)
                .decisions
                .push((block, rest.to_owned()));
            continue;
        }
        if let Some(rest) = labelled(text, &["action points", "actions", "action"]) {
            in_review = false;
            let item = ensure_item(&mut items, block);
            item.actions.push((block, rest.to_owned(), None));
            expect = if rest.is_empty() {
                Expect::ActionText
            } else {
                Expect::Nothing
            };
            continue;
        }
        if let Some(rest) = labelled(text, &["due"]) {
            if let Some(last) = items.last_mut().and_then(|it| it.actions.last_mut()) {
                last.2 = Some(rest.to_owned());
            }
            expect = if rest.is_empty() {
                Expect::DueText
            } else {
                Expect::Nothing
            };
            continue;
        }
        match expect {
            Expect::ActionText => {
                if let Some(last) = items.last_mut().and_then(|it| it.actions.last_mut()) {
                    last.1 = text.to_owned();
                }
                expect = Expect::Nothing;
                continue;
            }
            Expect::DueText => {
                if let Some(last) = items.last_mut().and_then(|it| it.actions.last_mut()) {
                    last.2 = Some(text.to_owned());
                }
                expect = Expect::Nothing;
                continue;
            }
            Expect::Nothing => {}
        }
        if in_review && let Some((title, status)) = carried_line(text) {
            let detail = body
                .get(i + 1)
                .filter(|n| carried_line(&n.text).is_none() && !is_heading(n, body.get(i + 2)))
                .map(|n| n.text.clone())
                .unwrap_or_default();
            parsed.carried.push(Carried {
                at: line(block),
                title: title.to_owned(),
                status: status.to_owned(),
                detail,
            });
            ensure_item(&mut items, block).prose.push(block);
            continue;
        }
        if is_heading(block, body.get(i + 1)) {
            items.push(Item {
                at: block,
                title: block.text.clone(),
                prose: Prose::default(),
                actions: Vec::new(),
                decisions: Vec::new(),
            });
        } else {
            ensure_item(&mut items, block).prose.push(block);
        }
    }
    // A heading followed by another heading (a section title over a sub-item) folds into it.
    let mut merged: Vec<Item<'_>> = Vec::new();
    for item in items {
        match merged.last_mut() {
            Some(last) if last.prose.is_empty() && last.actions.is_empty() => {
                last.title = format!("{}: {}", last.title, item.title);
                last.prose = item.prose;
                last.actions = item.actions;
            }
            _ => merged.push(item),
        }
    }
    let batch = &mut parsed.batch;
    let mut numbers = std::collections::HashSet::new();
    for (n, mut item) in merged.into_iter().enumerate() {
        let position = u32::try_from(n + 1).unwrap_or(u32::MAX);
        let item_key = meeting.child(format_args!("item/{position}"));
        // "3. Winter pressures" is item 3, titled "Winter pressures"; otherwise items number in
        // order.
        let (number, title) = match numbered_heading(&item.title) {
            Some((number, rest)) if numbers.insert(number.to_owned()) => {
                (number.to_owned(), rest.to_owned())
            }
            _ => (position.to_string(), item.title.clone()),
        };
        let title: String = title.chars().take(480).collect();
        batch.push(
            line(item.at),
            Draft::Item {
                key: item_key.clone(),
                meeting: meeting.clone(),
                position,
                number,
                title: title.clone(),
                issue: None,
                exempt: None,
                minutes: Some(MinutesDraft {
                    text: item.prose.take(),
                    resolution_text: item
                        .decisions
                        .iter()
                        .map(|(_, d)| d.as_str())
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                    ..MinutesDraft::default()
                }),
            },
        );
        for (d, (block, decision)) in item.decisions.iter().enumerate() {
            batch.push(
                line(block),
                Draft::Decision {
                    key: item_key.child(format_args!("decision/{}", d + 1)),
                    item: Some(item_key.clone()),
                    committee: committee.clone(),
                    decided_on: date,
                    title: title.clone(),
                    text: decision.clone(),
                    key_decision: false,
                },
            );
        }
        for (a, (block, description, due)) in item.actions.into_iter().enumerate() {
            if description.is_empty() {
                batch.problem(line(block), "an action point without a description");
                continue;
            }
            let due_on = due.as_deref().and_then(|d| due_date(d, date));
            let mut description = description;
            if let Some(due) = due.filter(|d| !d.is_empty())
                && due_on.is_none()
            {
                description = format!("{description} (Due: {due})");
            }
            let owner = owner_of(&description).and_then(|name| owner_record(&people, name));
            batch.push(
                line(block),
                Draft::Action {
                    key: item_key.child(format_args!("action/{}", a + 1)),
                    meeting: meeting.clone(),
                    item: Some(item_key.clone()),
                    description,
                    owner,
                    due_on,
                    status: ActionStatus::Open,
                    rag: Rag::Green,
                    closed_on: None,
                },
            );
        }
    }
    parsed.meeting = Some((meeting, date));
    parsed.committee = Some(committee);
    Ok(parsed)
}

fn is_heading_word(name: &str) -> bool {
    attendance_heading(name).is_some()
}

/// An owner who attended is that person; an action owned by anyone else is left without an
/// owner record (the description names them), since a team is neither a person nor a body.
fn owner_record(people: &HashMap<String, Key>, name: &str) -> Option<Key> {
    let lower = name.to_ascii_lowercase();
    people.get(&lower).cloned().or_else(|| {
        // Initials: "TK" for Tim Kelsey.
        (name.len() <= 4 && name.chars().all(|c| c.is_ascii_uppercase()))
            .then(|| {
                people.iter().find(|(full, _)| {
                    let initials: String = full
                        .split_whitespace()
                        .filter_map(|w| w.chars().next())
                        .collect::<String>()
                        .to_uppercase();
                    initials == name
                })
            })
            .flatten()
            .map(|(_, key)| key.clone())
    })
}

fn ensure_item<'a, 'b>(items: &'b mut Vec<Item<'a>>, block: &'a Block) -> &'b mut Item<'a> {
    if items.is_empty() {
        items.push(Item {
            at: block,
            title: "Opening".to_owned(),
            prose: Prose::default(),
            actions: Vec::new(),
            decisions: Vec::new(),
        });
    }
    let last = items.len() - 1;
    &mut items[last]
}

/// The meeting's times in an opening line: "at 2pm", "10.00am – 12.30pm", "3.30 - 5.30pm",
/// "14:00". A lone "at 3" is not a time; an end needs a start.
fn meeting_times(text: &str) -> Option<(NaiveTime, Option<NaiveTime>)> {
    let lower = text.to_ascii_lowercase().replace(['–', '—'], "-");
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let mut found: Vec<(NaiveTime, bool)> = Vec::new();
    for (i, word) in words.iter().enumerate() {
        for part in word.split('-').filter(|p| !p.is_empty()) {
            let (clock, suffix) = match part.strip_suffix("pm").or_else(|| part.strip_suffix("am"))
            {
                Some(clock) => (clock, Some(part.ends_with("pm"))),
                None => match words.get(i + 1).copied() {
                    Some("pm") | Some("p.m.") => (part, Some(true)),
                    Some("am") | Some("a.m.") => (part, Some(false)),
                    _ => (part, None),
                },
            };
            let (hours, minutes) = match clock.split_once(['.', ':']) {
                Some((h, m)) => (h.parse::<u32>().ok(), m.parse::<u32>().ok()),
                None => (clock.parse::<u32>().ok(), Some(0)),
            };
            let (Some(hours), Some(minutes)) = (hours, minutes) else {
                continue;
            };
            let explicit = suffix.is_some() || clock.contains(':');
            let hours = match suffix {
                Some(true) if hours < 12 => hours + 12,
                Some(false) if hours == 12 => 0,
                _ => hours,
            };
            if let Some(time) = NaiveTime::from_hms_opt(hours, minutes, 0)
                && (explicit || clock.contains('.'))
            {
                found.push((time, suffix.is_some()));
            }
        }
    }
    match found.as_slice() {
        [] => None,
        [(start, _)] => Some((*start, None)),
        [(start, start_suffix), (end, _), ..] => {
            // "3.30 - 5.30pm": the start shares the end's afternoon.
            let afternoon = start.overflowing_add_signed(chrono::Duration::hours(12)).0;
            let start = if !start_suffix && start.hour() < 12 && afternoon <= *end {
                afternoon
            } else {
                *start
            };
            Some((start, Some(*end)))
        }
    }
}

/// "3. Winter pressures" → ("3", "Winter pressures"); "10.2) Budget" → ("10.2", "Budget").
fn numbered_heading(text: &str) -> Option<(&str, &str)> {
    let end = text.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let number = text[..end].trim_end_matches('.');
    let rest = text[end..].trim_start_matches([')', ' ', '\t']);
    let valid = !number.is_empty()
        && number.starts_with(|c: char| c.is_ascii_digit())
        && number.len() <= 8
        && number
            .split('.')
            .next()
            .is_some_and(|first| first.len() <= 3)
        && !rest.is_empty()
        && (text[..end].ends_with('.') || text[end..].starts_with([')', ' ']));
    valid.then_some((number, rest))
}

/// "'Right to data' green paper - on track" → (title, status).
fn carried_line(text: &str) -> Option<(&str, &str)> {
    let (title, status) = text.rsplit_once(" - ")?;
    let words = status.split_whitespace().count();
    let lower = text.to_ascii_lowercase();
    ((1..=5).contains(&words)
        && !title.trim().is_empty()
        && !status.trim_end().ends_with(['.', ':', '’', '\''])
        && !lower.contains("from the last meeting")
        && !lower.contains("from the previous meeting"))
    .then(|| (title.trim(), status.trim()))
}

/// Content words of a description, for matching an action across meetings.
fn words(text: &str) -> BTreeSet<String> {
    const STOP: [&str; 24] = [
        "the",
        "and",
        "for",
        "with",
        "from",
        "that",
        "this",
        "will",
        "team",
        "board",
        "office",
        "cabinet",
        "transparency",
        "are",
        "was",
        "were",
        "have",
        "has",
        "into",
        "on",
        "of",
        "to",
        "a",
        "an",
    ];
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|w| w.len() > 2 && !STOP.contains(&w.as_str()))
        .collect()
}

fn similarity(a: &BTreeSet<String>, b: &BTreeSet<String>) -> (usize, f64) {
    let shared = a.intersection(b).count();
    let smaller = a.len().min(b.len()).max(1);
    (shared, shared as f64 / smaller as f64)
}

/// Links actions carried from one meeting to the next, across the files of one run: a report on
/// an earlier action ("… - on track") and an action repeated in the next minutes both become
/// updates of the earlier action. What cannot be matched is reported, not guessed.
pub fn link_carried_actions(files: &mut [&mut Parsed]) {
    let mut order: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].meeting.is_some())
        .collect();
    order.sort_by_key(|&i| {
        let p = &files[i];
        (p.committee.clone(), p.meeting.as_ref().map(|(_, d)| *d))
    });
    for pair in order.windows(2) {
        let (earlier, later) = (pair[0], pair[1]);
        if files[earlier].committee != files[later].committee {
            continue;
        }
        let previous: Vec<(Key, BTreeSet<String>)> = files[earlier]
            .batch
            .records
            .iter()
            .filter_map(|s| match &s.draft {
                Draft::Action {
                    key, description, ..
                } => Some((key.clone(), words(description))),
                _ => None,
            })
            .collect();
        let earlier_date = files[earlier].meeting.as_ref().map(|(_, d)| *d);
        let later_file = &mut *files[later];
        let Some((_, on)) = later_file.meeting.clone() else {
            continue;
        };
        let best = |text: &str, threshold: f64| {
            let own = words(text);
            previous
                .iter()
                .map(|(key, theirs)| (key, similarity(&own, theirs)))
                .filter(|(_, (shared, score))| *shared >= 2 && *score >= threshold)
                .max_by(|a, b| a.1.1.total_cmp(&b.1.1))
                .map(|(key, _)| key.clone())
        };
        let when = witan_domain::time::uk_date(on);
        for carried in std::mem::take(&mut later_file.carried) {
            let with_detail = format!("{} {}", carried.title, carried.detail);
            match best(&carried.title, 0.5).or_else(|| best(&with_detail, 0.25)) {
                Some(action) => {
                    let mut text =
                        format!("Reported at the meeting of {when}: {}.", carried.status);
                    if !carried.detail.is_empty() {
                        text = format!("{text} {}", carried.detail);
                    }
                    later_file.batch.push(
                        carried.at,
                        Draft::ActionUpdate {
                            key: action.child(format_args!("update/{on}")),
                            action,
                            on,
                            text,
                        },
                    );
                }
                None => later_file.batch.problem(
                    carried.at,
                    format!(
                        "\"{}\" reports on an action of the last meeting ({}), but no action of \
                         that meeting matches it; it stays in the minutes only",
                        carried.title,
                        earlier_date
                            .map(witan_domain::time::uk_date)
                            .unwrap_or_default()
                    ),
                ),
            }
        }
        for record in &mut later_file.batch.records {
            let Draft::Action {
                description, key, ..
            } = &record.draft
            else {
                continue;
            };
            if let Some(action) = best(description, 0.8) {
                let text = format!("Carried forward at the meeting of {when}: {description}");
                record.draft = Draft::ActionUpdate {
                    key: action.child(format_args!("update/{on}/{}", slug(key.as_str()))),
                    action,
                    on,
                    text,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_people_owners_and_due_dates() {
        assert_eq!(labelled("Action: Do it", &["action"]), Some("Do it"));
        assert_eq!(labelled("Actions:", &["actions", "action"]), Some(""));
        assert_eq!(labelled("Action 1:  Demo", &["action"]), Some("Demo"));
        assert_eq!(labelled("Actionable items", &["action"]), None);
        assert_eq!(
            person_line("Francis Maude (Chair)"),
            Some(("Francis Maude".into(), Some("Chair".into())))
        );
        assert_eq!(person_line("Welcome and introductions were made."), None);
        assert_eq!(
            owner_of("Cabinet Office Transparency Team to circulate the paper"),
            Some("Cabinet Office Transparency Team")
        );
        let meeting = NaiveDate::from_ymd_opt(2011, 12, 13).unwrap();
        assert_eq!(
            due_date("January", meeting),
            NaiveDate::from_ymd_opt(2012, 1, 31)
        );
        assert_eq!(
            due_date("December", meeting),
            NaiveDate::from_ymd_opt(2011, 12, 31)
        );
        assert_eq!(due_date("as soon as possible", meeting), None);
        assert_eq!(
            committee_name("Transparency Board Minutes - 13th December 2011").as_deref(),
            Some("Transparency Board")
        );
        assert_eq!(
            numbered_heading("3. Winter pressures"),
            Some(("3", "Winter pressures"))
        );
        assert_eq!(numbered_heading("10.2) Budget"), Some(("10.2", "Budget")));
        assert_eq!(numbered_heading("2011 was a year"), None);
        assert_eq!(numbered_heading("Welcome"), None);
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap();
        assert_eq!(
            meeting_times("held at 2pm in the Chamber"),
            Some((t(14, 0), None))
        );
        assert_eq!(
            meeting_times("11 October 2011, 3.30 – 5.30pm"),
            Some((t(15, 30), Some(t(17, 30))))
        );
        assert_eq!(
            meeting_times("from 10:00 to 12:30"),
            Some((t(10, 0), Some(t(12, 30))))
        );
        assert_eq!(meeting_times("item 3 of 5"), None);
        assert_eq!(
            carried_line("'Right to data' green paper - on track"),
            Some(("'Right to data' green paper", "on track"))
        );
    }
}
