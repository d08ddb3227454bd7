//! What every server function may use, provided per request by the server's router.

use super::Db;
use crate::model::error::AppError;
use leptos::prelude::use_context;

#[derive(Clone)]
pub struct AppContext {
    pub db: Db,
    pub auth: super::identity::AuthSettings,
    /// Organisations are reached at `{slug}.{base_domain}`.
    pub base_domain: std::sync::Arc<str>,
    /// Where the platform itself is reached; links in email use its scheme and port.
    pub public_url: std::sync::Arc<str>,
    pub attachments: super::attachments::Store,
    pub billing: super::billing::Billing,
    pub version: &'static str,
}

impl AppContext {
    /// The context of the request being served. Missing context is a wiring bug, reported as an
    /// internal error rather than a panic.
    pub fn current() -> Result<Self, AppError> {
        use_context::<Self>()
            .ok_or_else(|| super::failure::internal("AppContext was not provided to this request"))
    }
}
