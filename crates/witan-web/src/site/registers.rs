//! The registers: decisions and the action tracker, filtered by query parameters and paged.

use crate::PublicSite;
use crate::edge::error::AppError;
use crate::edge::extract::{Paging, Params};
use crate::views::{ActionView, Choice, DecisionRow, Pager};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use std::collections::HashMap;
use witan_domain::{ActionStatus, CommitteeId, DecisionStatus, Id, Rag, Term, time};
use witan_store::{ActionFilter, DecisionFilter};

const PER_PAGE: u32 = 50;

/// The committee a `committee` parameter names by slug, and the drop-down of all committees.
pub(crate) async fn committee_choice(
    state: &PublicSite,
    params: &Params,
) -> Result<(Option<CommitteeId>, Vec<Choice>), AppError> {
    let committees = state.cache.committees(&state.store).await?;
    let wanted = params.text("committee");
    let chosen = match wanted {
        None => None,
        Some(slug) => Some(
            committees
                .iter()
                .find(|c| c.slug.as_str() == slug)
                .map(|c| c.id)
                .ok_or_else(|| AppError::BadRequest {
                    parameter: "committee",
                    reason: format!(
                        "no committee has the name \"{}\"",
                        slug.chars().take(60).collect::<String>()
                    ),
                })?,
        ),
    };
    let choices = committees
        .iter()
        .map(|c| Choice {
            value: c.slug.to_string(),
            label: c.name.to_string(),
            selected: Some(c.slug.as_str()) == wanted,
        })
        .collect();
    Ok((chosen, choices))
}

fn term_choices<T: Term + PartialEq>(
    selected: Option<T>,
    label: impl Fn(T) -> &'static str,
) -> Vec<Choice> {
    T::ALL
        .iter()
        .map(|t| Choice {
            value: t.as_str().to_owned(),
            label: label(*t).to_owned(),
            selected: Some(*t) == selected,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "decisions.html")]
struct DecisionsPage {
    rows: Vec<DecisionRow>,
    committees: Vec<Choice>,
    statuses: Vec<Choice>,
    key_only: bool,
    from: String,
    until: String,
    pager: Pager,
}

pub async fn decisions(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let params = Params::new(raw);
    let (committee, committees) = committee_choice(&state, &params).await?;
    let status: Option<DecisionStatus> = params.term("status")?;
    let filter = DecisionFilter {
        committee,
        key_only: params.flag("key"),
        from: params.date("from")?,
        until: params.date("to")?,
        status,
    };
    let number = params.page()?;
    let paging = Paging::new(number, PER_PAGE);
    let records = state.store.decisions(&filter, paging.window()).await?;
    let (records, has_next) = paging.cut(records);
    let text = |d: Option<chrono::NaiveDate>| {
        d.map(|d| d.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let kept = [
        (
            "committee",
            params.text("committee").unwrap_or_default().to_owned(),
        ),
        (
            "key",
            if filter.key_only {
                "on".to_owned()
            } else {
                String::new()
            },
        ),
        ("from", text(filter.from)),
        ("to", text(filter.until)),
        (
            "status",
            status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        ),
    ];
    let page = DecisionsPage {
        rows: records.iter().map(DecisionRow::from).collect(),
        committees,
        statuses: term_choices(status, DecisionStatus::label),
        key_only: filter.key_only,
        from: text(filter.from),
        until: text(filter.until),
        pager: Pager::new("/decisions", &kept, number, has_next),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "actions.html")]
struct ActionsPage {
    rows: Vec<ActionView>,
    committees: Vec<Choice>,
    rags: Vec<Choice>,
    statuses: Vec<Choice>,
    overdue: bool,
    owner: Option<(i64, String)>,
    pager: Pager,
}

pub async fn actions(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let params = Params::new(raw);
    let (committee, committees) = committee_choice(&state, &params).await?;
    let owner = match params.id("owner")? {
        Some(id) => {
            let person =
                state
                    .store
                    .person(Id::new(id))
                    .await
                    .map_err(|_| AppError::BadRequest {
                        parameter: "owner",
                        reason: format!("no person has the number {id}"),
                    })?;
            Some((id, person.name.to_string()))
        }
        None => None,
    };
    let rag: Option<Rag> = params.term("rag")?;
    let status: Option<ActionStatus> = params.term("status")?;
    let overdue = params.flag("overdue");
    let filter = ActionFilter {
        owner: owner.as_ref().map(|(id, _)| Id::new(*id)),
        committee,
        rag,
        status,
        overdue_on: overdue.then(|| time::london_date(Utc::now())),
    };
    let number = params.page()?;
    let paging = Paging::new(number, PER_PAGE);
    let records = state.store.actions(&filter, paging.window()).await?;
    let (records, has_next) = paging.cut(records);
    let kept = [
        (
            "committee",
            params.text("committee").unwrap_or_default().to_owned(),
        ),
        (
            "owner",
            owner
                .as_ref()
                .map(|(id, _)| id.to_string())
                .unwrap_or_default(),
        ),
        (
            "rag",
            rag.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        ),
        (
            "status",
            status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        ),
        (
            "overdue",
            if overdue {
                "on".to_owned()
            } else {
                String::new()
            },
        ),
    ];
    let page = ActionsPage {
        rows: records.iter().map(ActionView::from).collect(),
        committees,
        rags: term_choices(rag, Rag::label),
        statuses: term_choices(status, ActionStatus::label),
        overdue,
        owner,
        pager: Pager::new("/actions", &kept, number, has_next),
    };
    Ok(Html(page.render()?).into_response())
}

pub struct PlanRow {
    pub expected: String,
    pub title: String,
    pub maker: (String, String),
    pub published: String,
    pub clear_days: i64,
    pub short_notice: bool,
}

#[derive(Template)]
#[template(path = "forward_plan.html")]
struct ForwardPlanPage {
    rows: Vec<PlanRow>,
    committees: Vec<Choice>,
    pager: Pager,
}

/// Key decisions to be taken from today on, soonest first.
pub async fn forward_plan(
    State(state): State<PublicSite>,
    Query(raw): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let params = Params::new(raw);
    let (committee, committees) = committee_choice(&state, &params).await?;
    let number = params.page()?;
    let paging = Paging::new(number, PER_PAGE);
    let today = time::london_date(Utc::now());
    let records = state
        .store
        .forward_plan(committee, today, paging.window())
        .await?;
    let (records, has_next) = paging.cut(records);
    let kept = [(
        "committee",
        params.text("committee").unwrap_or_default().to_owned(),
    )];
    let page = ForwardPlanPage {
        rows: records
            .iter()
            .map(|r| PlanRow {
                expected: time::uk_date(r.entry.expected_on),
                title: r.entry.title.to_string(),
                maker: (r.decision_maker.slug.clone(), r.decision_maker.name.clone()),
                published: time::uk_short_date(r.entry.published_on),
                clear_days: r.entry.clear_days(),
                short_notice: r.entry.short_notice(),
            })
            .collect(),
        committees,
        pager: Pager::new("/forward-plan", &kept, number, has_next),
    };
    Ok(Html(page.render()?).into_response())
}
