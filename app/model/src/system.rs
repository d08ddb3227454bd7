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
    /// When the server checked.
    #[serde(with = "time::serde::rfc3339")]
    pub checked_at: time::OffsetDateTime,
}

/// "22 Nov 2026, 19:45:28 UTC": an instant as the server writes it (the browser rewrites it
/// in the reader's time zone: `ui::components::Instant`).
pub fn readable_utc(at: time::OffsetDateTime) -> String {
    use time::macros::format_description;
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute]:[second] UTC"
        ))
        .unwrap_or_default()
}

/// The instant as RFC 3339, for `<time datetime>`.
pub fn rfc3339(at: time::OffsetDateTime) -> String {
    at.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_naturally_in_utc() {
        use time::macros::datetime;
        assert_eq!(
            readable_utc(datetime!(2026-11-22 19:45:28.260093428 UTC)),
            "22 Nov 2026, 19:45:28 UTC"
        );
        assert_eq!(
            readable_utc(datetime!(2026-11-02 08:05:09 +01:00)),
            "2 Nov 2026, 07:05:09 UTC"
        );
        assert_eq!(
            rfc3339(datetime!(2026-11-02 08:05:09 +01:00)),
            "2026-11-02T08:05:09+01:00"
        );
    }
}
