//! The write side: the one owner of the index writer. It rebuilds the index from the store and
//! replays the store's change log into it, committing in batches.

use crate::index::{Opened, Payload, SearchIndex};
use crate::schema::VERSION;
use crate::schema::key;
use crate::{Result, SearchError};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tantivy::{IndexWriter, TantivyDocument, Term};
use witan_store::{SearchDocument, SearchKind, SearchSelection, Store};

/// Records read from the store at a time while rebuilding.
const REBUILD_BATCH: u32 = 2_000;
/// Changes replayed per commit.
const CHANGES_PER_COMMIT: u32 = 5_000;
/// Memory each writer thread may use for documents not yet written out (Tantivy's least is
/// 15 MB a thread). 24 MB a thread took a rebuild of the million-item store from 385 MB peak
/// to 192 MB, no slower (BENCHMARKS.md).
const WRITER_MEMORY_PER_THREAD: usize = 24 << 20;

/// How far a rebuild has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub done: u64,
    pub total: u64,
}

/// How often an idle indexer tells the store it is still there (see
/// [`witan_store::SEARCH_READER_LAPSE`]).
const HEARTBEAT: Duration = Duration::from_secs(60);

/// Owns the index writer.
pub struct Indexer {
    search: SearchIndex,
    store: Arc<dyn Store>,
    writer: Option<IndexWriter>,
    /// The name this index reads the store's change log under: several processes sharing one
    /// database each have their own index, and the log is kept until all of them have read it.
    reader: String,
    /// When the store was last told how far this index has read.
    reported: Option<std::time::Instant>,
}

impl std::fmt::Debug for Indexer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Indexer")
            .field("search", &self.search)
            .finish_non_exhaustive()
    }
}

impl Indexer {
    /// An indexer for `search`, reading the store's change log as `reader` (a name unique to
    /// this index among those sharing the store, and the same across restarts).
    pub fn new(search: &SearchIndex, store: Arc<dyn Store>, reader: String) -> Result<Self> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let writer = search
            .inner()
            .index
            .writer_with_num_threads(threads, threads * WRITER_MEMORY_PER_THREAD)?;
        Ok(Self {
            search: search.clone(),
            store,
            writer: Some(writer),
            reader,
            reported: None,
        })
    }

    /// Runs `f` with the writer on a blocking thread: indexing is CPU work that must not hold up
    /// the threads serving requests.
    async fn with_writer<R: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut IndexWriter) -> Result<R> + Send + 'static,
    ) -> Result<R> {
        let mut writer = self
            .writer
            .take()
            .ok_or_else(|| SearchError::Other("the index writer was lost".into()))?;
        let (writer, result) = tokio::task::spawn_blocking(move || {
            let result = f(&mut writer);
            (writer, result)
        })
        .await
        .map_err(|e| SearchError::Other(format!("indexing thread: {e}")))?;
        self.writer = Some(writer);
        result
    }

    fn document(&self, record: &SearchDocument) -> TantivyDocument {
        crate::schema::document(&self.search.inner().fields, record)
    }

    /// Commits what was added with the change it brings the index up to, and lets readers see it.
    async fn commit(&mut self, seq: u64) -> Result<()> {
        let payload = serde_json::to_string(&Payload {
            version: VERSION,
            seq,
        })
        .map_err(|e| SearchError::Other(e.to_string()))?;
        self.with_writer(move |w| {
            let mut prepared = w.prepare_commit()?;
            prepared.set_payload(&payload);
            prepared.commit()?;
            Ok(())
        })
        .await?;
        let inner = self.search.inner();
        inner.reader.reload()?;
        inner.seq.store(seq, Ordering::Release);
        // The store hears of it before searches waiting for it go on.
        let reported = self.report(seq).await;
        self.search.inner().advanced.notify_waiters();
        reported
    }

    /// Tells the store this index holds every change up to `seq`, so that the log can be pruned
    /// below the slowest index sharing it.
    async fn report(&mut self, seq: u64) -> Result<()> {
        self.store
            .search_read_upto(&self.reader, seq, chrono::Utc::now())
            .await?;
        self.reported = Some(std::time::Instant::now());
        Ok(())
    }

    /// Builds the index afresh from every searchable record of the store.
    pub async fn rebuild(&mut self, progress: &mut (dyn FnMut(Progress) + Send)) -> Result<u64> {
        // Changes made while the rebuild reads are replayed afterwards: replaying is idempotent.
        // Reporting the starting point first keeps other processes from pruning those changes.
        let seq = self.store.last_search_change().await?;
        self.report(seq).await?;
        let counts = self.store.counts().await?;
        let total = counts.agenda_items
            + counts.issues
            + counts.decisions
            + counts.actions
            + counts.documents;
        self.with_writer(|w| Ok(w.delete_all_documents()?)).await?;
        let mut done = 0;
        progress(Progress { done, total });
        for kind in [
            SearchKind::Item,
            SearchKind::Issue,
            SearchKind::Decision,
            SearchKind::Action,
            SearchKind::Document,
        ] {
            let mut after = 0;
            loop {
                let records = self
                    .store
                    .search_documents(
                        kind,
                        SearchSelection::After {
                            id: after,
                            limit: REBUILD_BATCH,
                        },
                    )
                    .await?;
                let Some(last) = records.last() else { break };
                after = last.id;
                done += records.len() as u64;
                let docs: Vec<TantivyDocument> = records.iter().map(|r| self.document(r)).collect();
                self.with_writer(move |w| {
                    for doc in docs {
                        w.add_document(doc)?;
                    }
                    Ok(())
                })
                .await?;
                progress(Progress {
                    done,
                    total: total.max(done),
                });
            }
        }
        self.commit(seq).await?;
        self.search.inner().complete.store(true, Ordering::Release);
        Ok(done)
    }

    /// Replays the store's changes since the index's last commit. Returns how many were applied.
    pub async fn catch_up(&mut self) -> Result<u64> {
        let mut applied = 0;
        loop {
            let from = self.search.seq();
            let changes = self.store.search_changes(from, CHANGES_PER_COMMIT).await?;
            let Some(last) = changes.last().map(|c| c.seq) else {
                break;
            };
            let mut touched: BTreeMap<SearchKind, Vec<i64>> = BTreeMap::new();
            for change in &changes {
                touched.entry(change.kind).or_default().push(change.id);
            }
            // Whether the public may find a record can follow from another (the store's
            // visibility rule): an item decides whether its issue is public, and an issue whether
            // the documents attached to it alone are. So the kinds are read in that order, and
            // each adds what it decides to the kinds after it: a new item on a published agenda
            // makes its issue findable, whoever wrote it.
            let mut replace = Vec::new();
            while let Some((kind, mut ids)) = touched.pop_first() {
                ids.sort_unstable();
                ids.dedup();
                let records = self
                    .store
                    .search_documents(kind, SearchSelection::Ids(&ids))
                    .await?;
                match kind {
                    SearchKind::Item => {
                        let issues = records.iter().filter_map(|r| r.issue.map(|i| i.get()));
                        touched.entry(SearchKind::Issue).or_default().extend(issues);
                    }
                    SearchKind::Issue => {
                        let documents = self
                            .store
                            .search_documents(SearchKind::Document, SearchSelection::OfIssues(&ids))
                            .await?;
                        touched
                            .entry(SearchKind::Document)
                            .or_default()
                            .extend(documents.iter().map(|d| d.id));
                    }
                    _ => {}
                }
                let deletes: Vec<Term> = ids
                    .iter()
                    .map(|id| {
                        Term::from_field_text(self.search.inner().fields.key, &key(kind, *id))
                    })
                    .collect();
                let docs: Vec<TantivyDocument> = records.iter().map(|r| self.document(r)).collect();
                replace.push((deletes, docs));
            }
            self.with_writer(move |w| {
                for (deletes, docs) in replace {
                    for term in deletes {
                        w.delete_term(term);
                    }
                    for doc in docs {
                        w.add_document(doc)?;
                    }
                }
                Ok(())
            })
            .await?;
            self.commit(last).await?;
            applied += changes.len() as u64;
            if changes.len() < CHANGES_PER_COMMIT as usize {
                break;
            }
        }
        Ok(applied)
    }

    /// Brings the index in step (rebuilding it if it was `opened` so, or if it is ahead of the
    /// store, which means the store was replaced) and then follows the store's changes every
    /// `every`, until the process ends. Errors are logged and retried.
    pub async fn run(mut self, opened: Opened, every: Duration) {
        let mut rebuild = matches!(opened, Opened::Rebuild { .. });
        if !rebuild {
            match self.in_step().await {
                Ok(true) => {}
                Ok(false) => rebuild = true,
                Err(e) => tracing::warn!(error = %e, "search: cannot read the change log"),
            }
        }
        let wake = self.search.clone();
        loop {
            if rebuild {
                let started = std::time::Instant::now();
                let mut last_log = std::time::Instant::now();
                let mut log = |p: Progress| {
                    if last_log.elapsed() > Duration::from_secs(5) {
                        tracing::info!(
                            done = p.done,
                            total = p.total,
                            "rebuilding the search index"
                        );
                        last_log = std::time::Instant::now();
                    }
                };
                match self.rebuild(&mut log).await {
                    Ok(n) => {
                        tracing::info!(
                            records = n,
                            seconds = started.elapsed().as_secs_f64(),
                            "search index rebuilt"
                        );
                        rebuild = false;
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "rebuilding the search index failed; retrying");
                        tokio::time::sleep(every.max(Duration::from_secs(5))).await;
                        continue;
                    }
                }
            }
            match self.catch_up().await {
                Ok(0) => {}
                Ok(n) => tracing::debug!(changes = n, "search index updated"),
                Err(e) => tracing::warn!(error = %e, "updating the search index failed; retrying"),
            }
            if self.reported.is_none_or(|at| at.elapsed() >= HEARTBEAT)
                && let Err(e) = self.report(self.search.seq()).await
            {
                tracing::warn!(error = %e, "search: cannot report to the change log");
            }
            tokio::select! {
                () = tokio::time::sleep(every) => {}
                () = wake.inner().wake.notified() => {}
            }
        }
    }

    /// Whether the index can follow the store's log from where it stands: not if it is ahead of
    /// the log (it was built from another database), nor if the log has been pruned past it
    /// (this index was not heard from for longer than the lapse). Reports the index's position
    /// first, so that no other process prunes past it after the check.
    async fn in_step(&mut self) -> Result<bool> {
        let seq = self.search.seq();
        self.report(seq).await?;
        let last = self.store.last_search_change().await?;
        if last < seq {
            tracing::warn!(
                index = seq,
                store = last,
                "search index is ahead of the store; rebuilding"
            );
            return Ok(false);
        }
        let floor = self.store.search_log_floor().await?;
        if seq < floor {
            tracing::warn!(
                index = seq,
                pruned = floor,
                "the store's change log was pruned past the search index; rebuilding"
            );
            return Ok(false);
        }
        Ok(true)
    }
}
