//! The people of an organisation: members, pending invitations, and the audit trail of what
//! they did.

use super::identity::{Role, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum MemberStatus {
    Active,
    Disabled,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub membership_id: Uuid,
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: MemberStatus,
    /// The viewer's own row: they cannot disable or demote themselves by accident.
    pub is_viewer: bool,
}

/// An invitation not yet accepted: a pending membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: Uuid,
    pub email: String,
    pub role: Role,
    #[serde(with = "time::serde::rfc3339")]
    pub invited_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: time::OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub members: Vec<Member>,
    pub invitations: Vec<PendingInvitation>,
}

/// What the invitation page shows before it is accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    pub organisation_name: String,
    pub email: String,
    pub role: Role,
    /// An existing account confirms with its password; a new one chooses a name and password.
    pub account_exists: bool,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Uuid,
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    /// Who did it: a name and email, or `None` for the system.
    pub actor: Option<String>,
    /// The action's stored name (`member.invited`); see [`AuditEntry::kind`].
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

impl AuditEntry {
    /// The action, if this build knows its name (a row written by a newer version may not be;
    /// it is still shown, under its stored name).
    pub fn kind(&self) -> Option<super::audit::AuditAction> {
        super::audit::AuditAction::parse(&self.action)
    }
}

/// A page of the audit log, newest first; `next` continues after the last entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<Uuid>,
}
