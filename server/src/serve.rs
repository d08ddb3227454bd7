//! Runs the server until SIGTERM or Ctrl-C, then lets in-flight requests finish.

/// Each runtime worker's stack. Rendering a page walks its view tree recursively, and the
/// deepest page (a ticket with its sidebar's forms) overflowed tokio's 2 MiB default in a
/// debug build; 8 MiB of address space per worker costs nothing until it is touched.
pub const WORKER_STACK: usize = 8 * 1024 * 1024;

use crate::config::Config;
use crate::state::AppState;
use app::backend::{AppContext, Db};
use std::sync::Arc;
use tokio::net::TcpListener;

/// The app role's pool, connecting on first use (so a server starts while the database does).
pub fn database(config: &Config) -> Result<Db, std::io::Error> {
    config.validate().map_err(std::io::Error::other)?;
    Ok(Db::connect_lazy(
        config
            .app_connect_options()
            .map_err(std::io::Error::other)?,
        config.database_max_connections,
        config.acquire_timeout(),
    ))
}

pub fn state(config: Config) -> Result<AppState, std::io::Error> {
    let db = database(&config)?;
    let heartbeats = crate::watchdog::Heartbeats::new();
    Ok(AppState {
        heartbeats,
        leptos_options: config.leptos_options(),
        ctx: AppContext {
            db,
            auth: config.auth_settings(),
            base_domain: config.base_domain.to_ascii_lowercase().into(),
            public_url: config.public_url.clone().into(),
            attachments: app::backend::attachments::Store::new(&config.attachments_dir),
            billing: config.billing().map_err(std::io::Error::other)?,
            version: env!("CARGO_PKG_VERSION"),
        },
        rate_limit: match &config.redis_url {
            Some(url) => {
                crate::rate_limit::RateLimiter::shared(config.api_requests_per_minute, url)
                    .map_err(std::io::Error::other)?
            }
            None => crate::rate_limit::RateLimiter::new(config.api_requests_per_minute),
        },
        gate: crate::tenant_gate::TenantGate::new(config.database_max_connections),
        exports: crate::tenant_gate::TenantGate::with_share(2),
        config: Arc::new(config),
        live: crate::live::Hub::default(),
    })
}

/// Serves on `listener` until `shutdown` resolves, then waits at most the configured grace.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = state.config.shutdown_grace();
    let beat = tokio::spawn(crate::watchdog::beat(
        state.heartbeats.register("main runtime"),
    ));
    let relay = crate::relay::spawn(&state.config);
    let live = state.live.clone();
    let listener_task = live.spawn_listener(state.ctx.db.pool().clone());
    let header_read = state.config.header_read_timeout();
    let proxies = state.config.trusted_proxies.clone();
    let app = crate::router::build(state);
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let server = crate::connections::serve(listener, app, header_read, proxies, async move {
        shutdown.await;
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
        tracing::info!(
            grace_secs = grace.as_secs(),
            "shutting down: finishing in-flight requests"
        );
        // Event streams never finish on their own; end them so the grace goes to real work.
        live.stop();
        let _ = stopping_tx.send(());
    });
    let deadline = async move {
        if stopping_rx.await.is_ok() {
            tokio::time::sleep(grace).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        () = server => {},
        () = deadline => {
            tracing::warn!("shutdown grace elapsed with requests still open; closing them");
        }
    };
    listener_task.abort();
    beat.abort();
    if let Some((stop, task)) = relay {
        let _ = stop.send(true);
        // The relay finishes the message it is sending; the watchdog's deadline (grace + 5 s
        // from the signal) bounds the whole stop.
        let _ = tokio::time::timeout(RELAY_STOP, task).await;
    }
    Ok(())
}

/// `server worker`: the relay alone, until SIGTERM or Ctrl-C.
pub async fn run_worker(config: Config) -> std::io::Result<()> {
    config.validate().map_err(std::io::Error::other)?;
    let relay = crate::relay::Relay::from_config(&config)
        .map_err(std::io::Error::other)?
        .ok_or_else(|| std::io::Error::other("SMTP_URL must be set for the worker"))?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(relay.run(stop_rx));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(config.shutdown_grace(), task).await;
    Ok(())
}

/// How long a stopping server waits for the outbox relay to put down its current message.
const RELAY_STOP: std::time::Duration = std::time::Duration::from_secs(3);

pub async fn run(config: Config) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    let limits = config.watchdog();
    let state = state(config)?;
    crate::watchdog::start(state.heartbeats.clone(), limits)?;
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
    serve_until(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
