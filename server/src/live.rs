//! Live updates. A trigger NOTIFYs `ticket_changes` when a ticket row is written; PostgreSQL
//! delivers it at commit to every server process that LISTENs, so a change made through one
//! process reaches browsers connected to any other. Each process holds one listening
//! connection and fans its notifications out to the server-sent-event streams of the
//! organisation they belong to; nothing crosses tenants because every stream filters on the
//! viewer's organisation before anything is sent.

use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::model::tenancy::OrganisationId;
use app::model::tickets::TicketChanged;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

/// The NOTIFY channel the tickets trigger writes to (see the live-updates migration).
pub const CHANNEL: &str = "ticket_changes";
/// A stream ends after this long; the browser reconnects at once, which re-checks the session,
/// so a revoked session stops receiving within this time.
const STREAM_LIFETIME: Duration = Duration::from_secs(10 * 60);

#[derive(Debug, Clone, Deserialize)]
struct Notification {
    organisation_id: Uuid,
    number: i64,
    version: i32,
}

#[derive(Debug, Clone)]
enum Signal {
    Changed(OrganisationId, TicketChanged),
    /// Notifications may have been missed (listener reconnected): everyone should re-read.
    Resync,
}

/// One per process: the listener's output, shared by every open stream.
#[derive(Clone)]
pub struct Hub {
    signals: broadcast::Sender<Signal>,
    stopping: watch::Sender<bool>,
}

impl Default for Hub {
    fn default() -> Self {
        Self {
            signals: broadcast::channel(1024).0,
            stopping: watch::channel(false).0,
        }
    }
}

impl Hub {
    /// Listens until the process ends, reconnecting after a lost connection.
    pub fn spawn_listener(&self, pool: PgPool) -> tokio::task::JoinHandle<()> {
        let signals = self.signals.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = listen(&pool, &signals).await {
                    tracing::warn!(error = %e, "live updates listener lost its connection");
                }
                let _ = signals.send(Signal::Resync);
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        })
    }

    /// Ends every open stream, so graceful shutdown does not wait on them.
    pub fn stop(&self) {
        let _ = self.stopping.send(true);
    }
}

async fn listen(pool: &PgPool, signals: &broadcast::Sender<Signal>) -> Result<(), sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    tracing::info!(channel = CHANNEL, "live updates listening");
    loop {
        // None: the connection dropped and notifications may have been lost in between.
        let Some(n) = listener.try_recv().await? else {
            let _ = signals.send(Signal::Resync);
            continue;
        };
        match serde_json::from_str::<Notification>(n.payload()) {
            Ok(n) => {
                let _ = signals.send(Signal::Changed(
                    OrganisationId(n.organisation_id),
                    TicketChanged {
                        number: n.number,
                        version: n.version,
                    },
                ));
            }
            Err(e) => tracing::error!(error = %e, "unreadable ticket notification"),
        }
    }
}

/// `GET /events`: the viewer's organisation's ticket changes as server-sent events. The
/// first event, `ready`, says the subscription is in place; `ticket` carries a change;
/// `resync` says some may have been missed, so re-read everything shown.
pub async fn events(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let org = viewer.organisation_id;
    let signals = state.live.signals.subscribe();
    let stopping = state.live.stopping.subscribe();
    let deadline = tokio::time::Instant::now() + STREAM_LIFETIME;
    let ready = Event::default()
        .event("ready")
        .retry(Duration::from_secs(2))
        .data("{}");
    let changes = futures_util::stream::unfold(
        (signals, stopping),
        move |(mut signals, mut stopping)| async move {
            loop {
                let signal = tokio::select! {
                    s = signals.recv() => s,
                    _ = stopping.wait_for(|stop| *stop) => return None,
                    () = tokio::time::sleep_until(deadline) => return None,
                };
                let event = match signal {
                    Ok(Signal::Changed(o, change)) if o == org => {
                        Event::default().event("ticket").json_data(change).ok()?
                    }
                    Ok(Signal::Changed(..)) => continue,
                    Ok(Signal::Resync) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        Event::default().event("resync").data("{}")
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                };
                return Some((Ok(event), (signals, stopping)));
            }
        },
    );
    let stream = futures_util::StreamExt::fuse(futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok(ready) }),
        changes,
    ));
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}
