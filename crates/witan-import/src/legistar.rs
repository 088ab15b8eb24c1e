//! Legistar Web API JSON: arrays of Bodies, Events (with or without their EventItems), EventItems,
//! Matters, MatterHistories, Indexes and MatterIndexes, as `webapi.legistar.com/v1/{client}/…`
//! returns them. Legistar ids are per client, so keys carry the organisation's slug
//! ("legistar:city-of-chicago/event/3683").
//!
//! Mapping: a Body → committee of the organisation; an Event → meeting; an EventItem → agenda item
//! (its action text and pass/fail as the resolution); a Matter → issue; MatterHistories → the
//! matter's items at each event, one per event even when Legistar lists the matter twice at the
//! same event (the duplicate-event case), with histories outside any event summarised on the issue.
//! Indexes are subject terms witan has no record for; MatterIndexes add them to the issue summary.

use crate::model::{Batch, Draft, Key, MinutesDraft};
use crate::{ImportError, Options};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use witan_domain::{MeetingStatus, OrganisationKind};

const FORMAT: &str = "legistar";

/// What a Legistar file holds, from the fields of its first object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bodies,
    Events,
    EventItems,
    Matters,
    MatterHistories,
    Indexes,
    MatterIndexes,
}

/// The id fields that say what a response holds, in the order a row is tested (a MatterHistory
/// row also has fields a Matter has), with the kind and the rank in a run: bodies first, then
/// matters (issues), then events and what hangs off them.
const ID_FIELDS: [(&str, Kind, u8); 7] = [
    ("MatterHistoryId", Kind::MatterHistories, 5),
    ("MatterIndexId", Kind::MatterIndexes, 6),
    ("EventItemId", Kind::EventItems, 5),
    ("EventId", Kind::Events, 4),
    ("MatterId", Kind::Matters, 3),
    ("IndexId", Kind::Indexes, 6),
    ("BodyId", Kind::Bodies, 0),
];

fn quoted(field: &str) -> String {
    format!("\"{field}\"")
}

fn kind_of(object: &Map<String, Value>) -> Option<Kind> {
    ID_FIELDS
        .iter()
        .find(|(field, _, _)| object.contains_key(*field))
        .map(|(_, kind, _)| *kind)
}

/// Whether a JSON text looks like a Legistar Web API response.
pub fn looks_like(head: &str) -> bool {
    head.trim_start().starts_with('[')
        && head.contains("LastModifiedUtc\"")
        && ID_FIELDS
            .iter()
            .any(|(field, _, _)| head.contains(&quoted(field)))
}

/// The rank of a response in a run: that of the id field its text names first.
pub fn rank(head: &str) -> u8 {
    ID_FIELDS
        .iter()
        .filter_map(|(field, _, rank)| head.find(&quoted(field)).map(|at| (at, *rank)))
        .min()
        .map_or(7, |(_, rank)| rank)
}

/// A row of a response, with its JSON pointer.
type Row<'v> = (&'v str, &'v Map<String, Value>);

struct Parser<'a> {
    batch: Batch,
    namespace: String,
    organisation: Key,
    source: &'a str,
}

fn text<'v>(object: &'v Map<String, Value>, field: &str) -> Option<&'v str> {
    object
        .get(field)?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn int(object: &Map<String, Value>, field: &str) -> Option<i64> {
    object.get(field)?.as_i64()
}

/// "2013-04-30T00:00:00" with "10:00 AM" → 2013-04-30 10:00.
fn when(date: &str, time: Option<&str>) -> Option<NaiveDateTime> {
    let day = NaiveDate::parse_from_str(date.get(..10)?, "%Y-%m-%d").ok()?;
    let at_time = time
        .and_then(|t| NaiveTime::parse_from_str(&t.to_uppercase(), "%I:%M %p").ok())
        .or_else(|| {
            NaiveDateTime::parse_from_str(date, "%Y-%m-%dT%H:%M:%S%.f")
                .ok()
                .map(|d| d.time())
        })
        .unwrap_or(NaiveTime::MIN);
    Some(day.and_time(at_time))
}

/// Parses one Legistar file. `source` is the file's stem: a MatterHistories response does not
/// name its matter, so a number in the stem ("matter-5036-histories") is taken as the MatterId.
pub fn parse(text_in: &str, source: &str, options: &Options) -> Result<Batch, ImportError> {
    let value: Value = serde_json::from_str(text_in).map_err(|e| {
        ImportError::at(
            format!("line {}", e.line()),
            format!("not valid JSON ({e})"),
        )
    })?;
    let Value::Array(rows) = value else {
        return Err(ImportError::at(
            "",
            "expected a JSON array, as the Legistar Web API returns",
        ));
    };
    let name = options
        .organisation
        .clone()
        .unwrap_or_else(|| "Imported from Legistar".to_owned());
    let namespace = crate::minutes::slug(&name);
    let organisation = Key::new(FORMAT, format_args!("{namespace}/organisation"));
    let mut parser = Parser {
        batch: Batch::default(),
        namespace,
        organisation: organisation.clone(),
        source,
    };
    let Some(kind) = rows.iter().find_map(|r| r.as_object().and_then(kind_of)) else {
        if rows.is_empty() {
            return Ok(parser.batch);
        }
        return Err(ImportError::at(
            "/0",
            "expected Legistar objects (BodyId, EventId, MatterId …)",
        ));
    };
    if !matches!(kind, Kind::Indexes) {
        parser.batch.push(
            "",
            Draft::Organisation {
                key: organisation,
                name,
                kind: OrganisationKind::Other,
            },
        );
    }
    let mut objects: Vec<(String, &Map<String, Value>)> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        match row.as_object() {
            Some(o) => objects.push((format!("/{i}"), o)),
            None => parser
                .batch
                .problem(format!("/{i}"), "expected a Legistar object"),
        }
    }
    match kind {
        Kind::Bodies => {
            for (at, o) in objects {
                parser.body(&at, int(o, "BodyId"), text(o, "BodyName"));
            }
        }
        Kind::Events => {
            for (at, o) in objects {
                parser.event(&at, o);
            }
        }
        Kind::EventItems => {
            for (at, o) in objects {
                let event = int(o, "EventItemEventId");
                match event {
                    Some(event) => {
                        parser.event_item(&at, parser.key(format_args!("event/{event}")), o)
                    }
                    None => parser.batch.problem(
                        format!("{at}/EventItemEventId"),
                        "EventItem has no EventItemEventId",
                    ),
                }
            }
        }
        Kind::Matters => {
            for (at, o) in objects {
                parser.matter(&at, o);
            }
        }
        Kind::MatterHistories => parser.histories(&objects),
        Kind::Indexes => {
            parser.batch.note(
                "",
                format!(
                    "{} subject index terms were read; witan keeps subjects with the matters \
                     that use them (MatterIndexes), not on their own",
                    objects.len()
                ),
            );
        }
        Kind::MatterIndexes => parser.matter_indexes(&objects),
    }
    Ok(parser.batch)
}

impl Parser<'_> {
    fn key(&self, identity: impl std::fmt::Display) -> Key {
        Key::new(FORMAT, format_args!("{}/{identity}", self.namespace))
    }

    fn body(&mut self, at: &str, id: Option<i64>, name: Option<&str>) -> Option<Key> {
        let (Some(id), Some(name)) = (id, name) else {
            self.batch
                .problem(at.to_owned(), "a body needs its BodyId and BodyName");
            return None;
        };
        let key = self.key(format_args!("body/{id}"));
        self.batch.push(
            at.to_owned(),
            Draft::Committee {
                key: key.clone(),
                name: name.to_owned(),
                purpose: String::new(),
                owners: vec![self.organisation.clone()],
                parent: None,
            },
        );
        Some(key)
    }

    fn event(&mut self, at: &str, o: &Map<String, Value>) {
        let Some(id) = int(o, "EventId") else {
            self.batch
                .problem(format!("{at}/EventId"), "Event has no EventId");
            return;
        };
        let Some(committee) = self.body(at, int(o, "EventBodyId"), text(o, "EventBodyName")) else {
            return;
        };
        let Some(start) = text(o, "EventDate")
            .and_then(|d| when(d, text(o, "EventTime")))
            .and_then(|t| witan_domain::time::london_to_utc("start", t).ok())
        else {
            self.batch.problem(
                format!("{at}/EventDate"),
                "Event has no EventDate like 2013-04-30T00:00:00",
            );
            return;
        };
        let minutes_final =
            text(o, "EventMinutesStatusName").is_some_and(|s| s.eq_ignore_ascii_case("final"));
        let status = if minutes_final {
            MeetingStatus::Held
        } else {
            MeetingStatus::AgendaPublished
        };
        let meeting = self.key(format_args!("event/{id}"));
        self.batch.push(
            at.to_owned(),
            Draft::Meeting {
                key: meeting.clone(),
                committee,
                start,
                end: None,
                location: text(o, "EventLocation").map(str::to_owned),
                status,
            },
        );
        if let Some(Value::Array(items)) = o.get("EventItems") {
            for (i, item) in items.iter().enumerate() {
                if let Some(item) = item.as_object() {
                    self.event_item(&format!("{at}/EventItems/{i}"), meeting.clone(), item);
                }
            }
        }
    }

    fn event_item(&mut self, at: &str, meeting: Key, o: &Map<String, Value>) {
        let Some(id) = int(o, "EventItemId") else {
            self.batch
                .problem(format!("{at}/EventItemId"), "EventItem has no EventItemId");
            return;
        };
        let Some(title) = text(o, "EventItemTitle").or_else(|| text(o, "EventItemMatterName"))
        else {
            self.batch
                .problem(format!("{at}/EventItemTitle"), "EventItem has no title");
            return;
        };
        let sequence = int(o, "EventItemAgendaSequence").unwrap_or(0);
        let position = u32::try_from(sequence.max(1)).unwrap_or(1);
        let number = text(o, "EventItemAgendaNumber")
            .map(|n| n.trim_end_matches('.').to_owned())
            .filter(|n| witan_domain::ItemNumber::parse("number", n).is_ok())
            .unwrap_or_else(|| format!("s{position}"));
        let resolution = [
            text(o, "EventItemActionText"),
            text(o, "EventItemPassedFlagName"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" — ");
        self.batch.push(
            at.to_owned(),
            Draft::Item {
                key: self.key(format_args!("eventitem/{id}")),
                meeting,
                position,
                number,
                title: title.chars().take(480).collect(),
                issue: int(o, "EventItemMatterId").map(|m| self.key(format_args!("matter/{m}"))),
                exempt: None,
                minutes: (!resolution.is_empty()).then(|| MinutesDraft {
                    resolution_text: resolution,
                    ..MinutesDraft::default()
                }),
            },
        );
    }

    fn matter(&mut self, at: &str, o: &Map<String, Value>) {
        let Some(id) = int(o, "MatterId") else {
            self.batch
                .problem(format!("{at}/MatterId"), "Matter has no MatterId");
            return;
        };
        let Some(title) = text(o, "MatterTitle").or_else(|| text(o, "MatterName")) else {
            self.batch.problem(
                format!("{at}/MatterTitle"),
                "Matter has no MatterTitle nor MatterName",
            );
            return;
        };
        let summary = [text(o, "MatterTypeName"), text(o, "MatterStatusName")]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
        self.batch.push(
            at.to_owned(),
            Draft::Issue {
                key: self.key(format_args!("matter/{id}")),
                title: title.chars().take(480).collect(),
                reference: text(o, "MatterFile").map(str::to_owned),
                summary,
            },
        );
    }

    /// The matter a histories file is about: a number in the file name, else the file itself.
    fn history_matter(&mut self) -> Key {
        let digits: String = self.source.chars().filter(char::is_ascii_digit).collect();
        if !digits.is_empty() && digits.len() < 12 {
            return self.key(format_args!("matter/{digits}"));
        }
        let key = self.key(format_args!(
            "matter-histories/{}",
            crate::minutes::slug(self.source)
        ));
        self.batch.push(
            "",
            Draft::Issue {
                key: key.clone(),
                title: format!("Legistar matter ({})", self.source),
                reference: None,
                summary: String::new(),
            },
        );
        key
    }

    fn histories(&mut self, objects: &[(String, &Map<String, Value>)]) {
        let matter = self.history_matter();
        let title = format!("Legistar matter ({})", self.source);
        // One item per event: Legistar may list a matter twice at one event.
        let mut by_event: BTreeMap<i64, Vec<Row<'_>>> = BTreeMap::new();
        let mut outside = Vec::new();
        for (at, o) in objects {
            match int(o, "MatterHistoryEventId") {
                Some(event) => by_event.entry(event).or_default().push((at, o)),
                None => outside.push((at.as_str(), *o)),
            }
        }
        for (event, rows) in by_event {
            let (at, first) = rows[0];
            let Some(committee) = self.body(
                at,
                int(first, "MatterHistoryActionBodyId"),
                text(first, "MatterHistoryActionBodyName"),
            ) else {
                continue;
            };
            let Some(start) = rows
                .iter()
                .find_map(|(_, o)| text(o, "MatterHistoryActionDate").and_then(|d| when(d, None)))
                .and_then(|t| witan_domain::time::london_to_utc("start", t).ok())
            else {
                self.batch.problem(
                    format!("{at}/MatterHistoryActionDate"),
                    "the history has no action date",
                );
                continue;
            };
            let meeting = self.key(format_args!("event/{event}"));
            self.batch.push(
                at.to_owned(),
                Draft::Meeting {
                    key: meeting.clone(),
                    committee,
                    start,
                    end: None,
                    location: None,
                    status: MeetingStatus::Held,
                },
            );
            let numbered = rows
                .iter()
                .find(|(_, o)| text(o, "MatterHistoryAgendaNumber").is_some());
            let number = numbered
                .and_then(|(_, o)| text(o, "MatterHistoryAgendaNumber"))
                .map(|n| n.trim_end_matches('.').to_owned())
                .filter(|n| witan_domain::ItemNumber::parse("number", n).is_ok());
            let sequence = rows
                .iter()
                .find_map(|(_, o)| int(o, "MatterHistoryAgendaSequence"))
                .unwrap_or(1);
            let position = u32::try_from(sequence.max(1)).unwrap_or(1);
            let actions: Vec<String> = rows
                .iter()
                .map(|(_, o)| {
                    let name = text(o, "MatterHistoryActionName").unwrap_or("Action");
                    match (
                        text(o, "MatterHistoryActionText"),
                        text(o, "MatterHistoryPassedFlagName"),
                    ) {
                        (Some(t), Some(p)) => format!("{name}: {} ({p})", crate::text::squash(t)),
                        (Some(t), None) => format!("{name}: {}", crate::text::squash(t)),
                        (None, Some(p)) => format!("{name} ({p})"),
                        (None, None) => name.to_owned(),
                    }
                })
                .collect();
            let mut deduped: Vec<String> = Vec::new();
            for a in actions {
                if !deduped.contains(&a) {
                    deduped.push(a);
                }
            }
            self.batch.push(
                at.to_owned(),
                Draft::Item {
                    key: meeting.child(format_args!(
                        "matter/{}",
                        matter.as_str().rsplit('/').next().unwrap_or_default()
                    )),
                    meeting,
                    position,
                    number: number.unwrap_or_else(|| format!("s{position}")),
                    title: title.clone(),
                    issue: Some(matter.clone()),
                    exempt: None,
                    minutes: Some(MinutesDraft {
                        resolution_text: deduped.join("\n\n"),
                        ..MinutesDraft::default()
                    }),
                },
            );
        }
        for (at, o) in outside {
            let date = text(o, "MatterHistoryActionDate")
                .unwrap_or_default()
                .get(..10)
                .unwrap_or_default();
            let body = text(o, "MatterHistoryActionBodyName").unwrap_or("Unknown body");
            let action = text(o, "MatterHistoryActionName").unwrap_or("Action");
            self.batch.note(
                at.to_owned(),
                format!(
                    "{date} {body}: {action} — an action outside any meeting, not an agenda item"
                ),
            );
        }
    }

    fn matter_indexes(&mut self, objects: &[(String, &Map<String, Value>)]) {
        for (at, o) in objects {
            let (Some(matter), Some(name)) =
                (int(o, "MatterIndexMatterId"), text(o, "MatterIndexName"))
            else {
                self.batch.problem(
                    at.clone(),
                    "a MatterIndex needs MatterIndexMatterId and MatterIndexName",
                );
                continue;
            };
            self.batch.note(
                at.clone(),
                format!("matter {matter} is indexed under \"{name}\"; witan does not keep subject terms yet"),
            );
        }
    }
}

/// Whether an HTML page is a Legistar meeting calendar (`Calendar.aspx`).
pub fn looks_like_calendar(head: &str) -> bool {
    head.contains("gridCalendar") || head.contains("legistar.com/Calendar.aspx")
}

/// A Legistar calendar page: one meeting per row of its grid (body, date, time, location, and
/// the meeting's detail link, whose ID keys the meeting).
pub fn parse_calendar(html: &str, options: &Options) -> Result<Batch, ImportError> {
    use html5gum::{DefaultEmitter, Token, Tokenizer};
    let name = options
        .organisation
        .clone()
        .unwrap_or_else(|| "Imported from Legistar".to_owned());
    let namespace = crate::minutes::slug(&name);
    let organisation = Key::new(FORMAT, format_args!("{namespace}/organisation"));
    let mut batch = Batch::default();
    batch.push(
        "",
        Draft::Organisation {
            key: organisation.clone(),
            name,
            kind: OrganisationKind::Other,
        },
    );
    struct Row {
        line: usize,
        cells: Vec<String>,
        detail: Option<String>,
    }
    // Lines are counted forward from the last offset asked about (rows come in order): counting
    // from the start for every row made a page of many rows quadratic.
    let mut counted = (0usize, 1usize);
    let mut line_at = |offset: usize| {
        let offset = offset.min(html.len());
        if offset < counted.0 {
            counted = (0, 1);
        }
        counted.1 += html.as_bytes()[counted.0..offset]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted.0 = offset;
        counted.1
    };
    let mut rows: Vec<Row> = Vec::new();
    let mut row: Option<Row> = None;
    let mut in_cell = false;
    for token in
        Tokenizer::new_with_emitter(html, DefaultEmitter::<usize>::new_with_span()).flatten()
    {
        match token {
            Token::StartTag(tag) => match tag.name.as_slice() {
                b"tr" => {
                    let class = tag
                        .attributes
                        .get(b"class".as_slice())
                        .map(|v| String::from_utf8_lossy(v.as_slice()).into_owned())
                        .unwrap_or_default();
                    if let Some(done) = row.take() {
                        rows.push(done);
                    }
                    if class == "rgRow" || class == "rgAltRow" {
                        row = Some(Row {
                            line: line_at(tag.span.start),
                            cells: Vec::new(),
                            detail: None,
                        });
                    }
                }
                b"td" => {
                    if let Some(r) = row.as_mut() {
                        r.cells.push(String::new());
                        in_cell = true;
                    }
                }
                b"a" => {
                    if let Some(r) = row.as_mut()
                        && let Some(href) = tag.attributes.get(b"href".as_slice())
                    {
                        let href = String::from_utf8_lossy(href.as_slice());
                        if let Some(at) = href.find("MeetingDetail.aspx?ID=") {
                            let id: String = href[at + 22..]
                                .chars()
                                .take_while(char::is_ascii_digit)
                                .collect();
                            r.detail = Some(id);
                        }
                    }
                }
                _ => {}
            },
            Token::EndTag(tag) if tag.name.as_slice() == b"td" => in_cell = false,
            Token::EndTag(tag) if tag.name.as_slice() == b"table" => {
                if let Some(done) = row.take() {
                    rows.push(done);
                }
            }
            Token::String(s) if in_cell => {
                if let Some(cell) = row.as_mut().and_then(|r| r.cells.last_mut()) {
                    cell.push_str(&String::from_utf8_lossy(s.as_slice()));
                }
            }
            _ => {}
        }
    }
    if let Some(done) = row.take() {
        rows.push(done);
    }
    if rows.is_empty() {
        return Err(ImportError::no_records(
            "line 1",
            "the calendar lists no meetings",
        ));
    }
    for r in rows {
        let at = format!("line {}", r.line);
        let cells: Vec<String> = r.cells.iter().map(|c| crate::text::squash(c)).collect();
        let (Some(body), Some(date)) = (cells.first(), cells.get(1)) else {
            batch.problem(at, "a calendar row without a body and a date");
            continue;
        };
        let time = cells
            .iter()
            .find_map(|c| NaiveTime::parse_from_str(&c.to_uppercase(), "%I:%M %p").ok());
        let Some(day) = NaiveDate::parse_from_str(date, "%m/%d/%Y").ok() else {
            batch.problem(at, format!("\"{date}\" is not a date like 1/23/2019"));
            continue;
        };
        let Some(start) = witan_domain::time::london_to_utc(
            "start",
            day.and_time(time.unwrap_or(NaiveTime::MIN)),
        )
        .ok() else {
            batch.problem(at, "the meeting's time does not exist in UK time");
            continue;
        };
        let Some(detail) = r.detail else {
            batch.problem(at, "a calendar row without its meeting details link");
            continue;
        };
        let location_cell = cells.get(4).cloned().unwrap_or_default();
        let cancelled = location_cell.to_uppercase().contains("CANCELLED");
        let location = Some(
            location_cell
                .replace("CANCELLED", "")
                .replace("Cancelled", "")
                .trim()
                .to_owned(),
        )
        .filter(|c| !c.is_empty());
        let committee = Key::new(
            FORMAT,
            format_args!("{namespace}/body-name/{}", crate::minutes::slug(body)),
        );
        batch.push(
            at.clone(),
            Draft::Committee {
                key: committee.clone(),
                name: body.clone(),
                purpose: String::new(),
                owners: vec![organisation.clone()],
                parent: None,
            },
        );
        let status = if cancelled {
            MeetingStatus::Cancelled
        } else if day < options.today {
            MeetingStatus::Held
        } else {
            MeetingStatus::Scheduled
        };
        batch.push(
            at,
            Draft::Meeting {
                key: Key::new(FORMAT, format_args!("{namespace}/meeting-detail/{detail}")),
                committee,
                start,
                end: None,
                location,
                status,
            },
        );
    }
    Ok(batch)
}
