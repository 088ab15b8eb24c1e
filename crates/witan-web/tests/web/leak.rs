//! Exempt content never reaches the public, through any page, feed, API or error: a demo store is
//! given exempt records (and an agenda not yet published) whose every text carries a marker word,
//! and the whole public site is crawled as a reader without a session. A marker in any answer, its
//! body or its headers, is a leak.

use super::{Site, encode};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use std::collections::{BTreeMap, HashSet, VecDeque};
use std::sync::Arc;
use tokio::task::JoinSet;
use tower::ServiceExt;
use witan_domain::{
    Action, ActionOwner, ActionStatus, ActionUpdate, AgendaItem, AttendanceKind, Audience, CallIn,
    CommitteeId, Decision, DecisionMaker, DecisionStatus, Document, ExemptGround, Exemption, Issue,
    IssueId, ItemId, ItemNumber, MediaType, Meeting, MeetingId, MeetingStatus, MeetingTimes,
    MembershipRole, Minutes, PersonId, Rag, Resolution, Term, Text, Title, Visibility,
};
use witan_store::{ActionFilter, DecisionFilter, Direction, Page, Replacement, SearchKind, Store};

/// Requests the crawl may make at most; reaching it fails the test rather than cover less.
const MAX_REQUESTS: usize = 20_000;
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

fn title(s: &str) -> Title {
    Title::parse("title", s).expect("title")
}

fn text(s: &str) -> Text {
    Text::parse("text", s).expect("text")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("instant")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// What the test added, to find it again.
struct Planted {
    committee: CommitteeId,
    committee_slug: String,
    other_slug: String,
    meeting: MeetingId,
    unpublished: MeetingId,
    target_meeting: MeetingId,
    exempt_item: ItemId,
    issue: IssueId,
    owner: PersonId,
    decided_on: NaiveDate,
    /// Uploaded documents: the one the public may download, and the highest id.
    public_file: i64,
    last_document: i64,
}

/// The demo store, the planted records and the index built over both (a reader of it besides the
/// router's).
async fn planted_site() -> (Site, Planted, Searcher) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(
        witan_store::sqlite::SqliteStore::open(&dir.path().join("witan.db"))
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
    let mut planted = plant(store.as_ref()).await;
    let files = dir.path().join("files");
    upload_files(store.clone(), files.clone(), &mut planted).await;
    let (search, _) =
        witan_search::SearchIndex::open(&dir.path().join("search")).expect("search index");
    witan_search::Indexer::new(&search, store.clone(), "test".into())
        .expect("indexer")
        .rebuild(&mut |_| {})
        .await
        .expect("index built");
    let searcher = Searcher(search.clone());
    let state = witan_web::AppState::new(store.clone(), search)
        .with_files(files, witan_import::extract::Extractor::InProcess);
    let router = witan_web::router(state.clone());
    (
        Site {
            _dir: dir,
            store,
            state,
            router,
        },
        planted,
        searcher,
    )
}

/// Uploads files the way a clerk does (through the use case, so they are kept in the files
/// folder): an exempt one and a public one on the exempt item, one on the unpublished agenda's
/// item, and a public one on a public item.
async fn upload_files(store: Arc<dyn Store>, files: std::path::PathBuf, planted: &mut Planted) {
    let workspace = witan_app::Workspace::new(store.clone())
        .with_files(files, witan_import::extract::Extractor::InProcess);
    let open_item = |meeting: MeetingId| {
        let store = store.clone();
        async move {
            store
                .meeting_record(meeting, Audience::Privileged)
                .await
                .expect("record")
                .agenda
                .expect("agenda")
                .iter()
                .find_map(|e| match e {
                    witan_store::ItemEntry::Open(i) if !i.item.visibility.is_exempt() => {
                        Some(i.item.id)
                    }
                    _ => None,
                })
                .expect("a public item")
        }
    };
    let public_item = open_item(planted.meeting).await;
    let unpublished_item = open_item(planted.unpublished).await;
    let exempt = Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", 3).expect("ground"),
        review_on: None,
    });
    let mut ids = Vec::new();
    for (item, name, words, visibility) in [
        (
            planted.exempt_item,
            "valuation.txt",
            "The valuer's figures zqleakmarker23 in full.",
            exempt.clone(),
        ),
        (
            planted.exempt_item,
            "plan.txt",
            "The site plan zqleakmarker24 of the depot.",
            Visibility::Public,
        ),
        (
            unpublished_item,
            "road.txt",
            "The access road survey zqleakmarker25 draft.",
            Visibility::Public,
        ),
        (
            public_item,
            "rents.txt",
            PUBLIC_FILE_TEXT,
            Visibility::Public,
        ),
    ] {
        let id = workspace
            .attach_document(
                &witan_app::Actor::CommandLine,
                item,
                witan_app::documents::Upload {
                    file_name: name.to_owned(),
                    bytes: words.as_bytes().to_vec(),
                    title: None,
                    visibility,
                },
                Utc::now(),
            )
            .await
            .expect("upload");
        ids.push(id.id.get());
    }
    planted.public_file = ids[3];
    planted.last_document = ids.iter().copied().max().unwrap_or_default();
}

/// Adds, in one unit of work: a held meeting with a published agenda carrying an exempt item
/// (minutes in two versions, resolution, decision, action and update, escalation, an exempt report
/// and one not marked exempt) and a public item with an exempt appendix; an issue both items and an unpublished agenda's item
/// belong to, with an exempt document of its own; and a meeting whose agenda is not published.
async fn plant(store: &dyn Store) -> Planted {
    let today = day("2026-11-23");
    let committees = store.committees().await.expect("committees");
    // The first committee with a current member to own an action, and another to escalate to.
    let mut chosen = None;
    for c in &committees {
        let members = store.memberships(c.id).await.expect("memberships");
        if let Some(m) = members.iter().find(|m| {
            m.membership.is_current_on(today) && m.membership.role != MembershipRole::Officer
        }) {
            chosen = Some((c.clone(), m.membership.person));
            break;
        }
    }
    let (committee, owner) = chosen.expect("a committee with a current member");
    let other = committees
        .iter()
        .find(|c| c.id != committee.id)
        .expect("another committee");
    let ground = Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", 3).expect("ground"),
        review_on: Some(day("2027-11-16")),
    });
    let pdf = MediaType::parse("media_type", "application/pdf").expect("media type");
    let document = |item: Option<ItemId>,
                    issue: Option<IssueId>,
                    name: &str,
                    body: &str,
                    visibility: &Visibility| Document {
        item,
        issue,
        name: title(name),
        media_type: pdf.clone(),
        size_bytes: 120_000,
        sha256: None,
        text: text(body),
        visibility: visibility.clone(),
    };

    let mut w = store.begin().await.expect("begin");
    let issue = w
        .create_issue(&Issue {
            title: title("Depot and highways land disposals programme"),
            reference: Some(title("LEAK/2026/0001")),
            summary: text("Land and buildings the council no longer needs, and how they are sold."),
        })
        .await
        .expect("issue");
    let start = at("2026-11-16T10:00:00Z");
    let meeting = w
        .create_meeting(&Meeting {
            committee: committee.id,
            times: MeetingTimes::new(start, Some(start + Duration::hours(2))).expect("times"),
            location: Some(title("Committee Room 1, County Hall")),
            status: MeetingStatus::MinutesDraft,
            agenda_published: Some(start - Duration::days(7)),
        })
        .await
        .expect("meeting");
    w.record_attendance(meeting, owner, AttendanceKind::Present)
        .await
        .expect("attendance");
    let public_item = w
        .create_item(&AgendaItem {
            meeting,
            position: 1,
            number: ItemNumber::parse("number", "1").expect("number"),
            title: title("Highways resurfacing contract award"),
            issue: Some(issue),
            visibility: Visibility::Public,
        })
        .await
        .expect("public item");
    w.create_minutes(
        public_item,
        1,
        &Minutes {
            text: text("The committee considered the award of the resurfacing contract."),
            resolution: Resolution::new(
                vec![text("the contract be awarded as recommended")],
                Text::default(),
            ),
        },
    )
    .await
    .expect("public minutes");
    w.create_document(&document(
        Some(public_item),
        None,
        PUBLIC_ITEM_DOC_NAME,
        PUBLIC_ITEM_DOC_TEXT,
        &ground,
    ))
    .await
    .expect("exempt appendix");
    let exempt_item = w
        .create_item(&AgendaItem {
            meeting,
            position: 2,
            number: ItemNumber::parse("number", "2").expect("number"),
            title: title(EXEMPT_TITLE),
            issue: Some(issue),
            visibility: ground.clone(),
        })
        .await
        .expect("exempt item");
    w.create_minutes(
        exempt_item,
        1,
        &Minutes {
            text: text(MINUTES_V1),
            resolution: Resolution::default(),
        },
    )
    .await
    .expect("minutes v1");
    w.create_minutes(
        exempt_item,
        2,
        &Minutes {
            text: text(MINUTES_V2),
            resolution: Resolution::new(vec![text(RESOLUTION_POINT)], text(RESOLUTION_TEXT)),
        },
    )
    .await
    .expect("minutes v2");
    w.create_document(&document(
        Some(exempt_item),
        None,
        DOC_NAME,
        DOC_TEXT,
        &ground,
    ))
    .await
    .expect("exempt report");
    // A report its clerk forgot to mark exempt: on an exempt item it is withheld with the item.
    w.create_document(&document(
        Some(exempt_item),
        None,
        UNMARKED_DOC_NAME,
        UNMARKED_DOC_TEXT,
        &Visibility::Public,
    ))
    .await
    .expect("unmarked report");
    w.create_document(&document(
        None,
        Some(issue),
        ISSUE_DOC_NAME,
        ISSUE_DOC_TEXT,
        &ground,
    ))
    .await
    .expect("exempt issue document");
    let decided_on = day("2026-11-16");
    w.create_decision(&Decision {
        item: Some(exempt_item),
        maker: DecisionMaker::Committee(committee.id),
        decided_on,
        title: title(DECISION_TITLE),
        text: text(DECISION_TEXT),
        key_decision: true,
        call_in: CallIn::Subject {
            deadline: day("2026-11-23"),
        },
        status: DecisionStatus::Made,
    })
    .await
    .expect("decision");
    let action = w
        .create_action(&Action {
            meeting,
            item: Some(exempt_item),
            description: text(ACTION),
            owner: Some(ActionOwner::Person(owner)),
            due_on: Some(day("2027-02-01")),
            status: ActionStatus::Open,
            rag: Rag::Amber,
            closed_on: None,
        })
        .await
        .expect("action");
    w.create_action_update(
        action,
        &ActionUpdate {
            on: day("2026-11-20"),
            text: text(ACTION_UPDATE),
            rag: Some(Rag::Amber),
        },
    )
    .await
    .expect("action update");
    // The other committee's meeting whose clerk accepts the escalation onto its agenda, which is
    // then published.
    let target_start = at("2026-12-03T08:07:00Z");
    let mut target = Meeting {
        committee: other.id,
        times: MeetingTimes::new(target_start, None).expect("times"),
        location: None,
        status: MeetingStatus::Scheduled,
        agenda_published: None,
    };
    let target_meeting = w.create_meeting(&target).await.expect("target meeting");
    let escalation = w
        .send_escalation(exempt_item, other.id, &text(ESCALATION))
        .await
        .expect("escalation");
    w.accept_escalation(escalation, target_meeting)
        .await
        .expect("accepted");
    target.status = MeetingStatus::AgendaPublished;
    target.agenda_published = Some(target_start - Duration::days(5));
    w.replace(target_meeting.get(), Replacement::Meeting(&target))
        .await
        .expect("agenda published");
    // A later meeting of the same committee whose agenda is not yet published.
    let later = at("2026-12-10T10:00:00Z");
    let unpublished = w
        .create_meeting(&Meeting {
            committee: committee.id,
            times: MeetingTimes::new(later, None).expect("times"),
            location: Some(title("Committee Room 1, County Hall")),
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .expect("unpublished meeting");
    let unpublished_item = w
        .create_item(&AgendaItem {
            meeting: unpublished,
            position: 1,
            number: ItemNumber::parse("number", "1").expect("number"),
            title: title(UNPUBLISHED_TITLE),
            issue: Some(issue),
            visibility: Visibility::Public,
        })
        .await
        .expect("unpublished item");
    w.create_document(&document(
        Some(unpublished_item),
        None,
        UNPUBLISHED_DOC_NAME,
        UNPUBLISHED_DOC_TEXT,
        &Visibility::Public,
    ))
    .await
    .expect("unpublished report");
    // Records an importer may hold for a meeting whose agenda is not out yet: the registers must
    // not show them before it is.
    w.create_decision(&Decision {
        item: Some(unpublished_item),
        maker: DecisionMaker::Committee(committee.id),
        decided_on: day("2026-12-10"),
        title: title("Approval of the depot access road zqleakmarker21"),
        text: text("Recorded in advance of the meeting."),
        key_decision: false,
        call_in: CallIn::NotSubject,
        status: DecisionStatus::Made,
    })
    .await
    .expect("unpublished decision");
    w.create_action(&Action {
        meeting: unpublished,
        item: Some(unpublished_item),
        description: text("Survey the access road zqleakmarker22 before the sale."),
        owner: Some(ActionOwner::Person(owner)),
        due_on: Some(day("2027-03-01")),
        status: ActionStatus::Open,
        rag: Rag::Green,
        closed_on: None,
    })
    .await
    .expect("unpublished action");
    w.commit().await.expect("commit");
    Planted {
        committee: committee.id,
        committee_slug: committee.slug.to_string(),
        other_slug: other.slug.to_string(),
        meeting,
        unpublished,
        target_meeting,
        exempt_item,
        issue,
        owner,
        decided_on,
        public_file: 0,
        last_document: 0,
    }
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

/// One answer: its status, headers as text, and body.
struct Answer {
    url: String,
    status: StatusCode,
    headers: String,
    location: Option<String>,
    body: String,
}

async fn fetch(router: axum::Router, url: String) -> Answer {
    let response = router
        .oneshot(
            Request::get(request_target(&url))
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("response");
    let status = response.status();
    let mut headers = String::new();
    for (name, value) in response.headers() {
        headers += &format!("{name}: {}\n", String::from_utf8_lossy(value.as_bytes()));
    }
    let location = response
        .headers()
        .get(header::LOCATION)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    Answer {
        url,
        status,
        headers,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// A URL as a request target: characters a URI may not hold are percent-encoded.
fn request_target(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.chars() {
        if c.is_ascii_graphic() && !"{}|\\^`<>\"".contains(c) {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out += &format!("%{b:02X}");
            }
        }
    }
    out
}

/// The site's own address in feeds: requests without a Host header are answered for localhost.
const ORIGINS: &[&str] = &["http://localhost", "https://localhost"];

/// A link as the crawl keeps it: a path on this site with its query, without the fragment and
/// with HTML's `&amp;` undone. None for other sites and non-links.
fn same_site(raw: &str) -> Option<String> {
    let mut link = raw.trim().replace("&amp;", "&").replace("&#38;", "&");
    for origin in ORIGINS {
        if let Some(rest) = link.strip_prefix(origin) {
            if rest.is_empty() {
                link = "/".to_owned();
            } else if rest.starts_with('/') {
                link = rest.to_owned();
            } else if rest.starts_with(':') {
                // Another port is another site.
                return None;
            }
            break;
        }
    }
    if !link.starts_with('/') || link.starts_with("//") {
        return None;
    }
    if link
        .chars()
        .any(|c| c.is_whitespace() || "<>\"".contains(c))
        || link.len() > 2_000
    {
        return None;
    }
    if let Some(hash) = link.find('#') {
        link.truncate(hash);
    }
    Some(link)
}

/// Every same-site link in a body: quoted strings (HTML attributes, JSON values) that are paths,
/// and absolute URLs of this site wherever they stand (Atom ids, iCalendar URL lines).
fn links(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    // Every piece between double quotes, not only every other one: an escaped quote in JSON
    // would shift the count, and a piece outside quotes is never a bare path.
    for quoted in body.split('"') {
        if let Some(link) = same_site(quoted) {
            found.push(link);
        }
    }
    for piece in body.split('\'').skip(1).step_by(2) {
        if piece.starts_with('/')
            && let Some(link) = same_site(piece)
        {
            found.push(link);
        }
    }
    for origin in ORIGINS {
        let mut rest = body;
        while let Some(at) = rest.find(origin) {
            let tail = &rest[at..];
            let end = tail
                .find(|c: char| c.is_whitespace() || "\"'<>)\\".contains(c))
                .unwrap_or(tail.len());
            if let Some(link) = same_site(&tail[..end]) {
                found.push(link);
            }
            rest = &tail[origin.len()..];
        }
    }
    found
}

/// The page number of a search address past [`SEARCH_PAGES_FOLLOWED`], if it is one.
fn deep_search_page(url: &str) -> bool {
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    matches!(path, "/search" | "/api/v1/search")
        && query
            .split('&')
            .filter_map(|pair| pair.strip_prefix("page="))
            .any(|n| n.parse::<u32>().is_ok_and(|n| n > SEARCH_PAGES_FOLLOWED))
}

/// What a leak looks like in a report: the words around the marker.
fn context(haystack: &str, at: usize) -> String {
    let start = haystack[..at]
        .char_indices()
        .rev()
        .nth(80)
        .map_or(0, |(i, _)| i);
    let end = haystack[at..]
        .char_indices()
        .nth(100)
        .map_or(haystack.len(), |(i, _)| at + i);
    haystack[start..end].replace('\n', " ")
}

/// Markers in an answer, as failures; `echoed` is a marker the request itself asked for.
fn leaks(answer: &Answer, echoed: Option<&str>) -> Vec<String> {
    let mut failures = Vec::new();
    // iCalendar folds long lines; a marker may straddle a fold.
    let body = answer.body.replace("\r\n ", "").replace("\r\n\t", "");
    for (part, text) in [("header", &answer.headers), ("body", &body)] {
        let lower = text.to_lowercase();
        for (marker, what, _) in MARKERS {
            if Some(*marker) == echoed {
                continue;
            }
            if let Some(at) = lower.find(marker) {
                failures.push(format!(
                    "LEAK: {marker} ({what}) in the {part} of {} ({}): …{}…",
                    answer.url,
                    answer.status,
                    context(&lower, at)
                ));
            }
        }
    }
    failures
}

/// The public site, crawled.
struct Crawl {
    router: axum::Router,
    queue: VecDeque<String>,
    seen: HashSet<String>,
    fetched: usize,
    statuses: BTreeMap<u16, usize>,
    /// Search pages past [`SEARCH_PAGES_FOLLOWED`] that were linked to and not followed.
    not_followed: HashSet<String>,
    failures: Vec<String>,
}

impl Crawl {
    fn new(router: axum::Router) -> Self {
        Self {
            router,
            queue: VecDeque::new(),
            seen: HashSet::new(),
            fetched: 0,
            statuses: BTreeMap::new(),
            not_followed: HashSet::new(),
            failures: Vec::new(),
        }
    }

    /// Queues a URL once.
    fn seed(&mut self, url: impl Into<String>) {
        let url = url.into();
        if self.seen.insert(url.clone()) {
            self.queue.push_back(url);
        }
    }

    /// Checks an answer and queues what it links to.
    fn take(&mut self, answer: &Answer, echoed: Option<&str>) {
        self.fetched += 1;
        *self.statuses.entry(answer.status.as_u16()).or_default() += 1;
        self.failures.extend(leaks(answer, echoed));
        let mut found = links(&answer.body);
        if let Some(location) = &answer.location
            && let Some(link) = same_site(location)
        {
            found.push(link);
        }
        for link in found {
            if deep_search_page(&link) && !self.seen.contains(&link) {
                self.not_followed.insert(link);
            } else {
                self.seed(link);
            }
        }
    }

    /// Fetches everything queued and everything it leads to.
    async fn run(&mut self) {
        let mut running = JoinSet::new();
        loop {
            while running.len() < IN_FLIGHT {
                let Some(url) = self.queue.pop_front() else {
                    break;
                };
                assert!(
                    self.fetched + running.len() < MAX_REQUESTS,
                    "the crawl reached its bound of {MAX_REQUESTS} requests with {} still queued; \
                     raise the bound or narrow the seeds rather than cover less",
                    self.queue.len() + 1
                );
                running.spawn(fetch(self.router.clone(), url));
            }
            let Some(done) = running.join_next().await else {
                break;
            };
            let answer = done.expect("request task");
            self.take(&answer, None);
        }
    }

    /// Fetches one URL now, outside the queue.
    async fn one(&mut self, url: &str) -> Answer {
        self.seen.insert(url.to_owned());
        fetch(self.router.clone(), url.to_owned()).await
    }
}

/// Ordinary words of the withheld texts: no markers, nothing too short to mean anything.
fn ordinary_words() -> Vec<String> {
    let mut words: Vec<String> = EXEMPT_TEXTS
        .iter()
        .flat_map(|t| t.split(|c: char| !c.is_alphanumeric()))
        .map(str::to_lowercase)
        .filter(|w| w.len() >= 4 && !w.starts_with("zqleak"))
        .collect();
    words.sort();
    words.dedup();
    words
}

/// A search address in the order the search page writes its own links, so seeds and followed
/// links are the same URL.
fn search_url(path: &str, pairs: &[(&str, &str)]) -> String {
    let order = [
        "q",
        "kind",
        "committee",
        "organisation",
        "from",
        "to",
        "key",
        "sort",
        "page",
    ];
    let query: Vec<String> = order
        .iter()
        .filter_map(|name| {
            pairs
                .iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(k, v)| format!("{k}={}", encode(v)))
        })
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
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
