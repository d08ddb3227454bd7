//! Server functions, grouped by product area. Each is thin: who is asking -> a service.

pub mod api_tokens;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod clients;
pub mod home;
pub mod members;
pub mod profile;
pub mod second_factor;
pub mod system;
pub mod tickets;
