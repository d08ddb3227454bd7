//! Server functions, grouped by product area. Each is thin: who is asking -> a service.

pub mod auth;
pub mod system;
