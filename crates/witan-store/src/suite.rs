//! The behaviour every store must show, written once against the [`Store`] trait.
//!
//! Each backend's tests call every function here with a fresh, empty store (see
//! `tests/store.rs`). A function panics with a message saying what went wrong.

#![allow(clippy::unwrap_used)]

use crate::*;
use chrono::{NaiveDate, NaiveDateTime};
use witan_domain::*;

/// The functions of the suite, by name, for backends to run one test each.
pub const ALL: &[&str] = &[
    "records_round_trip",
    "invalid_references_name_the_record_and_leave_nothing",
    "meeting_lifecycle_rules",
    "signed_off_minutes_are_locked_and_corrected_by_new_versions",
    "issue_history_is_newest_first_across_committees",
    "open_actions_carry_forward_until_closed",
    "escalation_round_trip",
    "an_escalation_never_writes_onto_another_agenda",
    "escalations_are_accepted_onto_an_open_agenda_of_their_committee_only",
    "escalations_are_declined_with_a_reason",
    "exempt_content_is_withheld_from_the_public",
    "decision_call_in_rules",
    "registers_filter_page_and_withhold",
    "forward_plan_lists_what_is_coming",
    "search_reads_follow_every_change",
    "imports_remember_sources_and_replace_in_place",
    "accounts_sessions_and_the_audit_log",
    "sign_in_attempts_are_counted_one_after_another",
    "documents_by_audience_and_the_exempt_register",
    "attendance_is_set_as_a_whole",
    "open_data_lists_public_records_with_their_times",
];

/// Runs the named part of the suite on `store`.
pub async fn run(name: &str, store: &dyn Store) {
    match name {
        "records_round_trip" => records_round_trip(store).await,
        "search_reads_follow_every_change" => search_reads_follow_every_change(store).await,
        "invalid_references_name_the_record_and_leave_nothing" => {
            invalid_references_name_the_record_and_leave_nothing(store).await
        }
        "meeting_lifecycle_rules" => meeting_lifecycle_rules(store).await,
        "signed_off_minutes_are_locked_and_corrected_by_new_versions" => {
            signed_off_minutes_are_locked_and_corrected_by_new_versions(store).await
        }
        "issue_history_is_newest_first_across_committees" => {
            issue_history_is_newest_first_across_committees(store).await
        }
        "open_actions_carry_forward_until_closed" => {
            open_actions_carry_forward_until_closed(store).await
        }
        "escalation_round_trip" => escalation_round_trip(store).await,
        "an_escalation_never_writes_onto_another_agenda" => {
            an_escalation_never_writes_onto_another_agenda(store).await
        }
        "escalations_are_accepted_onto_an_open_agenda_of_their_committee_only" => {
            escalations_are_accepted_onto_an_open_agenda_of_their_committee_only(store).await
        }
        "escalations_are_declined_with_a_reason" => {
            escalations_are_declined_with_a_reason(store).await
        }
        "exempt_content_is_withheld_from_the_public" => {
            exempt_content_is_withheld_from_the_public(store).await
        }
        "decision_call_in_rules" => decision_call_in_rules(store).await,
        "registers_filter_page_and_withhold" => registers_filter_page_and_withhold(store).await,
        "forward_plan_lists_what_is_coming" => forward_plan_lists_what_is_coming(store).await,
        "imports_remember_sources_and_replace_in_place" => {
            imports_remember_sources_and_replace_in_place(store).await
        }
        "accounts_sessions_and_the_audit_log" => accounts_sessions_and_the_audit_log(store).await,
        "sign_in_attempts_are_counted_one_after_another" => {
            sign_in_attempts_are_counted_one_after_another(store).await
        }
        "documents_by_audience_and_the_exempt_register" => {
            documents_by_audience_and_the_exempt_register(store).await
        }
        "open_data_lists_public_records_with_their_times" => {
            open_data_lists_public_records_with_their_times(store).await
        }
        "attendance_is_set_as_a_whole" => attendance_is_set_as_a_whole(store).await,
        other => panic!("no suite function {other}"),
    }
}

fn title(s: &str) -> Title {
    Title::parse("title", s).unwrap()
}

fn text(s: &str) -> Text {
    Text::parse("text", s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> chrono::DateTime<chrono::Utc> {
    time::london_to_utc(
        "start",
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap(),
    )
    .unwrap()
}

fn minutes(body: &str, points: &[&str]) -> Minutes {
    Minutes {
        text: text(body),
        resolution: Resolution::new(points.iter().map(|p| text(p)).collect(), Text::default()),
    }
}

/// A county council with Cabinet, and an Executive Scrutiny Committee that reports to it.
struct Council {
    org: OrganisationId,
    cabinet: CommitteeId,
    scrutiny: CommitteeId,
    chair: PersonId,
}

async fn council(w: &mut dyn Writer) -> Council {
    let org = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-county-council").unwrap(),
            name: title("Northshire County Council"),
            kind: OrganisationKind::CountyCouncil,
        })
        .await
        .unwrap();
    let committee = |slug: &str, name: &str, parent| Committee {
        slug: Slug::parse("slug", slug).unwrap(),
        name: title(name),
        purpose: Text::default(),
        owners: CommitteeOwners::Single(org),
        parent,
    };
    let cabinet = w
        .create_committee(&committee("cabinet", "Cabinet", None))
        .await
        .unwrap();
    let scrutiny = w
        .create_committee(&committee(
            "executive-scrutiny",
            "Executive Scrutiny Committee",
            Some(cabinet),
        ))
        .await
        .unwrap();
    let chair = w
        .create_person(&Person {
            name: title("County Councillor Ann Jones"),
            job_title: None,
        })
        .await
        .unwrap();
    Council {
        org,
        cabinet,
        scrutiny,
        chair,
    }
}

async fn meeting(
    w: &mut dyn Writer,
    committee: CommitteeId,
    start: &str,
    status: MeetingStatus,
) -> MeetingId {
    w.create_meeting(&Meeting {
        committee,
        times: MeetingTimes::new(at(start), None).unwrap(),
        location: Some(title("County Hall, Preston")),
        status,
        agenda_published: None,
    })
    .await
    .unwrap()
}

async fn item(
    w: &mut dyn Writer,
    meeting: MeetingId,
    number: &str,
    name: &str,
    issue: Option<IssueId>,
) -> ItemId {
    w.create_item(&AgendaItem {
        meeting,
        position: number
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>()
            .parse()
            .unwrap_or(1),
        number: ItemNumber::parse("number", number).unwrap(),
        title: title(name),
        issue,
        visibility: Visibility::Public,
    })
    .await
    .unwrap()
}

fn open_items(record: &MeetingRecord) -> Vec<&ItemRecord> {
    record
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            ItemEntry::Open(r) => Some(r.as_ref()),
            ItemEntry::Withheld { .. } => None,
        })
        .collect()
}

pub async fn records_round_trip(store: &dyn Store) {
    let generation = store.generation().await.unwrap();
    let commits = store.local_commits();
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let icb = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-icb").unwrap(),
            name: title("Northshire Integrated Care Board"),
            kind: OrganisationKind::IntegratedCareBoard,
        })
        .await
        .unwrap();
    let joint = Committee {
        slug: Slug::parse("slug", "health-and-wellbeing-board").unwrap(),
        name: title("Health and Wellbeing Board"),
        purpose: text("Joint board of the council and the ICB."),
        owners: CommitteeOwners::joint("owners", vec![c.org, icb]).unwrap(),
        parent: None,
    };
    let joint_id = w.create_committee(&joint).await.unwrap();
    let membership = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2021-05-20"),
        None,
    )
    .unwrap();
    w.create_membership(&membership).await.unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    w.record_attendance(m, c.chair, AttendanceKind::Present)
        .await
        .unwrap();
    let i = item(
        w.as_mut(),
        m,
        "7",
        "Health and Social Care Integration",
        None,
    )
    .await;
    w.create_document(&Document {
        item: Some(i),
        issue: None,
        name: title("Report of the Director of Corporate Commissioning"),
        media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
        size_bytes: 147_456,
        sha256: Some(Sha256::parse("sha256", &"0f".repeat(32)).unwrap()),
        text: text("Sustainability and Transformation Plan"),
        visibility: Visibility::Public,
    })
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert!(
        store.generation().await.unwrap() > generation,
        "a commit moves the generation on"
    );
    assert_eq!(store.local_commits(), commits + 1);

    assert_eq!(store.committee(joint_id).await.unwrap().record, joint);
    let by_slug = store.committee_by_slug("executive-scrutiny").await.unwrap();
    assert_eq!(by_slug.parent, Some(c.cabinet));
    assert!(matches!(
        store.committee_by_slug("nope").await,
        Err(StoreError::NotFound { .. })
    ));
    let members = store.memberships(c.cabinet).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].membership.record, membership);

    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    assert_eq!(record.meeting.times.start(), at("2016-04-14 10:00"));
    assert_eq!(record.committee.id, c.cabinet);
    assert_eq!(record.attendance[0].kind, AttendanceKind::Present);
    let attended = store.attendance(c.chair, Page::first(10)).await.unwrap();
    assert_eq!(attended.len(), 1);
    assert_eq!(
        (attended[0].0.meeting.id, attended[0].1),
        (m, AttendanceKind::Present)
    );
    assert!(
        store
            .attendance(c.chair, Page::new(1, 10))
            .await
            .unwrap()
            .is_empty()
    );
    let items = open_items(&record);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.number.as_str(), "7");
    assert_eq!(items[0].documents[0].size_label(), "PDF 144 KB");
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.organisations, counts.committees, counts.agenda_items),
        (2, 3, 1)
    );
}

pub async fn invalid_references_name_the_record_and_leave_nothing(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    w.commit().await.unwrap();
    let before = store.counts().await.unwrap();
    let generation = store.generation().await.unwrap();

    // A unit of work that breaks a reference fails, names the record, and leaves nothing behind
    // (a backend may report it at the call or at commit).
    let mut w = store.begin().await.unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    item(w.as_mut(), m, "1", "Apologies", None).await;
    let dangling = AgendaItem {
        meeting: m,
        position: 2,
        number: ItemNumber::parse("number", "2").unwrap(),
        title: title("Minutes"),
        issue: Some(Id::new(999_999)),
        visibility: Visibility::Public,
    };
    let err = match w.create_item(&dangling).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    match &err {
        StoreError::Invalid(e) => assert!(e.field.starts_with("agenda_item"), "{e}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(store.counts().await.unwrap(), before);

    let mut w = store.begin().await.unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    item(w.as_mut(), m, "1", "Apologies", None).await;
    let again = AgendaItem {
        issue: None,
        ..dangling
    };
    let again = AgendaItem {
        number: ItemNumber::parse("number", "1").unwrap(),
        ..again
    };
    let duplicate = match w.create_item(&again).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    assert!(
        matches!(duplicate, StoreError::Conflict(_)),
        "{duplicate:?}"
    );
    assert_eq!(store.counts().await.unwrap(), before);

    // The same slug twice is a conflict naming the field.
    let mut w = store.begin().await.unwrap();
    let cabinet_again = Committee {
        slug: Slug::parse("slug", "cabinet").unwrap(),
        name: title("Cabinet"),
        purpose: Text::default(),
        owners: CommitteeOwners::Single(c.org),
        parent: None,
    };
    let err = match w.create_committee(&cabinet_again).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    assert!(err.to_string().contains("committees.slug"), "{err}");
    assert_eq!(
        store.generation().await.unwrap(),
        generation,
        "failed units of work change nothing"
    );
}

pub async fn meeting_lifecycle_rules(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let i = item(w.as_mut(), m, "7", "Budget", None).await;
    // Minutes before the meeting is held are refused.
    let err = w
        .record_minutes(i, &minutes("Too early.", &[]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rule(_)), "{err:?}");
    w.set_meeting_status(m, MeetingStatus::Cancelled)
        .await
        .unwrap();
    let err = w
        .sign_off_minutes(m, &title("Chair"), None, date("2016-05-01"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(_)),
        "a cancelled meeting was signed off: {err:?}"
    );
    let err = w
        .set_meeting_status(m, MeetingStatus::Held)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MeetingTransition { .. })),
        "{err:?}"
    );
    w.set_meeting_status(m, MeetingStatus::Scheduled)
        .await
        .unwrap();
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    w.set_meeting_status(m, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.set_meeting_status(m, MeetingStatus::Held).await.unwrap();
    w.record_minutes(i, &minutes("Noted.", &["the report be noted"]))
        .await
        .unwrap();
    w.commit().await.unwrap();
    // Publishing the agenda stamps when it happened, and the meeting leads the list of
    // recently published agendas; a meeting never published is not on it.
    let published = store.meeting(m).await.unwrap().agenda_published;
    assert!(
        published.is_some_and(|t| t >= before),
        "agenda publication not recorded: {published:?}"
    );
    let recent = store
        .meetings(
            None,
            When::AgendaPublishedBy(chrono::Utc::now() + chrono::Duration::seconds(1)),
            Page::first(10),
        )
        .await
        .unwrap();
    let ids: Vec<MeetingId> = recent.iter().map(|s| s.meeting.id).collect();
    assert_eq!(ids, vec![m], "recently published agendas");
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::MinutesDraft
    );
    let err = store
        .begin()
        .await
        .unwrap()
        .set_meeting_status(Id::new(424_242), MeetingStatus::Held)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }));
}

pub async fn signed_off_minutes_are_locked_and_corrected_by_new_versions(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-11 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let i = item(w.as_mut(), m, "1", "Month 6 Financial Position", None).await;
    let other = item(w.as_mut(), m, "2", "H2 Planning", None).await;
    w.set_meeting_status(m, MeetingStatus::Held).await.unwrap();
    w.record_minutes(i, &minutes("A first draft.", &[]))
        .await
        .unwrap();
    w.record_minutes(
        i,
        &minutes(
            "The ICS will likely report a break-even position.",
            &["noted"],
        ),
    )
    .await
    .unwrap();
    w.record_minutes(other, &minutes("Final plans by mid November.", &[]))
        .await
        .unwrap();
    let signed = w
        .sign_off_minutes(m, &title("Katherine Disley"), None, date("2021-11-08"))
        .await
        .unwrap();
    assert_eq!(signed.version, 1);
    w.commit().await.unwrap();

    let mut w = store.begin().await.unwrap();
    let err = w
        .record_minutes(i, &minutes("Rewritten history.", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MinutesLocked)),
        "{err:?}"
    );
    let err = w
        .sign_off_minutes(m, &title("Someone"), None, date("2021-11-09"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MinutesLocked)),
        "{err:?}"
    );
    let err = w
        .set_meeting_status(m, MeetingStatus::MinutesDraft)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MinutesLocked)),
        "{err:?}"
    );
    drop(w);

    let mut w = store.begin().await.unwrap();
    let correction = w
        .correct_minutes(
            m,
            &[(
                i,
                minutes(
                    "The ICS will likely report a break-even position at month 6.",
                    &["noted"],
                ),
            )],
            &title("Katherine Disley"),
            date("2021-12-13"),
            &text("The month was missing."),
        )
        .await
        .unwrap();
    assert_eq!(correction.version, 2);
    w.commit().await.unwrap();

    let versions = store.minutes_versions(i, Audience::Public).await.unwrap();
    assert_eq!(versions.len(), 2, "both versions stay visible");
    assert_eq!(
        versions[0].1.text.as_str(),
        "The ICS will likely report a break-even position."
    );
    assert!(versions[1].1.text.as_str().ends_with("at month 6."));
    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    assert_eq!(record.sign_offs.len(), 2);
    assert_eq!(
        record.sign_offs[1].reason.as_ref().unwrap().as_str(),
        "The month was missing."
    );
    let items = open_items(&record);
    assert_eq!(
        items[0].minutes.as_ref().unwrap().0,
        2,
        "the current minutes are the correction"
    );
    assert_eq!(
        items[1].minutes.as_ref().unwrap().0,
        1,
        "an uncorrected item keeps version 1"
    );

    // A correction cannot touch another meeting's item, and needs a reason.
    let mut w = store.begin().await.unwrap();
    let elsewhere = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-12 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let foreign = item(w.as_mut(), elsewhere, "1", "Other", None).await;
    let err = w
        .correct_minutes(
            m,
            &[(foreign, minutes("x", &[]))],
            &title("K"),
            date("2021-12-13"),
            &text("why"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("corrections.item"), "{err}");
    let err = w
        .correct_minutes(
            m,
            &[(i, minutes("x", &[]))],
            &title("K"),
            date("2021-12-13"),
            &Text::default(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sign_off.reason"), "{err}");
}

pub async fn issue_history_is_newest_first_across_committees(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let issue = w
        .create_issue(&Issue {
            title: title("Health and Social Care Integration - Lancashire and South Cumbria STP"),
            reference: Some(title("CAB/2016/07")),
            summary: Text::default(),
        })
        .await
        .unwrap();
    let scrutiny = meeting(
        w.as_mut(),
        c.scrutiny,
        "2016-04-12 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let cabinet = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let later = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-09-08 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    item(
        w.as_mut(),
        scrutiny,
        "4",
        "Health and Social Care Integration",
        Some(issue),
    )
    .await;
    item(
        w.as_mut(),
        cabinet,
        "7",
        "Health and Social Care Integration",
        Some(issue),
    )
    .await;
    item(
        w.as_mut(),
        later,
        "3",
        "Health and Social Care Integration: update",
        Some(issue),
    )
    .await;
    w.commit().await.unwrap();

    let record = store
        .issue_record(issue, Audience::Privileged)
        .await
        .unwrap();
    let history: Vec<(&str, &str)> = record
        .history
        .iter()
        .map(|h| (h.committee.name.as_str(), h.item.number().as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("Cabinet", "3"),
            ("Cabinet", "7"),
            ("Executive Scrutiny Committee", "4")
        ]
    );
    // The public does not see the item on an agenda that is not yet published.
    let public = store.issue_record(issue, Audience::Public).await.unwrap();
    let numbers: Vec<&str> = public
        .history
        .iter()
        .map(|h| h.item.number().as_str())
        .collect();
    assert_eq!(numbers, ["7", "4"]);
}

pub async fn open_actions_carry_forward_until_closed(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let first = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-11 14:00",
        MeetingStatus::MinutesSignedOff,
    )
    .await;
    let second = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-11-08 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let third = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-12-13 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let other_committee = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-11-09 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let i = item(w.as_mut(), first, "1", "Winter Planning", None).await;
    let action = |description: &str| Action {
        meeting: first,
        item: Some(i),
        description: text(description),
        owner: Some(ActionOwner::Organisation(c.org)),
        due_on: Some(date("2021-11-30")),
        status: ActionStatus::Open,
        rag: Rag::Amber,
        closed_on: None,
    };
    let beds = w
        .create_action(&action("Find 41 additional step down beds"))
        .await
        .unwrap();
    let pay = w
        .create_action(&action("Review rates of pay for care staff"))
        .await
        .unwrap();
    w.add_action_update(
        beds,
        &ActionUpdate {
            on: date("2021-11-01"),
            text: text("20 beds found"),
            rag: Some(Rag::Green),
        },
    )
    .await
    .unwrap();
    w.set_action_status(pay, ActionStatus::Done, date("2021-11-20"))
        .await
        .unwrap();
    w.commit().await.unwrap();

    let carried = |record: MeetingRecord| -> Vec<String> {
        record
            .carried_actions
            .iter()
            .map(|a| a.action.description.to_string())
            .collect()
    };
    let at_second = store
        .meeting_record(second, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        carried(at_second.clone()),
        [
            "Find 41 additional step down beds",
            "Review rates of pay for care staff"
        ]
    );
    let beds_record = &at_second.carried_actions[0];
    assert_eq!(
        beds_record.action.rag,
        Rag::Green,
        "the update re-rated the action"
    );
    assert_eq!(beds_record.updates.len(), 1);
    assert_eq!(
        beds_record.owner_name.as_deref(),
        Some("Northshire County Council")
    );
    assert_eq!(
        carried(store.meeting_record(third, Audience::Public).await.unwrap()),
        ["Find 41 additional step down beds"]
    );
    assert!(carried(store.meeting_record(first, Audience::Public).await.unwrap()).is_empty());
    assert!(
        carried(
            store
                .meeting_record(other_committee, Audience::Public)
                .await
                .unwrap()
        )
        .is_empty()
    );

    let mut w = store.begin().await.unwrap();
    let err = w
        .set_action_status(pay, ActionStatus::Dropped, date("2021-12-01"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::ActionTransition { .. })),
        "{err:?}"
    );
    w.set_action_status(beds, ActionStatus::Done, date("2021-12-01"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert!(carried(store.meeting_record(third, Audience::Public).await.unwrap()).is_empty());
    assert_eq!(
        store.action(beds).await.unwrap().action.closed_on,
        Some(date("2021-12-01"))
    );
}

/// Cabinet's and Scrutiny's meetings for the escalation stories: Scrutiny held a meeting whose
/// item 3 escalates to Cabinet; Cabinet has a published agenda (items 1 and 2) and a meeting
/// scheduled after it whose agenda is still open (items 1 and 5a).
struct EscalationScene {
    c: Council,
    sub: MeetingId,
    from: ItemId,
    published: MeetingId,
    open: MeetingId,
}

async fn escalation_scene(store: &dyn Store) -> EscalationScene {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let sub = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-11 14:00",
        MeetingStatus::MinutesDraft,
    )
    .await;
    let from = item(w.as_mut(), sub, "3", "Domiciliary care workforce", None).await;
    let published = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    item(w.as_mut(), published, "1", "Apologies", None).await;
    item(w.as_mut(), published, "2", "Minutes", None).await;
    let open = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-11-18 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    item(w.as_mut(), open, "1", "Apologies", None).await;
    item(w.as_mut(), open, "5a", "Budget monitoring", None).await;
    w.commit().await.unwrap();
    EscalationScene {
        c,
        sub,
        from,
        published,
        open,
    }
}

/// The numbers and titles of a meeting's agenda, as a clerk sees it.
async fn agenda(store: &dyn Store, meeting: MeetingId) -> Vec<(String, String)> {
    let record = store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .unwrap();
    open_items(&record)
        .iter()
        .map(|i| (i.item.number.to_string(), i.item.title.to_string()))
        .collect()
}

async fn listed(
    store: &dyn Store,
    committee: CommitteeId,
    direction: Direction,
) -> Vec<EscalationId> {
    store
        .escalations(committee, direction, Audience::Privileged, Page::first(10))
        .await
        .unwrap()
        .iter()
        .map(|e| e.escalation.id)
        .collect()
}

pub async fn escalation_round_trip(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let c = &s.c;
    let mut w = store.begin().await.unwrap();
    let err = w
        .send_escalation(s.from, c.scrutiny, &text("why"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("escalation.to_committee"), "{err}");
    let err = w
        .send_escalation(s.from, c.cabinet, &Text::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("escalation.reason"), "{err}");
    let sent = w
        .send_escalation(
            s.from,
            c.cabinet,
            &text("Going off framework needs a Cabinet decision"),
        )
        .await
        .unwrap();
    w.commit().await.unwrap();

    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Pending);
    assert_eq!(record.target_meeting, None);
    assert_eq!(record.from_meeting, s.sub);
    assert_eq!(listed(store, c.cabinet, Direction::Pending).await, [sent]);

    // The receiving clerk accepts it onto the meeting of their choosing.
    let mut w = store.begin().await.unwrap();
    let proposed = w.accept_escalation(sent, s.open).await.unwrap();
    w.commit().await.unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Accepted);
    assert_eq!(record.escalation.target_item, Some(proposed));
    assert_eq!(record.target_meeting, Some(s.open));
    assert!(
        listed(store, c.cabinet, Direction::Pending)
            .await
            .is_empty()
    );
    assert_eq!(listed(store, c.cabinet, Direction::Awaiting).await, [sent]);
    // The target side shows a proposed item at the end of the agenda, numbered after the last
    // numbered item, that links back.
    assert_eq!(
        agenda(store, s.open).await,
        [
            ("1".to_owned(), "Apologies".to_owned()),
            ("5a".to_owned(), "Budget monitoring".to_owned()),
            (
                "6".to_owned(),
                "Escalated from Executive Scrutiny Committee: Domiciliary care workforce"
                    .to_owned()
            ),
        ]
    );
    let target = store
        .meeting_record(s.open, Audience::Privileged)
        .await
        .unwrap();
    let items = open_items(&target);
    let item = items.last().unwrap();
    assert_eq!(item.item.id, proposed);
    assert_eq!(item.escalated_from.as_ref().unwrap().escalation.id, sent);
    // The sending side links forward.
    let source = store.meeting_record(s.sub, Audience::Public).await.unwrap();
    assert_eq!(
        open_items(&source)[0].escalations_sent[0].target_meeting,
        Some(s.open)
    );

    let mut w = store.begin().await.unwrap();
    w.consider_escalation(sent, date("2021-11-18"))
        .await
        .unwrap();
    let err = w
        .consider_escalation(sent, date("2021-11-19"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::EscalationClosed)),
        "{err:?}"
    );
    w.commit().await.unwrap();
    assert_eq!(
        store.escalation(sent).await.unwrap().escalation.state,
        EscalationState::Considered
    );
    assert!(
        listed(store, c.cabinet, Direction::Awaiting)
            .await
            .is_empty()
    );
    assert_eq!(listed(store, c.scrutiny, Direction::Sent).await, [sent]);
    let received = store
        .escalations(
            c.cabinet,
            Direction::Received,
            Audience::Public,
            Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].escalation.state, EscalationState::Considered);
}

/// Sending an escalation, and scheduling a meeting after it, leave every agenda of the receiving
/// committee as it was: once, an escalation landed on another body's published agenda.
pub async fn an_escalation_never_writes_onto_another_agenda(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let before = (
        agenda(store, s.published).await,
        agenda(store, s.open).await,
    );
    let mut w = store.begin().await.unwrap();
    let sent = w
        .send_escalation(
            s.from,
            s.c.cabinet,
            &text(&"Bed base pressure. ".repeat(28)),
        )
        .await
        .unwrap();
    let later = w
        .schedule_meeting(&Meeting {
            committee: s.c.cabinet,
            times: MeetingTimes::new(at("2022-02-03 10:00"), None).unwrap(),
            location: None,
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        (
            agenda(store, s.published).await,
            agenda(store, s.open).await,
        ),
        before
    );
    assert!(agenda(store, later).await.is_empty());
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Pending);
    assert_eq!(record.escalation.target_item, None);
    assert_eq!(record.target_meeting, None);
    assert_eq!(listed(store, s.c.cabinet, Direction::Pending).await, [sent]);
    assert_eq!(
        listed(store, s.c.cabinet, Direction::Awaiting).await,
        [sent]
    );
}

pub async fn escalations_are_accepted_onto_an_open_agenda_of_their_committee_only(
    store: &dyn Store,
) {
    let s = escalation_scene(store).await;
    let mut w = store.begin().await.unwrap();
    let cancelled = meeting(
        w.as_mut(),
        s.c.cabinet,
        "2021-12-02 10:00",
        MeetingStatus::Cancelled,
    )
    .await;
    let scrutiny_next = meeting(
        w.as_mut(),
        s.c.scrutiny,
        "2021-12-06 14:00",
        MeetingStatus::Scheduled,
    )
    .await;
    // A committee with a name as long as a title may be, escalating an item whose title is as
    // long as a title may be: the proposed item's title still keeps the title rule.
    let long = w
        .create_committee(&Committee {
            slug: Slug::parse("slug", "long-board").unwrap(),
            name: title(&"Board ".repeat(83)),
            purpose: Text::default(),
            owners: CommitteeOwners::Single(s.c.org),
            parent: None,
        })
        .await
        .unwrap();
    let long_meeting = meeting(w.as_mut(), long, "2021-10-01 10:00", MeetingStatus::Held).await;
    let long_item = item(
        w.as_mut(),
        long_meeting,
        "1",
        &"Workforce ".repeat(50),
        None,
    )
    .await;
    let sent = w
        .send_escalation(s.from, s.c.cabinet, &text("Needs a Cabinet decision"))
        .await
        .unwrap();
    let long_sent = w
        .send_escalation(long_item, s.c.cabinet, &text("Needs a Cabinet decision"))
        .await
        .unwrap();
    w.commit().await.unwrap();

    let refused = |err: StoreError, what: &str| {
        assert!(matches!(err, StoreError::Rule(_)), "{what}: {err:?}");
    };
    for (meeting, what) in [
        (s.published, "a published agenda"),
        (cancelled, "a cancelled meeting"),
        (scrutiny_next, "a meeting of another committee"),
    ] {
        let mut w = store.begin().await.unwrap();
        refused(w.accept_escalation(sent, meeting).await.unwrap_err(), what);
    }
    let mut w = store.begin().await.unwrap();
    let err = w
        .accept_escalation(sent, Id::new(999_999))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    refused(
        w.consider_escalation(sent, date("2021-11-18"))
            .await
            .unwrap_err(),
        "considering a pending escalation",
    );
    drop(w);
    assert_eq!(
        store.escalation(sent).await.unwrap().escalation.state,
        EscalationState::Pending
    );

    let mut w = store.begin().await.unwrap();
    w.accept_escalation(sent, s.open).await.unwrap();
    let long_item = w.accept_escalation(long_sent, s.open).await.unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    refused(
        w.accept_escalation(sent, s.open).await.unwrap_err(),
        "accepting twice",
    );
    refused(
        w.decline_escalation(sent, &text("Changed our mind"))
            .await
            .unwrap_err(),
        "declining an accepted escalation",
    );
    drop(w);
    let proposed = store.item(long_item).await.unwrap();
    assert_eq!(proposed.title.as_str().chars().count(), Title::MAX_CHARS);
    assert!(
        proposed
            .title
            .as_str()
            .starts_with("Escalated from Board Board")
    );
    assert_eq!(proposed.number.as_str(), "7");
    // The meeting page reads back whole.
    assert_eq!(agenda(store, s.open).await.len(), 4);
}

pub async fn escalations_are_declined_with_a_reason(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let before = agenda(store, s.open).await;
    let mut w = store.begin().await.unwrap();
    let sent = w
        .send_escalation(s.from, s.c.cabinet, &text("Needs a Cabinet decision"))
        .await
        .unwrap();
    let err = w
        .decline_escalation(sent, &Text::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("escalation.decline_reason"),
        "{err}"
    );
    w.decline_escalation(sent, &text("A matter for the Health and Wellbeing Board"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Declined);
    assert_eq!(
        record.escalation.decline_reason,
        Some(text("A matter for the Health and Wellbeing Board"))
    );
    assert_eq!(record.target_meeting, None);
    assert_eq!(agenda(store, s.open).await, before);
    assert!(
        listed(store, s.c.cabinet, Direction::Pending)
            .await
            .is_empty()
    );
    assert!(
        listed(store, s.c.cabinet, Direction::Awaiting)
            .await
            .is_empty()
    );
    assert_eq!(
        listed(store, s.c.cabinet, Direction::Received).await,
        [sent]
    );

    let mut w = store.begin().await.unwrap();
    for err in [
        w.accept_escalation(sent, s.open).await.unwrap_err(),
        w.decline_escalation(sent, &text("Again"))
            .await
            .unwrap_err(),
        w.consider_escalation(sent, date("2021-11-18"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::Rule(_)), "{err:?}");
    }
}

pub async fn exempt_content_is_withheld_from_the_public(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let issue = w
        .create_issue(&Issue {
            title: title("Disposal of land at Moss Lane"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let public = item(w.as_mut(), m, "1", "Capital Programme", None).await;
    let exempt = w
        .create_item(&AgendaItem {
            meeting: m,
            position: 2,
            number: ItemNumber::parse("number", "2").unwrap(),
            title: title("SECRET-TITLE Disposal of land at Moss Lane"),
            issue: Some(issue),
            visibility: Visibility::Exempt(Exemption {
                ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                review_on: Some(date("2022-10-21")),
            }),
        })
        .await
        .unwrap();
    let document = |item, name: &str, visibility| Document {
        item: Some(item),
        issue: None,
        name: title(name),
        media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
        size_bytes: 1000,
        sha256: Some(Sha256::parse("sha256", &"aa".repeat(32)).unwrap()),
        text: text(&format!("{name}: the report's text")),
        visibility,
    };
    let appendix_exempt = Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("g", 3).unwrap(),
        review_on: None,
    });
    w.create_document(&document(public, "Capital report", Visibility::Public))
        .await
        .unwrap();
    w.create_document(&document(
        public,
        "SECRET-APPENDIX valuation",
        appendix_exempt,
    ))
    .await
    .unwrap();
    w.create_document(&document(exempt, "SECRET-REPORT", Visibility::Public))
        .await
        .unwrap();
    w.create_action(&Action {
        meeting: m,
        item: Some(exempt),
        description: text("SECRET-ACTION negotiate price"),
        owner: None,
        due_on: None,
        status: ActionStatus::Open,
        rag: Rag::Red,
        closed_on: None,
    })
    .await
    .unwrap();
    let unpublished = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-11-18 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    item(
        w.as_mut(),
        unpublished,
        "1",
        "SECRET-DRAFT agenda item",
        None,
    )
    .await;
    let next = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-12-16 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let scrutiny = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-11-02 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let escalated = w
        .send_escalation(
            exempt,
            c.scrutiny,
            &text("SECRET-ESCALATION of the valuation"),
        )
        .await
        .unwrap();
    w.accept_escalation(escalated, scrutiny).await.unwrap();
    w.set_meeting_status(scrutiny, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let public_escalations = store
        .escalations(
            c.scrutiny,
            Direction::Received,
            Audience::Public,
            Page::first(10),
        )
        .await
        .unwrap();
    assert!(
        public_escalations.is_empty(),
        "an escalation of an exempt item reached the public"
    );
    let private = store
        .escalations(
            c.scrutiny,
            Direction::Received,
            Audience::Privileged,
            Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(private.len(), 1);
    let proposed = store
        .meeting_record(scrutiny, Audience::Public)
        .await
        .unwrap();
    assert!(
        format!("{proposed:?}").find("SECRET").is_none(),
        "the proposed item of an exempt escalation is exempt too"
    );
    assert!(
        matches!(
            proposed.agenda.as_deref(),
            Some([ItemEntry::Withheld { .. }])
        ),
        "{proposed:?}"
    );

    let seen = format!(
        "{:?}{:?}{:?}",
        store.meeting_record(m, Audience::Public).await.unwrap(),
        store
            .meeting_record(unpublished, Audience::Public)
            .await
            .unwrap(),
        store.meeting_record(next, Audience::Public).await.unwrap(),
    );
    // The issue's only items are exempt or not yet on a public agenda: its title is content, so
    // for the public the issue is not there at all.
    assert!(
        matches!(
            store.issue_record(issue, Audience::Public).await,
            Err(StoreError::NotFound { .. })
        ),
        "an issue with no public item reached the public"
    );
    assert!(
        !seen.contains("SECRET"),
        "exempt content reached the public: {seen}"
    );
    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    let agenda = record.agenda.as_ref().unwrap();
    assert!(
        matches!(&agenda[1], ItemEntry::Withheld { label, .. } if label == "Exempt — paragraph 3"),
        "{:?}",
        agenda[1]
    );
    assert_eq!(open_items(&record)[0].documents.len(), 1);
    assert!(
        store
            .meeting_record(unpublished, Audience::Public)
            .await
            .unwrap()
            .agenda
            .is_none()
    );
    assert!(
        store
            .minutes_versions(exempt, Audience::Public)
            .await
            .unwrap()
            .is_empty()
    );

    let privileged = format!(
        "{:?}",
        store.meeting_record(m, Audience::Privileged).await.unwrap()
    );
    for secret in [
        "SECRET-TITLE",
        "SECRET-APPENDIX",
        "SECRET-REPORT",
        "SECRET-ACTION",
    ] {
        assert!(
            privileged.contains(secret),
            "{secret} hidden from a privileged reader"
        );
    }
}

pub async fn decision_call_in_rules(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::MinutesDraft,
    )
    .await;
    let i = item(w.as_mut(), m, "7", "STP operating principles", None).await;
    let decided_on = date("2016-04-14");
    let decision = Decision {
        item: Some(i),
        maker: DecisionMaker::Committee(c.cabinet),
        decided_on,
        title: title("Operating Principles agreed"),
        text: text("The Operating Principles set out in the report be agreed."),
        key_decision: true,
        call_in: CallIn::Subject {
            deadline: time::add_working_days(decided_on, 5),
        },
        status: DecisionStatus::Made,
    };
    let bad = Decision {
        call_in: CallIn::Subject {
            deadline: date("2016-04-01"),
        },
        ..decision.clone()
    };
    let err = w.create_decision(&bad).await.unwrap_err();
    assert!(
        err.to_string().contains("decision.call_in_deadline"),
        "{err}"
    );
    let id = w.create_decision(&decision).await.unwrap();
    let err = w
        .set_decision_status(id, DecisionStatus::Implemented, date("2016-04-20"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::DecisionTransition { .. })),
        "{err:?}"
    );
    w.set_decision_status(id, DecisionStatus::CalledIn, date("2016-04-20"))
        .await
        .unwrap();
    w.set_decision_status(id, DecisionStatus::Made, date("2016-05-03"))
        .await
        .unwrap();
    w.set_decision_status(id, DecisionStatus::Implemented, date("2016-05-04"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let stored = store.decision(id).await.unwrap();
    assert_eq!(stored.status, DecisionStatus::Implemented);
    assert_eq!(stored.call_in.deadline(), Some(date("2016-04-21")));
    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    assert_eq!(open_items(&record)[0].decisions[0].id, id);
}

pub async fn registers_filter_page_and_withhold(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let officer = w
        .create_person(&Person {
            name: title("Mike Kirby"),
            job_title: Some(title("Director")),
        })
        .await
        .unwrap();
    for (n, day) in ["2021-01-14", "2021-02-11", "2021-03-11"]
        .iter()
        .enumerate()
    {
        let m = meeting(
            w.as_mut(),
            c.cabinet,
            &format!("{day} 10:00"),
            MeetingStatus::MinutesDraft,
        )
        .await;
        let i = item(w.as_mut(), m, "1", &format!("Budget {n}"), None).await;
        let secret = w
            .create_item(&AgendaItem {
                meeting: m,
                position: 2,
                number: ItemNumber::parse("number", "2").unwrap(),
                title: title("SECRET land deal"),
                issue: None,
                visibility: Visibility::Exempt(Exemption {
                    ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                    review_on: None,
                }),
            })
            .await
            .unwrap();
        for (on, key, title_text) in [
            (i, n == 1, format!("Budget decision {n}")),
            (secret, true, format!("SECRET decision {n}")),
        ] {
            w.create_decision(&Decision {
                item: Some(on),
                maker: DecisionMaker::Committee(c.cabinet),
                decided_on: date(day),
                title: title(&title_text),
                text: Text::default(),
                key_decision: key,
                call_in: CallIn::NotSubject,
                status: DecisionStatus::Made,
            })
            .await
            .unwrap();
        }
        for (on, description) in [
            (i, format!("Report back on budget {n}")),
            (secret, format!("SECRET valuation {n}")),
        ] {
            w.create_action(&Action {
                meeting: m,
                item: Some(on),
                description: text(&description),
                owner: Some(ActionOwner::Person(officer)),
                due_on: Some(date(day) + chrono::Duration::days(30)),
                status: ActionStatus::Open,
                rag: if n == 0 { Rag::Red } else { Rag::Green },
                closed_on: None,
            })
            .await
            .unwrap();
        }
    }
    w.commit().await.unwrap();

    let all = store
        .decisions(
            &DecisionFilter::default(),
            Page::first(50),
            Audience::Public,
        )
        .await
        .unwrap();
    let titles: Vec<&str> = all.iter().map(|d| d.decision.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Budget decision 2",
            "Budget decision 1",
            "Budget decision 0"
        ],
        "newest first, exempt withheld"
    );
    assert_eq!(all[0].item_number.as_ref().unwrap().as_str(), "1");
    assert_eq!(all[0].committee.as_ref().unwrap().id, c.cabinet);
    let key = DecisionFilter {
        key_only: true,
        ..DecisionFilter::default()
    };
    let keyed = store
        .decisions(&key, Page::first(50), Audience::Public)
        .await
        .unwrap();
    assert_eq!(keyed.len(), 1);
    let window = DecisionFilter {
        from: Some(date("2021-02-01")),
        until: Some(date("2021-02-28")),
        ..DecisionFilter::default()
    };
    assert_eq!(
        store
            .decisions(&window, Page::first(50), Audience::Public)
            .await
            .unwrap()
            .len(),
        1
    );
    let other = DecisionFilter {
        committee: Some(c.scrutiny),
        ..DecisionFilter::default()
    };
    assert!(
        store
            .decisions(&other, Page::first(50), Audience::Public)
            .await
            .unwrap()
            .is_empty()
    );
    let second_page = store
        .decisions(
            &DecisionFilter::default(),
            Page::new(2, 2),
            Audience::Public,
        )
        .await
        .unwrap();
    assert_eq!(second_page.len(), 1);
    assert_eq!(
        store
            .decisions(
                &DecisionFilter::default(),
                Page::first(50),
                Audience::Privileged
            )
            .await
            .unwrap()
            .len(),
        6
    );

    let actions = store
        .actions(&ActionFilter::default(), Page::first(50), Audience::Public)
        .await
        .unwrap();
    assert_eq!(actions.len(), 3);
    assert!(
        format!("{actions:?}").find("SECRET").is_none(),
        "exempt actions withheld"
    );
    assert_eq!(actions[0].committee.id, c.cabinet);
    let red = ActionFilter {
        rag: Some(Rag::Red),
        ..ActionFilter::default()
    };
    assert_eq!(
        store
            .actions(&red, Page::first(50), Audience::Public)
            .await
            .unwrap()
            .len(),
        1
    );
    let overdue = ActionFilter {
        overdue_on: Some(date("2021-03-01")),
        ..ActionFilter::default()
    };
    let overdue = store
        .actions(&overdue, Page::first(50), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        overdue.len(),
        1,
        "only the January action was due before 1 March"
    );
    let mine = ActionFilter {
        owner: Some(officer),
        ..ActionFilter::default()
    };
    assert_eq!(
        store
            .actions(&mine, Page::first(2), Audience::Privileged)
            .await
            .unwrap()
            .len(),
        2
    );

    let person = store
        .person_record(officer, Audience::Public)
        .await
        .unwrap();
    assert_eq!(person.open_actions.len(), 3);
    assert!(person.memberships.is_empty());
    let chair = store
        .person_record(c.chair, Audience::Public)
        .await
        .unwrap();
    assert!(chair.meetings.is_empty());
    assert!(matches!(
        store.person_record(Id::new(99_999), Audience::Public).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn forward_plan_lists_what_is_coming(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    w.commit().await.unwrap();
    let entry = |name: &str, published: &str, expected: &str| ForwardPlanEntry {
        title: title(name),
        decision_maker: c.cabinet,
        issue: None,
        published_on: date(published),
        expected_on: date(expected),
    };
    // The domain refuses a decision expected before its notice, before anything is written.
    let mut w = store.begin().await.unwrap();
    let err = w
        .create_forward_plan_entry(&entry("Backwards", "2021-03-01", "2021-02-01"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("forward_plan.expected_on"),
        "{err}"
    );
    drop(w);

    let mut w = store.begin().await.unwrap();
    for (name, published, expected) in [
        ("Treasury Management Strategy", "2021-01-04", "2021-02-11"),
        ("Capital Programme", "2021-01-04", "2021-03-11"),
        ("Past decision", "2020-11-01", "2020-12-10"),
    ] {
        w.create_forward_plan_entry(&entry(name, published, expected))
            .await
            .unwrap();
    }
    w.commit().await.unwrap();
    let coming = store
        .forward_plan(None, date("2021-01-15"), Page::first(10))
        .await
        .unwrap();
    let titles: Vec<&str> = coming.iter().map(|e| e.entry.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Treasury Management Strategy", "Capital Programme"]
    );
    assert_eq!(coming[0].decision_maker.id, c.cabinet);
    assert!(
        store
            .forward_plan(Some(c.scrutiny), date("2021-01-15"), Page::first(10))
            .await
            .unwrap()
            .is_empty()
    );
}

/// Search reads records flattened to their words, says which the public may find, and the change
/// log names every record a unit of work touched, in order.
pub async fn search_reads_follow_every_change(store: &dyn Store) {
    assert_eq!(store.last_search_change().await.unwrap(), 0);
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let beds = item(w.as_mut(), held, "5", "Step-down beds", None).await;
    let secret = w
        .create_item(&AgendaItem {
            meeting: held,
            position: 6,
            number: ItemNumber::parse("number", "6").unwrap(),
            title: title("Sale of land at Moor Lane"),
            issue: None,
            visibility: Visibility::Exempt(Exemption {
                ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                review_on: None,
            }),
        })
        .await
        .unwrap();
    let future = meeting(
        w.as_mut(),
        c.scrutiny,
        "2030-01-09 14:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let draft = item(w.as_mut(), future, "1", "Winter pressures", None).await;
    w.commit().await.unwrap();
    let after_create = store.last_search_change().await.unwrap();
    assert!(after_create >= 3, "three items created: {after_create}");

    let mut w = store.begin().await.unwrap();
    w.record_minutes(
        beds,
        &minutes(
            "Members discussed step-down beds.",
            &["the plan be approved"],
        ),
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let changes = store.search_changes(after_create, 100).await.unwrap();
    assert!(
        changes
            .iter()
            .any(|ch| ch.kind == SearchKind::Item && ch.id == beds.get()),
        "recording minutes is a change to the item: {changes:?}"
    );
    assert!(changes.windows(2).all(|p| p[0].seq < p[1].seq));

    let docs = store
        .search_documents(
            SearchKind::Item,
            SearchSelection::After { id: 0, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(docs.len(), 3);
    let by_id = |id: ItemId| docs.iter().find(|d| d.id == id.get()).unwrap();
    let b = by_id(beds);
    assert!(b.public);
    assert!(b.body.contains("step-down beds") && b.body.contains("the plan be approved"));
    assert_eq!(b.committee.as_ref().map(|c| c.id), Some(c.cabinet));
    assert_eq!(
        b.organisations,
        vec!["northshire-county-council".to_owned()]
    );
    assert_eq!(b.date, Some(date("2016-04-14")));
    assert_eq!(
        (b.meeting, b.item_number.as_deref()),
        (Some(held), Some("5"))
    );
    assert!(!by_id(secret).public, "exempt items are not for the public");
    assert!(
        !by_id(draft).public,
        "nor items of an agenda not yet published"
    );
    let some = store
        .search_documents(
            SearchKind::Item,
            SearchSelection::Ids(&[secret.get(), 999_999]),
        )
        .await
        .unwrap();
    assert_eq!(
        some.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![secret.get()]
    );

    // Publishing the agenda touches the items of the meeting, and makes them public.
    let before = store.last_search_change().await.unwrap();
    let mut w = store.begin().await.unwrap();
    w.set_meeting_status(future, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let changes = store.search_changes(before, 100).await.unwrap();
    assert!(changes.iter().any(|ch| ch.id == draft.get()), "{changes:?}");
    let now = store
        .search_documents(SearchKind::Item, SearchSelection::Ids(&[draft.get()]))
        .await
        .unwrap();
    assert!(now[0].public);

    // Two indexes read the log. Pruning waits for the slower, then forgets what both hold but
    // not the high-water mark, and numbers go on growing.
    let last = store.last_search_change().await.unwrap();
    let at = at("2026-11-24 09:00");
    assert_eq!(store.search_log_floor().await.unwrap(), 0);
    store.search_read_upto("one", last, at).await.unwrap();
    store.search_read_upto("two", before, at).await.unwrap();
    let kept = store.search_changes(0, 1000).await.unwrap();
    assert!(
        !kept.is_empty() && kept.iter().all(|c| c.seq > before),
        "what index two has not read is kept, what both have is gone: {kept:?}"
    );
    assert_eq!(store.search_log_floor().await.unwrap(), before);
    // An index not heard from for a day no longer holds back pruning.
    let later = at + crate::SEARCH_READER_LAPSE + chrono::TimeDelta::minutes(1);
    store.search_read_upto("one", last, later).await.unwrap();
    assert!(store.search_changes(last, 10).await.unwrap().is_empty());
    assert!(store.search_changes(0, 10).await.unwrap().len() <= 1);
    assert_eq!(store.last_search_change().await.unwrap(), last);
    assert_eq!(
        store.search_log_floor().await.unwrap(),
        last - 1,
        "index two, at {before}, now knows it must rebuild"
    );
    // A forgotten index holds back nothing; the floor never falls.
    store.forget_search_reader("two").await.unwrap();
    store.search_read_upto("one", last, later).await.unwrap();
    assert_eq!(store.search_log_floor().await.unwrap(), last - 1);
    let mut w = store.begin().await.unwrap();
    item(w.as_mut(), held, "7", "Any other business", None).await;
    w.commit().await.unwrap();
    let next = store.search_changes(last, 10).await.unwrap();
    assert!(
        !next.is_empty() && next.iter().all(|c| c.seq > last),
        "{next:?}"
    );
}

/// What importers rely on: sources remembered and found by key (also inside the same unit of
/// work), records replaced in place with their ids kept and the search log told, a replacement of
/// a missing record refused, and issue references listed.
pub async fn imports_remember_sources_and_replace_in_place(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let issue = w
        .create_issue(&Issue {
            title: title("Sustainability and Transformation Plan"),
            reference: Some(title("STP/2016/1")),
            summary: Text::default(),
        })
        .await
        .unwrap();
    let beds = item(w.as_mut(), held, "7", "Step-down beds", Some(issue)).await;
    let source = |key: &str, kind: &str, id: i64, fingerprint: &str| ImportSource {
        key: key.to_owned(),
        kind: kind.to_owned(),
        record_id: id,
        fingerprint: fingerprint.to_owned(),
    };
    w.remember_import_source(&source(
        "oparl:https://x/meeting/1",
        "meeting",
        held.get(),
        "aa",
    ))
    .await
    .unwrap();
    w.remember_import_source(&source("oparl:https://x/item/1", "item", beds.get(), "bb"))
        .await
        .unwrap();
    // Found inside the unit of work that remembered them; unknown keys are absent.
    let keys = [
        "oparl:https://x/meeting/1".to_owned(),
        "oparl:https://x/item/1".to_owned(),
        "oparl:https://x/unknown".to_owned(),
    ];
    let mut found = w.import_sources(&keys).await.unwrap();
    found.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(
        found,
        [
            source("oparl:https://x/item/1", "item", beds.get(), "bb"),
            source("oparl:https://x/meeting/1", "meeting", held.get(), "aa"),
        ]
    );
    w.commit().await.unwrap();

    // A changed source: the same ids, the new content, the search log told.
    let logged = store.last_search_change().await.unwrap();
    let mut w = store.begin().await.unwrap();
    let moved = Meeting {
        committee: c.scrutiny,
        times: MeetingTimes::new(at("2016-04-12 14:00"), None).unwrap(),
        location: None,
        status: MeetingStatus::Held,
        agenda_published: None,
    };
    w.replace(held.get(), Replacement::Meeting(&moved))
        .await
        .unwrap();
    let renamed = AgendaItem {
        meeting: held,
        position: 4,
        number: ItemNumber::parse("number", "4").unwrap(),
        title: title("Step-down beds and winter pressures"),
        issue: Some(issue),
        visibility: Visibility::Public,
    };
    w.replace(beds.get(), Replacement::Item(&renamed))
        .await
        .unwrap();
    w.remember_import_source(&source("oparl:https://x/item/1", "item", beds.get(), "cc"))
        .await
        .unwrap();
    let missing = w
        .replace(9_999, Replacement::Item(&renamed))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, StoreError::NotFound { .. }),
        "{missing:?}"
    );
    w.commit().await.unwrap();

    let record = store.meeting_record(held, Audience::Public).await.unwrap();
    assert_eq!(record.committee.id, c.scrutiny);
    assert_eq!(record.meeting.record.times.start(), at("2016-04-12 14:00"));
    let items = open_items(&record);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.id, beds);
    assert_eq!(items[0].item.record.number.as_str(), "4");
    assert_eq!(
        items[0].item.record.title.as_str(),
        "Step-down beds and winter pressures"
    );
    assert!(store.last_search_change().await.unwrap() > logged);
    let mut w = store.begin().await.unwrap();
    let again = w
        .import_sources(&["oparl:https://x/item/1".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        again[0].fingerprint, "cc",
        "remembering a key again updates it"
    );
    drop(w);
    assert_eq!(
        store.issue_references().await.unwrap(),
        [("STP/2016/1".to_owned(), issue)]
    );
}

/// Failures are counted by address and by account inside the writer, so attempts made at the
/// same moment are checked one after another: of thirty parallel attempts that each reserve a
/// failure while fewer than five are counted, exactly five get through. Clearing forgets only the
/// failures of one account from one address.
pub async fn sign_in_attempts_are_counted_one_after_another(store: &dyn Store) {
    let victim = Email::parse("email", "admin@northshire.gov.uk").unwrap();
    let other = Email::parse("email", "clerk@northshire.gov.uk").unwrap();
    let now = at("2026-11-23 09:00");
    let since = now - chrono::Duration::minutes(15);
    let attempt = || async {
        let mut w = store.begin().await.unwrap();
        let counted = w
            .failed_attempts(&victim, "198.51.100.7", since)
            .await
            .unwrap();
        if counted.on_account_from_address >= 5 {
            return false;
        }
        // A pause while the check is open lets every other attempt reach its own check: were
        // the check not inside the writer's lock, all thirty would see the same count.
        tokio::task::yield_now().await;
        w.record_login_failure(&victim, "198.51.100.7", now)
            .await
            .unwrap();
        w.commit().await.unwrap();
        true
    };
    let through = futures_util::future::join_all((0..30).map(|_| attempt())).await;
    assert_eq!(
        through.iter().filter(|t| **t).count(),
        5,
        "parallel attempts are counted one after another"
    );

    let mut w = store.begin().await.unwrap();
    w.record_login_failure(&other, "198.51.100.7", now)
        .await
        .unwrap();
    w.record_login_failure(&victim, "203.0.113.9", now + chrono::Duration::minutes(1))
        .await
        .unwrap();
    // A day-old failure is forgotten when another is recorded.
    w.record_login_failure(&victim, "203.0.113.9", now - chrono::Duration::days(2))
        .await
        .unwrap();
    w.record_login_failure(&other, "203.0.113.9", now)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert_eq!(
        w.failed_attempts(&victim, "198.51.100.7", since)
            .await
            .unwrap(),
        FailedAttempts {
            from_address: 6,
            on_account_from_address: 5,
            on_account: 6,
            first_from_address: Some(now),
            first_on_account_from_address: Some(now),
            last_on_account: Some(now + chrono::Duration::minutes(1)),
        }
    );
    assert_eq!(
        w.failed_attempts(&victim, "203.0.113.9", now - chrono::Duration::days(3))
            .await
            .unwrap()
            .from_address,
        2,
        "failures older than a day are forgotten"
    );
    w.clear_login_failures(&victim, "198.51.100.7")
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    let left = w
        .failed_attempts(&victim, "198.51.100.7", since)
        .await
        .unwrap();
    assert_eq!(
        (
            left.from_address,
            left.on_account_from_address,
            left.on_account
        ),
        (1, 0, 1),
        "clearing forgets one account's failures from one address"
    );
}

/// Accounts are unique by email, sessions expire and end, failed sign-ins are counted and
/// forgotten, and the audit log keeps what it is given, newest first.
pub async fn accounts_sessions_and_the_audit_log(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let email = Email::parse("email", "clerk@northshire.gov.uk").unwrap();
    let clerk = User::new(email.clone(), title("Jo Clerk"), Role::Clerk, Some(c.org)).unwrap();
    let id = w.create_user(&clerk, "$argon2id$first").await.unwrap();
    let admin = User::new(
        Email::parse("email", "admin@northshire.gov.uk").unwrap(),
        title("Sam Admin"),
        Role::Admin,
        None,
    )
    .unwrap();
    w.create_user(&admin, "$argon2id$admin").await.unwrap();
    w.commit().await.unwrap();

    let mut w = store.begin().await.unwrap();
    let again = w.create_user(&clerk, "$argon2id$other").await;
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "a second account with one email is a conflict: {again:?}"
    );
    drop(w);

    let account = store.account(&email).await.unwrap();
    assert_eq!(account.user.id, id);
    assert_eq!(account.user.record, clerk);
    assert_eq!(account.password_hash, "$argon2id$first");
    assert!(matches!(
        store
            .account(&Email::parse("email", "nobody@example.org").unwrap())
            .await,
        Err(StoreError::NotFound { .. })
    ));
    let emails: Vec<String> = store
        .users()
        .await
        .unwrap()
        .iter()
        .map(|u| u.email.to_string())
        .collect();
    assert_eq!(
        emails,
        ["admin@northshire.gov.uk", "clerk@northshire.gov.uk"]
    );

    let now = at("2026-11-23 09:00");
    let session = |token: &str| Session {
        token_hash: token.to_owned(),
        user: id,
        csrf_token: format!("csrf-{token}"),
        created: now,
        expires: now + chrono::Duration::hours(12),
        seen: now,
    };
    let mut w = store.begin().await.unwrap();
    w.create_session(&session("one")).await.unwrap();
    w.create_session(&session("two")).await.unwrap();
    w.set_password(id, "$argon2id$second").await.unwrap();
    w.commit().await.unwrap();
    let (found, user) = store.session("one", now).await.unwrap().unwrap();
    assert_eq!(found, session("one"));
    assert_eq!(user.id, id);
    assert_eq!(
        store.account(&email).await.unwrap().password_hash,
        "$argon2id$second"
    );
    assert!(
        store
            .session("one", now + chrono::Duration::hours(12))
            .await
            .unwrap()
            .is_none(),
        "an expired session signs no one in"
    );
    assert!(store.session("three", now).await.unwrap().is_none());

    // Changing a role keeps the sessions; removing the account ends them.
    let officer = User::new(email.clone(), title("Jo Officer"), Role::Officer, None).unwrap();
    let mut w = store.begin().await.unwrap();
    w.update_user(id, &officer).await.unwrap();
    w.commit().await.unwrap();
    assert_eq!(store.user(id).await.unwrap().record, officer);
    assert!(store.session("two", now).await.unwrap().is_some());
    let mut w = store.begin().await.unwrap();
    w.update_user(id, &clerk).await.unwrap();
    w.commit().await.unwrap();

    let mut w = store.begin().await.unwrap();
    w.end_sessions_of(id, Some("two")).await.unwrap();
    w.commit().await.unwrap();
    assert!(store.session("one", now).await.unwrap().is_none());
    assert!(store.session("two", now).await.unwrap().is_some());
    let mut w = store.begin().await.unwrap();
    w.end_session("two").await.unwrap();
    w.commit().await.unwrap();
    assert!(store.session("two", now).await.unwrap().is_none());

    // Using a session moves its last use on, and nothing else.
    let mut w = store.begin().await.unwrap();
    w.create_session(&session("touched")).await.unwrap();
    w.touch_session("touched", now + chrono::Duration::hours(3))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let (touched, _) = store.session("touched", now).await.unwrap().unwrap();
    assert_eq!(
        touched,
        Session {
            seen: now + chrono::Duration::hours(3),
            ..session("touched")
        }
    );

    let mut w = store.begin().await.unwrap();
    for minutes in [0, 5, 10] {
        w.record_login_failure(
            &email,
            "192.0.2.1",
            now + chrono::Duration::minutes(minutes),
        )
        .await
        .unwrap();
    }
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert_eq!(
        w.failed_attempts(&email, "192.0.2.1", now).await.unwrap(),
        FailedAttempts {
            from_address: 3,
            on_account_from_address: 3,
            on_account: 3,
            first_from_address: Some(now),
            first_on_account_from_address: Some(now),
            last_on_account: Some(now + chrono::Duration::minutes(10)),
        }
    );
    assert_eq!(
        w.failed_attempts(&email, "192.0.2.1", now + chrono::Duration::minutes(5))
            .await
            .unwrap()
            .on_account,
        2
    );
    w.clear_login_failures(&email, "192.0.2.1").await.unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    assert_eq!(
        w.failed_attempts(&email, "192.0.2.1", now).await.unwrap(),
        FailedAttempts::default()
    );
    drop(w);

    let entry = |n: i64, action: &str| AuditEntry {
        at: now + chrono::Duration::minutes(n),
        by: "clerk@northshire.gov.uk".into(),
        action: action.into(),
        record: "meeting".into(),
        record_id: n,
        before: (n > 1).then(|| r#"{"status":"scheduled"}"#.to_owned()),
        after: Some(r#"{"status":"agenda_published"}"#.to_owned()),
    };
    let mut w = store.begin().await.unwrap();
    w.record_audit(&entry(1, "create meeting")).await.unwrap();
    w.record_audit(&entry(2, "publish agenda")).await.unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    w.record_audit(&entry(3, "never landed")).await.unwrap();
    drop(w);
    let log = store.audit_log(None, Page::first(10)).await.unwrap();
    let entries: Vec<&AuditEntry> = log.iter().map(|r| &r.entry).collect();
    assert_eq!(
        entries,
        [&entry(2, "publish agenda"), &entry(1, "create meeting")]
    );
    let one = store
        .audit_log(Some(("meeting", 1)), Page::first(10))
        .await
        .unwrap();
    assert_eq!(one.len(), 1);
    assert_eq!(one[0].entry, entry(1, "create meeting"));

    let mut w = store.begin().await.unwrap();
    w.create_session(&session("four")).await.unwrap();
    w.delete_user(id).await.unwrap();
    w.commit().await.unwrap();
    assert!(store.session("four", now).await.unwrap().is_none());
    assert!(matches!(
        store.account(&email).await,
        Err(StoreError::NotFound { .. })
    ));
    assert_eq!(
        store.audit_log(None, Page::first(10)).await.unwrap().len(),
        2
    );
}

/// A document reaches the public only when it, its item and its item's agenda are public; the
/// exempt register lists exempt items and documents, soonest review first.
pub async fn documents_by_audience_and_the_exempt_register(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let scheduled = meeting(
        w.as_mut(),
        c.cabinet,
        "2030-04-14 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let open = item(w.as_mut(), held, "7", "Step-down beds", None).await;
    let coming = item(w.as_mut(), scheduled, "1", "Budget", None).await;
    let exemption = |paragraph, review: Option<&str>| Exemption {
        ground: ExemptGround::schedule_12a("ground", paragraph).unwrap(),
        review_on: review.map(date),
    };
    let closed = w
        .create_item(&AgendaItem {
            meeting: held,
            position: 8,
            number: ItemNumber::parse("number", "8").unwrap(),
            title: title("Depot sale"),
            issue: None,
            visibility: Visibility::Exempt(exemption(3, Some("2027-01-01"))),
        })
        .await
        .unwrap();
    let doc = |item, name: &str, visibility: Visibility| Document {
        item: Some(item),
        issue: None,
        name: title(name),
        media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
        size_bytes: 1024,
        sha256: None,
        text: text("report text"),
        visibility,
    };
    let public = w
        .create_document(&doc(open, "Report", Visibility::Public))
        .await
        .unwrap();
    let appendix = w
        .create_document(&doc(
            open,
            "Appendix",
            Visibility::Exempt(exemption(1, None)),
        ))
        .await
        .unwrap();
    let on_exempt = w
        .create_document(&doc(closed, "Valuation", Visibility::Public))
        .await
        .unwrap();
    let unpublished = w
        .create_document(&doc(coming, "Draft budget", Visibility::Public))
        .await
        .unwrap();
    w.commit().await.unwrap();

    assert_eq!(
        store.document(public, Audience::Public).await.unwrap().name,
        title("Report")
    );
    for hidden in [appendix, on_exempt, unpublished] {
        assert!(
            matches!(
                store.document(hidden, Audience::Public).await,
                Err(StoreError::NotFound { .. })
            ),
            "document {hidden} reached the public"
        );
        store.document(hidden, Audience::Privileged).await.unwrap();
    }
    assert!(matches!(
        store.document(Id::new(999_999), Audience::Privileged).await,
        Err(StoreError::NotFound { .. })
    ));

    let register = store.exempt_register(Page::first(10)).await.unwrap();
    let listed: Vec<(&str, i64, Option<NaiveDate>)> = register
        .iter()
        .map(|e| (e.kind, e.id, e.exemption.review_on))
        .collect();
    assert_eq!(
        listed,
        [
            ("item", closed.get(), Some(date("2027-01-01"))),
            ("document", appendix.get(), None),
        ]
    );
    assert_eq!(register[0].meeting, Some(held));
    assert_eq!(register[0].committee.as_ref().unwrap().id, c.cabinet);

    // Every kind of record can be replaced in place, memberships included.
    let mut w = store.begin().await.unwrap();
    let joined = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2015-05-01"),
        None,
    )
    .unwrap();
    let id = w.create_membership(&joined).await.unwrap();
    let left = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2015-05-01"),
        Some(date("2019-05-01")),
    )
    .unwrap();
    w.replace(id.get(), Replacement::Membership(&left))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let stored = store.memberships(c.cabinet).await.unwrap();
    let found = stored.iter().find(|m| m.membership.id == id).unwrap();
    assert_eq!(found.membership.record, left);
}

/// Setting a meeting's attendance replaces what was recorded before.
pub async fn attendance_is_set_as_a_whole(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let clerk = w
        .create_person(&Person {
            name: title("Sam Clerk"),
            job_title: None,
        })
        .await
        .unwrap();
    w.record_attendance(held, c.chair, AttendanceKind::Apologies)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    w.set_attendance(
        held,
        &[
            (c.chair, AttendanceKind::Present),
            (clerk, AttendanceKind::InAttendance),
        ],
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let record = store.meeting_record(held, Audience::Public).await.unwrap();
    let mut got: Vec<(PersonId, AttendanceKind)> = record
        .attendance
        .iter()
        .map(|a| (a.person.id, a.kind))
        .collect();
    got.sort_by_key(|(p, _)| *p);
    assert_eq!(
        got,
        [
            (c.chair, AttendanceKind::Present),
            (clerk, AttendanceKind::InAttendance)
        ]
    );
    let mut w = store.begin().await.unwrap();
    w.set_attendance(held, &[]).await.unwrap();
    w.commit().await.unwrap();
    assert!(
        store
            .meeting_record(held, Audience::Public)
            .await
            .unwrap()
            .attendance
            .is_empty()
    );
}

/// The first hundred published records: more than any story makes.
const FIRST_100: Selection<'static> = Selection::After { id: 0, limit: 100 };

async fn stamps(
    store: &dyn Store,
    kind: PublishedKind,
    scope: Scope,
    window: Window,
    selection: Selection<'_>,
) -> Vec<i64> {
    store
        .published(kind, scope, &window, selection)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect()
}

/// Open data lists what the public may see, in id order, by scope and window, and a change to
/// what a record embeds (an item's minutes, a meeting's attendance, a person's membership) marks
/// the record modified.
pub async fn open_data_lists_public_records_with_their_times(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let issue = w
        .create_issue(&Issue {
            title: title("Library opening hours"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let hidden_issue = w
        .create_issue(&Issue {
            title: title("Only ever on an unpublished agenda"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        MeetingStatus::Held,
    )
    .await;
    let item_open = item(w.as_mut(), held, "1", "Library opening hours", Some(issue)).await;
    let scheduled = meeting(
        w.as_mut(),
        c.scrutiny,
        "2031-10-21 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let item_hidden = item(
        w.as_mut(),
        scheduled,
        "1",
        "Not yet public",
        Some(hidden_issue),
    )
    .await;
    let seat = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2021-05-01"),
        None,
    )
    .unwrap();
    let membership = w.create_membership(&seat).await.unwrap();
    w.commit().await.unwrap();

    let all = Window::default();
    let list = |kind, scope| stamps(store, kind, scope, all, FIRST_100);
    assert_eq!(
        list(PublishedKind::Organisation, Scope::All).await,
        vec![c.org.get()]
    );
    assert_eq!(
        list(PublishedKind::Committee, Scope::Organisation(c.org)).await,
        vec![c.cabinet.get(), c.scrutiny.get()]
    );
    assert_eq!(
        list(PublishedKind::Person, Scope::Committee(c.cabinet)).await,
        vec![c.chair.get()]
    );
    assert!(
        list(PublishedKind::Person, Scope::Committee(c.scrutiny))
            .await
            .is_empty()
    );
    // Every meeting is listed (a scheduled one without its agenda); only published agendas'
    // items, and only issues considered in the open.
    assert_eq!(
        list(PublishedKind::Meeting, Scope::All).await,
        vec![held.get(), scheduled.get()]
    );
    assert_eq!(
        list(PublishedKind::Meeting, Scope::Committee(c.scrutiny)).await,
        vec![scheduled.get()]
    );
    assert_eq!(
        list(PublishedKind::Item, Scope::All).await,
        vec![item_open.get()]
    );
    assert_eq!(
        list(PublishedKind::Issue, Scope::All).await,
        vec![issue.get()]
    );
    let picked = [item_open.get(), item_hidden.get()];
    assert_eq!(
        stamps(
            store,
            PublishedKind::Item,
            Scope::All,
            all,
            Selection::Ids(&picked)
        )
        .await,
        vec![item_open.get()]
    );
    // Paging by cursor.
    let page = |after| {
        stamps(
            store,
            PublishedKind::Committee,
            Scope::All,
            all,
            Selection::After {
                id: after,
                limit: 1,
            },
        )
    };
    assert_eq!(page(0).await, vec![c.cabinet.get()]);
    assert_eq!(page(c.cabinet.get()).await, vec![c.scrutiny.get()]);

    // A change to what a record embeds makes it modified; the window finds it alone.
    let times = |kind| async move {
        store
            .published(kind, Scope::All, &Window::default(), FIRST_100)
            .await
            .unwrap()
    };
    let before = times(PublishedKind::Meeting).await;
    let since = || async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let since = chrono::Utc::now();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        since
    };
    let modified_since = |kind, since| {
        stamps(
            store,
            kind,
            Scope::All,
            Window {
                modified_since: Some(since),
                ..Window::default()
            },
            FIRST_100,
        )
    };
    let minutes_at = since().await;
    let mut w = store.begin().await.unwrap();
    w.record_minutes(item_open, &minutes("Members noted the report.", &[]))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        modified_since(PublishedKind::Meeting, minutes_at).await,
        vec![held.get()]
    );
    let after = times(PublishedKind::Meeting).await;
    assert!(
        after[0].modified > before[0].modified,
        "{after:?} {before:?}"
    );
    let window = |window| stamps(store, PublishedKind::Meeting, Scope::All, window, FIRST_100);
    assert_eq!(
        window(Window {
            modified_until: Some(minutes_at),
            ..all
        })
        .await,
        vec![scheduled.get()]
    );
    assert!(
        window(Window {
            created_since: Some(minutes_at),
            ..all
        })
        .await
        .is_empty()
    );

    let attendance_at = since().await;
    let mut w = store.begin().await.unwrap();
    w.set_attendance(scheduled, &[(c.chair, AttendanceKind::Apologies)])
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        modified_since(PublishedKind::Meeting, attendance_at).await,
        vec![scheduled.get()]
    );

    let membership_at = since().await;
    assert!(
        modified_since(PublishedKind::Person, membership_at)
            .await
            .is_empty()
    );
    let mut w = store.begin().await.unwrap();
    let ended = Membership {
        until: Some(date("2022-05-01")),
        ..seat
    };
    w.replace(membership.get(), Replacement::Membership(&ended))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        modified_since(PublishedKind::Person, membership_at).await,
        vec![c.chair.get()]
    );
}
