//! Following by email, end to end: the follow form of the running site, `witan alerts send`
//! through a real SMTP server (aiosmtpd), the messages read back with an independent MIME
//! parser, confirmation, one alert per change, the mail server down and back, one-click
//! unsubscribe.

use super::*;
use std::io::Read;

/// A real SMTP server (tests/cli/smtp_sink.py) on a free port, stopped when dropped or after
/// five minutes by itself.
struct Sink {
    child: Child,
    port: u16,
    folder: std::path::PathBuf,
}

impl Sink {
    fn start(folder: &std::path::Path, port: Option<u16>) -> Self {
        let port = port.unwrap_or_else(|| {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("a free port")
                .port()
        });
        let script =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cli/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(folder)
            .arg(port.to_string())
            .arg("300")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 with aiosmtpd (pip install aiosmtpd)");
        let mut ready = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut ready)
            .expect("sink output");
        assert_eq!(ready.trim(), "ready", "the SMTP sink did not start");
        Self {
            child,
            port,
            folder: folder.to_owned(),
        }
    }

    fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in order, as raw bytes.
    fn received(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<_> = std::fs::read_dir(&self.folder)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        names.retain(|p| p.extension().is_some_and(|e| e == "eml"));
        names.sort();
        names
            .iter()
            .map(|p| {
                let mut bytes = Vec::new();
                std::fs::File::open(p)
                    .and_then(|mut f| f.read_to_end(&mut bytes))
                    .expect("read message");
                bytes
            })
            .collect()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message as the test reads it.
struct Mail {
    subject: String,
    to: String,
    text: String,
    html: String,
    message_id: Option<String>,
    date: bool,
    auto_submitted: Option<String>,
    list_unsubscribe: Option<String>,
    list_unsubscribe_post: Option<String>,
}

fn parse(raw: &[u8]) -> Mail {
    let message = mail_parser::MessageParser::default()
        .parse(raw)
        .expect("a MIME message");
    let raw_header = |name: &str| message.header_raw(name).map(|v| v.trim().to_owned());
    Mail {
        subject: message.subject().unwrap_or_default().to_owned(),
        to: message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address())
            .unwrap_or_default()
            .to_owned(),
        text: message
            .body_text(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        html: message
            .body_html(0)
            .map(|t| t.into_owned())
            .unwrap_or_default(),
        message_id: message.message_id().map(str::to_owned),
        date: message.date().is_some(),
        auto_submitted: raw_header("Auto-Submitted"),
        list_unsubscribe: raw_header("List-Unsubscribe"),
        list_unsubscribe_post: raw_header("List-Unsubscribe-Post"),
    }
}

/// The first `http://…/subscriptions/…` address in `text`, as a path.
fn link_path(text: &str) -> String {
    let at = text.find("/subscriptions/").expect("a subscriptions link");
    text[at..]
        .split(|c: char| c.is_whitespace() || c == '>' || c == '"')
        .next()
        .expect("link")
        .to_owned()
}

fn import(data: &std::path::Path, file: &str) {
    let out = witan()
        .args(["import", "--data"])
        .arg(data)
        .arg(shared_data(file))
        .output()
        .expect("run import");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `witan alerts send` through `sink`; its summary line.
fn send(data: &std::path::Path, smtp_url: &str, extra: &[&str]) -> String {
    let out = witan()
        .args(["alerts", "send", "--data"])
        .arg(data)
        .args(extra)
        .env("WITAN_SMTP_URL", smtp_url)
        .env("WITAN_MAIL_FROM", "Meetings <alerts@example.org>")
        .output()
        .expect("run alerts send");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

fn post_form(agent: &ureq::Agent, url: &str, form: &[(&str, &str)]) -> (u16, String) {
    let mut response = agent
        .post(url)
        .send_form(form.iter().copied())
        .unwrap_or_else(|e| panic!("POST {url}: {e}"));
    let status = response.status().as_u16();
    (status, response.body_mut().read_to_string().expect("body"))
}

/// The Transparency Board's first minutes imported, a real SMTP server and the site running;
/// the site has no mail server, so what it queues waits for `witan alerts send`.
fn board_site() -> (TempDir, std::path::PathBuf, Sink, Server, ureq::Agent) {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    let mail = dir.path().join("mail");
    std::fs::create_dir_all(&mail).expect("mail folder");
    import(
        &data,
        "minutes/2017-01-01-transparency-board-minutes-19th-november-2010.md",
    );
    let sink = Sink::start(&mail, None);
    let server = serve(&data);
    (
        dir,
        data,
        sink,
        server,
        no_redirects(Duration::from_secs(30)),
    )
}

#[test]
fn a_follower_confirms_hears_of_each_change_once_and_stops_with_one_click() {
    let (_dir, data, sink, server, agent) = board_site();
    let committees = wait_for_json(&agent, &format!("{}/api/v1/committees", server.base), |j| {
        j["data"].as_array().is_some_and(|a| !a.is_empty())
    });
    let board = committees["data"]
        .as_array()
        .and_then(|a| {
            a.iter().find(|c| {
                c["name"]
                    .as_str()
                    .is_some_and(|n| n.contains("Transparency"))
            })
        })
        .unwrap_or_else(|| panic!("no Transparency Board in {committees}"));
    let board_id = board["id"].to_string();
    let (status, page) = fetch(
        &agent,
        &format!(
            "{}/committees/{}",
            server.base,
            board["slug"].as_str().unwrap_or_default()
        ),
    );
    assert_eq!(status, 200);
    assert!(
        page.contains("action=\"/subscriptions\""),
        "no follow form: {page}"
    );

    // Bad input: refused, nothing queued.
    let follow = |fields: &[(&str, &str)]| {
        post_form(&agent, &format!("{}/subscriptions", server.base), fields)
    };
    let (status, body) = follow(&[
        ("committee", &board_id),
        ("email", "not an address"),
        ("frequency", "immediate"),
    ]);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("email"), "{body}");
    let (status, _) = follow(&[
        ("committee", "999999"),
        ("email", "resident@example.org"),
        ("frequency", "immediate"),
    ]);
    assert_eq!(status, 404);
    // Five sign-ups for one address: the same answer each time, at most three confirmations.
    for _ in 0..5 {
        let (status, body) = follow(&[
            ("committee", &board_id),
            ("email", "Resident@Example.org"),
            ("frequency", "immediate"),
        ]);
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("Check your email"), "{body}");
    }
    let summary = send(&data, &sink.url(), &[]);
    assert!(summary.contains("3 sent"), "{summary}");
    let received = sink.received();
    assert_eq!(received.len(), 3);
    let confirmation = parse(&received[0]);
    assert!(
        confirmation.subject.starts_with("Confirm: follow"),
        "{}",
        confirmation.subject
    );
    assert_eq!(confirmation.to, "resident@example.org");
    assert!(confirmation.message_id.is_some() && confirmation.date);
    assert_eq!(
        confirmation.auto_submitted.as_deref(),
        Some("auto-generated")
    );
    assert_eq!(confirmation.list_unsubscribe, None);
    assert!(
        confirmation.html.contains("Confirm and start"),
        "{}",
        confirmation.html
    );
    // Nothing more goes out until the address confirms.
    assert!(send(&data, &sink.url(), &[]).contains("0 sent"));
    assert_eq!(sink.received().len(), 3);

    // A forged link finds nothing; the real one asks before it confirms.
    let confirm = link_path(&confirmation.text);
    let (status, _) = post_form(
        &agent,
        &format!("{}/subscriptions/forged/confirm/1", server.base),
        &[],
    );
    assert_eq!(status, 404);
    let (status, page) = fetch(&agent, &format!("{}{confirm}", server.base));
    assert_eq!(status, 200, "{page}");
    assert!(
        page.contains("<button type=\"submit\">Confirm</button>"),
        "{page}"
    );
    let (status, _) = post_form(&agent, &format!("{}{confirm}", server.base), &[]);
    assert_eq!(status, 303);

    // A new meeting of the board: one message, once.
    import(
        &data,
        "minutes/2017-01-01-transparency-board-minutes-11th-january-2011.md",
    );
    let summary = send(&data, &sink.url(), &[]);
    assert!(summary.contains("1 messages made, 1 sent"), "{summary}");
    let received = sink.received();
    assert_eq!(received.len(), 4);
    let alert = parse(&received[3]);
    assert!(alert.subject.contains("Transparency"), "{}", alert.subject);
    assert!(alert.text.contains("/meetings/"), "{}", alert.text);
    assert!(alert.html.contains("/meetings/"), "{}", alert.html);
    let unsubscribe = alert.list_unsubscribe.clone().expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with('<') && unsubscribe.ends_with("/unsubscribe>"),
        "{unsubscribe}"
    );
    assert_eq!(
        alert.list_unsubscribe_post.as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(send(&data, &sink.url(), &[]).contains("0 messages made, 0 sent"));
    assert_eq!(sink.received().len(), 4);

    // The mail server down: the message waits; back up, it goes once.
    let (port, mail) = (sink.port, sink.folder.clone());
    drop(sink);
    import(
        &data,
        "minutes/2017-01-01-transparency-board-minutes-8th-february-2011.md",
    );
    let summary = send(&data, &format!("smtp://127.0.0.1:{port}"), &[]);
    assert!(summary.contains("0 sent, 1 to try again"), "{summary}");
    let sink = Sink::start(&mail, Some(port));
    let summary = send(&data, &sink.url(), &["--retry-now"]);
    assert!(summary.contains("1 sent"), "{summary}");
    assert!(send(&data, &sink.url(), &["--retry-now"]).contains("0 sent"));
    assert_eq!(sink.received().len(), 5);

    // One click, as a mail client sends it: nothing more.
    let path = link_path(&unsubscribe);
    let mut response = agent
        .post(&format!("{}{}", server.base, path.trim_end_matches('>')))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .send("List-Unsubscribe=One-Click")
        .expect("one-click unsubscribe");
    assert_eq!(response.status().as_u16(), 200);
    let body = response.body_mut().read_to_string().expect("body");
    assert!(body.contains("Unsubscribed"), "{body}");
    import(
        &data,
        "minutes/2017-01-01-transparency-board-minutes-2nd-march-2011.md",
    );
    assert!(send(&data, &sink.url(), &[]).contains("0 sent"));
    assert_eq!(sink.received().len(), 5);
    let manage = path.trim_end_matches('>').trim_end_matches("/unsubscribe");
    let (status, page) = fetch(&agent, &format!("{}{manage}", server.base));
    assert_eq!(status, 200);
    assert!(page.contains("You follow nothing"), "{page}");
}

#[test]
fn a_saved_search_tells_of_new_public_records_it_finds_and_nothing_else() {
    let (_dir, data, sink, server, agent) = board_site();
    wait_for_json(
        &agent,
        &format!("{}/api/v1/search?q=crime", server.base),
        |j| j["total"].as_u64().is_some_and(|n| n > 0),
    );

    // The results page offers to follow the search as asked, by email or in a feed.
    let (status, page) = fetch(&agent, &format!("{}/search?sort=&q=crime", server.base));
    assert_eq!(status, 200);
    assert!(
        page.contains("name=\"search\" value=\"q=crime\""),
        "no follow form for the search: {page}"
    );
    assert!(
        page.contains("href=\"/search/feed.atom?q=crime\""),
        "{page}"
    );
    let (status, feed) = fetch(&agent, &format!("{}/search/feed.atom?q=crime", server.base));
    assert_eq!(status, 200);
    assert!(
        feed.contains("<entry>") && feed.contains("/meetings/"),
        "{feed}"
    );
    let (status, body) = fetch(
        &agent,
        &format!("{}/search/feed.atom?q=crime&from=last+week", server.base),
    );
    assert_eq!(status, 400);
    assert!(body.contains("from"), "{body}");

    let follow = |search: &str| {
        post_form(
            &agent,
            &format!("{}/subscriptions", server.base),
            &[
                ("search", search),
                ("email", "journalist@example.org"),
                ("frequency", "immediate"),
            ],
        )
    };
    // A malformed saved search is refused, naming what is wrong.
    let (status, body) = follow("q=crime&to=yesterday");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("to: must be a date"), "{body}");
    let (status, body) = follow("kind=&q=");
    assert_eq!(status, 400, "{body}");
    let (status, body) = follow("q=crime");
    assert_eq!(status, 200, "{body}");

    let summary = send(&data, &sink.url(), &[]);
    assert!(summary.contains("1 sent"), "{summary}");
    let confirmation = parse(&sink.received()[0]);
    assert!(
        confirmation.subject.contains("the search for “crime”"),
        "{}",
        confirmation.subject
    );
    let confirm = link_path(&confirmation.text);
    let (status, _) = post_form(&agent, &format!("{}{confirm}", server.base), &[]);
    assert_eq!(status, 303);

    // A meeting that never mentions it: nothing.
    import(
        &data,
        "minutes/2017-01-01-transparency-board-minutes-13th-december-2011.md",
    );
    let summary = send(&data, &sink.url(), &[]);
    assert!(summary.contains("0 messages made, 0 sent"), "{summary}");
    // One that does: one message, naming the search and linking what it found.
    import(
        &data,
        "minutes/2017-01-01-transparency-board-minutes-11th-january-2011.md",
    );
    let summary = send(&data, &sink.url(), &[]);
    assert!(summary.contains("1 messages made, 1 sent"), "{summary}");
    let received = sink.received();
    assert_eq!(received.len(), 2);
    let alert = parse(&received[1]);
    assert!(
        alert.subject.contains("the search for “crime”"),
        "{}",
        alert.subject
    );
    assert!(alert.text.contains("/meetings/"), "{}", alert.text);
    assert!(
        alert.text.to_lowercase().contains("crime"),
        "{}",
        alert.text
    );
    assert!(!alert.text.contains("13 December 2011"), "{}", alert.text);
    assert!(send(&data, &sink.url(), &[]).contains("0 messages made, 0 sent"));
}
