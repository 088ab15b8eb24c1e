//! View models: store records turned into what templates print, with dates in UK form and labels
//! in plain English. Templates do no formatting of their own.

mod pager;
pub mod ws_meeting;

pub use pager::{Choice, Pager};
use witan_domain::{AttendanceKind, Term, time};
use witan_store::{
    ActionRecord, DecisionRecord, EscalationRecord, ItemEntry, ItemRecord, MeetingRecord,
    MeetingSummary,
};

pub struct MeetingLink {
    pub id: i64,
    pub committee: String,
    pub when: String,
    pub status: &'static str,
}

impl From<&MeetingSummary> for MeetingLink {
    fn from(m: &MeetingSummary) -> Self {
        Self {
            id: m.meeting.id.get(),
            committee: m.committee.name.clone(),
            when: time::uk_datetime(m.meeting.times.start()),
            status: m.meeting.status.label(),
        }
    }
}

pub struct DocumentView {
    pub name: String,
    pub label: String,
    /// The document's digest, when known: witan may hold the file under it.
    pub sha256: Option<String>,
    /// Where the file can be downloaded, once the handler knows witan holds it.
    pub href: Option<String>,
    pub id: i64,
}

impl From<&witan_store::Stored<witan_domain::Document>> for DocumentView {
    fn from(d: &witan_store::Stored<witan_domain::Document>) -> Self {
        Self {
            name: d.name.to_string(),
            label: d.size_label(),
            sha256: d.sha256.as_ref().map(|s| s.as_str().to_owned()),
            href: None,
            id: d.id.get(),
        }
    }
}

impl DocumentView {
    /// Links every document whose file is in `files` to its download address under `prefix`
    /// (`/documents` for the public, `/workspace/documents` for the workspace).
    pub fn link_held(
        documents: &mut [DocumentView],
        files: Option<&std::path::Path>,
        prefix: &str,
    ) {
        let Some(files) = files else { return };
        for d in documents {
            if let Some(sha) = &d.sha256
                && witan_app::documents::file_path(files, sha).is_file()
            {
                d.href = Some(format!("{prefix}/{}", d.id));
            }
        }
    }
}

pub struct DecisionView {
    pub title: String,
    pub text: String,
    pub key: bool,
    pub status: &'static str,
    pub call_in: Option<String>,
}

pub struct ActionView {
    pub description: String,
    pub committee: String,
    pub owner: String,
    pub due: Option<String>,
    pub status: &'static str,
    pub rag: &'static str,
    pub rag_class: &'static str,
    pub raised: String,
    pub raised_at: i64,
    pub updates: Vec<(String, String)>,
}

impl From<&ActionRecord> for ActionView {
    fn from(a: &ActionRecord) -> Self {
        Self {
            description: a.action.description.to_string(),
            committee: a.committee.name.clone(),
            owner: a
                .owner_name
                .clone()
                .unwrap_or_else(|| "Unassigned".to_owned()),
            due: a.action.due_on.map(time::uk_short_date),
            status: a.action.status.label(),
            rag: a.action.rag.label(),
            rag_class: a.action.rag.as_str(),
            raised: time::uk_short_date(time::london_date(a.raised_on)),
            raised_at: a.raised_at.get(),
            updates: a
                .updates
                .iter()
                .map(|u| (time::uk_short_date(u.on), u.text.to_string()))
                .collect(),
        }
    }
}

pub struct EscalationView {
    pub from_committee: String,
    pub from_meeting: i64,
    pub to_committee: String,
    pub to_committee_slug: String,
    pub target_meeting: Option<i64>,
    pub reason: String,
    pub state: &'static str,
    /// Why the receiving committee declined it, if it did.
    pub decline_reason: Option<String>,
}

impl From<&EscalationRecord> for EscalationView {
    fn from(e: &EscalationRecord) -> Self {
        Self {
            from_committee: e.from_committee.name.clone(),
            from_meeting: e.from_meeting.get(),
            to_committee: e.to_committee.name.clone(),
            to_committee_slug: e.to_committee.slug.clone(),
            target_meeting: e.target_meeting.map(|m| m.get()),
            reason: e.escalation.reason.to_string(),
            state: e.escalation.state.label(),
            decline_reason: e.escalation.decline_reason.as_ref().map(|r| r.to_string()),
        }
    }
}

pub struct ItemView {
    pub number: String,
    pub withheld: Option<String>,
    pub title: String,
    pub issue: Option<(i64, String)>,
    pub documents: Vec<DocumentView>,
    pub minutes: Vec<String>,
    pub minutes_version: u32,
    pub resolution: Vec<String>,
    pub resolution_text: String,
    pub decisions: Vec<DecisionView>,
    pub actions: Vec<ActionView>,
    pub escalations_sent: Vec<EscalationView>,
    pub escalated_from: Option<EscalationView>,
}

impl ItemView {
    pub fn new(entry: &ItemEntry) -> Self {
        match entry {
            ItemEntry::Withheld { number, label, .. } => Self {
                number: number.to_string(),
                withheld: Some(label.clone()),
                ..Self::empty()
            },
            ItemEntry::Open(record) => Self::open(record),
        }
    }

    fn empty() -> Self {
        Self {
            number: String::new(),
            withheld: None,
            title: String::new(),
            issue: None,
            documents: Vec::new(),
            minutes: Vec::new(),
            minutes_version: 0,
            resolution: Vec::new(),
            resolution_text: String::new(),
            decisions: Vec::new(),
            actions: Vec::new(),
            escalations_sent: Vec::new(),
            escalated_from: None,
        }
    }

    fn open(r: &ItemRecord) -> Self {
        let (version, minutes) = match &r.minutes {
            Some((version, minutes)) => (*version, Some(minutes)),
            None => (0, None),
        };
        Self {
            number: r.item.number.to_string(),
            withheld: None,
            title: r.item.title.to_string(),
            issue: r
                .item
                .issue
                .zip(r.issue_title.as_ref())
                .map(|(id, title)| (id.get(), title.to_string())),
            documents: r.documents.iter().map(DocumentView::from).collect(),
            minutes: minutes
                .map(|m| m.text.paragraphs().map(str::to_owned).collect())
                .unwrap_or_default(),
            minutes_version: version,
            resolution: minutes
                .map(|m| {
                    m.resolution
                        .points
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            resolution_text: minutes
                .map(|m| m.resolution.text.to_string())
                .unwrap_or_default(),
            decisions: r
                .decisions
                .iter()
                .map(|d| DecisionView {
                    title: d.title.to_string(),
                    text: d.text.to_string(),
                    key: d.key_decision,
                    status: d.status.label(),
                    call_in: d.call_in.deadline().map(time::uk_date),
                })
                .collect(),
            actions: r.actions.iter().map(ActionView::from).collect(),
            escalations_sent: r
                .escalations_sent
                .iter()
                .map(EscalationView::from)
                .collect(),
            escalated_from: r.escalated_from.as_ref().map(EscalationView::from),
        }
    }
}

pub struct AttendanceGroup {
    pub label: &'static str,
    pub people: Vec<(i64, String)>,
}

pub struct SignOffView {
    pub version: u32,
    pub by: String,
    pub on: String,
    pub reason: Option<String>,
}

pub struct MeetingView {
    pub committee: String,
    pub committee_slug: String,
    pub organisations: Vec<String>,
    pub when: String,
    pub ends: Option<String>,
    pub location: Option<String>,
    pub status: &'static str,
    pub attendance: Vec<AttendanceGroup>,
    pub declarations: Vec<String>,
    pub agenda_published: bool,
    pub items: Vec<ItemView>,
    pub sign_offs: Vec<SignOffView>,
    pub carried_actions: Vec<ActionView>,
}

impl From<&MeetingRecord> for MeetingView {
    fn from(r: &MeetingRecord) -> Self {
        let attendance = AttendanceKind::ALL
            .iter()
            .map(|kind| AttendanceGroup {
                label: kind.label(),
                people: r
                    .attendance
                    .iter()
                    .filter(|a| a.kind == *kind)
                    .map(|a| (a.person.id.get(), a.person.name.to_string()))
                    .collect(),
            })
            .filter(|g| !g.people.is_empty())
            .collect();
        Self {
            committee: r.committee.name.to_string(),
            committee_slug: r.committee.slug.to_string(),
            organisations: r.organisations.iter().map(|o| o.name.to_string()).collect(),
            when: time::uk_datetime(r.meeting.times.start()),
            ends: r.meeting.times.end().map(time::uk_time),
            location: r.meeting.location.as_ref().map(ToString::to_string),
            status: r.meeting.status.label(),
            attendance,
            declarations: r
                .declarations
                .iter()
                .map(|d| {
                    let on = d
                        .item_number
                        .as_ref()
                        .map(|n| format!(" (item {n})"))
                        .unwrap_or_default();
                    format!(
                        "{}{on}: {} — {}",
                        d.person_name,
                        d.kind.label(),
                        d.description
                    )
                })
                .collect(),
            agenda_published: r.agenda.is_some(),
            items: r.agenda.iter().flatten().map(ItemView::new).collect(),
            sign_offs: r
                .sign_offs
                .iter()
                .map(|s| SignOffView {
                    version: s.version,
                    by: s.by.to_string(),
                    on: time::uk_date(s.on),
                    reason: s.reason.as_ref().map(ToString::to_string),
                })
                .collect(),
            carried_actions: r.carried_actions.iter().map(ActionView::from).collect(),
        }
    }
}

impl MeetingView {
    /// Key decisions and actions of the meeting, as boards summarise them.
    pub fn key_decisions(&self) -> Vec<(&str, &DecisionView)> {
        self.items
            .iter()
            .flat_map(|i| i.decisions.iter().map(move |d| (i.number.as_str(), d)))
            .collect()
    }

    pub fn actions(&self) -> Vec<(&str, &ActionView)> {
        self.items
            .iter()
            .flat_map(|i| i.actions.iter().map(move |a| (i.number.as_str(), a)))
            .collect()
    }

    pub fn escalations(&self) -> Vec<&EscalationView> {
        self.items
            .iter()
            .flat_map(|i| i.escalations_sent.iter())
            .collect()
    }
}

/// A row of the decisions register.
pub struct DecisionRow {
    pub date: String,
    pub title: String,
    pub maker: Option<(String, String)>,
    pub place: Option<(i64, String)>,
    pub key: bool,
    pub call_in: Option<String>,
    pub status: &'static str,
}

impl From<&DecisionRecord> for DecisionRow {
    fn from(r: &DecisionRecord) -> Self {
        let d = &r.decision;
        Self {
            date: time::uk_short_date(d.decided_on),
            title: d.title.to_string(),
            maker: r
                .committee
                .as_ref()
                .map(|c| (c.slug.clone(), c.name.clone())),
            place: r
                .meeting
                .zip(r.item_number.as_ref())
                .map(|(m, n)| (m.get(), n.to_string())),
            key: d.key_decision,
            call_in: d.call_in.deadline().map(time::uk_short_date),
            status: d.status.label(),
        }
    }
}
