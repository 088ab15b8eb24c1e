//! Text from report documents, for search: PDF (pdf-extract, over lopdf), DOCX and ODT (both are
//! zip archives of XML: the zip crate, with only deflate, and quick-xml reading the one entry that
//! holds the body text).
//!
//! The readers here run in whichever process calls them; files from outside reach them through
//! an [`Extractor`](crate::extract::Extractor), which runs them in a child process under limits
//! of memory and time. Within them, hostile files are bounded too: the archive entry is read
//! through a limit, so a zip bomb stops at [`MAX_XML_BYTES`]; a PDF the library cannot parse (or
//! panics on) is an error for that document; the text kept is capped at [`MAX_TEXT_CHARS`].

use crate::extract::{Extractor, Unread};
use sha2::{Digest, Sha256};
use std::io::Read;

/// The most an archive's XML may expand to.
pub const MAX_XML_BYTES: u64 = 16 * 1024 * 1024;
/// The most text kept from one document, in bytes (what a record's text holds).
pub const MAX_TEXT_CHARS: usize = 1_000_000;

const PDF: &str = "application/pdf";
const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const ODT: &str = "application/vnd.oasis.opendocument.text";

/// A document file as read: its bytes, digest and media type. Its text is read on request
/// ([`DocumentFile::text`]), since a record may carry its text already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentFile {
    pub bytes: Vec<u8>,
    pub sha256: String,
    pub media_type: &'static str,
}

impl DocumentFile {
    /// A fetched file whose media type was decided from its bytes and the server's answer
    /// ([`fetched_media_type`]); a type witan reads no text from is read as none.
    pub fn typed(media_type: &str, bytes: Vec<u8>) -> Self {
        let media_type = match media_type {
            PDF => PDF,
            DOCX => DOCX,
            ODT => ODT,
            "text/plain" => "text/plain",
            _ => "application/octet-stream",
        };
        Self {
            sha256: sha256_hex(&bytes),
            media_type,
            bytes,
        }
    }

    /// A file named `name` (a path or URL, for its extension) with these bytes.
    pub fn new(name: &str, bytes: Vec<u8>) -> Self {
        Self {
            sha256: sha256_hex(&bytes),
            media_type: media_type(name, &bytes),
            bytes,
        }
    }

    /// Reads a document file within [`crate::MAX_FILE_BYTES`].
    pub fn read(path: &std::path::Path) -> Result<Self, String> {
        let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
        if size > crate::MAX_FILE_BYTES {
            return Err(format!("it is larger than {} bytes", crate::MAX_FILE_BYTES));
        }
        let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
        Ok(Self::new(&path.to_string_lossy(), bytes))
    }

    pub fn size_bytes(&self) -> u64 {
        self.bytes.len() as u64
    }

    /// The file's text where its type has text witan can read (empty where it has none).
    pub fn text(&self, extractor: &Extractor) -> Result<String, Unread> {
        extractor.text(self.media_type, &self.bytes)
    }
}

/// The media type of a document from its name and first bytes.
pub fn media_type(name: &str, bytes: &[u8]) -> &'static str {
    let lower = name.to_ascii_lowercase();
    if bytes.starts_with(b"%PDF") || lower.ends_with(".pdf") {
        PDF
    } else if lower.ends_with(".docx") {
        DOCX
    } else if lower.ends_with(".odt") {
        ODT
    } else if lower.ends_with(".txt") {
        "text/plain"
    } else {
        "application/octet-stream"
    }
}

/// Whether reading a document of this type means parsing a structure (PDF, DOCX, ODT), whose
/// cost a hostile file can blow up, rather than a pass over its bytes.
pub fn has_structured_text(media_type: &str) -> bool {
    matches!(media_type, PDF | DOCX | ODT)
}

/// The media type of a file fetched over HTTP, from its bytes and the answer's `Content-Type`,
/// never from its URL or from what the object linking to it claims (a harvested endpoint writes
/// both). PDF is known by `%PDF-`, DOCX and ODT by being zip archives holding their body entry;
/// anything else is plain text when the server says `text/plain` (or says nothing useful and the
/// bytes are UTF-8 text), else the server's type, which witan reads no text from. A server that
/// calls other bytes PDF, DOCX, ODT or zip gets `application/octet-stream`.
pub fn fetched_media_type(content_type: Option<&str>, bytes: &[u8]) -> String {
    if bytes.starts_with(b"%PDF-") {
        return PDF.to_owned();
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return archive_kind(bytes).to_owned();
    }
    let declared = content_type
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty());
    let text = std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0);
    match declared.as_deref() {
        Some("text/plain") => "text/plain".to_owned(),
        None | Some("application/octet-stream") if text => "text/plain".to_owned(),
        Some(PDF | DOCX | ODT | "application/zip") | None => "application/octet-stream".to_owned(),
        Some(declared) if is_media_type(declared) => declared.to_owned(),
        Some(_) => "application/octet-stream".to_owned(),
    }
}

/// What a zip archive is, by the entry that holds its text.
fn archive_kind(bytes: &[u8]) -> &'static str {
    let Ok(archive) = zip::ZipArchive::new(std::io::Cursor::new(bytes)) else {
        return "application/zip";
    };
    if archive.index_for_name("word/document.xml").is_some() {
        DOCX
    } else if archive.index_for_name("content.xml").is_some() {
        ODT
    } else {
        "application/zip"
    }
}

/// `type/subtype` of token characters, short enough to show.
fn is_media_type(value: &str) -> bool {
    let token = |part: &str| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
    };
    value.len() <= 100
        && value
            .split_once('/')
            .is_some_and(|(t, s)| token(t) && token(s))
}

/// The SHA-256 of a file, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The text of a document of `media_type`, read in this process without limits of memory or
/// time: what the child reader runs (and the fuzzer).
pub fn text_of(media_type: &str, bytes: &[u8]) -> Result<String, String> {
    let text = match media_type {
        PDF => pdf_text(bytes)?,
        DOCX => archive_text(bytes, "word/document.xml", "p")?,
        ODT => archive_text(bytes, "content.xml", "p")?,
        "text/plain" => String::from_utf8_lossy(bytes).into_owned(),
        _ => String::new(),
    };
    Ok(tidy(&text))
}

/// Text without control characters other than newlines and tabs, blank lines collapsed, capped.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_TEXT_CHARS));
    let mut blank = 0;
    for line in text.lines() {
        let line: String = line
            .chars()
            .filter(|c| !c.is_control() || *c == '\t')
            .collect();
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(line);
        if out.len() >= MAX_TEXT_CHARS {
            break;
        }
    }
    // A record's text is held to MAX_TEXT_CHARS bytes (witan_domain::Text), so the cut is in
    // bytes, at a character's edge.
    let mut end = out.len().min(MAX_TEXT_CHARS);
    while !out.is_char_boundary(end) {
        end -= 1;
    }
    out.truncate(end);
    out
}

fn pdf_text(bytes: &[u8]) -> Result<String, String> {
    // pdf-extract can panic on malformed input; a bad report must not stop an import.
    let result = std::panic::catch_unwind(|| pdf_extract::extract_text_from_mem(bytes));
    match result {
        Ok(Ok(text)) => Ok(text),
        Ok(Err(e)) => Err(format!("the PDF could not be read: {e}")),
        Err(_) => Err("the PDF could not be read: its structure is broken".to_owned()),
    }
}

/// The text of one XML entry of a zip archive: paragraphs (`<… :p>`) on lines of their own.
fn archive_text(bytes: &[u8], entry: &str, paragraph: &str) -> Result<String, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a readable document archive: {e}"))?;
    let file = archive
        .by_name(entry)
        .map_err(|_| format!("the document archive has no {entry}"))?;
    let mut xml = Vec::new();
    file.take(MAX_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(|e| format!("the document archive could not be read: {e}"))?;
    if xml.len() as u64 > MAX_XML_BYTES {
        return Err(format!(
            "the document's text expands beyond {} MiB; it was not read",
            MAX_XML_BYTES / 1024 / 1024
        ));
    }
    let mut reader = quick_xml::Reader::from_reader(xml.as_slice());
    let mut text = String::new();
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer) {
            Ok(quick_xml::events::Event::Text(t)) => {
                text.push_str(&t.into_inner());
            }
            Ok(quick_xml::events::Event::GeneralRef(r)) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else {
                    text.push_str(match r.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(quick_xml::events::Event::End(end)) if end.local_name().as_ref() == paragraph => {
                text.push('\n');
            }
            Ok(quick_xml::events::Event::Empty(e))
                if matches!(e.local_name().as_ref(), "tab" | "s") =>
            {
                text.push(' ');
            }
            Ok(quick_xml::events::Event::Eof) => break,
            Err(e) => {
                return Err(format!(
                    "the document's XML is broken at byte {}: {e}",
                    reader.error_position()
                ));
            }
            _ => {}
        }
        buffer.clear();
    }
    Ok(text)
}
