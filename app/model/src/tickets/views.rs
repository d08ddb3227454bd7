//! Saved views: a member's named filters of the list.

use super::*;

/// A member's named filter of the ticket list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedView {
    pub id: Uuid,
    pub name: String,
    /// The list's query string, e.g. `status=open&q=printer&sort=updated`.
    pub query: String,
}

impl SavedView {
    pub fn href(&self) -> String {
        format!("/tickets?{}", self.query)
    }
}

pub const VIEW_NAME_MAX: usize = 60;

pub fn parse_view_name(raw: &str) -> Result<String, AppError> {
    one_line_name(raw, VIEW_NAME_MAX, "a name for this view")
}
