//! The workspace through the router: signing in, CSRF, who may change what, forms shown again
//! with their errors, and concurrent edits.

use super::{Site, encode, site};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use tower::ServiceExt;
use witan_domain::{
    Audience, CommitteeId, Email, ItemId, MeetingId, MeetingStatus, OrganisationId, Role, Title,
    User,
};
use witan_store::{ItemEntry, Page};

pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) headers: axum::http::HeaderMap,
    pub(super) body: String,
}

impl Answer {
    pub(super) fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub(super) fn cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("cookie").to_owned())
            .collect()
    }

    /// The value of the first hidden `csrf` field on the page.
    pub(super) fn csrf(&self) -> String {
        let at = self
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        self.body[at..].split('"').next().expect("value").to_owned()
    }
}

async fn send(site: &Site, request: Request<Body>) -> Answer {
    send_to(&site.router, request).await
}

/// Sends a request to a router and reads the whole answer.
pub(super) async fn send_to(router: &axum::Router, request: Request<Body>) -> Answer {
    let response = router.clone().oneshot(request).await.expect("response");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .expect("body");
    Answer {
        status,
        headers,
        // Downloads may be binary; every page is UTF-8 and reads the same either way.
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub(super) async fn get_as(site: &Site, path: &str, cookie: &str) -> Answer {
    let mut request = Request::get(path);
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    send(site, request.body(Body::empty()).expect("request")).await
}

pub(super) async fn post_as(
    site: &Site,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
) -> Answer {
    let body: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let mut request =
        Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if !cookie.is_empty() {
        request = request.header(header::COOKIE, cookie);
    }
    send(
        site,
        request.body(Body::from(body.join("&"))).expect("request"),
    )
    .await
}

pub(super) const PASSWORD: &str = "correct horse battery staple";

pub(super) async fn add_user(
    site: &Site,
    email: &str,
    role: Role,
    organisation: Option<OrganisationId>,
) {
    let hash = witan_app::accounts::hash_password(PASSWORD)
        .await
        .expect("hash");
    let user = User::new(
        Email::parse("email", email).expect("email"),
        Title::parse("name", email).expect("name"),
        role,
        organisation,
    )
    .expect("user");
    let mut w = site.store.begin().await.expect("begin");
    w.create_user(&user, &hash).await.expect("user");
    w.commit().await.expect("commit");
}

/// Signs in through the form; returns the session cookie and a CSRF token of the session.
pub(super) async fn sign_in(site: &Site, email: &str) -> (String, String) {
    let form = get_as(site, "/login", "").await;
    let login_cookie = form.cookies()[0]
        .split(';')
        .next()
        .expect("cookie")
        .to_owned();
    let answer = post_as(
        site,
        "/login",
        &login_cookie,
        &[
            ("csrf", &form.csrf()),
            ("next", "/workspace"),
            ("email", email),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    let session = answer
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("witan_session="))
        .expect("session cookie");
    let cookie = session.split(';').next().expect("cookie").to_owned();
    let page = get_as(site, "/workspace", &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    (cookie, page.csrf())
}

/// A committee with an organisation, and one owned by another organisation.
async fn two_committees(
    site: &Site,
) -> ((CommitteeId, OrganisationId), (CommitteeId, OrganisationId)) {
    let committees = site.store.committees().await.expect("committees");
    let first = committees
        .iter()
        .find(|c| !c.owners.is_joint())
        .expect("a single-owner committee");
    let mine = first.owners.organisations()[0];
    let other = committees
        .iter()
        .find(|c| !c.owners.is_joint() && c.owners.organisations()[0] != mine)
        .expect("another organisation's committee");
    (
        (first.id, mine),
        (other.id, other.owners.organisations()[0]),
    )
}

/// A held meeting of `committee` with an item, ready for minutes; made through the store.
async fn held_meeting(site: &Site, committee: CommitteeId) -> (MeetingId, ItemId) {
    let mut w = site.store.begin().await.expect("begin");
    let meeting = w
        .schedule_meeting(&witan_domain::Meeting {
            committee,
            times: witan_domain::MeetingTimes::new(
                "2026-11-20T10:00:00Z".parse().expect("instant"),
                None,
            )
            .expect("times"),
            location: None,
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .expect("meeting");
    let item = w
        .create_item(&witan_domain::AgendaItem {
            meeting,
            position: 1,
            number: witan_domain::ItemNumber::parse("n", "1").expect("number"),
            title: Title::parse("t", "Winter pressures").expect("title"),
            issue: None,
            visibility: witan_domain::Visibility::Public,
        })
        .await
        .expect("item");
    w.set_meeting_status(meeting, MeetingStatus::AgendaPublished)
        .await
        .expect("publish");
    w.set_meeting_status(meeting, MeetingStatus::Held)
        .await
        .expect("held");
    w.commit().await.expect("commit");
    (meeting, item)
}

#[tokio::test]
async fn signing_in_sets_a_safe_cookie_and_signing_out_ends_the_session() {
    let site = site().await;
    let ((_, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;

    // Not signed in: the workspace sends the reader to sign in, and back afterwards.
    let away = get_as(&site, "/workspace/audit", "").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER);
    assert_eq!(away.location(), "/login?next=%2Fworkspace%2Faudit");

    let form = get_as(&site, "/login", "").await;
    assert_eq!(form.status, StatusCode::OK);
    let login_cookie = form.cookies()[0].clone();
    assert!(login_cookie.contains("HttpOnly") && login_cookie.contains("SameSite=Lax"));
    let login_cookie = login_cookie.split(';').next().expect("pair").to_owned();

    // A sign-in form without its CSRF cookie is refused, and says so.
    let forged = post_as(
        &site,
        "/login",
        "",
        &[
            ("csrf", &form.csrf()),
            ("email", "clerk@example.org"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(forged.status, StatusCode::BAD_REQUEST);
    assert!(forged.body.contains("This sign-in form had expired"));

    // A wrong password: the form again, the email kept, the password not echoed.
    let wrong = post_as(
        &site,
        "/login",
        &login_cookie,
        &[
            ("csrf", &form.csrf()),
            ("email", "clerk@example.org"),
            ("password", "not my password at all"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(wrong.body.contains("There is a problem"));
    assert!(wrong.body.contains("href=\"#login-email\""));
    assert!(wrong.body.contains("value=\"clerk@example.org\""));
    assert!(!wrong.body.contains("not my password at all"));

    // Right: a session cookie that scripts cannot read. The request claims to have come over
    // TLS, but not through a trusted proxy, so the claim is ignored (see sign_in.rs for cookies
    // through a trusted proxy).
    let request = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &login_cookie)
        .header("x-forwarded-proto", "https")
        .body(Body::from(format!(
            "csrf={}&next={}&email=clerk%40example.org&password={}",
            form.csrf(),
            encode("/workspace/audit"),
            encode(PASSWORD)
        )))
        .expect("request");
    let signed = send(&site, request).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    assert_eq!(signed.location(), "/workspace/audit");
    let session = signed
        .cookies()
        .into_iter()
        .find(|c| c.starts_with("witan_session="))
        .expect("session cookie");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(session.contains(attribute), "{attribute} in {session}");
    }
    assert!(!session.contains("Secure"), "{session}");
    let cookie = session.split(';').next().expect("pair").to_owned();

    // A sign-in never sends the reader off the site.
    let elsewhere = post_as(
        &site,
        "/login",
        &login_cookie,
        &[
            ("csrf", &form.csrf()),
            ("next", "//evil.example/workspace"),
            ("email", "clerk@example.org"),
            ("password", PASSWORD),
        ],
    )
    .await;
    assert_eq!(elsewhere.location(), "/workspace");

    let home = get_as(&site, "/workspace", &cookie).await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(
        home.headers
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store, private")
    );
    assert!(home.body.contains("You can edit"));
    assert!(home.body.contains("Signed in as"));

    // Sign out needs the session's CSRF token; then the cookie opens nothing.
    let forged = post_as(&site, "/logout", &cookie, &[("csrf", "0000")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let out = post_as(&site, "/logout", &cookie, &[("csrf", &home.csrf())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        get_as(&site, "/workspace", &cookie).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn repeated_failed_sign_ins_are_limited() {
    let site = site().await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let form = get_as(&site, "/login", "").await;
    let login_cookie = form.cookies()[0]
        .split(';')
        .next()
        .expect("pair")
        .to_owned();
    let attempt = |password: &'static str| {
        let csrf = form.csrf();
        let cookie = login_cookie.clone();
        let site = &site;
        async move {
            post_as(
                site,
                "/login",
                &cookie,
                &[
                    ("csrf", &csrf),
                    ("email", "admin@example.org"),
                    ("password", password),
                ],
            )
            .await
        }
    };
    for _ in 0..5 {
        assert_eq!(
            attempt("wrong password, again").await.status,
            StatusCode::BAD_REQUEST
        );
    }
    let limited = attempt(PASSWORD).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        limited.body.contains("Too many failed sign-ins"),
        "{}",
        limited.body
    );
}

#[tokio::test]
async fn every_write_is_refused_without_the_right_role_token_or_organisation() {
    let site = site().await;
    let ((mine, org), (theirs, other_org)) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "other@example.org", Role::Clerk, Some(other_org)).await;
    add_user(&site, "member@example.org", Role::Member, Some(org)).await;
    add_user(&site, "officer@example.org", Role::Officer, Some(org)).await;
    let (meeting, item) = held_meeting(&site, mine).await;
    let slug = site
        .store
        .committee(mine)
        .await
        .expect("committee")
        .slug
        .to_string();
    let target = theirs.to_string();
    // An action and an escalation to point the remaining forms at.
    let (clerk, clerk_csrf) = sign_in(&site, "clerk@example.org").await;
    let made = post_as(
        &site,
        &format!("/workspace/items/{item}/actions"),
        &clerk,
        &[("csrf", &clerk_csrf), ("description", "Report back")],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let action = site
        .store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .expect("record")
        .agenda
        .expect("agenda")
        .iter()
        .find_map(|e| match e {
            ItemEntry::Open(i) => i.actions.first().map(|a| a.action.id),
            ItemEntry::Withheld { .. } => None,
        })
        .expect("the action");

    let decided = post_as(
        &site,
        &format!("/workspace/items/{item}/decisions"),
        &clerk,
        &[("csrf", &clerk_csrf), ("title", "Agreed"), ("key", "yes")],
    )
    .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let decision = site
        .store
        .decisions(
            &witan_store::DecisionFilter::default(),
            Page::first(500),
            Audience::Privileged,
        )
        .await
        .expect("decisions")
        .into_iter()
        .find(|d| d.decision.item == Some(item))
        .expect("the decision")
        .decision
        .id;
    let org_id = org.to_string();
    let mine_id = mine.to_string();
    let writes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("/workspace/committees/{slug}"),
            vec![("name", "Renamed"), ("version", "x")],
        ),
        (
            format!("/workspace/committees/{slug}/members"),
            vec![
                ("name", "A Person"),
                ("role", "member"),
                ("from", "2026-01-01"),
            ],
        ),
        (
            format!("/workspace/committees/{slug}/forward-plan"),
            vec![("title", "Notice"), ("expected_on", "2030-01-01")],
        ),
        (
            "/workspace/committees".to_owned(),
            vec![
                ("name", "New Board"),
                ("organisation", &org_id),
                ("parent", &mine_id),
            ],
        ),
        (
            "/workspace/organisations".to_owned(),
            vec![("name", "New Council"), ("kind", "county_council")],
        ),
        (
            format!("/workspace/items/{item}"),
            vec![("number", "2"), ("title", "Renamed"), ("version", "x")],
        ),
        (
            format!("/workspace/decisions/{decision}/status"),
            vec![("to", "called_in"), ("on", "2026-11-21")],
        ),
        (
            format!("/workspace/meetings/{meeting}/correction"),
            vec![("reason", "Typo"), ("by", "Chair"), ("on", "2026-11-23")],
        ),
        (
            format!("/workspace/meetings/{meeting}/attendance"),
            vec![("person-1", "present")],
        ),
        (
            format!("/workspace/meetings/{meeting}/declarations"),
            vec![
                ("person", "1"),
                ("kind", "other_registrable"),
                ("description", "Shares"),
            ],
        ),
        (
            format!("/workspace/committees/{slug}/meetings"),
            vec![("date", "2027-01-05"), ("start", "10:00")],
        ),
        (
            format!("/workspace/meetings/{meeting}"),
            vec![("date", "2026-11-20"), ("start", "11:00"), ("version", "x")],
        ),
        (
            format!("/workspace/meetings/{meeting}/status"),
            vec![("to", "cancelled")],
        ),
        (
            format!("/workspace/meetings/{meeting}/items"),
            vec![("number", "9"), ("title", "Late item")],
        ),
        (
            format!("/workspace/items/{item}/minutes"),
            vec![("text", "Discussed.")],
        ),
        (
            format!("/workspace/items/{item}/decisions"),
            vec![("title", "Agreed")],
        ),
        (
            format!("/workspace/items/{item}/actions"),
            vec![("description", "Do it")],
        ),
        (
            format!("/workspace/items/{item}/escalations"),
            vec![("to_committee", &target), ("reason", "Risk")],
        ),
        (format!("/workspace/items/{item}/release"), vec![]),
        (
            format!("/workspace/actions/{action}/updates"),
            vec![("text", "Done"), ("status", "done")],
        ),
        (
            format!("/workspace/meetings/{meeting}/sign-off"),
            vec![("by", "Chair"), ("on", "2026-11-23")],
        ),
        (
            "/workspace/users".to_owned(),
            vec![
                ("email", "new@example.org"),
                ("role", "admin"),
                ("password", PASSWORD),
            ],
        ),
    ];
    let audit_entries = || async {
        site.store
            .audit_log(None, Page::first(500))
            .await
            .expect("audit")
            .len()
    };
    let before = audit_entries().await;
    let (member, member_csrf) = sign_in(&site, "member@example.org").await;
    let (officer, officer_csrf) = sign_in(&site, "officer@example.org").await;
    let (other, other_csrf) = sign_in(&site, "other@example.org").await;
    for (path, fields) in &writes {
        let with = |csrf: &str| {
            let mut all = vec![("csrf", csrf.to_owned())];
            all.extend(fields.iter().map(|(k, v)| (*k, (*v).to_owned())));
            all
        };
        // The public: sent to sign in, nothing written.
        let public = post_as(&site, path, "", &pairs(&with(""))).await;
        assert_eq!(public.status, StatusCode::SEE_OTHER, "public POST {path}");
        assert!(
            public.location().starts_with("/login"),
            "public POST {path}"
        );
        // A signed-in clerk without the session's token: refused.
        let forged = post_as(&site, path, &clerk, &pairs(&with("not-the-token"))).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "forged POST {path}");
        let missing = post_as(&site, path, &clerk, &pairs(&with("")[1..])).await;
        assert_eq!(
            missing.status,
            StatusCode::FORBIDDEN,
            "tokenless POST {path}"
        );
        // Members and officers read but do not write.
        for (who, cookie, csrf) in [
            ("member", &member, &member_csrf),
            ("officer", &officer, &officer_csrf),
        ] {
            let refused = post_as(&site, path, cookie, &pairs(&with(csrf))).await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{who} POST {path}");
        }
        // Another organisation's clerk: refused by the use case.
        let refused = post_as(&site, path, &other, &pairs(&with(&other_csrf))).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "other clerk POST {path}: {}",
            refused.body
        );
    }
    assert_eq!(
        audit_entries().await,
        before,
        "a refused write left an audit entry"
    );
    let stored = site.store.meeting(meeting).await.expect("meeting");
    assert_eq!(
        stored.status,
        MeetingStatus::Held,
        "a refused write changed the meeting"
    );
    // The clerk's audit log is for admins only.
    assert_eq!(
        get_as(&site, "/workspace/audit", &clerk).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_as(&site, "/workspace/users", &member).await.status,
        StatusCode::FORBIDDEN
    );
}

fn pairs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn forms_come_back_with_their_errors_and_stale_edits_are_refused() {
    let site = site().await;
    let ((mine, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (meeting, item) = held_meeting(&site, mine).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;

    let bad = post_as(
        &site,
        &format!("/workspace/meetings/{meeting}/items"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("number", "(7)"),
            ("title", "Kept <title>"),
            ("exempt", "yes"),
            ("ground", "9"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("There is a problem"));
    for link in ["#item-number", "#item-ground", "#item-review_on"] {
        assert!(
            bad.body.contains(&format!("href=\"{link}\"")),
            "{link} in the summary"
        );
    }
    assert!(
        bad.body.contains("value=\"Kept &#60;title&#62;\"")
            || bad.body.contains("value=\"Kept &lt;title&gt;\""),
        "the input is kept, escaped"
    );
    assert!(bad.body.contains("aria-invalid=\"true\""));

    // Minutes of one item go to that item's form only.
    let empty = post_as(
        &site,
        &format!("/workspace/items/{item}/minutes"),
        &clerk,
        &[("csrf", &csrf), ("text", ""), ("points", "")],
    )
    .await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty
            .body
            .contains(&format!("href=\"#minutes-{item}-text\""))
    );

    // Two clerks edit the same meeting: the second, working from the same version, is refused.
    let page = get_as(&site, &format!("/workspace/meetings/{meeting}"), &clerk).await;
    let at = page
        .body
        .find("name=\"version\" value=\"")
        .expect("version field")
        + 22;
    let version = page.body[at..]
        .split('"')
        .next()
        .expect("version")
        .to_owned();
    let first = post_as(
        &site,
        &format!("/workspace/meetings/{meeting}"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("date", "2026-11-20"),
            ("start", "11:00"),
            ("location", "Council Chamber"),
        ],
    )
    .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let (admin, admin_csrf) = sign_in(&site, "admin@example.org").await;
    let second = post_as(
        &site,
        &format!("/workspace/meetings/{meeting}"),
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("version", &version),
            ("date", "2026-11-20"),
            ("start", "14:00"),
            ("location", "Town Hall"),
        ],
    )
    .await;
    assert_eq!(second.status, StatusCode::BAD_REQUEST);
    assert!(
        second.body.contains("Someone else changed this record"),
        "{}",
        second.body
    );
    assert!(
        second.body.contains("value=\"Town Hall\""),
        "the admin's input is kept"
    );
    let stored = site.store.meeting(meeting).await.expect("meeting");
    assert_eq!(
        stored.location.as_ref().map(Title::as_str),
        Some("Council Chamber")
    );

    // The audit log shows the change with before and after, to admins.
    let log = get_as(&site, "/workspace/audit", &admin).await;
    assert_eq!(log.status, StatusCode::OK);
    assert!(log.body.contains("edit meeting"));
    assert!(log.body.contains("clerk@example.org"));
    assert!(log.body.contains("Council Chamber"));

    // A public page looks the same to a signed-in clerk: the workspace is where exempt shows.
    let public = get_as(&site, &format!("/meetings/{meeting}"), "").await;
    let signed = get_as(&site, &format!("/meetings/{meeting}"), &clerk).await;
    assert_eq!(public.body, signed.body);
}

/// A multipart body with the given text fields and one file.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "witanboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(
    site: &Site,
    path: &str,
    cookie: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> Answer {
    let (content_type, body) = multipart(fields, file);
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, content_type)
        .header(header::COOKIE, cookie)
        .body(Body::from(body))
        .expect("request");
    send(site, request).await
}

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
async fn committees_members_forward_plan_decisions_items_and_corrections_through_forms() {
    let site = site().await;
    let ((mine, org), (theirs, _)) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let (admin, admin_csrf) = sign_in(&site, "admin@example.org").await;

    // An admin adds an organisation; a clerk may not.
    let refused = post_as(
        &site,
        "/workspace/organisations",
        &clerk,
        &[
            ("csrf", &csrf),
            ("name", "Southshire Council"),
            ("kind", "county_council"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let added = post_as(
        &site,
        "/workspace/organisations",
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("name", "Southshire Council"),
            ("kind", "county_council"),
        ],
    )
    .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    assert!(
        site.store
            .organisations()
            .await
            .expect("orgs")
            .iter()
            .any(|o| o.slug.as_str() == "southshire-council")
    );

    // A clerk adds a committee of their organisation reporting to one of theirs.
    let made = post_as(
        &site,
        "/workspace/committees",
        &clerk,
        &[
            ("csrf", &csrf),
            ("name", "Winter Resilience Group"),
            ("organisation", &org.to_string()),
            ("partner", ""),
            ("parent", &mine.to_string()),
            ("purpose", "Keeps services running in winter."),
        ],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    assert_eq!(
        made.location(),
        "/workspace/committees/winter-resilience-group"
    );
    let group = site
        .store
        .committee_by_slug("winter-resilience-group")
        .await
        .expect("committee");
    assert_eq!(group.parent, Some(mine));
    let slug = "winter-resilience-group";

    // A member (a new person) and a forward plan entry; bad input comes back with errors.
    let member = post_as(
        &site,
        &format!("/workspace/committees/{slug}/members"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("name", "Councillor Asha Patel"),
            ("job_title", ""),
            ("person", ""),
            ("role", "chair"),
            ("from", "2026-05-01"),
        ],
    )
    .await;
    assert_eq!(member.status, StatusCode::SEE_OTHER, "{}", member.body);
    let members = site.store.memberships(group.id).await.expect("members");
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].person_name.as_str(), "Councillor Asha Patel");
    let bad = post_as(
        &site,
        &format!("/workspace/committees/{slug}/members"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("name", ""),
            ("person", ""),
            ("role", "emperor"),
            ("from", "soon"),
        ],
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for link in ["#member-name", "#member-role", "#member-from"] {
        assert!(
            bad.body.contains(&format!("href=\"{link}\"")),
            "{link}: {}",
            bad.body
        );
    }
    let notice = post_as(
        &site,
        &format!("/workspace/committees/{slug}/forward-plan"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("title", "Gritting contract award"),
            ("expected_on", "2030-01-15"),
        ],
    )
    .await;
    assert_eq!(notice.status, StatusCode::SEE_OTHER, "{}", notice.body);
    let plan = site
        .store
        .forward_plan(
            Some(group.id),
            "2026-01-01".parse().expect("date"),
            Page::first(10),
        )
        .await
        .expect("plan");
    assert_eq!(plan.len(), 1);

    // Editing the committee checks its version; another organisation's committee is refused.
    let page = get_as(&site, &format!("/workspace/committees/{slug}"), &clerk).await;
    let at = page
        .body
        .find("name=\"version\" value=\"")
        .expect("version")
        + 22;
    let version = page.body[at..]
        .split('"')
        .next()
        .expect("version")
        .to_owned();
    let renamed = post_as(
        &site,
        &format!("/workspace/committees/{slug}"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("name", "Winter Group"),
            ("purpose", ""),
            ("parent", ""),
        ],
    )
    .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    assert_eq!(
        site.store
            .committee(group.id)
            .await
            .expect("c")
            .name
            .as_str(),
        "Winter Group"
    );
    let stale = post_as(
        &site,
        &format!("/workspace/committees/{slug}"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("name", "Other"),
            ("purpose", ""),
            ("parent", ""),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert!(
        stale.body.contains("Someone else changed this record"),
        "{}",
        stale.body
    );
    let their_slug = site
        .store
        .committee(theirs)
        .await
        .expect("c")
        .slug
        .to_string();
    let foreign = post_as(
        &site,
        &format!("/workspace/committees/{their_slug}/forward-plan"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("title", "Not mine"),
            ("expected_on", "2030-01-15"),
        ],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);

    // A key decision is called in, then its outcome recorded; an item is renamed; signed-off
    // minutes are corrected with a reason and both versions stay.
    let (meeting, item) = held_meeting(&site, mine).await;
    let path = |p: &str| format!("/workspace/{p}");
    assert_eq!(
        post_as(
            &site,
            &path(&format!("items/{item}/minutes")),
            &clerk,
            &[
                ("csrf", &csrf),
                ("text", "The board discussed gritting."),
                ("points", "Noted")
            ]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_as(
            &site,
            &path(&format!("items/{item}/decisions")),
            &clerk,
            &[
                ("csrf", &csrf),
                ("title", "Extend the gritting contract"),
                ("key", "yes")
            ]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let record = site
        .store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .expect("record");
    let decision = record
        .agenda
        .as_ref()
        .expect("agenda")
        .iter()
        .find_map(|e| match e {
            ItemEntry::Open(i) => i.decisions.first().map(|d| d.id),
            ItemEntry::Withheld { .. } => None,
        })
        .expect("decision");
    let called = post_as(
        &site,
        &path(&format!("decisions/{decision}/status")),
        &clerk,
        &[("csrf", &csrf), ("to", "called_in"), ("on", "2026-11-21")],
    )
    .await;
    assert_eq!(called.status, StatusCode::SEE_OTHER, "{}", called.body);
    assert_eq!(
        site.store.decision(decision).await.expect("d").status,
        witan_domain::DecisionStatus::CalledIn
    );
    let hub = get_as(&site, &format!("/workspace/meetings/{meeting}"), &clerk).await;
    let at = hub
        .body
        .find(&format!("action=\"/workspace/items/{item}\""))
        .expect("item form");
    let at = hub.body[at..]
        .find("name=\"version\" value=\"")
        .expect("version")
        + at
        + 22;
    let item_version = hub.body[at..]
        .split('"')
        .next()
        .expect("version")
        .to_owned();
    let edited = post_as(
        &site,
        &path(&format!("items/{item}")),
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &item_version),
            ("number", "1a"),
            ("title", "Winter pressures and gritting"),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert_eq!(
        site.store.item(item).await.expect("item").title.as_str(),
        "Winter pressures and gritting"
    );
    assert_eq!(
        post_as(
            &site,
            &path(&format!("meetings/{meeting}/sign-off")),
            &clerk,
            &[("csrf", &csrf), ("by", "Chair"), ("on", "2026-11-23")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let nothing = post_as(
        &site,
        &path(&format!("meetings/{meeting}/correction")),
        &clerk,
        &[
            ("csrf", &csrf),
            (&format!("text-{item}"), "The board discussed gritting."),
            (&format!("points-{item}"), "Noted"),
            ("reason", "None"),
            ("by", "Chair"),
            ("on", "2026-12-01"),
        ],
    )
    .await;
    assert_eq!(nothing.status, StatusCode::BAD_REQUEST);
    assert!(nothing.body.contains("Nothing was changed"));
    let corrected = post_as(
        &site,
        &path(&format!("meetings/{meeting}/correction")),
        &clerk,
        &[
            ("csrf", &csrf),
            (
                &format!("text-{item}"),
                "The board discussed gritting routes.",
            ),
            (&format!("points-{item}"), "Noted"),
            ("reason", "The routes were omitted."),
            ("by", "Chair"),
            ("on", "2026-12-01"),
        ],
    )
    .await;
    assert_eq!(
        corrected.status,
        StatusCode::SEE_OTHER,
        "{}",
        corrected.body
    );
    let versions = site
        .store
        .minutes_versions(item, Audience::Public)
        .await
        .expect("versions");
    assert_eq!(versions.len(), 2);
    assert_eq!(
        versions[1].1.text.as_str(),
        "The board discussed gritting routes."
    );
}

#[tokio::test]
async fn admins_change_and_remove_accounts_and_the_change_takes_effect_at_once() {
    let site = site().await;
    let ((mine, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (meeting, item) = held_meeting(&site, mine).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let (admin, admin_csrf) = sign_in(&site, "admin@example.org").await;
    let id_of = |email: &'static str| {
        let store = site.store.clone();
        async move {
            store
                .account(&Email::parse("email", email).expect("email"))
                .await
                .expect("account")
                .user
                .id
        }
    };
    let clerk_id = id_of("clerk@example.org").await;
    let admin_id = id_of("admin@example.org").await;

    // A clerk cannot change accounts; an admin cannot change their own.
    let refused = post_as(
        &site,
        &format!("/workspace/users/{admin_id}"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("role", "clerk"),
            ("organisation", &org.to_string()),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let own = post_as(
        &site,
        &format!("/workspace/users/{admin_id}"),
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("role", "member"),
            ("organisation", ""),
        ],
    )
    .await;
    assert_eq!(own.status, StatusCode::BAD_REQUEST);
    assert!(
        own.body
            .contains("You cannot change or remove your own account"),
        "{}",
        own.body
    );
    // A clerk without an organisation is not a clerk.
    let orphan = post_as(
        &site,
        &format!("/workspace/users/{clerk_id}"),
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("role", "clerk"),
            ("organisation", ""),
        ],
    )
    .await;
    assert_eq!(orphan.status, StatusCode::BAD_REQUEST);
    assert!(
        orphan.body.contains("A clerk works for an organisation"),
        "{}",
        orphan.body
    );

    // Made a member, the clerk can read but no longer write, in the same session.
    let changed = post_as(
        &site,
        &format!("/workspace/users/{clerk_id}"),
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("role", "member"),
            ("organisation", &org.to_string()),
        ],
    )
    .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    let minutes = post_as(
        &site,
        &format!("/workspace/items/{item}/minutes"),
        &clerk,
        &[("csrf", &csrf), ("text", "Discussed.")],
    )
    .await;
    assert_eq!(minutes.status, StatusCode::FORBIDDEN);
    assert_eq!(
        get_as(&site, &format!("/workspace/meetings/{meeting}"), &clerk)
            .await
            .status,
        StatusCode::OK
    );

    // Removed, the account's session opens nothing; the audit log keeps both changes.
    let removed = post_as(
        &site,
        &format!("/workspace/users/{clerk_id}/remove"),
        &admin,
        &[("csrf", &admin_csrf)],
    )
    .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER, "{}", removed.body);
    assert_eq!(
        get_as(&site, "/workspace", &clerk).await.status,
        StatusCode::SEE_OTHER
    );
    let log = site
        .store
        .audit_log(Some(("user", clerk_id.get())), Page::first(10))
        .await
        .expect("log");
    let actions: Vec<&str> = log.iter().map(|r| r.entry.action.as_str()).collect();
    assert_eq!(actions, ["remove account", "change account"]);
}

#[tokio::test]
async fn organisations_people_and_memberships_are_edited_with_version_checks() {
    let site = site().await;
    let ((mine, org), (theirs, _)) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "member@example.org", Role::Member, Some(org)).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let (member, member_csrf) = sign_in(&site, "member@example.org").await;
    let (admin, admin_csrf) = sign_in(&site, "admin@example.org").await;
    let version_in = |body: &str, action: &str| {
        let at = body
            .find(&format!("action=\"{action}\""))
            .expect("the form");
        let at = body[at..]
            .find("name=\"version\" value=\"")
            .expect("version")
            + at
            + 22;
        body[at..].split('"').next().expect("version").to_owned()
    };

    // An organisation, renamed by an admin; a clerk may not.
    let setup = get_as(&site, "/workspace/setup", &admin).await;
    let action = format!("/workspace/organisations/{org}");
    let version = version_in(&setup.body, &action);
    let by_clerk = post_as(
        &site,
        &action,
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("name", "Renamed"),
            ("kind", "other"),
        ],
    )
    .await;
    assert_eq!(by_clerk.status, StatusCode::FORBIDDEN);
    let renamed = post_as(
        &site,
        &action,
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("version", &version),
            ("name", "Northshire Health Partnership"),
            ("kind", "other"),
        ],
    )
    .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    let stored = site
        .store
        .organisations()
        .await
        .expect("orgs")
        .into_iter()
        .find(|o| o.id == org)
        .expect("org");
    assert_eq!(stored.name.as_str(), "Northshire Health Partnership");
    let stale = post_as(
        &site,
        &action,
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("version", &version),
            ("name", "Again"),
            ("kind", "other"),
        ],
    )
    .await;
    assert_eq!(stale.status, StatusCode::BAD_REQUEST);
    assert!(
        stale.body.contains("Someone else changed this record"),
        "{}",
        stale.body
    );

    // A person's details: clerks edit, members read.
    let members = site.store.memberships(mine).await.expect("members");
    let current = members
        .iter()
        .find(|m| m.membership.until.is_none())
        .expect("a current member");
    let person = current.membership.person;
    let page = get_as(&site, &format!("/workspace/people/{person}"), &clerk).await;
    assert_eq!(page.status, StatusCode::OK);
    let version = version_in(&page.body, &format!("/workspace/people/{person}"));
    let by_member = post_as(
        &site,
        &format!("/workspace/people/{person}"),
        &member,
        &[("csrf", &member_csrf), ("version", &version), ("name", "X")],
    )
    .await;
    assert_eq!(by_member.status, StatusCode::FORBIDDEN);
    let edited = post_as(
        &site,
        &format!("/workspace/people/{person}"),
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &version),
            ("name", "Dr Ada Lovelace"),
            ("job_title", "Medical Director"),
        ],
    )
    .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let stored = site.store.person(person).await.expect("person");
    assert_eq!(stored.name.as_str(), "Dr Ada Lovelace");
    assert_eq!(
        stored.job_title.as_ref().map(Title::as_str),
        Some("Medical Director")
    );

    // A membership ends; the end cannot come before its start; another organisation's
    // committee is refused.
    let slug = site
        .store
        .committee(mine)
        .await
        .expect("c")
        .slug
        .to_string();
    let membership = current.membership.id;
    let action = format!("/workspace/committees/{slug}/members/{membership}/end");
    let early = post_as(
        &site,
        &action,
        &clerk,
        &[("csrf", &csrf), ("until", "1900-01-01")],
    )
    .await;
    assert_eq!(early.status, StatusCode::BAD_REQUEST);
    assert!(
        early
            .body
            .contains(&format!("href=\"#end-{membership}-until\"")),
        "{}",
        early.body
    );
    let ended = post_as(
        &site,
        &action,
        &clerk,
        &[("csrf", &csrf), ("until", "2026-11-22")],
    )
    .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    let after = site.store.memberships(mine).await.expect("members");
    let this = after
        .iter()
        .find(|m| m.membership.id == membership)
        .expect("membership");
    assert_eq!(
        this.membership.until,
        Some("2026-11-22".parse().expect("date"))
    );
    let their_slug = site
        .store
        .committee(theirs)
        .await
        .expect("c")
        .slug
        .to_string();
    let their = site.store.memberships(theirs).await.expect("members");
    let m = their
        .first()
        .expect("a member of the other organisation's committee");
    let foreign = post_as(
        &site,
        &format!(
            "/workspace/committees/{their_slug}/members/{}/end",
            m.membership.id
        ),
        &clerk,
        &[("csrf", &csrf), ("until", "2026-11-22")],
    )
    .await;
    assert_eq!(foreign.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn attendance_is_recorded_and_items_join_existing_issues_by_number_or_reference() {
    let site = site().await;
    let ((mine, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    let (meeting, item) = held_meeting(&site, mine).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let members = site.store.memberships(mine).await.expect("members");
    let on = "2026-11-20".parse().expect("date");
    let current: Vec<_> = members
        .iter()
        .filter(|m| m.membership.is_current_on(on))
        .map(|m| m.membership.person)
        .collect();
    assert!(current.len() >= 2, "the demo committee has members");
    let hub = get_as(&site, &format!("/workspace/meetings/{meeting}"), &clerk).await;
    assert!(
        hub.body
            .contains(&format!("name=\"person-{}\"", current[0]))
    );

    let path = format!("/workspace/meetings/{meeting}/attendance");
    let (first, second) = (
        format!("person-{}", current[0]),
        format!("person-{}", current[1]),
    );
    let bad = post_as(&site, &path, &clerk, &[("csrf", &csrf), (&first, "asleep")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("Unknown attendance"), "{}", bad.body);
    let saved = post_as(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf), (&first, "present"), (&second, "apologies")],
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let again = post_as(
        &site,
        &path,
        &clerk,
        &[("csrf", &csrf), (&first, "present"), (&second, "")],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let record = site
        .store
        .meeting_record(meeting, Audience::Public)
        .await
        .expect("record");
    let recorded: Vec<_> = record
        .attendance
        .iter()
        .map(|a| (a.person.id, a.kind))
        .collect();
    assert_eq!(
        recorded,
        [(current[0], witan_domain::AttendanceKind::Present)]
    );

    // An existing issue by its number, then by its reference; an unknown one is named.
    let mut w = site.store.begin().await.expect("begin");
    let issue = w
        .create_issue(&witan_domain::Issue {
            title: Title::parse("t", "Gritting policy").expect("title"),
            reference: Some(Title::parse("r", "GRIT/2026/1").expect("reference")),
            summary: witan_domain::Text::default(),
        })
        .await
        .expect("issue");
    w.commit().await.expect("commit");
    let items = format!("/workspace/meetings/{meeting}/items");
    let by_number = post_as(
        &site,
        &items,
        &clerk,
        &[
            ("csrf", &csrf),
            ("number", "2"),
            ("title", "Gritting"),
            ("issue", "existing"),
            ("issue_ref", &issue.to_string()),
        ],
    )
    .await;
    assert_eq!(
        by_number.status,
        StatusCode::SEE_OTHER,
        "{}",
        by_number.body
    );
    let by_reference = post_as(
        &site,
        &items,
        &clerk,
        &[
            ("csrf", &csrf),
            ("number", "3"),
            ("title", "Gritting again"),
            ("issue", "existing"),
            ("issue_ref", "grit/2026/1"),
        ],
    )
    .await;
    assert_eq!(
        by_reference.status,
        StatusCode::SEE_OTHER,
        "{}",
        by_reference.body
    );
    let unknown = post_as(
        &site,
        &items,
        &clerk,
        &[
            ("csrf", &csrf),
            ("number", "4"),
            ("title", "Lost"),
            ("issue", "existing"),
            ("issue_ref", "NOPE/1"),
        ],
    )
    .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert!(
        unknown
            .body
            .contains("There is no issue with the reference NOPE/1")
    );
    let history = site
        .store
        .issue_record(issue, Audience::Privileged)
        .await
        .expect("issue");
    assert_eq!(history.history.len(), 2);

    // A declaration of interest on an item, shown on the public page; an item of another
    // meeting is refused.
    let declarations = format!("/workspace/meetings/{meeting}/declarations");
    let person = current[0].to_string();
    let declared = post_as(
        &site,
        &declarations,
        &clerk,
        &[
            ("csrf", &csrf),
            ("person", &person),
            ("item", &item.to_string()),
            ("kind", "other_registrable"),
            ("description", "A governor of Northshire Academy"),
        ],
    )
    .await;
    assert_eq!(declared.status, StatusCode::SEE_OTHER, "{}", declared.body);
    let public = get_as(&site, &format!("/meetings/{meeting}"), "").await;
    assert!(
        public.body.contains("A governor of Northshire Academy"),
        "the declaration is public"
    );
    let (_, other_item) = held_meeting(&site, mine).await;
    let wrong = post_as(
        &site,
        &declarations,
        &clerk,
        &[
            ("csrf", &csrf),
            ("person", &person),
            ("item", &other_item.to_string()),
            ("kind", "other_registrable"),
            ("description", "Elsewhere"),
        ],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
    assert!(
        wrong.body.contains("Choose an item of this meeting"),
        "{}",
        wrong.body
    );

    // After sign-off, attendance is part of the locked record.
    assert_eq!(
        post_as(
            &site,
            &format!("/workspace/items/{item}/minutes"),
            &clerk,
            &[("csrf", &csrf), ("text", "Discussed.")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        post_as(
            &site,
            &format!("/workspace/meetings/{meeting}/sign-off"),
            &clerk,
            &[("csrf", &csrf), ("by", "Chair"), ("on", "2026-11-23")]
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let locked = post_as(&site, &path, &clerk, &[("csrf", &csrf), (&first, "absent")]).await;
    assert_eq!(locked.status, StatusCode::BAD_REQUEST);
    assert!(
        locked
            .body
            .contains("Attendance is recorded once the meeting is held"),
        "{}",
        locked.body
    );
}

/// The document of the meetings of the committee named `committee` whose name is `name`, as
/// the public sees it.
async fn public_document(
    site: &Site,
    committee: &str,
    name: &str,
) -> witan_store::Stored<witan_domain::Document> {
    let committee = site
        .store
        .committees()
        .await
        .expect("committees")
        .into_iter()
        .find(|c| c.name.as_str() == committee)
        .expect("the committee");
    let meetings = site
        .store
        .meetings(
            Some(committee.id),
            witan_store::When::Before("2100-01-01T00:00:00Z".parse().expect("instant")),
            Page::first(10),
        )
        .await
        .expect("meetings");
    for meeting in meetings {
        let record = site
            .store
            .meeting_record(meeting.meeting.id, Audience::Public)
            .await
            .expect("record");
        for entry in record.agenda.unwrap_or_default() {
            if let ItemEntry::Open(item) = entry
                && let Some(d) = item.documents.iter().find(|d| d.name.as_str() == name)
            {
                return d.clone();
            }
        }
    }
    panic!("no public document {name}");
}

fn header(answer: &Answer, name: header::HeaderName) -> &str {
    answer
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A download answers nosniff and a sandboxing policy, whatever it sends.
fn assert_guarded(answer: &Answer, what: &str) {
    assert_eq!(
        header(answer, header::X_CONTENT_TYPE_OPTIONS),
        "nosniff",
        "{what}"
    );
    assert_eq!(
        header(answer, header::CONTENT_SECURITY_POLICY),
        "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        "{what}"
    );
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

/// Text as a browser reads it from an attribute or element that askama escaped.
fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
}

/// The value of attribute `name` in the tag text `tag`.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    Some(unescape(tag[at..].split('"').next()?))
}

/// What a browser submits for the form posting to `action` when nobody touches it: its inputs'
/// values, its text areas' text and each select's selected option (or the first).
fn untouched_form(body: &str, action: &str) -> Vec<(String, String)> {
    let start = body
        .find(&format!("action=\"{action}\""))
        .unwrap_or_else(|| panic!("no form posting to {action}"));
    let form = &body[start..start + body[start..].find("</form>").expect("form end")];
    let mut fields = Vec::new();
    let mut rest = form;
    while let Some(at) = rest.find('<') {
        rest = &rest[at..];
        let end = rest.find('>').expect("tag end");
        let tag = &rest[..end];
        if tag.starts_with("<input") {
            if let Some(name) = attribute(tag, "name") {
                fields.push((name, attribute(tag, "value").unwrap_or_default()));
            }
        } else if tag.starts_with("<textarea") {
            let name = attribute(tag, "name").expect("textarea name");
            let text = &rest[end + 1..rest.find("</textarea>").expect("textarea end")];
            fields.push((name, unescape(text)));
        } else if tag.starts_with("<select") {
            let name = attribute(tag, "name").expect("select name");
            let options = &rest[..rest.find("</select>").expect("select end")];
            let chosen = options
                .split("<option")
                .skip(1)
                .find(|o| o.split('>').next().is_some_and(|t| t.contains(" selected")))
                .or_else(|| options.split("<option").nth(1))
                .expect("an option");
            fields.push((name, attribute(chosen, "value").unwrap_or_default()));
        }
        rest = &rest[end..];
    }
    fields
}

async fn post_untouched(site: &Site, page: &Answer, action: &str, cookie: &str) -> Answer {
    let fields = untouched_form(&page.body, action);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    post_as(site, action, cookie, &fields).await
}

#[tokio::test]
async fn untouched_edit_forms_keep_the_names_of_people_committees_and_organisations() {
    let site = site().await;
    let ((mine, org), _) = two_committees(&site).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (admin, _) = sign_in(&site, "admin@example.org").await;

    let person = site.store.memberships(mine).await.expect("members")[0]
        .membership
        .person;
    let before = site.store.person(person).await.expect("person");
    let action = format!("/workspace/people/{person}");
    let page = get_as(&site, &action, &admin).await;
    let saved = post_untouched(&site, &page, &action, &admin).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        site.store.person(person).await.expect("person").record,
        before.record,
        "saving the untouched person form changed the person"
    );

    let before = site.store.committee(mine).await.expect("committee");
    let action = format!("/workspace/committees/{}", before.slug);
    let page = get_as(&site, &action, &admin).await;
    let saved = post_untouched(&site, &page, &action, &admin).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        site.store.committee(mine).await.expect("committee").record,
        before.record,
        "saving the untouched committee form changed the committee"
    );

    let organisation = || async {
        site.store
            .organisations()
            .await
            .expect("organisations")
            .into_iter()
            .find(|o| o.id == org)
            .expect("organisation")
            .record
    };
    let before = organisation().await;
    let page = get_as(&site, "/workspace/setup", &admin).await;
    let saved = post_untouched(
        &site,
        &page,
        &format!("/workspace/organisations/{org}"),
        &admin,
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        organisation().await,
        before,
        "saving the untouched organisation form changed the organisation"
    );
}

/// A person who sits on `theirs` and on no committee `org` owns or shares.
async fn only_theirs(
    site: &Site,
    theirs: CommitteeId,
    org: OrganisationId,
) -> witan_domain::PersonId {
    let committees = site.store.committees().await.expect("committees");
    for m in site.store.memberships(theirs).await.expect("members") {
        let record = site
            .store
            .person_record(m.membership.person, Audience::Privileged)
            .await
            .expect("person");
        let ours = record.memberships.iter().any(|(_, c)| {
            committees
                .iter()
                .any(|k| k.id == c.id && k.owners.organisations().contains(&org))
        });
        if !ours {
            return m.membership.person;
        }
    }
    panic!("every member of the other committee sits on one of ours too");
}

#[tokio::test]
async fn a_clerk_cannot_edit_another_organisations_people() {
    let site = site().await;
    let ((_, org), (theirs, other_org)) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "other@example.org", Role::Clerk, Some(other_org)).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let (other, other_csrf) = sign_in(&site, "other@example.org").await;
    let (admin, admin_csrf) = sign_in(&site, "admin@example.org").await;
    let stranger = only_theirs(&site, theirs, org).await;
    let action = format!("/workspace/people/{stranger}");
    let before = site.store.person(stranger).await.expect("person");
    let version = witan_app::version_of(&before.record);
    let rename = |csrf: &str| {
        vec![
            ("csrf", csrf.to_owned()),
            ("version", version.clone()),
            ("name", "Renamed By A Stranger".to_owned()),
        ]
    };

    // The clerk of another organisation reads the person but is offered no form, and a
    // forged post is refused with nothing written.
    let page = get_as(&site, &action, &clerk).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(&format!("action=\"{action}\"")));
    let refused = post_as(&site, &action, &clerk, &pairs(&rename(&csrf))).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(
        site.store.person(stranger).await.expect("person").record,
        before.record
    );
    // A clerk of an organisation whose committee they sit on may, and so may an admin.
    let page = get_as(&site, &action, &other).await;
    assert!(page.body.contains(&format!("action=\"{action}\"")));
    let edited = post_as(&site, &action, &other, &pairs(&rename(&other_csrf))).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let version = witan_app::version_of(&site.store.person(stranger).await.expect("p").record);
    let by_admin = post_as(
        &site,
        &action,
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("version", &version),
            ("name", before.name.as_str()),
        ],
    )
    .await;
    assert_eq!(by_admin.status, StatusCode::SEE_OTHER, "{}", by_admin.body);

    // A person with no membership at all is an admin's to change.
    let mut w = site.store.begin().await.expect("begin");
    let loner = w
        .create_person(&witan_domain::Person {
            name: Title::parse("name", "Zq Loner").expect("name"),
            job_title: None,
        })
        .await
        .expect("person");
    w.commit().await.expect("commit");
    let version = witan_app::version_of(&site.store.person(loner).await.expect("p").record);
    let refused = post_as(
        &site,
        &format!("/workspace/people/{loner}"),
        &clerk,
        &[("csrf", &csrf), ("version", &version), ("name", "X")],
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_clerk_cannot_make_another_organisation_co_owner_or_parent_of_a_committee() {
    let site = site().await;
    let ((mine, org), (theirs, other_org)) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (clerk, csrf) = sign_in(&site, "clerk@example.org").await;
    let (admin, admin_csrf) = sign_in(&site, "admin@example.org").await;
    let (org_id, other_id) = (org.to_string(), other_org.to_string());
    let (mine_id, theirs_id) = (mine.to_string(), theirs.to_string());
    let their_name = site
        .store
        .committee(theirs)
        .await
        .expect("theirs")
        .name
        .to_string();
    let committees = || async { site.store.committees().await.expect("committees").len() };
    let before = committees().await;

    // The setup form offers a clerk neither partners nor another organisation's committees.
    let setup = get_as(&site, "/workspace/setup", &clerk).await;
    assert!(!setup.body.contains("name=\"partner\""));
    let parents = &setup.body[setup.body.find("name=\"parent\"").expect("parent")..];
    let parents = &parents[..parents.find("</select>").expect("end")];
    assert!(
        !parents.contains(&format!("value=\"{theirs_id}\"")),
        "{parents}"
    );

    for (what, fields) in [
        (
            "joint with another organisation",
            vec![("organisation", org_id.as_str()), ("partner", &other_id)],
        ),
        (
            "owned by another organisation",
            vec![("organisation", other_id.as_str())],
        ),
        (
            "under another organisation's committee",
            vec![("organisation", org_id.as_str()), ("parent", &theirs_id)],
        ),
    ] {
        let mut all = vec![("csrf", csrf.as_str()), ("name", "Zq Board")];
        all.extend(fields);
        let refused = post_as(&site, "/workspace/committees", &clerk, &all).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{what}: {}",
            refused.body
        );
    }
    assert_eq!(
        committees().await,
        before,
        "a refused committee was created"
    );

    // An existing committee cannot be moved under another organisation's either.
    let committee = site.store.committee(mine).await.expect("mine");
    let action = format!("/workspace/committees/{}", committee.slug);
    let moved = post_as(
        &site,
        &action,
        &clerk,
        &[
            ("csrf", &csrf),
            ("version", &witan_app::version_of(&committee.record)),
            ("name", committee.name.as_str()),
            ("purpose", committee.purpose.as_str()),
            ("parent", &theirs_id),
        ],
    )
    .await;
    assert_eq!(moved.status, StatusCode::FORBIDDEN, "{}", moved.body);
    let page = get_as(&site, &action, &clerk).await;
    let parents = &page.body[page.body.find("name=\"parent\"").expect("parent")..];
    let parents = &parents[..parents.find("</select>").expect("end")];
    assert!(!parents.contains(&their_name), "{parents}");

    // Their own committee, under their own: yes; a joint one by an admin: yes.
    let made = post_as(
        &site,
        "/workspace/committees",
        &clerk,
        &[
            ("csrf", &csrf),
            ("name", "Zq Sub Board"),
            ("organisation", &org_id),
            ("parent", &mine_id),
        ],
    )
    .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let joint = post_as(
        &site,
        "/workspace/committees",
        &admin,
        &[
            ("csrf", &admin_csrf),
            ("name", "Zq Partnership Board"),
            ("organisation", &org_id),
            ("partner", &other_id),
            ("parent", &theirs_id),
        ],
    )
    .await;
    assert_eq!(joint.status, StatusCode::SEE_OTHER, "{}", joint.body);
    assert_eq!(committees().await, before + 2);
}

/// A meeting of `committee` on `start`, through the store: scheduled, or with its agenda published.
async fn meeting_of(site: &Site, committee: CommitteeId, start: &str, publish: bool) -> MeetingId {
    let mut w = site.store.begin().await.expect("begin");
    let meeting = w
        .schedule_meeting(&witan_domain::Meeting {
            committee,
            times: witan_domain::MeetingTimes::new(start.parse().expect("instant"), None)
                .expect("times"),
            location: None,
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .expect("meeting");
    if publish {
        w.set_meeting_status(meeting, MeetingStatus::AgendaPublished)
            .await
            .expect("publish");
    }
    w.commit().await.expect("commit");
    meeting
}

/// The numbers and titles on a meeting's agenda.
async fn agenda_of(site: &Site, meeting: MeetingId) -> Vec<(String, String)> {
    let record = site
        .store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .expect("meeting");
    record
        .agenda
        .unwrap_or_default()
        .iter()
        .filter_map(|e| match e {
            ItemEntry::Open(i) => Some((i.item.number.to_string(), i.item.title.to_string())),
            ItemEntry::Withheld { .. } => None,
        })
        .collect()
}

/// Sends an escalation through the item's form as the sending clerk; returns its id.
async fn escalate(
    site: &Site,
    (cookie, csrf): (&str, &str),
    item: ItemId,
    to: CommitteeId,
    reason: &str,
) -> witan_domain::EscalationId {
    let answer = post_as(
        site,
        &format!("/workspace/items/{item}/escalations"),
        cookie,
        &[
            ("csrf", csrf),
            ("to_committee", &to.to_string()),
            ("reason", reason),
        ],
    )
    .await;
    assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.body);
    site.store
        .escalations(
            to,
            witan_store::Direction::Pending,
            Audience::Privileged,
            Page::first(1),
        )
        .await
        .expect("escalations")[0]
        .escalation
        .id
}

#[tokio::test]
async fn escalations_are_accepted_and_declined_through_the_receiving_committees_page() {
    let site = site().await;
    let ((sender, sender_org), (receiver, receiver_org)) = two_committees(&site).await;
    let receiver_slug = site
        .store
        .committee(receiver)
        .await
        .expect("c")
        .slug
        .to_string();
    add_user(
        &site,
        "sender.clerk@example.gov.uk",
        Role::Clerk,
        Some(sender_org),
    )
    .await;
    add_user(
        &site,
        "receiver.clerk@example.gov.uk",
        Role::Clerk,
        Some(receiver_org),
    )
    .await;
    let (sender_cookie, sender_csrf) = sign_in(&site, "sender.clerk@example.gov.uk").await;
    let (cookie, csrf) = sign_in(&site, "receiver.clerk@example.gov.uk").await;
    let (_, item) = held_meeting(&site, sender).await;
    let published = meeting_of(&site, receiver, "2031-01-09T10:00:00Z", true).await;
    let open = meeting_of(&site, receiver, "2031-02-06T10:00:00Z", false).await;
    let before = (
        agenda_of(&site, published).await,
        agenda_of(&site, open).await,
    );

    let sent = escalate(
        &site,
        (&sender_cookie, &sender_csrf),
        item,
        receiver,
        "Winter bed base: needs the board's decision",
    )
    .await;
    assert_eq!(
        (
            agenda_of(&site, published).await,
            agenda_of(&site, open).await
        ),
        before,
        "sending wrote onto the receiving committee's agenda"
    );

    // The receiving clerk sees it with both forms; the sending clerk sees neither form.
    let page = get_as(
        &site,
        &format!("/workspace/committees/{receiver_slug}"),
        &cookie,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Winter bed base: needs the board"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("/workspace/escalations/{sent}/accept"))
    );
    assert!(
        page.body
            .contains(&format!("/workspace/escalations/{sent}/decline"))
    );
    assert!(page.body.contains(&format!("<option value=\"{open}\">")));
    assert!(
        !page
            .body
            .contains(&format!("<option value=\"{published}\">"))
    );
    let theirs = get_as(
        &site,
        &format!("/workspace/committees/{receiver_slug}"),
        &sender_cookie,
    )
    .await;
    assert!(
        !theirs
            .body
            .contains(&format!("/workspace/escalations/{sent}/accept"))
    );

    // A clerk of another organisation may not accept it, nor decline it.
    let accept = format!("/workspace/escalations/{sent}/accept");
    let decline = format!("/workspace/escalations/{sent}/decline");
    let open_id = open.to_string();
    let denied = post_as(
        &site,
        &accept,
        &sender_cookie,
        &[("csrf", &sender_csrf), ("meeting", &open_id)],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let denied = post_as(
        &site,
        &decline,
        &sender_cookie,
        &[("csrf", &sender_csrf), ("reason", "Not yours")],
    )
    .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let state = |site: &Site| {
        let store = site.store.clone();
        async move { store.escalation(sent).await.expect("escalation").escalation }
    };
    assert_eq!(
        state(&site).await.state,
        witan_domain::EscalationState::Pending
    );

    // No meeting chosen, or a published agenda: the form comes back with the reason.
    let again = post_as(&site, &accept, &cookie, &[("csrf", &csrf), ("meeting", "")]).await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(
        again
            .body
            .contains("Choose the meeting to put the escalation on")
    );
    let again = post_as(
        &site,
        &accept,
        &cookie,
        &[("csrf", &csrf), ("meeting", &published.to_string())],
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("not yet published"), "{}", again.body);
    assert_eq!(agenda_of(&site, published).await, before.0);

    // Accepted onto the open meeting: the clerk lands on it, the item at the end of its agenda.
    let accepted = post_as(
        &site,
        &accept,
        &cookie,
        &[("csrf", &csrf), ("meeting", &open_id)],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let record = state(&site).await;
    assert_eq!(record.state, witan_domain::EscalationState::Accepted);
    let proposed = record.target_item.expect("a proposed item");
    assert_eq!(
        accepted.location(),
        format!("/workspace/meetings/{open}?done=escalation_accepted#item-{proposed}")
    );
    let after = agenda_of(&site, open).await;
    assert_eq!(after.len(), before.1.len() + 1);
    assert!(after.last().expect("item").1.starts_with("Escalated from "));
    let landed = get_as(&site, accepted.location(), &cookie).await;
    assert!(landed.body.contains("The escalation has been accepted."));
    // Answered once: a second answer is refused on the page.
    let twice = post_as(
        &site,
        &decline,
        &cookie,
        &[("csrf", &csrf), ("reason", "No")],
    )
    .await;
    assert_eq!(twice.status, StatusCode::BAD_REQUEST);
    assert!(
        twice.body.contains("already been answered"),
        "{}",
        twice.body
    );

    // Another one is declined, with a reason the sending side then sees.
    let second = escalate(
        &site,
        (&sender_cookie, &sender_csrf),
        item,
        receiver,
        "Market town parking charges",
    )
    .await;
    let decline = format!("/workspace/escalations/{second}/decline");
    let again = post_as(
        &site,
        &decline,
        &cookie,
        &[("csrf", &csrf), ("reason", " ")],
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert!(again.body.contains("Say why the escalation is declined"));
    let declined = post_as(
        &site,
        &decline,
        &cookie,
        &[
            ("csrf", &csrf),
            ("reason", "A matter for the district council"),
        ],
    )
    .await;
    assert_eq!(declined.status, StatusCode::SEE_OTHER, "{}", declined.body);
    assert_eq!(
        declined.location(),
        format!("/workspace/committees/{receiver_slug}?done=declined#escalations")
    );
    let record = site.store.escalation(second).await.expect("escalation");
    assert_eq!(
        record.escalation.state,
        witan_domain::EscalationState::Declined
    );
    assert_eq!(
        record
            .escalation
            .decline_reason
            .as_ref()
            .map(|r| r.as_str()),
        Some("A matter for the district council")
    );
    assert_eq!(agenda_of(&site, open).await, after);
    let page = get_as(&site, declined.location(), &cookie).await;
    assert!(page.body.contains("The escalation has been declined."));
    assert!(
        !page
            .body
            .contains(&format!("/workspace/escalations/{second}/accept"))
    );
    let sending_side = get_as(
        &site,
        &format!("/workspace/meetings/{}", record.from_meeting),
        &sender_cookie,
    )
    .await;
    assert!(
        sending_side
            .body
            .contains("declined: A matter for the district council"),
        "{}",
        sending_side.body
    );
}

/// Once, a 526-character reason became the title of an item on another body's published agenda,
/// and that meeting's page, its API and OParl objects answered 500. A long reason, from an item
/// whose title and committee name are as long as a title may be, now leaves every page whole.
#[tokio::test]
async fn a_long_escalation_reason_does_not_break_the_meeting_page() {
    let site = site().await;
    let ((sender, sender_org), (receiver, receiver_org)) = two_committees(&site).await;
    add_user(
        &site,
        "sender.clerk@example.gov.uk",
        Role::Clerk,
        Some(sender_org),
    )
    .await;
    add_user(
        &site,
        "receiver.clerk@example.gov.uk",
        Role::Clerk,
        Some(receiver_org),
    )
    .await;
    let (sender_cookie, sender_csrf) = sign_in(&site, "sender.clerk@example.gov.uk").await;
    let (cookie, csrf) = sign_in(&site, "receiver.clerk@example.gov.uk").await;
    let (from_meeting, item) = held_meeting(&site, sender).await;
    // The sending committee's name and the item's title are as long as titles may be.
    let mut w = site.store.begin().await.expect("begin");
    let mut committee = site
        .store
        .committee(sender)
        .await
        .expect("committee")
        .record;
    committee.name = Title::parse("name", &"Health Scrutiny ".repeat(31)).expect("name");
    w.replace(
        sender.get(),
        witan_store::Replacement::Committee(&committee),
    )
    .await
    .expect("long name");
    let mut long_item = site.store.item(item).await.expect("item").record;
    long_item.title = Title::parse("title", &"Winter pressures ".repeat(29)).expect("title");
    w.replace(item.get(), witan_store::Replacement::Item(&long_item))
        .await
        .expect("long title");
    w.commit().await.expect("commit");
    let target = meeting_of(&site, receiver, "2031-02-06T10:00:00Z", false).await;

    let reason = format!(
        "{} The board must decide.",
        "Bed base pressure is acute. ".repeat(18)
    );
    assert!(reason.chars().count() >= 526);
    let sent = escalate(
        &site,
        (&sender_cookie, &sender_csrf),
        item,
        receiver,
        &reason,
    )
    .await;
    let accepted = post_as(
        &site,
        &format!("/workspace/escalations/{sent}/accept"),
        &cookie,
        &[("csrf", &csrf), ("meeting", &target.to_string())],
    )
    .await;
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let publish = post_as(
        &site,
        &format!("/workspace/meetings/{target}/status"),
        &cookie,
        &[("csrf", &csrf), ("to", "agenda_published")],
    )
    .await;
    assert_eq!(publish.status, StatusCode::SEE_OTHER, "{}", publish.body);
    assert_eq!(
        site.store.meeting(target).await.expect("meeting").status,
        MeetingStatus::AgendaPublished
    );

    let proposed = site
        .store
        .escalation(sent)
        .await
        .expect("escalation")
        .escalation
        .target_item
        .expect("proposed item");
    let title = site.store.item(proposed).await.expect("item").record.title;
    assert_eq!(title.as_str().chars().count(), Title::MAX_CHARS);
    for path in [
        format!("/meetings/{target}"),
        format!("/meetings/{}", from_meeting),
        format!("/api/v1/meetings/{target}"),
        format!("/api/v1/escalations/{sent}"),
        format!("/oparl/v1.1/meeting/{target}"),
        format!("/oparl/v1.1/agendaitem/{proposed}"),
        format!("/oparl/v1.1/agendaitem/{item}"),
        format!("/workspace/meetings/{target}"),
    ] {
        let answer = get_as(&site, &path, &cookie).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.body);
    }
    let page = get_as(&site, &format!("/meetings/{target}"), "").await;
    assert!(
        page.body.contains("Escalated from Health Scrutiny"),
        "{}",
        page.body
    );
}
