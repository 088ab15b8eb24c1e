//! Pages in Chromium: axe on the public site and the workspace, and a clerk running a meeting.

use super::*;

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
    let dir = TempDir::new();
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
    let dir = TempDir::new();
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
pub(crate) fn node_tools(package: &str) -> Option<std::path::PathBuf> {
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
pub(crate) fn browser_tools(package: &str) -> Option<(std::path::PathBuf, String)> {
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

/// Runs a browser script with node, killed after `limit`; its exit status (None when it was
/// killed) and what it wrote to stdout and stderr.
pub(crate) fn run_node(
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
    let dir = TempDir::new();
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
