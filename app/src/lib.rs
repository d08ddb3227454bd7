//! The Workdesk application, compiled twice: natively with `ssr` (server rendering, server
//! functions, backend) and to WebAssembly with `hydrate` (the browser side).
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod model;
pub mod ui;

pub use ui::app::{shell, App};
