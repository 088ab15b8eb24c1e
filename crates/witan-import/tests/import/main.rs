//! The importers against the real published material in `../shared/data`, on a real SQLite store.

#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use witan_domain::{Audience, Id, MeetingStatus};
use witan_import::{Options, Report};
use witan_store::{ItemEntry, Store, When};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

fn options(organisation: &str, committee: Option<&str>) -> Options {
    Options {
        format: None,
        organisation: Some(organisation.into()),
        committee: committee.map(str::to_owned),
        dry_run: false,
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        extractor: witan_import::extract::Extractor::InProcess,
    }
}

async fn store() -> (tempfile::TempDir, Arc<dyn Store>) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("witan.db").display());
    let store = witan_store::open(&url).await.unwrap();
    (dir, store)
}

async fn import(store: &dyn Store, paths: &[PathBuf], options: &Options) -> Report {
    witan_import::run(
        store,
        paths,
        options,
        &mut |_: usize, _: usize, _: &Path| {},
    )
    .await
    .unwrap()
}

fn total(map: &std::collections::BTreeMap<&'static str, u64>) -> u64 {
    map.values().sum()
}

/// The action of a meeting whose description contains `words`.
fn action_with<'r>(
    record: &'r witan_store::MeetingRecord,
    words: &str,
) -> &'r witan_store::ActionRecord {
    record
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .flat_map(|e| open_item(e).actions.iter())
        .find(|a| a.action.record.description.as_str().contains(words))
        .unwrap_or_else(|| panic!("no action about {words}"))
}

fn open_item(entry: &ItemEntry) -> &witan_store::ItemRecord {
    match entry {
        ItemEntry::Open(record) => record,
        ItemEntry::Withheld { .. } => panic!("a public item was withheld"),
    }
}

#[tokio::test]
async fn an_issue_history_arrives_with_both_meetings_items_and_resolutions() {
    let (_dir, store) = store().await;
    let seed = data("seeds/001_695624d7a108ca0f.txt");
    let opts = options("Lancashire County Council", None);
    let report = import(store.as_ref(), std::slice::from_ref(&seed), &opts).await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.tally.created.get("meeting"), Some(&2));

    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.title.as_str(),
        "Health and Social Care Integration - Lancashire and South Cumbria Sustainability and \
         Transformation Plan"
    );
    let seen: Vec<(String, String, String)> = issue
        .history
        .iter()
        .map(|h| {
            (
                witan_domain::time::london_date(h.meeting.record.times.start())
                    .format("%d/%m/%Y")
                    .to_string(),
                h.committee.name.to_string(),
                h.item.number().to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("14/04/2016".into(), "Cabinet".into(), "7".into()),
            (
                "12/04/2016".into(),
                "Executive Scrutiny Committee".into(),
                "4".into()
            ),
        ]
    );
    let cabinet = open_item(&issue.history[0].item);
    let (_, minutes) = cabinet.minutes.as_ref().unwrap();
    assert!(
        minutes
            .text
            .as_str()
            .starts_with("Mike Kirby, Director, Corporate Commissioning")
    );
    let points: Vec<&str> = minutes
        .resolution
        .points
        .iter()
        .map(|p| p.as_str())
        .collect();
    assert_eq!(points.len(), 2);
    assert!(points[0].starts_with("the development of the Lancashire and South Cumbria"));
    assert!(points[1].starts_with("the Operating Principles set out in the report be agreed"));
    assert_eq!(cabinet.documents.len(), 1);
    assert_eq!(cabinet.documents[0].record.size_label(), "PDF 144 KB");
    let scrutiny = open_item(&issue.history[1].item);
    let (_, minutes) = scrutiny.minutes.as_ref().unwrap();
    assert!(minutes.resolution.points.is_empty());
    assert!(
        minutes
            .resolution
            .text
            .as_str()
            .starts_with("That the recommendations set out")
    );
    assert!(
        minutes
            .text
            .as_str()
            .contains("• Governance;\n• Citizen focused integration;")
    );

    // The same file again changes nothing.
    let again = import(store.as_ref(), &[seed], &opts).await;
    assert_eq!(total(&again.tally.created) + total(&again.tally.updated), 0);
    assert_eq!(total(&again.tally.unchanged), total(&report.tally.created));
}

#[tokio::test]
async fn a_key_decisions_summary_arrives_with_topics_and_sign_off() {
    let (_dir, store) = store().await;
    let opts = options("Lancashire and South Cumbria ICS", Some("ICS Board"));
    let report = import(
        store.as_ref(),
        &[data("seeds/000_54a104f843f7d0d7.txt")],
        &opts,
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    let meetings = store
        .meetings(
            None,
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(meetings.len(), 1);
    let record = store
        .meeting_record(meetings[0].meeting.id, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        witan_domain::time::london_date(record.meeting.record.times.start()),
        NaiveDate::from_ymd_opt(2021, 10, 11).unwrap()
    );
    assert_eq!(record.committee.record.name.as_str(), "ICS Board");
    assert_eq!(
        record.meeting.record.status,
        MeetingStatus::MinutesSignedOff
    );
    let titles: Vec<String> = record
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .map(|e| open_item(e).item.record.title.to_string())
        .collect();
    assert_eq!(
        titles,
        [
            "Month 6 Financial Position",
            "H2 Planning",
            "Winter Planning & Operational Pressures",
            "Drivers for Change"
        ]
    );
    let first = open_item(&record.agenda.as_ref().unwrap()[0]);
    let text = first.minutes.as_ref().unwrap().1.text.as_str();
    assert!(text.contains("additional 41 step down beds"), "{text}");
    assert!(!text.contains("Accessibility tools"));
    assert_eq!(record.sign_offs.len(), 1);
    assert_eq!(record.sign_offs[0].by.as_str(), "Katherine Disley");
    // "Matters for escalation (and where to) N/A": none.
    assert_eq!(store.counts().await.unwrap().escalations, 0);
}

#[tokio::test]
async fn transparency_board_minutes_arrive_with_attendance_actions_and_carried_actions() {
    let (_dir, store) = store().await;
    let opts = options("Cabinet Office", None);
    let folder = data("minutes");
    let report = import(store.as_ref(), std::slice::from_ref(&folder), &opts).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.files, 14);
    assert_eq!(report.tally.created.get("meeting"), Some(&14));
    assert_eq!(report.tally.created.get("committee"), Some(&1));

    let committee = store.committee_by_slug("transparency-board").await.unwrap();
    assert_eq!(committee.record.name.as_str(), "Transparency Board");
    let meetings = store
        .meetings(
            Some(committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(50),
        )
        .await
        .unwrap();
    assert_eq!(meetings.len(), 14);
    let on = |y, m, d| {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        meetings
            .iter()
            .find(|s| witan_domain::time::london_date(s.meeting.record.times.start()) == date)
            .unwrap_or_else(|| panic!("no meeting on {date}"))
            .meeting
            .id
    };

    // 11 January 2011: who came, where, and an action with its owner's words and due date.
    let january = store
        .meeting_record(on(2011, 1, 11), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        january.meeting.record.location.as_ref().map(|l| l.as_str()),
        Some("Cabinet Office")
    );
    let present: Vec<&str> = january
        .attendance
        .iter()
        .filter(|a| a.kind == witan_domain::AttendanceKind::Present)
        .map(|a| a.person.record.name.as_str())
        .collect();
    assert!(present.contains(&"Francis Maude") && present.contains(&"Andrew Stott"));
    let apologies: Vec<&str> = january
        .attendance
        .iter()
        .filter(|a| a.kind == witan_domain::AttendanceKind::Apologies)
        .map(|a| a.person.record.name.as_str())
        .collect();
    assert_eq!(apologies, ["Lord Tom McNally"]);
    let actions: Vec<&witan_store::ActionRecord> = january
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .flat_map(|e| open_item(e).actions.iter())
        .collect();
    assert!(actions.len() >= 8, "{}", actions.len());
    let link = action_with(&january, "link to the PDC announcement");
    assert!(
        link.action
            .record
            .description
            .as_str()
            .contains("(Due: immediately)")
    );

    // 13 December 2011: "Due: January" is the end of January 2012.
    let december = store
        .meeting_record(on(2011, 12, 13), Audience::Public)
        .await
        .unwrap();
    let circulate = action_with(&december, "Open for Business");
    assert_eq!(
        circulate.action.record.due_on,
        NaiveDate::from_ymd_opt(2011, 12, 31)
    );

    // The January meeting reported on the November 2010 actions: updates of those actions, not
    // new ones.
    let november = store
        .meeting_record(on(2010, 11, 19), Audience::Public)
        .await
        .unwrap();
    let green_paper = action_with(&november, "Green Paper on the Right to Data");
    assert_eq!(green_paper.updates.len(), 1, "{:?}", green_paper.updates);
    assert!(green_paper.updates[0].text.as_str().contains("on track"));
    assert_eq!(
        green_paper.updates[0].on,
        NaiveDate::from_ymd_opt(2011, 1, 11).unwrap()
    );

    // The whole folder again: everything unchanged.
    let again = import(store.as_ref(), &[folder], &opts).await;
    assert_eq!(total(&again.tally.created), 0, "{:?}", again.tally.created);
    assert_eq!(total(&again.tally.updated), 0, "{:?}", again.tally.updated);
}

#[tokio::test]
async fn a_changed_source_updates_its_records_in_place() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("issue.txt");
    let original = std::fs::read_to_string(data("seeds/001_695624d7a108ca0f.txt")).unwrap();
    std::fs::write(&copy, &original).unwrap();
    let opts = options("Lancashire County Council", None);
    import(store.as_ref(), std::slice::from_ref(&copy), &opts).await;
    let before = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();

    let changed = original.replace(
        "forecast budget shortfall of at least £805m",
        "forecast budget shortfall of at least £806m",
    );
    std::fs::write(&copy, changed).unwrap();
    let report = import(store.as_ref(), &[copy], &opts).await;
    assert_eq!(report.tally.updated.get("item"), Some(&1), "{report:?}");
    assert_eq!(total(&report.tally.created), 0);
    let after = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    let ids = |r: &witan_store::IssueRecord| -> Vec<i64> {
        r.history
            .iter()
            .map(|h| open_item(&h.item).item.id.get())
            .collect()
    };
    assert_eq!(ids(&before), ids(&after));
    let text = open_item(&after.history[0].item)
        .minutes
        .as_ref()
        .unwrap()
        .1
        .text
        .to_string();
    assert!(text.contains("£806m") && !text.contains("£805m"));
}

#[tokio::test]
async fn bad_files_are_rejected_with_their_location_and_the_rest_still_import() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    let bad_utf8 = dir.path().join("a-bad.txt");
    std::fs::write(
        &bad_utf8,
        b"Meeting date 11 October 2021\nKey decisions and actions\n\xff\xfe",
    )
    .unwrap();
    let no_meeting = dir.path().join("b-empty.md");
    std::fs::write(&no_meeting, "---\ntitle: [unclosed\n---\nHello\n").unwrap();
    let huge = dir.path().join("c-huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(witan_import::MAX_FILE_BYTES + 1)
        .unwrap();
    let good = dir.path().join("d-good.txt");
    std::fs::copy(data("seeds/001_695624d7a108ca0f.txt"), &good).unwrap();
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("Lancashire County Council", None),
    )
    .await;
    let failed: Vec<(String, String)> = report
        .failed
        .iter()
        .map(|p| (p.at.clone(), p.message.clone()))
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed[0].0.ends_with("a-bad.txt:line 3"), "{failed:?}");
    assert!(failed[0].1.contains("not UTF-8"));
    assert!(failed[1].0.ends_with("b-empty.md:line 3"), "{failed:?}");
    assert!(failed[1].1.contains("front matter is not valid YAML"));
    assert!(failed[2].1.contains("at most"), "{failed:?}");
    assert_eq!(report.tally.created.get("meeting"), Some(&2));
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let (_dir, store) = store().await;
    let mut opts = options("Cabinet Office", None);
    opts.dry_run = true;
    let report = import(store.as_ref(), &[data("minutes")], &opts).await;
    assert_eq!(report.tally.created.get("meeting"), Some(&14));
    assert!(
        report
            .tally
            .created
            .get("action_update")
            .is_some_and(|n| *n >= 4)
    );
    assert_eq!(store.counts().await.unwrap().meetings, 0);
}

#[tokio::test]
async fn a_real_oparl_dump_imports_with_dangling_links_reported_not_fatal() {
    let (_dir, store) = store().await;
    let folder = data("oparl/real-sample-1.0");
    let opts = options("unused", None);
    let report = import(store.as_ref(), std::slice::from_ref(&folder), &opts).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(
        report.tally.rejected.is_empty(),
        "{:?}",
        report.tally.rejected
    );
    // missing_ids.json is a list of URLs, not OParl.
    assert_eq!(report.skipped.len(), 1, "{:?}", report.skipped);
    assert_eq!(report.tally.created.get("organisation"), Some(&1));
    assert_eq!(report.tally.created.get("meeting"), Some(&42));
    assert_eq!(report.tally.created.get("item"), Some(&560));
    assert_eq!(report.tally.created.get("membership"), Some(&354));
    // Agenda items name consultations of papers: those on the sample's page of papers link the
    // item to its paper; the others are on pages the sample does not hold, and are noted.
    assert!(
        report
            .tally
            .notes
            .iter()
            .any(|n| n.at.contains("body_1_meeting.json#/data/")
                && n.message.contains("/consultation/")
                && n.message.contains("imported without that link"))
    );
    let mut linked = 0;
    for id in 1..=25 {
        // Linking is what is asked here, not what the public sees: every paper's history.
        linked += store
            .issue_record(Id::new(id), Audience::Privileged)
            .await
            .unwrap()
            .history
            .len();
    }
    assert!(linked >= 1, "no agenda item was linked to its paper");

    let organisation = &store.organisations().await.unwrap()[0];
    assert_eq!(organisation.record.name.as_str(), "Gemeinde Hürtgenwald");
    let committee = store
        .committee_by_slug("ausschuss-fur-jugend-kultur-und-vereine")
        .await
        .unwrap();
    let meetings = store
        .meetings(
            Some(committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(50),
        )
        .await
        .unwrap();
    let first = meetings.last().unwrap();
    assert_eq!(
        first.meeting.record.times.start().to_rfc3339(),
        "2007-01-23T17:00:00+00:00"
    );
    let record = store
        .meeting_record(first.meeting.id, Audience::Public)
        .await
        .unwrap();
    let items: Vec<(String, String)> = record
        .agenda
        .unwrap()
        .iter()
        .map(|e| {
            let item = &open_item(e).item.record;
            (item.number.to_string(), item.title.to_string())
        })
        .collect();
    assert_eq!(items[0], ("A".into(), "Öffentliche Sitzung".into()));
    assert_eq!(
        items[1],
        ("1".into(), "Bestimmung eines Schriftführers".into())
    );
    assert!(items[3].1.contains(
        "Regelförderung der Vereine im Gemeindegebiet durch die Gemeinde Hürtgenwald; hier:"
    ));

    let again = import(store.as_ref(), &[folder], &opts).await;
    assert_eq!(total(&again.tally.created) + total(&again.tally.updated), 0);
}

/// Where the OParl objects the tests write say they come from.
const BASE: &str = "https://council.example/oparl";

/// An OParl 1.1 type URL.
fn t(kind: &str) -> String {
    format!("https://schema.oparl.org/1.1/{kind}")
}

fn write(dir: &Path, name: &str, json: serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path
}

#[tokio::test]
async fn oparl_papers_link_to_the_agenda_items_that_considered_them_and_files_follow() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    // Written in an order that needs sorting: meetings before the paper they consult.
    write(
        dir.path(),
        "a-meetings.json",
        serde_json::json!({
            "data": [{
                "id": format!("{BASE}/meeting/1"), "type": t("Meeting"),
                "name": "Planning", "start": "2021-10-11T10:00:00+01:00",
                "organization": [format!("{BASE}/organization/1")],
                "agendaItem": [
                    {"id": format!("{BASE}/agendaitem/1"), "type": t("AgendaItem"), "number": "1.",
                     "name": "Step-down beds", "consultation": format!("{BASE}/consultation/1"),
                     "result": "Approved", "public": true,
                     "auxiliaryFile": [{"id": format!("{BASE}/file/1"), "type": t("File"),
                        "name": "Report", "mimeType": "application/pdf", "size": 147456,
                        "text": "forty one step down beds"}]},
                    {"id": format!("{BASE}/agendaitem/2"), "type": t("AgendaItem"), "number": "2.",
                     "name": "Staffing", "public": false}
                ],
                "ris:vendorField": {"kept": false}
            }],
            "links": {"next": format!("{BASE}/meeting?page=2")}
        }),
    );
    write(
        dir.path(),
        "b-body.json",
        serde_json::json!({
        "id": format!("{BASE}/body/1"), "type": t("Body"), "name": "Example Council"}),
    );
    write(
        dir.path(),
        "c-organization.json",
        serde_json::json!({
        "id": format!("{BASE}/organization/1"), "type": t("Organization"),
        "body": format!("{BASE}/body/1"), "name": "Planning Committee"}),
    );
    write(
        dir.path(),
        "d-paper.json",
        serde_json::json!({
        "id": format!("{BASE}/paper/1"), "type": t("Paper"), "name": "Winter beds",
        "reference": "P/2021/7",
        "consultation": [{"id": format!("{BASE}/consultation/1"), "type": t("Consultation"),
            "agendaItem": format!("{BASE}/agendaitem/1")}]}),
    );
    write(
        dir.path(),
        "e-broken.json",
        serde_json::json!({
        "data": [{"type": t("Meeting"), "name": "no id"},
                 {"id": format!("{BASE}/meeting/2"), "type": t("Meeting"),
                  "organization": [format!("{BASE}/organization/1")]}]}),
    );
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("unused", None),
    )
    .await;
    let rejected: Vec<&str> = report
        .tally
        .rejected
        .iter()
        .map(|p| p.at.as_str())
        .collect();
    assert_eq!(rejected.len(), 2, "{:?}", report.tally.rejected);
    assert!(rejected[0].ends_with("e-broken.json#/data/0"));
    assert!(rejected[1].ends_with("e-broken.json#/data/1/start"));
    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.reference.as_ref().unwrap().as_str(),
        "P/2021/7"
    );
    assert_eq!(issue.history.len(), 1);
    let item = open_item(&issue.history[0].item);
    assert_eq!(item.item.record.title.as_str(), "Step-down beds");
    assert_eq!(
        item.minutes.as_ref().unwrap().1.resolution.text.as_str(),
        "Approved"
    );
    assert_eq!(item.documents[0].record.size_label(), "PDF 144 KB");
    let meeting = store
        .meeting_record(item.item.record.meeting, Audience::Public)
        .await
        .unwrap();
    let agenda = meeting.agenda.unwrap();
    assert!(
        matches!(agenda[1], ItemEntry::Withheld { .. }),
        "a non-public item is withheld"
    );
}

#[tokio::test]
async fn malformed_json_is_rejected_with_its_line_and_never_crashes() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a-truncated.json"),
        "{\"type\": \"https://schema.oparl.org/1.1/Body\",\n \"id\": \"x\",\n \"name\": ",
    )
    .unwrap();
    let deep = format!(
        "{{\"type\": \"https://schema.oparl.org/1.1/Body\", \"x\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    std::fs::write(dir.path().join("b-deep.json"), deep).unwrap();
    std::fs::write(
        dir.path().join("c-list.json"),
        "{\"type\": \"https://schema.oparl.org/1.1/Body\", \"data\": 7}",
    )
    .unwrap();
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("unused", None),
    )
    .await;
    let failed: Vec<String> = report
        .failed
        .iter()
        .map(|p| format!("{}: {}", p.at, p.message))
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(
        failed[0].contains("a-truncated.json:line 3: not valid JSON"),
        "{failed:?}"
    );
    assert!(
        failed[1].contains("b-deep.json:line 1: not valid JSON (recursion limit exceeded"),
        "{failed:?}"
    );
    assert!(
        failed[2].contains("c-list.json#/data: expected a list of objects"),
        "{failed:?}"
    );
}

#[tokio::test]
async fn legistar_histories_make_one_item_per_event_even_when_listed_twice() {
    let (_dir, store) = store().await;
    let folder = data("legistar");
    let opts = options("City of Chicago", None);
    let report = import(store.as_ref(), std::slice::from_ref(&folder), &opts).await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        report.skipped.len(),
        1,
        "only the licence is skipped: {:?}",
        report.skipped
    );

    // The duplicate-event case: event 3683 lists the matter twice; it is one item whose
    // resolution holds both actions.
    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.title.as_str(),
        "Legistar matter (chicago_dupe_event)"
    );
    assert_eq!(issue.history.len(), 2, "one item per event");
    let council = &issue.history[0];
    assert_eq!(council.committee.name.as_str(), "City Council");
    let resolution = open_item(&council.item)
        .minutes
        .as_ref()
        .unwrap()
        .1
        .resolution
        .text
        .to_string();
    assert_eq!(
        resolution,
        "Passed (Pass)\n\nPassed: On motion of , the Ordinance was Passed (Pass)"
    );
    let zoning = &issue.history[1];
    assert_eq!(
        zoning.committee.name.as_str(),
        "Committee on Zoning, Landmarks and Building Standards"
    );
    assert_eq!(open_item(&zoning.item).item.record.number.as_str(), "10");
    // The referral outside any meeting is noted, not invented as an item.
    assert!(
        report
            .tally
            .notes
            .iter()
            .any(|n| n.message.contains("2013-03-13 City Council: Referred"))
    );

    // The calendar page: eight meetings, one cancelled, linked to the same committees by name.
    let zoning_meetings = store
        .meetings(
            Some(zoning.committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(
        zoning_meetings.len(),
        2,
        "the calendar's zoning meeting joins the API's committee"
    );
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.meetings, 10);
    let cancelled = store
        .meetings(
            None,
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(20),
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.meeting.record.status == MeetingStatus::Cancelled)
        .count();
    assert_eq!(cancelled, 1);

    let again = import(store.as_ref(), &[folder], &opts).await;
    assert_eq!(total(&again.tally.created) + total(&again.tally.updated), 0);
}

#[tokio::test]
async fn legistar_events_items_and_matters_link_up() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "events.json",
        serde_json::json!([{
            "EventId": 4711, "EventLastModifiedUtc": "2019-01-02T00:00:00", "EventBodyId": 138,
            "EventBodyName": "City Council", "EventDate": "2019-01-23T00:00:00",
            "EventTime": "10:00 AM", "EventLocation": "Council Chambers",
            "EventMinutesStatusName": "Final",
            "EventItems": [{"EventItemId": 1, "EventItemLastModifiedUtc": "2019-01-02T00:00:00",
                "EventItemAgendaSequence": 3, "EventItemAgendaNumber": "7.",
                "EventItemTitle": "Bus lanes on Ashland Avenue", "EventItemMatterId": 5036,
                "EventItemActionText": "Adopted", "EventItemPassedFlagName": "Pass"}]
        }, {
            "EventId": 4711, "EventLastModifiedUtc": "2019-01-02T00:00:00", "EventBodyId": 138,
            "EventBodyName": "City Council", "EventDate": "2019-01-23T00:00:00",
            "EventTime": "10:00 AM", "EventLocation": "Council Chambers",
            "EventMinutesStatusName": "Final"
        }]),
    );
    write(
        dir.path(),
        "matters.json",
        serde_json::json!([{
            "MatterId": 5036, "MatterLastModifiedUtc": "2018-05-17T22:38:39.237",
            "MatterFile": "O2019-12", "MatterName": "Bus lanes", "MatterTitle": "Bus lanes on Ashland Avenue",
            "MatterTypeName": "Ordinance", "MatterStatusName": "Adopted"
        }]),
    );
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("City of Chicago", None),
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        report.tally.created.get("meeting"),
        Some(&1),
        "the duplicated event is one meeting"
    );
    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.reference.as_ref().unwrap().as_str(),
        "O2019-12"
    );
    assert_eq!(issue.issue.record.summary.as_str(), "Ordinance, Adopted");
    assert_eq!(issue.history.len(), 1);
    let item = open_item(&issue.history[0].item);
    assert_eq!(item.item.record.number.as_str(), "7");
    assert_eq!(
        item.minutes.as_ref().unwrap().1.resolution.text.as_str(),
        "Adopted — Pass"
    );
    assert_eq!(
        witan_domain::time::uk_time(issue.history[0].meeting.record.times.start()),
        "10:00"
    );
}

/// A one-page PDF showing `text` in Helvetica, with a correct cross-reference table.
fn pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// A zip archive with one entry.
fn archive(entry: &str, content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file(entry, options).unwrap();
    writer.write_all(content).unwrap();
    writer.finish().unwrap().into_inner()
}

#[tokio::test]
async fn report_documents_beside_a_dump_are_read_for_their_text_within_limits() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    let files = dir.path().join("files");
    std::fs::create_dir(&files).unwrap();
    std::fs::write(files.join("report.pdf"), pdf("Forty one step down beds")).unwrap();
    std::fs::write(
        files.join("appendix.docx"),
        archive(
            "word/document.xml",
            b"<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Winter \
              pressures &amp; domiciliary care</w:t></w:r></w:p><w:p><w:r><w:t>Second \
              paragraph</w:t></w:r></w:p></w:body></w:document>",
        ),
    )
    .unwrap();
    std::fs::write(
        files.join("notes.odt"),
        archive(
            "content.xml",
            b"<?xml version=\"1.0\"?><office:document-content xmlns:office=\"o\" \
              xmlns:text=\"t\"><office:body><office:text><text:p>Community diagnostic \
              hubs</text:p></office:text></office:body></office:document-content>",
        ),
    )
    .unwrap();
    // 24 MiB of spaces compress to a few KB: a zip bomb for a reader without a limit.
    std::fs::write(
        files.join("bomb.docx"),
        archive("word/document.xml", &vec![b' '; 24 * 1024 * 1024]),
    )
    .unwrap();
    std::fs::write(
        files.join("broken.pdf"),
        b"%PDF-1.4\n1 0 obj << /Type /Catalog",
    )
    .unwrap();
    let file = |n: u32, path: &str| {
        serde_json::json!({"id": format!("{BASE}/file/{n}"), "type": t("File"),
            "name": path, "accessUrl": format!("files/{path}")})
    };
    write(
        dir.path(),
        "body.json",
        serde_json::json!({
        "id": format!("{BASE}/body/1"), "type": t("Body"), "name": "Example Council"}),
    );
    write(
        dir.path(),
        "organization.json",
        serde_json::json!({
        "id": format!("{BASE}/organization/1"), "type": t("Organization"),
        "body": format!("{BASE}/body/1"), "name": "Health Scrutiny"}),
    );
    write(
        dir.path(),
        "meeting.json",
        serde_json::json!({
        "id": format!("{BASE}/meeting/1"), "type": t("Meeting"),
        "start": "2021-10-11T10:00:00+01:00", "organization": [format!("{BASE}/organization/1")],
        "agendaItem": [{"id": format!("{BASE}/agendaitem/1"), "type": t("AgendaItem"),
            "number": "1", "name": "Winter plan",
            "auxiliaryFile": [file(1, "report.pdf"), file(2, "appendix.docx"),
                file(3, "notes.odt"), file(4, "bomb.docx"), file(5, "broken.pdf"),
                file(6, "../../etc/passwd")]}]}),
    );
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("unused", None),
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.tally.created.get("document"), Some(&6));
    let notes: Vec<&str> = report
        .tally
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("bomb.docx") && n.contains("expands beyond 16 MiB")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.contains("broken.pdf") && n.contains("could not be read")),
        "{notes:?}"
    );

    let meetings = store
        .meetings(
            None,
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(5),
        )
        .await
        .unwrap();
    let record = store
        .meeting_record(meetings[0].meeting.id, Audience::Public)
        .await
        .unwrap();
    let item = open_item(&record.agenda.as_ref().unwrap()[0]);
    let text_of = |name: &str| {
        let d = item
            .documents
            .iter()
            .find(|d| d.record.name.as_str() == name)
            .unwrap();
        (
            d.record.text.to_string(),
            d.record.sha256.is_some(),
            d.record.media_type.as_str().to_owned(),
        )
    };
    let (text, hashed, media) = text_of("report.pdf");
    assert!(text.contains("Forty one step down beds"), "{text:?}");
    assert!(hashed);
    assert_eq!(media, "application/pdf");
    assert_eq!(
        text_of("appendix.docx").0,
        "Winter pressures & domiciliary care\nSecond paragraph"
    );
    assert_eq!(text_of("notes.odt").0, "Community diagnostic hubs");
    // A path outside the dump is not read.
    assert_eq!(
        text_of("../../etc/passwd"),
        (String::new(), false, "application/octet-stream".into())
    );
}

#[tokio::test]
async fn a_file_the_store_refuses_leaves_nothing_and_the_files_beside_it_land() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    let meeting = |id: u32, items: serde_json::Value| {
        serde_json::json!({"id": format!("{BASE}/meeting/{id}"), "type": t("Meeting"),
            "start": "2021-10-11T10:00:00+01:00",
            "organization": [format!("{BASE}/organization/1")], "agendaItem": items})
    };
    let item = |id: u32| {
        serde_json::json!({"id": format!("{BASE}/agendaitem/{id}"), "type": t("AgendaItem"),
            "number": "1", "name": format!("Item {id}")})
    };
    write(
        dir.path(),
        "a-first.json",
        serde_json::json!({"data": [
        {"id": format!("{BASE}/body/1"), "type": t("Body"), "name": "Example Council"},
        {"id": format!("{BASE}/organization/1"), "type": t("Organization"),
         "body": format!("{BASE}/body/1"), "name": "Cabinet"},
        meeting(1, serde_json::json!([item(1)]))]}),
    );
    // The same meeting with a different item numbered 1: the store refuses the second number 1.
    write(
        dir.path(),
        "b-clash.json",
        meeting(1, serde_json::json!([item(2)])),
    );
    write(
        dir.path(),
        "c-fine.json",
        meeting(2, serde_json::json!([item(3)])),
    );
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("unused", None),
    )
    .await;
    assert_eq!(report.failed.len(), 1, "{report:?}");
    assert!(report.failed[0].at.ends_with("b-clash.json"));
    assert!(
        report.failed[0]
            .message
            .contains("another record already has this value"),
        "{:?}",
        report.failed
    );
    let counts = store.counts().await.unwrap();
    assert_eq!((counts.meetings, counts.agenda_items), (2, 2));
    assert_eq!(report.tally.created.get("item"), Some(&2));
}

#[tokio::test]
async fn every_file_in_the_shared_data_imports_and_a_second_import_changes_nothing() {
    let (_dir, store) = store().await;
    let everything = data("");
    let opts = options("Shared Data Council", None);
    let report = import(store.as_ref(), std::slice::from_ref(&everything), &opts).await;
    // No file is refused as a whole; what is rejected is a record with a reason and a place.
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(
        report
            .tally
            .rejected
            .iter()
            .all(|p| p.at.contains("shared/data/") && !p.message.is_empty())
    );
    let meetings = report.tally.created.get("meeting").copied().unwrap_or(0);
    assert!(meetings >= 70, "{:?}", report.tally.created);
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.meetings, meetings);

    let again = import(store.as_ref(), &[everything], &opts).await;
    assert!(again.failed.is_empty(), "{:?}", again.failed);
    assert_eq!(total(&again.tally.created), 0, "{:?}", again.tally.created);
    assert_eq!(total(&again.tally.updated), 0, "{:?}", again.tally.updated);
    // A record rejected for a link that another file's record supplies later in the run may
    // resolve the second time; nothing new is rejected.
    assert!(
        again
            .tally
            .rejected
            .iter()
            .all(|p| report.tally.rejected.contains(p))
    );
}

#[tokio::test]
async fn markdown_minutes_with_front_matter_arrive_with_numbered_items_and_owned_actions() {
    let (_dir, store) = store().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hwb-2024-03-05.md");
    std::fs::write(
        &file,
        "---\ntitle: Health and Wellbeing Board minutes - 5 March 2024\n---\n\
         # Health and Wellbeing Board\n\n\
         Minutes of the meeting held on 5 March 2024, 2pm - 4.30pm at County Hall.\n\n\
         ## Present\n\n- Cllr Jane Smith (Chair)\n- Dr Amir Khan\n\n\
         ## Apologies\n\n- Sarah Jones\n\n\
         ## 1. Welcome and introductions\n\nThe Chair welcomed members.\n\n\
         ## 2. Winter pressures\n\nThe Board discussed winter pressures.\n\n\
         Decision: The Board approved the winter plan.\n\n\
         Action: Dr Amir Khan to report on bed capacity.\n\nDue: April 2024\n",
    )
    .unwrap();
    let report = import(
        store.as_ref(),
        &[file],
        &options("Example County Council", None),
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    let committee = store
        .committee_by_slug("health-and-wellbeing-board")
        .await
        .unwrap();
    let meetings = store
        .meetings(
            Some(committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(5),
        )
        .await
        .unwrap();
    let record = store
        .meeting_record(meetings[0].meeting.id, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        record.meeting.record.location.as_ref().unwrap().as_str(),
        "County Hall"
    );
    let times = &record.meeting.record.times;
    assert_eq!(witan_domain::time::uk_time(times.start()), "14:00");
    assert_eq!(
        times.end().map(witan_domain::time::uk_time).as_deref(),
        Some("16:30")
    );
    let chair = store.memberships(committee.id).await.unwrap();
    assert_eq!(chair.len(), 1);
    assert_eq!(chair[0].person_name.as_str(), "Cllr Jane Smith");
    assert_eq!(
        chair[0].membership.record.role,
        witan_domain::MembershipRole::Chair
    );
    let names: Vec<(&str, witan_domain::AttendanceKind)> = record
        .attendance
        .iter()
        .map(|a| (a.person.record.name.as_str(), a.kind))
        .collect();
    assert!(names.contains(&("Cllr Jane Smith", witan_domain::AttendanceKind::Present)));
    assert!(names.contains(&("Sarah Jones", witan_domain::AttendanceKind::Apologies)));
    let agenda = record.agenda.unwrap();
    let items: Vec<(String, String)> = agenda
        .iter()
        .map(|e| {
            let i = &open_item(e).item.record;
            (i.number.to_string(), i.title.to_string())
        })
        .collect();
    assert!(
        items.contains(&("2".into(), "Winter pressures".into())),
        "{items:?}"
    );
    let winter = agenda
        .iter()
        .map(open_item)
        .find(|i| i.item.record.title.as_str() == "Winter pressures")
        .unwrap();
    assert_eq!(
        winter.minutes.as_ref().unwrap().1.resolution.text.as_str(),
        "The Board approved the winter plan."
    );
    assert_eq!(winter.decisions.len(), 1);
    assert_eq!(
        winter.decisions[0].record.text.as_str(),
        "The Board approved the winter plan."
    );
    let action = &winter.actions[0];
    assert_eq!(action.owner_name.as_deref(), Some("Dr Amir Khan"));
    assert_eq!(
        action.action.record.due_on,
        NaiveDate::from_ymd_opt(2024, 4, 30)
    );
}

/// Answers a harvest from canned replies, without a network, and records what it was asked.
/// It connects to nothing, so it only checks that the harvest hands it permitted URLs.
struct Canned {
    replies: std::collections::HashMap<String, witan_import::harvest::Answer>,
    asked: std::sync::Mutex<Vec<String>>,
}

impl Canned {
    fn new(replies: Vec<(String, witan_import::harvest::Answer)>) -> Self {
        Self {
            replies: replies.into_iter().collect(),
            asked: Default::default(),
        }
    }

    fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

fn body(content_type: &str, bytes: impl Into<Vec<u8>>) -> witan_import::harvest::Answer {
    witan_import::harvest::Answer::Body {
        content_type: Some(content_type.to_owned()),
        bytes: bytes.into(),
    }
}

fn json(value: serde_json::Value) -> witan_import::harvest::Answer {
    body("application/json", value.to_string())
}

fn redirect(location: &str) -> witan_import::harvest::Answer {
    witan_import::harvest::Answer::Redirect {
        location: location.to_owned(),
    }
}

impl witan_import::harvest::Fetch for Canned {
    fn get(
        &self,
        url: &witan_import::scope::Permitted,
        _accept: &str,
        _limit: u64,
    ) -> Result<witan_import::harvest::Answer, witan_import::harvest::FetchError> {
        use witan_import::harvest::{Answer, FetchError};
        assert_eq!(
            url.addresses(),
            witan_import::scope::AddressRule::Checked,
            "{}: a named origin's addresses are checked",
            url.as_str()
        );
        self.asked.lock().unwrap().push(url.as_str().to_owned());
        match self.replies.get(url.as_str()) {
            Some(Answer::Body {
                content_type,
                bytes,
            }) => Ok(Answer::Body {
                content_type: content_type.clone(),
                bytes: bytes.clone(),
            }),
            Some(Answer::Redirect { location }) => Ok(Answer::Redirect {
                location: location.clone(),
            }),
            None => Err(FetchError::Failed("the server answered 404".into())),
        }
    }
}

/// An endpoint at `H` whose meetings come in two pages, the second's meeting on the first's
/// committee, with files of every kind a server may mislabel and redirects within the origin.
fn canned_endpoint() -> Canned {
    const H: &str = "https://oparl.example.org";
    let file = |n: u32, name: &str, mime: &str, url: &str| {
        serde_json::json!({"id": format!("{H}/file/{n}"), "type": t("File"), "name": name,
            "mimeType": mime, "accessUrl": url})
    };
    let meeting = |n: u32, files: Vec<serde_json::Value>| {
        serde_json::json!({"id": format!("{H}/meeting/{n}"), "type": t("Meeting"),
            "start": format!("2021-10-1{n}T10:00:00+01:00"),
            "organization": [format!("{H}/organization/1")],
            "agendaItem": [{"id": format!("{H}/agendaitem/{n}"), "type": t("AgendaItem"),
                "number": "1", "name": format!("Item {n}"), "auxiliaryFile": files}]})
    };
    Canned::new(vec![
        (
            format!("{H}/system"),
            json(
                serde_json::json!({"id": format!("{H}/system"), "type": t("System"),
                "body": format!("{H}/bodies")}),
            ),
        ),
        (
            format!("{H}/bodies"),
            json(
                serde_json::json!({"data": [{"id": format!("{H}/body/1"), "type": t("Body"),
                "name": "Canned Council", "organization": format!("{H}/organizations"),
                "meeting": format!("{H}/meetings")}], "links": {}}),
            ),
        ),
        (
            format!("{H}/organizations"),
            json(
                serde_json::json!({"data": [{"id": format!("{H}/organization/1"),
                "type": t("Organization"), "body": format!("{H}/body/1"),
                "name": "Canned Committee"}], "links": {}}),
            ),
        ),
        (
            format!("{H}/meetings"),
            json(serde_json::json!({"data": [meeting(1, vec![
                file(1, "Says PDF", "application/pdf", &format!("{H}/says.pdf")),
                file(2, "Is PDF", "text/plain", &format!("{H}/is.txt")),
                file(3, "Is DOCX", "text/plain", &format!("{H}/is.txt?docx")),
                file(4, "Is text", "application/pdf", &format!("{H}/text.pdf")),
            ])], "links": {"next": format!("{H}/meetings?page=2")}})),
        ),
        (
            format!("{H}/meetings?page=2"),
            json(serde_json::json!({"data": [meeting(2, vec![
                file(5, "Moved", "application/pdf", &format!("{H}/moved")),
                file(6, "Loops", "text/plain", &format!("{H}/loop")),
                file(7, "Elsewhere", "text/plain", "https://files.example.net/x.txt"),
            ])], "links": {}})),
        ),
        (
            format!("{H}/says.pdf"),
            body("application/pdf", "Not a PDF: an error page served as one"),
        ),
        (
            format!("{H}/is.txt"),
            body("text/plain", pdf("Forty one step down beds")),
        ),
        (
            format!("{H}/is.txt?docx"),
            body(
                "application/octet-stream",
                archive(
                    "word/document.xml",
                    b"<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>Domiciliary care \
                      hours</w:t></w:r></w:p></w:body></w:document>",
                ),
            ),
        ),
        (
            format!("{H}/text.pdf"),
            body("text/plain; charset=utf-8", "Community diagnostic hubs"),
        ),
        (format!("{H}/moved"), redirect("/files/final?x=1")),
        (
            format!("{H}/files/final?x=1"),
            body("text/plain", "Winter pressures arrived after a redirect"),
        ),
        (format!("{H}/loop"), redirect("loop")),
    ])
}

#[tokio::test]
async fn harvested_files_are_typed_by_their_bytes_and_answer_not_their_link() {
    let (_dir, store) = store().await;
    let fetch = canned_endpoint();
    let target = witan_import::harvest::Harvest {
        url: "https://oparl.example.org/system".into(),
        allowed: Vec::new(),
        since: None,
        now: chrono::Utc::now(),
    };
    let report = witan_import::harvest::harvest(
        store.as_ref(),
        &fetch,
        &target,
        &options("unused", None),
        &mut |_: usize, _: usize, _: &Path| {},
    )
    .await
    .unwrap();
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.tally.created.get("document"), Some(&7));
    let asked = fetch.asked();
    assert!(
        asked
            .iter()
            .all(|u| u.starts_with("https://oparl.example.org/")),
        "{asked:?}"
    );
    assert_eq!(
        asked.iter().filter(|u| u.ends_with("/loop")).count(),
        6,
        "the first ask and five redirects: {asked:?}"
    );
    let notes: Vec<&str> = report
        .tally
        .notes
        .iter()
        .map(|n| n.message.as_str())
        .collect();
    assert!(
        notes.iter().any(|n| n
            == &"https://oparl.example.org/loop: could not be fetched: more than 5 redirects; \
                 the document keeps its link without text"),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n
            == &"refused https://files.example.net/x.txt: not the harvested origin \
                 (https://oparl.example.org:443) nor a host allowed with --allow-host; the \
                 document keeps its link without text"),
        "{notes:?}"
    );

    let meetings = store
        .meetings(
            None,
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(5),
        )
        .await
        .unwrap();
    let mut documents = Vec::new();
    for meeting in &meetings {
        let record = store
            .meeting_record(meeting.meeting.id, Audience::Public)
            .await
            .unwrap();
        for entry in record.agenda.as_ref().unwrap() {
            for d in &open_item(entry).documents {
                documents.push((
                    d.record.name.as_str().to_owned(),
                    d.record.media_type.as_str().to_owned(),
                    d.record.text.to_string(),
                ));
            }
        }
    }
    documents.sort();
    let expect = |name: &str, media: &str, words: &str| {
        let (_, m, text) = documents
            .iter()
            .find(|d| d.0 == name)
            .unwrap_or_else(|| panic!("{name} missing: {documents:?}"));
        assert_eq!(m, media, "{name}");
        assert!(text.contains(words), "{name}: {text:?}");
        assert_eq!(text.is_empty(), words.is_empty(), "{name}: {text:?}");
    };
    expect("Says PDF", "application/octet-stream", "");
    expect("Is PDF", "application/pdf", "Forty one step down beds");
    expect(
        "Is DOCX",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Domiciliary care hours",
    );
    expect("Is text", "text/plain", "Community diagnostic hubs");
    expect(
        "Moved",
        "text/plain",
        "Winter pressures arrived after a redirect",
    );
    // Unread files keep what the endpoint said of them, and no text.
    expect("Loops", "text/plain", "");
    expect("Elsewhere", "text/plain", "");
}

/// Pages are applied as they arrive; a dry run does so in one unit of work it never commits, so
/// the second page's meeting still finds the committee of an earlier page, and nothing lands.
#[tokio::test]
async fn a_dry_run_harvest_applies_page_after_page_and_writes_nothing() {
    let (_dir, store) = store().await;
    let target = witan_import::harvest::Harvest {
        url: "https://oparl.example.org/system".into(),
        allowed: Vec::new(),
        since: None,
        now: chrono::Utc::now(),
    };
    let mut files_seen = Vec::new();
    let report = witan_import::harvest::harvest(
        store.as_ref(),
        &canned_endpoint(),
        &target,
        &Options {
            dry_run: true,
            ..options("unused", None)
        },
        &mut |done: usize, total: usize, file: &Path| {
            files_seen.push((done, total, file.display().to_string()))
        },
    )
    .await
    .unwrap();
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.tally.created.get("meeting"), Some(&2), "{report:?}");
    assert_eq!(
        files_seen
            .last()
            .map(|(done, total, file)| (*done, *total, file.as_str())),
        Some((4, 4, "https://oparl.example.org/meetings?page=2"))
    );
    assert!(store.committees().await.unwrap().is_empty());
}
