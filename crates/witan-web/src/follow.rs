//! Following by email: the follow form's answer (`POST /subscriptions`), the confirmation, and a
//! subscriber's private management page (`/subscriptions/{token}`), with RFC 8058's one-click
//! unsubscribe. Outside the public route table and the page cache: these pages answer a private
//! link, write through the following use cases only, and are never kept or indexed.

use crate::edge::answer::html;
use crate::edge::error::AppError;
use crate::{Client, TrustedProxies};
use askama::Template;
use axum::Router;
use axum::extract::{Form, FromRef, Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::Utc;
use witan_app::following::Following;
use witan_domain::{CommitteeId, FollowTarget, Frequency, IssueId, SavedSearch, Term};

/// What the following pages can reach: its use cases, and who the client is.
#[derive(Debug, Clone)]
pub struct FollowSite {
    pub following: Following,
    pub trusted_proxies: TrustedProxies,
}

impl FromRef<FollowSite> for TrustedProxies {
    fn from_ref(site: &FollowSite) -> Self {
        site.trusted_proxies.clone()
    }
}

pub fn router() -> Router<FollowSite> {
    Router::new()
        .route("/subscriptions", post(follow))
        .route("/subscriptions/{token}", get(manage))
        .route(
            "/subscriptions/{token}/confirm/{subscription}",
            get(confirm_page).post(confirm),
        )
        .route("/subscriptions/{token}/frequency", post(frequency))
        .route("/subscriptions/{token}/stop", post(stop))
        .route("/subscriptions/{token}/forget", post(forget))
        .route("/subscriptions/{token}/unsubscribe", post(unsubscribe))
}

#[derive(Template)]
#[template(path = "subscriptions.html")]
struct Page {
    title: String,
    message: Vec<String>,
    confirm: Option<String>,
    held: Option<HeldView>,
    frequencies: Vec<(&'static str, &'static str)>,
}

struct HeldView {
    email: String,
    created: String,
    base: String,
    follows: Vec<FollowView>,
}

struct FollowView {
    id: i64,
    label: String,
    confirmed: bool,
    frequency: &'static str,
}

fn page(title: &str, message: &[&str]) -> Page {
    Page {
        title: title.to_owned(),
        message: message.iter().map(|m| (*m).to_owned()).collect(),
        confirm: None,
        held: None,
        frequencies: Frequency::ALL
            .iter()
            .map(|f| (f.as_str(), f.label()))
            .collect(),
    }
}

/// Private pages: never stored by a cache, never indexed, never sent as a referrer.
fn private(status: StatusCode, page: &Page) -> Result<Response, AppError> {
    let mut response = html(page)?;
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-robots-tag", HeaderValue::from_static("noindex"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

/// What the follow form sends: an address, how often, and one thing to follow.
#[derive(Debug, serde::Deserialize)]
pub struct FollowForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    frequency: String,
    committee: Option<String>,
    issue: Option<String>,
    search: Option<String>,
}

fn target_of(form: &FollowForm) -> Result<FollowTarget, String> {
    let id = |raw: &str| raw.trim().parse::<i64>().ok().filter(|n| *n > 0);
    match (&form.committee, &form.issue, &form.search) {
        (Some(c), None, None) => id(c)
            .map(|n| FollowTarget::Committee(CommitteeId::new(n)))
            .ok_or_else(|| "committee: not a committee's id".to_owned()),
        (None, Some(i), None) => id(i)
            .map(|n| FollowTarget::Issue(IssueId::new(n)))
            .ok_or_else(|| "issue: not an issue's id".to_owned()),
        (None, None, Some(s)) => SavedSearch::parse("search", s)
            .map(FollowTarget::Search)
            .map_err(|e| e.to_string()),
        _ => Err("name one committee, issue or search to follow".to_owned()),
    }
}

async fn follow(
    State(site): State<FollowSite>,
    client: Client,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    let refused =
        |words: String| private(StatusCode::BAD_REQUEST, &page("Not followed", &[&words]));
    let target = match target_of(&form) {
        Ok(target) => target,
        Err(words) => return refused(words),
    };
    let frequency = match Frequency::parse("frequency", &form.frequency) {
        Ok(f) => f,
        Err(e) => return refused(e.to_string()),
    };
    match site
        .following
        .follow(
            &form.email,
            &target,
            frequency,
            &client.address.to_string(),
            Utc::now(),
        )
        .await
    {
        Ok(()) => private(
            StatusCode::OK,
            &page(
                "Check your email",
                &[
                    "If the address can be followed from, a message is on its way to it with a link to confirm. Nothing is sent until you confirm.",
                    "No message? Look in your junk folder, or ask again later.",
                ],
            ),
        ),
        Err(witan_app::Error::Store(witan_store::StoreError::Invalid(e))) => refused(e.to_string()),
        Err(e @ witan_app::Error::TooManyRequests { .. }) => private(
            StatusCode::TOO_MANY_REQUESTS,
            &page("Not followed", &[&e.to_string()]),
        ),
        Err(e) => Err(e.into()),
    }
}

async fn manage(
    State(site): State<FollowSite>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let held = site.following.held(&token).await?;
    let mut shown = page("Your email alerts", &[]);
    shown.held = Some(HeldView {
        email: held.subscriber.email.to_string(),
        created: witan_domain::time::uk_datetime(held.subscriber.created),
        base: format!("/subscriptions/{token}"),
        follows: held
            .follows
            .iter()
            .map(|f| FollowView {
                id: f.id,
                label: f.label.clone(),
                confirmed: f.confirmed.is_some(),
                frequency: f.frequency.as_str(),
            })
            .collect(),
    });
    private(StatusCode::OK, &shown)
}

/// The confirmation link opens a page with a button: a link checker opening the message's links
/// does not confirm anything.
async fn confirm_page(
    State(site): State<FollowSite>,
    Path((token, subscription)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    let held = site.following.held(&token).await?;
    let Some(follow) = held.follows.iter().find(|f| f.id == subscription) else {
        return Err(AppError::NotFound);
    };
    let mut shown = page(
        "Confirm your email alert",
        &[&format!(
            "Email {} with {} when {} changes.",
            held.subscriber.email,
            follow.frequency.label(),
            follow.label
        )],
    );
    shown.confirm = Some(format!("/subscriptions/{token}/confirm/{subscription}"));
    private(StatusCode::OK, &shown)
}

async fn confirm(
    State(site): State<FollowSite>,
    Path((token, subscription)): Path<(String, i64)>,
) -> Result<Response, AppError> {
    site.following
        .confirm(&token, subscription, Utc::now())
        .await?;
    Ok(Redirect::to(&format!("/subscriptions/{token}")).into_response())
}

#[derive(Debug, serde::Deserialize)]
struct Change {
    subscription: Option<i64>,
    #[serde(default)]
    frequency: String,
}

async fn frequency(
    State(site): State<FollowSite>,
    Path(token): Path<String>,
    Form(change): Form<Change>,
) -> Result<Response, AppError> {
    let frequency = Frequency::parse("frequency", &change.frequency)
        .map_err(|e| AppError::Store(witan_store::StoreError::Invalid(e)))?;
    let subscription = change.subscription.ok_or(AppError::BadForm)?;
    site.following
        .set_frequency(&token, subscription, frequency)
        .await?;
    Ok(Redirect::to(&format!("/subscriptions/{token}")).into_response())
}

async fn stop(
    State(site): State<FollowSite>,
    Path(token): Path<String>,
    Form(change): Form<Change>,
) -> Result<Response, AppError> {
    site.following.stop(&token, change.subscription).await?;
    Ok(Redirect::to(&format!("/subscriptions/{token}")).into_response())
}

async fn forget(
    State(site): State<FollowSite>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    site.following.forget(&token).await?;
    private(
        StatusCode::OK,
        &page(
            "Deleted",
            &[
                "Your address and everything held about it have been deleted. Nothing more will be sent to it.",
            ],
        ),
    )
}

/// RFC 8058: a mail client's one-click unsubscribe POSTs `List-Unsubscribe=One-Click` here; a
/// person's browser may post the same. Either way, every follow of the address stops.
async fn unsubscribe(
    State(site): State<FollowSite>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    site.following.stop(&token, None).await?;
    private(
        StatusCode::OK,
        &page(
            "Unsubscribed",
            &["You follow nothing now, and nothing more will be sent to you."],
        ),
    )
}
