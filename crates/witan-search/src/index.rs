//! The read side: opening the index (and deciding whether it must be rebuilt) and answering
//! queries.

use crate::Result;
use crate::answers::{self, Answers};
use crate::query::{MAX_SUGGESTIONS, SearchRequest, Sort, clean};
use crate::schema::{Fields, VERSION};
use crate::tally::Tallying;
use chrono::NaiveDate;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, Query, QueryParser,
    RangeQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::{
    DocAddress, Index, IndexReader, Order, ReloadPolicy, Searcher, TantivyDocument, Term,
};
use witan_domain::{Audience, Term as _};
use witan_store::SearchKind;

/// What the last commit of an index says about it.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Payload {
    pub version: u32,
    /// The last change of the store's log the index holds.
    pub seq: u64,
}

/// How an index came out of [`SearchIndex::open`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opened {
    /// In step with the store up to change `seq`; the indexer replays what came after.
    Current { seq: u64 },
    /// Missing, of another version, or left incomplete: it must be rebuilt from the store.
    Rebuild { reason: String },
}

/// The index, for reading. Cheap to clone.
#[derive(Clone)]
pub struct SearchIndex {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub index: Index,
    pub reader: IndexReader,
    pub fields: Fields,
    pub dir: PathBuf,
    /// False while the index is being built from nothing: results would be incomplete.
    pub complete: AtomicBool,
    /// The last change the committed index holds.
    pub seq: AtomicU64,
    /// Asks the indexer to look for changes now rather than at its next turn.
    pub wake: tokio::sync::Notify,
    /// Told whenever a commit moves `seq` on.
    pub advanced: tokio::sync::Notify,
    /// Answers kept for the index state they were read from.
    pub answers: Answers,
    /// Whether every document of a searcher generation holds exactly one `public` value.
    pub one_public_value: std::sync::Mutex<Option<(u64, bool)>>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("dir", &self.inner.dir)
            .field("complete", &self.is_complete())
            .finish_non_exhaustive()
    }
}

/// One page of answers.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct SearchResults {
    pub total: usize,
    pub hits: Vec<Hit>,
    /// How many matches of each kind, most first.
    pub kinds: Vec<(SearchKind, u64)>,
    /// How many matches per committee (by slug), most first.
    pub committees: Vec<(String, u64)>,
    /// What the reader should know about how the question was read.
    pub notes: Vec<String>,
}

/// A record that matched.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    pub kind: SearchKind,
    pub id: i64,
    pub title: String,
    /// Words around the match, HTML-escaped, matched words in `<mark>`.
    pub snippet_html: String,
    pub date: Option<NaiveDate>,
    /// (slug, name).
    pub committee: Option<(String, String)>,
    pub meeting: Option<i64>,
    pub item_number: Option<String>,
    pub issue: Option<i64>,
}

/// A title offered while the reader types.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Suggestion {
    pub kind: SearchKind,
    pub id: i64,
    pub title: String,
    pub meeting: Option<i64>,
    pub item_number: Option<String>,
    pub issue: Option<i64>,
}

pub(crate) fn tantivy_date(date: NaiveDate) -> tantivy::DateTime {
    tantivy::DateTime::from_timestamp_secs(
        date.and_time(chrono::NaiveTime::MIN).and_utc().timestamp(),
    )
}

fn chrono_date(value: tantivy::DateTime) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp(value.into_timestamp_secs(), 0).map(|t| t.date_naive())
}

impl SearchIndex {
    /// Opens the index in `dir`, creating the folder if needed. An index that cannot be used as
    /// it is (missing, unreadable, another version, never completed) is emptied and reported as
    /// [`Opened::Rebuild`].
    pub fn open(dir: &Path) -> Result<(Self, Opened)> {
        let fields = Fields::new();
        std::fs::create_dir_all(dir)?;
        let (index, opened) = match Self::usable(dir, &fields) {
            Ok((index, seq)) => (index, Opened::Current { seq }),
            Err(reason) => {
                tracing::info!(dir = %dir.display(), %reason, "search index will be rebuilt");
                std::fs::remove_dir_all(dir)?;
                std::fs::create_dir_all(dir)?;
                (
                    Index::create_in_dir(dir, fields.schema.clone())?,
                    Opened::Rebuild { reason },
                )
            }
        };
        // A query's segments are searched in parallel, one thread per core: the broadest
        // questions (hundreds of thousands of matches, counted and faceted) finish sooner.
        let mut index = index;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        if threads > 1 {
            index.set_multithread_executor(threads)?;
        }
        let seq = match opened {
            Opened::Current { seq } => seq,
            Opened::Rebuild { .. } => 0,
        };
        let complete = matches!(opened, Opened::Current { .. });
        let search = Self::over(index, fields, dir.to_owned(), complete, seq)?;
        Ok((search, opened))
    }

    /// An index held in memory only, for questions asked of a few records at a time.
    pub(crate) fn in_memory() -> Result<Self> {
        let fields = Fields::new();
        let index = Index::create_in_ram(fields.schema.clone());
        Self::over(index, fields, PathBuf::new(), true, 0)
    }

    fn over(index: Index, fields: Fields, dir: PathBuf, complete: bool, seq: u64) -> Result<Self> {
        crate::schema::register_analyzers(&index);
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            inner: Arc::new(Inner {
                index,
                reader,
                fields,
                dir,
                complete: AtomicBool::new(complete),
                seq: AtomicU64::new(seq),
                wake: tokio::sync::Notify::new(),
                advanced: tokio::sync::Notify::new(),
                answers: Answers::default(),
                one_public_value: std::sync::Mutex::new(None),
            }),
        })
    }

    fn usable(dir: &Path, fields: &Fields) -> Result<(Index, u64), String> {
        let index = Index::open_in_dir(dir).map_err(|e| format!("cannot be opened ({e})"))?;
        if index.schema() != fields.schema {
            return Err("its fields are not this version's".into());
        }
        let metas = index
            .load_metas()
            .map_err(|e| format!("its commit cannot be read ({e})"))?;
        let payload: Payload = metas
            .payload
            .as_deref()
            .and_then(|p| serde_json::from_str(p).ok())
            .ok_or("it was never completed")?;
        if payload.version != VERSION {
            return Err(format!(
                "it is version {}, this witan uses version {VERSION}",
                payload.version
            ));
        }
        Ok((index, payload.seq))
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Whether the index holds everything up to its last commit (false while first built).
    pub fn is_complete(&self) -> bool {
        self.inner.complete.load(Ordering::Acquire)
    }

    /// The last change of the store's log the index holds.
    pub fn seq(&self) -> u64 {
        self.inner.seq.load(Ordering::Acquire)
    }

    /// Waits, at most `within`, until the index holds change `seq` of the store's log, asking the
    /// indexer to replay what is missing now. True if it does: a search after it sees every
    /// change up to `seq`, whichever process made it.
    pub async fn reach(&self, seq: u64, within: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let advanced = self.inner.advanced.notified();
            tokio::pin!(advanced);
            // Listening before looking, so a commit between the two is not missed.
            advanced.as_mut().enable();
            if self.seq() >= seq {
                return true;
            }
            self.inner.wake.notify_one();
            if tokio::time::timeout_at(deadline, advanced).await.is_err() {
                return self.seq() >= seq;
            }
        }
    }

    /// Records in the index, for the given audience.
    pub fn len(&self, audience: Audience) -> Result<usize> {
        let searcher = self.inner.reader.searcher();
        let query: Box<dyn Query> = match audience {
            Audience::Public => self.term_bool(self.inner.fields.public, true),
            Audience::Privileged => Box::new(AllQuery),
        };
        Ok(searcher.search(&query, &Count)?)
    }

    pub fn is_empty(&self) -> bool {
        self.inner.reader.searcher().num_docs() == 0
    }

    fn term_bool(&self, field: tantivy::schema::Field, value: bool) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_bool(field, value),
            IndexRecordOption::Basic,
        ))
    }

    fn term_text(&self, field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        ))
    }

    /// The reader's words, parsed leniently over titles (which count double) and bodies.
    fn words(&self, text: &str) -> Option<Box<dyn Query>> {
        if text.is_empty() {
            return None;
        }
        let f = &self.inner.fields;
        // Any of the words may match, and records with all of them count twice: a question's
        // words narrow it down without one missing word hiding the answer.
        let mut parser = QueryParser::for_index(&self.inner.index, vec![f.title, f.body]);
        parser.set_field_boost(f.title, 2.0);
        let (any, _errors) = parser.parse_query_lenient(text);
        parser.set_conjunction_by_default();
        let (all, _errors) = parser.parse_query_lenient(text);
        // One word or one phrase: "all" is the same query, and would only double the work.
        if format!("{any:?}") == format!("{all:?}") {
            return Some(any);
        }
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, any),
            (Occur::Should, all),
        ])))
    }

    /// The filters of a request, and the audience's: a public reader finds public records only.
    fn filters(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        audience: Audience,
    ) -> Result<Vec<(Occur, Box<dyn Query>)>> {
        let f = &self.inner.fields;
        let mut filters = Vec::new();
        if audience == Audience::Public {
            filters.push(self.public_only(searcher)?);
        }
        if let Some(kind) = request.kind {
            filters.push((Occur::Must, self.term_text(f.kind, kind.as_str())));
        }
        if let Some(slug) = &request.committee {
            filters.push((Occur::Must, self.term_text(f.committee, slug)));
        }
        if let Some(slug) = &request.organisation {
            filters.push((Occur::Must, self.term_text(f.organisation, slug)));
        }
        if request.key_only {
            filters.push((Occur::Must, self.term_bool(f.key_decision, true)));
        }
        if request.from.is_some() || request.until.is_some() {
            let bound = |d: Option<NaiveDate>, inclusive: fn(Term) -> Bound<Term>| match d {
                Some(d) => inclusive(Term::from_field_date(f.date, tantivy_date(d))),
                None => Bound::Unbounded,
            };
            let until = request.until.and_then(|d| d.succ_opt());
            filters.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(request.from, Bound::Included),
                    bound(until, Bound::Excluded),
                )),
            ));
        }
        Ok(filters)
    }

    /// The clause that keeps a public reader to public records. Every record is indexed with
    /// exactly one `public` value; while the searcher's documents prove that, "not withheld" is
    /// the same set as "public" and much cheaper to apply: requiring the public list (nearly
    /// every document) costs a seek in it per match, excluding the few withheld records almost
    /// nothing. If a document ever lacked the value, or held both, the plain requirement
    /// applies, so a record without the value is never shown to the public.
    fn public_only(&self, searcher: &Searcher) -> Result<(Occur, Box<dyn Query>)> {
        let f = &self.inner.fields;
        let generation = searcher.generation().generation_id();
        let known = *self
            .inner
            .one_public_value
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let proven = match known {
            Some((g, proven)) if g == generation => proven,
            _ => {
                let public = searcher.search(&self.term_bool(f.public, true), &Count)?;
                let withheld = searcher.search(&self.term_bool(f.public, false), &Count)?;
                let either = searcher.search(
                    &BooleanQuery::new(vec![
                        (Occur::Should, self.term_bool(f.public, true)),
                        (Occur::Should, self.term_bool(f.public, false)),
                    ]),
                    &Count,
                )?;
                let docs = searcher.num_docs() as usize;
                // Every document holds a value (either), and none holds two (the sum).
                let proven = either == docs && public + withheld == docs;
                *self
                    .inner
                    .one_public_value
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some((generation, proven));
                proven
            }
        };
        Ok(if proven {
            (Occur::MustNot, self.term_bool(f.public, false))
        } else {
            (Occur::Must, self.term_bool(f.public, true))
        })
    }

    /// The query a request asks of `searcher` as `audience`, with the reader's words (for
    /// snippets) and notes on how the question was read. No query when nothing was asked (no
    /// words left after cleaning, no filter): nothing is found, for every audience alike.
    pub(crate) fn question(
        &self,
        searcher: &Searcher,
        request: &SearchRequest,
        audience: Audience,
    ) -> Result<Question> {
        let (text, notes) = clean(&request.text);
        let words = self.words(&text);
        if request.is_empty() {
            return Ok(Question {
                query: None,
                words,
                notes,
            });
        }
        let mut clauses = self.filters(searcher, request, audience)?;
        match &words {
            Some(words) => {
                clauses.push((Occur::Must, words.box_clone()));
                // "What was decided about …" is a question about decisions: the kind a question
                // names ranks its records first, without hiding the rest.
                for kind in named_kinds(&text) {
                    clauses.push((
                        Occur::Should,
                        Box::new(ConstScoreQuery::new(
                            self.term_text(self.inner.fields.kind, kind.as_str()),
                            KIND_NAMED_BOOST,
                        )),
                    ));
                }
            }
            None => clauses.push((Occur::Must, Box::new(AllQuery))),
        }
        Ok(Question {
            query: Some(BooleanQuery::new(clauses)),
            words,
            notes,
        })
    }

    /// Answers a request as `audience` may see the records.
    pub fn search(&self, request: &SearchRequest, audience: Audience) -> Result<SearchResults> {
        let searcher = self.inner.reader.searcher();
        let Question {
            query,
            words,
            notes,
        } = self.question(&searcher, request, audience)?;
        let Some(query) = query else {
            return Ok(SearchResults {
                notes,
                ..SearchResults::default()
            });
        };
        // Kept answers are those of this very index state (see answers.rs).
        let generation = searcher.generation().generation_id();
        let key = answers::page_key(generation, audience, request);
        if let Some(kept) = self.inner.answers.page(&key) {
            return Ok(SearchResults::clone(&kept));
        }
        let (limit, offset) = request.window();
        let sort = if words.is_none() {
            Sort::Newest
        } else {
            request.sort
        };
        let tally_key = answers::tally_key(generation, audience, request);
        let (addresses, tally) = match self.inner.answers.tally(&tally_key) {
            // Another page or order of a question already counted: only its page is ranked.
            Some(tally) => (top_only(&searcher, &query, sort, limit, offset)?, tally),
            None => {
                let (addresses, tally) = top(&searcher, &query, sort, limit, offset, Tallying)?;
                let tally = Arc::new(tally);
                self.inner.answers.keep_tally(tally_key, Arc::clone(&tally));
                (addresses, tally)
            }
        };
        let snippets = match &words {
            Some(words) => {
                let mut generator =
                    SnippetGenerator::create(&searcher, words.as_ref(), self.inner.fields.body)?;
                generator.set_max_num_chars(240);
                Some(generator)
            }
            None => None,
        };
        let mut hits = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            hits.push(self.hit(&doc, snippets.as_ref()));
        }
        let results = SearchResults {
            total: tally.total,
            hits,
            kinds: tally.kinds.clone(),
            committees: tally.committees.clone(),
            notes,
        };
        self.inner.answers.keep_page(key, Arc::new(results.clone()));
        Ok(results)
    }

    fn hit(&self, doc: &TantivyDocument, snippets: Option<&SnippetGenerator>) -> Hit {
        let f = &self.inner.fields;
        let text = |field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_owned)
        };
        let number = |field| doc.get_first(field).and_then(|v| v.as_i64());
        let snippet_html = snippets
            .map(|g| {
                let mut snippet = g.snippet_from_doc(doc);
                snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
                snippet.to_html()
            })
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_else(|| {
                // Nothing matched in the body (or no words were given): its opening, escaped.
                let body = text(f.body).unwrap_or_default();
                witan_domain::escape_html(&body.chars().take(240).collect::<String>())
            });
        Hit {
            kind: text(f.kind)
                .and_then(|k| SearchKind::parse("kind", &k).ok())
                .unwrap_or(SearchKind::Item),
            id: number(f.id).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            snippet_html,
            date: doc
                .get_first(f.date)
                .and_then(|v| v.as_datetime())
                .and_then(chrono_date),
            committee: text(f.committee).zip(text(f.committee_name)),
            meeting: number(f.meeting),
            item_number: text(f.item_number),
            issue: number(f.issue),
        }
    }

    /// Titles that complete what the reader has typed: every word but the last as given, the
    /// last as the start of a word.
    pub fn suggest(&self, typed: &str, audience: Audience) -> Result<Vec<Suggestion>> {
        let (text, _) = clean(typed);
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        let Some((last, before)) = words.split_last() else {
            return Ok(Vec::new());
        };
        let f = &self.inner.fields;
        let searcher = self.inner.reader.searcher();
        let mut clauses = self.filters(&searcher, &SearchRequest::default(), audience)?;
        for word in before {
            clauses.push((Occur::Must, self.term_text(f.title_words, word)));
        }
        let mut prefix = PhrasePrefixQuery::new(vec![Term::from_field_text(f.title_words, last)]);
        prefix.set_max_expansions(50);
        clauses.push((Occur::Must, Box::new(prefix)));
        let top = searcher.search(
            &BooleanQuery::new(clauses),
            &TopDocs::with_limit(MAX_SUGGESTIONS * 4).order_by_score(),
        )?;
        let mut seen = std::collections::HashSet::new();
        let mut suggestions = Vec::new();
        for (_, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let hit = self.hit(&doc, None);
            if seen.insert(hit.title.to_lowercase()) {
                suggestions.push(Suggestion {
                    kind: hit.kind,
                    id: hit.id,
                    title: hit.title,
                    meeting: hit.meeting,
                    item_number: hit.item_number,
                    issue: hit.issue,
                });
            }
            if suggestions.len() == MAX_SUGGESTIONS {
                break;
            }
        }
        Ok(suggestions)
    }
}

/// A request made into a query.
pub(crate) struct Question {
    pub query: Option<BooleanQuery>,
    pub words: Option<Box<dyn Query>>,
    pub notes: Vec<String>,
}

/// What naming a kind of record in a question adds to the score of records of that kind.
const KIND_NAMED_BOOST: f32 = 5.0;

/// The kinds of record a question names: "decided", "decisions", "actions", "reports".
fn named_kinds(text: &str) -> Vec<SearchKind> {
    let mut kinds = Vec::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        let kind = match word.to_lowercase().as_str() {
            "decided" | "decide" | "decision" | "decisions" | "resolved" => SearchKind::Decision,
            "action" | "actions" | "actioned" => SearchKind::Action,
            "report" | "reports" | "document" | "documents" | "paper" | "papers" => {
                SearchKind::Document
            }
            "issue" | "issues" => SearchKind::Issue,
            _ => continue,
        };
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    }
    kinds
}

/// The page of `query` that `limit` and `offset` describe, in `sort` order, with what `also`
/// collects over every match in the same pass.
fn top<C: tantivy::collector::Collector>(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    sort: Sort,
    limit: usize,
    offset: usize,
    also: C,
) -> Result<(Vec<DocAddress>, C::Fruit)> {
    Ok(match sort {
        Sort::Relevance => {
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_score();
            let (top, fruit) = searcher.search(query, &(top, also))?;
            (top.into_iter().map(|(_, a)| a).collect(), fruit)
        }
        Sort::Newest => {
            let top = TopDocs::with_limit(limit)
                .and_offset(offset)
                .order_by_fast_field::<tantivy::DateTime>("date", Order::Desc);
            let (top, fruit) = searcher.search(query, &(top, also))?;
            (top.into_iter().map(|(_, a)| a).collect(), fruit)
        }
    })
}

/// The page of `query` alone: ranked by a collector of its own, which may skip what cannot
/// reach the page.
fn top_only(
    searcher: &tantivy::Searcher,
    query: &dyn Query,
    sort: Sort,
    limit: usize,
    offset: usize,
) -> Result<Vec<DocAddress>> {
    Ok(match sort {
        Sort::Relevance => searcher
            .search(
                query,
                &TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_score(),
            )?
            .into_iter()
            .map(|(_, a)| a)
            .collect(),
        Sort::Newest => searcher
            .search(
                query,
                &TopDocs::with_limit(limit)
                    .and_offset(offset)
                    .order_by_fast_field::<tantivy::DateTime>("date", Order::Desc),
            )?
            .into_iter()
            .map(|(_, a)| a)
            .collect(),
    })
}

/// The index as the public searches it: every question carries the public-only clause, so a
/// holder of this handle cannot find, count or see a snippet of anything exempt or unpublished.
/// The public site and the JSON API get only this.
#[derive(Debug, Clone)]
pub struct PublicSearch {
    index: SearchIndex,
}

impl PublicSearch {
    pub fn new(index: SearchIndex) -> Self {
        Self { index }
    }

    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        self.index.search(request, Audience::Public)
    }

    pub fn suggest(&self, typed: &str) -> Result<Vec<Suggestion>> {
        self.index.suggest(typed, Audience::Public)
    }

    /// Whether the index holds every record (not still rebuilding).
    pub fn is_complete(&self) -> bool {
        self.index.is_complete()
    }

    /// The last change of the store the index holds.
    pub fn seq(&self) -> u64 {
        self.index.seq()
    }

    /// Waits, at most `within`, until the index holds change `seq`.
    pub async fn reach(&self, seq: u64, within: std::time::Duration) -> bool {
        self.index.reach(seq, within).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index holding "budget" records with the given `public` values (none, one or two).
    fn index_of(records: &[&[bool]]) -> (tempfile::TempDir, SearchIndex) {
        let dir = tempfile::tempdir().unwrap();
        let (search, _) = SearchIndex::open(dir.path()).unwrap();
        let f = &search.inner.fields;
        let mut writer = search
            .inner
            .index
            .writer_with_num_threads::<TantivyDocument>(1, 15_000_000)
            .unwrap();
        for (id, values) in records.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_text(f.kind, "item");
            doc.add_i64(f.id, id as i64);
            doc.add_text(f.title, "budget");
            for value in *values {
                doc.add_bool(f.public, *value);
            }
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        search.inner.reader.reload().unwrap();
        (dir, search)
    }

    fn found(search: &SearchIndex, text: &str) -> Vec<i64> {
        let request = SearchRequest {
            text: text.into(),
            ..SearchRequest::default()
        };
        let mut ids: Vec<i64> = search
            .search(&request, Audience::Public)
            .unwrap()
            .hits
            .iter()
            .map(|h| h.id)
            .collect();
        ids.sort();
        ids
    }

    #[test]
    fn the_cheaper_public_clause_is_used_only_where_it_means_the_same() {
        // Each record one value: withheld records are excluded, and the exclusion is used.
        let (_dir, one_each) = index_of(&[&[true], &[false], &[true]]);
        let searcher = one_each.inner.reader.searcher();
        assert_eq!(one_each.public_only(&searcher).unwrap().0, Occur::MustNot);
        assert_eq!(found(&one_each, "budget"), vec![0, 2]);
        // A record without the value is not public, whatever else the index holds.
        let (_dir, missing) = index_of(&[&[true], &[false], &[]]);
        let searcher = missing.inner.reader.searcher();
        assert_eq!(missing.public_only(&searcher).unwrap().0, Occur::Must);
        assert_eq!(found(&missing, "budget"), vec![0]);
        // One record without and one with both: the counts add up, the proof still fails.
        let (_dir, both) = index_of(&[&[true], &[true, false], &[]]);
        let searcher = both.inner.reader.searcher();
        assert_eq!(both.public_only(&searcher).unwrap().0, Occur::Must);
        assert_eq!(found(&both, "budget"), vec![0, 1]);
        // Every record a value, one of them two: the sum tells, and the plain clause is kept.
        let (_dir, twice) = index_of(&[&[true], &[true, false]]);
        let searcher = twice.inner.reader.searcher();
        assert_eq!(twice.public_only(&searcher).unwrap().0, Occur::Must);
        assert_eq!(found(&twice, "budget"), vec![0, 1]);
    }
}
