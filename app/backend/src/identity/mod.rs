//! Who is asking: passwords, tokens, cookies and sessions, and the accounts they belong to.
//! Identity tables are reached only through this module.

pub mod accounts;
pub mod cookies;
pub mod email_changes;
pub mod erasure;
pub mod members;
pub mod password;
pub mod profile;
pub mod resets;
pub mod second_factor;
pub mod sessions;
pub mod sign_in_limits;
pub mod sign_ups;
pub mod tokens;

use std::time::Duration;

/// Settings the identity code needs, built by the server from its configuration.
#[derive(Clone)]
pub struct AuthSettings {
    pub keys: tokens::AccessKeys,
    /// Cookies get `Secure` when the service is reached over https.
    pub secure_cookies: bool,
    pub access_ttl: Duration,
    pub session_ttl: Duration,
}

/// The signed-in person behind a request, as the authentication middleware found them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Principal {
    pub user_id: crate::model::identity::UserId,
    pub organisation_id: crate::model::tenancy::OrganisationId,
    pub session_id: uuid::Uuid,
}

/// Where a request came from, for login activity and the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<std::net::IpAddr>,
    pub user_agent: Option<String>,
    /// The user this browser signed in as before (its device cookie), if any.
    pub known_device: Option<crate::model::identity::UserId>,
}

impl ClientInfo {
    pub const USER_AGENT_MAX: usize = 512;

    pub fn new(ip: Option<std::net::IpAddr>, user_agent: Option<&str>) -> Self {
        Self {
            ip,
            user_agent: user_agent.map(|ua| ua.chars().take(Self::USER_AGENT_MAX).collect()),
            known_device: None,
        }
    }
}
