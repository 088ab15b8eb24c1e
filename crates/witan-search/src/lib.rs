//! Search: an embedded Tantivy index in the data folder, kept in step with the store.
//!
//! The store's triggers log every change to a searchable record; one [`Indexer`] task owns the
//! index writer, replays the log in batches (delete the record, add it as it now stands) and
//! commits with the last sequence number it applied as the commit's payload. [`SearchIndex`] is
//! the read side, cheap to clone, used by every request.
//!
//! Invariant: a public query always requires the `public` field, which the store computes (not
//! exempt, agenda published); exempt words are only found by privileged readers.

mod answers;
mod index;
mod indexer;
mod query;
mod schema;

pub use index::{Hit, Opened, PublicSearch, SearchIndex, SearchResults, Suggestion};
pub use indexer::{Indexer, Progress};
pub use query::{MAX_CHARS, MAX_PAGE, MAX_PER_PAGE, MAX_WORDS, SearchRequest, Sort};
pub use schema::VERSION;

/// What can go wrong with the index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index folder: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Store(#[from] witan_store::StoreError),
    #[error("search index: {0}")]
    Other(String),
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;
