//! `witan demo`: fills an empty store with the generated demo records.

use crate::config::{Config, StoreArgs};
use anyhow::{Context, bail};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;
use witan_store::Store;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// About how many agenda items to generate.
    #[arg(long, default_value_t = witan_demo::Options::default().items, value_name = "N")]
    pub items: u64,
    /// The seed: the same seed gives the same store.
    #[arg(long, default_value_t = witan_demo::Options::default().seed, value_name = "S")]
    pub seed: u64,
}

pub async fn run(config_file: Option<&Path>, args: Args) -> anyhow::Result<()> {
    let config = Config::load(config_file, &args.store)?;
    let store = config.open_store().await?;
    let options = witan_demo::Options {
        items: args.items,
        seed: args.seed,
    };
    fill(&store, options, &config).await
}

/// Generates the demo into `store`, which must be empty.
pub async fn fill(
    store: &Arc<dyn Store>,
    options: witan_demo::Options,
    config: &Config,
) -> anyhow::Result<()> {
    let before = store.counts().await?;
    if before.meetings > 0 || before.organisations > 0 {
        bail!(
            "{} already holds records ({} meetings); the demo fills an empty store only",
            config.database_url_redacted(),
            before.meetings
        );
    }
    let started = Instant::now();
    let mut last_report = Instant::now();
    let mut progress = |items: u64| {
        if last_report.elapsed().as_secs() >= 2 {
            last_report = Instant::now();
            eprintln!(
                "demo: {items} agenda items written ({:.0?})",
                started.elapsed()
            );
        }
    };
    let counts = witan_demo::generate(store.as_ref(), options, &mut progress).await?;
    store
        .refresh_statistics()
        .await
        .context("refreshing the database's statistics")?;
    eprintln!(
        "demo: {} organisations, {} committees, {} people, {} meetings, {} agenda items, {} issues, \
         {} documents, {} decisions, {} actions, {} escalations in {:.1?}",
        counts.organisations,
        counts.committees,
        counts.people,
        counts.meetings,
        counts.agenda_items,
        counts.issues,
        counts.documents,
        counts.decisions,
        counts.actions,
        counts.escalations,
        started.elapsed()
    );
    Ok(())
}
