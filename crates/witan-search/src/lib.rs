//! Search: an embedded Tantivy index in the data folder, kept in step with the store.
//!
//! The store's triggers log every change to a searchable record; one [`Indexer`] task owns the
//! index writer, replays the log in batches (delete the record, add it as it now stands) and
//! commits with the last sequence number it applied as the commit's payload. [`SearchIndex`] is
//! the read side, cheap to clone, used by every request.
//!
//! Invariant: a public query finds only records whose `public` field (which the store computes:
//! not exempt, agenda published) is true: it requires the value, or, where every document of
//! the searcher is proven to hold exactly one value, excludes the withheld ones, which is the
//! same set. Exempt words are only found by privileged readers.

mod answers;
mod index;
mod indexer;
mod query;
mod saved;
mod schema;
mod tally;

pub use index::{Hit, Opened, PublicSearch, SearchIndex, SearchResults, Suggestion};
pub use indexer::{Indexer, Progress};
pub use query::{MAX_CHARS, MAX_PAGE, MAX_PER_PAGE, MAX_WORDS, SearchRequest, Sort};
pub use saved::saved_search_matches;
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
