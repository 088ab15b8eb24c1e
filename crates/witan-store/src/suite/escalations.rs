//! Escalations between committees: sent, listed, accepted onto an open agenda or declined.

#![allow(clippy::unwrap_used)]

use super::*;

/// Cabinet's and Scrutiny's meetings for the escalation stories: Scrutiny held a meeting whose
/// item 3 escalates to Cabinet; Cabinet has a published agenda (items 1 and 2) and a meeting
/// scheduled after it whose agenda is still open (items 1 and 5a).
struct EscalationScene {
    c: Council,
    sub: MeetingId,
    from: ItemId,
    published: MeetingId,
    open: MeetingId,
}

async fn escalation_scene(store: &dyn Store) -> EscalationScene {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let sub = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-11 14:00",
        MeetingStatus::MinutesDraft,
    )
    .await;
    let from = item(w.as_mut(), sub, "3", "Domiciliary care workforce", None).await;
    let published = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    item(w.as_mut(), published, "1", "Apologies", None).await;
    item(w.as_mut(), published, "2", "Minutes", None).await;
    let open = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-11-18 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    item(w.as_mut(), open, "1", "Apologies", None).await;
    item(w.as_mut(), open, "5a", "Budget monitoring", None).await;
    w.commit().await.unwrap();
    EscalationScene {
        c,
        sub,
        from,
        published,
        open,
    }
}

/// The numbers and titles of a meeting's agenda, as a clerk sees it.
async fn agenda(store: &dyn Store, meeting: MeetingId) -> Vec<(String, String)> {
    let record = store
        .meeting_record(meeting, Audience::Privileged)
        .await
        .unwrap();
    open_items(&record)
        .iter()
        .map(|i| (i.item.number.to_string(), i.item.title.to_string()))
        .collect()
}

async fn listed(
    store: &dyn Store,
    committee: CommitteeId,
    direction: Direction,
) -> Vec<EscalationId> {
    store
        .escalations(committee, direction, Audience::Privileged, Page::first(10))
        .await
        .unwrap()
        .iter()
        .map(|e| e.escalation.id)
        .collect()
}

pub async fn escalation_round_trip(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let c = &s.c;
    let mut w = store.begin().await.unwrap();
    let err = w
        .send_escalation(s.from, c.scrutiny, &text("why"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("escalation.to_committee"), "{err}");
    let err = w
        .send_escalation(s.from, c.cabinet, &Text::default())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("escalation.reason"), "{err}");
    let sent = w
        .send_escalation(
            s.from,
            c.cabinet,
            &text("Going off framework needs a Cabinet decision"),
        )
        .await
        .unwrap();
    w.commit().await.unwrap();

    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Pending);
    assert_eq!(record.target_meeting, None);
    assert_eq!(record.from_meeting, s.sub);
    assert_eq!(listed(store, c.cabinet, Direction::Pending).await, [sent]);

    // The receiving clerk accepts it onto the meeting of their choosing.
    let mut w = store.begin().await.unwrap();
    let proposed = w.accept_escalation(sent, s.open).await.unwrap();
    w.commit().await.unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Accepted);
    assert_eq!(record.escalation.target_item, Some(proposed));
    assert_eq!(record.target_meeting, Some(s.open));
    assert!(
        listed(store, c.cabinet, Direction::Pending)
            .await
            .is_empty()
    );
    assert_eq!(listed(store, c.cabinet, Direction::Awaiting).await, [sent]);
    // The target side shows a proposed item at the end of the agenda, numbered after the last
    // numbered item, that links back.
    assert_eq!(
        agenda(store, s.open).await,
        [
            ("1".to_owned(), "Apologies".to_owned()),
            ("5a".to_owned(), "Budget monitoring".to_owned()),
            (
                "6".to_owned(),
                "Escalated from Executive Scrutiny Committee: Domiciliary care workforce"
                    .to_owned()
            ),
        ]
    );
    let target = store
        .meeting_record(s.open, Audience::Privileged)
        .await
        .unwrap();
    let items = open_items(&target);
    let item = items.last().unwrap();
    assert_eq!(item.item.id, proposed);
    assert_eq!(item.escalated_from.as_ref().unwrap().escalation.id, sent);
    // The sending side links forward.
    let source = store.meeting_record(s.sub, Audience::Public).await.unwrap();
    assert_eq!(
        open_items(&source)[0].escalations_sent[0].target_meeting,
        Some(s.open)
    );

    let mut w = store.begin().await.unwrap();
    w.consider_escalation(sent, date("2021-11-18"))
        .await
        .unwrap();
    let err = w
        .consider_escalation(sent, date("2021-11-19"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::EscalationClosed)),
        "{err:?}"
    );
    w.commit().await.unwrap();
    assert_eq!(
        store.escalation(sent).await.unwrap().escalation.state,
        EscalationState::Considered
    );
    assert!(
        listed(store, c.cabinet, Direction::Awaiting)
            .await
            .is_empty()
    );
    assert_eq!(listed(store, c.scrutiny, Direction::Sent).await, [sent]);
    let received = store
        .escalations(
            c.cabinet,
            Direction::Received,
            Audience::Public,
            Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].escalation.state, EscalationState::Considered);
}

/// Sending an escalation, and scheduling a meeting after it, leave every agenda of the receiving
/// committee as it was: once, an escalation landed on another body's published agenda.
pub async fn an_escalation_never_writes_onto_another_agenda(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let before = (
        agenda(store, s.published).await,
        agenda(store, s.open).await,
    );
    let mut w = store.begin().await.unwrap();
    let sent = w
        .send_escalation(
            s.from,
            s.c.cabinet,
            &text(&"Bed base pressure. ".repeat(28)),
        )
        .await
        .unwrap();
    let later = w
        .schedule_meeting(&Meeting {
            committee: s.c.cabinet,
            times: MeetingTimes::new(at("2022-02-03 10:00"), None).unwrap(),
            location: None,
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        (
            agenda(store, s.published).await,
            agenda(store, s.open).await,
        ),
        before
    );
    assert!(agenda(store, later).await.is_empty());
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Pending);
    assert_eq!(record.escalation.target_item, None);
    assert_eq!(record.target_meeting, None);
    assert_eq!(listed(store, s.c.cabinet, Direction::Pending).await, [sent]);
    assert_eq!(
        listed(store, s.c.cabinet, Direction::Awaiting).await,
        [sent]
    );
}

pub async fn escalations_are_accepted_onto_an_open_agenda_of_their_committee_only(
    store: &dyn Store,
) {
    let s = escalation_scene(store).await;
    let mut w = store.begin().await.unwrap();
    let cancelled = meeting(
        w.as_mut(),
        s.c.cabinet,
        "2021-12-02 10:00",
        MeetingStatus::Cancelled,
    )
    .await;
    let scrutiny_next = meeting(
        w.as_mut(),
        s.c.scrutiny,
        "2021-12-06 14:00",
        MeetingStatus::Scheduled,
    )
    .await;
    // A committee with a name as long as a title may be, escalating an item whose title is as
    // long as a title may be: the proposed item's title still keeps the title rule.
    let long = w
        .create_committee(&Committee {
            slug: Slug::parse("slug", "long-board").unwrap(),
            name: title(&"Board ".repeat(83)),
            purpose: Text::default(),
            owners: CommitteeOwners::Single(s.c.org),
            parent: None,
        })
        .await
        .unwrap();
    let long_meeting = meeting(w.as_mut(), long, "2021-10-01 10:00", MeetingStatus::Held).await;
    let long_item = item(
        w.as_mut(),
        long_meeting,
        "1",
        &"Workforce ".repeat(50),
        None,
    )
    .await;
    let sent = w
        .send_escalation(s.from, s.c.cabinet, &text("Needs a Cabinet decision"))
        .await
        .unwrap();
    let long_sent = w
        .send_escalation(long_item, s.c.cabinet, &text("Needs a Cabinet decision"))
        .await
        .unwrap();
    w.commit().await.unwrap();

    let refused = |err: StoreError, what: &str| {
        assert!(matches!(err, StoreError::Rule(_)), "{what}: {err:?}");
    };
    for (meeting, what) in [
        (s.published, "a published agenda"),
        (cancelled, "a cancelled meeting"),
        (scrutiny_next, "a meeting of another committee"),
    ] {
        let mut w = store.begin().await.unwrap();
        refused(w.accept_escalation(sent, meeting).await.unwrap_err(), what);
    }
    let mut w = store.begin().await.unwrap();
    let err = w
        .accept_escalation(sent, Id::new(999_999))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }), "{err:?}");
    refused(
        w.consider_escalation(sent, date("2021-11-18"))
            .await
            .unwrap_err(),
        "considering a pending escalation",
    );
    drop(w);
    assert_eq!(
        store.escalation(sent).await.unwrap().escalation.state,
        EscalationState::Pending
    );

    let mut w = store.begin().await.unwrap();
    w.accept_escalation(sent, s.open).await.unwrap();
    let long_item = w.accept_escalation(long_sent, s.open).await.unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    refused(
        w.accept_escalation(sent, s.open).await.unwrap_err(),
        "accepting twice",
    );
    refused(
        w.decline_escalation(sent, &text("Changed our mind"))
            .await
            .unwrap_err(),
        "declining an accepted escalation",
    );
    drop(w);
    let proposed = store.item(long_item).await.unwrap();
    assert_eq!(proposed.title.as_str().chars().count(), Title::MAX_CHARS);
    assert!(
        proposed
            .title
            .as_str()
            .starts_with("Escalated from Board Board")
    );
    assert_eq!(proposed.number.as_str(), "7");
    // The meeting page reads back whole.
    assert_eq!(agenda(store, s.open).await.len(), 4);
}

pub async fn escalations_are_declined_with_a_reason(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let before = agenda(store, s.open).await;
    let mut w = store.begin().await.unwrap();
    let sent = w
        .send_escalation(s.from, s.c.cabinet, &text("Needs a Cabinet decision"))
        .await
        .unwrap();
    let err = w
        .decline_escalation(sent, &Text::default())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("escalation.decline_reason"),
        "{err}"
    );
    w.decline_escalation(sent, &text("A matter for the Health and Wellbeing Board"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Declined);
    assert_eq!(
        record.escalation.decline_reason,
        Some(text("A matter for the Health and Wellbeing Board"))
    );
    assert_eq!(record.target_meeting, None);
    assert_eq!(agenda(store, s.open).await, before);
    assert!(
        listed(store, s.c.cabinet, Direction::Pending)
            .await
            .is_empty()
    );
    assert!(
        listed(store, s.c.cabinet, Direction::Awaiting)
            .await
            .is_empty()
    );
    assert_eq!(
        listed(store, s.c.cabinet, Direction::Received).await,
        [sent]
    );

    let mut w = store.begin().await.unwrap();
    for err in [
        w.accept_escalation(sent, s.open).await.unwrap_err(),
        w.decline_escalation(sent, &text("Again"))
            .await
            .unwrap_err(),
        w.consider_escalation(sent, date("2021-11-18"))
            .await
            .unwrap_err(),
    ] {
        assert!(matches!(err, StoreError::Rule(_)), "{err:?}");
    }
}

/// An escalation shows on the item it became only as far as the item it came from is public: a
/// matter sent from an agenda not yet published, accepted onto another committee's agenda that is
/// then published, does not tell the public where it came from or why.
pub async fn an_accepted_escalation_shows_only_as_far_as_its_source_is_public(store: &dyn Store) {
    let s = escalation_scene(store).await;
    let mut w = store.begin().await.unwrap();
    let unpublished = meeting(
        w.as_mut(),
        s.c.scrutiny,
        "2021-11-01 14:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let from = item(w.as_mut(), unpublished, "4", "Care home closures", None).await;
    let sent = w
        .send_escalation(from, s.c.cabinet, &text("Closures not yet announced"))
        .await
        .unwrap();
    let proposed = w.accept_escalation(sent, s.open).await.unwrap();
    w.set_meeting_status(s.open, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.commit().await.unwrap();

    let escalated_from = |record: &MeetingRecord| {
        open_items(record)
            .into_iter()
            .find(|i| i.item.id == proposed)
            .map(|i| i.escalated_from.as_ref().map(|e| e.escalation.id))
    };
    let clerk = store
        .meeting_record(s.open, Audience::Privileged)
        .await
        .unwrap();
    assert_eq!(escalated_from(&clerk), Some(Some(sent)));
    let public = store
        .meeting_record(s.open, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        escalated_from(&public),
        Some(None),
        "the public sees the item but not the escalation from an unpublished agenda"
    );
}
