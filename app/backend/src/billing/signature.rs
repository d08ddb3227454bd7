//! Stripe's webhook signature scheme: `Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=...]`,
//! where each v1 is HMAC-SHA256 of `"{t}.{raw body}"` under the endpoint's signing secret. The
//! timestamp is signed too, so checking it against the clock stops a captured request being
//! replayed later.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed time may be from the server's clock (Stripe's libraries use 5 minutes).
pub const TOLERANCE_SECS: i64 = 300;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("the Stripe-Signature header is missing or malformed")]
    Malformed,
    #[error("the signature's timestamp is outside the tolerance")]
    Stale,
    #[error("no signature matches the body")]
    Mismatch,
}

/// Checks `header` against `body` at `now` (Unix seconds).
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64) -> Result<(), SignatureError> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) => {
                if let Ok(bytes) = hex::decode(sig) {
                    signatures.push(bytes);
                }
            }
            // Other schemes (v0 is Stripe's test-mode legacy) are not trusted.
            _ => {}
        }
    }
    let (Some(t), false) = (timestamp, signatures.is_empty()) else {
        return Err(SignatureError::Malformed);
    };
    if (now - t).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    // Each candidate is compared in constant time (`verify_slice`).
    let mac = signed_payload_mac(secret, t, body);
    if signatures
        .iter()
        .any(|sig| mac.clone().verify_slice(sig).is_ok())
    {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

/// The header Stripe would send for `body` at time `t`: used by the tests' fake Stripe.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    let tag = signed_payload_mac(secret, t, body).finalize().into_bytes();
    format!("t={t},v1={}", hex::encode(tag))
}

fn signed_payload_mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test";

    #[test]
    fn a_signed_body_verifies() {
        let header = sign(SECRET, 1_000, b"{\"id\":1}");
        assert_eq!(verify(SECRET, &header, b"{\"id\":1}", 1_010), Ok(()));
    }

    #[test]
    fn a_known_vector_matches_stripes_scheme() {
        // `printf '1000.{}' | openssl dgst -sha256 -hmac whsec_test`
        assert_eq!(
            sign(SECRET, 1_000, b"{}"),
            "t=1000,v1=291d03e2e8ca99ce6b2dd4a86974b888822bbc53e44c7c5718da223c4c86d444"
        );
    }

    #[test]
    fn a_tampered_body_or_wrong_secret_fails() {
        let header = sign(SECRET, 1_000, b"{\"amount\":100}");
        assert_eq!(
            verify(SECRET, &header, b"{\"amount\":999}", 1_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("whsec_other", &header, b"{\"amount\":100}", 1_000),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn an_old_or_future_timestamp_fails() {
        let header = sign(SECRET, 1_000, b"{}");
        assert_eq!(
            verify(SECRET, &header, b"{}", 1_000 + TOLERANCE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, &header, b"{}", 1_000 - TOLERANCE_SECS - 1),
            Err(SignatureError::Stale)
        );
    }

    #[test]
    fn any_matching_v1_among_several_is_enough() {
        let good = sign(SECRET, 1_000, b"{}");
        let v1 = good.split_once(",v1=").map(|(_, s)| s).unwrap_or_default();
        let header = format!("t=1000,v1={},v0=abc,v1={v1}", "00".repeat(32));
        assert_eq!(verify(SECRET, &header, b"{}", 1_000), Ok(()));
    }

    #[test]
    fn malformed_headers_are_refused() {
        for header in ["", "t=1000", "v1=00", "t=abc,v1=00", "t=1000,v1=zz"] {
            assert_eq!(
                verify(SECRET, header, b"{}", 1_000),
                Err(SignatureError::Malformed),
                "{header}"
            );
        }
    }
}
