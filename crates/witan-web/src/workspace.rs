//! The clerk's workspace: pages that show everything (exempt material included) to signed-in
//! readers, and forms that run the use cases of `witan-app` for clerks and admins.
//!
//! Every handler takes [`Reader`], [`Editor`] or [`Admin`]: the extractor is the check. A form
//! that fails is shown again with the reader's input and an error summary; one that succeeds
//! redirects (303) to the page it changed, with a note of what was done.

use crate::auth::{Admin, Editor, Reader, Uploader};
use crate::forms::{self, Fields, FormState};
use crate::views::{DocumentView, EscalationView, MeetingLink};
use crate::{AppError, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDateTime, Utc};
use std::collections::HashMap;
use witan_app::meetings::{IssueChoice, NewAction, NewItem};
use witan_app::{Error as UseCaseError, version_of};
use witan_domain::time::{self, london_date, london_to_utc};
use witan_domain::{
    ActionStatus, ActionUpdate, ExemptGround, Exemption, ItemNumber, Meeting, MeetingStatus,
    MeetingTimes, Minutes, Rag, Resolution, Role, Term, Text, Title, Visibility,
};
use witan_store::{ItemEntry, Page, StoreError, When};

/// Workspace pages show exempt material, so no shared cache may keep them.
fn private(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    response
}

fn page(template: &impl Template, status: StatusCode) -> Result<Response, AppError> {
    Ok(private(status, template.render()?))
}

fn parse_id<T>(raw: &str) -> Result<witan_domain::Id<T>, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(witan_domain::Id::new)
        .ok_or(AppError::NotFound)
}

/// Later than any meeting: a bound the store compares as text, so a four-digit year.
fn far_future() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

/// What the workspace's header needs.
pub struct Chrome {
    pub csrf: String,
    pub user: String,
    pub admin: bool,
}

impl From<&Reader> for Chrome {
    fn from(r: &Reader) -> Self {
        Self {
            csrf: r.session.csrf_token.clone(),
            user: format!("{} ({})", r.user.name, r.user.role.label()),
            admin: r.user.is_admin(),
        }
    }
}

struct CommitteeRow {
    slug: String,
    name: String,
    editable: bool,
}

#[derive(Template)]
#[template(path = "ws_home.html")]
struct HomePage {
    chrome: Chrome,
    committees: Vec<CommitteeRow>,
    upcoming: Vec<MeetingLink>,
}

pub async fn home(State(state): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .map(|c| CommitteeRow {
            editable: reader.may_edit() && reader.user.may_edit(c.owners.organisations()),
            slug: c.slug.to_string(),
            name: c.name.to_string(),
        })
        .collect();
    let upcoming = state
        .store
        .meetings(None, When::From(Utc::now()), Page::first(20))
        .await?
        .iter()
        .map(MeetingLink::from)
        .collect();
    page(
        &HomePage {
            chrome: Chrome::from(&reader),
            committees,
            upcoming,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "ws_committee.html")]
struct CommitteePage {
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
    form: FormState,
}

async fn committee_page(
    state: &AppState,
    reader: &Reader,
    slug: &str,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(slug).await?;
    let meetings = state
        .store
        .meetings(
            Some(committee.id),
            When::Before(far_future()),
            Page::first(100),
        )
        .await?
        .iter()
        .map(MeetingLink::from)
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
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .filter(|c| c.id != committee.id)
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.name.to_string(),
        })
        .collect();
    page(
        &CommitteePage {
            chrome: Chrome::from(reader),
            editable: reader.may_edit() && reader.user.may_edit(committee.owners.organisations()),
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
            form,
        },
        status,
    )
}

/// Ends a committee form: on success back to the committee page, otherwise the page again.
async fn finish_committee<T>(
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
        |form| committee_page(state, &editor.reader, slug, form, StatusCode::BAD_REQUEST),
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
) -> Result<Response, AppError> {
    committee_page(&state, &reader, &slug, FormState::default(), StatusCode::OK).await
}

/// Reads the date, start, end and location fields of a meeting form.
fn meeting_fields(f: &mut Fields<'_>) -> Option<(MeetingTimes, Option<Title>)> {
    let date = f.required("date", "Enter the date of the meeting", forms::date);
    let start = f.required("start", "Enter the time the meeting starts", forms::time);
    let end = f.optional("end", forms::time);
    let location = f.optional("location", Title::parse);
    let (date, start, end, location) = (date?, start?, end?, location?);
    let start = f.check(london_to_utc("start", NaiveDateTime::new(date, start)))?;
    let end = match end {
        Some(end) => Some(f.check(london_to_utc("end", NaiveDateTime::new(date, end)))?),
        None => None,
    };
    let times = f.check(
        MeetingTimes::new(start, end)
            .map_err(|e| witan_domain::ValidationError::new("end", e.reason)),
    )?;
    Some((times, location))
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
        |form| committee_page(&state, &editor.reader, &slug, form, StatusCode::BAD_REQUEST),
    )
    .await
}

/// Ends a form: a redirect to `to(result)` when the use case succeeded, otherwise `again` shows
/// the form with its errors (the use case's refusal among them).
async fn conclude<T, Again>(
    mut f: Fields<'_>,
    outcome: Option<Result<T, UseCaseError>>,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(FormState) -> Again,
) -> Result<Response, AppError>
where
    Again: std::future::Future<Output = Result<Response, AppError>>,
{
    match outcome {
        Some(Ok(value)) => Ok(Redirect::to(&to(value)).into_response()),
        Some(Err(e)) => {
            refused(&mut f, e)?;
            again(f.into_state()).await
        }
        None => again(f.into_state()).await,
    }
}

/// Puts a refused use case's reason on the form, or passes on what is not the form's fault.
fn refused(f: &mut Fields<'_>, e: UseCaseError) -> Result<(), AppError> {
    match e {
        UseCaseError::Store(StoreError::Invalid(v)) => {
            f.check::<()>(Err(v));
        }
        UseCaseError::Store(StoreError::Rule(r)) => f.fail("form", &r.to_string()),
        UseCaseError::Store(StoreError::Conflict(m)) => f.fail("form", &m),
        e @ UseCaseError::Stale => f.fail("form", &e.to_string()),
        other => return Err(other.into()),
    }
    Ok(())
}

struct HubAction {
    id: i64,
    description: String,
    owner: String,
    due: String,
    status: &'static str,
    rag: &'static str,
    open: bool,
    form: String,
}

struct HubDecision {
    id: i64,
    line: String,
    /// The moves the call-in rules allow from here: (status, label).
    next: Vec<(&'static str, &'static str)>,
    form: String,
}

struct HubItem {
    id: i64,
    number: String,
    title: String,
    exempt: Option<String>,
    issue: Option<(i64, String)>,
    minutes: String,
    points: String,
    decisions: Vec<HubDecision>,
    /// The item as stored, for the edit form's version check.
    version: String,
    actions: Vec<HubAction>,
    escalations: Vec<EscalationView>,
    /// The escalation this item is the proposed item of: id, from where, and whether the
    /// committee has considered it.
    escalated_from: Option<(i64, String, bool)>,
    documents: Vec<(DocumentView, Option<String>)>,
    forms: ItemForms,
}

/// The names of an item's forms, so that only the one submitted is filled in again.
struct ItemForms {
    minutes: String,
    decision: String,
    action: String,
    escalation: String,
    document: String,
}

struct Choice {
    value: String,
    label: String,
}

#[derive(Template)]
#[template(path = "ws_meeting.html")]
struct MeetingPage {
    chrome: Chrome,
    id: i64,
    committee: String,
    committee_slug: String,
    when: String,
    status: &'static str,
    location: String,
    editable: bool,
    /// The meeting form's fields as stored, and the version it was read at.
    date: String,
    start: String,
    end: String,
    version: String,
    next_steps: Vec<(&'static str, &'static str)>,
    agenda_open: bool,
    minutes_open: bool,
    signed_off: Vec<String>,
    items: Vec<HubItem>,
    committees: Vec<Choice>,
    people: Vec<Choice>,
    /// Declarations of interest as recorded: who, item, kind, what.
    declarations: Vec<String>,
    interest_kinds: Vec<(&'static str, &'static str)>,
    /// Person id, name and how they attended ("" when not recorded).
    attendance: Vec<(String, String, &'static str)>,
    kinds: Vec<(&'static str, &'static str)>,
    done: Option<&'static str>,
    form: FormState,
    today: String,
}

fn done_message(code: &str) -> Option<&'static str> {
    Some(match code {
        "scheduled" => "The meeting has been scheduled.",
        "edited" => "The meeting's details have been saved.",
        "agenda_published" => "The agenda has been published. It is now on the public site.",
        "held" => "The meeting is marked as held. You can now record minutes.",
        "cancelled" => "The meeting has been cancelled.",
        "item" => "The item has been added to the agenda.",
        "minutes" => "The minutes have been saved as a draft.",
        "decision" => "The decision has been recorded.",
        "action" => "The action has been recorded.",
        "action_update" => "The action has been updated.",
        "escalation" => {
            "The escalation has been sent. It is a proposed item on the other committee's next meeting."
        }
        "considered" => "The escalation is recorded as considered.",
        "released" => "The item has been released. It is now public.",
        "signed_off" => "The minutes are signed off and locked.",
        "document" => "The document has been uploaded.",
        "decision_status" => "The decision's status has been changed.",
        "item_edited" => "The item has been changed.",
        "attendance" => "The attendance has been recorded.",
        "declaration" => "The declaration of interest has been recorded.",
        "corrected" => "The correction has been recorded as a new version of the minutes.",
        _ => return None,
    })
}

async fn meeting_page(
    state: &AppState,
    reader: &Reader,
    id: witan_domain::MeetingId,
    done: Option<&str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let record = state
        .store
        .meeting_record(id, reader.user.audience())
        .await?;
    let meeting = &record.meeting;
    let editable = reader.may_edit()
        && reader
            .user
            .may_edit(record.committee.owners.organisations());
    let start = meeting.times.start();
    let next_steps = [
        (MeetingStatus::AgendaPublished, "Publish the agenda"),
        (MeetingStatus::Held, "Mark the meeting as held"),
        (MeetingStatus::Cancelled, "Cancel the meeting"),
        (MeetingStatus::Scheduled, "Reinstate the meeting"),
    ]
    .into_iter()
    .filter(|(to, _)| meeting.status.transition(*to).is_ok())
    .map(|(to, label)| (to.as_str(), label))
    .collect();
    let items = record
        .agenda
        .iter()
        .flatten()
        .filter_map(|entry| match entry {
            ItemEntry::Open(item) => Some(item),
            ItemEntry::Withheld { .. } => None,
        })
        .map(|item| {
            let id = item.item.id.get();
            let (minutes, points) =
                item.minutes
                    .as_ref()
                    .map_or_else(Default::default, |(_, m)| {
                        (
                            m.text.to_string(),
                            m.resolution
                                .points
                                .iter()
                                .map(Text::to_string)
                                .collect::<Vec<_>>()
                                .join("\n"),
                        )
                    });
            HubItem {
                id,
                number: item.item.number.to_string(),
                title: item.item.title.to_string(),
                exempt: item.item.visibility.exemption().map(|e| match e.review_on {
                    Some(on) => format!(
                        "{}, review by {}",
                        e.ground.public_label(),
                        time::uk_date(on)
                    ),
                    None => e.ground.public_label(),
                }),
                issue: item.item.issue.map(|i| {
                    (
                        i.get(),
                        item.issue_title
                            .as_ref()
                            .map(ToString::to_string)
                            .unwrap_or_default(),
                    )
                }),
                minutes,
                points,
                decisions: item
                    .decisions
                    .iter()
                    .map(|d| {
                        let mut line = format!("{} ({})", d.title, d.status.label());
                        if let Some(deadline) = d.call_in.deadline() {
                            line.push_str(&format!(
                                ", key decision, call-in until {}",
                                time::uk_date(deadline)
                            ));
                        }
                        let on = london_date(Utc::now());
                        let next = witan_domain::DecisionStatus::ALL
                            .iter()
                            .filter(|to| **to != d.status && d.transition(**to, on).is_ok())
                            .map(|to| (to.as_str(), to.label()))
                            .collect();
                        HubDecision {
                            id: d.id.get(),
                            line,
                            next,
                            form: format!("decision-status-{}", d.id),
                        }
                    })
                    .collect(),
                version: version_of(&item.item.record),
                actions: item
                    .actions
                    .iter()
                    .map(|a| HubAction {
                        id: a.action.id.get(),
                        description: a.action.description.to_string(),
                        owner: a.owner_name.clone().unwrap_or_default(),
                        due: a.action.due_on.map(time::uk_date).unwrap_or_default(),
                        status: a.action.status.label(),
                        rag: a.action.rag.label(),
                        open: a.action.status == ActionStatus::Open,
                        form: format!("update-{}", a.action.id),
                    })
                    .collect(),
                escalations: item
                    .escalations_sent
                    .iter()
                    .map(EscalationView::from)
                    .collect(),
                documents: {
                    let mut views: Vec<DocumentView> =
                        item.documents.iter().map(DocumentView::from).collect();
                    DocumentView::link_held(
                        &mut views,
                        state.workspace.files.as_deref(),
                        "/workspace/documents",
                    );
                    views
                        .into_iter()
                        .zip(&item.documents)
                        .map(|(view, d)| {
                            (
                                view,
                                d.visibility.exemption().map(|e| e.ground.public_label()),
                            )
                        })
                        .collect()
                },
                escalated_from: item.escalated_from.as_ref().map(|e| {
                    (
                        e.escalation.id.get(),
                        e.from_committee.name.clone(),
                        e.escalation.considered_on.is_some(),
                    )
                }),
                forms: ItemForms {
                    minutes: format!("minutes-{id}"),
                    decision: format!("decision-{id}"),
                    action: format!("action-{id}"),
                    escalation: format!("escalation-{id}"),
                    document: format!("document-{id}"),
                },
            }
        })
        .collect();
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .filter(|c| c.id != record.committee.id)
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.name.to_string(),
        })
        .collect();
    let today = london_date(Utc::now());
    let people = state
        .store
        .memberships(record.committee.id)
        .await?
        .into_iter()
        .filter(|m| m.membership.is_current_on(london_date(start)))
        .map(|m| Choice {
            value: m.membership.person.to_string(),
            label: m.person_name.to_string(),
        })
        .collect::<Vec<_>>();
    // The members on the day, and anyone else already recorded, with how they attended.
    let mut attendance: Vec<(String, String, &'static str)> = people
        .iter()
        .map(|p| {
            let kind = record
                .attendance
                .iter()
                .find(|a| a.person.id.to_string() == p.value)
                .map_or("", |a| a.kind.as_str());
            (p.value.clone(), p.label.clone(), kind)
        })
        .collect();
    for a in &record.attendance {
        if !people.iter().any(|p| p.value == a.person.id.to_string()) {
            attendance.push((
                a.person.id.to_string(),
                a.person.name.to_string(),
                a.kind.as_str(),
            ));
        }
    }
    page(
        &MeetingPage {
            chrome: Chrome::from(reader),
            id: meeting.id.get(),
            committee: record.committee.name.to_string(),
            committee_slug: record.committee.slug.to_string(),
            when: time::uk_datetime(start),
            status: meeting.status.label(),
            location: meeting
                .location
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            editable,
            date: london_date(start).to_string(),
            start: time::uk_time(start),
            end: meeting.times.end().map(time::uk_time).unwrap_or_default(),
            version: version_of(&meeting.record),
            next_steps,
            agenda_open: !matches!(
                meeting.status,
                MeetingStatus::MinutesSignedOff | MeetingStatus::Cancelled
            ),
            minutes_open: meeting.status.minutes_are_editable(),
            signed_off: record
                .sign_offs
                .iter()
                .map(|s| {
                    let mut line = format!(
                        "Version {} signed off by {} on {}",
                        s.version,
                        s.by,
                        time::uk_date(s.on)
                    );
                    if let Some(reason) = &s.reason {
                        line.push_str(&format!(" (correction: {reason})"));
                    }
                    line
                })
                .collect(),
            items,
            committees,
            people,
            attendance,
            declarations: record
                .declarations
                .iter()
                .map(|d| {
                    let on = d
                        .item_number
                        .as_ref()
                        .map(|n| format!(" (item {n})"))
                        .unwrap_or_default();
                    format!(
                        "{}{on}: {}, {}",
                        d.person_name,
                        d.kind.label(),
                        d.description
                    )
                })
                .collect(),
            interest_kinds: witan_domain::InterestKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            kinds: witan_domain::AttendanceKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            done: done.and_then(done_message),
            form,
            today: today.to_string(),
        },
        status,
    )
}

#[derive(Debug, serde::Deserialize)]
pub struct Done {
    done: Option<String>,
}

pub async fn meeting(
    State(state): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    meeting_page(
        &state,
        &reader,
        parse_id(&id)?,
        done.done.as_deref(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// Ends a meeting form: on success to the meeting with a note, otherwise the page again.
async fn finish<T>(
    state: &AppState,
    editor: &Editor,
    meeting: witan_domain::MeetingId,
    f: Fields<'_>,
    outcome: Option<Result<T, UseCaseError>>,
    done: &str,
    anchor: &str,
) -> Result<Response, AppError> {
    conclude(
        f,
        outcome,
        |_| format!("/workspace/meetings/{meeting}?done={done}{anchor}"),
        |form| {
            meeting_page(
                state,
                &editor.reader,
                meeting,
                None,
                form,
                StatusCode::BAD_REQUEST,
            )
        },
    )
    .await
}

pub async fn edit_meeting(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new("meeting", &editor.form);
    let version = f.raw("version").to_owned();
    let outcome = match meeting_fields(&mut f) {
        Some((times, location)) if f.ok() => Some(
            state
                .workspace
                .edit_meeting(&editor.actor(), id, &version, times, location, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish(&state, &editor, id, f, outcome, "edited", "").await
}

pub async fn meeting_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new("status", &editor.form);
    let to = f.required("to", "Choose what to do", MeetingStatus::parse);
    let outcome = match to {
        Some(to) => Some(
            state
                .workspace
                .set_meeting_status(&editor.actor(), id, to, Utc::now())
                .await
                .map(|()| to),
        ),
        None => None,
    };
    let done = to.map_or("", |t| match t {
        MeetingStatus::Scheduled => "scheduled",
        other => other.as_str(),
    });
    finish(&state, &editor, id, f, outcome, done, "").await
}

pub async fn add_item(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new("item", &editor.form);
    let number = f.required(
        "number",
        "Enter the item's number, like 7 or 5a",
        ItemNumber::parse,
    );
    let title = f.required("title", "Enter the item's title", Title::parse);
    let issue = match f.raw("issue") {
        "" => Some(IssueChoice::None),
        "new" => f
            .required(
                "issue_title",
                "Enter the title of the new issue",
                Title::parse,
            )
            .map(IssueChoice::New),
        "existing" => {
            let raw = f.raw("issue_ref").to_owned();
            if raw.is_empty() {
                f.fail("issue_ref", "Enter the issue's number or reference");
                None
            } else if let Ok(n) = raw.parse::<i64>() {
                match state
                    .store
                    .issue_record(witan_domain::Id::new(n), reader_audience())
                    .await
                {
                    Ok(_) => Some(IssueChoice::Existing(witan_domain::Id::new(n))),
                    Err(_) => {
                        f.fail("issue_ref", &format!("There is no issue number {n}"));
                        None
                    }
                }
            } else {
                let found = state
                    .store
                    .issue_references()
                    .await?
                    .into_iter()
                    .find(|(reference, _)| reference.eq_ignore_ascii_case(&raw));
                match found {
                    Some((_, id)) => Some(IssueChoice::Existing(id)),
                    None => {
                        f.fail(
                            "issue_ref",
                            &format!("There is no issue with the reference {raw}"),
                        );
                        None
                    }
                }
            }
        }
        _ => f
            .required("issue", "Choose an issue", forms::id)
            .map(IssueChoice::Existing),
    };
    let visibility = if f.raw("exempt") == "yes" {
        let ground = f.required(
            "ground",
            "Choose the paragraph of Schedule 12A",
            schedule_12a,
        );
        let review_on = f.required(
            "review_on",
            "Enter the date the exemption is to be reviewed",
            forms::date,
        );
        ground.zip(review_on).map(|(ground, review_on)| {
            Visibility::Exempt(Exemption {
                ground,
                review_on: Some(review_on),
            })
        })
    } else {
        Some(Visibility::Public)
    };
    let outcome = match (number, title, issue, visibility) {
        (Some(number), Some(title), Some(issue), Some(visibility)) if f.ok() => Some(
            state
                .workspace
                .add_item(
                    &editor.actor(),
                    id,
                    &NewItem {
                        number,
                        title,
                        issue,
                        visibility,
                    },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish(&state, &editor, id, f, outcome, "item", "#agenda").await
}

/// Workspace readers see everything: looking an issue up for a clerk reads as them.
fn reader_audience() -> witan_domain::Audience {
    witan_domain::Audience::Privileged
}

/// Reads a paragraph of Schedule 12A chosen from the list.
fn schedule_12a(
    field: &'static str,
    raw: &str,
) -> Result<ExemptGround, witan_domain::ValidationError> {
    raw.parse::<u8>()
        .map_err(|_| witan_domain::ValidationError::new(field, "choose a paragraph from 1 to 7"))
        .and_then(|p| ExemptGround::schedule_12a(field, p))
}

/// The item a path names, and the meeting it is on.
async fn item_meeting(
    state: &AppState,
    raw: &str,
) -> Result<(witan_domain::ItemId, witan_domain::MeetingId), AppError> {
    let item = state.store.item(parse_id(raw)?).await?;
    Ok((item.id, item.meeting))
}

pub async fn minutes(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let mut f = Fields::new(format!("minutes-{item}"), &editor.form);
    let text = f.check(Text::parse("text", f.raw("text")));
    let points: Option<Vec<Text>> = f
        .raw("points")
        .lines()
        .map(|line| Text::parse("points", line.trim()))
        .collect::<Result<_, _>>()
        .map_err(|e| f.fail(e.field, &e.reason))
        .ok();
    let outcome = match (text, points) {
        (Some(text), Some(points)) if f.ok() => {
            if text.is_empty() && points.is_empty() {
                f.fail("text", "Enter the minutes of the item, or a resolution");
                None
            } else {
                let minutes = Minutes {
                    text,
                    resolution: Resolution::new(points, Text::default()),
                };
                Some(
                    state
                        .workspace
                        .record_minutes(&editor.actor(), item, &minutes, Utc::now())
                        .await,
                )
            }
        }
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "minutes",
        &format!("#item-{item}"),
    )
    .await
}

pub async fn decision(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let mut f = Fields::new(format!("decision-{item}"), &editor.form);
    let title = f.required("title", "Enter what was decided, in a line", Title::parse);
    let text = f.check(Text::parse("text", f.raw("text")));
    let key = f.raw("key") == "yes";
    let outcome = match (title, text) {
        (Some(title), Some(text)) if f.ok() => Some(
            state
                .workspace
                .record_decision(&editor.actor(), item, title, text, key, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "decision",
        &format!("#item-{item}"),
    )
    .await
}

pub async fn action(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let mut f = Fields::new(format!("action-{item}"), &editor.form);
    let description = f.required("description", "Describe the action", Text::parse);
    let owner = f.optional("owner", forms::id);
    let due_on = f.optional("due_on", forms::date);
    let outcome = match (description, owner, due_on) {
        (Some(description), Some(owner), Some(due_on)) if f.ok() => Some(
            state
                .workspace
                .add_action(
                    &editor.actor(),
                    item,
                    &NewAction {
                        description,
                        owner,
                        due_on,
                    },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "action",
        &format!("#item-{item}"),
    )
    .await
}

pub async fn action_update(
    State(state): State<AppState>,
    Path(action): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.action(parse_id(&action)?).await?;
    let (action, meeting) = (record.action.id, record.action.meeting);
    let mut f = Fields::new(format!("update-{action}"), &editor.form);
    let text = f.required("text", "Enter the update", Text::parse);
    let rag = f.optional("rag", Rag::parse);
    let status = f.required("status", "Choose the action's status", ActionStatus::parse);
    let outcome = match (text, rag, status) {
        (Some(text), Some(rag), Some(status)) if f.ok() => {
            let update = ActionUpdate {
                on: london_date(Utc::now()),
                text,
                rag,
            };
            Some(
                state
                    .workspace
                    .update_action(&editor.actor(), action, &update, status, Utc::now())
                    .await,
            )
        }
        _ => None,
    };
    let anchor = record
        .action
        .item
        .map(|i| format!("#item-{i}"))
        .unwrap_or_default();
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "action_update",
        &anchor,
    )
    .await
}

pub async fn escalation(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let mut f = Fields::new(format!("escalation-{item}"), &editor.form);
    let to = f.required(
        "to_committee",
        "Choose the committee to escalate to",
        forms::id,
    );
    let reason = f.required("reason", "Say what is escalated and why", Text::parse);
    let outcome = match (to, reason) {
        (Some(to), Some(reason)) if f.ok() => Some(
            state
                .workspace
                .send_escalation(&editor.actor(), item, to, &reason, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "escalation",
        &format!("#item-{item}"),
    )
    .await
}

pub async fn release(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let f = Fields::new(format!("release-{item}"), &editor.form);
    let outcome = Some(
        state
            .workspace
            .release_item(&editor.actor(), item, Utc::now())
            .await,
    );
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "released",
        &format!("#item-{item}"),
    )
    .await
}

pub async fn consider(
    State(state): State<AppState>,
    Path(escalation): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.escalation(parse_id(&escalation)?).await?;
    let meeting = match record.target_meeting {
        Some(m) => m,
        None => return Err(AppError::NotFound),
    };
    let f = Fields::new(format!("consider-{}", record.escalation.id), &editor.form);
    let on = london_date(Utc::now());
    let outcome = Some(
        state
            .workspace
            .consider_escalation(&editor.actor(), record.escalation.id, on, Utc::now())
            .await,
    );
    let anchor = record
        .escalation
        .target_item
        .map(|i| format!("#item-{i}"))
        .unwrap_or_default();
    finish(&state, &editor, meeting, f, outcome, "considered", &anchor).await
}

pub async fn sign_off(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new("sign_off", &editor.form);
    let by = f.required(
        "by",
        "Enter the name of the person signing the minutes",
        Title::parse,
    );
    let on = f.required("on", "Enter the date the minutes were signed", forms::date);
    let outcome = match (by, on) {
        (Some(by), Some(on)) if f.ok() => Some(
            state
                .workspace
                .sign_off(&editor.actor(), id, &by, on, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish(&state, &editor, id, f, outcome, "signed_off", "#sign-off").await
}

struct AuditRow {
    at: String,
    by: String,
    action: String,
    record: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "ws_audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    next: Option<u32>,
    previous: Option<u32>,
}

const AUDIT_PAGE: u32 = 100;

pub async fn audit(
    State(state): State<AppState>,
    Admin(reader): Admin,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let number: u32 = match params.get("page").map(|p| p.parse::<u32>()) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            return Err(AppError::BadRequest {
                parameter: "page",
                reason: "must be a page number from 1".into(),
            });
        }
    };
    let offset = (number - 1).saturating_mul(AUDIT_PAGE);
    let entries = state
        .store
        .audit_log(None, Page::new(offset, AUDIT_PAGE + 1))
        .await?;
    let more = entries.len() > AUDIT_PAGE as usize;
    let rows = entries
        .into_iter()
        .take(AUDIT_PAGE as usize)
        .map(|r| AuditRow {
            at: time::uk_datetime(r.entry.at),
            by: r.entry.by,
            action: r.entry.action,
            record: format!("{} {}", r.entry.record, r.entry.record_id),
            before: r.entry.before.unwrap_or_default(),
            after: r.entry.after.unwrap_or_default(),
        })
        .collect();
    page(
        &AuditPage {
            chrome: Chrome::from(&reader),
            rows,
            next: more.then_some(number + 1),
            previous: (number > 1).then(|| number - 1),
        },
        StatusCode::OK,
    )
}

struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: &'static str,
    role_value: &'static str,
    organisation: String,
    organisation_value: String,
    /// The signed-in admin's own account is changed by another admin.
    mine: bool,
}

#[derive(Template)]
#[template(path = "ws_users.html")]
struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    organisations: Vec<Choice>,
    done: bool,
    form: FormState,
}

async fn users_page(
    state: &AppState,
    reader: &Reader,
    done: bool,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let organisations = state.store.organisations().await?;
    let name_of = |id: Option<witan_domain::OrganisationId>| {
        id.and_then(|id| organisations.iter().find(|o| o.id == id))
            .map(|o| o.name.to_string())
            .unwrap_or_default()
    };
    let users = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id.get(),
            email: u.email.to_string(),
            name: u.name.to_string(),
            role: u.role.label(),
            role_value: u.role.as_str(),
            organisation: name_of(u.organisation),
            organisation_value: u.organisation.map(|o| o.to_string()).unwrap_or_default(),
            mine: u.id == reader.user.id,
        })
        .collect();
    page(
        &UsersPage {
            chrome: Chrome::from(reader),
            users,
            roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
            organisations: organisations
                .iter()
                .map(|o| Choice {
                    value: o.id.to_string(),
                    label: o.name.to_string(),
                })
                .collect(),
            done,
            form,
        },
        status,
    )
}

pub async fn users(
    State(state): State<AppState>,
    Admin(reader): Admin,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    users_page(
        &state,
        &reader,
        done.done.is_some(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn add_user(State(state): State<AppState>, editor: Editor) -> Result<Response, AppError> {
    if !editor.reader.user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut f = Fields::new("user", &editor.form);
    let organisation = f.optional("organisation", forms::id);
    let user = organisation.and_then(|organisation| {
        let user = witan_app::accounts::new_user(
            f.raw("email"),
            Some(f.raw("name")).filter(|n| !n.is_empty()),
            f.raw("role"),
            organisation,
        );
        match user {
            Ok(user) => Some(user),
            Err(e) => {
                let _ = refused(&mut f, e);
                None
            }
        }
    });
    let password = editor.form.get("password").map_or("", String::as_str);
    let outcome = match user {
        Some(user) if f.ok() => Some(
            state
                .workspace
                .add_user(&editor.actor(), &user, password, Utc::now())
                .await,
        ),
        _ => None,
    };
    let again = |mut form: FormState| {
        form.values.remove("password");
        users_page(&state, &editor.reader, false, form, StatusCode::BAD_REQUEST)
    };
    conclude(f, outcome, |_| "/workspace/users?done=1".to_owned(), again).await
}

/// Any document's file, exempt ones included, for signed-in readers.
pub async fn document(
    State(state): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let document = state
        .store
        .document(parse_id(&id)?, reader.user.audience())
        .await?;
    crate::downloads::send(&state, &document, "no-store, private").await
}

/// Uploads a document to an item: public, or exempt under a paragraph of Schedule 12A.
pub async fn upload(
    State(state): State<AppState>,
    Path(item): Path<String>,
    upload: Uploader,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let editor = Editor {
        reader: upload.reader,
        form: upload.form,
    };
    let mut f = Fields::new(format!("document-{item}"), &editor.form);
    let title = f.optional("title", Title::parse);
    let visibility = if f.raw("exempt") == "yes" {
        f.required(
            "ground",
            "Choose the paragraph of Schedule 12A",
            schedule_12a,
        )
        .map(|ground| {
            Visibility::Exempt(Exemption {
                ground,
                review_on: None,
            })
        })
    } else {
        Some(Visibility::Public)
    };
    if upload.broken {
        f.fail(
            "file",
            &format!(
                "The upload did not arrive whole: the largest file accepted is {}",
                witan_domain::human_size(witan_app::documents::MAX_UPLOAD_BYTES as u64)
            ),
        );
    }
    let file = upload.file;
    if file.is_none() && !upload.broken {
        f.fail("file", "Choose a file to upload");
    }
    let outcome = match (title, visibility, file) {
        (Some(title), Some(visibility), Some((file_name, bytes))) if f.ok() => Some(
            state
                .workspace
                .attach_document(
                    &editor.actor(),
                    item,
                    witan_app::documents::Upload {
                        file_name,
                        bytes,
                        title,
                        visibility,
                    },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "document",
        &format!("#item-{item}"),
    )
    .await
}

struct ExemptRow {
    kind: &'static str,
    title: String,
    ground: String,
    review: String,
    due: bool,
    meeting: Option<(i64, String)>,
    item: Option<i64>,
    document: Option<i64>,
}

#[derive(Template)]
#[template(path = "ws_exempt.html")]
struct ExemptPage {
    chrome: Chrome,
    rows: Vec<ExemptRow>,
    may_edit: bool,
    done: bool,
}

/// The register of exempt items and documents, soonest review first, with those due marked.
pub async fn exempt_register(
    State(state): State<AppState>,
    reader: Reader,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let today = london_date(Utc::now());
    let done = done.done.is_some();
    let rows = state
        .store
        .exempt_register(Page::first(Page::MAX_LIMIT))
        .await?
        .into_iter()
        .map(|e| ExemptRow {
            kind: if e.kind == "item" {
                "Agenda item"
            } else {
                "Document"
            },
            title: e.title.to_string(),
            ground: e.exemption.ground.public_label(),
            review: e
                .exemption
                .review_on
                .map(time::uk_date)
                .unwrap_or_else(|| "No review date".into()),
            due: e.exemption.review_on.is_none_or(|on| on <= today),
            meeting: e.meeting.zip(e.committee.as_ref()).map(|(m, c)| {
                let when = e.meeting_start.map(time::uk_datetime).unwrap_or_default();
                (m.get(), format!("{}, {when}", c.name))
            }),
            item: (e.kind == "item").then_some(e.id),
            document: (e.kind == "document").then_some(e.id),
        })
        .collect();
    page(
        &ExemptPage {
            chrome: Chrome::from(&reader),
            rows,
            may_edit: reader.may_edit(),
            done,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "ws_setup.html")]
struct SetupPage {
    chrome: Chrome,
    organisations: Vec<Choice>,
    partners: Vec<Choice>,
    /// For admins: every organisation with its kind and version, to edit.
    editable_organisations: Vec<(i64, String, &'static str, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    committees: Vec<Choice>,
    done: Option<&'static str>,
    form: FormState,
}

async fn setup_page(
    state: &AppState,
    reader: &Reader,
    done: Option<&'static str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let all = state.store.organisations().await?;
    let choice = |o: &witan_store::Stored<witan_domain::Organisation>| Choice {
        value: o.id.to_string(),
        label: o.name.to_string(),
    };
    let organisations = all
        .iter()
        .filter(|o| reader.user.may_edit(&[o.id]))
        .map(choice)
        .collect();
    let partners = all.iter().map(choice).collect();
    let editable_organisations = if reader.user.is_admin() {
        all.iter()
            .map(|o| {
                (
                    o.id.get(),
                    o.name.to_string(),
                    o.kind.as_str(),
                    version_of(&o.record),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.name.to_string(),
        })
        .collect();
    page(
        &SetupPage {
            chrome: Chrome::from(reader),
            organisations,
            partners,
            editable_organisations,
            kinds: witan_domain::OrganisationKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            committees,
            done,
            form,
        },
        status,
    )
}

/// Where organisations and committees are added.
pub async fn setup(
    State(state): State<AppState>,
    reader: Reader,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let done = match done.done.as_deref() {
        Some("organisation") => Some("The organisation has been added."),
        Some("organisation_edited") => Some("The organisation has been changed."),
        _ => None,
    };
    setup_page(&state, &reader, done, FormState::default(), StatusCode::OK).await
}

pub async fn add_organisation(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, AppError> {
    let mut f = Fields::new("organisation", &editor.form);
    let name = f.required("name", "Enter the organisation's name", Title::parse);
    let kind = f.required(
        "kind",
        "Choose the kind of organisation",
        witan_domain::OrganisationKind::parse,
    );
    let slug = name
        .as_ref()
        .and_then(|n| f.check(witan_domain::Slug::from_name("name", n.as_str())));
    let outcome = match (name, kind, slug) {
        (Some(name), Some(kind), Some(slug)) if f.ok() => Some(
            state
                .workspace
                .create_organisation(
                    &editor.actor(),
                    &witan_domain::Organisation { slug, name, kind },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| "/workspace/setup?done=organisation".to_owned(),
        |form| setup_page(&state, &editor.reader, None, form, StatusCode::BAD_REQUEST),
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

pub async fn decision_status(
    State(state): State<AppState>,
    Path(decision): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let stored = state.store.decision(parse_id(&decision)?).await?;
    let item = stored.item.ok_or(AppError::NotFound)?;
    let meeting = state.store.item(item).await?.meeting;
    let mut f = Fields::new(format!("decision-status-{}", stored.id), &editor.form);
    let to = f.required(
        "to",
        "Choose what happened",
        witan_domain::DecisionStatus::parse,
    );
    let on = f.required("on", "Enter the date", forms::date);
    let outcome = match (to, on) {
        (Some(to), Some(on)) if f.ok() => Some(
            state
                .workspace
                .set_decision_status(&editor.actor(), stored.id, to, on, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "decision_status",
        &format!("#item-{item}"),
    )
    .await
}

pub async fn edit_item(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let mut f = Fields::new(format!("edit-{item}"), &editor.form);
    let number = f.required(
        "number",
        "Enter the item's number, like 7 or 5a",
        ItemNumber::parse,
    );
    let title = f.required("title", "Enter the item's title", Title::parse);
    let version = f.raw("version").to_owned();
    let outcome = match (number, title) {
        (Some(number), Some(title)) if f.ok() => Some(
            state
                .workspace
                .edit_item(&editor.actor(), item, &version, number, title, Utc::now())
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "item_edited",
        &format!("#item-{item}"),
    )
    .await
}

/// Corrects signed-off minutes: the items whose minutes or resolution the form changes get a
/// new version; the reason, who and when are recorded with it.
pub async fn correct(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let meeting = parse_id(&id)?;
    state
        .workspace
        .may_edit_meeting(&editor.actor(), meeting)
        .await?;
    let record = state
        .store
        .meeting_record(meeting, editor.reader.user.audience())
        .await?;
    let mut f = Fields::new("correction", &editor.form);
    let reason = f.required("reason", "Say why the minutes are corrected", Text::parse);
    let by = f.required("by", "Enter who approved the correction", Title::parse);
    let on = f.required("on", "Enter the date of the correction", forms::date);
    let mut corrections = Vec::new();
    for entry in record.agenda.iter().flatten() {
        let ItemEntry::Open(item) = entry else {
            continue;
        };
        let id = item.item.id;
        let text_field = format!("text-{id}");
        let points_field = format!("points-{id}");
        let (Some(text), Some(points)) =
            (editor.form.get(&text_field), editor.form.get(&points_field))
        else {
            continue;
        };
        let text = f.check(Text::parse("text", text.trim()));
        let points: Option<Vec<Text>> = points
            .lines()
            .map(|line| Text::parse("points", line.trim()))
            .collect::<Result<_, _>>()
            .map_err(|e| f.fail(e.field, &e.reason))
            .ok();
        if let (Some(text), Some(points)) = (text, points) {
            let minutes = Minutes {
                text,
                resolution: Resolution::new(points, Text::default()),
            };
            let current = item.minutes.as_ref().map(|(_, m)| m);
            if current != Some(&minutes) {
                corrections.push((id, minutes));
            }
        }
    }
    if corrections.is_empty() && f.ok() {
        f.fail(
            "form",
            "Nothing was changed: change the minutes of at least one item",
        );
    }
    let outcome = match (reason, by, on) {
        (Some(reason), Some(by), Some(on)) if f.ok() => Some(
            state
                .workspace
                .correct_minutes(
                    &editor.actor(),
                    meeting,
                    &witan_app::meetings::Correction {
                        corrections,
                        by,
                        on,
                        reason,
                    },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "corrected",
        "#sign-off",
    )
    .await
}

/// Releases an exempt document to the public, from the exempt register.
pub async fn release_document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    state
        .workspace
        .release_document(&editor.actor(), parse_id(&id)?, Utc::now())
        .await?;
    Ok(Redirect::to("/workspace/exempt?done=released").into_response())
}

/// Changes an account's role and organisation (admins).
pub async fn change_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new(format!("account-{id}"), &editor.form);
    let role = f.required("role", "Choose the role", Role::parse);
    let organisation = f.optional("organisation", forms::id);
    let outcome = match (role, organisation) {
        (Some(role), Some(organisation)) if f.ok() => Some(
            state
                .workspace
                .change_user(&editor.actor(), id, role, organisation, Utc::now())
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| "/workspace/users?done=changed".to_owned(),
        |form| users_page(&state, &editor.reader, false, form, StatusCode::BAD_REQUEST),
    )
    .await
}

/// Removes an account (admins).
pub async fn remove_user(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let f = Fields::new(format!("account-{id}"), &editor.form);
    let outcome = Some(
        state
            .workspace
            .remove_user(&editor.actor(), id, Utc::now())
            .await,
    );
    conclude(
        f,
        outcome,
        |_| "/workspace/users?done=removed".to_owned(),
        |form| users_page(&state, &editor.reader, false, form, StatusCode::BAD_REQUEST),
    )
    .await
}

pub async fn end_membership(
    State(state): State<AppState>,
    Path((slug, membership)): Path<(String, String)>,
    editor: Editor,
) -> Result<Response, AppError> {
    let committee = state.store.committee_by_slug(&slug).await?;
    let membership = parse_id(&membership)?;
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

#[derive(Template)]
#[template(path = "ws_person.html")]
struct PersonPage {
    chrome: Chrome,
    id: i64,
    name: String,
    job_title: String,
    version: String,
    editable: bool,
    memberships: Vec<(String, String, &'static str, String)>,
    done: bool,
    form: FormState,
}

async fn person_page(
    state: &AppState,
    reader: &Reader,
    id: witan_domain::PersonId,
    done: bool,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let record = state
        .store
        .person_record(id, reader.user.audience())
        .await?;
    page(
        &PersonPage {
            chrome: Chrome::from(reader),
            id: id.get(),
            name: record.person.name.to_string(),
            job_title: record
                .person
                .job_title
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            version: version_of(&record.person.record),
            editable: reader.may_edit(),
            memberships: record
                .memberships
                .iter()
                .map(|(m, c)| {
                    let span = match m.until {
                        Some(until) => {
                            format!("{} to {}", time::uk_date(m.from), time::uk_date(until))
                        }
                        None => format!("since {}", time::uk_date(m.from)),
                    };
                    (c.slug.clone(), c.name.clone(), m.role.label(), span)
                })
                .collect(),
            done,
            form,
        },
        status,
    )
}

pub async fn person(
    State(state): State<AppState>,
    reader: Reader,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    person_page(
        &state,
        &reader,
        parse_id(&id)?,
        done.done.is_some(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn edit_person(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new("person", &editor.form);
    let name = f.required("name", "Enter the person's name", Title::parse);
    let job_title = f.optional("job_title", Title::parse);
    let version = f.raw("version").to_owned();
    let outcome = match (name, job_title) {
        (Some(name), Some(job_title)) if f.ok() => Some(
            state
                .workspace
                .edit_person(
                    &editor.actor(),
                    id,
                    &version,
                    &witan_domain::Person { name, job_title },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| format!("/workspace/people/{id}?done=1"),
        |form| {
            person_page(
                &state,
                &editor.reader,
                id,
                false,
                form,
                StatusCode::BAD_REQUEST,
            )
        },
    )
    .await
}

pub async fn edit_organisation(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let id = parse_id(&id)?;
    let mut f = Fields::new(format!("organisation-{id}"), &editor.form);
    let name = f.required("name", "Enter the organisation's name", Title::parse);
    let kind = f.required(
        "kind",
        "Choose the kind of organisation",
        witan_domain::OrganisationKind::parse,
    );
    let version = f.raw("version").to_owned();
    let outcome = match (name, kind) {
        (Some(name), Some(kind)) if f.ok() => Some(
            state
                .workspace
                .edit_organisation(&editor.actor(), id, &version, name, kind, Utc::now())
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| "/workspace/setup?done=organisation_edited".to_owned(),
        |form| setup_page(&state, &editor.reader, None, form, StatusCode::BAD_REQUEST),
    )
    .await
}

/// Records the meeting's attendance: one choice per person, "not recorded" leaving them out.
pub async fn attendance(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let meeting = parse_id(&id)?;
    let mut f = Fields::new("attendance", &editor.form);
    let mut entries = Vec::new();
    for (field, value) in &editor.form {
        let Some(person) = field.strip_prefix("person-") else {
            continue;
        };
        if value.is_empty() {
            continue;
        }
        let person = f.check(forms::id::<witan_domain::Person>("person", person));
        let kind = f.check(witan_domain::AttendanceKind::parse("attendance", value));
        if let (Some(person), Some(kind)) = (person, kind) {
            entries.push((person, kind));
        }
    }
    entries.sort_by_key(|(p, _)| *p);
    let outcome = f.ok().then_some(()).map(|()| entries);
    let outcome = match outcome {
        Some(entries) => Some(
            state
                .workspace
                .record_attendance(&editor.actor(), meeting, &entries, Utc::now())
                .await,
        ),
        None => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "attendance",
        "#attendance",
    )
    .await
}

pub async fn declaration(
    State(state): State<AppState>,
    Path(id): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let meeting = parse_id(&id)?;
    let mut f = Fields::new("declaration", &editor.form);
    let person = f.required("person", "Choose who declared the interest", forms::id);
    let item = f.optional("item", forms::id);
    let kind = f.required(
        "kind",
        "Choose the kind of interest",
        witan_domain::InterestKind::parse,
    );
    let description = f.required("description", "Describe the interest", Text::parse);
    let outcome = match (person, item, kind, description) {
        (Some(person), Some(item), Some(kind), Some(description)) if f.ok() => Some(
            state
                .workspace
                .declare_interest(
                    &editor.actor(),
                    meeting,
                    &witan_domain::Declaration {
                        person,
                        item,
                        kind,
                        description,
                    },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    finish(
        &state,
        &editor,
        meeting,
        f,
        outcome,
        "declaration",
        "#declarations",
    )
    .await
}
