//! The `witan` binary: one process that serves the site and APIs, and the maintenance commands.

mod alerts;
mod config;
mod copy;
mod demo;
mod export;
mod extract;
mod import;
mod search;
mod serve;
mod user;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// witan keeps the record of what public bodies discussed, decided and promised to do, and
/// publishes it.
#[derive(Debug, Parser)]
#[command(name = "witan", version, about, long_about = None)]
struct Cli {
    /// A configuration file (TOML). Without it, ./witan.toml is read if present. Settings come
    /// from the defaults, then this file, then WITAN_* environment variables, then flags.
    #[arg(long, global = true, env = "WITAN_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the public site and health endpoints.
    Serve(serve::Args),
    /// Fill an empty store with realistic, deterministic demo records.
    Demo(demo::Args),
    /// Import minutes (text, HTML, Markdown), OParl or Legistar files into the store.
    Import(import::Args),
    /// Rebuild the search index from the store, with a progress bar.
    Reindex(search::ReindexArgs),
    /// Apply the database migrations and stop (serve and demo also apply them).
    Migrate(config::StoreArgs),
    /// Copy every record of one store into an empty other: SQLite to PostgreSQL or back.
    Copy(copy::Args),
    /// Export records: the public registers as CSV.
    #[command(subcommand)]
    Export(export::Command),
    /// Manage workspace accounts.
    #[command(subcommand)]
    User(user::Command),
    /// Email alerts to followers.
    #[command(subcommand)]
    Alerts(alerts::Command),
    /// Read one document's text under limits (witan runs this itself for every document).
    #[command(name = "extract-text", hide = true)]
    ExtractText(extract::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A document reader starts nothing else: it limits itself and reads one file.
    if let Command::ExtractText(args) = &cli.command {
        return extract::run(args);
    }
    let filter = tracing_subscriber::EnvFilter::try_from_env("WITAN_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve::run(cli.config.as_deref(), args).await,
            Command::Demo(args) => demo::run(cli.config.as_deref(), args).await,
            Command::Import(args) => import::run(cli.config.as_deref(), args).await,
            Command::Reindex(args) => search::reindex(cli.config.as_deref(), args).await,
            Command::User(command) => user::run(cli.config.as_deref(), command).await,
            Command::Alerts(command) => alerts::run(cli.config.as_deref(), command).await,
            Command::Export(command) => export::run(cli.config.as_deref(), command).await,
            Command::Copy(args) => copy::run(args).await,
            Command::ExtractText(_) => Ok(()),
            Command::Migrate(args) => {
                let config = config::Config::load(cli.config.as_deref(), &args)?;
                config.open_store().await?;
                eprintln!("migrations applied to {}", config.database_url_redacted());
                Ok(())
            }
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
