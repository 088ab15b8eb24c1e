//! How answers are written: JSON any web page may read, and rendered HTML pages.

use crate::edge::error::AppError;
use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use serde_json::Value;

/// A JSON answer that any web page may read (CORS), as OParl requires of every JSON answer.
pub fn json_response(status: StatusCode, value: &Value) -> Response {
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    response
}

/// A rendered page, 200 OK.
pub fn html(template: &impl Template) -> Result<Response, AppError> {
    Ok(Html(template.render()?).into_response())
}
