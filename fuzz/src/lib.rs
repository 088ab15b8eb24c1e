//! What the fuzz targets share.

/// Import options as a run would have them.
pub fn options() -> witan_import::Options {
    witan_import::Options {
        format: None,
        organisation: Some("Fuzz Council".into()),
        committee: None,
        dry_run: true,
        today: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
        // The readers run here, in the fuzzer's process, so that it sees their crashes.
        extractor: witan_import::extract::Extractor::InProcess,
    }
}
