//! `/api/v1/actions`: actions with their updates.

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
pub struct Action {
    id: i64,
    description: String,
    owner: Option<String>,
    due_on: Option<NaiveDate>,
    /// open, done or dropped.
    status: String,
    /// red, amber or green.
    rag: String,
    closed_on: Option<NaiveDate>,
    committee: CommitteeRef,
    meeting: i64,
    item: Option<i64>,
    updates: Vec<ActionUpdate>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionUpdate {
    on: NaiveDate,
    text: String,
    rag: Option<String>,
}

impl Record for Action {
    const KIND: PublishedKind = PublishedKind::Action;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let r = store.action(stamp).await?;
        let a = &r.action;
        Ok(Self {
            id: stamp.id,
            description: a.description.as_str().to_owned(),
            owner: r.owner_name.clone(),
            due_on: a.due_on,
            status: a.status.as_str().to_owned(),
            rag: a.rag.as_str().to_owned(),
            closed_on: a.closed_on,
            committee: (&r.committee).into(),
            meeting: r.raised_at.get(),
            item: a.item.map(Id::get),
            updates: r
                .updates
                .iter()
                .map(|u| ActionUpdate {
                    on: u.on,
                    text: u.text.as_str().to_owned(),
                    rag: u.rag.map(|r| r.as_str().to_owned()),
                })
                .collect(),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    actions,
    action,
    Action,
    ActionPage,
    "/api/v1/actions",
    "/api/v1/actions/{id}",
    "actions",
    "Actions with their updates"
);
