//! Signing in and out, limits on failed sign-ins, and writes refused without the right role,
//! token or organisation.

use super::*;

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

#[tokio::test]
async fn clerks_see_how_many_follow_what_and_what_went_out_but_never_who() {
    let site = site().await;
    let ((_, org), _) = two_committees(&site).await;
    add_user(&site, "clerk@example.org", Role::Clerk, Some(org)).await;
    let away = get_as(&site, "/workspace/following", "").await;
    assert_eq!(away.status, StatusCode::SEE_OTHER, "signed out");

    let issue = witan_domain::IssueId::new(1);
    let now = chrono::Utc::now();
    let mut w = site.store.begin().await.expect("begin");
    for (n, confirm) in [(1, true), (2, true), (3, false)] {
        let email = witan_domain::Email::parse("email", &format!("resident{n}@example.net"))
            .expect("email");
        let (subscriber, _) = w
            .subscriber_for(&email, &format!("secret-token-{n}"), now)
            .await
            .expect("subscriber");
        let (follow, _) = w
            .follow(
                subscriber.id,
                &witan_domain::FollowTarget::Issue(issue),
                "Library opening hours",
                witan_domain::Frequency::Daily,
                now,
            )
            .await
            .expect("follow");
        if confirm {
            w.confirm(subscriber.id, follow, now)
                .await
                .expect("confirm");
        }
        w.queue_mail(
            &witan_store::NewMail {
                subscriber: subscriber.id,
                recipient: email,
                kind: witan_store::MailKind::Digest,
                subject: format!("Your daily digest: {n} changes"),
                text: "text".into(),
                html: "<p>html</p>".into(),
                manage_url: None,
                message_id: format!("m{n}@council.example"),
            },
            now,
        )
        .await
        .expect("queued");
    }
    w.commit().await.expect("commit");

    let (cookie, _) = sign_in(&site, "clerk@example.org").await;
    let page = get_as(&site, "/workspace/following", &cookie).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("<a href=\"/issues/1\">Library opening hours</a></td><td>2</td>"),
        "two confirmed followers, the unconfirmed not counted: {}",
        page.body
    );
    assert!(page.body.contains("3 waiting to be sent"), "{}", page.body);
    for n in 1..=3 {
        assert!(
            page.body
                .contains(&format!("Your daily digest: {n} changes"))
        );
        assert!(
            !page.body.contains(&format!("resident{n}@")) && !page.body.contains("secret-token"),
            "no address or token on the page"
        );
    }
    let home = get_as(&site, "/workspace", &cookie).await;
    assert!(home.body.contains("href=\"/workspace/following\""));
}
