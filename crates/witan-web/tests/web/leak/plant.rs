//! The records planted in the demo store: exempt ones whose every text carries a marker word, an
//! agenda not yet published, and files uploaded the way a clerk does.

use super::*;

/// What the test added, to find it again.
pub(super) struct Planted {
    pub(super) committee: CommitteeId,
    pub(super) committee_slug: String,
    pub(super) other_slug: String,
    pub(super) meeting: MeetingId,
    pub(super) unpublished: MeetingId,
    pub(super) target_meeting: MeetingId,
    pub(super) exempt_item: ItemId,
    pub(super) issue: IssueId,
    pub(super) owner: PersonId,
    pub(super) decided_on: NaiveDate,
    /// Uploaded documents: the one the public may download, and the highest id.
    pub(super) public_file: i64,
    pub(super) last_document: i64,
}

/// The demo store, the planted records and the index built over both (a reader of it besides the
/// router's).
pub(super) async fn planted_site() -> (Site, Planted, Searcher) {
    let (dir, store) = shared_sqlite().await;
    witan_demo::generate(
        store.as_ref(),
        witan_demo::Options {
            items: 3_000,
            seed: 7,
        },
        &mut |_| {},
    )
    .await
    .expect("demo");
    let mut planted = plant(store.as_ref()).await;
    upload_files(store.clone(), dir.path().join("files"), &mut planted).await;
    let site = Site::over(dir, store).await;
    let searcher = Searcher(site.search.clone());
    (site, planted, searcher)
}

/// Uploads files the way a clerk does (through the use case, so they are kept in the files
/// folder): an exempt one and a public one on the exempt item, one on the unpublished agenda's
/// item, and a public one on a public item.
pub(super) async fn upload_files(
    store: Arc<dyn Store>,
    files: std::path::PathBuf,
    planted: &mut Planted,
) {
    let workspace = witan_app::Workspace::new(store.clone())
        .with_files(files, witan_import::extract::Extractor::InProcess);
    let open_item = |meeting: MeetingId| {
        let store = store.clone();
        async move {
            store
                .meeting_record(meeting, Audience::Privileged)
                .await
                .expect("record")
                .agenda
                .expect("agenda")
                .iter()
                .find_map(|e| match e {
                    witan_store::ItemEntry::Open(i) if !i.item.visibility.is_exempt() => {
                        Some(i.item.id)
                    }
                    _ => None,
                })
                .expect("a public item")
        }
    };
    let public_item = open_item(planted.meeting).await;
    let unpublished_item = open_item(planted.unpublished).await;
    let exempt = Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", 3).expect("ground"),
        review_on: None,
    });
    let mut ids = Vec::new();
    for (item, name, words, visibility) in [
        (
            planted.exempt_item,
            "valuation.txt",
            "The valuer's figures zqleakmarker23 in full.",
            exempt.clone(),
        ),
        (
            planted.exempt_item,
            "plan.txt",
            "The site plan zqleakmarker24 of the depot.",
            Visibility::Public,
        ),
        (
            unpublished_item,
            "road.txt",
            "The access road survey zqleakmarker25 draft.",
            Visibility::Public,
        ),
        (
            public_item,
            "rents.txt",
            PUBLIC_FILE_TEXT,
            Visibility::Public,
        ),
    ] {
        let id = workspace
            .attach_document(
                &witan_app::Actor::CommandLine,
                item,
                witan_app::documents::Upload {
                    file_name: name.to_owned(),
                    bytes: words.as_bytes().to_vec(),
                    title: None,
                    visibility,
                },
                Utc::now(),
            )
            .await
            .expect("upload");
        ids.push(id.id.get());
    }
    planted.public_file = ids[3];
    planted.last_document = ids.iter().copied().max().unwrap_or_default();
}

/// Adds, in one unit of work: a held meeting with a published agenda carrying an exempt item
/// (minutes in two versions, resolution, decision, action and update, escalation, an exempt report
/// and one not marked exempt) and a public item with an exempt appendix; an issue both items and an unpublished agenda's item
/// belong to, with an exempt document of its own; and a meeting whose agenda is not published.
pub(super) async fn plant(store: &dyn Store) -> Planted {
    let today = day("2026-11-23");
    let committees = store.committees().await.expect("committees");
    // The first committee with a current member to own an action, and another to escalate to.
    let mut chosen = None;
    for c in &committees {
        let members = store.memberships(c.id).await.expect("memberships");
        if let Some(m) = members.iter().find(|m| {
            m.membership.is_current_on(today) && m.membership.role != MembershipRole::Officer
        }) {
            chosen = Some((c.clone(), m.membership.person));
            break;
        }
    }
    let (committee, owner) = chosen.expect("a committee with a current member");
    let other = committees
        .iter()
        .find(|c| c.id != committee.id)
        .expect("another committee");
    let ground = Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", 3).expect("ground"),
        review_on: Some(day("2027-11-16")),
    });
    let pdf = MediaType::parse("media_type", "application/pdf").expect("media type");
    let document = |item: Option<ItemId>,
                    issue: Option<IssueId>,
                    name: &str,
                    body: &str,
                    visibility: &Visibility| Document {
        item,
        issue,
        name: title(name),
        media_type: pdf.clone(),
        size_bytes: 120_000,
        sha256: None,
        text: text(body),
        visibility: visibility.clone(),
    };

    let mut w = store.begin().await.expect("begin");
    let issue = w
        .create_issue(&Issue {
            title: title("Depot and highways land disposals programme"),
            reference: Some(title("LEAK/2026/0001")),
            summary: text("Land and buildings the council no longer needs, and how they are sold."),
        })
        .await
        .expect("issue");
    let start = at("2026-11-16T10:00:00Z");
    let meeting = w
        .create_meeting(&Meeting {
            committee: committee.id,
            times: MeetingTimes::new(start, Some(start + Duration::hours(2))).expect("times"),
            location: Some(title("Committee Room 1, County Hall")),
            status: MeetingStatus::MinutesDraft,
            agenda_published: Some(start - Duration::days(7)),
        })
        .await
        .expect("meeting");
    w.record_attendance(meeting, owner, AttendanceKind::Present)
        .await
        .expect("attendance");
    let public_item = w
        .create_item(&AgendaItem {
            meeting,
            position: 1,
            number: ItemNumber::parse("number", "1").expect("number"),
            title: title("Highways resurfacing contract award"),
            issue: Some(issue),
            visibility: Visibility::Public,
        })
        .await
        .expect("public item");
    w.create_minutes(
        public_item,
        1,
        &Minutes {
            text: text("The committee considered the award of the resurfacing contract."),
            resolution: Resolution::new(
                vec![text("the contract be awarded as recommended")],
                Text::default(),
            ),
        },
    )
    .await
    .expect("public minutes");
    w.create_document(&document(
        Some(public_item),
        None,
        PUBLIC_ITEM_DOC_NAME,
        PUBLIC_ITEM_DOC_TEXT,
        &ground,
    ))
    .await
    .expect("exempt appendix");
    let exempt_item = w
        .create_item(&AgendaItem {
            meeting,
            position: 2,
            number: ItemNumber::parse("number", "2").expect("number"),
            title: title(EXEMPT_TITLE),
            issue: Some(issue),
            visibility: ground.clone(),
        })
        .await
        .expect("exempt item");
    w.create_minutes(
        exempt_item,
        1,
        &Minutes {
            text: text(MINUTES_V1),
            resolution: Resolution::default(),
        },
    )
    .await
    .expect("minutes v1");
    w.create_minutes(
        exempt_item,
        2,
        &Minutes {
            text: text(MINUTES_V2),
            resolution: Resolution::new(vec![text(RESOLUTION_POINT)], text(RESOLUTION_TEXT)),
        },
    )
    .await
    .expect("minutes v2");
    w.create_document(&document(
        Some(exempt_item),
        None,
        DOC_NAME,
        DOC_TEXT,
        &ground,
    ))
    .await
    .expect("exempt report");
    // A report its clerk forgot to mark exempt: on an exempt item it is withheld with the item.
    w.create_document(&document(
        Some(exempt_item),
        None,
        UNMARKED_DOC_NAME,
        UNMARKED_DOC_TEXT,
        &Visibility::Public,
    ))
    .await
    .expect("unmarked report");
    w.create_document(&document(
        None,
        Some(issue),
        ISSUE_DOC_NAME,
        ISSUE_DOC_TEXT,
        &ground,
    ))
    .await
    .expect("exempt issue document");
    let decided_on = day("2026-11-16");
    w.create_decision(&Decision {
        item: Some(exempt_item),
        maker: DecisionMaker::Committee(committee.id),
        decided_on,
        title: title(DECISION_TITLE),
        text: text(DECISION_TEXT),
        key_decision: true,
        call_in: CallIn::Subject {
            deadline: day("2026-11-23"),
        },
        status: DecisionStatus::Made,
    })
    .await
    .expect("decision");
    let action = w
        .create_action(&Action {
            meeting,
            item: Some(exempt_item),
            description: text(ACTION),
            owner: Some(ActionOwner::Person(owner)),
            due_on: Some(day("2027-02-01")),
            status: ActionStatus::Open,
            rag: Rag::Amber,
            closed_on: None,
        })
        .await
        .expect("action");
    w.create_action_update(
        action,
        &ActionUpdate {
            on: day("2026-11-20"),
            text: text(ACTION_UPDATE),
            rag: Some(Rag::Amber),
        },
    )
    .await
    .expect("action update");
    // The other committee's meeting whose clerk accepts the escalation onto its agenda, which is
    // then published.
    let target_start = at("2026-12-03T08:07:00Z");
    let mut target = Meeting {
        committee: other.id,
        times: MeetingTimes::new(target_start, None).expect("times"),
        location: None,
        status: MeetingStatus::Scheduled,
        agenda_published: None,
    };
    let target_meeting = w.create_meeting(&target).await.expect("target meeting");
    let escalation = w
        .send_escalation(exempt_item, other.id, &text(ESCALATION))
        .await
        .expect("escalation");
    w.accept_escalation(escalation, target_meeting)
        .await
        .expect("accepted");
    target.status = MeetingStatus::AgendaPublished;
    target.agenda_published = Some(target_start - Duration::days(5));
    w.replace(target_meeting.get(), Replacement::Meeting(&target))
        .await
        .expect("agenda published");
    // A later meeting of the same committee whose agenda is not yet published.
    let later = at("2026-12-10T10:00:00Z");
    let unpublished = w
        .create_meeting(&Meeting {
            committee: committee.id,
            times: MeetingTimes::new(later, None).expect("times"),
            location: Some(title("Committee Room 1, County Hall")),
            status: MeetingStatus::Scheduled,
            agenda_published: None,
        })
        .await
        .expect("unpublished meeting");
    let unpublished_item = w
        .create_item(&AgendaItem {
            meeting: unpublished,
            position: 1,
            number: ItemNumber::parse("number", "1").expect("number"),
            title: title(UNPUBLISHED_TITLE),
            issue: Some(issue),
            visibility: Visibility::Public,
        })
        .await
        .expect("unpublished item");
    w.create_document(&document(
        Some(unpublished_item),
        None,
        UNPUBLISHED_DOC_NAME,
        UNPUBLISHED_DOC_TEXT,
        &Visibility::Public,
    ))
    .await
    .expect("unpublished report");
    // Records an importer may hold for a meeting whose agenda is not out yet: the registers must
    // not show them before it is.
    w.create_decision(&Decision {
        item: Some(unpublished_item),
        maker: DecisionMaker::Committee(committee.id),
        decided_on: day("2026-12-10"),
        title: title("Approval of the depot access road zqleakmarker21"),
        text: text("Recorded in advance of the meeting."),
        key_decision: false,
        call_in: CallIn::NotSubject,
        status: DecisionStatus::Made,
    })
    .await
    .expect("unpublished decision");
    w.create_action(&Action {
        meeting: unpublished,
        item: Some(unpublished_item),
        description: text("Survey the access road zqleakmarker22 before the sale."),
        owner: Some(ActionOwner::Person(owner)),
        due_on: Some(day("2027-03-01")),
        status: ActionStatus::Open,
        rag: Rag::Green,
        closed_on: None,
    })
    .await
    .expect("unpublished action");
    w.commit().await.expect("commit");
    Planted {
        committee: committee.id,
        committee_slug: committee.slug.to_string(),
        other_slug: other.slug.to_string(),
        meeting,
        unpublished,
        target_meeting,
        exempt_item,
        issue,
        owner,
        decided_on,
        public_file: 0,
        last_document: 0,
    }
}
