//! Idempotency keys: the first result of a request made under a key is stored, in the same
//! transaction as the effect it records, and a repeat gets that result instead of a second
//! effect. A key used again for a different request is refused. Repeats that arrive while the
//! first is still running wait for it on a transaction-scoped advisory lock, so a retried
//! request is never carried out twice, and a result is never remembered for an effect that
//! rolled back.

use crate::db::TenantTx;
use crate::model::error::AppError;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a key is remembered.
const KEPT_HOURS: i32 = 24;

/// A key an API token's caller sent, with a digest of what it asked for under that key.
pub struct RequestKey {
    token: Uuid,
    key: String,
    request_hash: Vec<u8>,
}

impl RequestKey {
    /// `operation` names what is asked (method and path) and `request` is the body, so the
    /// same key and body sent to another endpoint is a different request.
    pub fn new(token: Uuid, key: String, operation: &str, request: &[u8]) -> Self {
        let mut hash = Sha256::new();
        hash.update(operation.as_bytes());
        hash.update([0]);
        hash.update(request);
        Self {
            token,
            key,
            request_hash: hash.finalize().to_vec(),
        }
    }
}

/// The result stored for `key`, if this request was made before; waits first for a run of
/// the same key still in progress. Call first in the use case's transaction.
pub(crate) async fn recall<T: DeserializeOwned>(
    tx: &mut TenantTx,
    key: Option<&RequestKey>,
) -> Result<Option<T>, AppError> {
    let Some(key) = key else {
        return Ok(None);
    };
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1, 0))",
        format!("{}:{}", key.token, key.key)
    )
    .execute(&mut **tx)
    .await?;
    let stored = sqlx::query!(
        "select request_hash, body from idempotency_keys
          where token_id = $1 and key = $2 and created_at > now() - make_interval(hours => $3)",
        key.token,
        &key.key,
        KEPT_HOURS
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    let body = stored.body;
    if stored.request_hash != key.request_hash {
        return Err(AppError::Conflict {
            message: "This Idempotency-Key was used for a different request.".into(),
        });
    }
    serde_json::from_value(body)
        .map(Some)
        .map_err(crate::failure::internal)
}

/// Stores `result` under `key`, to commit with the effect it describes.
pub(crate) async fn remember<T: Serialize>(
    tx: &mut TenantTx,
    key: Option<&RequestKey>,
    result: &T,
) -> Result<(), AppError> {
    let Some(key) = key else {
        return Ok(());
    };
    let body = serde_json::to_value(result).map_err(crate::failure::internal)?;
    sqlx::query!(
        "insert into idempotency_keys (organisation_id, token_id, key, request_hash, body)
         values ($1, $2, $3, $4, $5)
         on conflict (organisation_id, token_id, key) do update
            set request_hash = excluded.request_hash, body = excluded.body, created_at = now()",
        tx.organisation().0,
        key.token,
        &key.key,
        &key.request_hash,
        &body,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
