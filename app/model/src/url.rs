//! Percent-encoding for the query values the app builds (the list's filters, the page to
//! return to after signing in): one encoder, so every URL the app makes escapes alike.

/// `raw` with everything but RFC 3986's unreserved characters (and the bytes in `keep`)
/// percent-encoded, byte by byte, so UTF-8 survives.
pub(crate) fn encode(raw: &str, keep: &[u8]) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') || keep.contains(&b)
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
