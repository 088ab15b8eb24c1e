//! What every parser produces: records as their source describes them, each under a source key,
//! referring to one another by key. The applier turns keys into ids and drafts into domain
//! records (which validate), so a parser knows nothing about the store.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;
use witan_domain::{
    ActionStatus, AttendanceKind, MeetingStatus, MembershipRole, OrganisationKind, Rag,
};

/// A source identity: the format, then the source's own id or the parts that identify the record
/// ("oparl:https://…/meeting/12", "minutes:cabinet/2016-04-14/item/7").
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Key(String);

impl Key {
    pub fn new(format: &str, identity: impl fmt::Display) -> Self {
        Self(format!("{format}:{identity}"))
    }

    /// A key below this one: `minutes:cabinet/2016-04-14` → `minutes:cabinet/2016-04-14/item/7`.
    pub fn child(&self, part: impl fmt::Display) -> Self {
        Self(format!("{}/{part}", self.0))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where in a source file something is: "line 12" or a JSON pointer "/data/3/agendaItem/1".
pub type Location = String;

/// Minutes of an item as published.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct MinutesDraft {
    pub text: String,
    pub resolution_points: Vec<String>,
    pub resolution_text: String,
}

/// One record as the source describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Draft {
    Organisation {
        key: Key,
        name: String,
        kind: OrganisationKind,
    },
    Committee {
        key: Key,
        name: String,
        purpose: String,
        owners: Vec<Key>,
        parent: Option<Key>,
    },
    Person {
        key: Key,
        name: String,
        job_title: Option<String>,
    },
    Membership {
        key: Key,
        person: Key,
        committee: Key,
        role: MembershipRole,
        from: NaiveDate,
        until: Option<NaiveDate>,
    },
    Meeting {
        key: Key,
        committee: Key,
        start: DateTime<Utc>,
        end: Option<DateTime<Utc>>,
        location: Option<String>,
        status: MeetingStatus,
    },
    Attendance {
        key: Key,
        meeting: Key,
        person: Key,
        attendance: AttendanceKind,
    },
    Issue {
        key: Key,
        title: String,
        reference: Option<String>,
        summary: String,
    },
    Item {
        key: Key,
        meeting: Key,
        position: u32,
        number: String,
        title: String,
        issue: Option<Key>,
        /// Schedule 12A paragraph or other ground, as an exempt-ground code ("12A:3").
        exempt: Option<String>,
        minutes: Option<MinutesDraft>,
    },
    Document {
        key: Key,
        item: Option<Key>,
        issue: Option<Key>,
        name: String,
        /// What the source says the file is and how big ("PDF 144 KB" beside a link): a label
        /// for a document whose file witan has not read, never how a file is served.
        claimed_media_type: String,
        claimed_size_bytes: u64,
        /// The file as witan read it, if it did: the only source of a document's digest.
        file: Option<FileRead>,
        text: String,
    },
    Decision {
        key: Key,
        item: Option<Key>,
        committee: Key,
        decided_on: NaiveDate,
        title: String,
        text: String,
        key_decision: bool,
    },
    Action {
        key: Key,
        meeting: Key,
        item: Option<Key>,
        description: String,
        owner: Option<Key>,
        due_on: Option<NaiveDate>,
        status: ActionStatus,
        rag: Rag,
        closed_on: Option<NaiveDate>,
    },
    ActionUpdate {
        key: Key,
        action: Key,
        on: NaiveDate,
        text: String,
    },
    Escalation {
        key: Key,
        from_item: Key,
        to_committee: Key,
        reason: String,
    },
    SignOff {
        key: Key,
        meeting: Key,
        by: String,
        on: NaiveDate,
    },
    /// Another name for a record (an OParl Consultation names the Paper an agenda item
    /// considered): resolves to whatever `target` resolves to.
    Alias { key: Key, target: Key },
}

/// A document file witan read and hashed itself. Its fields are private and it is made only
/// from a [`crate::documents::DocumentFile`] witan read, so no digest a source states (`witan:sha256`,
/// `sha256Checksum`) can become a document's digest: the digest names the file a download
/// serves, and a source that could name one could publish any file witan holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileRead {
    sha256: String,
    size_bytes: u64,
    media_type: String,
}

impl FileRead {
    /// The file witan read: its digest and size, and the media type the reading found (its
    /// first bytes and what could be read of it), not what the source claimed.
    pub fn read(file: &crate::documents::DocumentFile) -> Self {
        Self {
            sha256: file.sha256.clone(),
            size_bytes: file.size_bytes(),
            media_type: file.media_type.to_owned(),
        }
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub fn media_type(&self) -> &str {
        &self.media_type
    }
}

impl Draft {
    pub fn key(&self) -> &Key {
        match self {
            Self::Organisation { key, .. }
            | Self::Committee { key, .. }
            | Self::Person { key, .. }
            | Self::Membership { key, .. }
            | Self::Meeting { key, .. }
            | Self::Attendance { key, .. }
            | Self::Issue { key, .. }
            | Self::Item { key, .. }
            | Self::Document { key, .. }
            | Self::Decision { key, .. }
            | Self::Action { key, .. }
            | Self::ActionUpdate { key, .. }
            | Self::Escalation { key, .. }
            | Self::SignOff { key, .. }
            | Self::Alias { key, .. } => key,
        }
    }

    /// The kind of record, as the summary and the import_sources table name it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Organisation { .. } => "organisation",
            Self::Committee { .. } => "committee",
            Self::Person { .. } => "person",
            Self::Membership { .. } => "membership",
            Self::Meeting { .. } => "meeting",
            Self::Attendance { .. } => "attendance",
            Self::Issue { .. } => "issue",
            Self::Item { .. } => "item",
            Self::Document { .. } => "document",
            Self::Decision { .. } => "decision",
            Self::Action { .. } => "action",
            Self::ActionUpdate { .. } => "action_update",
            Self::Escalation { .. } => "escalation",
            Self::SignOff { .. } => "sign_off",
            Self::Alias { .. } => "alias",
        }
    }

    /// References that may be missing: the record is written without them (and noted), and
    /// written again once they resolve.
    pub fn soft_references(&self) -> Vec<&Key> {
        match self {
            Self::Committee { parent, .. } => parent.iter().collect(),
            Self::Item { issue, .. } => issue.iter().collect(),
            Self::Action { owner, .. } => owner.iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The keys this record refers to, which must resolve before it can be written.
    pub fn references(&self) -> Vec<&Key> {
        let mut refs = Vec::new();
        match self {
            Self::Organisation { .. } | Self::Person { .. } | Self::Issue { .. } => {}
            Self::Committee { owners, .. } => refs.extend(owners),
            Self::Membership {
                person, committee, ..
            } => refs.extend([person, committee]),
            Self::Meeting { committee, .. } => refs.push(committee),
            Self::Attendance {
                meeting, person, ..
            } => refs.extend([meeting, person]),
            Self::Item { meeting, .. } => refs.push(meeting),
            Self::Document { item, issue, .. } => {
                refs.extend(item);
                refs.extend(issue);
            }
            Self::Decision {
                item, committee, ..
            } => {
                refs.extend(item);
                refs.push(committee);
            }
            Self::Action { meeting, item, .. } => {
                refs.push(meeting);
                refs.extend(item);
            }
            Self::ActionUpdate { action, .. } => refs.push(action),
            Self::Escalation {
                from_item,
                to_committee,
                ..
            } => refs.extend([from_item, to_committee]),
            Self::SignOff { meeting, .. } => refs.push(meeting),
            Self::Alias { target, .. } => refs.push(target),
        }
        refs
    }

    /// A digest of everything the source says about the record: equal fingerprints mean a
    /// re-import has nothing to change.
    pub fn fingerprint(&self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let json = serde_json::to_vec(self).unwrap_or_default();
        let digest = Sha256::digest(&json);
        let mut hex = String::with_capacity(64);
        for b in digest {
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 15)]));
        }
        hex
    }
}

/// A draft and where the source described it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sourced {
    pub at: Location,
    pub draft: Draft,
}

/// Something the importer could not take in, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// "FILE:line 12", "FILE#/data/3/organization".
    pub at: String,
    pub message: String,
}

/// Everything one source file describes, parents before children.
#[derive(Debug, Clone, Default)]
pub struct Batch {
    pub records: Vec<Sourced>,
    /// What the parser skipped, with reasons (a record missing a mandatory field …).
    pub problems: Vec<(Location, String)>,
    /// What the parser read but witan keeps no record of, or took in only in part.
    pub notes: Vec<(Location, String)>,
    /// Documents whose file is only at a URL: the index of their record, and the URL.
    pub downloads: Vec<(usize, String)>,
}

impl Batch {
    pub fn push(&mut self, at: impl Into<Location>, draft: Draft) {
        self.records.push(Sourced {
            at: at.into(),
            draft,
        });
    }

    pub fn problem(&mut self, at: impl Into<Location>, message: impl Into<String>) {
        self.problems.push((at.into(), message.into()));
    }

    pub fn note(&mut self, at: impl Into<Location>, message: impl Into<String>) {
        self.notes.push((at.into(), message.into()));
    }
}
