//! Components (the design system) and pages (routes).

pub mod app;
pub mod auth;
#[cfg(feature = "ssr")]
mod chunks;
pub mod components;
pub mod layout;
pub mod live;
pub mod pages;
