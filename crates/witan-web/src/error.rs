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
    #[error("not allowed for this account")]
    Forbidden,
    #[error("the form could not be read")]
    BadForm,
    #[error("the form's CSRF token did not match the session")]
    ExpiredForm,
    /// More requests than the server takes at once, one that took too long, or every permit
    /// to check a password taken; not logged here, as a flood would fill the log (the edge
    /// logs it once a second).
    #[error("too busy to answer")]
    Busy,
}

impl From<witan_app::Error> for AppError {
    fn from(e: witan_app::Error) -> Self {
        match e {
            witan_app::Error::Denied => Self::Forbidden,
            witan_app::Error::Busy => Self::Busy,
            witan_app::Error::Store(e) => Self::Store(e),
            other => Self::Internal(other.to_string()),
        }
    }
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
            AppError::Forbidden => (
                StatusCode::FORBIDDEN,
                "You cannot do this",
                "Your account does not allow this. Ask an administrator if you need it to.",
            ),
            AppError::BadForm => (
                StatusCode::BAD_REQUEST,
                "The form could not be read",
                "The form that was sent could not be read. Go back, reload the page and try again.",
            ),
            AppError::ExpiredForm => (
                StatusCode::FORBIDDEN,
                "This form has expired",
                "This form was opened in an earlier session, or did not come from witan. Go back, reload the page and try again.",
            ),
            AppError::Store(
                StoreError::Rule(_) | StoreError::Conflict(_) | StoreError::Invalid(_),
            ) => {
                bad_request = self.to_string();
                (
                    StatusCode::CONFLICT,
                    "This change cannot be made",
                    bad_request.as_str(),
                )
            }
            AppError::Store(StoreError::Unavailable(_)) => (
                StatusCode::SERVICE_UNAVAILABLE,
                "Service unavailable",
                "witan cannot reach its database just now. Please try again in a minute.",
            ),
            AppError::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "witan is busy",
                "Too many people are using witan just now. Please try again in a few seconds.",
            ),
            _ => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                "Something went wrong on our side. It has been logged; please try again later.",
            ),
        };
        // A full hashing queue is load shed as designed, not a fault to log at every request.
        if status.is_server_error() && !matches!(self, AppError::Busy) {
            tracing::error!(error = %self, "request failed");
        }
        let body = ErrorPage {
            title,
            message,
            search: status == StatusCode::NOT_FOUND,
        }
        .render()
        .unwrap_or_else(|_| message.to_owned());
        let mut response = (status, Html(body)).into_response();
        if status == StatusCode::SERVICE_UNAVAILABLE {
            // Browsers and crawlers come back rather than treat the page as gone; a busy moment
            // (the request limit, every password check taken) passes sooner than a database
            // returns.
            let after = if matches!(self, AppError::Busy) {
                crate::RETRY_AFTER_SECS
            } else {
                10
            };
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(after),
            );
        }
        response
    }
}
