//! Types shared by the browser and the server: serde types, validation and pure rules. No I/O,
//! so everything here is unit-tested natively and fast.

pub mod api_tokens;
pub mod attachments;
pub mod audit;
pub mod billing;
pub mod clients;
pub mod error;
pub mod format;
pub mod home;
pub mod identity;
pub mod members;
pub mod navigation;
pub mod permission;
pub mod second_factor;
pub mod system;
pub mod tenancy;
pub mod theme;
pub mod tickets;
pub mod timeline;
mod url;
