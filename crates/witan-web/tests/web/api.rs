//! The JSON API through the router: its OpenAPI document is a snapshot, every documented path
//! answers with what the document says (the answers validate against its schemas), lists page
//! and filter, and bad requests get error objects with stable codes.

use crate::kit::{Site, get, site};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use witan_domain::Audience;
use witan_store::{DecisionFilter, Page};

async fn get_json(site: &Site, path: &str) -> (StatusCode, Value) {
    let (status, body) = get(site, path).await;
    let value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{path}: {e}: {body}"));
    (status, value)
}

/// A validator for the response schema `reference` (`#/components/schemas/…`) of `document`:
/// OpenAPI 3.1 schemas are JSON Schema 2020-12.
fn validator(document: &Value, reference: &str) -> jsonschema::Validator {
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": document["components"],
        "$ref": reference,
    });
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(true)
        .build(&schema)
        .unwrap_or_else(|e| panic!("{reference}: {e}"))
}

fn check(document: &Value, reference: &str, value: &Value, at: &str) {
    let validator = validator(document, reference);
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{at} against {reference}: {errors:#?}");
}

#[tokio::test]
async fn the_openapi_document_is_a_reviewed_snapshot() {
    let site = site().await;
    let (status, document) = get_json(&site, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(document["openapi"], "3.1.0");
    insta::assert_snapshot!(
        "openapi",
        serde_json::to_string_pretty(&document).expect("pretty")
    );
}

#[tokio::test]
async fn every_documented_path_answers_as_documented() {
    let site = site().await;
    let (_, document) = get_json(&site, "/api/openapi.json").await;
    let paths = document["paths"].as_object().expect("paths");
    assert!(paths.len() >= 21, "{} paths", paths.len());
    let mut answered = 0;
    for (path, item) in paths {
        let operation = &item["get"];
        assert!(operation.is_object(), "{path}: a GET operation");
        let responses = operation["responses"].as_object().expect("responses");
        let schema_of = |status: &str| {
            responses[status]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap_or_else(|| panic!("{path} {status}: a JSON schema reference"))
                .to_owned()
        };
        let concrete = if path.contains("{id}") {
            // A real id: the first record of the collection.
            let collection = path.trim_end_matches("/{id}");
            let (status, page) = get_json(&site, collection).await;
            assert_eq!(status, StatusCode::OK, "{collection}");
            let id = page["data"][0]["id"]
                .as_i64()
                .unwrap_or_else(|| panic!("{collection}: the demo has a record"));
            // And a missing one answers 404 as documented.
            let (status, missing) = get_json(&site, &path.replace("{id}", "999999999")).await;
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            check(&document, &schema_of("404"), &missing, path);
            assert_eq!(missing["error"]["code"], "not_found");
            path.replace("{id}", &id.to_string())
        } else {
            if responses.contains_key("400") {
                let (status, bad) = get_json(&site, &format!("{path}?limit=0")).await;
                assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
                check(&document, &schema_of("400"), &bad, path);
                assert_eq!(bad["error"]["parameter"], "limit");
            }
            path.clone()
        };
        let (status, value) = get_json(&site, &concrete).await;
        assert_eq!(status, StatusCode::OK, "{concrete}: {value}");
        check(&document, &schema_of("200"), &value, &concrete);
        answered += 1;
    }
    assert_eq!(answered, paths.len());
}

#[tokio::test]
async fn api_lists_page_to_the_end_and_match_the_public_registers() {
    let site = site().await;
    // Every public decision, by paging the register the site shows.
    let mut register = BTreeSet::new();
    for page in 0.. {
        let rows = site
            .store
            .decisions(
                &DecisionFilter::default(),
                Page::new(page * 500, 500),
                Audience::Public,
            )
            .await
            .expect("decisions");
        if rows.is_empty() {
            break;
        }
        register.extend(rows.iter().map(|r| r.decision.id.get()));
    }
    assert!(register.len() > 20, "enough decisions to page");
    let mut listed = BTreeSet::new();
    let mut next = Some("/api/v1/decisions?limit=9".to_owned());
    let mut pages = 0;
    while let Some(path) = next.take() {
        let (status, page) = get_json(&site, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {page}");
        pages += 1;
        assert!(pages <= 1_000, "paging does not end");
        for d in page["data"].as_array().expect("data") {
            assert!(
                listed.insert(d["id"].as_i64().expect("id")),
                "listed twice: {d}"
            );
        }
        next = page["next"].as_str().map(str::to_owned);
        if next.is_some() {
            assert_eq!(page["data"].as_array().map(Vec::len), Some(9));
            assert!(
                next.as_deref().is_some_and(|n| n.contains("limit=9")),
                "filters kept"
            );
        }
    }
    assert_eq!(
        listed, register,
        "the API lists exactly the public register"
    );

    // A committee's meetings, and nothing else.
    let (_, committees) = get_json(&site, "/api/v1/committees?limit=1").await;
    let slug = committees["data"][0]["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let (status, meetings) = get_json(
        &site,
        &format!("/api/v1/meetings?committee={slug}&limit=200"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let meetings = meetings["data"].as_array().expect("data");
    assert!(!meetings.is_empty());
    assert!(
        meetings
            .iter()
            .all(|m| m["committee"]["slug"] == slug.as_str())
    );

    // The change feed: nothing after the far future, everything before it.
    let (_, later) = get_json(
        &site,
        "/api/v1/meetings?modified_since=2100-01-01T00:00:00Z",
    )
    .await;
    assert_eq!(later["data"].as_array().map(Vec::len), Some(0));
    assert!(later["next"].is_null());
}

#[tokio::test]
async fn bad_api_requests_get_error_objects_with_stable_codes() {
    let site = site().await;
    for (path, status, code, parameter) in [
        (
            "/api/v1/meetings?modified_since=yesterday",
            400,
            "bad_parameter",
            "modified_since",
        ),
        (
            "/api/v1/meetings?created_until=2024-02-30T00:00:00Z",
            400,
            "bad_parameter",
            "created_until",
        ),
        (
            "/api/v1/meetings?cursor=abc",
            400,
            "bad_parameter",
            "cursor",
        ),
        ("/api/v1/meetings?limit=1000", 400, "bad_parameter", "limit"),
        (
            "/api/v1/meetings?committee=nope",
            400,
            "bad_parameter",
            "committee",
        ),
        (
            "/api/v1/meetings?organisation=nope",
            400,
            "bad_parameter",
            "organisation",
        ),
        (
            "/api/v1/decisions?sort=newest",
            400,
            "bad_parameter",
            "query",
        ),
        ("/api/v1/meetings/abc", 404, "not_found", ""),
        ("/api/v1/meetings/0", 404, "not_found", ""),
        ("/api/v1/nothing", 404, "not_found", ""),
        ("/api/v2/meetings", 404, "not_found", ""),
    ] {
        let (got, value) = get_json(&site, path).await;
        assert_eq!(got.as_u16(), status, "{path}: {value}");
        assert_eq!(value["error"]["code"], code, "{path}");
        if !parameter.is_empty() {
            assert_eq!(value["error"]["parameter"], parameter, "{path}");
            let message = value["error"]["message"].as_str().expect("message");
            assert!(message.starts_with(parameter), "{path}: {message}");
        }
    }
    let (_, unknown) = get_json(&site, "/api/v1/decisions?sort=newest").await;
    assert!(
        unknown["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("sort")),
        "{unknown}"
    );
}
