//! Public downloads: a document's file, if the public may see the document.

use crate::PublicSite;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use axum::extract::State;
use axum::response::Response;

/// A document's file, if the public may see the document and witan holds the file.
pub async fn document(
    State(state): State<PublicSite>,
    PathId(id): PathId<witan_domain::Document>,
) -> Result<Response, AppError> {
    let document = state.store.document(id).await?;
    crate::edge::downloads::send(state.files.as_deref(), &document, "public, max-age=60").await
}
