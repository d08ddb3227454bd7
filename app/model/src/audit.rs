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
    OrganisationExported => "organisation.exported",
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
    ProfileEmailChanged => "profile.email_changed",
    ProfileErased => "profile.erased",
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
    ClientCreated => "client.created",
    ClientUpdated => "client.updated",
    ContactCreated => "contact.created",
    ContactUpdated => "contact.updated",
    LocationCreated => "location.created",
    LocationUpdated => "location.updated",
    AssetCreated => "asset.created",
    AssetUpdated => "asset.updated",
    AssetLinked => "asset.linked",
    AssetUnlinked => "asset.unlinked",
}

impl AuditAction {
    /// The action a stored name stands for; `None` for a name this build does not know (a
    /// row from a newer version), which the caller logs rather than drops.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|a| a.as_str() == name)
    }
}

/// The kinds of entry the log can be narrowed to: each is the actions whose dotted names
/// begin with its prefixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditArea {
    SignIns,
    Security,
    Members,
    Tickets,
    Queues,
    ApiTokens,
    Billing,
    Organisation,
    Clients,
}

impl AuditArea {
    pub const ALL: [Self; 9] = [
        Self::SignIns,
        Self::Security,
        Self::Members,
        Self::Tickets,
        Self::Queues,
        Self::ApiTokens,
        Self::Billing,
        Self::Organisation,
        Self::Clients,
    ];

    /// The first parts of the dotted names (`member` of `member.invited`).
    pub fn prefixes(self) -> &'static [&'static str] {
        match self {
            Self::SignIns => &["session"],
            Self::Security => &["two_factor", "password", "profile"],
            Self::Members => &["member"],
            Self::Tickets => &["ticket", "approval"],
            Self::Queues => &["queue"],
            Self::ApiTokens => &["api_token"],
            Self::Billing => &["billing"],
            Self::Organisation => &["organisation"],
            Self::Clients => &["client", "contact", "location", "asset"],
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::SignIns => "Sign-ins",
            Self::Security => "Passwords and two-step sign-in",
            Self::Members => "Members and invitations",
            Self::Tickets => "Tickets and approvals",
            Self::Queues => "Queues",
            Self::ApiTokens => "API tokens",
            Self::Billing => "Billing",
            Self::Organisation => "The organisation",
            Self::Clients => "Clients, contacts and assets",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::SignIns => "sign_ins",
            Self::Security => "security",
            Self::Members => "members",
            Self::Tickets => "tickets",
            Self::Queues => "queues",
            Self::ApiTokens => "api_tokens",
            Self::Billing => "billing",
            Self::Organisation => "organisation",
            Self::Clients => "clients",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Which entries the log shows: whose, of what kind, and on which days (the viewer's days,
/// in their time zone), continuing before `before` (paging).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditFilter {
    pub actor: Option<Uuid>,
    pub area: Option<AuditArea>,
    pub from: Option<time::Date>,
    pub to: Option<time::Date>,
    pub before: Option<Uuid>,
}

impl AuditFilter {
    /// From the page's address; what does not parse is left out (the form shows "any").
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let date = |k: &str| {
            get(k).and_then(|d| {
                time::Date::parse(
                    &d,
                    time::macros::format_description!("[year]-[month]-[day]"),
                )
                .ok()
            })
        };
        Self {
            actor: get("actor").and_then(|a| Uuid::parse_str(&a).ok()),
            area: get("area").and_then(|a| AuditArea::parse(&a)),
            from: date("from"),
            to: date("to"),
            before: get("before").and_then(|b| Uuid::parse_str(&b).ok()),
        }
    }

    /// The query string (without `?`), with `before` replaced by `page`'s.
    pub fn to_query(&self, before: Option<Uuid>) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.actor {
            parts.push(format!("actor={a}"));
        }
        if let Some(a) = self.area {
            parts.push(format!("area={}", a.as_str()));
        }
        if let Some(d) = self.from {
            parts.push(format!("from={d}"));
        }
        if let Some(d) = self.to {
            parts.push(format!("to={d}"));
        }
        if let Some(b) = before {
            parts.push(format!("before={b}"));
        }
        parts.join("&")
    }

    /// The log page for this filter, at `before`.
    pub fn href(&self, before: Option<Uuid>) -> String {
        Self::with_query("/audit", self.to_query(before))
    }

    /// The same entries as a CSV download (every page of them).
    pub fn export_href(&self) -> String {
        Self::with_query("/audit/export.csv", self.to_query(None))
    }

    /// `path`, with `?query` unless it is empty (a clean URL for the unfiltered log).
    fn with_query(path: &str, query: String) -> String {
        if query.is_empty() {
            path.into()
        } else {
            format!("{path}?{query}")
        }
    }

    pub fn is_narrowed(&self) -> bool {
        self.actor.is_some() || self.area.is_some() || self.from.is_some() || self.to.is_some()
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

    #[test]
    fn every_action_is_in_exactly_one_area() {
        for a in AuditAction::ALL {
            let prefix = a.as_str().split('.').next().unwrap();
            let areas: Vec<_> = AuditArea::ALL
                .into_iter()
                .filter(|area| area.prefixes().contains(&prefix))
                .collect();
            assert_eq!(areas.len(), 1, "{a:?} is in {areas:?}");
        }
    }

    #[test]
    fn a_filter_round_trips_through_its_address_and_drops_what_does_not_parse() {
        let filter = AuditFilter {
            actor: Some(Uuid::nil()),
            area: Some(AuditArea::Members),
            from: Some(time::macros::date!(2026 - 12 - 01)),
            to: Some(time::macros::date!(2026 - 12 - 05)),
            before: None,
        };
        let query = filter.to_query(None);
        assert_eq!(
            query,
            "actor=00000000-0000-0000-0000-000000000000&area=members&from=2026-12-01&to=2026-12-05"
        );
        let pairs: Vec<(String, String)> = query
            .split('&')
            .filter_map(|p| p.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let get = |k: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(AuditFilter::from_query(get), filter);
        let junk = AuditFilter::from_query(|k| Some(format!("{k}-junk")));
        assert_eq!(junk, AuditFilter::default());
        assert_eq!(AuditFilter::default().href(None), "/audit");
    }
}
