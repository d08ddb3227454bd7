//! What a role may do: one table, checked through [`Viewer::require`] by every use case that is
//! not open to every member, and read by the UI to leave out what would be refused. A new role
//! (technician, accountant, partner admin, customer contact) is one row of [`Role::permissions`].

use super::error::AppError;
use super::identity::{Role, Viewer};
use serde::{Deserialize, Serialize};

/// Something only some members may do. Everything else (tickets, comments, their own account)
/// is open to every active member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Invite, disable and change the roles of members; quote the next seat.
    ManageMembers,
    /// Make and revoke API tokens.
    ManageApiTokens,
    /// Choose a plan, open the payment portal, export the billing history.
    ManageBilling,
    /// Read the organisation's audit log.
    ViewAuditLog,
    /// Create, rename and archive queues.
    ArrangeQueues,
    /// Approve or reject what others asked approval for.
    DecideApprovals,
    /// Download all of the organisation's data (every table and file).
    ExportData,
    /// Add clients and change them (name, domains, status, account manager). Contacts are
    /// everyone's daily work and need no permission.
    ManageClients,
}

impl Permission {
    pub const ALL: [Self; 8] = [
        Self::ManageMembers,
        Self::ManageApiTokens,
        Self::ManageBilling,
        Self::ViewAuditLog,
        Self::ArrangeQueues,
        Self::DecideApprovals,
        Self::ExportData,
        Self::ManageClients,
    ];
}

impl Role {
    /// The table: what each role may do.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Self::Admin => &Permission::ALL,
            Self::Manager => &[ArrangeQueues, DecideApprovals, ManageClients],
            Self::Staff => &[],
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

impl Viewer {
    /// The first line of a use case that needs `permission`: refused with 403 otherwise.
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    /// The whole table, written out: a change to who may do what changes this test.
    #[test]
    fn the_role_table() {
        let table = [
            (ManageMembers, [true, false, false]),
            (ManageApiTokens, [true, false, false]),
            (ManageBilling, [true, false, false]),
            (ViewAuditLog, [true, false, false]),
            (ArrangeQueues, [true, true, false]),
            (DecideApprovals, [true, true, false]),
            (ExportData, [true, false, false]),
            (ManageClients, [true, true, false]),
        ];
        assert_eq!(
            table.len(),
            Permission::ALL.len(),
            "every permission has a row"
        );
        for (permission, allowed) in table {
            for (role, expected) in Role::ALL.into_iter().zip(allowed) {
                assert_eq!(role.can(permission), expected, "{role:?} {permission:?}");
            }
        }
    }
}
