//! The commands themselves: help, demo then serve, the ways serve refuses to start, settings.

use super::*;

#[test]
fn help_names_every_command() {
    let output = witan().arg("--help").output().expect("run");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for command in [
        "serve", "demo", "migrate", "reindex", "import", "user", "export",
    ] {
        assert!(help.contains(command), "{command} missing from --help");
    }
    let output = witan().args(["demo", "--help"]).output().expect("run");
    let help = String::from_utf8_lossy(&output.stdout);
    assert!(help.contains("--items") && help.contains("--seed") && help.contains("--data"));
}

#[test]
fn demo_then_serve_the_meeting_and_issue_pages() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let output = witan()
        .args(["demo", "--items", "2000", "--seed", "3", "--data"])
        .arg(&data)
        .output()
        .expect("run demo");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "demo failed: {stderr}");
    assert!(stderr.contains("agenda items"), "{stderr}");

    // A second demo into the same store is refused, and changes nothing.
    let again = witan()
        .args(["demo", "--items", "10", "--data"])
        .arg(&data)
        .output()
        .expect("run demo");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds records"));

    let server = serve(&data);
    let agent = agent();
    assert_eq!(
        fetch(&agent, &format!("{}/healthz", server.base)),
        (200, "ok\n".to_owned())
    );
    let (status, home) = fetch(&agent, &format!("{}/", server.base));
    assert_eq!(status, 200);
    let meeting = first_link(&home, "/meetings/").expect("a meeting link on the home page");
    let (status, page) = fetch(&agent, &format!("{}{meeting}", server.base));
    assert_eq!(status, 200);
    assert!(page.contains("<h2 id=\"agenda\">Agenda</h2>"), "{page}");

    // Follow committee pages until one links an issue.
    let mut issue = None;
    let mut committee_pages = Vec::new();
    let (status, list) = fetch(&agent, &format!("{}/committees", server.base));
    assert_eq!(status, 200);
    let mut rest = list.as_str();
    while let Some(link) = first_link(rest, "/committees/") {
        rest = &rest[rest.find(&link).unwrap_or(0) + link.len()..];
        committee_pages.push(link);
    }
    'search: for committee in committee_pages {
        let (_, page) = fetch(&agent, &format!("{}{committee}", server.base));
        let mut rest = page.as_str();
        while let Some(link) = first_link(rest, "/meetings/") {
            rest = &rest[rest.find(&link).unwrap_or(0) + link.len()..];
            let (_, meeting) = fetch(&agent, &format!("{}{link}", server.base));
            if let Some(found) = first_link(&meeting, "/issues/") {
                issue = Some(found);
                break 'search;
            }
        }
    }
    let issue = issue.expect("some meeting links an issue");
    let (status, page) = fetch(&agent, &format!("{}{issue}", server.base));
    assert_eq!(status, 200);
    assert!(
        page.contains("<h2>Issue history</h2>") && page.contains("Meeting: "),
        "{page}"
    );
}

#[test]
fn serve_refuses_a_data_folder_it_cannot_write() {
    let dir = TempDir::new();
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").expect("write");
    let started = Instant::now();
    let output = witan()
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(&file)
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("error: cannot create the data folder"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn serve_refuses_a_database_from_a_newer_witan() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let output = witan()
        .args(["migrate", "--data"])
        .arg(&data)
        .output()
        .expect("run migrate");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let runtime = tokio_runtime();
    runtime.block_on(async {
        let store = witan_store::sqlite::SqliteStore::open(&data.join("witan.db"))
            .await
            .expect("open");
        let raw = witan_store::suite::kit::raw_pool(&store).await;
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99990101000000, 'from the future', 1, x'00', 0)",
        )
        .execute(&raw)
        .await
        .expect("insert");
        raw.close().await;
    });
    let output = witan()
        .args(["serve", "--bind", "127.0.0.1:0", "--data"])
        .arg(&data)
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("newer version of witan"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn configuration_file_and_bad_settings_are_named() {
    let dir = TempDir::new();
    let config = dir.path().join("witan.toml");
    std::fs::write(&config, "bind = \"not an address\"\n").expect("write");
    let output = witan()
        .arg("--config")
        .arg(&config)
        .args(["serve"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bind: \"not an address\""));
    std::fs::write(&config, "colour = \"blue\"\n").expect("write");
    let output = witan()
        .arg("--config")
        .arg(&config)
        .args(["serve"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("witan.toml") && stderr.contains("colour"),
        "{stderr}"
    );
    // The limits of the server: from the file, and from WITAN_* over it.
    std::fs::write(
        &config,
        "max_concurrent_requests = 0
",
    )
    .expect("write");
    let output = witan()
        .arg("--config")
        .arg(&config)
        .args(["serve"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("max_concurrent_requests: 0 is not from 1 to 100000"),
        "{stderr}"
    );
    std::fs::write(
        &config,
        "request_timeout_secs = 30
",
    )
    .expect("write");
    let output = witan()
        .arg("--config")
        .arg(&config)
        .args(["serve"])
        .env("WITAN_REQUEST_TIMEOUT_SECS", "7200")
        .output()
        .expect("run");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("request_timeout_secs: 7200 is not from 1 to 3600"),
        "{stderr}"
    );
}

#[test]
fn a_password_in_the_database_urls_query_is_never_printed() {
    let dir = TempDir::new();
    // A PostgreSQL server nobody listens for, a parameter the driver does not read, and a
    // scheme witan does not know: each fails, and no message shows a secret.
    for url in [
        "postgres://witan@127.0.0.1:9/witan?password=zqhunter2",
        "postgres://witan:zqhunter2@127.0.0.1:9/witan?sslpassword=zqopensesame",
        "mysql://witan:zqhunter2@db.example/witan?password=zqhunter2",
    ] {
        let output = witan()
            .args(["migrate", "--data"])
            .arg(dir.path())
            .env("WITAN_DATABASE_URL", url)
            .env("WITAN_LOG", "trace")
            .output()
            .expect("run migrate");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.status.success(), "{url}: {said}");
        assert!(said.contains("error: "), "{url}: {said}");
        assert!(
            !said.contains("zqhunter2") && !said.contains("zqopensesame"),
            "{url}: {said}"
        );
    }
    let output = witan()
        .args(["migrate", "--data"])
        .arg(dir.path())
        .env(
            "WITAN_DATABASE_URL",
            "postgres://witan@127.0.0.1:9/witan?sslpassword=zqopensesame",
        )
        .output()
        .expect("run migrate");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("\"sslpassword\""), "{said}");
}
