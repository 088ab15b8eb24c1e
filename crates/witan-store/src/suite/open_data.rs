//! Attendance, and the open data lists of public records with their times.

#![allow(clippy::unwrap_used)]

use super::*;
use kit::{issue, number};

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

/// A page of meetings read together is each meeting as it is read alone: the same committee,
/// attendance, agenda and sign-offs, in the order asked, an unknown id left out, and an agenda
/// not yet published withheld from the public while its clerk sees it.
pub async fn meeting_sheets_read_together_are_each_meeting_alone(store: &dyn Store) {
    let mut w = store.begin().await.unwrap();
    let c = council(w.as_mut()).await;
    let held = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-04-14 10:00",
        MeetingStatus::Held,
    )
    .await;
    let published = meeting(
        w.as_mut(),
        c.scrutiny,
        "2016-04-12 14:00",
        MeetingStatus::AgendaPublished,
    )
    .await;
    let scheduled = meeting(
        w.as_mut(),
        c.cabinet,
        "2016-05-19 10:00",
        MeetingStatus::Scheduled,
    )
    .await;
    let stp = issue(w.as_mut(), "Health and Social Care Integration", None).await;
    for (m, number, name) in [
        (held, "7", "Health and Social Care Integration"),
        (held, "8", "Libraries"),
        (published, "4", "Health and Social Care Integration"),
        (scheduled, "1", "Budget monitoring"),
    ] {
        let issue = name.starts_with("Health").then_some(stp);
        item(w.as_mut(), m, number, name, issue).await;
    }
    w.create_item(&AgendaItem {
        meeting: held,
        position: 9,
        number: number("9"),
        title: title("Disposal of land at Moor Lane"),
        issue: None,
        visibility: Visibility::Exempt(Exemption {
            ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
            review_on: None,
        }),
    })
    .await
    .unwrap();
    w.record_attendance(held, c.chair, AttendanceKind::Present)
        .await
        .unwrap();
    w.record_attendance(published, c.chair, AttendanceKind::Apologies)
        .await
        .unwrap();
    w.commit().await.unwrap();

    let asked = [scheduled, Id::new(999_999), held, published];
    for audience in [Audience::Public, Audience::Privileged] {
        let sheets = store.meeting_sheets(&asked, audience).await.unwrap();
        let ids: Vec<MeetingId> = sheets.iter().map(|s| s.meeting.id).collect();
        assert_eq!(ids, [scheduled, held, published], "{audience:?}");
        for sheet in &sheets {
            let alone = store
                .meeting_record(sheet.meeting.id, audience)
                .await
                .unwrap();
            assert_eq!(sheet.meeting, alone.meeting);
            assert_eq!(sheet.committee, alone.committee);
            assert_eq!(sheet.attendance, alone.attendance);
            assert_eq!(sheet.agenda, alone.agenda);
            assert_eq!(sheet.sign_offs, alone.sign_offs);
            let again = store
                .meeting_sheets(&[sheet.meeting.id], audience)
                .await
                .unwrap();
            assert_eq!(again, std::slice::from_ref(sheet));
        }
        let held_agenda = sheets[1].agenda.as_ref().unwrap();
        assert_eq!(
            held_agenda.len(),
            3,
            "three items, the exempt one withheld or not"
        );
        assert_eq!(
            matches!(held_agenda[2], ItemEntry::Withheld { .. }),
            audience == Audience::Public
        );
        assert_eq!(
            sheets[0].agenda.is_none(),
            audience == Audience::Public,
            "an unpublished agenda is the clerk's alone"
        );
        assert_eq!(sheets[1].attendance.len(), 1);
        assert_eq!(sheets[2].attendance[0].kind, AttendanceKind::Apologies);
    }
    assert!(
        store
            .meeting_sheets(&[], Audience::Public)
            .await
            .unwrap()
            .is_empty()
    );
}
