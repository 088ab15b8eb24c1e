//! The importers against the real published material in `../shared/data`, on a real SQLite store.

#![allow(clippy::unwrap_used)]

mod documents;
mod harvest;
mod legistar;
mod minutes;
mod oparl;

use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use witan_domain::{Audience, Id, MeetingStatus};
use witan_import::{Options, Report};
use witan_store::suite::kit::TempDir;
use witan_store::{ItemEntry, Store, When};

fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data")
        .join(path)
}

fn options(organisation: &str, committee: Option<&str>) -> Options {
    Options {
        format: None,
        organisation: Some(organisation.into()),
        committee: committee.map(str::to_owned),
        dry_run: false,
        today: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        extractor: witan_import::extract::Extractor::InProcess,
    }
}

async fn store() -> (TempDir, Arc<dyn Store>) {
    let dir = TempDir::new();
    let url = format!("sqlite://{}", dir.path().join("witan.db").display());
    let store = witan_store::open(&url).await.unwrap();
    (dir, store)
}

async fn import(store: &dyn Store, paths: &[PathBuf], options: &Options) -> Report {
    witan_import::run(
        store,
        paths,
        options,
        &mut |_: usize, _: usize, _: &Path| {},
    )
    .await
    .unwrap()
}

fn total(map: &std::collections::BTreeMap<&'static str, u64>) -> u64 {
    map.values().sum()
}

/// The action of a meeting whose description contains `words`.
fn action_with<'r>(
    record: &'r witan_store::MeetingRecord,
    words: &str,
) -> &'r witan_store::ActionRecord {
    record
        .agenda
        .as_ref()
        .unwrap()
        .iter()
        .flat_map(|e| open_item(e).actions.iter())
        .find(|a| a.action.record.description.as_str().contains(words))
        .unwrap_or_else(|| panic!("no action about {words}"))
}

fn open_item(entry: &ItemEntry) -> &witan_store::ItemRecord {
    match entry {
        ItemEntry::Open(record) => record,
        ItemEntry::Withheld { .. } => panic!("a public item was withheld"),
    }
}

/// Where the OParl objects the tests write say they come from.
const BASE: &str = "https://council.example/oparl";

/// An OParl 1.1 type URL.
fn t(kind: &str) -> String {
    format!("https://schema.oparl.org/1.1/{kind}")
}

fn write(dir: &Path, name: &str, json: serde_json::Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    path
}

/// A one-page PDF showing `text` in Helvetica, with a correct cross-reference table.
fn pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 24 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_owned(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_owned(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_owned(),
    ];
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{object}\nendobj\n", i + 1).bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).bytes());
    for offset in offsets {
        out.extend(format!("{offset:010} 00000 n \n").bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .bytes(),
    );
    out
}

/// A zip archive with one entry.
fn archive(entry: &str, content: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    writer.start_file(entry, options).unwrap();
    writer.write_all(content).unwrap();
    writer.finish().unwrap().into_inner()
}
