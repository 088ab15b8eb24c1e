//! `/api/v1/decisions`: decisions, by a committee or an officer.

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
use witan_domain::{DecisionMaker, Id, Term};
use witan_store::{PublicStore, PublishedKind, Stamp};

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    id: i64,
    title: String,
    text: String,
    decided_on: NaiveDate,
    key_decision: bool,
    call_in_deadline: Option<NaiveDate>,
    /// made, called_in, implemented or rescinded.
    status: String,
    /// The committee that made it; absent for an officer's decision.
    committee: Option<CommitteeRef>,
    officer: Option<i64>,
    item: Option<i64>,
    meeting: Option<i64>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

impl Record for Decision {
    const KIND: PublishedKind = PublishedKind::Decision;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let d = store.decision(stamp).await?;
        let (committee, officer) = match d.maker {
            DecisionMaker::Committee(c) => {
                let c = store.committee(c).await?;
                (Some(CommitteeRef::from(&c)), None)
            }
            DecisionMaker::Officer(p) => (None, Some(p.get())),
        };
        let meeting = match d.item {
            Some(i) => Some(store.item(i).await?.meeting.get()),
            None => None,
        };
        Ok(Self {
            id: stamp.id,
            title: d.title.as_str().to_owned(),
            text: d.text.as_str().to_owned(),
            decided_on: d.decided_on,
            key_decision: d.key_decision,
            call_in_deadline: d.call_in.deadline(),
            status: d.status.as_str().to_owned(),
            committee,
            officer,
            item: d.item.map(Id::get),
            meeting,
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    decisions,
    decision,
    Decision,
    DecisionPage,
    "/api/v1/decisions",
    "/api/v1/decisions/{id}",
    "decisions",
    "Decisions"
);
