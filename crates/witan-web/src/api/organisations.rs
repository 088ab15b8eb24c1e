//! `/api/v1/organisations`: the public bodies.

use super::Failure;
use super::list::{Answer, ListParams, Record, collection, list, one};
use crate::PublicSite;
use crate::edge::error::ApiError;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use witan_domain::Term;
use witan_store::{PublicStore, PublishedKind, Stamp};

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    id: i64,
    slug: String,
    name: String,
    /// county_council, district_council, unitary_council, integrated_care_board, nhs_trust,
    /// clinical_commissioning_group or other.
    kind: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

impl Record for Organisation {
    const KIND: PublishedKind = PublishedKind::Organisation;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let o = store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id.get() == stamp.id)
            .ok_or(Failure(AppError::NotFound))?;
        Ok(Self {
            id: stamp.id,
            slug: o.slug.as_str().to_owned(),
            name: o.name.as_str().to_owned(),
            kind: o.kind.as_str().to_owned(),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    organisations,
    organisation,
    Organisation,
    OrganisationPage,
    "/api/v1/organisations",
    "/api/v1/organisations/{id}",
    "organisations",
    "Organisations"
);
