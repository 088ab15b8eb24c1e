//! The store: where witan's records live.
//!
//! [`Store`] is the read side and the way to start a write; [`Writer`] is one unit of work that
//! lands whole on [`Writer::commit`] or not at all when dropped. Both are object-safe traits so the
//! binary can pick a backend at run time from the database URL. Both are implemented once, in
//! [`sql`], over a driver that keeps only what differs between the databases: [`sqlite`] and
//! [`postgres`]. Every table is declared once, in [`catalogue`]. The behaviour suite in
//! [`suite`] (feature `suite`) is what every backend must pass.
//!
//! Invariant: exempt content leaves the store only for [`Audience::Privileged`] readers. Every read
//! that can return item or document content takes an audience and filters in the query.

/// SQL to follow a meeting's status: true when the meeting's agenda is public, as
/// `MeetingStatus::agenda_is_public` says. A macro so that `concat!` can join it to literals; both
/// backends store statuses as the same words.
macro_rules! agenda_public {
    () => {
        "NOT IN ('scheduled', 'cancelled')"
    };
}

mod accounts;
mod alerts;
pub mod catalogue;
pub mod copy;
pub mod database_url;
mod decode;
mod error;
pub mod postgres;
mod public;
mod published;
mod search_log;
pub mod sql;
pub mod sqlite;
#[cfg(feature = "suite")]
pub mod suite;
mod views;
mod visibility;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Arc;
use witan_domain::{
    Action, ActionId, ActionStatus, ActionUpdate, AgendaItem, AttendanceKind, Audience, Committee,
    CommitteeId, Decision, DecisionId, DecisionStatus, Declaration, Document, DocumentId,
    Escalation, EscalationId, ForwardPlanEntry, ForwardPlanId, Issue, IssueId, ItemId, Meeting,
    MeetingId, MeetingStatus, Membership, MembershipId, Minutes, Organisation, OrganisationId,
    Person, PersonId, SignOff, Text, Title,
};

pub use accounts::{Account, AccountWriter, Accounts, AuditRecord, FailedAttempts, Session};
pub use alerts::{
    AlertWriter, Alerts, FollowerCount, MailKind, NewMail, OutgoingMail, Pending, SentMail,
    Subscriber, Subscription,
};
#[doc(hidden)]
pub use decode::Columns;
pub use error::{Result, StoreError};
pub use public::PublicStore;
pub use search_log::SEARCH_READER_LAPSE;
pub use views::{
    ActionFilter, ActionRecord, Attendee, CommitteeRef, Counts, DecisionFilter, DecisionRecord,
    DeclarationRecord, Direction, EscalationRecord, ExemptEntry, ForwardPlanRecord, HistoryEntry,
    IssueRecord, ItemEntry, ItemRecord, MeetingRecord, MeetingSheet, MeetingSummary,
    MembershipRecord, Page, PersonRecord, PublishedKind, Scope, SearchChange, SearchDocument,
    SearchKind, SearchSelection, Selection, Stamp, Stored, When, Window,
};

/// Reads, and the start of writes.
#[async_trait]
pub trait Store: Accounts + Alerts + Send + Sync + std::fmt::Debug {
    /// Starts a unit of work. Writes are serialised; readers keep reading the last commit.
    async fn begin(&self) -> Result<Box<dyn Writer>>;

    /// Whether the database answers.
    async fn ping(&self) -> Result<()>;

    /// Brings the query planner's statistics up to date after a bulk load (the demo, an import):
    /// without them PostgreSQL plans for the tables as they were (reading 2,000 issues for the
    /// search index of a freshly loaded million-item store took 42–50 s; on a 200,000-item store
    /// the same query took 12 s without statistics, 12 ms with). SQLite plans well without
    /// statistics and keeps none.
    async fn refresh_statistics(&self) -> Result<()>;

    /// A number that changes whenever a unit of work commits, through any process sharing the
    /// database: what was read under one generation may be stale under another.
    async fn generation(&self) -> Result<u64>;

    /// How many units of work this handle has committed: no IO, so a cache can see its own
    /// process's writes at once and ask [`Store::generation`] less often for everyone else's.
    fn local_commits(&self) -> u64;

    async fn counts(&self) -> Result<Counts>;

    async fn organisations(&self) -> Result<Vec<Stored<Organisation>>>;
    /// Every issue reference in use ("102/2002"), with its issue: references are unique.
    async fn issue_references(&self) -> Result<Vec<(String, IssueId)>>;
    async fn committees(&self) -> Result<Vec<Stored<Committee>>>;
    async fn committee(&self, id: CommitteeId) -> Result<Stored<Committee>>;
    async fn committee_by_slug(&self, slug: &str) -> Result<Stored<Committee>>;
    async fn memberships(&self, committee: CommitteeId) -> Result<Vec<MembershipRecord>>;
    async fn person(&self, id: PersonId) -> Result<Stored<Person>>;

    async fn meeting(&self, id: MeetingId) -> Result<Stored<Meeting>>;
    async fn item(&self, id: ItemId) -> Result<Stored<AgendaItem>>;
    /// A document as `audience` may see it: for the public, [`StoreError::NotFound`] when it or
    /// its item is exempt or its item's agenda is not published.
    async fn document(&self, id: DocumentId, audience: Audience) -> Result<Stored<Document>>;
    /// Exempt items and documents with their grounds, soonest review first (those without a
    /// review date last): the register a clerk reviews. Privileged readers only.
    async fn exempt_register(&self, page: Page) -> Result<Vec<ExemptEntry>>;
    /// Meetings of one committee, or of all when `committee` is `None`, in the window.
    async fn meetings(
        &self,
        committee: Option<CommitteeId>,
        when: When,
        page: Page,
    ) -> Result<Vec<MeetingSummary>>;
    /// A meeting with its agenda, minutes, attendance and actions, as `audience` may see it.
    async fn meeting_record(&self, id: MeetingId, audience: Audience) -> Result<MeetingRecord>;
    /// The meetings `ids` names as open data publishes them, in the order given (an id of no
    /// meeting is left out), read together: the same few queries for one meeting or five hundred.
    async fn meeting_sheets(
        &self,
        ids: &[MeetingId],
        audience: Audience,
    ) -> Result<Vec<MeetingSheet>>;
    /// Every version of an item's minutes, oldest first.
    async fn minutes_versions(
        &self,
        item: ItemId,
        audience: Audience,
    ) -> Result<Vec<(u32, Minutes)>>;

    /// An issue with its history across meetings and committees, newest first.
    async fn issue_record(&self, id: IssueId, audience: Audience) -> Result<IssueRecord>;

    async fn decision(&self, id: DecisionId) -> Result<Stored<Decision>>;
    async fn action(&self, id: ActionId) -> Result<ActionRecord>;
    async fn escalation(&self, id: EscalationId) -> Result<EscalationRecord>;
    /// Escalations a committee sent or received, newest first, as `audience` may see them
    /// (the public does not see escalations of exempt items).
    async fn escalations(
        &self,
        committee: CommitteeId,
        direction: Direction,
        audience: Audience,
        page: Page,
    ) -> Result<Vec<EscalationRecord>>;

    /// The decisions register: newest first.
    async fn decisions(
        &self,
        filter: &DecisionFilter,
        page: Page,
        audience: Audience,
    ) -> Result<Vec<DecisionRecord>>;
    /// The action tracker: newest meeting first.
    async fn actions(
        &self,
        filter: &ActionFilter,
        page: Page,
        audience: Audience,
    ) -> Result<Vec<ActionRecord>>;
    async fn person_record(&self, id: PersonId, audience: Audience) -> Result<PersonRecord>;
    /// The meetings a person was recorded at (present, apologies, absent, in attendance), latest
    /// first.
    async fn attendance(
        &self,
        person: PersonId,
        page: Page,
    ) -> Result<Vec<(MeetingSummary, AttendanceKind)>>;
    /// Searchable records of one kind, as a privileged reader sees them (each says whether the
    /// public may find it): what the search index is built from.
    async fn search_documents(
        &self,
        kind: SearchKind,
        selection: SearchSelection<'_>,
    ) -> Result<Vec<SearchDocument>>;
    /// Changes to searchable records after sequence number `after`, oldest first, at most `limit`.
    async fn search_changes(&self, after: u64, limit: u32) -> Result<Vec<SearchChange>>;
    /// The sequence number of the latest change to a searchable record (0 if none).
    async fn last_search_change(&self) -> Result<u64>;
    /// Records that the search index `reader` holds every change up to `seq`, as of `at`, and
    /// forgets the changes that every index heard from within [`SEARCH_READER_LAPSE`] holds. The
    /// latest change is always kept: it is the high-water mark.
    async fn search_read_upto(&self, reader: &str, seq: u64, at: DateTime<Utc>) -> Result<()>;
    /// The latest change forgotten: an index that does not hold it missed changes and must be
    /// rebuilt.
    async fn search_log_floor(&self) -> Result<u64>;
    /// Forgets an index that has gone (rebuilt under a new name), so it holds back nothing.
    async fn forget_search_reader(&self, reader: &str) -> Result<()>;

    /// Open data: public records of one kind in `scope` and `window`, with when each was created
    /// and last modified, in id order. Ids the public may not see are absent.
    async fn published(
        &self,
        kind: PublishedKind,
        scope: Scope,
        window: &Window,
        selection: Selection<'_>,
    ) -> Result<Vec<Stamp>>;
    /// A public forward plan entry.
    async fn forward_plan_entry(&self, id: ForwardPlanId) -> Result<ForwardPlanRecord>;

    /// Forward plan entries expected on or after `from`, soonest first.
    async fn forward_plan(
        &self,
        committee: Option<CommitteeId>,
        from: NaiveDate,
        page: Page,
    ) -> Result<Vec<ForwardPlanRecord>>;
}

/// One unit of work. Dropping it without [`Writer::commit`] undoes everything it did.
///
/// The `create_*` methods record history as it stands (an importer or the demo describing the
/// past); the other methods are workflows that apply the lifecycle rules. A backend may hold
/// created rows back and write them in batches, so a constraint a created row breaks (a dangling
/// reference, a duplicate) can be reported by a later call or by `commit`; either way the unit
/// of work lands whole or not at all.
#[async_trait]
pub trait Writer: AccountWriter + AlertWriter + Send {
    async fn create_organisation(&mut self, record: &Organisation) -> Result<OrganisationId>;
    async fn create_committee(&mut self, record: &Committee) -> Result<CommitteeId>;
    async fn create_person(&mut self, record: &Person) -> Result<PersonId>;
    async fn create_membership(&mut self, record: &Membership) -> Result<MembershipId>;
    async fn create_meeting(&mut self, record: &Meeting) -> Result<MeetingId>;
    async fn record_attendance(
        &mut self,
        meeting: MeetingId,
        person: PersonId,
        kind: AttendanceKind,
    ) -> Result<()>;
    async fn create_declaration(&mut self, meeting: MeetingId, record: &Declaration) -> Result<()>;
    /// Sets who was at a meeting and how, replacing what was recorded before.
    async fn set_attendance(
        &mut self,
        meeting: MeetingId,
        attendance: &[(PersonId, AttendanceKind)],
    ) -> Result<()>;
    async fn create_issue(&mut self, record: &Issue) -> Result<IssueId>;
    async fn create_item(&mut self, record: &AgendaItem) -> Result<ItemId>;
    /// Records a version of an item's minutes as it stands (workflows use `record_minutes`).
    async fn create_minutes(&mut self, item: ItemId, version: u32, minutes: &Minutes)
    -> Result<()>;
    /// Records a sign-off as it happened; the meeting's status is recorded with the meeting.
    async fn create_sign_off(&mut self, meeting: MeetingId, record: &SignOff) -> Result<()>;
    async fn create_document(&mut self, record: &Document) -> Result<DocumentId>;
    async fn create_decision(&mut self, record: &Decision) -> Result<DecisionId>;
    async fn create_action(&mut self, record: &Action) -> Result<ActionId>;
    /// Records an update as it was made, without re-rating the action.
    async fn create_action_update(&mut self, action: ActionId, update: &ActionUpdate)
    -> Result<()>;
    async fn create_escalation(&mut self, record: &Escalation) -> Result<EscalationId>;
    async fn create_forward_plan_entry(
        &mut self,
        record: &ForwardPlanEntry,
    ) -> Result<ForwardPlanId>;

    /// Schedules a new meeting. Nothing is put on its agenda: escalations to its committee wait
    /// for a clerk of that committee to accept them onto a meeting of their choosing.
    async fn schedule_meeting(&mut self, record: &Meeting) -> Result<MeetingId>;
    /// Adds a dated update to an action; a RAG rating in the update re-rates the action.
    async fn add_action_update(&mut self, action: ActionId, update: &ActionUpdate) -> Result<()>;

    /// Moves a meeting along its lifecycle; illegal moves are [`StoreError::Rule`].
    async fn set_meeting_status(&mut self, meeting: MeetingId, to: MeetingStatus) -> Result<()>;
    /// Writes or rewrites the draft minutes of an item. Refused once the meeting's minutes are
    /// signed off, and before the meeting is held.
    async fn record_minutes(&mut self, item: ItemId, minutes: &Minutes) -> Result<()>;
    /// Approves the meeting's draft minutes as a correct record; they are locked from then on.
    async fn sign_off_minutes(
        &mut self,
        meeting: MeetingId,
        by: &Title,
        person: Option<PersonId>,
        on: NaiveDate,
    ) -> Result<SignOff>;
    /// Corrects signed-off minutes: a new version with a reason; the earlier one stays.
    async fn correct_minutes(
        &mut self,
        meeting: MeetingId,
        corrections: &[(ItemId, Minutes)],
        by: &Title,
        on: NaiveDate,
        reason: &Text,
    ) -> Result<SignOff>;
    async fn set_decision_status(
        &mut self,
        decision: DecisionId,
        to: DecisionStatus,
        on: NaiveDate,
    ) -> Result<()>;
    async fn set_action_status(
        &mut self,
        action: ActionId,
        to: ActionStatus,
        on: NaiveDate,
    ) -> Result<()>;
    /// Sends a matter to another committee as a proposal, pending until a clerk of that
    /// committee accepts or declines it. It writes nothing onto the other committee's agenda.
    async fn send_escalation(
        &mut self,
        from_item: ItemId,
        to_committee: CommitteeId,
        reason: &Text,
    ) -> Result<EscalationId>;
    /// Accepts a pending escalation onto `meeting`, which must be a meeting of the committee it
    /// was sent to whose agenda is not yet published ([`StoreError::Rule`] otherwise): the
    /// proposed item is added at the end of that agenda, titled through the domain's title rule,
    /// and its id returned.
    async fn accept_escalation(
        &mut self,
        escalation: EscalationId,
        meeting: MeetingId,
    ) -> Result<ItemId>;
    /// Declines a pending escalation with the receiving committee's reason, which must not be
    /// empty; nothing is put on any agenda.
    async fn decline_escalation(&mut self, escalation: EscalationId, reason: &Text) -> Result<()>;
    /// Records that the target committee has considered an accepted escalation, closing the loop.
    async fn consider_escalation(&mut self, escalation: EscalationId, on: NaiveDate) -> Result<()>;

    /// Replaces the stored record `id` of the replacement's kind with the record as it now
    /// stands at its source: an importer updating in place what a changed source describes.
    /// It is history being corrected, not a workflow, so no lifecycle rule applies; constraints
    /// and the search log do.
    async fn replace(&mut self, id: i64, record: Replacement<'_>) -> Result<()>;
    /// The remembered sources among `keys` (in no particular order; unknown keys are absent).
    async fn import_sources(&mut self, keys: &[String]) -> Result<Vec<ImportSource>>;
    /// Remembers (or updates) where an imported record came from.
    async fn remember_import_source(&mut self, source: &ImportSource) -> Result<()>;

    /// Lands every change of this unit of work.
    async fn commit(self: Box<Self>) -> Result<()>;
}

/// A record as it stands, to replace the stored record of its kind with the same id.
#[derive(Debug, Clone, Copy)]
pub enum Replacement<'a> {
    Organisation(&'a Organisation),
    Committee(&'a Committee),
    Person(&'a Person),
    Membership(&'a Membership),
    Meeting(&'a Meeting),
    Issue(&'a Issue),
    Item(&'a AgendaItem),
    Document(&'a Document),
    Decision(&'a Decision),
    Action(&'a Action),
    Escalation(&'a Escalation),
}

/// Where an imported record came from: the source's identity (format and the source's own id,
/// or a stable fingerprint of what identifies it), the record it became, and a fingerprint of
/// the source record as last imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSource {
    pub key: String,
    /// The kind of record (`meeting`, `item`, …), as the importer names it.
    pub kind: String,
    pub record_id: i64,
    pub fingerprint: String,
}

/// The databases witan keeps its store in, told apart by the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `sqlite://PATH`: one file, one process writing (the default).
    Sqlite,
    /// `postgres://USER@HOST/DATABASE`: shared by any number of processes.
    Postgres,
}

impl Backend {
    pub fn of(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(StoreError::Invalid(witan_domain::ValidationError::new(
                "database_url",
                format!(
                    "\"{}\" is neither a sqlite: nor a postgres: URL",
                    database_url::redact(url)
                ),
            )))
        }
    }
}

/// Opens the store a database URL names: `sqlite://PATH` or `postgres://USER@HOST/DATABASE`.
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    Ok(match Backend::of(url)? {
        Backend::Sqlite => Arc::new(sqlite::SqliteStore::open_url(url).await?),
        Backend::Postgres => Arc::new(postgres::PgStore::open_url(url).await?),
    })
}

#[cfg(test)]
mod tests {
    use witan_domain::{MeetingStatus, Term};

    #[test]
    fn the_agenda_public_sql_names_the_statuses_the_domain_withholds() {
        let withheld: Vec<String> = MeetingStatus::ALL
            .iter()
            .filter(|s| !s.agenda_is_public())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        assert_eq!(
            agenda_public!(),
            format!("NOT IN ({})", withheld.join(", "))
        );
    }
}
