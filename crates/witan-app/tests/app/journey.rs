//! The whole journey: a clerk runs a meeting from scheduling to corrected minutes.

use super::*;

#[tokio::test]
async fn a_clerk_runs_a_meeting_from_scheduling_to_corrected_minutes() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let clerk = &world.clerk;
    let now = minute_now();
    let today = london_date(now);

    // A future Cabinet meeting, and a Scrutiny meeting that has started, so it can be held.
    let cabinet_start = now + Duration::days(14);
    let cabinet_meeting = ws
        .schedule_meeting(clerk, &new_meeting(world.cabinet, cabinet_start), now)
        .await
        .unwrap();
    let start = now - Duration::hours(3);
    let m = ws
        .schedule_meeting(clerk, &new_meeting(world.scrutiny, start), now)
        .await
        .unwrap();
    let stored = store.meeting(m).await.unwrap();
    assert_eq!(stored.record, new_meeting(world.scrutiny, start));
    assert_eq!(
        store.meeting(cabinet_meeting).await.unwrap().times.start(),
        cabinet_start
    );

    // The agenda: an item starting a new issue, one of an existing issue, an exempt one.
    let care = ws
        .add_item(
            clerk,
            m,
            &new_item(
                "1",
                "Domiciliary care workforce",
                IssueChoice::New(title("Domiciliary care market sustainability")),
                Visibility::Public,
            ),
            now,
        )
        .await
        .unwrap();
    let integration = ws
        .add_item(
            clerk,
            m,
            &new_item(
                "2",
                "Health and Social Care Integration - STP update",
                IssueChoice::Existing(world.existing_issue),
                Visibility::Public,
            ),
            now,
        )
        .await
        .unwrap();
    let land = ws
        .add_item(
            clerk,
            m,
            &new_item(
                "3",
                "Disposal of land at Moss Lane",
                IssueChoice::None,
                exempt(3),
            ),
            now,
        )
        .await
        .unwrap();
    let care_item = store.item(care).await.unwrap();
    assert_eq!((care_item.meeting, care_item.position), (m, 1));
    let new_issue = care_item.issue.expect("the item starts an issue");
    assert_ne!(new_issue, world.existing_issue);
    assert_eq!(
        store
            .issue_record(new_issue, Audience::Privileged)
            .await
            .unwrap()
            .issue
            .title
            .as_str(),
        "Domiciliary care market sustainability"
    );
    let integration_item = store.item(integration).await.unwrap();
    assert_eq!(integration_item.position, 2);
    assert_eq!(integration_item.issue, Some(world.existing_issue));
    let history = store
        .issue_record(world.existing_issue, Audience::Privileged)
        .await
        .unwrap()
        .history;
    assert_eq!(
        history.len(),
        1,
        "the existing issue's history has the item"
    );
    assert_eq!(history[0].meeting.id, m);
    assert_eq!(history[0].item.number().as_str(), "2");
    let land_item = store.item(land).await.unwrap();
    assert_eq!(land_item.position, 3);
    assert_eq!(land_item.visibility, exempt(3));
    assert_eq!(land_item.issue, None);
    assert!(
        store
            .meeting_record(m, Audience::Public)
            .await
            .unwrap()
            .agenda
            .is_none(),
        "the public does not see an agenda before it is published"
    );

    // Publish the agenda.
    let before_publishing = Utc::now() - Duration::seconds(2);
    ws.set_meeting_status(clerk, m, MeetingStatus::AgendaPublished, now)
        .await
        .unwrap();
    let published = store.meeting(m).await.unwrap();
    assert_eq!(published.status, MeetingStatus::AgendaPublished);
    let published_at = published.agenda_published.expect("publication recorded");
    assert!(
        published_at >= before_publishing && published_at <= Utc::now() + Duration::seconds(2),
        "publication time {published_at}"
    );
    let public = store.meeting_record(m, Audience::Public).await.unwrap();
    let agenda = public
        .agenda
        .as_ref()
        .expect("a published agenda is public");
    assert_eq!(agenda.len(), 3);
    assert!(
        matches!(&agenda[2], ItemEntry::Withheld { id, label, .. } if *id == land && label == "Exempt — paragraph 3"),
        "{:?}",
        agenda[2]
    );

    // Hold it and write the minutes (a draft, then the agreed text).
    ws.set_meeting_status(clerk, m, MeetingStatus::Held, now)
        .await
        .unwrap();
    assert_eq!(store.meeting(m).await.unwrap().status, MeetingStatus::Held);
    let draft = minutes("A first draft.", &["the report be noted"]);
    ws.record_minutes(clerk, care, &draft, now).await.unwrap();
    let agreed = minutes(
        "The committee discussed the recruitment and retention of care workers.",
        &["the report be noted", "the matter be escalated to Cabinet"],
    );
    ws.record_minutes(clerk, care, &agreed, now).await.unwrap();
    let integration_minutes = minutes("Progress was reported.", &["the update be noted"]);
    ws.record_minutes(clerk, integration, &integration_minutes, now)
        .await
        .unwrap();
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::MinutesDraft
    );
    let record = store.meeting_record(m, Audience::Privileged).await.unwrap();
    assert_eq!(
        open_item(&record, care).minutes,
        Some((1, agreed.clone())),
        "rewriting draft minutes replaces them"
    );
    assert_eq!(
        open_item(&record, care)
            .minutes
            .as_ref()
            .unwrap()
            .1
            .resolution
            .numbered()
            .map(|(n, p)| format!("{n}. {p}"))
            .collect::<Vec<_>>(),
        [
            "i. the report be noted",
            "ii. the matter be escalated to Cabinet"
        ]
    );

    // A key decision (subject to call-in for 5 working days) and one that is not.
    let key = ws
        .record_decision(
            clerk,
            care,
            title("Commission additional home care capacity"),
            text("Approved going off framework for 41 additional packages."),
            true,
            now,
        )
        .await
        .unwrap();
    let decided_on = london_date(start);
    let deadline = add_working_days(decided_on, 5);
    assert!(
        !matches!(deadline.weekday(), Weekday::Sat | Weekday::Sun)
            && (5..=9).contains(&(deadline - decided_on).num_days()),
        "{decided_on} + 5 working days = {deadline}"
    );
    let decision = store.decision(key).await.unwrap();
    assert_eq!(
        decision.record,
        Decision {
            item: Some(care),
            maker: DecisionMaker::Committee(world.scrutiny),
            decided_on,
            title: title("Commission additional home care capacity"),
            text: text("Approved going off framework for 41 additional packages."),
            key_decision: true,
            call_in: CallIn::Subject { deadline },
            status: DecisionStatus::Made,
        }
    );
    let plain = ws
        .record_decision(
            clerk,
            integration,
            title("Note the STP update"),
            Text::default(),
            false,
            now,
        )
        .await
        .unwrap();
    let plain_decision = store.decision(plain).await.unwrap();
    assert!(!plain_decision.key_decision);
    assert_eq!(plain_decision.call_in, CallIn::NotSubject);
    assert_eq!(plain_decision.decided_on, decided_on);
    assert_eq!(plain_decision.item, Some(integration));

    // An action with an owner and a due date; re-rated, then done.
    let due = today + Duration::days(28);
    let action = ws
        .add_action(
            clerk,
            care,
            &NewAction {
                description: text("Report on the recruitment campaign"),
                owner: Some(world.officer_person),
                due_on: Some(due),
            },
            now,
        )
        .await
        .unwrap();
    let raised = store.action(action).await.unwrap();
    assert_eq!(
        raised.action.record,
        Action {
            meeting: m,
            item: Some(care),
            description: text("Report on the recruitment campaign"),
            owner: Some(ActionOwner::Person(world.officer_person)),
            due_on: Some(due),
            status: ActionStatus::Open,
            rag: Rag::Green,
            closed_on: None,
        }
    );
    assert_eq!(raised.owner_name.as_deref(), Some("Mike Kirby"));
    assert_eq!(raised.raised_at, m);
    let delayed = ActionUpdate {
        on: today,
        text: text("The campaign is a month late."),
        rag: Some(Rag::Amber),
    };
    ws.update_action(clerk, action, &delayed, ActionStatus::Open, now)
        .await
        .unwrap();
    let updated = store.action(action).await.unwrap();
    assert_eq!(
        (updated.action.rag, updated.action.status),
        (Rag::Amber, ActionStatus::Open)
    );
    assert_eq!(updated.updates, std::slice::from_ref(&delayed));
    let closed_on = today + Duration::days(1);
    let done = ActionUpdate {
        on: closed_on,
        text: text("The campaign launched."),
        rag: Some(Rag::Green),
    };
    ws.update_action(clerk, action, &done, ActionStatus::Done, now)
        .await
        .unwrap();
    let closed = store.action(action).await.unwrap();
    assert_eq!(closed.action.status, ActionStatus::Done);
    assert_eq!(closed.action.closed_on, Some(closed_on));
    assert_eq!(closed.action.rag, Rag::Green);
    assert_eq!(closed.updates, [delayed, done]);

    // Escalate the care item to Cabinet: a proposal, until Cabinet's clerk accepts it onto a
    // meeting; then a proposed item there, linked both ways.
    let reason = text("Going off framework needs a Cabinet decision");
    let escalation = ws
        .send_escalation(clerk, care, world.cabinet, &reason, now)
        .await
        .unwrap();
    let sent = store.escalation(escalation).await.unwrap();
    assert_eq!(sent.escalation.state, EscalationState::Pending);
    assert_eq!(sent.escalation.from_item, care);
    assert_eq!(sent.escalation.reason, reason);
    assert_eq!(sent.from_meeting, m);
    assert_eq!(sent.from_committee.id, world.scrutiny);
    assert_eq!(sent.to_committee.id, world.cabinet);
    assert_eq!(sent.target_meeting, None);
    let proposed = ws
        .accept_escalation(&world.cabinet_clerk, escalation, cabinet_meeting, now)
        .await
        .unwrap();
    let sent = store.escalation(escalation).await.unwrap();
    assert_eq!(sent.escalation.state, EscalationState::Accepted);
    assert_eq!(sent.escalation.target_item, Some(proposed));
    assert_eq!(sent.target_meeting, Some(cabinet_meeting));
    let target = store
        .meeting_record(cabinet_meeting, Audience::Privileged)
        .await
        .unwrap();
    let proposed_record = open_item(&target, proposed);
    assert!(
        proposed_record
            .item
            .title
            .as_str()
            .contains("Domiciliary care workforce"),
        "{}",
        proposed_record.item.title
    );
    assert_eq!(
        proposed_record
            .escalated_from
            .as_ref()
            .map(|e| e.escalation.id),
        Some(escalation)
    );
    let source = store.meeting_record(m, Audience::Privileged).await.unwrap();
    let forward = &open_item(&source, care).escalations_sent;
    assert_eq!(forward.len(), 1);
    assert_eq!(forward[0].escalation.id, escalation);
    assert_eq!(forward[0].target_meeting, Some(cabinet_meeting));

    // Cabinet's clerk considers it.
    let considered_on = london_date(cabinet_start);
    ws.consider_escalation(&world.cabinet_clerk, escalation, considered_on, now)
        .await
        .unwrap();
    let considered = store.escalation(escalation).await.unwrap();
    assert_eq!(considered.escalation.state, EscalationState::Considered);
    assert_eq!(considered.escalation.considered_on, Some(considered_on));
    assert_eq!(considered.escalation.target_item, Some(proposed));
    assert_eq!(considered.target_meeting, Some(cabinet_meeting));
    let source = store.meeting_record(m, Audience::Privileged).await.unwrap();
    assert_eq!(
        open_item(&source, care).escalations_sent[0]
            .escalation
            .state,
        EscalationState::Considered,
        "the sending side sees it considered"
    );
    let target = store
        .meeting_record(cabinet_meeting, Audience::Privileged)
        .await
        .unwrap();
    assert_eq!(
        open_item(&target, proposed)
            .escalated_from
            .as_ref()
            .map(|e| e.escalation.state),
        Some(EscalationState::Considered),
        "the receiving side links back"
    );

    // Sign off: the minutes are locked, and a correction is a second version.
    let chair = title("County Councillor Ann Jones");
    let signed = ws.sign_off(clerk, m, &chair, today, now).await.unwrap();
    assert_eq!(
        (signed.version, &signed.by, signed.on, &signed.reason),
        (1, &chair, today, &None)
    );
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::MinutesSignedOff
    );
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "recording minutes after sign-off",
        ws.record_minutes(clerk, care, &minutes("Rewritten history.", &[]), now)
            .await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    let correction = minutes(
        "The committee discussed the recruitment and retention of 41 care workers.",
        &["the report be noted", "the matter be escalated to Cabinet"],
    );
    let why = text("The number of care workers was missing.");
    let corrected = ws
        .correct_minutes(
            clerk,
            m,
            &Correction {
                corrections: vec![(care, correction.clone())],
                by: chair.clone(),
                on: today,
                reason: why.clone(),
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(corrected.version, 2);
    assert_eq!(corrected.reason.as_ref(), Some(&why));
    assert_eq!(
        store
            .minutes_versions(care, Audience::Privileged)
            .await
            .unwrap(),
        [(1, agreed.clone()), (2, correction.clone())],
        "both versions stay readable"
    );
    let record = store.meeting_record(m, Audience::Privileged).await.unwrap();
    assert_eq!(record.sign_offs.len(), 2);
    assert_eq!(
        open_item(&record, care).minutes,
        Some((2, correction.clone()))
    );
    assert_eq!(
        open_item(&record, integration).minutes,
        Some((1, integration_minutes.clone())),
        "an uncorrected item keeps version 1"
    );

    // The audit log: every change, newest first, by who made it, at the time given.
    let log = audit_log(store).await;
    let got: Vec<(&str, &str, &str, i64)> = log
        .iter()
        .map(|r| {
            (
                r.entry.by.as_str(),
                r.entry.action.as_str(),
                r.entry.record.as_str(),
                r.entry.record_id,
            )
        })
        .collect();
    let mut expected = vec![
        (CLERK, "schedule meeting", "meeting", cabinet_meeting.get()),
        (CLERK, "schedule meeting", "meeting", m.get()),
        (CLERK, "start issue", "issue", new_issue.get()),
        (CLERK, "add agenda item", "item", care.get()),
        (CLERK, "add agenda item", "item", integration.get()),
        (CLERK, "add agenda item", "item", land.get()),
        (CLERK, "publish agenda", "meeting", m.get()),
        (CLERK, "mark meeting held", "meeting", m.get()),
        (CLERK, "record minutes", "item", care.get()),
        (CLERK, "record minutes", "item", care.get()),
        (CLERK, "record minutes", "item", integration.get()),
        (CLERK, "record decision", "decision", key.get()),
        (CLERK, "record decision", "decision", plain.get()),
        (CLERK, "add action", "action", action.get()),
        (CLERK, "update action", "action", action.get()),
        (CLERK, "update action", "action", action.get()),
        (CLERK, "send escalation", "escalation", escalation.get()),
        (
            CABINET_CLERK,
            "accept escalation",
            "escalation",
            escalation.get(),
        ),
        (
            CABINET_CLERK,
            "consider escalation",
            "escalation",
            escalation.get(),
        ),
        (CLERK, "sign off minutes", "meeting", m.get()),
        (CLERK, "correct minutes", "meeting", m.get()),
    ];
    expected.reverse();
    assert_eq!(got, expected);
    assert!(log.iter().all(|r| r.entry.at == now), "entries carry `now`");
    assert!(
        log.windows(2).all(|w| w[0].id > w[1].id),
        "newest first by position in the log"
    );

    // Before and after, where the use case gives them (entries by position, oldest = last).
    let entry = |i: usize| &log[log.len() - 1 - i].entry;
    let scheduled = entry(1);
    assert!(scheduled.before.is_none());
    let after = json(scheduled.after.as_ref());
    assert_eq!(after["committee"], world.scrutiny.get());
    assert_eq!(after["status"], "scheduled");
    assert_eq!(after["location"], "County Hall, Preston");
    let started = json(entry(2).after.as_ref());
    assert_eq!(started["title"], "Domiciliary care market sustainability");
    assert_eq!(
        json(entry(4).after.as_ref())["issue"],
        world.existing_issue.get()
    );
    let publish = entry(6);
    assert_eq!(json(publish.before.as_ref()), "scheduled");
    assert_eq!(json(publish.after.as_ref()), "agenda_published");
    let held = entry(7);
    assert_eq!(json(held.before.as_ref()), "agenda_published");
    assert_eq!(json(held.after.as_ref()), "held");
    assert!(
        entry(8).before.is_none(),
        "first minutes have nothing before"
    );
    let rewrite = entry(9);
    assert_eq!(json(rewrite.before.as_ref())["text"], "A first draft.");
    assert_eq!(
        json(rewrite.after.as_ref())["resolution"]["points"][1],
        "the matter be escalated to Cabinet"
    );
    let decided = json(entry(11).after.as_ref());
    assert_eq!(decided["key_decision"], true);
    assert_eq!(decided["call_in"]["deadline"], deadline.to_string());
    let first_update = entry(14);
    let was = json(first_update.before.as_ref());
    assert_eq!(
        (&was["status"], &was["rag"]),
        (&"open".into(), &"green".into())
    );
    assert_eq!(
        json(first_update.after.as_ref())["text"],
        "The campaign is a month late."
    );
    assert_eq!(json(entry(15).before.as_ref())["rag"], "amber");
    assert_eq!(json(entry(17).before.as_ref())["state"], "pending");
    assert_eq!(
        json(entry(17).after.as_ref()),
        serde_json::json!([cabinet_meeting.get(), proposed.get()]),
        "the meeting it was accepted onto and the proposed item"
    );
    assert_eq!(json(entry(18).before.as_ref())["state"], "accepted");
    assert_eq!(
        json(entry(18).after.as_ref()),
        considered_on.to_string(),
        "the date it was considered"
    );
    assert_eq!(json(entry(19).after.as_ref())["version"], 1);
    let correction_entry = json(entry(20).after.as_ref());
    assert!(
        correction_entry
            .to_string()
            .contains("The number of care workers was missing.")
            && correction_entry.to_string().contains("41 care workers"),
        "{correction_entry}"
    );
}
