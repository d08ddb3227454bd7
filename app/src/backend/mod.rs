//! Server-only code: database access, services and the state server functions run with.

pub mod context;
pub mod db;
pub mod failure;
pub mod security;

pub use context::AppContext;
pub use db::Db;
