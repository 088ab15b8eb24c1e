//! `/api/v1/committees`: committees with their members, and how other records name a committee.

use super::Failure;
use super::list::{Answer, ListParams, Record, collection, list, one};
use crate::PublicSite;
use crate::edge::error::ApiError;
use crate::edge::extract::PathId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use witan_domain::{Id, Term};
use witan_store::{PublicStore, PublishedKind, Stamp};

/// A committee as other records name it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeRef {
    id: i64,
    slug: String,
    name: String,
}

impl From<&witan_store::Stored<witan_domain::Committee>> for CommitteeRef {
    fn from(c: &witan_store::Stored<witan_domain::Committee>) -> Self {
        Self {
            id: c.id.get(),
            slug: c.slug.as_str().to_owned(),
            name: c.name.as_str().to_owned(),
        }
    }
}

impl From<&witan_store::CommitteeRef> for CommitteeRef {
    fn from(c: &witan_store::CommitteeRef) -> Self {
        Self {
            id: c.id.get(),
            slug: c.slug.clone(),
            name: c.name.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Committee {
    id: i64,
    slug: String,
    name: String,
    purpose: String,
    /// The organisations that own it: more than one for a joint committee.
    organisations: Vec<i64>,
    parent: Option<i64>,
    members: Vec<Member>,
    web: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    person: i64,
    name: String,
    /// chair, vice_chair, member, co_opted or officer.
    role: String,
    from: NaiveDate,
    until: Option<NaiveDate>,
}

impl Record for Committee {
    const KIND: PublishedKind = PublishedKind::Committee;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let c = store.committee(Id::new(stamp.id)).await?;
        let members = store
            .memberships(c.id)
            .await?
            .into_iter()
            .map(|m| Member {
                person: m.membership.person.get(),
                name: m.person_name.as_str().to_owned(),
                role: m.membership.role.as_str().to_owned(),
                from: m.membership.from,
                until: m.membership.until,
            })
            .collect();
        Ok(Self {
            id: stamp.id,
            slug: c.slug.as_str().to_owned(),
            name: c.name.as_str().to_owned(),
            purpose: c.purpose.as_str().to_owned(),
            organisations: c.owners.organisations().iter().map(|o| o.get()).collect(),
            parent: c.parent.map(Id::get),
            members,
            web: format!("/committees/{}", c.slug.as_str()),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    committees,
    committee,
    Committee,
    CommitteePage,
    "/api/v1/committees",
    "/api/v1/committees/{id}",
    "committees",
    "Committees"
);
