//! What the two open data interfaces (OParl in `oparl/`, the JSON API in `api/`) share: pages
//! of published records with a cursor, one published record's times and instants in query
//! strings, and the site's address as ids and feed links name it.

use crate::PublicSite;
use crate::edge::client::Client;
use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use chrono::{DateTime, Utc};
use witan_store::{PublicStore, PublishedKind, Result, Scope, Selection, Stamp, Window};

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
