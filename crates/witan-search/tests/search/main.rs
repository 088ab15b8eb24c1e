//! The index over a real SQLite store: relevance on a fixed set of minutes, filters and facets,
//! escaping, the public/exempt split, following changes, rebuilds and hostile queries.

#![allow(clippy::unwrap_used)]

mod following;
mod questions;

use std::sync::Arc;
use witan_domain::*;
use witan_search::{Indexer, Opened, SearchIndex, SearchRequest, Sort};
use witan_store::suite::kit::{TempDir, at, date, shared_sqlite, text, title};
use witan_store::{SearchKind, Store, Writer};

/// A county council's cabinet and scrutiny committee and a joint health board, with minutes,
/// decisions, actions and reports on the subjects people come asking about.
struct Fixture {
    _dir: TempDir,
    store: Arc<dyn Store>,
    index: SearchIndex,
    indexer: Indexer,
    beds: ItemId,
    stp_cabinet: ItemId,
    stp_scrutiny: ItemId,
    libraries: ItemId,
    potholes: ItemId,
    exempt: ItemId,
    beds_decision: DecisionId,
    report: DocumentId,
    camhs_action: ActionId,
}

struct Body<'a> {
    w: &'a mut dyn Writer,
}

impl Body<'_> {
    async fn meeting(&mut self, committee: CommitteeId, day: &str) -> MeetingId {
        let start = at(&format!("{day} 10:00"));
        self.w
            .create_meeting(&Meeting {
                committee,
                times: MeetingTimes::new(start, None).unwrap(),
                location: None,
                status: MeetingStatus::MinutesDraft,
                agenda_published: None,
            })
            .await
            .unwrap()
    }

    async fn item(
        &mut self,
        meeting: MeetingId,
        number: u32,
        name: &str,
        minutes: &str,
        resolved: &[&str],
        visibility: Visibility,
    ) -> ItemId {
        let id = self
            .w
            .create_item(&AgendaItem {
                meeting,
                position: number,
                number: ItemNumber::parse("number", &number.to_string()).unwrap(),
                title: title(name),
                issue: None,
                visibility,
            })
            .await
            .unwrap();
        self.w
            .create_minutes(
                id,
                1,
                &Minutes {
                    text: text(minutes),
                    resolution: Resolution::new(
                        resolved.iter().map(|r| text(r)).collect(),
                        Text::default(),
                    ),
                },
            )
            .await
            .unwrap();
        id
    }
}

async fn fixture() -> Fixture {
    let (dir, store) = shared_sqlite().await;
    let mut w = store.begin().await.unwrap();
    let county = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-county-council").unwrap(),
            name: title("Northshire County Council"),
            kind: OrganisationKind::CountyCouncil,
        })
        .await
        .unwrap();
    let icb = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire-icb").unwrap(),
            name: title("Northshire Integrated Care Board"),
            kind: OrganisationKind::IntegratedCareBoard,
        })
        .await
        .unwrap();
    let committee = |slug: &str, name: &str, owners| Committee {
        slug: Slug::parse("slug", slug).unwrap(),
        name: title(name),
        purpose: Text::default(),
        owners,
        parent: None,
    };
    let cabinet = w
        .create_committee(&committee(
            "cabinet",
            "Cabinet",
            CommitteeOwners::Single(county),
        ))
        .await
        .unwrap();
    let scrutiny = w
        .create_committee(&committee(
            "executive-scrutiny",
            "Executive Scrutiny Committee",
            CommitteeOwners::Single(county),
        ))
        .await
        .unwrap();
    let board = w
        .create_committee(&committee(
            "health-and-wellbeing-board",
            "Health and Wellbeing Board",
            CommitteeOwners::joint("owners", vec![county, icb]).unwrap(),
        ))
        .await
        .unwrap();
    let officer = w
        .create_person(&Person {
            name: title("Mike Kirby"),
            job_title: Some(title("Director of Corporate Commissioning")),
        })
        .await
        .unwrap();
    let mut b = Body { w: w.as_mut() };
    let cabinet_april = b.meeting(cabinet, "2016-04-14").await;
    let scrutiny_april = b.meeting(scrutiny, "2016-04-12").await;
    let board_winter = b.meeting(board, "2019-11-20").await;
    let cabinet_2021 = b.meeting(cabinet, "2021-06-10").await;
    let stp_cabinet = b
        .item(
            cabinet_april,
            7,
            "Health and Social Care Integration - Sustainability and Transformation Plan",
            "The Director presented a report on the development of a Sustainability and \
             Transformation Plan (STP) and on integrating health and social care. Every part of \
             the NHS must have a locally led STP in place, against a forecast budget shortfall.",
            &[
                "the development of the Sustainability and Transformation Plan be noted",
                "the Operating Principles be agreed and shared with partner organisations",
            ],
            Visibility::Public,
        )
        .await;
    let stp_scrutiny = b
        .item(
            scrutiny_april,
            4,
            "Health and Social Care Integration - Sustainability and Transformation Plan",
            "The Committee considered the STP and asked that district councils be engaged.",
            &["the report be noted"],
            Visibility::Public,
        )
        .await;
    let beds = b
        .item(
            board_winter,
            5,
            "Step-down beds for hospital discharge",
            "The Board discussed step-down beds in care homes to free hospital beds over winter. \
             Twenty step-down beds will be commissioned from December.",
            &["twenty step-down beds be commissioned for the winter"],
            Visibility::Public,
        )
        .await;
    let libraries = b
        .item(
            cabinet_2021,
            3,
            "Library service review",
            "Cabinet considered the consultation on the future of the library service, \
             including mobile libraries and opening hours. <script>alert('x')</script> was \
             found pasted into one response & removed.",
            &["four libraries move to community management"],
            Visibility::Public,
        )
        .await;
    let potholes = b
        .item(
            cabinet_2021,
            4,
            "Highways maintenance: pothole repairs",
            "Members noted the backlog of pothole repairs after the winter and the new \
             highways maintenance contract.",
            &["an extra two million pounds be spent on pothole repairs"],
            Visibility::Public,
        )
        .await;
    let exempt = b
        .item(
            cabinet_2021,
            9,
            "Disposal of land at Moor Lane",
            "Confidential: the bid from Quarrington Developments for the Moor Lane site.",
            &["the sale to Quarrington Developments be approved"],
            Visibility::Exempt(Exemption {
                ground: ExemptGround::schedule_12a("ground", 3).unwrap(),
                review_on: None,
            }),
        )
        .await;
    let beds_decision = w
        .create_decision(&Decision {
            item: Some(beds),
            maker: DecisionMaker::Committee(board),
            decided_on: date("2019-11-20"),
            title: title("Commissioning of step-down beds"),
            text: text("To commission twenty step-down beds in care homes for the winter."),
            key_decision: true,
            call_in: CallIn::NotSubject,
            status: DecisionStatus::Made,
        })
        .await
        .unwrap();
    w.create_decision(&Decision {
        item: Some(potholes),
        maker: DecisionMaker::Committee(cabinet),
        decided_on: date("2021-06-10"),
        title: title("Highways maintenance budget"),
        text: text("To spend an extra two million pounds on repairing roads."),
        key_decision: false,
        call_in: CallIn::NotSubject,
        status: DecisionStatus::Made,
    })
    .await
    .unwrap();
    let report = w
        .create_document(&Document {
            item: Some(stp_cabinet),
            issue: None,
            name: title("Report of the Director of Corporate Commissioning"),
            media_type: MediaType::parse("media_type", "application/pdf").unwrap(),
            size_bytes: 147_456,
            sha256: Some(Sha256::from_bytes(&[7; 32])),
            text: text(
                "Operating principles: governance, citizen focused integration, local health \
                 economies, joint strategic needs assessment, pooled budgets.",
            ),
            visibility: Visibility::Public,
        })
        .await
        .unwrap();
    let camhs_action = w
        .create_action(&Action {
            meeting: board_winter,
            item: None,
            description: text("Report back on waiting times for children's mental health services"),
            owner: Some(ActionOwner::Person(officer)),
            due_on: Some(date("2020-01-31")),
            status: ActionStatus::Open,
            rag: Rag::Amber,
            closed_on: None,
        })
        .await
        .unwrap();
    w.commit().await.unwrap();
    let (index, opened) = SearchIndex::open(&dir.path().join("search")).unwrap();
    assert!(matches!(opened, Opened::Rebuild { .. }), "{opened:?}");
    let mut indexer = Indexer::new(&index, store.clone(), "test".into()).unwrap();
    let built = indexer.rebuild(&mut |_| {}).await.unwrap();
    assert_eq!(
        built,
        6 + 2 + 1 + 1,
        "items, decisions, the action and the report"
    );
    Fixture {
        _dir: dir,
        store,
        index,
        indexer,
        beds,
        stp_cabinet,
        stp_scrutiny,
        libraries,
        potholes,
        exempt,
        beds_decision,
        report,
        camhs_action,
    }
}

fn ask(text: &str) -> SearchRequest {
    SearchRequest {
        text: text.to_owned(),
        ..SearchRequest::default()
    }
}

fn first(f: &Fixture, text: &str) -> (SearchKind, i64) {
    let results = f.index.search(&ask(text), Audience::Public).unwrap();
    let hit = results
        .hits
        .first()
        .unwrap_or_else(|| panic!("nothing found for {text:?}"));
    (hit.kind, hit.id)
}
