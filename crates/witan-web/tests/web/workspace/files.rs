//! Uploads and downloads: checked, kept, served only to who may see them, never as HTML.

use super::*;

#[tokio::test]
async fn uploads_are_checked_kept_and_served_only_to_who_may_see_them() {
    let site = site().await;
    let ((mine, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    let (meeting, item) = held_meeting(&site, mine).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let path = format!("/workspace/items/{item}/documents");
    let before = site.store.counts().await.expect("counts").documents;

    // A program renamed to .pdf, and a file over the limit, are refused with a message.
    let disguised = upload(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf)],
        Some(("report.pdf", b"\x7fELF\x02\x01\x01 not a pdf")),
    )
    .await;
    assert_eq!(disguised.status, StatusCode::BAD_REQUEST);
    assert!(
        disguised.body.contains("The file must be a PDF"),
        "{}",
        disguised.body
    );
    let huge = vec![b'a'; witan_app::documents::MAX_UPLOAD_BYTES + 2 * (1 << 20)];
    let too_big = upload(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf)],
        Some(("big.txt", &huge)),
    )
    .await;
    assert_eq!(too_big.status, StatusCode::BAD_REQUEST);
    assert!(
        too_big
            .body
            .contains("the largest file accepted is 20.0 MB"),
        "{}",
        too_big.body
    );
    // A forged upload is refused before its file is read.
    let forged = upload(
        &site,
        &path,
        &clerk,
        &[("csrf", "forged")],
        Some(("a.txt", b"words")),
    )
    .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let public = upload(
        &site,
        &path,
        "",
        &[("csrf", &csrf)],
        Some(("a.txt", b"words")),
    )
    .await;
    assert_eq!(public.status, StatusCode::SEE_OTHER);
    assert_eq!(
        site.store.counts().await.expect("counts").documents,
        before,
        "a refused upload wrote nothing"
    );

    // A public text file and an exempt one.
    let ok = upload(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf), ("title", "Winter plan")],
        Some(("plan.txt", b"Gritting routes zqwinterplan.")),
    )
    .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let secret = upload(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf), ("exempt", "yes"), ("ground", "3")],
        Some(("bids.txt", b"Tender prices zqtenderprice.")),
    )
    .await;
    assert_eq!(
        secret.status,
        StatusCode::BAD_REQUEST,
        "an exempt upload needs a review date"
    );
    assert!(
        secret
            .body
            .contains(&format!("href=\"#document-{item}-review_on\""))
    );
    let secret = upload(
        &site,
        &path,
        &clerk,
        &[
            ("csrf", &csrf),
            ("exempt", "yes"),
            ("ground", "3"),
            ("review_on", "2027-06-30"),
        ],
        Some(("bids.txt", b"Tender prices zqtenderprice.")),
    )
    .await;
    assert_eq!(secret.status, StatusCode::SEE_OTHER, "{}", secret.body);
    assert_eq!(
        site.store.counts().await.expect("counts").documents,
        before + 2
    );

    let hub = get_as(&site, &format!("/workspace/meetings/{meeting}"), &clerk).await;
    let links: Vec<String> = hub
        .body
        .match_indices("href=\"/workspace/documents/")
        .map(|(at, _)| {
            hub.body[at + 6..]
                .split('"')
                .next()
                .expect("href")
                .to_owned()
        })
        .collect();
    assert_eq!(links.len(), 2, "both files are linked in the workspace");
    let (plan, bids) = (&links[0], &links[1]);
    let plan_file = get_as(&site, plan, &clerk).await;
    assert_eq!(plan_file.status, StatusCode::OK);
    assert_eq!(plan_file.body, "Gritting routes zqwinterplan.");
    assert_eq!(
        plan_file
            .headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok()),
        Some("inline; filename=\"Winter-plan.txt\"")
    );
    assert_eq!(
        get_as(&site, bids, &clerk).await.body,
        "Tender prices zqtenderprice."
    );
    assert_eq!(
        get_as(&site, bids, "").await.status,
        StatusCode::SEE_OTHER,
        "the workspace address needs a session"
    );

    // The public: the public file once the agenda is published (it already is), never the exempt.
    let plan_public = plan.replace("/workspace/documents/", "/documents/");
    let bids_public = bids.replace("/workspace/documents/", "/documents/");
    let served = get_as(&site, &plan_public, "").await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.body, "Gritting routes zqwinterplan.");
    let withheld = get_as(&site, &bids_public, "").await;
    assert_eq!(withheld.status, StatusCode::NOT_FOUND);
    assert!(!withheld.body.contains("zqtenderprice"));
    let page = get_as(&site, &format!("/meetings/{meeting}"), "").await;
    assert!(page.body.contains(&format!("href=\"{plan_public}\"")));
    assert!(!page.body.contains("bids.txt"));

    // The exempt register lists it; releasing it (with the session's token) makes it public.
    let register = get_as(&site, "/workspace/exempt", &clerk).await;
    assert!(register.body.contains("bids.txt"));
    let id = bids.trim_start_matches("/workspace/documents/");
    let release = format!("/workspace/documents/{id}/release");
    assert_eq!(
        post_as(&site, &release, &clerk, &[("csrf", "forged")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        post_as(&site, &release, "", &[("csrf", &csrf)])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        get_as(&site, &bids_public, "").await.status,
        StatusCode::NOT_FOUND
    );
    let released = post_as(&site, &release, &clerk, &[("csrf", &csrf)]).await;
    assert_eq!(released.status, StatusCode::SEE_OTHER, "{}", released.body);
    assert_eq!(
        get_as(&site, &bids_public, "").await.body,
        "Tender prices zqtenderprice."
    );
    assert!(
        !get_as(&site, "/workspace/exempt", &clerk)
            .await
            .body
            .contains("bids.txt")
    );
    let log = site
        .store
        .audit_log(Some(("document", id.parse().expect("id"))), Page::first(5))
        .await
        .expect("log");
    assert_eq!(log[0].entry.action, "release exempt document");
    assert_eq!(log[0].entry.by, "clerk@example.org");
}

#[tokio::test]
async fn an_imported_file_cannot_name_another_documents_digest_or_be_served_as_html() {
    let site = site().await;
    let ((mine, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    let (meeting, item) = held_meeting(&site, mine).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let path = format!("/workspace/items/{item}/documents");
    // An exempt upload, whose digest an importer has come to know.
    let sealed = upload(
        &site,
        &path,
        &clerk,
        &[
            ("csrf", &csrf),
            ("exempt", "yes"),
            ("ground", "3"),
            ("review_on", "2027-06-30"),
        ],
        Some((
            "bids.txt",
            b"<html><script>alert(document.cookie)</script>Tender prices zqsealedbid.</html>",
        )),
    )
    .await;
    assert_eq!(sealed.status, StatusCode::SEE_OTHER, "{}", sealed.body);
    // A public upload, whose bytes the importer holds as well.
    let page_bytes: &[u8] = b"<html><script>alert(1)</script>Open page zqopenpage.</html>";
    let open = upload(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf)],
        Some(("page.txt", page_bytes)),
    )
    .await;
    assert_eq!(open.status, StatusCode::SEE_OTHER, "{}", open.body);
    let record = site
        .store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .expect("record");
    let digest = record
        .agenda
        .expect("agenda")
        .iter()
        .find_map(|e| match e {
            ItemEntry::Open(i) => i
                .documents
                .iter()
                .find(|d| d.name.as_str() == "bids.txt")
                .and_then(|d| d.sha256.clone()),
            ItemEntry::Withheld { .. } => None,
        })
        .expect("the exempt upload's digest")
        .to_string();

    // An OParl dump whose Files claim that digest and text/html.
    let dump = tempfile::tempdir().expect("dump");
    std::fs::create_dir(dump.path().join("files")).expect("files");
    std::fs::write(dump.path().join("files/page.html"), page_bytes).expect("page");
    let base = "https://oparl.example.org/oparl";
    let t = |kind: &str| format!("https://schema.oparl.org/1.1/{kind}");
    let objects = serde_json::json!([
        {"id": format!("{base}/body/1"), "type": t("Body"), "name": "Zq Import Council"},
        {"id": format!("{base}/organization/1"), "type": t("Organization"),
         "body": format!("{base}/body/1"), "name": "Zq Import Scrutiny"},
        {"id": format!("{base}/meeting/1"), "type": t("Meeting"),
         "start": "2021-10-11T10:00:00+01:00",
         "organization": [format!("{base}/organization/1")],
         "agendaItem": [{"id": format!("{base}/agendaitem/1"), "type": t("AgendaItem"),
            "number": "1", "name": "Tenders", "public": true,
            "auxiliaryFile": [
                {"id": format!("{base}/file/1"), "type": t("File"), "name": "Sealed bids",
                 "mimeType": "text/html", "size": 80,
                 "accessUrl": "https://elsewhere.example/bids.html",
                 "witan:sha256": digest, "sha256Checksum": digest},
                {"id": format!("{base}/file/2"), "type": t("File"), "name": "Open page",
                 "mimeType": "text/html", "accessUrl": "files/page.html",
                 "witan:sha256": digest}
            ]}]}
    ]);
    std::fs::write(
        dump.path().join("objects.json"),
        serde_json::to_string(&objects).expect("json"),
    )
    .expect("write dump");
    let report = witan_import::run(
        site.store.as_ref(),
        &[dump.path().join("objects.json")],
        &witan_import::Options {
            format: None,
            organisation: None,
            committee: None,
            dry_run: false,
            today: "2026-11-23".parse().expect("date"),
            extractor: witan_import::extract::Extractor::InProcess,
        },
        &mut |_: usize, _: usize, _: &std::path::Path| {},
    )
    .await
    .expect("import");
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );

    // The File witan never read has no file: its claimed digest is not taken, so nothing is
    // served for it, to the public or in the workspace.
    let claimed = public_document(&site, "Zq Import Scrutiny", "Sealed bids").await;
    assert_eq!(claimed.sha256, None, "a digest the source stated was taken");
    for (path, cookie) in [
        (format!("/documents/{}", claimed.id), ""),
        (
            format!("/workspace/documents/{}", claimed.id),
            clerk.as_str(),
        ),
    ] {
        let answer = get_as(&site, &path, cookie).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!answer.body.contains("zqsealedbid"), "{path}");
    }

    // The File witan read is described by its bytes: the digest is theirs, the media type is
    // not the claimed text/html, and the file goes out as plain text under the guards.
    let read = public_document(&site, "Zq Import Scrutiny", "Open page").await;
    assert_ne!(read.sha256.as_ref().map(ToString::to_string), Some(digest));
    assert_ne!(read.media_type.as_str(), "text/html");
    let served = get_as(&site, &format!("/documents/{}", read.id), "").await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.body.as_bytes(), page_bytes);
    assert_eq!(
        header(&served, header::CONTENT_TYPE),
        "text/plain; charset=utf-8"
    );
    assert!(header(&served, header::CONTENT_DISPOSITION).starts_with("inline;"));
    assert_guarded(&served, "the imported page");
}

#[tokio::test]
async fn downloads_say_nosniff_and_sandbox_and_attach_all_but_pdf_and_text() {
    let site = site().await;
    let ((mine, _), _) = two_committees(&site).await;
    let (_, item) = held_meeting(&site, mine).await;
    let files = site._dir.path().join("files");
    // Files as witan would keep them, each with the media type its record claims.
    let kept: [(&str, &str, &[u8], &str, &str); 5] = [
        (
            "Report",
            "application/pdf",
            b"%PDF-1.4\n% a report",
            "application/pdf",
            "inline; filename=\"Report.pdf\"",
        ),
        (
            "Notes",
            "text/plain",
            b"Plain notes",
            "text/plain; charset=utf-8",
            "inline; filename=\"Notes.txt\"",
        ),
        (
            "Appendix",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 an archive",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "attachment; filename=\"Appendix.docx\"",
        ),
        (
            "Picture",
            "image/svg+xml",
            b"\x89PNG\r\n\x1a\n\x00\x00",
            "application/octet-stream",
            "attachment; filename=\"Picture\"",
        ),
        (
            "Not a PDF",
            "application/pdf",
            b"\x7fELF\x02\x01\x01\x00",
            "application/octet-stream",
            "attachment; filename=\"Not-a-PDF\"",
        ),
    ];
    for (name, claimed, bytes, content_type, disposition) in kept {
        let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(bytes).into();
        let digest = witan_domain::Sha256::from_bytes(&digest);
        let path = witan_app::documents::file_path(&files, digest.as_str());
        std::fs::create_dir_all(path.parent().expect("folder")).expect("folder");
        std::fs::write(&path, bytes).expect("file");
        let mut w = site.store.begin().await.expect("begin");
        let id = w
            .create_document(&witan_domain::Document {
                item: Some(item),
                issue: None,
                name: Title::parse("name", name).expect("name"),
                media_type: witan_domain::MediaType::parse("media_type", claimed)
                    .expect("media type"),
                size_bytes: bytes.len() as u64,
                sha256: Some(digest),
                text: witan_domain::Text::default(),
                visibility: witan_domain::Visibility::Public,
            })
            .await
            .expect("document");
        w.commit().await.expect("commit");
        let answer = get_as(&site, &format!("/documents/{id}"), "").await;
        assert_eq!(answer.status, StatusCode::OK, "{name}");
        assert_eq!(
            header(&answer, header::CONTENT_TYPE),
            content_type,
            "{name}"
        );
        assert_eq!(
            header(&answer, header::CONTENT_DISPOSITION),
            disposition,
            "{name}"
        );
        assert_guarded(&answer, name);
    }
}
