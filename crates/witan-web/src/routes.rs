//! Every public route in one table. The router is built from it and the leak tests crawl every
//! path in it ([`paths`]), so a new public route is crawled, with the ids of records the public
//! may not see, without anyone remembering to add it. Every handler here takes
//! `State<PublicSite>`: the table cannot hold a route that reads as anyone but the public.

use crate::{PublicSite, api, oparl, site};
use axum::Router;
use axum::routing::MethodRouter;

/// Whether a route's answers may be kept by the page cache: the route table says so, and the
/// caching middleware (which knows no handler) is put in front of the routes it keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// Rendered pages and open data: kept while the store is unchanged, and tagged.
    Pages,
    /// Tagged but never kept: the health check, and search, which answers from the index that
    /// follows the store a moment later.
    Fresh,
    /// Files, which can be larger than the cache keeps: neither kept nor tagged.
    Bypass,
}

/// The public routes: path template, caching, handler. Each surface lists its own; this is the
/// one table they make together.
fn table() -> Vec<(&'static str, Caching, MethodRouter<PublicSite>)> {
    let mut table = site::routes();
    table.extend(api::routes());
    table.extend(oparl::routes());
    table
}

/// Every public path template, with how it is cached: what the leak tests crawl.
pub fn paths() -> Vec<(&'static str, Caching)> {
    table()
        .into_iter()
        .map(|(path, caching, _)| (path, caching))
        .collect()
}

/// The public routes, by how they are cached.
pub(crate) struct Public {
    pub kept: Router<PublicSite>,
    pub fresh: Router<PublicSite>,
    pub files: Router<PublicSite>,
}

/// The public routes: those the page cache keeps, those it tags only, and files.
pub(crate) fn public() -> Public {
    let mut routers = Public {
        kept: Router::new(),
        fresh: Router::new(),
        files: Router::new(),
    };
    for (path, caching, handler) in table() {
        let router = match caching {
            Caching::Pages => &mut routers.kept,
            Caching::Fresh => &mut routers.fresh,
            Caching::Bypass => &mut routers.files,
        };
        *router = std::mem::take(router).route(path, handler);
    }
    routers
}
