//! Rows to domain records. Stored values pass through the same parsers as input, so a database
//! changed behind witan's back shows up as [`StoreError::Corrupt`], not as a bad page.

use crate::{Result, StoreError, Stored};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use witan_domain::*;

pub(crate) fn corrupt(e: ValidationError) -> StoreError {
    StoreError::Corrupt(e)
}

fn get<'r, T>(row: &'r SqliteRow, column: &'static str) -> Result<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column)
        .map_err(|e| corrupt(ValidationError::new(column, e)))
}

pub(crate) fn id<T>(row: &SqliteRow, column: &'static str) -> Result<Id<T>> {
    Ok(Id::new(get(row, column)?))
}

pub(crate) fn opt_id<T>(row: &SqliteRow, column: &'static str) -> Result<Option<Id<T>>> {
    Ok(get::<Option<i64>>(row, column)?.map(Id::new))
}

pub(crate) fn string(row: &SqliteRow, column: &'static str) -> Result<String> {
    get(row, column)
}

pub(crate) fn title(row: &SqliteRow, column: &'static str) -> Result<Title> {
    Title::parse(column, &string(row, column)?).map_err(corrupt)
}

pub(crate) fn opt_title(row: &SqliteRow, column: &'static str) -> Result<Option<Title>> {
    get::<Option<String>>(row, column)?
        .map(|s| Title::parse(column, &s).map_err(corrupt))
        .transpose()
}

pub(crate) fn text(row: &SqliteRow, column: &'static str) -> Result<Text> {
    Text::parse(column, &string(row, column)?).map_err(corrupt)
}

pub(crate) fn term<T: Term>(row: &SqliteRow, column: &'static str) -> Result<T> {
    T::parse(column, &string(row, column)?).map_err(corrupt)
}

pub(crate) fn date(row: &SqliteRow, column: &'static str) -> Result<NaiveDate> {
    parse_date(column, &string(row, column)?)
}

pub(crate) fn opt_date(row: &SqliteRow, column: &'static str) -> Result<Option<NaiveDate>> {
    get::<Option<String>>(row, column)?
        .map(|s| parse_date(column, &s))
        .transpose()
}

fn parse_date(column: &'static str, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| corrupt(ValidationError::new(column, e)))
}

pub(crate) fn instant(row: &SqliteRow, column: &'static str) -> Result<DateTime<Utc>> {
    parse_instant(column, &string(row, column)?)
}

pub(crate) fn opt_instant(row: &SqliteRow, column: &'static str) -> Result<Option<DateTime<Utc>>> {
    get::<Option<String>>(row, column)?
        .map(|s| parse_instant(column, &s))
        .transpose()
}

fn parse_instant(column: &'static str, s: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(ValidationError::new(column, e)))
}

/// The stored form of an instant: RFC 3339 in UTC with a Z, whose text order is time order.
pub(crate) fn instant_text(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn bool(row: &SqliteRow, column: &'static str) -> Result<bool> {
    Ok(get::<i64>(row, column)? != 0)
}

pub(crate) fn visibility(
    row: &SqliteRow,
    ground: &'static str,
    review: &'static str,
) -> Result<Visibility> {
    match get::<Option<String>>(row, ground)? {
        None => Ok(Visibility::Public),
        Some(code) => Ok(Visibility::Exempt(Exemption {
            ground: ExemptGround::parse_code(ground, &code).map_err(corrupt)?,
            review_on: opt_date(row, review)?,
        })),
    }
}

pub(crate) fn resolution_points_json(points: &[Text]) -> String {
    serde_json::to_string(&points.iter().map(Text::as_str).collect::<Vec<_>>())
        .unwrap_or_else(|_| "[]".to_owned())
}

pub(crate) fn minutes(row: &SqliteRow) -> Result<Option<(u32, Minutes)>> {
    let Some(version) = get::<Option<i64>>(row, "minutes_version")? else {
        return Ok(None);
    };
    let points_json = string(row, "resolution_points")?;
    let raw_points: Vec<String> = serde_json::from_str(&points_json)
        .map_err(|e| corrupt(ValidationError::new("resolution_points", e)))?;
    let points = raw_points
        .iter()
        .map(|p| Text::parse("resolution_points", p).map_err(corrupt))
        .collect::<Result<Vec<_>>>()?;
    let minutes = Minutes {
        text: text(row, "minutes_text")?,
        resolution: Resolution::new(points, text(row, "resolution_text")?),
    };
    Ok(Some((u32::try_from(version).unwrap_or(0), minutes)))
}

pub(crate) fn organisation(row: &SqliteRow) -> Result<Stored<Organisation>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Organisation {
            slug: Slug::parse("slug", &string(row, "slug")?).map_err(corrupt)?,
            name: title(row, "name")?,
            kind: term(row, "kind")?,
        },
    })
}

/// A committee row with `owner_ids`, the comma-separated ids of its organisations.
pub(crate) fn committee(row: &SqliteRow) -> Result<Stored<Committee>> {
    let owner_ids = string(row, "owner_ids")?
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<i64>().map(Id::new))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| corrupt(ValidationError::new("owner_ids", e)))?;
    let owners = if bool(row, "joint")? {
        CommitteeOwners::joint("committee_owners", owner_ids).map_err(corrupt)?
    } else {
        match owner_ids.as_slice() {
            [one] => CommitteeOwners::Single(*one),
            _ => {
                return Err(corrupt(ValidationError::new(
                    "committee_owners",
                    "a single committee must have exactly one organisation",
                )));
            }
        }
    };
    Ok(Stored {
        id: id(row, "id")?,
        record: Committee {
            slug: Slug::parse("slug", &string(row, "slug")?).map_err(corrupt)?,
            name: title(row, "name")?,
            purpose: text(row, "purpose")?,
            owners,
            parent: opt_id(row, "parent_id")?,
        },
    })
}

pub(crate) fn person(row: &SqliteRow) -> Result<Stored<Person>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Person {
            name: title(row, "name")?,
            job_title: opt_title(row, "job_title")?,
        },
    })
}

pub(crate) fn meeting(row: &SqliteRow) -> Result<Stored<Meeting>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Meeting {
            committee: id(row, "committee_id")?,
            times: MeetingTimes::new(instant(row, "starts_at")?, opt_instant(row, "ends_at")?)
                .map_err(corrupt)?,
            location: opt_title(row, "location")?,
            status: term(row, "status")?,
            agenda_published: opt_instant(row, "agenda_published_at")?,
        },
    })
}

pub(crate) fn item(row: &SqliteRow) -> Result<Stored<AgendaItem>> {
    let position: i64 = get(row, "position")?;
    Ok(Stored {
        id: id(row, "id")?,
        record: AgendaItem {
            meeting: id(row, "meeting_id")?,
            position: u32::try_from(position).unwrap_or(0),
            number: ItemNumber::parse("number", &string(row, "number")?).map_err(corrupt)?,
            title: title(row, "title")?,
            issue: opt_id(row, "issue_id")?,
            visibility: visibility(row, "exempt_ground", "exempt_review_on")?,
        },
    })
}

pub(crate) fn issue(row: &SqliteRow) -> Result<Stored<Issue>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Issue {
            title: title(row, "title")?,
            reference: opt_title(row, "reference")?,
            summary: text(row, "summary")?,
        },
    })
}

pub(crate) fn document(row: &SqliteRow) -> Result<Stored<Document>> {
    let size: i64 = get(row, "size_bytes")?;
    Ok(Stored {
        id: id(row, "id")?,
        record: Document {
            item: opt_id(row, "item_id")?,
            issue: opt_id(row, "issue_id")?,
            name: title(row, "name")?,
            media_type: MediaType::parse("media_type", &string(row, "media_type")?)
                .map_err(corrupt)?,
            size_bytes: u64::try_from(size).unwrap_or(0),
            sha256: match string(row, "sha256")?.as_str() {
                "" => None,
                digest => Some(Sha256::parse("sha256", digest).map_err(corrupt)?),
            },
            text: text(row, "text")?,
            visibility: visibility(row, "exempt_ground", "exempt_review_on")?,
        },
    })
}

pub(crate) fn decision(row: &SqliteRow) -> Result<Stored<Decision>> {
    let maker = match (
        opt_id(row, "maker_committee_id")?,
        opt_id(row, "maker_person_id")?,
    ) {
        (Some(c), None) => DecisionMaker::Committee(c),
        (None, Some(p)) => DecisionMaker::Officer(p),
        _ => {
            return Err(corrupt(ValidationError::new(
                "decision.maker",
                "must be exactly one committee or officer",
            )));
        }
    };
    Ok(Stored {
        id: id(row, "id")?,
        record: Decision {
            item: opt_id(row, "item_id")?,
            maker,
            decided_on: date(row, "decided_on")?,
            title: title(row, "title")?,
            text: text(row, "text")?,
            key_decision: bool(row, "key_decision")?,
            call_in: match opt_date(row, "call_in_deadline")? {
                Some(deadline) => CallIn::Subject { deadline },
                None => CallIn::NotSubject,
            },
            status: term(row, "status")?,
        },
    })
}

pub(crate) fn action(row: &SqliteRow) -> Result<Stored<Action>> {
    let owner = match (
        opt_id(row, "owner_person_id")?,
        opt_id(row, "owner_organisation_id")?,
    ) {
        (Some(p), _) => Some(ActionOwner::Person(p)),
        (None, Some(o)) => Some(ActionOwner::Organisation(o)),
        (None, None) => None,
    };
    Ok(Stored {
        id: id(row, "id")?,
        record: Action {
            meeting: id(row, "meeting_id")?,
            item: opt_id(row, "item_id")?,
            description: text(row, "description")?,
            owner,
            due_on: opt_date(row, "due_on")?,
            status: term(row, "status")?,
            rag: term(row, "rag")?,
            closed_on: opt_date(row, "closed_on")?,
        },
    })
}

pub(crate) fn action_update(row: &SqliteRow) -> Result<ActionUpdate> {
    Ok(ActionUpdate {
        on: date(row, "on_date")?,
        text: text(row, "text")?,
        rag: get::<Option<String>>(row, "rag")?
            .map(|r| Rag::parse("rag", &r).map_err(corrupt))
            .transpose()?,
    })
}

pub(crate) fn escalation(row: &SqliteRow) -> Result<Stored<Escalation>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Escalation {
            from_item: id(row, "from_item_id")?,
            to_committee: id(row, "to_committee_id")?,
            reason: text(row, "reason")?,
            state: term(row, "state")?,
            target_item: opt_id(row, "target_item_id")?,
            considered_on: opt_date(row, "considered_on")?,
        },
    })
}

pub(crate) fn sign_off(row: &SqliteRow) -> Result<SignOff> {
    let version: i64 = get(row, "version")?;
    let reason = get::<Option<String>>(row, "reason")?
        .map(|r| Text::parse("reason", &r).map_err(corrupt))
        .transpose()?;
    SignOff::new(
        u32::try_from(version).unwrap_or(0),
        title(row, "signed_by")?,
        opt_id(row, "person_id")?,
        date(row, "signed_on")?,
        reason,
    )
    .map_err(corrupt)
}
