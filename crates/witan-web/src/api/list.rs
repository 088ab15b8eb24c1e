//! What every collection of the API shares: the filters and cursor paging of lists, reading
//! one public record, and the macro that declares a collection's two handlers for the router
//! and the OpenAPI document.

use super::Failure;
use crate::edge::answer::json_response;
use crate::edge::error::{AppError, Code};
use crate::edge::extract::shorten;
use crate::open_data;
use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;
use witan_domain::Id;
use witan_store::{PublicStore, PublishedKind, Scope, Stamp, Window};

const PER_PAGE: u32 = 50;
const MAX_PER_PAGE: u32 = 200;

fn bad(parameter: &'static str, rule: &str, value: &str) -> Failure {
    Failure(AppError::BadRequest {
        parameter,
        reason: format!("{rule}, not \"{}\"", shorten(value)),
    })
}

pub(super) type Answer = Result<Response, Failure>;

pub(super) fn ok<T: Serialize>(value: &T) -> Answer {
    Ok(json_response(
        StatusCode::OK,
        &serde_json::to_value(value).map_err(|e| AppError::Internal(e.to_string()))?,
    ))
}

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

fn instant(
    parameter: &'static str,
    value: &Option<String>,
) -> Result<Option<DateTime<Utc>>, Failure> {
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
    let Query(p) = params.map_err(|e| AppError::BadRequest {
        parameter: "query",
        reason: format!(
            "could not be read: {}",
            e.body_text()
                .trim_start_matches("Failed to deserialize query string: ")
        ),
    })?;
    let scope = match (&p.committee, &p.organisation) {
        (Some(_), Some(_)) => {
            return Err(Failure(AppError::BadRequest {
                parameter: "organisation",
                reason: "cannot be combined with committee".to_owned(),
            }));
        }
        (Some(slug), None) => match store.committee_by_slug(slug.trim()).await {
            Ok(c) => Scope::Committee(c.id),
            Err(e) => {
                let e = AppError::from(e);
                return Err(if e.code() == Code::NotFound {
                    bad("committee", "must be a committee's slug", slug)
                } else {
                    Failure(e)
                });
            }
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

/// How each kind of record is read, one record at a time, once the store has said it is public.
pub(super) trait Record: Serialize + Sized + Send {
    const KIND: PublishedKind;
    fn read(
        store: &PublicStore,
        stamp: &Stamp,
    ) -> impl std::future::Future<Output = Result<Self, Failure>> + Send;
    /// The records of a page of stamps, in their order: one by one unless a kind reads a page
    /// together.
    fn read_page(
        store: &PublicStore,
        stamps: &[Stamp],
    ) -> impl std::future::Future<Output = Result<Vec<Self>, Failure>> + Send {
        async move {
            let mut data = Vec::with_capacity(stamps.len());
            for stamp in stamps {
                data.push(Self::read(store, stamp).await?);
            }
            Ok(data)
        }
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

pub(super) async fn list<T: Record>(
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
    let data = T::read_page(store, &stamps).await?;
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

pub(super) async fn one<T: Record>(store: &PublicStore, id: Id<()>) -> Answer {
    let stamp = open_data::stamp(store, T::KIND, id.get())
        .await?
        .ok_or(Failure(AppError::NotFound))?;
    ok(&T::read(store, &stamp).await?)
}

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
        pub async fn $one(State(state): State<PublicSite>, PathId(id): PathId<()>) -> Answer {
            one::<$record>(&state.store, id).await
        }
    };
}

pub(super) use collection;
