//! Access tokens (short-lived JWTs) and refresh tokens (opaque, server-side sessions).

use crate::model::identity::UserId;
use crate::model::tenancy::OrganisationId;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

const ISSUER: &str = "workdesk";

#[derive(Clone)]
pub struct AccessKeys(Arc<(EncodingKey, DecodingKey)>);

impl AccessKeys {
    pub fn from_secret(secret: &[u8]) -> Self {
        Self(Arc::new((
            EncodingKey::from_secret(secret),
            DecodingKey::from_secret(secret),
        )))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: Uuid,
    pub org: Uuid,
    pub sid: Uuid,
    pub iss: String,
    pub iat: u64,
    pub exp: u64,
}

impl AccessClaims {
    pub fn user_id(&self) -> UserId {
        UserId(self.sub)
    }

    pub fn organisation_id(&self) -> OrganisationId {
        OrganisationId(self.org)
    }
}

fn now_secs() -> u64 {
    time::OffsetDateTime::now_utc().unix_timestamp().max(0) as u64
}

pub fn issue_access(
    keys: &AccessKeys,
    user: UserId,
    organisation: OrganisationId,
    session: Uuid,
    ttl: Duration,
) -> Result<String, jsonwebtoken::errors::Error> {
    let iat = now_secs();
    let claims = AccessClaims {
        sub: user.0,
        org: organisation.0,
        sid: session,
        iss: ISSUER.into(),
        iat,
        exp: iat + ttl.as_secs(),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.0 .0)
}

/// The claims of a valid, unexpired token signed by us; `None` for anything else, including a
/// token whose header asks for another algorithm.
pub fn verify_access(keys: &AccessKeys, token: &str) -> Option<AccessClaims> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.leeway = 5;
    jsonwebtoken::decode::<AccessClaims>(token, &keys.0 .1, &validation)
        .ok()
        .map(|data| data.claims)
}

/// Who a browser signed in as before (OWASP's device cookie): a signed claim, not a session.
/// It lets its owner through an account lockout caused by someone else's guessing.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct DeviceClaims {
    sub: Uuid,
    iss: String,
    exp: u64,
}

const DEVICE_ISSUER: &str = "workdesk-device";

pub fn issue_device(keys: &AccessKeys, user: UserId, ttl: Duration) -> Option<String> {
    let claims = DeviceClaims {
        sub: user.0,
        iss: DEVICE_ISSUER.into(),
        exp: now_secs() + ttl.as_secs(),
    };
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.0 .0).ok()
}

/// The user a valid device cookie names.
pub fn verify_device(keys: &AccessKeys, token: &str) -> Option<UserId> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[DEVICE_ISSUER]);
    jsonwebtoken::decode::<DeviceClaims>(token, &keys.0 .1, &validation)
        .ok()
        .map(|data| UserId(data.claims.sub))
}

/// `<session id>.<secret>`: the id finds the session, the secret proves possession.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub session_id: Uuid,
    secret: [u8; 32],
}

impl RefreshToken {
    pub fn generate(session_id: Uuid) -> Self {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        Self { session_id, secret }
    }

    pub fn parse(s: &str) -> Option<Self> {
        let (id, secret) = s.split_once('.')?;
        let session_id = Uuid::parse_str(id).ok()?;
        let bytes = URL_SAFE_NO_PAD.decode(secret).ok()?;
        Some(Self {
            session_id,
            secret: bytes.try_into().ok()?,
        })
    }

    pub fn encode(&self) -> String {
        format!(
            "{}.{}",
            self.session_id.simple(),
            URL_SAFE_NO_PAD.encode(self.secret)
        )
    }

    /// What the database stores: a fast hash suffices, the secret has 256 bits of entropy.
    pub fn secret_hash(&self) -> Vec<u8> {
        Sha256::digest(self.secret).to_vec()
    }
}

impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RefreshToken({}, ***)", self.session_id)
    }
}

/// A single-use secret sent by email or held in a cookie (password reset, invitation, second
/// factor challenge). 256 random bits, so a fast hash is what the database stores.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretToken([u8; 32]);

impl SecretToken {
    pub fn generate() -> Self {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        Self(secret)
    }

    pub fn parse(s: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(s.trim()).ok()?;
        Some(Self(bytes.try_into().ok()?))
    }

    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(self.0)
    }

    pub fn hash(&self) -> Vec<u8> {
        Sha256::digest(self.0).to_vec()
    }
}

impl std::fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretToken(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> AccessKeys {
        AccessKeys::from_secret(b"test secret of reasonable length!")
    }

    #[test]
    fn access_tokens_round_trip() {
        let (u, o, s) = (
            UserId(Uuid::now_v7()),
            OrganisationId(Uuid::now_v7()),
            Uuid::now_v7(),
        );
        let t = issue_access(&keys(), u, o, s, Duration::from_secs(60)).unwrap();
        let c = verify_access(&keys(), &t).unwrap();
        assert_eq!((c.user_id(), c.organisation_id(), c.sid), (u, o, s));
    }

    #[test]
    fn tampered_expired_or_foreign_tokens_are_rejected() {
        let (u, o, s) = (
            UserId(Uuid::now_v7()),
            OrganisationId(Uuid::now_v7()),
            Uuid::now_v7(),
        );
        let t = issue_access(&keys(), u, o, s, Duration::from_secs(60)).unwrap();
        let mut parts: Vec<String> = t.split('.').map(str::to_owned).collect();
        // Swap in another organisation without re-signing.
        let mut claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts[1]).unwrap()).unwrap();
        claims["org"] = serde_json::json!(Uuid::now_v7());
        parts[1] = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims).unwrap());
        assert_eq!(verify_access(&keys(), &parts.join(".")), None);

        let other = AccessKeys::from_secret(b"another secret entirely, also long");
        assert_eq!(verify_access(&other, &t), None);

        // alg=none: header says unsigned; must never be accepted.
        let none_header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
        assert_eq!(
            verify_access(&keys(), &format!("{none_header}.{}.", parts[1])),
            None
        );

        let claims = AccessClaims {
            sub: u.0,
            org: o.0,
            sid: s,
            iss: ISSUER.into(),
            iat: 1,
            exp: 2,
        };
        let expired =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys().0 .0).unwrap();
        assert_eq!(verify_access(&keys(), &expired), None);
        assert_eq!(verify_access(&keys(), "garbage"), None);
    }

    #[test]
    fn refresh_tokens_round_trip_and_hide_their_secret() {
        let t = RefreshToken::generate(Uuid::now_v7());
        let parsed = RefreshToken::parse(&t.encode()).unwrap();
        assert!(parsed == t);
        assert_eq!(parsed.secret_hash(), t.secret_hash());
        assert!(!format!("{t:?}").contains(&URL_SAFE_NO_PAD.encode(t.secret)));
        for bad in [
            "",
            "x",
            "not-a-uuid.abc",
            &format!("{}.short", Uuid::now_v7().simple()),
        ] {
            assert!(RefreshToken::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn secret_tokens_round_trip_and_reject_junk() {
        let t = SecretToken::generate();
        assert!(SecretToken::parse(&t.encode()) == Some(t.clone()));
        assert_ne!(SecretToken::generate().hash(), t.hash());
        assert!(!format!("{t:?}").contains(&t.encode()));
        for bad in ["", "abc", "!!!!", &URL_SAFE_NO_PAD.encode([1u8; 31])] {
            assert!(SecretToken::parse(bad).is_none(), "{bad}");
        }
    }
}
