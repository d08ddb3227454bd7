use crate::config::Config;
use app::backend::AppContext;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;

#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub ctx: AppContext,
    pub config: Arc<Config>,
    /// Ticket changes heard from PostgreSQL, for the event streams.
    pub live: crate::live::Hub,
    pub rate_limit: crate::rate_limit::RateLimiter,
    /// Each organisation's share of the server at once (tenant_gate.rs).
    pub gate: crate::tenant_gate::TenantGate,
    /// Streamed exports running per organisation (two at once).
    pub exports: crate::tenant_gate::TenantGate,
    /// What the watchdog reads to tell a live process from a wedged one.
    pub heartbeats: Arc<crate::watchdog::Heartbeats>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
