//! The whole HTTP surface: health, REST, server functions, pages and static files, wrapped in
//! the middleware every response passes through.

use crate::state::AppState;
use crate::{auth, csrf, health, middleware, rest, tenant_host};
use app::backend::security::CspNonce;
use app::{shell, App};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use leptos::prelude::{provide_context, with_context};
use leptos_axum::{file_and_error_handler_with_context, generate_route_list, LeptosRoutes};
use std::any::Any;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::trace::TraceLayer;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

pub fn build(state: AppState) -> Router {
    // First, before anything of Leptos's sets its default executor.
    crate::render_scope::install();
    let routes = generate_route_list(App);
    let provide_app_context = {
        let ctx = state.ctx.clone();
        move || {
            provide_context(ctx.clone());
            provide_context(app::backend::request::ViewerOnce::default());
            // The nonce the security-header middleware put in the response's CSP.
            if let Some(nonce) = with_context::<axum::http::request::Parts, _>(|parts| {
                parts.extensions.get::<CspNonce>().cloned()
            })
            .flatten()
            {
                provide_context(leptos::nonce::Nonce::from_value(nonce.0));
            }
        }
    };
    let page_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };

    // A page's tasks are polled by its own render, never across the runtime's workers.
    let pages = Router::new()
        .leptos_routes_with_context(&state, routes, provide_app_context.clone(), page_shell)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            provide_app_context,
            shell,
        ))
        .layer(axum::middleware::from_fn(
            crate::render_scope::in_render_scope,
        ))
        // Server functions are routes of this router; they read their bodies whole.
        .layer(axum::middleware::from_fn(crate::request_body::small));

    let mut router = Router::new();
    // The site's top-level files (copied from public/ by the build) as they are at startup.
    for (path, file) in public_files(std::path::Path::new(&*state.leptos_options.site_root)) {
        router = router.route_service(&path, ServeFile::new(file));
    }
    router
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/tickets/export.csv", get(crate::export::tickets_csv))
        .route("/clients/export.csv", get(crate::export::clients_csv))
        .route("/assets/export.csv", get(crate::export::assets_csv))
        .route("/contacts/export.csv", get(crate::export::contacts_csv))
        .route("/billing/history.csv", get(crate::export::billing_csv))
        .route("/audit/export.csv", get(crate::export::audit_csv))
        .route("/organisation/export.zip", get(crate::org_export::download))
        .route("/account/export.json", get(crate::export::person_json))
        .route(
            "/webhooks/stripe",
            axum::routing::post(crate::webhooks::stripe),
        )
        .merge(crate::attachments::router())
        .route("/events", get(crate::live::events))
        .nest("/api/v1", rest::router())
        // The bundle and the public files are served by tower-http alone, and unknown paths
        // are an ordinary page route (app.rs). Leptos's fallback handler copied onto a file
        // the response options of whatever page rendered beside it on the same thread (so the
        // bundle could come back 404 and the page not hydrate), and its not-found renders
        // could hang when several overlapped. It stays only for methods no route takes.
        .nest_service(
            &format!("/{}", state.leptos_options.site_pkg_dir),
            ServeDir::new(
                std::path::Path::new(&*state.leptos_options.site_root)
                    .join(&*state.leptos_options.site_pkg_dir),
            )
            .precompressed_br()
            .precompressed_gzip(),
        )
        .merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http())
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(CatchPanicLayer::custom(panic_response))
                // Pages and JSON are compressed per response, so cheaply: zstd at level 1 where
                // accepted (current browsers; the inner layer), else gzip at level 4 (flate2 on
                // zlib-rs, see server/Cargo.toml; the outer layer leaves a response the inner
                // one compressed alone). zstd's level 1 is as small as its level 4 on the list
                // page (13.2 vs 13.1 KB of 89 KB) and its tables are an eighth of the size:
                // clearing them for every response was 3 % of the list page's CPU (issue 14).
                // Brotli's default (quality 11) cost milliseconds per page, and even quality 4
                // cost a tenth of the list page's throughput for a few percent of size. The
                // bundle is precompressed with brotli when built (tools/lib.sh) and sent as it
                // is by ServeDir, which these layers leave alone.
                .layer(
                    CompressionLayer::new()
                        .no_br()
                        .no_zstd()
                        .quality(CompressionLevel::Precise(4)),
                )
                .layer(
                    CompressionLayer::new()
                        .no_br()
                        .no_gzip()
                        .no_deflate()
                        .quality(CompressionLevel::Precise(1)),
                )
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    middleware::security_headers,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    middleware::cache_control,
                ))
                .layer(axum::middleware::from_fn(
                    middleware::server_fn_error_status,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    csrf::same_origin_writes,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    tenant_host::resolve,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    auth::authenticate,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.gate.clone(),
                    crate::tenant_gate::limit,
                ))
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    crate::request_body::idle_timeout,
                )),
        )
        .with_state(state)
}

/// `/name` and the file for each regular file directly in the site folder.
fn public_files(site_root: &std::path::Path) -> Vec<(String, std::path::PathBuf)> {
    let Ok(entries) = std::fs::read_dir(site_root) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .filter_map(|e| Some((format!("/{}", e.file_name().to_str()?), e.path())))
        .collect()
}

/// A panic is a bug; the client still gets a well-formed problem, never a dropped connection.
fn panic_response(_: Box<dyn Any + Send + 'static>) -> axum::response::Response {
    tracing::error!("request handler panicked");
    let mut response =
        crate::problem::Problem::from(app::backend::failure::internal("panic")).into_response();
    *response.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
    response
}
