//! Search latency and indexing throughput on a demo store: witan's Tantivy index side by side
//! with SQLite FTS5 and PostgreSQL full-text search (tsvector + GIN, ts_rank) over the same text.
//!
//! cargo bench -p witan-search --bench search -- DATA_DIR [ITERATIONS] [--witan-only]
//! (--witan-only: the data folder's own index, no FTS5 or PostgreSQL; for tuning witan alone)
//! (PostgreSQL joins when WITAN_BENCH_DATABASE_URL names a database it may create a table in.)

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;
use std::time::{Duration, Instant};
use witan_domain::Audience;
use witan_search::{Indexer, SearchIndex, SearchRequest};
use witan_store::sqlite::SqliteStore;
use witan_store::{SearchDocument, SearchKind, SearchSelection, Store};

const KINDS: [SearchKind; 5] = [
    SearchKind::Item,
    SearchKind::Issue,
    SearchKind::Decision,
    SearchKind::Action,
    SearchKind::Document,
];

/// One realistic question, as each engine is asked it.
struct Question {
    name: &'static str,
    witan: SearchRequest,
    /// `None`: completion, asked of witan with `suggest`.
    prefix: Option<&'static str>,
    fts5: &'static str,
    fts5_filter: &'static str,
    postgres: &'static str,
    postgres_filter: &'static str,
}

fn questions() -> Vec<Question> {
    let ask = |text: &str| SearchRequest {
        text: text.to_owned(),
        ..SearchRequest::default()
    };
    vec![
        Question {
            name: "one word: budget",
            witan: ask("budget"),
            prefix: None,
            fts5: "budget",
            fts5_filter: "",
            postgres: "to_tsquery('english', 'budget')",
            postgres_filter: "",
        },
        Question {
            name: "two words: winter pressures",
            witan: ask("winter pressures"),
            prefix: None,
            fts5: "winter OR pressures",
            fts5_filter: "",
            postgres: "to_tsquery('english', 'winter | pressures')",
            postgres_filter: "",
        },
        Question {
            name: "phrase: \"step-down beds\"",
            witan: ask("\"step-down beds\""),
            prefix: None,
            fts5: "\"step down beds\"",
            fts5_filter: "",
            postgres: "phraseto_tsquery('english', 'step-down beds')",
            postgres_filter: "",
        },
        Question {
            name: "filtered: mental health decisions since 2024",
            witan: SearchRequest {
                kind: Some(SearchKind::Decision),
                from: chrono::NaiveDate::from_ymd_opt(2024, 1, 1),
                ..ask("mental health")
            },
            prefix: None,
            fts5: "mental OR health",
            fts5_filter: "AND kind = 'decision' AND date >= '2024-01-01'",
            postgres: "to_tsquery('english', 'mental | health')",
            postgres_filter: "AND kind = 'decision' AND date >= '2024-01-01'",
        },
        Question {
            name: "prefix: transf",
            witan: ask("transf"),
            prefix: Some("transf"),
            fts5: "title : transf*",
            fts5_filter: "",
            postgres: "to_tsquery('english', 'transf:*')",
            postgres_filter: "",
        },
    ]
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at].as_secs_f64() * 1000.0
}

/// Runs `ask` three times to warm up, then `iterations` times timed; returns the times and the
/// number of matches the last run reported.
async fn measure(iterations: usize, mut ask: impl AsyncFnMut() -> usize) -> (Vec<Duration>, usize) {
    let mut times = Vec::with_capacity(iterations);
    let mut hits = 0;
    for run in 0..iterations + 3 {
        let started = Instant::now();
        hits = ask().await;
        if run >= 3 {
            times.push(started.elapsed());
        }
    }
    (times, hits)
}

fn total(rows: &[sqlx::sqlite::SqliteRow]) -> usize {
    rows.first()
        .map(|r| sqlx::Row::get::<i64, _>(r, "total") as usize)
        .unwrap_or(0)
}

fn report(engine: &str, question: &str, mut times: Vec<Duration>, hits: usize) {
    times.sort();
    println!(
        "{engine:<10} {question:<46} p50 {:>8.2} ms  p99 {:>8.2} ms  ({hits} matches)",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
}

/// Every searchable record of the store, a batch at a time.
async fn each_batch(store: &dyn Store, mut f: impl AsyncFnMut(Vec<SearchDocument>)) {
    for kind in KINDS {
        let mut after = 0;
        loop {
            let batch = store
                .search_documents(
                    kind,
                    SearchSelection::After {
                        id: after,
                        limit: 5_000,
                    },
                )
                .await
                .unwrap();
            let Some(last) = batch.last() else { break };
            after = last.id;
            f(batch).await;
        }
    }
}

fn date_text(d: &SearchDocument) -> Option<String> {
    d.date.map(|d| d.format("%Y-%m-%d").to_string())
}

async fn build_fts5(
    store: &dyn Store,
    scratch: &std::path::Path,
    records: usize,
) -> sqlx::SqlitePool {
    // SQLite FTS5 in its own file.
    let fts_path = scratch.join("fts5.db");
    let fts = sqlx::SqlitePool::connect_with(
        sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&fts_path)
            .create_if_missing(true)
            .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
            .pragma("cache_size", "-65536"),
    )
    .await
    .unwrap();
    sqlx::query(
        "CREATE VIRTUAL TABLE fts USING fts5(title, body, kind UNINDEXED, id UNINDEXED, \
         public UNINDEXED, date UNINDEXED, tokenize = 'porter unicode61')",
    )
    .execute(&fts)
    .await
    .unwrap();
    let started = Instant::now();
    each_batch(store, async |batch| {
        // Multi-row INSERTs, as witan's own writer does: one statement per row would measure
        // the driver's hop per statement rather than FTS5.
        let mut tx = fts.begin().await.unwrap();
        for chunk in batch.chunks(200) {
            let rows = vec!["(?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
            let sql =
                format!("INSERT INTO fts (title, body, kind, id, public, date) VALUES {rows}");
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for d in chunk {
                query = query
                    .bind(&d.title)
                    .bind(&d.body)
                    .bind(witan_domain::Term::as_str(d.kind))
                    .bind(d.id)
                    .bind(d.public)
                    .bind(date_text(d));
            }
            query.execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
    })
    .await;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "index     fts5       {records} records in {secs:.1} s ({:.0} records/s, reading included)",
        records as f64 / secs
    );

    fts
}

async fn build_postgres(store: &dyn Store, records: usize) -> Option<sqlx::PgPool> {
    // PostgreSQL, when a database is offered.
    let postgres = match std::env::var("WITAN_BENCH_DATABASE_URL") {
        Ok(url) => Some(sqlx::PgPool::connect(&url).await.unwrap()),
        Err(_) => {
            println!("index     postgres   skipped: set WITAN_BENCH_DATABASE_URL to include it");
            None
        }
    };
    if let Some(pg) = &postgres {
        sqlx::query("DROP TABLE IF EXISTS witan_search_bench")
            .execute(pg)
            .await
            .unwrap();
        sqlx::query(
            "CREATE TABLE witan_search_bench (kind text NOT NULL, id bigint NOT NULL, \
             title text NOT NULL, body text NOT NULL, public boolean NOT NULL, date date, \
             tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', title), 'A') || \
             setweight(to_tsvector('english', body), 'B')) STORED)",
        )
        .execute(pg)
        .await
        .unwrap();
        let started = Instant::now();
        each_batch(store, async |batch| {
            sqlx::query(
                "INSERT INTO witan_search_bench (kind, id, title, body, public, date) \
                 SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::text[], $4::text[], $5::boolean[], $6::date[])",
            )
            .bind(batch.iter().map(|d| witan_domain::Term::as_str(d.kind)).collect::<Vec<_>>())
            .bind(batch.iter().map(|d| d.id).collect::<Vec<_>>())
            .bind(batch.iter().map(|d| d.title.clone()).collect::<Vec<_>>())
            .bind(batch.iter().map(|d| d.body.clone()).collect::<Vec<_>>())
            .bind(batch.iter().map(|d| d.public).collect::<Vec<_>>())
            .bind(batch.iter().map(|d| d.date).collect::<Vec<_>>())
            .execute(pg)
            .await
            .unwrap();
        })
        .await;
        sqlx::query("CREATE INDEX ON witan_search_bench USING gin (tsv)")
            .execute(pg)
            .await
            .unwrap();
        sqlx::query("ANALYZE witan_search_bench")
            .execute(pg)
            .await
            .unwrap();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "index     postgres   {records} records in {secs:.1} s ({:.0} records/s, reading and GIN build included)",
            records as f64 / secs
        );
    }

    postgres
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let Some(data) = args.first().map(std::path::PathBuf::from) else {
        eprintln!(
            "usage: cargo bench -p witan-search --bench search -- DATA_DIR [ITERATIONS] [--witan-only]"
        );
        std::process::exit(2);
    };
    let iterations: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(50);
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&data.join("witan.db")).await.unwrap());
    let counts = store.counts().await.unwrap();
    println!(
        "store: {} agenda items, {} issues, {} decisions, {} actions, {} documents; {iterations} runs per question",
        counts.agenda_items, counts.issues, counts.decisions, counts.actions, counts.documents
    );

    let witan_only = std::env::args().any(|a| a == "--witan-only");
    let scratch = tempfile::tempdir_in(&data).unwrap();
    let (index, fts, postgres) = if witan_only {
        // The data folder's own index, as `witan serve` keeps it (built if it is not complete).
        let (index, opened) = SearchIndex::open(&data.join("search")).unwrap();
        if matches!(opened, witan_search::Opened::Rebuild { .. }) {
            Indexer::new(&index, store.clone(), "bench".into())
                .unwrap()
                .rebuild(&mut |_| {})
                .await
                .unwrap();
        }
        println!("witan only: the index in {}", data.join("search").display());
        (index, None, None)
    } else {
        // Reading alone, to tell the engines' work from the store's.
        let started = Instant::now();
        let mut records = 0usize;
        each_batch(store.as_ref(), async |batch| records += batch.len()).await;
        let read = started.elapsed().as_secs_f64();
        println!("reading {records} records from the store: {read:.1} s");

        // witan: the index the server uses, rebuilt in a scratch folder.
        let (index, _) = SearchIndex::open(&scratch.path().join("tantivy")).unwrap();
        let started = Instant::now();
        let mut indexer = Indexer::new(&index, store.clone(), "bench".into()).unwrap();
        indexer.rebuild(&mut |_| {}).await.unwrap();
        let secs = started.elapsed().as_secs_f64();
        println!(
            "index     tantivy    {records} records in {secs:.1} s ({:.0} records/s, reading included)",
            records as f64 / secs
        );

        let fts = build_fts5(store.as_ref(), scratch.path(), records).await;
        let postgres = build_postgres(store.as_ref(), records).await;
        (index, Some(fts), postgres)
    };

    println!();
    for q in questions() {
        // witan: the whole answer a page shows (count, facets, snippets), or completions.
        let (times, hits) = measure(iterations, async || match q.prefix {
            Some(prefix) => index.suggest(prefix, Audience::Public).unwrap().len(),
            None => index.search(&q.witan, Audience::Public).unwrap().total,
        })
        .await;
        report("tantivy", q.name, times, hits);

        let sql = format!(
            "WITH m AS MATERIALIZED (SELECT kind, id, bm25(fts, 2.0, 1.0) AS r FROM fts \
             WHERE fts MATCH ?1 AND public = 1 {}) \
             SELECT kind, id, count(*) OVER () AS total FROM m ORDER BY r LIMIT 20",
            q.fts5_filter
        );
        if let Some(fts) = &fts {
            let (times, hits) = measure(iterations, async || {
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(q.fts5)
                    .fetch_all(fts)
                    .await
                    .unwrap();
                total(&rows)
            })
            .await;
            report("fts5", q.name, times, hits);
        }

        if let Some(pg) = &postgres {
            let sql = format!(
                "SELECT kind, id, count(*) OVER () AS total FROM witan_search_bench, {} AS q \
                 WHERE tsv @@ q AND public {} ORDER BY ts_rank(tsv, q) DESC LIMIT 20",
                q.postgres, q.postgres_filter
            );
            let (times, hits) = measure(iterations, async || {
                let rows = sqlx::query(sqlx::AssertSqlSafe(sql.clone()))
                    .fetch_all(pg)
                    .await
                    .unwrap();
                rows.first()
                    .map(|r| sqlx::Row::get::<i64, _>(r, "total") as usize)
                    .unwrap_or(0)
            })
            .await;
            report("postgres", q.name, times, hits);
        }
    }
    if let Some(pg) = &postgres {
        sqlx::query("DROP TABLE witan_search_bench")
            .execute(pg)
            .await
            .unwrap();
    }
}
