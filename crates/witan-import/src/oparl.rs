//! OParl 1.0 and 1.1: single objects, paged lists (`data` + `links.next`) and dump folders, with
//! embedded objects. Real servers leave out mandatory fields, link to objects they never serve
//! and put values of the wrong type where the schema says otherwise; the parser reads leniently
//! (a `serde_json::Value` walk), skips what it cannot use with a JSON pointer and the reason, and
//! keeps vendor extension fields out of the records (they are ignored).
//!
//! Mapping: Body → organisation, Organization → committee, Person (with embedded Membership) →
//! person and memberships, Meeting (with embedded AgendaItem and its files) → meeting and agenda
//! items, Paper → issue (with its files as documents), Consultation → the link between an agenda
//! item and its paper. System, Location and LegislativeTerm have no record of their own.

use crate::model::{Batch, Draft, FileRead, Key, MinutesDraft};
use crate::{ImportError, Options};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use witan_domain::{ItemNumber, MeetingStatus, MembershipRole, OrganisationKind, Term};

const FORMAT: &str = "oparl";

/// Parses one OParl file: an object, a list page, or an array of objects. `folder` is where the
/// file lies: a File whose `accessUrl` or `downloadUrl` is a path inside it (relative, or a
/// `file:` URL) is read for its digest, size and text.
pub fn parse(text: &str, folder: Option<&Path>, options: &Options) -> Result<Batch, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::at(
            format!("line {}", e.line()),
            format!("not valid JSON ({e})"),
        )
    })?;
    let mut parser = Parser {
        batch: Batch::default(),
        today: options.today,
        skipped_files: 0,
        folder: folder.and_then(|f| f.canonicalize().ok()),
        extractor: &options.extractor,
    };
    match &value {
        Value::Object(map) if map.contains_key("data") => match &map["data"] {
            Value::Array(items) => {
                for (i, object) in items.iter().enumerate() {
                    parser.object(object, &format!("/data/{i}"));
                }
            }
            _ => return Err(ImportError::at("/data", "expected a list of objects")),
        },
        Value::Object(_) => parser.object(&value, ""),
        Value::Array(items) => {
            for (i, object) in items.iter().enumerate() {
                parser.object(object, &format!("/{i}"));
            }
        }
        _ => return Err(ImportError::at("", "expected an OParl object or list")),
    }
    if parser.skipped_files > 0 {
        parser.batch.note(
            "",
            format!(
                "{} meeting files (invitations, protocols) were read but not imported: witan \
                 attaches documents to agenda items and issues",
                parser.skipped_files
            ),
        );
    }
    Ok(parser.batch)
}

/// How early an object's type must be imported: what others refer to comes first.
pub fn rank(text: &str) -> u8 {
    let type_at = text.find("schema.oparl.org/").map(|at| &text[at..]);
    let kind = type_at
        .and_then(|t| t.split('"').next())
        .and_then(|t| t.rsplit('/').next())
        .unwrap_or_default();
    match kind {
        "System" | "Body" => 0,
        "Organization" | "LegislativeTerm" | "Location" => 1,
        "Person" => 2,
        "Membership" => 3,
        "Paper" | "Consultation" => 4,
        "Meeting" | "AgendaItem" => 5,
        _ => 6,
    }
}

/// Whether a JSON text looks like OParl: an object whose `"type"` is an OParl type URL (a JSON
/// Schema of OParl names the URL only as its `$id`).
pub fn looks_like(head: &str) -> bool {
    head.match_indices("\"type\"").any(|(at, m)| {
        let rest = head[at + m.len()..].trim_start();
        rest.strip_prefix(':').is_some_and(|r| {
            let r = r.trim_start();
            r.starts_with("\"https://schema.oparl.org/")
                || r.starts_with("\"http://schema.oparl.org/")
        })
    })
}

struct Parser<'a> {
    batch: Batch,
    today: NaiveDate,
    skipped_files: usize,
    folder: Option<PathBuf>,
    extractor: &'a crate::extract::Extractor,
}

fn kind_of(object: &Value) -> Option<&str> {
    object["type"].as_str()?.rsplit('/').next()
}

fn str_field<'a>(object: &'a Value, field: &str) -> Option<&'a str> {
    object[field]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn key(url: &str) -> Key {
    Key::new(FORMAT, url.trim())
}

/// A reference: a URL string, or an embedded object with an `id`.
fn reference(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim()),
        Value::Object(_) => str_field(value, "id"),
        _ => None,
    }
}

/// A list of references or embedded objects (a single value is taken as a list of one).
fn many(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        other => vec![other],
    }
}

/// "2020-09-29T15:00:00+02:00"; without an offset, the time is taken as UK time; a date alone is
/// midnight.
fn instant(raw: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Some(t.with_timezone(&Utc));
    }
    let local = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M:%S")
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(raw, "%Y-%m-%d")
                .ok()
                .map(|d| d.and_time(chrono::NaiveTime::MIN))
        })?;
    witan_domain::time::london_to_utc("start", local).ok()
}

fn date(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.get(..10).unwrap_or(raw), "%Y-%m-%d").ok()
}

fn role(raw: Option<&str>) -> MembershipRole {
    let lower = raw.unwrap_or_default().to_lowercase();
    if lower.contains("stellv") || lower.contains("vice") || lower.contains("deputy") {
        MembershipRole::ViceChair
    } else if lower.contains("vorsitz") || lower.contains("chair") {
        MembershipRole::Chair
    } else if lower.contains("sachkundig")
        || lower.contains("co-opted")
        || lower.contains("beratend")
    {
        MembershipRole::CoOpted
    } else {
        MembershipRole::Member
    }
}

/// An item number witan can print: "1.", "Ö 1.2", "TOP 3" → "1", "1.2", "3"; otherwise the
/// item's position. Numbers stay unique within the meeting.
fn item_number(raw: Option<&str>, position: u32, seen: &mut HashSet<String>) -> String {
    let cleaned: String = raw
        .unwrap_or_default()
        .trim()
        .trim_start_matches(|c: char| !c.is_ascii_alphanumeric())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    let cleaned = cleaned
        .strip_prefix("TOP")
        .or_else(|| cleaned.strip_prefix("Top"))
        .unwrap_or(&cleaned)
        .trim_start_matches('.')
        .to_owned();
    let candidates = [cleaned, position.to_string(), format!("n{position}")];
    for candidate in candidates {
        if ItemNumber::parse("number", &candidate).is_ok()
            && seen.insert(candidate.trim_end_matches('.').to_owned())
        {
            return candidate;
        }
    }
    format!("n{position}")
}

impl Parser<'_> {
    /// The local file a File object's download or access URL names, if it lies inside the folder
    /// being imported (a dump with its files beside it).
    fn local_file(&self, object: &Value) -> Option<PathBuf> {
        let folder = self.folder.as_ref()?;
        ["downloadUrl", "accessUrl"].iter().find_map(|field| {
            let url = str_field(object, field)?;
            let path = match url.strip_prefix("file://") {
                Some(absolute) => PathBuf::from(absolute),
                None if url.contains("://") => return None,
                None => folder.join(url),
            };
            let path = path.canonicalize().ok()?;
            (path.starts_with(folder) && path.is_file()).then_some(path)
        })
    }

    fn problem(&mut self, at: &str, message: impl Into<String>) {
        self.batch.problem(at.to_owned(), message);
    }

    fn object(&mut self, object: &Value, at: &str) {
        if !object.is_object() {
            self.problem(at, "expected an OParl object");
            return;
        }
        let Some(kind) = kind_of(object) else {
            self.problem(at, "the object has no \"type\"; expected an OParl type URL");
            return;
        };
        if object["deleted"].as_bool() == Some(true) {
            self.batch
                .note(at.to_owned(), "a deleted object was skipped".to_owned());
            return;
        }
        match kind {
            "Body" => self.body(object, at),
            "Organization" => self.organization(object, at),
            "Person" => self.person(object, at),
            "Membership" => self.membership(object, None, at),
            "Meeting" => self.meeting(object, at),
            "Paper" => self.paper(object, at),
            "Consultation" => self.consultation(object, None, at),
            "File" => self.file(object, None, None, at),
            "AgendaItem" => {
                self.batch.note(
                    at.to_owned(),
                    "an agenda item outside its meeting was skipped: it is imported with the \
                     meeting that embeds it",
                );
            }
            "System" | "Location" | "LegislativeTerm" => {}
            other => self.problem(at, format!("\"{other}\" is not an OParl type witan reads")),
        }
    }

    fn id(&mut self, object: &Value, at: &str) -> Option<String> {
        let id = str_field(object, "id").map(str::to_owned);
        if id.is_none() {
            self.problem(at, "the object has no \"id\"; OParl requires one");
        }
        id
    }

    fn body(&mut self, object: &Value, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let Some(name) = str_field(object, "name").or_else(|| str_field(object, "shortName"))
        else {
            self.problem(&format!("{at}/name"), "Body has no \"name\"");
            return;
        };
        self.batch.push(
            at,
            Draft::Organisation {
                key: key(&id),
                name: name.to_owned(),
                kind: str_field(object, "witan:organisationKind")
                    .and_then(|k| OrganisationKind::parse("witan:organisationKind", k).ok())
                    .unwrap_or(OrganisationKind::Other),
            },
        );
    }

    fn organization(&mut self, object: &Value, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let Some(body) = reference(&object["body"]) else {
            self.problem(
                &format!("{at}/body"),
                "Organization has no \"body\"; expected the body it belongs to",
            );
            return;
        };
        let Some(name) = str_field(object, "name").or_else(|| str_field(object, "shortName"))
        else {
            self.problem(&format!("{at}/name"), "Organization has no \"name\"");
            return;
        };
        // witan's own servers say what a committee is for; others give a type and a class.
        let purpose = match str_field(object, "witan:purpose") {
            Some(purpose) => purpose.to_owned(),
            None if object.get("witan:jointWith").is_some() => String::new(),
            None => [
                str_field(object, "organizationType"),
                str_field(object, "classification"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        };
        let mut owners = vec![key(body)];
        owners.extend(
            many(&object["witan:jointWith"])
                .into_iter()
                .filter_map(reference)
                .map(key),
        );
        self.batch.push(
            at,
            Draft::Committee {
                key: key(&id),
                name: name.to_owned(),
                purpose,
                owners,
                parent: reference(&object["subOrganizationOf"]).map(key),
            },
        );
    }

    fn person(&mut self, object: &Value, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let joined = [
            str_field(object, "givenName"),
            str_field(object, "familyName"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
        let name = str_field(object, "name")
            .map(str::to_owned)
            .or_else(|| (!joined.is_empty()).then_some(joined));
        let Some(name) = name else {
            self.problem(
                &format!("{at}/name"),
                "Person has no \"name\" (nor given and family names)",
            );
            return;
        };
        self.batch.push(
            at,
            Draft::Person {
                key: key(&id),
                name,
                job_title: str_field(object, "witan:jobTitle")
                    .or_else(|| str_field(object, "title"))
                    .map(str::to_owned),
            },
        );
        for (i, membership) in many(&object["membership"]).into_iter().enumerate() {
            if membership.is_object() {
                self.membership(membership, Some(&id), &format!("{at}/membership/{i}"));
            }
        }
    }

    fn membership(&mut self, object: &Value, person: Option<&str>, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let Some(person) = person.or_else(|| reference(&object["person"])) else {
            self.problem(&format!("{at}/person"), "Membership has no \"person\"");
            return;
        };
        let Some(organization) = reference(&object["organization"]) else {
            self.problem(
                &format!("{at}/organization"),
                "Membership has no \"organization\"",
            );
            return;
        };
        let Some(from) = str_field(object, "startDate").and_then(date) else {
            self.problem(
                &format!("{at}/startDate"),
                "Membership has no \"startDate\" (YYYY-MM-DD); witan records when a membership began",
            );
            return;
        };
        self.batch.push(
            at,
            Draft::Membership {
                key: key(&id),
                person: key(person),
                committee: key(organization),
                role: str_field(object, "witan:role")
                    .and_then(|r| MembershipRole::parse("witan:role", r).ok())
                    .unwrap_or_else(|| role(str_field(object, "role"))),
                from,
                until: str_field(object, "endDate").and_then(date),
            },
        );
    }

    fn meeting(&mut self, object: &Value, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let organizations = many(&object["organization"]);
        let Some(committee) = organizations.first().and_then(|o| reference(o)) else {
            self.problem(
                &format!("{at}/organization"),
                "Meeting has no \"organization\"; witan needs the committee that met",
            );
            return;
        };
        if organizations.len() > 1 {
            self.batch.note(
                format!("{at}/organization"),
                format!(
                    "a joint meeting of {} organisations is recorded under the first",
                    organizations.len()
                ),
            );
        }
        let Some(start) = str_field(object, "start") else {
            self.problem(&format!("{at}/start"), "Meeting has no \"start\"");
            return;
        };
        let Some(start) = instant(start) else {
            self.problem(
                &format!("{at}/start"),
                format!("\"{start}\" is not a date and time like 2020-09-29T15:00:00+02:00"),
            );
            return;
        };
        let end = str_field(object, "end")
            .and_then(instant)
            .filter(|e| *e > start);
        let location = match &object["location"] {
            Value::Object(_) => str_field(&object["location"], "description")
                .or_else(|| str_field(&object["location"], "room"))
                .or_else(|| str_field(&object["location"], "streetAddress"))
                .map(|s| s.chars().take(400).collect()),
            _ => None,
        };
        let items = many(&object["agendaItem"]);
        let witan_status = str_field(object, "witan:status")
            .and_then(|s| MeetingStatus::parse("witan:status", s).ok());
        let status = if let Some(status) = witan_status {
            status
        } else if object["cancelled"].as_bool() == Some(true) {
            MeetingStatus::Cancelled
        } else if start.date_naive() < self.today {
            MeetingStatus::Held
        } else if items.is_empty() {
            MeetingStatus::Scheduled
        } else {
            MeetingStatus::AgendaPublished
        };
        let meeting = key(&id);
        self.batch.push(
            at,
            Draft::Meeting {
                key: meeting.clone(),
                committee: key(committee),
                start,
                end,
                location,
                status,
            },
        );
        self.skipped_files += ["invitation", "resultsProtocol", "verbatimProtocol"]
            .iter()
            .filter(|f| object[**f].is_object())
            .count()
            + many(&object["auxiliaryFile"]).len();
        let mut seen = HashSet::new();
        let mut position = 0u32;
        for (i, item) in items.into_iter().enumerate() {
            let item_at = format!("{at}/agendaItem/{i}");
            if !item.is_object() {
                self.batch.note(
                    item_at,
                    "an agenda item given only as a link was skipped: witan imports embedded \
                     agenda items",
                );
                continue;
            }
            position += 1;
            self.agenda_item(item, &meeting, position, &mut seen, &item_at);
        }
    }

    fn agenda_item(
        &mut self,
        object: &Value,
        meeting: &Key,
        position: u32,
        seen: &mut HashSet<String>,
        at: &str,
    ) {
        let item = match str_field(object, "id") {
            Some(id) => key(id),
            None => meeting.child(format_args!("agendaItem/{position}")),
        };
        let Some(title) = str_field(object, "name") else {
            self.problem(&format!("{at}/name"), "AgendaItem has no \"name\"");
            return;
        };
        let number = item_number(str_field(object, "number"), position, seen);
        let resolution = [
            str_field(object, "result"),
            str_field(object, "resolutionText"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n\n");
        // witan's own servers name the ground (a Schedule 12A paragraph, or another).
        let exempt = (object["public"].as_bool() == Some(false)).then(|| {
            str_field(object, "witan:exemptGround")
                .filter(|g| witan_domain::ExemptGround::parse_code("witan:exemptGround", g).is_ok())
                .unwrap_or("other:Not public at its source")
                .to_owned()
        });
        let consultation = reference(&object["consultation"]).map(key);
        self.batch.push(
            at,
            Draft::Item {
                key: item.clone(),
                meeting: meeting.clone(),
                position,
                number,
                title: title.chars().take(480).collect(),
                issue: consultation,
                exempt,
                minutes: match object.get("witan:minutes") {
                    // witan's own servers give the minutes whole.
                    Some(minutes) if minutes.is_object() => Some(MinutesDraft {
                        text: str_field(minutes, "text").unwrap_or_default().to_owned(),
                        resolution_points: many(&minutes["resolutionPoints"])
                            .into_iter()
                            .filter_map(Value::as_str)
                            .map(str::to_owned)
                            .collect(),
                        resolution_text: str_field(minutes, "resolutionText")
                            .unwrap_or_default()
                            .to_owned(),
                    }),
                    _ => (!resolution.is_empty()).then(|| MinutesDraft {
                        resolution_text: resolution,
                        ..MinutesDraft::default()
                    }),
                },
            },
        );
        if object["resolutionFile"].is_object() {
            self.file(
                &object["resolutionFile"],
                Some(&item),
                None,
                &format!("{at}/resolutionFile"),
            );
        }
        for (i, file) in many(&object["auxiliaryFile"]).into_iter().enumerate() {
            if file.is_object() {
                self.file(file, Some(&item), None, &format!("{at}/auxiliaryFile/{i}"));
            }
        }
    }

    fn paper(&mut self, object: &Value, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let Some(title) = str_field(object, "name").or_else(|| str_field(object, "reference"))
        else {
            self.problem(&format!("{at}/name"), "Paper has no \"name\"");
            return;
        };
        let paper = key(&id);
        self.batch.push(
            at,
            Draft::Issue {
                key: paper.clone(),
                title: title.chars().take(480).collect(),
                reference: str_field(object, "reference").map(str::to_owned),
                summary: str_field(object, "witan:summary")
                    .or_else(|| str_field(object, "paperType"))
                    .unwrap_or_default()
                    .to_owned(),
            },
        );
        if object["mainFile"].is_object() {
            self.file(
                &object["mainFile"],
                None,
                Some(&paper),
                &format!("{at}/mainFile"),
            );
        }
        for (i, file) in many(&object["auxiliaryFile"]).into_iter().enumerate() {
            if file.is_object() {
                self.file(file, None, Some(&paper), &format!("{at}/auxiliaryFile/{i}"));
            }
        }
        for (i, consultation) in many(&object["consultation"]).into_iter().enumerate() {
            if consultation.is_object() {
                self.consultation(
                    consultation,
                    Some(&paper),
                    &format!("{at}/consultation/{i}"),
                );
            }
        }
    }

    fn consultation(&mut self, object: &Value, paper: Option<&Key>, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let Some(paper) = paper
            .cloned()
            .or_else(|| reference(&object["paper"]).map(key))
        else {
            self.problem(&format!("{at}/paper"), "Consultation has no \"paper\"");
            return;
        };
        self.batch.push(
            at,
            Draft::Alias {
                key: key(&id),
                target: paper,
            },
        );
    }

    fn file(&mut self, object: &Value, item: Option<&Key>, issue: Option<&Key>, at: &str) {
        let Some(id) = self.id(object, at) else {
            return;
        };
        let paper_ref = many(&object["paper"])
            .first()
            .and_then(|p| reference(p))
            .map(key);
        let item_ref = many(&object["agendaItem"])
            .first()
            .and_then(|p| reference(p))
            .map(key);
        let (item, issue) = match (item.cloned(), issue.cloned()) {
            (None, None) => (item_ref, paper_ref),
            given => given,
        };
        if item.is_none() && issue.is_none() {
            self.batch.note(
                at.to_owned(),
                "a file that belongs to no agenda item or paper was skipped",
            );
            return;
        }
        let Some(name) = str_field(object, "name").or_else(|| str_field(object, "fileName")) else {
            self.problem(
                &format!("{at}/name"),
                "File has no \"name\" nor \"fileName\"",
            );
            return;
        };
        // What the source says of the file is a label only; `witan:sha256` and
        // `sha256Checksum` are not read at all: a digest comes from bytes witan read.
        let size = object["size"].as_u64().unwrap_or(0);
        let media_type = str_field(object, "mimeType")
            .unwrap_or("application/octet-stream")
            .to_owned();
        let mut file = None;
        let mut text = str_field(object, "text").unwrap_or_default().to_owned();
        let local = self.local_file(object);
        if local.is_none()
            && text.is_empty()
            && let Some(url) = ["downloadUrl", "accessUrl"]
                .iter()
                .filter_map(|f| str_field(object, f))
                .find(|u| u.starts_with("https://") || u.starts_with("http://"))
        {
            // A harvest may fetch it (crate::harvest); a dump import keeps the link only.
            self.batch
                .downloads
                .push((self.batch.records.len(), url.to_owned()));
        }
        if let Some(path) = local {
            match crate::documents::DocumentFile::read(&path) {
                Ok(read) => {
                    if text.is_empty() {
                        match read.text(self.extractor) {
                            Ok(words) => text = words,
                            Err(e) => self.batch.note(
                                at.to_owned(),
                                format!(
                                    "{}: text could not be read: {e}; the document was imported \
                                     without its text",
                                    path.display()
                                ),
                            ),
                        }
                    }
                    file = Some(FileRead::read(&read));
                }
                Err(e) => self.batch.note(
                    at.to_owned(),
                    format!(
                        "{}: {e}; the document was imported without its text",
                        path.display()
                    ),
                ),
            }
        }
        self.batch.push(
            at,
            Draft::Document {
                key: key(&id),
                item,
                issue,
                name: name.chars().take(480).collect(),
                claimed_media_type: media_type,
                claimed_size_bytes: size,
                file,
                text,
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_roles_and_instants() {
        let mut seen = HashSet::new();
        assert_eq!(item_number(Some("1."), 1, &mut seen), "1.");
        assert_eq!(item_number(Some("Ö 1.2"), 2, &mut seen), "1.2");
        assert_eq!(item_number(Some("TOP 3"), 3, &mut seen), "3");
        assert_eq!(item_number(Some("1"), 4, &mut seen), "4");
        assert_eq!(item_number(None, 5, &mut seen), "5");
        assert_eq!(
            role(Some("Stellvertretender Vorsitzender")),
            MembershipRole::ViceChair
        );
        assert_eq!(role(Some("Vorsitzender")), MembershipRole::Chair);
        assert_eq!(role(Some("Sachkundiger Bürger")), MembershipRole::CoOpted);
        assert_eq!(
            instant("2007-01-23T18:00:00+01:00").map(|t| t.to_rfc3339()),
            Some("2007-01-23T17:00:00+00:00".into())
        );
        assert!(instant("soon").is_none());
        assert_eq!(rank("{\"type\": \"https://schema.oparl.org/1.0/Body\"}"), 0);
        assert_eq!(
            rank("{\"type\": \"https://schema.oparl.org/1.1/Meeting\"}"),
            5
        );
    }
}
