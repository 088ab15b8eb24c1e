//! A person's workspace page and its form.

use super::auth::{Editor, Reader};
use super::{Chrome, conclude, page};
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms::{Done, Fields, FormState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use witan_app::version_of;
use witan_domain::{Title, time};

#[derive(Template)]
#[template(path = "ws_person.html")]
pub(super) struct PersonPage {
    chrome: Chrome,
    id: i64,
    name: String,
    job_title: String,
    version: String,
    editable: bool,
    memberships: Vec<(String, String, &'static str, String)>,
    done: bool,
    form: FormState,
}

pub(super) async fn person_page(
    state: &AppState,
    reader: &Reader,
    id: witan_domain::PersonId,
    done: bool,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let record = state
        .store
        .person_record(id, reader.user.audience())
        .await?;
    page(
        &PersonPage {
            chrome: Chrome::from(reader),
            id: id.get(),
            name: record.person.name.to_string(),
            job_title: record
                .person
                .job_title
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            version: version_of(&record.person.record),
            editable: reader.may_edit()
                && state
                    .workspace
                    .may_edit_person(&reader.actor(), id)
                    .await
                    .map_err(AppError::from)?,
            memberships: record
                .memberships
                .iter()
                .map(|(m, c)| {
                    let span = match m.until {
                        Some(until) => {
                            format!("{} to {}", time::uk_date(m.from), time::uk_date(until))
                        }
                        None => format!("since {}", time::uk_date(m.from)),
                    };
                    (c.slug.clone(), c.name.clone(), m.role.label(), span)
                })
                .collect(),
            done,
            form,
        },
        status,
    )
}

pub async fn person(
    State(state): State<AppState>,
    reader: Reader,
    PathId(id): PathId<witan_domain::Person>,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    person_page(
        &state,
        &reader,
        id,
        done.done.is_some(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn edit_person(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::Person>,
    editor: Editor,
) -> Result<Response, AppError> {
    let mut f = Fields::new("person", &editor.form);
    let name = f.required("name", "Enter the person's name", Title::parse);
    let job_title = f.optional("job_title", Title::parse);
    let version = f.raw("version").to_owned();
    let outcome = match (name, job_title) {
        (Some(name), Some(job_title)) if f.ok() => Some(
            state
                .workspace
                .edit_person(
                    &editor.actor(),
                    id,
                    &version,
                    &witan_domain::Person { name, job_title },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| format!("/workspace/people/{id}?done=1"),
        |form| {
            person_page(
                &state,
                &editor.reader,
                id,
                false,
                form,
                StatusCode::BAD_REQUEST,
            )
        },
    )
    .await
}
