//! `/api/v1/escalations`: matters one committee sent to another.

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
pub struct Escalation {
    id: i64,
    from_committee: CommitteeRef,
    from_meeting: i64,
    from_item: i64,
    to_committee: CommitteeRef,
    /// The meeting of the receiving committee it is on the agenda of, once a clerk of that
    /// committee has accepted it.
    target_meeting: Option<i64>,
    reason: String,
    /// pending (awaiting the receiving committee's answer), accepted (a proposed item on
    /// `target_meeting`), declined (with `decline_reason`) or considered.
    state: String,
    /// Why the receiving committee declined it, when it did.
    decline_reason: Option<String>,
    considered_on: Option<NaiveDate>,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

impl Record for Escalation {
    const KIND: PublishedKind = PublishedKind::Escalation;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let r = store.escalation(stamp).await?;
        let e = &r.escalation;
        Ok(Self {
            id: stamp.id,
            from_committee: (&r.from_committee).into(),
            from_meeting: r.from_meeting.get(),
            from_item: e.from_item.get(),
            to_committee: (&r.to_committee).into(),
            target_meeting: r.target_meeting.map(Id::get),
            reason: e.reason.as_str().to_owned(),
            state: e.state.as_str().to_owned(),
            decline_reason: e.decline_reason.as_ref().map(|r| r.as_str().to_owned()),
            considered_on: e.considered_on,
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

collection!(
    escalations,
    escalation,
    Escalation,
    EscalationPage,
    "/api/v1/escalations",
    "/api/v1/escalations/{id}",
    "escalations",
    "Escalations between committees"
);
