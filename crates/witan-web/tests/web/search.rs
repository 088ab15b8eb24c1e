//! Search through the site.

use super::*;

#[tokio::test]
async fn search_finds_public_records_and_never_exempt_ones() {
    let site = site().await;
    let (status, empty) = get(&site, "/search").await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("<label for=\"q\">") && !empty.contains("results</h2>"));

    // Every item as the index sees it, public or not.
    let mut items = Vec::new();
    let mut after = 0;
    loop {
        let batch = site
            .store
            .search_documents(
                witan_store::SearchKind::Item,
                witan_store::SearchSelection::After {
                    id: after,
                    limit: 1000,
                },
            )
            .await
            .expect("items");
        let Some(last) = batch.last() else { break };
        after = last.id;
        items.extend(batch);
    }
    let public: std::collections::HashMap<i64, bool> =
        items.iter().map(|d| (d.id, d.public)).collect();
    let exempt = items
        .iter()
        .find(|d| !d.public && !d.body.is_empty())
        .expect("the demo has withheld items with minutes");
    let shown = items
        .iter()
        .find(|d| d.public && d.title.split_whitespace().count() >= 3)
        .expect("a public item");

    // A public item is found by its title, linked to its place on the meeting page.
    let q = encode(&format!("\"{}\"", shown.title));
    let day = shown.date.expect("a date").format("%Y-%m-%d");
    let committee = &shown.committee.as_ref().expect("a committee").slug;
    let (status, page) = get(
        &site,
        &format!("/search?q={q}&kind=item&committee={committee}&from={day}&to={day}"),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let link = format!(
        "/meetings/{}#item-{}",
        shown.meeting.expect("a meeting"),
        shown.item_number.as_deref().expect("a number")
    );
    assert!(
        page.contains(&format!("href=\"{link}\"")),
        "{link} in {page}"
    );
    assert!(page.contains("<mark>"), "matched words are highlighted");

    // Withheld words, asked every way, find nothing withheld.
    for words in [
        exempt.title.clone(),
        exempt
            .body
            .split_whitespace()
            .take(6)
            .collect::<Vec<_>>()
            .join(" "),
    ] {
        let (status, json) = get(&site, &format!("/api/v1/search?q={}", encode(&words))).await;
        assert_eq!(status, StatusCode::OK);
        let json: serde_json::Value = serde_json::from_str(&json).expect("json");
        for hit in json["results"].as_array().expect("results") {
            if hit["kind"] == "item" {
                let id = hit["id"].as_i64().expect("id");
                assert!(public[&id], "withheld item {id} found by {words:?}");
            }
            assert!(
                !hit["url"].as_str().unwrap_or_default().is_empty(),
                "every result links somewhere"
            );
        }
    }

    // Completion offers titles for the start of a word.
    let start: String = shown
        .title
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .chars()
        .take(4)
        .collect();
    let (status, json) = get(
        &site,
        &format!("/api/v1/search/suggest?q={}", encode(&start)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    assert!(
        !json["suggestions"]
            .as_array()
            .expect("suggestions")
            .is_empty(),
        "{json}"
    );
}

#[tokio::test]
async fn search_answers_any_question_and_names_bad_filters() {
    let site = site().await;
    for q in [
        "%22unbalanced",
        "AND%20OR%20NOT",
        "%00%1B",
        "%E7%97%85%E5%BA%8A",
        "title%3Abeds%5E9",
    ] {
        let (status, page) = get(&site, &format!("/search?q={q}")).await;
        assert_eq!(status, StatusCode::OK, "{q}");
        assert!(
            page.contains("results</h2>") || page.contains("result</h2>"),
            "{q}"
        );
    }
    let long = "council%20".repeat(2_000);
    let (status, page) = get(&site, &format!("/search?q={long}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("Only the first"),
        "the reader is told the question was cut"
    );
    for (query, parameter) in [
        ("q=x&from=yesterday", "from"),
        ("q=x&sort=best", "sort"),
        ("q=x&committee=nope", "committee"),
        ("q=x&organisation=nope", "organisation"),
        ("q=x&kind=minutes", "kind"),
        ("q=x&page=0", "page"),
        ("q=x&page=51", "page"),
    ] {
        let (status, page) = get(&site, &format!("/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert!(page.contains(parameter), "{query}: {page}");
        let (status, json) = get(&site, &format!("/api/v1/search?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        let json: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(json["error"]["code"], "bad_parameter");
        assert_eq!(json["error"]["parameter"], parameter);
    }
    // Filters alone list records, newest first; the facets add up to the total.
    let (status, json) = get(&site, "/api/v1/search?kind=decision&key=on").await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_str(&json).expect("json");
    let total = json["total"].as_u64().expect("total");
    assert!(total > 0);
    let by_kind: u64 = json["facets"]["kind"]
        .as_array()
        .expect("facets")
        .iter()
        .map(|f| f["count"].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(by_kind, total);
    let dates: Vec<&str> = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter_map(|h| h["date"].as_str())
        .collect();
    assert!(dates.windows(2).all(|d| d[0] >= d[1]), "{dates:?}");
}
