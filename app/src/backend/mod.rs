//! Server-only code: database access, services and the state server functions run with.

pub mod audit;
pub mod context;
pub mod db;
pub mod failure;
pub mod identity;
pub mod request;
pub mod security;
pub mod tenancy;

pub use context::AppContext;
pub use db::Db;
