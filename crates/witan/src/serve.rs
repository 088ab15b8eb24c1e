//! `witan serve`: the HTTP server.

use crate::config::{Config, StoreArgs};
use anyhow::Context;
use std::path::Path;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The address to listen on; port 0 picks a free port.
    #[arg(long, env = "WITAN_BIND", value_name = "ADDR")]
    pub bind: Option<String>,
    /// Fill an empty store with the demo records first.
    #[arg(long)]
    pub demo: bool,
}

pub async fn run(config_file: Option<&Path>, args: Args) -> anyhow::Result<()> {
    let config = Config::load_with_bind(config_file, &args.store, args.bind.as_deref())?;
    tracing::debug!(?config, "configuration");
    let store = config.open_store().await?;
    if args.demo {
        let counts = store.counts().await?;
        if counts.meetings == 0 && counts.organisations == 0 {
            crate::demo::fill(&store, witan_demo::Options::default(), &config).await?;
        } else {
            tracing::info!("the store already holds records; --demo leaves them as they are");
        }
    }
    let listener = tokio::net::TcpListener::bind(config.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.bind))?;
    let address = listener.local_addr().context("reading the bound address")?;
    tracing::info!("witan listening on http://{address}");
    let search = crate::search::start(&config, store.clone())?;
    // Uploaded documents are kept in the data folder, under their SHA-256.
    let mut state = witan_web::AppState::new(store, search).with_files(config.data.join("files"));
    state.workspace.call_in_working_days = config.call_in_working_days;
    state.secure_cookies = config.secure_cookies;
    state.public_url = config.public_url.clone();
    state.trusted_proxies = config.trusted_proxies.clone();
    if config.shared_database() {
        state.cache =
            std::sync::Arc::new(witan_web::PageCache::trusting(std::time::Duration::ZERO));
    }
    let app = witan_web::router(state);
    // The peer's address reaches handlers as ConnectInfo: the sign-in limits count by it, and
    // only trusted proxies among peers are believed about the client (witan_web::Client).
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await
    .context("serving")?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = interrupt.await;
                    return;
                }
            };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
}
