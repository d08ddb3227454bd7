//! A ticket's requester, from the address typed or sent: the contact who has it, or a new
//! contact at the client that claims its domain, made on the spot as a helpdesk does with
//! someone writing in for the first time.

use crate::audit;
use crate::db::TenantTx as Tx;
use crate::identity::ClientInfo;
use crate::model::audit::AuditAction;
use crate::model::clients::{ClientId, ContactId, Requester};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use uuid::Uuid;

/// The contact with the requester's address and their client; made first if nobody has it.
pub async fn resolve(
    tx: &mut Tx,
    viewer: &Viewer,
    requester: &Requester,
    info: &ClientInfo,
) -> Result<(ContactId, Option<ClientId>), AppError> {
    if let Some(found) = holder(tx, requester).await? {
        return Ok(found);
    }
    let client = sqlx::query_scalar!(
        r#"select d.client_id as "id: ClientId" from client_domains d where d.domain = $1"#,
        requester.domain()
    )
    .fetch_optional(&mut **tx)
    .await?;
    let id = ContactId(Uuid::now_v7());
    let name = requester.display_name();
    sqlx::query!(
        "insert into contacts (organisation_id, id, client_id, name) values ($1, $2, $3, $4)",
        tx.organisation().0,
        id.0,
        client.map(|c| c.0),
        name,
    )
    .execute(&mut **tx)
    .await?;
    // Two tickets for the same newcomer at once: the second waits for the first to commit,
    // finds the address taken, and uses that contact instead of its own.
    let claimed = sqlx::query_scalar!(
        "insert into contact_emails (organisation_id, email, contact_id, position)
         values ($1, $2, $3, 0) on conflict do nothing returning contact_id",
        tx.organisation().0,
        requester.email.as_str(),
        id.0,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if claimed.is_none() {
        sqlx::query!("delete from contacts where id = $1", id.0)
            .execute(&mut **tx)
            .await?;
        return holder(tx, requester)
            .await?
            .ok_or_else(|| crate::failure::internal("a claimed address has no contact"));
    }
    audit::record(
        tx,
        Some(viewer.user_id),
        AuditAction::ContactCreated,
        ("contact", id.0),
        info,
        serde_json::json!({ "name": name, "as_requester": true }),
    )
    .await?;
    Ok((id, client))
}

async fn holder(
    tx: &mut Tx,
    requester: &Requester,
) -> Result<Option<(ContactId, Option<ClientId>)>, AppError> {
    let found = sqlx::query!(
        r#"select k.id as "id: ContactId", k.client_id as "client: ClientId"
             from contact_emails e join contacts k on k.id = e.contact_id
            where e.email = $1"#,
        requester.email.as_str()
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.map(|r| (r.id, r.client)))
}
