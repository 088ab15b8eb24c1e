//! The search page and the JSON search endpoints: parse the request, ask the index as the public,
//! show what it found.

use super::registers::committee_choice;
use crate::PublicSite;
use crate::edge::error::{AppError, JsonError};
use crate::edge::extract::Params;
use crate::views::{Choice, Pager};
use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use std::collections::HashMap;
use witan_domain::{Term, time};
use witan_search::{Hit, SearchRequest, SearchResults, Sort, Suggestion};
use witan_store::SearchKind;

const PER_PAGE: u32 = 20;

/// What the answer shows of the request's committees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Committees {
    /// Every committee, for the page's filter.
    Choices,
    /// Only the one the request names, checked.
    Named,
}

/// The request a query string describes; a malformed parameter is a 400 naming it.
pub(super) async fn request(
    state: &PublicSite,
    params: &Params,
    shown: Committees,
) -> Result<(SearchRequest, Vec<Choice>), AppError> {
    let committees = if shown == Committees::Choices || params.text("committee").is_some() {
        committee_choice(state, params).await?.1
    } else {
        Vec::new()
    };
    let organisation = match params.text("organisation") {
        None => None,
        Some(slug) => {
            let known = state.store.organisations().await?;
            if !known.iter().any(|o| o.slug.as_str() == slug) {
                return Err(AppError::BadRequest {
                    parameter: "organisation",
                    reason: format!(
                        "no organisation has the name \"{}\"",
                        slug.chars().take(60).collect::<String>()
                    ),
                });
            }
            Some(slug.to_owned())
        }
    };
    let page = params.page()?;
    if page > witan_search::MAX_PAGE {
        return Err(AppError::BadRequest {
            parameter: "page",
            reason: format!(
                "goes up to {}; narrow the search to see more",
                witan_search::MAX_PAGE
            ),
        });
    }
    let asked =
        SearchRequest::from_params(|name| params.text(name)).map_err(|e| AppError::BadRequest {
            parameter: e.field,
            reason: e.reason,
        })?;
    Ok((
        SearchRequest {
            organisation,
            page,
            per_page: PER_PAGE,
            ..asked
        },
        committees,
    ))
}

/// How long a search waits for the index to take in changes already committed to the store.
const CATCH_UP: std::time::Duration = std::time::Duration::from_secs(2);

/// Runs a query off the threads that serve requests, once the index holds every change the store
/// had committed when the request came, by this process or any other sharing the database.
pub(super) async fn run(
    state: &PublicSite,
    request: SearchRequest,
) -> Result<SearchResults, AppError> {
    let search = state.search.clone();
    if search.is_complete() {
        let latest = state.cache.last_search_change(&state.store).await?;
        if !search.reach(latest, CATCH_UP).await {
            tracing::warn!(
                index = search.seq(),
                store = latest,
                "search answered before the index caught up with the store"
            );
        }
    }
    tokio::task::spawn_blocking(move || search.search(&request))
        .await
        .map_err(|e| AppError::Internal(format!("search thread: {e}")))?
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// Where a found record is read.
fn link(
    kind: SearchKind,
    id: i64,
    meeting: Option<i64>,
    number: Option<&str>,
    issue: Option<i64>,
) -> String {
    match (kind, meeting, number, issue) {
        (SearchKind::Issue, ..) => format!("/issues/{id}"),
        (SearchKind::Action, Some(m), ..) => format!("/meetings/{m}"),
        (_, Some(m), Some(n), _) => format!("/meetings/{m}#item-{n}"),
        (_, Some(m), None, _) => format!("/meetings/{m}"),
        (_, None, _, Some(i)) => format!("/issues/{i}"),
        (SearchKind::Decision, ..) => "/decisions".to_owned(),
        _ => "/".to_owned(),
    }
}

pub(super) fn hit_link(h: &Hit) -> String {
    link(h.kind, h.id, h.meeting, h.item_number.as_deref(), h.issue)
}

struct HitView {
    kind: &'static str,
    title: String,
    link: String,
    snippet_html: String,
    date: Option<String>,
    committee: Option<(String, String)>,
}

struct Facet {
    label: String,
    count: u64,
    link: String,
    current: bool,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    searched: bool,
    complete: bool,
    total: usize,
    hits: Vec<HitView>,
    notes: Vec<String>,
    kinds: Vec<Choice>,
    committees: Vec<Choice>,
    kind_facets: Vec<Facet>,
    committee_facets: Vec<Facet>,
    from: String,
    until: String,
    key_only: bool,
    newest: bool,
    pager: Pager,
    /// A search with words or a filter can be followed, by email or in a feed.
    followable: bool,
    follow_field: &'static str,
    follow_id: String,
    follow_label: String,
    follow_feed: String,
}

pub async fn page(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let params = Params::new(raw);
    let (request, committees) = request(&state, &params, Committees::Choices).await?;
    let searched = !request.text.trim().is_empty() || !request.is_empty();
    let results = run(&state, request.clone()).await?;
    let text = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let kept = vec![
        ("q", request.text.clone()),
        (
            "kind",
            request
                .kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("committee", request.committee.clone().unwrap_or_default()),
        (
            "organisation",
            request.organisation.clone().unwrap_or_default(),
        ),
        ("from", text(request.from)),
        ("to", text(request.until)),
        (
            "key",
            if request.key_only {
                "on".into()
            } else {
                String::new()
            },
        ),
        (
            "sort",
            if request.sort == Sort::Newest {
                "newest".into()
            } else {
                String::new()
            },
        ),
    ];
    // A facet link is this search with one filter set (or cleared, for the current one).
    let facet_link = |name: &str, value: &str| {
        let params: Vec<(&str, String)> = kept
            .iter()
            .map(|(k, v)| {
                if *k == name {
                    (*k, value.to_owned())
                } else {
                    (*k, v.clone())
                }
            })
            .collect();
        Pager::link("/search", &params, 1)
    };
    let committee_names: HashMap<String, String> = committees
        .iter()
        .map(|c| (c.value.clone(), c.label.clone()))
        .collect();
    let kind_facets = results
        .kinds
        .iter()
        .map(|(kind, count)| {
            let current = request.kind == Some(*kind);
            Facet {
                label: kind.label().to_owned(),
                count: *count,
                link: facet_link("kind", if current { "" } else { kind.as_str() }),
                current,
            }
        })
        .collect();
    let committee_facets = results
        .committees
        .iter()
        .take(12)
        .map(|(slug, count)| {
            let current = request.committee.as_deref() == Some(slug.as_str());
            Facet {
                label: committee_names
                    .get(slug)
                    .cloned()
                    .unwrap_or_else(|| slug.clone()),
                count: *count,
                link: facet_link("committee", if current { "" } else { slug }),
                current,
            }
        })
        .collect();
    let saved = request.to_query();
    let has_next = (request.page as usize) * (PER_PAGE as usize) < results.total
        && request.page < witan_search::MAX_PAGE;
    let page = SearchPage {
        q: request.text.clone(),
        searched,
        complete: state.search.is_complete(),
        total: results.total,
        hits: results
            .hits
            .iter()
            .map(|h| HitView {
                kind: kind_name(h.kind),
                title: h.title.clone(),
                link: hit_link(h),
                snippet_html: h.snippet_html.clone(),
                date: h.date.map(time::uk_date),
                committee: h.committee.clone(),
            })
            .collect(),
        notes: results.notes,
        kinds: SearchKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: k.label().to_owned(),
                selected: request.kind == Some(*k),
            })
            .collect(),
        committees,
        kind_facets,
        committee_facets,
        from: text(request.from),
        until: text(request.until),
        key_only: request.key_only,
        newest: request.sort == Sort::Newest,
        pager: Pager::new("/search", &kept, request.page, has_next),
        followable: !request.is_empty(),
        follow_field: "search",
        follow_label: request.describe(),
        follow_feed: format!("/search/feed.atom?{saved}"),
        follow_id: saved,
    };
    Ok(Html(page.render()?).into_response())
}

fn kind_name(kind: SearchKind) -> &'static str {
    match kind {
        SearchKind::Item => "Agenda item",
        SearchKind::Issue => "Issue",
        SearchKind::Decision => "Decision",
        SearchKind::Action => "Action",
        SearchKind::Document => "Report",
    }
}

/// An error of the JSON API: a status and `{"error": {"code", "message", "parameter"}}`.
fn api_error(error: AppError) -> Response {
    JsonError(error).into_response()
}

/// `GET /api/v1/search`: the same question as the page, answered in JSON.
pub async fn api(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
) -> Response {
    let params = Params::new(raw);
    let request = match request(&state, &params, Committees::Named).await {
        Ok((request, _)) => request,
        Err(e) => return api_error(e),
    };
    let results = match run(&state, request.clone()).await {
        Ok(results) => results,
        Err(e) => return api_error(e),
    };
    let hits: Vec<serde_json::Value> = results
        .hits
        .iter()
        .map(|h| {
            serde_json::json!({
                "kind": h.kind,
                "id": h.id,
                "title": h.title,
                "url": hit_link(h),
                "snippet_html": h.snippet_html,
                "date": h.date,
                "committee": h.committee.as_ref().map(|(slug, name)| serde_json::json!({"slug": slug, "name": name})),
            })
        })
        .collect();
    Json(serde_json::json!({
        "total": results.total,
        "page": request.page,
        "per_page": PER_PAGE,
        "complete": state.search.is_complete(),
        "results": hits,
        "facets": {
            "kind": results.kinds.iter().map(|(k, n)| serde_json::json!({"value": k, "count": n})).collect::<Vec<_>>(),
            "committee": results.committees.iter().map(|(c, n)| serde_json::json!({"value": c, "count": n})).collect::<Vec<_>>(),
        },
        "notes": results.notes,
    }))
    .into_response()
}

/// `GET /api/v1/search/suggest?q=…`: titles completing what has been typed.
pub async fn suggest(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
) -> Response {
    let params = Params::new(raw);
    let typed = params.text("q").unwrap_or_default().to_owned();
    let search = state.search.clone();
    let found = tokio::task::spawn_blocking(move || search.suggest(&typed)).await;
    let suggestions: Vec<Suggestion> = match found {
        Ok(Ok(s)) => s,
        Ok(Err(e)) => return api_error(AppError::Internal(e.to_string())),
        Err(e) => return api_error(AppError::Internal(e.to_string())),
    };
    Json(serde_json::json!({
        "suggestions": suggestions.iter().map(|s| serde_json::json!({
            "title": s.title,
            "kind": s.kind,
            "url": link(s.kind, s.id, s.meeting, s.item_number.as_deref(), s.issue),
        })).collect::<Vec<_>>()
    }))
    .into_response()
}
