//! `/api/v1/people`: members and officers with their memberships.

use super::Failure;
use super::committees::CommitteeRef;
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

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    id: i64,
    name: String,
    job_title: Option<String>,
    memberships: Vec<PersonMembership>,
    web: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonMembership {
    committee: CommitteeRef,
    role: String,
    from: NaiveDate,
    until: Option<NaiveDate>,
}

impl Record for Person {
    const KIND: PublishedKind = PublishedKind::Person;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let r = store.person_record(Id::new(stamp.id)).await?;
        Ok(Self {
            id: stamp.id,
            name: r.person.name.as_str().to_owned(),
            job_title: r.person.job_title.as_ref().map(|t| t.as_str().to_owned()),
            memberships: r
                .memberships
                .iter()
                .map(|(m, c)| PersonMembership {
                    committee: c.into(),
                    role: m.role.as_str().to_owned(),
                    from: m.from,
                    until: m.until,
                })
                .collect(),
            web: format!("/people/{}", stamp.id),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    people,
    person,
    Person,
    PersonPage,
    "/api/v1/people",
    "/api/v1/people/{id}",
    "people",
    "People"
);
