use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use witan_store::StoreError;

/// Everything a handler can fail with. The reader sees a status and a plain sentence; the cause
/// goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("no such page")]
    NotFound,
    #[error("{parameter}: {reason}")]
    BadRequest {
        parameter: &'static str,
        reason: String,
    },
    #[error("rendering a page: {0}")]
    Render(#[from] askama::Error),
    #[error("{0}")]
    Internal(String),
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    /// Whether to offer a search: a missing page's reader is usually looking for something.
    search: bool,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let bad_request;
        let (status, title, message) = match &self {
            AppError::BadRequest { parameter, reason } => {
                bad_request = format!("Check the address: {parameter} {reason}.");
                (
                    StatusCode::BAD_REQUEST,
                    "Check the address",
                    bad_request.as_str(),
                )
            }
            AppError::NotFound | AppError::Store(StoreError::NotFound { .. }) => (
                StatusCode::NOT_FOUND,
                "Page not found",
                "There is no page at this address. Check the address, or start again from the home page.",
            ),
            AppError::Store(StoreError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable",
                "witan cannot reach its database just now. Please try again in a minute.",
            ),
            _ => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. It has been logged; please try again later.",
            ),
        };
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorPage {
            title,
            message,
            search: status == StatusCode::NOT_FOUND,
        }
        .render()
        .unwrap_or_else(|_| message.to_owned());
        (status, Html(body)).into_response()
    }
}
