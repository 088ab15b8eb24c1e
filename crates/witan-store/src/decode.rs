//! Rows to domain records, for every backend. Stored values pass through the same parsers as
//! input, so a database changed behind witan's back shows up as [`StoreError::Corrupt`], not as a
//! bad page.
//!
//! A backend says how to read one column of its rows ([`Columns`]: SQLite keeps dates as text,
//! PostgreSQL as `date`); how columns become records is written once, here.

use crate::{
    ActionRecord, CommitteeRef, EscalationRecord, ForwardPlanRecord, HistoryEntry, ItemEntry,
    ItemRecord, MeetingSummary, Result, SearchDocument, SearchKind, Stamp, StoreError, Stored,
};
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::HashMap;
use witan_domain::*;

pub(crate) fn corrupt(e: ValidationError) -> StoreError {
    StoreError::Corrupt(e)
}

/// How a backend reads the columns of one of its rows.
pub trait Columns {
    fn opt_string(&self, column: &'static str) -> Result<Option<String>>;
    fn opt_int(&self, column: &'static str) -> Result<Option<i64>>;
    fn flag(&self, column: &'static str) -> Result<bool>;
    fn opt_date(&self, column: &'static str) -> Result<Option<NaiveDate>>;
    fn opt_instant(&self, column: &'static str) -> Result<Option<DateTime<Utc>>>;
    /// A list of ids, such as a committee's organisations.
    fn ids(&self, column: &'static str) -> Result<Vec<i64>>;
    /// A list of texts, such as the points of a resolution.
    fn texts(&self, column: &'static str) -> Result<Vec<String>>;
}

fn missing(column: &'static str) -> StoreError {
    corrupt(ValidationError::new(column, "is missing"))
}

pub(crate) fn string(row: &impl Columns, column: &'static str) -> Result<String> {
    row.opt_string(column)?.ok_or_else(|| missing(column))
}

pub(crate) fn int(row: &impl Columns, column: &'static str) -> Result<i64> {
    row.opt_int(column)?.ok_or_else(|| missing(column))
}

pub(crate) fn id<T>(row: &impl Columns, column: &'static str) -> Result<Id<T>> {
    int(row, column).map(Id::new)
}

pub(crate) fn opt_id<T>(row: &impl Columns, column: &'static str) -> Result<Option<Id<T>>> {
    Ok(row.opt_int(column)?.map(Id::new))
}

pub(crate) fn title(row: &impl Columns, column: &'static str) -> Result<Title> {
    Title::parse(column, &string(row, column)?).map_err(corrupt)
}

pub(crate) fn opt_title(row: &impl Columns, column: &'static str) -> Result<Option<Title>> {
    row.opt_string(column)?
        .map(|s| Title::parse(column, &s).map_err(corrupt))
        .transpose()
}

pub(crate) fn text(row: &impl Columns, column: &'static str) -> Result<Text> {
    Text::parse(column, &string(row, column)?).map_err(corrupt)
}

pub(crate) fn term<T: Term>(row: &impl Columns, column: &'static str) -> Result<T> {
    T::parse(column, &string(row, column)?).map_err(corrupt)
}

pub(crate) fn opt_item_number(
    row: &impl Columns,
    column: &'static str,
) -> Result<Option<ItemNumber>> {
    row.opt_string(column)?
        .map(|n| ItemNumber::parse(column, &n).map_err(corrupt))
        .transpose()
}

pub(crate) fn date(row: &impl Columns, column: &'static str) -> Result<NaiveDate> {
    row.opt_date(column)?.ok_or_else(|| missing(column))
}

pub(crate) fn opt_date(row: &impl Columns, column: &'static str) -> Result<Option<NaiveDate>> {
    row.opt_date(column)
}

pub(crate) fn instant(row: &impl Columns, column: &'static str) -> Result<DateTime<Utc>> {
    row.opt_instant(column)?.ok_or_else(|| missing(column))
}

pub(crate) fn opt_instant(
    row: &impl Columns,
    column: &'static str,
) -> Result<Option<DateTime<Utc>>> {
    row.opt_instant(column)
}

pub(crate) fn bool(row: &impl Columns, column: &'static str) -> Result<bool> {
    row.flag(column)
}

/// A count or position that cannot be negative.
fn unsigned<T: TryFrom<i64>>(row: &impl Columns, column: &'static str) -> Result<T> {
    T::try_from(int(row, column)?)
        .map_err(|_| corrupt(ValidationError::new(column, "is out of range")))
}

pub(crate) fn visibility(
    row: &impl Columns,
    ground: &'static str,
    review: &'static str,
) -> Result<Visibility> {
    match row.opt_string(ground)? {
        None => Ok(Visibility::Public),
        Some(code) => Ok(Visibility::Exempt(Exemption {
            ground: ExemptGround::parse_code(ground, &code).map_err(corrupt)?,
            review_on: opt_date(row, review)?,
        })),
    }
}

/// The minutes of a row with `minutes_version`, `minutes_text`, `resolution_points` and
/// `resolution_text`, if it has any.
pub(crate) fn minutes(row: &impl Columns) -> Result<Option<(u32, Minutes)>> {
    if row.opt_int("minutes_version")?.is_none() {
        return Ok(None);
    }
    let points = row
        .texts("resolution_points")?
        .iter()
        .map(|p| Text::parse("resolution_points", p).map_err(corrupt))
        .collect::<Result<Vec<_>>>()?;
    let minutes = Minutes {
        text: text(row, "minutes_text")?,
        resolution: Resolution::new(points, text(row, "resolution_text")?),
    };
    Ok(Some((unsigned(row, "minutes_version")?, minutes)))
}

pub(crate) fn organisation(row: &impl Columns) -> Result<Stored<Organisation>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Organisation {
            slug: Slug::parse("slug", &string(row, "slug")?).map_err(corrupt)?,
            name: title(row, "name")?,
            kind: term(row, "kind")?,
        },
    })
}

/// A committee row with `owner_ids`, the ids of its organisations.
pub(crate) fn committee(row: &impl Columns) -> Result<Stored<Committee>> {
    let owner_ids: Vec<OrganisationId> = row.ids("owner_ids")?.into_iter().map(Id::new).collect();
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

pub(crate) fn person(row: &impl Columns) -> Result<Stored<Person>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Person {
            name: title(row, "name")?,
            job_title: opt_title(row, "job_title")?,
        },
    })
}

pub(crate) fn membership(row: &impl Columns) -> Result<Stored<Membership>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Membership {
            person: id(row, "person_id")?,
            committee: id(row, "committee_id")?,
            role: term(row, "role")?,
            from: date(row, "from_date")?,
            until: opt_date(row, "until_date")?,
        },
    })
}

pub(crate) fn meeting(row: &impl Columns) -> Result<Stored<Meeting>> {
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

pub(crate) fn item(row: &impl Columns) -> Result<Stored<AgendaItem>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: AgendaItem {
            meeting: id(row, "meeting_id")?,
            position: unsigned(row, "position")?,
            number: ItemNumber::parse("number", &string(row, "number")?).map_err(corrupt)?,
            title: title(row, "title")?,
            issue: opt_id(row, "issue_id")?,
            visibility: visibility(row, "exempt_ground", "exempt_review_on")?,
        },
    })
}

pub(crate) fn issue(row: &impl Columns) -> Result<Stored<Issue>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Issue {
            title: title(row, "title")?,
            reference: opt_title(row, "reference")?,
            summary: text(row, "summary")?,
        },
    })
}

pub(crate) fn document(row: &impl Columns) -> Result<Stored<Document>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Document {
            item: opt_id(row, "item_id")?,
            issue: opt_id(row, "issue_id")?,
            name: title(row, "name")?,
            media_type: MediaType::parse("media_type", &string(row, "media_type")?)
                .map_err(corrupt)?,
            size_bytes: unsigned(row, "size_bytes")?,
            sha256: match string(row, "sha256")?.as_str() {
                "" => None,
                digest => Some(Sha256::parse("sha256", digest).map_err(corrupt)?),
            },
            text: text(row, "text")?,
            visibility: visibility(row, "exempt_ground", "exempt_review_on")?,
        },
    })
}

pub(crate) fn decision(row: &impl Columns) -> Result<Stored<Decision>> {
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

pub(crate) fn action(row: &impl Columns) -> Result<Stored<Action>> {
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

pub(crate) fn action_update(row: &impl Columns) -> Result<ActionUpdate> {
    Ok(ActionUpdate {
        on: date(row, "on_date")?,
        text: text(row, "text")?,
        rag: row
            .opt_string("rag")?
            .map(|r| Rag::parse("rag", &r).map_err(corrupt))
            .transpose()?,
    })
}

pub(crate) fn escalation(row: &impl Columns) -> Result<Stored<Escalation>> {
    Ok(Stored {
        id: id(row, "id")?,
        record: Escalation {
            from_item: id(row, "from_item_id")?,
            to_committee: id(row, "to_committee_id")?,
            reason: text(row, "reason")?,
            state: term(row, "state")?,
            target_item: opt_id(row, "target_item_id")?,
            decline_reason: row
                .opt_string("decline_reason")?
                .map(|r| Text::parse("decline_reason", &r).map_err(corrupt))
                .transpose()?,
            considered_on: opt_date(row, "considered_on")?,
        },
    })
}

pub(crate) fn sign_off(row: &impl Columns) -> Result<SignOff> {
    let reason = row
        .opt_string("reason")?
        .map(|r| Text::parse("reason", &r).map_err(corrupt))
        .transpose()?;
    SignOff::new(
        unsigned(row, "version")?,
        title(row, "signed_by")?,
        opt_id(row, "person_id")?,
        date(row, "signed_on")?,
        reason,
    )
    .map_err(corrupt)
}

pub(crate) fn user(row: &impl Columns) -> Result<Stored<User>> {
    let user = User::new(
        Email::parse("users.email", &string(row, "email")?).map_err(corrupt)?,
        title(row, "name")?,
        term::<Role>(row, "role")?,
        opt_id(row, "organisation_id")?,
    )
    .map_err(corrupt)?;
    Ok(Stored {
        id: id(row, "id")?,
        record: user,
    })
}

pub(crate) fn committee_ref(
    row: &impl Columns,
    id_column: &'static str,
    slug: &'static str,
    name: &'static str,
) -> Result<CommitteeRef> {
    Ok(CommitteeRef {
        id: id(row, id_column)?,
        slug: string(row, slug)?,
        name: string(row, name)?,
    })
}

/// A committee named by `committee_id`, `committee_slug` and `committee_name`, if the row has one.
pub(crate) fn opt_committee_ref(row: &impl Columns) -> Result<Option<CommitteeRef>> {
    match row.opt_int("committee_id")? {
        Some(_) => committee_ref(row, "committee_id", "committee_slug", "committee_name").map(Some),
        None => Ok(None),
    }
}

/// A meeting row (`m.*`) with its committee's `committee_slug` and `committee_name`.
pub(crate) fn meeting_summary(row: &impl Columns) -> Result<MeetingSummary> {
    Ok(MeetingSummary {
        meeting: meeting(row)?,
        committee: committee_ref(row, "committee_id", "committee_slug", "committee_name")?,
    })
}

/// An escalation row (`e.*`) with both committees and meetings, as the backends' escalation
/// SELECTs name them.
pub(crate) fn escalation_record(row: &impl Columns) -> Result<EscalationRecord> {
    Ok(EscalationRecord {
        escalation: escalation(row)?,
        from_committee: committee_ref(
            row,
            "from_committee_id",
            "from_committee_slug",
            "from_committee_name",
        )?,
        from_meeting: id(row, "from_meeting_id")?,
        to_committee: committee_ref(
            row,
            "to_committee_id",
            "to_committee_slug",
            "to_committee_name",
        )?,
        target_meeting: opt_id(row, "target_meeting_id")?,
    })
}

/// A searchable record as every backend's search SELECT answers it.
pub(crate) fn search_document(kind: SearchKind, row: &impl Columns) -> Result<SearchDocument> {
    let date = match opt_date(row, "on_date")? {
        Some(date) => Some(date),
        None => opt_instant(row, "starts_at")?.map(time::london_date),
    };
    Ok(SearchDocument {
        kind,
        id: int(row, "id")?,
        title: string(row, "title")?,
        body: string(row, "body")?,
        committee: opt_committee_ref(row)?,
        organisations: string(row, "organisations")?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
        date,
        key_decision: bool(row, "key_decision")?,
        public: bool(row, "public")?,
        meeting: opt_id(row, "meeting_id")?,
        item_number: row.opt_string("item_number")?,
        issue: opt_id(row, "issue_id")?,
    })
}

/// Forward plan entries with their decision maker's name and the issue's title, for
/// [`forward_plan_record`].
pub(crate) const FORWARD_PLAN_SELECT: &str = "SELECT f.*, c.slug AS committee_slug, \
     c.name AS committee_name, iss.title AS issue_title FROM forward_plan f \
     JOIN committees c ON c.id = f.decision_maker_id LEFT JOIN issues iss ON iss.id = f.issue_id";

pub(crate) fn forward_plan_record(row: &impl Columns) -> Result<ForwardPlanRecord> {
    Ok(ForwardPlanRecord {
        entry: Stored {
            id: id(row, "id")?,
            record: ForwardPlanEntry {
                title: title(row, "title")?,
                decision_maker: id(row, "decision_maker_id")?,
                issue: opt_id(row, "issue_id")?,
                published_on: date(row, "published_on")?,
                expected_on: date(row, "expected_on")?,
            },
        },
        decision_maker: committee_ref(
            row,
            "decision_maker_id",
            "committee_slug",
            "committee_name",
        )?,
        issue_title: opt_title(row, "issue_title")?,
    })
}

/// A row of [`crate::Store::published`] for records of `kind`: `id`, `created`, `modified`.
pub(crate) fn stamp(kind: crate::PublishedKind, row: &impl Columns) -> Result<Stamp> {
    Ok(Stamp::new(
        kind,
        int(row, "id")?,
        instant(row, "created")?,
        instant(row, "modified")?,
    ))
}

/// Agenda items with what hangs off them, as `audience` may see them (an exempt item withheld
/// for the public), from the rows of the items (with their issue's title and latest minutes),
/// their documents, decisions, escalations sent and received, and their actions.
pub(crate) fn item_entries<R: Columns>(
    items: &[R],
    documents: &[R],
    decisions: &[R],
    sent: &[R],
    received: &[R],
    actions: Vec<ActionRecord>,
    audience: Audience,
) -> Result<Vec<ItemEntry>> {
    let mut documents_by_item: HashMap<ItemId, Vec<Stored<Document>>> = HashMap::new();
    for row in documents {
        let d = document(row)?;
        if let Some(item) = d.item {
            documents_by_item.entry(item).or_default().push(d);
        }
    }
    let mut decisions_by_item: HashMap<ItemId, Vec<Stored<Decision>>> = HashMap::new();
    for row in decisions {
        let d = decision(row)?;
        if let Some(item) = d.item {
            decisions_by_item.entry(item).or_default().push(d);
        }
    }
    let mut actions_by_item: HashMap<ItemId, Vec<ActionRecord>> = HashMap::new();
    for a in actions {
        if let Some(item) = a.action.item {
            actions_by_item.entry(item).or_default().push(a);
        }
    }
    let mut sent_by_item: HashMap<ItemId, Vec<EscalationRecord>> = HashMap::new();
    for row in sent {
        let e = escalation_record(row)?;
        sent_by_item
            .entry(e.escalation.from_item)
            .or_default()
            .push(e);
    }
    let mut received_by_item: HashMap<ItemId, EscalationRecord> = HashMap::new();
    for row in received {
        let e = escalation_record(row)?;
        if let Some(target) = e.escalation.target_item {
            received_by_item.insert(target, e);
        }
    }

    items
        .iter()
        .map(|row| {
            let item = item(row)?;
            if let (Some(exemption), false) = (item.visibility.exemption(), audience.sees_exempt())
            {
                return Ok(ItemEntry::Withheld {
                    id: item.id,
                    label: exemption.ground.public_label(),
                    ground: exemption.ground.clone(),
                    number: item.record.number.clone(),
                });
            }
            let id = item.id;
            Ok(ItemEntry::Open(Box::new(ItemRecord {
                issue_title: opt_title(row, "issue_title")?,
                minutes: minutes(row)?,
                documents: documents_by_item.remove(&id).unwrap_or_default(),
                decisions: decisions_by_item.remove(&id).unwrap_or_default(),
                actions: actions_by_item.remove(&id).unwrap_or_default(),
                escalations_sent: sent_by_item.remove(&id).unwrap_or_default(),
                escalated_from: received_by_item.remove(&id),
                item,
            })))
        })
        .collect()
}

/// An issue's history: its item entries, each with the meeting and committee of the row (of
/// `meetings`, with the item's id as `item_id`) that names it.
pub(crate) fn issue_history<R: Columns>(
    meetings: &[R],
    entries: Vec<ItemEntry>,
) -> Result<Vec<HistoryEntry>> {
    let mut meeting_of_item: HashMap<i64, (Stored<Meeting>, CommitteeRef)> = HashMap::new();
    for row in meetings {
        meeting_of_item.insert(
            int(row, "item_id")?,
            (
                meeting(row)?,
                committee_ref(row, "committee_id", "committee_slug", "committee_name")?,
            ),
        );
    }
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            let (meeting, committee) = meeting_of_item.remove(&entry.id().get())?;
            Some(HistoryEntry {
                meeting,
                committee,
                item: entry,
            })
        })
        .collect())
}

/// The counts and instants of a row with the columns of [`crate::FailedAttempts`].
pub(crate) fn failed_attempts(row: &impl Columns) -> Result<crate::FailedAttempts> {
    let count = |column| unsigned::<u32>(row, column);
    Ok(crate::FailedAttempts {
        from_address: count("from_address")?,
        on_account_from_address: count("on_account_from_address")?,
        on_account: count("on_account")?,
        first_from_address: opt_instant(row, "first_from_address")?,
        first_on_account_from_address: opt_instant(row, "first_on_account_from_address")?,
        last_on_account: opt_instant(row, "last_on_account")?,
    })
}

/// A list of ids as the store aggregates them: comma-separated text (`string_agg`), or nothing.
pub(crate) fn comma_separated(column: &'static str, text: &Option<String>) -> Result<Vec<i64>> {
    text.as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim()
                .parse::<i64>()
                .map_err(|e| corrupt(ValidationError::new(column, e)))
        })
        .collect()
}
