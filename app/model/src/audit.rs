//! What the audit log records: one enum, stored as its dotted name (`member.invited`). The
//! words a person reads are the UI's (`ui/pages/audit.rs`).

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! actions {
    ($($variant:ident => $name:literal,)+) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum AuditAction {
            $(#[serde(rename = $name)] $variant,)+
        }

        impl AuditAction {
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The dotted name the database keeps.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }
    };
}

actions! {
    OrganisationCreated => "organisation.created",
    MemberJoined => "member.joined",
    MemberInvited => "member.invited",
    MemberInvitationRevoked => "member.invitation_revoked",
    MemberRoleChanged => "member.role_changed",
    MemberDisabled => "member.disabled",
    MemberEnabled => "member.enabled",
    SessionSignedIn => "session.signed_in",
    SessionSignInFailed => "session.sign_in_failed",
    SessionSwitchedOrganisation => "session.switched_organisation",
    SessionSecondFactorFailed => "session.second_factor_failed",
    SessionSecondFactorLocked => "session.second_factor_locked",
    TwoFactorEnabled => "two_factor.enabled",
    TwoFactorDisabled => "two_factor.disabled",
    TwoFactorBackupCodesReplaced => "two_factor.backup_codes_replaced",
    PasswordReset => "password.reset",
    PasswordChanged => "password.changed",
    ProfileRenamed => "profile.renamed",
    ApiTokenCreated => "api_token.created",
    ApiTokenRevoked => "api_token.revoked",
    QueueCreated => "queue.created",
    QueueRenamed => "queue.renamed",
    QueueMadeDefault => "queue.made_default",
    BillingPlanChanged => "billing.plan_changed",
    BillingCheckoutStarted => "billing.checkout_started",
    TicketCreated => "ticket.created",
    TicketUpdated => "ticket.updated",
    TicketInspected => "ticket.inspected",
    TicketAttachmentAdded => "ticket.attachment_added",
    ApprovalRequested => "approval.requested",
    ApprovalDecided => "approval.decided",
}

impl AuditAction {
    /// The action a stored name stands for; `None` for a name this build does not know (a
    /// row from a newer version), which the caller logs rather than drops.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == name)
    }
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
    pub fn kind(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.action)
    }
}

/// A page of the audit log, newest first; `next` continues after the last entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<Uuid>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_dotted_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert!(seen.insert(a.as_str()), "{a:?} shares its name");
            assert!(a.as_str().split_once('.').is_some(), "{a:?}");
            assert_eq!(AuditAction::parse(a.as_str()), Some(*a));
            let json = serde_json::to_string(a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
        }
        assert_eq!(AuditAction::parse("member.teleported"), None);
    }
}
