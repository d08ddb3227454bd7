//! Customers (issue 17): the clients an organisation serves and the people at them (contacts),
//! as the forms send them, checked field by field, and as the pages and the API show them.

use crate::error::AppError;
use crate::identity::{Email, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

mod assets;
mod filters;
mod requester;
pub use assets::*;
pub use filters::*;
pub use requester::{ContactCard, Requester};

pub const NAME_MAX: usize = 200;
pub const PHONE_MAX: usize = 40;
pub const ADDRESS_MAX: usize = 1_000;
pub const NOTES_MAX: usize = 10_000;
pub const JOB_TITLE_MAX: usize = 100;
/// Domains a client may claim, and addresses a contact may have.
pub const DOMAINS_MAX: usize = 20;
pub const EMAILS_MAX: usize = 10;
pub const SEARCH_MAX: usize = 100;
/// Rows in one page of a list.
pub const PAGE: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(transparent)
)]
#[serde(transparent)]
pub struct ClientId(pub Uuid);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(transparent)
)]
#[serde(transparent)]
pub struct ContactId(pub Uuid);

/// Whether the organisation still works for a client. Inactive clients keep their history but
/// are left out of the pickers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum ClientStatus {
    #[default]
    Active,
    Inactive,
}

impl ClientStatus {
    pub const ALL: [Self; 2] = [Self::Active, Self::Inactive];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Inactive => "Inactive",
        }
    }
}

/// What a contact may see in the customer portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(utoipa::ToSchema, sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum PortalAccess {
    /// No portal at all.
    #[default]
    None,
    /// The tickets they asked for.
    Own,
    /// Every ticket of their client.
    Client,
}

impl PortalAccess {
    pub const ALL: [Self; 3] = [Self::None, Self::Own, Self::Client];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Own => "own",
            Self::Client => "client",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::None => "No portal",
            Self::Own => "Their own tickets",
            Self::Client => "All of their client's tickets",
        }
    }
}

/// Collects field problems, so a form hears about every field at once.
#[derive(Default)]
struct Problems(Vec<(&'static str, String)>);

impl Problems {
    fn take<T: Default>(&mut self, field: &'static str, r: Result<T, String>) -> T {
        r.unwrap_or_else(|message| {
            self.0.push((field, message));
            T::default()
        })
    }

    fn finish<T>(self, value: T) -> Result<T, AppError> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(AppError::fields(self.0))
        }
    }
}

/// Trimmed text of at most `max` characters on one line (or several, with `multiline`).
fn text(raw: &str, max: usize, required: Option<&str>, multiline: bool) -> Result<String, String> {
    let s = raw.trim();
    if let Some(what) = required {
        if s.is_empty() {
            return Err(format!("Enter {what}."));
        }
    }
    if s.chars().count() > max {
        return Err(format!("Keep it to {max} characters."));
    }
    let bad = |c: char| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'));
    if s.chars().any(bad) {
        return Err(if multiline {
            "Remove the control characters.".into()
        } else {
            "Use a single line.".into()
        });
    }
    Ok(s.to_string())
}

/// A phone number as people write them: digits and the usual punctuation.
fn phone(raw: &str) -> Result<String, String> {
    let s = text(raw, PHONE_MAX, None, false)?;
    let ok = s
        .chars()
        .all(|c| c.is_ascii_digit() || " +()-./#x".contains(c) || c == 'X');
    if ok {
        Ok(s)
    } else {
        Err("Use digits, spaces and + ( ) - . / # x only.".into())
    }
}

/// An email domain a client's people write from (`example.com`), lower-cased. Unicode names
/// are asked for in their ASCII form, so one domain has one spelling.
pub fn parse_domain(raw: &str) -> Result<String, String> {
    let d = raw.trim().trim_start_matches('@').trim_end_matches('.');
    let d = d.to_ascii_lowercase();
    if !d.is_ascii() {
        return Err(format!(
            "Write {raw} in its ASCII form (xn--…), as your mail system shows it."
        ));
    }
    let labels: Vec<&str> = d.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let tld_ok = labels
        .last()
        .is_some_and(|t| t.chars().any(|c| c.is_ascii_alphabetic()));
    if labels.len() < 2 || !labels.iter().all(label_ok) || !tld_ok || d.len() > 253 {
        return Err(format!("{raw} is not a domain like example.com."));
    }
    Ok(d)
}

/// A list as typed in one box: separated by commas, semicolons, spaces or lines.
fn items(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(|c: char| c == ',' || c == ';' || c.is_whitespace())
        .filter(|s| !s.is_empty())
}

/// Each item parsed once, duplicates dropped, at most `max`.
fn list<T: PartialEq>(
    raw: &str,
    max: usize,
    what: &str,
    parse: impl Fn(&str) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut out = Vec::new();
    for item in items(raw) {
        let v = parse(item)?;
        if !out.contains(&v) {
            out.push(v);
        }
    }
    if out.len() > max {
        return Err(format!("Keep it to {max} {what}."));
    }
    Ok(out)
}

fn currency(raw: &str) -> Result<String, String> {
    let c = raw.trim().to_ascii_uppercase();
    if c.len() == 3 && c.chars().all(|c| c.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err("Enter a three-letter currency code, like EUR or USD.".into())
    }
}

fn optional_uuid(raw: &str) -> Result<Option<Uuid>, String> {
    match raw.trim() {
        "" => Ok(None),
        s => Uuid::parse_str(s)
            .map(Some)
            .map_err(|_| "Choose one from the list.".into()),
    }
}

/// A client as its form sends it. Every field is text, so the same form works without
/// script; `TryFrom` checks each and reports them all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ClientForm {
    pub name: String,
    /// Separated by commas, spaces or lines.
    pub domains: String,
    pub phone: String,
    pub address: String,
    /// An IANA zone name (`Europe/Berlin`), or empty for the organisation's.
    pub time_zone: String,
    pub currency: String,
    pub notes: String,
    pub status: String,
    /// A member's id, or empty for nobody.
    pub account_manager: String,
}

/// A client, checked. The zone is checked against the database's zone list by the backend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewClient {
    pub name: String,
    pub domains: Vec<String>,
    pub phone: String,
    pub address: String,
    pub time_zone: Option<String>,
    pub currency: String,
    pub notes: String,
    pub status: ClientStatus,
    pub account_manager: Option<UserId>,
}

impl TryFrom<ClientForm> for NewClient {
    type Error = AppError;

    fn try_from(f: ClientForm) -> Result<Self, AppError> {
        let mut p = Problems::default();
        let name = p.take(
            "name",
            text(&f.name, NAME_MAX, Some("the client's name"), false),
        );
        let domains = p.take(
            "domains",
            list(&f.domains, DOMAINS_MAX, "domains", parse_domain),
        );
        let phone = p.take("phone", phone(&f.phone));
        let address = p.take("address", text(&f.address, ADDRESS_MAX, None, true));
        let time_zone = p.take("time_zone", text(&f.time_zone, 64, None, false));
        let currency = match f.currency.trim() {
            "" => "EUR".to_string(),
            c => p.take("currency", currency(c)),
        };
        let notes = p.take("notes", text(&f.notes, NOTES_MAX, None, true));
        let status = match f.status.trim() {
            "" => ClientStatus::Active,
            s => ClientStatus::parse(s).unwrap_or_else(|| {
                p.0.push(("status", "Choose active or inactive.".into()));
                ClientStatus::Active
            }),
        };
        let account_manager = p.take("account_manager", optional_uuid(&f.account_manager));
        p.finish(Self {
            name,
            domains,
            phone,
            address,
            time_zone: (!time_zone.is_empty()).then_some(time_zone),
            currency,
            notes,
            status,
            account_manager: account_manager.map(UserId),
        })
    }
}

/// A contact as its form sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ContactForm {
    pub name: String,
    /// One or more, separated by commas, spaces or lines; the first is written to.
    pub emails: String,
    pub phone: String,
    pub job_title: String,
    /// A client's id, or empty for none.
    pub client: String,
    /// "yes" (a ticked box) or empty.
    pub may_approve: String,
    pub portal_access: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub name: String,
    pub emails: Vec<Email>,
    pub phone: String,
    pub job_title: String,
    pub client: Option<ClientId>,
    pub may_approve: bool,
    pub portal_access: PortalAccess,
}

impl TryFrom<ContactForm> for NewContact {
    type Error = AppError;

    fn try_from(f: ContactForm) -> Result<Self, AppError> {
        let mut p = Problems::default();
        let name = p.take(
            "name",
            text(&f.name, NAME_MAX, Some("the contact's name"), false),
        );
        let emails = p.take(
            "emails",
            list(&f.emails, EMAILS_MAX, "addresses", |e| {
                Email::try_from(e.to_string()).map_err(|m| format!("{e}: {m}"))
            }),
        );
        let phone = p.take("phone", phone(&f.phone));
        let job_title = p.take("job_title", text(&f.job_title, JOB_TITLE_MAX, None, false));
        let client = p.take("client", optional_uuid(&f.client)).map(ClientId);
        let may_approve = matches!(f.may_approve.trim(), "yes" | "true" | "on");
        let portal_access = match f.portal_access.trim() {
            "" => PortalAccess::None,
            s => PortalAccess::parse(s).unwrap_or_else(|| {
                p.0.push(("portal_access", "Choose what they may see.".into()));
                PortalAccess::None
            }),
        };
        if portal_access != PortalAccess::None && emails.is_empty() && p.0.is_empty() {
            p.0.push((
                "emails",
                "Give an address: the portal sends its sign-in links there.".into(),
            ));
        }
        if portal_access == PortalAccess::Client && client.is_none() && p.0.is_empty() {
            p.0.push((
                "portal_access",
                "Only someone at a client can see the client's tickets.".into(),
            ));
        }
        p.finish(Self {
            name,
            emails,
            phone,
            job_title,
            client,
            may_approve,
            portal_access,
        })
    }
}

/// A row of the client list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientSummary {
    pub id: ClientId,
    pub name: String,
    pub status: ClientStatus,
    pub domains: Vec<String>,
    pub phone: String,
    pub contacts: i64,
    pub open_tickets: i64,
    pub account_manager: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientPage {
    pub rows: Vec<ClientSummary>,
    /// Where the next page starts, if there is one.
    pub next: Option<String>,
}

/// A client with everything its form edits, and the version the form saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub domains: Vec<String>,
    pub phone: String,
    pub address: String,
    pub time_zone: Option<String>,
    pub currency: String,
    pub notes: String,
    pub status: ClientStatus,
    pub account_manager: Option<UserId>,
    pub account_manager_name: Option<String>,
    pub version: i32,
}

impl Client {
    /// The form, filled in with this client as it is.
    pub fn form(&self) -> ClientForm {
        ClientForm {
            name: self.name.clone(),
            domains: self.domains.join(", "),
            phone: self.phone.clone(),
            address: self.address.clone(),
            time_zone: self.time_zone.clone().unwrap_or_default(),
            currency: self.currency.clone(),
            notes: self.notes.clone(),
            status: self.status.as_str().into(),
            account_manager: self
                .account_manager
                .map(|u| u.0.to_string())
                .unwrap_or_default(),
        }
    }
}

/// A contact as lists and pages show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: ContactId,
    pub name: String,
    /// The first is the one written to.
    pub emails: Vec<String>,
    pub phone: String,
    pub job_title: String,
    pub client: Option<ClientId>,
    pub client_name: Option<String>,
    pub may_approve: bool,
    pub portal_access: PortalAccess,
    pub version: i32,
}

impl Contact {
    pub fn form(&self) -> ContactForm {
        ContactForm {
            name: self.name.clone(),
            emails: self.emails.join(", "),
            phone: self.phone.clone(),
            job_title: self.job_title.clone(),
            client: self.client.map(|c| c.0.to_string()).unwrap_or_default(),
            may_approve: if self.may_approve {
                "yes".into()
            } else {
                String::new()
            },
            portal_access: self.portal_access.as_str().into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactPage {
    pub rows: Vec<Contact>,
    pub next: Option<String>,
}

/// A ticket as a client's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientTicket {
    pub number: i64,
    pub title: String,
    pub status: crate::tickets::TicketStatus,
    pub requester: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub updated_at: time::OffsetDateTime,
}

/// One client's page: the client, its people, places and things, and its latest tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientOverview {
    pub client: Client,
    pub contacts: Vec<Contact>,
    pub locations: Vec<Location>,
    /// The first [`PAGE`] by name; the asset list has them all.
    pub assets: Vec<Asset>,
    pub asset_count: i64,
    /// The most recently updated, at most [`PAGE`]; the ticket list has them all.
    pub tickets: Vec<ClientTicket>,
    pub open_tickets: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(name: &str, domains: &str) -> ClientForm {
        ClientForm {
            name: name.into(),
            domains: domains.into(),
            ..ClientForm::default()
        }
    }

    #[test]
    fn a_client_needs_a_name_and_real_domains() {
        let c = NewClient::try_from(client(
            " Initech ",
            "Initech.com, @initech.co.uk\ninitech.com",
        ))
        .expect("valid");
        assert_eq!(c.name, "Initech");
        assert_eq!(c.domains, ["initech.com", "initech.co.uk"]);
        assert_eq!(c.currency, "EUR");
        assert_eq!(c.status, ClientStatus::Active);

        let err = NewClient::try_from(client("", "localhost, exa mple.com, -a.com, 1.2.3.4"))
            .unwrap_err();
        assert!(err.field_message("name").is_some());
        assert_eq!(
            err.field_message("domains").as_deref(),
            Some("localhost is not a domain like example.com.")
        );
        for bad in [
            "-a.com",
            "a-.com",
            "1.2.3.4",
            "a..com",
            "bücher.de",
            "a_b.com",
        ] {
            assert!(parse_domain(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_domain("xn--bcher-kva.de").as_deref(),
            Ok("xn--bcher-kva.de")
        );
    }

    #[test]
    fn every_bad_field_of_a_client_is_reported_at_once() {
        let form = ClientForm {
            name: "x".repeat(NAME_MAX + 1),
            phone: "call me".into(),
            currency: "euro".into(),
            status: "gone".into(),
            account_manager: "nobody".into(),
            ..ClientForm::default()
        };
        let err = NewClient::try_from(form).unwrap_err();
        for field in ["name", "phone", "currency", "status", "account_manager"] {
            assert!(err.field_message(field).is_some(), "{field}: {err:?}");
        }
    }

    #[test]
    fn a_contact_has_addresses_once_each_and_the_portal_needs_one() {
        let form = ContactForm {
            name: "Peter Gibbons".into(),
            emails: "Peter@Initech.com; peter@initech.com, pg@home.example".into(),
            may_approve: "yes".into(),
            ..ContactForm::default()
        };
        let c = NewContact::try_from(form.clone()).expect("valid");
        let emails: Vec<&str> = c.emails.iter().map(Email::as_str).collect();
        assert_eq!(emails, ["peter@initech.com", "pg@home.example"]);
        assert!(c.may_approve);

        let no_address = ContactForm {
            emails: String::new(),
            portal_access: "own".into(),
            ..form.clone()
        };
        assert!(NewContact::try_from(no_address)
            .unwrap_err()
            .field_message("emails")
            .is_some());
        let no_client = ContactForm {
            portal_access: "client".into(),
            ..form
        };
        assert!(NewContact::try_from(no_client)
            .unwrap_err()
            .field_message("portal_access")
            .is_some());
    }

    #[test]
    fn a_filter_survives_its_own_address() {
        let f = ClientFilter {
            q: Some("acme & co".into()),
            status: Some(ClientStatus::Inactive),
            after: None,
        };
        let href = f.href(None);
        assert_eq!(href, "/clients?q=acme%20%26%20co&status=inactive");
        assert_eq!(ClientFilter::default().href(None), "/clients");
        let query: Vec<(String, String)> = href
            .split_once('?')
            .unwrap()
            .1
            .split('&')
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap();
                (k.to_string(), v.replace("%20", " ").replace("%26", "&"))
            })
            .collect();
        let back = ClientFilter::from_query(|k| {
            query
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        });
        assert_eq!(back, f);
    }

    #[test]
    fn a_name_cursor_survives_any_name() {
        let c = NameCursor {
            id: Uuid::nil(),
            sort_name: "a~b c, d".into(),
        };
        assert_eq!(NameCursor::decode(&c.encode()), Some(c));
        assert_eq!(NameCursor::decode("not-a-cursor"), None);
        assert_eq!(NameCursor::decode("zz~name"), None);
    }
}
