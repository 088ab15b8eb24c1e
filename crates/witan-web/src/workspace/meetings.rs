//! A meeting's workspace page and every form on it: the meeting's lifecycle from agenda to
//! signed-off minutes and their correction.

use super::auth::{Editor, Reader};
use super::{Choice, Chrome, conclude, meeting_fields, minutes_of, page};
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms;
use crate::edge::forms::{Done, Fields, FormState};
use crate::views::ws_meeting;
use crate::views::ws_meeting::HubItem;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use witan_app::Error as UseCaseError;
use witan_app::version_of;
use witan_domain::Term;
use witan_domain::time::london_date;
use witan_domain::{MeetingStatus, Text, Title, time};
use witan_store::{ItemEntry, MeetingRecord, MembershipRecord, Stored};

#[derive(Template)]
#[template(path = "ws_meeting.html")]
pub(super) struct MeetingPage {
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

pub(super) fn done_message(code: &str) -> Option<&'static str> {
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
            "The escalation has been sent. A clerk of the other committee will accept it onto one of its meetings or decline it."
        }
        "escalation_accepted" => {
            "The escalation has been accepted. It is a proposed item at the end of this meeting's agenda."
        }
        "considered" => "The escalation is recorded as considered.",
        "released" => "The item has been released. It is now public.",
        "signed_off" => "The minutes are signed off and locked.",
        "document" => "The document has been uploaded.",
        "document_unread_memory" => {
            "The document has been uploaded without its text: the text could not be read, \
             because the file needs more memory than witan allows. Search will not find its words."
        }
        "document_unread_time" => {
            "The document has been uploaded without its text: the text could not be read, \
             because the file takes longer to read than witan allows. Search will not find its \
             words."
        }
        "document_unread_busy" => {
            "The document has been uploaded without its text: witan was already reading as many \
             documents as it allows at once. Search will not find its words."
        }
        "document_unread_too_much_text" => {
            "The document has been uploaded without its text: the file holds more text than \
             witan keeps. Search will not find its words."
        }
        "document_unread_broken" => {
            "The document has been uploaded without its text: the text could not be read, \
             because the file is damaged or built in a way witan cannot follow. Search will not \
             find its words."
        }
        "document_unread" => {
            "The document has been uploaded without its text: the text could not be read. \
             Search will not find its words."
        }
        "decision_status" => "The decision's status has been changed.",
        "item_edited" => "The item has been changed.",
        "attendance" => "The attendance has been recorded.",
        "declaration" => "The declaration of interest has been recorded.",
        "corrected" => "The correction has been recorded as a new version of the minutes.",
        _ => return None,
    })
}

impl MeetingPage {
    /// The page of a meeting as `reader` may see it; `committees` are those an item can be
    /// escalated to, `members` the committee's memberships.
    #[allow(clippy::too_many_arguments)]
    fn new(
        reader: &Reader,
        record: &MeetingRecord,
        committees: &[Stored<witan_domain::Committee>],
        members: &[MembershipRecord],
        files: Option<&std::path::Path>,
        done: Option<&str>,
        form: FormState,
        now: DateTime<Utc>,
    ) -> Self {
        let meeting = &record.meeting;
        let start = meeting.times.start();
        let today = london_date(now);
        let people: Vec<Choice> = members
            .iter()
            .filter(|m| m.membership.is_current_on(london_date(start)))
            .map(|m| Choice {
                value: m.membership.person.to_string(),
                label: m.person_name.to_string(),
            })
            .collect();
        let on_the_day: Vec<(String, String)> = people
            .iter()
            .map(|p| (p.value.clone(), p.label.clone()))
            .collect();
        Self {
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
            editable: reader
                .user
                .may_edit(record.committee.owners.organisations()),
            date: london_date(start).to_string(),
            start: time::uk_time(start),
            end: meeting.times.end().map(time::uk_time).unwrap_or_default(),
            version: version_of(&meeting.record),
            next_steps: ws_meeting::next_steps(meeting),
            agenda_open: !matches!(
                meeting.status,
                MeetingStatus::MinutesSignedOff | MeetingStatus::Cancelled
            ),
            minutes_open: meeting.status.minutes_are_editable(),
            signed_off: record
                .sign_offs
                .iter()
                .map(ws_meeting::sign_off_line)
                .collect(),
            items: record
                .agenda
                .iter()
                .flatten()
                .filter_map(|entry| match entry {
                    ItemEntry::Open(item) => Some(HubItem::new(item, files, today)),
                    ItemEntry::Withheld { .. } => None,
                })
                .collect(),
            committees: committees
                .iter()
                .filter(|c| c.id != record.committee.id)
                .map(|c| Choice {
                    value: c.id.to_string(),
                    label: c.name.to_string(),
                })
                .collect(),
            attendance: ws_meeting::attendance_rows(&on_the_day, &record.attendance),
            people,
            declarations: record
                .declarations
                .iter()
                .map(ws_meeting::declaration_line)
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
        }
    }
}

/// A meeting's workspace page: read, convert, render.
pub(super) async fn meeting_page(
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
    let committees = state.store.committees().await?;
    let members = state.store.memberships(record.committee.id).await?;
    let files = state.workspace.files.as_deref();
    let view = MeetingPage::new(
        reader,
        &record,
        &committees,
        &members,
        files,
        done,
        form,
        Utc::now(),
    );
    page(&view, status)
}

pub async fn meeting(
    State(state): State<AppState>,
    reader: Reader,
    PathId(id): PathId<witan_domain::Meeting>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    meeting_page(
        &state,
        &reader,
        id,
        done.done.as_deref(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// Ends a form of one agenda item: back to the item on its meeting's page.
pub(super) async fn finish_item<T>(
    state: &AppState,
    editor: &Editor,
    (meeting, item): (witan_domain::MeetingId, witan_domain::ItemId),
    f: Fields<'_>,
    outcome: Option<Result<T, UseCaseError>>,
    done: &str,
) -> Result<Response, AppError> {
    let anchor = format!("#item-{item}");
    finish(state, editor, meeting, f, outcome, done, &anchor).await
}

/// Ends a meeting form: on success to the meeting with a note, otherwise the page again.
pub(super) async fn finish<T>(
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
    PathId(id): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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
    PathId(id): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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
    let done = to.map_or("", MeetingStatus::as_str);
    finish(&state, &editor, id, f, outcome, done, "").await
}

pub async fn sign_off(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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

/// Corrects signed-off minutes: the items whose minutes or resolution the form changes get a
/// new version; the reason, who and when are recorded with it.
pub async fn correct(
    State(state): State<AppState>,
    PathId(meeting): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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
        if let Some(minutes) = minutes_of(&mut f, text, points) {
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

/// Records the meeting's attendance: one choice per person, "not recorded" leaving them out.
pub async fn attendance(
    State(state): State<AppState>,
    PathId(meeting): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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
    let outcome = if f.ok() {
        Some(
            state
                .workspace
                .record_attendance(&editor.actor(), meeting, &entries, Utc::now())
                .await,
        )
    } else {
        None
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
    PathId(meeting): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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
