//! Accounts, organisations, people, memberships and attendance edited through the workspace.

use super::*;

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
