//! Minutes are signed off and locked, issues keep their history, actions carry forward.

#![allow(clippy::unwrap_used)]

use super::*;

pub async fn signed_off_minutes_are_locked_and_corrected_by_new_versions(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let m = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-11 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let i = item(w.as_mut(), m, "1", "Month 6 Financial Position", None).await;
    let other = item(w.as_mut(), m, "2", "H2 Planning", None).await;
    w.set_meeting_status(m, MeetingStatus::Held).await.unwrap();
    w.record_minutes(i, &minutes("A first draft.", &[]))
        .await
        .unwrap();
    w.record_minutes(
        i,
        &minutes(
            "The ICS will likely report a break-even position.",
            &["noted"],
        ),
    )
    .await
    .unwrap();
    w.record_minutes(other, &minutes("Final plans by mid November.", &[]))
        .await
        .unwrap();
    let signed = w
        .sign_off_minutes(m, &title("Katherine Disley"), None, date("2021-11-08"))
        .await
        .unwrap();
    assert_eq!(signed.version, 1);
    w.commit().await.unwrap();

    let mut w = store.begin().await.unwrap();
    let err = w
        .record_minutes(i, &minutes("Rewritten history.", &[]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MinutesLocked)),
        "{err:?}"
    );
    let err = w
        .sign_off_minutes(m, &title("Someone"), None, date("2021-11-09"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MinutesLocked)),
        "{err:?}"
    );
    let err = w
        .set_meeting_status(m, MeetingStatus::MinutesDraft)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::MinutesLocked)),
        "{err:?}"
    );
    drop(w);

    let mut w = store.begin().await.unwrap();
    let correction = w
        .correct_minutes(
            m,
            &[(
                i,
                minutes(
                    "The ICS will likely report a break-even position at month 6.",
                    &["noted"],
                ),
            )],
            &title("Katherine Disley"),
            date("2021-12-13"),
            &text("The month was missing."),
        )
        .await
        .unwrap();
    assert_eq!(correction.version, 2);
    w.commit().await.unwrap();

    let versions = store.minutes_versions(i, Audience::Public).await.unwrap();
    assert_eq!(versions.len(), 2, "both versions stay visible");
    assert_eq!(
        versions[0].1.text.as_str(),
        "The ICS will likely report a break-even position."
    );
    assert!(versions[1].1.text.as_str().ends_with("at month 6."));
    let record = store.meeting_record(m, Audience::Public).await.unwrap();
    assert_eq!(record.sign_offs.len(), 2);
    assert_eq!(
        record.sign_offs[1].reason.as_ref().unwrap().as_str(),
        "The month was missing."
    );
    let items = open_items(&record);
    assert_eq!(
        items[0].minutes.as_ref().unwrap().0,
        2,
        "the current minutes are the correction"
    );
    assert_eq!(
        items[1].minutes.as_ref().unwrap().0,
        1,
        "an uncorrected item keeps version 1"
    );

    // A correction cannot touch another meeting's item, and needs a reason.
    let mut w = store.begin().await.unwrap();
    let elsewhere = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-12 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let foreign = item(w.as_mut(), elsewhere, "1", "Other", None).await;
    let err = w
        .correct_minutes(
            m,
            &[(foreign, minutes("x", &[]))],
            &title("K"),
            date("2021-12-13"),
            &text("why"),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("corrections.item"), "{err}");
    let err = w
        .correct_minutes(
            m,
            &[(i, minutes("x", &[]))],
            &title("K"),
            date("2021-12-13"),
            &Text::default(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("sign_off.reason"), "{err}");
}

pub async fn issue_history_is_newest_first_across_committees(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let issue = w
        .create_issue(&Issue {
            title: title("Health and Social Care Integration - Lancashire and South Cumbria STP"),
            reference: Some(title("CAB/2016/07")),
            summary: Text::default(),
        })
        .await
        .unwrap();
    let scrutiny = meeting(
        w.as_mut(),
        c.scrutiny,
        "2016-04-12 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let cabinet = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let later = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-09-08 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    item(
        w.as_mut(),
        scrutiny,
        "4",
        "Health and Social Care Integration",
        Some(issue),
    )
    .await;
    item(
        w.as_mut(),
        cabinet,
        "7",
        "Health and Social Care Integration",
        Some(issue),
    )
    .await;
    item(
        w.as_mut(),
        later,
        "3",
        "Health and Social Care Integration: update",
        Some(issue),
    )
    .await;
    w.commit().await.unwrap();

    let record = store
        .issue_record(issue, Audience::Privileged)
        .await
        .unwrap();
    let history: Vec<(&str, &str)> = record
        .history
        .iter()
        .map(|h| (h.committee.name.as_str(), h.item.number().as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("Cabinet", "3"),
            ("Cabinet", "7"),
            ("Executive Scrutiny Committee", "4")
        ]
    );
    // The public does not see the item on an agenda that is not yet published.
    let public = store.issue_record(issue, Audience::Public).await.unwrap();
    let numbers: Vec<&str> = public
        .history
        .iter()
        .map(|h| h.item.number().as_str())
        .collect();
    assert_eq!(numbers, ["7", "4"]);
}

pub async fn open_actions_carry_forward_until_closed(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let first = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-10-11 14:00",
        MeetingStatus::MinutesSignedOff,
    )
    .await;
    let second = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-11-08 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let third = meeting(
        w.as_mut(),
        c.scrutiny,
        "2021-12-13 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let other_committee = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-11-09 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let i = item(w.as_mut(), first, "1", "Winter Planning", None).await;
    let action = |description: &str| Action {
        meeting: first,
        item: Some(i),
        description: text(description),
        owner: Some(ActionOwner::Organisation(c.org)),
        due_on: Some(date("2021-11-30")),
        status: ActionStatus::Open,
        rag: Rag::Amber,
        closed_on: None,
    };
    let beds = w
        .create_action(&action("Find 41 additional step down beds"))
        .await
        .unwrap();
    let pay = w
        .create_action(&action("Review rates of pay for care staff"))
        .await
        .unwrap();
    w.add_action_update(
        beds,
        &ActionUpdate {
            on: date("2021-11-01"),
            text: text("20 beds found"),
            rag: Some(Rag::Green),
        },
    )
    .await
    .unwrap();
    w.set_action_status(pay, ActionStatus::Done, date("2021-11-20"))
        .await
        .unwrap();
    w.commit().await.unwrap();

    let carried = |record: MeetingRecord| -> Vec<String> {
        record
            .carried_actions
            .iter()
            .map(|a| a.action.description.to_string())
            .collect()
    };
    let at_second = store
        .meeting_record(second, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        carried(at_second.clone()),
        [
            "Find 41 additional step down beds",
            "Review rates of pay for care staff"
        ]
    );
    let beds_record = &at_second.carried_actions[0];
    assert_eq!(
        beds_record.action.rag,
        Rag::Green,
        "the update re-rated the action"
    );
    assert_eq!(beds_record.updates.len(), 1);
    assert_eq!(
        beds_record.owner_name.as_deref(),
        Some("Northshire County Council")
    );
    assert_eq!(
        carried(store.meeting_record(third, Audience::Public).await.unwrap()),
        ["Find 41 additional step down beds"]
    );
    assert!(carried(store.meeting_record(first, Audience::Public).await.unwrap()).is_empty());
    assert!(
        carried(
            store
                .meeting_record(other_committee, Audience::Public)
                .await
                .unwrap()
        )
        .is_empty()
    );

    let mut w = store.begin().await.unwrap();
    let err = w
        .set_action_status(pay, ActionStatus::Dropped, date("2021-12-01"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Rule(RuleError::ActionTransition { .. })),
        "{err:?}"
    );
    w.set_action_status(beds, ActionStatus::Done, date("2021-12-01"))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert!(carried(store.meeting_record(third, Audience::Public).await.unwrap()).is_empty());
    assert_eq!(
        store.action(beds).await.unwrap().action.closed_on,
        Some(date("2021-12-01"))
    );
}
