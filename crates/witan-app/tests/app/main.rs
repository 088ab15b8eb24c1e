//! The use cases of `witan-app` against a real SQLite store in a temporary folder: a clerk's whole
//! journey through a meeting, the lifecycle rules, who may do what, concurrent edits, accounts and
//! the release of exempt items. Every refusal is checked to have written nothing: no audit entry,
//! no change to any record.

// The fixtures are helpers outside `#[test]` functions, where clippy.toml's allowance ends.
#![allow(clippy::unwrap_used)]

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::Value;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use witan_app::accounts::{new_user, token_hash};
use witan_app::meetings::{Correction, IssueChoice, NewAction, NewItem};
use witan_app::{Actor, Error, Workspace, version_of};
use witan_domain::time::{add_working_days, london_date};
use witan_domain::*;
use witan_store::sqlite::SqliteStore;
use witan_store::{
    AuditRecord, ItemEntry, ItemRecord, MeetingRecord, Page, Store, StoreError, When, Writer,
};

// ---------------------------------------------------------------------------------------------
// Fixtures

struct Env {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    ws: Workspace,
}

async fn env() -> Env {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("witan.db"))
            .await
            .expect("open store"),
    );
    let ws = Workspace::new(store.clone());
    Env {
        _dir: dir,
        store,
        ws,
    }
}

/// Now, to the whole minute: the store keeps meeting times to the second.
fn minute_now() -> DateTime<Utc> {
    let secs = Utc::now().timestamp();
    DateTime::from_timestamp(secs - secs.rem_euclid(60), 0).expect("a valid instant")
}

fn title(s: &str) -> Title {
    Title::parse("title", s).unwrap()
}

fn text(s: &str) -> Text {
    Text::parse("text", s).unwrap()
}

fn number(s: &str) -> ItemNumber {
    ItemNumber::parse("number", s).unwrap()
}

fn minutes(body: &str, points: &[&str]) -> Minutes {
    Minutes {
        text: text(body),
        resolution: Resolution::new(points.iter().map(|p| text(p)).collect(), Text::default()),
    }
}

fn exempt(paragraph: u8) -> Visibility {
    Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", paragraph).unwrap(),
        review_on: NaiveDate::from_ymd_opt(2031, 1, 31),
    })
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
    let organisation = |slug: &str, name: &str, kind| Organisation {
        slug: Slug::parse("slug", slug).unwrap(),
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
    let committee = |slug: &str, name: &str, owners, parent| Committee {
        slug: Slug::parse("slug", slug).unwrap(),
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

// ---------------------------------------------------------------------------------------------
// 1. The whole journey

#[tokio::test]
async fn a_clerk_runs_a_meeting_from_scheduling_to_corrected_minutes() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let clerk = &world.clerk;
    let now = minute_now();
    let today = london_date(now);

    // A future Cabinet meeting, and a Scrutiny meeting that has started, so it can be held.
    let cabinet_start = now + Duration::days(14);
    let cabinet_meeting = ws
        .schedule_meeting(clerk, &new_meeting(world.cabinet, cabinet_start), now)
        .await
        .unwrap();
    let start = now - Duration::hours(3);
    let m = ws
        .schedule_meeting(clerk, &new_meeting(world.scrutiny, start), now)
        .await
        .unwrap();
    let stored = store.meeting(m).await.unwrap();
    assert_eq!(stored.record, new_meeting(world.scrutiny, start));
    assert_eq!(
        store.meeting(cabinet_meeting).await.unwrap().times.start(),
        cabinet_start
    );

    // The agenda: an item starting a new issue, one of an existing issue, an exempt one.
    let care = ws
        .add_item(
            clerk,
            m,
            &new_item(
                "1",
                "Domiciliary care workforce",
                IssueChoice::New(title("Domiciliary care market sustainability")),
                Visibility::Public,
            ),
            now,
        )
        .await
        .unwrap();
    let integration = ws
        .add_item(
            clerk,
            m,
            &new_item(
                "2",
                "Health and Social Care Integration - STP update",
                IssueChoice::Existing(world.existing_issue),
                Visibility::Public,
            ),
            now,
        )
        .await
        .unwrap();
    let land = ws
        .add_item(
            clerk,
            m,
            &new_item(
                "3",
                "Disposal of land at Moss Lane",
                IssueChoice::None,
                exempt(3),
            ),
            now,
        )
        .await
        .unwrap();
    let care_item = store.item(care).await.unwrap();
    assert_eq!((care_item.meeting, care_item.position), (m, 1));
    let new_issue = care_item.issue.expect("the item starts an issue");
    assert_ne!(new_issue, world.existing_issue);
    assert_eq!(
        store
            .issue_record(new_issue, Audience::Privileged)
            .await
            .unwrap()
            .issue
            .title
            .as_str(),
        "Domiciliary care market sustainability"
    );
    let integration_item = store.item(integration).await.unwrap();
    assert_eq!(integration_item.position, 2);
    assert_eq!(integration_item.issue, Some(world.existing_issue));
    let history = store
        .issue_record(world.existing_issue, Audience::Privileged)
        .await
        .unwrap()
        .history;
    assert_eq!(
        history.len(),
        1,
        "the existing issue's history has the item"
    );
    assert_eq!(history[0].meeting.id, m);
    assert_eq!(history[0].item.number().as_str(), "2");
    let land_item = store.item(land).await.unwrap();
    assert_eq!(land_item.position, 3);
    assert_eq!(land_item.visibility, exempt(3));
    assert_eq!(land_item.issue, None);
    assert!(
        store
            .meeting_record(m, Audience::Public)
            .await
            .unwrap()
            .agenda
            .is_none(),
        "the public does not see an agenda before it is published"
    );

    // Publish the agenda.
    let before_publishing = Utc::now() - Duration::seconds(2);
    ws.set_meeting_status(clerk, m, MeetingStatus::AgendaPublished, now)
        .await
        .unwrap();
    let published = store.meeting(m).await.unwrap();
    assert_eq!(published.status, MeetingStatus::AgendaPublished);
    let published_at = published.agenda_published.expect("publication recorded");
    assert!(
        published_at >= before_publishing && published_at <= Utc::now() + Duration::seconds(2),
        "publication time {published_at}"
    );
    let public = store.meeting_record(m, Audience::Public).await.unwrap();
    let agenda = public
        .agenda
        .as_ref()
        .expect("a published agenda is public");
    assert_eq!(agenda.len(), 3);
    assert!(
        matches!(&agenda[2], ItemEntry::Withheld { id, label, .. } if *id == land && label == "Exempt — paragraph 3"),
        "{:?}",
        agenda[2]
    );

    // Hold it and write the minutes (a draft, then the agreed text).
    ws.set_meeting_status(clerk, m, MeetingStatus::Held, now)
        .await
        .unwrap();
    assert_eq!(store.meeting(m).await.unwrap().status, MeetingStatus::Held);
    let draft = minutes("A first draft.", &["the report be noted"]);
    ws.record_minutes(clerk, care, &draft, now).await.unwrap();
    let agreed = minutes(
        "The committee discussed the recruitment and retention of care workers.",
        &["the report be noted", "the matter be escalated to Cabinet"],
    );
    ws.record_minutes(clerk, care, &agreed, now).await.unwrap();
    let integration_minutes = minutes("Progress was reported.", &["the update be noted"]);
    ws.record_minutes(clerk, integration, &integration_minutes, now)
        .await
        .unwrap();
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::MinutesDraft
    );
    let record = store.meeting_record(m, Audience::Privileged).await.unwrap();
    assert_eq!(
        open_item(&record, care).minutes,
        Some((1, agreed.clone())),
        "rewriting draft minutes replaces them"
    );
    assert_eq!(
        open_item(&record, care)
            .minutes
            .as_ref()
            .unwrap()
            .1
            .resolution
            .numbered()
            .map(|(n, p)| format!("{n}. {p}"))
            .collect::<Vec<_>>(),
        [
            "i. the report be noted",
            "ii. the matter be escalated to Cabinet"
        ]
    );

    // A key decision (subject to call-in for 5 working days) and one that is not.
    let key = ws
        .record_decision(
            clerk,
            care,
            title("Commission additional home care capacity"),
            text("Approved going off framework for 41 additional packages."),
            true,
            now,
        )
        .await
        .unwrap();
    let decided_on = london_date(start);
    let deadline = add_working_days(decided_on, 5);
    assert!(
        !matches!(deadline.weekday(), Weekday::Sat | Weekday::Sun)
            && (5..=9).contains(&(deadline - decided_on).num_days()),
        "{decided_on} + 5 working days = {deadline}"
    );
    let decision = store.decision(key).await.unwrap();
    assert_eq!(
        decision.record,
        Decision {
            item: Some(care),
            maker: DecisionMaker::Committee(world.scrutiny),
            decided_on,
            title: title("Commission additional home care capacity"),
            text: text("Approved going off framework for 41 additional packages."),
            key_decision: true,
            call_in: CallIn::Subject { deadline },
            status: DecisionStatus::Made,
        }
    );
    let plain = ws
        .record_decision(
            clerk,
            integration,
            title("Note the STP update"),
            Text::default(),
            false,
            now,
        )
        .await
        .unwrap();
    let plain_decision = store.decision(plain).await.unwrap();
    assert!(!plain_decision.key_decision);
    assert_eq!(plain_decision.call_in, CallIn::NotSubject);
    assert_eq!(plain_decision.decided_on, decided_on);
    assert_eq!(plain_decision.item, Some(integration));

    // An action with an owner and a due date; re-rated, then done.
    let due = today + Duration::days(28);
    let action = ws
        .add_action(
            clerk,
            care,
            &NewAction {
                description: text("Report on the recruitment campaign"),
                owner: Some(world.officer_person),
                due_on: Some(due),
            },
            now,
        )
        .await
        .unwrap();
    let raised = store.action(action).await.unwrap();
    assert_eq!(
        raised.action.record,
        Action {
            meeting: m,
            item: Some(care),
            description: text("Report on the recruitment campaign"),
            owner: Some(ActionOwner::Person(world.officer_person)),
            due_on: Some(due),
            status: ActionStatus::Open,
            rag: Rag::Green,
            closed_on: None,
        }
    );
    assert_eq!(raised.owner_name.as_deref(), Some("Mike Kirby"));
    assert_eq!(raised.raised_at, m);
    let delayed = ActionUpdate {
        on: today,
        text: text("The campaign is a month late."),
        rag: Some(Rag::Amber),
    };
    ws.update_action(clerk, action, &delayed, ActionStatus::Open, now)
        .await
        .unwrap();
    let updated = store.action(action).await.unwrap();
    assert_eq!(
        (updated.action.rag, updated.action.status),
        (Rag::Amber, ActionStatus::Open)
    );
    assert_eq!(updated.updates, std::slice::from_ref(&delayed));
    let closed_on = today + Duration::days(1);
    let done = ActionUpdate {
        on: closed_on,
        text: text("The campaign launched."),
        rag: Some(Rag::Green),
    };
    ws.update_action(clerk, action, &done, ActionStatus::Done, now)
        .await
        .unwrap();
    let closed = store.action(action).await.unwrap();
    assert_eq!(closed.action.status, ActionStatus::Done);
    assert_eq!(closed.action.closed_on, Some(closed_on));
    assert_eq!(closed.action.rag, Rag::Green);
    assert_eq!(closed.updates, [delayed, done]);

    // Escalate the care item to Cabinet: a proposal, until Cabinet's clerk accepts it onto a
    // meeting; then a proposed item there, linked both ways.
    let reason = text("Going off framework needs a Cabinet decision");
    let escalation = ws
        .send_escalation(clerk, care, world.cabinet, &reason, now)
        .await
        .unwrap();
    let sent = store.escalation(escalation).await.unwrap();
    assert_eq!(sent.escalation.state, EscalationState::Pending);
    assert_eq!(sent.escalation.from_item, care);
    assert_eq!(sent.escalation.reason, reason);
    assert_eq!(sent.from_meeting, m);
    assert_eq!(sent.from_committee.id, world.scrutiny);
    assert_eq!(sent.to_committee.id, world.cabinet);
    assert_eq!(sent.target_meeting, None);
    let proposed = ws
        .accept_escalation(&world.cabinet_clerk, escalation, cabinet_meeting, now)
        .await
        .unwrap();
    let sent = store.escalation(escalation).await.unwrap();
    assert_eq!(sent.escalation.state, EscalationState::Accepted);
    assert_eq!(sent.escalation.target_item, Some(proposed));
    assert_eq!(sent.target_meeting, Some(cabinet_meeting));
    let target = store
        .meeting_record(cabinet_meeting, Audience::Privileged)
        .await
        .unwrap();
    let proposed_record = open_item(&target, proposed);
    assert!(
        proposed_record
            .item
            .title
            .as_str()
            .contains("Domiciliary care workforce"),
        "{}",
        proposed_record.item.title
    );
    assert_eq!(
        proposed_record
            .escalated_from
            .as_ref()
            .map(|e| e.escalation.id),
        Some(escalation)
    );
    let source = store.meeting_record(m, Audience::Privileged).await.unwrap();
    let forward = &open_item(&source, care).escalations_sent;
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0].escalation.id, escalation);
    assert_eq!(forward[0].target_meeting, Some(cabinet_meeting));

    // Cabinet's clerk considers it.
    let considered_on = london_date(cabinet_start);
    ws.consider_escalation(&world.cabinet_clerk, escalation, considered_on, now)
        .await
        .unwrap();
    let considered = store.escalation(escalation).await.unwrap();
    assert_eq!(considered.escalation.state, EscalationState::Considered);
    assert_eq!(considered.escalation.considered_on, Some(considered_on));
    assert_eq!(considered.escalation.target_item, Some(proposed));
    assert_eq!(considered.target_meeting, Some(cabinet_meeting));
    let source = store.meeting_record(m, Audience::Privileged).await.unwrap();
    assert_eq!(
        open_item(&source, care).escalations_sent[0]
            .escalation
            .state,
        EscalationState::Considered,
        "the sending side sees it considered"
    );
    let target = store
        .meeting_record(cabinet_meeting, Audience::Privileged)
        .await
        .unwrap();
    assert_eq!(
        open_item(&target, proposed)
            .escalated_from
            .as_ref()
            .map(|e| e.escalation.state),
        Some(EscalationState::Considered),
        "the receiving side links back"
    );

    // Sign off: the minutes are locked, and a correction is a second version.
    let chair = title("County Councillor Ann Jones");
    let signed = ws.sign_off(clerk, m, &chair, today, now).await.unwrap();
    assert_eq!(
        (signed.version, &signed.by, signed.on, &signed.reason),
        (1, &chair, today, &None)
    );
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::MinutesSignedOff
    );
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "recording minutes after sign-off",
        ws.record_minutes(clerk, care, &minutes("Rewritten history.", &[]), now)
            .await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    let correction = minutes(
        "The committee discussed the recruitment and retention of 41 care workers.",
        &["the report be noted", "the matter be escalated to Cabinet"],
    );
    let why = text("The number of care workers was missing.");
    let corrected = ws
        .correct_minutes(
            clerk,
            m,
            &Correction {
                corrections: vec![(care, correction.clone())],
                by: chair.clone(),
                on: today,
                reason: why.clone(),
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(corrected.version, 2);
    assert_eq!(corrected.reason.as_ref(), Some(&why));
    assert_eq!(
        store
            .minutes_versions(care, Audience::Privileged)
            .await
            .unwrap(),
        [(1, agreed.clone()), (2, correction.clone())],
        "both versions stay readable"
    );
    let record = store.meeting_record(m, Audience::Privileged).await.unwrap();
    assert_eq!(record.sign_offs.len(), 2);
    assert_eq!(
        open_item(&record, care).minutes,
        Some((2, correction.clone()))
    );
    assert_eq!(
        open_item(&record, integration).minutes,
        Some((1, integration_minutes.clone())),
        "an uncorrected item keeps version 1"
    );

    // The audit log: every change, newest first, by who made it, at the time given.
    let log = audit_log(store).await;
    let got: Vec<(&str, &str, &str, i64)> = log
        .iter()
        .map(|r| {
            (
                r.entry.by.as_str(),
                r.entry.action.as_str(),
                r.entry.record.as_str(),
                r.entry.record_id,
            )
        })
        .collect();
    let mut expected = vec![
        (CLERK, "schedule meeting", "meeting", cabinet_meeting.get()),
        (CLERK, "schedule meeting", "meeting", m.get()),
        (CLERK, "start issue", "issue", new_issue.get()),
        (CLERK, "add agenda item", "item", care.get()),
        (CLERK, "add agenda item", "item", integration.get()),
        (CLERK, "add agenda item", "item", land.get()),
        (CLERK, "publish agenda", "meeting", m.get()),
        (CLERK, "mark meeting held", "meeting", m.get()),
        (CLERK, "record minutes", "item", care.get()),
        (CLERK, "record minutes", "item", care.get()),
        (CLERK, "record minutes", "item", integration.get()),
        (CLERK, "record decision", "decision", key.get()),
        (CLERK, "record decision", "decision", plain.get()),
        (CLERK, "add action", "action", action.get()),
        (CLERK, "update action", "action", action.get()),
        (CLERK, "update action", "action", action.get()),
        (CLERK, "send escalation", "escalation", escalation.get()),
        (
            CABINET_CLERK,
            "accept escalation",
            "escalation",
            escalation.get(),
        ),
        (
            CABINET_CLERK,
            "consider escalation",
            "escalation",
            escalation.get(),
        ),
        (CLERK, "sign off minutes", "meeting", m.get()),
        (CLERK, "correct minutes", "meeting", m.get()),
    ];
    expected.reverse();
    assert_eq!(got, expected);
    assert!(log.iter().all(|r| r.entry.at == now), "entries carry `now`");
    assert!(
        log.windows(2).all(|w| w[0].id > w[1].id),
        "newest first by position in the log"
    );

    // Before and after, where the use case gives them (entries by position, oldest = last).
    let entry = |i: usize| &log[log.len() - 1 - i].entry;
    let scheduled = entry(1);
    assert!(scheduled.before.is_none());
    let after = json(scheduled.after.as_ref());
    assert_eq!(after["committee"], world.scrutiny.get());
    assert_eq!(after["status"], "scheduled");
    assert_eq!(after["location"], "County Hall, Preston");
    let started = json(entry(2).after.as_ref());
    assert_eq!(started["title"], "Domiciliary care market sustainability");
    assert_eq!(
        json(entry(4).after.as_ref())["issue"],
        world.existing_issue.get()
    );
    let publish = entry(6);
    assert_eq!(json(publish.before.as_ref()), "scheduled");
    assert_eq!(json(publish.after.as_ref()), "agenda_published");
    let held = entry(7);
    assert_eq!(json(held.before.as_ref()), "agenda_published");
    assert_eq!(json(held.after.as_ref()), "held");
    assert!(
        entry(8).before.is_none(),
        "first minutes have nothing before"
    );
    let rewrite = entry(9);
    assert_eq!(json(rewrite.before.as_ref())["text"], "A first draft.");
    assert_eq!(
        json(rewrite.after.as_ref())["resolution"]["points"][1],
        "the matter be escalated to Cabinet"
    );
    let decided = json(entry(11).after.as_ref());
    assert_eq!(decided["key_decision"], true);
    assert_eq!(decided["call_in"]["deadline"], deadline.to_string());
    let first_update = entry(14);
    let was = json(first_update.before.as_ref());
    assert_eq!(
        (&was["status"], &was["rag"]),
        (&"open".into(), &"green".into())
    );
    assert_eq!(
        json(first_update.after.as_ref())["text"],
        "The campaign is a month late."
    );
    assert_eq!(json(entry(15).before.as_ref())["rag"], "amber");
    assert_eq!(json(entry(17).before.as_ref())["state"], "pending");
    assert_eq!(
        json(entry(17).after.as_ref()),
        serde_json::json!([cabinet_meeting.get(), proposed.get()]),
        "the meeting it was accepted onto and the proposed item"
    );
    assert_eq!(json(entry(18).before.as_ref())["state"], "accepted");
    assert_eq!(
        json(entry(18).after.as_ref()),
        considered_on.to_string(),
        "the date it was considered"
    );
    assert_eq!(json(entry(19).after.as_ref())["version"], 1);
    let correction_entry = json(entry(20).after.as_ref());
    assert!(
        correction_entry
            .to_string()
            .contains("The number of care workers was missing.")
            && correction_entry.to_string().contains("41 care workers"),
        "{correction_entry}"
    );
}

// ---------------------------------------------------------------------------------------------
// 2. Illegal transitions

#[tokio::test]
async fn illegal_transitions_are_refused_and_nothing_is_written() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let clerk = &world.clerk;
    let now = minute_now();
    let today = london_date(now);

    let mut w = store.begin().await.unwrap();
    let scheduled = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::hours(2),
        MeetingStatus::Scheduled,
    )
    .await;
    let scheduled_item = item_on(w.as_mut(), scheduled, 1, "Budget", Visibility::Public).await;
    let published = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::hours(1),
        MeetingStatus::AgendaPublished,
    )
    .await;
    let public_item = item_on(w.as_mut(), published, 1, "Capital", Visibility::Public).await;
    let signed = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::days(30),
        MeetingStatus::Held,
    )
    .await;
    let signed_item = item_on(w.as_mut(), signed, 1, "Month 6", Visibility::Public).await;
    w.record_minutes(signed_item, &minutes("Noted.", &["noted"]))
        .await
        .unwrap();
    w.sign_off_minutes(signed, &title("Chair"), None, today)
        .await
        .unwrap();
    let draft = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::days(3),
        MeetingStatus::Held,
    )
    .await;
    let draft_item = item_on(w.as_mut(), draft, 1, "Bed base", Visibility::Public).await;
    w.record_minutes(draft_item, &minutes("Discussed.", &[]))
        .await
        .unwrap();
    let decided_on = london_date(now - Duration::days(3));
    let not_key = w
        .create_decision(&Decision {
            item: Some(draft_item),
            maker: DecisionMaker::Committee(world.scrutiny),
            decided_on,
            title: title("Note the bed base"),
            text: Text::default(),
            key_decision: false,
            call_in: CallIn::NotSubject,
            status: DecisionStatus::Made,
        })
        .await
        .unwrap();
    let done_action = w
        .create_action(&Action {
            meeting: draft,
            item: Some(draft_item),
            description: text("Find 41 step-down beds"),
            owner: None,
            due_on: None,
            status: ActionStatus::Done,
            rag: Rag::Green,
            closed_on: Some(today),
        })
        .await
        .unwrap();
    let cabinet_next = meeting_at(
        w.as_mut(),
        world.cabinet,
        now + Duration::days(7),
        MeetingStatus::Scheduled,
    )
    .await;
    let considered = w
        .send_escalation(draft_item, world.cabinet, &text("Needs Cabinet"))
        .await
        .unwrap();
    w.accept_escalation(considered, cabinet_next).await.unwrap();
    w.consider_escalation(considered, today).await.unwrap();
    // The ICB board has not answered this one.
    let waiting = w
        .send_escalation(draft_item, world.icb_board, &text("For the ICB"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let before = snapshot(store).await;

    let transition = |from: &'static str, to: &'static str| {
        move |e: &Error| rule(e) == Some(&RuleError::MeetingTransition { from, to })
    };
    let other = |e: &Error| matches!(rule(e), Some(RuleError::Other(_)));
    let chair = title("Chair");

    assert_refused(
        store,
        &before,
        "publishing an agenda twice",
        ws.set_meeting_status(clerk, published, MeetingStatus::AgendaPublished, now)
            .await,
        transition("agenda_published", "agenda_published"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "holding a meeting whose agenda is not published",
        ws.set_meeting_status(clerk, scheduled, MeetingStatus::Held, now)
            .await,
        transition("scheduled", "held"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "signing off a scheduled meeting",
        ws.sign_off(clerk, scheduled, &chair, today, now).await,
        transition("scheduled", "minutes_signed_off"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "signing off a meeting not yet held",
        ws.sign_off(clerk, published, &chair, today, now).await,
        transition("agenda_published", "minutes_signed_off"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "signing off twice",
        ws.sign_off(clerk, signed, &chair, today, now).await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    assert_refused(
        store,
        &before,
        "recording minutes before the meeting is held",
        ws.record_minutes(clerk, public_item, &minutes("Too early.", &[]), now)
            .await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "recording minutes after sign-off",
        ws.record_minutes(clerk, signed_item, &minutes("Rewritten.", &[]), now)
            .await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    for (what, item) in [
        (
            "recording a decision at a scheduled meeting",
            scheduled_item,
        ),
        (
            "recording a decision before the meeting is held",
            public_item,
        ),
        ("recording a decision after sign-off", signed_item),
    ] {
        assert_refused(
            store,
            &before,
            what,
            ws.record_decision(clerk, item, title("Too early"), Text::default(), true, now)
                .await,
            other,
        )
        .await;
    }
    assert_refused(
        store,
        &before,
        "adding an item to a signed-off meeting",
        ws.add_item(
            clerk,
            signed,
            &new_item(
                "2",
                "Late item",
                IssueChoice::New(title("A new issue that must not be created")),
                Visibility::Public,
            ),
            now,
        )
        .await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "releasing an item that is already public",
        ws.release_item(clerk, public_item, now).await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "considering an escalation twice",
        ws.consider_escalation(clerk, considered, today, now).await,
        |e| rule(e) == Some(&RuleError::EscalationClosed),
    )
    .await;
    assert_refused(
        store,
        &before,
        "considering an escalation that is on no agenda yet",
        ws.consider_escalation(&world.icb_clerk, waiting, today, now)
            .await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "accepting an escalation onto a meeting of another committee",
        ws.accept_escalation(&world.icb_clerk, waiting, cabinet_next, now)
            .await
            .map(drop),
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "accepting an escalation that was considered",
        ws.accept_escalation(clerk, considered, cabinet_next, now)
            .await
            .map(drop),
        |e| rule(e) == Some(&RuleError::EscalationClosed),
    )
    .await;
    assert_refused(
        store,
        &before,
        "declining an escalation without a reason",
        ws.decline_escalation(&world.icb_clerk, waiting, &Text::default(), now)
            .await,
        |e| invalid_field(e) == Some("escalation.decline_reason"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "correcting minutes that are not signed off",
        ws.correct_minutes(
            clerk,
            draft,
            &Correction {
                corrections: vec![(draft_item, minutes("Fixed.", &[]))],
                by: chair.clone(),
                on: today,
                reason: text("A typo."),
            },
            now,
        )
        .await,
        |e| rule(e) == Some(&RuleError::MinutesNotSignedOff),
    )
    .await;
    assert_refused(
        store,
        &before,
        "correcting minutes without a reason",
        ws.correct_minutes(
            clerk,
            signed,
            &Correction {
                corrections: vec![(signed_item, minutes("Fixed.", &[]))],
                by: chair.clone(),
                on: today,
                reason: Text::default(),
            },
            now,
        )
        .await,
        |e| invalid_field(e) == Some("sign_off.reason"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "editing a meeting whose minutes are signed off",
        ws.edit_meeting(
            clerk,
            signed,
            &version_of(&store.meeting(signed).await.unwrap().record),
            MeetingTimes::new(now, None).unwrap(),
            None,
            now,
        )
        .await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    assert_refused(
        store,
        &before,
        "calling in a decision that is not subject to call-in",
        ws.set_decision_status(clerk, not_key, DecisionStatus::CalledIn, today, now)
            .await,
        |e| matches!(rule(e), Some(RuleError::DecisionTransition { .. })),
    )
    .await;
    // The update is written before the status change is refused: both must go.
    assert_refused(
        store,
        &before,
        "dropping an action that is done",
        ws.update_action(
            clerk,
            done_action,
            &ActionUpdate {
                on: today,
                text: text("Not needed after all."),
                rag: Some(Rag::Red),
            },
            ActionStatus::Dropped,
            now,
        )
        .await,
        |e| {
            rule(e)
                == Some(&RuleError::ActionTransition {
                    from: "done",
                    to: "dropped",
                })
        },
    )
    .await;
    assert_refused(
        store,
        &before,
        "escalating a matter to its own committee",
        ws.send_escalation(clerk, draft_item, world.scrutiny, &text("Why"), now)
            .await,
        |e| invalid_field(e) == Some("to_committee"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "escalating without a reason",
        ws.send_escalation(clerk, draft_item, world.cabinet, &Text::default(), now)
            .await,
        |e| invalid_field(e) == Some("escalation.reason"),
    )
    .await;
    assert!(audit_log(store).await.is_empty());
}

#[tokio::test]
async fn signing_off_a_held_meeting_without_minutes_is_refused() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let mut w = store.begin().await.unwrap();
    let held = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::hours(2),
        MeetingStatus::Held,
    )
    .await;
    item_on(w.as_mut(), held, 1, "Budget", Visibility::Public).await;
    w.commit().await.unwrap();
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "signing off a held meeting that has no minutes",
        ws.sign_off(&world.clerk, held, &title("Chair"), london_date(now), now)
            .await,
        |e| rule(e).is_some(),
    )
    .await;
}

// ---------------------------------------------------------------------------------------------
// 3. Authorisation

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

#[derive(Debug, Clone, Copy)]
enum Case {
    Schedule,
    Edit,
    AddItem,
    Publish,
    RecordMinutes,
    RecordDecision,
    DecisionStatus,
    AddAction,
    UpdateAction,
    SendEscalation,
    AcceptEscalation,
    DeclineEscalation,
    ConsiderEscalation,
    SignOff,
    CorrectMinutes,
    Release,
    AddUser,
}

impl Case {
    const ALL: [Self; 17] = [
        Self::Schedule,
        Self::Edit,
        Self::AddItem,
        Self::Publish,
        Self::RecordMinutes,
        Self::RecordDecision,
        Self::DecisionStatus,
        Self::AddAction,
        Self::UpdateAction,
        Self::SendEscalation,
        Self::AcceptEscalation,
        Self::DeclineEscalation,
        Self::ConsiderEscalation,
        Self::SignOff,
        Self::CorrectMinutes,
        Self::Release,
        Self::AddUser,
    ];

    /// What the audit log calls it.
    fn action(self) -> &'static str {
        match self {
            Self::Schedule => "schedule meeting",
            Self::Edit => "edit meeting",
            Self::AddItem => "add agenda item",
            Self::Publish => "publish agenda",
            Self::RecordMinutes => "record minutes",
            Self::RecordDecision => "record decision",
            Self::DecisionStatus => "change decision status",
            Self::AddAction => "add action",
            Self::UpdateAction => "update action",
            Self::SendEscalation => "send escalation",
            Self::AcceptEscalation => "accept escalation",
            Self::DeclineEscalation => "decline escalation",
            Self::ConsiderEscalation => "consider escalation",
            Self::SignOff => "sign off minutes",
            Self::CorrectMinutes => "correct minutes",
            Self::Release => "release exempt item",
            Self::AddUser => "add user",
        }
    }
}

/// Runs one use case on the scene as `actor`, with arguments it would accept from an admin.
async fn attempt(
    ws: &Workspace,
    world: &World,
    scene: &Scene,
    actor: &Actor,
    case: Case,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let today = london_date(now);
    match case {
        Case::Schedule => ws
            .schedule_meeting(
                actor,
                &new_meeting(world.scrutiny, now + Duration::days(21)),
                now,
            )
            .await
            .map(drop),
        Case::Edit => {
            let version = version_of(&ws.store.meeting(scene.future).await?.record);
            let start = now + Duration::days(7) + Duration::hours(1);
            ws.edit_meeting(
                actor,
                scene.future,
                &version,
                MeetingTimes::new(start, None)?,
                Some(title("Council Chamber")),
                now,
            )
            .await
        }
        Case::AddItem => ws
            .add_item(
                actor,
                scene.future,
                &new_item(
                    "2",
                    "Capital programme",
                    IssueChoice::None,
                    Visibility::Public,
                ),
                now,
            )
            .await
            .map(drop),
        Case::Publish => {
            ws.set_meeting_status(actor, scene.to_publish, MeetingStatus::AgendaPublished, now)
                .await
        }
        Case::RecordMinutes => {
            ws.record_minutes(
                actor,
                scene.draft_item,
                &minutes("Noted, with thanks.", &["noted"]),
                now,
            )
            .await
        }
        Case::RecordDecision => ws
            .record_decision(
                actor,
                scene.draft_item,
                title("Approve the plan"),
                Text::default(),
                false,
                now,
            )
            .await
            .map(drop),
        Case::DecisionStatus => {
            ws.set_decision_status(actor, scene.decision, DecisionStatus::Rescinded, today, now)
                .await
        }
        Case::AddAction => ws
            .add_action(
                actor,
                scene.draft_item,
                &NewAction {
                    description: text("Write to the minister"),
                    owner: None,
                    due_on: None,
                },
                now,
            )
            .await
            .map(drop),
        Case::UpdateAction => {
            ws.update_action(
                actor,
                scene.action,
                &ActionUpdate {
                    on: today,
                    text: text("Slipping."),
                    rag: Some(Rag::Red),
                },
                ActionStatus::Open,
                now,
            )
            .await
        }
        Case::SendEscalation => ws
            .send_escalation(
                actor,
                scene.draft_item,
                world.cabinet,
                &text("For Cabinet"),
                now,
            )
            .await
            .map(drop),
        Case::AcceptEscalation => ws
            .accept_escalation(actor, scene.to_accept, scene.cabinet_next, now)
            .await
            .map(drop),
        Case::DeclineEscalation => {
            ws.decline_escalation(actor, scene.to_decline, &text("Not ours"), now)
                .await
        }
        Case::ConsiderEscalation => {
            ws.consider_escalation(actor, scene.escalation, today, now)
                .await
        }
        Case::SignOff => ws
            .sign_off(actor, scene.to_sign, &title("Chair"), today, now)
            .await
            .map(drop),
        Case::CorrectMinutes => ws
            .correct_minutes(
                actor,
                scene.signed,
                &Correction {
                    corrections: vec![(scene.signed_item, minutes("Break-even at month 6.", &[]))],
                    by: title("Chair"),
                    on: today,
                    reason: text("The month was missing."),
                },
                now,
            )
            .await
            .map(drop),
        Case::Release => ws.release_item(actor, scene.exempt_item, now).await,
        Case::AddUser => {
            let user = new_user(
                "new.officer@northshire.gov.uk",
                Some("New Officer"),
                "officer",
                Some(world.council),
            )?;
            ws.add_user(actor, &user, "correct horse battery staple", now)
                .await
                .map(drop)
        }
    }
}

#[tokio::test]
async fn members_officers_and_other_organisations_clerks_are_denied_every_use_case() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let scene = scene(store, &world, now).await;
    let before = snapshot(store).await;
    for (who, actor) in [
        ("member", &world.member),
        ("officer", &world.officer),
        ("clerk of another council", &world.other_clerk),
        ("clerk of the partner ICB", &world.icb_clerk),
    ] {
        for case in Case::ALL {
            assert_refused(
                store,
                &before,
                &format!("{case:?} by a {who}"),
                attempt(ws, &world, &scene, actor, case, now).await,
                |e| matches!(e, Error::Denied),
            )
            .await;
        }
    }
    assert_refused(
        store,
        &before,
        "add_user by a clerk",
        attempt(ws, &world, &scene, &world.clerk, Case::AddUser, now).await,
        |e| matches!(e, Error::Denied),
    )
    .await;
    assert!(audit_log(store).await.is_empty());
}

#[tokio::test]
async fn an_admin_and_the_command_line_may_do_every_use_case() {
    for label in ["admin", "command line"] {
        let env = env().await;
        let (store, ws) = (env.store.as_ref(), &env.ws);
        let world = world(store).await;
        let actor = if label == "admin" {
            world.admin.clone()
        } else {
            Actor::CommandLine
        };
        let now = minute_now();
        let scene = scene(store, &world, now).await;
        for case in Case::ALL {
            let before = audit_log(store).await.len();
            if let Err(e) = attempt(ws, &world, &scene, &actor, case, now).await {
                panic!("{case:?} by the {label}: {e:?}");
            }
            let log = audit_log(store).await;
            assert_eq!(log.len(), before + 1, "{case:?} by the {label}: one entry");
            assert_eq!(
                (log[0].entry.by.as_str(), log[0].entry.action.as_str()),
                (actor.name().as_str(), case.action()),
                "{case:?} by the {label}"
            );
        }
        // The changes landed.
        assert_eq!(
            store.meeting(scene.to_publish).await.unwrap().status,
            MeetingStatus::AgendaPublished
        );
        assert_eq!(
            store.meeting(scene.to_sign).await.unwrap().status,
            MeetingStatus::MinutesSignedOff
        );
        assert_eq!(
            store.decision(scene.decision).await.unwrap().status,
            DecisionStatus::Rescinded
        );
        assert_eq!(
            store
                .escalation(scene.escalation)
                .await
                .unwrap()
                .escalation
                .state,
            EscalationState::Considered
        );
        for (escalation, state) in [
            (scene.to_accept, EscalationState::Accepted),
            (scene.to_decline, EscalationState::Declined),
        ] {
            assert_eq!(
                store.escalation(escalation).await.unwrap().escalation.state,
                state
            );
        }
        assert_eq!(
            store.item(scene.exempt_item).await.unwrap().visibility,
            Visibility::Public
        );
        assert_eq!(
            store.meeting(scene.future).await.unwrap().location,
            Some(title("Council Chamber"))
        );
        assert!(
            store
                .account(&Email::parse("email", "new.officer@northshire.gov.uk").unwrap())
                .await
                .is_ok()
        );
    }
    assert_eq!(Actor::CommandLine.name(), "witan command line");
}

#[tokio::test]
async fn a_clerk_of_either_owner_may_edit_a_joint_committee() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();

    let m = ws
        .schedule_meeting(
            &world.icb_clerk,
            &new_meeting(world.joint, now + Duration::days(5)),
            now,
        )
        .await
        .unwrap();
    let first = ws
        .add_item(
            &world.clerk,
            m,
            &new_item(
                "1",
                "Better Care Fund",
                IssueChoice::None,
                Visibility::Public,
            ),
            now,
        )
        .await
        .unwrap();
    ws.add_item(
        &world.icb_clerk,
        m,
        &new_item("2", "Winter plan", IssueChoice::None, Visibility::Public),
        now,
    )
    .await
    .unwrap();
    ws.set_meeting_status(&world.clerk, m, MeetingStatus::AgendaPublished, now)
        .await
        .unwrap();
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::AgendaPublished
    );
    assert_eq!(store.item(first).await.unwrap().meeting, m);
    let by: Vec<String> = audit_log(store)
        .await
        .iter()
        .map(|r| r.entry.by.clone())
        .collect();
    assert_eq!(by, [CLERK, ICB_CLERK, CLERK, ICB_CLERK]);

    let before = snapshot(store).await;
    for (who, actor) in [
        ("a clerk of another council", &world.other_clerk),
        ("a member of an owner", &world.member),
        ("an officer of an owner", &world.officer),
    ] {
        assert_refused(
            store,
            &before,
            &format!("adding an item to the joint board as {who}"),
            ws.add_item(
                actor,
                m,
                &new_item("3", "Gate-crashed", IssueChoice::None, Visibility::Public),
                now,
            )
            .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    // Sharing a board gives the ICB's clerk nothing of the council's own committees.
    assert_refused(
        store,
        &before,
        "the ICB's clerk scheduling a council committee",
        ws.schedule_meeting(
            &world.icb_clerk,
            &new_meeting(world.scrutiny, now + Duration::days(5)),
            now,
        )
        .await,
        |e| matches!(e, Error::Denied),
    )
    .await;
}

#[tokio::test]
async fn escalations_are_sent_by_the_sender_and_considered_by_the_receiver() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let scene = scene(store, &world, now).await;
    let reason = text("The ICB commissions the beds");

    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "the ICB's clerk sending a council item",
        ws.send_escalation(
            &world.icb_clerk,
            scene.draft_item,
            world.icb_board,
            &reason,
            now,
        )
        .await,
        |e| matches!(e, Error::Denied),
    )
    .await;

    let sent = ws
        .send_escalation(
            &world.clerk,
            scene.draft_item,
            world.icb_board,
            &reason,
            now,
        )
        .await
        .unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Pending);
    assert_eq!(record.target_meeting, None);

    // Only the receiving committee's clerks answer it: not the clerk who sent it, nor a clerk of
    // another organisation.
    let before = snapshot(store).await;
    for (who, actor) in [
        ("the sending clerk", &world.clerk),
        ("a clerk of another council", &world.other_clerk),
        ("a member", &world.member),
    ] {
        assert_refused(
            store,
            &before,
            &format!("{who} accepting an escalation to the ICB"),
            ws.accept_escalation(actor, sent, scene.icb_next, now)
                .await
                .map(drop),
            |e| matches!(e, Error::Denied),
        )
        .await;
        assert_refused(
            store,
            &before,
            &format!("{who} declining an escalation to the ICB"),
            ws.decline_escalation(actor, sent, &text("Not ours"), now)
                .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    let proposed = ws
        .accept_escalation(&world.icb_clerk, sent, scene.icb_next, now)
        .await
        .unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Accepted);
    assert_eq!(record.escalation.target_item, Some(proposed));
    assert_eq!(record.target_meeting, Some(scene.icb_next));

    let before = snapshot(store).await;
    for (who, actor) in [
        ("the sending clerk", &world.clerk),
        ("a clerk of another council", &world.other_clerk),
        ("a member", &world.member),
    ] {
        assert_refused(
            store,
            &before,
            &format!("{who} considering an escalation to the ICB"),
            ws.consider_escalation(actor, sent, london_date(now), now)
                .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    ws.consider_escalation(&world.icb_clerk, sent, london_date(now), now)
        .await
        .unwrap();
    assert_eq!(
        store.escalation(sent).await.unwrap().escalation.state,
        EscalationState::Considered
    );
    let log = audit_log(store).await;
    assert_eq!(
        (log[0].entry.by.as_str(), log[0].entry.action.as_str()),
        (ICB_CLERK, "consider escalation")
    );
    assert_eq!(
        (log[1].entry.by.as_str(), log[1].entry.action.as_str()),
        (ICB_CLERK, "accept escalation")
    );
    assert_eq!(
        (log[2].entry.by.as_str(), log[2].entry.action.as_str()),
        (CLERK, "send escalation")
    );
}

// ---------------------------------------------------------------------------------------------
// 4. Concurrent edits

async fn future_meeting(store: &dyn Store, world: &World, start: DateTime<Utc>) -> MeetingId {
    let mut w = store.begin().await.unwrap();
    let m = meeting_at(w.as_mut(), world.scrutiny, start, MeetingStatus::Scheduled).await;
    w.commit().await.unwrap();
    m
}

#[tokio::test]
async fn an_edit_from_a_stale_read_is_refused_and_the_first_edit_stays() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let start = now + Duration::days(7);
    let m = future_meeting(store, &world, start).await;

    let read = store.meeting(m).await.unwrap();
    let version = version_of(&read.record);
    let first_times = MeetingTimes::new(start + Duration::hours(1), None).unwrap();
    ws.edit_meeting(
        &world.clerk,
        m,
        &version,
        first_times,
        Some(title("Council Chamber")),
        now,
    )
    .await
    .unwrap();
    let edited = store.meeting(m).await.unwrap();
    assert_eq!(edited.times, first_times);
    assert_eq!(edited.location, Some(title("Council Chamber")));
    assert_eq!(edited.status, MeetingStatus::Scheduled);

    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a second edit carrying the old version",
        ws.edit_meeting(
            &world.cabinet_clerk,
            m,
            &version,
            MeetingTimes::new(start + Duration::hours(3), None).unwrap(),
            Some(title("Committee Room 2")),
            now,
        )
        .await,
        |e| matches!(e, Error::Stale),
    )
    .await;
    assert_eq!(store.meeting(m).await.unwrap().record, edited.record);

    let log = audit_log(store).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].entry.by.as_str(), log[0].entry.action.as_str()),
        (CLERK, "edit meeting")
    );
    assert_eq!(
        json(log[0].entry.before.as_ref())["location"],
        "County Hall, Preston"
    );
    assert_eq!(
        json(log[0].entry.after.as_ref())["location"],
        "Council Chamber"
    );

    // With the version of the meeting as it now stands, the edit goes through.
    ws.edit_meeting(
        &world.cabinet_clerk,
        m,
        &version_of(&edited.record),
        MeetingTimes::new(start + Duration::hours(3), None).unwrap(),
        Some(title("Committee Room 2")),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        store.meeting(m).await.unwrap().location,
        Some(title("Committee Room 2"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_simultaneous_edits_from_one_read_exactly_one_lands() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let start = now + Duration::days(7);
    let m = future_meeting(store, &world, start).await;
    let version = version_of(&store.meeting(m).await.unwrap().record);
    let times_a = MeetingTimes::new(start + Duration::hours(1), None).unwrap();
    let times_b = MeetingTimes::new(start + Duration::hours(2), None).unwrap();
    let (a, b) = tokio::join!(
        ws.edit_meeting(
            &world.clerk,
            m,
            &version,
            times_a,
            Some(title("Room A")),
            now
        ),
        ws.edit_meeting(
            &world.cabinet_clerk,
            m,
            &version,
            times_b,
            Some(title("Room B")),
            now
        ),
    );
    let stored = store.meeting(m).await.unwrap();
    let log = audit_log(store).await;
    assert_eq!(log.len(), 1, "one edit is audited");
    match (a, b) {
        (Ok(()), Err(Error::Stale)) => {
            assert_eq!(
                (stored.times, stored.location.clone()),
                (times_a, Some(title("Room A")))
            );
            assert_eq!(log[0].entry.by, CLERK);
        }
        (Err(Error::Stale), Ok(())) => {
            assert_eq!(
                (stored.times, stored.location.clone()),
                (times_b, Some(title("Room B")))
            );
            assert_eq!(log[0].entry.by, CABINET_CLERK);
        }
        other => panic!("expected one edit and one stale refusal, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Accounts

const PASSWORD: &str = "correct horse battery staple";
const NEW_PASSWORD: &str = "tr0ub4dor and three more";
/// The address the account's owner signs in from.
const HOME: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10));

#[tokio::test]
async fn accounts_sign_in_lock_out_change_password_and_sign_out() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let now = minute_now();
    let mut w = store.begin().await.unwrap();
    let org = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-county-council").unwrap(),
            name: title("Northshire County Council"),
            kind: OrganisationKind::CountyCouncil,
        })
        .await
        .unwrap();
    w.commit().await.unwrap();
    let cli = Actor::CommandLine;
    let user = new_user(
        "Jo.Clerk@Northshire.gov.uk",
        Some("Jo Clerk"),
        "clerk",
        Some(org),
    )
    .unwrap();
    let email = "jo.clerk@northshire.gov.uk";

    // A short password is refused, naming the field, and nothing is written.
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a password of 11 characters",
        ws.add_user(&cli, &user, "elevenchars", now).await,
        |e| invalid_field(e) == Some("password"),
    )
    .await;
    assert!(store.users().await.unwrap().is_empty());

    let id = ws.add_user(&cli, &user, PASSWORD, now).await.unwrap();
    let account = store
        .account(&Email::parse("email", email).unwrap())
        .await
        .unwrap();
    assert_eq!(account.user.id, id);
    assert_eq!(account.user.record, user);
    assert!(
        account.password_hash.starts_with("$argon2id$")
            && !account.password_hash.contains(PASSWORD),
        "{}",
        account.password_hash
    );
    let log = audit_log(store).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (
            log[0].entry.by.as_str(),
            log[0].entry.action.as_str(),
            log[0].entry.record.as_str(),
            log[0].entry.record_id
        ),
        ("witan command line", "add user", "user", id.get())
    );
    assert_eq!(json(log[0].entry.after.as_ref())["email"], email);
    assert!(
        !log[0].entry.after.as_ref().unwrap().contains(PASSWORD),
        "the password is not in the audit log"
    );

    // Signing in: the cookie's token opens the session; the store keeps only its hash.
    let first = ws.sign_in(email, PASSWORD, HOME, None, now).await.unwrap();
    assert_eq!(first.user.id, id);
    assert_eq!(first.session.user, id);
    assert_eq!(first.token.len(), 64);
    assert_ne!(first.token, first.session.token_hash);
    assert_eq!(first.session.token_hash, token_hash(&first.token));
    assert_eq!(
        first.session.expires,
        now + Duration::hours(witan_app::SESSION_HOURS)
    );
    assert!(
        store.session(&first.token, now).await.unwrap().is_none(),
        "the raw token is not what the store keeps"
    );
    let (session, who) = ws
        .session(&first.token, now)
        .await
        .unwrap()
        .expect("the token opens the session");
    assert_eq!(session, first.session);
    assert_eq!(who.id, id);
    assert!(
        ws.session(&first.token, now + Duration::hours(13))
            .await
            .unwrap()
            .is_none(),
        "an expired session opens nothing"
    );
    assert!(ws.session("not a token", now).await.unwrap().is_none());

    // A wrong password and an unknown account are the same refusal.
    let wrong = ws
        .sign_in(email, "not the password at all", HOME, None, now)
        .await;
    assert!(matches!(wrong, Err(Error::BadCredentials)), "{wrong:?}");
    let unknown = ws
        .sign_in("nobody@northshire.gov.uk", PASSWORD, HOME, None, now)
        .await;
    assert!(matches!(unknown, Err(Error::BadCredentials)), "{unknown:?}");

    // Changing the password.
    let second = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::minutes(1))
        .await
        .unwrap();
    assert_ne!(second.token, first.token);
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a password change with the wrong current password",
        ws.change_password(
            &second.session,
            "not my password at all",
            NEW_PASSWORD,
            HOME,
            now,
        )
        .await,
        |e| invalid_field(e) == Some("current_password"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "a password change to a short password",
        ws.change_password(&second.session, PASSWORD, "short", HOME, now)
            .await,
        |e| invalid_field(e) == Some("new_password"),
    )
    .await;
    assert!(ws.session(&first.token, now).await.unwrap().is_some());
    let rotated = ws
        .change_password(&second.session, PASSWORD, NEW_PASSWORD, HOME, now)
        .await
        .unwrap();
    assert!(
        ws.session(&first.token, now).await.unwrap().is_none(),
        "other sessions end"
    );
    assert!(
        ws.session(&second.token, now).await.unwrap().is_none(),
        "the current session's token ends too"
    );
    assert_ne!(rotated.token, second.token);
    let (current, _) = ws
        .session(&rotated.token, now)
        .await
        .unwrap()
        .expect("a fresh token carries the reader on");
    assert_eq!(current.user, id);
    let second = rotated;
    let log = audit_log(store).await;
    assert_eq!(
        (
            log[0].entry.by.as_str(),
            log[0].entry.action.as_str(),
            log[0].entry.record_id
        ),
        (email, "change password", id.get())
    );
    let old = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::minutes(2))
        .await;
    assert!(matches!(old, Err(Error::BadCredentials)), "{old:?}");
    let third = ws
        .sign_in(email, NEW_PASSWORD, HOME, None, now + Duration::minutes(2))
        .await
        .unwrap();

    // Signing out ends that session only.
    ws.sign_out(&third.session).await.unwrap();
    assert!(ws.session(&third.token, now).await.unwrap().is_none());
    assert!(ws.session(&second.token, now).await.unwrap().is_some());
    ws.sign_out(&second.session).await.unwrap();
    assert!(ws.session(&second.token, now).await.unwrap().is_none());

    // Five failures within 15 minutes lock the account from that address, right password or
    // not, until the window has passed.
    let t = now + Duration::hours(1);
    for minute in 0..5 {
        let failed = ws
            .sign_in(
                email,
                "guessing again and again",
                HOME,
                None,
                t + Duration::minutes(minute),
            )
            .await;
        assert!(matches!(failed, Err(Error::BadCredentials)), "{failed:?}");
    }
    let locked = ws
        .sign_in(email, NEW_PASSWORD, HOME, None, t + Duration::minutes(5))
        .await;
    assert!(
        matches!(locked, Err(Error::TooManyAttempts { seconds: 600 })),
        "{locked:?}"
    );
    let later = ws
        .sign_in(email, NEW_PASSWORD, HOME, None, t + Duration::minutes(20))
        .await;
    assert!(later.is_ok(), "{later:?}");
}

/// An admin account made from the command line; returns its email.
async fn admin_account(env: &Env) -> &'static str {
    let email = "sam.admin@northshire.gov.uk";
    let user = new_user(email, Some("Sam Admin"), "admin", None).unwrap();
    env.ws
        .add_user(&Actor::CommandLine, &user, PASSWORD, minute_now())
        .await
        .unwrap();
    email
}

fn address(last: u8) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(198, 51, 100, last))
}

#[tokio::test]
async fn a_stranger_cannot_lock_the_owner_out_for_long() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();

    // One stranger's guesses lock that stranger out of the account, not its owner.
    for n in 0..5 {
        let guess = ws
            .sign_in(
                email,
                "guess guess guess",
                address(1),
                None,
                t + Duration::seconds(n),
            )
            .await;
        assert!(matches!(guess, Err(Error::BadCredentials)), "{guess:?}");
    }
    let stranger = ws
        .sign_in(email, PASSWORD, address(1), None, t + Duration::seconds(5))
        .await;
    assert!(
        matches!(stranger, Err(Error::TooManyAttempts { .. })),
        "{stranger:?}"
    );
    let owner = ws
        .sign_in(email, PASSWORD, HOME, None, t + Duration::seconds(5))
        .await;
    assert!(owner.is_ok(), "the owner gets in at once: {owner:?}");

    // Strangers at several addresses slow every attempt on the account, the owner's too, but
    // only for a short while after their latest guess, however many they make.
    let mut now = t + Duration::seconds(10);
    let (mut guesses, mut who, mut from_this) = (5, 2, 0);
    while guesses < 19 {
        match ws
            .sign_in(email, "guess guess guess", address(who), None, now)
            .await
        {
            Err(Error::BadCredentials) => {
                guesses += 1;
                from_this += 1;
                if from_this == 5 {
                    (who, from_this) = (who + 1, 0);
                }
            }
            Err(Error::TooManyAttempts { seconds }) => now += Duration::seconds(seconds),
            other => panic!("a stranger's guess: {other:?}"),
        }
    }
    assert!(now < t + Duration::minutes(10), "{now} {t}");
    let slowed = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::seconds(1))
        .await;
    assert!(
        matches!(slowed, Err(Error::TooManyAttempts { seconds: 299 })),
        "{slowed:?}"
    );
    let owner = ws
        .sign_in(email, PASSWORD, HOME, None, now + Duration::seconds(300))
        .await;
    assert!(owner.is_ok(), "the wait is over in five minutes: {owner:?}");

    // One address is held to twenty failures across every account it names.
    for n in 0..20 {
        let other = format!("nobody{n}@northshire.gov.uk");
        let guess = ws
            .sign_in(&other, "guess guess guess", address(99), None, t)
            .await;
        assert!(matches!(guess, Err(Error::BadCredentials)), "{guess:?}");
    }
    let spraying = ws
        .sign_in("another@northshire.gov.uk", "guess", address(99), None, t)
        .await;
    assert!(
        matches!(spraying, Err(Error::TooManyAttempts { seconds: 900 })),
        "{spraying:?}"
    );
}

#[tokio::test]
async fn password_checks_count_against_the_sign_in_limits() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();
    let signed = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    for _ in 0..5 {
        let guess = ws
            .change_password(
                &signed.session,
                "guess guess guess",
                NEW_PASSWORD,
                address(3),
                t,
            )
            .await;
        assert!(
            matches!(&guess, Err(Error::Store(StoreError::Invalid(e))) if e.field == "current_password"),
            "{guess:?}"
        );
    }
    let locked = ws
        .change_password(&signed.session, PASSWORD, NEW_PASSWORD, address(3), t)
        .await;
    assert!(
        matches!(locked, Err(Error::TooManyAttempts { seconds: 900 })),
        "the right current password is refused once the limit is reached: {locked:?}"
    );
    assert!(
        ws.sign_in(email, NEW_PASSWORD, HOME, None, t)
            .await
            .is_err(),
        "the password did not change"
    );
    let changed = ws
        .change_password(
            &signed.session,
            PASSWORD,
            NEW_PASSWORD,
            address(3),
            t + Duration::minutes(16),
        )
        .await;
    assert!(changed.is_ok(), "{changed:?}");
}

#[tokio::test]
async fn sessions_end_when_idle_and_at_their_absolute_limit() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();

    let idle = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    assert!(
        ws.session(&idle.token, t + Duration::hours(8))
            .await
            .unwrap()
            .is_none(),
        "eight hours unused end a session"
    );

    // Used every few hours, a session lasts until its absolute limit and no longer.
    let busy = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    for hours in [3, 6, 9, 11] {
        let at = t + Duration::hours(hours);
        let (session, _) = ws
            .session(&busy.token, at)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("open after {hours} hours of use"));
        assert_eq!(session.seen, at, "its use is written down");
    }
    assert!(
        ws.session(&busy.token, t + Duration::hours(12))
            .await
            .unwrap()
            .is_none(),
        "twelve hours end a session however busy"
    );
    assert!(
        ws.session(&idle.token, t + Duration::hours(7))
            .await
            .unwrap()
            .is_none(),
        "an idle session does not come back"
    );
}

#[tokio::test]
async fn a_sign_in_ends_the_session_it_was_presented_with() {
    let env = env().await;
    let ws = &env.ws;
    let email = admin_account(&env).await;
    let t = minute_now();
    let first = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    let other = ws.sign_in(email, PASSWORD, HOME, None, t).await.unwrap();
    let second = ws
        .sign_in(email, PASSWORD, HOME, Some(&first.token), t)
        .await
        .unwrap();
    assert!(ws.session(&first.token, t).await.unwrap().is_none());
    assert!(ws.session(&second.token, t).await.unwrap().is_some());
    assert!(
        ws.session(&other.token, t).await.unwrap().is_some(),
        "sessions on other devices stay"
    );
}

#[tokio::test]
async fn a_full_hashing_limit_answers_busy_at_once() {
    let env = env().await;
    let email = admin_account(&env).await;
    let ws = env.ws.clone().with_hashing_limit(1);
    let t = minute_now();
    let held = ws.hashing.clone().try_acquire_owned().unwrap();
    let busy = ws.sign_in(email, PASSWORD, HOME, None, t).await;
    assert!(matches!(busy, Err(Error::Busy)), "{busy:?}");
    drop(held);
    assert!(
        ws.sign_in(email, PASSWORD, HOME, None, t).await.is_ok(),
        "a refusal for being busy is not counted as a failure"
    );
}

// ---------------------------------------------------------------------------------------------
// 6. Releasing exempt items

#[tokio::test]
async fn releasing_an_exempt_item_makes_it_public_and_the_log_names_who() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let mut w = store.begin().await.unwrap();
    let m = meeting_at(
        w.as_mut(),
        world.cabinet,
        now - Duration::days(7),
        MeetingStatus::AgendaPublished,
    )
    .await;
    item_on(w.as_mut(), m, 1, "Capital programme", Visibility::Public).await;
    let land = item_on(
        w.as_mut(),
        m,
        2,
        "SECRET-TITLE Disposal of land at Moss Lane",
        exempt(3),
    )
    .await;
    w.commit().await.unwrap();

    let public = store.meeting_record(m, Audience::Public).await.unwrap();
    assert!(
        matches!(
            &public.agenda.as_ref().unwrap()[1],
            ItemEntry::Withheld { id, label, .. } if *id == land && label == "Exempt — paragraph 3"
        ),
        "{:?}",
        public.agenda
    );
    assert!(
        !serde_json::to_string(&public)
            .unwrap()
            .contains("SECRET-TITLE")
    );

    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a member releasing an exempt item",
        ws.release_item(&world.member, land, now).await,
        |e| matches!(e, Error::Denied),
    )
    .await;

    ws.release_item(&world.clerk, land, now).await.unwrap();
    assert_eq!(
        store.item(land).await.unwrap().visibility,
        Visibility::Public
    );
    let public = store.meeting_record(m, Audience::Public).await.unwrap();
    let released = open_item(&public, land);
    assert_eq!(
        released.item.title.as_str(),
        "SECRET-TITLE Disposal of land at Moss Lane"
    );
    assert_eq!(released.item.number.as_str(), "2");

    let log = store
        .audit_log(Some(("item", land.get())), Page::first(10))
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    let entry = &log[0].entry;
    assert_eq!(
        (entry.by.as_str(), entry.action.as_str(), entry.at),
        (CLERK, "release exempt item", now)
    );
    let was = json(entry.before.as_ref());
    assert_eq!(was["visibility"]["visibility"], "exempt");
    assert_eq!(was["visibility"]["ground"]["value"], 3);
    assert_eq!(
        json(entry.after.as_ref())["visibility"]["visibility"],
        "public"
    );
}

#[tokio::test]
async fn a_clerk_edits_only_people_who_sit_on_their_organisations_committees() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let person = world.officer_person;
    let renamed = |name: &str| Person {
        name: title(name),
        job_title: None,
    };
    let version = || async { version_of(&store.person(person).await.unwrap().record) };

    // Nobody's member yet: no clerk's to change, an admin's.
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a clerk renaming a person of no committee",
        ws.edit_person(&world.clerk, person, &version().await, &renamed("X"), now)
            .await,
        |e| matches!(e, Error::Denied),
    )
    .await;
    ws.edit_person(
        &world.admin,
        person,
        &version().await,
        &renamed("Mike Kirby"),
        now,
    )
    .await
    .unwrap();

    // A member of the ICB's board: the ICB's clerk may, the council's may not.
    ws.add_member(
        &world.icb_clerk,
        world.icb_board,
        witan_app::records::MemberChoice::Existing(person),
        MembershipRole::Officer,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        now,
    )
    .await
    .unwrap();
    let before = snapshot(store).await;
    for (who, actor) in [
        ("the council's clerk", &world.clerk),
        ("another council's clerk", &world.other_clerk),
        ("a member", &world.member),
    ] {
        assert_refused(
            store,
            &before,
            &format!("{who} renaming a member of the ICB's board"),
            ws.edit_person(actor, person, &version().await, &renamed("X"), now)
                .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    ws.edit_person(
        &world.icb_clerk,
        person,
        &version().await,
        &renamed("Michael Kirby"),
        now,
    )
    .await
    .unwrap();
    // Once on the joint board too, the council's clerk may.
    ws.add_member(
        &world.clerk,
        world.joint,
        witan_app::records::MemberChoice::Existing(person),
        MembershipRole::Officer,
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        now,
    )
    .await
    .unwrap();
    ws.edit_person(
        &world.clerk,
        person,
        &version().await,
        &renamed("Mike Kirby"),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        store.person(person).await.unwrap().name.as_str(),
        "Mike Kirby"
    );
}

#[tokio::test]
async fn a_clerk_cannot_make_another_organisation_co_owner_or_parent_of_a_committee() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let icb = store
        .committee(world.icb_board)
        .await
        .unwrap()
        .owners
        .organisations()[0];
    let committee = |slug: &str, owners, parent| Committee {
        slug: Slug::parse("slug", slug).unwrap(),
        name: title(slug),
        purpose: Text::default(),
        owners,
        parent,
    };

    let before = snapshot(store).await;
    let committees = store.committees().await.unwrap().len();
    for (what, refused) in [
        (
            "joint with the ICB",
            committee(
                "joint-board",
                CommitteeOwners::joint("owners", vec![world.council, icb]).unwrap(),
                None,
            ),
        ),
        (
            "owned by the ICB",
            committee("icb-panel", CommitteeOwners::Single(icb), None),
        ),
        (
            "reporting to the ICB's board",
            committee(
                "council-panel",
                CommitteeOwners::Single(world.council),
                Some(world.icb_board),
            ),
        ),
    ] {
        assert_refused(
            store,
            &before,
            &format!("a council clerk creating a committee {what}"),
            ws.create_committee(&world.clerk, &refused, now).await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    assert_eq!(store.committees().await.unwrap().len(), committees);

    // Nor may a clerk move a committee under another organisation's.
    let scrutiny = store.committee(world.scrutiny).await.unwrap();
    let change = |parent| witan_app::records::CommitteeChange {
        name: scrutiny.name.clone(),
        purpose: scrutiny.purpose.clone(),
        parent,
    };
    assert_refused(
        store,
        &before,
        "a council clerk moving scrutiny under the ICB's board",
        ws.edit_committee(
            &world.clerk,
            world.scrutiny,
            &version_of(&scrutiny.record),
            change(Some(world.icb_board)),
            now,
        )
        .await,
        |e| matches!(e, Error::Denied),
    )
    .await;

    // Their own, under their own: yes. A joint committee under the ICB's board: an admin's.
    ws.create_committee(
        &world.clerk,
        &committee(
            "council-panel",
            CommitteeOwners::Single(world.council),
            Some(world.cabinet),
        ),
        now,
    )
    .await
    .unwrap();
    let joint = ws
        .create_committee(
            &world.admin,
            &committee(
                "joint-board",
                CommitteeOwners::joint("owners", vec![world.council, icb]).unwrap(),
                Some(world.icb_board),
            ),
            now,
        )
        .await
        .unwrap();
    // A clerk of either owner may still rename that board, keeping the parent an admin chose.
    let board = store.committee(joint).await.unwrap();
    ws.edit_committee(
        &world.clerk,
        joint,
        &version_of(&board.record),
        witan_app::records::CommitteeChange {
            name: title("Joint Board"),
            purpose: Text::default(),
            parent: Some(world.icb_board),
        },
        now,
    )
    .await
    .unwrap();
}
