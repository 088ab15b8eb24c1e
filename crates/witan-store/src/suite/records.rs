//! Records round trip; references and lifecycles are checked before anything is written.

#![allow(clippy::unwrap_used)]

use super::*;

pub async fn records_round_trip(store: &dyn Store) {
    let generation = store.generation().await.unwrap();
    let commits = store.local_commits();
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let icb = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-icb").unwrap(),
            name: title("Northshire Integrated Care Board"),
            kind: OrganisationKind::IntegratedCareBoard,
        })
        .await
        .unwrap();
    let joint = Committee {
        slug: Slug::parse("slug", "health-and-wellbeing-board").unwrap(),
        name: title("Health and Wellbeing Board"),
        purpose: text("Joint board of the council and the ICB."),
        owners: CommitteeOwners::joint("owners", vec![c.org, icb]).unwrap(),
        parent: None,
    };
    let joint_id = w.create_committee(&joint).await.unwrap();
    let membership = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2021-05-20"),
        None,
    )
    .unwrap();
    w.create_membership(&membership).await.unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    w.record_attendance(m, c.chair, AttendanceKind::Present)
        .await
        .unwrap();
    let i = item(
        w.as_mut(),
        m,
        "7",
        "Health and Social Care Integration",
        None,
    )
    .await;
    w.create_document(&Document {
        item: Some(i),
        issue: None,
        name: title("Report of the Director of Corporate Commissioning"),
        media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
        size_bytes: 147_456,
        sha256: Some(Sha256::parse("sha256", &"0f".repeat(32)).unwrap()),
        text: text("Sustainability and Transformation Plan"),
        visibility: Visibility::Public,
    })
    .await
    .unwrap();
    w.commit().await.unwrap();
    assert!(
        store.generation().await.unwrap() > generation,
        "a commit moves the generation on"
    );
    assert_eq!(store.local_commits(), commits + 1);

    assert_eq!(store.committee(joint_id).await.unwrap().record, joint);
    let by_slug = store.committee_by_slug("executive-scrutiny").await.unwrap();
    assert_eq!(by_slug.parent, Some(c.cabinet));
    assert!(matches!(
        store.committee_by_slug("nope").await,
        Err(StoreError::NotFound { .. })
    ));
    let members = store.memberships(c.cabinet).await.unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].membership.record, membership);

    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    assert_eq!(record.meeting.times.start(), at("2016-04-14 10:00"));
    assert_eq!(record.committee.id, c.cabinet);
    assert_eq!(record.attendance[0].kind, AttendanceKind::Present);
    let attended = store.attendance(c.chair, Page::first(10)).await.unwrap();
    assert_eq!(attended.len(), 1);
    assert_eq!(
        (attended[0].0.meeting.id, attended[0].1),
        (m, AttendanceKind::Present)
    );
    assert!(
        store
            .attendance(c.chair, Page::new(1, 10))
            .await
            .unwrap()
            .is_empty()
    );
    let items = open_items(&record);
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].item.number.as_str(), "7");
    assert_eq!(items[0].documents[0].size_label(), "PDF 144 KB");
    let counts = store.counts().await.unwrap();
    assert_eq!(
        (counts.organisations, counts.committees, counts.agenda_items),
        (2, 3, 1)
    );
}

pub async fn invalid_references_name_the_record_and_leave_nothing(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    w.commit().await.unwrap();
    let before = store.counts().await.unwrap();
    let generation = store.generation().await.unwrap();

    // A unit of work that breaks a reference fails, names the record, and leaves nothing behind
    // (a backend may report it at the call or at commit).
    let mut w = store.begin().await.unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    item(w.as_mut(), m, "1", "Apologies", None).await;
    let dangling = AgendaItem {
        meeting: m,
        position: 2,
        number: ItemNumber::parse("number", "2").unwrap(),
        title: title("Minutes"),
        issue: Some(Id::new(999_999)),
        visibility: Visibility::Public,
    };
    let err = match w.create_item(&dangling).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    match &err {
        StoreError::Invalid(e) => assert!(e.field.starts_with("agenda_item"), "{e}"),
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert_eq!(store.counts().await.unwrap(), before);

    let mut w = store.begin().await.unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    item(w.as_mut(), m, "1", "Apologies", None).await;
    let again = AgendaItem {
        issue: None,
        ..dangling
    };
    let again = AgendaItem {
        number: ItemNumber::parse("number", "1").unwrap(),
        ..again
    };
    let duplicate = match w.create_item(&again).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    assert!(
        matches!(duplicate, StoreError::Conflict(_)),
        "{duplicate:?}"
    );
    assert_eq!(store.counts().await.unwrap(), before);

    // The same slug twice is a conflict naming the field.
    let mut w = store.begin().await.unwrap();
    let cabinet_again = Committee {
        slug: Slug::parse("slug", "cabinet").unwrap(),
        name: title("Cabinet"),
        purpose: Text::default(),
        owners: CommitteeOwners::Single(c.org),
        parent: None,
    };
    let err = match w.create_committee(&cabinet_again).await {
        Err(e) => e,
        Ok(_) => w.commit().await.unwrap_err(),
    };
    assert!(err.to_string().contains("committees.slug"), "{err}");
    assert_eq!(
        store.generation().await.unwrap(),
        generation,
        "failed units of work change nothing"
    );
}

pub async fn meeting_lifecycle_rules(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let i = item(w.as_mut(), m, "7", "Budget", None).await;
    // Minutes before the meeting is held are refused.
    let err = w
        .record_minutes(i, &minutes("Too early.", &[]))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Rule(_)), "{err:?}");
    w.set_meeting_status(m, MeetingStatus::Cancelled)
        .await
        .unwrap();
    let err = w
        .sign_off_minutes(m, &title("Chair"), None, date("2016-05-01"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(_)),
        "a cancelled meeting was signed off: {err:?}"
    );
    let err = w
        .set_meeting_status(m, MeetingStatus::Held)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MeetingTransition { .. })),
        "{err:?}"
    );
    w.set_meeting_status(m, MeetingStatus::Scheduled)
        .await
        .unwrap();
    let before = chrono::Utc::now() - chrono::Duration::seconds(1);
    w.set_meeting_status(m, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.set_meeting_status(m, MeetingStatus::Held).await.unwrap();
    w.record_minutes(i, &minutes("Noted.", &["the report be noted"]))
        .await
        .unwrap();
    w.commit().await.unwrap();
    // Publishing the agenda stamps when it happened, and the meeting leads the list of
    // recently published agendas; a meeting never published is not on it.
    let published = store.meeting(m).await.unwrap().agenda_published;
    assert!(
        published.is_some_and(|t| t >= before),
        "agenda publication not recorded: {published:?}"
    );
    let recent = store
        .meetings(
            None,
            When::AgendaPublishedBy(chrono::Utc::now() + chrono::Duration::seconds(1)),
            Page::first(10),
        )
        .await
        .unwrap();
    let ids: Vec<MeetingId> = recent.iter().map(|s| s.meeting.id).collect();
    assert_eq!(ids, vec![m], "recently published agendas");
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::MinutesDraft
    );
    let err = store
        .begin()
        .await
        .unwrap()
        .set_meeting_status(Id::new(424_242), MeetingStatus::Held)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound { .. }));
}

/// The store answers a ping (a statement run for its effect that returns a row), and two units of
/// work begun at once queue: the second begins once the first has ended, and both land.
pub async fn a_ping_answers_and_units_of_work_queue(store: &dyn Store) {
    store.ping().await.unwrap();
    let generation = store.generation().await.unwrap();
    let mut first = store.begin().await.unwrap();
    council(first.as_mut()).await;
    let order = std::sync::Mutex::new(Vec::new());
    let second = async {
        let w = store.begin().await.unwrap();
        order.lock().unwrap().push("second began");
        w.commit().await.unwrap();
    };
    let first_ends = async {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        order.lock().unwrap().push("first committed");
        first.commit().await.unwrap();
    };
    tokio::join!(second, first_ends);
    assert_eq!(
        *order.lock().unwrap(),
        ["first committed", "second began"],
        "a unit of work began while another held the write lock"
    );
    assert_eq!(store.organisations().await.unwrap().len(), 1);
    assert!(store.generation().await.unwrap() > generation);
    store.ping().await.unwrap();
}
