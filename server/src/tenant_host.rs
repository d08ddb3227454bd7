//! Maps the Host header to a tenant before anything else runs: `{slug}.{base domain}` or a
//! verified custom domain. A host no organisation answers to gets a 404, never the platform.

use crate::problem::Problem;
use crate::state::AppState;
use app::backend::tenancy;
use app::model::error::AppError;
use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(strip_port)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let path = req.uri().path();
    if path == "/healthz" || path == "/readyz" || path.starts_with("/pkg/") {
        return next.run(req).await;
    }
    match tenancy::resolve(&state.ctx.db, &state.ctx.base_domain, &host).await {
        Ok(Some(tenant)) => {
            req.extensions_mut().insert(tenant);
            next.run(req).await
        }
        Ok(None) => unknown_host(req.uri().path()),
        Err(e) => {
            tracing::warn!(error = %e, "tenant resolution failed");
            Problem::from(AppError::Unavailable).into_response()
        }
    }
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host.split_once(']').map(|(h, _)| &h[1..]).unwrap_or(host);
    }
    host.rsplit_once(':').map(|(h, _)| h).unwrap_or(host)
}

fn unknown_host(path: &str) -> Response {
    if path.starts_with("/api/") {
        return Problem::not_found().into_response();
    }
    let page = Html(
        "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Unknown workspace</title></head>\
         <body><main><h1>Unknown workspace</h1><p>No organisation uses this address. Check the link you followed.</p></main></body></html>",
    );
    (axum::http::StatusCode::NOT_FOUND, page).into_response()
}

#[cfg(test)]
mod tests {
    use super::strip_port;

    #[test]
    fn ports_are_stripped_from_hosts() {
        assert_eq!(strip_port("acme.localhost:3000"), "acme.localhost");
        assert_eq!(strip_port("acme.localhost"), "acme.localhost");
        assert_eq!(strip_port("[::1]:3000"), "::1");
    }
}
