//! Query-string parameters: each parsed on its own, and a bad one is a 400 page naming it.

use crate::AppError;
use chrono::NaiveDate;
use std::collections::HashMap;
use witan_domain::Term;

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

fn shorten(v: &str) -> String {
    v.chars().take(40).collect()
}

/// Percent-encodes a query value.
pub(crate) fn encode(value: &str) -> String {
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
