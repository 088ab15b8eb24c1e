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
    /// witan fetches only from this URL's origin (scheme, host and port) and from the hosts
    /// allowed with --allow-host, follows at most 5 redirects, each checked again, and connects
    /// to no loopback, private, link-local or other non-public address, unless the URL gives the
    /// address itself or the host is allowed with --allow-host.
    #[arg(long, value_name = "URL", conflicts_with = "paths")]
    pub url: Option<String>,
    /// With --url: also fetch from this host (report files on another server), whatever its
    /// addresses, so also a server on your own network or this machine (--allow-host
    /// 127.0.0.1:8080). HOST alone means its ports 80 and 443; an IPv6 address in brackets,
    /// [::1]:8080. Repeat for more hosts.
    #[arg(long, value_name = "HOST[:PORT]", requires = "url")]
    pub allow_host: Vec<witan_import::scope::AllowedHost>,
    /// With --url: ask only for objects modified since this instant (RFC 3339, e.g.
    /// 2026-01-01T00:00:00Z). By default the time of the last complete harvest of the endpoint.
    #[arg(long, value_name = "INSTANT", requires = "url")]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Files or folders to import.
    #[arg(required_unless_present = "url", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// Fetches over HTTP(S) with ureq (rustls), one hop at a time (the harvest follows redirects
/// itself), connecting only to the addresses [`Guard`] kept.
struct Http(ureq::Agent);

impl Http {
    fn new(scope: witan_import::scope::Scope) -> Self {
        use std::time::Duration;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            // A proxy would resolve the host itself, past the address rule.
            .proxy(None)
            .timeout_resolve(Some(Duration::from_secs(10)))
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(30)))
            .timeout_global(Some(Duration::from_secs(120)))
            .user_agent(concat!("witan/", env!("CARGO_PKG_VERSION")))
            .build();
        Self(ureq::Agent::with_parts(
            config,
            ureq::unversioned::transport::DefaultConnector::default(),
            Guard {
                scope,
                resolver: ureq::unversioned::resolver::DefaultResolver::default(),
            },
        ))
    }
}

/// Resolves a host and keeps only the addresses the harvest's address rule allows, so that the
/// connection goes to an address that was checked (a second look-up could be answered
/// differently by a rebinding DNS server). ureq asks it for every new connection.
#[derive(Debug)]
struct Guard {
    scope: witan_import::scope::Scope,
    resolver: ureq::unversioned::resolver::DefaultResolver,
}

impl ureq::unversioned::resolver::Resolver for Guard {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<ureq::unversioned::resolver::ResolvedSocketAddrs, ureq::Error> {
        let refused = |refusal: witan_import::scope::Refusal| {
            ureq::Error::Io(std::io::Error::new(
                std::io::ErrorKind::PermissionDenied,
                refusal,
            ))
        };
        let url = uri.to_string();
        let scheme = uri.scheme_str().unwrap_or_default();
        let host = uri.host().unwrap_or_default();
        let port = uri
            .port_u16()
            .unwrap_or(if scheme == "https" { 443 } else { 80 });
        let rule = self
            .scope
            .address_rule(&url, scheme, host, port)
            .map_err(refused)?;
        let resolved = self.resolver.resolve(uri, config, timeout)?;
        let kept = rule.keep(&url, host, &resolved).map_err(refused)?;
        let mut addresses = self.resolver.empty();
        for address in kept {
            addresses.push(address);
        }
        Ok(addresses)
    }
}

impl witan_import::harvest::Fetch for Http {
    fn get(
        &self,
        url: &witan_import::scope::Permitted,
        accept: &str,
        limit: u64,
    ) -> Result<witan_import::harvest::Answer, witan_import::harvest::FetchError> {
        use witan_import::harvest::{Answer, FetchError};
        let failed = |e: ureq::Error| match e {
            ureq::Error::Io(e)
                if e.get_ref()
                    .is_some_and(|e| e.is::<witan_import::scope::Refusal>()) =>
            {
                match e
                    .into_inner()
                    .and_then(|e| e.downcast::<witan_import::scope::Refusal>().ok())
                {
                    Some(refusal) => FetchError::Refused(*refusal),
                    None => FetchError::Failed("refused".to_owned()),
                }
            }
            ureq::Error::BodyExceedsLimit(_) => {
                FetchError::Failed(format!("the answer is larger than {limit} bytes"))
            }
            e => FetchError::Failed(e.to_string()),
        };
        let response = self
            .0
            .get(url.as_str())
            .header("Accept", accept)
            .call()
            .map_err(failed)?;
        let status = response.status();
        if status.is_redirection() {
            return match response
                .headers()
                .get("location")
                .and_then(|l| l.to_str().ok())
            {
                Some(location) => Ok(Answer::Redirect {
                    location: location.to_owned(),
                }),
                None => Err(FetchError::Failed(format!(
                    "the server answered {status} without a Location"
                ))),
            };
        }
        if !status.is_success() {
            return Err(FetchError::Failed(format!("the server answered {status}")));
        }
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .map(str::to_owned);
        let bytes = response
            .into_body()
            .with_config()
            .limit(limit)
            .read_to_vec()
            .map_err(failed)?;
        Ok(Answer::Body {
            content_type,
            bytes,
        })
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
            let target = witan_import::harvest::Harvest {
                url: url.clone(),
                allowed: args.allow_host.clone(),
                since: args.since,
                now: chrono::Utc::now(),
            };
            let scope = witan_import::scope::Scope::new(url, &args.allow_host)
                .map_err(|refusal| anyhow::anyhow!("{refusal}"))?;
            witan_import::harvest::harvest(
                store.as_ref(),
                &Http::new(scope),
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
