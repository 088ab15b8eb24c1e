//! Calendars, feeds, ETags and the page cache.

use super::*;
use witan_store::sqlite::SqliteStore;

#[tokio::test]
async fn calendars_parse_as_icalendar_with_every_required_field() {
    let site = site().await;
    let committee = site.store.committees().await.expect("committees").remove(0);
    for path in [
        "/calendar.ics".to_owned(),
        format!("/committees/{}/calendar.ics", committee.slug),
    ] {
        let response = site
            .router
            .clone()
            .oneshot(
                Request::get(&path)
                    .header("host", "council.example")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("response");
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/calendar; charset=utf-8"
        );
        let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
            .await
            .expect("body");
        let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
        assert!(
            text.lines().all(|l| l.len() <= 76),
            "lines are folded at 75 octets"
        );
        assert!(
            !text.replace("\r\n", "").contains('\n'),
            "every line ends in CRLF"
        );
        let unfolded = icalendar::parser::unfold(&text);
        let calendar =
            icalendar::parser::read_calendar(&unfolded).expect("an independent parser reads it");
        let has = |props: &[icalendar::parser::Property], name: &str| {
            props.iter().any(|p| p.name == name)
        };
        assert!(
            has(&calendar.properties, "VERSION") && has(&calendar.properties, "PRODID"),
            "{path}"
        );
        let events: Vec<_> = calendar
            .components
            .iter()
            .filter(|c| c.name == "VEVENT")
            .collect();
        assert!(!events.is_empty(), "{path} has events");
        let mut uids = std::collections::HashSet::new();
        for event in &events {
            for required in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL"] {
                assert!(
                    event.find_prop(required).is_some(),
                    "{path}: event without {required}"
                );
            }
            let uid = event.find_prop("UID").expect("uid").val.as_str().to_owned();
            assert!(uid.ends_with("@council.example"));
            assert!(uids.insert(uid), "UIDs are unique");
            let url = event.find_prop("URL").expect("url").val.as_str().to_owned();
            assert!(url.starts_with("http://council.example/meetings/"));
        }
    }
    let (status, _) = get(&site, "/committees/no-such-committee/calendar.ics").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_decisions_feed_is_valid_atom_without_exempt_decisions() {
    let site = site().await;
    let (status, body) = get(&site, "/feeds/decisions.atom").await;
    assert_eq!(status, StatusCode::OK);
    let feed: atom_syndication::Feed = body.parse().expect("an independent parser reads it");
    assert!(!feed.id().is_empty() && !feed.title().is_empty());
    assert!(feed.links().iter().any(|l| l.rel() == "self"));
    assert!(!feed.entries().is_empty());
    let public = site
        .store
        .decisions(
            &witan_store::DecisionFilter::default(),
            Page::first(50),
            Audience::Public,
        )
        .await
        .expect("decisions");
    for (entry, decision) in feed.entries().iter().zip(&public) {
        assert_eq!(entry.title().as_str(), decision.decision.title.as_str());
        assert!(!entry.id().is_empty() && !entry.links().is_empty());
    }
    // Decisions on exempt items are not in the feed.
    let everything = site
        .store
        .decisions(
            &witan_store::DecisionFilter::default(),
            Page::first(500),
            Audience::Privileged,
        )
        .await
        .expect("decisions");
    let public_ids: Vec<_> = public.iter().map(|p| p.decision.id).collect();
    let newest_public = public.last().expect("public decisions").decision.decided_on;
    let withheld: Vec<_> = everything
        .iter()
        .filter(|d| !public_ids.contains(&d.decision.id) && d.decision.decided_on >= newest_public)
        .collect();
    assert!(
        !withheld.is_empty(),
        "the demo has exempt decisions among the latest"
    );
    for d in withheld.iter().take(20) {
        assert!(
            !body.contains(&format!("#decision-{}<", d.decision.id)),
            "withheld decision {} in the feed",
            d.decision.id
        );
    }
    let (_, home) = get(&site, "/").await;
    assert!(
        home.contains("type=\"application/atom+xml\"") && home.contains("type=\"text/calendar\""),
        "pages link their feeds"
    );
}

#[tokio::test]
async fn a_repeated_request_with_its_etag_gets_304() {
    let site = site().await;
    let response = site
        .router
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).expect("request"))
        .await
        .expect("response");
    assert_eq!(response.status(), StatusCode::OK);
    let tag = response.headers()["etag"].clone();
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("must-revalidate")
    );
    let again = site
        .router
        .clone()
        .oneshot(
            Request::get("/")
                .header("if-none-match", tag.clone())
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers()["etag"], tag);
    let bytes = axum::body::to_bytes(again.into_body(), 1 << 20)
        .await
        .expect("body");
    assert!(bytes.is_empty());
    let other = site
        .router
        .clone()
        .oneshot(
            Request::get("/")
                .header("if-none-match", "\"something-else\"")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert_eq!(other.status(), StatusCode::OK);
    // Answered from the page cache with the tag it was kept under: one tag, the same one.
    assert_eq!(other.headers()["x-witan-cache"], "hit");
    let tags: Vec<_> = other.headers().get_all("etag").iter().collect();
    assert_eq!(tags, vec![&tag]);
    assert_eq!(other.headers().get_all("cache-control").iter().count(), 1);
    // Errors are not tagged.
    let missing = site
        .router
        .clone()
        .oneshot(
            Request::get("/meetings/0")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    assert!(missing.headers().get("etag").is_none());
}

#[tokio::test]
async fn cached_pages_are_served_until_the_store_changes() {
    let site = site().await;
    let meetings = site
        .store
        .meetings(None, When::Before(far_future()), Page::first(500))
        .await
        .expect("meetings");
    let meeting = meetings
        .iter()
        .find(|m| m.meeting.status.agenda_is_public())
        .expect("a meeting with a published agenda");
    let path = format!("/meetings/{}", meeting.meeting.id);
    let fetch = |path: String| {
        let router = site.router.clone();
        async move {
            let response = router
                .oneshot(Request::get(&path).body(Body::empty()).expect("request"))
                .await
                .expect("response");
            let cache = response
                .headers()
                .get("x-witan-cache")
                .map(|v| v.to_str().unwrap_or_default().to_owned());
            let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
                .await
                .expect("body");
            (
                cache.unwrap_or_default(),
                String::from_utf8(bytes.to_vec()).expect("utf-8"),
            )
        }
    };
    let (first, before) = fetch(path.clone()).await;
    let (second, again) = fetch(path.clone()).await;
    assert_eq!((first.as_str(), second.as_str()), ("miss", "hit"));
    assert_eq!(before, again);

    // A change through this process shows at once.
    let mut w = site.store.begin().await.expect("begin");
    w.create_item(&witan_domain::AgendaItem {
        meeting: meeting.meeting.id,
        position: 99,
        number: witan_domain::ItemNumber::parse("number", "99").expect("number"),
        title: witan_domain::Title::parse("title", "Late item on bus shelters").expect("title"),
        issue: None,
        visibility: witan_domain::Visibility::Public,
    })
    .await
    .expect("item");
    w.commit().await.expect("commit");
    let (state, after) = fetch(path.clone()).await;
    assert_eq!(state, "miss");
    assert!(after.contains("Late item on bus shelters"));

    // A change through another handle on the same database (another process) shows once the
    // generation is read again, within a tenth of a second.
    let dir = site._dir.path().join("witan.db");
    let other = SqliteStore::open(&dir).await.expect("second handle");
    let mut w = other.begin().await.expect("begin");
    w.create_item(&witan_domain::AgendaItem {
        meeting: meeting.meeting.id,
        position: 100,
        number: witan_domain::ItemNumber::parse("number", "100").expect("number"),
        title: witan_domain::Title::parse("title", "Another late item").expect("title"),
        issue: None,
        visibility: witan_domain::Visibility::Public,
    })
    .await
    .expect("item");
    w.commit().await.expect("commit");
    tokio::time::sleep(std::time::Duration::from_millis(150)).await;
    let (_, latest) = fetch(path.clone()).await;
    assert!(latest.contains("Another late item"));
}

/// Parses an Atom answer with an independent parser and checks what every feed must hold.
fn atom(path: &str, status: StatusCode, body: &str) -> atom_syndication::Feed {
    assert_eq!(status, StatusCode::OK, "{path}");
    let feed: atom_syndication::Feed = body.parse().expect("an independent parser reads it");
    assert!(!feed.id().is_empty() && !feed.title().is_empty(), "{path}");
    let own = feed
        .links()
        .iter()
        .find(|l| l.rel() == "self")
        .expect("a self link");
    assert!(
        own.href().ends_with(path),
        "{path}: self link {}",
        own.href()
    );
    let updated: Vec<_> = feed.entries().iter().map(|e| *e.updated()).collect();
    assert!(
        updated.windows(2).all(|w| w[0] >= w[1]),
        "{path}: newest first"
    );
    assert_eq!(
        updated.first(),
        Some(feed.updated()),
        "{path}: updated with its newest entry"
    );
    feed
}

#[tokio::test]
async fn every_followable_committee_and_issue_has_an_atom_feed_of_what_the_public_may_see() {
    let site = site().await;
    let committee = site.store.committees().await.expect("committees").remove(0);
    let path = format!("/committees/{}/feed.atom", committee.slug);
    let (status, body) = get(&site, &path).await;
    let feed = atom(&path, status, &body);
    let decisions = site
        .store
        .decisions(
            &witan_store::DecisionFilter {
                committee: Some(committee.id),
                ..witan_store::DecisionFilter::default()
            },
            Page::first(50),
            Audience::Public,
        )
        .await
        .expect("decisions");
    let links: Vec<String> = feed
        .entries()
        .iter()
        .flat_map(|e| e.links().iter().map(|l| l.href().to_owned()))
        .collect();
    assert!(
        links.iter().any(|l| l.contains("/meetings/")),
        "{path} tells the committee's meetings"
    );
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    // Every decision newer than the feed's oldest entry is in it: only older ones are cut.
    let oldest = feed.entries().last().map(|e| e.updated().date_naive());
    for d in decisions
        .iter()
        .filter(|d| oldest.is_some_and(|n| d.decision.decided_on > n))
    {
        assert!(
            titles.contains(&d.decision.title.as_str()),
            "{path} holds decision {}",
            d.decision.id
        );
    }
    assert!(feed.entries().len() <= 50);
    let (_, page) = get(&site, &format!("/committees/{}", committee.slug)).await;
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "the committee page links its feed"
    );

    // An issue's feed holds each public meeting that considered it, and nothing withheld.
    let mut tried = 0;
    for id in 1..=200 {
        let id = witan_domain::IssueId::new(id);
        let Ok(everything) = site.store.issue_record(id, Audience::Privileged).await else {
            continue;
        };
        let path = format!("/issues/{}/feed.atom", id.get());
        let (status, body) = get(&site, &path).await;
        let public = site.store.issue_record(id, Audience::Public).await;
        let Ok(public) = public else {
            assert_eq!(status, StatusCode::NOT_FOUND, "{path} of a withheld issue");
            continue;
        };
        let feed = atom(&path, status, &body);
        let shown = public
            .history
            .iter()
            .filter(|h| matches!(h.item, witan_store::ItemEntry::Open(_)))
            .count();
        assert_eq!(feed.entries().len(), shown.min(50), "{path}");
        for h in &everything.history {
            let number = h.item.number();
            let told = body.contains(&format!("/meetings/{}#item-{number}<", h.meeting.id));
            let seen = public.history.iter().any(|p| {
                p.item.id() == h.item.id() && matches!(p.item, witan_store::ItemEntry::Open(_))
            });
            assert!(
                !told || seen,
                "{path} tells item {number} of meeting {}",
                h.meeting.id
            );
        }
        tried += 1;
        if tried == 12 {
            break;
        }
    }
    assert!(tried > 0, "the demo has issues");
    let (status, _) = get(&site, "/issues/999999/feed.atom").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
