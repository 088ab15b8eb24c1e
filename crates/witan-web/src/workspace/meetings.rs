//! A meeting's workspace page and every form on it: the meeting's lifecycle from agenda to
//! signed-off minutes and their correction.

use super::*;

pub(super) struct HubAction {
    id: i64,
    description: String,
    owner: String,
    due: String,
    status: &'static str,
    rag: &'static str,
    open: bool,
    form: String,
}

pub(super) struct HubDecision {
    id: i64,
    line: String,
    /// The moves the call-in rules allow from here: (status, label).
    next: Vec<(&'static str, &'static str)>,
    form: String,
}

pub(super) struct HubItem {
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
pub(super) struct ItemForms {
    minutes: String,
    decision: String,
    action: String,
    escalation: String,
    document: String,
}

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
    let meeting = &record.meeting;
    let editable = reader
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
    let done = to.map_or("", MeetingStatus::as_str);
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
                    .issue_record(witan_domain::Id::new(n), editor.reader.user.audience())
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
    let visibility = visibility(&mut f);
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

pub async fn minutes(
    State(state): State<AppState>,
    Path(item): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, &item).await?;
    let mut f = Fields::new(format!("minutes-{item}"), &editor.form);
    let (text, points) = (f.raw("text"), f.raw("points"));
    let outcome = match minutes_of(&mut f, text, points) {
        Some(minutes) if f.ok() => {
            if minutes.text.is_empty() && minutes.resolution.is_empty() {
                f.fail("text", "Enter the minutes of the item, or a resolution");
                None
            } else {
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
    finish_item(&state, &editor, (meeting, item), f, outcome, "minutes").await
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
    finish_item(&state, &editor, (meeting, item), f, outcome, "decision").await
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
    finish_item(&state, &editor, (meeting, item), f, outcome, "action").await
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
    finish_item(&state, &editor, (meeting, item), f, outcome, "escalation").await
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
    finish_item(&state, &editor, (meeting, item), f, outcome, "released").await
}

pub async fn consider(
    State(state): State<AppState>,
    Path(escalation): Path<String>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.escalation(parse_id(&escalation)?).await?;
    let meeting = record.target_meeting.ok_or(AppError::NotFound)?;
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
    finish_item(
        &state,
        &editor,
        (meeting, item),
        f,
        outcome,
        "decision_status",
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
    finish_item(&state, &editor, (meeting, item), f, outcome, "item_edited").await
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
