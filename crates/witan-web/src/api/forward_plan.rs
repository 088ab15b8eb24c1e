//! `/api/v1/forward-plan`: key decisions to come.

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
use witan_domain::Id;
use witan_store::{PublicStore, PublishedKind, Stamp};

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardPlanEntry {
    id: i64,
    title: String,
    decision_maker: CommitteeRef,
    issue: Option<i64>,
    published_on: NaiveDate,
    expected_on: NaiveDate,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

impl Record for ForwardPlanEntry {
    const KIND: PublishedKind = PublishedKind::ForwardPlan;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let r = store.forward_plan_entry(Id::new(stamp.id)).await?;
        Ok(Self {
            id: stamp.id,
            title: r.entry.title.as_str().to_owned(),
            decision_maker: (&r.decision_maker).into(),
            issue: r.entry.issue.map(Id::get),
            published_on: r.entry.published_on,
            expected_on: r.entry.expected_on,
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    forward_plan,
    forward_plan_entry,
    ForwardPlanEntry,
    ForwardPlanPage,
    "/api/v1/forward-plan",
    "/api/v1/forward-plan/{id}",
    "forward plan",
    "Forward plan entries"
);
