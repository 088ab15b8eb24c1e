//! Hostile report documents through the real binary: a 2 KB PDF that inflates to 1 GiB and a
//! DOCX whose XML inflates far past what is read, uploaded to `witan serve` and imported beside
//! an OParl dump. The document is kept without its text and a note says why; the process that
//! took the file stays within bounded memory, since its text is read in a limited child.

use super::*;

/// What the server or importer may reach with a bomb in it; the bomb alone needs over 1 GiB.
const MEMORY_BOUND: u64 = 600 * 1024 * 1024;

/// zlib data that inflates to `mib` MiB of zero bytes, put together from one compressed MiB
/// repeated (compressing a whole GiB would take the test longer than the bomb takes a reader).
fn zeros_zlib(mib: u32) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(64 * 1024);
    let mut compress = flate2::Compress::new(flate2::Compression::best(), false);
    compress
        .compress_vec(&vec![0; 1 << 20], &mut chunk, flate2::FlushCompress::Full)
        .expect("deflate");
    assert_eq!(compress.total_in(), 1 << 20, "one MiB fits one chunk");
    // A full flush leaves the deflate stream byte-aligned with nothing to refer back to, so
    // chunks can follow each other; the stream ends with an empty final block and the Adler-32
    // of n zero bytes (A stays 1, B is n mod 65521).
    let mut out = vec![0x78, 0xda];
    for _ in 0..mib {
        out.extend_from_slice(&chunk);
    }
    out.extend_from_slice(&[0x03, 0x00]);
    let b = ((u64::from(mib) << 20) % 65521) as u32;
    out.extend_from_slice(&((b << 16) | 1).to_be_bytes());
    out
}

/// A one-page PDF whose page content is `content` behind `filter`.
fn pdf_file(content: &[u8], filter: &str) -> Vec<u8> {
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
          /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_vec(),
        [
            format!("<< /Length {} {filter} >>\nstream\n", content.len()).as_bytes(),
            content,
            b"\nendstream",
        ]
        .concat(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_vec(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n", i + 1).bytes());
        out.extend_from_slice(object);
        out.extend(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// A readable PDF that says `text`.
fn pdf(text: &str) -> Vec<u8> {
    pdf_file(
        format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET").as_bytes(),
        "",
    )
}

/// A PDF of a few KB whose page content inflates, through two Flate filters, to 1 GiB of zeros.
fn pdf_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut outer = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    outer.write_all(&zeros_zlib(1024)).expect("compress");
    let content = outer.finish().expect("compress");
    pdf_file(&content, "/Filter [/FlateDecode /FlateDecode]")
}

/// A DOCX whose word/document.xml inflates to 256 MiB.
fn docx_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(true);
    writer
        .start_file("word/document.xml", options)
        .expect("entry");
    writer
        .write_all(b"<?xml version=\"1.0\"?><w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>")
        .expect("write");
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..256 {
        writer.write_all(&spaces).expect("write");
    }
    writer.finish().expect("zip").into_inner()
}

/// The peak resident memory (VmHWM) of a running process, in bytes.
fn peak_memory(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// An agent that shows redirects instead of following them.
fn browser() -> ureq::Agent {
    no_redirects(Duration::from_secs(120))
}

/// The value of the first hidden `csrf` field of a page.
fn csrf(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..at + page[at..].find('"').expect("end of the value")].to_owned()
}

/// The name=value of the cookie a response sets under `name`.
fn cookie(response: &ureq::http::Response<ureq::Body>, name: &str) -> String {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .unwrap_or_else(|| panic!("no {name} cookie"))
        .to_owned()
}

/// A server of a small demo store with an admin signed in: the server, its data folder, the
/// session cookie, a CSRF token of the session and an agenda item to upload to.
struct Clerk {
    _dir: TempDir,
    data: std::path::PathBuf,
    server: Server,
    agent: ureq::Agent,
    cookie: String,
    csrf: String,
    item: i64,
}

fn signed_in_server() -> Clerk {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    demo(&data, 20);
    let password = "a long enough passphrase";
    add_user(
        &data,
        "admin@example.org",
        password,
        "admin",
        "Test Admin",
        None,
    );
    let item: i64 = tokio_runtime().block_on(async {
        let store = witan_store::sqlite::SqliteStore::open(&data.join("witan.db"))
            .await
            .expect("open");
        let raw = witan_store::suite::kit::raw_pool(&store).await;
        let item = sqlx::query_scalar("SELECT id FROM agenda_items ORDER BY id LIMIT 1")
            .fetch_one(&raw)
            .await
            .expect("an agenda item");
        raw.close().await;
        item
    });
    let server = serve(&data);
    let agent = browser();
    let mut form = agent
        .get(format!("{}/login", server.base))
        .call()
        .expect("login form");
    let login = cookie(&form, "witan_login");
    let token = csrf(&form.body_mut().read_to_string().expect("body"));
    let signed = agent
        .post(format!("{}/login", server.base))
        .header("Cookie", &login)
        .send_form([
            ("csrf", token.as_str()),
            ("next", "/workspace"),
            ("email", "admin@example.org"),
            ("password", password),
        ])
        .expect("sign in");
    assert_eq!(signed.status(), 303);
    let session = cookie(&signed, "witan_session");
    let page = agent
        .get(format!("{}/workspace", server.base))
        .header("Cookie", &session)
        .call()
        .expect("workspace")
        .body_mut()
        .read_to_string()
        .expect("body");
    Clerk {
        _dir: dir,
        data,
        server,
        agent,
        cookie: session,
        csrf: csrf(&page),
        item,
    }
}

impl Clerk {
    /// Uploads a file to the item; the status and where it leads.
    fn upload(&self, file_name: &str, bytes: &[u8]) -> (u16, String) {
        let boundary = "witanboundary7MA4YWxkTrZu0gW";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            self.csrf
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend(format!("\r\n--{boundary}--\r\n").bytes());
        let mut response = self
            .agent
            .post(format!(
                "{}/workspace/items/{}/documents",
                self.server.base, self.item
            ))
            .header("Cookie", &self.cookie)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .expect("upload");
        let status = response.status().as_u16();
        let location = match response.headers().get("location") {
            Some(location) => location.to_str().expect("location").to_owned(),
            None => response.body_mut().read_to_string().unwrap_or_default(),
        };
        (status, location)
    }

    /// A workspace page's HTML.
    fn page(&self, path: &str) -> String {
        self.agent
            .get(format!("{}{path}", self.server.base))
            .header("Cookie", &self.cookie)
            .call()
            .expect("page")
            .body_mut()
            .read_to_string()
            .expect("body")
    }
}

/// Every document's name, text and digest in a SQLite store.
fn documents(data: &std::path::Path) -> Vec<(String, String, String)> {
    tokio_runtime().block_on(async {
        let store = witan_store::sqlite::SqliteStore::open(&data.join("witan.db"))
            .await
            .expect("open");
        let raw = witan_store::suite::kit::raw_pool(&store).await;
        let rows = sqlx::query_as("SELECT name, text, sha256 FROM documents ORDER BY id")
            .fetch_all(&raw)
            .await
            .expect("documents");
        raw.close().await;
        rows
    })
}

#[test]
fn a_pdf_bomb_upload_leaves_the_server_up() {
    let clerk = signed_in_server();
    let bomb = pdf_bomb();
    assert!(bomb.len() < 8 * 1024, "the bomb is {} bytes", bomb.len());

    let (status, to) = clerk.upload("bomb.pdf", &bomb);
    assert_eq!(status, 303, "{to}");
    assert!(to.contains("done=document_unread_memory"), "{to}");
    let page = clerk.page(to.split('#').next().expect("path"));
    assert!(
        page.contains("the file needs more memory than witan allows"),
        "the clerk is told why the text is missing"
    );
    let (status, to) = clerk.upload("bomb.docx", &docx_bomb());
    assert_eq!(status, 303, "{to}");
    assert!(to.contains("done=document_unread_broken"), "{to}");
    // A sound report is still read, through the same child process.
    let (status, to) = clerk.upload("plan.pdf", &pdf("Gritting routes zqgrittingroutes"));
    assert_eq!(status, 303, "{to}");
    assert!(to.contains("done=document#"), "{to}");

    let (status, _) = fetch(&clerk.agent, &format!("{}/healthz", clerk.server.base));
    assert_eq!(status, 200, "the server still answers");
    let peak = peak_memory(clerk.server.child.id()).expect("VmHWM of the server");
    eprintln!("witan serve peaked at {} MiB", peak >> 20);
    assert!(peak < MEMORY_BOUND, "the server reached {} MiB", peak >> 20);

    let documents = documents(&clerk.data);
    let by_name = |name: &str| {
        documents
            .iter()
            .find(|(n, _, _)| n == name)
            .unwrap_or_else(|| panic!("{name} was kept: {documents:?}"))
    };
    for bomb in ["bomb.pdf", "bomb.docx"] {
        let (_, text, sha256) = by_name(bomb);
        assert_eq!(text, "", "{bomb} is kept without text");
        assert!(
            witan_app::documents::file_path(&clerk.data.join("files"), sha256).is_file(),
            "{bomb}'s file is kept"
        );
    }
    assert!(by_name("plan.pdf").1.contains("zqgrittingroutes"));
}

#[test]
fn identical_uploads_at_once_both_keep_one_whole_file() {
    let clerk = signed_in_server();
    // Three rounds of four uploads of one file at once, each round a file not yet kept; large
    // enough that the writes overlap.
    for round in 0..3u8 {
        let mut bytes: Vec<u8> = (0..16 * 1024 * 1024u32)
            .map(|i| b"abcdefghijklmnopqrstuvwxyz \n"[(i % 28) as usize])
            .collect();
        bytes[0] = b'0' + round;
        let name = format!("minutes-{round}.txt");
        let answers: Vec<(u16, String)> = std::thread::scope(|scope| {
            let uploads: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| clerk.upload(&name, &bytes)))
                .collect();
            uploads
                .into_iter()
                .map(|u| u.join().expect("upload thread"))
                .collect()
        });
        for (status, to) in &answers {
            assert_eq!(*status, 303, "{to}");
            assert!(to.contains("done=document#"), "{to}");
        }
        let documents: Vec<_> = documents(&clerk.data)
            .into_iter()
            .filter(|(n, _, _)| *n == name)
            .collect();
        assert_eq!(documents.len(), 4, "each upload is a document");
        let sha256 = &documents[0].2;
        assert!(documents.iter().all(|(_, _, s)| s == sha256));
        let path = witan_app::documents::file_path(&clerk.data.join("files"), sha256);
        let kept = std::fs::read(&path).expect("the file is kept");
        assert!(kept == bytes, "the kept file is the upload, whole");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().expect("folder"))
            .expect("files folder")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with(".partial"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file is left behind");
    }
}

#[test]
fn a_pdf_bomb_beside_an_oparl_dump_leaves_the_import_bounded() {
    let dir = TempDir::new();
    let dump = dir.path().join("dump");
    let files = dump.join("files");
    std::fs::create_dir_all(&files).expect("files folder");
    std::fs::write(files.join("bomb.pdf"), pdf_bomb()).expect("write");
    std::fs::write(files.join("bomb.docx"), docx_bomb()).expect("write");
    std::fs::write(
        files.join("plan.pdf"),
        pdf("Gritting routes zqgrittingroutes"),
    )
    .expect("write");
    let base = "https://oparl.example.org";
    let t = |kind: &str| format!("https://schema.oparl.org/1.1/{kind}");
    let file = |n: u32, path: &str| {
        serde_json::json!({"id": format!("{base}/file/{n}"), "type": t("File"),
            "name": path, "accessUrl": format!("files/{path}")})
    };
    for (name, object) in [
        (
            "body.json",
            serde_json::json!({"id": format!("{base}/body/1"), "type": t("Body"),
                "name": "Example Council"}),
        ),
        (
            "organization.json",
            serde_json::json!({"id": format!("{base}/organization/1"),
                "type": t("Organization"), "body": format!("{base}/body/1"),
                "name": "Health Scrutiny"}),
        ),
        (
            "meeting.json",
            serde_json::json!({"id": format!("{base}/meeting/1"), "type": t("Meeting"),
                "start": "2021-10-11T10:00:00+01:00",
                "organization": [format!("{base}/organization/1")],
                "agendaItem": [{"id": format!("{base}/agendaitem/1"), "type": t("AgendaItem"),
                    "number": "1", "name": "Winter plan",
                    "auxiliaryFile": [file(1, "bomb.pdf"), file(2, "bomb.docx"),
                        file(3, "plan.pdf")]}]}),
        ),
    ] {
        std::fs::write(dump.join(name), object.to_string()).expect("write");
    }
    let data = dir.path().join("data");
    let mut import = witan()
        .args(["import", "--json", "--data"])
        .arg(&data)
        .arg(&dump)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run import");
    // VmHWM only grows; the last reading before the process ends is its peak but for the last
    // few milliseconds, and a bomb read in-process takes seconds to inflate.
    let pid = import.id();
    let mut peak = 0;
    let deadline = Instant::now() + Duration::from_secs(300);
    while import.try_wait().expect("wait").is_none() {
        assert!(Instant::now() < deadline, "the import did not end in 300 s");
        peak = peak_memory(pid).unwrap_or(0).max(peak);
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = import.wait_with_output().expect("import");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    eprintln!("witan import peaked at {} MiB", peak >> 20);
    assert!(peak < MEMORY_BOUND, "the import reached {} MiB", peak >> 20);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let notes = report["tally"]["notes"].to_string();
    assert!(
        notes.contains(
            "bomb.pdf: text could not be read: the file needs more memory than witan allows"
        ),
        "{notes}"
    );
    assert!(
        notes.contains("bomb.docx: text could not be read: the document's text expands beyond"),
        "{notes}"
    );
    let documents = documents(&data);
    assert_eq!(documents.len(), 3, "{documents:?}");
    for (name, text, sha256) in &documents {
        assert_eq!(sha256.len(), 64, "{name} is hashed");
        match name.as_str() {
            "plan.pdf" => assert!(text.contains("zqgrittingroutes"), "{text:?}"),
            _ => assert_eq!(text, "", "{name} is kept without text"),
        }
    }
}

#[test]
fn the_document_reader_is_hidden_and_reads_standard_input() {
    let output = witan().arg("--help").output().expect("run");
    assert!(!String::from_utf8_lossy(&output.stdout).contains("extract-text"));
    let mut reader = witan()
        .args(["extract-text", "--media-type", "application/pdf"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run extract-text");
    {
        use std::io::Write;
        let mut stdin = reader.stdin.take().expect("stdin");
        stdin
            .write_all(&pdf("Forty one step down beds"))
            .expect("write");
    }
    let output = reader.wait_with_output().expect("extract-text");
    assert!(output.status.success());
    assert!(String::from_utf8_lossy(&output.stdout).contains("Forty one step down beds"));
}
