//! `witan import`: brings minutes, OParl and Legistar records into the store, with a progress bar
//! on long runs and a summary of what it did.

use crate::config::{Config, StoreArgs};
use anyhow::Context;
use clap::ValueEnum;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use witan_import::{Format, Options, Report, Tally};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// Decide per file from its name and content.
    Auto,
    /// Published minutes: plain text, HTML, Markdown with front matter.
    Minutes,
    /// OParl 1.0 / 1.1 JSON: objects, list pages, dump folders.
    Oparl,
    /// Legistar Web API JSON: Bodies, Events, EventItems, Matters, MatterHistories, Indexes.
    Legistar,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The format of the files.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: FormatArg,
    /// Read and check everything, report what would happen, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// The organisation imported minutes belong to (minutes rarely name it).
    #[arg(long, value_name = "NAME")]
    pub organisation: Option<String>,
    /// The committee, for minutes that do not name it.
    #[arg(long, value_name = "NAME")]
    pub committee: Option<String>,
    /// Print the summary as JSON on standard output.
    #[arg(long)]
    pub json: bool,
    /// Harvest a live OParl endpoint (its System URL, or a Body list URL) instead of files.
    #[arg(long, value_name = "URL", conflicts_with = "paths")]
    pub url: Option<String>,
    /// With --url: ask only for objects modified since this instant (RFC 3339, e.g.
    /// 2026-01-01T00:00:00Z). By default the time of the last complete harvest of the endpoint.
    #[arg(long, value_name = "INSTANT", requires = "url")]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Files or folders to import.
    #[arg(required_unless_present = "url", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Fetches over HTTP(S) with ureq (rustls), within the importer's size limit.
struct Http(ureq::Agent);

impl Http {
    /// The body of a successful GET, limited to what the importer reads.
    fn body(&self, url: &str, accept: &str) -> Result<ureq::Body, String> {
        let response = self
            .0
            .get(url)
            .header("Accept", accept)
            .call()
            .map_err(|e| e.to_string())?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("the server answered {status}"));
        }
        Ok(response.into_body())
    }
}

impl witan_import::harvest::Fetch for Http {
    fn get(&self, url: &str) -> Result<String, String> {
        self.body(url, "application/json")?
            .with_config()
            .limit(witan_import::MAX_FILE_BYTES)
            .read_to_string()
            .map_err(|e| e.to_string())
    }

    fn get_bytes(&self, url: &str) -> Result<Vec<u8>, String> {
        self.body(url, "*/*")?
            .with_config()
            .limit(witan_import::MAX_FILE_BYTES)
            .read_to_vec()
            .map_err(|e| e.to_string())
    }
}

pub async fn run(config_file: Option<&Path>, args: Args) -> anyhow::Result<()> {
    let config = Config::load(config_file, &args.store)?;
    let store = config.open_store().await?;
    let options = Options {
        format: match args.format {
            FormatArg::Auto => None,
            FormatArg::Minutes => Some(Format::Minutes),
            FormatArg::Oparl => Some(Format::Oparl),
            FormatArg::Legistar => Some(Format::Legistar),
        },
        organisation: args.organisation,
        committee: args.committee,
        dry_run: args.dry_run,
        today: chrono::Utc::now().date_naive(),
        // Reports beside a dump or harvested are read by child processes under limits; an
        // import has no one waiting on each page, so a report waits longer for a free reader.
        extractor: crate::extract::subprocess(witan_import::extract::Limits {
            queue_wait: std::time::Duration::from_secs(600),
            ..Default::default()
        })?,
    };
    let bar = indicatif::ProgressBar::new(0).with_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} importing [{bar:30}] {pos}/{len} files ({per_sec}, {eta} left) {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = std::time::Instant::now();
    let mut progress = |done: usize, total: usize, file: &Path| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
        bar.set_message(
            file.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
    };
    let report = match &args.url {
        Some(url) => {
            let agent = ureq::Agent::new_with_config(
                ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(std::time::Duration::from_secs(60)))
                    .user_agent(concat!("witan/", env!("CARGO_PKG_VERSION")))
                    .build(),
            );
            let target = witan_import::harvest::Harvest {
                url: url.clone(),
                since: args.since,
                now: chrono::Utc::now(),
            };
            witan_import::harvest::harvest(
                store.as_ref(),
                &Http(agent),
                &target,
                &options,
                &mut progress,
            )
            .await
            .context("harvesting")?
        }
        None => witan_import::run(store.as_ref(), &args.paths, &options, &mut progress)
            .await
            .context("importing")?,
    };
    bar.finish_and_clear();
    if !args.dry_run {
        store
            .refresh_statistics()
            .await
            .context("refreshing the database's statistics")?;
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        eprint!(
            "{}",
            summary(&report, args.dry_run, started.elapsed().as_secs_f64())
        );
    }
    if report.files == 0 && report.failed.is_empty() {
        anyhow::bail!("no importable files in the paths given");
    }
    if !report.failed.is_empty() {
        // The others landed; the exit status tells a script that not everything did.
        anyhow::bail!(
            "{} files or pages were not imported (reasons above); the others were",
            report.failed.len()
        );
    }
    Ok(())
}

/// Notes printed in the summary; `--json` has all of them.
const NOTES_SHOWN: usize = 20;

fn counts(map: &std::collections::BTreeMap<&'static str, u64>) -> String {
    if map.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = map.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
    format!(" ({})", parts.join(", "))
}

/// The summary printed at the end: created, updated, unchanged, rejected with reasons.
pub fn summary(report: &Report, dry_run: bool, seconds: f64) -> String {
    let t: &Tally = &report.tally;
    let mut out = String::new();
    let verb = if dry_run { "would import" } else { "imported" };
    let _ = writeln!(
        out,
        "{verb} {} files in {seconds:.1} s{}",
        report.files,
        if dry_run {
            " (dry run: nothing was written)"
        } else {
            ""
        }
    );
    for (label, map) in [
        ("created", &t.created),
        ("updated", &t.updated),
        ("unchanged", &t.unchanged),
    ] {
        let _ = writeln!(out, "  {label:<10}{}{}", Tally::total(map), counts(map));
    }
    let _ = writeln!(
        out,
        "  {:<10}{} records, {} files",
        "rejected",
        t.rejected.len(),
        report.failed.len()
    );
    for problem in report.failed.iter().chain(&t.rejected) {
        let _ = writeln!(out, "    {}: {}", problem.at, problem.message);
    }
    if !t.notes.is_empty() {
        let _ = writeln!(
            out,
            "  {:<10}{} (taken in without a link, or read and not kept)",
            "notes",
            t.notes.len()
        );
        for note in t.notes.iter().take(NOTES_SHOWN) {
            let _ = writeln!(out, "    {}: {}", note.at, note.message);
        }
        if t.notes.len() > NOTES_SHOWN {
            let _ = writeln!(
                out,
                "    … and {} more (--json lists them all)",
                t.notes.len() - NOTES_SHOWN
            );
        }
    }
    if !report.skipped.is_empty() {
        let _ = writeln!(
            out,
            "  {:<10}{} files hold no format witan reads: {}",
            "skipped",
            report.skipped.len(),
            report.skipped.join(", ")
        );
    }
    out
}
