//! Accepting connections: hyper's server with the limits `axum::serve` leaves unset. It has
//! no timer, so a client that opened a connection and sent its headers a byte a minute
//! (slowloris) held a task and a socket for as long as it liked; a few thousand such clients
//! used up the file descriptors and no one else could connect. Here the headers must arrive
//! within `header_read`, and at most `MAX_HEADERS` of them (431 past that). Stopping closes
//! the listener at once, lets each connection finish the request it is serving and tells
//! keep-alive clients to go; the caller bounds how long that may take.

use crate::client_address::TrustedProxies;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto::Builder;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::time::Duration;
use tokio::net::TcpListener;
use tower::ServiceExt;

/// hyper's own default, kept explicit: a browser sends about twenty.
pub const MAX_HEADERS: usize = 100;

/// Serves `app` on `listener` until `shutdown` resolves, then until every open connection has
/// finished its request. Each request carries its client's address as `ConnectInfo`: the
/// peer's, or the one a trusted proxy forwarded.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    header_read: Duration,
    proxies: TrustedProxies,
    shutdown: impl Future<Output = ()>,
) {
    let proxies = std::sync::Arc::new(proxies);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read)
        .max_headers(MAX_HEADERS);
    builder.http2().timer(TokioTimer::new());
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, most likely: wait for some to close rather
                    // than spin on an error that repeats at once.
                    tracing::warn!(error = %e, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Pages are written in several frames; Nagle's algorithm would hold the last one back.
        let _ = stream.set_nodelay(true);
        let proxies = proxies.clone();
        let service = app.clone().map_request(move |request: Request<Incoming>| {
            let mut request = request.map(Body::new);
            let client = proxies.client(remote, request.headers());
            request.extensions_mut().insert(ConnectInfo(client));
            request
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), TowerToHyperService::new(service))
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, %remote, "connection ended with an error");
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
}
