//! Limits on what a client may send as a request body. Server functions read theirs whole and
//! set no limit of their own (Leptos collects the body), so a single POST of a few gigabytes
//! was held in memory until it was parsed. Every body outside the attachment upload (which
//! streams to disk under its own limit) is a form or a little JSON: one past `SMALL` is
//! refused with 413: at once when it declares a length past what is worth draining, else
//! once it passes `SMALL` (the rest, up to a cap, read and dropped so the client sees it). Any body that stops arriving is dropped after the idle timeout, so a client
//! trickling one byte a minute holds nothing for long.

use crate::problem::Problem;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::StreamExt;
use tower_http::timeout::TimeoutBody;

/// The largest form or JSON body: a 50,000-character description, every byte URL-encoded
/// (4 bytes a character, 3 a byte), is under 600 KiB.
pub const SMALL: usize = 1024 * 1024;

/// How much past [`SMALL`] an oversized body is read and dropped before the 413, so a client
/// still sending gets the answer rather than a broken connection.
const DRAIN: usize = 8 * SMALL;

/// Reads a body of at most [`SMALL`] bytes before the handler runs, or answers 413 or 400 (a
/// body that broke off or stalled).
pub async fn small(req: Request, next: Next) -> Response {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    // Too large to read even to throw away: answered at once (the client, still sending,
    // may see its connection closed instead of the answer).
    if declared.is_some_and(|n| n > (SMALL + DRAIN) as u64) {
        return too_large().into_response();
    }
    let (parts, body) = req.into_parts();
    let mut pieces = body.into_data_stream();
    let (mut kept, mut seen) = (Vec::new(), 0usize);
    while let Some(piece) = pieces.next().await {
        let Ok(piece) = piece else {
            return incomplete().into_response();
        };
        seen += piece.len();
        if seen <= SMALL {
            kept.extend_from_slice(&piece);
        } else if seen > SMALL + DRAIN {
            break;
        }
    }
    if seen > SMALL {
        return too_large().into_response();
    }
    next.run(Request::from_parts(parts, Body::from(kept))).await
}

/// Ends a body that pauses longer than the configured idle timeout between two pieces.
pub async fn idle_timeout(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let idle = state.config.body_idle_timeout();
    next.run(req.map(|body| Body::new(TimeoutBody::new(idle, body))))
        .await
}

fn incomplete() -> Problem {
    Problem::http(
        400,
        "incomplete-body",
        "Request incomplete",
        "The request's body stopped arriving before its end, so nothing was done. Send it again.",
    )
}

fn too_large() -> Problem {
    Problem::http(
        413,
        "too-large",
        "Request too large",
        format!(
            "This request's body is larger than the {} KiB this address takes. Files go to a ticket's attachments, which take larger ones.",
            SMALL / 1024
        ),
    )
}
