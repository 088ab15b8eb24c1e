//! Forms shown again with their errors, stale edits, and the clerk's forms for committees,
//! members, the forward plan, decisions, items and corrections.

use super::*;

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
