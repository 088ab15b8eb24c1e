//! Setting up: the page where organisations and committees are added, and organisations
//! edited.

use super::auth::{Editor, Reader};
use super::{Choice, Chrome, conclude, page};
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
use witan_domain::Term;
use witan_domain::Title;

#[derive(Template)]
#[template(path = "ws_setup.html")]
pub(super) struct SetupPage {
    chrome: Chrome,
    organisations: Vec<Choice>,
    partners: Vec<Choice>,
    /// For admins: every organisation with its kind and version, to edit.
    editable_organisations: Vec<(i64, String, &'static str, String)>,
    kinds: Vec<(&'static str, &'static str)>,
    committees: Vec<Choice>,
    done: Option<&'static str>,
    form: FormState,
}

pub(super) async fn setup_page(
    state: &AppState,
    reader: &Reader,
    done: Option<&'static str>,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let all = state.store.organisations().await?;
    let choice = |o: &witan_store::Stored<witan_domain::Organisation>| Choice {
        value: o.id.to_string(),
        label: o.name.to_string(),
    };
    let organisations = all
        .iter()
        .filter(|o| reader.user.may_edit(&[o.id]))
        .map(choice)
        .collect();
    // Only an admin makes a committee joint with another organisation.
    let partners = if reader.user.is_admin() {
        all.iter().map(choice).collect()
    } else {
        Vec::new()
    };
    let editable_organisations = if reader.user.is_admin() {
        all.iter()
            .map(|o| {
                (
                    o.id.get(),
                    o.name.to_string(),
                    o.kind.as_str(),
                    version_of(&o.record),
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    let committees = state
        .store
        .committees()
        .await?
        .into_iter()
        .filter(|c| reader.user.may_edit(c.owners.organisations()))
        .map(|c| Choice {
            value: c.id.to_string(),
            label: c.name.to_string(),
        })
        .collect();
    page(
        &SetupPage {
            chrome: Chrome::from(reader),
            organisations,
            partners,
            editable_organisations,
            kinds: witan_domain::OrganisationKind::ALL
                .iter()
                .map(|k| (k.as_str(), k.label()))
                .collect(),
            committees,
            done,
            form,
        },
        status,
    )
}

/// Where organisations and committees are added.
pub async fn setup(
    State(state): State<AppState>,
    reader: Reader,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    let done = match done.done.as_deref() {
        Some("organisation") => Some("The organisation has been added."),
        Some("organisation_edited") => Some("The organisation has been changed."),
        _ => None,
    };
    setup_page(&state, &reader, done, FormState::default(), StatusCode::OK).await
}

pub async fn add_organisation(
    State(state): State<AppState>,
    editor: Editor,
) -> Result<Response, AppError> {
    let mut f = Fields::new("organisation", &editor.form);
    let name = f.required("name", "Enter the organisation's name", Title::parse);
    let kind = f.required(
        "kind",
        "Choose the kind of organisation",
        witan_domain::OrganisationKind::parse,
    );
    let slug = name
        .as_ref()
        .and_then(|n| f.check(witan_domain::Slug::from_name("name", n.as_str())));
    let outcome = match (name, kind, slug) {
        (Some(name), Some(kind), Some(slug)) if f.ok() => Some(
            state
                .workspace
                .create_organisation(
                    &editor.actor(),
                    &witan_domain::Organisation { slug, name, kind },
                    Utc::now(),
                )
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| "/workspace/setup?done=organisation".to_owned(),
        |form| setup_page(&state, &editor.reader, None, form, StatusCode::BAD_REQUEST),
    )
    .await
}

pub async fn edit_organisation(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::Organisation>,
    editor: Editor,
) -> Result<Response, AppError> {
    let mut f = Fields::new(format!("organisation-{id}"), &editor.form);
    let name = f.required("name", "Enter the organisation's name", Title::parse);
    let kind = f.required(
        "kind",
        "Choose the kind of organisation",
        witan_domain::OrganisationKind::parse,
    );
    let version = f.raw("version").to_owned();
    let outcome = match (name, kind) {
        (Some(name), Some(kind)) if f.ok() => Some(
            state
                .workspace
                .edit_organisation(&editor.actor(), id, &version, name, kind, Utc::now())
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| "/workspace/setup?done=organisation_edited".to_owned(),
        |form| setup_page(&state, &editor.reader, None, form, StatusCode::BAD_REQUEST),
    )
    .await
}
