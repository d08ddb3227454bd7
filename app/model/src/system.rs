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

/// "22 Nov 2026, 19:45:28 UTC" from an RFC 3339 time; the input itself if it does not parse.
pub fn readable_utc(rfc3339: &str) -> String {
    use time::format_description::well_known::Rfc3339;
    use time::macros::format_description;
    time::OffsetDateTime::parse(rfc3339, &Rfc3339)
        .ok()
        .and_then(|t| {
            t.to_offset(time::UtcOffset::UTC)
                .format(format_description!(
                    "[day padding:none] [month repr:short] [year], [hour]:[minute]:[second] UTC"
                ))
                .ok()
        })
        .unwrap_or_else(|| rfc3339.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_naturally_in_utc() {
        assert_eq!(
            readable_utc("2026-11-22T19:45:28.260093428Z"),
            "22 Nov 2026, 19:45:28 UTC"
        );
        assert_eq!(
            readable_utc("2026-11-02T08:05:09+01:00"),
            "2 Nov 2026, 07:05:09 UTC"
        );
        assert_eq!(readable_utc("yesterday"), "yesterday");
    }
}
