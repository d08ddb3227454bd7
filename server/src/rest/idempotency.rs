//! `Idempotency-Key` on POST, read from the request. What a key does (the first result kept
//! with its effect, replayed for a repeat) is the backend's `idempotency` module.

use crate::signed_in::SignedIn;
use app::backend::idempotency::{KeyOwner, RequestKey};
use app::model::error::AppError;
use axum::http::HeaderMap;

const HEADER: &str = "idempotency-key";
const KEY_MAX: usize = 200;

/// The key a request carries, if any, for `operation` (method and path) with this body. It
/// belongs to the API token a program used, else to the signed-in member.
pub fn key(
    headers: &HeaderMap,
    caller: &SignedIn,
    operation: &str,
    body: &[u8],
) -> Result<Option<RequestKey>, AppError> {
    let Some(raw) = headers.get(HEADER) else {
        return Ok(None);
    };
    // Exactly what the document's pattern says: no spaces, nothing outside printable ASCII.
    let key = raw
        .to_str()
        .ok()
        .filter(|k| (1..=KEY_MAX).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
        .ok_or_else(|| {
            AppError::validation(
                "Idempotency-Key",
                format!("Use 1 to {KEY_MAX} visible ASCII characters, without spaces."),
            )
        })?;
    let owner = match caller.token {
        Some(token) => KeyOwner::ApiToken(token),
        None => KeyOwner::Member(caller.viewer.user_id),
    };
    Ok(Some(RequestKey::new(
        owner,
        key.to_string(),
        operation,
        body,
    )))
}
