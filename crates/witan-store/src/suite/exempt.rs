//! Exempt content, and the documents a public reader may see.

#![allow(clippy::unwrap_used)]

use super::*;

pub async fn exempt_content_is_withheld_from_the_public(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let issue = w
        .create_issue(&Issue {
            title: title("Disposal of land at Moss Lane"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let public = item(w.as_mut(), m, "1", "Capital Programme", None).await;
    let exempt = w
        .create_item(&AgendaItem {
            meeting: m,
            position: 2,
            number: ItemNumber::parse("number", "2").unwrap(),
            title: title("SECRET-TITLE Disposal of land at Moss Lane"),
            issue: Some(issue),
            visibility: Visibility::Exempt(Exemption {
                ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                review_on: Some(date("2022-10-21")),
            }),
        })
        .await
        .unwrap();
    let document = |item, name: &str, visibility| Document {
        item: Some(item),
        issue: None,
        name: title(name),
        media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
        size_bytes: 1000,
        sha256: Some(Sha256::parse("sha256", &"aa".repeat(32)).unwrap()),
        text: text(&format!("{name}: the report's text")),
        visibility,
    };
    let appendix_exempt = Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("g", 3).unwrap(),
        review_on: None,
    });
    w.create_document(&document(public, "Capital report", Visibility::Public))
        .await
        .unwrap();
    w.create_document(&document(
        public,
        "SECRET-APPENDIX valuation",
        appendix_exempt,
    ))
    .await
    .unwrap();
    w.create_document(&document(exempt, "SECRET-REPORT", Visibility::Public))
        .await
        .unwrap();
    w.create_action(&Action {
        meeting: m,
        item: Some(exempt),
        description: text("SECRET-ACTION negotiate price"),
        owner: None,
        due_on: None,
        status: ActionStatus::Open,
        rag: Rag::Red,
        closed_on: None,
    })
    .await
    .unwrap();
    let unpublished = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-11-18 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    item(
        w.as_mut(),
        unpublished,
        "1",
        "SECRET-DRAFT agenda item",
        None,
    )
    .await;
    let next = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-12-16 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let scrutiny = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-11-02 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let escalated = w
        .send_escalation(
            exempt,
            c.scrutiny,
            &text("SECRET-ESCALATION of the valuation"),
        )
        .await
        .unwrap();
    w.accept_escalation(escalated, scrutiny).await.unwrap();
    w.set_meeting_status(scrutiny, MeetingStatus::AgendaPublished)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let public_escalations = store
        .escalations(
            c.scrutiny,
            Direction::Received,
            Audience::Public,
            Page::first(10),
        )
        .await
        .unwrap();
    assert!(
        public_escalations.is_empty(),
        "an escalation of an exempt item reached the public"
    );
    let private = store
        .escalations(
            c.scrutiny,
            Direction::Received,
            Audience::Privileged,
            Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(private.len(), 1);
    let proposed = store
        .meeting_record(scrutiny, Audience::Public)
        .await
        .unwrap();
    assert!(
        format!("{proposed:?}").find("SECRET").is_none(),
        "the proposed item of an exempt escalation is exempt too"
    );
    assert!(
        matches!(
            proposed.agenda.as_deref(),
            Some([ItemEntry::Withheld { .. }])
        ),
        "{proposed:?}"
    );

    let seen = format!(
        "{:?}{:?}{:?}",
        store.meeting_record(m, Audience::Public).await.unwrap(),
        store
            .meeting_record(unpublished, Audience::Public)
            .await
            .unwrap(),
        store.meeting_record(next, Audience::Public).await.unwrap(),
    );
    // The issue's only items are exempt or not yet on a public agenda: its title is content, so
    // for the public the issue is not there at all.
    assert!(
        matches!(
            store.issue_record(issue, Audience::Public).await,
            Err(StoreError::NotFound { .. })
        ),
        "an issue with no public item reached the public"
    );
    assert!(
        !seen.contains("SECRET"),
        "exempt content reached the public: {seen}"
    );
    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    let agenda = record.agenda.as_ref().unwrap();
    assert!(
        matches!(&agenda[1], ItemEntry::Withheld { label, .. } if label == "Exempt — paragraph 3"),
        "{:?}",
        agenda[1]
    );
    assert_eq!(open_items(&record)[0].documents.len(), 1);
    assert!(
        store
            .meeting_record(unpublished, Audience::Public)
            .await
            .unwrap()
            .agenda
            .is_none()
    );
    assert!(
        store
            .minutes_versions(exempt, Audience::Public)
            .await
            .unwrap()
            .is_empty()
    );

    let privileged = format!(
        "{:?}",
        store.meeting_record(m, Audience::Privileged).await.unwrap()
    );
    for secret in [
        "SECRET-TITLE",
        "SECRET-APPENDIX",
        "SECRET-REPORT",
        "SECRET-ACTION",
    ] {
        assert!(
            privileged.contains(secret),
            "{secret} hidden from a privileged reader"
        );
    }
}

/// A document reaches the public only when it, its item and its item's agenda are public; the
/// exempt register lists exempt items and documents, soonest review first.
pub async fn documents_by_audience_and_the_exempt_register(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let scheduled = meeting(
        w.as_mut(),
        c.cabinet,
        "2030-04-14 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let open = item(w.as_mut(), held, "7", "Step-down beds", None).await;
    let coming = item(w.as_mut(), scheduled, "1", "Budget", None).await;
    let exemption = |paragraph, review: Option<&str>| Exemption {
        ground: ExemptGround::schedule_12a("ground", paragraph).unwrap(),
        review_on: review.map(date),
    };
    let closed = w
        .create_item(&AgendaItem {
            meeting: held,
            position: 8,
            number: ItemNumber::parse("number", "8").unwrap(),
            title: title("Depot sale"),
            issue: None,
            visibility: Visibility::Exempt(exemption(3, Some("2027-01-01"))),
        })
        .await
        .unwrap();
    let doc = |item, name: &str, visibility: Visibility| Document {
        item: Some(item),
        issue: None,
        name: title(name),
        media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
        size_bytes: 1024,
        sha256: None,
        text: text("report text"),
        visibility,
    };
    let public = w
        .create_document(&doc(open, "Report", Visibility::Public))
        .await
        .unwrap();
    let appendix = w
        .create_document(&doc(
            open,
            "Appendix",
            Visibility::Exempt(exemption(1, None)),
        ))
        .await
        .unwrap();
    let on_exempt = w
        .create_document(&doc(closed, "Valuation", Visibility::Public))
        .await
        .unwrap();
    let unpublished = w
        .create_document(&doc(coming, "Draft budget", Visibility::Public))
        .await
        .unwrap();
    w.commit().await.unwrap();

    assert_eq!(
        store.document(public, Audience::Public).await.unwrap().name,
        title("Report")
    );
    for hidden in [appendix, on_exempt, unpublished] {
        assert!(
            matches!(
                store.document(hidden, Audience::Public).await,
                Err(StoreError::NotFound { .. })
            ),
            "document {hidden} reached the public"
        );
        store.document(hidden, Audience::Privileged).await.unwrap();
    }
    assert!(matches!(
        store.document(Id::new(999_999), Audience::Privileged).await,
        Err(StoreError::NotFound { .. })
    ));

    let register = store.exempt_register(Page::first(10)).await.unwrap();
    let listed: Vec<(&str, i64, Option<NaiveDate>)> = register
        .iter()
        .map(|e| (e.kind, e.id, e.exemption.review_on))
        .collect();
    assert_eq!(
        listed,
        [
            ("item", closed.get(), Some(date("2027-01-01"))),
            ("document", appendix.get(), None),
        ]
    );
    assert_eq!(register[0].meeting, Some(held));
    assert_eq!(register[0].committee.as_ref().unwrap().id, c.cabinet);

    // Every kind of record can be replaced in place, memberships included.
    let mut w = store.begin().await.unwrap();
    let joined = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2015-05-01"),
        None,
    )
    .unwrap();
    let id = w.create_membership(&joined).await.unwrap();
    let left = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2015-05-01"),
        Some(date("2019-05-01")),
    )
    .unwrap();
    w.replace(id.get(), Replacement::Membership(&left))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let stored = store.memberships(c.cabinet).await.unwrap();
    let found = stored.iter().find(|m| m.membership.id == id).unwrap();
    assert_eq!(found.membership.record, left);
}
