//! The use cases of `witan-app` against a real SQLite store in a temporary folder: a clerk's whole
//! journey through a meeting, the lifecycle rules, who may do what, concurrent edits, accounts and
//! the release of exempt items. Every refusal is checked to have written nothing: no audit entry,
//! no change to any record.

// The fixtures are helpers outside `#[test]` functions, where clippy.toml's allowance ends.
#![allow(clippy::unwrap_used)]

mod accounts;
mod authorisation;
mod committees;
mod concurrency;
mod journey;
mod records;
mod transitions;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use witan_app::accounts::{new_user, token_hash};
use witan_app::meetings::{Correction, IssueChoice, NewAction, NewItem};
use witan_app::{Actor, Error, Workspace, version_of};
use witan_domain::time::{add_working_days, london_date};
use witan_domain::*;
use witan_store::suite::kit::{
    TempDir, exempt, minute_now, minutes, number, shared_sqlite, slug, text, title,
};
use witan_store::{
    AuditRecord, ItemEntry, ItemRecord, MeetingRecord, Page, Store, StoreError, When, Writer,
};

// ---------------------------------------------------------------------------------------------
// Fixtures

struct Env {
    _dir: TempDir,
    store: Arc<dyn Store>,
    ws: Workspace,
}

async fn env() -> Env {
    let (dir, store) = shared_sqlite().await;
    let ws = Workspace::new(store.clone());
    Env {
        _dir: dir,
        store,
        ws,
    }
}

/// A meeting as a clerk schedules it.
fn new_meeting(committee: CommitteeId, start: DateTime<Utc>) -> Meeting {
    Meeting {
        committee,
        times: MeetingTimes::new(start, Some(start + Duration::hours(2))).unwrap(),
        location: Some(title("County Hall, Preston")),
        status: MeetingStatus::Scheduled,
        agenda_published: None,
    }
}

fn new_item(n: &str, name: &str, issue: IssueChoice, visibility: Visibility) -> NewItem {
    NewItem {
        number: number(n),
        title: title(name),
        issue,
        visibility,
    }
}

const CLERK: &str = "clerk@northshire.gov.uk";
const CABINET_CLERK: &str = "cabinet.clerk@northshire.gov.uk";
const ICB_CLERK: &str = "clerk@northshire-icb.nhs.uk";

/// Two organisations sharing a joint board, a third one elsewhere, and people of every role.
struct World {
    council: OrganisationId,
    cabinet: CommitteeId,
    scrutiny: CommitteeId,
    joint: CommitteeId,
    icb_board: CommitteeId,
    officer_person: PersonId,
    existing_issue: IssueId,
    admin: Actor,
    /// A clerk of the council.
    clerk: Actor,
    /// Another clerk of the council, who looks after Cabinet.
    cabinet_clerk: Actor,
    /// A councillor of the council.
    member: Actor,
    /// An officer of the council.
    officer: Actor,
    /// A clerk of the ICB, the council's partner on the joint board.
    icb_clerk: Actor,
    /// A clerk of an unrelated council.
    other_clerk: Actor,
}

async fn world(store: &dyn Store) -> World {
    let mut w = store.begin().await.unwrap();
    let organisation = |slug_: &str, name: &str, kind| Organisation {
        slug: slug(slug_),
        name: title(name),
        kind,
    };
    let council = w
        .create_organisation(&organisation(
            "northshire-county-council",
            "Northshire County Council",
            OrganisationKind::CountyCouncil,
        ))
        .await
        .unwrap();
    let icb = w
        .create_organisation(&organisation(
            "northshire-icb",
            "Northshire Integrated Care Board",
            OrganisationKind::IntegratedCareBoard,
        ))
        .await
        .unwrap();
    let southshire = w
        .create_organisation(&organisation(
            "southshire-county-council",
            "Southshire County Council",
            OrganisationKind::CountyCouncil,
        ))
        .await
        .unwrap();
    let committee = |slug_: &str, name: &str, owners, parent| Committee {
        slug: slug(slug_),
        name: title(name),
        purpose: Text::default(),
        owners,
        parent,
    };
    let cabinet = w
        .create_committee(&committee(
            "cabinet",
            "Cabinet",
            CommitteeOwners::Single(council),
            None,
        ))
        .await
        .unwrap();
    let scrutiny = w
        .create_committee(&committee(
            "executive-scrutiny",
            "Executive Scrutiny Committee",
            CommitteeOwners::Single(council),
            Some(cabinet),
        ))
        .await
        .unwrap();
    let joint = w
        .create_committee(&committee(
            "health-and-wellbeing-board",
            "Health and Wellbeing Board",
            CommitteeOwners::joint("owners", vec![council, icb]).unwrap(),
            None,
        ))
        .await
        .unwrap();
    let icb_board = w
        .create_committee(&committee(
            "icb-board",
            "ICB Board",
            CommitteeOwners::Single(icb),
            None,
        ))
        .await
        .unwrap();
    w.create_committee(&committee(
        "southshire-cabinet",
        "Southshire Cabinet",
        CommitteeOwners::Single(southshire),
        None,
    ))
    .await
    .unwrap();
    let officer_person = w
        .create_person(&Person {
            name: title("Mike Kirby"),
            job_title: Some(title("Director, Corporate Commissioning")),
        })
        .await
        .unwrap();
    let existing_issue = w
        .create_issue(&Issue {
            title: title("Health and Social Care Integration"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let mut users = Vec::new();
    for (email, name, role, organisation) in [
        ("admin@northshire.gov.uk", "Sam Admin", Role::Admin, None),
        (CLERK, "Jo Clerk", Role::Clerk, Some(council)),
        (CABINET_CLERK, "Kim Clerk", Role::Clerk, Some(council)),
        (
            "cllr.jones@northshire.gov.uk",
            "Ann Jones",
            Role::Member,
            Some(council),
        ),
        (
            "mike.kirby@northshire.gov.uk",
            "Mike Kirby",
            Role::Officer,
            Some(council),
        ),
        (ICB_CLERK, "Lee Secretary", Role::Clerk, Some(icb)),
        (
            "clerk@southshire.gov.uk",
            "Pat Clerk",
            Role::Clerk,
            Some(southshire),
        ),
    ] {
        let user = User::new(
            Email::parse("email", email).unwrap(),
            title(name),
            role,
            organisation,
        )
        .unwrap();
        // These accounts never sign in: a placeholder hash spares the slow hashing.
        users.push(
            w.create_user(&user, "$argon2id$v=19$placeholder")
                .await
                .unwrap(),
        );
    }
    w.commit().await.unwrap();
    let mut actors = Vec::new();
    for id in users {
        actors.push(Actor::User(store.user(id).await.unwrap()));
    }
    let [
        admin,
        clerk,
        cabinet_clerk,
        member,
        officer,
        icb_clerk,
        other_clerk,
    ] = <[Actor; 7]>::try_from(actors).unwrap();
    World {
        council,
        cabinet,
        scrutiny,
        joint,
        icb_board,
        officer_person,
        existing_issue,
        admin,
        clerk,
        cabinet_clerk,
        member,
        officer,
        icb_clerk,
        other_clerk,
    }
}

/// A meeting as history has it (no audit entry: the fixture is not a use case).
async fn meeting_at(
    w: &mut dyn Writer,
    committee: CommitteeId,
    start: DateTime<Utc>,
    status: MeetingStatus,
) -> MeetingId {
    w.create_meeting(&Meeting {
        status,
        ..new_meeting(committee, start)
    })
    .await
    .unwrap()
}

async fn item_on(
    w: &mut dyn Writer,
    meeting: MeetingId,
    position: u32,
    name: &str,
    visibility: Visibility,
) -> ItemId {
    w.create_item(&AgendaItem {
        meeting,
        position,
        number: number(&position.to_string()),
        title: title(name),
        issue: None,
        visibility,
    })
    .await
    .unwrap()
}

/// Everything a use case could change, as JSON: the audit log's length, the counts, the accounts
/// and every meeting with all that was recorded at it (items, minutes, decisions, actions and
/// their updates, escalations both ways, sign-offs).
async fn snapshot(store: &dyn Store) -> String {
    let audit = store.audit_log(None, Page::first(500)).await.unwrap().len();
    let counts = store.counts().await.unwrap();
    let users = store.users().await.unwrap();
    let since = DateTime::from_timestamp(946_684_800, 0).unwrap(); // 2000-01-01
    let meetings = store
        .meetings(None, When::From(since), Page::first(500))
        .await
        .unwrap();
    let mut records = Vec::new();
    for summary in &meetings {
        records.push(
            store
                .meeting_record(summary.meeting.id, Audience::Privileged)
                .await
                .unwrap(),
        );
    }
    serde_json::to_string(&(audit, counts, users, records)).unwrap()
}

async fn audit_log(store: &dyn Store) -> Vec<AuditRecord> {
    store.audit_log(None, Page::first(100)).await.unwrap()
}

fn json(s: Option<&String>) -> Value {
    serde_json::from_str(s.expect("JSON in the audit entry")).expect("valid JSON")
}

fn open_item(record: &MeetingRecord, id: ItemId) -> &ItemRecord {
    record
        .agenda
        .as_ref()
        .expect("an agenda")
        .iter()
        .find_map(|e| match e {
            ItemEntry::Open(r) if r.item.id == id => Some(r.as_ref()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("item {id} is not open on the agenda"))
}

fn rule(err: &Error) -> Option<&RuleError> {
    match err {
        Error::Store(StoreError::Rule(rule)) => Some(rule),
        _ => None,
    }
}

fn invalid_field(err: &Error) -> Option<&'static str> {
    match err {
        Error::Store(StoreError::Invalid(v)) => Some(v.field),
        _ => None,
    }
}

/// Asserts that `result` is the refusal `expected` says, and that nothing was written.
async fn assert_refused<T: std::fmt::Debug>(
    store: &dyn Store,
    before: &str,
    what: &str,
    result: Result<T, Error>,
    expected: impl Fn(&Error) -> bool,
) {
    match result {
        Ok(value) => panic!("{what}: allowed ({value:?}), expected a refusal"),
        Err(err) => assert!(
            expected(&err),
            "{what}: refused with the wrong error: {err:?}"
        ),
    }
    assert_eq!(
        snapshot(store).await,
        before,
        "{what}: a refused use case changed the store"
    );
}

/// Records in the state each use case needs, all of them the council's (Executive Scrutiny and
/// Cabinet), written by the fixture rather than a use case.
struct Scene {
    future: MeetingId,
    to_publish: MeetingId,
    draft_item: ItemId,
    decision: DecisionId,
    action: ActionId,
    escalation: EscalationId,
    /// Pending escalations to Cabinet, and the Cabinet meeting whose agenda is open.
    to_accept: EscalationId,
    to_decline: EscalationId,
    cabinet_next: MeetingId,
    to_sign: MeetingId,
    signed: MeetingId,
    signed_item: ItemId,
    exempt_item: ItemId,
    icb_next: MeetingId,
}

async fn scene(store: &dyn Store, world: &World, now: DateTime<Utc>) -> Scene {
    use MeetingStatus::*;
    let mut w = store.begin().await.unwrap();
    let future = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now + Duration::days(7),
        Scheduled,
    )
    .await;
    let exempt_item = item_on(w.as_mut(), future, 1, "Disposal of land", exempt(3)).await;
    let to_publish = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now + Duration::days(8),
        Scheduled,
    )
    .await;
    item_on(w.as_mut(), to_publish, 1, "Apologies", Visibility::Public).await;
    let draft = meeting_at(w.as_mut(), world.scrutiny, now - Duration::days(1), Held).await;
    let draft_item = item_on(w.as_mut(), draft, 1, "Home care", Visibility::Public).await;
    let second_item = item_on(w.as_mut(), draft, 2, "Bed base", Visibility::Public).await;
    w.record_minutes(draft_item, &minutes("Noted.", &["noted"]))
        .await
        .unwrap();
    let decided_on = london_date(now - Duration::days(1));
    let decision = w
        .create_decision(&Decision {
            item: Some(draft_item),
            maker: DecisionMaker::Committee(world.scrutiny),
            decided_on,
            title: title("Commission home care"),
            text: Text::default(),
            key_decision: true,
            call_in: CallIn::Subject {
                deadline: add_working_days(decided_on, 5),
            },
            status: DecisionStatus::Made,
        })
        .await
        .unwrap();
    let action = w
        .create_action(&Action {
            meeting: draft,
            item: Some(draft_item),
            description: text("Report back"),
            owner: Some(ActionOwner::Person(world.officer_person)),
            due_on: Some(london_date(now) + Duration::days(30)),
            status: ActionStatus::Open,
            rag: Rag::Green,
            closed_on: None,
        })
        .await
        .unwrap();
    let cabinet_next = meeting_at(
        w.as_mut(),
        world.cabinet,
        now + Duration::days(10),
        Scheduled,
    )
    .await;
    let icb_next = meeting_at(
        w.as_mut(),
        world.icb_board,
        now + Duration::days(12),
        Scheduled,
    )
    .await;
    let escalation = w
        .send_escalation(second_item, world.cabinet, &text("Needs Cabinet"))
        .await
        .unwrap();
    w.accept_escalation(escalation, cabinet_next).await.unwrap();
    let to_accept = w
        .send_escalation(second_item, world.cabinet, &text("Needs Cabinet too"))
        .await
        .unwrap();
    let to_decline = w
        .send_escalation(second_item, world.cabinet, &text("Not for Cabinet"))
        .await
        .unwrap();
    let to_sign = meeting_at(w.as_mut(), world.scrutiny, now - Duration::days(2), Held).await;
    let to_sign_item = item_on(w.as_mut(), to_sign, 1, "Finance", Visibility::Public).await;
    w.record_minutes(to_sign_item, &minutes("Noted.", &[]))
        .await
        .unwrap();
    let signed = meeting_at(w.as_mut(), world.scrutiny, now - Duration::days(30), Held).await;
    let signed_item = item_on(w.as_mut(), signed, 1, "Month 6", Visibility::Public).await;
    w.record_minutes(signed_item, &minutes("Break-even.", &[]))
        .await
        .unwrap();
    w.sign_off_minutes(signed, &title("Chair"), None, london_date(now))
        .await
        .unwrap();
    w.commit().await.unwrap();
    Scene {
        future,
        to_publish,
        draft_item,
        decision,
        action,
        escalation,
        to_accept,
        to_decline,
        cabinet_next,
        to_sign,
        signed,
        signed_item,
        exempt_item,
        icb_next,
    }
}
