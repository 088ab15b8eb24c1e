//! Importers: bring existing records into witan from the formats public bodies publish.
//!
//! Data flows one way: a source file is read (with size limits) → a parser for its format turns
//! it into a [`model::Batch`] of drafts under source keys → [`Applier`] writes the batch in one
//! unit of work, creating, updating in place or leaving alone each record according to what the
//! store remembers of its source (`import_sources`). A file is atomic: it lands whole or, if the
//! store refuses it, not at all; a single record that does not validate is rejected with its
//! location and the rest of its file still lands.

#[cfg(feature = "store")]
mod apply;
pub mod documents;
pub mod extract;
#[cfg(feature = "store")]
pub mod harvest;
pub mod legistar;
pub mod minutes;
pub mod model;
pub mod oparl;
#[cfg(feature = "store")]
mod run;
pub mod scope;
pub mod text;

#[cfg(feature = "store")]
pub use apply::{Applier, Tally};
pub use model::Problem;
#[cfg(feature = "store")]
pub use run::{Report, run};

use chrono::NaiveDate;
use std::path::{Path, PathBuf};

/// Files larger than this are refused unread (the largest real OParl page in the test material
/// is 0.3 MB; a year of a council's minutes fits many times over).
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
/// Folders are walked at most this deep.
pub const MAX_FOLDER_DEPTH: usize = 16;

/// A source format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Minutes,
    Oparl,
    Legistar,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct Options {
    /// `None` detects each file's format.
    pub format: Option<Format>,
    /// The organisation minutes belong to (minutes rarely name it).
    pub organisation: Option<String>,
    /// The committee, for layouts that do not name it.
    pub committee: Option<String>,
    /// Parse and check everything, write nothing.
    pub dry_run: bool,
    /// The date a correction to signed-off minutes is signed off on.
    pub today: NaiveDate,
    /// How the text of report documents (beside a dump, or harvested) is read.
    pub extractor: extract::Extractor,
}

/// A file, or a place in it, that could not be read, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{at}: {message}")]
pub struct ImportError {
    /// "line 12", "/data/3", or empty for the file as a whole.
    pub at: String,
    pub message: String,
    /// The file holds no records of the format at all (a text that is not minutes): a folder
    /// import skips it instead of failing it.
    pub no_records: bool,
}

impl ImportError {
    pub fn at(at: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            at: at.into(),
            message: message.into(),
            no_records: false,
        }
    }

    pub fn no_records(at: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            no_records: true,
            ..Self::at(at, message)
        }
    }

    fn whole(message: impl Into<String>) -> Self {
        Self::at("", message)
    }
}

/// The files named by `paths`: files as given, folders walked in name order (hidden entries
/// skipped). A path that does not exist is an error.
pub fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ImportError> {
    fn walk(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) -> Result<(), ImportError> {
        if depth > MAX_FOLDER_DEPTH {
            return Err(ImportError::whole(format!(
                "{}: folders nest deeper than {MAX_FOLDER_DEPTH} levels",
                dir.display()
            )));
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| ImportError::whole(format!("{}: {e}", dir.display())))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                !p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('.'))
            })
            .collect();
        entries.sort();
        for entry in entries {
            if entry.is_dir() {
                walk(&entry, depth + 1, out)?;
            } else {
                out.push(entry);
            }
        }
        Ok(())
    }
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, 0, &mut files)?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(ImportError::whole(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    Ok(files)
}

/// The format of a file from its name and first bytes; `None` if it holds no records witan reads
/// (a licence text, an image).
pub fn detect(path: &Path, head: &[u8]) -> Option<Format> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if name.starts_with("license") || name.starts_with("licence") || name.starts_with("readme") {
        return None;
    }
    let head = String::from_utf8_lossy(&head[..head.len().min(HEAD_BYTES)]);
    match ext.as_str() {
        "html" | "htm" if legistar::looks_like_calendar(&head) => Some(Format::Legistar),
        "txt" | "md" | "markdown" | "html" | "htm" => Some(Format::Minutes),
        "json" if oparl::looks_like(&head) => Some(Format::Oparl),
        "json" if legistar::looks_like(&head) => Some(Format::Legistar),
        _ => None,
    }
}

/// Reads a file as UTF-8 text within [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, ImportError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ImportError::whole(e.to_string()))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(ImportError::whole(format!(
            "the file is {size} bytes; the importer reads files of at most {MAX_FILE_BYTES} bytes"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::whole(e.to_string()))?;
    utf8(bytes)
}

/// Bytes as UTF-8 text, or where they stop being it.
fn utf8(bytes: Vec<u8>) -> Result<String, ImportError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ImportError::at(
            format!("line {line}"),
            format!("the file is not UTF-8 text (invalid byte at offset {at})"),
        )
    })
}

/// Progress of a run: files done of files in all.
pub trait Progress {
    fn file_done(&mut self, done: usize, total: usize, file: &Path);
}

impl<F: FnMut(usize, usize, &Path)> Progress for F {
    fn file_done(&mut self, done: usize, total: usize, file: &Path) {
        self(done, total, file)
    }
}

/// What format detection looks at: a file's first 64 KiB.
const HEAD_BYTES: usize = 64 * 1024;
