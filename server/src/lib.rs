//! The Workdesk server: configuration, the HTTP surface and the command-line tasks.

pub mod attachments;
pub mod auth;
pub mod baseline;
pub mod config;
pub mod csrf;
pub mod database;
pub mod export;
pub mod health;
pub mod live;
pub mod middleware;
pub mod problem;
pub mod rate_limit;
pub mod relay;
pub mod render_scope;
pub mod rest;
pub mod router;
pub mod scale_seed;
pub mod serve;
pub mod signed_in;
pub mod state;
pub mod telemetry;
pub mod tenant_gate;
pub mod tenant_host;
pub mod watchdog;
pub mod webhooks;
