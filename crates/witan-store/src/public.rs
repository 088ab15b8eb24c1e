//! The store as the public reads it.
//!
//! [`PublicStore`] is the only handle the public site, the JSON API, OParl, the feeds and the
//! exports get. Every read it offers filters for [`Audience::Public`] by the store's one
//! visibility rule (`visibility.rs`), a record the public may not see is
//! [`StoreError::NotFound`], and it has no way to begin a write. A handler that holds it cannot
//! show exempt content or change a record, whatever it is written to do.

use crate::{
    ActionFilter, ActionRecord, Counts, DecisionFilter, Direction, EscalationRecord,
    ForwardPlanRecord, IssueRecord, MeetingRecord, MeetingSheet, MeetingSummary, MembershipRecord,
    Page, PersonRecord, PublishedKind, Result, Scope, Selection, Stamp, Store, StoreError, Stored,
    When, Window,
};
use chrono::NaiveDate;
use std::sync::Arc;
use witan_domain::{
    ActionId, AgendaItem, AttendanceKind, Audience, Committee, CommitteeId, Decision, DecisionId,
    Document, DocumentId, EscalationId, ForwardPlanId, IssueId, ItemId, MeetingId, Minutes,
    Organisation, Person, PersonId,
};

/// Reads as the public, and nothing else.
#[derive(Debug, Clone)]
pub struct PublicStore {
    store: Arc<dyn Store>,
}

const PUBLIC: Audience = Audience::Public;

impl PublicStore {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
    }

    /// Whether the public may see record `id` of `kind`: what open data lists, by the one rule.
    async fn listed(&self, kind: PublishedKind, id: i64, what: &'static str) -> Result<()> {
        let found = self
            .store
            .published(kind, Scope::All, &Window::default(), Selection::Ids(&[id]))
            .await?;
        if found.is_empty() {
            Err(StoreError::not_found(what, id))
        } else {
            Ok(())
        }
    }

    /// A stamp of `kind`, else the record is not there (a stamp of another kind proves nothing
    /// about this one).
    fn stamped(&self, stamp: &Stamp, kind: PublishedKind, what: &'static str) -> Result<()> {
        if stamp.kind == kind {
            Ok(())
        } else {
            Err(StoreError::not_found(what, stamp.id))
        }
    }

    /// Searchable records with these ids as the public may find them now: those the one rule
    /// lets the public see, others left out. What a follower is told comes from here only.
    pub async fn public_search_documents(
        &self,
        kind: crate::SearchKind,
        ids: &[i64],
    ) -> Result<Vec<crate::SearchDocument>> {
        let found = self
            .store
            .search_documents(kind, crate::SearchSelection::Ids(ids))
            .await?;
        Ok(found.into_iter().filter(|d| d.public).collect())
    }

    pub async fn ping(&self) -> Result<()> {
        self.store.ping().await
    }

    pub async fn generation(&self) -> Result<u64> {
        self.store.generation().await
    }

    pub fn local_commits(&self) -> u64 {
        self.store.local_commits()
    }

    pub async fn counts(&self) -> Result<Counts> {
        self.store.counts().await
    }

    pub async fn last_search_change(&self) -> Result<u64> {
        self.store.last_search_change().await
    }

    pub async fn organisations(&self) -> Result<Vec<Stored<Organisation>>> {
        self.store.organisations().await
    }

    pub async fn committees(&self) -> Result<Vec<Stored<Committee>>> {
        self.store.committees().await
    }

    pub async fn committee(&self, id: CommitteeId) -> Result<Stored<Committee>> {
        self.store.committee(id).await
    }

    pub async fn committee_by_slug(&self, slug: &str) -> Result<Stored<Committee>> {
        self.store.committee_by_slug(slug).await
    }

    pub async fn memberships(&self, committee: CommitteeId) -> Result<Vec<MembershipRecord>> {
        self.store.memberships(committee).await
    }

    pub async fn person(&self, id: PersonId) -> Result<Stored<Person>> {
        self.store.person(id).await
    }

    pub async fn person_record(&self, id: PersonId) -> Result<PersonRecord> {
        self.store.person_record(id, PUBLIC).await
    }

    pub async fn attendance(
        &self,
        person: PersonId,
        page: Page,
    ) -> Result<Vec<(MeetingSummary, AttendanceKind)>> {
        self.store.attendance(person, page).await
    }

    pub async fn meetings(
        &self,
        committee: Option<CommitteeId>,
        when: When,
        page: Page,
    ) -> Result<Vec<MeetingSummary>> {
        self.store.meetings(committee, when, page).await
    }

    pub async fn meeting_record(&self, id: MeetingId) -> Result<MeetingRecord> {
        self.store.meeting_record(id, PUBLIC).await
    }

    pub async fn meeting_sheets(&self, ids: &[MeetingId]) -> Result<Vec<MeetingSheet>> {
        self.store.meeting_sheets(ids, PUBLIC).await
    }

    /// An agenda item, once its agenda is public (an exempt one too: its number and ground are
    /// public, and callers show no more of it than the agenda does).
    pub async fn item(&self, id: ItemId) -> Result<Stored<AgendaItem>> {
        self.listed(PublishedKind::Item, id.get(), "agenda item")
            .await?;
        self.store.item(id).await
    }

    pub async fn minutes_versions(&self, item: ItemId) -> Result<Vec<(u32, Minutes)>> {
        self.store.minutes_versions(item, PUBLIC).await
    }

    pub async fn issue_record(&self, id: IssueId) -> Result<IssueRecord> {
        self.store.issue_record(id, PUBLIC).await
    }

    pub async fn document(&self, id: DocumentId) -> Result<Stored<Document>> {
        self.store.document(id, PUBLIC).await
    }

    /// The decision `published` listed (the stamp is the store's word that the public may see it).
    pub async fn decision(&self, stamp: &Stamp) -> Result<Stored<Decision>> {
        self.stamped(stamp, PublishedKind::Decision, "decision")?;
        self.store.decision(DecisionId::new(stamp.id)).await
    }

    pub async fn decisions(
        &self,
        filter: &DecisionFilter,
        page: Page,
    ) -> Result<Vec<crate::DecisionRecord>> {
        self.store.decisions(filter, page, PUBLIC).await
    }

    /// The action `published` listed (the stamp is the store's word that the public may see it).
    pub async fn action(&self, stamp: &Stamp) -> Result<ActionRecord> {
        self.stamped(stamp, PublishedKind::Action, "action")?;
        self.store.action(ActionId::new(stamp.id)).await
    }

    pub async fn actions(&self, filter: &ActionFilter, page: Page) -> Result<Vec<ActionRecord>> {
        self.store.actions(filter, page, PUBLIC).await
    }

    /// The escalation `published` listed (the stamp is the store's word that the public may see it).
    pub async fn escalation(&self, stamp: &Stamp) -> Result<EscalationRecord> {
        self.stamped(stamp, PublishedKind::Escalation, "escalation")?;
        self.store.escalation(EscalationId::new(stamp.id)).await
    }

    pub async fn escalations(
        &self,
        committee: CommitteeId,
        direction: Direction,
        page: Page,
    ) -> Result<Vec<EscalationRecord>> {
        self.store
            .escalations(committee, direction, PUBLIC, page)
            .await
    }

    pub async fn forward_plan_entry(&self, id: ForwardPlanId) -> Result<ForwardPlanRecord> {
        self.store.forward_plan_entry(id).await
    }

    pub async fn forward_plan(
        &self,
        committee: Option<CommitteeId>,
        from: NaiveDate,
        page: Page,
    ) -> Result<Vec<ForwardPlanRecord>> {
        self.store.forward_plan(committee, from, page).await
    }

    /// Open data: the public records of one kind (see [`Store::published`]).
    pub async fn published(
        &self,
        kind: PublishedKind,
        scope: Scope,
        window: &Window,
        selection: Selection<'_>,
    ) -> Result<Vec<Stamp>> {
        self.store.published(kind, scope, window, selection).await
    }
}
