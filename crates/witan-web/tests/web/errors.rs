//! One failure, one status, whichever channel answers it: the HTML site, the JSON API
//! (`/api/v1/…`) and OParl (`/oparl/…`) classify every failure the same way, each in its own
//! form.

use super::kit::{Site, add_user, get, post_as, sign_in, site};
use axum::http::StatusCode;
use serde_json::Value;
use witan_domain::Role;

/// Asks `path` and checks the status and that the answer is in the channel's form.
async fn answers(site: &Site, path: &str, status: StatusCode) {
    let (got, body) = get(site, path).await;
    assert_eq!(got, status, "{path}: {body}");
    if path.starts_with("/api/") {
        let value: Value = serde_json::from_str(&body).expect("an API error");
        assert!(value["error"]["code"].is_string(), "{path}: {body}");
    } else if path.starts_with("/oparl") {
        let value: Value = serde_json::from_str(&body).expect("an OParl error");
        assert_eq!(
            value["type"], "https://schema.oparl.org/1.1/Error",
            "{path}"
        );
    } else {
        assert!(body.contains("<h1>"), "{path}: an HTML page: {body}");
    }
}

#[tokio::test]
async fn a_missing_record_is_404_in_every_channel() {
    let site = site().await;
    for record in ["999999999", "abc", "0", "-1"] {
        for path in [
            format!("/meetings/{record}"),
            format!("/api/v1/meetings/{record}"),
            format!("/oparl/v1.1/meeting/{record}"),
            format!("/people/{record}"),
            format!("/api/v1/people/{record}"),
            format!("/oparl/v1.1/person/{record}"),
        ] {
            answers(&site, &path, StatusCode::NOT_FOUND).await;
        }
    }
    let (_, missing) = get(&site, "/api/v1/meetings/abc").await;
    let missing: Value = serde_json::from_str(&missing).expect("json");
    assert_eq!(missing["error"]["code"], "not_found");
}

#[tokio::test]
async fn a_malformed_parameter_is_400_in_every_channel() {
    let site = site().await;
    for path in [
        "/decisions?page=many",
        "/api/v1/meetings?limit=many",
        "/oparl/v1.1/bodies?elementsPerPage=many",
    ] {
        answers(&site, path, StatusCode::BAD_REQUEST).await;
    }
}

/// The public channels only read, so a rule of the record is refused through the workspace;
/// the JSON and OParl renderings of the same failure are held to 409 by the classification's
/// own tests (`edge::error`).
#[tokio::test]
async fn a_rule_violation_is_409() {
    let site = site().await;
    add_user(&site, "admin@example.org", Role::Admin, None).await;
    let (admin, csrf) = sign_in(&site, "admin@example.org").await;
    let (_, list) = get(&site, "/api/v1/documents?limit=1").await;
    let list: Value = serde_json::from_str(&list).expect("json");
    let id = list["data"][0]["id"].as_i64().expect("a public document");
    // Releasing a document the public can already read breaks a rule of the record.
    let refused = post_as(
        &site,
        &format!("/workspace/documents/{id}/release"),
        &admin,
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("This change cannot be made"),
        "{}",
        refused.body
    );
}
