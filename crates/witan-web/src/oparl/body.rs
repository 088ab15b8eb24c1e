//! Body: an organisation, with its lists and its legislative terms.

use super::objects::date;
use super::{List, OParlError, Objects, SCHEMA};
use crate::edge::error::AppError;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde_json::{Value, json};
use witan_domain::{OrganisationId, Term};
use witan_store::Stamp;

impl Objects<'_> {
    pub async fn body(&self, id: OrganisationId, stamp: &Stamp) -> Result<Value, OParlError> {
        let organisation = self
            .store
            .organisations()
            .await?
            .into_iter()
            .find(|o| o.id == id)
            .ok_or(OParlError(AppError::NotFound))?;
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
    pub(super) async fn legislative_terms(
        &self,
        body: OrganisationId,
    ) -> Result<Vec<Value>, OParlError> {
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
}
