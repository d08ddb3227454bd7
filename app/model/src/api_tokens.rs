//! API tokens as the settings page shows them. The secret itself appears once, in
//! [`CreatedToken`], and is never stored or shown again.

use super::error::AppError;
use super::identity::Role;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Every token starts with this, so leaked ones are easy to search for and to recognise.
pub const PREFIX: &str = "wd_";
pub const NAME_MAX: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: Uuid,
    pub name: String,
    pub role: Role,
    pub created_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<time::OffsetDateTime>,
    pub revoked: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: ApiToken,
    /// `wd_` and 43 characters: shown to its maker once.
    pub secret: String,
}

pub fn parse_name(raw: &str) -> Result<String, AppError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(AppError::validation(
            "name",
            "Name the token after what uses it.",
        ));
    }
    if name.chars().count() > NAME_MAX || name.chars().any(char::is_control) {
        return Err(AppError::validation(
            "name",
            format!("Use up to {NAME_MAX} characters, without line breaks."),
        ));
    }
    Ok(name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_required_short_and_single_line() {
        assert_eq!(parse_name("  Zapier ").unwrap(), "Zapier");
        assert!(parse_name(" ").is_err());
        assert!(parse_name("a\nb").is_err());
        assert!(parse_name(&"x".repeat(NAME_MAX + 1)).is_err());
    }

    #[test]
    fn a_token_never_outranks_its_maker() {
        assert_eq!(Role::Admin.at_most(Role::Staff), Role::Staff);
        assert_eq!(Role::Staff.at_most(Role::Admin), Role::Staff);
        assert_eq!(Role::Manager.at_most(Role::Admin), Role::Manager);
        assert_eq!(Role::Manager.at_most(Role::Manager), Role::Manager);
    }
}
