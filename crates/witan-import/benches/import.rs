//! Import throughput: agenda items a second for OParl and for minutes, on inputs made by scaling
//! the real files in `../shared/data` (the Hürtgenwald OParl meeting pages, the Transparency Board
//! minutes), into a fresh SQLite store; then the same files again (everything unchanged).
//!
//! Usage: cargo bench -p witan-import --bench import -- [ITEMS] [oparl|minutes]
//! (default 100,000 items per format, both formats)

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::Instant;
use witan_import::{Options, Report};

fn shared(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

fn read_json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("read")).expect("json")
}

/// Appends `suffix` to the `id` of an object and of everything it embeds; drops links to
/// consultations, which the copies would leave dangling.
fn reidentify(value: &mut Value, suffix: &str) {
    match value {
        Value::Object(map) => {
            map.remove("consultation");
            if let Some(Value::String(id)) = map.get_mut("id") {
                id.push_str(suffix);
            }
            for (key, child) in map.iter_mut() {
                if key != "organization" && key != "body" {
                    reidentify(child, suffix);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| reidentify(v, suffix)),
        _ => {}
    }
}

fn items_in(meeting: &Value) -> usize {
    meeting["agendaItem"].as_array().map_or(0, Vec::len)
}

/// An OParl dump of at least `items` agenda items: the real body and organisations, and copies
/// of the real meeting pages with new ids, 100 meetings a file.
fn oparl_dump(dir: &Path, items: usize) -> usize {
    let sample = shared("oparl/real-sample-1.0");
    for name in ["body.json", "body_1_organization.json"] {
        std::fs::copy(sample.join(name), dir.join(name)).expect("copy");
    }
    let mut meetings: Vec<Value> = Vec::new();
    for name in ["body_1_meeting.json", "body_1_meeting_page15_last.json"] {
        if let Value::Array(data) = read_json(&sample.join(name))["data"].take() {
            meetings.extend(data);
        }
    }
    let (mut written, mut copy, mut page) = (0, 0, Vec::new());
    let mut file = 0;
    while written < items {
        for meeting in &meetings {
            let mut m = meeting.clone();
            reidentify(&mut m, &format!("-c{copy}"));
            written += items_in(&m);
            page.push(m);
            if page.len() == 100 || written >= items {
                let list = serde_json::json!({ "data": std::mem::take(&mut page) });
                std::fs::write(
                    dir.join(format!("meetings-{file:05}.json")),
                    list.to_string(),
                )
                .expect("write");
                file += 1;
            }
            if written >= items {
                break;
            }
        }
        copy += 1;
    }
    written
}

/// Minutes of at least `items` agenda items: the 14 real Transparency Board minutes, copied as
/// the minutes of further boards ("Transparency Board 7"), each copy a series of its own.
fn minutes_folder(dir: &Path, items: usize) -> usize {
    let mut originals = Vec::new();
    for entry in std::fs::read_dir(shared("minutes")).expect("minutes") {
        let path = entry.expect("entry").path();
        originals.push((
            path.file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned(),
            std::fs::read_to_string(&path).expect("read"),
        ));
    }
    // 92 items in the 14 files (measured by the import test).
    let per_copy = 92;
    let copies = items.div_ceil(per_copy);
    for copy in 0..copies {
        for (name, text) in &originals {
            let text = text.replacen(
                "title: Transparency Board",
                &format!("title: Transparency Board {copy}"),
                1,
            );
            std::fs::write(dir.join(format!("{copy:05}-{name}")), text).expect("write");
        }
    }
    copies * per_copy
}

fn options() -> Options {
    Options {
        format: None,
        organisation: Some("Bench Council".into()),
        committee: None,
        dry_run: false,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date"),
        extractor: witan_import::extract::Extractor::InProcess,
    }
}

async fn measure(label: &str, folder: &Path) {
    let data = tempfile::tempdir().expect("temp");
    let url = format!("sqlite://{}", data.path().join("witan.db").display());
    let store = witan_store::open(&url).await.expect("store");
    for round in ["first import", "same files again"] {
        let started = Instant::now();
        let report: Report = witan_import::run(
            store.as_ref(),
            &[folder.to_path_buf()],
            &options(),
            &mut |_: usize, _: usize, _: &Path| {},
        )
        .await
        .expect("import");
        let seconds = started.elapsed().as_secs_f64();
        let items = report.tally.created.get("item").copied().unwrap_or(0)
            + report.tally.unchanged.get("item").copied().unwrap_or(0);
        let records: u64 = report.tally.created.values().sum::<u64>()
            + report.tally.unchanged.values().sum::<u64>()
            + report.tally.updated.values().sum::<u64>();
        println!(
            "{label:8} {round:17} {:>6} files {items:>8} items {records:>9} records {seconds:>7.2} s {:>9.0} items/s  (rejected {}, failed files {})",
            report.files,
            items as f64 / seconds,
            report.tally.rejected.len(),
            report.failed.len()
        );
    }
}

fn main() {
    let items: usize = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with('-'))
        .and_then(|a| a.parse().ok())
        .unwrap_or(100_000);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let only = std::env::args()
        .skip(1)
        .find(|a| a == "oparl" || a == "minutes");
    if only.as_deref() != Some("minutes") {
        let oparl = tempfile::tempdir().expect("temp");
        let made = oparl_dump(oparl.path(), items);
        println!("OParl dump: {made} agenda items");
        runtime.block_on(measure("oparl", oparl.path()));
    }
    if only.as_deref() != Some("oparl") {
        let minutes = tempfile::tempdir().expect("temp");
        let made = minutes_folder(minutes.path(), items);
        println!("minutes: {made} agenda items");
        runtime.block_on(measure("minutes", minutes.path()));
    }
}
