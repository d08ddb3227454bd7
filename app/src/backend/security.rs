//! The Content-Security-Policy, in one place for pages (with a nonce) and everything else.

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
    fn without_a_nonce_no_inline_script_runs() {
        assert!(!content_security_policy(None).contains("nonce"));
    }
}
