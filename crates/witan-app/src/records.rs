//! Setting up and editing the records meetings hang off: organisations, committees, people,
//! memberships, forward plan entries, and the wording of agenda items.

use crate::{Actor, Error, Result, Workspace, audit, version_of};
use chrono::{DateTime, Utc};
use witan_domain::{
    AgendaItem, Committee, CommitteeId, ForwardPlanEntry, ForwardPlanId, ItemId, ItemNumber,
    Membership, MembershipId, Organisation, OrganisationId, Person, PersonId, RuleError, Text,
    Title,
};
use witan_store::Replacement;

impl Workspace {
    /// Adds an organisation. Admins only.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        organisation: &Organisation,
        now: DateTime<Utc>,
    ) -> Result<OrganisationId> {
        if !actor.is_admin() {
            return Err(Error::Denied);
        }
        let mut w = self.store.begin().await?;
        let id = w.create_organisation(organisation).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add organisation",
            ("organisation", id.get()),
            None,
            Some(organisation),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Adds a committee: an admin any, a clerk one their organisation owns alone, reporting to
    /// no committee or to one the clerk may edit. A joint committee is set up by an admin.
    pub async fn create_committee(
        &self,
        actor: &Actor,
        committee: &Committee,
        now: DateTime<Utc>,
    ) -> Result<CommitteeId> {
        if !actor.may_create_committee(committee.owners.organisations()) {
            return Err(Error::Denied);
        }
        if let Some(parent) = committee.parent {
            self.authorise_parent(actor, parent).await?;
        }
        let mut w = self.store.begin().await?;
        let id = w.create_committee(committee).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add committee",
            ("committee", id.get()),
            None,
            Some(committee),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Changes a committee's name, purpose or parent, if it is unchanged since `version`.
    pub async fn edit_committee(
        &self,
        actor: &Actor,
        id: CommitteeId,
        version: &str,
        change: CommitteeChange,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let CommitteeChange {
            name,
            purpose,
            parent,
        } = change;
        let mut w = self.store.begin().await?;
        let before = self.store.committee(id).await?;
        if !actor.may_edit(before.owners.organisations()) {
            return Err(Error::Denied);
        }
        if version_of(&before.record) != version {
            return Err(Error::Stale);
        }
        if let Some(parent) = parent {
            if parent == id {
                return Err(witan_domain::ValidationError::new(
                    "parent",
                    "a committee cannot report to itself",
                )
                .into());
            }
            // A parent set by an admin may stay when a clerk edits the name; a new one must be
            // a committee the clerk may edit.
            if before.parent != Some(parent) {
                self.authorise_parent(actor, parent).await?;
            }
        }
        let after = Committee {
            name,
            purpose,
            parent,
            ..before.record.clone()
        };
        w.replace(id.get(), Replacement::Committee(&after)).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "edit committee",
            ("committee", id.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Adds a person to a committee: an existing person, or a new one with this name. Clerks of
    /// the committee's organisations (and admins) may.
    pub async fn add_member(
        &self,
        actor: &Actor,
        committee: CommitteeId,
        person: MemberChoice,
        role: witan_domain::MembershipRole,
        from: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<MembershipId> {
        self.authorise(actor, committee).await?;
        let mut w = self.store.begin().await?;
        let person = match person {
            MemberChoice::Existing(id) => {
                self.store.person(id).await?;
                id
            }
            MemberChoice::New(person) => {
                let id = w.create_person(&person).await?;
                audit(
                    w.as_mut(),
                    actor,
                    now,
                    "add person",
                    ("person", id.get()),
                    None,
                    Some(&person),
                )
                .await?;
                id
            }
        };
        let membership = Membership::new(person, committee, role, from, None)?;
        let id = w.create_membership(&membership).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add membership",
            ("membership", id.get()),
            None,
            Some(&membership),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Gives notice of a key decision on the forward plan of the committee that will take it.
    pub async fn add_forward_plan_entry(
        &self,
        actor: &Actor,
        entry: &ForwardPlanEntry,
        now: DateTime<Utc>,
    ) -> Result<ForwardPlanId> {
        self.authorise(actor, entry.decision_maker).await?;
        entry.check()?;
        let mut w = self.store.begin().await?;
        let id = w.create_forward_plan_entry(entry).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "add forward plan entry",
            ("forward_plan", id.get()),
            None,
            Some(entry),
        )
        .await?;
        w.commit().await?;
        Ok(id)
    }

    /// Changes an agenda item's number and title, if it is unchanged since `version`. Refused
    /// once the meeting's minutes are signed off.
    pub async fn edit_item(
        &self,
        actor: &Actor,
        id: ItemId,
        version: &str,
        number: ItemNumber,
        title: Title,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut w = self.store.begin().await?;
        let (before, meeting) = self.item_for_edit(actor, id).await?;
        if version_of(&before.record) != version {
            return Err(Error::Stale);
        }
        if meeting.status == witan_domain::MeetingStatus::MinutesSignedOff {
            return Err(RuleError::MinutesLocked.into());
        }
        let after = AgendaItem {
            number,
            title,
            ..before.record.clone()
        };
        w.replace(id.get(), Replacement::Item(&after)).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "edit agenda item",
            ("item", id.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}

impl Workspace {
    /// Changes an organisation's name and kind (its address stays). Admins only.
    pub async fn edit_organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
        version: &str,
        name: Title,
        kind: witan_domain::OrganisationKind,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !actor.is_admin() {
            return Err(Error::Denied);
        }
        let mut w = self.store.begin().await?;
        let before = self
            .store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .ok_or_else(|| witan_store::StoreError::not_found("organisation", id))?;
        if version_of(&before.record) != version {
            return Err(Error::Stale);
        }
        let after = Organisation {
            name,
            kind,
            ..before.record.clone()
        };
        w.replace(id.get(), Replacement::Organisation(&after))
            .await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "edit organisation",
            ("organisation", id.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Whether `actor` may correct a person's details: an admin anyone; a clerk someone who is
    /// or was a member of a committee the clerk's organisation owns or shares. A person with no
    /// membership at all (known from an import, or from a membership since removed) belongs to
    /// no organisation, so only an admin may change them; a clerk who adds them to a committee
    /// of their own may then.
    pub async fn may_edit_person(&self, actor: &Actor, id: PersonId) -> Result<bool> {
        if actor.is_admin() {
            return Ok(true);
        }
        let record = self
            .store
            .person_record(id, witan_domain::Audience::Privileged)
            .await?;
        for (_, committee) in &record.memberships {
            let committee = self.store.committee(committee.id).await?;
            if actor.may_edit(committee.owners.organisations()) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Corrects a person's name or job title: admins, and clerks of an organisation whose
    /// committee the person sits or sat on ([`Workspace::may_edit_person`]).
    pub async fn edit_person(
        &self,
        actor: &Actor,
        id: PersonId,
        version: &str,
        person: &Person,
        now: DateTime<Utc>,
    ) -> Result<()> {
        if !self.may_edit_person(actor, id).await? {
            return Err(Error::Denied);
        }
        let mut w = self.store.begin().await?;
        let before = self.store.person(id).await?;
        if version_of(&before.record) != version {
            return Err(Error::Stale);
        }
        w.replace(id.get(), Replacement::Person(person)).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "edit person",
            ("person", id.get()),
            Some(&before.record),
            Some(person),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }

    /// Ends a membership on a date: the person leaves the committee.
    pub async fn end_membership(
        &self,
        actor: &Actor,
        committee: CommitteeId,
        id: MembershipId,
        until: chrono::NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.authorise(actor, committee).await?;
        let before = self
            .store
            .memberships(committee)
            .await?
            .into_iter()
            .find(|m| m.membership.id == id)
            .ok_or_else(|| witan_store::StoreError::not_found("membership", id))?
            .membership;
        let after = Membership::new(
            before.person,
            before.committee,
            before.role,
            before.from,
            Some(until),
        )
        .map_err(|e| witan_domain::ValidationError::new("until", e.reason))?;
        let mut w = self.store.begin().await?;
        w.replace(id.get(), Replacement::Membership(&after)).await?;
        audit(
            w.as_mut(),
            actor,
            now,
            "end membership",
            ("membership", id.get()),
            Some(&before.record),
            Some(&after),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}

/// Who joins a committee.
#[derive(Debug, Clone)]
pub enum MemberChoice {
    Existing(PersonId),
    New(Person),
}

/// What the committee form changes.
#[derive(Debug, Clone)]
pub struct CommitteeChange {
    pub name: Title,
    pub purpose: Text,
    pub parent: Option<CommitteeId>,
}
