//! `Idempotency-Key` on POST: the first answer to a key is stored with a hash of the request
//! and replayed for a repeat; the same key with a different request is refused. Repeats that
//! arrive while the first is still running wait for it (a transaction-scoped advisory lock on
//! the key), so a retried request is never carried out twice.

use crate::problem::ApiError;
use app::backend::Db;
use app::model::error::AppError;
use app::model::tenancy::OrganisationId;
use axum::http::{HeaderMap, StatusCode};
use sha2::{Digest, Sha256};
use uuid::Uuid;

const HEADER: &str = "idempotency-key";
const KEY_MAX: usize = 200;

/// The key a request carries, if any; only API tokens' requests are remembered.
pub fn key(headers: &HeaderMap, token: Option<Uuid>) -> Result<Option<(Uuid, String)>, AppError> {
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
    Ok(Some((token, key.to_string())))
}

/// Runs `work` once per key: a repeat with the same `request` gets the stored answer.
pub async fn once<F, Fut>(
    db: &Db,
    org: OrganisationId,
    key: Option<(Uuid, String)>,
    request: &[u8],
    work: F,
) -> Result<(StatusCode, serde_json::Value), ApiError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<(StatusCode, serde_json::Value), ApiError>>,
{
    let Some((token, key)) = key else {
        return work().await;
    };
    let request_hash = Sha256::digest(request).to_vec();
    let mut tx = db.scoped_tx(org).await?;
    sqlx::query("select pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(format!("{token}:{key}"))
        .execute(&mut *tx)
        .await?;
    let stored: Option<(Vec<u8>, i16, serde_json::Value)> = sqlx::query_as(
        "select request_hash, status, body from idempotency_keys
          where token_id = $1 and key = $2 and created_at > now() - interval '24 hours'",
    )
    .bind(token)
    .bind(&key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some((hash, status, body)) = stored {
        if hash != request_hash {
            return Err(AppError::Conflict {
                message: "This Idempotency-Key was used for a different request.".into(),
            }
            .into());
        }
        let status = StatusCode::from_u16(status as u16).unwrap_or(StatusCode::OK);
        return Ok((status, body));
    }
    let (status, body) = work().await?;
    sqlx::query(
        "insert into idempotency_keys (organisation_id, token_id, key, request_hash, status, body)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (organisation_id, token_id, key) do update
            set request_hash = excluded.request_hash, status = excluded.status,
                body = excluded.body, created_at = now()",
    )
    .bind(org.0)
    .bind(token)
    .bind(&key)
    .bind(&request_hash)
    .bind(status.as_u16() as i16)
    .bind(&body)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((status, body))
}
