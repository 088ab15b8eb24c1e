//! `witan serve`: the HTTP server.

use crate::config::{Config, LimitArgs, Limits, StoreArgs};
use anyhow::Context;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::Service;

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
    #[command(flatten)]
    pub limits: LimitArgs,
}

pub async fn run(config_file: Option<&Path>, args: Args) -> anyhow::Result<()> {
    let config = Config::load_with_bind(config_file, &args.store, args.bind.as_deref())?;
    let limits = config.limits(&args.limits)?;
    tracing::debug!(?config, ?limits, "configuration");
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
    crate::alerts::spawn(&config, store.clone())?;
    // Uploaded documents are kept in the data folder, under their SHA-256; their text is read
    // by child processes under limits, so a hostile file cannot take the server's memory.
    let extractor = crate::extract::subprocess(witan_import::extract::Limits::default())?;
    let mut state =
        witan_web::AppState::new(store, search).with_files(config.data.join("files"), extractor);
    state.workspace.call_in_working_days = config.call_in_working_days;
    state.secure_cookies = config.secure_cookies;
    state.public_url = config.public_url.clone();
    state.edge = limits.edge.clone();
    state.trusted_proxies = config.trusted_proxies.clone();
    if config.shared_database() {
        state.cache =
            std::sync::Arc::new(witan_web::PageCache::trusting(std::time::Duration::ZERO));
    }
    let app = witan_web::router(state);
    serve(listener, app, &limits, shutdown()).await;
    tracing::info!("stopped");
    Ok(())
}

/// How long open connections get to finish their requests once the server is told to stop.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// Accepts connections while fewer than `max_connections` are open, and serves each with HTTP/1.1
/// until `stop` completes, then lets open requests finish for a while.
///
/// This is axum::serve with the limits it lacks: a connection whose request header has not
/// arrived within `header_read_timeout` (also an idle kept-alive one) is closed, so clients that
/// send half a header cannot hold connections open; and at `max_connections` open connections
/// new ones wait in the listen backlog instead of taking memory. Every request carries
/// `ConnectInfo<SocketAddr>` with the peer's address, as with axum's
/// `into_make_service_with_connect_info`.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: &Limits,
    stop: impl Future<Output = ()>,
) {
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let mut stop = std::pin::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = open.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors or memory: wait rather than spin; a connection
                    // reset before it was accepted is nothing to wait for.
                    if !matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset
                    ) {
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let router = app.clone();
        let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
            request.extensions_mut().insert(ConnectInfo(peer));
            router.clone().call(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts and clients going away are routine; they are not the server's errors.
                tracing::debug!(%peer, error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(SHUTDOWN_GRACE) => {
            tracing::warn!("some connections were still open {SHUTDOWN_GRACE:?} after the stop");
        }
    }
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
