//! Identifiers of the tenancy hierarchy: partners (MSPs) -> organisations -> members.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The tenant key. Distinct from other ids so a ticket id can never be passed as a tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct OrganisationId(pub Uuid);

impl OrganisationId {
    /// A new time-ordered id (UUIDv7), so inserts land at the end of the primary key index.
    #[cfg(feature = "ssr")]
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }
}

impl std::fmt::Display for OrganisationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A URL-safe organisation handle used in `{slug}.{base domain}` host names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    pub const MAX_LEN: usize = 40;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Slug {
    type Error = &'static str;

    /// Lower-case letters, digits and inner hyphens; a DNS label's rules, shorter.
    fn try_from(s: String) -> Result<Self, Self::Error> {
        if s.is_empty() || s.len() > Self::MAX_LEN {
            return Err("must be 1 to 40 characters");
        }
        if !s
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            return Err("may hold only lower-case letters, digits and hyphens");
        }
        if s.starts_with('-') || s.ends_with('-') {
            return Err("may not start or end with a hyphen");
        }
        Ok(Self(s))
    }
}

impl From<Slug> for String {
    fn from(s: Slug) -> Self {
        s.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_dns_label_rules() {
        assert!(Slug::try_from("acme-2".to_string()).is_ok());
        for bad in [
            "",
            "Acme",
            "-acme",
            "acme-",
            "ac me",
            "açme",
            &"a".repeat(41),
        ] {
            assert!(Slug::try_from(bad.to_string()).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn slug_deserialisation_validates() {
        assert!(serde_json::from_str::<Slug>(r#""ok-slug""#).is_ok());
        assert!(serde_json::from_str::<Slug>(r#""Not OK""#).is_err());
    }
}
