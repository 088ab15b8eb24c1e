//! Answers kept while the index is unchanged: a question asked again (hundreds of people looking
//! up the same decision) costs a lookup, and the counts and facets of a question are computed
//! once however many of its pages are read or however it is sorted.
//!
//! Every key starts with the generation of the searcher the answer was computed with, which a
//! commit of the indexer replaces: an answer is only ever served for the index state it was read
//! from, and answers of earlier states are never asked for again and age out by size. Keys also
//! hold the audience, so a privileged answer is never served to the public.

use crate::index::SearchResults;
use crate::query::SearchRequest;
use std::sync::Arc;
use witan_domain::Audience;
use witan_store::SearchKind;

/// Memory the kept pages of answers may take.
const ANSWER_BYTES: u64 = 16 << 20;
/// Memory the kept counts and facets may take.
const TALLY_BYTES: u64 = 8 << 20;

/// How many matched, by kind and by committee: what a question's every page shares.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tally {
    pub total: usize,
    pub kinds: Vec<(SearchKind, u64)>,
    pub committees: Vec<(String, u64)>,
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<String, Arc<SearchResults>> for ByBytes {
    fn weight(&self, key: &String, answer: &Arc<SearchResults>) -> u64 {
        let hits: usize = answer
            .hits
            .iter()
            .map(|h| h.title.len() + h.snippet_html.len() + 160)
            .sum();
        (key.len() + hits + answer.committees.len() * 48 + 256) as u64
    }
}

impl quick_cache::Weighter<String, Arc<Tally>> for ByBytes {
    fn weight(&self, key: &String, tally: &Arc<Tally>) -> u64 {
        (key.len() + tally.committees.len() * 48 + tally.kinds.len() * 16 + 64) as u64
    }
}

/// The kept answers of one index.
pub(crate) struct Answers {
    pages: quick_cache::sync::Cache<String, Arc<SearchResults>, ByBytes>,
    tallies: quick_cache::sync::Cache<String, Arc<Tally>, ByBytes>,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            pages: quick_cache::sync::Cache::with_weighter(4096, ANSWER_BYTES, ByBytes),
            tallies: quick_cache::sync::Cache::with_weighter(4096, TALLY_BYTES, ByBytes),
        }
    }
}

/// The key of a page of answers: the index state, the audience and the whole request.
pub(crate) fn page_key(generation: u64, audience: Audience, request: &SearchRequest) -> String {
    format!("{generation}|{audience:?}|{request:?}")
}

/// The key of a question's tally: as [`page_key`], but the same for every page and order.
pub(crate) fn tally_key(generation: u64, audience: Audience, request: &SearchRequest) -> String {
    let question = SearchRequest {
        page: 1,
        per_page: 0,
        sort: crate::query::Sort::Relevance,
        ..request.clone()
    };
    page_key(generation, audience, &question)
}

impl Answers {
    pub fn page(&self, key: &str) -> Option<Arc<SearchResults>> {
        self.pages.get(key)
    }

    pub fn keep_page(&self, key: String, answer: Arc<SearchResults>) {
        self.pages.insert(key, answer);
    }

    pub fn tally(&self, key: &str) -> Option<Arc<Tally>> {
        self.tallies.get(key)
    }

    pub fn keep_tally(&self, key: String, tally: Arc<Tally>) {
        self.tallies.insert(key, tally);
    }
}
