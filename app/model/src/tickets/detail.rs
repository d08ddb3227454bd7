//! One ticket as its page shows it, with its queue, comments and timeline.

use super::*;

/// A ticket was written (created, changed, commented on...): sent to the browsers of its
/// organisation as it happens, so open lists and pages can re-read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketChanged {
    pub number: i64,
    pub version: i32,
}

pub const QUEUE_NAME_MAX: usize = 100;

pub fn parse_queue_name(raw: &str) -> Result<String, AppError> {
    one_line_name(raw, QUEUE_NAME_MAX, "a name for the queue")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Queue {
    pub id: Uuid,
    pub name: String,
    pub is_default: bool,
}

/// Someone a ticket can be assigned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Assignee {
    pub id: UserId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: Uuid,
    pub author: String,
    /// Rendered from Markdown on the server, raw HTML and unsafe links removed.
    pub body_html: String,
    pub internal: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
}

/// One line of a ticket's activity timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketEvent {
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub at: time::OffsetDateTime,
    pub actor: Option<String>,
    #[serde(flatten)]
    pub event: crate::timeline::TimelineEvent,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketDetail {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub description_html: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub queue_id: Uuid,
    pub queue: String,
    pub requester: Option<String>,
    pub assignee_id: Option<UserId>,
    pub assignee: Option<String>,
    pub due_on: Option<time::Date>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub updated_at: time::OffsetDateTime,
    /// For optimistic concurrency: an update names the version it was made against.
    pub version: i32,
    /// Who the ticket is for, and their client.
    pub contact: Option<crate::clients::ContactCard>,
    /// The assets the ticket is about.
    pub assets: Vec<crate::clients::TicketAsset>,
    pub comments: Vec<Comment>,
    pub inspections: Vec<Inspection>,
    pub approvals: Vec<Approval>,
    pub attachments: Vec<crate::attachments::Attachment>,
    pub events: Vec<TicketEvent>,
}

/// The tickets either side of one in a list, by number: the ticket page's previous and next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Neighbours {
    pub previous: Option<i64>,
    pub next: Option<i64>,
}

/// The properties a ticket's sidebar saves one at a time, by their form names.
pub const PROPERTIES: [&str; 5] = ["status", "priority", "queue", "assignee", "due"];
