//! Concurrent edits: a stale read is refused, and of two simultaneous edits one lands.

use super::*;

async fn future_meeting(store: &dyn Store, world: &World, start: DateTime<Utc>) -> MeetingId {
    let mut w = store.begin().await.unwrap();
    let m = meeting_at(w.as_mut(), world.scrutiny, start, MeetingStatus::Scheduled).await;
    w.commit().await.unwrap();
    m
}

#[tokio::test]
async fn an_edit_from_a_stale_read_is_refused_and_the_first_edit_stays() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let start = now + Duration::days(7);
    let m = future_meeting(store, &world, start).await;

    let read = store.meeting(m).await.unwrap();
    let version = version_of(&read.record);
    let first_times = MeetingTimes::new(start + Duration::hours(1), None).unwrap();
    ws.edit_meeting(
        &world.clerk,
        m,
        &version,
        first_times,
        Some(title("Council Chamber")),
        now,
    )
    .await
    .unwrap();
    let edited = store.meeting(m).await.unwrap();
    assert_eq!(edited.times, first_times);
    assert_eq!(edited.location, Some(title("Council Chamber")));
    assert_eq!(edited.status, MeetingStatus::Scheduled);

    let before = snapshot(store).await;
    assert_refused(
        store,
        &before,
        "a second edit carrying the old version",
        ws.edit_meeting(
            &world.cabinet_clerk,
            m,
            &version,
            MeetingTimes::new(start + Duration::hours(3), None).unwrap(),
            Some(title("Committee Room 2")),
            now,
        )
        .await,
        |e| matches!(e, Error::Stale),
    )
    .await;
    assert_eq!(store.meeting(m).await.unwrap().record, edited.record);

    let log = audit_log(store).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].entry.by.as_str(), log[0].entry.action.as_str()),
        (CLERK, "edit meeting")
    );
    assert_eq!(
        json(log[0].entry.before.as_ref())["location"],
        "County Hall, Preston"
    );
    assert_eq!(
        json(log[0].entry.after.as_ref())["location"],
        "Council Chamber"
    );

    // With the version of the meeting as it now stands, the edit goes through.
    ws.edit_meeting(
        &world.cabinet_clerk,
        m,
        &version_of(&edited.record),
        MeetingTimes::new(start + Duration::hours(3), None).unwrap(),
        Some(title("Committee Room 2")),
        now,
    )
    .await
    .unwrap();
    assert_eq!(
        store.meeting(m).await.unwrap().location,
        Some(title("Committee Room 2"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn of_two_simultaneous_edits_from_one_read_exactly_one_lands() {
    let env = env().await;
    let (store, ws) = (env.store.as_ref(), &env.ws);
    let world = world(store).await;
    let now = minute_now();
    let start = now + Duration::days(7);
    let m = future_meeting(store, &world, start).await;
    let version = version_of(&store.meeting(m).await.unwrap().record);
    let times_a = MeetingTimes::new(start + Duration::hours(1), None).unwrap();
    let times_b = MeetingTimes::new(start + Duration::hours(2), None).unwrap();
    let (a, b) = tokio::join!(
        ws.edit_meeting(
            &world.clerk,
            m,
            &version,
            times_a,
            Some(title("Room A")),
            now
        ),
        ws.edit_meeting(
            &world.cabinet_clerk,
            m,
            &version,
            times_b,
            Some(title("Room B")),
            now
        ),
    );
    let stored = store.meeting(m).await.unwrap();
    let log = audit_log(store).await;
    assert_eq!(log.len(), 1, "one edit is audited");
    match (a, b) {
        (Ok(()), Err(Error::Stale)) => {
            assert_eq!(
                (stored.times, stored.location.clone()),
                (times_a, Some(title("Room A")))
            );
            assert_eq!(log[0].entry.by, CLERK);
        }
        (Err(Error::Stale), Ok(())) => {
            assert_eq!(
                (stored.times, stored.location.clone()),
                (times_b, Some(title("Room B")))
            );
            assert_eq!(log[0].entry.by, CABINET_CLERK);
        }
        other => panic!("expected one edit and one stale refusal, got {other:?}"),
    }
}
