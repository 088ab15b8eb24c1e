//! Document files: served from the files folder, where uploads are kept under their SHA-256, to
//! whoever the handler has already established may see the document.

use crate::edge::error::AppError;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use witan_domain::Document;
use witan_store::Stored;

/// How a file goes out: the media type its bytes show, whether a browser may show it in place,
/// and the extension its download name ends with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Delivery {
    content_type: &'static str,
    inline: bool,
    extension: &'static str,
}

const OFFICE_TYPES: [(&str, &str); 2] = [
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    ("application/vnd.oasis.opendocument.text", ".odt"),
];

/// Decides how a file is sent from its bytes, never from the media type a record claims (an
/// import's source, or an upload's name, says what it likes). Only PDF and plain text are shown
/// in place (the allow-list); everything else is a download. A zip archive keeps the office
/// type the record names, if it names one; the record cannot make the bytes anything else.
fn delivery(recorded: &str, bytes: &[u8]) -> Delivery {
    let download = |content_type, extension| Delivery {
        content_type,
        inline: false,
        extension,
    };
    if bytes.starts_with(b"%PDF-") {
        return Delivery {
            content_type: "application/pdf",
            inline: true,
            extension: ".pdf",
        };
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return OFFICE_TYPES
            .iter()
            .find(|(office, _)| *office == recorded)
            .map_or(
                download("application/zip", ".zip"),
                |(office, extension)| download(office, extension),
            );
    }
    let text = std::str::from_utf8(bytes).is_ok_and(|text| {
        text.chars()
            .all(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t' | '\u{c}'))
    });
    if text {
        return Delivery {
            content_type: "text/plain; charset=utf-8",
            inline: true,
            extension: ".txt",
        };
    }
    download("application/octet-stream", "")
}

/// A file name for the download: the document's name in safe characters, with `extension`.
fn download_name(document: &Document, extension: &str) -> String {
    let stem: String = document
        .name
        .as_str()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    let stem = if stem.is_empty() { "document" } else { stem };
    let stem: String = stem.chars().take(80).collect();
    if stem
        .to_ascii_lowercase()
        .ends_with(extension.trim_start_matches('.'))
        && !extension.is_empty()
    {
        stem
    } else {
        format!("{stem}{extension}")
    }
}

/// A file name for the document as its record describes it, for open data (`fileName`).
pub(crate) fn file_name(document: &Document) -> String {
    let extension = match document.media_type.as_str() {
        "application/pdf" => ".pdf",
        "text/plain" => ".txt",
        other => OFFICE_TYPES
            .iter()
            .find(|(office, _)| *office == other)
            .map_or("", |(_, extension)| extension),
    };
    download_name(document, extension)
}

/// The Content-Security-Policy of every file: sandboxed, nothing loaded, never framed. The
/// edge's page policy does not replace it (a response that has a policy keeps it).
pub(crate) const DOWNLOAD_POLICY: &str =
    "sandbox; default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Sends the file of `document` from the folder `files`, or a 404 page when witan does not hold it. Every answer says
/// `nosniff` and a sandboxing Content-Security-Policy, so whatever a file holds, a browser
/// neither guesses it to be HTML nor runs anything in it with the site's origin.
pub async fn send(
    files: Option<&std::path::Path>,
    document: &Stored<Document>,
    cache_control: &'static str,
) -> Result<Response, AppError> {
    let (Some(files), Some(sha)) = (files, &document.sha256) else {
        return Err(AppError::NotFound);
    };
    let path = witan_app::documents::file_path(files, sha.as_str());
    let bytes = match tokio::fs::read(&path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(AppError::NotFound),
        Err(e) => {
            return Err(AppError::Internal(format!(
                "reading {}: {e}",
                path.display()
            )));
        }
    };
    let delivery = delivery(document.media_type.as_str(), &bytes);
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(delivery.content_type),
    );
    let disposition = if delivery.inline {
        "inline"
    } else {
        "attachment"
    };
    // The name is made of ASCII letters, digits, '-' and '_' only, so it is a valid header.
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{disposition}; filename=\"{}\"",
        download_name(document, delivery.extension)
    )) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_POLICY),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::delivery;

    #[test]
    fn files_go_out_as_their_bytes_say_and_only_pdf_and_text_in_place() {
        let pdf = delivery("text/html", b"%PDF-1.7 ...");
        assert_eq!((pdf.content_type, pdf.inline), ("application/pdf", true));
        let html = delivery("text/html", b"<html><script>alert(1)</script></html>");
        assert_eq!(
            (html.content_type, html.inline),
            ("text/plain; charset=utf-8", true)
        );
        let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        let office = delivery(docx, b"PK\x03\x04rest");
        assert_eq!((office.content_type, office.inline), (docx, false));
        let zip = delivery("application/pdf", b"PK\x03\x04rest");
        assert_eq!((zip.content_type, zip.inline), ("application/zip", false));
        let binary = delivery("image/svg+xml", b"\x00\x01<svg onload=alert(1)>");
        assert_eq!(
            (binary.content_type, binary.inline),
            ("application/octet-stream", false)
        );
        // A claim of a PDF does not make other bytes one.
        let claimed = delivery("application/pdf", b"\x7fELF\x02");
        assert_eq!(claimed.content_type, "application/octet-stream");
    }
}
