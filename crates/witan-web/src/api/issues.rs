//! `/api/v1/issues`: issues with every public agenda item that considered them.

use super::Failure;
use super::committees::CommitteeRef;
use super::list::{Answer, ListParams, Record, collection, list, one};
use super::meetings::item;
use crate::PublicSite;
use crate::edge::error::ApiError;
use crate::edge::extract::PathId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use witan_domain::Id;
use witan_store::{PublicStore, PublishedKind, Stamp};

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Issue {
    id: i64,
    title: String,
    reference: Option<String>,
    summary: String,
    /// Every public agenda item that considered it, newest first.
    history: Vec<HistoryEntry>,
    documents: Vec<i64>,
    web: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HistoryEntry {
    meeting: i64,
    start: DateTime<Utc>,
    committee: CommitteeRef,
    item: i64,
    number: String,
    title: String,
    exempt: bool,
}

impl Record for Issue {
    const KIND: PublishedKind = PublishedKind::Issue;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let r = store.issue_record(Id::new(stamp.id)).await?;
        Ok(Self {
            id: stamp.id,
            title: r.issue.title.as_str().to_owned(),
            reference: r.issue.reference.as_ref().map(|t| t.as_str().to_owned()),
            summary: r.issue.summary.as_str().to_owned(),
            history: r
                .history
                .iter()
                .map(|h| {
                    let entry = item(&h.item);
                    HistoryEntry {
                        meeting: h.meeting.id.get(),
                        start: h.meeting.times.start(),
                        committee: (&h.committee).into(),
                        item: entry.id,
                        number: h.item.number().to_string(),
                        title: entry.title,
                        exempt: entry.exempt,
                    }
                })
                .collect(),
            documents: r.documents.iter().map(|d| d.id.get()).collect(),
            web: format!("/issues/{}", stamp.id),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    issues,
    issue,
    Issue,
    IssuePage,
    "/api/v1/issues",
    "/api/v1/issues/{id}",
    "issues",
    "Issues with their histories"
);
