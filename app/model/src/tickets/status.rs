//! A ticket's status, with the rules for moving between them, and its priority.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum TicketStatus {
    Open,
    Pending,
    Resolved,
    Closed,
}

impl TicketStatus {
    pub const ALL: [Self; 4] = [Self::Open, Self::Pending, Self::Resolved, Self::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Pending => "pending",
            Self::Resolved => "resolved",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Pending => "Pending",
            Self::Resolved => "Resolved",
            Self::Closed => "Closed",
        }
    }

    /// Where a ticket may go from here. Closed is final except for reopening; resolved can be
    /// reopened or closed; open and pending move freely between each other and to resolved.
    pub fn can_become(self, to: Self) -> bool {
        use TicketStatus::*;
        matches!(
            (self, to),
            (Open, Pending)
                | (Open, Resolved)
                | (Pending, Open)
                | (Pending, Resolved)
                | (Resolved, Open)
                | (Resolved, Closed)
                | (Closed, Open)
        ) || self == to
    }

    /// Why a ticket in this status can't move to `to`, and what to do instead, in a sentence.
    pub fn refusal(self, to: Self) -> String {
        let what = match self {
            Self::Open => "An open ticket",
            Self::Pending => "A pending ticket",
            Self::Resolved => "A resolved ticket",
            Self::Closed => "A closed ticket",
        };
        let instead = match (self, to) {
            (Self::Open | Self::Pending, Self::Closed) => " Resolve it first, then close it.",
            (Self::Closed, _) => " Reopen it first.",
            (Self::Resolved, Self::Pending) => " Reopen it first.",
            _ => "",
        };
        format!(
            "{what} can't become {}.{instead}",
            to.label().to_lowercase()
        )
    }

    /// The statuses offered in a ticket's status menu: the current one and where it may go.
    pub fn choices(self) -> Vec<Self> {
        Self::ALL
            .into_iter()
            .filter(|s| self.can_become(*s))
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum Priority {
    Low,
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Self; 4] = [Self::Low, Self::Medium, Self::High, Self::Urgent];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
            Self::Urgent => "Urgent",
        }
    }
}
