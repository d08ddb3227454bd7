//! Files attached to tickets: what the page shows of them, and the pure rules that keep them
//! safe to store and to hand back: the type comes from the bytes, names are made harmless, and
//! a download is always a download.

use super::error::AppError;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The largest file a ticket takes; more is refused before it is all read.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
const FILENAME_MAX_BYTES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attachment {
    pub id: Uuid,
    pub filename: String,
    /// Sniffed from the content when it arrived; the uploader's claim is ignored.
    pub content_type: String,
    pub size_bytes: i64,
    pub uploader: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "ssr", schema(value_type = String, format = DateTime))]
    pub created_at: time::OffsetDateTime,
}

impl Attachment {
    /// Where the browser downloads it; the name at the end is for people reading the URL.
    pub fn href(&self) -> String {
        format!("/attachments/{}", self.id)
    }
}

/// How an upload from the ticket page's form ended, carried back in `?attachment=` so the
/// page can say so without JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadNotice {
    Added,
    NoFile,
    Empty,
    TooLarge,
    Failed,
}

impl UploadNotice {
    const ALL: [Self; 5] = [
        Self::Added,
        Self::NoFile,
        Self::Empty,
        Self::TooLarge,
        Self::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Added => "added",
            Self::NoFile => "no-file",
            Self::Empty => "empty",
            Self::TooLarge => "too-large",
            Self::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|n| n.as_str() == s)
    }

    pub fn message(self) -> String {
        match self {
            Self::Added => "File attached.".into(),
            Self::NoFile => "Choose a file to attach.".into(),
            Self::Empty => "The file is empty. Choose a file with something in it.".into(),
            Self::TooLarge => format!("Files can be at most {} MB.", MAX_BYTES / (1024 * 1024)),
            Self::Failed => "The file could not be attached. Try again.".into(),
        }
    }

    /// What the upload form says under its file input.
    pub fn size_hint() -> String {
        format!(
            "Up to {} MB. Anyone in your organisation can download it.",
            MAX_BYTES / (1024 * 1024)
        )
    }

    /// The error an upload that ended this way answers with.
    pub fn error(self) -> AppError {
        AppError::validation("file", self.message())
    }

    /// How an upload that failed with `e` ended.
    pub fn of_error(e: &AppError) -> Self {
        [Self::NoFile, Self::Empty, Self::TooLarge]
            .into_iter()
            .find(|n| n.error() == *e)
            .unwrap_or(Self::Failed)
    }
}

/// The type of a file from its first bytes. Only types a browser will not run as a page are
/// ever named: HTML, SVG and XML come out as text/plain or octet-stream.
pub fn sniff(head: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"%PDF-", "application/pdf"),
        (b"PK\x03\x04", "application/zip"),
        (b"\x1f\x8b", "application/gzip"),
    ];
    if let Some((_, kind)) = SIGNATURES.iter().find(|(sig, _)| head.starts_with(sig)) {
        return kind;
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return "image/webp";
    }
    if looks_like_text(head) {
        "text/plain; charset=utf-8"
    } else {
        "application/octet-stream"
    }
}

/// UTF-8 without NULs or other C0 controls but tab, line feed, carriage return and form feed.
/// A multi-byte character cut off at the end of `head` still counts as text.
fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return false;
    }
    let valid = match std::str::from_utf8(head) {
        Ok(s) => s,
        Err(e) if e.error_len().is_none() => match std::str::from_utf8(&head[..e.valid_up_to()]) {
            Ok(s) => s,
            Err(_) => return false,
        },
        Err(_) => return false,
    };
    !valid
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
}

/// Characters that reorder the text around them (Unicode bidirectional controls): in a name,
/// `invoice<U+202E>gpj.exe` shows as `invoiceexe.jpg`.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A name safe to store and to show: no folders, no control characters (bidirectional ones
/// included), nothing a shell or a header treats specially, at most 200 bytes (cut at a
/// character), never empty or dot-only.
pub fn safe_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .map(|c| match c {
            c if c.is_control() || is_bidi_control(c) => '_',
            '"' | '<' | '>' | ':' | '|' | '?' | '*' | ';' => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c.is_whitespace() || c == '.');
    let mut name = String::new();
    for c in trimmed.chars() {
        if name.len() + c.len_utf8() > FILENAME_MAX_BYTES {
            break;
        }
        name.push(c);
    }
    if name.is_empty() {
        "attachment".into()
    } else {
        name
    }
}

/// `Content-Disposition` for a download: an ASCII fallback name plus the exact name in
/// RFC 8187 form, which every current browser prefers.
pub fn content_disposition(filename: &str) -> String {
    let fallback: String = safe_filename(filename)
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '%' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in filename.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}")
}

/// A size as people read it: 512 bytes, 12.5 KB, 3.2 MB.
pub fn format_size(bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} bytes")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else {
        format!("{:.1} MB", b / (KB * KB))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes_and_never_name_a_page() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n"), "application/pdf");
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), "image/webp");
        assert_eq!(sniff(b"hello\nworld"), "text/plain; charset=utf-8");
        // Markup is only text: the browser is never told it is a page or an image.
        assert_eq!(
            sniff(b"<html><script>alert(1)</script>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(
            sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(sniff(b"MZ\x90\0\x03\0"), "application/octet-stream");
        assert_eq!(sniff(b"\xff\xfe\0b"), "application/octet-stream");
        // A character cut in two by the end of the sample is still text.
        assert_eq!(
            sniff("caf\u{e9}".as_bytes().split_last().unwrap().1),
            "text/plain; charset=utf-8"
        );
    }

    #[test]
    fn names_lose_folders_controls_and_specials() {
        assert_eq!(safe_filename("../../etc/passwd"), "passwd");
        assert_eq!(safe_filename("C:\\Users\\me\\report.pdf"), "report.pdf");
        assert_eq!(safe_filename("a\r\nb\"c.txt"), "a__b_c.txt");
        assert_eq!(safe_filename(" .. "), "attachment");
        assert_eq!(safe_filename(""), "attachment");
        assert_eq!(safe_filename("résumé.pdf"), "résumé.pdf");
        // A right-to-left override would show this as "invoiceexe.jpg".
        assert_eq!(safe_filename("invoice\u{202E}gpj.exe"), "invoice_gpj.exe");
        for c in [
            '\u{061C}', '\u{200E}', '\u{200F}', '\u{202A}', '\u{202D}', '\u{2066}', '\u{2069}',
        ] {
            assert_eq!(safe_filename(&format!("a{c}b.txt")), "a_b.txt", "{:?}", c);
        }
        let long = "é".repeat(300);
        let cut = safe_filename(&long);
        assert!(cut.len() <= 200 && cut.chars().all(|c| c == 'é'));
    }

    #[test]
    fn downloads_name_the_file_in_ascii_and_exactly() {
        assert_eq!(
            content_disposition("résumé 1.pdf"),
            "attachment; filename=\"r_sum_ 1.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9%201.pdf"
        );
        assert_eq!(
            content_disposition("a%b.txt"),
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%25b.txt"
        );
    }

    #[test]
    fn upload_notices_round_trip_and_classify_errors() {
        for n in UploadNotice::ALL {
            assert_eq!(UploadNotice::parse(n.as_str()), Some(n));
        }
        assert_eq!(
            UploadNotice::of_error(&UploadNotice::TooLarge.error()),
            UploadNotice::TooLarge
        );
        assert_eq!(
            UploadNotice::of_error(&AppError::Unavailable),
            UploadNotice::Failed
        );
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(format_size(512), "512 bytes");
        assert_eq!(format_size(12_800), "12.5 KB");
        assert_eq!(format_size(3_355_443), "3.2 MB");
    }
}
