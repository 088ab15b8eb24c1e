//! The search index in the data folder: opened (and rebuilt if need be) by `serve`, rebuilt on
//! demand by `witan reindex`.

use crate::config::{Config, StoreArgs};
use anyhow::Context;
use std::path::Path;
use std::sync::Arc;
use witan_search::{Indexer, Opened, SearchIndex};
use witan_store::Store;

/// How often the indexer looks for changes to replay.
const FOLLOW_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

fn open(dir: &Path) -> anyhow::Result<(SearchIndex, Opened)> {
    SearchIndex::open(dir)
        .with_context(|| format!("cannot open the search index in {}", dir.display()))
}

/// The name the index in `dir` reads the store's change log under: this machine's name and the
/// folder's path, the same across restarts and different for every index sharing a database.
fn reader_name(dir: &Path) -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_owned());
    let path = dir.canonicalize().unwrap_or_else(|_| dir.to_owned());
    format!("{host}:{}", path.display())
}

/// Opens the index and starts the task that owns its writer: it rebuilds the index if it is
/// missing or out of step, then follows the store's changes.
pub fn start(config: &Config, store: Arc<dyn Store>) -> anyhow::Result<SearchIndex> {
    let dir = config.search_index.clone();
    let (search, opened) = open(&dir)?;
    if let Opened::Rebuild { reason } = &opened {
        tracing::info!(%reason, "the search index will be rebuilt in the background");
    }
    let indexer = Indexer::new(&search, store, reader_name(&dir)).with_context(|| {
        format!(
            "cannot write the search index in {} (does another witan serve use it? Each process \
             sharing a database needs its own data folder or search_index)",
            dir.display()
        )
    })?;
    tokio::spawn(indexer.run(opened, FOLLOW_EVERY));
    Ok(search)
}

#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `witan reindex`: rebuilds the index from the store, with a progress bar.
pub async fn reindex(config_file: Option<&Path>, args: ReindexArgs) -> anyhow::Result<()> {
    let config = Config::load(config_file, &args.store)?;
    let store = config.open_store().await?;
    let dir = config.search_index.clone();
    let (search, _) = open(&dir)?;
    let mut indexer = Indexer::new(&search, store, reader_name(&dir)).with_context(|| {
        format!(
            "cannot write the search index in {} (is witan serve running on it?)",
            dir.display()
        )
    })?;
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:30}] {pos}/{len} records ({per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let done = indexer
        .rebuild(&mut |p| {
            bar.set_length(p.total);
            bar.set_position(p.done);
        })
        .await
        .context("rebuilding the search index")?;
    bar.finish_and_clear();
    eprintln!(
        "indexed {done} records in {:.1} s into {}",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}
