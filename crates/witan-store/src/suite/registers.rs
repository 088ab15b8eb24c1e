//! Decisions and their call-in, the registers and the forward plan.

#![allow(clippy::unwrap_used)]

use super::*;

pub async fn decision_call_in_rules(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::MinutesDraft,
    )
    .await;
    let i = item(w.as_mut(), m, "7", "STP operating principles", None).await;
    let decided_on = date("2016-04-14");
    let decision = Decision {
        item: Some(i),
        maker: DecisionMaker::Committee(c.cabinet),
        decided_on,
        title: title("Operating Principles agreed"),
        text: text("The Operating Principles set out in the report be agreed."),
        key_decision: true,
        call_in: CallIn::Subject {
            deadline: time::add_working_days(decided_on, 5),
        },
        status: DecisionStatus::Made,
    };
    let bad = Decision {
        call_in: CallIn::Subject {
            deadline: date("2016-04-01"),
        },
        ..decision.clone()
    };
    let err = w.create_decision(&bad).await.unwrap_err();
    assert!(
        err.to_string().contains("decision.call_in_deadline"),
        "{err}"
    );
    let id = w.create_decision(&decision).await.unwrap();
    let err = w
        .set_decision_status(id, DecisionStatus::Implemented, date("2016-04-20"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::DecisionTransition { .. })),
        "{err:?}"
    );
    w.set_decision_status(id, DecisionStatus::CalledIn, date("2016-04-20"))
        .await
        .unwrap();
    w.set_decision_status(id, DecisionStatus::Made, date("2016-05-03"))
        .await
        .unwrap();
    w.set_decision_status(id, DecisionStatus::Implemented, date("2016-05-04"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let stored = store.decision(id).await.unwrap();
    assert_eq!(stored.status, DecisionStatus::Implemented);
    assert_eq!(stored.call_in.deadline(), Some(date("2016-04-21")));
    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    assert_eq!(open_items(&record)[0].decisions[0].id, id);
}

pub async fn registers_filter_page_and_withhold(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let officer = w
        .create_person(&Person {
            name: title("Mike Kirby"),
            job_title: Some(title("Director")),
        })
        .await
        .unwrap();
    for (n, day) in ["2021-01-14", "2021-02-11", "2021-03-11"]
        .iter()
        .enumerate()
    {
        let m = meeting(
            w.as_mut(),
            c.cabinet,
            &format!("{day} 10:00"),
            MeetingStatus::MinutesDraft,
        )
        .await;
        let i = item(w.as_mut(), m, "1", &format!("Budget {n}"), None).await;
        let secret = w
            .create_item(&AgendaItem {
                meeting: m,
                position: 2,
                number: ItemNumber::parse("number", "2").unwrap(),
                title: title("SECRET land deal"),
                issue: None,
                visibility: Visibility::Exempt(Exemption {
                    ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                    review_on: None,
                }),
            })
            .await
            .unwrap();
        for (on, key, title_text) in [
            (i, n == 1, format!("Budget decision {n}")),
            (secret, true, format!("SECRET decision {n}")),
        ] {
            w.create_decision(&Decision {
                item: Some(on),
                maker: DecisionMaker::Committee(c.cabinet),
                decided_on: date(day),
                title: title(&title_text),
                text: Text::default(),
                key_decision: key,
                call_in: CallIn::NotSubject,
                status: DecisionStatus::Made,
            })
            .await
            .unwrap();
        }
        for (on, description) in [
            (i, format!("Report back on budget {n}")),
            (secret, format!("SECRET valuation {n}")),
        ] {
            w.create_action(&Action {
                meeting: m,
                item: Some(on),
                description: text(&description),
                owner: Some(ActionOwner::Person(officer)),
                due_on: Some(date(day) + chrono::Duration::days(30)),
                status: ActionStatus::Open,
                rag: if n == 0 { Rag::Red } else { Rag::Green },
                closed_on: None,
            })
            .await
            .unwrap();
        }
    }
    w.commit().await.unwrap();

    let all = store
        .decisions(
            &DecisionFilter::default(),
            Page::first(50),
            Audience::Public,
        )
        .await
        .unwrap();
    let titles: Vec<&str> = all.iter().map(|d| d.decision.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Budget decision 2",
            "Budget decision 1",
            "Budget decision 0"
        ],
        "newest first, exempt withheld"
    );
    assert_eq!(all[0].item_number.as_ref().unwrap().as_str(), "1");
    assert_eq!(all[0].committee.as_ref().unwrap().id, c.cabinet);
    let key = DecisionFilter {
        key_only: true,
        ..DecisionFilter::default()
    };
    let keyed = store
        .decisions(&key, Page::first(50), Audience::Public)
        .await
        .unwrap();
    assert_eq!(keyed.len(), 1);
    let window = DecisionFilter {
        from: Some(date("2021-02-01")),
        until: Some(date("2021-02-28")),
        ..DecisionFilter::default()
    };
    assert_eq!(
        store
            .decisions(&window, Page::first(50), Audience::Public)
            .await
            .unwrap()
            .len(),
        1
    );
    let other = DecisionFilter {
        committee: Some(c.scrutiny),
        ..DecisionFilter::default()
    };
    assert!(
        store
            .decisions(&other, Page::first(50), Audience::Public)
            .await
            .unwrap()
            .is_empty()
    );
    let second_page = store
        .decisions(
            &DecisionFilter::default(),
            Page::new(2, 2),
            Audience::Public,
        )
        .await
        .unwrap();
    assert_eq!(second_page.len(), 1);
    assert_eq!(
        store
            .decisions(
                &DecisionFilter::default(),
                Page::first(50),
                Audience::Privileged
            )
            .await
            .unwrap()
            .len(),
        6
    );

    let actions = store
        .actions(&ActionFilter::default(), Page::first(50), Audience::Public)
        .await
        .unwrap();
    assert_eq!(actions.len(), 3);
    assert!(
        format!("{actions:?}").find("SECRET").is_none(),
        "exempt actions withheld"
    );
    assert_eq!(actions[0].committee.id, c.cabinet);
    let red = ActionFilter {
        rag: Some(Rag::Red),
        ..ActionFilter::default()
    };
    assert_eq!(
        store
            .actions(&red, Page::first(50), Audience::Public)
            .await
            .unwrap()
            .len(),
        1
    );
    let overdue = ActionFilter {
        overdue_on: Some(date("2021-03-01")),
        ..ActionFilter::default()
    };
    let overdue = store
        .actions(&overdue, Page::first(50), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        overdue.len(),
        1,
        "only the January action was due before 1 March"
    );
    let mine = ActionFilter {
        owner: Some(officer),
        ..ActionFilter::default()
    };
    assert_eq!(
        store
            .actions(&mine, Page::first(2), Audience::Privileged)
            .await
            .unwrap()
            .len(),
        2
    );

    let person = store
        .person_record(officer, Audience::Public)
        .await
        .unwrap();
    assert_eq!(person.open_actions.len(), 3);
    assert!(person.memberships.is_empty());
    let chair = store
        .person_record(c.chair, Audience::Public)
        .await
        .unwrap();
    assert!(chair.meetings.is_empty());
    assert!(matches!(
        store.person_record(Id::new(99_999), Audience::Public).await,
        Err(StoreError::NotFound { .. })
    ));
}

pub async fn forward_plan_lists_what_is_coming(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    w.commit().await.unwrap();
    let entry = |name: &str, published: &str, expected: &str| ForwardPlanEntry {
        title: title(name),
        decision_maker: c.cabinet,
        issue: None,
        published_on: date(published),
        expected_on: date(expected),
    };
    // The domain refuses a decision expected before its notice, before anything is written.
    let mut w = store.begin().await.unwrap();
    let err = w
        .create_forward_plan_entry(&entry("Backwards", "2021-03-01", "2021-02-01"))
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("forward_plan.expected_on"),
        "{err}"
    );
    drop(w);

    let mut w = store.begin().await.unwrap();
    for (name, published, expected) in [
        ("Treasury Management Strategy", "2021-01-04", "2021-02-11"),
        ("Capital Programme", "2021-01-04", "2021-03-11"),
        ("Past decision", "2020-11-01", "2020-12-10"),
    ] {
        w.create_forward_plan_entry(&entry(name, published, expected))
            .await
            .unwrap();
    }
    w.commit().await.unwrap();
    let coming = store
        .forward_plan(None, date("2021-01-15"), Page::first(10))
        .await
        .unwrap();
    let titles: Vec<&str> = coming.iter().map(|e| e.entry.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Treasury Management Strategy", "Capital Programme"]
    );
    assert_eq!(coming[0].decision_maker.id, c.cabinet);
    assert!(
        store
            .forward_plan(Some(c.scrutiny), date("2021-01-15"), Page::first(10))
            .await
            .unwrap()
            .is_empty()
    );
}
