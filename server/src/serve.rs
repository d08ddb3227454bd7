//! Runs the server until SIGTERM or Ctrl-C, then lets in-flight requests finish.

use crate::config::Config;
use crate::state::AppState;
use app::backend::{AppContext, Db};
use std::sync::Arc;
use tokio::net::TcpListener;

pub fn state(config: Config) -> Result<AppState, std::io::Error> {
    config.validate().map_err(std::io::Error::other)?;
    let db = Db::connect_lazy(
        config
            .app_connect_options()
            .map_err(std::io::Error::other)?,
        config.database_max_connections,
        config.acquire_timeout(),
    );
    Ok(AppState {
        leptos_options: config.leptos_options(),
        ctx: AppContext {
            db,
            auth: config.auth_settings(),
            base_domain: config.base_domain.to_ascii_lowercase().into(),
            version: env!("CARGO_PKG_VERSION"),
        },
        config: Arc::new(config),
    })
}

/// Serves on `listener` until `shutdown` resolves, then waits at most the configured grace.
pub async fn serve_until(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = state.config.shutdown_grace();
    let app = crate::router::build(state);
    let (stopping_tx, stopping_rx) = tokio::sync::oneshot::channel::<()>();
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!(
            grace_secs = grace.as_secs(),
            "shutting down: finishing in-flight requests"
        );
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
        result = server => result,
        () = deadline => {
            tracing::warn!("shutdown grace elapsed with requests still open; closing them");
            Ok(())
        }
    }
}

pub async fn run(config: Config) -> std::io::Result<()> {
    let listener = TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    let state = state(config)?;
    serve_until(listener, state, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
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
