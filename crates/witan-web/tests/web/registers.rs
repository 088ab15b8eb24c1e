//! The registers: decisions, the action tracker, people and the forward plan.

use super::*;

#[tokio::test]
async fn the_decisions_register_filters_and_pages() {
    let site = site().await;
    let (status, page) = get(&site, "/decisions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<caption>Decisions, newest first</caption>"));
    assert!(
        page.contains("<label for=\"from\">"),
        "filters are labelled"
    );
    let all = site
        .store
        .decisions(
            &witan_store::DecisionFilter::default(),
            Page::first(500),
            Audience::Public,
        )
        .await
        .expect("decisions");
    assert!(all.len() > 50, "enough decisions to page");
    assert!(
        page.contains(all[0].decision.title.as_str()),
        "the newest decision is on page 1"
    );
    assert!(page.contains("rel=\"next\""));
    let (status, second) = get(&site, "/decisions?page=2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        second.contains(all[50].decision.title.as_str()),
        "the 51st decision opens page 2"
    );
    assert!(second.contains("rel=\"prev\""));

    let (_, key) = get(&site, "/decisions?key=on").await;
    let key_rows = key
        .matches("<strong class=\"tag\">Key decision</strong>")
        .count();
    assert!(
        key_rows > 0 && key_rows == key.matches("<tr>").count() - 1,
        "only key decisions"
    );

    let committee = all[0].committee.as_ref().expect("a committee decision");
    let (status, filtered) = get(
        &site,
        &format!(
            "/decisions?committee={}&from=2000-01-01&to=&status=",
            committee.slug
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(filtered.contains(&format!("<option value=\"{}\" selected>", committee.slug)));

    for (query, parameter) in [
        ("from=14/04/2016", "from"),
        ("to=tomorrow", "to"),
        ("status=maybe", "status"),
        ("committee=no-such-committee", "committee"),
        ("page=0", "page"),
        ("page=abc", "page"),
    ] {
        let (status, body) = get(&site, &format!("/decisions?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(
            body.contains(&format!("Check the address: {parameter} ")),
            "{query}: {body}"
        );
    }
}

#[tokio::test]
async fn the_action_tracker_filters_by_owner_rag_and_overdue() {
    let site = site().await;
    let (status, page) = get(&site, "/actions").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<caption>Actions, newest first</caption>"));
    let (_, red) = get(&site, "/actions?rag=red").await;
    let rows = red.matches("<tr>").count() - 1;
    assert!(rows > 0);
    assert_eq!(
        red.matches("class=\"rag rag-red\"").count(),
        rows,
        "only red actions"
    );
    let (_, overdue) = get(&site, "/actions?overdue=on").await;
    assert!(
        !overdue.contains("<td>Done</td>"),
        "overdue actions are open"
    );
    let owned = site
        .store
        .actions(
            &witan_store::ActionFilter::default(),
            Page::first(100),
            Audience::Public,
        )
        .await
        .expect("actions")
        .into_iter()
        .find_map(|a| match a.action.owner {
            Some(witan_domain::ActionOwner::Person(p)) => Some(p),
            _ => None,
        })
        .expect("an action owned by a person");
    let (status, mine) = get(&site, &format!("/actions?owner={owned}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(mine.contains("Actions owned by"));
    for query in ["owner=abc", "owner=999999", "rag=purple", "status=finished"] {
        let (status, _) = get(&site, &format!("/actions?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
}

#[tokio::test]
async fn a_person_page_shows_memberships_actions_and_meetings() {
    let site = site().await;
    let committees = site.store.committees().await.expect("committees");
    let members = site
        .store
        .memberships(committees[0].id)
        .await
        .expect("members");
    let chair = members
        .iter()
        .find(|m| m.membership.role == witan_domain::MembershipRole::Chair)
        .expect("a chair");
    let (status, page) = get(&site, &format!("/people/{}", chair.membership.person)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains(&format!("<h1>{}</h1>", chair.person_name)));
    assert!(page.contains(&format!("href=\"/committees/{}\"", committees[0].slug)));
    assert!(page.contains("Chair, since"));
    assert!(page.contains("<h2>Recent meetings</h2>"));
    // Every meeting the chair attended, a page at a time, latest first, nothing repeated.
    let person = chair.membership.person;
    let expected: Vec<i64> = site
        .store
        .attendance(person, Page::first(500))
        .await
        .expect("attendance")
        .iter()
        .map(|(m, _)| m.meeting.id.get())
        .collect();
    assert!(expected.len() > 20, "enough to page: {}", expected.len());
    let all = format!("/people/{person}/meetings");
    assert!(page.contains(&format!("href=\"{all}\"")));
    let mut seen = Vec::new();
    let mut number = 1;
    loop {
        let (status, listing) = get(&site, &format!("{all}?page={number}")).await;
        assert_eq!(status, StatusCode::OK);
        seen.extend(
            listing
                .split("<li><a href=\"/meetings/")
                .skip(1)
                .filter_map(|s| s.split('"').next()?.parse::<i64>().ok()),
        );
        if !listing.contains("rel=\"next\"") {
            break;
        }
        number += 1;
    }
    assert_eq!(seen, expected);
    let (status, _) = get(&site, "/people/99999999/meetings").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = get(&site, "/people/99999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_forward_plan_lists_key_decisions_to_come() {
    let site = site().await;
    let today = witan_domain::time::london_date(chrono::Utc::now());
    let coming = site
        .store
        .forward_plan(None, today, Page::first(50))
        .await
        .expect("plan");
    let (status, page) = get(&site, "/forward-plan").await;
    assert_eq!(status, StatusCode::OK);
    if coming.is_empty() {
        assert!(page.contains("No key decisions are planned."));
    } else {
        assert!(page.contains(&witan_domain::time::uk_date(coming[0].entry.expected_on)));
        assert!(page.contains(coming[0].entry.title.as_str()));
    }
    let (status, _) = get(&site, "/forward-plan?committee=nope").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}
