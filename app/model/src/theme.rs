//! The colour scheme a person chose. Stored in a cookie so the server renders the right theme
//! on the first byte (no flash); absent means "follow the operating system".

use serde::{Deserialize, Serialize};

pub const THEME_COOKIE: &str = "theme";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "light" => Some(Self::Light),
            "dark" => Some(Self::Dark),
            _ => None,
        }
    }

    pub fn toggled(self) -> Self {
        match self {
            Self::Light => Self::Dark,
            Self::Dark => Self::Light,
        }
    }

    /// Finds the theme in a `Cookie` request header value.
    pub fn from_cookie_header(header: &str) -> Option<Self> {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == THEME_COOKIE)
            .and_then(|(_, value)| Self::parse(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_theme_cookie_among_others() {
        assert_eq!(
            Theme::from_cookie_header("a=1; theme=dark; b=2"),
            Some(Theme::Dark)
        );
        assert_eq!(Theme::from_cookie_header("theme=light"), Some(Theme::Light));
        assert_eq!(Theme::from_cookie_header("theme=purple"), None);
        assert_eq!(Theme::from_cookie_header("xtheme=dark"), None);
        assert_eq!(Theme::from_cookie_header(""), None);
    }

    #[test]
    fn toggling_twice_is_identity() {
        assert_eq!(Theme::Light.toggled().toggled(), Theme::Light);
    }
}
