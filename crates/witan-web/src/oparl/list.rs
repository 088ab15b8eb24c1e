//! Lists and their pages: which records a list holds, the query a page is asked with (filters,
//! cursor, length) and the links between pages.

use super::objects::instant;
use super::{MAX_PER_PAGE, OParlError, Objects, PER_PAGE};
use crate::edge::error::AppError;
use crate::edge::extract::shorten;
use crate::open_data;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use witan_domain::{CommitteeId, Id, MeetingId, OrganisationId};
use witan_store::{PublishedKind, Scope, Window};

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
                    return Err(OParlError(AppError::BadRequest {
                        parameter: "query",
                        reason: format!(
                            "\"{}\" is not a parameter OParl lists take (created_since, \
                             created_until, modified_since, modified_until, elementsPerPage, \
                             omit_internal, after)",
                            shorten(other)
                        ),
                    }));
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
    OParlError(AppError::BadRequest {
        parameter,
        reason: format!("{rule}, not \"{}\"", shorten(value)),
    })
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
        // Meetings, the largest objects, are read together: a few queries for the whole page.
        let mut meetings: std::collections::HashMap<i64, witan_store::MeetingSheet> =
            if kind == PublishedKind::Meeting {
                let ids: Vec<MeetingId> = stamps.iter().map(|s| Id::new(s.id)).collect();
                self.store
                    .meeting_sheets(&ids)
                    .await?
                    .into_iter()
                    .map(|sheet| (sheet.meeting.id.get(), sheet))
                    .collect()
            } else {
                Default::default()
            };
        for stamp in &stamps {
            let mut object = match meetings.remove(&stamp.id) {
                Some(sheet) => self.meeting_object(&sheet, stamp),
                None => self.by_kind(kind, stamp, false).await?,
            };
            if omit {
                omit_internal(&mut object);
            }
            data.push(object);
        }
        Ok((data, next))
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
