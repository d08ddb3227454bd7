//! Response headers every answer gets: security headers and caching rules.

use crate::state::AppState;
use app::backend::security::{content_security_policy, CspNonce};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

const HSTS: HeaderValue = HeaderValue::from_static("max-age=63072000; includeSubDomains");
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// Pages will carry personal data, so shared caches must not keep them.
const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");

pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = CspNonce::generate();
    req.extensions_mut().insert(nonce.clone());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    // Pages admit their own inline scripts by nonce; nothing else needs any.
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    // A handler may set a stricter policy of its own (downloads are sandboxed).
    let policy = content_security_policy(is_html.then_some(nonce.0.as_str()));
    if let (false, Ok(v)) = (
        headers.contains_key(header::CONTENT_SECURITY_POLICY),
        HeaderValue::from_str(&policy),
    ) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    set(headers, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(
        headers,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    set(headers, header::X_FRAME_OPTIONS, "DENY");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(
        headers,
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if state.config.serves_https() {
        headers.insert(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}

/// Hashed assets never change under their name, so browsers may keep them for a year; anything
/// else is revalidated.
pub async fn cache_control(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let hashed_asset = state.leptos_options.hash_files
        && req
            .uri()
            .path()
            .starts_with(&format!("/{}/", state.leptos_options.site_pkg_dir));
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if headers.contains_key(header::CACHE_CONTROL) {
        return response;
    }
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("text/html"));
    let value = if hashed_asset && response.status().is_success() {
        IMMUTABLE
    } else if is_html {
        PRIVATE
    } else {
        REVALIDATE
    };
    response.headers_mut().insert(header::CACHE_CONTROL, value);
    response
}

fn set(headers: &mut HeaderMap, name: impl header::IntoHeaderName, value: &'static str) {
    headers.insert(name, HeaderValue::from_static(value));
}

/// Server functions answer every error with 500 (server_fn fixes it); the body is our typed
/// `AppError`, so the edge restores its real status: 422 for invalid input, 429 with
/// `Retry-After` for throttling, 404 for another tenant's id, and so on.
pub async fn server_fn_error_status(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let is_server_fn = path.starts_with("/api/") && !path.starts_with("/api/v1");
    let response = next.run(req).await;
    if !is_server_fn || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // An error is a small JSON object; one past this limit is itself a bug, answered as one
    // (never as an empty body).
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        let error = app::backend::failure::internal("a server function's error was over 1 MiB");
        let body = serde_json::to_vec(&error).unwrap_or_default();
        parts.headers.remove(header::CONTENT_LENGTH);
        return Response::from_parts(parts, axum::body::Body::from(body));
    };
    if let Ok(error) = serde_json::from_slice::<app::model::error::AppError>(&bytes) {
        if let Ok(status) = axum::http::StatusCode::from_u16(error.status()) {
            parts.status = status;
        }
        if let app::model::error::AppError::RateLimited { retry_after_secs } = error {
            parts
                .headers
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}
