//! Snapshots of every kind of public page, API record and OParl object, over one small world
//! built with the store's kit: a county council's Cabinet and Executive Scrutiny Committee, a
//! joint board with the ICB, two people, a signed-off meeting with minutes, an exempt item, an
//! action, an escalation and a report; a Cabinet meeting with a key decision; a meeting and a
//! forward plan entry to come. Every date in it is fixed; the times records were written at and
//! the records' ids are redacted, so a snapshot changes only when what a reader sees does.

use crate::kit::{Site, get};
use axum::http::StatusCode;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use witan_domain::*;
use witan_store::Store;
use witan_store::suite::kit::{
    self, at, council, date, exempt, item, minutes, organisation, person, shared_sqlite, text,
    title,
};

/// The ids of the world's records, for the paths of their pages.
struct World {
    cabinet_slug: &'static str,
    scrutiny_meeting: MeetingId,
    cabinet_meeting: MeetingId,
    upcoming: MeetingId,
    issue: IssueId,
    chair: PersonId,
    org: OrganisationId,
    cabinet: CommitteeId,
    decision: DecisionId,
    action: ActionId,
    escalation: EscalationId,
    document: DocumentId,
    forward_plan: ForwardPlanId,
}

/// A meeting whose agenda went out at a fixed time, so no page shows when the test ran.
async fn published_meeting(
    w: &mut dyn witan_store::Writer,
    committee: CommitteeId,
    start: &str,
    published: &str,
) -> MeetingId {
    w.create_meeting(&Meeting {
        committee,
        times: MeetingTimes::new(at(start), Some(at(start) + chrono::Duration::hours(2)))
            .expect("times"),
        location: Some(title("County Hall, Preston")),
        status: MeetingStatus::AgendaPublished,
        agenda_published: Some(at(published)),
    })
    .await
    .expect("meeting")
}

async fn world(store: &dyn Store) -> World {
    let mut w = store.begin().await.expect("begin");
    let c = council(w.as_mut()).await;
    let icb = organisation(
        w.as_mut(),
        "northshire-icb",
        "Northshire Integrated Care Board",
        OrganisationKind::IntegratedCareBoard,
    )
    .await;
    w.create_committee(&Committee {
        slug: kit::slug("health-and-wellbeing-board"),
        name: title("Health and Wellbeing Board"),
        purpose: text("Joint board of the council and the ICB."),
        owners: CommitteeOwners::joint("owners", vec![c.org, icb]).expect("owners"),
        parent: None,
    })
    .await
    .expect("joint board");
    let officer = w
        .create_person(&Person {
            name: title("Mike Kirby"),
            job_title: Some(title("Director, Corporate Commissioning")),
        })
        .await
        .expect("officer");
    let member = person(w.as_mut(), "County Councillor Peter Buckley").await;
    for (who, committee, role) in [
        (c.chair, c.cabinet, MembershipRole::Chair),
        (member, c.scrutiny, MembershipRole::Chair),
        (c.chair, c.scrutiny, MembershipRole::Member),
        (officer, c.scrutiny, MembershipRole::Officer),
    ] {
        w.create_membership(
            &Membership::new(who, committee, role, date("2021-05-20"), None).expect("membership"),
        )
        .await
        .expect("membership");
    }
    let issue = w
        .create_issue(&Issue {
            title: title("Domiciliary care workforce"),
            reference: Some(title("CAB/2021/042")),
            summary: text("Recruiting and keeping care workers in Northshire."),
        })
        .await
        .expect("issue");

    // Scrutiny's meeting: held, minuted, an exempt item, an action, an escalation, signed off.
    let scrutiny_meeting = published_meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-11 14:00",
        "2021-10-01 09:00",
    )
    .await;
    item(
        w.as_mut(),
        scrutiny_meeting,
        "1",
        "Apologies for absence",
        None,
    )
    .await;
    let workforce = item(
        w.as_mut(),
        scrutiny_meeting,
        "2",
        "Domiciliary care workforce",
        Some(issue),
    )
    .await;
    let depot = w
        .create_item(&AgendaItem {
            meeting: scrutiny_meeting,
            position: 3,
            number: kit::number("3"),
            title: title("Sale of the Elmfield depot"),
            issue: None,
            visibility: exempt(3),
        })
        .await
        .expect("exempt item");
    let document = w
        .create_document(&Document {
            item: Some(workforce),
            issue: None,
            name: title("Report of the Director of Corporate Commissioning"),
            media_type: MediaType::parse("media_type", "application/pdf").expect("type"),
            size_bytes: 147_456,
            sha256: Some(Sha256::parse("sha256", &"0f".repeat(32)).expect("digest")),
            text: text("Care workers, vacancies and the framework."),
            visibility: Visibility::Public,
        })
        .await
        .expect("document");
    w.set_meeting_status(scrutiny_meeting, MeetingStatus::Held)
        .await
        .expect("held");
    w.set_attendance(
        scrutiny_meeting,
        &[
            (member, AttendanceKind::Present),
            (c.chair, AttendanceKind::Apologies),
            (officer, AttendanceKind::InAttendance),
        ],
    )
    .await
    .expect("attendance");
    w.record_minutes(
        workforce,
        &minutes(
            "The Director reported 41 vacancies across the county's care providers.",
            &["the report be noted", "the matter be escalated to Cabinet"],
        ),
    )
    .await
    .expect("minutes");
    w.record_minutes(
        depot,
        &minutes("Members considered the valuation.", &["the sale proceed"]),
    )
    .await
    .expect("exempt minutes");
    let action = w
        .create_action(&Action {
            meeting: scrutiny_meeting,
            item: Some(workforce),
            description: text("Report the number of care workers recruited"),
            owner: Some(ActionOwner::Person(officer)),
            due_on: Some(date("2021-11-30")),
            status: ActionStatus::Open,
            rag: Rag::Amber,
            closed_on: None,
        })
        .await
        .expect("action");
    let escalation = w
        .send_escalation(
            workforce,
            c.cabinet,
            &text("Going off framework needs a Cabinet decision"),
        )
        .await
        .expect("escalation");
    w.sign_off_minutes(
        scrutiny_meeting,
        &title("Katherine Disley"),
        None,
        date("2021-11-08"),
    )
    .await
    .expect("sign-off");

    // Cabinet's meeting: a key decision on the issue, minutes in draft.
    let cabinet_meeting = published_meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        "2021-10-13 09:00",
    )
    .await;
    let considered = item(
        w.as_mut(),
        cabinet_meeting,
        "1",
        "Domiciliary care workforce",
        Some(issue),
    )
    .await;
    w.set_meeting_status(cabinet_meeting, MeetingStatus::Held)
        .await
        .expect("held");
    w.record_minutes(
        considered,
        &minutes(
            "Cabinet considered the Scrutiny Committee's report.",
            &["care providers be paid a retention supplement"],
        ),
    )
    .await
    .expect("minutes");
    let decided_on = date("2021-10-21");
    let decision = w
        .create_decision(&Decision {
            item: Some(considered),
            maker: DecisionMaker::Committee(c.cabinet),
            decided_on,
            title: title("Retention supplement for care providers"),
            text: text("Care providers be paid a retention supplement of 5%."),
            key_decision: true,
            call_in: CallIn::Subject {
                deadline: time::add_working_days(decided_on, 5),
            },
            status: DecisionStatus::Made,
        })
        .await
        .expect("decision");

    // What is to come: a Cabinet meeting and a forward plan entry, far enough ahead to stay so.
    let upcoming = kit::meeting(
        w.as_mut(),
        c.cabinet,
        "2099-03-05 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let forward_plan = w
        .create_forward_plan_entry(&ForwardPlanEntry {
            title: title("Adult social care charging policy"),
            decision_maker: c.cabinet,
            issue: Some(issue),
            published_on: date("2021-10-01"),
            expected_on: date("2099-04-01"),
        })
        .await
        .expect("forward plan");
    w.commit().await.expect("commit");
    World {
        cabinet_slug: "cabinet",
        scrutiny_meeting,
        cabinet_meeting,
        upcoming,
        issue,
        chair: c.chair,
        org: c.org,
        cabinet: c.cabinet,
        decision,
        action,
        escalation,
        document,
        forward_plan,
    }
}

async fn world_site() -> (Site, World) {
    let (dir, store) = shared_sqlite().await;
    let world = world(store.as_ref()).await;
    (Site::over(dir, store).await, world)
}

/// The record segments of witan's and OParl's paths whose next segment is an id.
const ID_SEGMENTS: &[&str] = &[
    "/meetings/",
    "/issues/",
    "/people/",
    "/documents/",
    "/decisions/",
    "/actions/",
    "/escalations/",
    "/forward-plan/",
    "/organisations/",
    "/committees/",
    "/body/",
    "/organization/",
    "/person/",
    "/membership/",
    "/meeting/",
    "/agendaitem/",
    "/agendaItem/",
    "/paper/",
    "/file/",
    "/consultation/",
    "/location/",
    "/legislativeterm/",
    "/legislativeTerm/",
    "#item-",
    "#decision-",
    "#action-",
    "#escalation-",
];

/// Whether `rest` starts with an instant witan wrote when the test ran: a timestamp from 2025 up
/// to 2098 (the world's own instants are in 2021 and 2099). Returns its length.
fn written_instant(rest: &str) -> Option<usize> {
    let b = rest.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let shape = (0..4).all(digit)
        && b.get(4) == Some(&b'-')
        && digit(5)
        && digit(6)
        && b.get(7) == Some(&b'-')
        && digit(8)
        && digit(9)
        && matches!(b.get(10), Some(b'T') | Some(b' '))
        && digit(11)
        && digit(12)
        && b.get(13) == Some(&b':');
    if !shape {
        return None;
    }
    let year: u32 = rest[..4].parse().ok()?;
    if !(2025..=2098).contains(&year) {
        return None;
    }
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '+' | '-')))
        .unwrap_or(rest.len());
    Some(len)
}

/// Replaces the ids of records with `[id]` and the instants written when the test ran with
/// `[written]`.
fn redact(answer: &str) -> String {
    let mut out = String::with_capacity(answer.len());
    let mut rest = answer;
    'scan: while !rest.is_empty() {
        for prefix in ID_SEGMENTS
            .iter()
            .copied()
            .chain(["\"id\": ", "_id\": ", "Id\": "])
        {
            if let Some(after) = rest.strip_prefix(prefix) {
                let digits = after.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 {
                    out.push_str(prefix);
                    out.push_str("[id]");
                    rest = &after[digits..];
                    continue 'scan;
                }
            }
        }
        if let Some(len) = written_instant(rest) {
            out.push_str("[written]");
            rest = &rest[len..];
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A page's body, which must be a 200 unless `status` says otherwise.
async fn page(site: &Site, path: &str, status: StatusCode) -> String {
    let (got, body) = get(site, path).await;
    assert_eq!(got, status, "{path}: {body}");
    redact(&body)
}

/// A JSON answer, pretty-printed.
async fn json(site: &Site, path: &str) -> (Value, String) {
    let (status, body) = get(site, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let value: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}"));
    let pretty = serde_json::to_string_pretty(&value).expect("pretty");
    (value, redact(&pretty))
}

#[tokio::test]
async fn public_pages_match_their_snapshots() {
    let (site, w) = world_site().await;
    let cabinet = w.cabinet_slug;
    for (name, path, status) in [
        ("home", "/".to_owned(), StatusCode::OK),
        ("committees", "/committees".to_owned(), StatusCode::OK),
        (
            "committee",
            format!("/committees/{cabinet}"),
            StatusCode::OK,
        ),
        (
            "committee_meetings",
            "/committees/executive-scrutiny/meetings".to_owned(),
            StatusCode::OK,
        ),
        (
            "meeting_signed_off_minutes",
            format!("/meetings/{}", w.scrutiny_meeting),
            StatusCode::OK,
        ),
        (
            "meeting_draft_minutes",
            format!("/meetings/{}", w.cabinet_meeting),
            StatusCode::OK,
        ),
        (
            "meeting_upcoming",
            format!("/meetings/{}", w.upcoming),
            StatusCode::OK,
        ),
        ("issue", format!("/issues/{}", w.issue), StatusCode::OK),
        ("person", format!("/people/{}", w.chair), StatusCode::OK),
        (
            "person_meetings",
            format!("/people/{}/meetings", w.chair),
            StatusCode::OK,
        ),
        (
            "search_results",
            "/search?q=care".to_owned(),
            StatusCode::OK,
        ),
        (
            "decisions_register",
            "/decisions".to_owned(),
            StatusCode::OK,
        ),
        ("action_tracker", "/actions".to_owned(), StatusCode::OK),
        ("forward_plan", "/forward-plan".to_owned(), StatusCode::OK),
        (
            "escalations_received",
            format!("/committees/{cabinet}/escalations/received"),
            StatusCode::OK,
        ),
        (
            "feed_decisions_atom",
            "/feeds/decisions.atom".to_owned(),
            StatusCode::OK,
        ),
        (
            "error_not_found",
            "/meetings/999999999".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "error_bad_request",
            "/committees/executive-scrutiny/meetings?page=x".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let body = page(&site, &path, status).await;
        insta::with_settings!({ description => path.as_str(), omit_expression => true }, {
            insta::assert_snapshot!(format!("page_{name}"), body);
        });
    }
}

#[tokio::test]
async fn api_records_match_their_snapshots() {
    let (site, w) = world_site().await;
    for (name, path) in [
        ("index", "/api/v1".to_owned()),
        ("organisation", format!("/api/v1/organisations/{}", w.org)),
        ("committee", format!("/api/v1/committees/{}", w.cabinet)),
        ("person", format!("/api/v1/people/{}", w.chair)),
        (
            "meeting",
            format!("/api/v1/meetings/{}", w.scrutiny_meeting),
        ),
        ("issue", format!("/api/v1/issues/{}", w.issue)),
        ("document", format!("/api/v1/documents/{}", w.document)),
        ("decision", format!("/api/v1/decisions/{}", w.decision)),
        ("action", format!("/api/v1/actions/{}", w.action)),
        (
            "escalation",
            format!("/api/v1/escalations/{}", w.escalation),
        ),
        (
            "forward_plan",
            format!("/api/v1/forward-plan/{}", w.forward_plan),
        ),
        ("meetings_list", "/api/v1/meetings?limit=2".to_owned()),
        ("search", "/api/v1/search?q=care".to_owned()),
    ] {
        let (_, body) = json(&site, &path).await;
        insta::with_settings!({ description => path.as_str(), omit_expression => true }, {
            insta::assert_snapshot!(format!("api_{name}"), body);
        });
    }
}

/// The OParl links in `value`: every string naming a path of this site's OParl API.
fn oparl_links(value: &Value, links: &mut Vec<String>) {
    match value {
        Value::String(s) => {
            if let Some(path) = s.strip_prefix("http://localhost")
                && path.starts_with("/oparl/")
            {
                links.push(path.to_owned());
            }
        }
        Value::Array(items) => items.iter().for_each(|v| oparl_links(v, links)),
        Value::Object(fields) => fields.values().for_each(|v| oparl_links(v, links)),
        _ => {}
    }
}

/// The objects in `value` with an OParl type, by their type's last segment, with their ids.
fn typed_objects(value: &Value, found: &mut BTreeMap<String, String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| typed_objects(v, found)),
        Value::Object(fields) => {
            if let (Some(Value::String(kind)), Some(Value::String(id))) =
                (fields.get("type"), fields.get("id"))
                && let Some(kind) = kind.strip_prefix("https://schema.oparl.org/1.1/")
            {
                found.entry(kind.to_owned()).or_insert_with(|| id.clone());
            }
            fields.values().for_each(|v| typed_objects(v, found));
        }
        _ => {}
    }
}

#[tokio::test]
async fn one_oparl_object_of_each_type_matches_its_snapshot() {
    let (site, _) = world_site().await;
    // Crawl the small world from the System object, noting the first object of each type.
    let mut found = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from(["/oparl/v1.1/system".to_owned()]);
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        assert!(seen.len() < 2_000, "the crawl of a small world ends");
        let (status, body) = get(&site, &path).await;
        if status != StatusCode::OK {
            continue;
        }
        let Ok(value) = serde_json::from_str::<Value>(&body) else {
            continue;
        };
        typed_objects(&value, &mut found);
        let mut links = Vec::new();
        oparl_links(&value, &mut links);
        queue.extend(links.into_iter().filter(|l| !seen.contains(l)));
    }
    let expected = [
        "System",
        "Body",
        "Organization",
        "Person",
        "Membership",
        "Meeting",
        "AgendaItem",
        "Paper",
        "File",
        "Consultation",
        "Location",
        "LegislativeTerm",
    ];
    let kinds: Vec<&str> = found.keys().map(String::as_str).collect();
    for kind in [
        "System",
        "Body",
        "Organization",
        "Person",
        "Meeting",
        "Paper",
        "File",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    for kind in expected {
        let Some(id) = found.get(kind) else { continue };
        let path = id
            .strip_prefix("http://localhost")
            .unwrap_or_else(|| panic!("{kind}: {id} is not on this site"));
        let (_, body) = json(&site, path).await;
        insta::with_settings!({ description => kind, omit_expression => true }, {
            insta::assert_snapshot!(format!("oparl_{kind}"), body);
        });
    }
    let others: Vec<&&str> = kinds.iter().filter(|k| !expected.contains(k)).collect();
    assert!(others.is_empty(), "types without a snapshot: {others:?}");
}
