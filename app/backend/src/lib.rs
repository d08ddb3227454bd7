//! Server-only code: database access, the services the server functions and REST call, and
//! the state they run with. No Leptos: the request glue (cookies, who is asking, redirects) is
//! the app crate's `backend::request`.

/// The shared types, under the path the services have always used.
pub use ::model;

pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod billing;
pub mod clients;
pub mod context;
pub mod csv;
pub mod db;
pub mod failure;
pub mod home;
pub mod idempotency;
pub mod identity;
pub mod mail;
pub mod markdown;
pub mod org_data;
pub mod outbox;
pub mod saved_views;
pub mod security;
pub mod tenancy;
pub mod tickets;

pub use context::AppContext;
pub use db::Db;
