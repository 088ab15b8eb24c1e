//! Joint committees, and escalations between committees.

use super::*;

#[tokio::test]
async fn a_clerk_of_either_owner_may_edit_a_joint_committee() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();

    let m = ws
        .schedule_meeting(
            &world.icb_clerk,
            &new_meeting(world.joint, now + Duration::days(5)),
            now,
        )
        .await
        .unwrap();
    let first = ws
        .add_item(
            &world.clerk,
            m,
            &new_item(
                "1",
                "Better Care Fund",
                IssueChoice::None,
                Visibility::Public,
            ),
            now,
        )
        .await
        .unwrap();
    ws.add_item(
        &world.icb_clerk,
        m,
        &new_item("2", "Winter plan", IssueChoice::None, Visibility::Public),
        now,
    )
    .await
    .unwrap();
    ws.set_meeting_status(&world.clerk, m, MeetingStatus::AgendaPublished, now)
        .await
        .unwrap();
    assert_eq!(
        store.meeting(m).await.unwrap().status,
        MeetingStatus::AgendaPublished
    );
    assert_eq!(store.item(first).await.unwrap().meeting, m);
    let by: Vec<String> = audit_log(store)
        .await
        .iter()
        .map(|r| r.entry.by.clone())
        .collect();
    assert_eq!(by, [CLERK, ICB_CLERK, CLERK, ICB_CLERK]);

    let before = snapshot(store).await;
    for (who, actor) in [
        ("a clerk of another council", &world.other_clerk),
        ("a member of an owner", &world.member),
        ("an officer of an owner", &world.officer),
    ] {
        assert_refused(
            store,
            &before,
            &format!("adding an item to the joint board as {who}"),
            ws.add_item(
                actor,
                m,
                &new_item("3", "Gate-crashed", IssueChoice::None, Visibility::Public),
                now,
            )
            .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    // Sharing a board gives the ICB's clerk nothing of the council's own committees.
    assert_refused(
        store,
        &before,
        "the ICB's clerk scheduling a council committee",
        ws.schedule_meeting(
            &world.icb_clerk,
            &new_meeting(world.scrutiny, now + Duration::days(5)),
            now,
        )
        .await,
        |e| matches!(e, Error::Denied),
    )
    .await;
}

#[tokio::test]
async fn escalations_are_sent_by_the_sender_and_considered_by_the_receiver() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let scene = scene(store, &world, now).await;
    let reason = text("The ICB commissions the beds");

    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "the ICB's clerk sending a council item",
        ws.send_escalation(
            &world.icb_clerk,
            scene.draft_item,
            world.icb_board,
            &reason,
            now,
        )
        .await,
        |e| matches!(e, Error::Denied),
    )
    .await;

    let sent = ws
        .send_escalation(
            &world.clerk,
            scene.draft_item,
            world.icb_board,
            &reason,
            now,
        )
        .await
        .unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Pending);
    assert_eq!(record.target_meeting, None);

    // Only the receiving committee's clerks answer it: not the clerk who sent it, nor a clerk of
    // another organisation.
    let before = snapshot(store).await;
    for (who, actor) in [
        ("the sending clerk", &world.clerk),
        ("a clerk of another council", &world.other_clerk),
        ("a member", &world.member),
    ] {
        assert_refused(
            store,
            &before,
            &format!("{who} accepting an escalation to the ICB"),
            ws.accept_escalation(actor, sent, scene.icb_next, now)
                .await
                .map(drop),
            |e| matches!(e, Error::Denied),
        )
        .await;
        assert_refused(
            store,
            &before,
            &format!("{who} declining an escalation to the ICB"),
            ws.decline_escalation(actor, sent, &text("Not ours"), now)
                .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    let proposed = ws
        .accept_escalation(&world.icb_clerk, sent, scene.icb_next, now)
        .await
        .unwrap();
    let record = store.escalation(sent).await.unwrap();
    assert_eq!(record.escalation.state, EscalationState::Accepted);
    assert_eq!(record.escalation.target_item, Some(proposed));
    assert_eq!(record.target_meeting, Some(scene.icb_next));

    let before = snapshot(store).await;
    for (who, actor) in [
        ("the sending clerk", &world.clerk),
        ("a clerk of another council", &world.other_clerk),
        ("a member", &world.member),
    ] {
        assert_refused(
            store,
            &before,
            &format!("{who} considering an escalation to the ICB"),
            ws.consider_escalation(actor, sent, london_date(now), now)
                .await,
            |e| matches!(e, Error::Denied),
        )
        .await;
    }
    ws.consider_escalation(&world.icb_clerk, sent, london_date(now), now)
        .await
        .unwrap();
    assert_eq!(
        store.escalation(sent).await.unwrap().escalation.state,
        EscalationState::Considered
    );
    let log = audit_log(store).await;
    assert_eq!(
        (log[0].entry.by.as_str(), log[0].entry.action.as_str()),
        (ICB_CLERK, "consider escalation")
    );
    assert_eq!(
        (log[1].entry.by.as_str(), log[1].entry.action.as_str()),
        (ICB_CLERK, "accept escalation")
    );
    assert_eq!(
        (log[2].entry.by.as_str(), log[2].entry.action.as_str()),
        (CLERK, "send escalation")
    );
}
