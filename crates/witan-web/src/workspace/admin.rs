//! Accounts and the audit log, for admins.

use super::auth::{Admin, Editor, Reader};
use super::{Choice, Chrome, conclude, page, refused};
use crate::AppState;
use crate::edge::error::AppError;
use crate::edge::extract::PathId;
use crate::edge::forms;
use crate::edge::forms::{Done, Fields, FormState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use chrono::Utc;
use std::collections::HashMap;
use witan_domain::Term;
use witan_domain::{Role, time};
use witan_store::Page;

pub(super) struct AuditRow {
    at: String,
    by: String,
    action: String,
    record: String,
    before: String,
    after: String,
}

#[derive(Template)]
#[template(path = "ws_audit.html")]
pub(super) struct AuditPage {
    chrome: Chrome,
    rows: Vec<AuditRow>,
    next: Option<u32>,
    previous: Option<u32>,
}

pub(super) const AUDIT_PAGE: u32 = 100;

pub async fn audit(
    State(state): State<AppState>,
    Admin(reader): Admin,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let number: u32 = match params.get("page").map(|p| p.parse::<u32>()) {
        None => 1,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            return Err(AppError::BadRequest {
                parameter: "page",
                reason: "must be a page number from 1".into(),
            });
        }
    };
    let offset = (number - 1).saturating_mul(AUDIT_PAGE);
    let entries = state
        .store
        .audit_log(None, Page::new(offset, AUDIT_PAGE + 1))
        .await?;
    let more = entries.len() > AUDIT_PAGE as usize;
    let rows = entries
        .into_iter()
        .take(AUDIT_PAGE as usize)
        .map(|r| AuditRow {
            at: time::uk_datetime(r.entry.at),
            by: r.entry.by,
            action: r.entry.action,
            record: format!("{} {}", r.entry.record, r.entry.record_id),
            before: r.entry.before.unwrap_or_default(),
            after: r.entry.after.unwrap_or_default(),
        })
        .collect();
    page(
        &AuditPage {
            chrome: Chrome::from(&reader),
            rows,
            next: more.then_some(number + 1),
            previous: (number > 1).then(|| number - 1),
        },
        StatusCode::OK,
    )
}

pub(super) struct UserRow {
    id: i64,
    email: String,
    name: String,
    role: &'static str,
    role_value: &'static str,
    organisation: String,
    organisation_value: String,
    /// The signed-in admin's own account is changed by another admin.
    mine: bool,
}

#[derive(Template)]
#[template(path = "ws_users.html")]
pub(super) struct UsersPage {
    chrome: Chrome,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    organisations: Vec<Choice>,
    done: bool,
    form: FormState,
}

pub(super) async fn users_page(
    state: &AppState,
    reader: &Reader,
    done: bool,
    form: FormState,
    status: StatusCode,
) -> Result<Response, AppError> {
    let organisations = state.store.organisations().await?;
    let name_of = |id: Option<witan_domain::OrganisationId>| {
        id.and_then(|id| organisations.iter().find(|o| o.id == id))
            .map(|o| o.name.to_string())
            .unwrap_or_default()
    };
    let users = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id.get(),
            email: u.email.to_string(),
            name: u.name.to_string(),
            role: u.role.label(),
            role_value: u.role.as_str(),
            organisation: name_of(u.organisation),
            organisation_value: u.organisation.map(|o| o.to_string()).unwrap_or_default(),
            mine: u.id == reader.user.id,
        })
        .collect();
    page(
        &UsersPage {
            chrome: Chrome::from(reader),
            users,
            roles: Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect(),
            organisations: organisations
                .iter()
                .map(|o| Choice {
                    value: o.id.to_string(),
                    label: o.name.to_string(),
                })
                .collect(),
            done,
            form,
        },
        status,
    )
}

pub async fn users(
    State(state): State<AppState>,
    Admin(reader): Admin,
    Query(done): Query<Done>,
) -> Result<Response, AppError> {
    users_page(
        &state,
        &reader,
        done.done.is_some(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn add_user(State(state): State<AppState>, editor: Editor) -> Result<Response, AppError> {
    if !editor.reader.user.is_admin() {
        return Err(AppError::Forbidden);
    }
    let mut f = Fields::new("user", &editor.form);
    let organisation = f.optional("organisation", forms::id);
    let user = organisation.and_then(|organisation| {
        let user = witan_app::accounts::new_user(
            f.raw("email"),
            Some(f.raw("name")).filter(|n| !n.is_empty()),
            f.raw("role"),
            organisation,
        );
        match user {
            Ok(user) => Some(user),
            Err(e) => {
                let _ = refused(&mut f, e);
                None
            }
        }
    });
    let password = editor.form.get("password").map_or("", String::as_str);
    let outcome = match user {
        Some(user) if f.ok() => Some(
            state
                .workspace
                .add_user(&editor.actor(), &user, password, Utc::now())
                .await,
        ),
        _ => None,
    };
    let again = |mut form: FormState| {
        form.values.remove("password");
        users_page(&state, &editor.reader, false, form, StatusCode::BAD_REQUEST)
    };
    conclude(f, outcome, |_| "/workspace/users?done=1".to_owned(), again).await
}

/// Changes an account's role and organisation (admins).
pub async fn change_user(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::User>,
    editor: Editor,
) -> Result<Response, AppError> {
    let mut f = Fields::new(format!("account-{id}"), &editor.form);
    let role = f.required("role", "Choose the role", Role::parse);
    let organisation = f.optional("organisation", forms::id);
    let outcome = match (role, organisation) {
        (Some(role), Some(organisation)) if f.ok() => Some(
            state
                .workspace
                .change_user(&editor.actor(), id, role, organisation, Utc::now())
                .await,
        ),
        _ => None,
    };
    conclude(
        f,
        outcome,
        |_| "/workspace/users?done=changed".to_owned(),
        |form| users_page(&state, &editor.reader, false, form, StatusCode::BAD_REQUEST),
    )
    .await
}

/// Removes an account (admins).
pub async fn remove_user(
    State(state): State<AppState>,
    PathId(id): PathId<witan_domain::User>,
    editor: Editor,
) -> Result<Response, AppError> {
    let f = Fields::new(format!("account-{id}"), &editor.form);
    let outcome = Some(
        state
            .workspace
            .remove_user(&editor.actor(), id, Utc::now())
            .await,
    );
    conclude(
        f,
        outcome,
        |_| "/workspace/users?done=removed".to_owned(),
        |form| users_page(&state, &editor.reader, false, form, StatusCode::BAD_REQUEST),
    )
    .await
}
