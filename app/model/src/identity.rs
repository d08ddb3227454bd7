//! People, their credentials and roles: validation shared by the forms and the server.

use super::error::{AppError, FieldError};
use super::tenancy::{OrganisationId, Slug};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(transparent)]
pub struct UserId(pub Uuid);

/// What a member may do in an organisation, from most to least.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum Role {
    Admin,
    Manager,
    Staff,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Manager, Role::Staff];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Manager => "manager",
            Self::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "Admin",
            Self::Manager => "Manager",
            Self::Staff => "Staff",
        }
    }

    /// The lesser of two roles: what a token made by someone can do at most.
    pub fn at_most(self, other: Self) -> Self {
        let rank = |r: Self| Self::ALL.len() - Self::ALL.iter().position(|x| *x == r).unwrap_or(0);
        if rank(self) <= rank(other) {
            self
        } else {
            other
        }
    }
}

/// An email address, trimmed and lower-cased: the same person cannot sign up twice by
/// capitalising differently.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("Enter your email address.");
        }
        if s.len() > Self::MAX_LEN {
            return Err("That email address is too long.");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("Enter an email address like name@example.com.");
        };
        let valid = !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !s.chars().any(|c| c.is_whitespace() || c.is_control());
        if !valid {
            return Err("Enter an email address like name@example.com.");
        }
        Ok(Self(s))
    }
}

impl From<Email> for String {
    fn from(e: Email) -> Self {
        e.0
    }
}

/// A new password. Length is what matters (NIST 800-63B); the upper bound keeps hashing cheap
/// enough that long inputs cannot be used to exhaust the CPU.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 128;

    pub fn parse(raw: String, email: Option<&Email>) -> Result<Self, &'static str> {
        let chars = raw.chars().count();
        if chars < Self::MIN_LEN {
            return Err("Use at least 10 characters.");
        }
        if chars > Self::MAX_LEN {
            return Err("Use at most 128 characters.");
        }
        if raw.trim().is_empty() {
            return Err("A password cannot be only spaces.");
        }
        if email.is_some_and(|e| raw.to_lowercase().contains(e.as_str())) {
            return Err("Don't include your email address in your password.");
        }
        Ok(Self(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

/// A display name: a person's or an organisation's.
pub fn display_name(raw: &str, max: usize, what: &'static str) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if s.chars().count() > max {
        return Err(format!("Keep it to {max} characters."));
    }
    if s.chars().any(char::is_control) {
        return Err("Remove the control characters.".into());
    }
    Ok(s.to_string())
}

/// A sign-up, checked field by field so the form can show every problem at once.
#[derive(Debug, Clone)]
pub struct SignUpForm {
    pub name: String,
    pub email: Email,
    pub password: NewPassword,
    pub organisation_name: String,
}

impl SignUpForm {
    pub fn parse(
        name: &str,
        email: &str,
        password: String,
        organisation: &str,
    ) -> Result<Self, AppError> {
        let mut errors = Vec::new();
        let mut field = |f: &str, m: String| {
            errors.push(FieldError {
                field: f.into(),
                message: m,
            })
        };
        let name = display_name(name, 100, "your name").map_err(|m| field("name", m));
        let email = Email::try_from(email.to_string()).map_err(|m| field("email", m.into()));
        let password = NewPassword::parse(password, email.as_ref().ok())
            .map_err(|m| field("password", m.into()));
        let organisation = display_name(organisation, 200, "your organisation's name")
            .map_err(|m| field("organisation", m));
        match (name, email, password, organisation) {
            (Ok(name), Ok(email), Ok(password), Ok(organisation_name)) => Ok(Self {
                name,
                email,
                password,
                organisation_name,
            }),
            _ => Err(AppError::Validation { fields: errors }),
        }
    }
}

/// "Acme Facilities Ltd." -> "acme-facilities-ltd". Never fails: a name with no usable
/// characters becomes "org"; uniqueness is the database's job.
pub fn slug_from_name(name: &str) -> Slug {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
        if out.len() >= Slug::MAX_LEN - 4 {
            break;
        }
    }
    let trimmed = out.trim_matches('-').to_string();
    Slug::try_from(if trimmed.is_empty() {
        "org".to_string()
    } else {
        trimmed
    })
    .unwrap_or_else(|_| Slug::try_from("org".to_string()).expect("constant slug is valid"))
}

/// What an unopened sign-up link will create, shown on its page before the click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingSignUp {
    pub email: String,
    pub organisation_name: String,
}

/// A change of sign-in address waiting for its link (sent to the new address) to be opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingEmailChange {
    pub new_email: String,
    #[serde(with = "time::serde::rfc3339")]
    pub expires_at: time::OffsetDateTime,
}

/// The person using the app and the organisation they are acting in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub organisation_id: OrganisationId,
    pub organisation_name: String,
    pub role: Role,
    /// The IANA zone times are shown in; `None` is the browser's own.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// One signed-in device, as the account page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    pub id: Uuid,
    pub device: String,
    pub ip: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub last_seen_at: time::OffsetDateTime,
    pub current: bool,
}

/// The most recently used of a person's devices, and how many they have in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionList {
    pub sessions: Vec<SessionSummary>,
    pub total: i64,
}

impl SessionList {
    /// Devices shown at first; "Show more" adds as many again.
    pub const PAGE: i64 = 20;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        let e = Email::try_from("  Ada@Example.COM ".to_string()).unwrap();
        assert_eq!(e.as_str(), "ada@example.com");
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@example..com",
            "ada@.example.com",
        ] {
            assert!(Email::try_from(bad.to_string()).is_err(), "{bad:?}");
        }
        assert!(Email::try_from(format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn passwords_need_length_but_not_too_much() {
        assert!(NewPassword::parse("short".into(), None).is_err());
        assert!(NewPassword::parse("x".repeat(129), None).is_err());
        assert!(NewPassword::parse(" ".repeat(12), None).is_err());
        assert!(NewPassword::parse("correct horse battery".into(), None).is_ok());
        let email = Email::try_from("ada@example.com".to_string()).unwrap();
        assert!(NewPassword::parse("my ada@example.com pw".into(), Some(&email)).is_err());
        assert_eq!(
            format!(
                "{:?}",
                NewPassword::parse("secret secret".into(), None).unwrap()
            ),
            "NewPassword(***)"
        );
    }

    #[test]
    fn sign_up_reports_every_bad_field_at_once() {
        let err = SignUpForm::parse("", "nope", "short".into(), "  ").unwrap_err();
        let AppError::Validation { fields } = err else {
            panic!("validation error expected")
        };
        let names: Vec<_> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(names, ["name", "email", "password", "organisation"]);
    }

    #[test]
    fn sign_up_derives_a_slug_from_the_organisation() {
        let s = SignUpForm::parse(
            "Ada",
            "ada@example.com",
            "a long passphrase".into(),
            "Acme Facilities Ltd.",
        )
        .unwrap();
        assert_eq!(
            slug_from_name(&s.organisation_name).as_str(),
            "acme-facilities-ltd"
        );
        assert_eq!(slug_from_name("???").as_str(), "org");
        assert_eq!(slug_from_name("Ünïcode Café").as_str(), "n-code-caf");
        assert!(slug_from_name(&"long name ".repeat(20)).as_str().len() <= Slug::MAX_LEN);
    }

    #[test]
    fn roles_round_trip_and_only_admins_manage_members() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("owner"), None);
        use crate::permission::Permission;
        assert!(Role::Admin.can(Permission::ManageMembers));
        assert!(!Role::Manager.can(Permission::ManageMembers));
    }
}

/// "Chrome on Linux" from a User-Agent: enough for a person to recognise their device.
pub fn describe_device(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent.filter(|ua| !ua.is_empty()) else {
        return "Unknown device".into();
    };
    let browser = [
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    let os = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_string(),
        (None, Some(o)) => format!("A browser on {o}"),
        (None, None) => ua.chars().take(60).collect(),
    }
}

#[cfg(test)]
mod device_tests {
    use super::describe_device;

    #[test]
    fn devices_are_named_for_people() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_device(Some(chrome)), "Chrome on Linux");
        assert_eq!(describe_device(None), "Unknown device");
        assert_eq!(describe_device(Some("curl/8.0")), "curl/8.0");
    }
}

/// An organisation the viewer belongs to, for the organisation switcher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationChoice {
    pub id: OrganisationId,
    pub name: String,
    pub role: Role,
    pub current: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "snake_case")
)]
pub enum LoginOutcome {
    Succeeded,
    Failed,
    Throttled,
}

impl LoginOutcome {
    /// The name the database keeps.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Throttled => "throttled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Succeeded => "Signed in",
            Self::Failed => "Wrong password",
            Self::Throttled => "Blocked: too many attempts",
        }
    }
}

/// One sign-in attempt on the viewer's account, as the activity list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginActivity {
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    pub outcome: LoginOutcome,
    pub device: String,
    pub ip: Option<String>,
    pub new_device: bool,
}
