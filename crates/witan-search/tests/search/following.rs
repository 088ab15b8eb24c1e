//! The index follows the store: updates and deletes, rebuilds, and several indexes on one store.

use super::*;

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

/// Answers are kept while the index is unchanged (so a question asked again costs a lookup, and
/// its count and facets are shared by its pages and orders): a kept answer is never served once
/// the index has changed, nor to another audience, nor for another page.
#[tokio::test]
async fn kept_answers_follow_the_index_and_never_cross_audiences() {
    let mut f = fixture().await;
    let before = f
        .index
        .search(&ask("resurfacing"), Audience::Public)
        .unwrap();
    assert_eq!(before.total, 0, "{before:?}");
    let again = f
        .index
        .search(&ask("resurfacing"), Audience::Public)
        .unwrap();
    assert_eq!(again, before, "the same question, the same answer");
    let mut w = f.store.begin().await.unwrap();
    w.record_minutes(
        f.potholes,
        &Minutes {
            text: text("Members noted the resurfacing programme for rural lanes."),
            resolution: Resolution::default(),
        },
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    f.indexer.catch_up().await.unwrap();
    let after = f
        .index
        .search(&ask("resurfacing"), Audience::Public)
        .unwrap();
    assert_eq!(
        after.total, 1,
        "the kept answer went with the change: {after:?}"
    );
    assert_eq!(after.hits[0].id, f.potholes.get());

    // The exempt item's words, asked by a clerk first, then by the public: not the clerk's answer.
    let clerk = f
        .index
        .search(&ask("Quarrington"), Audience::Privileged)
        .unwrap();
    assert_eq!(clerk.hits[0].id, f.exempt.get());
    let public = f
        .index
        .search(&ask("Quarrington"), Audience::Public)
        .unwrap();
    assert_eq!(public.total, 0, "{public:?}");
    assert!(public.hits.is_empty() && public.committees.is_empty());

    // Each page of a question, read after the first has been counted, is the page asked for:
    // together they are the whole answer, once each, in the order of one long page.
    let broad = |page: u32, per_page: u32, sort: Sort| SearchRequest {
        text: "budget care beds".to_owned(),
        page,
        per_page,
        sort,
        ..SearchRequest::default()
    };
    for sort in [Sort::Relevance, Sort::Newest] {
        let whole = f
            .index
            .search(&broad(1, 50, sort), Audience::Public)
            .unwrap();
        assert!(whole.total >= 3, "{whole:?}");
        let mut paged = Vec::new();
        for page in 1..=whole.total as u32 {
            let one = f
                .index
                .search(&broad(page, 1, sort), Audience::Public)
                .unwrap();
            assert_eq!(
                (one.total, &one.kinds, &one.committees),
                (whole.total, &whole.kinds, &whole.committees)
            );
            paged.extend(one.hits);
        }
        let ids =
            |hits: &[witan_search::Hit]| hits.iter().map(|h| (h.kind, h.id)).collect::<Vec<_>>();
        assert_eq!(ids(&paged), ids(&whole.hits), "{sort:?}");
    }
}
