//! A decision's status: made, called in, implemented, rescinded.

use super::auth::Editor;
use super::meetings::finish_item;
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms;
use crate::edge::forms::Fields;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use witan_domain::Term;

pub async fn decision_status(
    State(state): State<AppState>,
    PathId(decision): PathId<witan_domain::Decision>,
    editor: Editor,
) -> Result<Response, AppError> {
    let stored = state.store.decision(decision).await?;
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
