//! The real `witan` binary on real files: demo, serve over HTTP, and the ways it refuses to start.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use witan_store::suite::kit::TempDir;

mod alerts;
mod browser;
mod commands;
mod documents;
mod exports;
mod imports;
mod overload;
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

/// A client that shows every status and follows no redirect.
fn no_redirects(timeout: Duration) -> ureq::Agent {
    ureq::Agent::new_with_config(
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(timeout))
            .build(),
    )
}

fn serve(data: &std::path::Path) -> Server {
    serve_with(&[std::ffi::OsStr::new("--data"), data.as_os_str()])
}

/// `witan serve` on a free port with `args`.
fn serve_with(args: &[&std::ffi::OsStr]) -> Server {
    serve_with_env(args, &[])
}

/// `witan serve` on a free port with `args` and the environment variables `env`.
fn serve_with_env(args: &[&std::ffi::OsStr], env: &[(&str, &str)]) -> Server {
    let mut child = witan()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .args(args)
        .envs(env.iter().copied())
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

fn shared_data(path: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
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
        let raw = witan_store::suite::kit::raw_pool(&store).await;
        let slug = sqlx::query_scalar(
            "SELECT o.slug FROM organisations o
               JOIN committee_owners co ON co.organisation_id = o.id
              WHERE o.kind = 'integrated_care_board'
              GROUP BY o.id HAVING COUNT(*) > 1 ORDER BY o.slug LIMIT 1",
        )
        .fetch_one(&raw)
        .await
        .expect("an integrated care board with more than one committee");
        raw.close().await;
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

fn tokio_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}
