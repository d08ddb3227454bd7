//! The authentication cookies. Both are HttpOnly (no script can read them), SameSite=Lax
//! (not sent on cross-site sub-requests) and Secure over https; state-changing requests are
//! additionally checked for a same-origin `Origin` by the server's CSRF guard.

use std::time::Duration;

pub const ACCESS: &str = "wd_access";
pub const REFRESH: &str = "wd_session";
/// A sign-in waiting for its second factor: the password step's proof, for ten minutes.
pub const CHALLENGE: &str = "wd_challenge";
/// This browser signed in as someone before (see `tokens::issue_device`), for a year.
pub const DEVICE: &str = "wd_device";
pub const DEVICE_TTL: Duration = Duration::from_secs(365 * 24 * 60 * 60);

pub fn set(name: &str, value: &str, max_age: Duration, secure: bool) -> String {
    format!(
        "{name}={value}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        max_age.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear(name: &str, secure: bool) -> String {
    set(name, "", Duration::ZERO, secure)
}

/// The value of cookie `name` in a `Cookie` request header.
pub fn read<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_http_only_lax_and_secure_on_https() {
        let c = set(ACCESS, "tok", Duration::from_secs(900), true);
        assert_eq!(
            c,
            "wd_access=tok; Path=/; Max-Age=900; HttpOnly; SameSite=Lax; Secure"
        );
        assert!(!set(ACCESS, "tok", Duration::from_secs(1), false).contains("Secure"));
        assert!(clear(REFRESH, false).contains("Max-Age=0"));
    }

    #[test]
    fn reads_one_cookie_among_many() {
        assert_eq!(read("a=1; wd_access=xyz; theme=dark", ACCESS), Some("xyz"));
        assert_eq!(read("wd_access=", ACCESS), None);
        assert_eq!(read("xwd_access=1", ACCESS), None);
    }
}
