//! Tickets, one idea per module: status and priority, new tickets, the list, one ticket's page,
//! saved views, bulk edits, inspections and approvals.
//! Shared by the ticket pages in the browser and the server.

use super::error::{AppError, FieldError};
use super::identity::UserId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod approvals;
mod bulk;
mod detail;
mod inspections;
mod list;
mod new;
mod order;
mod status;
#[cfg(test)]
mod tests;
mod views;

pub use {
    approvals::*, bulk::*, detail::*, inspections::*, list::*, new::*, order::*, status::*,
    views::*,
};

fn text(raw: &str, max: usize, what: &str, required: bool) -> Result<String, String> {
    let s = raw.trim();
    if s.contains('\0') {
        return Err("Remove the NUL characters.".into());
    }
    if required && s.is_empty() {
        return Err(format!("Enter {what}."));
    }
    // Counted as sent, as the REST document's maxLength counts it.
    if raw.chars().count() > max {
        return Err(format!("Keep it to {max} characters."));
    }
    Ok(s.to_string())
}

/// A required one-line name, reported against the form's `name` field.
fn one_line_name(raw: &str, max: usize, what: &str) -> Result<String, AppError> {
    text(raw, max, what, true)
        .and_then(|name| {
            if name.chars().any(char::is_control) {
                Err("Use a single line.".to_string())
            } else {
                Ok(name)
            }
        })
        .map_err(|m| AppError::validation("name", m))
}
