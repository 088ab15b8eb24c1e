//! How SQLite's columns read: instants are RFC 3339 UTC text, dates ISO text, flags 0 or 1, a
//! committee's organisations a comma-separated list and a resolution's points a JSON array. The
//! records themselves are decoded by [`crate::decode`], re-exported here.

pub(crate) use crate::decode::*;

use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use witan_domain::{Text, ValidationError};

fn get<'r, T>(row: &'r SqliteRow, column: &'static str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column)
        .map_err(|e| corrupt(ValidationError::new(column, e)))
}

fn invalid(column: &'static str, e: impl std::fmt::Display) -> StoreError {
    corrupt(ValidationError::new(column, e))
}

impl Columns for SqliteRow {
    fn opt_string(&self, column: &'static str) -> Result<Option<String>> {
        get(self, column)
    }

    fn opt_int(&self, column: &'static str) -> Result<Option<i64>> {
        get(self, column)
    }

    fn flag(&self, column: &'static str) -> Result<bool> {
        Ok(get::<i64>(self, column)? != 0)
    }

    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>> {
        get::<Option<String>>(self, column)?
            .map(|s| NaiveDate::parse_from_str(&s, "%Y-%m-%d").map_err(|e| invalid(column, e)))
            .transpose()
    }

    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>> {
        get::<Option<String>>(self, column)?
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|t| t.with_timezone(&Utc))
                    .map_err(|e| invalid(column, e))
            })
            .transpose()
    }

    fn ids(&self, column: &'static str) -> Result<Vec<i64>> {
        get::<String>(self, column)?
            .split(',')
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<i64>().map_err(|e| invalid(column, e)))
            .collect()
    }

    fn texts(&self, column: &'static str) -> Result<Vec<String>> {
        serde_json::from_str(&get::<String>(self, column)?).map_err(|e| invalid(column, e))
    }
}

/// The stored form of an instant: RFC 3339 in UTC with a Z, whose text order is time order.
pub(crate) fn instant_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn resolution_points_json(points: &[Text]) -> String {
    serde_json::to_string(&points.iter().map(Text::as_str).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".to_owned())
}
