//! What a ticket's timeline records: one enum, stored as its kind (`status`) and the fields of
//! that kind as JSON (`{"from": "open", "to": "pending"}`). The words a person reads are the
//! UI's (`ui/pages/ticket.rs`); REST clients get the kind and fields.

use crate::tickets::{Decision, Priority, TicketStatus};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TimelineEvent {
    Created,
    Status {
        from: TicketStatus,
        to: TicketStatus,
    },
    Priority {
        from: Priority,
        to: Priority,
    },
    /// `to` is the assignee's name as it was then, or "nobody".
    Assignee {
        to: String,
    },
    /// `to` is the queue's name as it was then.
    Queue {
        to: String,
    },
    Comment {
        internal: bool,
    },
    Inspection,
    Attachment {
        filename: String,
    },
    Due {
        to: Option<time::Date>,
    },
    ApprovalRequested,
    ApprovalDecided {
        decision: Decision,
    },
    /// `to` is the requester's name as it was then, or "nobody".
    Requester {
        to: String,
    },
    /// An asset, by its name as it was then, linked to the ticket or taken off it.
    AssetLinked {
        name: String,
    },
    AssetUnlinked {
        name: String,
    },
    /// A kind this build does not know (written by a newer one): shown as stored, never
    /// dropped. Never stored itself.
    Unknown {
        stored_kind: String,
    },
}

impl TimelineEvent {
    /// The kind the database keeps.
    pub fn kind(&self) -> &str {
        match self {
            Self::Created => "created",
            Self::Status { .. } => "status",
            Self::Priority { .. } => "priority",
            Self::Assignee { .. } => "assignee",
            Self::Queue { .. } => "queue",
            Self::Comment { .. } => "comment",
            Self::Inspection => "inspection",
            Self::Attachment { .. } => "attachment",
            Self::Due { .. } => "due",
            Self::ApprovalRequested => "approval_requested",
            Self::ApprovalDecided { .. } => "approval_decided",
            Self::Requester { .. } => "requester",
            Self::AssetLinked { .. } => "asset_linked",
            Self::AssetUnlinked { .. } => "asset_unlinked",
            Self::Unknown { stored_kind } => stored_kind,
        }
    }

    /// The fields the database keeps beside the kind.
    pub fn detail(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            fields.remove("kind");
        }
        value
    }

    /// The event stored as `kind` and `detail`; `Err` names what this build cannot read.
    pub fn from_stored(kind: &str, detail: &serde_json::Value) -> Result<Self, String> {
        if kind == "unknown" {
            return Err("timeline event \"unknown\" is never stored".into());
        }
        let mut fields = match detail {
            serde_json::Value::Object(map) => map.clone(),
            serde_json::Value::Null => serde_json::Map::new(),
            other => {
                return Err(format!(
                    "timeline detail of {kind:?} is not an object: {other}"
                ))
            }
        };
        fields.insert("kind".into(), kind.into());
        serde_json::from_value(serde_json::Value::Object(fields))
            .map_err(|e| format!("timeline event {kind:?}: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stored_rows_read_back_as_they_were_written() {
        let events = [
            TimelineEvent::Created,
            TimelineEvent::Status {
                from: TicketStatus::Open,
                to: TicketStatus::Pending,
            },
            TimelineEvent::Assignee {
                to: "nobody".into(),
            },
            TimelineEvent::Due { to: None },
            TimelineEvent::ApprovalDecided {
                decision: Decision::Approved,
            },
        ];
        for e in events {
            assert_eq!(TimelineEvent::from_stored(e.kind(), &e.detail()), Ok(e));
        }
    }

    #[test]
    fn rows_written_before_the_enum_still_read() {
        // As the services and the scale seed wrote them: extra fields, and `{}` for none.
        assert_eq!(
            TimelineEvent::from_stored("status", &json!({ "from": "open", "to": "resolved" })),
            Ok(TimelineEvent::Status {
                from: TicketStatus::Open,
                to: TicketStatus::Resolved
            })
        );
        assert_eq!(
            TimelineEvent::from_stored("created", &json!({})),
            Ok(TimelineEvent::Created)
        );
        assert_eq!(
            TimelineEvent::from_stored("due", &json!({ "to": "2026-12-03" })),
            Ok(TimelineEvent::Due {
                to: Some(time::macros::date!(2026 - 12 - 03))
            })
        );
        assert_eq!(
            TimelineEvent::from_stored("inspection", &json!({ "outcome": "pass" })),
            Ok(TimelineEvent::Inspection)
        );
    }

    #[test]
    fn an_unknown_kind_is_an_error_not_a_guess() {
        assert!(TimelineEvent::from_stored("escalated", &json!({})).is_err());
        assert!(TimelineEvent::from_stored("status", &json!({ "to": "open" })).is_err());
        assert!(TimelineEvent::from_stored("unknown", &json!({ "stored_kind": "x" })).is_err());
    }
}
