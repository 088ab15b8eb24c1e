//! `witan copy --from URL --to URL`: moves a store between SQLite and PostgreSQL.

use anyhow::Context;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store to copy: sqlite://PATH or postgres://USER@HOST/DB.
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The empty store to fill (created and migrated if need be).
    #[arg(long, value_name = "URL")]
    pub to: String,
}

pub async fn run(args: Args) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // A new SQLite file may name a folder that does not exist yet.
    if let Some(path) = args.to.strip_prefix("sqlite://") {
        let path = std::path::Path::new(path.split('?').next().unwrap_or(path));
        if let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder)
                .with_context(|| format!("cannot create the folder {}", folder.display()))?;
        }
    }
    let report = witan_store::copy::copy(&args.from, &args.to, &mut |table, rows| {
        eprintln!("copy: {table}: {rows} rows");
    })
    .await
    .with_context(|| {
        format!(
            "cannot copy {} to {} (nothing was written)",
            witan_store::database_url::redact(&args.from),
            witan_store::database_url::redact(&args.to)
        )
    })?;
    eprintln!(
        "copied {} rows from {} to {} in {:.1} s; the search index rebuilds when witan serve starts on it",
        report.rows(),
        witan_store::database_url::redact(&args.from),
        witan_store::database_url::redact(&args.to),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
