//! The search index kept by serve, imported minutes on the site, and harvests of OParl endpoints.

use super::*;

#[test]
fn search_index_is_built_followed_and_rebuilt_when_deleted() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let output = witan()
        .args(["demo", "--items", "1500", "--seed", "5", "--data"])
        .arg(&data)
        .output()
        .expect("run demo");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let agent = agent();
    let query = "/api/v1/search?q=council&sort=newest";
    let total = {
        let server = serve(&data);
        let url = format!("{}{query}", server.base);
        let json = wait_for_json(&agent, &url, |j| j["complete"] == true && j["total"] != 0);
        // A change made to the store while serving reaches search within moments.
        let db = format!("sqlite://{}", data.join("witan.db").display());
        let runtime = tokio_runtime();
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&db).await.expect("database");
            sqlx::query(
                "UPDATE agenda_items SET title = 'Zebra crossing on Quillfeather Lane' \
                 WHERE id = (SELECT i.id FROM agenda_items i JOIN meetings m ON m.id = i.meeting_id \
                 WHERE i.exempt_ground IS NULL AND m.status = 'minutes_signed_off' LIMIT 1)",
            )
            .execute(&pool)
            .await
            .expect("update");
        });
        let found = wait_for_json(
            &agent,
            &format!("{}/api/v1/search?q=quillfeather", server.base),
            |j| j["total"] == 1,
        );
        assert_eq!(
            found["results"][0]["title"],
            "Zebra crossing on Quillfeather Lane"
        );
        json["total"].as_u64().expect("total")
    };
    // Deleted while the server is stopped: rebuilt on the next start, with the same answers.
    std::fs::remove_dir_all(data.join("search")).expect("delete the index");
    {
        let server = serve(&data);
        let url = format!("{}{query}", server.base);
        let json = wait_for_json(&agent, &url, |j| j["complete"] == true && j["total"] != 0);
        assert_eq!(json["total"].as_u64(), Some(total));
        let found = wait_for_json(
            &agent,
            &format!("{}/api/v1/search?q=quillfeather", server.base),
            |j| j["complete"] == true,
        );
        assert_eq!(found["total"], 1);
    }
    // `witan reindex` rebuilds it on demand and says what it did.
    let output = witan()
        .args(["reindex", "--data"])
        .arg(&data)
        .output()
        .expect("run reindex");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("indexed ") && stderr.contains(" records in "),
        "{stderr}"
    );
}

#[test]
fn imported_minutes_appear_on_the_site_and_a_second_import_changes_nothing() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let import = || {
        witan()
            .args([
                "import",
                "--organisation",
                "Lancashire County Council",
                "--data",
            ])
            .arg(&data)
            .arg(shared_data("seeds/001_695624d7a108ca0f.txt"))
            .output()
            .expect("run import")
    };
    let first = import();
    let summary = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{summary}");
    assert!(summary.contains("imported 1 files"), "{summary}");
    assert!(
        summary.contains(
            "created   10 (2 committee, 2 document, 1 issue, 2 item, 2 meeting, 1 organisation)"
        ),
        "{summary}"
    );
    assert!(
        summary.contains("rejected  0 records, 0 files"),
        "{summary}"
    );
    let second = import();
    let summary = String::from_utf8_lossy(&second.stderr);
    assert!(
        summary.contains("created   0\n") && summary.contains("updated   0\n"),
        "{summary}"
    );
    assert!(summary.contains("unchanged 10"), "{summary}");

    let broken = dir.path().join("broken.json");
    std::fs::write(
        &broken,
        "{\"type\": \"https://schema.oparl.org/1.1/Body\", ",
    )
    .expect("write");
    let failed = witan()
        .args(["import", "--data"])
        .arg(&data)
        .arg(&broken)
        .output()
        .expect("run import");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(failed.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("broken.json:line 1: not valid JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: 1 files or pages were not imported"),
        "{stderr}"
    );

    let missing = witan()
        .args(["import", "--data"])
        .arg(&data)
        .arg(dir.path().join("nowhere.txt"))
        .output()
        .expect("run import");
    assert!(!missing.status.success());
    assert!(
        String::from_utf8_lossy(&missing.stderr).contains("nowhere.txt: no such file or folder")
    );

    let board = witan()
        .args([
            "import",
            "--organisation",
            "Lancashire and South Cumbria ICS",
            "--committee",
            "ICS Board",
            "--data",
        ])
        .arg(&data)
        .arg(shared_data("seeds/000_54a104f843f7d0d7.txt"))
        .output()
        .expect("run import");
    assert!(
        board.status.success(),
        "{}",
        String::from_utf8_lossy(&board.stderr)
    );

    let server = serve(&data);
    let agent = agent();
    let (status, page) = fetch(&agent, &format!("{}/issues/1", server.base));
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("Meeting: 14/04/2016 - Cabinet (Item 7)"),
        "{page}"
    );
    assert!(page.contains("Meeting: 12/04/2016 - Executive Scrutiny Committee (Item 4)"));
    assert!(page.contains("PDF 144 KB"));
    let search = wait_for_json(
        &agent,
        &format!("{}/api/v1/search?q=bite+size+briefings", server.base),
        |v| v["total"].as_u64().unwrap_or(0) > 0,
    );
    assert!(
        search.to_string().contains("Executive Scrutiny Committee"),
        "{search}"
    );
    // "What was decided about step-down beds?" finds the board's imported summary.
    let beds = wait_for_json(
        &agent,
        &format!("{}/api/v1/search?q=step-down+beds", server.base),
        |v| v["total"].as_u64().unwrap_or(0) > 0,
    );
    let first = &beds["results"][0];
    assert!(
        first.to_string().contains("Month 6 Financial Position"),
        "{beds}"
    );
    assert!(first.to_string().contains("ICS Board"), "{beds}");
}

#[test]
fn an_oparl_endpoint_is_harvested_and_a_second_harvest_asks_only_for_changes() {
    let server = oparl_server();
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let harvest = || {
        witan()
            .args([
                "import",
                "--url",
                &format!("{}/system", server.base),
                "--data",
            ])
            .arg(&data)
            .output()
            .expect("run import --url")
    };
    let first = harvest();
    let summary = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{summary}");
    assert!(
        summary
            .contains("created   8 (1 committee, 2 document, 2 item, 2 meeting, 1 organisation)"),
        "{summary}"
    );
    let asked: Vec<String> = server.asked.lock().expect("lock").drain(..).collect();
    assert!(asked.contains(&"/meetings?page=2".to_owned()), "{asked:?}");
    assert!(
        asked.iter().all(|p| !p.contains("modified_since")),
        "{asked:?}"
    );

    let second = harvest();
    let summary = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{summary}");
    assert!(
        summary.contains("created   0\n") && summary.contains("updated   0\n"),
        "{summary}"
    );
    let asked: Vec<String> = server.asked.lock().expect("lock").drain(..).collect();
    let meetings = asked
        .iter()
        .find(|p| p.starts_with("/meetings"))
        .expect("meetings asked");
    assert!(meetings.contains("modified_since=20"), "{asked:?}");

    // The harvested report's words are found: its file was fetched and read.
    let site = serve(&data);
    let found = wait_for_json(
        &agent(),
        &format!("{}/api/v1/search?q=forty+one+step+down+beds", site.base),
        |v| v["total"].as_u64().unwrap_or(0) > 0,
    );
    assert!(found.to_string().contains("Winter report"), "{found}");
}

/// A harvested endpoint that names another server: a list of papers there, a `links.next` to it,
/// a File whose `accessUrl` is there, and a redirect to it. The other server stands for a cloud
/// metadata service or an intranet page: witan must never connect to it, must say what it
/// refused, and nothing of it may become searchable. Before, witan followed all four and
/// published the answers as document text.
#[test]
fn harvest_does_not_follow_links_or_redirects_to_other_hosts() {
    let secret = "metadata credential zebra quartz";
    let elsewhere = tiny_server("127.0.0.1", move |_, _| Reply::text(secret));
    let e = elsewhere.base.clone();
    let t = oparl_type;
    let endpoint = tiny_server("127.0.0.1", move |b, path| match path {
        "/system" => Reply::json(serde_json::json!({"id": format!("{b}/system"),
            "type": t("System"), "body": format!("{b}/bodies")})),
        "/bodies" => Reply::json(serde_json::json!({"data": [{"id": format!("{b}/body/1"),
            "type": t("Body"), "name": "Hostile Council",
            "organization": format!("{b}/organizations"),
            "paper": format!("{e}/papers"),
            "meeting": format!("{b}/meetings")}], "links": {}})),
        "/organizations" => Reply::json(serde_json::json!({"data": [{
            "id": format!("{b}/organization/1"), "type": t("Organization"),
            "body": format!("{b}/body/1"), "name": "Hostile Committee"}], "links": {}})),
        "/meetings" => Reply::json(serde_json::json!({"data": [{
            "id": format!("{b}/meeting/1"), "type": t("Meeting"),
            "start": "2021-10-11T10:00:00+01:00",
            "organization": [format!("{b}/organization/1")],
            "agendaItem": [{"id": format!("{b}/agendaitem/1"), "type": t("AgendaItem"),
                "number": "1", "name": "Harvested item",
                "auxiliaryFile": [
                    {"id": format!("{b}/file/1"), "type": t("File"), "name": "Credentials",
                        "mimeType": "text/plain", "accessUrl": format!("{e}/latest/meta-data")},
                    {"id": format!("{b}/file/2"), "type": t("File"), "name": "Moved",
                        "mimeType": "text/plain", "accessUrl": format!("{b}/moved")},
                    {"id": format!("{b}/file/3"), "type": t("File"), "name": "Winter report",
                        "mimeType": "application/pdf", "accessUrl": format!("{b}/report")}]}]}],
            "links": {"next": format!("{e}/meetings?page=2")}})),
        "/moved" => Reply::redirect(&format!("{e}/latest/user-data")),
        "/report" => Reply::text("Forty one step down beds are planned for the winter."),
        _ => Reply::json(serde_json::json!({"error": "not found"})),
    });
    let e = elsewhere.base.clone();
    let port = endpoint.base.trim_start_matches("http://127.0.0.1:");
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let output = witan()
        .args([
            "import",
            "--json",
            "--url",
            &format!("{}/system", endpoint.base),
        ])
        .args(["--allow-host", &format!("127.0.0.1:{port}"), "--data"])
        .arg(&data)
        .output()
        .expect("run import --url");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report: serde_json::Value =
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {stderr}"));

    assert_eq!(elsewhere.connections(), 0, "the other server was reached");
    // The harvest is incomplete, so it says so and is not remembered as complete.
    assert!(!output.status.success(), "{stderr}");
    let refused = |at: &str, then: &str| {
        let expected = format!(
            "refused {at}{then}: not the harvested origin ({}) nor a host allowed with \
             --allow-host",
            endpoint.base
        );
        assert!(
            report.to_string().contains(&expected),
            "{expected}\n{report:#}"
        );
    };
    refused(&format!("{e}/papers"), "");
    refused(&format!("{e}/meetings?page=2"), "");
    refused(&format!("{e}/latest/meta-data"), "");
    refused(
        &format!("{e}/latest/user-data"),
        &format!(" (redirected from {}/moved)", endpoint.base),
    );
    let failed: Vec<&str> = report["failed"]
        .as_array()
        .expect("failed")
        .iter()
        .filter_map(|p| p["at"].as_str())
        .collect();
    assert_eq!(
        failed,
        [format!("{e}/papers"), format!("{e}/meetings?page=2")],
        "{report:#}"
    );
    // What the endpoint itself serves did land: the meeting, its item and the report's text.
    assert_eq!(report["tally"]["created"]["meeting"], 1, "{report:#}");
    assert_eq!(report["tally"]["created"]["document"], 3, "{report:#}");

    let site = serve(&data);
    let found = wait_for_json(
        &agent(),
        &format!("{}/api/v1/search?q=forty+one+step+down+beds", site.base),
        |v| v["total"].as_u64().unwrap_or(0) > 0,
    );
    assert!(found.to_string().contains("Winter report"), "{found}");
    let (status, body) = fetch(
        &agent(),
        &format!("{}/api/v1/search?q=zebra+quartz", site.base),
    );
    assert_eq!(status, 200, "{body}");
    let leaked: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(leaked["total"], 0, "{leaked}");
    assert_eq!(elsewhere.connections(), 0, "the other server was reached");
}

/// An endpoint named by a host name is held to the address rule like any other host: its owner
/// answers for the name and could point it at a loopback or link-local address. Named on the
/// command line with --allow-host, the same server is harvested.
#[test]
fn a_harvest_connects_to_a_named_loopback_host_only_when_allowed() {
    let server = tiny_server("localhost", |b, path| match path {
        "/bodies" => Reply::json(serde_json::json!({"data": [{"id": format!("{b}/body/1"),
            "type": oparl_type("Body"), "name": "Local Council"}], "links": {}})),
        _ => Reply::json(serde_json::json!({"error": "not found"})),
    });
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let url = format!("{}/bodies", server.base);
    let host = server.base.trim_start_matches("http://");
    let refused = witan()
        .args(["import", "--url", &url, "--data"])
        .arg(&data)
        .output()
        .expect("run import --url");
    let summary = String::from_utf8_lossy(&refused.stderr);
    assert!(!refused.status.success(), "{summary}");
    assert!(
        summary.contains(&format!("refused {url}: localhost resolves to"))
            && summary.contains("a loopback address, and is not a host allowed with --allow-host"),
        "{summary}"
    );
    assert_eq!(server.connections(), 0, "{summary}");

    let allowed = witan()
        .args(["import", "--url", &url, "--allow-host", host, "--data"])
        .arg(&data)
        .output()
        .expect("run import --url");
    let summary = String::from_utf8_lossy(&allowed.stderr);
    assert!(allowed.status.success(), "{summary}");
    assert!(server.connections() > 0, "{summary}");

    let help = witan()
        .args(["import", "--help"])
        .output()
        .expect("run import --help");
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(help.contains("--allow-host <HOST[:PORT]>"), "{help}");
}
