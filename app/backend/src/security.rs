//! The Content-Security-Policy, in one place for pages (with a nonce) and everything else.

/// The per-response nonce for inline scripts. Made by the server's security-header middleware,
/// which also writes the header, and handed to Leptos for the page's scripts: one value, one
/// place, whatever path the render takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CspNonce(pub String);

impl CspNonce {
    pub fn generate() -> Self {
        use base64::Engine;
        use rand::RngCore;
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// `nonce` is given for HTML pages: it admits exactly the inline scripts the server rendered.
/// `'wasm-unsafe-eval'` lets the hydrate bundle compile; nothing else may run code.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let scripts = match nonce {
        Some(n) => format!("'self' 'nonce-{n}' 'wasm-unsafe-eval'"),
        None => "'self' 'wasm-unsafe-eval'".to_string(),
    };
    format!(
        "default-src 'self'; script-src {scripts}; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_admit_only_their_nonce() {
        let p = content_security_policy(Some("abc"));
        assert!(p.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval';"));
        assert!(!p.contains("unsafe-inline"));
        assert!(p.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn nonces_are_fresh_and_header_safe() {
        let (a, b) = (CspNonce::generate(), CspNonce::generate());
        assert_ne!(a, b);
        assert!(
            a.0.len() >= 22
                && a.0
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
    }

    #[test]
    fn without_a_nonce_no_inline_script_runs() {
        assert!(!content_security_policy(None).contains("nonce"));
    }
}
