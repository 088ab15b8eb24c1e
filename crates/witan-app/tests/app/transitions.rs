//! Illegal transitions are refused and nothing is written.

use super::*;

#[tokio::test]
async fn illegal_transitions_are_refused_and_nothing_is_written() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let clerk = &world.clerk;
    let now = minute_now();
    let today = london_date(now);

    let mut w = store.begin().await.unwrap();
    let scheduled = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::hours(2),
        MeetingStatus::Scheduled,
    )
    .await;
    let scheduled_item = item_on(w.as_mut(), scheduled, 1, "Budget", Visibility::Public).await;
    let published = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::hours(1),
        MeetingStatus::AgendaPublished,
    )
    .await;
    let public_item = item_on(w.as_mut(), published, 1, "Capital", Visibility::Public).await;
    let signed = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::days(30),
        MeetingStatus::Held,
    )
    .await;
    let signed_item = item_on(w.as_mut(), signed, 1, "Month 6", Visibility::Public).await;
    w.record_minutes(signed_item, &minutes("Noted.", &["noted"]))
        .await
        .unwrap();
    w.sign_off_minutes(signed, &title("Chair"), None, today)
        .await
        .unwrap();
    let draft = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::days(3),
        MeetingStatus::Held,
    )
    .await;
    let draft_item = item_on(w.as_mut(), draft, 1, "Bed base", Visibility::Public).await;
    w.record_minutes(draft_item, &minutes("Discussed.", &[]))
        .await
        .unwrap();
    let decided_on = london_date(now - Duration::days(3));
    let not_key = w
        .create_decision(&Decision {
            item: Some(draft_item),
            maker: DecisionMaker::Committee(world.scrutiny),
            decided_on,
            title: title("Note the bed base"),
            text: Text::default(),
            key_decision: false,
            call_in: CallIn::NotSubject,
            status: DecisionStatus::Made,
        })
        .await
        .unwrap();
    let done_action = w
        .create_action(&Action {
            meeting: draft,
            item: Some(draft_item),
            description: text("Find 41 step-down beds"),
            owner: None,
            due_on: None,
            status: ActionStatus::Done,
            rag: Rag::Green,
            closed_on: Some(today),
        })
        .await
        .unwrap();
    let cabinet_next = meeting_at(
        w.as_mut(),
        world.cabinet,
        now + Duration::days(7),
        MeetingStatus::Scheduled,
    )
    .await;
    let considered = w
        .send_escalation(draft_item, world.cabinet, &text("Needs Cabinet"))
        .await
        .unwrap();
    w.accept_escalation(considered, cabinet_next).await.unwrap();
    w.consider_escalation(considered, today).await.unwrap();
    // The ICB board has not answered this one.
    let waiting = w
        .send_escalation(draft_item, world.icb_board, &text("For the ICB"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    let before = snapshot(store).await;

    let transition = |from: &'static str, to: &'static str| {
        move |e: &Error| rule(e) == Some(&RuleError::MeetingTransition { from, to })
    };
    let other = |e: &Error| matches!(rule(e), Some(RuleError::Other(_)));
    let chair = title("Chair");

    assert_refused(
        store,
        &before,
        "publishing an agenda twice",
        ws.set_meeting_status(clerk, published, MeetingStatus::AgendaPublished, now)
            .await,
        transition("agenda_published", "agenda_published"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "holding a meeting whose agenda is not published",
        ws.set_meeting_status(clerk, scheduled, MeetingStatus::Held, now)
            .await,
        transition("scheduled", "held"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "signing off a scheduled meeting",
        ws.sign_off(clerk, scheduled, &chair, today, now).await,
        transition("scheduled", "minutes_signed_off"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "signing off a meeting not yet held",
        ws.sign_off(clerk, published, &chair, today, now).await,
        transition("agenda_published", "minutes_signed_off"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "signing off twice",
        ws.sign_off(clerk, signed, &chair, today, now).await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    assert_refused(
        store,
        &before,
        "recording minutes before the meeting is held",
        ws.record_minutes(clerk, public_item, &minutes("Too early.", &[]), now)
            .await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "recording minutes after sign-off",
        ws.record_minutes(clerk, signed_item, &minutes("Rewritten.", &[]), now)
            .await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    for (what, item) in [
        (
            "recording a decision at a scheduled meeting",
            scheduled_item,
        ),
        (
            "recording a decision before the meeting is held",
            public_item,
        ),
        ("recording a decision after sign-off", signed_item),
    ] {
        assert_refused(
            store,
            &before,
            what,
            ws.record_decision(clerk, item, title("Too early"), Text::default(), true, now)
                .await,
            other,
        )
        .await;
    }
    assert_refused(
        store,
        &before,
        "adding an item to a signed-off meeting",
        ws.add_item(
            clerk,
            signed,
            &new_item(
                "2",
                "Late item",
                IssueChoice::New(title("A new issue that must not be created")),
                Visibility::Public,
            ),
            now,
        )
        .await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "releasing an item that is already public",
        ws.release_item(clerk, public_item, now).await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "considering an escalation twice",
        ws.consider_escalation(clerk, considered, today, now).await,
        |e| rule(e) == Some(&RuleError::EscalationClosed),
    )
    .await;
    assert_refused(
        store,
        &before,
        "considering an escalation that is on no agenda yet",
        ws.consider_escalation(&world.icb_clerk, waiting, today, now)
            .await,
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "accepting an escalation onto a meeting of another committee",
        ws.accept_escalation(&world.icb_clerk, waiting, cabinet_next, now)
            .await
            .map(drop),
        other,
    )
    .await;
    assert_refused(
        store,
        &before,
        "accepting an escalation that was considered",
        ws.accept_escalation(clerk, considered, cabinet_next, now)
            .await
            .map(drop),
        |e| rule(e) == Some(&RuleError::EscalationClosed),
    )
    .await;
    assert_refused(
        store,
        &before,
        "declining an escalation without a reason",
        ws.decline_escalation(&world.icb_clerk, waiting, &Text::default(), now)
            .await,
        |e| invalid_field(e) == Some("escalation.decline_reason"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "correcting minutes that are not signed off",
        ws.correct_minutes(
            clerk,
            draft,
            &Correction {
                corrections: vec![(draft_item, minutes("Fixed.", &[]))],
                by: chair.clone(),
                on: today,
                reason: text("A typo."),
            },
            now,
        )
        .await,
        |e| rule(e) == Some(&RuleError::MinutesNotSignedOff),
    )
    .await;
    assert_refused(
        store,
        &before,
        "correcting minutes without a reason",
        ws.correct_minutes(
            clerk,
            signed,
            &Correction {
                corrections: vec![(signed_item, minutes("Fixed.", &[]))],
                by: chair.clone(),
                on: today,
                reason: Text::default(),
            },
            now,
        )
        .await,
        |e| invalid_field(e) == Some("sign_off.reason"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "editing a meeting whose minutes are signed off",
        ws.edit_meeting(
            clerk,
            signed,
            &version_of(&store.meeting(signed).await.unwrap().record),
            MeetingTimes::new(now, None).unwrap(),
            None,
            now,
        )
        .await,
        |e| rule(e) == Some(&RuleError::MinutesLocked),
    )
    .await;
    assert_refused(
        store,
        &before,
        "calling in a decision that is not subject to call-in",
        ws.set_decision_status(clerk, not_key, DecisionStatus::CalledIn, today, now)
            .await,
        |e| matches!(rule(e), Some(RuleError::DecisionTransition { .. })),
    )
    .await;
    // The update is written before the status change is refused: both must go.
    assert_refused(
        store,
        &before,
        "dropping an action that is done",
        ws.update_action(
            clerk,
            done_action,
            &ActionUpdate {
                on: today,
                text: text("Not needed after all."),
                rag: Some(Rag::Red),
            },
            ActionStatus::Dropped,
            now,
        )
        .await,
        |e| {
            rule(e)
                == Some(&RuleError::ActionTransition {
                    from: "done",
                    to: "dropped",
                })
        },
    )
    .await;
    assert_refused(
        store,
        &before,
        "escalating a matter to its own committee",
        ws.send_escalation(clerk, draft_item, world.scrutiny, &text("Why"), now)
            .await,
        |e| invalid_field(e) == Some("to_committee"),
    )
    .await;
    assert_refused(
        store,
        &before,
        "escalating without a reason",
        ws.send_escalation(clerk, draft_item, world.cabinet, &Text::default(), now)
            .await,
        |e| invalid_field(e) == Some("escalation.reason"),
    )
    .await;
    assert!(audit_log(store).await.is_empty());
}

#[tokio::test]
async fn signing_off_a_held_meeting_without_minutes_is_refused() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let mut w = store.begin().await.unwrap();
    let held = meeting_at(
        w.as_mut(),
        world.scrutiny,
        now - Duration::hours(2),
        MeetingStatus::Held,
    )
    .await;
    item_on(w.as_mut(), held, 1, "Budget", Visibility::Public).await;
    w.commit().await.unwrap();
    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "signing off a held meeting that has no minutes",
        ws.sign_off(&world.clerk, held, &title("Chair"), london_date(now), now)
            .await,
        |e| rule(e).is_some(),
    )
    .await;
}
