//! Idempotency keys: the first result of a request made under a key is stored, in the same
//! transaction as the effect it records, and a repeat gets that result instead of a second
//! effect. A key used again for a different request is refused. Repeats that arrive while the
//! first is still running wait for it on a transaction-scoped advisory lock, so a retried
//! request is never carried out twice, and a result is never remembered for an effect that
//! rolled back.
//!
//! A key belongs to an API token (the REST `Idempotency-Key` header) or to a member (the key
//! every form the app renders carries, so a double-click makes one of anything).

use crate::db::TenantTx;
use crate::model::error::AppError;
use crate::model::identity::UserId;
use serde::{de::DeserializeOwned, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// How long a key is remembered.
const KEPT_HOURS: i32 = 24;

/// Who a key belongs to: keys of different owners never meet.
#[derive(Debug, Clone, Copy)]
pub enum KeyOwner {
    ApiToken(Uuid),
    Member(UserId),
}

/// A key, whose it is, and a digest of what was asked for under it.
pub struct RequestKey {
    owner: KeyOwner,
    key: String,
    request_hash: Vec<u8>,
}

impl RequestKey {
    /// `operation` names what is asked (method and path) and `request` is the body, so the
    /// same key and body sent to another endpoint is a different request.
    pub fn new(owner: KeyOwner, key: String, operation: &str, request: &[u8]) -> Self {
        let mut hash = Sha256::new();
        hash.update(operation.as_bytes());
        hash.update([0]);
        hash.update(request);
        Self {
            owner,
            key,
            request_hash: hash.finalize().to_vec(),
        }
    }

    /// The key of one rendered form, sent with it. Only the operation is digested, not the
    /// fields: the token names one form on one screen, so whatever is sent under it again
    /// (a double-click, Enter pressed twice, a resubmit after the back button) gets the first
    /// result rather than a second effect or an error.
    pub fn form(member: UserId, token: Uuid, operation: &str) -> Self {
        Self::new(KeyOwner::Member(member), token.to_string(), operation, &[])
    }

    fn owner_id(&self) -> Uuid {
        match self.owner {
            KeyOwner::ApiToken(id) => id,
            KeyOwner::Member(user) => user.0,
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
        format!("{}:{}", key.owner_id(), key.key)
    )
    .execute(&mut **tx)
    .await?;
    let stored = sqlx::query!(
        "select request_hash, body from idempotency_keys
          where owner = $1 and key = $2 and created_at > now() - make_interval(hours => $3)",
        key.owner_id(),
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
    let (token, member) = match key.owner {
        KeyOwner::ApiToken(id) => (Some(id), None),
        KeyOwner::Member(user) => (None, Some(user.0)),
    };
    // This owner's expired keys go as a new one comes, in the same statement (no extra round
    // trip): the table stays the size of a day's writes without a sweeper, and the delete
    // reads the primary key's prefix. This key's own old row is left to the upsert: one
    // statement must not both delete and update a row.
    sqlx::query!(
        "with expired as (
             delete from idempotency_keys
              where organisation_id = $1 and owner = coalesce($2::uuid, $3::uuid) and key <> $4
                and created_at <= now() - make_interval(hours => $7)
         )
         insert into idempotency_keys (organisation_id, token_id, user_id, key, request_hash, body)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (organisation_id, owner, key) do update
            set request_hash = excluded.request_hash, body = excluded.body, created_at = now()",
        tx.organisation().0,
        token,
        member,
        &key.key,
        &key.request_hash,
        &body,
        KEPT_HOURS,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
