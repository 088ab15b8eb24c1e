//! OParl 1.1 (`/oparl/v1.1/`): witan's records as the open standard for council information
//! systems describes them, for re-users who harvest many councils with one client.
//!
//! Mapping: an organisation is a Body, a committee an Organization, an issue a Paper, a
//! document a File, an issue on an agenda a Consultation; memberships are embedded in their
//! Person, agenda items (with their files) and the venue (a Location) in their Meeting. What
//! OParl has no words for travels in the documented `witan:` extension namespace
//! (docs/oparl.md): minutes, resolutions, decisions, actions, escalations.
//!
//! Everything here is what the public may see: lists come from [`Store::published`], records
//! are read with [`Audience::Public`], and an object the public may not see is a 404. The same
//! [`Objects`] build the server's answers and the static dump of `witan export oparl`.
//!
//! One file per object type (`body`, `organization`, `person`, `meeting`, `agenda_item`,
//! `paper`, `file`), each adding to [`Objects`] what builds its objects; [`list`] holds lists,
//! their paging and links. Errors are the one classification of [`crate::edge::error`],
//! rendered as OParl `Error` objects.

mod agenda_item;
mod body;
mod file;
mod list;
mod meeting;
mod objects;
mod organization;
mod paper;
mod person;

use crate::PublicSite;
use crate::edge::answer::json_response;
use crate::edge::error::AppError;
use crate::edge::extract::{self, PathId};
use crate::routes::Caching;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{MethodRouter, get};
use serde_json::Value;
use witan_domain::{Id, OrganisationId};
use witan_store::PublishedKind;

/// A failure as OParl answers it: the one classification of [`AppError`], as an OParl `Error`.
pub use crate::edge::error::OParlError;
/// The site's address, as OParl ids and feed links name it.
pub use crate::open_data::Base;
pub use list::{List, ListPage, ListQuery};
pub use objects::Objects;

pub const SCHEMA: &str = "https://schema.oparl.org/1.1/";
/// Objects per list page unless the client asks for fewer (`elementsPerPage`).
pub const PER_PAGE: u32 = 100;
const MAX_PER_PAGE: u32 = 500;

/// OParl's routes, for the public route table: path template, caching, handler.
pub(crate) fn routes() -> Vec<(&'static str, Caching, MethodRouter<PublicSite>)> {
    use Caching::Pages;
    vec![
        ("/oparl", Pages, get(entry)),
        ("/oparl/v1.1", Pages, get(entry)),
        ("/oparl/v1.1/", Pages, get(entry)),
        ("/oparl/v1.1/system", Pages, get(system)),
        ("/oparl/v1.1/bodies", Pages, get(bodies)),
        ("/oparl/v1.1/body/{id}", Pages, get(body)),
        (
            "/oparl/v1.1/body/{id}/term/{year}",
            Pages,
            get(legislative_term),
        ),
        ("/oparl/v1.1/body/{id}/{list}", Pages, get(body_list)),
        (
            "/oparl/v1.1/organization/{id}/meetings",
            Pages,
            get(committee_meetings),
        ),
        (
            "/oparl/v1.1/person/{person}/membership/{id}",
            Pages,
            get(membership),
        ),
        ("/oparl/v1.1/meeting/{id}/location", Pages, get(location)),
        ("/oparl/v1.1/{kind}/{id}", Pages, get(object)),
        ("/oparl/{*rest}", Pages, get(not_found)),
    ]
}

type Answer = Result<Response, OParlError>;

fn ok(value: &Value) -> Response {
    json_response(StatusCode::OK, value)
}

fn id_of<T>(raw: &str) -> Result<Id<T>, OParlError> {
    Ok(extract::id(raw)?)
}

/// `/oparl` and `/oparl/v1.1/`: the System is the entry point.
pub async fn entry() -> Redirect {
    Redirect::permanent("/oparl/v1.1/system")
}

pub async fn system(State(state): State<PublicSite>, Base(site): Base) -> Response {
    ok(&objects(&state, &site).system())
}

fn objects<'a>(state: &'a PublicSite, site: &'a str) -> Objects<'a> {
    Objects {
        store: &state.store,
        site,
        whole_texts: false,
    }
}

async fn list_answer(
    state: &PublicSite,
    site: &str,
    list: List,
    pairs: &[(String, String)],
) -> Answer {
    let query = ListQuery::parse(pairs)?;
    let page = objects(state, site).list(list, &query).await?;
    Ok(ok(&page.body))
}

pub async fn bodies(
    State(state): State<PublicSite>,
    Base(site): Base,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Answer {
    list_answer(&state, &site, List::Bodies, &pairs).await
}

pub async fn body_list(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((id, list)): Path<(String, String)>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Answer {
    let id = id_of(&id)?;
    // An unknown body has no lists.
    objects(&state, &site)
        .stamp(PublishedKind::Organisation, id.get())
        .await?;
    let list = match list.as_str() {
        "organizations" => List::Organizations(id),
        "people" => List::People(id),
        "meetings" => List::Meetings(id),
        "papers" => List::Papers(id),
        "files" => List::Files(id),
        _ => return Err(OParlError(AppError::NotFound)),
    };
    list_answer(&state, &site, list, &pairs).await
}

pub async fn committee_meetings(
    State(state): State<PublicSite>,
    Base(site): Base,
    PathId(id): PathId<witan_domain::Committee>,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Answer {
    objects(&state, &site)
        .stamp(PublishedKind::Committee, id.get())
        .await?;
    list_answer(&state, &site, List::CommitteeMeetings(id), &pairs).await
}

pub async fn body(
    State(state): State<PublicSite>,
    Base(site): Base,
    PathId(id): PathId<witan_domain::Organisation>,
) -> Answer {
    let o = objects(&state, &site);
    let stamp = o.stamp(PublishedKind::Organisation, id.get()).await?;
    Ok(ok(&o.body(id, &stamp).await?))
}

pub async fn legislative_term(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((id, year)): Path<(String, String)>,
) -> Answer {
    let o = objects(&state, &site);
    let id: OrganisationId = id_of(&id)?;
    o.stamp(PublishedKind::Organisation, id.get()).await?;
    let year: i32 = year.parse().map_err(|_| OParlError(AppError::NotFound))?;
    let terms = o.legislative_terms(id).await?;
    let wanted = o
        .legislative_term(id, year)
        .ok_or(OParlError(AppError::NotFound))?;
    if !terms.contains(&wanted) {
        return Err(OParlError(AppError::NotFound));
    }
    Ok(ok(&wanted))
}

/// Objects read by kind and id: organizations, people, meetings, papers and files.
pub async fn object(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((kind, id)): Path<(String, String)>,
) -> Answer {
    let o = objects(&state, &site);
    let kind = match kind.as_str() {
        "organization" => PublishedKind::Committee,
        "person" => PublishedKind::Person,
        "meeting" => PublishedKind::Meeting,
        "paper" => PublishedKind::Issue,
        "file" => PublishedKind::Document,
        "agendaitem" => return Ok(ok(&o.agenda_item_of(id_of(&id)?).await?)),
        "consultation" => return Ok(ok(&o.consultation_of(id_of(&id)?).await?)),
        _ => return Err(OParlError(AppError::NotFound)),
    };
    let id: Id<()> = id_of(&id)?;
    let stamp = o.stamp(kind, id.get()).await?;
    Ok(ok(&o.by_kind(kind, &stamp, true).await?))
}

pub async fn membership(
    State(state): State<PublicSite>,
    Base(site): Base,
    Path((person, id)): Path<(String, String)>,
) -> Answer {
    let o = objects(&state, &site);
    let value = o.membership_of(id_of(&person)?, id_of(&id)?).await?;
    Ok(ok(&value))
}

pub async fn location(
    State(state): State<PublicSite>,
    Base(site): Base,
    PathId(meeting): PathId<witan_domain::Meeting>,
) -> Answer {
    let value = objects(&state, &site).location_of(meeting).await?;
    Ok(ok(&value))
}

/// Anything else under `/oparl/`: an OParl error object, not an HTML page.
pub async fn not_found() -> Response {
    OParlError(AppError::NotFound).into_response()
}
