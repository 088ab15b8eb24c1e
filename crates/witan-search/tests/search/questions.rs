//! Questions people ask: what ranks first, filters and facets, snippets, who may find exempt
//! words, hostile questions and suggestions.

use super::*;

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
