//! Components (the design system) and pages (routes).

pub mod app;
#[cfg(feature = "ssr")]
mod assets;
pub mod auth;
pub mod components;
pub mod keyboard;
pub mod layout;
pub mod live;
pub mod pages;
pub mod search;
