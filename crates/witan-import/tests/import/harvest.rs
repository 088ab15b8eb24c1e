//! Harvesting an OParl endpoint: canned answers, file types, dry runs.

use super::*;

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
