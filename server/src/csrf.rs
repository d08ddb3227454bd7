//! Cross-site request forgery guard: a state-changing request that a browser marks as coming
//! from another site is refused before it reaches any handler. Browsers send `Sec-Fetch-Site`
//! (and `Origin`) on every such request; clients that send neither are not browsers, carry no
//! ambient cookies worth forging, and pass. An `Origin` must be the whole origin this server
//! answers as: the configured scheme and the request's host (which tenant resolution then
//! checks is one of ours), so `https://HOST` does not pass for `http://HOST`.

use crate::problem::Problem;
use crate::state::AppState;
use app::model::error::AppError;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn same_origin_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let scheme = if state.config.serves_https() {
        "https"
    } else {
        "http"
    };
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || is_same_origin(&req, scheme)
    {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "cross-site write refused");
    let mut response = Problem::from(AppError::Forbidden).into_response();
    *response.status_mut() = axum::http::StatusCode::FORBIDDEN;
    response
}

fn is_same_origin(req: &Request, scheme: &str) -> bool {
    let headers = req.headers();
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return matches!(site, "same-origin" | "none");
    }
    match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        None => true,
        Some(origin) => {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default();
            let (origin_scheme, origin_host) = origin.split_once("://").unwrap_or_default();
            !host.is_empty()
                && origin_scheme.eq_ignore_ascii_case(scheme)
                && origin_host.eq_ignore_ascii_case(host)
        }
    }
}
