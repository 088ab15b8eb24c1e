//! Attendance, and the open data lists of public records with their times.

#![allow(clippy::unwrap_used)]

use super::*;

/// Setting a meeting's attendance replaces what was recorded before.
pub async fn attendance_is_set_as_a_whole(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let clerk = w
        .create_person(&Person {
            name: title("Sam Clerk"),
            job_title: None,
        })
        .await
        .unwrap();
    w.record_attendance(held, c.chair, AttendanceKind::Apologies)
        .await
        .unwrap();
    w.commit().await.unwrap();
    let mut w = store.begin().await.unwrap();
    w.set_attendance(
        held,
        &[
            (c.chair, AttendanceKind::Present),
            (clerk, AttendanceKind::InAttendance),
        ],
    )
    .await
    .unwrap();
    w.commit().await.unwrap();
    let record = store.meeting_record(held, Audience::Public).await.unwrap();
    let mut got: Vec<(PersonId, AttendanceKind)> = record
        .attendance
        .iter()
        .map(|a| (a.person.id, a.kind))
        .collect();
    got.sort_by_key(|(p, _)| *p);
    assert_eq!(
        got,
        [
            (c.chair, AttendanceKind::Present),
            (clerk, AttendanceKind::InAttendance)
        ]
    );
    let mut w = store.begin().await.unwrap();
    w.set_attendance(held, &[]).await.unwrap();
    w.commit().await.unwrap();
    assert!(
        store
            .meeting_record(held, Audience::Public)
            .await
            .unwrap()
            .attendance
            .is_empty()
    );
}

/// The first hundred published records: more than any story makes.
const FIRST_100: Selection<'static> = Selection::After { id: 0, limit: 100 };

async fn stamps(
    store: &dyn Store,
    kind: PublishedKind,
    scope: Scope,
    window: Window,
    selection: Selection<'_>,
) -> Vec<i64> {
    store
        .published(kind, scope, &window, selection)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect()
}

/// Open data lists what the public may see, in id order, by scope and window, and a change to
/// what a record embeds (an item's minutes, a meeting's attendance, a person's membership) marks
/// the record modified.
pub async fn open_data_lists_public_records_with_their_times(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let issue = w
        .create_issue(&Issue {
            title: title("Library opening hours"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let hidden_issue = w
        .create_issue(&Issue {
            title: title("Only ever on an unpublished agenda"),
            reference: None,
            summary: Text::default(),
        })
        .await
        .unwrap();
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2021-10-21 10:00",
        MeetingStatus::Held,
    )
    .await;
    let item_open = item(w.as_mut(), held, "1", "Library opening hours", Some(issue)).await;
    let scheduled = meeting(
        w.as_mut(),
        c.scrutiny,
        "2031-10-21 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let item_hidden = item(
        w.as_mut(),
        scheduled,
        "1",
        "Not yet public",
        Some(hidden_issue),
    )
    .await;
    let seat = Membership::new(
        c.chair,
        c.cabinet,
        MembershipRole::Chair,
        date("2021-05-01"),
        None,
    )
    .unwrap();
    let membership = w.create_membership(&seat).await.unwrap();
    w.commit().await.unwrap();

    let all = Window::default();
    let list = |kind, scope| stamps(store, kind, scope, all, FIRST_100);
    assert_eq!(
        list(PublishedKind::Organisation, Scope::All).await,
        vec![c.org.get()]
    );
    assert_eq!(
        list(PublishedKind::Committee, Scope::Organisation(c.org)).await,
        vec![c.cabinet.get(), c.scrutiny.get()]
    );
    assert_eq!(
        list(PublishedKind::Person, Scope::Committee(c.cabinet)).await,
        vec![c.chair.get()]
    );
    assert!(
        list(PublishedKind::Person, Scope::Committee(c.scrutiny))
            .await
            .is_empty()
    );
    // Every meeting is listed (a scheduled one without its agenda); only published agendas'
    // items, and only issues considered in the open.
    assert_eq!(
        list(PublishedKind::Meeting, Scope::All).await,
        vec![held.get(), scheduled.get()]
    );
    assert_eq!(
        list(PublishedKind::Meeting, Scope::Committee(c.scrutiny)).await,
        vec![scheduled.get()]
    );
    assert_eq!(
        list(PublishedKind::Item, Scope::All).await,
        vec![item_open.get()]
    );
    assert_eq!(
        list(PublishedKind::Issue, Scope::All).await,
        vec![issue.get()]
    );
    let picked = [item_open.get(), item_hidden.get()];
    assert_eq!(
        stamps(
            store,
            PublishedKind::Item,
            Scope::All,
            all,
            Selection::Ids(&picked)
        )
        .await,
        vec![item_open.get()]
    );
    // Paging by cursor.
    let page = |after| {
        stamps(
            store,
            PublishedKind::Committee,
            Scope::All,
            all,
            Selection::After {
                id: after,
                limit: 1,
            },
        )
    };
    assert_eq!(page(0).await, vec![c.cabinet.get()]);
    assert_eq!(page(c.cabinet.get()).await, vec![c.scrutiny.get()]);

    // A change to what a record embeds makes it modified; the window finds it alone.
    let times = |kind| async move {
        store
            .published(kind, Scope::All, &Window::default(), FIRST_100)
            .await
            .unwrap()
    };
    let before = times(PublishedKind::Meeting).await;
    let since = || async {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let since = chrono::Utc::now();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        since
    };
    let modified_since = |kind, since| {
        stamps(
            store,
            kind,
            Scope::All,
            Window {
                modified_since: Some(since),
                ..Window::default()
            },
            FIRST_100,
        )
    };
    let minutes_at = since().await;
    let mut w = store.begin().await.unwrap();
    w.record_minutes(item_open, &minutes("Members noted the report.", &[]))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        modified_since(PublishedKind::Meeting, minutes_at).await,
        vec![held.get()]
    );
    let after = times(PublishedKind::Meeting).await;
    assert!(
        after[0].modified > before[0].modified,
        "{after:?} {before:?}"
    );
    let window = |window| stamps(store, PublishedKind::Meeting, Scope::All, window, FIRST_100);
    assert_eq!(
        window(Window {
            modified_until: Some(minutes_at),
            ..all
        })
        .await,
        vec![scheduled.get()]
    );
    assert!(
        window(Window {
            created_since: Some(minutes_at),
            ..all
        })
        .await
        .is_empty()
    );

    let attendance_at = since().await;
    let mut w = store.begin().await.unwrap();
    w.set_attendance(scheduled, &[(c.chair, AttendanceKind::Apologies)])
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        modified_since(PublishedKind::Meeting, attendance_at).await,
        vec![scheduled.get()]
    );

    let membership_at = since().await;
    assert!(
        modified_since(PublishedKind::Person, membership_at)
            .await
            .is_empty()
    );
    let mut w = store.begin().await.unwrap();
    let ended = Membership {
        until: Some(date("2022-05-01")),
        ..seat
    };
    w.replace(membership.get(), Replacement::Membership(&ended))
        .await
        .unwrap();
    w.commit().await.unwrap();
    assert_eq!(
        modified_since(PublishedKind::Person, membership_at).await,
        vec![c.chair.get()]
    );
}
