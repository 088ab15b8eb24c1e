//! Saved searches: which new public records each confirmed saved search finds, asked the way the
//! search page asks (one parser, one query builder, in witan-search).

use crate::{Error, Result};
use std::collections::BTreeMap;
use witan_search::SearchRequest;
use witan_store::{Pending, SearchDocument, Store};

/// The changes to keep for saved searches: each of `changed` (a public record, with the change
/// that brought it) that a confirmed saved search finds, once per follow.
pub(super) async fn pending(
    store: &dyn Store,
    changed: Vec<(SearchDocument, u64)>,
) -> Result<Vec<Pending>> {
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let follows = store.saved_searches().await?;
    // Followers of the same search share one question.
    let mut by_query: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for follow in &follows {
        by_query
            .entry(follow.target.key())
            .or_default()
            .push(follow.id);
    }
    let mut asked = Vec::with_capacity(by_query.len());
    let mut followers = Vec::with_capacity(by_query.len());
    for (query, subscriptions) in by_query {
        match SearchRequest::from_query(&query) {
            Ok(request) => {
                asked.push(request);
                followers.push(subscriptions);
            }
            // Checked when followed; one kept before a rule changed is passed over, not fatal.
            Err(e) => {
                tracing::warn!(%query, field = e.field, reason = %e.reason, "a saved search can no longer be read")
            }
        }
    }
    if asked.is_empty() {
        return Ok(Vec::new());
    }
    let (records, seqs): (Vec<SearchDocument>, Vec<u64>) = changed.into_iter().unzip();
    let seq_of: BTreeMap<_, _> = records.iter().map(|r| (r.kind, r.id)).zip(seqs).collect();
    // Indexing the batch is CPU work: off the threads that serve requests.
    let found =
        tokio::task::spawn_blocking(move || witan_search::saved_search_matches(&records, &asked))
            .await
            .map_err(|e| Error::Internal(format!("saved search thread: {e}")))?
            .map_err(|e| Error::Internal(e.to_string()))?;
    let mut pending = Vec::new();
    for (matches, subscriptions) in found.into_iter().zip(followers) {
        for (kind, record) in matches {
            let Some(&seq) = seq_of.get(&(kind, record)) else {
                continue;
            };
            pending.extend(subscriptions.iter().map(|&subscription| Pending {
                subscription,
                kind,
                record,
                seq,
            }));
        }
    }
    Ok(pending)
}
