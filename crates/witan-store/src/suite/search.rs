//! What the search index and importers read and write through the store.

#![allow(clippy::unwrap_used)]

use super::*;

/// Search reads records flattened to their words, says which the public may find, and the change
/// log names every record a unit of work touched, in order.
pub async fn search_reads_follow_every_change(store: &dyn Store) {
    assert_eq!(store.last_search_change().await.unwrap(), 0);
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let beds = item(w.as_mut(), held, "5", "Step-down beds", None).await;
    let secret = w
        .create_item(&AgendaItem {
            meeting: held,
            position: 6,
            number: ItemNumber::parse("number", "6").unwrap(),
            title: title("Sale of land at Moor Lane"),
            issue: None,
            visibility: Visibility::Exempt(Exemption {
                ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                review_on: None,
            }),
        })
        .await
        .unwrap();
    let future = meeting(
        w.as_mut(),
        c.scrutiny,
        "2030-01-09 14:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let draft = item(w.as_mut(), future, "1", "Winter pressures", None).await;
    w.commit().await.unwrap();
    let after_create = store.last_search_change().await.unwrap();
    assert!(after_create >= 3, "three items created: {after_create}");

    let mut w = store.begin().await.unwrap();
    w.record_minutes(
        beds,
        &minutes(
            "Members discussed step-down beds.",
            &["the plan be approved"],
        ),
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let changes = store.search_changes(after_create, 100).await.unwrap();
    assert!(
        changes
            .iter()
            .any(|ch| ch.kind == SearchKind::Item && ch.id == beds.get()),
        "recording minutes is a change to the item: {changes:?}"
    );
    assert!(changes.windows(2).all(|p| p[0].seq < p[1].seq));

    let docs = store
        .search_documents(
            SearchKind::Item,
            SearchSelection::After { id: 0, limit: 10 },
        )
        .await
        .unwrap();
    assert_eq!(docs.len(), 3);
    let by_id = |id: ItemId| docs.iter().find(|d| d.id == id.get()).unwrap();
    let b = by_id(beds);
    assert!(b.public);
    assert!(b.body.contains("step-down beds") && b.body.contains("the plan be approved"));
    assert_eq!(b.committee.as_ref().map(|c| c.id), Some(c.cabinet));
    assert_eq!(
        b.organisations,
        vec!["northshire-county-council".to_owned()]
    );
    assert_eq!(b.date, Some(date("2016-04-14")));
    assert_eq!(
        (b.meeting, b.item_number.as_deref()),
        (Some(held), Some("5"))
    );
    assert!(!by_id(secret).public, "exempt items are not for the public");
    assert!(
        !by_id(draft).public,
        "nor items of an agenda not yet published"
    );
    let some = store
        .search_documents(
            SearchKind::Item,
            SearchSelection::Ids(&[secret.get(), 999_999]),
        )
        .await
        .unwrap();
    assert_eq!(
        some.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![secret.get()]
    );

    // Publishing the agenda touches the items of the meeting, and makes them public.
    let before = store.last_search_change().await.unwrap();
    let mut w = store.begin().await.unwrap();
    w.set_meeting_status(future, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let changes = store.search_changes(before, 100).await.unwrap();
    assert!(changes.iter().any(|ch| ch.id == draft.get()), "{changes:?}");
    let now = store
        .search_documents(SearchKind::Item, SearchSelection::Ids(&[draft.get()]))
        .await
        .unwrap();
    assert!(now[0].public);

    // Two indexes read the log. Pruning waits for the slower, then forgets what both hold but
    // not the high-water mark, and numbers go on growing.
    let last = store.last_search_change().await.unwrap();
    let at = at("2026-11-24 09:00");
    assert_eq!(store.search_log_floor().await.unwrap(), 0);
    store.search_read_upto("one", last, at).await.unwrap();
    store.search_read_upto("two", before, at).await.unwrap();
    let kept = store.search_changes(0, 1000).await.unwrap();
    assert!(
        !kept.is_empty() && kept.iter().all(|c| c.seq > before),
        "what index two has not read is kept, what both have is gone: {kept:?}"
    );
    assert_eq!(store.search_log_floor().await.unwrap(), before);
    // An index not heard from for a day no longer holds back pruning.
    let later = at + crate::SEARCH_READER_LAPSE + chrono::TimeDelta::minutes(1);
    store.search_read_upto("one", last, later).await.unwrap();
    assert!(store.search_changes(last, 10).await.unwrap().is_empty());
    assert!(store.search_changes(0, 10).await.unwrap().len() <= 1);
    assert_eq!(store.last_search_change().await.unwrap(), last);
    assert_eq!(
        store.search_log_floor().await.unwrap(),
        last - 1,
        "index two, at {before}, now knows it must rebuild"
    );
    // A forgotten index holds back nothing; the floor never falls.
    store.forget_search_reader("two").await.unwrap();
    store.search_read_upto("one", last, later).await.unwrap();
    assert_eq!(store.search_log_floor().await.unwrap(), last - 1);
    let mut w = store.begin().await.unwrap();
    item(w.as_mut(), held, "7", "Any other business", None).await;
    w.commit().await.unwrap();
    let next = store.search_changes(last, 10).await.unwrap();
    assert!(
        !next.is_empty() && next.iter().all(|c| c.seq > last),
        "{next:?}"
    );
}

/// What importers rely on: sources remembered and found by key (also inside the same unit of
/// work), records replaced in place with their ids kept and the search log told, a replacement of
/// a missing record refused, and issue references listed.
pub async fn imports_remember_sources_and_replace_in_place(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let issue = w
        .create_issue(&Issue {
            title: title("Sustainability and Transformation Plan"),
            reference: Some(title("STP/2016/1")),
            summary: Text::default(),
        })
        .await
        .unwrap();
    let beds = item(w.as_mut(), held, "7", "Step-down beds", Some(issue)).await;
    let source = |key: &str, kind: &str, id: i64, fingerprint: &str| ImportSource {
        key: key.to_owned(),
        kind: kind.to_owned(),
        record_id: id,
        fingerprint: fingerprint.to_owned(),
    };
    w.remember_import_source(&source(
        "oparl:https://x/meeting/1",
        "meeting",
        held.get(),
        "aa",
    ))
    .await
    .unwrap();
    w.remember_import_source(&source("oparl:https://x/item/1", "item", beds.get(), "bb"))
        .await
        .unwrap();
    // Found inside the unit of work that remembered them; unknown keys are absent.
    let keys = [
        "oparl:https://x/meeting/1".to_owned(),
        "oparl:https://x/item/1".to_owned(),
        "oparl:https://x/unknown".to_owned(),
    ];
    let mut found = w.import_sources(&keys).await.unwrap();
    found.sort_by(|a, b| a.key.cmp(&b.key));
    assert_eq!(
        found,
        [
            source("oparl:https://x/item/1", "item", beds.get(), "bb"),
            source("oparl:https://x/meeting/1", "meeting", held.get(), "aa"),
        ]
    );
    w.commit().await.unwrap();

    // A changed source: the same ids, the new content, the search log told.
    let logged = store.last_search_change().await.unwrap();
    let mut w = store.begin().await.unwrap();
    let moved = Meeting {
        committee: c.scrutiny,
        times: MeetingTimes::new(at("2016-04-12 14:00"), None).unwrap(),
        location: None,
        status: MeetingStatus::Held,
        agenda_published: None,
    };
    w.replace(held.get(), Replacement::Meeting(&moved))
        .await
        .unwrap();
    let renamed = AgendaItem {
        meeting: held,
        position: 4,
        number: ItemNumber::parse("number", "4").unwrap(),
        title: title("Step-down beds and winter pressures"),
        issue: Some(issue),
        visibility: Visibility::Public,
    };
    w.replace(beds.get(), Replacement::Item(&renamed))
        .await
        .unwrap();
    w.remember_import_source(&source("oparl:https://x/item/1", "item", beds.get(), "cc"))
        .await
        .unwrap();
    let missing = w
        .replace(9_999, Replacement::Item(&renamed))
        .await
        .unwrap_err();
    assert!(
        matches!(missing, StoreError::NotFound { .. }),
        "{missing:?}"
    );
    w.commit().await.unwrap();

    let record = store.meeting_record(held, Audience::Public).await.unwrap();
    assert_eq!(record.committee.id, c.scrutiny);
    assert_eq!(record.meeting.record.times.start(), at("2016-04-12 14:00"));
    let items = open_items(&record);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.id, beds);
    assert_eq!(items[0].item.record.number.as_str(), "4");
    assert_eq!(
        items[0].item.record.title.as_str(),
        "Step-down beds and winter pressures"
    );
    assert!(store.last_search_change().await.unwrap() > logged);
    let mut w = store.begin().await.unwrap();
    let again = w
        .import_sources(&["oparl:https://x/item/1".to_owned()])
        .await
        .unwrap();
    assert_eq!(
        again[0].fingerprint, "cc",
        "remembering a key again updates it"
    );
    drop(w);
    assert_eq!(
        store.issue_references().await.unwrap(),
        [("STP/2016/1".to_owned(), issue)]
    );
}
