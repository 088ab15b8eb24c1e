//! The public pages: home and errors, meetings as UK minutes, exempt items, issues, committees,
//! and the snapshots of a demo meeting and issue.

use super::*;

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
