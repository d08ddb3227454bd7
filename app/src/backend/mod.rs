//! Server-only code: database access, services and the state server functions run with.

pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod billing;
pub mod context;
pub mod csv;
pub mod db;
pub mod failure;
pub mod identity;
pub mod mail;
pub mod markdown;
pub mod outbox;
pub mod request;
pub mod saved_views;
pub mod security;
pub mod tenancy;
pub mod tickets;

pub use context::AppContext;
pub use db::Db;
