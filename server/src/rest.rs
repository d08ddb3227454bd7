//! The public REST API, `/api/v1`. Unknown paths and methods answer problem+json, never HTML.

use crate::problem::Problem;
use crate::state::AppState;
use axum::routing::get;
use axum::{Json, Router};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .fallback(|| async { Problem::not_found() })
        .method_not_allowed_fallback(|| async { Problem::method_not_allowed() })
}

async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": "Workdesk API",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}
