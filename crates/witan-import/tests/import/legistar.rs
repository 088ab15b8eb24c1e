//! Legistar histories, events, items and matters.

use super::*;

#[tokio::test]
async fn legistar_histories_make_one_item_per_event_even_when_listed_twice() {
    let (_dir, store) = store().await;
    let folder = data("legistar");
    let opts = options("City of Chicago", None);
    let report = import(store.as_ref(), std::slice::from_ref(&folder), &opts).await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        report.skipped.len(),
        1,
        "only the licence is skipped: {:?}",
        report.skipped
    );

    // The duplicate-event case: event 3683 lists the matter twice; it is one item whose
    // resolution holds both actions.
    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.title.as_str(),
        "Legistar matter (chicago_dupe_event)"
    );
    assert_eq!(issue.history.len(), 2, "one item per event");
    let council = &issue.history[0];
    assert_eq!(council.committee.name.as_str(), "City Council");
    let resolution = open_item(&council.item)
        .minutes
        .as_ref()
        .unwrap()
        .1
        .resolution
        .text
        .to_string();
    assert_eq!(
        resolution,
        "Passed (Pass)\n\nPassed: On motion of , the Ordinance was Passed (Pass)"
    );
    let zoning = &issue.history[1];
    assert_eq!(
        zoning.committee.name.as_str(),
        "Committee on Zoning, Landmarks and Building Standards"
    );
    assert_eq!(open_item(&zoning.item).item.record.number.as_str(), "10");
    // The referral outside any meeting is noted, not invented as an item.
    assert!(
        report
            .tally
            .notes
            .iter()
            .any(|n| n.message.contains("2013-03-13 City Council: Referred"))
    );

    // The calendar page: eight meetings, one cancelled, linked to the same committees by name.
    let zoning_meetings = store
        .meetings(
            Some(zoning.committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(
        zoning_meetings.len(),
        2,
        "the calendar's zoning meeting joins the API's committee"
    );
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.meetings, 10);
    let cancelled = store
        .meetings(
            None,
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(20),
        )
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.meeting.record.status == MeetingStatus::Cancelled)
        .count();
    assert_eq!(cancelled, 1);

    let again = import(store.as_ref(), &[folder], &opts).await;
    assert_eq!(total(&again.tally.created) + total(&again.tally.updated), 0);
}

#[tokio::test]
async fn legistar_events_items_and_matters_link_up() {
    let (_dir, store) = store().await;
    let dir = TempDir::new();
    write(
        dir.path(),
        "events.json",
        serde_json::json!([{
            "EventId": 4711, "EventLastModifiedUtc": "2019-01-02T00:00:00", "EventBodyId": 138,
            "EventBodyName": "City Council", "EventDate": "2019-01-23T00:00:00",
            "EventTime": "10:00 AM", "EventLocation": "Council Chambers",
            "EventMinutesStatusName": "Final",
            "EventItems": [{"EventItemId": 1, "EventItemLastModifiedUtc": "2019-01-02T00:00:00",
                "EventItemAgendaSequence": 3, "EventItemAgendaNumber": "7.",
                "EventItemTitle": "Bus lanes on Ashland Avenue", "EventItemMatterId": 5036,
                "EventItemActionText": "Adopted", "EventItemPassedFlagName": "Pass"}]
        }, {
            "EventId": 4711, "EventLastModifiedUtc": "2019-01-02T00:00:00", "EventBodyId": 138,
            "EventBodyName": "City Council", "EventDate": "2019-01-23T00:00:00",
            "EventTime": "10:00 AM", "EventLocation": "Council Chambers",
            "EventMinutesStatusName": "Final"
        }]),
    );
    write(
        dir.path(),
        "matters.json",
        serde_json::json!([{
            "MatterId": 5036, "MatterLastModifiedUtc": "2018-05-17T22:38:39.237",
            "MatterFile": "O2019-12", "MatterName": "Bus lanes", "MatterTitle": "Bus lanes on Ashland Avenue",
            "MatterTypeName": "Ordinance", "MatterStatusName": "Adopted"
        }]),
    );
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("City of Chicago", None),
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(
        report.tally.created.get("meeting"),
        Some(&1),
        "the duplicated event is one meeting"
    );
    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.reference.as_ref().unwrap().as_str(),
        "O2019-12"
    );
    assert_eq!(issue.issue.record.summary.as_str(), "Ordinance, Adopted");
    assert_eq!(issue.history.len(), 1);
    let item = open_item(&issue.history[0].item);
    assert_eq!(item.item.record.number.as_str(), "7");
    assert_eq!(
        item.minutes.as_ref().unwrap().1.resolution.text.as_str(),
        "Adopted — Pass"
    );
    assert_eq!(
        witan_domain::time::uk_time(issue.history[0].meeting.record.times.start()),
        "10:00"
    );
}
