//! Numbers as people read them.

/// `12345` as "12,345": the app's language is British English.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// How long ago an instant `seconds` back was, in words, while that reads better than the
/// time itself: up to a day. `None` beyond (and for the future, bar a minute of clock skew).
pub fn ago(seconds: i64) -> Option<String> {
    match seconds {
        -60..=44 => Some("just now".into()),
        45..=3_599 => Some(format!("{} min ago", (seconds + 30) / 60)),
        3_600..=86_399 => Some(format!("{} h ago", seconds / 3_600)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{ago, thousands};

    #[test]
    fn recent_instants_read_as_how_long_ago() {
        for (seconds, words) in [
            (-30, Some("just now")),
            (0, Some("just now")),
            (50, Some("1 min ago")),
            (5 * 60 + 10, Some("5 min ago")),
            (3 * 3_600 + 59 * 60, Some("3 h ago")),
            (86_400, None),
            (-3_600, None),
        ] {
            assert_eq!(ago(seconds).as_deref(), words, "{seconds}");
        }
    }

    #[test]
    fn thousands_are_separated_by_commas() {
        for (n, text) in [
            (0, "0"),
            (999, "999"),
            (1000, "1,000"),
            (10_000, "10,000"),
            (1_234_567, "1,234,567"),
            (-4321, "-4,321"),
        ] {
            assert_eq!(thousands(n), text);
        }
    }
}
