//! `/api/v1/documents`: documents, listed with an excerpt of their text.

use super::Failure;
use super::list::{Answer, ListParams, Record, collection, list, one};
use crate::PublicSite;
use crate::edge::error::ApiError;
use crate::edge::extract::PathId;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use witan_domain::Id;
use witan_store::{PublicStore, PublishedKind, Stamp};

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    id: i64,
    name: String,
    media_type: String,
    size_bytes: u64,
    sha256: Option<String>,
    /// The text read from the file.
    text: String,
    item: Option<i64>,
    issue: Option<i64>,
    download_url: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

impl Record for Document {
    const KIND: PublishedKind = PublishedKind::Document;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let d = store.document(Id::new(stamp.id)).await?;
        Ok(Self {
            id: stamp.id,
            name: d.name.as_str().to_owned(),
            media_type: d.media_type.as_str().to_owned(),
            size_bytes: d.size_bytes,
            sha256: d.sha256.as_ref().map(|s| s.as_str().to_owned()),
            text: d.text.as_str().to_owned(),
            item: d.item.map(Id::get),
            issue: d.issue.map(Id::get),
            download_url: format!("/documents/{}", stamp.id),
            created: stamp.created,
            modified: stamp.modified,
        })
    }
}

/// A document as a list shows it: the text cut to an excerpt, so that a page of documents stays
/// small whatever the documents hold. The whole text is in the document's own answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentEntry {
    id: i64,
    name: String,
    media_type: String,
    size_bytes: u64,
    sha256: Option<String>,
    /// The first characters of the text read from the file (at most 500, cut at a word and
    /// ended with "…" when the text is longer); `/api/v1/documents/{id}` has the whole text.
    excerpt: String,
    /// Whether the excerpt is the whole text.
    text_complete: bool,
    item: Option<i64>,
    issue: Option<i64>,
    download_url: String,
    created: DateTime<Utc>,
    modified: DateTime<Utc>,
}

/// Characters of a document's text a list entry carries at most.
const EXCERPT_CHARS: usize = 500;

/// The first `max` characters of `text`, cut after the last whole word and ended with "…", and
/// whether that is the whole text.
fn excerpt(text: &str, max: usize) -> (String, bool) {
    let text = text.trim();
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return (text.to_owned(), true);
    };
    let head = &text[..cut];
    let head = match head.rfind(char::is_whitespace) {
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    (format!("{}…", head.trim_end()), false)
}

impl Record for DocumentEntry {
    const KIND: PublishedKind = PublishedKind::Document;
    async fn read(store: &PublicStore, stamp: &Stamp) -> Result<Self, Failure> {
        let d = Document::read(store, stamp).await?;
        let (excerpt, text_complete) = excerpt(&d.text, EXCERPT_CHARS);
        Ok(Self {
            id: d.id,
            name: d.name,
            media_type: d.media_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            excerpt,
            text_complete,
            item: d.item,
            issue: d.issue,
            download_url: d.download_url,
            created: d.created,
            modified: d.modified,
        })
    }
}

collection!(
    documents,
    document,
    DocumentEntry,
    Document,
    DocumentPage,
    "/api/v1/documents",
    "/api/v1/documents/{id}",
    "documents",
    "Documents with an excerpt of their text (each document's own answer has the whole text)"
);

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_ends_at_a_word_and_says_when_it_is_whole() {
        assert_eq!(
            excerpt("  Budget 2024  ", 500),
            ("Budget 2024".to_owned(), true)
        );
        assert_eq!(
            excerpt("The budget consultation ends", 15),
            ("The budget…".to_owned(), false)
        );
        // A cut inside one long word keeps its characters whole.
        let (cut, whole) = excerpt(&"é".repeat(20), 5);
        assert_eq!((cut.as_str(), whole), ("ééééé…", false));
    }
}
