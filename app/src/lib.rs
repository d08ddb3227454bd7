//! The Workdesk application, compiled twice: natively with `ssr` (server rendering, server
//! functions, backend) and to WebAssembly with `hydrate` (the browser side).
#![recursion_limit = "256"]

pub mod api;
#[cfg(feature = "ssr")]
pub mod backend;
/// The shared types, a crate of their own (`app/model`) so they build without Leptos or I/O.
pub use ::model;
pub mod ui;

pub use ui::app::{shell, App};
