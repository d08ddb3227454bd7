//! Where a person goes after signing in: back to the page that sent them to sign in, if that
//! is a page of this site, else the landing page.

/// The query parameter that carries the page to return to.
pub const NEXT: &str = "next";

/// Where signing in leads when there is nowhere to return to.
pub const LANDING: &str = "/";

/// A path on this site to return to after signing in. Built only from something that is
/// surely local, so a crafted sign-in link cannot send anyone elsewhere (an open redirect):
/// it starts with one `/` (not `//host` or `/\host`, which browsers read as another host),
/// holds no control characters or whitespace, and is not a sign-in page itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    const MAX: usize = 2_000;

    pub fn parse(raw: &str) -> Option<Self> {
        let local = raw.starts_with('/')
            && !raw.starts_with("//")
            && !raw.starts_with("/\\")
            && raw.len() <= Self::MAX
            && !raw
                .chars()
                .any(|c| c.is_control() || c.is_whitespace() || c == '\\');
        let path = raw.split(['?', '#']).next().unwrap_or_default();
        let signing_in = path == "/signin" || path.starts_with("/signin/") || path == "/signup";
        (local && !signing_in).then(|| Self(raw.to_string()))
    }

    /// `raw` if it is a place to return to, else the landing page.
    pub fn or_landing(raw: Option<&str>) -> String {
        raw.and_then(Self::parse)
            .map_or_else(|| LANDING.to_string(), |p| p.0)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `page`'s URL carrying this path as the place to return to.
    pub fn through(&self, page: &str) -> String {
        // `/` kept: the path stays readable in the address bar.
        format!("{page}?{NEXT}={}", crate::url::encode(&self.0, b"/"))
    }

    /// The sign-in page's URL that returns here afterwards.
    pub fn sign_in_url(&self) -> String {
        self.through("/signin")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_paths_are_kept_with_their_query() {
        let p = ReturnPath::parse("/tickets?status=open&q=printer").expect("local");
        assert_eq!(p.as_str(), "/tickets?status=open&q=printer");
        assert_eq!(
            p.sign_in_url(),
            "/signin?next=/tickets%3Fstatus%3Dopen%26q%3Dprinter"
        );
    }

    #[test]
    fn other_hosts_and_odd_paths_land_on_the_landing_page() {
        for raw in [
            "https://evil.example/",
            "//evil.example/",
            "/\\evil.example",
            "/tickets\n",
            "/a b",
            "tickets",
            "",
            "/signin",
            "/signin/verify",
            "/signup",
        ] {
            assert_eq!(ReturnPath::or_landing(Some(raw)), LANDING, "{raw:?}");
        }
        assert_eq!(ReturnPath::or_landing(None), LANDING);
        assert_eq!(ReturnPath::or_landing(Some("/signing-off")), "/signing-off");
    }
}
