//! Generative leak test: random small stores crawled as the public over every public route.
//!
//! Each case builds a store from a random plan (meetings at every stage, exempt and public items,
//! new and shared issues, documents on items and on issues alone, minutes, decisions, actions,
//! escalations), builds the search index, then changes it the ways visibility changes (an agenda
//! published, an exempt item released, an item moved to another issue, minutes corrected, an
//! escalation accepted onto the receiving committee's agenda, an OParl dump imported with
//! non-public items and papers whose only consultation is one of them) and lets the index catch
//! up. Every text carries a marker word of its own, and a model of the rule
//! written here, apart from the store's SQL, says which markers the public may see. Every path
//! of `witan_web::routes::paths()` is then requested with every id and slug of the store, and
//! every marker is searched for and completed: a marker the model withholds in any answer is a
//! leak, reported with the plan that produced it (shrunk by proptest). The alerts read the same
//! changes: every committee and issue is followed at every frequency, and each message sent
//! must hold no withheld marker and, between them, every public item's.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;
use tower::ServiceExt;
use witan_app::following::{Mailer, Notifier, Site};
use witan_domain::{
    Action, ActionOwner, ActionStatus, AgendaItem, CallIn, Committee, CommitteeId, CommitteeOwners,
    Decision, DecisionMaker, DecisionStatus, Document, ExemptGround, Exemption, Issue, IssueId,
    ItemId, ItemNumber, MediaType, Meeting, MeetingId, MeetingStatus, MeetingTimes, Minutes,
    Organisation, OrganisationKind, Person, Resolution, Slug, Term, Text, Title, Visibility,
};
use witan_domain::{Email, FollowTarget, Frequency};
use witan_store::{OutgoingMail, Replacement, Store};

/// The stage a planned meeting is created at.
#[derive(Debug, Clone, Copy)]
enum Stage {
    Scheduled,
    AgendaPublished,
    MinutesDraft,
    SignedOff,
    Cancelled,
}

impl Stage {
    fn status(self) -> MeetingStatus {
        match self {
            Self::Scheduled => MeetingStatus::Scheduled,
            Self::AgendaPublished => MeetingStatus::AgendaPublished,
            Self::MinutesDraft | Self::SignedOff => MeetingStatus::MinutesDraft,
            Self::Cancelled => MeetingStatus::Cancelled,
        }
    }
}

#[derive(Debug, Clone)]
struct ItemPlan {
    meeting: usize,
    exempt: bool,
    /// `None`: no issue; `Some(n)`: issue `n % issues` (a new issue when none exists yet).
    issue: Option<usize>,
    minutes: bool,
    decision: bool,
    action: bool,
    /// A report on the item: `Some(exempt)`.
    document: Option<bool>,
    escalate: bool,
}

/// What changes after the index is built.
#[derive(Debug, Clone)]
enum Later {
    /// Publishes the agenda of a scheduled meeting.
    Publish(usize),
    /// Releases an exempt item (the workspace's release: the same item, no longer exempt).
    Release(usize),
    /// Moves an item to another issue.
    Relink(usize, usize),
    /// Corrects the signed-off minutes of an item.
    Correct(usize),
    /// Accepts an escalation onto a meeting (refused unless the meeting is the receiving
    /// committee's and its agenda unpublished), then publishes that agenda when `true`.
    Accept(usize, usize, bool),
    /// Imports an OParl dump of a body of its own.
    Import(ImportPlan),
}

/// An OParl dump of one body with one committee and one meeting.
#[derive(Debug, Clone)]
struct ImportPlan {
    status: MeetingStatus,
    items: Vec<ImportedItem>,
}

#[derive(Debug, Clone)]
struct ImportedItem {
    /// `public: false` at the source when not.
    public: bool,
    /// A paper consulted by the item, with a main file of its own.
    paper: bool,
    /// A file on the item itself.
    file: bool,
}

#[derive(Debug, Clone)]
struct Plan {
    meetings: Vec<(usize, Stage)>,
    issues: usize,
    items: Vec<ItemPlan>,
    /// Documents on an issue alone: (issue, exempt).
    issue_documents: Vec<(usize, bool)>,
    later: Vec<Later>,
}

fn stage() -> impl Strategy<Value = Stage> {
    prop_oneof![
        Just(Stage::Scheduled),
        Just(Stage::AgendaPublished),
        Just(Stage::MinutesDraft),
        Just(Stage::SignedOff),
        Just(Stage::Cancelled),
    ]
}

fn plan() -> impl Strategy<Value = Plan> {
    let item = (
        0..3usize,
        any::<bool>(),
        proptest::option::weighted(0.8, 0..3usize),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
        proptest::bool::weighted(0.3),
    )
        .prop_map(
            |(meeting, exempt, issue, minutes, decision, action, document, escalate)| ItemPlan {
                meeting,
                exempt,
                issue,
                minutes,
                decision,
                action,
                document,
                escalate,
            },
        );
    let imported =
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(public, paper, file)| {
            ImportedItem {
                public,
                paper,
                file,
            }
        });
    let import = (
        prop_oneof![
            Just(MeetingStatus::Scheduled),
            Just(MeetingStatus::AgendaPublished),
            Just(MeetingStatus::Held),
        ],
        proptest::collection::vec(imported, 1..=3),
    )
        .prop_map(|(status, items)| Later::Import(ImportPlan { status, items }));
    let later = prop_oneof![
        2 => (0..3usize).prop_map(Later::Publish),
        2 => (0..5usize).prop_map(Later::Release),
        2 => (0..5usize, 0..3usize).prop_map(|(i, n)| Later::Relink(i, n)),
        2 => (0..5usize).prop_map(Later::Correct),
        3 => (0..3usize, 0..3usize, any::<bool>()).prop_map(|(e, m, p)| Later::Accept(e, m, p)),
        2 => import,
    ];
    (
        proptest::collection::vec((0..2usize, stage()), 1..=3),
        1..=3usize,
        proptest::collection::vec(item, 1..=5),
        proptest::collection::vec((0..3usize, any::<bool>()), 0..=2),
        proptest::collection::vec(later, 0..=4),
    )
        .prop_map(|(meetings, issues, items, issue_documents, later)| Plan {
            meetings,
            issues,
            items,
            issue_documents,
            later,
        })
}

/// The model's state of one item, after the plan's changes.
#[derive(Debug, Clone)]
struct ItemState {
    /// `None` for an imported item, which the later changes leave alone.
    id: Option<ItemId>,
    meeting: usize,
    exempt: bool,
    issue: Option<usize>,
    /// The marker of its title.
    title: String,
}

/// A marker and what the model says of it.
#[derive(Debug, Clone)]
enum Subject {
    /// Content of an item: its title, minutes, decision, escalation reason.
    Item(usize),
    /// An action raised on an item.
    Action(usize),
    /// An issue's title or summary.
    Issue(usize),
    /// A document on an item: (item, exempt).
    ItemDocument(usize, bool),
    /// A document on an issue alone: (issue, exempt).
    IssueDocument(usize, bool),
}

struct Model {
    meetings: Vec<MeetingStatus>,
    items: Vec<ItemState>,
    /// What each marker marks: a text copied from one record to another (an escalated item's
    /// title on the item it was accepted as) marks both, and may be seen when either may.
    markers: BTreeMap<String, Vec<Subject>>,
    /// Issues so far, planned and imported.
    issues: usize,
}

impl Model {
    fn agenda_public(&self, meeting: usize) -> bool {
        self.meetings[meeting].agenda_is_public()
    }

    fn item_public(&self, item: usize) -> bool {
        let i = &self.items[item];
        !i.exempt && self.agenda_public(i.meeting)
    }

    fn issue_public(&self, issue: usize) -> bool {
        (0..self.items.len()).any(|n| self.items[n].issue == Some(issue) && self.item_public(n))
    }

    /// Whether the public may see what the marker marks: the rule, written apart from the SQL.
    fn public(&self, subject: &Subject) -> bool {
        match *subject {
            Subject::Item(n) => self.item_public(n),
            Subject::Action(n) => {
                self.agenda_public(self.items[n].meeting) && !self.items[n].exempt
            }
            Subject::Issue(n) => self.issue_public(n),
            Subject::ItemDocument(n, exempt) => !exempt && self.item_public(n),
            Subject::IssueDocument(n, exempt) => !exempt && self.issue_public(n),
        }
    }

    fn withheld(&self) -> Vec<(&str, &[Subject])> {
        self.markers
            .iter()
            .filter(|(_, subjects)| !subjects.iter().any(|s| self.public(s)))
            .map(|(m, s)| (m.as_str(), s.as_slice()))
            .collect()
    }

    /// A new marker of `subject`.
    fn mark(&mut self, subject: Subject) -> String {
        let marker = format!("zqv{:03}", self.markers.len() + 1);
        self.markers.insert(marker.clone(), vec![subject]);
        marker
    }
}

fn title(s: &str) -> Title {
    Title::parse("title", s).expect("title")
}

fn text(s: &str) -> Text {
    Text::parse("text", s).expect("text")
}

fn exempt() -> Visibility {
    Visibility::Exempt(Exemption {
        ground: ExemptGround::schedule_12a("ground", 3).expect("ground"),
        review_on: None,
    })
}

struct Built {
    _dir: tempfile::TempDir,
    router: axum::Router,
    model: Model,
    slugs: Vec<String>,
    max_id: i64,
    /// The messages sent to followers of every committee and issue.
    mail: Vec<String>,
}

/// Builds the plan's store, indexes it, applies the later changes and lets the index catch up.
async fn build(plan: &Plan) -> Built {
    let dir = tempfile::tempdir().expect("temp dir");
    let store: Arc<dyn Store> = Arc::new(
        witan_store::sqlite::SqliteStore::open(&dir.path().join("witan.db"))
            .await
            .expect("store"),
    );
    // The alerts start reading the change log before anything is written, so every change
    // below is a change they may tell.
    let notifier = Notifier::new(
        store.clone(),
        Site::new("http://127.0.0.1", "witan"),
        chrono::NaiveTime::MIN,
    );
    notifier.collect(Utc::now()).await.expect("alerts start");
    let mut markers = BTreeMap::new();
    let mut next = 0;
    let mut mark = |subject: Subject| {
        next += 1;
        let marker = format!("zqv{next:03}");
        markers.insert(marker.clone(), vec![subject]);
        marker
    };
    let base: DateTime<Utc> = "2026-06-01T09:00:00Z".parse().expect("instant");
    let day = |d: DateTime<Utc>| d.date_naive();
    let pdf = MediaType::parse("media_type", "application/pdf").expect("media type");

    let mut w = store.begin().await.expect("begin");
    let organisation = w
        .create_organisation(&Organisation {
            slug: Slug::parse("slug", "northshire").expect("slug"),
            name: title("Northshire County Council"),
            kind: OrganisationKind::CountyCouncil,
        })
        .await
        .expect("organisation");
    let mut committees: Vec<CommitteeId> = Vec::new();
    let slugs = vec!["cabinet".to_owned(), "scrutiny".to_owned()];
    for slug in &slugs {
        committees.push(
            w.create_committee(&Committee {
                slug: Slug::parse("slug", slug).expect("slug"),
                name: title(&format!("The {slug}")),
                purpose: Text::default(),
                owners: CommitteeOwners::Single(organisation),
                parent: None,
            })
            .await
            .expect("committee"),
        );
    }
    let owner = w
        .create_person(&Person {
            name: title("Councillor Ada Lovelace"),
            job_title: None,
        })
        .await
        .expect("person");
    let mut meetings: Vec<(MeetingId, Stage)> = Vec::new();
    let mut statuses = Vec::new();
    for (n, (committee, stage)) in plan.meetings.iter().enumerate() {
        let start = base + Duration::days(7 * n as i64);
        let status = stage.status();
        let id = w
            .create_meeting(&Meeting {
                committee: committees[*committee],
                times: MeetingTimes::new(start, None).expect("times"),
                location: None,
                status,
                agenda_published: status.agenda_is_public().then(|| start - Duration::days(7)),
            })
            .await
            .expect("meeting");
        meetings.push((id, *stage));
        statuses.push(status);
    }
    let mut issues: Vec<IssueId> = Vec::new();
    for n in 0..plan.issues {
        let (t, s) = (mark(Subject::Issue(n)), mark(Subject::Issue(n)));
        issues.push(
            w.create_issue(&Issue {
                title: title(&format!("Matter {t} of the council")),
                reference: None,
                summary: text(&format!("What the matter {s} is about.")),
            })
            .await
            .expect("issue"),
        );
    }
    let mut items: Vec<ItemState> = Vec::new();
    let mut positions = vec![0u32; meetings.len()];
    let mut escalations = Vec::new();
    // Items with minutes, and meetings with an item with minutes: only those can be signed off.
    let mut with_minutes = vec![false; plan.items.len()];
    let mut meeting_minutes = vec![false; meetings.len()];
    for (n, p) in plan.items.iter().enumerate() {
        let meeting = p.meeting % meetings.len();
        positions[meeting] += 1;
        let issue = p.issue.map(|i| i % issues.len());
        let t = mark(Subject::Item(n));
        let id = w
            .create_item(&AgendaItem {
                meeting: meetings[meeting].0,
                position: positions[meeting],
                number: ItemNumber::parse("number", &positions[meeting].to_string())
                    .expect("number"),
                title: title(&format!("Report {t} on the matter")),
                issue: issue.map(|i| issues[i]),
                visibility: if p.exempt {
                    exempt()
                } else {
                    Visibility::Public
                },
            })
            .await
            .expect("item");
        items.push(ItemState {
            id: Some(id),
            meeting,
            exempt: p.exempt,
            issue,
            title: t,
        });
        if p.minutes || matches!(meetings[meeting].1, Stage::SignedOff) {
            let m = mark(Subject::Item(n));
            w.create_minutes(
                id,
                1,
                &Minutes {
                    text: text(&format!("Members discussed {m} at length.")),
                    resolution: Resolution::new(vec![text("the report be noted")], Text::default()),
                },
            )
            .await
            .expect("minutes");
            with_minutes[n] = true;
            meeting_minutes[meeting] = true;
        }
        if p.decision {
            let (dt, dx) = (mark(Subject::Item(n)), mark(Subject::Item(n)));
            w.create_decision(&Decision {
                item: Some(id),
                maker: DecisionMaker::Committee(committees[plan.meetings[meeting].0]),
                decided_on: day(base),
                title: title(&format!("Decision {dt} on the report")),
                text: text(&format!("Resolved: {dx} as recommended.")),
                key_decision: false,
                call_in: CallIn::NotSubject,
                status: DecisionStatus::Made,
            })
            .await
            .expect("decision");
        }
        if p.action {
            let a = mark(Subject::Action(n));
            w.create_action(&Action {
                meeting: meetings[meeting].0,
                item: Some(id),
                description: text(&format!("Follow up {a} with the service")),
                owner: Some(ActionOwner::Person(owner)),
                due_on: None,
                status: ActionStatus::Open,
                rag: witan_domain::Rag::Green,
                closed_on: None,
            })
            .await
            .expect("action");
        }
        if let Some(doc_exempt) = p.document {
            let (name, body) = (
                mark(Subject::ItemDocument(n, doc_exempt)),
                mark(Subject::ItemDocument(n, doc_exempt)),
            );
            w.create_document(&Document {
                item: Some(id),
                issue: None,
                name: title(&format!("Appendix {name}")),
                media_type: pdf.clone(),
                size_bytes: 1_000,
                sha256: None,
                text: text(&format!("The appendix sets out {body} in full.")),
                visibility: if doc_exempt {
                    exempt()
                } else {
                    Visibility::Public
                },
            })
            .await
            .expect("item document");
        }
        if p.escalate {
            escalations.push(n);
        }
    }
    for (issue, doc_exempt) in &plan.issue_documents {
        let issue = issue % issues.len();
        let (name, body) = (
            mark(Subject::IssueDocument(issue, *doc_exempt)),
            mark(Subject::IssueDocument(issue, *doc_exempt)),
        );
        w.create_document(&Document {
            item: None,
            issue: Some(issues[issue]),
            name: title(&format!("Background paper {name}")),
            media_type: pdf.clone(),
            size_bytes: 1_000,
            sha256: None,
            text: text(&format!("The paper explains {body} for members.")),
            visibility: if *doc_exempt {
                exempt()
            } else {
                Visibility::Public
            },
        })
        .await
        .expect("issue document");
    }
    // Sent escalations: (id, the item it was sent from, the committee it was sent to).
    let mut sent = Vec::new();
    for n in escalations {
        let reason = mark(Subject::Item(n));
        let from_committee = plan.meetings[items[n].meeting].0;
        let to = 1 - from_committee;
        let id = w
            .send_escalation(
                items[n].id.expect("a planned item"),
                committees[to],
                &text(&format!("Escalated because {reason} needs a decision.")),
            )
            .await
            .expect("escalation");
        sent.push((id, n, to));
    }
    let mut signed_off = vec![false; meetings.len()];
    for (n, (id, stage)) in meetings.iter().enumerate() {
        if matches!(stage, Stage::SignedOff) && meeting_minutes[n] {
            signed_off[n] = true;
            w.sign_off_minutes(*id, &title("The chair"), None, day(base))
                .await
                .expect("sign-off");
        }
    }
    w.commit().await.expect("commit");

    let (search, _) =
        witan_search::SearchIndex::open(&dir.path().join("search")).expect("search index");
    let mut indexer =
        witan_search::Indexer::new(&search, store.clone(), "test".into()).expect("indexer");
    indexer.rebuild(&mut |_| {}).await.expect("index built");

    // Visibility changes after the index is built, as a clerk makes them.
    let mut model = Model {
        meetings: statuses,
        items,
        markers,
        issues: issues.len(),
    };
    let mut accepted = vec![false; sent.len()];
    let mut committee_of: Vec<usize> = plan.meetings.iter().map(|(c, _)| *c).collect();
    // Where each of `meetings` is in the model, which also holds the imported meetings.
    let mut in_model: Vec<usize> = (0..meetings.len()).collect();
    let mut slugs = slugs;
    for (k, change) in plan.later.iter().enumerate() {
        if let Later::Import(import) = change {
            slugs.extend(import_dump(&store, dir.path(), k, import, &mut model).await);
            continue;
        }
        let mut w = store.begin().await.expect("begin");
        match *change {
            Later::Publish(m) => {
                let m = m % meetings.len();
                if model.meetings[in_model[m]] != MeetingStatus::Scheduled {
                    continue;
                }
                w.set_meeting_status(meetings[m].0, MeetingStatus::AgendaPublished)
                    .await
                    .expect("publish");
                model.meetings[in_model[m]] = MeetingStatus::AgendaPublished;
            }
            Later::Release(n) | Later::Relink(n, _) => {
                let n = n % model.items.len();
                let item = model.items[n].clone();
                let Some(id) = item.id else { continue };
                let mut record = store.item(id).await.expect("item").record;
                match *change {
                    Later::Release(_) => {
                        if !item.exempt {
                            continue;
                        }
                        record.visibility = Visibility::Public;
                        model.items[n].exempt = false;
                    }
                    Later::Relink(_, to) => {
                        let to = to % issues.len();
                        record.issue = Some(issues[to]);
                        model.items[n].issue = Some(to);
                    }
                    _ => unreachable!("only releases and moves"),
                }
                w.replace(id.get(), Replacement::Item(&record))
                    .await
                    .expect("replace item");
            }
            Later::Correct(n) => {
                let n = n % plan.items.len();
                let item = model.items[n].clone();
                let Some(id) = item.id else { continue };
                if !signed_off[item.meeting] || !with_minutes[n] {
                    continue;
                }
                let c = model.mark(Subject::Item(n));
                w.correct_minutes(
                    meetings[item.meeting].0,
                    &[(
                        id,
                        Minutes {
                            text: text(&format!("Corrected: members discussed {c}.")),
                            resolution: Resolution::default(),
                        },
                    )],
                    &title("The chair"),
                    day(base) + chrono::Days::new(30),
                    &text("A name was misspelt."),
                )
                .await
                .expect("correction");
            }
            Later::Accept(e, m, publish) => {
                if sent.is_empty() {
                    continue;
                }
                let e = e % sent.len();
                let (escalation, from, to) = sent[e];
                if accepted[e] {
                    continue;
                }
                // The m-th meeting it may be accepted onto. When there is none, another meeting
                // must refuse it, and the receiving clerk schedules one to accept it onto.
                let open: Vec<usize> = (0..meetings.len())
                    .filter(|&n| {
                        committee_of[n] == to
                            && model.meetings[in_model[n]] == MeetingStatus::Scheduled
                    })
                    .collect();
                let m = if open.is_empty() {
                    let other = m % meetings.len();
                    let refused = w.accept_escalation(escalation, meetings[other].0).await;
                    assert!(
                        refused.is_err(),
                        "escalation {e} accepted onto meeting {other} ({:?}) of committee {}",
                        model.meetings[in_model[other]],
                        committee_of[other]
                    );
                    drop(w);
                    w = store.begin().await.expect("begin");
                    let start = base + Duration::days(7 * meetings.len() as i64);
                    let id = w
                        .create_meeting(&Meeting {
                            committee: committees[to],
                            times: MeetingTimes::new(start, None).expect("times"),
                            location: None,
                            status: MeetingStatus::Scheduled,
                            agenda_published: None,
                        })
                        .await
                        .expect("meeting to accept onto");
                    meetings.push((id, Stage::Scheduled));
                    committee_of.push(to);
                    in_model.push(model.meetings.len());
                    model.meetings.push(MeetingStatus::Scheduled);
                    meetings.len() - 1
                } else {
                    open[m % open.len()]
                };
                let outcome = w.accept_escalation(escalation, meetings[m].0).await;
                let id = outcome.expect("accepted");
                if publish {
                    w.set_meeting_status(meetings[m].0, MeetingStatus::AgendaPublished)
                        .await
                        .expect("publish");
                    model.meetings[in_model[m]] = MeetingStatus::AgendaPublished;
                }
                accepted[e] = true;
                let source = model.items[from].clone();
                model.items.push(ItemState {
                    id: Some(id),
                    meeting: in_model[m],
                    ..source.clone()
                });
                let copy = Subject::Item(model.items.len() - 1);
                model
                    .markers
                    .get_mut(&source.title)
                    .expect("the source's title marker")
                    .push(copy);
            }
            Later::Import(_) => unreachable!("imported above"),
        }
        w.commit().await.expect("commit change");
    }
    indexer.catch_up().await.expect("index caught up");
    let counts = store.counts().await.expect("counts");
    let mail = follow_everything(&store, &notifier, counts.committees + counts.issues).await;

    let router = witan_web::router(witan_web::AppState::new(store.clone(), search));
    let max_id = i64::try_from(
        [
            counts.meetings,
            counts.agenda_items,
            counts.escalations,
            counts.issues,
            counts.documents,
            counts.decisions,
            counts.actions,
        ]
        .into_iter()
        .max()
        .unwrap_or(0),
    )
    .unwrap_or(i64::MAX)
        + 2;
    Built {
        _dir: dir,
        router,
        model,
        slugs,
        max_id,
        mail,
    }
}

/// Takes every message it is handed.
#[derive(Default)]
struct Outbox(std::sync::Mutex<Vec<String>>);

#[async_trait::async_trait]
impl Mailer for Outbox {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), String> {
        self.0
            .lock()
            .expect("outbox")
            .push(format!("{}\n{}\n{}", mail.subject, mail.text, mail.html));
        Ok(())
    }
}

/// Follows every committee and issue there may be, at every frequency, and sends what the
/// alerts make of the store's changes: the messages, each as its subject, text and HTML.
async fn follow_everything(store: &Arc<dyn Store>, notifier: &Notifier, ids: u64) -> Vec<String> {
    let now = Utc::now();
    let mut w = store.begin().await.expect("begin");
    for (n, frequency) in Frequency::ALL.iter().copied().enumerate() {
        let email = Email::parse("email", &format!("reader{n}@example.org")).expect("email");
        let (subscriber, _) = w
            .subscriber_for(&email, &format!("token{n}"), now)
            .await
            .expect("subscriber");
        for id in 1..=i64::try_from(ids).expect("ids") {
            for target in [
                FollowTarget::Committee(CommitteeId::new(id)),
                FollowTarget::Issue(IssueId::new(id)),
            ] {
                let (follow, _) = w
                    .follow(subscriber.id, &target, "Followed", frequency, now)
                    .await
                    .expect("follow");
                w.confirm(subscriber.id, follow, now)
                    .await
                    .expect("confirm");
            }
        }
    }
    w.commit().await.expect("commit follows");
    let outbox = Outbox::default();
    notifier
        .run(&outbox, None, false, now)
        .await
        .expect("alerts sent");
    for frequency in [Frequency::Daily, Frequency::Weekly] {
        notifier
            .run(&outbox, Some(frequency), false, now)
            .await
            .expect("digest sent");
    }
    outbox.0.into_inner().expect("outbox")
}

/// Imports the plan's OParl dump (the `k`th change) as `witan import` would, and tells the model
/// what it holds; returns the slugs its committee and body may have.
async fn import_dump(
    store: &Arc<dyn Store>,
    dir: &std::path::Path,
    k: usize,
    plan: &ImportPlan,
    model: &mut Model,
) -> Vec<String> {
    let base = format!("https://ris.example.org/{k}");
    let t = |kind: &str| format!("https://schema.oparl.org/1.1/{kind}");
    let folder = dir.join(format!("import-{k}"));
    std::fs::create_dir_all(&folder).expect("import folder");
    let write = |name: &str, value: serde_json::Value| {
        std::fs::write(folder.join(name), value.to_string()).expect("write dump file");
    };
    write(
        "body.json",
        serde_json::json!({"id": format!("{base}/body/1"), "type": t("Body"),
            "name": format!("Imported Body {k}")}),
    );
    write(
        "organization.json",
        serde_json::json!({"id": format!("{base}/organization/1"), "type": t("Organization"),
            "body": format!("{base}/body/1"), "name": format!("Imported Panel {k}")}),
    );
    let meeting = model.meetings.len();
    model.meetings.push(plan.status);
    let mut items = Vec::new();
    for (j, p) in plan.items.iter().enumerate() {
        let n = model.items.len();
        let title = model.mark(Subject::Item(n));
        let issue = p.paper.then(|| {
            model.issues += 1;
            model.issues - 1
        });
        model.items.push(ItemState {
            id: None,
            meeting,
            exempt: !p.public,
            issue,
            title: title.clone(),
        });
        let mut item = serde_json::json!({
            "id": format!("{base}/agendaitem/{j}"), "type": t("AgendaItem"),
            "number": format!("{}.", j + 1), "name": format!("Imported item {title}"),
            "public": p.public,
        });
        if p.file {
            let body = model.mark(Subject::ItemDocument(n, false));
            item["auxiliaryFile"] = serde_json::json!([{
                "id": format!("{base}/file/item-{j}"), "type": t("File"),
                "name": "Item report", "mimeType": "application/pdf", "size": 1000,
                "text": format!("The item report says {body} plainly.")}]);
        }
        if let Some(issue) = issue {
            item["consultation"] = format!("{base}/consultation/{j}").into();
            let (name, body) = (
                model.mark(Subject::Issue(issue)),
                model.mark(Subject::IssueDocument(issue, false)),
            );
            write(
                &format!("paper-{j}.json"),
                serde_json::json!({
                    "id": format!("{base}/paper/{j}"), "type": t("Paper"),
                    "name": format!("Imported paper {name}"),
                    "consultation": [{"id": format!("{base}/consultation/{j}"),
                        "type": t("Consultation"),
                        "agendaItem": format!("{base}/agendaitem/{j}")}],
                    "mainFile": {"id": format!("{base}/file/paper-{j}"), "type": t("File"),
                        "name": "Paper", "mimeType": "application/pdf", "size": 1000,
                        "text": format!("The paper reads {body} in full.")}
                }),
            );
        }
        items.push(item);
    }
    write(
        "meeting.json",
        serde_json::json!({"data": [{
            "id": format!("{base}/meeting/1"), "type": t("Meeting"),
            "name": format!("Imported Panel {k}"), "start": "2026-09-01T10:00:00+01:00",
            "organization": [format!("{base}/organization/1")],
            "witan:status": plan.status.as_str(),
            "agendaItem": items,
        }]}),
    );
    let options = witan_import::Options {
        format: None,
        organisation: None,
        committee: None,
        dry_run: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 8, 1).expect("date"),
        extractor: witan_import::extract::Extractor::InProcess,
    };
    let report = witan_import::run(
        store.as_ref(),
        &[folder],
        &options,
        &mut |_: usize, _: usize, _: &std::path::Path| {},
    )
    .await
    .expect("import");
    assert!(
        report.failed.is_empty() && report.tally.rejected.is_empty(),
        "the dump imports whole: {:?} {:?}",
        report.failed,
        report.tally.rejected
    );
    vec![format!("imported-panel-{k}"), format!("imported-body-{k}")]
}

/// Every concrete path of a template: each placeholder filled with every value it can take in
/// this store (ids of records the public may not see included).
fn expand(template: &str, built: &Built) -> Vec<String> {
    let ids: Vec<String> = (1..=built.max_id).map(|n| n.to_string()).collect();
    let values = |name: &str| -> Vec<String> {
        match name {
            "id" | "person" => ids.clone(),
            "slug" => built.slugs.clone(),
            "direction" => vec!["sent".into(), "received".into()],
            "year" => vec!["2026".into()],
            "list" => ["organizations", "people", "meetings", "papers", "files"]
                .map(String::from)
                .to_vec(),
            "kind" => [
                "organization",
                "person",
                "meeting",
                "paper",
                "file",
                "agendaitem",
                "consultation",
            ]
            .map(String::from)
            .to_vec(),
            "*rest" => vec!["nothing".into()],
            other => panic!("the crawl does not know how to fill {{{other}}}: teach it"),
        }
    };
    let mut paths = vec![String::new()];
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').expect("closing brace") + open;
        let literal = &rest[..open];
        let choices = values(&rest[open + 1..close]);
        paths = paths
            .iter()
            .flat_map(|p| choices.iter().map(move |c| format!("{p}{literal}{c}")))
            .collect();
        rest = &rest[close + 1..];
    }
    paths.into_iter().map(|p| format!("{p}{rest}")).collect()
}

async fn fetch(router: &axum::Router, path: &str) -> (StatusCode, String) {
    let response = router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let headers = format!("{:?}", response.headers());
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .expect("body");
    (
        status,
        format!("{headers}\n{}", String::from_utf8_lossy(&bytes)),
    )
}

/// Crawls every public route and every search of the built store; returns the leaks found.
async fn crawl(built: &Built) -> Vec<String> {
    let withheld = built.model.withheld();
    let mut paths: Vec<(String, Option<&str>)> = witan_web::routes::paths()
        .into_iter()
        .flat_map(|(template, _)| expand(template, built))
        .map(|path| (path, None))
        .collect();
    // A search repeats its question: the marker searched for counts as found only when it
    // appears more often than a word found nowhere does in the same answer.
    const SEARCHES: [&str; 3] = [
        "/search?q=",
        "/api/v1/search?q=",
        "/api/v1/search/suggest?q=",
    ];
    let mut echoes = Vec::new();
    for search in SEARCHES {
        let (_, answer) = fetch(&built.router, &format!("{search}zqv999")).await;
        echoes.push(answer.matches("zqv999").count());
    }
    for (marker, _) in &withheld {
        for search in SEARCHES {
            paths.push((format!("{search}{marker}"), Some(*marker)));
        }
    }
    for prefix in [
        "zqv",
        "zqv0",
        "Report",
        "Matter",
        "Appendix",
        "Background",
        "Decision",
    ] {
        paths.push((format!("/api/v1/search/suggest?q={prefix}"), None));
        paths.push((format!("/search?q={prefix}"), None));
    }
    let mut leaks = Vec::new();
    for (n, message) in built.mail.iter().enumerate() {
        for (marker, subject) in &withheld {
            if message.contains(marker) {
                leaks.push(format!("{marker} ({subject:?}) in message {n}:\n{message}"));
            }
        }
    }
    // The mail must tell what the public may see, or a silent notifier would pass: every public
    // item is in a message of each frequency.
    for (n, item) in built.model.items.iter().enumerate() {
        let told = built
            .mail
            .iter()
            .filter(|m| m.contains(&item.title))
            .count();
        assert!(
            !built.model.item_public(n) || told >= Frequency::ALL.len(),
            "public item {n} ({}) told in {told} messages of {}",
            item.title,
            built.mail.len()
        );
    }
    for (path, asked) in paths {
        let (status, answer) = fetch(&built.router, &path).await;
        assert!(
            status != StatusCode::INTERNAL_SERVER_ERROR,
            "{path} answered 500: {answer}"
        );
        let echoed = SEARCHES
            .iter()
            .position(|s| path.starts_with(s))
            .map_or(0, |n| echoes[n]);
        for (marker, subject) in &withheld {
            let allowed = if asked == Some(*marker) { echoed } else { 0 };
            if answer.matches(marker).count() > allowed {
                leaks.push(format!("{marker} ({subject:?}) in {path}"));
            }
        }
    }
    leaks
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(16),
        max_shrink_iters: 200,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn nothing_withheld_reaches_the_public_whatever_the_store(plan in plan()) {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let leaks = runtime.block_on(async { crawl(&build(&plan).await).await });
        prop_assert!(leaks.is_empty(), "leaks:\n{}", leaks.join("\n"));
    }
}
