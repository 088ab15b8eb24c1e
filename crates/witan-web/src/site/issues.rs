//! An issue's page: every public agenda item that considered it, newest first.

use crate::PublicSite;
use crate::edge::answer::html;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::views::{DocumentView, ItemView};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use witan_domain::time;

struct HistoryView {
    meeting_id: i64,
    heading: String,
    committee_slug: String,
    item: ItemView,
}

#[derive(Template)]
#[template(path = "issue.html")]
struct IssuePage {
    follow_field: &'static str,
    follow_id: i64,
    follow_label: String,
    follow_feed: String,
    title: String,
    reference: Option<String>,
    summary: String,
    history: Vec<HistoryView>,
}

pub async fn issue(
    State(state): State<PublicSite>,
    PathId(id): PathId<witan_domain::Issue>,
) -> Result<Response, AppError> {
    let record = state.store.issue_record(id).await?;
    let history = record
        .history
        .iter()
        .map(|h| HistoryView {
            meeting_id: h.meeting.id.get(),
            heading: format!(
                "Meeting: {} - {} (Item {})",
                time::london_date(h.meeting.times.start()).format("%d/%m/%Y"),
                h.committee.name,
                h.item.number()
            ),
            committee_slug: h.committee.slug.clone(),
            item: {
                let mut item = ItemView::new(&h.item);
                DocumentView::link_held(&mut item.documents, state.files.as_deref(), "/documents");
                item
            },
        })
        .collect();
    html(&IssuePage {
        follow_field: "issue",
        follow_id: id.get(),
        follow_label: record.issue.title.to_string(),
        follow_feed: format!("/issues/{}/feed.atom", id.get()),
        title: record.issue.title.to_string(),
        reference: record.issue.reference.as_ref().map(ToString::to_string),
        summary: record.issue.summary.to_string(),
        history,
    })
}
