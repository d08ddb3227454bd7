//! The transactional outbox: side effects are rows written in the transaction that causes
//! them, so nothing is sent for a change that rolled back and nothing committed is lost. The
//! server's relay delivers them (server/src/relay.rs).

use super::mail::OutgoingEmail;
use crate::db::TenantTx;
use crate::model::tenancy::OrganisationId;
use sqlx::{PgConnection, Postgres, Transaction};
use uuid::Uuid;

/// Queues an email that belongs to `tx`'s organisation.
pub async fn enqueue_email(tx: &mut TenantTx, email: &OutgoingEmail) -> Result<(), sqlx::Error> {
    let organisation = tx.organisation();
    insert_email(tx, Some(organisation), email).await
}

/// Queues platform mail, which belongs to no tenant (signing up, resetting a password).
pub async fn enqueue_platform_email(
    conn: &mut PgConnection,
    email: &OutgoingEmail,
) -> Result<(), sqlx::Error> {
    insert_email(conn, None, email).await
}

/// Queues messages that link back to the site, and commits `tx`. Asked for on an
/// organisation's own host (`on_host`), they go through its outbox and link to that host, so a
/// white-label organisation's people never meet the platform's address; otherwise they are
/// platform mail linking to the public address.
pub async fn enqueue_linked(
    tx: Transaction<'static, Postgres>,
    on_host: Option<OrganisationId>,
    ctx: &crate::AppContext,
    messages: impl FnOnce(&str) -> Vec<OutgoingEmail>,
) -> Result<(), sqlx::Error> {
    match on_host {
        Some(org) => {
            let mut tx = TenantTx::enter(tx, org).await?;
            let site = crate::tenancy::site_url(&mut tx, &ctx.public_url, &ctx.base_domain).await?;
            for email in messages(&site) {
                enqueue_email(&mut tx, &email).await?;
            }
            tx.commit().await
        }
        None => {
            let mut tx = tx;
            for email in messages(ctx.public_url.trim_end_matches('/')) {
                enqueue_platform_email(&mut tx, &email).await?;
            }
            tx.commit().await
        }
    }
}

async fn insert_email(
    conn: &mut PgConnection,
    organisation: Option<OrganisationId>,
    email: &OutgoingEmail,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into outbox (id, organisation_id, topic, payload) values ($1, $2, 'email', $3)",
        Uuid::now_v7(),
        organisation.map(|o| o.0),
        sqlx::types::Json(email) as _,
    )
    .execute(conn)
    .await?;
    Ok(())
}
