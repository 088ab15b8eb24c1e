//! Minutes in text, HTML and Markdown: what arrives, changed sources, bad files, dry runs, and
//! every file of the shared data.

use super::*;

#[tokio::test]
async fn an_issue_history_arrives_with_both_meetings_items_and_resolutions() {
    let (_dir, store) = store().await;
    let seed = data("seeds/001_695624d7a108ca0f.txt");
    let opts = options("Lancashire County Council", None);
    let report = import(store.as_ref(), std::slice::from_ref(&seed), &opts).await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    assert_eq!(report.tally.created.get("meeting"), Some(&2));

    let issue = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        issue.issue.record.title.as_str(),
        "Health and Social Care Integration - Lancashire and South Cumbria Sustainability and \
         Transformation Plan"
    );
    let seen: Vec<(String, String, String)> = issue
        .history
        .iter()
        .map(|h| {
            (
                witan_domain::time::london_date(h.meeting.record.times.start())
                    .format("%d/%m/%Y")
                    .to_string(),
                h.committee.name.to_string(),
                h.item.number().to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("14/04/2016".into(), "Cabinet".into(), "7".into()),
            (
                "12/04/2016".into(),
                "Executive Scrutiny Committee".into(),
                "4".into()
            ),
        ]
    );
    let cabinet = open_item(&issue.history[0].item);
    let (_, minutes) = cabinet.minutes.as_ref().unwrap();
    assert!(
        minutes
            .text
            .as_str()
            .starts_with("Mike Kirby, Director, Corporate Commissioning")
    );
    let points: Vec<&str> = minutes
        .resolution
        .points
        .iter()
        .map(|p| p.as_str())
        .collect();
    assert_eq!(points.len(), 2);
    assert!(points[0].starts_with("the development of the Lancashire and South Cumbria"));
    assert!(points[1].starts_with("the Operating Principles set out in the report be agreed"));
    assert_eq!(cabinet.documents.len(), 1);
    assert_eq!(cabinet.documents[0].record.size_label(), "PDF 144 KB");
    let scrutiny = open_item(&issue.history[1].item);
    let (_, minutes) = scrutiny.minutes.as_ref().unwrap();
    assert!(minutes.resolution.points.is_empty());
    assert!(
        minutes
            .resolution
            .text
            .as_str()
            .starts_with("That the recommendations set out")
    );
    assert!(
        minutes
            .text
            .as_str()
            .contains("• Governance;\n• Citizen focused integration;")
    );

    // The same file again changes nothing.
    let again = import(store.as_ref(), &[seed], &opts).await;
    assert_eq!(total(&again.tally.created) + total(&again.tally.updated), 0);
    assert_eq!(total(&again.tally.unchanged), total(&report.tally.created));
}

#[tokio::test]
async fn a_key_decisions_summary_arrives_with_topics_and_sign_off() {
    let (_dir, store) = store().await;
    let opts = options("Lancashire and South Cumbria ICS", Some("ICS Board"));
    let report = import(
        store.as_ref(),
        &[data("seeds/000_54a104f843f7d0d7.txt")],
        &opts,
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    let meetings = store
        .meetings(
            None,
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(10),
        )
        .await
        .unwrap();
    assert_eq!(meetings.len(), 1);
    let record = store
        .meeting_record(meetings[0].meeting.id, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        witan_domain::time::london_date(record.meeting.record.times.start()),
        NaiveDate::from_ymd_opt(2021, 10, 11).unwrap()
    );
    assert_eq!(record.committee.record.name.as_str(), "ICS Board");
    assert_eq!(
        record.meeting.record.status,
        MeetingStatus::MinutesSignedOff
    );
    let titles: Vec<String> = record
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .map(|e| open_item(e).item.record.title.to_string())
        .collect();
    assert_eq!(
        titles,
        [
            "Month 6 Financial Position",
            "H2 Planning",
            "Winter Planning & Operational Pressures",
            "Drivers for Change"
        ]
    );
    let first = open_item(&record.agenda.as_ref().unwrap()[0]);
    let text = first.minutes.as_ref().unwrap().1.text.as_str();
    assert!(text.contains("additional 41 step down beds"), "{text}");
    assert!(!text.contains("Accessibility tools"));
    assert_eq!(record.sign_offs.len(), 1);
    assert_eq!(record.sign_offs[0].by.as_str(), "Katherine Disley");
    // "Matters for escalation (and where to) N/A": none.
    assert_eq!(store.counts().await.unwrap().escalations, 0);
}

#[tokio::test]
async fn transparency_board_minutes_arrive_with_attendance_actions_and_carried_actions() {
    let (_dir, store) = store().await;
    let opts = options("Cabinet Office", None);
    let folder = data("minutes");
    let report = import(store.as_ref(), std::slice::from_ref(&folder), &opts).await;
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(report.files, 14);
    assert_eq!(report.tally.created.get("meeting"), Some(&14));
    assert_eq!(report.tally.created.get("committee"), Some(&1));

    let committee = store.committee_by_slug("transparency-board").await.unwrap();
    assert_eq!(committee.record.name.as_str(), "Transparency Board");
    let meetings = store
        .meetings(
            Some(committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(50),
        )
        .await
        .unwrap();
    assert_eq!(meetings.len(), 14);
    let on = |y, m, d| {
        let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
        meetings
            .iter()
            .find(|s| witan_domain::time::london_date(s.meeting.record.times.start()) == date)
            .unwrap_or_else(|| panic!("no meeting on {date}"))
            .meeting
            .id
    };

    // 11 January 2011: who came, where, and an action with its owner's words and due date.
    let january = store
        .meeting_record(on(2011, 1, 11), Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        january.meeting.record.location.as_ref().map(|l| l.as_str()),
        Some("Cabinet Office")
    );
    let present: Vec<&str> = january
        .attendance
        .iter()
        .filter(|a| a.kind == witan_domain::AttendanceKind::Present)
        .map(|a| a.person.record.name.as_str())
        .collect();
    assert!(present.contains(&"Francis Maude") && present.contains(&"Andrew Stott"));
    let apologies: Vec<&str> = january
        .attendance
        .iter()
        .filter(|a| a.kind == witan_domain::AttendanceKind::Apologies)
        .map(|a| a.person.record.name.as_str())
        .collect();
    assert_eq!(apologies, ["Lord Tom McNally"]);
    let actions: Vec<&witan_store::ActionRecord> = january
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .flat_map(|e| open_item(e).actions.iter())
        .collect();
    assert!(actions.len() >= 8, "{}", actions.len());
    let link = action_with(&january, "link to the PDC announcement");
    assert!(
        link.action
            .record
            .description
            .as_str()
            .contains("(Due: immediately)")
    );

    // 13 December 2011: "Due: January" is the end of January 2012.
    let december = store
        .meeting_record(on(2011, 12, 13), Audience::Public)
        .await
        .unwrap();
    let circulate = action_with(&december, "Open for Business");
    assert_eq!(
        circulate.action.record.due_on,
        NaiveDate::from_ymd_opt(2011, 12, 31)
    );

    // The January meeting reported on the November 2010 actions: updates of those actions, not
    // new ones.
    let november = store
        .meeting_record(on(2010, 11, 19), Audience::Public)
        .await
        .unwrap();
    let green_paper = action_with(&november, "Green Paper on the Right to Data");
    assert_eq!(green_paper.updates.len(), 1, "{:?}", green_paper.updates);
    assert!(green_paper.updates[0].text.as_str().contains("on track"));
    assert_eq!(
        green_paper.updates[0].on,
        NaiveDate::from_ymd_opt(2011, 1, 11).unwrap()
    );

    // The whole folder again: everything unchanged.
    let again = import(store.as_ref(), &[folder], &opts).await;
    assert_eq!(total(&again.tally.created), 0, "{:?}", again.tally.created);
    assert_eq!(total(&again.tally.updated), 0, "{:?}", again.tally.updated);
}

#[tokio::test]
async fn a_changed_source_updates_its_records_in_place() {
    let (_dir, store) = store().await;
    let dir = TempDir::new();
    let copy = dir.path().join("issue.txt");
    let original = std::fs::read_to_string(data("seeds/001_695624d7a108ca0f.txt")).unwrap();
    std::fs::write(&copy, &original).unwrap();
    let opts = options("Lancashire County Council", None);
    import(store.as_ref(), std::slice::from_ref(&copy), &opts).await;
    let before = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();

    let changed = original.replace(
        "forecast budget shortfall of at least £805m",
        "forecast budget shortfall of at least £806m",
    );
    std::fs::write(&copy, changed).unwrap();
    let report = import(store.as_ref(), &[copy], &opts).await;
    assert_eq!(report.tally.updated.get("item"), Some(&1), "{report:?}");
    assert_eq!(total(&report.tally.created), 0);
    let after = store
        .issue_record(Id::new(1), Audience::Public)
        .await
        .unwrap();
    let ids = |r: &witan_store::IssueRecord| -> Vec<i64> {
        r.history
            .iter()
            .map(|h| open_item(&h.item).item.id.get())
            .collect()
    };
    assert_eq!(ids(&before), ids(&after));
    let text = open_item(&after.history[0].item)
        .minutes
        .as_ref()
        .unwrap()
        .1
        .text
        .to_string();
    assert!(text.contains("£806m") && !text.contains("£805m"));
}

#[tokio::test]
async fn bad_files_are_rejected_with_their_location_and_the_rest_still_import() {
    let (_dir, store) = store().await;
    let dir = TempDir::new();
    let bad_utf8 = dir.path().join("a-bad.txt");
    std::fs::write(
        &bad_utf8,
        b"Meeting date 11 October 2021\nKey decisions and actions\n\xff\xfe",
    )
    .unwrap();
    let no_meeting = dir.path().join("b-empty.md");
    std::fs::write(&no_meeting, "---\ntitle: [unclosed\n---\nHello\n").unwrap();
    let huge = dir.path().join("c-huge.txt");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(witan_import::MAX_FILE_BYTES + 1)
        .unwrap();
    let good = dir.path().join("d-good.txt");
    std::fs::copy(data("seeds/001_695624d7a108ca0f.txt"), &good).unwrap();
    let report = import(
        store.as_ref(),
        &[dir.path().to_path_buf()],
        &options("Lancashire County Council", None),
    )
    .await;
    let failed: Vec<(String, String)> = report
        .failed
        .iter()
        .map(|p| (p.at.clone(), p.message.clone()))
        .collect();
    assert_eq!(failed.len(), 3, "{failed:?}");
    assert!(failed[0].0.ends_with("a-bad.txt:line 3"), "{failed:?}");
    assert!(failed[0].1.contains("not UTF-8"));
    assert!(failed[1].0.ends_with("b-empty.md:line 3"), "{failed:?}");
    assert!(failed[1].1.contains("front matter is not valid YAML"));
    assert!(failed[2].1.contains("at most"), "{failed:?}");
    assert_eq!(report.tally.created.get("meeting"), Some(&2));
}

#[tokio::test]
async fn a_dry_run_reports_and_writes_nothing() {
    let (_dir, store) = store().await;
    let mut opts = options("Cabinet Office", None);
    opts.dry_run = true;
    let report = import(store.as_ref(), &[data("minutes")], &opts).await;
    assert_eq!(report.tally.created.get("meeting"), Some(&14));
    assert!(
        report
            .tally
            .created
            .get("action_update")
            .is_some_and(|n| *n >= 4)
    );
    assert_eq!(store.counts().await.unwrap().meetings, 0);
}

#[tokio::test]
async fn every_file_in_the_shared_data_imports_and_a_second_import_changes_nothing() {
    let (_dir, store) = store().await;
    let everything = data("");
    let opts = options("Shared Data Council", None);
    let report = import(store.as_ref(), std::slice::from_ref(&everything), &opts).await;
    // No file is refused as a whole; what is rejected is a record with a reason and a place.
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert!(
        report
            .tally
            .rejected
            .iter()
            .all(|p| p.at.contains("shared/data/") && !p.message.is_empty())
    );
    let meetings = report.tally.created.get("meeting").copied().unwrap_or(0);
    assert!(meetings >= 70, "{:?}", report.tally.created);
    let counts = store.counts().await.unwrap();
    assert_eq!(counts.meetings, meetings);

    let again = import(store.as_ref(), &[everything], &opts).await;
    assert!(again.failed.is_empty(), "{:?}", again.failed);
    assert_eq!(total(&again.tally.created), 0, "{:?}", again.tally.created);
    assert_eq!(total(&again.tally.updated), 0, "{:?}", again.tally.updated);
    // A record rejected for a link that another file's record supplies later in the run may
    // resolve the second time; nothing new is rejected.
    assert!(
        again
            .tally
            .rejected
            .iter()
            .all(|p| report.tally.rejected.contains(p))
    );
}

#[tokio::test]
async fn markdown_minutes_with_front_matter_arrive_with_numbered_items_and_owned_actions() {
    let (_dir, store) = store().await;
    let dir = TempDir::new();
    let file = dir.path().join("hwb-2024-03-05.md");
    std::fs::write(
        &file,
        "---\ntitle: Health and Wellbeing Board minutes - 5 March 2024\n---\n\
         # Health and Wellbeing Board\n\n\
         Minutes of the meeting held on 5 March 2024, 2pm - 4.30pm at County Hall.\n\n\
         ## Present\n\n- Cllr Jane Smith (Chair)\n- Dr Amir Khan\n\n\
         ## Apologies\n\n- Sarah Jones\n\n\
         ## 1. Welcome and introductions\n\nThe Chair welcomed members.\n\n\
         ## 2. Winter pressures\n\nThe Board discussed winter pressures.\n\n\
         Decision: The Board approved the winter plan.\n\n\
         Action: Dr Amir Khan to report on bed capacity.\n\nDue: April 2024\n",
    )
    .unwrap();
    let report = import(
        store.as_ref(),
        &[file],
        &options("Example County Council", None),
    )
    .await;
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "{report:?}"
    );
    let committee = store
        .committee_by_slug("health-and-wellbeing-board")
        .await
        .unwrap();
    let meetings = store
        .meetings(
            Some(committee.id),
            When::Before(chrono::Utc::now()),
            witan_store::Page::first(5),
        )
        .await
        .unwrap();
    let record = store
        .meeting_record(meetings[0].meeting.id, Audience::Public)
        .await
        .unwrap();
    assert_eq!(
        record.meeting.record.location.as_ref().unwrap().as_str(),
        "County Hall"
    );
    let times = &record.meeting.record.times;
    assert_eq!(witan_domain::time::uk_time(times.start()), "14:00");
    assert_eq!(
        times.end().map(witan_domain::time::uk_time).as_deref(),
        Some("16:30")
    );
    let chair = store.memberships(committee.id).await.unwrap();
    assert_eq!(chair.len(), 1);
    assert_eq!(chair[0].person_name.as_str(), "Cllr Jane Smith");
    assert_eq!(
        chair[0].membership.record.role,
        witan_domain::MembershipRole::Chair
    );
    let names: Vec<(&str, witan_domain::AttendanceKind)> = record
        .attendance
        .iter()
        .map(|a| (a.person.record.name.as_str(), a.kind))
        .collect();
    assert!(names.contains(&("Cllr Jane Smith", witan_domain::AttendanceKind::Present)));
    assert!(names.contains(&("Sarah Jones", witan_domain::AttendanceKind::Apologies)));
    let agenda = record.agenda.unwrap();
    let items: Vec<(String, String)> = agenda
        .iter()
        .map(|e| {
            let i = &open_item(e).item.record;
            (i.number.to_string(), i.title.to_string())
        })
        .collect();
    assert!(
        items.contains(&("2".into(), "Winter pressures".into())),
        "{items:?}"
    );
    let winter = agenda
        .iter()
        .map(open_item)
        .find(|i| i.item.record.title.as_str() == "Winter pressures")
        .unwrap();
    assert_eq!(
        winter.minutes.as_ref().unwrap().1.resolution.text.as_str(),
        "The Board approved the winter plan."
    );
    assert_eq!(winter.decisions.len(), 1);
    assert_eq!(
        winter.decisions[0].record.text.as_str(),
        "The Board approved the winter plan."
    );
    let action = &winter.actions[0];
    assert_eq!(action.owner_name.as_deref(), Some("Dr Amir Khan"));
    assert_eq!(
        action.action.record.due_on,
        NaiveDate::from_ymd_opt(2024, 4, 30)
    );
}
