//! API tokens: made and revoked by admins, stored as SHA-256 hashes, acting as the member who
//! made them with the role chosen for them (and never more than that member's role today).

use super::identity::tokens::SecretToken;
use super::identity::{accounts, ClientInfo};
use super::{audit, db::TenantTx, Db};
use crate::model::api_tokens::{ApiToken, CreatedToken, PREFIX};
use crate::model::audit::AuditAction;
use crate::model::billing::Feature;
use crate::model::error::AppError;
use crate::model::identity::{Role, UserId, Viewer};
use crate::model::permission::Permission;
use crate::model::tenancy::OrganisationId;
use uuid::Uuid;

/// A request made with a token: who it acts as, and which token (for idempotency keys and
/// rate limits).
#[derive(Debug, Clone)]
pub struct TokenCaller {
    pub token_id: Uuid,
    pub viewer: Viewer,
}

pub async fn create(
    db: &Db,
    viewer: &Viewer,
    name: String,
    role: Role,
    client: &ClientInfo,
) -> Result<CreatedToken, AppError> {
    viewer.require(Permission::ManageApiTokens)?;
    let org = viewer.organisation_id;
    let secret = SecretToken::generate();
    let id = Uuid::now_v7();
    let mut tx = db.scoped_tx(org).await?;
    super::billing::require(&mut tx, org, Feature::ApiAccess).await?;
    let created_at = sqlx::query_scalar!(
        "insert into api_tokens (organisation_id, id, name, role, token_hash, created_by)
         values ($1, $2, $3, $4, $5, $6)
         returning created_at",
        org.0,
        id,
        &name,
        role.as_str(),
        secret.hash(),
        viewer.user_id.0,
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        AuditAction::ApiTokenCreated,
        ("api_token", id),
        client,
        serde_json::json!({ "name": name, "role": role.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(CreatedToken {
        token: ApiToken {
            id,
            name,
            role,
            created_by: viewer.name.clone(),
            created_at,
            last_used_at: None,
            revoked: false,
        },
        secret: format!("{PREFIX}{}", secret.encode()),
    })
}

struct TokenRow {
    id: Uuid,
    name: String,
    role: Role,
    created_by: Option<String>,
    created_at: time::OffsetDateTime,
    last_used_at: Option<time::OffsetDateTime>,
    revoked: bool,
}

pub async fn list(db: &Db, viewer: &Viewer) -> Result<Vec<ApiToken>, AppError> {
    viewer.require(Permission::ManageApiTokens)?;
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let rows = sqlx::query_as!(
        TokenRow,
        r#"select t.id, t.name, t.role as "role: Role", u.name as "created_by?", t.created_at,
                  t.last_used_at, t.revoked_at is not null as "revoked!"
             from api_tokens t left join users u on u.id = t.created_by
            order by t.revoked_at is not null, t.created_at desc"#
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiToken {
            id: r.id,
            name: r.name,
            role: r.role,
            created_by: r.created_by.unwrap_or_else(|| "Former member".into()),
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked: r.revoked,
        })
        .collect())
}

pub async fn revoke(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    client: &ClientInfo,
) -> Result<(), AppError> {
    viewer.require(Permission::ManageApiTokens)?;
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    let revoked = sqlx::query!(
        "update api_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if revoked == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        AuditAction::ApiTokenRevoked,
        ("api_token", id),
        client,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The caller a presented bearer token stands for; `None` for anything unknown, revoked, or
/// whose maker has since left or been disabled.
pub async fn authenticate(db: &Db, presented: &str) -> Result<Option<TokenCaller>, AppError> {
    let Some(secret) = presented.strip_prefix(PREFIX).and_then(SecretToken::parse) else {
        return Ok(None);
    };
    let mut tx = db.begin().await?;
    // The one look-up before a tenant is known: the by_token policy shows this row only.
    sqlx::query_scalar!(
        "select set_config('app.api_token', encode($1, 'hex'), true)",
        secret.hash()
    )
    .fetch_one(&mut *tx)
    .await?;
    let found = sqlx::query!(
        r#"select organisation_id, id, role as "role: Role", created_by from api_tokens
            where token_hash = $1 and revoked_at is null"#,
        secret.hash()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let (org, token_id, role, maker) = (
        found.organisation_id,
        found.id,
        found.role,
        found.created_by,
    );
    let org = OrganisationId(org);
    let mut tx = TenantTx::enter(tx, org).await?;
    // A plan without API access (or a lapsed one) turns existing tokens off, not just new ones.
    super::billing::require(&mut tx, org, Feature::ApiAccess).await?;
    // Marked at most once a minute: a busy integration should not write on every call.
    sqlx::query!(
        "update api_tokens set last_used_at = now()
          where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')",
        token_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let Some(mut viewer) = accounts::viewer_in(db, UserId(maker), org).await? else {
        return Ok(None);
    };
    viewer.role = role.at_most(viewer.role);
    Ok(Some(TokenCaller { token_id, viewer }))
}
