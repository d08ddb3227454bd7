//! The people of an organisation: members, pending invitations, and the audit trail of what
//! they did.

use super::identity::{Role, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
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
    pub invited_at: String,
    pub expires_at: String,
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
    pub at: String,
    /// Who did it: a name and email, or `None` for the system.
    pub actor: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub detail: String,
}

/// A page of the audit log, newest first; `next` continues after the last entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<Uuid>,
}

/// A readable sentence for an audit action code.
pub fn describe_action(action: &str) -> &str {
    match action {
        "organisation.created" => "Created the organisation",
        "member.joined" => "Joined",
        "member.invited" => "Invited a member",
        "member.invitation_revoked" => "Revoked an invitation",
        "member.role_changed" => "Changed a member's role",
        "member.disabled" => "Disabled a member",
        "member.enabled" => "Re-enabled a member",
        "session.signed_in" => "Signed in",
        "session.switched_organisation" => "Switched organisation",
        "session.second_factor_failed" => "Entered a wrong sign-in code",
        "session.sign_in_failed" => "Failed to sign in (wrong password)",
        "two_factor.enabled" => "Turned on two-step sign-in",
        "two_factor.disabled" => "Turned off two-step sign-in",
        "two_factor.backup_codes_replaced" => "Replaced backup codes",
        "password.reset" => "Reset their password",
        "api_token.created" => "Made an API token",
        "queue.created" => "Created a queue",
        "queue.renamed" => "Renamed a queue",
        "queue.made_default" => "Changed the default queue",
        "api_token.revoked" => "Revoked an API token",
        other => other,
    }
}
