//! Bulk edits: which tickets, and how the edit went.

use super::*;

/// How a bulk edit went: how many tickets changed, and which it could not change and why.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: Vec<BulkSkip>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkSkip {
    pub number: i64,
    pub reason: String,
}

impl BulkResult {
    pub fn summary(&self) -> String {
        let plural = |n: usize| if n == 1 { "ticket" } else { "tickets" };
        let mut text = format!("Changed {} {}.", self.changed, plural(self.changed));
        if self.unchanged > 0 {
            text.push_str(&format!(" {} already matched.", self.unchanged));
        }
        for skip in &self.skipped {
            text.push_str(&format!(" Skipped #{}: {}", skip.number, skip.reason));
        }
        text
    }
}

/// The most tickets one bulk edit takes: more than a page, so "all on this page" always fits.
pub const BULK_MAX: usize = 200;

/// Ticket ids as the bulk form sends them: comma-separated.
pub fn parse_bulk_ids(raw: &str) -> Result<Vec<Uuid>, AppError> {
    let ids: Result<Vec<Uuid>, _> = raw
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(Uuid::parse_str)
        .collect();
    match ids {
        Ok(ids) if ids.is_empty() => {
            Err(AppError::validation("ids", "Select at least one ticket."))
        }
        Ok(ids) if ids.len() > BULK_MAX => Err(AppError::validation(
            "ids",
            format!("Select at most {BULK_MAX} tickets at once."),
        )),
        Ok(mut ids) => {
            ids.sort();
            ids.dedup();
            Ok(ids)
        }
        Err(_) => Err(AppError::validation(
            "ids",
            "The selection is damaged. Select the tickets again.",
        )),
    }
}
