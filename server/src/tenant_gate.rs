//! How much of the server one organisation may use at once. Every request made as someone of
//! an organisation (a browser session or an API token) holds one of that organisation's
//! permits while its handler runs; an API request holds one pooled connection at a time (a page
//! render may hold two), and an organisation gets permits for a quarter of the pool, so one
//! tenant hammering the API can hold at most half of it and the others always find
//! connections (issue 12: 40 concurrent POSTs from one token had made every other tenant's
//! reads wait seconds).
//!
//! Counted in this process, like the API rate limit.

use crate::problem::Problem;
use app::model::error::AppError;
use app::model::tenancy::OrganisationId;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a request waits for its organisation's turn before a 503 asks it to retry.
const WAIT: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct TenantGate {
    per_organisation: usize,
    open: Arc<Mutex<HashMap<OrganisationId, Arc<Semaphore>>>>,
}

/// A request's place in its organisation's share; released when dropped.
pub struct Entry(#[allow(dead_code)] OwnedSemaphorePermit);

impl TenantGate {
    pub fn new(pool_size: u32) -> Self {
        Self::with_share((pool_size as usize / 4).max(1))
    }

    /// A gate of `per_organisation` permits each (exports: two at a time).
    pub fn with_share(per_organisation: usize) -> Self {
        Self {
            per_organisation,
            open: Arc::default(),
        }
    }

    /// Waits for one of `org`'s permits; `Unavailable` (503) when none frees up in time.
    pub async fn enter(&self, org: OrganisationId) -> Result<Entry, AppError> {
        match tokio::time::timeout(WAIT, self.semaphore(org).acquire_owned()).await {
            Ok(Ok(permit)) => Ok(Entry(permit)),
            _ => {
                tracing::warn!(organisation = %org.0, "organisation at its share of the server");
                Err(AppError::Unavailable)
            }
        }
    }

    /// One of `org`'s permits if one is free now.
    pub fn try_enter(&self, org: OrganisationId) -> Option<Entry> {
        self.semaphore(org).try_acquire_owned().ok().map(Entry)
    }

    fn semaphore(&self, org: OrganisationId) -> Arc<Semaphore> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() > 10_000 {
            // Forget organisations with nothing in flight (only the map holds them).
            open.retain(|_, s| Arc::strong_count(s) > 1);
        }
        Arc::clone(
            open.entry(org)
                .or_insert_with(|| Arc::new(Semaphore::new(self.per_organisation))),
        )
    }
}

/// Middleware (inside authentication): a signed-in browser's request holds a permit.
pub async fn limit(State(gate): State<TenantGate>, req: Request, next: Next) -> Response {
    let Some(org) = req
        .extensions()
        .get::<app::backend::identity::Principal>()
        .map(|p| p.organisation_id)
    else {
        return next.run(req).await;
    };
    match gate.enter(org).await {
        Ok(_entry) => next.run(req).await,
        Err(e) => {
            let mut response = Problem::from(e).into_response();
            response.headers_mut().insert(
                axum::http::header::RETRY_AFTER,
                axum::http::HeaderValue::from(1),
            );
            response
        }
    }
}
