//! Half-sent headers and overload, on a real server.

use super::*;

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
    let dir = TempDir::new();
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
    let dir = TempDir::new();
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

/// 300 sign-ins at once, each from an address of its own (through a trusted proxy) for an
/// account of its own, so that no attempt limit turns them away before hashing: the hashing
/// bound answers what it cannot take with a quick 503, and resident memory stays within a few
/// hashes' worth (before the bound, such a flood took the server from 73 MB to 6 GB).
#[test]
fn a_sign_in_flood_leaves_memory_bounded() {
    use std::io::{Read, Write};
    let dir = TempDir::new();
    demo(dir.path(), 50);
    add_user(
        dir.path(),
        "admin@example.org",
        "a long enough passphrase",
        "admin",
        "Test Admin",
        None,
    );
    let server = serve_with_env(
        &["--data".as_ref(), dir.path().as_os_str()],
        &[("WITAN_TRUSTED_PROXIES", "127.0.0.1")],
    );
    let agent = agent();
    let mut form = agent
        .get(format!("{}/login", server.base))
        .call()
        .expect("login form");
    let cookie = form
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("witan_login="))
        .and_then(|v| v.split(';').next())
        .expect("the sign-in form's cookie")
        .to_owned();
    let page = form.body_mut().read_to_string().expect("body");
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    let csrf = page[at..page[at..].find('"').expect("end") + at].to_owned();
    let (_, before) = resident_kib(server.child.id());
    let address = server.base.trim_start_matches("http://").to_owned();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..300)
            .map(|n| {
                let (address, cookie, csrf) = (&address, &cookie, &csrf);
                scope.spawn(move || {
                    let body = format!(
                        "csrf={}&next=%2Fworkspace&email=guess{n}%40example.org&password=wrong+guess+{n}",
                        csrf.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D")
                    );
                    let request = format!(
                        "POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\
                         X-Forwarded-For: 198.51.{}.{}\r\nCookie: {cookie}\r\n\
                         Content-Type: application/x-www-form-urlencoded\r\n\
                         Content-Length: {}\r\n\r\n{body}",
                        n / 200,
                        n % 200 + 1,
                        body.len()
                    );
                    let mut stream = std::net::TcpStream::connect(address).expect("connect");
                    stream
                        .set_read_timeout(Some(Duration::from_secs(60)))
                        .expect("timeout");
                    stream.write_all(request.as_bytes()).expect("send");
                    let mut answer = Vec::new();
                    let _ = stream.read_to_end(&mut answer);
                    let answer = String::from_utf8_lossy(&answer);
                    answer
                        .strip_prefix("HTTP/1.1 ")
                        .and_then(|rest| rest.get(..3))
                        .and_then(|code| code.parse().ok())
                        .unwrap_or_else(|| panic!("no status in {answer:?}"))
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|t| t.join().expect("thread"))
            .collect()
    });
    let (peak, after) = resident_kib(server.child.id());
    let count = |code: u16| statuses.iter().filter(|s| **s == code).count();
    eprintln!(
        "sign-in flood: {} wrong password (400), {} turned away (503), of {}; VmRSS {before} KiB \
         before, {after} KiB after; VmHWM {peak} KiB",
        count(400),
        count(503),
        statuses.len()
    );
    assert!(
        statuses.iter().all(|s| *s == 400 || *s == 503),
        "{statuses:?}"
    );
    assert!(count(400) > 0, "no sign-in was checked at all");
    assert!(count(503) > 0, "the flood never reached the hashing bound");
    // A hash holds 19 MiB; a bound of one per core keeps the flood to a few of them.
    assert!(
        peak < before + 160 * 1024,
        "peak resident memory {peak} KiB, from {before} KiB before the flood"
    );
    let (status, _) = fetch(&agent, &format!("{}/committees", server.base));
    assert_eq!(status, 200);
}
