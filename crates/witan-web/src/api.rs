//! The JSON API (`/api/v1/`): every record the public site shows, including what OParl has no
//! words for (decisions, actions, escalations, the forward plan, an issue's history), with
//! filters, cursor paging and `modified_since` change feeds. Its OpenAPI 3.1 document
//! (`/api/openapi.json`) is generated from these handlers and types by utoipa, so it cannot drift
//! from what the code answers.
//!
//! As everywhere on the public side, records are what the public may see: lists come from
//! [`Store::published`], records are read with [`Audience::Public`], and anything else is a 404.

use crate::PublicSite;
use crate::open_data::{self, json_response, shorten};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};
use witan_domain::{DecisionMaker, Id, Term};
use witan_store::{ItemEntry, PublicStore, PublishedKind, Scope, Stamp, StoreError, Window};

const PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 200;

/// An error, with a code that stays the same across versions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    error: ErrorBody,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ErrorBody {
    /// `bad_parameter`, `not_found`, `unavailable` or `internal`.
    code: &'static str,
    message: String,
    /// The query parameter at fault, for `bad_parameter`.
    parameter: Option<String>,
}

#[derive(Debug)]
pub enum Failure {
    BadParameter {
        parameter: String,
        message: String,
    },
    NotFound,
    Store(StoreError),
    /// Too many requests at once, or one that took too long (see `edge`).
    Busy,
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

impl From<crate::AppError> for Failure {
    fn from(e: crate::AppError) -> Self {
        match e {
            crate::AppError::BadRequest { parameter, reason } => Self::BadParameter {
                parameter: parameter.to_owned(),
                message: reason,
            },
            crate::AppError::NotFound => Self::NotFound,
            crate::AppError::Store(e) => Self::from(e),
            other => Self::Store(StoreError::Database(other.to_string())),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, code, message, parameter) = match self {
            Self::BadParameter { parameter, message } => (
                StatusCode::BAD_REQUEST,
                "bad_parameter",
                format!("{parameter} {message}"),
                Some(parameter),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "not_found",
                "there is no such record".to_owned(),
                None,
            ),
            Self::Store(StoreError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "the service is briefly unavailable; try again in a moment".to_owned(),
                None,
            ),
            Self::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "witan is busy; try again in a few seconds".to_owned(),
                None,
            ),
            Self::Store(e) => {
                tracing::error!(error = %e, "API request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "something went wrong on our side".to_owned(),
                    None,
                )
            }
        };
        let body = ApiError {
            error: ErrorBody {
                code,
                message,
                parameter,
            },
        };
        json_response(status, &serde_json::to_value(body).unwrap_or_default())
    }
}

fn bad(parameter: &str, rule: &str, value: &str) -> Failure {
    Failure::BadParameter {
        parameter: parameter.to_owned(),
        message: format!("{rule}, not \"{}\"", shorten(value)),
    }
}

type Answer = Result<Response, Failure>;

fn ok<T: Serialize>(value: &T) -> Answer {
    Ok(json_response(
        StatusCode::OK,
        &serde_json::to_value(value)
            .map_err(|e| Failure::Store(StoreError::Database(e.to_string())))?,
    ))
}

// ---------------------------------------------------------------------------------------------
// Parameters

/// Filters and paging every list takes.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Only records of this committee (its slug, as in `/committees/{slug}`).
    committee: Option<String>,
    /// Only records of the committees of this organisation (its slug).
    organisation: Option<String>,
    /// Only records created at or after this instant (RFC 3339).
    created_since: Option<String>,
    /// Only records created at or before this instant (RFC 3339).
    created_until: Option<String>,
    /// Only records modified at or after this instant (RFC 3339): a change feed.
    modified_since: Option<String>,
    /// Only records modified at or before this instant (RFC 3339).
    modified_until: Option<String>,
    /// Where the page starts: the `next_cursor` of the page before.
    cursor: Option<String>,
    /// Records per page, 1 to 200 (default 50).
    limit: Option<String>,
}

/// A parsed list request.
struct ListRequest {
    scope: Scope,
    window: Window,
    after: i64,
    limit: u32,
}

fn instant(parameter: &str, value: &Option<String>) -> Result<Option<DateTime<Utc>>, Failure> {
    value
        .as_deref()
        .map(|v| {
            open_data::instant(v).ok_or_else(|| {
                bad(
                    parameter,
                    "must be a date and time like 2024-01-01T00:00:00Z",
                    v,
                )
            })
        })
        .transpose()
}

async fn list_request(
    store: &PublicStore,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<ListRequest, Failure> {
    let Query(p) = params.map_err(|e| Failure::BadParameter {
        parameter: "query".to_owned(),
        message: format!(
            "could not be read: {}",
            e.body_text()
                .trim_start_matches("Failed to deserialize query string: ")
        ),
    })?;
    let scope = match (&p.committee, &p.organisation) {
        (Some(_), Some(_)) => {
            return Err(Failure::BadParameter {
                parameter: "organisation".to_owned(),
                message: "cannot be combined with committee".to_owned(),
            });
        }
        (Some(slug), None) => match store.committee_by_slug(slug.trim()).await {
            Ok(c) => Scope::Committee(c.id),
            Err(StoreError::NotFound { .. }) => {
                return Err(bad("committee", "must be a committee's slug", slug));
            }
            Err(e) => return Err(e.into()),
        },
        (None, Some(slug)) => Scope::Organisation(
            store
                .organisations()
                .await?
                .into_iter()
                .find(|o| o.slug.as_str() == slug.trim())
                .ok_or_else(|| bad("organisation", "must be an organisation's slug", slug))?
                .id,
        ),
        (None, None) => Scope::All,
    };
    let after = match &p.cursor {
        None => 0,
        Some(c) => c
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| bad("cursor", "must be the next_cursor of an earlier page", c))?,
    };
    let limit = match &p.limit {
        None => PER_PAGE,
        Some(l) => l
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
            .ok_or_else(|| {
                bad(
                    "limit",
                    &format!("must be a number from 1 to {MAX_PER_PAGE}"),
                    l,
                )
            })?,
    };
    Ok(ListRequest {
        scope,
        window: Window {
            created_since: instant("created_since", &p.created_since)?,
            created_until: instant("created_until", &p.created_until)?,
            modified_since: instant("modified_since", &p.modified_since)?,
            modified_until: instant("modified_until", &p.modified_until)?,
        },
        after,
        limit,
    })
}

fn id_of<T>(raw: &str) -> Result<Id<T>, Failure> {
    crate::pages::parse_id(raw).map_err(|_| Failure::NotFound)
}

// ---------------------------------------------------------------------------------------------
// Records

/// A committee as other records name it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeRef {
    id: i64,
    slug: String,
    name: String,
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

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    id: i64,
    committee: CommitteeRef,
    start: DateTime<Utc>,
    end: Option<DateTime<Utc>>,
    location: Option<String>,
    /// scheduled, agenda_published, held, minutes_draft, minutes_signed_off or cancelled.
    status: String,
    agenda_published: Option<DateTime<Utc>>,
    /// Absent until the agenda is published.
    agenda: Option<Vec<Item>>,
    attendance: Vec<Attendee>,
    sign_offs: Vec<SignOff>,
    web: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendee {
    person: i64,
    name: String,
    /// present, apologies, absent or in_attendance.
    kind: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOff {
    version: u32,
    by: String,
    on: NaiveDate,
    /// Why a corrected version was made.
    reason: Option<String>,
}

/// An agenda item. An exempt item shows only its number and the legal ground.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    id: i64,
    number: String,
    /// The title, or for an exempt item the ground it is withheld on.
    title: String,
    exempt: bool,
    issue: Option<i64>,
    minutes: Option<ItemMinutes>,
    documents: Vec<i64>,
    decisions: Vec<i64>,
    actions: Vec<i64>,
    escalations: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemMinutes {
    version: u32,
    text: String,
    resolution_points: Vec<String>,
    resolution_text: String,
}

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

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    id: i64,
    name: String,
    media_type: String,
    size_bytes: u64,
    sha256: Option<String>,
    /// The text read from the file.
    text: String,
    item: Option<i64>,
    issue: Option<i64>,
    download_url: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

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

/// How each kind of record is read, one record at a time, once the store has said it is public.
trait Record: Serialize + Sized + Send {
    const KIND: PublishedKind;
    fn read(
        store: &PublicStore,
        stamp: &Stamp,
    ) -> impl std::future::Future<Output = Result<Self, Failure>> + Send;
}

impl Record for Organisation {
    const KIND: PublishedKind = PublishedKind::Organisation;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let o = store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id.get() == stamp.id)
            .ok_or(Failure::NotFound)?;
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

fn item(entry: &ItemEntry) -> Item {
    match entry {
        ItemEntry::Withheld {
            id, number, label, ..
        } => Item {
            id: id.get(),
            number: number.to_string(),
            title: label.clone(),
            exempt: true,
            issue: None,
            minutes: None,
            documents: Vec::new(),
            decisions: Vec::new(),
            actions: Vec::new(),
            escalations: Vec::new(),
        },
        ItemEntry::Open(r) => Item {
            id: r.item.id.get(),
            number: r.item.number.to_string(),
            title: r.item.title.as_str().to_owned(),
            exempt: false,
            issue: r.item.issue.map(Id::get),
            minutes: r.minutes.as_ref().map(|(version, m)| ItemMinutes {
                version: *version,
                text: m.text.as_str().to_owned(),
                resolution_points: m
                    .resolution
                    .points
                    .iter()
                    .map(|p| p.as_str().to_owned())
                    .collect(),
                resolution_text: m.resolution.text.as_str().to_owned(),
            }),
            documents: r.documents.iter().map(|d| d.id.get()).collect(),
            decisions: r.decisions.iter().map(|d| d.id.get()).collect(),
            actions: r.actions.iter().map(|a| a.action.id.get()).collect(),
            escalations: r
                .escalations_sent
                .iter()
                .map(|e| e.escalation.id.get())
                .collect(),
        },
    }
}

impl Record for Meeting {
    const KIND: PublishedKind = PublishedKind::Meeting;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let r = store.meeting_record(Id::new(stamp.id)).await?;
        let m = &r.meeting;
        Ok(Self {
            id: stamp.id,
            committee: CommitteeRef {
                id: r.committee.id.get(),
                slug: r.committee.slug.as_str().to_owned(),
                name: r.committee.name.as_str().to_owned(),
            },
            start: m.times.start(),
            end: m.times.end(),
            location: m.location.as_ref().map(|l| l.as_str().to_owned()),
            status: m.status.as_str().to_owned(),
            agenda_published: m.agenda_published,
            agenda: r.agenda.as_ref().map(|a| a.iter().map(item).collect()),
            attendance: r
                .attendance
                .iter()
                .map(|a| Attendee {
                    person: a.person.id.get(),
                    name: a.person.name.as_str().to_owned(),
                    kind: a.kind.as_str().to_owned(),
                })
                .collect(),
            sign_offs: r
                .sign_offs
                .iter()
                .map(|s| SignOff {
                    version: s.version,
                    by: s.by.as_str().to_owned(),
                    on: s.on,
                    reason: s.reason.as_ref().map(|r| r.as_str().to_owned()),
                })
                .collect(),
            web: format!("/meetings/{}", stamp.id),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
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

impl Record for Document {
    const KIND: PublishedKind = PublishedKind::Document;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let d = store.document(Id::new(stamp.id)).await?;
        Ok(Self {
            id: stamp.id,
            name: d.name.as_str().to_owned(),
            media_type: d.media_type.as_str().to_owned(),
            size_bytes: d.size_bytes,
            sha256: d.sha256.as_ref().map(|s| s.as_str().to_owned()),
            text: d.text.as_str().to_owned(),
            item: d.item.map(Id::get),
            issue: d.issue.map(Id::get),
            download_url: format!("/documents/{}", stamp.id),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

/// A document as a list shows it: the text cut to an excerpt, so that a page of documents stays
/// small whatever the documents hold. The whole text is in the document's own answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    id: i64,
    name: String,
    media_type: String,
    size_bytes: u64,
    sha256: Option<String>,
    /// The first characters of the text read from the file (at most 500, cut at a word and
    /// ended with "…" when the text is longer); `/api/v1/documents/{id}` has the whole text.
    excerpt: String,
    /// Whether the excerpt is the whole text.
    text_complete: bool,
    item: Option<i64>,
    issue: Option<i64>,
    download_url: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

/// Characters of a document's text a list entry carries at most.
const EXCERPT_CHARS: usize = 500;

/// The first `max` characters of `text`, cut after the last whole word and ended with "…", and
/// whether that is the whole text.
fn excerpt(text: &str, max: usize) -> (String, bool) {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return (text.to_owned(), true);
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    (format!("{}…", head.trim_end()), false)
}

impl Record for DocumentEntry {
    const KIND: PublishedKind = PublishedKind::Document;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let d = Document::read(store, stamp).await?;
        let (excerpt, text_complete) = excerpt(&d.text, EXCERPT_CHARS);
        Ok(Self {
            id: d.id,
            name: d.name,
            media_type: d.media_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            excerpt,
            text_complete,
            item: d.item,
            issue: d.issue,
            download_url: d.download_url,
            created: d.created,
            modified: d.modified,
        })
    }
}

impl Record for Decision {
    const KIND: PublishedKind = PublishedKind::Decision;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let d = store.decision(stamp).await?;
        let (committee, officer) = match d.maker {
            DecisionMaker::Committee(c) => {
                let c = store.committee(c).await?;
                (
                    Some(CommitteeRef {
                        id: c.id.get(),
                        slug: c.slug.as_str().to_owned(),
                        name: c.name.as_str().to_owned(),
                    }),
                    None,
                )
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

/// A page of a list: the records, and where the next page starts when there is one.
#[derive(Debug, Serialize)]
struct Page<T> {
    data: Vec<T>,
    next_cursor: Option<String>,
    /// The next page's address, with the same filters.
    next: Option<String>,
}

async fn list<T: Record>(
    store: &PublicStore,
    path: &str,
    params: Result<Query<ListParams>, QueryRejection>,
    raw_query: Option<&str>,
) -> Answer {
    let request = list_request(store, params).await?;
    let (stamps, next) = open_data::page(
        store,
        T::KIND,
        request.scope,
        &request.window,
        request.after,
        request.limit,
    )
    .await?;
    let mut data = Vec::with_capacity(stamps.len());
    for stamp in &stamps {
        data.push(T::read(store, stamp).await?);
    }
    let next_cursor = next.map(|id| id.to_string());
    let next = next_cursor.as_ref().map(|cursor| {
        let kept: Vec<&str> = raw_query
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with("cursor="))
            .collect();
        let mut query = kept.join("&");
        if !query.is_empty() {
            query.push('&');
        }
        format!("{path}?{query}cursor={cursor}")
    });
    ok(&Page {
        data,
        next_cursor,
        next,
    })
}

async fn one<T: Record>(store: &PublicStore, raw: &str) -> Answer {
    let id: Id<()> = id_of(raw)?;
    let stamp = open_data::stamp(store, T::KIND, id.get())
        .await?
        .ok_or(Failure::NotFound)?;
    ok(&T::read(store, &stamp).await?)
}

// ---------------------------------------------------------------------------------------------
// Handlers: one pair per kind of record, each documented for the OpenAPI document.

macro_rules! collection {
    ($list:ident, $one:ident, $record:ty, $page:ident, $path:tt, $path_one:tt, $tag:tt, $what:tt) => {
        collection!($list, $one, $record, $record, $page, $path, $path_one, $tag, $what);
    };
    // A list whose entries are a shorter form of the record (`$entry`).
    ($list:ident, $one:ident, $entry:ty, $record:ty, $page:ident, $path:tt, $path_one:tt, $tag:tt, $what:tt) => {
        /// The shape of a page of this kind (the handler serialises the same fields).
        #[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        #[doc = concat!("A page of ", $what, ".")]
        pub struct $page {
            data: Vec<$entry>,
            /// Pass as `cursor` for the next page; absent on the last page.
            next_cursor: Option<String>,
            /// The next page's address, with the same filters; absent on the last page.
            next: Option<String>,
        }

        #[utoipa::path(
            get,
            path = $path,
            tag = $tag,
            params(ListParams),
            responses(
                (status = 200, description = $what, body = $page),
                (status = 400, description = "A parameter is malformed; the error names it", body = ApiError),
            )
        )]
        pub async fn $list(
            State(state): State<PublicSite>,
            params: Result<Query<ListParams>, QueryRejection>,
            axum::extract::RawQuery(raw): axum::extract::RawQuery,
        ) -> Answer {
            list::<$entry>(&state.store, $path, params, raw.as_deref()).await
        }

        #[utoipa::path(
            get,
            path = $path_one,
            tag = $tag,
            params(("id" = i64, Path, description = "The record's id")),
            responses(
                (status = 200, description = "The record", body = $record),
                (status = 404, description = "No public record has this id", body = ApiError),
            )
        )]
        pub async fn $one(State(state): State<PublicSite>, Path(id): Path<String>) -> Answer {
            one::<$record>(&state.store, &id).await
        }
    };
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
collection!(
    meetings,
    meeting,
    Meeting,
    MeetingPage,
    "/api/v1/meetings",
    "/api/v1/meetings/{id}",
    "meetings",
    "Meetings with their agendas"
);
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
collection!(
    documents,
    document,
    DocumentEntry,
    Document,
    DocumentPage,
    "/api/v1/documents",
    "/api/v1/documents/{id}",
    "documents",
    "Documents with an excerpt of their text (each document's own answer has the whole text)"
);
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

/// The API's front door: where each collection lives.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Index {
    openapi: String,
    oparl: String,
    collections: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/",
    tag = "index",
    responses((status = 200, description = "The collections and the API's documents", body = Index))
)]
pub async fn index() -> Answer {
    ok(&Index {
        openapi: "/api/openapi.json".to_owned(),
        oparl: "/oparl/v1.1/system".to_owned(),
        collections: COLLECTIONS.iter().map(|c| (*c).to_owned()).collect(),
    })
}

const COLLECTIONS: &[&str] = &[
    "/api/v1/organisations",
    "/api/v1/committees",
    "/api/v1/people",
    "/api/v1/meetings",
    "/api/v1/issues",
    "/api/v1/documents",
    "/api/v1/decisions",
    "/api/v1/actions",
    "/api/v1/escalations",
    "/api/v1/forward-plan",
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "witan",
        description = "The public record of what public bodies discussed, decided and promised to do: \
            meetings, agendas, minutes, decisions, actions, escalations and the forward plan. Only \
            what the public may see; exempt items show their number and legal ground alone. Lists \
            page with a cursor and filter by committee, organisation and creation or modification \
            time (`modified_since` makes a change feed). Errors are `{\"error\": {\"code\", \"message\", \
            \"parameter\"}}` with stable codes: bad_parameter, not_found, unavailable, internal.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        index,
        organisations,
        organisation,
        committees,
        committee,
        people,
        person,
        meetings,
        meeting,
        issues,
        issue,
        documents,
        document,
        decisions,
        decision,
        actions,
        action,
        escalations,
        escalation,
        forward_plan,
        forward_plan_entry,
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    json_response(
        StatusCode::OK,
        &serde_json::to_value(ApiDoc::openapi()).unwrap_or_default(),
    )
}

/// Anything else under `/api/`: an API error object, not an HTML page.
pub async fn not_found() -> Response {
    Failure::NotFound.into_response()
}

/// The OpenAPI document as the server publishes it, for tests and tools.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_ends_at_a_word_and_says_when_it_is_whole() {
        assert_eq!(
            excerpt("  Budget 2024  ", 500),
            ("Budget 2024".to_owned(), true)
        );
        assert_eq!(
            excerpt("The budget consultation ends", 15),
            ("The budget…".to_owned(), false)
        );
        // A cut inside one long word keeps its characters whole.
        let (cut, whole) = excerpt(&"é".repeat(20), 5);
        assert_eq!((cut.as_str(), whole), ("ééééé…", false));
    }
}
