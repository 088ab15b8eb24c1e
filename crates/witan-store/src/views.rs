//! What the store returns: stored records with their ids, and the composed records pages need
//! (a meeting with its agenda, an issue with its history), already filtered for the audience.

use chrono::{DateTime, NaiveDate, Utc};
use std::ops::Deref;
use witan_domain::{
    Action, ActionStatus, ActionUpdate, AgendaItem, AttendanceKind, Committee, CommitteeId,
    Decision, DecisionStatus, Document, Escalation, ForwardPlanEntry, Id, InterestKind, Issue,
    IssueId, ItemNumber, Meeting, MeetingId, Membership, Minutes, Organisation, OrganisationId,
    Person, PersonId, Rag, SignOff, Title,
};

/// A record as stored, with the id the store gave it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Stored<T> {
    pub id: Id<T>,
    #[serde(flatten)]
    pub record: T,
}

impl<T> Deref for Stored<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.record
    }
}

/// How many records of each kind the store holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub organisations: u64,
    pub committees: u64,
    pub people: u64,
    pub meetings: u64,
    pub agenda_items: u64,
    pub issues: u64,
    pub documents: u64,
    pub decisions: u64,
    pub actions: u64,
    pub escalations: u64,
}

/// A short reference to a committee, for links.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CommitteeRef {
    pub id: CommitteeId,
    pub slug: String,
    pub name: String,
}

/// A meeting with its committee, for lists.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeetingSummary {
    pub meeting: Stored<Meeting>,
    pub committee: CommitteeRef,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MembershipRecord {
    pub membership: Stored<Membership>,
    pub person_name: Title,
}

/// A meeting as open data publishes it, as `audience` may see it: its committee, attendance,
/// agenda and sign-offs. A page of many is read in a few queries ([`Store::meeting_sheets`]).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeetingSheet {
    pub meeting: Stored<Meeting>,
    pub committee: Stored<Committee>,
    pub attendance: Vec<Attendee>,
    /// `None` while the agenda is not published and the reader may not see it yet.
    pub agenda: Option<Vec<ItemEntry>>,
    pub sign_offs: Vec<SignOff>,
}

/// A meeting and everything recorded at it, as `audience` may see it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct MeetingRecord {
    pub meeting: Stored<Meeting>,
    pub committee: Stored<Committee>,
    pub organisations: Vec<Stored<Organisation>>,
    pub attendance: Vec<Attendee>,
    pub declarations: Vec<DeclarationRecord>,
    /// `None` while the agenda is not published and the reader may not see it yet.
    pub agenda: Option<Vec<ItemEntry>>,
    pub sign_offs: Vec<SignOff>,
    /// Open actions raised at earlier meetings of the committee, carried forward to this one.
    pub carried_actions: Vec<ActionRecord>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Attendee {
    pub person: Stored<Person>,
    pub kind: AttendanceKind,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeclarationRecord {
    pub person_name: Title,
    pub item_number: Option<ItemNumber>,
    pub kind: InterestKind,
    pub description: String,
}

/// An agenda item as the reader may see it: in full, or withheld with only its number and the
/// legal ground.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ItemEntry {
    Open(Box<ItemRecord>),
    Withheld {
        id: Id<AgendaItem>,
        number: ItemNumber,
        label: String,
        /// The legal ground, which is public (the reason is; what it protects is not).
        ground: witan_domain::ExemptGround,
    },
}

impl ItemEntry {
    pub fn id(&self) -> Id<AgendaItem> {
        match self {
            Self::Open(record) => record.item.id,
            Self::Withheld { id, .. } => *id,
        }
    }

    pub fn number(&self) -> &ItemNumber {
        match self {
            Self::Open(record) => &record.item.number,
            Self::Withheld { number, .. } => number,
        }
    }
}

/// An agenda item with its current minutes, documents, decisions, actions and escalations.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ItemRecord {
    pub item: Stored<AgendaItem>,
    pub issue_title: Option<Title>,
    /// The current version of the minutes, and its version number.
    pub minutes: Option<(u32, Minutes)>,
    pub documents: Vec<Stored<Document>>,
    pub decisions: Vec<Stored<Decision>>,
    pub actions: Vec<ActionRecord>,
    pub escalations_sent: Vec<EscalationRecord>,
    /// Set when this item is the proposed item an escalation created.
    pub escalated_from: Option<EscalationRecord>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ActionRecord {
    pub action: Stored<Action>,
    /// The committee whose meeting raised it.
    pub committee: CommitteeRef,
    pub owner_name: Option<String>,
    pub raised_at: MeetingId,
    pub raised_on: DateTime<Utc>,
    pub updates: Vec<ActionUpdate>,
}

/// An escalation with both ends named, so either side can link to the other.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EscalationRecord {
    pub escalation: Stored<Escalation>,
    pub from_committee: CommitteeRef,
    pub from_meeting: MeetingId,
    pub to_committee: CommitteeRef,
    pub target_meeting: Option<MeetingId>,
}

/// An issue and every agenda item that considered it, newest first.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct IssueRecord {
    pub issue: Stored<Issue>,
    pub documents: Vec<Stored<Document>>,
    pub history: Vec<HistoryEntry>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct HistoryEntry {
    pub meeting: Stored<Meeting>,
    pub committee: CommitteeRef,
    pub item: ItemEntry,
}

/// A page of a list: at most `limit` rows after skipping `offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub offset: u32,
    pub limit: u32,
}

impl Page {
    pub const MAX_LIMIT: u32 = 500;

    pub fn new(offset: u32, limit: u32) -> Self {
        Self {
            offset,
            limit: limit.clamp(1, Self::MAX_LIMIT),
        }
    }

    pub fn first(limit: u32) -> Self {
        Self::new(0, limit)
    }
}

/// A date window for lists of meetings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Starting at or after the instant, soonest first.
    From(DateTime<Utc>),
    /// Starting before the instant, latest first.
    Before(DateTime<Utc>),
    /// Whose agenda was published at or before the instant, latest publication first.
    AgendaPublishedBy(DateTime<Utc>),
}

/// Which decisions a register shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionFilter {
    pub committee: Option<CommitteeId>,
    pub key_only: bool,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub status: Option<DecisionStatus>,
}

/// A decision with where it was made, for registers.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DecisionRecord {
    pub decision: Stored<Decision>,
    pub committee: Option<CommitteeRef>,
    pub meeting: Option<MeetingId>,
    pub item_number: Option<ItemNumber>,
    pub item_title: Option<Title>,
}

/// Which actions the tracker shows. Empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFilter {
    pub owner: Option<PersonId>,
    pub committee: Option<CommitteeId>,
    pub rag: Option<Rag>,
    pub status: Option<ActionStatus>,
    /// Only open actions whose due date is before this date.
    pub overdue_on: Option<NaiveDate>,
}

/// A person with their memberships, the open actions they own and the meetings they attended.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PersonRecord {
    pub person: Stored<Person>,
    pub memberships: Vec<(Stored<Membership>, CommitteeRef)>,
    pub open_actions: Vec<ActionRecord>,
    /// The latest meetings they were recorded at, newest first.
    pub meetings: Vec<(MeetingSummary, AttendanceKind)>,
}

/// Which escalations of a committee to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Sent by the committee to others.
    Sent,
    /// Sent to the committee and not yet considered by it (pending or accepted; declined ones are
    /// answered).
    Awaiting,
    /// Sent to the committee and not yet answered: a clerk of the committee accepts or declines.
    Pending,
    /// Sent to the committee, considered or not.
    Received,
}

/// A forward plan entry with its decision maker named.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ForwardPlanRecord {
    pub entry: Stored<ForwardPlanEntry>,
    pub decision_maker: CommitteeRef,
    pub issue_title: Option<Title>,
}

/// The kinds of record search finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SearchKind {
    Item,
    Issue,
    Decision,
    Action,
    Document,
}

impl witan_domain::Term for SearchKind {
    const WHAT: &'static str = "kind of record";
    const ALL: &'static [Self] = &[
        Self::Item,
        Self::Issue,
        Self::Decision,
        Self::Action,
        Self::Document,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Item => "item",
            Self::Issue => "issue",
            Self::Decision => "decision",
            Self::Action => "action",
            Self::Document => "document",
        }
    }
}

impl SearchKind {
    /// The plural a reader sees on a filter: "Agenda items".
    pub fn label(self) -> &'static str {
        match self {
            Self::Item => "Agenda items",
            Self::Issue => "Issues",
            Self::Decision => "Decisions",
            Self::Action => "Actions",
            Self::Document => "Reports and documents",
        }
    }
}

/// A record as search sees it: its words, and the facts it can be filtered and found by.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchDocument {
    pub kind: SearchKind,
    pub id: i64,
    pub title: String,
    /// Minutes and resolutions, a decision's text, an action, a document's extracted text.
    pub body: String,
    pub committee: Option<CommitteeRef>,
    /// Slugs of the organisations whose committee it is (several for a joint board).
    pub organisations: Vec<String>,
    /// The meeting's date (the decision's for a decision, the latest meeting's for an issue).
    pub date: Option<NaiveDate>,
    pub key_decision: bool,
    /// Whether the public may find it: not exempt, and its agenda published.
    pub public: bool,
    pub meeting: Option<MeetingId>,
    pub item_number: Option<String>,
    pub issue: Option<IssueId>,
}

/// Which searchable records to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchSelection<'a> {
    /// Records with ids above the given one, in id order, at most `limit`.
    After { id: i64, limit: u32 },
    /// The records with these ids, as they stand now; ids of deleted records are absent.
    Ids(&'a [i64]),
    /// Documents attached to these issues and to no item: whether the public may find them
    /// follows their issue, so the index re-reads them with it. No records of other kinds.
    OfIssues(&'a [i64]),
}

/// One entry of the change log of searchable records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SearchChange {
    pub seq: u64,
    pub kind: SearchKind,
    pub id: i64,
}

/// One entry of the exempt register.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ExemptEntry {
    /// `item` or `document`.
    pub kind: &'static str,
    pub id: i64,
    /// The item's title or the document's name.
    pub title: Title,
    pub meeting: Option<MeetingId>,
    pub meeting_start: Option<DateTime<Utc>>,
    pub committee: Option<CommitteeRef>,
    pub exemption: witan_domain::Exemption,
}

/// The kinds of record open data publishes, each listed as the public may see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishedKind {
    Organisation,
    Committee,
    Person,
    Meeting,
    /// Agenda items of published agendas (exempt ones included: they are shown withheld).
    Item,
    /// Issues considered in the open at a meeting whose agenda is published.
    Issue,
    Document,
    Decision,
    Action,
    Escalation,
    ForwardPlan,
}

/// Which records a [`crate::Store::published`] list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scope {
    #[default]
    All,
    /// Records of the committees an organisation owns or shares.
    Organisation(OrganisationId),
    Committee(CommitteeId),
}

/// A window on creation and modification times; open ends do not filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    pub created_since: Option<DateTime<Utc>>,
    pub created_until: Option<DateTime<Utc>>,
    pub modified_since: Option<DateTime<Utc>>,
    pub modified_until: Option<DateTime<Utc>>,
}

/// Which published records to list: those after an id (in id order), or these ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection<'a> {
    After { id: i64, limit: u32 },
    Ids(&'a [i64]),
}

/// A published record's id with when it was created and last modified. A record's modification
/// time covers what open data embeds in it: a meeting's agenda items and minutes, a person's
/// memberships, an issue's items.
///
/// Only the store makes a stamp (`non_exhaustive`), so holding one proves the public may see the
/// record: a [`crate::PublicStore`] read that takes one need not ask again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Stamp {
    pub id: i64,
    pub created: DateTime<Utc>,
    pub modified: DateTime<Utc>,
    /// What kind of record `published` listed it as.
    #[serde(skip)]
    pub kind: PublishedKind,
}

impl Stamp {
    pub(crate) fn new(
        kind: PublishedKind,
        id: i64,
        created: DateTime<Utc>,
        modified: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            created,
            modified,
            kind,
        }
    }
}
