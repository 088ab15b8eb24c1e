//! Every public route in one table. The router is built from it and the leak tests crawl every
//! path in it ([`paths`]), so a new public route is crawled, with the ids of records the public
//! may not see, without anyone remembering to add it. Every handler here takes
//! `State<PublicSite>`: the table cannot hold a route that reads as anyone but the public.

use crate::{PublicSite, api, feeds, oparl, pages, registers, search};
use axum::Router;
use axum::routing::{MethodRouter, get};

/// Whether a route's answers may be kept by the page cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Rendered pages and open data: kept while the store is unchanged.
    Pages,
    /// Files, which can be larger than the cache keeps.
    Bypass,
}

/// The public routes: path template, caching, handler.
fn table() -> Vec<(&'static str, Caching, MethodRouter<PublicSite>)> {
    use Caching::{Bypass, Pages};
    vec![
        ("/", Pages, get(pages::home)),
        ("/healthz", Pages, get(pages::healthz)),
        ("/static/witan.css", Pages, get(pages::stylesheet)),
        ("/committees", Pages, get(pages::committees)),
        ("/committees/{slug}", Pages, get(pages::committee)),
        (
            "/committees/{slug}/escalations/{direction}",
            Pages,
            get(pages::committee_escalations),
        ),
        (
            "/committees/{slug}/meetings",
            Pages,
            get(pages::committee_meetings),
        ),
        (
            "/committees/{slug}/calendar.ics",
            Pages,
            get(feeds::committee_meetings),
        ),
        ("/calendar.ics", Pages, get(feeds::all_meetings)),
        ("/feeds/decisions.atom", Pages, get(feeds::decisions)),
        ("/people/{id}", Pages, get(pages::person)),
        ("/people/{id}/meetings", Pages, get(pages::person_meetings)),
        ("/meetings/{id}", Pages, get(pages::meeting)),
        ("/issues/{id}", Pages, get(pages::issue)),
        ("/decisions", Pages, get(registers::decisions)),
        ("/actions", Pages, get(registers::actions)),
        ("/forward-plan", Pages, get(registers::forward_plan)),
        ("/search", Pages, get(search::page)),
        ("/documents/{id}", Bypass, get(pages::document)),
        ("/api/v1/search", Pages, get(search::api)),
        ("/api/v1/search/suggest", Pages, get(search::suggest)),
        ("/api/v1", Pages, get(api::index)),
        ("/api/v1/", Pages, get(api::index)),
        ("/api/openapi.json", Pages, get(api::openapi)),
        ("/api/v1/organisations", Pages, get(api::organisations)),
        ("/api/v1/organisations/{id}", Pages, get(api::organisation)),
        ("/api/v1/committees", Pages, get(api::committees)),
        ("/api/v1/committees/{id}", Pages, get(api::committee)),
        ("/api/v1/people", Pages, get(api::people)),
        ("/api/v1/people/{id}", Pages, get(api::person)),
        ("/api/v1/meetings", Pages, get(api::meetings)),
        ("/api/v1/meetings/{id}", Pages, get(api::meeting)),
        ("/api/v1/issues", Pages, get(api::issues)),
        ("/api/v1/issues/{id}", Pages, get(api::issue)),
        ("/api/v1/documents", Pages, get(api::documents)),
        ("/api/v1/documents/{id}", Pages, get(api::document)),
        ("/api/v1/decisions", Pages, get(api::decisions)),
        ("/api/v1/decisions/{id}", Pages, get(api::decision)),
        ("/api/v1/actions", Pages, get(api::actions)),
        ("/api/v1/actions/{id}", Pages, get(api::action)),
        ("/api/v1/escalations", Pages, get(api::escalations)),
        ("/api/v1/escalations/{id}", Pages, get(api::escalation)),
        ("/api/v1/forward-plan", Pages, get(api::forward_plan)),
        (
            "/api/v1/forward-plan/{id}",
            Pages,
            get(api::forward_plan_entry),
        ),
        ("/api/{*rest}", Pages, get(api::not_found)),
        ("/oparl", Pages, get(oparl::entry)),
        ("/oparl/v1.1", Pages, get(oparl::entry)),
        ("/oparl/v1.1/", Pages, get(oparl::entry)),
        ("/oparl/v1.1/system", Pages, get(oparl::system)),
        ("/oparl/v1.1/bodies", Pages, get(oparl::bodies)),
        ("/oparl/v1.1/body/{id}", Pages, get(oparl::body)),
        (
            "/oparl/v1.1/body/{id}/term/{year}",
            Pages,
            get(oparl::legislative_term),
        ),
        ("/oparl/v1.1/body/{id}/{list}", Pages, get(oparl::body_list)),
        (
            "/oparl/v1.1/organization/{id}/meetings",
            Pages,
            get(oparl::committee_meetings),
        ),
        (
            "/oparl/v1.1/person/{person}/membership/{id}",
            Pages,
            get(oparl::membership),
        ),
        (
            "/oparl/v1.1/meeting/{id}/location",
            Pages,
            get(oparl::location),
        ),
        ("/oparl/v1.1/{kind}/{id}", Pages, get(oparl::object)),
        ("/oparl/{*rest}", Pages, get(oparl::not_found)),
    ]
}

/// Every public path template, with how it is cached: what the leak tests crawl.
pub fn paths() -> Vec<(&'static str, Caching)> {
    table()
        .into_iter()
        .map(|(path, caching, _)| (path, caching))
        .collect()
}

/// The public routes: those the page cache keeps, and those it does not.
pub(crate) fn public() -> (Router<PublicSite>, Router<PublicSite>) {
    let mut cached = Router::new();
    let mut uncached = Router::new();
    for (path, caching, handler) in table() {
        match caching {
            Caching::Pages => cached = cached.route(path, handler),
            Caching::Bypass => uncached = uncached.route(path, handler),
        }
    }
    (cached, uncached)
}
