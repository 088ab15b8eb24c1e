//! The index over a real SQLite store: relevance on a fixed set of minutes, filters and facets,
//! escaping, the public/exempt split, following changes, rebuilds and hostile queries.

#![allow(clippy::unwrap_used)]

use chrono::{NaiveDate, NaiveDateTime};
use std::sync::Arc;
use witan_domain::*;
use witan_search::{Indexer, Opened, SearchIndex, SearchRequest, Sort};
use witan_store::sqlite::SqliteStore;
use witan_store::{SearchKind, Store, Writer};

fn title(s: &str) -> Title {
    Title::parse("title", s).unwrap()
}

fn text(s: &str) -> Text {
    Text::parse("text", s).unwrap()
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A county council's cabinet and scrutiny committee and a joint health board, with minutes,
/// decisions, actions and reports on the subjects people come asking about.
struct Fixture {
    _dir: tempfile::TempDir,
    store: Arc<dyn Store>,
    index: SearchIndex,
    indexer: Indexer,
    beds: ItemId,
    stp_cabinet: ItemId,
    stp_scrutiny: ItemId,
    libraries: ItemId,
    potholes: ItemId,
    exempt: ItemId,
    beds_decision: DecisionId,
    report: DocumentId,
    camhs_action: ActionId,
}

struct Body<'a> {
    w: &'a mut dyn Writer,
}

impl Body<'_> {
    async fn meeting(&mut self, committee: CommitteeId, day: &str) -> MeetingId {
        let start = time::london_to_utc(
            "start",
            NaiveDateTime::parse_from_str(&format!("{day} 10:00"), "%Y-%m-%d %H:%M").unwrap(),
        )
        .unwrap();
        self.w
            .create_meeting(&Meeting {
                committee,
                times: MeetingTimes::new(start, None).unwrap(),
                location: None,
                status: MeetingStatus::MinutesDraft,
                agenda_published: None,
            })
            .await
            .unwrap()
    }

    async fn item(
        &mut self,
        meeting: MeetingId,
        number: u32,
        name: &str,
        minutes: &str,
        resolved: &[&str],
        visibility: Visibility,
    ) -> ItemId {
        let id = self
            .w
            .create_item(&AgendaItem {
                meeting,
                position: number,
                number: ItemNumber::parse("number", &number.to_string()).unwrap(),
                title: title(name),
                issue: None,
                visibility,
            })
            .await
            .unwrap();
        self.w
            .create_minutes(
                id,
                1,
                &Minutes {
                    text: text(minutes),
                    resolution: Resolution::new(
                        resolved.iter().map(|r| text(r)).collect(),
                        Text::default(),
                    ),
                },
            )
            .await
            .unwrap();
        id
    }
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(
        SqliteStore::open(&dir.path().join("witan.db"))
            .await
            .unwrap(),
    );
    let mut w = store.begin().await.unwrap();
    let county = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-county-council").unwrap(),
            name: title("Northshire County Council"),
            kind: OrganisationKind::CountyCouncil,
        })
        .await
        .unwrap();
    let icb = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-icb").unwrap(),
            name: title("Northshire Integrated Care Board"),
            kind: OrganisationKind::IntegratedCareBoard,
        })
        .await
        .unwrap();
    let committee = |slug: &str, name: &str, owners| Committee {
        slug: Slug::parse("slug", slug).unwrap(),
        name: title(name),
        purpose: Text::default(),
        owners,
        parent: None,
    };
    let cabinet = w
        .create_committee(&committee(
            "cabinet",
            "Cabinet",
            CommitteeOwners::Single(county),
        ))
        .await
        .unwrap();
    let scrutiny = w
        .create_committee(&committee(
            "executive-scrutiny",
            "Executive Scrutiny Committee",
            CommitteeOwners::Single(county),
        ))
        .await
        .unwrap();
    let board = w
        .create_committee(&committee(
            "health-and-wellbeing-board",
            "Health and Wellbeing Board",
            CommitteeOwners::joint("owners", vec![county, icb]).unwrap(),
        ))
        .await
        .unwrap();
    let officer = w
        .create_person(&Person {
            name: title("Mike Kirby"),
            job_title: Some(title("Director of Corporate Commissioning")),
        })
        .await
        .unwrap();
    let mut b = Body { w: w.as_mut() };
    let cabinet_april = b.meeting(cabinet, "2016-04-14").await;
    let scrutiny_april = b.meeting(scrutiny, "2016-04-12").await;
    let board_winter = b.meeting(board, "2019-11-20").await;
    let cabinet_2021 = b.meeting(cabinet, "2021-06-10").await;
    let stp_cabinet = b
        .item(
            cabinet_april,
            7,
            "Health and Social Care Integration - Sustainability and Transformation Plan",
            "The Director presented a report on the development of a Sustainability and \
             Transformation Plan (STP) and on integrating health and social care. Every part of \
             the NHS must have a locally led STP in place, against a forecast budget shortfall.",
            &[
                "the development of the Sustainability and Transformation Plan be noted",
                "the Operating Principles be agreed and shared with partner organisations",
            ],
            Visibility::Public,
        )
        .await;
    let stp_scrutiny = b
        .item(
            scrutiny_april,
            4,
            "Health and Social Care Integration - Sustainability and Transformation Plan",
            "The Committee considered the STP and asked that district councils be engaged.",
            &["the report be noted"],
            Visibility::Public,
        )
        .await;
    let beds = b
        .item(
            board_winter,
            5,
            "Step-down beds for hospital discharge",
            "The Board discussed step-down beds in care homes to free hospital beds over winter. \
             Twenty step-down beds will be commissioned from December.",
            &["twenty step-down beds be commissioned for the winter"],
            Visibility::Public,
        )
        .await;
    let libraries = b
        .item(
            cabinet_2021,
            3,
            "Library service review",
            "Cabinet considered the consultation on the future of the library service, \
             including mobile libraries and opening hours. <script>alert('x')</script> was \
             found pasted into one response & removed.",
            &["four libraries move to community management"],
            Visibility::Public,
        )
        .await;
    let potholes = b
        .item(
            cabinet_2021,
            4,
            "Highways maintenance: pothole repairs",
            "Members noted the backlog of pothole repairs after the winter and the new \
             highways maintenance contract.",
            &["an extra two million pounds be spent on pothole repairs"],
            Visibility::Public,
        )
        .await;
    let exempt = b
        .item(
            cabinet_2021,
            9,
            "Disposal of land at Moor Lane",
            "Confidential: the bid from Quarrington Developments for the Moor Lane site.",
            &["the sale to Quarrington Developments be approved"],
            Visibility::Exempt(Exemption {
                ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                review_on: None,
            }),
        )
        .await;
    let beds_decision = w
        .create_decision(&Decision {
            item: Some(beds),
            maker: DecisionMaker::Committee(board),
            decided_on: date("2019-11-20"),
            title: title("Commissioning of step-down beds"),
            text: text("To commission twenty step-down beds in care homes for the winter."),
            key_decision: true,
            call_in: CallIn::NotSubject,
            status: DecisionStatus::Made,
        })
        .await
        .unwrap();
    w.create_decision(&Decision {
        item: Some(potholes),
        maker: DecisionMaker::Committee(cabinet),
        decided_on: date("2021-06-10"),
        title: title("Highways maintenance budget"),
        text: text("To spend an extra two million pounds on repairing roads."),
        key_decision: false,
        call_in: CallIn::NotSubject,
        status: DecisionStatus::Made,
    })
    .await
    .unwrap();
    let report = w
        .create_document(&Document {
            item: Some(stp_cabinet),
            issue: None,
            name: title("Report of the Director of Corporate Commissioning"),
            media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
            size_bytes: 147_456,
            sha256: Some(Sha256::from_bytes(&[7; 32])),
            text: text(
                "Operating principles: governance, citizen focused integration, local health \
                 economies, joint strategic needs assessment, pooled budgets.",
            ),
            visibility: Visibility::Public,
        })
        .await
        .unwrap();
    let camhs_action = w
        .create_action(&Action {
            meeting: board_winter,
            item: None,
            description: text("Report back on waiting times for children's mental health services"),
            owner: Some(ActionOwner::Person(officer)),
            due_on: Some(date("2020-01-31")),
            status: ActionStatus::Open,
            rag: Rag::Amber,
            closed_on: None,
        })
        .await
        .unwrap();
    w.commit().await.unwrap();
    let (index, opened) = SearchIndex::open(&dir.path().join("search")).unwrap();
    assert!(matches!(opened, Opened::Rebuild { .. }), "{opened:?}");
    let mut indexer = Indexer::new(&index, store.clone(), "test".into()).unwrap();
    let built = indexer.rebuild(&mut |_| {}).await.unwrap();
    assert_eq!(
        built,
        6 + 2 + 1 + 1,
        "items, decisions, the action and the report"
    );
    Fixture {
        _dir: dir,
        store,
        index,
        indexer,
        beds,
        stp_cabinet,
        stp_scrutiny,
        libraries,
        potholes,
        exempt,
        beds_decision,
        report,
        camhs_action,
    }
}

fn ask(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.to_owned(),
        ..SearchRequest::default()
    }
}

fn first(f: &Fixture, text: &str) -> (SearchKind, i64) {
    let results = f.index.search(&ask(text), Audience::Public).unwrap();
    let hit = results
        .hits
        .first()
        .unwrap_or_else(|| panic!("nothing found for {text:?}"));
    (hit.kind, hit.id)
}

#[tokio::test]
async fn the_expected_record_ranks_first_for_real_questions() {
    let f = fixture().await;
    let cases: [(&str, SearchKind, i64); 6] = [
        (
            "what was decided about step-down beds?",
            SearchKind::Decision,
            f.beds_decision.get(),
        ),
        ("step-down beds", SearchKind::Item, f.beds.get()),
        ("pooled budgets", SearchKind::Document, f.report.get()),
        ("potholes", SearchKind::Item, f.potholes.get()),
        ("mobile library", SearchKind::Item, f.libraries.get()),
        (
            "children's mental health waiting times",
            SearchKind::Action,
            f.camhs_action.get(),
        ),
    ];
    for (question, kind, id) in cases {
        assert_eq!(first(&f, question), (kind, id), "{question}");
    }
    // Both meetings that discussed the STP come before anything else.
    let stp = f
        .index
        .search(&ask("everything on the STP since 2016"), Audience::Public)
        .unwrap();
    let mut top: Vec<i64> = stp.hits.iter().take(2).map(|h| h.id).collect();
    top.sort();
    assert_eq!(
        top,
        vec![f.stp_cabinet.get(), f.stp_scrutiny.get()],
        "{stp:?}"
    );
    // A quoted phrase matches the words together and in order.
    let phrase = f
        .index
        .search(&ask("\"district councils\""), Audience::Public)
        .unwrap();
    assert_eq!(phrase.total, 1);
    assert_eq!(phrase.hits[0].id, f.stp_scrutiny.get());
}

#[tokio::test]
async fn filters_and_facets_agree() {
    let f = fixture().await;
    let all = f.index.search(&ask("beds"), Audience::Public).unwrap();
    assert_eq!(all.total, 2, "{all:?}");
    let kinds: u64 = all.kinds.iter().map(|(_, n)| n).sum();
    assert_eq!(kinds, 2);
    assert!(all.kinds.contains(&(SearchKind::Decision, 1)));
    assert_eq!(
        all.committees,
        vec![("health-and-wellbeing-board".to_owned(), 2)]
    );

    let only = |r: SearchRequest| {
        f.index
            .search(&r, Audience::Public)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| (h.kind, h.id))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        only(SearchRequest {
            kind: Some(SearchKind::Decision),
            ..ask("beds")
        }),
        vec![(SearchKind::Decision, f.beds_decision.get())]
    );
    let by_committee = only(SearchRequest {
        committee: Some("executive-scrutiny".into()),
        ..ask("sustainability transformation")
    });
    assert_eq!(by_committee, vec![(SearchKind::Item, f.stp_scrutiny.get())]);
    // The joint board belongs to both its organisations.
    assert_eq!(
        only(SearchRequest {
            organisation: Some("northshire-icb".into()),
            ..ask("winter")
        })
        .len(),
        2
    );
    let range = only(SearchRequest {
        from: Some(date("2016-04-13")),
        until: Some(date("2016-04-14")),
        ..ask("STP")
    });
    assert_eq!(range, vec![(SearchKind::Item, f.stp_cabinet.get())]);
    let key = only(SearchRequest {
        key_only: true,
        ..SearchRequest::default()
    });
    assert_eq!(key, vec![(SearchKind::Decision, f.beds_decision.get())]);
    // Newest first, and paging walks through without repeats.
    let newest = f
        .index
        .search(
            &SearchRequest {
                sort: Sort::Newest,
                per_page: 2,
                ..ask("winter beds highways STP")
            },
            Audience::Public,
        )
        .unwrap();
    let dates: Vec<_> = newest.hits.iter().map(|h| h.date).collect();
    assert!(dates.windows(2).all(|d| d[0] >= d[1]), "{dates:?}");
    let mut seen = Vec::new();
    for page in 1..=10 {
        let r = f
            .index
            .search(
                &SearchRequest {
                    page,
                    per_page: 2,
                    ..ask("winter beds highways STP")
                },
                Audience::Public,
            )
            .unwrap();
        seen.extend(r.hits.iter().map(|h| (h.kind, h.id)));
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(seen.len(), unique.len());
    assert_eq!(seen.len(), newest.total);
}

#[tokio::test]
async fn snippets_highlight_matches_and_escape_everything_else() {
    let f = fixture().await;
    let r = f
        .index
        .search(&ask("consultation"), Audience::Public)
        .unwrap();
    let hit = &r.hits[0];
    assert_eq!(hit.id, f.libraries.get());
    assert!(
        hit.snippet_html.contains("<mark>consultation</mark>"),
        "{}",
        hit.snippet_html
    );
    let r = f
        .index
        .search(&ask("pasted response"), Audience::Public)
        .unwrap();
    let snippet = &r.hits[0].snippet_html;
    assert!(!snippet.contains("<script"), "{snippet}");
    assert!(snippet.contains("&lt;script&gt;"), "{snippet}");
    assert!(snippet.contains("&amp;"), "{snippet}");
}

#[tokio::test]
async fn exempt_words_are_found_by_privileged_readers_only() {
    let f = fixture().await;
    for question in [
        "Quarrington",
        "Moor Lane",
        "disposal of land",
        "\"Moor Lane site\"",
    ] {
        let public = f.index.search(&ask(question), Audience::Public).unwrap();
        assert_eq!(public.total, 0, "{question}: {public:?}");
        assert!(public.kinds.is_empty() && public.committees.is_empty());
        let clerk = f
            .index
            .search(&ask(question), Audience::Privileged)
            .unwrap();
        assert_eq!(clerk.hits[0].id, f.exempt.get(), "{question}");
    }
    assert!(
        f.index
            .suggest("Quarr", Audience::Public)
            .unwrap()
            .is_empty()
    );
    let public = f.index.len(Audience::Public).unwrap();
    let all = f.index.len(Audience::Privileged).unwrap();
    assert_eq!(all - public, 1);
}

#[tokio::test]
async fn the_index_follows_updates_and_deletes() {
    let mut f = fixture().await;
    assert_eq!(f.indexer.catch_up().await.unwrap(), 0, "nothing new yet");
    let mut w = f.store.begin().await.unwrap();
    w.record_minutes(
        f.potholes,
        &Minutes {
            text: text("Members noted the resurfacing programme for rural lanes."),
            resolution: Resolution::new(vec![text("the programme be approved")], Text::default()),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert!(f.indexer.catch_up().await.unwrap() >= 1);
    let now = f
        .index
        .search(&ask("resurfacing"), Audience::Public)
        .unwrap();
    assert_eq!(now.hits[0].id, f.potholes.get());
    let old = f.index.search(&ask("backlog"), Audience::Public).unwrap();
    assert_eq!(old.total, 0, "the replaced minutes are gone: {old:?}");
    assert_eq!(
        f.index.len(Audience::Privileged).unwrap(),
        10,
        "an update replaces, never duplicates"
    );
    // A record removed from the store leaves the index.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}",
        f._dir.path().join("witan.db").display()
    ))
    .await
    .unwrap();
    sqlx::query("DELETE FROM documents WHERE id = ?")
        .bind(f.report.get())
        .execute(&pool)
        .await
        .unwrap();
    f.indexer.catch_up().await.unwrap();
    let gone = f
        .index
        .search(&ask("pooled budgets"), Audience::Public)
        .unwrap();
    assert!(
        gone.hits.iter().all(|h| h.kind != SearchKind::Document),
        "{gone:?}"
    );
    assert_eq!(f.index.seq(), f.store.last_search_change().await.unwrap());
}

#[tokio::test]
async fn an_interrupted_or_missing_index_is_rebuilt() {
    let f = fixture().await;
    let dir = f._dir.path().join("search");
    let seq = f.index.seq();
    drop(f.indexer);
    drop(f.index);
    // A clean reopen is current.
    let (index, opened) = SearchIndex::open(&dir).unwrap();
    assert_eq!(opened, Opened::Current { seq });
    drop(index);
    // A damaged commit record: rebuilt.
    std::fs::write(dir.join("meta.json"), b"{\"segments\": [").unwrap();
    let (index, opened) = SearchIndex::open(&dir).unwrap();
    assert!(matches!(opened, Opened::Rebuild { .. }), "{opened:?}");
    assert!(index.is_empty() && !index.is_complete());
    let mut indexer = Indexer::new(&index, f.store.clone(), "test".into()).unwrap();
    indexer.rebuild(&mut |_| {}).await.unwrap();
    assert_eq!(first_of(&index, "step-down beds"), f.beds.get());
    drop(indexer);
    drop(index);
    // A deleted folder: rebuilt too.
    std::fs::remove_dir_all(&dir).unwrap();
    let (index, opened) = SearchIndex::open(&dir).unwrap();
    assert!(matches!(opened, Opened::Rebuild { .. }), "{opened:?}");
    let mut indexer = Indexer::new(&index, f.store.clone(), "test".into()).unwrap();
    indexer.rebuild(&mut |_| {}).await.unwrap();
    assert_eq!(first_of(&index, "step-down beds"), f.beds.get());
}

fn first_of(index: &SearchIndex, question: &str) -> i64 {
    index.search(&ask(question), Audience::Public).unwrap().hits[0].id
}

#[tokio::test]
async fn any_question_gets_an_answer() {
    let f = fixture().await;
    let long = "beds ".repeat(2_000);
    let questions = [
        "\"unbalanced",
        "beds\"",
        "AND OR NOT",
        "-beds",
        "title:beds^10",
        "[* TO *]",
        "*",
        "/.*/",
        "beds~2",
        "((((((((((((((((((((beds",
        long.as_str(),
        "\u{0}\u{1b}[31mbeds\u{7}",
        "病床",
        "أسرة المستشفى",
        "Ünïcödé çàfé",
        "",
    ];
    for question in questions {
        let r = f.index.search(&ask(question), Audience::Public);
        assert!(r.is_ok(), "{question:?}: {r:?}");
        let s = f.index.suggest(question, Audience::Public);
        assert!(s.is_ok(), "{question:?}: {s:?}");
    }
    // A question with nothing left to ask finds nothing, rather than everything.
    for nothing in ["", "\u{0}\u{7}", "[](){}", "\"\""] {
        for audience in [Audience::Public, Audience::Privileged] {
            let r = f.index.search(&ask(nothing), audience).unwrap();
            assert_eq!(r.total, 0, "{nothing:?} as {audience:?}");
        }
    }
    let r = f.index.search(&ask(&long), Audience::Public).unwrap();
    assert!(
        !r.notes.is_empty(),
        "the reader is told the question was cut"
    );
    assert_eq!(r.hits[0].id, f.beds.get());
    // Pages past the window are refused quietly: the last allowed page is answered.
    let far = f
        .index
        .search(
            &SearchRequest {
                page: u32::MAX,
                ..ask("beds")
            },
            Audience::Public,
        )
        .unwrap();
    assert!(far.hits.is_empty());
}

#[tokio::test]
async fn typing_the_start_of_a_word_suggests_titles() {
    let f = fixture().await;
    let titles = |typed: &str| {
        f.index
            .suggest(typed, Audience::Public)
            .unwrap()
            .into_iter()
            .map(|s| s.title)
            .collect::<Vec<_>>()
    };
    assert!(titles("pothol").contains(&"Highways maintenance: pothole repairs".to_owned()));
    let mut beds = titles("step-down be");
    beds.sort();
    assert_eq!(
        beds,
        vec![
            "Commissioning of step-down beds".to_owned(),
            "Step-down beds for hospital discharge".to_owned()
        ]
    );
    assert!(
        titles("sustain")
            .iter()
            .all(|t| t.contains("Sustainability"))
    );
    assert_eq!(titles("sustain").len(), 1, "the same title is offered once");
    assert!(titles("zzzz").is_empty());
}

/// Records minutes at `item` whose text is `words`, in a unit of work of its own.
async fn minute(store: &dyn Store, item: ItemId, words: &str) {
    let mut w = store.begin().await.unwrap();
    w.record_minutes(
        item,
        &Minutes {
            text: text(words),
            resolution: Resolution::new(vec![text("the report be noted")], Text::default()),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
}

/// Several processes sharing a database each keep an index fed by the one change log: the log
/// is kept until the slower index has read it, a search can wait for the changes the store
/// already holds, and an index away for longer than the lapse finds the log pruned past it and
/// rebuilds rather than miss what it never read.
#[tokio::test]
async fn indexes_sharing_a_store_each_see_every_change() {
    let mut f = fixture().await;
    let (two, opened) = SearchIndex::open(&f._dir.path().join("search-two")).unwrap();
    assert!(matches!(opened, Opened::Rebuild { .. }));
    let mut indexer_two = Indexer::new(&two, f.store.clone(), "two".into()).unwrap();
    indexer_two.rebuild(&mut |_| {}).await.unwrap();
    let two_at = two.seq();

    minute(
        f.store.as_ref(),
        f.potholes,
        "Members noted the resurfacing of lanes.",
    )
    .await;
    f.indexer.catch_up().await.unwrap();
    let kept = f.store.search_changes(two_at, 100).await.unwrap();
    assert!(
        kept.iter().any(|c| c.id == f.potholes.get()),
        "index one has the change, index two not yet: it stays in the log"
    );

    // Index two follows on its own every hour, but a search asks it to catch up at once.
    tokio::spawn(indexer_two.run(
        Opened::Current { seq: two_at },
        std::time::Duration::from_secs(3600),
    ));
    let latest = f.store.last_search_change().await.unwrap();
    assert!(two.reach(latest, std::time::Duration::from_secs(10)).await);
    assert_eq!(first_of(&two, "resurfacing"), f.potholes.get());

    // Index three stops, and is not heard from for two days.
    let (three, _) = SearchIndex::open(&f._dir.path().join("search-three")).unwrap();
    let mut indexer_three = Indexer::new(&three, f.store.clone(), "three".into()).unwrap();
    indexer_three.rebuild(&mut |_| {}).await.unwrap();
    let three_at = three.seq();
    drop(indexer_three);
    drop(three);
    let away = chrono::Utc::now() - chrono::TimeDelta::days(2);
    f.store
        .search_read_upto("three", three_at, away)
        .await
        .unwrap();
    // Meanwhile the others read on and prune what three never saw.
    minute(
        f.store.as_ref(),
        f.beds,
        "Members approved the winter ward.",
    )
    .await;
    minute(
        f.store.as_ref(),
        f.libraries,
        "Members noted the mobile library.",
    )
    .await;
    f.indexer.catch_up().await.unwrap();
    let latest = f.store.last_search_change().await.unwrap();
    assert!(two.reach(latest, std::time::Duration::from_secs(10)).await);
    assert!(f.store.search_log_floor().await.unwrap() > three_at);

    // Three comes back: following the log from where it stood would miss the winter ward.
    let dir = f._dir.path().join("search-three");
    let (three, opened) = SearchIndex::open(&dir).unwrap();
    assert_eq!(opened, Opened::Current { seq: three_at });
    let indexer_three = Indexer::new(&three, f.store.clone(), "three".into()).unwrap();
    tokio::spawn(indexer_three.run(opened, std::time::Duration::from_millis(50)));
    let mut found = None;
    for _ in 0..200 {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        if three.is_complete() && three.reach(latest, std::time::Duration::from_secs(1)).await {
            found = three
                .search(&ask("winter ward"), Audience::Public)
                .unwrap()
                .hits
                .first()
                .map(|h| h.id);
            if found.is_some() {
                break;
            }
        }
    }
    assert_eq!(
        found,
        Some(f.beds.get()),
        "index three rebuilt and holds what it missed"
    );
}
