//! The client and contact lists' filters as their URLs carry them, the search text they
//! share, and the keyset position by name both lists page with.

use super::{AssetKind, ClientId, ClientStatus, SEARCH_MAX};
use crate::error::AppError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The list's filters, as they appear in its URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClientFilter {
    /// Words in the name or a domain.
    pub q: Option<String>,
    pub status: Option<ClientStatus>,
    /// Continue after this position (the previous page's `next`).
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContactFilter {
    /// Words in the name or an address.
    pub q: Option<String>,
    pub client: Option<ClientId>,
    pub after: Option<String>,
}

/// The asset list's filters. `warranty` narrows it to warranties ending within
/// [`super::WARRANTY_DAYS`] days, soonest first, instead of by name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssetFilter {
    /// Words in the name or serial number.
    pub q: Option<String>,
    pub client: Option<ClientId>,
    pub kind: Option<AssetKind>,
    pub warranty: bool,
    pub after: Option<String>,
}

/// A list's address for `pairs` (empty values left out), so the URL reads as what is shown.
fn list_href(path: &str, pairs: &[(&str, Option<String>)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter_map(|(k, v)| {
            v.as_deref()
                .filter(|v| !v.is_empty())
                .map(|v| format!("{k}={}", crate::url::encode(v, b"")))
        })
        .collect();
    if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// A search as a URL carries it: control characters dropped, bounded, empty as none.
fn query_text(raw: Option<String>) -> Option<String> {
    raw.map(|t| {
        t.chars()
            .filter(|c| !c.is_control())
            .take(SEARCH_MAX)
            .collect::<String>()
    })
    .filter(|t| !t.trim().is_empty())
}

impl ClientFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: query_text(get("q")),
            status: get("status").and_then(|s| ClientStatus::parse(&s)),
            after: get("after").filter(|a| !a.is_empty()),
        }
    }

    /// `/clients` with these filters, continuing after `after` if given.
    pub fn href(&self, after: Option<&str>) -> String {
        list_href("/clients", &self.pairs(after))
    }

    /// The CSV download of what the list shows, every page of it.
    pub fn export_href(&self) -> String {
        list_href("/clients/export.csv", &self.pairs(None))
    }

    fn pairs(&self, after: Option<&str>) -> [(&'static str, Option<String>); 3] {
        [
            ("q", self.q.clone()),
            ("status", self.status.map(|s| s.as_str().to_string())),
            ("after", after.map(str::to_string)),
        ]
    }
}

impl ContactFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: query_text(get("q")),
            client: get("client")
                .and_then(|c| Uuid::parse_str(&c).ok())
                .map(ClientId),
            after: get("after").filter(|a| !a.is_empty()),
        }
    }

    /// `/contacts` with these filters, continuing after `after` if given.
    pub fn href(&self, after: Option<&str>) -> String {
        list_href("/contacts", &self.pairs(after))
    }

    /// The CSV download of what the list shows, every page of it.
    pub fn export_href(&self) -> String {
        list_href("/contacts/export.csv", &self.pairs(None))
    }

    fn pairs(&self, after: Option<&str>) -> [(&'static str, Option<String>); 3] {
        [
            ("q", self.q.clone()),
            ("client", self.client.map(|c| c.0.to_string())),
            ("after", after.map(str::to_string)),
        ]
    }
}

impl AssetFilter {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        Self {
            q: query_text(get("q")),
            client: get("client")
                .and_then(|c| Uuid::parse_str(&c).ok())
                .map(ClientId),
            kind: get("kind").and_then(|k| AssetKind::parse(&k)),
            warranty: get("warranty").is_some_and(|w| w == "soon"),
            after: get("after").filter(|a| !a.is_empty()),
        }
    }

    /// `/assets` with these filters, continuing after `after` if given.
    pub fn href(&self, after: Option<&str>) -> String {
        list_href("/assets", &self.pairs(after))
    }

    /// The CSV download of what the list shows, every page of it.
    pub fn export_href(&self) -> String {
        list_href("/assets/export.csv", &self.pairs(None))
    }

    fn pairs(&self, after: Option<&str>) -> [(&'static str, Option<String>); 5] {
        [
            ("q", self.q.clone()),
            ("client", self.client.map(|c| c.0.to_string())),
            ("kind", self.kind.map(|k| k.as_str().to_string())),
            ("warranty", self.warranty.then(|| "soon".to_string())),
            ("after", after.map(str::to_string)),
        ]
    }
}

/// Search text as typed: trimmed, bounded, `None` when empty.
pub fn search_text(raw: Option<&str>) -> Result<Option<String>, AppError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(q) if q.chars().count() > SEARCH_MAX => Err(AppError::validation(
            "q",
            format!("Keep the search to {SEARCH_MAX} characters."),
        )),
        Some(q) => Ok(Some(q.to_string())),
    }
}

/// A position in a list ordered by name: the row's lower-cased name and id, as the database
/// orders them. Opaque to the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameCursor {
    pub id: Uuid,
    pub sort_name: String,
}

impl NameCursor {
    pub fn encode(&self) -> String {
        format!("{}~{}", self.id.simple(), self.sort_name)
    }

    pub fn decode(raw: &str) -> Option<Self> {
        let (id, sort_name) = raw.split_once('~')?;
        Some(Self {
            id: Uuid::try_parse(id).ok()?,
            sort_name: sort_name.to_string(),
        })
    }
}
