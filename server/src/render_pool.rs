//! Page renders run each on one thread.
//!
//! Leptos spawns a page's resources as tasks of the runtime that renders it. On the server's
//! multi-threaded runtime those tasks ran on other worker threads than the render itself, and
//! `reactive_graph` (0.2.16) takes its per-node `RwLock`s in opposite orders on the two paths
//! (an `AsyncDerived` clearing an effect's sources while the render's future is polled, and a
//! resource's completion marking that effect dirty through the Suspense context). Two threads
//! doing that at once wedged both workers for good: leptos-rs/leptos#4673 (issue 11).
//!
//! Here each render, its spawned resources and the draining of its body happen on one thread
//! of a small pool of single-threaded runtimes, so the graph's locks are never contended
//! between threads and the inversion cannot happen, whatever a page does. The multi-threaded
//! runtime keeps everything else: connections, middleware, server functions, REST, streams.

use crate::watchdog::Heartbeats;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio_util::task::LocalPoolHandle;

/// The pool that renders pages: one single-threaded runtime per core.
#[derive(Clone)]
pub struct RenderPool {
    pool: LocalPoolHandle,
}

impl RenderPool {
    pub fn new(beats: &Heartbeats) -> Self {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let pool = LocalPoolHandle::new(threads);
        // Each render thread beats on its own, so the watchdog also notices one that stops.
        for idx in 0..threads {
            let beat = beats.register(format!("render thread {idx}"));
            drop(pool.spawn_pinned_by_idx(move || crate::watchdog::beat(beat), idx));
        }
        Self { pool }
    }

    /// Runs `next` (the page handler) on one render thread, with the whole body produced
    /// there. Dropping the returned future (the client went away) stops the render.
    async fn render(&self, req: Request, next: Next) -> Response {
        let task = AbortOnDrop(self.pool.spawn_pinned(move || async move {
            let (parts, body) = next.run(req).await.into_parts();
            // Async-mode pages are complete when the handler returns; streamed ones are
            // drained here too, since producing each chunk reads the page's reactive graph.
            axum::body::to_bytes(body, usize::MAX)
                .await
                .map(|bytes| Response::from_parts(parts, Body::from(bytes)))
        }));
        match task.await {
            Ok(Ok(response)) => response,
            Ok(Err(e)) => failed("reading a rendered page", &e),
            Err(e) => failed("a page render", &e),
        }
    }
}

fn failed(what: &str, error: &dyn std::fmt::Display) -> Response {
    crate::problem::Problem::from(app::backend::failure::internal(format!("{what}: {error}")))
        .into_response()
}

/// A spawned render that is cancelled when its request is (aborting a finished task is a
/// no-op).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx)
    }
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Middleware for the page routes: render on the pool.
pub async fn on_render_thread(
    State(pool): State<RenderPool>,
    req: Request,
    next: Next,
) -> Response {
    pool.render(req, next).await
}
