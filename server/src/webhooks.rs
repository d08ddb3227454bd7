//! Inbound webhooks. Stripe's: the signature is checked over the raw body before anything is
//! read from the database; the event is then deduplicated and applied (app's billing module).

use crate::problem::Problem;
use crate::state::AppState;
use app::backend::billing::webhook::{self, WebhookError};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

pub async fn stripe(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(signature) = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok())
    else {
        if state.ctx.billing.stripe().is_none() {
            return offline();
        }
        return problem(400, "Unsigned", "The Stripe-Signature header is missing.");
    };
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    match webhook::handle(&state.ctx, signature, &body, now).await {
        Ok(outcome) => {
            axum::Json(serde_json::json!({ "outcome": outcome.as_str() })).into_response()
        }
        Err(WebhookError::Offline) => offline(),
        Err(WebhookError::Signature(e)) => {
            tracing::warn!(error = %e, "stripe webhook refused");
            problem(400, "Bad signature", &e.to_string())
        }
        Err(WebhookError::Unreadable(e)) => problem(400, "Unreadable event", &e),
        // 5xx: Stripe retries the delivery later.
        Err(WebhookError::Database(e)) => {
            Problem::from(app::model::error::AppError::from(e)).into_response()
        }
    }
}

fn offline() -> Response {
    problem(503, "Billing is offline", "No Stripe keys are configured.")
}

fn problem(status: u16, title: &str, detail: &str) -> Response {
    Problem::http(status, &format!("webhook-{status}"), title, detail).into_response()
}
