//! The ticket list: its order, its filters as they appear in the URL, the keyset cursor and
//! its rows.

use super::*;

pub const SEARCH_MAX: usize = 200;

/// How the list is ordered. Every order ends with the ticket id, so the keyset is total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSort {
    #[default]
    RecentlyUpdated,
    Newest,
    Oldest,
}

impl TicketSort {
    pub const ALL: [Self; 3] = [Self::RecentlyUpdated, Self::Newest, Self::Oldest];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RecentlyUpdated => "updated",
            Self::Newest => "newest",
            Self::Oldest => "oldest",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::RecentlyUpdated => "Recently updated",
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
        }
    }
}

/// The list's filters, as they appear in its URL. Every field may be left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct TicketFilter {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub queue: Option<Uuid>,
    pub assignee: Option<Uuid>,
    /// Words to find in titles, descriptions and comments.
    pub text: Option<String>,
    pub sort: TicketSort,
    /// Continue after this position (from the previous page's `next`).
    pub after: Option<String>,
}

impl TicketFilter {
    /// The filter a URL's query describes (`status`, `priority`, `queue`, `assignee`, `q`,
    /// `sort`, `after`); anything unreadable is ignored, as a bookmark from an older version
    /// should still open.
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> Self {
        let id = |k: &str| get(k).and_then(|v| Uuid::parse_str(&v).ok());
        Self {
            status: get("status").and_then(|s| TicketStatus::parse(&s)),
            priority: get("priority").and_then(|p| Priority::parse(&p)),
            queue: id("queue"),
            assignee: id("assignee"),
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
                .and_then(|s| TicketSort::parse(&s))
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
        let checks: [Check; 6] = [
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
                |v| Uuid::parse_str(v).is_ok(),
                "Use a member's user id.",
            ),
            (
                "sort",
                |v| TicketSort::parse(v).is_some(),
                "Use updated, newest or oldest.",
            ),
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
            add("assignee", &a.to_string());
        }
        if let Some(t) = &self.text {
            add("q", t);
        }
        // The default order goes unsaid: a clean URL for the list as it first opens.
        if self.sort != TicketSort::default() {
            add("sort", self.sort.as_str());
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

/// A position in the list: the sort key of the last ticket shown and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key_micros: i64,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.key_micros, self.id.simple())
    }

    /// Instants from year 1 to year 9999, in microseconds since 1970: every sort key a row can
    /// have, and well inside what PostgreSQL's timestamps hold (a key at the ends of `i64`
    /// overflowed its interval arithmetic).
    const KEY_RANGE: std::ops::RangeInclusive<i64> =
        -62_135_596_800_000_000..=253_402_300_799_999_999;

    /// Only what `encode` writes (`-?digits_32 lower-case hex`, the REST document's pattern),
    /// so a cursor is either one of ours or refused.
    pub fn decode(s: &str) -> Option<Self> {
        let (key, id) = s.split_once('_')?;
        let digits = key.strip_prefix('-').unwrap_or(key);
        let well_formed = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && id.len() == 32
            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !well_formed {
            return None;
        }
        Some(Self {
            key_micros: key.parse().ok().filter(|k| Self::KEY_RANGE.contains(k))?,
            id: Uuid::parse_str(id).ok()?,
        })
    }
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
}
