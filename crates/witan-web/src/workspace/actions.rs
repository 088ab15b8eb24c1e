//! Updates to an action: progress, RAG rating, status.

use super::auth::Editor;
use super::meetings::finish;
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms::Fields;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use witan_domain::Term;
use witan_domain::time::london_date;
use witan_domain::{ActionStatus, ActionUpdate, Rag, Text};

pub async fn action_update(
    State(state): State<AppState>,
    PathId(action): PathId<witan_domain::Action>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.action(action).await?;
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
