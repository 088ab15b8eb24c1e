//! Uploads, downloads and the exempt register.

use super::auth::{Editor, Reader, Uploader};
use super::meetings::meeting_page;
use super::{Chrome, conclude, item_meeting, page, visibility};
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms::{Done, Fields};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use witan_domain::time::london_date;
use witan_domain::{Title, time};
use witan_store::Page;

/// Any document's file, exempt ones included, for signed-in readers.
pub async fn document(
    State(state): State<AppState>,
    reader: Reader,
    PathId(id): PathId<witan_domain::Document>,
) -> Result<Response, AppError> {
    let document = state.store.document(id, reader.user.audience()).await?;
    crate::edge::downloads::send(
        state.workspace.files.as_deref(),
        &document,
        "no-store, private",
    )
    .await
}

/// Uploads a document to an item: public, or exempt under a paragraph of Schedule 12A.
pub async fn upload(
    State(state): State<AppState>,
    PathId(item): PathId<witan_domain::AgendaItem>,
    upload: Uploader,
) -> Result<Response, AppError> {
    let (item, meeting) = item_meeting(&state, item).await?;
    let editor = Editor {
        reader: upload.reader,
        form: upload.form,
    };
    let mut f = Fields::new(format!("document-{item}"), &editor.form);
    let title = f.optional("title", Title::parse);
    let visibility = visibility(&mut f);
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
    // A document whose text could not be read is kept; the note after the upload says why.
    conclude(
        f,
        outcome,
        |attached| {
            let done = match &attached.unread {
                None => "document",
                Some(unread) => match unread.code() {
                    "memory" => "document_unread_memory",
                    "time" => "document_unread_time",
                    "busy" => "document_unread_busy",
                    "too_much_text" => "document_unread_too_much_text",
                    "broken" => "document_unread_broken",
                    _ => "document_unread",
                },
            };
            format!("/workspace/meetings/{meeting}?done={done}#item-{item}")
        },
        |form| {
            meeting_page(
                &state,
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

pub(super) struct ExemptRow {
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
pub(super) struct ExemptPage {
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

/// Releases an exempt document to the public, from the exempt register.
pub async fn release_document(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::Document>,
    editor: Editor,
) -> Result<Response, AppError> {
    state
        .workspace
        .release_document(&editor.actor(), id, Utc::now())
        .await?;
    Ok(Redirect::to("/workspace/exempt?done=released").into_response())
}
