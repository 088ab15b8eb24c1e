//! One classification of every failure, rendered once per channel.
//!
//! A handler fails with an [`AppError`]. [`AppError::code`] classifies it, once, into a stable
//! [`Code`]: a machine-readable name, an HTTP status and the words a reader is shown. This is
//! the only place that looks inside a [`StoreError`], so the same failure answers with the same
//! status on every channel. Three renderings follow from the classification:
//!
//! - the HTML error page (`AppError` itself is the site's and the workspace's answer),
//! - the JSON API's error body, [`JsonError`]: `{"error": {"code", "message", "parameter"}}`,
//! - the OParl error object, [`OParlError`]: `{"type": ".../Error", "message", "debug"}`.
//!
//! The cause goes to the log (server errors only, and not a busy moment, which the edge logs
//! once a second); the reader is shown a plain sentence without internals.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;
use witan_domain::ValidationError;
use witan_store::StoreError;

use super::answer::json_response;

/// Seconds a reader turned away is asked to wait before trying again.
pub const RETRY_AFTER_SECS: u64 = 2;

/// Seconds a reader is asked to wait while the database cannot be reached: longer than a busy
/// moment, which passes sooner than a database returns.
const UNAVAILABLE_RETRY_SECS: u64 = 10;

/// The type of every OParl error object.
pub const OPARL_ERROR_TYPE: &str = "https://schema.oparl.org/1.1/Error";

/// Everything a handler can fail with. The reader sees a status and a plain sentence; the cause
/// goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("no such page")]
    NotFound,
    /// A parameter of the address (its path or query string) is malformed.
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

/// The stable classes of failure. The names never change: API clients and log searches rely
/// on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// No such page or record, or one the reader may not see.
    NotFound,
    /// A parameter of the address is malformed; the error names it.
    BadParameter,
    /// A submitted form could not be read.
    BadForm,
    /// A form from an earlier session, or from elsewhere.
    ExpiredForm,
    /// The account may not do this.
    Forbidden,
    /// A rule of the record refuses the change (signed-off minutes are locked, …).
    Rule,
    /// The change collides with a record that exists (a duplicate, a changed record).
    Conflict,
    /// A value of the change is not valid.
    Invalid,
    /// Too many requests at once, or one that took too long.
    Busy,
    /// The database cannot be reached just now.
    Unavailable,
    /// Anything else: a fault on witan's side.
    Internal,
}

impl Code {
    /// The machine-readable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::BadParameter => "bad_parameter",
            Self::BadForm => "bad_form",
            Self::ExpiredForm => "expired_form",
            Self::Forbidden => "forbidden",
            Self::Rule => "rule",
            Self::Conflict => "conflict",
            Self::Invalid => "invalid",
            Self::Busy => "busy",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    pub fn status(self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadParameter | Self::BadForm => StatusCode::BAD_REQUEST,
            Self::ExpiredForm | Self::Forbidden => StatusCode::FORBIDDEN,
            Self::Rule | Self::Conflict | Self::Invalid => StatusCode::CONFLICT,
            Self::Busy | Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// How long a reader is asked to wait before trying again, for a passing failure.
    pub fn retry_after(self) -> Option<u64> {
        match self {
            Self::Busy => Some(RETRY_AFTER_SECS),
            Self::Unavailable => Some(UNAVAILABLE_RETRY_SECS),
            _ => None,
        }
    }

    /// The name the JSON API gives the class. The API's codes predate the classification and
    /// clients rely on them: a busy moment is `unavailable` there, as it always was.
    fn api_name(self) -> &'static str {
        match self {
            Self::Busy => Self::Unavailable.as_str(),
            other => other.as_str(),
        }
    }
}

/// A change refused in words a form can show next to the field or at the top of the form.
#[derive(Debug)]
pub enum Refusal {
    /// A value is not valid: the error names the field.
    Field(ValidationError),
    /// A rule or a collision refuses the change as a whole.
    Form(String),
}

impl AppError {
    /// The class of this failure: the one place a [`StoreError`] is looked into.
    pub fn code(&self) -> Code {
        match self {
            Self::NotFound | Self::Store(StoreError::NotFound { .. }) => Code::NotFound,
            Self::BadRequest { .. } => Code::BadParameter,
            Self::BadForm => Code::BadForm,
            Self::ExpiredForm => Code::ExpiredForm,
            Self::Forbidden => Code::Forbidden,
            Self::Store(StoreError::Rule(_)) => Code::Rule,
            Self::Store(StoreError::Conflict(_)) => Code::Conflict,
            Self::Store(StoreError::Invalid(_)) => Code::Invalid,
            Self::Busy => Code::Busy,
            Self::Store(StoreError::Unavailable(_)) => Code::Unavailable,
            Self::Store(
                StoreError::NewerSchema { .. } | StoreError::Corrupt(_) | StoreError::Database(_),
            )
            | Self::Render(_)
            | Self::Internal(_) => Code::Internal,
        }
    }

    pub fn status(&self) -> StatusCode {
        self.code().status()
    }

    /// What a form shows when a use case refuses its change, or the failure itself when it is
    /// not the form's fault. A change made stale by someone else's edit is the form's to show.
    pub fn refusal(e: witan_app::Error) -> Result<Refusal, AppError> {
        match e {
            witan_app::Error::Store(StoreError::Invalid(v)) => Ok(Refusal::Field(v)),
            witan_app::Error::Store(e @ (StoreError::Rule(_) | StoreError::Conflict(_))) => {
                Ok(Refusal::Form(e.to_string()))
            }
            e @ witan_app::Error::Stale => Ok(Refusal::Form(e.to_string())),
            other => Err(other.into()),
        }
    }

    /// The field a malformed address names, if it names one.
    fn parameter(&self) -> Option<&'static str> {
        match self {
            Self::BadRequest { parameter, .. } => Some(parameter),
            _ => None,
        }
    }

    /// Logs a fault on witan's side, once, as it is answered.
    fn log(&self, channel: &'static str) {
        let code = self.code();
        // A busy moment is load shed as designed, not a fault to log at every request.
        if code.status().is_server_error() && code != Code::Busy {
            tracing::error!(error = %self, code = code.as_str(), channel, "request failed");
        }
    }

    /// The page title and sentence the site shows.
    fn page_words(&self) -> (&'static str, String) {
        let code = self.code();
        match (code, self) {
            (_, Self::BadRequest { parameter, reason }) => (
                "Check the address",
                format!("Check the address: {parameter} {reason}."),
            ),
            (Code::NotFound, _) => (
                "Page not found",
                "There is no page at this address. Check the address, or start again from the home page.".to_owned(),
            ),
            (Code::Forbidden, _) => (
                "You cannot do this",
                "Your account does not allow this. Ask an administrator if you need it to.".to_owned(),
            ),
            (Code::BadForm, _) => (
                "The form could not be read",
                "The form that was sent could not be read. Go back, reload the page and try again.".to_owned(),
            ),
            (Code::ExpiredForm, _) => (
                "This form has expired",
                "This form was opened in an earlier session, or did not come from witan. Go back, reload the page and try again.".to_owned(),
            ),
            (Code::Rule | Code::Conflict | Code::Invalid, _) => {
                ("This change cannot be made", self.to_string())
            }
            (Code::Unavailable, _) => (
                "Service unavailable",
                "witan cannot reach its database just now. Please try again in a minute.".to_owned(),
            ),
            (Code::Busy, _) => (
                "witan is busy",
                "Too many people are using witan just now. Please try again in a few seconds.".to_owned(),
            ),
            (Code::BadParameter | Code::Internal, _) => (
                "Something went wrong",
                "Something went wrong on our side. It has been logged; please try again later.".to_owned(),
            ),
        }
    }

    /// The sentence the JSON API gives.
    fn api_message(&self) -> String {
        match (self.code(), self) {
            (_, Self::BadRequest { parameter, reason }) => format!("{parameter} {reason}"),
            (Code::NotFound, _) => "there is no such record".to_owned(),
            (Code::Unavailable, _) => {
                "the service is briefly unavailable; try again in a moment".to_owned()
            }
            (Code::Busy, _) => "witan is busy; try again in a few seconds".to_owned(),
            (Code::Rule | Code::Conflict | Code::Invalid, _) => self.to_string(),
            (Code::Forbidden, _) => "not allowed".to_owned(),
            (Code::BadForm | Code::ExpiredForm, _) => "the request could not be read".to_owned(),
            (Code::BadParameter | Code::Internal, _) => {
                "something went wrong on our side".to_owned()
            }
        }
    }

    /// The message and debug note of the OParl error object.
    fn oparl_words(&self) -> (String, String) {
        match (self.code(), self) {
            (_, Self::BadRequest { parameter, reason }) => (
                format!("The parameter {parameter} {reason}."),
                format!("parameter: {parameter}"),
            ),
            (Code::NotFound, _) => (
                "There is no object at this address.".to_owned(),
                "not found".to_owned(),
            ),
            (Code::Unavailable, _) => (
                "The service is briefly unavailable; try again in a moment.".to_owned(),
                "database unavailable".to_owned(),
            ),
            (Code::Busy, _) => (
                "witan is busy; try again in a few seconds.".to_owned(),
                "busy".to_owned(),
            ),
            (Code::Rule | Code::Conflict | Code::Invalid, _) => {
                (format!("{self}."), self.code().as_str().to_owned())
            }
            (Code::Forbidden | Code::BadForm | Code::ExpiredForm, _) => (
                "This request cannot be answered.".to_owned(),
                self.code().as_str().to_owned(),
            ),
            (Code::BadParameter | Code::Internal, _) => (
                "Something went wrong on our side.".to_owned(),
                "internal error".to_owned(),
            ),
        }
    }
}

/// Sets the status's Retry-After, so that browsers, crawlers and harvesters come back rather
/// than treat the address as gone.
fn with_retry_after(mut response: Response, code: Code) -> Response {
    if let Some(after) = code.retry_after() {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(after));
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'a str,
    message: &'a str,
    /// Whether to offer a search: a missing page's reader is usually looking for something.
    search: bool,
}

/// The HTML rendering: a plain page with a title, a sentence and a way on.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log("html");
        let code = self.code();
        let (title, message) = self.page_words();
        let body = ErrorPage {
            title,
            message: &message,
            search: code == Code::NotFound,
        }
        .render()
        .unwrap_or_else(|_| message.clone());
        with_retry_after((code.status(), Html(body)).into_response(), code)
    }
}

/// An error, with a code that stays the same across versions.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApiError {
    error: ErrorBody,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ErrorBody {
    /// `bad_parameter`, `not_found`, `rule`, `conflict`, `invalid`, `unavailable` or
    /// `internal`.
    code: &'static str,
    message: String,
    /// The query parameter at fault, for `bad_parameter`.
    parameter: Option<String>,
}

/// A failure as the JSON API answers it.
#[derive(Debug)]
pub struct JsonError(pub AppError);

impl<E: Into<AppError>> From<E> for JsonError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for JsonError {
    fn into_response(self) -> Response {
        let error = self.0;
        error.log("api");
        let code = error.code();
        let body = ApiError {
            error: ErrorBody {
                code: code.api_name(),
                message: error.api_message(),
                parameter: error.parameter().map(str::to_owned),
            },
        };
        with_retry_after(
            json_response(
                code.status(),
                &serde_json::to_value(body).unwrap_or_default(),
            ),
            code,
        )
    }
}

/// A failure as OParl answers it: an object of type `Error`.
#[derive(Debug)]
pub struct OParlError(pub AppError);

impl<E: Into<AppError>> From<E> for OParlError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}

impl std::fmt::Display for OParlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            AppError::NotFound => f.write_str("no such object"),
            other => write!(f, "{other}"),
        }
    }
}

impl IntoResponse for OParlError {
    fn into_response(self) -> Response {
        let error = self.0;
        error.log("oparl");
        let code = error.code();
        let (message, debug) = error.oparl_words();
        with_retry_after(
            json_response(
                code.status(),
                &serde_json::json!({"type": OPARL_ERROR_TYPE, "message": message, "debug": debug}),
            ),
            code,
        )
    }
}

/// What the address answers in: the same failure, in the form its channel speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Html,
    Json,
    OParl,
}

impl Channel {
    /// The channel of a path: `/api/…` answers in JSON, `/oparl…` in OParl, the rest in HTML.
    pub fn of(path: &str) -> Self {
        if path.starts_with("/api/") {
            Self::Json
        } else if path.starts_with("/oparl") {
            Self::OParl
        } else {
            Self::Html
        }
    }

    pub fn render(self, error: AppError) -> Response {
        match self {
            Self::Html => error.into_response(),
            Self::Json => JsonError(error).into_response(),
            Self::OParl => OParlError(error).into_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{AppError, Channel, Code};
    use axum::http::StatusCode;
    use witan_domain::{RuleError, ValidationError};
    use witan_store::StoreError;

    /// Every failure, and the class it must fall in: the table the three channels share.
    fn table() -> Vec<(AppError, Code, StatusCode)> {
        vec![
            (AppError::NotFound, Code::NotFound, StatusCode::NOT_FOUND),
            (
                StoreError::not_found("meeting", 7).into(),
                Code::NotFound,
                StatusCode::NOT_FOUND,
            ),
            (
                AppError::BadRequest {
                    parameter: "page",
                    reason: "must be a page number".to_owned(),
                },
                Code::BadParameter,
                StatusCode::BAD_REQUEST,
            ),
            (AppError::BadForm, Code::BadForm, StatusCode::BAD_REQUEST),
            (
                AppError::ExpiredForm,
                Code::ExpiredForm,
                StatusCode::FORBIDDEN,
            ),
            (AppError::Forbidden, Code::Forbidden, StatusCode::FORBIDDEN),
            (
                StoreError::Rule(RuleError::MinutesLocked).into(),
                Code::Rule,
                StatusCode::CONFLICT,
            ),
            (
                StoreError::Conflict("a committee has this slug".to_owned()).into(),
                Code::Conflict,
                StatusCode::CONFLICT,
            ),
            (
                StoreError::Invalid(ValidationError::new("title", "must not be empty")).into(),
                Code::Invalid,
                StatusCode::CONFLICT,
            ),
            (AppError::Busy, Code::Busy, StatusCode::SERVICE_UNAVAILABLE),
            (
                StoreError::Unavailable("refused".to_owned()).into(),
                Code::Unavailable,
                StatusCode::SERVICE_UNAVAILABLE,
            ),
            (
                StoreError::Database("broken".to_owned()).into(),
                Code::Internal,
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
            (
                AppError::Internal("broken".to_owned()),
                Code::Internal,
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ]
    }

    #[test]
    fn every_failure_has_one_class_and_status() {
        for (error, code, status) in table() {
            assert_eq!(error.code(), code, "{error:?}");
            assert_eq!(error.status(), status, "{error:?}");
        }
    }

    #[test]
    fn every_channel_answers_a_failure_with_its_one_status() {
        for channel in [Channel::Html, Channel::Json, Channel::OParl] {
            for (error, _, status) in table() {
                let shown = format!("{error:?}");
                assert_eq!(
                    channel.render(error).status(),
                    status,
                    "{channel:?}: {shown}"
                );
            }
        }
    }

    #[test]
    fn a_rule_violation_is_a_conflict_in_every_channel() {
        for channel in [Channel::Html, Channel::Json, Channel::OParl] {
            let error = AppError::from(StoreError::Rule(RuleError::MinutesLocked));
            assert_eq!(
                channel.render(error).status(),
                StatusCode::CONFLICT,
                "{channel:?}"
            );
        }
    }
}
