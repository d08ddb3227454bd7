//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: it can do real work,
//! i.e. the database answers). Load balancers route on readiness, orchestrators restart on
//! liveness, so liveness must never depend on the database.

use crate::problem::Problem;
use crate::state::AppState;
use app::model::error::AppError;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use std::time::Duration;

const READINESS_TIMEOUT: Duration = Duration::from_secs(2);

pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

pub async fn readyz(State(state): State<AppState>) -> Response {
    match tokio::time::timeout(READINESS_TIMEOUT, state.ctx.db.ping()).await {
        Ok(Ok(rtt)) => Json(serde_json::json!({
            "status": "ready",
            "database": { "status": "ok", "latency_us": rtt.as_micros() as u64 },
        }))
        .into_response(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness: database ping failed");
            Problem::from(AppError::Unavailable).into_response()
        }
        Err(_) => {
            tracing::warn!("readiness: database ping timed out");
            Problem::from(AppError::Unavailable).into_response()
        }
    }
}
