//! `Idempotency-Key` on POST, read from the request. What a key does (the first result kept
//! with its effect, replayed for a repeat) is the backend's `idempotency` module.

use app::backend::idempotency::RequestKey;
use app::model::error::AppError;
use axum::http::HeaderMap;
use uuid::Uuid;

const HEADER: &str = "idempotency-key";
const KEY_MAX: usize = 200;

/// The key a request carries, if any, for `operation` (method and path) with this body; only
/// API tokens' requests are remembered.
pub fn key(
    headers: &HeaderMap,
    token: Option<Uuid>,
    operation: &str,
    body: &[u8],
) -> Result<Option<RequestKey>, AppError> {
    let (Some(token), Some(raw)) = (token, headers.get(HEADER)) else {
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
    Ok(Some(RequestKey::new(
        token,
        key.to_string(),
        operation,
        body,
    )))
}
