//! witan on PostgreSQL through the binary: several `witan serve` processes on one database, a
//! database that goes away under load and comes back, and `witan copy` between backends.
//! Skipped (with a message) when `WITAN_TEST_DATABASE_URL` is not set.

use super::*;
use std::collections::BTreeMap;
use std::ffi::OsStr;

/// A database of its own on the test server, dropped afterwards.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    /// A fresh database for `purpose`, or None when no test server is configured.
    pub fn create(purpose: &str) -> Option<Self> {
        let Ok(admin) = std::env::var("WITAN_TEST_DATABASE_URL") else {
            eprintln!("skipped: WITAN_TEST_DATABASE_URL is not set, so PostgreSQL is not tested");
            return None;
        };
        let name = format!("witan_cli_{purpose}_{}", std::process::id());
        let url = with_database(&admin, &name);
        let database = Self { admin, name, url };
        database.execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            database.name
        ));
        database.execute(&format!("CREATE DATABASE {}", database.name));
        Some(database)
    }

    fn execute(&self, sql: &str) {
        let admin = self.admin.clone();
        let sql = sql.to_owned();
        tokio_runtime().block_on(async move {
            use sqlx::Connection;
            let mut connection = sqlx::PgConnection::connect(&admin)
                .await
                .expect("connect to WITAN_TEST_DATABASE_URL");
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
                .execute(&mut connection)
                .await
                .expect("administer the test database");
        });
    }

    pub fn args(&self) -> [&OsStr; 2] {
        [OsStr::new("--database-url"), OsStr::new(&self.url)]
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        self.execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

/// `url` with its database name replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |at| at + 3);
    let host_end = base[scheme_end..]
        .find('/')
        .map_or(base.len(), |at| scheme_end + at);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// A client that keeps cookies and does not follow redirects, as a browser's session would.
struct Browser {
    agent: ureq::Agent,
    cookies: BTreeMap<String, String>,
}

impl Browser {
    fn new() -> Self {
        Self {
            agent: ureq::Agent::new_with_config(
                ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .max_redirects(0)
                    .timeout_global(Some(Duration::from_secs(30)))
                    .build(),
            ),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    fn keep(&mut self, response: &mut ureq::http::Response<ureq::Body>) -> (u16, String) {
        for set in response.headers().get_all("set-cookie") {
            let pair = set.to_str().unwrap_or_default().split(';').next();
            if let Some((name, value)) = pair.and_then(|p| p.split_once('=')) {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string().unwrap_or_default();
        (status, body)
    }

    fn get(&mut self, url: &str) -> (u16, String) {
        let mut response = self
            .agent
            .get(url)
            .header("cookie", self.cookie_header())
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        self.keep(&mut response)
    }

    fn post(&mut self, url: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut response = self
            .agent
            .post(url)
            .header("cookie", self.cookie_header())
            .send_form(form.iter().copied())
            .unwrap_or_else(|e| panic!("POST {url}: {e}"));
        self.keep(&mut response)
    }
}

/// The value of the first input `name` after `from` in `page`.
fn input_value(page: &str, from: &str, name: &str) -> String {
    let start = page
        .find(from)
        .unwrap_or_else(|| panic!("{from} not in the page"));
    let field = page[start..]
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no {name} after {from}"))
        + start;
    let at = page[field..].find("value=\"").expect("the input's value") + field + "value=\"".len();
    page[at..at + page[at..].find('"').expect("value ends")].to_owned()
}

/// Waits until the search API of `base` says its index is complete.
fn search_ready(agent: &ureq::Agent, base: &str) {
    wait_for_json(agent, &format!("{base}/api/v1/search?q=budget"), |json| {
        json["complete"] == true
    });
}

/// A public meeting of the demo whose minutes are not signed off, and its first item's id.
fn editable_item(agent: &ureq::Agent, base: &str) -> (i64, i64) {
    let (status, body) = fetch(agent, &format!("{base}/api/v1/meetings?limit=200"));
    assert_eq!(status, 200, "{body}");
    let meetings: serde_json::Value = serde_json::from_str(&body).expect("json");
    for meeting in meetings["data"].as_array().expect("meetings") {
        if !["agenda_published", "held"].contains(&meeting["status"].as_str().unwrap_or("")) {
            continue;
        }
        let id = meeting["id"].as_i64().expect("id");
        let (_, body) = fetch(agent, &format!("{base}/api/v1/meetings/{id}"));
        let record: serde_json::Value = serde_json::from_str(&body).expect("json");
        let item = record["agenda"]
            .as_array()
            .and_then(|items| items.iter().find(|i| i["exempt"] == false))
            .and_then(|i| i["id"].as_i64());
        if let Some(item) = item {
            return (id, item);
        }
    }
    panic!("the demo has no public meeting open to edits");
}

/// Two `witan serve` processes on one PostgreSQL database are one system: a session started
/// through one is good on the other, and a change made through one shows through the other at
/// once, on its (cached) pages, its open data and its search.
#[test]
fn two_servers_on_one_database_are_one_system() {
    let Some(db) = PgDatabase::create("two") else {
        return;
    };
    let dir = TempDir::new();
    let data = dir.path().join("shared");
    demo_with(
        300,
        &[&db.args()[..], &[OsStr::new("--data"), data.as_os_str()]].concat(),
    );
    add_user_with(
        &db.args(),
        "clerk@example.gov.uk",
        "a long enough passphrase",
        "admin",
        "Clerk",
        None,
    );
    // One data folder for uploaded files, one search index per process.
    let index_a = dir.path().join("index-a");
    let index_b = dir.path().join("index-b");
    let server = |index: &std::path::Path| {
        let mut args = db.args().to_vec();
        args.extend([
            OsStr::new("--data"),
            data.as_os_str(),
            OsStr::new("--search-index"),
            index.as_os_str(),
        ]);
        serve_with(&args)
    };
    let a = server(&index_a);
    let b = server(&index_b);
    let agent = agent();
    search_ready(&agent, &a.base);
    search_ready(&agent, &b.base);

    let (meeting, item) = editable_item(&agent, &b.base);
    let public_page = format!("{}/meetings/{meeting}", b.base);
    let (status, before) = fetch(&agent, &public_page);
    assert_eq!(status, 200);
    assert!(!before.contains("Zephyrine"), "the new title is new");
    // B has the page cached now.
    let mut cached = agent.get(&public_page).call().expect("GET");
    assert_eq!(
        cached
            .headers()
            .get("x-witan-cache")
            .and_then(|v| v.to_str().ok()),
        Some("hit")
    );
    let _ = cached.body_mut().read_to_string();

    // Sign in through A; the session is good on B.
    let mut browser = Browser::new();
    let (status, login) = browser.get(&format!("{}/login", a.base));
    assert_eq!(status, 200);
    let csrf = input_value(&login, "<form", "csrf");
    let (status, body) = browser.post(
        &format!("{}/login", a.base),
        &[
            ("csrf", &csrf),
            ("email", "clerk@example.gov.uk"),
            ("password", "a long enough passphrase"),
            ("next", "/workspace"),
        ],
    );
    assert_eq!(status, 303, "{body}");
    let (status, workspace) = browser.get(&format!("{}/workspace/meetings/{meeting}", b.base));
    assert_eq!(status, 200, "the session started on A is good on B");

    // Change the item's title through A, with the form B showed.
    let form = format!("action=\"/workspace/items/{item}\"");
    let csrf = input_value(&workspace, &form, "csrf");
    let version = input_value(&workspace, &form, "version");
    let number = input_value(&workspace, &form, "number");
    let (status, body) = browser.post(
        &format!("{}/workspace/items/{item}", a.base),
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("number", &number),
            ("title", "Zephyrine ward reconfiguration"),
        ],
    );
    assert_eq!(status, 303, "{body}");

    // At once through B: its cached page, its open data and its search.
    let (_, after) = fetch(&agent, &public_page);
    assert!(
        after.contains("Zephyrine ward reconfiguration"),
        "B's page shows A's change at once"
    );
    let (_, api) = fetch(&agent, &format!("{}/api/v1/meetings/{meeting}", b.base));
    assert!(api.contains("Zephyrine ward reconfiguration"), "{api}");
    let (_, found) = fetch(&agent, &format!("{}/api/v1/search?q=zephyrine", b.base));
    let found: serde_json::Value = serde_json::from_str(&found).expect("json");
    assert_eq!(
        found["results"][0]["id"].as_i64(),
        Some(item),
        "B's search finds A's change at once: {found}"
    );
    // And A, which wrote it, agrees.
    let (_, found) = fetch(&agent, &format!("{}/api/v1/search?q=zephyrine", a.base));
    assert!(found.contains(&format!("\"id\":{item}")), "{found}");

    // Both indexes read the one change log under their own names.
    let readers: Vec<String> = tokio_runtime().block_on(async {
        let pool = sqlx::PgPool::connect(&db.url).await.expect("connect");
        sqlx::query_scalar("SELECT name FROM search_readers ORDER BY name")
            .fetch_all(&pool)
            .await
            .expect("readers")
    });
    assert_eq!(readers.len(), 2, "{readers:?}");
    assert!(
        readers.iter().any(|r| r.ends_with("index-a"))
            && readers.iter().any(|r| r.ends_with("index-b"))
    );
}

/// A PostgreSQL server of the test's own, in a temporary folder, that it may stop and start
/// without disturbing the tests that share the machine's server.
struct PrivateServer {
    bin: std::path::PathBuf,
    dir: TempDir,
    port: u16,
}

impl PrivateServer {
    /// Creates and starts one, or None (test skipped) when PostgreSQL's server programs are not
    /// installed.
    fn start() -> Option<Self> {
        std::env::var("WITAN_TEST_DATABASE_URL").ok()?;
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(Result::ok)
            .map(|version| version.path().join("bin"))
            .find(|bin| bin.join("initdb").exists());
        let Some(bin) = bin else {
            eprintln!("skipped: PostgreSQL's server programs are not under /usr/lib/postgresql");
            return None;
        };
        let dir = TempDir::new();
        // PostgreSQL refuses to run as root: as root, run it as the postgres user.
        if Self::is_root() {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(status.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let server = Self { bin, dir, port };
        server.run(
            "initdb",
            &[
                "-D",
                &server.data(),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        server.up();
        Some(server)
    }

    fn is_root() -> bool {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
    }

    fn data(&self) -> String {
        self.dir.path().join("cluster").display().to_string()
    }

    /// One of PostgreSQL's programs, as the postgres user when the test runs as root.
    fn command(&self, program: &str) -> Command {
        let program = self.bin.join(program);
        if Self::is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        }
    }

    fn run(&self, program: &str, args: &[&str]) {
        let output = self
            .command(program)
            .args(args)
            .output()
            .expect("run a PostgreSQL program");
        assert!(
            output.status.success(),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn up(&self) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data(),
                "-o",
                &options,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    fn down(&self) {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "fast", "-w", "stop"]);
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-D", &self.data(), "-m", "immediate", "stop"])
            .output();
    }
}

/// What one request came to: its status, how long it took, and whether the body said why.
fn timed(agent: &ureq::Agent, url: &str) -> (u16, Duration, String) {
    let started = Instant::now();
    let (status, body) = match agent.get(url).call() {
        Ok(mut response) => (
            response.status().as_u16(),
            response.body_mut().read_to_string().unwrap_or_default(),
        ),
        Err(e) => (0, e.to_string()),
    };
    (status, started.elapsed(), body)
}

/// The database stops under load and starts again: while it is down every request is answered
/// quickly with a 503 page that says why, and once it is back requests succeed again without
/// restarting witan.
#[test]
fn a_database_restart_under_load_fails_fast_and_recovers() {
    let Some(server) = PrivateServer::start() else {
        return;
    };
    let dir = TempDir::new();
    let url = server.url();
    let store_args = [
        OsStr::new("--database-url"),
        OsStr::new(&url),
        OsStr::new("--data"),
        dir.path().as_os_str(),
    ];
    demo_with(200, &store_args);
    let site = serve_with(&store_args);
    let agent = agent();
    search_ready(&agent, &site.base);
    let pages: Vec<String> = [
        "/",
        "/meetings/1",
        "/decisions",
        "/api/v1/meetings",
        "/search?q=budget",
    ]
    .iter()
    .map(|path| format!("{}{path}", site.base))
    .collect();
    for page in &pages {
        assert_eq!(timed(&agent, page).0, 200, "{page} before the restart");
    }

    // Load from four clients throughout: every answer is a 200 or a quick 503.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let load: Vec<_> = (0..4)
        .map(|n| {
            let pages = pages.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let agent = super::agent();
                let mut seen = Vec::new();
                let mut i = n;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let (status, took, body) = timed(&agent, &pages[i % pages.len()]);
                    seen.push((status, took, body.contains("cannot reach its database")));
                    i += 1;
                }
                seen
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(500));
    server.down();
    // While it is down.
    std::thread::sleep(Duration::from_secs(2));
    for page in &pages {
        let (status, took, body) = timed(&agent, page);
        assert_eq!(status, 503, "{page} while the database is down: {body}");
        assert!(took < Duration::from_millis(2500), "{page} took {took:?}");
        if !page.contains("/api/") {
            assert!(body.contains("cannot reach its database"), "{body}");
            let retry = agent.get(page).call().expect("GET");
            assert_eq!(
                retry
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok()),
                Some("10"),
                "{page} says when to come back"
            );
        }
    }
    server.up();
    // Back: the same witan process answers again by itself.
    let deadline = Instant::now() + Duration::from_secs(30);
    for page in &pages {
        loop {
            let (status, _, body) = timed(&agent, page);
            if status == 200 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{page} did not recover: {status} {body}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let seen: Vec<_> = load
        .into_iter()
        .flat_map(|t| t.join().expect("load"))
        .collect();
    let failed: Vec<_> = seen
        .iter()
        .filter(|(status, took, _)| {
            *status != 200 && (*status != 503 || *took >= Duration::from_millis(2500))
        })
        .collect();
    assert!(
        failed.is_empty(),
        "answers other than 200 or a quick 503: {failed:?}"
    );
    let unavailable = seen.iter().filter(|(status, ..)| *status == 503).count();
    assert!(unavailable > 0, "the load saw the outage");
    assert!(
        seen.last().is_some_and(|(status, ..)| *status == 200),
        "the load ended on a success"
    );
    eprintln!(
        "{} requests under load, {unavailable} answered 503 while the database was down",
        seen.len()
    );
}

/// `witan export oparl` of the store `store_args` name, as files by path.
fn oparl_files(store_args: &[&OsStr], out: &std::path::Path) -> BTreeMap<String, String> {
    let output = witan()
        .args([
            "export",
            "oparl",
            "--public-url",
            "https://meetings.example.gov.uk",
            "--out",
        ])
        .arg(out)
        .args(store_args)
        .output()
        .expect("run export oparl");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut files = BTreeMap::new();
    let mut folders = vec![out.to_owned()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("read the dump") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let name = path
                    .strip_prefix(out)
                    .expect("inside")
                    .display()
                    .to_string();
                files.insert(name, std::fs::read_to_string(&path).expect("read"));
            }
        }
    }
    files
}

fn copy(from: &str, to: &str) -> std::process::Output {
    witan()
        .args(["copy", "--from", from, "--to", to])
        .output()
        .expect("run witan copy")
}

/// SQLite to PostgreSQL and back loses nothing: every row of every table (accounts and the
/// audit log included) comes back equal, and the PostgreSQL copy publishes the very same open
/// data. A copy into a store that holds records is refused and changes nothing.
#[test]
fn a_store_copied_to_postgres_and_back_is_the_same_store() {
    let Some(db) = PgDatabase::create("copy") else {
        return;
    };
    let dir = TempDir::new();
    let original = dir.path().join("original");
    demo(&original, 3_000);
    add_user(
        &original,
        "clerk@example.gov.uk",
        "a long enough passphrase",
        "admin",
        "Clerk",
        None,
    );
    let sqlite = format!("sqlite://{}", original.join("witan.db").display());
    let back = format!("sqlite://{}", dir.path().join("back.db").display());

    let there = copy(&sqlite, &db.url);
    assert!(
        there.status.success(),
        "{}",
        String::from_utf8_lossy(&there.stderr)
    );
    let said = String::from_utf8_lossy(&there.stderr);
    assert!(
        said.contains("copy: agenda_items: ") && said.contains("copied "),
        "{said}"
    );
    let again = copy(&db.url, &back);
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    let (a, p, b) = tokio_runtime().block_on(async {
        (
            witan_store::copy::dump(&sqlite)
                .await
                .expect("dump the original"),
            witan_store::copy::dump(&db.url)
                .await
                .expect("dump the PostgreSQL copy"),
            witan_store::copy::dump(&back)
                .await
                .expect("dump the copy back"),
        )
    });
    let rows = |d: &[(&str, Vec<Vec<witan_store::copy::Value>>)], table: &str| {
        d.iter()
            .find(|(t, _)| *t == table)
            .map_or(0, |(_, r)| r.len())
    };
    for table in [
        "agenda_items",
        "item_minutes",
        "minutes_sign_offs",
        "decisions",
        "users",
        "audit_log",
    ] {
        assert!(rows(&a, table) > 0, "the demo has {table} to copy");
    }
    for ((table, original), (_, there)) in a.iter().zip(&p) {
        let first = original.iter().zip(there).find(|(x, y)| x != y);
        assert!(
            original == there,
            "{table} differs in PostgreSQL: {} rows, {} rows, first {first:?}",
            original.len(),
            there.len()
        );
    }
    for ((table, original), (_, back)) in a.iter().zip(&b) {
        assert!(original == back, "{table} differs after the round trip");
    }

    // The same records published from either backend are the same open data.
    let from_sqlite = oparl_files(
        &[OsStr::new("--data"), original.as_os_str()],
        &dir.path().join("oparl-sqlite"),
    );
    let from_postgres = oparl_files(
        &[
            OsStr::new("--data"),
            dir.path().join("pg-data").as_os_str(),
            OsStr::new("--database-url"),
            OsStr::new(&db.url),
        ],
        &dir.path().join("oparl-postgres"),
    );
    assert!(from_sqlite.len() >= 5, "{:?}", from_sqlite.keys());
    assert_eq!(
        from_sqlite.keys().collect::<Vec<_>>(),
        from_postgres.keys().collect::<Vec<_>>()
    );
    for (name, text) in &from_sqlite {
        assert!(
            text == &from_postgres[name],
            "{name} differs between the backends"
        );
    }

    // A store that holds records is not a destination.
    let refused = copy(&sqlite, &db.url);
    assert_eq!(refused.status.code(), Some(1));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("already holds records") && said.contains("nothing was written"),
        "{said}"
    );
    let after = tokio_runtime()
        .block_on(witan_store::copy::dump(&db.url))
        .expect("dump");
    assert!(after == p, "the refused copy changed nothing");
    let nonsense = copy("mysql://somewhere/db", &back);
    assert_eq!(nonsense.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&nonsense.stderr).contains("database_url"));
}
