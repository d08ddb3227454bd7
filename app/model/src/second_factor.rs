//! Second factors: how a user proves more than their password, and the codes they type.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(
    feature = "ssr",
    derive(sqlx::Type),
    sqlx(type_name = "text", rename_all = "lowercase")
)]
pub enum Method {
    /// A 6-digit code emailed at each sign-in.
    Email,
    /// A 6-digit code from an authenticator app (RFC 6238).
    Totp,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::Totp => "totp",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Email, Self::Totp]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Email => "Code by email",
            Self::Totp => "Authenticator app",
        }
    }
}

/// What the account page shows about the viewer's second factor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecondFactorStatus {
    pub method: Option<Method>,
    pub backup_codes_left: u32,
}

/// An authenticator app being set up: shown once, until a code from it is confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// For typing into an app that cannot scan.
    pub secret: String,
    /// The QR code of the `otpauth://` URL, as an SVG document.
    pub qr_svg: String,
}

/// How wrong second-factor codes are answered, counted per account across sign-ins (each
/// sign-in allows a few codes, but a new sign-in must not start a fresh count): from the
/// third in a row, each wrong code doubles the wait before the next is checked, and the
/// tenth locks the second factor (never the password) for an hour. A right code, or a day
/// without a wrong one, starts the count again. At that rate a 6-digit code with one step of
/// clock skew (three codes right at any moment) takes about four years of guessing on average,
/// with an email to the owner at every lock, instead of the hour it took.
pub mod throttle {
    /// Wrong codes answered at once; after these the waits begin.
    pub const FREE: i32 = 2;
    /// Wrong codes in a row that lock the second factor.
    pub const LOCK_AFTER: i32 = 10;
    pub const LOCK_SECS: u32 = 60 * 60;
    /// A count this old is forgotten.
    pub const FORGET_SECS: u32 = 24 * 60 * 60;

    /// Seconds from the last wrong code until the next code is checked, after `failures`.
    pub fn wait_secs(failures: i32) -> u32 {
        if failures <= FREE {
            0
        } else {
            1 << (failures - FREE - 1).min(8)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn waits_double_from_the_third_wrong_code_and_ten_lock() {
            let waits: Vec<u32> = (0..LOCK_AFTER).map(wait_secs).collect();
            assert_eq!(waits, [0, 0, 0, 1, 2, 4, 8, 16, 32, 64]);
            // Ten guesses an hour at most: three valid codes in a million, so on average
            // ~3.8 years of trying for one account (and ~8,800 emails to its owner).
            let guesses_per_hour = f64::from(LOCK_AFTER);
            let years = 1e6 / 3.0 / guesses_per_hour / 24.0 / 365.0;
            assert!(years > 3.5, "{years}");
        }
    }
}

/// What signing in with a password led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignInStep {
    SignedIn,
    /// The password was right; a code is needed next (at /signin/verify).
    SecondFactor(Method),
}

/// A code as typed: digits of a 6-digit code, or a backup code `xxxx-xxxx`. Spaces and dashes
/// people add while copying are ignored; letters are compared case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Code {
    OneTime(String),
    Backup(String),
}

impl Code {
    pub const BACKUP_LEN: usize = 8;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if compact.is_empty() {
            return Err("Enter the code.");
        }
        if compact.len() == 6 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Ok(Self::OneTime(compact));
        }
        if compact.len() == Self::BACKUP_LEN && compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Ok(Self::Backup(compact));
        }
        Err("Enter the 6-digit code, or one of your backup codes.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_tolerate_copy_and_paste_noise() {
        assert_eq!(Code::parse(" 123 456 "), Ok(Code::OneTime("123456".into())));
        assert_eq!(
            Code::parse("ABCD-2345"),
            Ok(Code::Backup("abcd2345".into()))
        );
        for bad in ["", "12345", "1234567", "abc", "abcd-234!", "١٢٣٤٥٦"] {
            assert!(Code::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn methods_round_trip() {
        for m in [Method::Email, Method::Totp] {
            assert_eq!(Method::parse(m.as_str()), Some(m));
        }
        assert_eq!(Method::parse("sms"), None);
    }
}
