//! The site through its router: real HTTP requests against a demo store on SQLite.

#[path = "web/api.rs"]
mod api;
#[path = "web/edge.rs"]
mod edge;
#[path = "web/leak.rs"]
mod leak;
#[path = "web/leak_random.rs"]
mod leak_random;
#[path = "web/oparl.rs"]
mod oparl;
#[path = "web/sign_in.rs"]
mod sign_in;
#[path = "web/workspace.rs"]
mod workspace;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::sync::Arc;
use tower::ServiceExt;
use witan_domain::{Audience, Id, IssueId};
use witan_store::sqlite::SqliteStore;
use witan_store::{ItemEntry, Page, Store, When};

struct Site {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    /// The state the router was made with, for routers configured otherwise over the same store,
    /// index and page cache.
    state: witan_web::AppState,
    router: axum::Router,
}

impl Site {
    /// A router over the same store, index and page cache, with its state changed by `change`.
    fn router_with(
        &self,
        change: impl FnOnce(witan_web::AppState) -> witan_web::AppState,
    ) -> axum::Router {
        witan_web::router(change(self.state.clone()))
    }
}

async fn site() -> Site {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("witan.db"))
            .await
            .expect("store"),
    );
    witan_demo::generate(
        store.as_ref(),
        witan_demo::Options {
            items: 3_000,
            seed: 7,
        },
        &mut |_| {},
    )
    .await
    .expect("demo");
    let (search, _) =
        witan_search::SearchIndex::open(&dir.path().join("search")).expect("search index");
    witan_search::Indexer::new(&search, store.clone(), "test".into())
        .expect("indexer")
        .rebuild(&mut |_| {})
        .await
        .expect("index built");
    let state = witan_web::AppState::new(store.clone(), search).with_files(
        dir.path().join("files"),
        witan_import::extract::Extractor::InProcess,
    );
    let router = witan_web::router(state.clone());
    Site {
        _dir: dir,
        store,
        state,
        router,
    }
}

async fn get(site: &Site, path: &str) -> (StatusCode, String) {
    let response = site
        .router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 10 << 20)
        .await
        .expect("body");
    (status, String::from_utf8(bytes.to_vec()).expect("utf-8"))
}

fn far_future() -> chrono::DateTime<chrono::Utc> {
    "2100-01-01T00:00:00Z".parse().expect("date")
}

#[tokio::test]
async fn pages_answer_and_unknown_paths_are_404_pages() {
    let site = site().await;
    let (status, body) = get(&site, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok\n"));
    let (status, home) = get(&site, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("href=\"/meetings/"), "home lists meetings");
    assert!(
        home.contains("href=\"/committees\""),
        "home links the committees"
    );
    assert!(home.contains("<h2 id=\"decisions\">Recent decisions</h2>"));
    // The latest agenda to go out leads the recently published list, with its date.
    let published = site
        .store
        .meetings(
            None,
            When::AgendaPublishedBy(chrono::Utc::now()),
            Page::first(1),
        )
        .await
        .expect("published agendas");
    let latest = published.first().expect("the demo has published agendas");
    let on = witan_domain::time::uk_date(witan_domain::time::london_date(
        latest.meeting.agenda_published.expect("a publication time"),
    ));
    let section = home
        .split("<h2 id=\"published\">Recently published agendas</h2>")
        .nth(1)
        .expect("a recently published agendas section");
    let first = section.split("</li>").next().expect("an entry");
    assert!(
        first.contains(&format!("href=\"/meetings/{}\"", latest.meeting.id))
            && first.contains(&format!("agenda published {on}")),
        "{first}"
    );
    for path in [
        "/meetings/999999999",
        "/meetings/abc",
        "/meetings/-1",
        "/issues/0",
        "/committees/nope",
        "/nowhere",
    ] {
        let (status, body) = get(&site, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(body.contains("<h1>Page not found</h1>"), "{path}: {body}");
        assert!(
            body.contains("<form role=\"search\" action=\"/search\"")
                && body.contains("<label for=\"not-found-search\">"),
            "{path}: a missing page offers a search"
        );
    }
    let (status, css) = get(&site, "/static/witan.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains("@media print"));
}

#[tokio::test]
async fn a_signed_off_meeting_reads_as_uk_minutes() {
    let site = site().await;
    let meetings = site
        .store
        .meetings(None, When::Before(far_future()), Page::first(200))
        .await
        .expect("meetings");
    let signed = meetings
        .iter()
        .find(|m| m.meeting.status == witan_domain::MeetingStatus::MinutesSignedOff)
        .expect("a signed-off meeting");
    let record = site
        .store
        .meeting_record(signed.meeting.id, Audience::Public)
        .await
        .expect("record");
    let (status, page) = get(&site, &format!("/meetings/{}", signed.meeting.id)).await;
    assert_eq!(status, StatusCode::OK);
    let when = witan_domain::time::uk_datetime(signed.meeting.times.start());
    assert!(
        page.contains(&format!(
            "<title>{}, {when} – witan</title>",
            signed.committee.name
        )),
        "title"
    );
    assert!(page.contains("Minutes signed off"));
    assert!(page.contains("Completed and signed off by"));
    assert!(page.contains(record.sign_offs[0].by.as_str()), "who signed");
    assert!(page.contains("<h2 id=\"attendance\">Attendance</h2>"));
    assert_eq!(page.matches("<h1>").count(), 1, "one h1");
    assert!(page.contains("href=\"#main\""), "skip link");
    // Each open item is on the page with its number and title.
    for entry in record.agenda.as_ref().expect("agenda") {
        if let ItemEntry::Open(item) = entry {
            let title = item
                .item
                .title
                .as_str()
                .replace('\'', "&#39;")
                .replace('&', "&amp;");
            assert!(
                page.contains(&format!("id=\"item-{}\"", item.item.number)),
                "item {}",
                item.item.number
            );
            assert!(
                page.contains(&title) || page.contains(item.item.title.as_str()),
                "title {title}"
            );
        }
    }
}

#[tokio::test]
async fn exempt_items_show_only_their_ground() {
    let site = site().await;
    let meetings = site
        .store
        .meetings(None, When::Before(far_future()), Page::first(500))
        .await
        .expect("meetings");
    let mut checked = 0;
    for summary in &meetings {
        let full = site
            .store
            .meeting_record(summary.meeting.id, Audience::Privileged)
            .await
            .expect("record");
        let Some(agenda) = &full.agenda else { continue };
        for entry in agenda {
            let ItemEntry::Open(item) = entry else {
                continue;
            };
            let Some(exemption) = item.item.visibility.exemption() else {
                continue;
            };
            let (status, page) = get(&site, &format!("/meetings/{}", summary.meeting.id)).await;
            assert_eq!(status, StatusCode::OK);
            assert!(
                !page.contains(item.item.title.as_str()),
                "exempt title leaked: {}",
                item.item.title
            );
            for document in &item.documents {
                assert!(
                    !page.contains(document.name.as_str()),
                    "exempt document leaked"
                );
            }
            if let Some((_, minutes)) = &item.minutes {
                let first = minutes.text.paragraphs().next().unwrap_or_default();
                assert!(
                    first.is_empty() || !page.contains(first),
                    "exempt minutes leaked"
                );
            }
            assert!(
                page.contains(&exemption.ground.public_label()),
                "ground shown"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "the demo has exempt items to check");
}

#[tokio::test]
async fn an_issue_page_lists_its_history_newest_first() {
    let site = site().await;
    let mut found = None;
    for n in 1..500 {
        let id: IssueId = Id::new(n);
        match site.store.issue_record(id, Audience::Public).await {
            Ok(record) if record.history.len() >= 2 => {
                found = Some(record);
                break;
            }
            Ok(_) => continue,
            Err(_) => break,
        }
    }
    let record = found.expect("an issue considered by two committees");
    let (status, page) = get(&site, &format!("/issues/{}", record.issue.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<h2>Issue history</h2>"));
    let mut last_position = 0;
    for entry in &record.history {
        let heading = format!(
            "Meeting: {} - {} (Item {})",
            witan_domain::time::london_date(entry.meeting.times.start()).format("%d/%m/%Y"),
            entry.committee.name,
            entry.item.number()
        );
        let position = page
            .find(&heading)
            .unwrap_or_else(|| panic!("{heading} missing"));
        assert!(
            position > last_position,
            "history out of order at {heading}"
        );
        last_position = position;
    }
    let first = &record.history[0];
    assert!(
        first.meeting.times.start() >= record.history[1].meeting.times.start(),
        "newest first"
    );
}

#[tokio::test]
async fn committee_pages_show_members_and_meetings() {
    let site = site().await;
    let committees = site.store.committees().await.expect("committees");
    let child = committees
        .iter()
        .find(|c| c.parent.is_some())
        .expect("a committee with a parent");
    let (status, page) = get(&site, &format!("/committees/{}", child.slug)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Reports to <a href=\"/committees/"));
    assert!(page.contains("(Chair)"));
    assert!(page.contains("Past meetings"));
    assert!(
        page.contains("<h2>Open actions</h2>") && page.contains("<h2>Escalations received</h2>")
    );
    assert!(page.contains(&format!("href=\"/committees/{}/calendar.ics\"", child.slug)));
    // Every past meeting is reachable a page at a time, latest first, with nothing repeated.
    // (The committee that has met most often has more than one page.)
    let mut busiest = (Vec::new(), String::new());
    for c in site.store.committees().await.expect("committees") {
        let past = site
            .store
            .meetings(
                Some(c.id),
                When::Before(chrono::Utc::now()),
                Page::first(500),
            )
            .await
            .expect("meetings");
        if past.len() > busiest.0.len() {
            busiest = (past, c.slug.to_string());
        }
    }
    let (expected, slug) = busiest;
    assert!(
        expected.len() > 20,
        "enough meetings to page: {}",
        expected.len()
    );
    let all_past = format!("/committees/{slug}/meetings");
    let (_, page) = get(&site, &format!("/committees/{slug}")).await;
    assert!(page.contains(&format!("href=\"{all_past}\"")));
    let mut seen = Vec::new();
    let mut next = Some(all_past.clone());
    while let Some(path) = next {
        let (status, listing) = get(&site, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        seen.extend(
            listing
                .split("<li><a href=\"/meetings/")
                .skip(1)
                .filter_map(|s| s.split('"').next()?.parse::<i64>().ok()),
        );
        next = listing
            .split("rel=\"next\"")
            .next()
            .filter(|_| listing.contains("rel=\"next\""))
            .and_then(|head| head.rsplit("href=\"").next())
            .and_then(|s| s.split('"').next())
            .map(|s| s.replace("&amp;", "&"));
    }
    let expected: Vec<i64> = expected.iter().map(|m| m.meeting.id.get()).collect();
    assert_eq!(seen, expected);
    let (status, _) = get(&site, &format!("{all_past}?page=999")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = get(&site, &format!("{all_past}?page=x")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("page"), "{body}");
    // A board that receives escalations lists them, linking the meeting they came from.
    let committees = site.store.committees().await.expect("committees");
    let mut shown = false;
    for c in &committees {
        let received = site
            .store
            .escalations(
                c.id,
                witan_store::Direction::Received,
                Audience::Public,
                Page::first(5),
            )
            .await
            .expect("escalations");
        if let Some(first) = received.first() {
            let (_, page) = get(&site, &format!("/committees/{}", c.slug)).await;
            assert!(page.contains(&format!("From {}", first.from_committee.name)));
            assert!(page.contains(&format!("href=\"/meetings/{}\"", first.from_meeting)));
            // Every escalation is reachable on its own paged list.
            let all = format!("/committees/{}/escalations/received", c.slug);
            let (status, list) = get(&site, &all).await;
            assert_eq!(status, StatusCode::OK);
            assert!(list.contains(&format!("From {}", first.from_committee.name)));
            let every = site
                .store
                .escalations(
                    c.id,
                    witan_store::Direction::Received,
                    Audience::Public,
                    Page::first(500),
                )
                .await
                .expect("escalations");
            let listed = list.matches("sent from this meeting").count();
            assert_eq!(listed, every.len().min(20), "{list}");
            let (status, _) = get(
                &site,
                &format!("/committees/{}/escalations/sideways", c.slug),
            )
            .await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            let (status, _) = get(&site, &format!("{all}?page=x")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST);
            shown = true;
            break;
        }
    }
    assert!(shown, "the demo has escalations to show");
}

#[tokio::test]
async fn committees_are_grouped_by_organisation_with_joint_boards_apart() {
    let site = site().await;
    let (status, page) = get(&site, "/committees").await;
    assert_eq!(status, StatusCode::OK);
    let organisations = site.store.organisations().await.expect("organisations");
    for o in &organisations {
        assert!(
            page.contains(&format!(
                "<h2>{}</h2>",
                o.name.as_str().replace('&', "&amp;")
            )),
            "{}",
            o.name
        );
    }
    let joint = page
        .find("<h2>Joint committees and partnership boards</h2>")
        .expect("joint group");
    let board = site
        .store
        .committees()
        .await
        .expect("committees")
        .into_iter()
        .find(|c| c.owners.is_joint())
        .expect("joint");
    let at = page
        .find(&format!("href=\"/committees/{}\"", board.slug))
        .expect("joint board listed");
    assert!(at > joint, "joint boards are listed in their own group");
    assert!(page[at..].contains("joint board of"));
}

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

/// Replaces the numbers of record links with `[id]`, so a snapshot survives renumbering.
fn redact_ids(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    'scan: while !rest.is_empty() {
        for prefix in ["/meetings/", "/issues/", "/people/"] {
            if let Some(after) = rest.strip_prefix(prefix) {
                let digits = after.chars().take_while(char::is_ascii_digit).count();
                if digits > 0 {
                    out.push_str(prefix);
                    out.push_str("[id]");
                    rest = &after[digits..];
                    continue 'scan;
                }
            }
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[tokio::test]
async fn rendered_pages_match_their_snapshots() {
    let site = site().await;
    // The demo is deterministic, so the first signed-off meeting with a decision, the first
    // issue heard twice and that meeting's chair are the same records on every run.
    let meetings = site
        .store
        .meetings(
            None,
            When::From("1900-01-01T00:00:00Z".parse().expect("date")),
            Page::first(500),
        )
        .await
        .expect("meetings");
    let mut chosen = None;
    for m in meetings
        .iter()
        .filter(|m| m.meeting.status == witan_domain::MeetingStatus::MinutesSignedOff)
    {
        let record = site
            .store
            .meeting_record(m.meeting.id, Audience::Public)
            .await
            .expect("record");
        let has_decision = record
            .agenda
            .iter()
            .flatten()
            .any(|e| matches!(e, ItemEntry::Open(i) if !i.decisions.is_empty()));
        if has_decision {
            chosen = Some(record);
            break;
        }
    }
    let meeting = chosen.expect("a signed-off meeting with a decision");
    let (_, page) = get(&site, &format!("/meetings/{}", meeting.meeting.id)).await;
    insta::assert_snapshot!("meeting_page", redact_ids(&page));

    let mut issue = None;
    for n in 1..500 {
        if let Ok(record) = site.store.issue_record(Id::new(n), Audience::Public).await
            && record.history.len() >= 2
        {
            issue = Some(record);
            break;
        }
    }
    let issue = issue.expect("an issue heard twice");
    let (_, page) = get(&site, &format!("/issues/{}", issue.issue.id)).await;
    insta::assert_snapshot!("issue_page", redact_ids(&page));
}

#[tokio::test]
async fn search_finds_public_records_and_never_exempt_ones() {
    let site = site().await;
    let (status, empty) = get(&site, "/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("<label for=\"q\">") && !empty.contains("results</h2>"));

    // Every item as the index sees it, public or not.
    let mut items = Vec::new();
    let mut after = 0;
    loop {
        let batch = site
            .store
            .search_documents(
                witan_store::SearchKind::Item,
                witan_store::SearchSelection::After {
                    id: after,
                    limit: 1000,
                },
            )
            .await
            .expect("items");
        let Some(last) = batch.last() else { break };
        after = last.id;
        items.extend(batch);
    }
    let public: std::collections::HashMap<i64, bool> =
        items.iter().map(|d| (d.id, d.public)).collect();
    let exempt = items
        .iter()
        .find(|d| !d.public && !d.body.is_empty())
        .expect("the demo has withheld items with minutes");
    let shown = items
        .iter()
        .find(|d| d.public && d.title.split_whitespace().count() >= 3)
        .expect("a public item");

    // A public item is found by its title, linked to its place on the meeting page.
    let q = encode(&format!("\"{}\"", shown.title));
    let day = shown.date.expect("a date").format("%Y-%m-%d");
    let committee = &shown.committee.as_ref().expect("a committee").slug;
    let (status, page) = get(
        &site,
        &format!("/search?q={q}&kind=item&committee={committee}&from={day}&to={day}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let link = format!(
        "/meetings/{}#item-{}",
        shown.meeting.expect("a meeting"),
        shown.item_number.as_deref().expect("a number")
    );
    assert!(
        page.contains(&format!("href=\"{link}\"")),
        "{link} in {page}"
    );
    assert!(page.contains("<mark>"), "matched words are highlighted");

    // Withheld words, asked every way, find nothing withheld.
    for words in [
        exempt.title.clone(),
        exempt
            .body
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" "),
    ] {
        let (status, json) = get(&site, &format!("/api/v1/search?q={}", encode(&words))).await;
        assert_eq!(status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&json).expect("json");
        for hit in json["results"].as_array().expect("results") {
            if hit["kind"] == "item" {
                let id = hit["id"].as_i64().expect("id");
                assert!(public[&id], "withheld item {id} found by {words:?}");
            }
            assert!(
                !hit["url"].as_str().unwrap_or_default().is_empty(),
                "every result links somewhere"
            );
        }
    }

    // Completion offers titles for the start of a word.
    let start: String = shown
        .title
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .take(4)
        .collect();
    let (status, json) = get(
        &site,
        &format!("/api/v1/search/suggest?q={}", encode(&start)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        !json["suggestions"]
            .as_array()
            .expect("suggestions")
            .is_empty(),
        "{json}"
    );
}

#[tokio::test]
async fn search_answers_any_question_and_names_bad_filters() {
    let site = site().await;
    for q in [
        "%22unbalanced",
        "AND%20OR%20NOT",
        "%00%1B",
        "%E7%97%85%E5%BA%8A",
        "title%3Abeds%5E9",
    ] {
        let (status, page) = get(&site, &format!("/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert!(
            page.contains("results</h2>") || page.contains("result</h2>"),
            "{q}"
        );
    }
    let long = "council%20".repeat(2_000);
    let (status, page) = get(&site, &format!("/search?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Only the first"),
        "the reader is told the question was cut"
    );
    for (query, parameter) in [
        ("q=x&from=yesterday", "from"),
        ("q=x&sort=best", "sort"),
        ("q=x&committee=nope", "committee"),
        ("q=x&organisation=nope", "organisation"),
        ("q=x&kind=minutes", "kind"),
        ("q=x&page=0", "page"),
        ("q=x&page=51", "page"),
    ] {
        let (status, page) = get(&site, &format!("/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.contains(parameter), "{query}: {page}");
        let (status, json) = get(&site, &format!("/api/v1/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let json: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(json["error"]["code"], "bad_parameter");
        assert_eq!(json["error"]["parameter"], parameter);
    }
    // Filters alone list records, newest first; the facets add up to the total.
    let (status, json) = get(&site, "/api/v1/search?kind=decision&key=on").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let total = json["total"].as_u64().expect("total");
    assert!(total > 0);
    let by_kind: u64 = json["facets"]["kind"]
        .as_array()
        .expect("facets")
        .iter()
        .map(|f| f["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(by_kind, total);
    let dates: Vec<&str> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|h| h["date"].as_str())
        .collect();
    assert!(dates.windows(2).all(|d| d[0] >= d[1]), "{dates:?}");
}

/// Percent-encodes a query value.
fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
