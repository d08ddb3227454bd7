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
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}
