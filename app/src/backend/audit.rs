//! The append-only audit log: one row per security-relevant or data-changing action, written in
//! the same transaction as the change it records.

use super::identity::ClientInfo;
use crate::model::identity::UserId;
use crate::model::tenancy::OrganisationId;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

pub async fn record(
    tx: &mut Transaction<'static, Postgres>,
    organisation: OrganisationId,
    actor: Option<UserId>,
    action: &str,
    (target_type, target_id): (&str, Uuid),
    client: &ClientInfo,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into audit_log (organisation_id, id, actor_user_id, action, target_type, target_id, ip, detail)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(organisation.0)
    .bind(Uuid::now_v7())
    .bind(actor.map(|a| a.0))
    .bind(action)
    .bind(target_type)
    .bind(target_id)
    .bind(client.ip.map(super::identity::sessions::ip_network))
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
