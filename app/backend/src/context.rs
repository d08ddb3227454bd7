//! What every use case may use: the server builds it once and provides it to each request.

use super::Db;

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
