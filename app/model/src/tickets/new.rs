//! A new ticket and a comment as the forms send them, checked field by field.

use super::*;

pub const TITLE_MAX: usize = 200;

pub const DESCRIPTION_MAX: usize = 50_000;

pub const COMMENT_MAX: usize = 20_000;

/// A new ticket as the form sends it, checked field by field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTicket {
    pub title: String,
    pub description: String,
    pub priority: Priority,
    pub queue_id: Option<Uuid>,
    pub assignee: Option<UserId>,
    pub due_on: Option<time::Date>,
    /// Who the ticket is for; none for the organisation's own work.
    pub requester: Option<crate::clients::Requester>,
}

/// An optional id from a form: empty means none.
pub fn optional_id(raw: &str, field: &str) -> Result<Option<Uuid>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    Uuid::parse_str(raw)
        .map(Some)
        .map_err(|_| AppError::validation(field, "Choose one from the list."))
}

/// A due date as a date input sends it (`2026-12-03`); empty means none.
pub fn parse_due(raw: &str) -> Result<Option<time::Date>, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(raw, &format) {
        Ok(day) if (2000..=2199).contains(&day.year()) => Ok(Some(day)),
        Ok(_) => Err(AppError::validation(
            "due",
            "Choose a date between 2000 and 2199.",
        )),
        Err(_) => Err(AppError::validation(
            "due",
            "Enter the date as year-month-day, like 2026-12-03.",
        )),
    }
}

impl NewTicket {
    pub fn parse(
        title: &str,
        description: &str,
        priority: &str,
        queue: &str,
        assignee: &str,
        due: &str,
        requester: &str,
    ) -> Result<Self, AppError> {
        let mut fields = Vec::new();
        let mut check = |field: &str, r: Result<String, String>| match r {
            Ok(v) => v,
            Err(message) => {
                fields.push(FieldError {
                    field: field.into(),
                    message,
                });
                String::new()
            }
        };
        let title = check("title", text(title, TITLE_MAX, "a title", true));
        let description = check(
            "description",
            text(description, DESCRIPTION_MAX, "a description", false),
        );
        if title.chars().any(char::is_control) {
            fields.push(FieldError {
                field: "title".into(),
                message: "Remove the control characters.".into(),
            });
        }
        let priority = Priority::parse(priority).unwrap_or_else(|| {
            fields.push(FieldError {
                field: "priority".into(),
                message: "Choose a priority.".into(),
            });
            Priority::Medium
        });
        let requester = crate::clients::Requester::parse(requester).unwrap_or_else(|message| {
            fields.push(FieldError {
                field: "requester".into(),
                message,
            });
            None
        });
        let queue_id = optional_id(queue, "queue");
        let assignee = optional_id(assignee, "assignee");
        let due_on = parse_due(due);
        for e in [
            queue_id.as_ref().err(),
            assignee.as_ref().err(),
            due_on.as_ref().err(),
        ]
        .into_iter()
        .flatten()
        {
            if let AppError::Validation { fields: f } = e {
                fields.extend(f.iter().cloned());
            }
        }
        if !fields.is_empty() {
            return Err(AppError::Validation { fields });
        }
        Ok(Self {
            title,
            description,
            priority,
            queue_id: queue_id?,
            assignee: assignee?.map(UserId),
            due_on: due_on?,
            requester,
        })
    }
}

pub fn parse_comment(body: &str) -> Result<String, AppError> {
    text(body, COMMENT_MAX, "a comment", true).map_err(|m| AppError::validation("body", m))
}
