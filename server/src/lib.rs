//! The Workdesk server: configuration, the HTTP surface and the command-line tasks.

pub mod auth;
pub mod config;
pub mod csrf;
pub mod database;
pub mod health;
pub mod middleware;
pub mod problem;
pub mod rest;
pub mod router;
pub mod serve;
pub mod state;
pub mod telemetry;
pub mod tenant_host;
