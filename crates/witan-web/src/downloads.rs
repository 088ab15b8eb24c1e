//! Document files: served from the files folder, where uploads are kept under their SHA-256, to
//! whoever the handler has already established may see the document.

use crate::AppError;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use witan_domain::Document;
use witan_store::Stored;

/// A file name for the download: the document's name in safe characters, with the extension its
/// media type implies.
pub(crate) fn file_name(document: &Document) -> String {
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
    let extension = match document.media_type.as_str() {
        "application/pdf" => ".pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => ".docx",
        "application/vnd.oasis.opendocument.text" => ".odt",
        "text/plain" => ".txt",
        _ => "",
    };
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

/// Sends the file of `document` from the folder `files`, or a 404 page when witan does not hold
/// it.
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
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let media_type = HeaderValue::from_str(document.media_type.as_str())
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, media_type);
    if let Ok(disposition) =
        HeaderValue::from_str(&format!("inline; filename=\"{}\"", file_name(document)))
    {
        headers.insert(header::CONTENT_DISPOSITION, disposition);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    Ok(response)
}
