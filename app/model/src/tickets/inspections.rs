//! Inspections: what was found, with the hours it took.

use super::*;

/// What an inspection found, as the form sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInspection {
    pub summary: String,
    pub cause: String,
    pub recommendation: String,
    pub estimated_minutes: Option<i32>,
}

pub const INSPECTION_TEXT_MAX: usize = 5_000;

/// Hours as people type them ("2", "1.5", "0.25", "1,5") to whole minutes, without floats.
pub fn parse_hours(raw: &str) -> Result<Option<i32>, &'static str> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return Ok(None);
    }
    let (whole, fraction) = raw.split_once('.').unwrap_or((&raw, ""));
    let bad = "Enter hours as a number, like 1.5.";
    if (whole.is_empty() && fraction.is_empty())
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !fraction.chars().all(|c| c.is_ascii_digit())
        || fraction.len() > 2
        || whole.len() > 5
    {
        return Err(bad);
    }
    let whole: i32 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad)?
    };
    let hundredths: i32 = format!("{fraction:0<2}").parse().map_err(|_| bad)?;
    let minutes = whole * 60 + (hundredths * 60 + 50) / 100;
    if minutes > 600_000 {
        return Err("That's more than 10,000 hours.");
    }
    Ok(Some(minutes))
}

/// Minutes as hours for display: "1.5 h", "45 min".
pub fn format_minutes(minutes: i32) -> String {
    if minutes < 60 {
        return format!("{minutes} min");
    }
    let (h, m) = (minutes / 60, minutes % 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

impl NewInspection {
    pub fn parse(
        summary: &str,
        cause: &str,
        recommendation: &str,
        hours: &str,
    ) -> Result<Self, AppError> {
        let mut fields = Vec::new();
        let mut check = |field: &str, r: Result<String, String>| {
            r.unwrap_or_else(|message| {
                fields.push(FieldError {
                    field: field.into(),
                    message,
                });
                String::new()
            })
        };
        let summary = check(
            "summary",
            text(summary, INSPECTION_TEXT_MAX, "what you found", true),
        );
        let cause = check(
            "cause",
            text(cause, INSPECTION_TEXT_MAX, "the cause", false),
        );
        let recommendation = check(
            "recommendation",
            text(
                recommendation,
                INSPECTION_TEXT_MAX,
                "a recommendation",
                false,
            ),
        );
        let estimated_minutes = parse_hours(hours).unwrap_or_else(|m| {
            fields.push(FieldError {
                field: "hours".into(),
                message: m.into(),
            });
            None
        });
        if !fields.is_empty() {
            return Err(AppError::Validation { fields });
        }
        Ok(Self {
            summary,
            cause,
            recommendation,
            estimated_minutes,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inspection {
    pub id: Uuid,
    pub inspector: String,
    pub summary: String,
    pub cause: String,
    pub recommendation: String,
    pub estimated_minutes: Option<i32>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
}
