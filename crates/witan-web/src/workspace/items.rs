//! The forms of one agenda item: adding and editing it, its minutes, decisions, actions,
//! escalations and its release from exemption.

use super::auth::Editor;
use super::meetings::{finish, finish_item};
use super::{item_meeting, minutes_of, visibility};
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms;
use crate::edge::forms::Fields;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use witan_app::meetings::{IssueChoice, NewAction, NewItem};
use witan_domain::{ItemNumber, Text, Title};

pub async fn add_item(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::Meeting>,
    editor: Editor,
) -> Result<Response, AppError> {
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

pub async fn edit_item(
    State(state): State<AppState>,
    PathId(item): PathId<witan_domain::AgendaItem>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
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

pub async fn minutes(
    State(state): State<AppState>,
    PathId(item): PathId<witan_domain::AgendaItem>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
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
    PathId(item): PathId<witan_domain::AgendaItem>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
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
    PathId(item): PathId<witan_domain::AgendaItem>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
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

pub async fn escalation(
    State(state): State<AppState>,
    PathId(item): PathId<witan_domain::AgendaItem>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
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
    PathId(item): PathId<witan_domain::AgendaItem>,
    editor: Editor,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
    let f = Fields::new(format!("release-{item}"), &editor.form);
    let outcome = Some(
        state
            .workspace
            .release_item(&editor.actor(), item, Utc::now())
            .await,
    );
    finish_item(&state, &editor, (meeting, item), f, outcome, "released").await
}
