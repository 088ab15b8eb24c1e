//! A run: files read and parsed on every core, then applied in order, in groups, each in a unit
//! of work of the store (the part of the importer that needs one: feature `store`).

use crate::apply::{self, Applier, Tally};
use crate::model::{self, Problem};
use crate::{
    Format, HEAD_BYTES, ImportError, MAX_FILE_BYTES, Options, Progress, collect_files, detect,
    legistar, minutes, oparl, read_text, utf8,
};
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use witan_store::{Store, StoreError};

/// Files applied in one unit of work, at most (a failing group is applied again file by file).
const GROUP_FILES: usize = 500;
/// Records applied in one unit of work, at most, unless one file holds more.
const GROUP_RECORDS: usize = 50_000;

/// What a run did.
#[derive(Debug, Default, serde::Serialize)]
pub struct Report {
    pub files: u64,
    /// Files that were rejected as a whole (nothing of them was written).
    pub failed: Vec<Problem>,
    /// Files in the folders given that hold no format witan reads (licences, images …).
    pub skipped: Vec<String>,
    pub tally: Tally,
}

/// A parsed file and where it goes in the order of the run.
pub(crate) struct Loaded {
    pub(crate) path: PathBuf,
    pub(crate) batch: model::Batch,
    pub(crate) order: (u8, Option<model::Key>, Option<NaiveDate>),
}

/// Reads the first [`HEAD_BYTES`] of a file, for format detection.
fn head(path: &Path) -> Vec<u8> {
    use std::io::Read;
    let mut buffer = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        let _ = file.take(HEAD_BYTES as u64).read_to_end(&mut buffer);
    }
    buffer
}

/// What reading one file came to.
enum Read {
    Skipped(Option<String>),
    Failed(ImportError),
    Minutes(Box<minutes::Parsed>),
    Batch(model::Batch, u8),
}

/// Reads and parses one file.
fn read_one(path: &Path, options: &Options) -> Read {
    // A file within the size limit is read once, for detection and parsing; any other only as
    // far as detection needs, and read_text then says why it is refused.
    let bytes = match std::fs::metadata(path) {
        Ok(m) if m.len() <= MAX_FILE_BYTES => std::fs::read(path).ok(),
        _ => None,
    };
    let format = options.format.or_else(|| match &bytes {
        Some(bytes) => detect(path, &bytes[..bytes.len().min(HEAD_BYTES)]),
        None => detect(path, &head(path)),
    });
    let Some(format) = format else {
        return Read::Skipped(None);
    };
    let text = match bytes.map_or_else(|| read_text(path), utf8) {
        Ok(text) => text,
        Err(e) => return Read::Failed(e),
    };
    let result = match format {
        Format::Minutes => minutes::parse(&text, options).map(|p| Read::Minutes(Box::new(p))),
        Format::Oparl => oparl::parse(&text, path.parent(), options)
            .map(|batch| Read::Batch(batch, oparl::rank(&text))),
        Format::Legistar => {
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy())
                .unwrap_or_default();
            let parsed = if text.trim_start().starts_with('[') {
                legistar::parse(&text, &stem, options)
            } else {
                legistar::parse_calendar(&text, options)
            };
            parsed.map(|batch| Read::Batch(batch, legistar::rank(&text)))
        }
    };
    match result {
        Ok(read) => read,
        Err(e) if e.no_records && options.format.is_none() => Read::Skipped(Some(e.message)),
        Err(e) => Read::Failed(e),
    }
}

/// Reads and parses files on every core (parsing is pure, and most of a folder import of small
/// files), in the order given.
fn read_all(files: &[PathBuf], options: &Options) -> Vec<Read> {
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 8);
    let chunk = files.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                let worker = scope.spawn(move || {
                    part.iter()
                        .map(|path| read_one(path, options))
                        .collect::<Vec<_>>()
                });
                (part.len(), worker)
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|(len, worker)| {
                worker.join().unwrap_or_else(|_| {
                    (0..len)
                        .map(|_| {
                            Read::Failed(ImportError::whole(
                                "a parser stopped unexpectedly while reading these files",
                            ))
                        })
                        .collect()
                })
            })
            .collect()
    })
}

/// Imports every file `paths` names.
pub async fn run(
    store: &dyn Store,
    paths: &[PathBuf],
    options: &Options,
    progress: &mut dyn Progress,
) -> Result<Report, StoreError> {
    let files = collect_files(paths).map_err(|e| StoreError::Conflict(e.message))?;
    let mut report = Report::default();
    let mut minutes: Vec<(PathBuf, minutes::Parsed)> = Vec::new();
    let mut loaded: Vec<Loaded> = Vec::new();
    for (path, outcome) in files.iter().zip(read_all(&files, options)) {
        match outcome {
            Read::Skipped(reason) => report.skipped.push(match reason {
                Some(reason) => format!("{} ({reason})", display(path)),
                None => display(path),
            }),
            Read::Failed(e) => report.failed.push(file_problem(path, &e)),
            Read::Minutes(p) => minutes.push((path.clone(), *p)),
            Read::Batch(batch, rank) => loaded.push(Loaded {
                path: path.clone(),
                batch,
                order: (rank, None, None),
            }),
        }
    }
    {
        let mut refs: Vec<&mut minutes::Parsed> = minutes.iter_mut().map(|(_, p)| p).collect();
        minutes::link_carried_actions(&mut refs);
    }
    // Minutes after what OParl bodies and committees they may name; earlier meetings first, so
    // that an action carried to a later meeting exists before the update that reports on it.
    loaded.extend(minutes.into_iter().map(|(path, p)| Loaded {
        path,
        order: (10, p.committee, p.meeting.map(|(_, d)| d)),
        batch: p.batch,
    }));
    loaded.sort_by(|a, b| (&a.order, &a.path).cmp(&(&b.order, &b.path)));
    apply_loaded(store, loaded, options, progress, &mut report).await?;
    Ok(report)
}

/// Applies parsed files in the order given, in groups, into `report`.
async fn apply_loaded(
    store: &dyn Store,
    loaded: Vec<Loaded>,
    options: &Options,
    progress: &mut dyn Progress,
    report: &mut Report,
) -> Result<(), StoreError> {
    let total = loaded.len();
    let mut sink = Sink::new(store, options).await?;
    sink.apply(loaded, Some(total), progress, report).await
}

/// Applies parsed files as they come, in groups, into a report: a folder import hands it every
/// file at once, a harvest one page at a time, so that no more than a page is held. A dry run
/// applies everything in one unit of work that is never committed, so that a later page still
/// finds what an earlier one would have created.
pub(crate) struct Sink<'a> {
    applier: Applier<'a>,
    dry_writer: Option<Box<dyn witan_store::Writer>>,
    options: &'a Options,
    /// Files applied so far.
    done: usize,
    /// A dry run stops at its first failing file (its unit of work is then spoilt).
    stopped: bool,
}

impl<'a> Sink<'a> {
    pub(crate) async fn new(
        store: &'a dyn Store,
        options: &'a Options,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            applier: Applier::new(store, options.today).await?,
            dry_writer: if options.dry_run {
                Some(store.begin().await?)
            } else {
                None
            },
            options,
            done: 0,
            stopped: false,
        })
    }

    /// Applies `loaded` in the order given; `total` is the number of files of the whole run
    /// where it is known, for the progress bar.
    pub(crate) async fn apply(
        &mut self,
        mut loaded: Vec<Loaded>,
        total: Option<usize>,
        progress: &mut dyn Progress,
        report: &mut Report,
    ) -> Result<(), StoreError> {
        if self.stopped {
            return Ok(());
        }
        unify_shared_records(loaded.iter_mut().map(|l| &mut l.batch));
        let dry_run = self.options.dry_run;
        let count = loaded.len();
        let names: Vec<String> = loaded.iter().map(|l| display(&l.path)).collect();
        let mut start = 0;
        while start < count {
            // A group of files shares a unit of work; a dry run goes file by file (in its one
            // unit of work) so that a failure is the file's own.
            let mut end = start + 1;
            let mut records = loaded[start].batch.records.len();
            while !dry_run
                && end < count
                && end - start < GROUP_FILES
                && records + loaded[end].batch.records.len() <= GROUP_RECORDS
            {
                records += loaded[end].batch.records.len();
                end += 1;
            }
            let group: Vec<(&str, &model::Batch)> = (start..end)
                .map(|i| (names[i].as_str(), &loaded[i].batch))
                .collect();
            let results = match self.dry_writer.as_mut() {
                Some(w) => vec![
                    self.applier
                        .apply_within(&group, w.as_mut())
                        .await
                        .map(|mut t| t.pop().unwrap_or_default()),
                ],
                None => self.applier.apply_files(&group).await,
            };
            for (i, result) in (start..end).zip(results) {
                match result {
                    Ok(tally) => report.tally.add(tally),
                    Err(e) => {
                        report.failed.push(Problem {
                            at: names[i].clone(),
                            message: format!("nothing of this file was imported: {e}"),
                        });
                        self.stopped = dry_run;
                    }
                }
                report.files += 1;
                self.done += 1;
                progress.file_done(self.done, total.unwrap_or(self.done), &loaded[i].path);
            }
            if self.stopped {
                break;
            }
            start = end;
        }
        Ok(())
    }
}

/// A record several files describe (the committee every set of minutes names, a person at many
/// meetings) is written as the last of them describes it, so that the files agree and a second
/// run finds everything unchanged.
fn unify_shared_records<'a>(batches: impl Iterator<Item = &'a mut model::Batch>) {
    let mut batches: Vec<&mut model::Batch> = batches.collect();
    // Where each key is last described, and how often: only keys described more than once are
    // rewritten (cloning every record would double an import's allocations).
    let mut last: std::collections::HashMap<&model::Key, ((usize, usize), u32)> =
        Default::default();
    for (b, batch) in batches.iter().enumerate() {
        for (r, record) in batch.records.iter().enumerate() {
            let entry = last.entry(record.draft.key()).or_insert(((b, r), 0));
            *entry = ((b, r), entry.1 + 1);
        }
    }
    let shared: std::collections::HashMap<model::Key, model::Draft> = last
        .into_iter()
        .filter(|(_, (_, count))| *count > 1)
        .map(|(key, ((b, r), _))| (key.clone(), batches[b].records[r].draft.clone()))
        .collect();
    if shared.is_empty() {
        return;
    }
    for batch in &mut batches {
        for record in &mut batch.records {
            if let Some(latest) = shared.get(record.draft.key()) {
                record.draft = latest.clone();
            }
        }
    }
}

fn file_problem(path: &Path, e: &ImportError) -> Problem {
    apply::problem(&display(path), &e.at, &e.message)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
