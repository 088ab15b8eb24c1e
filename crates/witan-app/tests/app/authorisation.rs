//! Who may do what: every use case tried by every role.

use super::*;

#[derive(Debug, Clone, Copy)]
enum Case {
    Schedule,
    Edit,
    AddItem,
    Publish,
    RecordMinutes,
    RecordDecision,
    DecisionStatus,
    AddAction,
    UpdateAction,
    SendEscalation,
    AcceptEscalation,
    DeclineEscalation,
    ConsiderEscalation,
    SignOff,
    CorrectMinutes,
    Release,
    AddUser,
}

impl Case {
    const ALL: [Self; 17] = [
        Self::Schedule,
        Self::Edit,
        Self::AddItem,
        Self::Publish,
        Self::RecordMinutes,
        Self::RecordDecision,
        Self::DecisionStatus,
        Self::AddAction,
        Self::UpdateAction,
        Self::SendEscalation,
        Self::AcceptEscalation,
        Self::DeclineEscalation,
        Self::ConsiderEscalation,
        Self::SignOff,
        Self::CorrectMinutes,
        Self::Release,
        Self::AddUser,
    ];

    /// What the audit log calls it.
    fn action(self) -> &'static str {
        match self {
            Self::Schedule => "schedule meeting",
            Self::Edit => "edit meeting",
            Self::AddItem => "add agenda item",
            Self::Publish => "publish agenda",
            Self::RecordMinutes => "record minutes",
            Self::RecordDecision => "record decision",
            Self::DecisionStatus => "change decision status",
            Self::AddAction => "add action",
            Self::UpdateAction => "update action",
            Self::SendEscalation => "send escalation",
            Self::AcceptEscalation => "accept escalation",
            Self::DeclineEscalation => "decline escalation",
            Self::ConsiderEscalation => "consider escalation",
            Self::SignOff => "sign off minutes",
            Self::CorrectMinutes => "correct minutes",
            Self::Release => "release exempt item",
            Self::AddUser => "add user",
        }
    }
}

/// Runs one use case on the scene as `actor`, with arguments it would accept from an admin.
async fn attempt(
    ws: &Workspace,
    world: &World,
    scene: &Scene,
    actor: &Actor,
    case: Case,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    let today = london_date(now);
    match case {
        Case::Schedule => ws
            .schedule_meeting(
                actor,
                &new_meeting(world.scrutiny, now + Duration::days(21)),
                now,
            )
            .await
            .map(drop),
        Case::Edit => {
            let version = version_of(&ws.store.meeting(scene.future).await?.record);
            let start = now + Duration::days(7) + Duration::hours(1);
            ws.edit_meeting(
                actor,
                scene.future,
                &version,
                MeetingTimes::new(start, None)?,
                Some(title("Council Chamber")),
                now,
            )
            .await
        }
        Case::AddItem => ws
            .add_item(
                actor,
                scene.future,
                &new_item(
                    "2",
                    "Capital programme",
                    IssueChoice::None,
                    Visibility::Public,
                ),
                now,
            )
            .await
            .map(drop),
        Case::Publish => {
            ws.set_meeting_status(actor, scene.to_publish, MeetingStatus::AgendaPublished, now)
                .await
        }
        Case::RecordMinutes => {
            ws.record_minutes(
                actor,
                scene.draft_item,
                &minutes("Noted, with thanks.", &["noted"]),
                now,
            )
            .await
        }
        Case::RecordDecision => ws
            .record_decision(
                actor,
                scene.draft_item,
                title("Approve the plan"),
                Text::default(),
                false,
                now,
            )
            .await
            .map(drop),
        Case::DecisionStatus => {
            ws.set_decision_status(actor, scene.decision, DecisionStatus::Rescinded, today, now)
                .await
        }
        Case::AddAction => ws
            .add_action(
                actor,
                scene.draft_item,
                &NewAction {
                    description: text("Write to the minister"),
                    owner: None,
                    due_on: None,
                },
                now,
            )
            .await
            .map(drop),
        Case::UpdateAction => {
            ws.update_action(
                actor,
                scene.action,
                &ActionUpdate {
                    on: today,
                    text: text("Slipping."),
                    rag: Some(Rag::Red),
                },
                ActionStatus::Open,
                now,
            )
            .await
        }
        Case::SendEscalation => ws
            .send_escalation(
                actor,
                scene.draft_item,
                world.cabinet,
                &text("For Cabinet"),
                now,
            )
            .await
            .map(drop),
        Case::AcceptEscalation => ws
            .accept_escalation(actor, scene.to_accept, scene.cabinet_next, now)
            .await
            .map(drop),
        Case::DeclineEscalation => {
            ws.decline_escalation(actor, scene.to_decline, &text("Not ours"), now)
                .await
        }
        Case::ConsiderEscalation => {
            ws.consider_escalation(actor, scene.escalation, today, now)
                .await
        }
        Case::SignOff => ws
            .sign_off(actor, scene.to_sign, &title("Chair"), today, now)
            .await
            .map(drop),
        Case::CorrectMinutes => ws
            .correct_minutes(
                actor,
                scene.signed,
                &Correction {
                    corrections: vec![(scene.signed_item, minutes("Break-even at month 6.", &[]))],
                    by: title("Chair"),
                    on: today,
                    reason: text("The month was missing."),
                },
                now,
            )
            .await
            .map(drop),
        Case::Release => ws.release_item(actor, scene.exempt_item, now).await,
        Case::AddUser => {
            let user = new_user(
                "new.officer@northshire.gov.uk",
                Some("New Officer"),
                "officer",
                Some(world.council),
            )?;
            ws.add_user(actor, &user, "correct horse battery staple", now)
                .await
                .map(drop)
        }
    }
}

#[tokio::test]
async fn members_officers_and_other_organisations_clerks_are_denied_every_use_case() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let scene = scene(store, &world, now).await;
    let before = snapshot(store).await;
    for (who, actor) in [
        ("member", &world.member),
        ("officer", &world.officer),
        ("clerk of another council", &world.other_clerk),
        ("clerk of the partner ICB", &world.icb_clerk),
    ] {
        for case in Case::ALL {
            assert_refused(
                store,
                &before,
                &format!("{case:?} by a {who}"),
                attempt(ws, &world, &scene, actor, case, now).await,
                |e| matches!(e, Error::Denied),
            )
            .await;
        }
    }
    assert_refused(
        store,
        &before,
        "add_user by a clerk",
        attempt(ws, &world, &scene, &world.clerk, Case::AddUser, now).await,
        |e| matches!(e, Error::Denied),
    )
    .await;
    assert!(audit_log(store).await.is_empty());
}

#[tokio::test]
async fn an_admin_and_the_command_line_may_do_every_use_case() {
    for label in ["admin", "command line"] {
        let env = env().await;
        let (store, ws) = (env.store.as_ref(), &env.ws);
        let world = world(store).await;
        let actor = if label == "admin" {
            world.admin.clone()
        } else {
            Actor::CommandLine
        };
        let now = minute_now();
        let scene = scene(store, &world, now).await;
        for case in Case::ALL {
            let before = audit_log(store).await.len();
            if let Err(e) = attempt(ws, &world, &scene, &actor, case, now).await {
                panic!("{case:?} by the {label}: {e:?}");
            }
            let log = audit_log(store).await;
            assert_eq!(log.len(), before + 1, "{case:?} by the {label}: one entry");
            assert_eq!(
                (log[0].entry.by.as_str(), log[0].entry.action.as_str()),
                (actor.name().as_str(), case.action()),
                "{case:?} by the {label}"
            );
        }
        // The changes landed.
        assert_eq!(
            store.meeting(scene.to_publish).await.unwrap().status,
            MeetingStatus::AgendaPublished
        );
        assert_eq!(
            store.meeting(scene.to_sign).await.unwrap().status,
            MeetingStatus::MinutesSignedOff
        );
        assert_eq!(
            store.decision(scene.decision).await.unwrap().status,
            DecisionStatus::Rescinded
        );
        assert_eq!(
            store
                .escalation(scene.escalation)
                .await
                .unwrap()
                .escalation
                .state,
            EscalationState::Considered
        );
        for (escalation, state) in [
            (scene.to_accept, EscalationState::Accepted),
            (scene.to_decline, EscalationState::Declined),
        ] {
            assert_eq!(
                store.escalation(escalation).await.unwrap().escalation.state,
                state
            );
        }
        assert_eq!(
            store.item(scene.exempt_item).await.unwrap().visibility,
            Visibility::Public
        );
        assert_eq!(
            store.meeting(scene.future).await.unwrap().location,
            Some(title("Council Chamber"))
        );
        assert!(
            store
                .account(&Email::parse("email", "new.officer@northshire.gov.uk").unwrap())
                .await
                .is_ok()
        );
    }
    assert_eq!(Actor::CommandLine.name(), "witan command line");
}
