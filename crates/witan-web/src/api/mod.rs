//! The JSON API (`/api/v1/`): every record the public site shows, including what OParl has no
//! words for (decisions, actions, escalations, the forward plan, an issue's history), with
//! filters, cursor paging and `modified_since` change feeds. Its OpenAPI 3.1 document
//! (`/api/openapi.json`) is generated from these handlers and types by utoipa, so it cannot drift
//! from what the code answers.
//!
//! As everywhere on the public side, records are what the public may see: lists come from
//! [`Store::published`], records are read with [`Audience::Public`], and anything else is a 404.
//!
//! One file per collection: its records as the API shapes them, how each is read, and its two
//! handlers; [`list`] holds what they share. Errors are the one classification of
//! [`crate::edge::error`], rendered as JSON.

mod actions;
mod committees;
mod decisions;
mod documents;
mod escalations;
mod forward_plan;
mod issues;
mod list;
mod meetings;
mod organisations;
mod people;

use crate::PublicSite;
use crate::edge::answer::json_response;
use crate::edge::error::AppError;
use crate::routes::Caching;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use list::{Answer, ok};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

/// The shape of every API error.
pub use crate::edge::error::ApiError;
/// A failure as the API answers it: the one classification of [`crate::AppError`], as JSON.
pub use crate::edge::error::JsonError as Failure;
pub use list::ListParams;

/// The API's routes, for the public route table: path template, caching, handler. Search
/// (`/api/v1/search`) is the site's search answered in JSON, and lives with it.
pub(crate) fn routes() -> Vec<(&'static str, Caching, MethodRouter<PublicSite>)> {
    use Caching::Pages;
    vec![
        ("/api/v1", Pages, get(index)),
        ("/api/v1/", Pages, get(index)),
        ("/api/openapi.json", Pages, get(openapi)),
        (
            "/api/v1/organisations",
            Pages,
            get(organisations::organisations),
        ),
        (
            "/api/v1/organisations/{id}",
            Pages,
            get(organisations::organisation),
        ),
        ("/api/v1/committees", Pages, get(committees::committees)),
        ("/api/v1/committees/{id}", Pages, get(committees::committee)),
        ("/api/v1/people", Pages, get(people::people)),
        ("/api/v1/people/{id}", Pages, get(people::person)),
        ("/api/v1/meetings", Pages, get(meetings::meetings)),
        ("/api/v1/meetings/{id}", Pages, get(meetings::meeting)),
        ("/api/v1/issues", Pages, get(issues::issues)),
        ("/api/v1/issues/{id}", Pages, get(issues::issue)),
        ("/api/v1/documents", Pages, get(documents::documents)),
        ("/api/v1/documents/{id}", Pages, get(documents::document)),
        ("/api/v1/decisions", Pages, get(decisions::decisions)),
        ("/api/v1/decisions/{id}", Pages, get(decisions::decision)),
        ("/api/v1/actions", Pages, get(actions::actions)),
        ("/api/v1/actions/{id}", Pages, get(actions::action)),
        ("/api/v1/escalations", Pages, get(escalations::escalations)),
        (
            "/api/v1/escalations/{id}",
            Pages,
            get(escalations::escalation),
        ),
        (
            "/api/v1/forward-plan",
            Pages,
            get(forward_plan::forward_plan),
        ),
        (
            "/api/v1/forward-plan/{id}",
            Pages,
            get(forward_plan::forward_plan_entry),
        ),
        ("/api/{*rest}", Pages, get(not_found)),
    ]
}

/// The API's front door: where each collection lives.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Index {
    openapi: String,
    oparl: String,
    collections: Vec<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/",
    tag = "index",
    responses((status = 200, description = "The collections and the API's documents", body = Index))
)]
pub async fn index() -> Answer {
    ok(&Index {
        openapi: "/api/openapi.json".to_owned(),
        oparl: "/oparl/v1.1/system".to_owned(),
        collections: COLLECTIONS.iter().map(|c| (*c).to_owned()).collect(),
    })
}

const COLLECTIONS: &[&str] = &[
    "/api/v1/organisations",
    "/api/v1/committees",
    "/api/v1/people",
    "/api/v1/meetings",
    "/api/v1/issues",
    "/api/v1/documents",
    "/api/v1/decisions",
    "/api/v1/actions",
    "/api/v1/escalations",
    "/api/v1/forward-plan",
];

#[derive(OpenApi)]
#[openapi(
    info(
        title = "witan",
        description = "The public record of what public bodies discussed, decided and promised to do: \
            meetings, agendas, minutes, decisions, actions, escalations and the forward plan. Only \
            what the public may see; exempt items show their number and legal ground alone. Lists \
            page with a cursor and filter by committee, organisation and creation or modification \
            time (`modified_since` makes a change feed). Errors are `{\"error\": {\"code\", \"message\", \
            \"parameter\"}}` with stable codes: bad_parameter, not_found, rule, conflict, invalid, unavailable, internal.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
    ),
    paths(
        index,
        organisations::organisations,
        organisations::organisation,
        committees::committees,
        committees::committee,
        people::people,
        people::person,
        meetings::meetings,
        meetings::meeting,
        issues::issues,
        issues::issue,
        documents::documents,
        documents::document,
        decisions::decisions,
        decisions::decision,
        actions::actions,
        actions::action,
        escalations::escalations,
        escalations::escalation,
        forward_plan::forward_plan,
        forward_plan::forward_plan_entry,
    )
)]
#[derive(Debug)]
pub struct ApiDoc;

/// `GET /api/openapi.json`.
pub async fn openapi() -> Response {
    json_response(
        StatusCode::OK,
        &serde_json::to_value(ApiDoc::openapi()).unwrap_or_default(),
    )
}

/// Anything else under `/api/`: an API error object, not an HTML page.
pub async fn not_found() -> Response {
    Failure(AppError::NotFound).into_response()
}

/// The OpenAPI document as the server publishes it, for tests and tools.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
