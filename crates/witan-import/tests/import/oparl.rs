//! OParl dumps: a real one, papers linked to the items that considered them, malformed JSON.

use super::*;

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

#[tokio::test]
async fn oparl_papers_link_to_the_agenda_items_that_considered_them_and_files_follow() {
    let (_dir, store) = store().await;
    let dir = TempDir::new();
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
    let dir = TempDir::new();
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
