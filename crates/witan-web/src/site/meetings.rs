//! A meeting's page: agenda, documents, minutes, attendance and decisions.

use crate::PublicSite;
use crate::edge::answer::html;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::views::{DocumentView, MeetingView};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingPage {
    m: MeetingView,
}

pub async fn meeting(
    State(state): State<PublicSite>,
    PathId(id): PathId<witan_domain::Meeting>,
) -> Result<Response, AppError> {
    let record = state.store.meeting_record(id).await?;
    let mut m = MeetingView::from(&record);
    for item in &mut m.items {
        DocumentView::link_held(&mut item.documents, state.files.as_deref(), "/documents");
    }
    html(&MeetingPage { m })
}
