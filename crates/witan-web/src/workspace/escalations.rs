//! Escalations between committees: accepted onto a meeting, declined with a reason, or
//! recorded as considered.

use super::auth::Editor;
use super::committees::committee_page;
use super::conclude;
use super::meetings::finish;
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms;
use crate::edge::forms::Fields;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use witan_domain::Text;
use witan_domain::time::london_date;

/// A clerk of the committee an escalation was sent to accepts it onto one of its meetings whose
/// agenda is not yet published, and goes to that meeting to see the proposed item.
pub async fn accept_escalation(
    State(state): State<AppState>,
    PathId(escalation): PathId<witan_domain::Escalation>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.escalation(escalation).await?;
    let id = record.escalation.id;
    let slug = state
        .store
        .committee(record.escalation.to_committee)
        .await?
        .slug
        .to_string();
    let mut f = Fields::new(format!("accept-{id}"), &editor.form);
    let meeting = f.required(
        "meeting",
        "Choose the meeting to put the escalation on",
        forms::id,
    );
    let outcome = match meeting {
        Some(meeting) if f.ok() => Some(
            state
                .workspace
                .accept_escalation(&editor.actor(), id, meeting, Utc::now())
                .await
                .map(|item| (meeting, item)),
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |(meeting, item)| {
            format!("/workspace/meetings/{meeting}?done=escalation_accepted#item-{item}")
        },
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

/// A clerk of the committee an escalation was sent to declines it, saying why.
pub async fn decline_escalation(
    State(state): State<AppState>,
    PathId(escalation): PathId<witan_domain::Escalation>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.escalation(escalation).await?;
    let id = record.escalation.id;
    let slug = state
        .store
        .committee(record.escalation.to_committee)
        .await?
        .slug
        .to_string();
    let mut f = Fields::new(format!("decline-{id}"), &editor.form);
    let reason = f.required("reason", "Say why the escalation is declined", Text::parse);
    let outcome = match reason {
        Some(reason) if f.ok() => Some(
            state
                .workspace
                .decline_escalation(&editor.actor(), id, &reason, Utc::now())
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |()| format!("/workspace/committees/{slug}?done=declined#escalations"),
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

pub async fn consider(
    State(state): State<AppState>,
    PathId(escalation): PathId<witan_domain::Escalation>,
    editor: Editor,
) -> Result<Response, AppError> {
    let record = state.store.escalation(escalation).await?;
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
