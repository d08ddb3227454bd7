//! How the ticket list is ordered, and a position in that order (the keyset cursor).

use super::*;

/// The column the list is ordered by. Each has the direction a person means by clicking it
/// first: the newest, the most urgent, the soonest due, the least far along.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    #[default]
    Updated,
    Number,
    Priority,
    Due,
    Status,
}

impl SortKey {
    pub const ALL: [Self; 5] = [
        Self::Updated,
        Self::Number,
        Self::Priority,
        Self::Due,
        Self::Status,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Updated => "updated",
            Self::Number => "number",
            Self::Priority => "priority",
            Self::Due => "due",
            Self::Status => "status",
        }
    }

    pub fn natural_descending(self) -> bool {
        matches!(self, Self::Updated | Self::Number | Self::Priority)
    }

    /// Whether the position carries the last update as a second key: priority and status
    /// have four values each, and within one the most recently updated comes first.
    pub fn ties_by_update(self) -> bool {
        matches!(self, Self::Priority | Self::Status)
    }
}

/// The list's order: a column and a direction. Sent as its URL spelling ("due", "due:desc"),
/// so a form or a query string names it as a person would.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct TicketSort {
    pub key: SortKey,
    pub descending: bool,
}

impl Default for TicketSort {
    fn default() -> Self {
        Self::by(SortKey::Updated)
    }
}

impl TicketSort {
    /// Ordered by `key` in its natural direction.
    pub fn by(key: SortKey) -> Self {
        Self {
            key,
            descending: key.natural_descending(),
        }
    }

    pub fn reversed(self) -> Self {
        Self {
            descending: !self.descending,
            ..self
        }
    }

    /// From the URL's `sort` and `dir`. `newest` and `oldest` are the names older links and
    /// API clients use for the number column's two directions.
    pub fn parse(sort: &str, dir: Option<&str>) -> Option<Self> {
        let by = match sort {
            "newest" => return dir.is_none().then_some(Self::by(SortKey::Number)),
            "oldest" => {
                return dir
                    .is_none()
                    .then_some(Self::by(SortKey::Number).reversed())
            }
            other => Self::by(SortKey::ALL.into_iter().find(|k| k.as_str() == other)?),
        };
        match dir {
            None => Some(by),
            Some("desc") => Some(Self {
                descending: true,
                ..by
            }),
            Some("asc") => Some(Self {
                descending: false,
                ..by
            }),
            Some(_) => None,
        }
    }

    /// The URL's `sort` and, when not the natural one, `dir`.
    pub fn to_params(self) -> (&'static str, Option<&'static str>) {
        let dir = (self.descending != self.key.natural_descending())
            .then_some(if self.descending { "desc" } else { "asc" });
        (self.key.as_str(), dir)
    }
}

impl From<TicketSort> for String {
    fn from(sort: TicketSort) -> Self {
        match sort.to_params() {
            (key, Some(dir)) => format!("{key}:{dir}"),
            (key, None) => key.to_string(),
        }
    }
}

impl TryFrom<String> for TicketSort {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let (key, dir) = match s.split_once(':') {
            Some((key, dir)) => (key, Some(dir)),
            None => (s.as_str(), None),
        };
        Self::parse(key, dir).ok_or_else(|| format!("no such order: {s}"))
    }
}

/// A position in the list: the sort key of the last ticket shown (an instant in microseconds
/// since 1970, a number, a rank or a day), for priority and status the last update as well,
/// and the ticket's id, so the keyset is total.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub key: i64,
    pub updated_micros: Option<i64>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        match self.updated_micros {
            Some(micros) => format!("{}.{micros}_{}", self.key, self.id.simple()),
            None => format!("{}_{}", self.key, self.id.simple()),
        }
    }

    /// Instants from year 1 to year 9999, in microseconds since 1970: every sort key a row can
    /// have, and well inside what PostgreSQL's timestamps hold (a key at the ends of `i64`
    /// overflowed its interval arithmetic).
    const KEY_RANGE: std::ops::RangeInclusive<i64> =
        -62_135_596_800_000_000..=253_402_300_799_999_999;

    /// Only what `encode` writes (`-?digits(.-?digits)?_32 lower-case hex`, the REST
    /// document's pattern), so a cursor is either one of ours or refused.
    pub fn decode(s: &str) -> Option<Self> {
        let (keys, id) = s.split_once('_')?;
        let number = |n: &str| {
            let digits = n.strip_prefix('-').unwrap_or(n);
            let well_formed = !digits.is_empty()
                && digits.len() <= 18
                && digits.bytes().all(|b| b.is_ascii_digit());
            well_formed
                .then(|| n.parse::<i64>().ok())
                .flatten()
                .filter(|k| Self::KEY_RANGE.contains(k))
        };
        let (key, updated_micros) = match keys.split_once('.') {
            Some((key, micros)) => (number(key)?, Some(number(micros)?)),
            None => (number(keys)?, None),
        };
        let id_well_formed =
            id.len() == 32 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        Some(Self {
            key,
            updated_micros,
            id: id_well_formed.then(|| Uuid::parse_str(id).ok()).flatten()?,
        })
    }
}
