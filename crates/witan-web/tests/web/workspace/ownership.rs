//! Untouched edit forms keep names, and a clerk edits only their own organisation's records.

use super::*;

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
