//! Who a ticket is for: typed into a ticket's form or sent through the API as an address, and
//! shown on the ticket as the contact it resolved to.

use super::{ClientId, ContactId, NAME_MAX};
use crate::identity::Email;
use serde::{Deserialize, Serialize};

/// A contact in brief: the person a ticket is for, or someone its requester field offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactCard {
    pub id: ContactId,
    pub name: String,
    /// Their first address, the one written to.
    pub email: Option<String>,
    pub client: Option<ClientId>,
    pub client_name: Option<String>,
}

impl ContactCard {
    /// What the requester field holds once this person is picked, and what `Requester::parse`
    /// reads back: `Peter Gibbons <peter@initech.com>`. None without an address.
    pub fn mailbox(&self) -> Option<String> {
        self.email.as_ref().map(|e| format!("{} <{e}>", self.name))
    }
}

/// The requester as typed: `peter@initech.com` or `Peter Gibbons <peter@initech.com>`. An
/// address no contact has yet makes a new contact of that name (or of the address's local part),
/// at the client that claims its domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    pub email: Email,
    pub name: Option<String>,
}

impl Requester {
    /// Room for a whole name and a whole address, with the brackets and quotes between.
    pub const MAX_LEN: usize = 460;

    /// `Ok(None)` for a field left empty: a ticket need not be for anyone. The REST API's
    /// document describes exactly this: spaces only, or no control character and an `@`.
    pub fn parse(raw: &str) -> Result<Option<Self>, String> {
        if raw.chars().all(|c| c == ' ') {
            return Ok(None);
        }
        if raw.chars().count() > Self::MAX_LEN {
            return Err(format!("Keep it to {} characters.", Self::MAX_LEN));
        }
        if raw.chars().any(char::is_control) {
            return Err("Use a single line.".into());
        }
        let raw = raw.trim();
        let (name, address) = match raw.strip_suffix('>').and_then(|r| r.rsplit_once('<')) {
            Some((name, address)) => (name.trim().trim_matches('"').trim(), address),
            None => ("", raw),
        };
        let email = Email::try_from(address.to_string()).map_err(|_| {
            "Enter their email address, like name@example.com, or pick someone from the list."
                .to_string()
        })?;
        if name.chars().count() > NAME_MAX {
            return Err(format!("Keep the name to {NAME_MAX} characters."));
        }
        Ok(Some(Self {
            email,
            name: (!name.is_empty()).then(|| name.to_string()),
        }))
    }

    /// The name a new contact gets: the one typed, else the address's local part.
    pub fn display_name(&self) -> String {
        self.name.clone().unwrap_or_else(|| {
            let e = self.email.as_str();
            e.split_once('@').map_or(e, |(local, _)| local).to_string()
        })
    }

    /// The domain a client may claim (`initech.com`).
    pub fn domain(&self) -> &str {
        let e = self.email.as_str();
        e.rsplit_once('@').map_or("", |(_, d)| d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_picked_choice_reads_back_as_the_same_person() {
        let card = ContactCard {
            id: ContactId(uuid::Uuid::nil()),
            name: "Gibbons, Peter <IT>".into(),
            email: Some("peter@initech.com".into()),
            client: None,
            client_name: None,
        };
        let r = Requester::parse(&card.mailbox().unwrap()).unwrap().unwrap();
        assert_eq!(r.email.as_str(), "peter@initech.com");
        assert_eq!(r.name.as_deref(), Some("Gibbons, Peter <IT>"));
    }

    #[test]
    fn a_bare_or_quoted_address_is_understood() {
        let bare = Requester::parse("  Peter@Initech.com ").unwrap().unwrap();
        assert_eq!(
            (bare.email.as_str(), bare.name.as_deref()),
            ("peter@initech.com", None)
        );
        assert_eq!(bare.display_name(), "peter");
        assert_eq!(bare.domain(), "initech.com");
        let quoted = Requester::parse("\"Bolton, Michael\" <michael@initech.com>")
            .unwrap()
            .unwrap();
        assert_eq!(quoted.name.as_deref(), Some("Bolton, Michael"));
        assert_eq!(Requester::parse("   ").unwrap(), None);
        assert_eq!(Requester::parse("").unwrap(), None);
    }

    #[test]
    fn what_is_not_an_address_is_refused() {
        for bad in [
            "peter",
            "Peter Gibbons",
            "Peter <peter>",
            "<@initech.com>",
            "a b@c.com",
        ] {
            assert!(Requester::parse(bad).is_err(), "{bad}");
        }
        assert!(
            Requester::parse(&format!("{} <p@initech.com>", "x".repeat(NAME_MAX + 1))).is_err()
        );
        assert!(Requester::parse("Peter\u{7}Gibbons <p@initech.com>").is_err());
        assert!(Requester::parse("\tp@initech.com").is_err());
        assert!(Requester::parse("\u{3000}").is_err());
        assert!(
            Requester::parse(&format!("{}p@initech.com", " ".repeat(Requester::MAX_LEN))).is_err()
        );
    }
}
