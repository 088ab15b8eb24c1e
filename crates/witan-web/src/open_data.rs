//! What the two open data interfaces (OParl in `oparl.rs`, the JSON API in `api.rs`) share: pages
//! of published records with a cursor, one published record's times, instants in query strings,
//! and JSON answers any web page may read.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::Value;
use witan_store::{PublicStore, PublishedKind, Result, Scope, Selection, Stamp, Window};

/// A JSON answer that any web page may read (CORS), as OParl requires of every JSON answer.
pub fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// The published records of a kind after the id `after`, at most `limit`, and the cursor of
/// the next page when there is one.
pub async fn page(
    store: &PublicStore,
    kind: PublishedKind,
    scope: Scope,
    window: &Window,
    after: i64,
    limit: u32,
) -> Result<(Vec<Stamp>, Option<i64>)> {
    let mut stamps = store
        .published(
            kind,
            scope,
            window,
            Selection::After {
                id: after,
                limit: limit + 1,
            },
        )
        .await?;
    let more = stamps.len() > limit as usize;
    stamps.truncate(limit as usize);
    let next = more.then(|| stamps.last().map(|s| s.id)).flatten();
    Ok((stamps, next))
}

/// One record's times, if the public may see it.
pub async fn stamp(store: &PublicStore, kind: PublishedKind, id: i64) -> Result<Option<Stamp>> {
    Ok(store
        .published(kind, Scope::All, &Window::default(), Selection::Ids(&[id]))
        .await?
        .pop())
}

/// An RFC 3339 instant from a query string.
pub fn instant(value: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(value.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A value as an error message quotes it: its first 40 characters.
pub fn shorten(raw: &str) -> String {
    raw.chars().take(40).collect()
}
