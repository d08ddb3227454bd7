//! What the status page shows about the running service.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
    Down,
}

impl Health {
    pub fn label(self) -> &'static str {
        match self {
            Self::Ok => "Operational",
            Self::Down => "Unavailable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemStatus {
    pub version: String,
    pub database: Health,
    /// Round-trip time of the database ping, in microseconds; absent when it failed.
    pub database_latency_us: Option<u64>,
    /// RFC 3339 time of the check on the server.
    pub checked_at: String,
}
