//! What residents follow, for clerks: how many follow each thing and what went out, never who.

use super::auth::Reader;
use super::{Chrome, page};
use crate::AppState;
use crate::edge::error::AppError;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use witan_domain::{FollowTarget, time};

/// Messages the page lists, newest first.
const RECENT_MAIL: u32 = 50;

struct FollowedRow {
    kind: &'static str,
    label: String,
    link: Option<String>,
    followers: u64,
}

struct MailRow {
    kind: String,
    subject: String,
    state: String,
}

#[derive(Template)]
#[template(path = "ws_following.html")]
struct FollowingPage {
    chrome: Chrome,
    followed: Vec<FollowedRow>,
    waiting: u64,
    mail: Vec<MailRow>,
}

pub async fn following(
    State(state): State<AppState>,
    reader: Reader,
) -> Result<Response, AppError> {
    let store = &state.store;
    let followed = store
        .follower_counts()
        .await?
        .into_iter()
        .map(|c| FollowedRow {
            kind: match c.target {
                FollowTarget::Committee(_) => "Committee",
                FollowTarget::Issue(_) => "Issue",
                FollowTarget::Search(_) => "Search",
            },
            link: match &c.target {
                FollowTarget::Committee(_) => None,
                FollowTarget::Issue(id) => Some(format!("/issues/{}", id.get())),
                FollowTarget::Search(search) => Some(format!("/search?{}", search.as_str())),
            },
            label: c.label,
            followers: c.confirmed,
        })
        .collect();
    let mail = store
        .recent_mail(RECENT_MAIL)
        .await?
        .into_iter()
        .map(|m| MailRow {
            kind: m.kind,
            subject: m.subject,
            state: match (m.sent, m.attempts) {
                (Some(at), _) => format!("Sent {}", time::uk_datetime(at)),
                (None, 0) => "Waiting to be sent".to_owned(),
                (None, n) => format!("Not taken by the mail server after {n} tries; retrying"),
            },
        })
        .collect();
    page(
        &FollowingPage {
            chrome: Chrome::from(&reader),
            followed,
            waiting: store.unsent_mail().await?,
            mail,
        },
        StatusCode::OK,
    )
}
