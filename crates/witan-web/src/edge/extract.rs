//! What handlers read from a request before anything else: a record's id in the path, the
//! query string parameter by parameter, and the page of a list. A bad value is answered at once
//! in the form the address answers in: a 404 for an id that names no record, a 400 naming the
//! parameter otherwise.

use crate::edge::error::{AppError, Channel};
use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use std::collections::HashMap;
use witan_domain::{Id, Term};
use witan_store::Page;

/// Path ids are positive integers; anything else is a page that does not exist.
pub fn id<T>(raw: &str) -> Result<Id<T>, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(Id::new)
        .ok_or(AppError::NotFound)
}

/// The id of a record named by the path's one parameter (`/meetings/{id}`). An id that is not a
/// positive integer names no record: a 404 in the form the address answers in (an HTML page,
/// an API error or an OParl error), as a record the reader may not see is.
#[derive(Debug)]
pub struct PathId<T>(pub Id<T>);

impl<S: Send + Sync, T> FromRequestParts<S> for PathId<T> {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Response> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        id(&raw)
            .map(Self)
            .map_err(|e| Channel::of(parts.uri.path()).render(e))
    }
}

/// Page `number` (from 1) of a list shown `per_page` rows at a time.
#[derive(Debug, Clone, Copy)]
pub struct Paging {
    pub number: u32,
    per_page: u32,
}

impl Paging {
    pub fn new(number: u32, per_page: u32) -> Self {
        Self { number, per_page }
    }

    /// What to read: one row more than is shown, to learn whether a next page exists.
    pub fn window(self) -> Page {
        Page::new((self.number - 1) * self.per_page, self.per_page + 1)
    }

    /// Cuts what [`Paging::window`] read to the page; true when there is a next page.
    pub fn cut<T>(self, mut rows: Vec<T>) -> (Vec<T>, bool) {
        let has_next = rows.len() > self.per_page as usize;
        rows.truncate(self.per_page as usize);
        (rows, has_next)
    }

    /// Like [`Paging::cut`], for lists whose pages past the end do not exist (a 404).
    pub fn cut_existing<T>(self, rows: Vec<T>) -> Result<(Vec<T>, bool), AppError> {
        if rows.is_empty() && self.number > 1 {
            return Err(AppError::NotFound);
        }
        Ok(self.cut(rows))
    }
}

/// The query string of a request, read parameter by parameter.
pub struct Params(HashMap<String, String>);

impl Params {
    pub fn new(raw: HashMap<String, String>) -> Self {
        // An empty value (a form field left blank) means "not given".
        Self(
            raw.into_iter()
                .filter(|(_, v)| !v.trim().is_empty())
                .collect(),
        )
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(|v| v.trim())
    }

    pub fn date(&self, name: &'static str) -> Result<Option<NaiveDate>, AppError> {
        self.text(name)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| AppError::BadRequest {
                    parameter: name,
                    reason: format!("must be a date like 2016-04-14, not \"{}\"", shorten(v)),
                })
            })
            .transpose()
    }

    pub fn term<T: Term>(&self, name: &'static str) -> Result<Option<T>, AppError> {
        self.text(name)
            .map(|v| {
                T::parse(name, v).map_err(|e| AppError::BadRequest {
                    parameter: name,
                    reason: e.reason,
                })
            })
            .transpose()
    }

    pub fn id(&self, name: &'static str) -> Result<Option<i64>, AppError> {
        self.text(name)
            .map(|v| {
                v.parse::<i64>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| AppError::BadRequest {
                        parameter: name,
                        reason: format!("must be a record number, not \"{}\"", shorten(v)),
                    })
            })
            .transpose()
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(self.text(name), Some("on" | "true" | "yes" | "1"))
    }

    /// The page number, from 1.
    pub fn page(&self) -> Result<u32, AppError> {
        match self.text("page") {
            None => Ok(1),
            Some(v) => v
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100_000).contains(n))
                .ok_or_else(|| AppError::BadRequest {
                    parameter: "page",
                    reason: format!("must be a page number from 1, not \"{}\"", shorten(v)),
                }),
        }
    }
}

/// A value as an error message quotes it: its first 40 characters.
pub fn shorten(raw: &str) -> String {
    raw.chars().take(40).collect()
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
