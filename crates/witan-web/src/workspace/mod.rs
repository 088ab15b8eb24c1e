//! The clerk's workspace: pages that show everything (exempt material included) to signed-in
//! readers, and forms that run the use cases of `witan-app` for clerks and admins.
//!
//! Every handler takes [`Reader`], [`Editor`] or [`Admin`]: the extractor is the check. A form
//! that fails is shown again with the reader's input and an error summary; one that succeeds
//! redirects (303) to the page it changed, with a note of what was done.

use crate::AppState;
use crate::edge::error::{AppError, Refusal};
use crate::edge::forms::{self, Fields, FormState};
use crate::views::MeetingLink;
use askama::Template;
use auth::Reader;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{NaiveDateTime, Utc};
use witan_app::Error as UseCaseError;
use witan_domain::time::london_to_utc;
use witan_domain::{
    ExemptGround, Exemption, MeetingTimes, Minutes, Resolution, Text, Title, Visibility,
};
use witan_store::{Page, When};

mod actions;
mod admin;
mod auth;
mod committees;
mod decisions;
mod documents;
mod escalations;
mod following;
mod items;
mod meetings;
mod organisations;
mod people;

/// Workspace pages show exempt material, so no shared cache may keep them.
fn private(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store, private"),
    );
    response
}

fn page(template: &impl Template, status: StatusCode) -> Result<Response, AppError> {
    Ok(private(status, template.render()?))
}

/// Later than any meeting: a bound the store compares as text, so a four-digit year.
fn far_future() -> chrono::DateTime<Utc> {
    chrono::DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now())
}

/// What the workspace's header needs.
pub struct Chrome {
    pub csrf: String,
    pub user: String,
    pub admin: bool,
}

impl From<&Reader> for Chrome {
    fn from(r: &Reader) -> Self {
        Self {
            csrf: r.session.csrf_token.clone(),
            user: format!("{} ({})", r.user.name, r.user.role.label()),
            admin: r.user.is_admin(),
        }
    }
}

struct CommitteeRow {
    slug: String,
    name: String,
    editable: bool,
}

#[derive(Template)]
#[template(path = "ws_home.html")]
struct HomePage {
    chrome: Chrome,
    committees: Vec<CommitteeRow>,
    upcoming: Vec<MeetingLink>,
}

pub async fn home(State(state): State<AppState>, reader: Reader) -> Result<Response, AppError> {
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .map(|c| CommitteeRow {
            editable: reader.user.may_edit(c.owners.organisations()),
            slug: c.slug.to_string(),
            name: c.name.to_string(),
        })
        .collect();
    let upcoming = state
        .store
        .meetings(None, When::From(Utc::now()), Page::first(20))
        .await?
        .iter()
        .map(MeetingLink::from)
        .collect();
    page(
        &HomePage {
            chrome: Chrome::from(&reader),
            committees,
            upcoming,
        },
        StatusCode::OK,
    )
}

/// Reads the date, start, end and location fields of a meeting form.
fn meeting_fields(f: &mut Fields<'_>) -> Option<(MeetingTimes, Option<Title>)> {
    let date = f.required("date", "Enter the date of the meeting", forms::date);
    let start = f.required("start", "Enter the time the meeting starts", forms::time);
    let end = f.optional("end", forms::time);
    let location = f.optional("location", Title::parse);
    let (date, start, end, location) = (date?, start?, end?, location?);
    let start = f.check(london_to_utc("start", NaiveDateTime::new(date, start)))?;
    let end = match end {
        Some(end) => Some(f.check(london_to_utc("end", NaiveDateTime::new(date, end)))?),
        None => None,
    };
    let times = f.check(
        MeetingTimes::new(start, end)
            .map_err(|e| witan_domain::ValidationError::new("end", e.reason)),
    )?;
    Some((times, location))
}

/// Ends a form: a redirect to `to(result)` when the use case succeeded, otherwise `again` shows
/// the form with its errors (the use case's refusal among them).
async fn conclude<T, Again>(
    mut f: Fields<'_>,
    outcome: Option<Result<T, UseCaseError>>,
    to: impl FnOnce(T) -> String,
    again: impl FnOnce(FormState) -> Again,
) -> Result<Response, AppError>
where
    Again: std::future::Future<Output = Result<Response, AppError>>,
{
    match outcome {
        Some(Ok(value)) => Ok(Redirect::to(&to(value)).into_response()),
        Some(Err(e)) => {
            refused(&mut f, e)?;
            again(f.into_state()).await
        }
        None => again(f.into_state()).await,
    }
}

/// Puts a refused use case's reason on the form, or passes on what is not the form's fault.
fn refused(f: &mut Fields<'_>, e: UseCaseError) -> Result<(), AppError> {
    match AppError::refusal(e)? {
        Refusal::Field(v) => {
            f.check::<()>(Err(v));
        }
        Refusal::Form(reason) => f.fail("form", &reason),
    }
    Ok(())
}

struct Choice {
    value: String,
    label: String,
}

/// Whether an item or document is open or exempt, as its form says: exempt needs the paragraph of
/// Schedule 12A and the date the exemption is to be reviewed (both are read, so both can fail).
fn visibility(f: &mut Fields<'_>) -> Option<Visibility> {
    if f.raw("exempt") != "yes" {
        return Some(Visibility::Public);
    }
    let ground = f.required(
        "ground",
        "Choose the paragraph of Schedule 12A",
        schedule_12a,
    );
    let review_on = f.required(
        "review_on",
        "Enter the date the exemption is to be reviewed",
        forms::date,
    );
    ground.zip(review_on).map(|(ground, review_on)| {
        Visibility::Exempt(Exemption {
            ground,
            review_on: Some(review_on),
        })
    })
}

/// The minutes of an item as a form gives them: the narrative, and the resolution a point a line.
fn minutes_of(f: &mut Fields<'_>, text: &str, points: &str) -> Option<Minutes> {
    let text = f.check(Text::parse("text", text));
    let points: Option<Vec<Text>> = points
        .lines()
        .map(|line| Text::parse("points", line.trim()))
        .collect::<Result<_, _>>()
        .map_err(|e| f.fail(e.field, &e.reason))
        .ok();
    Some(Minutes {
        text: text?,
        resolution: Resolution::new(points?, Text::default()),
    })
}

/// Reads a paragraph of Schedule 12A chosen from the list.
fn schedule_12a(
    field: &'static str,
    raw: &str,
) -> Result<ExemptGround, witan_domain::ValidationError> {
    raw.parse::<u8>()
        .map_err(|_| witan_domain::ValidationError::new(field, "choose a paragraph from 1 to 7"))
        .and_then(|p| ExemptGround::schedule_12a(field, p))
}

/// The item a path names, and the meeting it is on.
async fn item_meeting(
    state: &AppState,
    id: witan_domain::ItemId,
) -> Result<(witan_domain::ItemId, witan_domain::MeetingId), AppError> {
    let item = state.store.item(id).await?;
    Ok((item.id, item.meeting))
}

/// Sign-in and the clerk's workspace: the workspace's own router, outside the page cache.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/account/password",
            get(auth::password_form).post(auth::change_password),
        )
        .route("/workspace", get(home))
        .route(
            "/workspace/committees/{slug}",
            get(committees::committee).post(committees::edit_committee),
        )
        .route(
            "/workspace/committees/{slug}/members",
            post(committees::add_member),
        )
        .route(
            "/workspace/committees/{slug}/forward-plan",
            post(committees::add_forward_plan_entry),
        )
        .route("/workspace/committees", post(committees::add_committee))
        .route(
            "/workspace/committees/{slug}/members/{membership}/end",
            post(committees::end_membership),
        )
        .route(
            "/workspace/people/{id}",
            get(people::person).post(people::edit_person),
        )
        .route(
            "/workspace/organisations/{id}",
            post(organisations::edit_organisation),
        )
        .route(
            "/workspace/organisations",
            post(organisations::add_organisation),
        )
        .route("/workspace/setup", get(organisations::setup))
        .route(
            "/workspace/committees/{slug}/meetings",
            post(committees::schedule),
        )
        .route(
            "/workspace/meetings/{id}",
            get(meetings::meeting).post(meetings::edit_meeting),
        )
        .route(
            "/workspace/meetings/{id}/status",
            post(meetings::meeting_status),
        )
        .route("/workspace/meetings/{id}/items", post(items::add_item))
        .route(
            "/workspace/meetings/{id}/attendance",
            post(meetings::attendance),
        )
        .route(
            "/workspace/meetings/{id}/declarations",
            post(meetings::declaration),
        )
        .route(
            "/workspace/meetings/{id}/sign-off",
            post(meetings::sign_off),
        )
        .route("/workspace/items/{id}", post(items::edit_item))
        .route(
            "/workspace/decisions/{id}/status",
            post(decisions::decision_status),
        )
        .route(
            "/workspace/meetings/{id}/correction",
            post(meetings::correct),
        )
        .route("/workspace/items/{id}/minutes", post(items::minutes))
        .route("/workspace/items/{id}/decisions", post(items::decision))
        .route("/workspace/items/{id}/actions", post(items::action))
        .route("/workspace/items/{id}/escalations", post(items::escalation))
        .route("/workspace/items/{id}/release", post(items::release))
        .route(
            "/workspace/actions/{id}/updates",
            post(actions::action_update),
        )
        .route(
            "/workspace/escalations/{id}/consider",
            post(escalations::consider),
        )
        .route(
            "/workspace/escalations/{id}/accept",
            post(escalations::accept_escalation),
        )
        .route(
            "/workspace/escalations/{id}/decline",
            post(escalations::decline_escalation),
        )
        .route("/workspace/documents/{id}", get(documents::document))
        .route(
            "/workspace/items/{id}/documents",
            post(documents::upload).layer(axum::extract::DefaultBodyLimit::max(
                witan_app::documents::MAX_UPLOAD_BYTES + (1 << 20),
            )),
        )
        .route("/workspace/exempt", get(documents::exempt_register))
        .route(
            "/workspace/documents/{id}/release",
            post(documents::release_document),
        )
        .route("/workspace/audit", get(admin::audit))
        .route("/workspace/following", get(following::following))
        .route("/workspace/users", get(admin::users).post(admin::add_user))
        .route("/workspace/users/{id}", post(admin::change_user))
        .route("/workspace/users/{id}/remove", post(admin::remove_user))
}
