//! Page renders keep their tasks to themselves.
//!
//! Leptos spawns a page's resources as tasks of the async runtime. On the multi-threaded
//! runtime those tasks ran on other worker threads than the render itself, and
//! `reactive_graph` (0.2.16) takes its per-node `RwLock`s in opposite orders on two paths (an
//! `AsyncDerived` clearing an effect's sources while the render's future is polled, and a
//! resource's completion marking that effect dirty through the Suspense context). Two threads
//! doing that at once wedged both workers for good: leptos-rs/leptos#4673 (issue 11).
//!
//! Here every task a render spawns is polled by the render's own future, inside its poll, so
//! one page's reactive graph is only ever touched by one thread at a time, whatever the page
//! does. The request stays an ordinary task of the multi-threaded runtime (its I/O, timers
//! and database connections too); tasks spawned outside a render go to the runtime as before.

use any_spawner::{CustomExecutor, Executor, PinnedFuture, PinnedLocalFuture};
use axum::body::Body;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::stream::{FuturesUnordered, StreamExt};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

/// Tasks spawned while a render is being polled, waiting to join its set.
type Inbox = Arc<Mutex<Vec<PinnedFuture<()>>>>;

thread_local! {
    /// The render being polled on this thread, if any.
    static CURRENT: RefCell<Option<Inbox>> = const { RefCell::new(None) };
}

struct ScopedExecutor;

impl CustomExecutor for ScopedExecutor {
    fn spawn(&self, fut: PinnedFuture<()>) {
        match CURRENT.with(|c| c.borrow().clone()) {
            Some(inbox) => inbox
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(fut),
            None => {
                tokio::spawn(fut);
            }
        }
    }

    fn spawn_local(&self, fut: PinnedLocalFuture<()>) {
        tokio::task::spawn_local(fut);
    }

    fn poll_local(&self) {}
}

/// Makes Leptos spawn through [`ScopedExecutor`]; before the router is built, so it wins over
/// leptos_axum's own `init_tokio` (which then quietly finds an executor set). Idempotent.
pub fn install() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        if Executor::init_custom_executor(ScopedExecutor).is_err() {
            tracing::error!("another executor was set before ours: page renders are not scoped");
        }
    });
}

/// A future that also polls every task spawned while it is polled.
struct Scoped<F: Future> {
    inner: Pin<Box<F>>,
    tasks: FuturesUnordered<PinnedFuture<()>>,
    inbox: Inbox,
}

/// Sets the thread's current render for the length of one poll, restoring what was there.
struct Entered(Option<Inbox>);

impl Entered {
    fn new(inbox: &Inbox) -> Self {
        Self(CURRENT.with(|c| c.replace(Some(Arc::clone(inbox)))))
    }
}

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.0.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let _entered = Entered::new(&this.inbox);
        loop {
            if let Poll::Ready(out) = this.inner.as_mut().poll(cx) {
                // Tasks still running (a resource the page no longer waits for) end with it.
                return Poll::Ready(out);
            }
            let spawned: Vec<_> = this
                .inbox
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .drain(..)
                .collect();
            this.tasks.extend(spawned);
            let mut finished = false;
            while let Poll::Ready(Some(())) = this.tasks.poll_next_unpin(cx) {
                finished = true;
            }
            let waiting = !this
                .inbox
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .is_empty();
            // A finished task may be what the render waits for: poll it again. Otherwise
            // every part is pending and registered its waker.
            if !finished && !waiting {
                return Poll::Pending;
            }
        }
    }
}

/// Middleware for the page routes: the handler, and the draining of the page's body (each
/// chunk of which may read the graph), run as one scoped future.
pub async fn in_render_scope(req: Request, next: Next) -> Response {
    let render = async move {
        let (parts, body) = next.run(req).await.into_parts();
        axum::body::to_bytes(body, usize::MAX)
            .await
            .map(|bytes| Response::from_parts(parts, Body::from(bytes)))
    };
    let scoped = Scoped {
        inner: Box::pin(render),
        tasks: FuturesUnordered::new(),
        inbox: Arc::default(),
    };
    match scoped.await {
        Ok(response) => response,
        Err(e) => crate::problem::Problem::from(app::backend::failure::internal(format!(
            "reading a rendered page: {e}"
        )))
        .into_response(),
    }
}
