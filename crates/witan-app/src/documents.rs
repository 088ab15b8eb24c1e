//! Documents a clerk uploads: checked (size, type), hashed, their text read for search (by the
//! workspace's extractor, which bounds memory and time; a document whose text cannot be read is
//! kept without it, and the clerk is told why), the file kept under its digest in the files
//! folder, and the record written with an audit entry.
//!
//! The file is written before the record: a file without a record is harmless (the same upload
//! again reuses it), a record without its file would not be.

use crate::{Actor, Error, Result, Workspace, audit};
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use witan_domain::{
    Document, DocumentId, ItemId, MediaType, Sha256, Text, Title, ValidationError, Visibility,
};
use witan_import::extract::Unread;

/// The largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

/// What can be uploaded: PDF, Word (DOCX), OpenDocument text and plain UTF-8 text, judged by the
/// file's first bytes and its name together, so a renamed program is refused.
fn media_type(name: &str, bytes: &[u8]) -> Result<&'static str, ValidationError> {
    let lower = name.to_ascii_lowercase();
    let zip = bytes.starts_with(b"PK\x03\x04");
    let kind = if bytes.starts_with(b"%PDF-") && lower.ends_with(".pdf") {
        "application/pdf"
    } else if zip && lower.ends_with(".docx") {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    } else if zip && lower.ends_with(".odt") {
        "application/vnd.oasis.opendocument.text"
    } else if lower.ends_with(".txt") && std::str::from_utf8(bytes).is_ok() {
        "text/plain"
    } else {
        return Err(ValidationError::new(
            "file",
            "the file must be a PDF, a Word document (.docx), an OpenDocument text (.odt) or plain text (.txt)",
        ));
    };
    Ok(kind)
}

/// Where the file with this digest is kept: `FILES/ab/abcdef…`.
pub fn file_path(files: &Path, sha256: &str) -> PathBuf {
    files.join(&sha256[..2.min(sha256.len())]).join(sha256)
}

/// A document attached: its id, and why its text was not read, if it was not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub id: DocumentId,
    /// The document is kept without text (search will not find its words) for this reason.
    pub unread: Option<Unread>,
}

/// An uploaded file as the form gives it.
#[derive(Debug, Clone)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// The name shown on the agenda; the file's name when empty.
    pub title: Option<Title>,
    pub visibility: Visibility,
}

impl Workspace {
    /// Attaches an uploaded document to an agenda item.
    pub async fn attach_document(
        &self,
        actor: &Actor,
        item: ItemId,
        upload: Upload,
        now: DateTime<Utc>,
    ) -> Result<Attached> {
        self.item_for_edit(actor, item).await?;
        let (Some(files), Some(extractor)) = (self.files.clone(), self.extractor.clone()) else {
            return Err(Error::Internal("this server keeps no files folder".into()));
        };
        if upload.bytes.is_empty() {
            return Err(ValidationError::new("file", "choose a file to upload").into());
        }
        if upload.bytes.len() > MAX_UPLOAD_BYTES {
            return Err(ValidationError::new(
                "file",
                format!(
                    "the file is {}; the largest accepted is {}",
                    witan_domain::human_size(upload.bytes.len() as u64),
                    witan_domain::human_size(MAX_UPLOAD_BYTES as u64)
                ),
            )
            .into());
        }
        let kind = media_type(&upload.file_name, &upload.bytes)?;
        let title = match upload.title {
            Some(title) => title,
            None => Title::parse("title", &upload.file_name)?,
        };
        let bytes = upload.bytes;
        let size_bytes = bytes.len() as u64;
        // Reading text waits for a reader and then for the child process: off the async
        // threads. The file is kept whatever became of its text.
        let (sha256, text, kept) = tokio::task::spawn_blocking(move || {
            let sha256 = witan_import::documents::sha256_hex(&bytes);
            let text = extractor.text(kind, &bytes);
            let path = file_path(&files, &sha256);
            let kept = keep_file(&path, &bytes)
                .map_err(|e| Error::Internal(format!("keeping {}: {e}", path.display())));
            (sha256, text, kept)
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        kept?;
        let (text, unread) = match text {
            Ok(text) => (text, None),
            Err(unread) => {
                tracing::warn!(%unread, sha256, "an uploaded document is kept without its text");
                (String::new(), Some(unread))
            }
        };
        let document = Document {
            item: Some(item),
            issue: None,
            name: title,
            media_type: MediaType::parse("media_type", kind)?,
            size_bytes,
            sha256: Some(Sha256::parse("sha256", &sha256)?),
            text: Text::parse("text", &text)?,
            visibility: upload.visibility,
        };
        let mut w = self.store.begin().await?;
        let id = w.create_document(&document).await?;
        let mut shown = document.clone();
        shown.text = Text::default();
        audit(
            w.as_mut(),
            actor,
            now,
            "upload document",
            ("document", id.get()),
            None,
            Some(&shown),
        )
        .await?;
        w.commit().await?;
        Ok(Attached { id, unread })
    }
}

impl Workspace {
    /// Makes an exempt document public; who released it and when is in the audit log. A
    /// document of an item is released by the item's committee's clerks, one of an issue alone
    /// by an admin.
    pub async fn release_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let before = self
            .store
            .document(id, witan_domain::Audience::Privileged)
            .await?;
        match before.item {
            Some(item) => {
                self.item_for_edit(actor, item).await?;
            }
            None if actor.is_admin() => {}
            None => return Err(Error::Denied),
        }
        if !before.visibility.is_exempt() {
            return Err(
                witan_domain::RuleError::Other("this document is already public".into()).into(),
            );
        }
        let after = Document {
            visibility: Visibility::Public,
            ..before.record.clone()
        };
        let mut w = self.store.begin().await?;
        w.replace(id.get(), witan_store::Replacement::Document(&after))
            .await?;
        let shown = |d: &Document| Document {
            text: Text::default(),
            ..d.clone()
        };
        audit(
            w.as_mut(),
            actor,
            now,
            "release exempt document",
            ("document", id.get()),
            Some(&shown(&before.record)),
            Some(&shown(&after)),
        )
        .await?;
        w.commit().await?;
        Ok(())
    }
}

/// Keeps a file at `path` whole, unless a file is there already (files are named by their
/// digest, so it holds the same bytes). The bytes go to a temporary file of a name of its own
/// beside it, synced, then renamed into place: two uploads of one file at once each write their
/// own and the second rename replaces like with like, and a reader never sees half a file.
fn keep_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if path.is_file() {
        return Ok(());
    }
    let folder = path
        .parent()
        .ok_or_else(|| std::io::Error::other("a file path without a folder"))?;
    std::fs::create_dir_all(folder)?;
    let mut partial = tempfile::Builder::new()
        .prefix(".partial-")
        .tempfile_in(folder)?;
    partial.write_all(bytes)?;
    partial.as_file().sync_all()?;
    partial.persist(path).map_err(|e| e.error)?;
    Ok(())
}
