//! OParl 1.1 (`/oparl/v1.1/`): witan's records as the open standard for council information
//! systems describes them, for re-users who harvest many councils with one client.
//!
//! Mapping: an organisation is a Body, a committee an Organization, an issue a Paper, a
//! document a File, an issue on an agenda a Consultation; memberships are embedded in their
//! Person, agenda items (with their files) and the venue (a Location) in their Meeting. What
//! OParl has no words for travels in the documented `witan:` extension namespace
//! (docs/oparl.md): minutes, resolutions, decisions, actions, escalations.
//!
//! Everything here is what the public may see: lists come from [`Store::published`], records
//! are read with [`Audience::Public`], and an object the public may not see is a 404. The same
//! [`Objects`] build the server's answers and the static dump of `witan export oparl`.

use crate::Client;
use crate::PublicSite;
use crate::open_data::{self, json_response, shorten};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use witan_domain::{
    AttendanceKind, CommitteeId, CommitteeOwners, DocumentId, Id, IssueId, ItemId, MeetingId,
    OrganisationId, PersonId, Term,
};
use witan_store::{
    ItemEntry, ItemRecord, MeetingRecord, PublicStore, PublishedKind, Scope, Stamp, StoreError,
    Window,
};

pub const SCHEMA: &str = "https://schema.oparl.org/1.1/";
/// Objects per list page unless the client asks for fewer (`elementsPerPage`).
pub const PER_PAGE: u32 = 100;
const MAX_PER_PAGE: u32 = 500;

/// What can go wrong answering an OParl request.
#[derive(Debug)]
pub enum OParlError {
    BadParameter {
        parameter: &'static str,
        message: String,
    },
    NotFound,
    Store(StoreError),
    /// Too many requests at once, or one that took too long (see `edge`).
    Busy,
}

impl From<StoreError> for OParlError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound { .. } => Self::NotFound,
            other => Self::Store(other),
        }
    }
}

impl std::fmt::Display for OParlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::BadParameter { parameter, message } => write!(f, "{parameter}: {message}"),
            Self::NotFound => f.write_str("no such object"),
            Self::Store(e) => write!(f, "{e}"),
            Self::Busy => f.write_str("too busy to answer"),
        }
    }
}

impl IntoResponse for OParlError {
    fn into_response(self) -> Response {
        let (status, message, debug) = match &self {
            Self::BadParameter { parameter, message } => (
                StatusCode::BAD_REQUEST,
                format!("The parameter {parameter} {message}."),
                format!("parameter: {parameter}"),
            ),
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                "There is no object at this address.".to_owned(),
                "not found".to_owned(),
            ),
            Self::Store(StoreError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "The service is briefly unavailable; try again in a moment.".to_owned(),
                "database unavailable".to_owned(),
            ),
            Self::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "witan is busy; try again in a few seconds.".to_owned(),
                "busy".to_owned(),
            ),
            Self::Store(e) => {
                tracing::error!(error = %e, "OParl request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side.".to_owned(),
                    "internal error".to_owned(),
                )
            }
        };
        json_response(
            status,
            &json!({"type": format!("{SCHEMA}Error"), "message": message, "debug": debug}),
        )
    }
}

fn instant(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The site's address, as ids are absolute URLs: the configured `public_url`, or else the host the
/// request named (https when a trusted proxy says the request came over TLS, see [`Client`]).
#[derive(Debug, Clone)]
pub struct Base(pub String);

impl FromRequestParts<PublicSite> for Base {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &PublicSite,
    ) -> Result<Self, Self::Rejection> {
        if let Some(url) = &state.public_url {
            return Ok(Self(url.trim_end_matches('/').to_owned()));
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
            })
            .unwrap_or("localhost");
        let scheme = Client::of(&parts.headers, &parts.extensions, &state.trusted_proxies).scheme();
        Ok(Self(format!("{scheme}://{host}")))
    }
}

/// Builds OParl objects from the store: the server's answers and the dump's files alike.
#[derive(Debug, Clone, Copy)]
pub struct Objects<'a> {
    pub store: &'a PublicStore,
    /// The site's address, without a trailing slash.
    pub site: &'a str,
    /// Whether every File object carries the whole text read from its file (the dump, which
    /// importers read back). Otherwise only a File's own answer does, and Files in lists and
    /// embedded in agenda items and papers carry none: a list page or a meeting then stays small
    /// whatever its documents hold.
    pub whole_texts: bool,
}

/// The lists a Body links to, and the System's list of bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Bodies,
    Organizations(OrganisationId),
    People(OrganisationId),
    Meetings(OrganisationId),
    Papers(OrganisationId),
    Files(OrganisationId),
    CommitteeMeetings(CommitteeId),
}

impl List {
    fn kind(self) -> PublishedKind {
        match self {
            Self::Bodies => PublishedKind::Organisation,
            Self::Organizations(_) => PublishedKind::Committee,
            Self::People(_) => PublishedKind::Person,
            Self::Meetings(_) | Self::CommitteeMeetings(_) => PublishedKind::Meeting,
            Self::Papers(_) => PublishedKind::Issue,
            Self::Files(_) => PublishedKind::Document,
        }
    }

    fn scope(self) -> Scope {
        match self {
            Self::Bodies => Scope::All,
            Self::Organizations(o)
            | Self::People(o)
            | Self::Meetings(o)
            | Self::Papers(o)
            | Self::Files(o) => Scope::Organisation(o),
            Self::CommitteeMeetings(c) => Scope::Committee(c),
        }
    }

    /// The list's path under `/oparl/v1.1`.
    pub fn path(self) -> String {
        match self {
            Self::Bodies => "/bodies".to_owned(),
            Self::Organizations(o) => format!("/body/{o}/organizations"),
            Self::People(o) => format!("/body/{o}/people"),
            Self::Meetings(o) => format!("/body/{o}/meetings"),
            Self::Papers(o) => format!("/body/{o}/papers"),
            Self::Files(o) => format!("/body/{o}/files"),
            Self::CommitteeMeetings(c) => format!("/organization/{c}/meetings"),
        }
    }

    /// The name a dump gives the list's folder.
    pub fn folder(self) -> &'static str {
        match self {
            Self::Bodies => "body",
            Self::Organizations(_) => "organization",
            Self::People(_) => "person",
            Self::Meetings(_) | Self::CommitteeMeetings(_) => "meeting",
            Self::Papers(_) => "paper",
            Self::Files(_) => "file",
        }
    }
}

/// A request for one page of a list: the filters, where the page starts and how long it is.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub window: Window,
    pub after: i64,
    pub per_page: Option<u32>,
    pub omit_internal: bool,
}

impl ListQuery {
    /// Reads the query string; any parameter OParl or witan does not define is refused, so a
    /// misspelt filter is not silently ignored.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, OParlError> {
        let mut query = Self::default();
        for (name, value) in pairs {
            let value = value.trim();
            match name.as_str() {
                "created_since" => query.window.created_since = Some(when("created_since", value)?),
                "created_until" => query.window.created_until = Some(when("created_until", value)?),
                "modified_since" => {
                    query.window.modified_since = Some(when("modified_since", value)?);
                }
                "modified_until" => {
                    query.window.modified_until = Some(when("modified_until", value)?);
                }
                "after" => {
                    query.after =
                        value
                            .parse::<i64>()
                            .ok()
                            .filter(|n| *n >= 0)
                            .ok_or_else(|| {
                                bad("after", "must be the page cursor a next link gave", value)
                            })?;
                }
                "elementsPerPage" => {
                    query.per_page = Some(
                        value
                            .parse::<u32>()
                            .ok()
                            .filter(|n| (1..=MAX_PER_PAGE).contains(n))
                            .ok_or_else(|| {
                                bad(
                                    "elementsPerPage",
                                    &format!("must be a number from 1 to {MAX_PER_PAGE}"),
                                    value,
                                )
                            })?,
                    );
                }
                "omit_internal" => {
                    query.omit_internal = match value {
                        "true" | "1" => true,
                        "false" | "0" => false,
                        _ => return Err(bad("omit_internal", "must be true or false", value)),
                    }
                }
                other => {
                    return Err(OParlError::BadParameter {
                        parameter: "query",
                        message: format!(
                            "\"{}\" is not a parameter OParl lists take (created_since, \
                             created_until, modified_since, modified_until, elementsPerPage, \
                             omit_internal, after)",
                            shorten(other)
                        ),
                    });
                }
            }
        }
        Ok(query)
    }

    fn limit(&self) -> u32 {
        self.per_page.unwrap_or(PER_PAGE)
    }

    /// The query string of this page with the cursor `after` (filters kept, names in one order,
    /// so that every page has exactly one address).
    fn query_string(&self, after: i64) -> String {
        let mut pairs: BTreeMap<&str, String> = BTreeMap::new();
        let w = &self.window;
        for (name, t) in [
            ("created_since", w.created_since),
            ("created_until", w.created_until),
            ("modified_since", w.modified_since),
            ("modified_until", w.modified_until),
        ] {
            if let Some(t) = t {
                pairs.insert(name, instant(t).replace('+', "%2B").replace(':', "%3A"));
            }
        }
        if after > 0 {
            pairs.insert("after", after.to_string());
        }
        if let Some(n) = self.per_page {
            pairs.insert("elementsPerPage", n.to_string());
        }
        if self.omit_internal {
            pairs.insert("omit_internal", "true".to_owned());
        }
        if pairs.is_empty() {
            return String::new();
        }
        let joined: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("?{}", joined.join("&"))
    }
}

fn bad(parameter: &'static str, rule: &str, value: &str) -> OParlError {
    OParlError::BadParameter {
        parameter,
        message: format!("{rule}, not \"{}\"", shorten(value)),
    }
}

fn when(parameter: &'static str, value: &str) -> Result<DateTime<Utc>, OParlError> {
    open_data::instant(value).ok_or_else(|| {
        bad(
            parameter,
            "must be a date and time like 2024-01-01T00:00:00+00:00",
            value,
        )
    })
}

/// One page of a list, as OParl shapes it.
#[derive(Debug)]
pub struct ListPage {
    pub body: Value,
    /// Where the next page starts, if there is one.
    pub next: Option<i64>,
}

impl Objects<'_> {
    /// The address of an OParl object or list: `path` under `/oparl/v1.1`.
    pub fn url(&self, path: &str) -> String {
        format!("{}/oparl/v1.1{path}", self.site)
    }

    fn web(&self, path: &str) -> String {
        format!("{}{path}", self.site)
    }

    fn object(&self, kind: &str, path: &str, stamp: Option<&Stamp>) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("id".into(), self.url(path).into());
        map.insert("type".into(), format!("{SCHEMA}{kind}").into());
        if let Some(stamp) = stamp {
            map.insert("created".into(), instant(stamp.created).into());
            map.insert("modified".into(), instant(stamp.modified).into());
        }
        map
    }

    async fn stamp(&self, kind: PublishedKind, id: i64) -> Result<Stamp, OParlError> {
        open_data::stamp(self.store, kind, id)
            .await?
            .ok_or(OParlError::NotFound)
    }

    /// The object of a published record of `kind`; `own` when it is the answer itself rather
    /// than an entry of a list.
    async fn by_kind(
        &self,
        kind: PublishedKind,
        stamp: &Stamp,
        own: bool,
    ) -> Result<Value, OParlError> {
        match kind {
            PublishedKind::Organisation => self.body(Id::new(stamp.id), stamp).await,
            PublishedKind::Committee => self.organization(Id::new(stamp.id), stamp).await,
            PublishedKind::Person => self.person(Id::new(stamp.id), stamp).await,
            PublishedKind::Meeting => self.meeting(Id::new(stamp.id), stamp).await,
            PublishedKind::Issue => self.paper(Id::new(stamp.id), stamp).await,
            PublishedKind::Document => self.file(Id::new(stamp.id), stamp, own).await,
            _ => Err(OParlError::NotFound),
        }
    }

    pub fn system(&self) -> Value {
        json!({
            "id": self.url("/system"),
            "type": format!("{SCHEMA}System"),
            "oparlVersion": SCHEMA,
            "body": self.url(&List::Bodies.path()),
            "name": "witan",
            "website": self.web("/"),
            "license": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        })
    }

    /// A page of a list: `query.after` is the cursor (the last id of the page before).
    pub async fn list(&self, list: List, query: &ListQuery) -> Result<ListPage, OParlError> {
        let limit = query.limit();
        let (data, next) = self
            .objects(
                list.kind(),
                list.scope(),
                &query.window,
                query.after,
                limit,
                query.omit_internal,
            )
            .await?;
        let path = self.url(&list.path());
        let mut links = Map::new();
        links.insert(
            "first".into(),
            format!("{path}{}", query.query_string(0)).into(),
        );
        links.insert(
            "self".into(),
            format!("{path}{}", query.query_string(query.after)).into(),
        );
        if let Some(next) = next {
            links.insert(
                "next".into(),
                format!("{path}{}", query.query_string(next)).into(),
            );
        }
        Ok(ListPage {
            body: json!({
                "data": data,
                "pagination": {"elementsPerPage": limit},
                "links": links,
            }),
            next,
        })
    }

    /// Objects of one kind after the id `after`, at most `limit`, and the cursor of the next
    /// page if there is one: what list pages and the dump are made of.
    pub async fn objects(
        &self,
        kind: PublishedKind,
        scope: Scope,
        window: &Window,
        after: i64,
        limit: u32,
        omit: bool,
    ) -> Result<(Vec<Value>, Option<i64>), OParlError> {
        let (stamps, next) = open_data::page(self.store, kind, scope, window, after, limit).await?;
        let mut data = Vec::with_capacity(stamps.len());
        for stamp in &stamps {
            let mut object = self.by_kind(kind, stamp, false).await?;
            if omit {
                omit_internal(&mut object);
            }
            data.push(object);
        }
        Ok((data, next))
    }

    pub async fn body(&self, id: OrganisationId, stamp: &Stamp) -> Result<Value, OParlError> {
        let organisation = self
            .store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .ok_or(OParlError::NotFound)?;
        let mut body = self.object("Body", &format!("/body/{id}"), Some(stamp));
        body.insert("system".into(), self.url("/system").into());
        body.insert("name".into(), organisation.name.as_str().into());
        body.insert("shortName".into(), organisation.slug.as_str().into());
        body.insert("classification".into(), organisation.kind.label().into());
        body.insert(
            "witan:organisationKind".into(),
            json!(organisation.kind.as_str()),
        );
        for (field, list) in [
            ("organization", List::Organizations(id)),
            ("person", List::People(id)),
            ("meeting", List::Meetings(id)),
            ("paper", List::Papers(id)),
            ("file", List::Files(id)),
        ] {
            body.insert(field.into(), self.url(&list.path()).into());
        }
        body.insert(
            "legislativeTerm".into(),
            self.legislative_terms(id).await?.into(),
        );
        body.insert("web".into(), self.web("/committees").into());
        Ok(body.into())
    }

    /// Municipal years (May to April), from the first meeting on record to the last.
    async fn legislative_terms(&self, body: OrganisationId) -> Result<Vec<Value>, OParlError> {
        // Bounds every backend can hold (PostgreSQL's timestamps start in 4713 BC).
        let (earliest, latest) = (
            DateTime::<Utc>::from_timestamp(-30_610_224_000, 0).unwrap_or_default(), // 1000-01-01
            DateTime::<Utc>::from_timestamp(253_370_764_800, 0).unwrap_or_default(), // 9999-01-01
        );
        let first = self
            .store
            .meetings(
                None,
                witan_store::When::From(earliest),
                witan_store::Page::first(1),
            )
            .await?;
        let last = self
            .store
            .meetings(
                None,
                witan_store::When::Before(latest),
                witan_store::Page::first(1),
            )
            .await?;
        let (Some(first), Some(last)) = (first.first(), last.first()) else {
            return Ok(Vec::new());
        };
        let year_of = |t: DateTime<Utc>| {
            let d = witan_domain::time::london_date(t);
            if d.month() >= 5 {
                d.year()
            } else {
                d.year() - 1
            }
        };
        Ok(
            (year_of(first.meeting.times.start())..=year_of(last.meeting.times.start()))
                .filter_map(|year| self.legislative_term(body, year))
                .collect(),
        )
    }

    pub fn legislative_term(&self, body: OrganisationId, year: i32) -> Option<Value> {
        let start = NaiveDate::from_ymd_opt(year, 5, 1)?;
        let end = NaiveDate::from_ymd_opt(year + 1, 4, 30)?;
        Some(json!({
            "id": self.url(&format!("/body/{body}/term/{year}")),
            "type": format!("{SCHEMA}LegislativeTerm"),
            "body": self.url(&format!("/body/{body}")),
            "name": format!("Municipal year {year}/{:02}", (year + 1) % 100),
            "startDate": date(start),
            "endDate": date(end),
        }))
    }

    pub async fn organization(&self, id: CommitteeId, stamp: &Stamp) -> Result<Value, OParlError> {
        let committee = self.store.committee(id).await?;
        let owners = committee.owners.organisations();
        let mut object = self.object("Organization", &format!("/organization/{id}"), Some(stamp));
        if let Some(first) = owners.first() {
            object.insert("body".into(), self.url(&format!("/body/{first}")).into());
        }
        object.insert("name".into(), committee.name.as_str().into());
        object.insert("shortName".into(), committee.slug.as_str().into());
        object.insert("organizationType".into(), "Gremium".into());
        let joint = matches!(committee.owners, CommitteeOwners::Joint(_));
        object.insert(
            "classification".into(),
            if joint {
                "Joint committee"
            } else {
                "Committee"
            }
            .into(),
        );
        if let Some(parent) = committee.parent {
            object.insert(
                "subOrganizationOf".into(),
                self.url(&format!("/organization/{parent}")).into(),
            );
        }
        let memberships = self.store.memberships(id).await?;
        object.insert(
            "membership".into(),
            memberships
                .iter()
                .map(|m| {
                    Value::from(self.url(&format!(
                        "/person/{}/membership/{}",
                        m.membership.person, m.membership.id
                    )))
                })
                .collect::<Vec<_>>()
                .into(),
        );
        object.insert(
            "meeting".into(),
            self.url(&List::CommitteeMeetings(id).path()).into(),
        );
        object.insert(
            "web".into(),
            self.web(&format!("/committees/{}", committee.slug.as_str()))
                .into(),
        );
        if !committee.purpose.as_str().is_empty() {
            object.insert("witan:purpose".into(), committee.purpose.as_str().into());
        }
        if joint {
            object.insert(
                "witan:jointWith".into(),
                owners
                    .iter()
                    .skip(1)
                    .map(|o| Value::from(self.url(&format!("/body/{o}"))))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        Ok(object.into())
    }

    pub async fn person(&self, id: PersonId, stamp: &Stamp) -> Result<Value, OParlError> {
        let record = self.store.person_record(id).await?;
        let mut object = self.object("Person", &format!("/person/{id}"), Some(stamp));
        object.insert("name".into(), record.person.name.as_str().into());
        if let Some(job) = &record.person.job_title {
            object.insert("witan:jobTitle".into(), job.as_str().into());
        }
        object.insert(
            "membership".into(),
            record
                .memberships
                .iter()
                .map(|(m, _)| self.membership(m))
                .collect::<Vec<_>>()
                .into(),
        );
        object.insert("web".into(), self.web(&format!("/people/{id}")).into());
        Ok(object.into())
    }

    fn membership(&self, m: &witan_store::Stored<witan_domain::Membership>) -> Value {
        let mut object = self.object(
            "Membership",
            &format!("/person/{}/membership/{}", m.person, m.id),
            None,
        );
        object.insert(
            "person".into(),
            self.url(&format!("/person/{}", m.person)).into(),
        );
        object.insert(
            "organization".into(),
            self.url(&format!("/organization/{}", m.committee)).into(),
        );
        object.insert("role".into(), m.role.label().into());
        object.insert("witan:role".into(), m.role.as_str().into());
        object.insert("startDate".into(), date(m.from).into());
        if let Some(until) = m.until {
            object.insert("endDate".into(), date(until).into());
        }
        object.into()
    }

    /// A membership on its own: read through its person, whose record embeds it.
    pub async fn membership_of(
        &self,
        person: PersonId,
        id: witan_domain::MembershipId,
    ) -> Result<Value, OParlError> {
        let record = self.store.person_record(person).await?;
        record
            .memberships
            .iter()
            .find(|(m, _)| m.id == id)
            .map(|(m, _)| self.membership(m))
            .ok_or(OParlError::NotFound)
    }

    pub async fn meeting(&self, id: MeetingId, stamp: &Stamp) -> Result<Value, OParlError> {
        let record = self.store.meeting_record(id).await?;
        Ok(self.meeting_object(&record, stamp))
    }

    fn meeting_object(&self, record: &MeetingRecord, stamp: &Stamp) -> Value {
        let meeting = &record.meeting;
        let id = meeting.id;
        let mut object = self.object("Meeting", &format!("/meeting/{id}"), Some(stamp));
        let day =
            witan_domain::time::uk_date(witan_domain::time::london_date(meeting.times.start()));
        object.insert(
            "name".into(),
            format!("{}, {day}", record.committee.name.as_str()).into(),
        );
        object.insert("meetingState".into(), meeting.status.label().into());
        object.insert("witan:status".into(), meeting.status.as_str().into());
        object.insert(
            "cancelled".into(),
            (meeting.status == witan_domain::MeetingStatus::Cancelled).into(),
        );
        object.insert("start".into(), instant(meeting.times.start()).into());
        if let Some(end) = meeting.times.end() {
            object.insert("end".into(), instant(end).into());
        }
        if let Some(published) = meeting.agenda_published {
            object.insert("witan:agendaPublished".into(), instant(published).into());
        }
        if meeting.location.is_some() {
            object.insert("location".into(), self.location(record, stamp));
        }
        object.insert(
            "organization".into(),
            vec![Value::from(
                self.url(&format!("/organization/{}", meeting.committee)),
            )]
            .into(),
        );
        let participants: Vec<Value> = record
            .attendance
            .iter()
            .filter(|a| {
                matches!(
                    a.kind,
                    AttendanceKind::Present | AttendanceKind::InAttendance
                )
            })
            .map(|a| self.url(&format!("/person/{}", a.person.id)).into())
            .collect();
        if !participants.is_empty() {
            object.insert("participant".into(), participants.into());
        }
        if let Some(agenda) = &record.agenda {
            let items: Vec<Value> = agenda
                .iter()
                .enumerate()
                .map(|(i, entry)| self.agenda_item(id, i + 1, entry))
                .collect();
            object.insert("agendaItem".into(), items.into());
        }
        if !record.sign_offs.is_empty() {
            object.insert(
                "witan:signOffs".into(),
                record
                    .sign_offs
                    .iter()
                    .map(|s| {
                        json!({
                            "version": s.version,
                            "signedBy": s.by.as_str(),
                            "signedOn": date(s.on),
                            "reason": s.reason.as_ref().map(|r| r.as_str()),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        object.insert("web".into(), self.web(&format!("/meetings/{id}")).into());
        object.into()
    }

    fn location(&self, record: &MeetingRecord, stamp: &Stamp) -> Value {
        let mut object = self.object(
            "Location",
            &format!("/meeting/{}/location", record.meeting.id),
            Some(stamp),
        );
        if let Some(venue) = &record.meeting.location {
            object.insert("description".into(), venue.as_str().into());
        }
        object.insert(
            "meetings".into(),
            vec![Value::from(
                self.url(&format!("/meeting/{}", record.meeting.id)),
            )]
            .into(),
        );
        object.into()
    }

    pub async fn location_of(&self, meeting: MeetingId) -> Result<Value, OParlError> {
        let stamp = self.stamp(PublishedKind::Meeting, meeting.get()).await?;
        let record = self.store.meeting_record(meeting).await?;
        if record.meeting.location.is_none() {
            return Err(OParlError::NotFound);
        }
        Ok(self.location(&record, &stamp))
    }

    /// An agenda item, `order` from 1 in agenda order. Its times are its meeting's, whose
    /// `modified` covers it.
    fn agenda_item(&self, meeting: MeetingId, order: usize, entry: &ItemEntry) -> Value {
        match entry {
            ItemEntry::Withheld {
                id,
                number,
                label,
                ground,
            } => {
                let mut object = self.object("AgendaItem", &format!("/agendaitem/{id}"), None);
                object.insert(
                    "meeting".into(),
                    self.url(&format!("/meeting/{meeting}")).into(),
                );
                object.insert("number".into(), number.to_string().into());
                object.insert("order".into(), order.into());
                object.insert("name".into(), label.clone().into());
                object.insert("public".into(), false.into());
                object.insert("witan:exemptGround".into(), ground.code().into());
                object.into()
            }
            ItemEntry::Open(record) => self.open_item(meeting, order, record),
        }
    }

    fn open_item(&self, meeting: MeetingId, order: usize, record: &ItemRecord) -> Value {
        let item = &record.item;
        let mut object = self.object("AgendaItem", &format!("/agendaitem/{}", item.id), None);
        object.insert(
            "meeting".into(),
            self.url(&format!("/meeting/{meeting}")).into(),
        );
        object.insert("number".into(), item.number.to_string().into());
        object.insert("order".into(), order.into());
        object.insert("name".into(), item.title.as_str().into());
        object.insert("public".into(), true.into());
        if item.issue.is_some() {
            object.insert(
                "consultation".into(),
                self.url(&format!("/consultation/{}", item.id)).into(),
            );
        }
        if let Some((version, minutes)) = &record.minutes {
            if !minutes.resolution.text.as_str().is_empty() {
                object.insert(
                    "resolutionText".into(),
                    minutes.resolution.text.as_str().into(),
                );
            }
            object.insert(
                "witan:minutes".into(),
                json!({
                    "version": version,
                    "text": minutes.text.as_str(),
                    "resolutionPoints": minutes.resolution.points.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                    "resolutionText": minutes.resolution.text.as_str(),
                }),
            );
        }
        if !record.documents.is_empty() {
            object.insert(
                "auxiliaryFile".into(),
                record
                    .documents
                    .iter()
                    .map(|d| self.file_object(d, None, false))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !record.decisions.is_empty() {
            object.insert(
                "witan:decisions".into(),
                record
                    .decisions
                    .iter()
                    .map(|d| {
                        json!({
                            "id": self.web(&format!("/api/v1/decisions/{}", d.id)),
                            "title": d.title.as_str(),
                            "text": d.text.as_str(),
                            "decidedOn": date(d.decided_on),
                            "keyDecision": d.key_decision,
                            "callInDeadline": d.call_in.deadline().map(date),
                            "status": d.status.as_str(),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !record.actions.is_empty() {
            object.insert(
                "witan:actions".into(),
                record
                    .actions
                    .iter()
                    .map(|a| {
                        json!({
                            "id": self.web(&format!("/api/v1/actions/{}", a.action.id)),
                            "description": a.action.description.as_str(),
                            "owner": a.owner_name,
                            "dueOn": a.action.due_on.map(date),
                            "status": a.action.status.as_str(),
                            "rag": a.action.rag.as_str(),
                        })
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        if !record.escalations_sent.is_empty() {
            object.insert(
                "witan:escalations".into(),
                record
                    .escalations_sent
                    .iter()
                    .map(|e| {
                        let mut escalation = json!({
                            "id": self.web(&format!("/api/v1/escalations/{}", e.escalation.id)),
                            "to": self.url(&format!("/organization/{}", e.to_committee.id)),
                            "reason": e.escalation.reason.as_str(),
                            "state": e.escalation.state.as_str(),
                        });
                        if let Some(why) = &e.escalation.decline_reason {
                            escalation["declineReason"] = why.as_str().into();
                        }
                        escalation
                    })
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        object.insert(
            "web".into(),
            self.web(&format!("/meetings/{meeting}#item-{}", item.id))
                .into(),
        );
        object.into()
    }

    /// An agenda item on its own: read through its meeting, whose agenda embeds it.
    pub async fn agenda_item_of(&self, id: ItemId) -> Result<Value, OParlError> {
        let item = self.store.item(id).await?;
        let record = self.store.meeting_record(item.meeting).await?;
        let (order, entry) = record
            .agenda
            .as_ref()
            .and_then(|agenda| agenda.iter().enumerate().find(|(_, e)| e.id() == id))
            .ok_or(OParlError::NotFound)?;
        Ok(self.agenda_item(item.meeting, order + 1, entry))
    }

    pub async fn paper(&self, id: IssueId, stamp: &Stamp) -> Result<Value, OParlError> {
        let record = self.store.issue_record(id).await?;
        let mut object = self.object("Paper", &format!("/paper/{id}"), Some(stamp));
        // The body of the first committee to consider it in the open.
        let first_open = record
            .history
            .iter()
            .rev()
            .find(|h| matches!(h.item, ItemEntry::Open(_)));
        if let Some(entry) = first_open {
            let committee = self.store.committee(entry.committee.id).await?;
            if let Some(owner) = committee.owners.organisations().first() {
                object.insert("body".into(), self.url(&format!("/body/{owner}")).into());
            }
            object.insert(
                "date".into(),
                date(witan_domain::time::london_date(entry.meeting.times.start())).into(),
            );
        }
        object.insert("name".into(), record.issue.title.as_str().into());
        if let Some(reference) = &record.issue.reference {
            object.insert("reference".into(), reference.as_str().into());
        }
        if !record.issue.summary.as_str().is_empty() {
            object.insert("witan:summary".into(), record.issue.summary.as_str().into());
        }
        let consultations: Vec<Value> = record
            .history
            .iter()
            .filter_map(|h| match &h.item {
                ItemEntry::Open(item) => Some(self.consultation(
                    id,
                    item.item.id,
                    h.meeting.id,
                    h.committee.id,
                    Some(stamp),
                )),
                ItemEntry::Withheld { .. } => None,
            })
            .collect();
        object.insert("consultation".into(), consultations.into());
        if !record.documents.is_empty() {
            object.insert(
                "auxiliaryFile".into(),
                record
                    .documents
                    .iter()
                    .map(|d| self.file_object(d, None, false))
                    .collect::<Vec<_>>()
                    .into(),
            );
        }
        object.insert("web".into(), self.web(&format!("/issues/{id}")).into());
        Ok(object.into())
    }

    fn consultation(
        &self,
        paper: IssueId,
        item: ItemId,
        meeting: MeetingId,
        committee: CommitteeId,
        stamp: Option<&Stamp>,
    ) -> Value {
        let mut object = self.object("Consultation", &format!("/consultation/{item}"), stamp);
        object.insert("paper".into(), self.url(&format!("/paper/{paper}")).into());
        object.insert(
            "agendaItem".into(),
            self.url(&format!("/agendaitem/{item}")).into(),
        );
        object.insert(
            "meeting".into(),
            self.url(&format!("/meeting/{meeting}")).into(),
        );
        object.insert(
            "organization".into(),
            vec![Value::from(self.url(&format!("/organization/{committee}")))].into(),
        );
        object.into()
    }

    /// A consultation on its own: the issue at one agenda item, public when both are.
    pub async fn consultation_of(&self, item: ItemId) -> Result<Value, OParlError> {
        let stored = self.store.item(item).await?;
        let issue = stored.issue.ok_or(OParlError::NotFound)?;
        let stamp = self.stamp(PublishedKind::Issue, issue.get()).await?;
        let record = self.store.issue_record(issue).await?;
        let entry = record
            .history
            .iter()
            .find(|h| matches!(&h.item, ItemEntry::Open(r) if r.item.id == item))
            .ok_or(OParlError::NotFound)?;
        Ok(self.consultation(
            issue,
            item,
            entry.meeting.id,
            entry.committee.id,
            Some(&stamp),
        ))
    }

    pub async fn file(
        &self,
        id: DocumentId,
        stamp: &Stamp,
        own: bool,
    ) -> Result<Value, OParlError> {
        let document = self.store.document(id).await?;
        Ok(self.file_object(&document, Some(stamp), own))
    }

    /// A File; `own` when it is the answer itself, the one place the server gives its text.
    fn file_object(
        &self,
        document: &witan_store::Stored<witan_domain::Document>,
        stamp: Option<&Stamp>,
        own: bool,
    ) -> Value {
        let mut object = self.object("File", &format!("/file/{}", document.id), stamp);
        object.insert("name".into(), document.name.as_str().into());
        object.insert(
            "fileName".into(),
            crate::downloads::file_name(document).into(),
        );
        object.insert("mimeType".into(), document.media_type.as_str().into());
        object.insert("size".into(), document.size_bytes.into());
        if own || self.whole_texts {
            object.insert("text".into(), document.text.as_str().into());
        }
        let access = self.web(&format!("/documents/{}", document.id));
        object.insert("accessUrl".into(), access.clone().into());
        object.insert("downloadUrl".into(), access.into());
        if let Some(sha) = &document.sha256 {
            object.insert("witan:sha256".into(), sha.as_str().into());
        }
        if let Some(item) = document.item {
            object.insert(
                "agendaItem".into(),
                vec![Value::from(self.url(&format!("/agendaitem/{item}")))].into(),
            );
        } else if let Some(issue) = document.issue {
            object.insert(
                "paper".into(),
                vec![Value::from(self.url(&format!("/paper/{issue}")))].into(),
            );
        }
        object.into()
    }
}

/// Leaves embedded objects out of a list entry (`omit_internal=true`): a client that will fetch
/// them on their own does not need them twice.
fn omit_internal(object: &mut Value) {
    if let Value::Object(map) = object {
        map.retain(|_, value| match value {
            Value::Object(inner) => !inner.contains_key("type"),
            Value::Array(items) => !items
                .iter()
                .any(|i| i.as_object().is_some_and(|o| o.contains_key("type"))),
            _ => true,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Handlers

type Answer = Result<Response, OParlError>;

fn ok(value: &Value) -> Response {
    json_response(StatusCode::OK, value)
}

fn id_of<T>(raw: &str) -> Result<Id<T>, OParlError> {
    crate::pages::parse_id(raw).map_err(|_| OParlError::NotFound)
}

/// `/oparl` and `/oparl/v1.1/`: the System is the entry point.
pub async fn entry() -> Redirect {
    Redirect::permanent("/oparl/v1.1/system")
}

pub async fn system(State(state): State<PublicSite>, Base(site): Base) -> Response {
    ok(&objects(&state, &site).system())
}

fn objects<'a>(state: &'a PublicSite, site: &'a str) -> Objects<'a> {
    Objects {
        store: &state.store,
        site,
        whole_texts: false,
    }
}

async fn list_answer(
    state: &PublicSite,
    site: &str,
    list: List,
    pairs: &[(String, String)],
) -> Answer {
    let query = ListQuery::parse(pairs)?;
    let page = objects(state, site).list(list, &query).await?;
    Ok(ok(&page.body))
}

pub async fn bodies(
    State(state): State<PublicSite>,
    Base(site): Base,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Answer {
    list_answer(&state, &site, List::Bodies, &pairs).await
}

pub async fn body_list(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((id, list)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Answer {
    let id = id_of(&id)?;
    // An unknown body has no lists.
    objects(&state, &site)
        .stamp(PublishedKind::Organisation, id.get())
        .await?;
    let list = match list.as_str() {
        "organizations" => List::Organizations(id),
        "people" => List::People(id),
        "meetings" => List::Meetings(id),
        "papers" => List::Papers(id),
        "files" => List::Files(id),
        _ => return Err(OParlError::NotFound),
    };
    list_answer(&state, &site, list, &pairs).await
}

pub async fn committee_meetings(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path(id): Path<String>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Answer {
    let id = id_of(&id)?;
    objects(&state, &site)
        .stamp(PublishedKind::Committee, id.get())
        .await?;
    list_answer(&state, &site, List::CommitteeMeetings(id), &pairs).await
}

pub async fn body(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path(id): Path<String>,
) -> Answer {
    let o = objects(&state, &site);
    let id = id_of(&id)?;
    let stamp = o.stamp(PublishedKind::Organisation, id.get()).await?;
    Ok(ok(&o.body(id, &stamp).await?))
}

pub async fn legislative_term(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((id, year)): Path<(String, String)>,
) -> Answer {
    let o = objects(&state, &site);
    let id: OrganisationId = id_of(&id)?;
    o.stamp(PublishedKind::Organisation, id.get()).await?;
    let year: i32 = year.parse().map_err(|_| OParlError::NotFound)?;
    let terms = o.legislative_terms(id).await?;
    let wanted = o.legislative_term(id, year).ok_or(OParlError::NotFound)?;
    if !terms.contains(&wanted) {
        return Err(OParlError::NotFound);
    }
    Ok(ok(&wanted))
}

/// Objects read by kind and id: organizations, people, meetings, papers and files.
pub async fn object(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((kind, id)): Path<(String, String)>,
) -> Answer {
    let o = objects(&state, &site);
    let kind = match kind.as_str() {
        "organization" => PublishedKind::Committee,
        "person" => PublishedKind::Person,
        "meeting" => PublishedKind::Meeting,
        "paper" => PublishedKind::Issue,
        "file" => PublishedKind::Document,
        "agendaitem" => return Ok(ok(&o.agenda_item_of(id_of(&id)?).await?)),
        "consultation" => return Ok(ok(&o.consultation_of(id_of(&id)?).await?)),
        _ => return Err(OParlError::NotFound),
    };
    let id: Id<()> = id_of(&id)?;
    let stamp = o.stamp(kind, id.get()).await?;
    Ok(ok(&o.by_kind(kind, &stamp, true).await?))
}

pub async fn membership(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((person, id)): Path<(String, String)>,
) -> Answer {
    let o = objects(&state, &site);
    let value = o.membership_of(id_of(&person)?, id_of(&id)?).await?;
    Ok(ok(&value))
}

pub async fn location(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path(meeting): Path<String>,
) -> Answer {
    let value = objects(&state, &site).location_of(id_of(&meeting)?).await?;
    Ok(ok(&value))
}

/// Anything else under `/oparl/`: an OParl error object, not an HTML page.
pub async fn not_found() -> Response {
    OParlError::NotFound.into_response()
}
