//! `witan export csv --out DIR`: the public registers (decisions, actions, forward plan) as CSV
//! files; `witan export oparl --out DIR`: a static OParl 1.1 dump, the objects the server serves.
//! Both read as the public reads: nothing exempt, nothing of an unpublished agenda.

use crate::config::{Config, StoreArgs};
use anyhow::Context;
use std::path::{Path, PathBuf};
use witan_domain::time;
use witan_store::{ActionFilter, DecisionFilter, Page, PublicStore};

#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// The decisions register, the action tracker and the forward plan as CSV files
    /// (decisions.csv, actions.csv, forward-plan.csv), public records only.
    Csv(CsvArgs),
    /// A complete, static OParl 1.1 dump under DIR/oparl: system.json, then one folder per
    /// object type (body, organization, person, meeting, paper) of list files of up to 500
    /// objects each, the same objects /oparl/v1.1/ serves. Files are embedded in their agenda
    /// items and papers.
    Oparl(OparlArgs),
}

#[derive(Debug, clap::Args)]
pub struct OparlArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The folder to write into; the dump goes to DIR/oparl (an earlier dump there is replaced
    /// once the new one is complete).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The site's public address, used in the objects' ids (default: public_url in witan.toml,
    /// or http:// and the bind address).
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct CsvArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The folder to write the files into (created if missing; files there are replaced).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// Rows read from the store per query.
const PAGE: u32 = Page::MAX_LIMIT;

pub async fn run(config_file: Option<&Path>, command: Command) -> anyhow::Result<()> {
    let args = match command {
        Command::Csv(args) => args,
        Command::Oparl(args) => return oparl(config_file, args).await,
    };
    let config = Config::load(config_file, &args.store)?;
    // Exports are public: they read as the public, through the handle that can do nothing else.
    let store = PublicStore::new(config.open_store().await?);
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join("decisions.csv");
    let mut w = CsvFile::create(&path)?;
    let decisions = decisions(&store, &mut w.csv).await?;
    w.finish()?;
    let path = args.out.join("actions.csv");
    let mut w = CsvFile::create(&path)?;
    let actions = actions(&store, &mut w.csv).await?;
    w.finish()?;
    let path = args.out.join("forward-plan.csv");
    let mut w = CsvFile::create(&path)?;
    let plan = forward_plan(&store, &mut w.csv).await?;
    w.finish()?;
    println!(
        "exported {decisions} decisions, {actions} actions and {plan} forward plan entries to {}",
        args.out.display()
    );
    Ok(())
}

type Csv = csv::Writer<std::fs::File>;

/// Writes one row of cells, each made safe for spreadsheets first ([`spreadsheet_safe`]): every
/// row of every export goes through here, so no text reaches a spreadsheet as a formula.
fn write_row<S: AsRef<str>>(w: &mut Csv, cells: impl IntoIterator<Item = S>) -> csv::Result<()> {
    w.write_record(
        cells
            .into_iter()
            .map(|cell| spreadsheet_safe(cell.as_ref()).into_owned()),
    )
}

/// A cell as a spreadsheet will take it as text: one that starts with `=`, `+`, `-`, `@`, a tab
/// or a carriage return would be read as a formula (`=HYPERLINK(…)` in a decision's title runs
/// when a re-user opens the file), so it gets a leading single quote, as OWASP's guidance on CSV
/// injection advises. A number such as `-3` (clear days before a short-notice decision) is data,
/// not a formula, and stays as it is.
fn spreadsheet_safe(cell: &str) -> std::borrow::Cow<'_, str> {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula && cell.parse::<f64>().is_err() {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// A CSV file written whole: to a temporary name, renamed into place once complete, so a
/// failed export never leaves a half-written file under the real name.
struct CsvFile {
    csv: Csv,
    partial: PathBuf,
    path: PathBuf,
}

impl CsvFile {
    fn create(path: &Path) -> anyhow::Result<Self> {
        let partial = path.with_extension("csv.partial");
        let csv = csv::Writer::from_path(&partial)
            .with_context(|| format!("cannot write {}", partial.display()))?;
        Ok(Self {
            csv,
            partial,
            path: path.to_owned(),
        })
    }

    fn finish(mut self) -> anyhow::Result<()> {
        self.csv
            .flush()
            .with_context(|| format!("cannot write {}", self.partial.display()))?;
        drop(self.csv);
        std::fs::rename(&self.partial, &self.path)
            .with_context(|| format!("cannot write {}", self.path.display()))
    }
}

async fn decisions(store: &PublicStore, w: &mut Csv) -> anyhow::Result<usize> {
    write_row(
        w,
        [
            "id",
            "decided_on",
            "title",
            "committee",
            "key_decision",
            "status",
            "call_in_deadline",
            "meeting",
            "item",
            "text",
        ],
    )?;
    let mut rows = 0;
    loop {
        let page = store
            .decisions(
                &DecisionFilter::default(),
                Page::new(u32::try_from(rows)?, PAGE),
            )
            .await?;
        for d in &page {
            write_row(
                w,
                [
                    d.decision.id.to_string(),
                    d.decision.decided_on.to_string(),
                    d.decision.title.to_string(),
                    d.committee
                        .as_ref()
                        .map(|c| c.name.clone())
                        .unwrap_or_default(),
                    d.decision.key_decision.to_string(),
                    d.decision.status.label().to_owned(),
                    d.decision
                        .call_in
                        .deadline()
                        .map(|x| x.to_string())
                        .unwrap_or_default(),
                    d.meeting
                        .map(|m| format!("/meetings/{m}"))
                        .unwrap_or_default(),
                    d.item_number
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    d.decision.text.to_string(),
                ],
            )?;
        }
        rows += page.len();
        if page.len() < PAGE as usize {
            return Ok(rows);
        }
    }
}

async fn actions(store: &PublicStore, w: &mut Csv) -> anyhow::Result<usize> {
    write_row(
        w,
        [
            "id",
            "raised_on",
            "committee",
            "description",
            "owner",
            "due_on",
            "status",
            "rag",
            "closed_on",
            "meeting",
        ],
    )?;
    let mut rows = 0;
    loop {
        let page = store
            .actions(
                &ActionFilter::default(),
                Page::new(u32::try_from(rows)?, PAGE),
            )
            .await?;
        for a in &page {
            write_row(
                w,
                [
                    a.action.id.to_string(),
                    time::london_date(a.raised_on).to_string(),
                    a.committee.name.clone(),
                    a.action.description.to_string(),
                    a.owner_name.clone().unwrap_or_default(),
                    a.action.due_on.map(|d| d.to_string()).unwrap_or_default(),
                    a.action.status.label().to_owned(),
                    a.action.rag.label().to_owned(),
                    a.action
                        .closed_on
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                    format!("/meetings/{}", a.raised_at),
                ],
            )?;
        }
        rows += page.len();
        if page.len() < PAGE as usize {
            return Ok(rows);
        }
    }
}

async fn forward_plan(store: &PublicStore, w: &mut Csv) -> anyhow::Result<usize> {
    write_row(
        w,
        [
            "id",
            "title",
            "decision_maker",
            "issue",
            "published_on",
            "expected_on",
            "clear_days",
            "short_notice",
        ],
    )?;
    let mut rows = 0;
    loop {
        let page = store
            .forward_plan(
                None,
                chrono::NaiveDate::MIN,
                Page::new(u32::try_from(rows)?, PAGE),
            )
            .await?;
        for f in &page {
            write_row(
                w,
                [
                    f.entry.id.to_string(),
                    f.entry.title.to_string(),
                    f.decision_maker.name.clone(),
                    f.issue_title
                        .as_ref()
                        .map(ToString::to_string)
                        .unwrap_or_default(),
                    f.entry.published_on.to_string(),
                    f.entry.expected_on.to_string(),
                    f.entry.clear_days().to_string(),
                    f.entry.short_notice().to_string(),
                ],
            )?;
        }
        rows += page.len();
        if page.len() < PAGE as usize {
            return Ok(rows);
        }
    }
}

/// Objects per dump file.
const OPARL_FILE: u32 = 500;

async fn oparl(config_file: Option<&Path>, args: OparlArgs) -> anyhow::Result<()> {
    use witan_store::{PublishedKind, Scope, Window};
    let config = Config::load(config_file, &args.store)?;
    let site = match args.public_url {
        Some(url) => crate::config::check_public_url(&url)?,
        None => config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", config.bind)),
    };
    let store = PublicStore::new(config.open_store().await?);
    // The dump is read back by importers, so its Files keep their whole text.
    let objects = witan_web::oparl::Objects {
        store: &store,
        site: &site,
        whole_texts: true,
    };
    let done = args.out.join("oparl");
    let partial = args.out.join("oparl.partial");
    if partial.exists() {
        std::fs::remove_dir_all(&partial)
            .with_context(|| format!("cannot clear {}", partial.display()))?;
    }
    std::fs::create_dir_all(&partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    write_json(&partial.join("system.json"), &objects.system())?;
    let mut summary = Vec::new();
    // What others refer to first, so that the dump imports in folder order too.
    for (folder, kind) in [
        ("body", PublishedKind::Organisation),
        ("organization", PublishedKind::Committee),
        ("person", PublishedKind::Person),
        ("meeting", PublishedKind::Meeting),
        ("paper", PublishedKind::Issue),
    ] {
        let dir = partial.join(folder);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        let (mut after, mut files, mut count) = (0, 0, 0);
        loop {
            let (data, next) = objects
                .objects(
                    kind,
                    Scope::All,
                    &Window::default(),
                    after,
                    OPARL_FILE,
                    false,
                )
                .await
                .map_err(|e| anyhow::anyhow!("reading {folder} objects: {e}"))?;
            if data.is_empty() {
                break;
            }
            files += 1;
            count += data.len();
            write_json(
                &dir.join(format!("{files:06}.json")),
                &serde_json::json!({ "data": data }),
            )?;
            match next {
                Some(next) => after = next,
                None => break,
            }
        }
        summary.push(format!("{count} {folder}"));
    }
    if done.exists() {
        std::fs::remove_dir_all(&done)
            .with_context(|| format!("cannot replace {}", done.display()))?;
    }
    std::fs::rename(&partial, &done).with_context(|| format!("cannot write {}", done.display()))?;
    println!(
        "exported {} to {} (ids under {site}/oparl/v1.1/)",
        summary.join(", "),
        done.display()
    );
    Ok(())
}

fn write_json(path: &Path, value: &serde_json::Value) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut writer = std::io::BufWriter::new(file);
    serde_json::to_writer(&mut writer, value)
        .with_context(|| format!("cannot write {}", path.display()))?;
    std::io::Write::flush(&mut writer).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::spreadsheet_safe;

    #[test]
    fn formulas_are_quoted_and_numbers_and_text_are_not() {
        for formula in [
            "=HYPERLINK(\"https://evil.example\",\"Click\")",
            "+1+1",
            "-1+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "\t=1",
            "\r=1",
        ] {
            assert_eq!(spreadsheet_safe(formula), format!("'{formula}"));
        }
        for plain in ["-3", "12", "Budget 2026-27", "", "a=b", "2026-11-20"] {
            assert_eq!(spreadsheet_safe(plain), plain);
        }
    }
}
