//! Exempt content never reaches the public, through any page, feed, API or error: a demo store is
//! given exempt records (and an agenda not yet published) whose every text carries a marker word,
//! and the whole public site is crawled as a reader without a session. A marker in any answer, its
//! body or its headers, is a leak.

mod crawl;
mod plant;

use crate::kit::{Site, encode};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use crawl::*;
use plant::*;
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;
use tokio::task::JoinSet;
use tower::ServiceExt;
use witan_domain::{
    Action, ActionOwner, ActionStatus, ActionUpdate, AgendaItem, AttendanceKind, Audience, CallIn,
    CommitteeId, Decision, DecisionMaker, DecisionStatus, Document, ExemptGround, Exemption, Issue,
    IssueId, ItemId, ItemNumber, MediaType, Meeting, MeetingId, MeetingStatus, MeetingTimes,
    MembershipRole, Minutes, PersonId, Rag, Resolution, Term, Text, Visibility,
};
use witan_store::suite::kit::{shared_sqlite, text, title};
use witan_store::{ActionFilter, DecisionFilter, Direction, Page, Replacement, SearchKind, Store};

/// Requests the crawl may make at most; reaching it fails the test rather than cover less.
const MAX_REQUESTS: usize = 40_000;
/// Requests in flight at once.
const IN_FLIGHT: usize = 8;
/// Search result pages past this one are not followed from pager links (every filter and facet
/// link is): deeper pages list more public records under the same public-only query, and
/// following them to page 50 for every facet combination of common words would triple the crawl.
/// The last page (50) is requested directly for every word.
const SEARCH_PAGES_FOLLOWED: u32 = 10;

/// Where each marker was written, and whether the search index holds it (an escalation's reason
/// and superseded minutes are not indexed).
const MARKERS: &[(&str, &str, bool)] = &[
    ("zqleakmarker01", "exempt item title", true),
    (
        "zqleakmarker02",
        "exempt item minutes (current version)",
        true,
    ),
    ("zqleakmarker03", "exempt item resolution point", true),
    ("zqleakmarker04", "exempt item resolution text", true),
    ("zqleakmarker05", "decision title (exempt item)", true),
    ("zqleakmarker06", "decision text (exempt item)", true),
    ("zqleakmarker07", "action description (exempt item)", true),
    ("zqleakmarker08", "action update (exempt item)", true),
    ("zqleakmarker09", "escalation reason (exempt item)", false),
    ("zqleakmarker10", "exempt document name (exempt item)", true),
    ("zqleakmarker11", "exempt document text (exempt item)", true),
    ("zqleakmarker12", "exempt document name (public item)", true),
    ("zqleakmarker13", "exempt document text (public item)", true),
    ("zqleakmarker14", "item title (agenda not published)", true),
    (
        "zqleakmarker15",
        "document name (agenda not published)",
        true,
    ),
    (
        "zqleakmarker16",
        "document text (agenda not published)",
        true,
    ),
    ("zqleakmarker17", "exempt document name (issue)", true),
    ("zqleakmarker18", "exempt document text (issue)", true),
    (
        "zqleakmarker19",
        "exempt item minutes (superseded version)",
        false,
    ),
    ("zqleakmarker21", "decision (agenda not published)", true),
    ("zqleakmarker22", "action (agenda not published)", true),
    ("zqleakmarker23", "uploaded exempt file (exempt item)", true),
    ("zqleakmarker24", "uploaded public file (exempt item)", true),
    (
        "zqleakmarker25",
        "uploaded file (agenda not published)",
        true,
    ),
];

/// Words of a file uploaded to a public item: the public may download it.
const PUBLIC_FILE_TEXT: &str = "The public appendix on allotment rents zqpublicfile01.";

const EXEMPT_TITLE: &str =
    "Disposal of the Elmfield depot freehold zqleakmarker01 to a preferred bidder";
const MINUTES_V1: &str =
    "Members questioned the valuation zqleakmarker19 before the revised offer arrived.";
const MINUTES_V2: &str = "Members discussed the confidential valuation of the depot site zqleakmarker02 and the terms offered by the purchaser.";
const RESOLUTION_POINT: &str = "the freehold be sold to the preferred bidder zqleakmarker03 at the price set out in the exempt report";
const RESOLUTION_TEXT: &str =
    "The Chief Executive reported the purchaser's conditions zqleakmarker04 in detail.";
const DECISION_TITLE: &str = "Sale of the Elmfield depot zqleakmarker05";
const DECISION_TEXT: &str =
    "Resolved: That the depot be sold for the sum negotiated zqleakmarker06 with the purchaser.";
const ACTION: &str = "Instruct solicitors to complete the conveyance zqleakmarker07 by the spring";
const ACTION_UPDATE: &str =
    "Solicitors report the purchaser's lender zqleakmarker08 has approved the mortgage.";
const ESCALATION: &str =
    "The purchaser's proposed covenant zqleakmarker09 affects the pension fund's adjoining land.";
const DOC_NAME: &str = "Elmfield depot valuation zqleakmarker10 - exempt report";
const DOC_TEXT: &str = "The district valuer assessed the depot at a confidential figure zqleakmarker11 after inspection.";
const PUBLIC_ITEM_DOC_NAME: &str = "Contractor pricing schedule zqleakmarker12 - exempt appendix";
const PUBLIC_ITEM_DOC_TEXT: &str =
    "Unit rates tendered by each bidder zqleakmarker13 for carriageway resurfacing works.";
const UNPUBLISHED_TITLE: &str = "Proposed closure of the Northgate library zqleakmarker14";
const UNPUBLISHED_DOC_NAME: &str = "Northgate library consultation zqleakmarker15 - draft report";
const UNPUBLISHED_DOC_TEXT: &str =
    "Draft findings of the consultation zqleakmarker16 on library opening hours.";
const UNMARKED_DOC_NAME: &str = "Depot site plan zqleakmarker20 - appendix";
const UNMARKED_DOC_TEXT: &str = "Plan of the depot boundary and access road.";
const ISSUE_DOC_NAME: &str = "Legal advice on the depot title zqleakmarker17 - exempt";
const ISSUE_DOC_TEXT: &str =
    "Counsel advised that the restrictive covenant zqleakmarker18 can be released.";

/// Every text that carries a marker: its ordinary words are searched for.
const EXEMPT_TEXTS: &[&str] = &[
    EXEMPT_TITLE,
    MINUTES_V1,
    MINUTES_V2,
    RESOLUTION_POINT,
    RESOLUTION_TEXT,
    DECISION_TITLE,
    DECISION_TEXT,
    ACTION,
    ACTION_UPDATE,
    ESCALATION,
    DOC_NAME,
    DOC_TEXT,
    PUBLIC_ITEM_DOC_NAME,
    PUBLIC_ITEM_DOC_TEXT,
    UNPUBLISHED_TITLE,
    UNPUBLISHED_DOC_NAME,
    UNPUBLISHED_DOC_TEXT,
    ISSUE_DOC_NAME,
    ISSUE_DOC_TEXT,
    UNMARKED_DOC_NAME,
];

/// Titles: completing them word by word must offer nothing withheld.
const EXEMPT_TITLES: &[&str] = &[
    EXEMPT_TITLE,
    DECISION_TITLE,
    ACTION,
    DOC_NAME,
    PUBLIC_ITEM_DOC_NAME,
    UNPUBLISHED_TITLE,
    UNPUBLISHED_DOC_NAME,
    ISSUE_DOC_NAME,
    UNMARKED_DOC_NAME,
];

/// Words of the withheld texts searched with every combination of filters the search form offers.
const FOCUS_WORDS: &[&str] = &[
    "elmfield",
    "depot",
    "freehold",
    "valuation",
    "purchaser",
    "conveyance",
    "covenant",
    "solicitors",
    "northgate",
    "library",
    "resurfacing",
    "pricing",
];

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// The positive control: a privileged reader finds every marker in the store, and the index
/// holds every indexed one, so their absence from the public site means something. Returns the
/// markers a public query of the index finds.
async fn markers_are_stored_and_indexed(
    site: &Site,
    planted: &Planted,
    search: &Searcher,
) -> Vec<String> {
    let store = &site.store;
    let mut leaks = Vec::new();
    let mut seen = String::new();
    for id in [planted.meeting, planted.unpublished, planted.target_meeting] {
        let record = store
            .meeting_record(id, Audience::Privileged)
            .await
            .expect("meeting");
        seen += &json(&record);
    }
    seen += &json(
        &store
            .issue_record(planted.issue, Audience::Privileged)
            .await
            .expect("issue"),
    );
    seen += &json(
        &store
            .minutes_versions(planted.exempt_item, Audience::Privileged)
            .await
            .expect("minutes versions"),
    );
    seen += &json(
        &store
            .decisions(
                &DecisionFilter {
                    committee: Some(planted.committee),
                    ..DecisionFilter::default()
                },
                Page::first(500),
                Audience::Privileged,
            )
            .await
            .expect("decisions"),
    );
    seen += &json(
        &store
            .actions(
                &ActionFilter {
                    owner: Some(planted.owner),
                    ..ActionFilter::default()
                },
                Page::first(500),
                Audience::Privileged,
            )
            .await
            .expect("actions"),
    );
    seen += &json(
        &store
            .escalations(
                planted.committee,
                Direction::Sent,
                Audience::Privileged,
                Page::first(500),
            )
            .await
            .expect("escalations"),
    );
    let seen = seen.to_lowercase();
    for (marker, what, indexed) in MARKERS {
        assert!(
            seen.contains(marker),
            "positive control: {marker} ({what}) is not in the store as a privileged reader sees it"
        );
        let privileged = search.total(marker, Audience::Privileged);
        if *indexed {
            assert!(
                privileged > 0,
                "positive control: {marker} ({what}) is not in the search index"
            );
        }
        let public = search.total(marker, Audience::Public);
        if public > 0 {
            leaks.push(format!(
                "LEAK: {marker} ({what}) is found {public} time(s) by a public search of the index"
            ));
        }
    }
    // The escalation put the exempt item on the other committee's agenda, withheld as exempt.
    let target = store
        .meeting_record(planted.target_meeting, Audience::Privileged)
        .await
        .expect("target meeting");
    assert!(
        json(&target).contains("zqleakmarker01"),
        "the escalation reached the other committee's agenda"
    );
    leaks
}

/// Any record the store returns, as text, for the positive control.
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("json")
}

/// The index, asked directly.
struct Searcher(witan_search::SearchIndex);

impl Searcher {
    fn total(&self, words: &str, audience: Audience) -> usize {
        self.0
            .search(
                &witan_search::SearchRequest {
                    text: words.to_owned(),
                    ..witan_search::SearchRequest::default()
                },
                audience,
            )
            .expect("search")
            .total
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exempt_content_never_reaches_the_public() {
    let began = std::time::Instant::now();
    let (site, planted, searcher) = planted_site().await;
    let built = began.elapsed();
    let index_leaks = markers_are_stored_and_indexed(&site, &planted, &searcher).await;

    let mut crawl = Crawl::new(site.router.clone());
    crawl.failures.extend(index_leaks);
    for path in [
        "/",
        "/committees",
        "/decisions",
        "/actions",
        "/forward-plan",
        "/search",
        "/calendar.ics",
        "/feeds/decisions.atom",
        "/healthz",
        "/sitemap.xml",
        "/robots.txt",
        "/oparl/v1.1/system",
        "/oparl/v1.1/",
        "/oparl",
        "/api/v1/",
        "/api/v1",
        "/api/openapi.json",
        "/login",
        "/logout",
        "/workspace",
        "/workspace/exempt",
        "/export",
        "/static/witan.css",
        // Error pages.
        "/zq-no-such-page-3141",
        "/meetings/abc",
        "/meetings/0",
        "/meetings/-1",
        "/issues/0",
        "/people/0",
        "/committees/nope",
        "/committees/nope/escalations/sent",
        "/decisions?page=abc",
        "/decisions?page=0",
        "/decisions?status=maybe",
        "/decisions?from=yesterday",
        "/decisions?committee=nope",
        "/actions?rag=purple",
        "/actions?owner=abc",
        "/actions?owner=999999",
        "/actions?status=closed",
        "/forward-plan?page=-1",
        "/search?q=depot&page=0",
        "/search?q=depot&page=51",
        "/search?q=depot&from=yesterday",
        "/search?q=depot&kind=minutes",
        "/search?q=depot&sort=best",
        "/search?q=depot&organisation=nope",
        "/api/v1/search?q=depot&page=abc",
        "/api/v1/search?q=depot&kind=minutes",
        "/api/v1/search?q=depot&committee=nope",
        "/api/v1/search/suggest",
    ] {
        crawl.seed(path);
    }
    let m = planted.meeting.get();
    let committee = planted.committee_slug.as_str();
    let other = planted.other_slug.as_str();
    crawl.seed(format!("/meetings/{m}"));
    crawl.seed(format!("/meetings/{}", planted.unpublished));
    // Every document's download address, held files or not.
    for id in 1..=planted.last_document + 3 {
        crawl.seed(format!("/documents/{id}"));
    }
    // The control: the public file is served, so downloads are really being tried.
    let public_file = crawl
        .one(&format!("/documents/{}", planted.public_file))
        .await;
    assert_eq!(
        public_file.status,
        StatusCode::OK,
        "the public file is served"
    );
    assert!(public_file.body.contains("zqpublicfile01"));
    crawl.seed(format!("/meetings/{}", planted.target_meeting));
    crawl.seed(format!("/issues/{}", planted.issue));
    crawl.seed(format!("/people/{}", planted.owner));
    crawl.seed(format!("/people/{}/meetings", planted.owner));
    crawl.seed(format!("/actions?owner={}", planted.owner));
    for slug in [committee, other] {
        for tail in [
            "",
            "/meetings",
            "/calendar.ics",
            "/escalations/sent",
            "/escalations/received",
            "/escalations/awaiting",
        ] {
            crawl.seed(format!("/committees/{slug}{tail}"));
        }
    }
    // Every record page by number, and the numbers just past the last.
    let counts = site.store.counts().await.expect("counts");
    for id in 1..=counts.meetings + 3 {
        crawl.seed(format!("/meetings/{id}"));
    }
    for id in 1..=counts.issues + 3 {
        crawl.seed(format!("/issues/{id}"));
    }
    for id in 1..=counts.people + 3 {
        crawl.seed(format!("/people/{id}"));
    }
    // The registers with every filter their forms offer.
    let all_committees = site.store.committees().await.expect("committees");
    let decided = planted.decided_on.format("%Y-%m-%d").to_string();
    for status in ["", "made", "called_in", "implemented", "rescinded"] {
        for key in ["", "on"] {
            let mut query: Vec<String> = Vec::new();
            if key == "on" {
                query.push("key=on".into());
            }
            if !status.is_empty() {
                query.push(format!("status={status}"));
            }
            crawl.seed(format!("/decisions?{}", query.join("&")));
            crawl.seed(format!(
                "/decisions?committee={committee}&{}",
                query.join("&")
            ));
        }
    }
    crawl.seed(format!("/decisions?from={decided}&to={decided}"));
    crawl.seed(format!(
        "/decisions?committee={committee}&key=on&from={decided}&to={decided}"
    ));
    for c in &all_committees {
        crawl.seed(format!("/decisions?committee={}", c.slug));
        crawl.seed(format!("/actions?committee={}", c.slug));
        crawl.seed(format!("/forward-plan?committee={}", c.slug));
    }
    for rag in ["", "red", "amber", "green"] {
        for status in ["", "open", "done", "dropped"] {
            for overdue in ["", "on"] {
                let pairs = [("rag", rag), ("status", status), ("overdue", overdue)];
                let query: Vec<String> = pairs
                    .iter()
                    .filter(|(_, v)| !v.is_empty())
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                crawl.seed(format!("/actions?{}", query.join("&")));
                crawl.seed(format!(
                    "/actions?committee={committee}&owner={}&{}",
                    planted.owner,
                    query.join("&")
                ));
            }
        }
    }

    // Search for the ordinary words of every withheld text, on the page, in the API and in
    // completion; the words that matter with every filter combination.
    let organisations = site.store.organisations().await.expect("organisations");
    let kinds: Vec<&str> = std::iter::once("")
        .chain(SearchKind::ALL.iter().map(|k| k.as_str()))
        .collect();
    for word in ordinary_words() {
        for path in ["/search", "/api/v1/search"] {
            crawl.seed(search_url(path, &[("q", &word)]));
            crawl.seed(search_url(path, &[("q", &word), ("page", "2")]));
            crawl.seed(search_url(path, &[("q", &word), ("page", "50")]));
        }
        let prefix: String = word.chars().take(3).collect();
        crawl.seed(format!("/api/v1/search/suggest?q={}", encode(&prefix)));
        crawl.seed(format!("/api/v1/search/suggest?q={}", encode(&word)));
    }
    for word in FOCUS_WORDS {
        for path in ["/search", "/api/v1/search"] {
            for kind in &kinds {
                for key in ["", "on"] {
                    for sort in ["", "newest"] {
                        crawl.seed(search_url(
                            path,
                            &[("q", word), ("kind", kind), ("key", key), ("sort", sort)],
                        ));
                    }
                }
                crawl.seed(search_url(
                    path,
                    &[
                        ("q", word),
                        ("kind", kind),
                        ("from", &decided),
                        ("to", &decided),
                    ],
                ));
                for slug in [committee, other] {
                    crawl.seed(search_url(
                        path,
                        &[("q", word), ("kind", kind), ("committee", slug)],
                    ));
                }
            }
            for o in &organisations {
                crawl.seed(search_url(
                    path,
                    &[("q", word), ("organisation", o.slug.as_str())],
                ));
            }
        }
    }
    // Filters without words list records too.
    for path in ["/search", "/api/v1/search"] {
        for kind in &kinds {
            for key in ["", "on"] {
                crawl.seed(search_url(
                    path,
                    &[
                        ("kind", kind),
                        ("committee", committee),
                        ("from", &decided),
                        ("to", &decided),
                        ("key", key),
                    ],
                ));
            }
        }
    }
    for whole in EXEMPT_TEXTS {
        let words: Vec<&str> = whole
            .split_whitespace()
            .filter(|w| !w.contains("zqleak"))
            .collect();
        let phrase = format!("\"{}\"", words.join(" "));
        for path in ["/search", "/api/v1/search"] {
            crawl.seed(search_url(path, &[("q", &words.join(" "))]));
            crawl.seed(search_url(path, &[("q", &phrase)]));
        }
    }
    for whole in EXEMPT_TITLES {
        // Completion of a title as typed, word by word, up to the start of its marker.
        let mut typed = String::new();
        for w in whole.split_whitespace() {
            let w = if w.starts_with("zqleak") { "zqleak" } else { w };
            if !typed.is_empty() {
                typed.push(' ');
            }
            typed += w;
            crawl.seed(format!("/api/v1/search/suggest?q={}", encode(&typed)));
            if w == "zqleak" {
                break;
            }
        }
    }
    for prefix in [
        "zq",
        "zqleak",
        "zqleakmarker",
        "zqleakmarker0",
        "zqleakmarker1",
    ] {
        crawl.seed(format!("/api/v1/search/suggest?q={prefix}"));
        crawl.seed(format!("/search?q={prefix}"));
    }
    crawl.run().await;

    // The markers themselves: the page echoes the question, so there the answer must be that
    // nothing was found.
    for (marker, what, _) in MARKERS {
        for url in [
            format!("/search?q={marker}"),
            format!("/search?q={marker}&sort=newest"),
            format!("/search?q={marker}&key=on"),
            format!("/search?q={marker}&committee={committee}"),
        ] {
            let answer = crawl.one(&url).await;
            crawl.take(&answer, Some(marker));
            if answer.status != StatusCode::OK
                || !answer.body.contains("<h2 id=\"results\">0 results</h2>")
                || answer.body.contains("class=\"results\"")
            {
                crawl.failures.push(format!(
                    "LEAK: searching for {marker} ({what}) at {url} found something ({}): {}",
                    answer.status,
                    answer
                        .body
                        .split("<h2 id=\"results\">")
                        .nth(1)
                        .unwrap_or(&answer.body)
                        .chars()
                        .take(300)
                        .collect::<String>()
                ));
            }
        }
        for url in [
            format!("/api/v1/search?q={marker}"),
            format!("/api/v1/search?q={marker}&sort=newest"),
        ] {
            let answer = crawl.one(&url).await;
            crawl.take(&answer, Some(marker));
            let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json");
            let empty = |v: &serde_json::Value| v.as_array().is_some_and(Vec::is_empty);
            if answer.status != StatusCode::OK
                || json["total"] != 0
                || !empty(&json["results"])
                || !empty(&json["facets"]["kind"])
                || !empty(&json["facets"]["committee"])
            {
                crawl.failures.push(format!(
                    "LEAK: searching for {marker} ({what}) at {url} found something ({}): {json}",
                    answer.status
                ));
            }
        }
        let url = format!("/search/feed.atom?q={marker}");
        let answer = crawl.one(&url).await;
        crawl.take(&answer, Some(marker));
        if answer.status != StatusCode::OK || answer.body.contains("<entry>") {
            crawl.failures.push(format!(
                "LEAK: the feed of a search for {marker} ({what}) has entries ({}): {}",
                answer.status, answer.body
            ));
        }
        let url = format!("/api/v1/search/suggest?q={marker}");
        let answer = crawl.one(&url).await;
        crawl.take(&answer, None);
    }
    // The issue is on the unpublished agenda too: its search entry must not carry that meeting's
    // date or committee, or a date filter would reveal the unpublished agenda.
    let url = "/api/v1/search?q=disposals&kind=issue&from=2026-12-10&to=2026-12-10".to_owned();
    let answer = crawl.one(&url).await;
    crawl.take(&answer, None);
    let json: serde_json::Value = serde_json::from_str(&answer.body).expect("json");
    if json["total"] != 0 {
        crawl.failures.push(format!(
            "LEAK: the issue is dated by its item on the unpublished agenda at {url}: {json}"
        ));
    }
    // Whatever those pages link to is crawled as well.
    crawl.run().await;

    let crawled = crawl.fetched;
    eprintln!(
        "exempt leak crawl: {crawled} public requests ({} distinct URLs) in {:.1?} after {:.1?} to \
         build the store and index; statuses {:?}; {} search pages past page \
         {SEARCH_PAGES_FOLLOWED} linked to and not followed; {} leak(s)",
        crawl.seen.len(),
        began.elapsed() - built,
        built,
        crawl.statuses,
        crawl.not_followed.len(),
        crawl.failures.len()
    );
    assert!(
        crawled > 1_000,
        "the crawl reached only {crawled} URLs: links are not being followed"
    );
    let shown: Vec<&String> = crawl.failures.iter().take(60).collect();
    assert!(
        crawl.failures.is_empty(),
        "{} leak(s) of exempt or unpublished content to the public:\n{}",
        crawl.failures.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
}
