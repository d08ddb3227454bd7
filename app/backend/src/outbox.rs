//! The transactional outbox: side effects are rows written in the transaction that causes
//! them, so nothing is sent for a change that rolled back and nothing committed is lost. The
//! server's relay delivers them (server/src/relay.rs).

use super::mail::OutgoingEmail;
use crate::model::tenancy::OrganisationId;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

/// Queues an email. `organisation` is the tenant it belongs to (the transaction must be scoped
/// to it: RLS refuses the row otherwise), or `None` for platform mail that belongs to no tenant.
pub async fn enqueue_email(
    tx: &mut Transaction<'static, Postgres>,
    organisation: Option<OrganisationId>,
    email: &OutgoingEmail,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into outbox (id, organisation_id, topic, payload) values ($1, $2, 'email', $3)",
    )
    .bind(Uuid::now_v7())
    .bind(organisation.map(|o| o.0))
    .bind(sqlx::types::Json(email))
    .execute(&mut **tx)
    .await?;
    Ok(())
}
