//! The Workdesk application, compiled twice: natively with `ssr` (server rendering, server
//! functions, backend) and to WebAssembly with `hydrate` (the browser side).
#![recursion_limit = "256"]

pub mod api;
/// The backend crate (`app/backend`: services and SQL, no Leptos), with the request glue that
/// needs Leptos beside it.
#[cfg(feature = "ssr")]
pub mod backend {
    pub use ::backend::*;
    pub mod request;
}
/// The shared types, a crate of their own (`app/model`) so they build without Leptos or I/O.
pub use ::model;
pub mod ui;

#[cfg(feature = "ssr")]
pub use ui::app::shell;
pub use ui::app::App;
