//! Report documents beside a dump, read within limits, and files the store refuses.

use super::*;

#[tokio::test]
async fn report_documents_beside_a_dump_are_read_for_their_text_within_limits() {
    let (_dir, store) = store().await;
    let dir = TempDir::new();
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
    let dir = TempDir::new();
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
