//! Committees, their members and forward plan, organisations, people: the records meetings hang off.

use super::auth::{Editor, Reader};
use super::organisations::setup_page;
use super::{Choice, Chrome, conclude, far_future, meeting_fields, page};
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::forms::{Done, Fields, FormState};
use crate::edge::{extract, forms};
use crate::views::MeetingLink;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use witan_app::Error as UseCaseError;
use witan_app::version_of;
use witan_domain::Term;
use witan_domain::time::london_date;
use witan_domain::{Meeting, MeetingStatus, Text, Title, time};
use witan_store::{Direction, Page, When};

#[derive(Template)]
#[template(path = "ws_committee.html")]
pub(super) struct CommitteePage {
    chrome: Chrome,
    slug: String,
    name: String,
    purpose: String,
    parent: String,
    version: String,
    editable: bool,
    meetings: Vec<MeetingLink>,
    /// Person id, name, role, since, membership id.
    members: Vec<(i64, String, &'static str, String, i64)>,
    committees: Vec<Choice>,
    roles: Vec<(&'static str, &'static str)>,
    today: String,
    /// Escalations sent to this committee that wait for its clerk's answer.
    pending: Vec<PendingEscalation>,
    /// Meetings of this committee an escalation can be accepted onto: agenda not yet published.
    open_meetings: Vec<Choice>,
    done: Option<&'static str>,
    form: FormState,
}

/// An escalation waiting for the receiving committee's answer, with its two forms' names.
struct PendingEscalation {
    id: i64,
    from_committee: String,
    from_meeting: i64,
    reason: String,
    accept_form: String,
    decline_form: String,
}

/// Escalations pending on a committee's page; more wait behind them in the public list.
const PENDING_SHOWN: u32 = 50;

fn committee_done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "declined" => {
            "The escalation has been declined. The committee that sent it sees your reason."
        }
        _ => return None,
    })
}

pub(super) async fn committee_page(
    state: &AppState,
    reader: &Reader,
    slug: &str,
    done: Option<&'static str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(slug).await?;
    let summaries = state
        .store
        .meetings(
            Some(committee.id),
            When::Before(far_future()),
            Page::first(100),
        )
        .await?;
    let meetings = summaries.iter().map(MeetingLink::from).collect();
    // Oldest first, so the next meeting is the first choice.
    let open_meetings = summaries
        .iter()
        .rev()
        .filter(|m| m.meeting.status == MeetingStatus::Scheduled)
        .map(|m| Choice {
            value: m.meeting.id.to_string(),
            label: time::uk_datetime(m.meeting.times.start()),
        })
        .collect();
    let pending = state
        .store
        .escalations(
            committee.id,
            Direction::Pending,
            reader.user.audience(),
            Page::first(PENDING_SHOWN),
        )
        .await?
        .into_iter()
        .map(|e| {
            let id = e.escalation.id.get();
            PendingEscalation {
                id,
                from_committee: e.from_committee.name,
                from_meeting: e.from_meeting.get(),
                reason: e.escalation.reason.to_string(),
                accept_form: format!("accept-{id}"),
                decline_form: format!("decline-{id}"),
            }
        })
        .collect();
    let today = london_date(Utc::now());
    let members = state
        .store
        .memberships(committee.id)
        .await?
        .into_iter()
        .filter(|m| m.membership.is_current_on(today))
        .map(|m| {
            (
                m.membership.person.get(),
                m.person_name.to_string(),
                m.membership.role.label(),
                time::uk_date(m.membership.from),
                m.membership.id.get(),
            )
        })
        .collect();
    // A clerk may hang the committee only under one they may edit (the use case checks again);
    // the current parent stays in the list so the form keeps it.
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .filter(|c| {
            c.id != committee.id
                && (committee.parent == Some(c.id)
                    || reader.user.may_edit(c.owners.organisations()))
        })
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.name.to_string(),
        })
        .collect();
    page(
        &CommitteePage {
            chrome: Chrome::from(reader),
            editable: reader.user.may_edit(committee.owners.organisations()),
            slug: committee.slug.to_string(),
            name: committee.name.to_string(),
            purpose: committee.purpose.to_string(),
            parent: committee.parent.map(|p| p.to_string()).unwrap_or_default(),
            version: version_of(&committee.record),
            meetings,
            members,
            committees,
            roles: witan_domain::MembershipRole::ALL
                .iter()
                .map(|r| (r.as_str(), r.label()))
                .collect(),
            today: today.to_string(),
            pending,
            open_meetings,
            done,
            form,
        },
        status,
    )
}

/// Ends a committee form: on success back to the committee page, otherwise the page again.
pub(super) async fn finish_committee<T>(
    state: &AppState,
    editor: &Editor,
    slug: &str,
    f: Fields<'_>,
    outcome: Option<Result<T, UseCaseError>>,
    anchor: &str,
) -> Result<Response, AppError> {
    conclude(
        f,
        outcome,
        |_| format!("/workspace/committees/{slug}{anchor}"),
        |form| {
            committee_page(
                state,
                &editor.reader,
                slug,
                None,
                form,
                StatusCode::BAD_REQUEST,
            )
        },
    )
    .await
}

pub async fn edit_committee(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let mut f = Fields::new("committee", &editor.form);
    let name = f.required("name", "Enter the committee's name", Title::parse);
    let purpose = f.check(Text::parse("purpose", f.raw("purpose")));
    let parent = f.optional("parent", forms::id);
    let version = f.raw("version").to_owned();
    let outcome = match (name, purpose, parent) {
        (Some(name), Some(purpose), Some(parent)) if f.ok() => Some(
            state
                .workspace
                .edit_committee(
                    &editor.actor(),
                    committee.id,
                    &version,
                    witan_app::records::CommitteeChange {
                        name,
                        purpose,
                        parent,
                    },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish_committee(&state, &editor, &slug, f, outcome, "").await
}

pub async fn add_member(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let mut f = Fields::new("member", &editor.form);
    let person = if f.raw("person").is_empty() {
        let name = f.required(
            "name",
            "Enter the person's name, or the number of someone already recorded",
            Title::parse,
        );
        let job_title = f.optional("job_title", Title::parse);
        name.zip(job_title).map(|(name, job_title)| {
            witan_app::records::MemberChoice::New(witan_domain::Person { name, job_title })
        })
    } else {
        f.required("person", "Enter the person's number", forms::id)
            .map(witan_app::records::MemberChoice::Existing)
    };
    let role = f.required(
        "role",
        "Choose the role",
        witan_domain::MembershipRole::parse,
    );
    let from = f.required("from", "Enter the date the membership starts", forms::date);
    let outcome = match (person, role, from) {
        (Some(person), Some(role), Some(from)) if f.ok() => Some(
            state
                .workspace
                .add_member(
                    &editor.actor(),
                    committee.id,
                    person,
                    role,
                    from,
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish_committee(&state, &editor, &slug, f, outcome, "#members").await
}

pub async fn add_forward_plan_entry(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let mut f = Fields::new("forward_plan", &editor.form);
    let title = f.required("title", "Enter the decision to be taken", Title::parse);
    let expected_on = f.required(
        "expected_on",
        "Enter the date the decision is expected",
        forms::date,
    );
    let outcome = match (title, expected_on) {
        (Some(title), Some(expected_on)) if f.ok() => {
            let entry = witan_domain::ForwardPlanEntry {
                title,
                decision_maker: committee.id,
                issue: None,
                published_on: london_date(Utc::now()),
                expected_on,
            };
            Some(
                state
                    .workspace
                    .add_forward_plan_entry(&editor.actor(), &entry, Utc::now())
                    .await,
            )
        }
        _ => None,
    };
    finish_committee(&state, &editor, &slug, f, outcome, "#forward-plan").await
}

pub async fn committee(
    State(state): State<AppState>,
    reader: Reader,
    Path(slug): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let done = done.done.as_deref().and_then(committee_done_message);
    committee_page(
        &state,
        &reader,
        &slug,
        done,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn schedule(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let mut f = Fields::new("schedule", &editor.form);
    let outcome = match meeting_fields(&mut f) {
        Some((times, location)) if f.ok() => {
            let meeting = Meeting {
                committee: committee.id,
                times,
                location,
                status: MeetingStatus::Scheduled,
                agenda_published: None,
            };
            Some(
                state
                    .workspace
                    .schedule_meeting(&editor.actor(), &meeting, Utc::now())
                    .await,
            )
        }
        _ => None,
    };
    conclude(
        f,
        outcome,
        |id| format!("/workspace/meetings/{id}?done=scheduled"),
        |form| {
            committee_page(
                &state,
                &editor.reader,
                &slug,
                None,
                form,
                StatusCode::BAD_REQUEST,
            )
        },
    )
    .await
}

pub async fn add_committee(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, AppError> {
    let mut f = Fields::new("new_committee", &editor.form);
    let name = f.required("name", "Enter the committee's name", Title::parse);
    let organisation = f.required(
        "organisation",
        "Choose the organisation it belongs to",
        forms::id,
    );
    let partner = f.optional("partner", forms::id);
    let parent = f.optional("parent", forms::id);
    let purpose = f.check(Text::parse("purpose", f.raw("purpose")));
    let slug = name
        .as_ref()
        .and_then(|n| f.check(witan_domain::Slug::from_name("name", n.as_str())));
    let owners = match (organisation, partner) {
        (Some(one), Some(None)) => Some(witan_domain::CommitteeOwners::Single(one)),
        (Some(one), Some(Some(other))) => f.check(witan_domain::CommitteeOwners::joint(
            "partner",
            vec![one, other],
        )),
        _ => None,
    };
    let outcome = match (name, owners, parent, purpose, slug) {
        (Some(name), Some(owners), Some(parent), Some(purpose), Some(slug)) if f.ok() => {
            let committee = witan_domain::Committee {
                slug: slug.clone(),
                name,
                purpose,
                owners,
                parent,
            };
            Some(
                state
                    .workspace
                    .create_committee(&editor.actor(), &committee, Utc::now())
                    .await
                    .map(|_| slug),
            )
        }
        _ => None,
    };
    conclude(
        f,
        outcome,
        |slug| format!("/workspace/committees/{slug}"),
        |form| setup_page(&state, &editor.reader, None, form, StatusCode::BAD_REQUEST),
    )
    .await
}

pub async fn end_membership(
    State(state): State<AppState>,
    Path((slug, membership)): Path<(String, String)>,
    editor: Editor,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let membership = extract::id(&membership)?;
    let mut f = Fields::new(format!("end-{membership}"), &editor.form);
    let until = f.required("until", "Enter the last day of the membership", forms::date);
    let outcome = match until {
        Some(until) if f.ok() => Some(
            state
                .workspace
                .end_membership(&editor.actor(), committee.id, membership, until, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish_committee(&state, &editor, &slug, f, outcome, "#members").await
}
