//! How PostgreSQL's columns read: in their own types, so only the records themselves need
//! decoding ([`crate::decode`], re-exported here).

pub(crate) use crate::decode::*;

use crate::Result;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::postgres::PgRow;
use witan_domain::ValidationError;

fn get<'r, T>(row: &'r PgRow, column: &'static str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column)
        .map_err(|e| corrupt(ValidationError::new(column, e)))
}

impl Columns for PgRow {
    fn opt_string(&self, column: &'static str) -> Result<Option<String>> {
        get(self, column)
    }

    fn opt_int(&self, column: &'static str) -> Result<Option<i64>> {
        // Ids and counts are bigint; positions and versions are integer.
        match self.try_get::<Option<i64>, _>(column) {
            Ok(v) => Ok(v),
            Err(_) => Ok(get::<Option<i32>>(self, column)?.map(i64::from)),
        }
    }

    fn flag(&self, column: &'static str) -> Result<bool> {
        get(self, column)
    }

    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>> {
        get(self, column)
    }

    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>> {
        get(self, column)
    }

    fn ids(&self, column: &'static str) -> Result<Vec<i64>> {
        get(self, column)
    }

    fn texts(&self, column: &'static str) -> Result<Vec<String>> {
        get(self, column)
    }
}
