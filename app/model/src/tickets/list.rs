//! The ticket list: its filters as they appear in the URL, and its rows.

use super::*;

pub const SEARCH_MAX: usize = 200;

/// Whose tickets the list shows. `me` is resolved by the server for whoever looks, so a saved
/// "Mine" view works for everyone it is shared with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub enum AssigneeFilter {
    Me,
    Nobody,
    Member(Uuid),
}

impl AssigneeFilter {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "me" => Some(Self::Me),
            "none" => Some(Self::Nobody),
            id => Uuid::parse_str(id).ok().map(Self::Member),
        }
    }

    pub fn as_param(self) -> String {
        match self {
            Self::Me => "me".into(),
            Self::Nobody => "none".into(),
            Self::Member(id) => id.to_string(),
        }
    }
}

impl From<AssigneeFilter> for String {
    fn from(a: AssigneeFilter) -> Self {
        a.as_param()
    }
}

impl TryFrom<String> for AssigneeFilter {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or_else(|| format!("no such assignee: {s}"))
    }
}

/// The list's filters, as they appear in its URL. Every field may be left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub queue: Option<Uuid>,
    pub assignee: Option<AssigneeFilter>,
    /// Only tickets of this client.
    pub client: Option<Uuid>,
    /// Only tickets for this contact.
    pub contact: Option<Uuid>,
    /// Only tickets still open or pending.
    pub unresolved: bool,
    /// Only tickets past their due date and not yet resolved or closed.
    pub overdue: bool,
    /// Words to find in titles, descriptions and comments.
    pub text: Option<String>,
    pub sort: TicketSort,
    /// Continue after this position (from the previous page's `next`).
    pub after: Option<String>,
}

impl TicketFilter {
    /// Open or pending, assigned to whoever looks.
    pub fn mine() -> Self {
        Self {
            assignee: Some(AssigneeFilter::Me),
            unresolved: true,
            ..Self::default()
        }
    }

    /// Open or pending, assigned to nobody.
    pub fn unassigned() -> Self {
        Self {
            assignee: Some(AssigneeFilter::Nobody),
            unresolved: true,
            ..Self::default()
        }
    }

    /// Past their due date and not resolved.
    pub fn overdue() -> Self {
        Self {
            overdue: true,
            ..Self::default()
        }
    }

    /// The filter a URL's query describes (`status`, `priority`, `queue`, `assignee`,
    /// `client`, `contact`, `unresolved`, `overdue`, `q`, `sort`, `dir`, `after`); anything
    /// unreadable is ignored, as a bookmark from an older version should still open.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let id = |k: &str| get(k).and_then(|v| Uuid::parse_str(&v).ok());
        Self {
            status: get("status").and_then(|s| TicketStatus::parse(&s)),
            priority: get("priority").and_then(|p| Priority::parse(&p)),
            queue: id("queue"),
            assignee: get("assignee").and_then(|a| AssigneeFilter::parse(&a)),
            client: id("client"),
            contact: id("contact"),
            unresolved: get("unresolved").is_some_and(|o| o == "1" || o == "true"),
            overdue: get("overdue").is_some_and(|o| o == "1" || o == "true"),
            // Control characters (NUL above all, which PostgreSQL text cannot hold) never
            // help a search; they are dropped, and the search capped at a sane length.
            text: get("q")
                .map(|t| {
                    t.chars()
                        .filter(|c| !c.is_control())
                        .take(SEARCH_MAX)
                        .collect::<String>()
                })
                .filter(|t| !t.trim().is_empty()),
            sort: get("sort")
                .and_then(|s| TicketSort::parse(&s, get("dir").as_deref()))
                .unwrap_or_default(),
            after: get("after").filter(|a| !a.is_empty()),
        }
    }

    /// As [`from_query`](Self::from_query), but a value that names nothing (an unknown status,
    /// a queue that is not an id, ...) is refused with its parameter named, for the REST API:
    /// a typo must not quietly answer with the unfiltered list. Pages stay lenient.
    pub fn from_query_checked(get: impl Fn(&str) -> Option<String>) -> Result<Self, AppError> {
        // Unlike a form's, an empty value is not "any": it names nothing, so it is refused.
        let present = |k: &str| get(k);
        // The parameter, whether a value of it names something, and what to use instead.
        type Check = (&'static str, fn(&str) -> bool, &'static str);
        let checks: [Check; 11] = [
            (
                "status",
                |v| TicketStatus::parse(v).is_some(),
                "Use open, pending, resolved or closed.",
            ),
            (
                "priority",
                |v| Priority::parse(v).is_some(),
                "Use low, medium, high or urgent.",
            ),
            ("queue", |v| Uuid::parse_str(v).is_ok(), "Use a queue's id."),
            (
                "assignee",
                |v| AssigneeFilter::parse(v).is_some(),
                "Use a member's user id, me or none.",
            ),
            (
                "client",
                |v| Uuid::parse_str(v).is_ok(),
                "Use a client's id.",
            ),
            (
                "contact",
                |v| Uuid::parse_str(v).is_ok(),
                "Use a contact's id.",
            ),
            ("unresolved", |v| v == "true" || v == "1", "Use true or 1."),
            ("overdue", |v| v == "true" || v == "1", "Use true or 1."),
            (
                "sort",
                |v| TicketSort::parse(v, None).is_some(),
                "Use updated, number, priority, due or status (newest and oldest still work).",
            ),
            ("dir", |v| v == "asc" || v == "desc", "Use asc or desc."),
            (
                "after",
                |v| Cursor::decode(v).is_some(),
                "This page link is damaged. Start from the first page.",
            ),
        ];
        let fields: Vec<FieldError> = checks
            .into_iter()
            .filter(|(key, valid, _)| present(key).is_some_and(|v| !valid(&v)))
            .map(|(key, _, message)| FieldError {
                field: key.into(),
                message: message.into(),
            })
            .collect();
        let dir_without_its_column = present("dir").is_some()
            && present("sort").is_some_and(|s| s == "newest" || s == "oldest");
        if fields.is_empty() && dir_without_its_column {
            return Err(AppError::validation(
                "dir",
                "Newest and oldest have their own direction: use sort=number with dir.",
            ));
        }
        if fields.is_empty() {
            Ok(Self::from_query(get))
        } else {
            Err(AppError::Validation { fields })
        }
    }

    /// The query string that `from_query` reads back, without the page position.
    /// The filter a query string (as [`to_query`](Self::to_query) writes it) stands for.
    pub fn from_query_string(query: &str) -> Self {
        let pairs: Vec<(String, String)> = query
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                Some((urldecode(k), urldecode(v)))
            })
            .collect();
        Self::from_query(|key| pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    }

    /// The list's address for this filter, continuing after `after` if given: no empty or
    /// default parameters, so the URL reads as what is on screen.
    pub fn href(&self, after: Option<&str>) -> String {
        let mut query = self.to_query();
        if let Some(after) = after {
            if !query.is_empty() {
                query.push('&');
            }
            query.push_str("after=");
            query.push_str(&crate::url::encode(after, b""));
        }
        if query.is_empty() {
            "/tickets".to_string()
        } else {
            format!("/tickets?{query}")
        }
    }

    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        let mut add = |k: &str, v: &str| parts.push(format!("{k}={}", crate::url::encode(v, b"")));
        if let Some(s) = self.status {
            add("status", s.as_str());
        }
        if let Some(p) = self.priority {
            add("priority", p.as_str());
        }
        if let Some(q) = self.queue {
            add("queue", &q.to_string());
        }
        if let Some(a) = self.assignee {
            add("assignee", &a.as_param());
        }
        if let Some(c) = self.client {
            add("client", &c.to_string());
        }
        if let Some(c) = self.contact {
            add("contact", &c.to_string());
        }
        if self.unresolved {
            add("unresolved", "1");
        }
        if self.overdue {
            add("overdue", "1");
        }
        if let Some(t) = &self.text {
            add("q", t);
        }
        // The default order goes unsaid: a clean URL for the list as it first opens.
        if self.sort != TicketSort::default() {
            let (sort, dir) = self.sort.to_params();
            add("sort", sort);
            if let Some(dir) = dir {
                add("dir", dir);
            }
        }
        parts.join("&")
    }
}

fn urldecode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match std::str::from_utf8(&bytes[i + 1..i + 3])
                    .ok()
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
                {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The search as a PostgreSQL text query in which every word also matches words it begins
/// ("invo" finds "Invoice"), so the list can follow a search as it is typed. Only letters and
/// digits pass: nothing a person types can be read as query syntax. `None` when no word is left.
pub fn prefix_search(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(16)
        .map(|w| format!("{}:*", w.to_lowercase()))
        .collect();
    (!words.is_empty()).then(|| words.join(" & "))
}

/// A row of the ticket list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketSummary {
    pub id: Uuid,
    pub number: i64,
    pub title: String,
    pub status: TicketStatus,
    pub priority: Priority,
    pub queue: String,
    pub assignee: Option<String>,
    pub due_on: Option<time::Date>,
    /// Due before today (UTC) and not yet resolved or closed. Worked out by the server, so
    /// the browser needs no clock to show it and both renders agree.
    #[serde(default)]
    pub overdue: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub updated_at: time::OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TicketPage {
    pub tickets: Vec<TicketSummary>,
    pub next: Option<String>,
    /// How many tickets match the filters in all, counted up to [`COUNT_CAP`].
    #[serde(default)]
    pub total: i64,
    /// More match than `total` says: counting every one of a huge list would cost more than
    /// the page itself.
    #[serde(default)]
    pub total_capped: bool,
}

/// The most tickets a list counts exactly.
pub const COUNT_CAP: i64 = 10_000;

impl TicketPage {
    /// "1 ticket", "2,345 tickets", "10,000+ tickets".
    pub fn total_label(&self) -> String {
        let n = crate::format::thousands(self.total);
        let plus = if self.total_capped { "+" } else { "" };
        let noun = if self.total == 1 && !self.total_capped {
            "ticket"
        } else {
            "tickets"
        };
        format!("{n}{plus} {noun}")
    }
}
