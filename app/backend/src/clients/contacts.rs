//! Contacts: the people at clients (or on their own) who ask for help. Every member may add
//! and change them; an address belongs to one contact of the organisation.

use super::{contains, cursor, stale_or_missing};
use crate::audit;
use crate::db::TenantTx as Tx;
use crate::idempotency::{self, RequestKey};
use crate::identity::ClientInfo;
use crate::model::audit::AuditAction;
use crate::model::clients::{
    ClientId, Contact, ContactCard, ContactFilter, ContactId, ContactPage, NameCursor, NewContact,
    PortalAccess, PAGE,
};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::Db;
use uuid::Uuid;

/// The columns every contact query reads, in [`Contact`]'s order.
macro_rules! contact_row {
    ($r:expr) => {
        Contact {
            id: $r.id,
            name: $r.name,
            emails: $r.emails,
            phone: $r.phone,
            job_title: $r.job_title,
            client: $r.client_id.map(ClientId),
            client_name: $r.client_name,
            may_approve: $r.may_approve,
            portal_access: $r.portal_access,
            version: $r.version,
        }
    };
}

/// A page of contacts by name, narrowed by words in a name or address, or to one client.
pub async fn list_contacts(
    db: &Db,
    viewer: &Viewer,
    filter: &ContactFilter,
) -> Result<ContactPage, AppError> {
    let q = crate::model::clients::search_text(filter.q.as_deref())?.map(|q| contains(&q));
    let after = cursor(filter.after.as_deref())?;
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    super::plan_for_these_values(&mut tx).await?;
    let rows = sqlx::query!(
        r#"select k.id as "id: ContactId", k.name, k.phone, k.job_title, k.client_id,
                  k.may_approve, k.portal_access as "portal_access: PortalAccess", k.version,
                  lower(k.name) as "sort_name!",
                  array(select e.email from contact_emails e
                         where e.contact_id = k.id order by e.position) as "emails!",
                  c.name as "client_name?"
             from contacts k left join clients c on c.id = k.client_id
            where ($1::text is null or k.name ilike $1
                   or exists (select 1 from contact_emails e
                               where e.contact_id = k.id and e.email ilike $1))
              and ($2::uuid is null or k.client_id = $2)
              and ($3::text is null or (lower(k.name), k.id) > ($3, $4))
            order by lower(k.name), k.id
            limit $5"#,
        q,
        filter.client.map(|c| c.0),
        after.as_ref().map(|a| a.sort_name.as_str()),
        after.as_ref().map(|a| a.id).unwrap_or_default(),
        PAGE as i64 + 1,
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let more = rows.len() > PAGE;
    let mut next = None;
    let rows = rows
        .into_iter()
        .take(PAGE)
        .map(|r| {
            next = Some(NameCursor {
                id: r.id.0,
                sort_name: r.sort_name.clone(),
            });
            contact_row!(r)
        })
        .collect();
    Ok(ContactPage {
        rows,
        next: next.filter(|_| more).map(|c| c.encode()),
    })
}

/// A client's people, for its page.
pub(super) async fn of_client(tx: &mut Tx, client: ClientId) -> Result<Vec<Contact>, AppError> {
    let rows = sqlx::query!(
        r#"select k.id as "id: ContactId", k.name, k.phone, k.job_title, k.client_id,
                  k.may_approve, k.portal_access as "portal_access: PortalAccess", k.version,
                  array(select e.email from contact_emails e
                         where e.contact_id = k.id order by e.position) as "emails!",
                  c.name as "client_name?"
             from contacts k left join clients c on c.id = k.client_id
            where k.client_id = $1
            order by lower(k.name), k.id"#,
        client.0,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| contact_row!(r)).collect())
}

/// One contact, for its form.
pub async fn contact(db: &Db, viewer: &Viewer, id: ContactId) -> Result<Contact, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let r = sqlx::query!(
        r#"select k.id as "id: ContactId", k.name, k.phone, k.job_title, k.client_id,
                  k.may_approve, k.portal_access as "portal_access: PortalAccess", k.version,
                  array(select e.email from contact_emails e
                         where e.contact_id = k.id order by e.position) as "emails!",
                  c.name as "client_name?"
             from contacts k left join clients c on c.id = k.client_id
            where k.id = $1"#,
        id.0,
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(contact_row!(r))
}

#[derive(Debug, Clone, Copy)]
pub struct ContactVersion {
    pub id: ContactId,
    pub version: i32,
}

/// Adds a contact or changes one. Their client must be the organisation's (another
/// organisation's is not found), and each address is theirs alone.
pub async fn save_contact(
    db: &Db,
    viewer: &Viewer,
    existing: Option<ContactVersion>,
    new: NewContact,
    info: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<ContactId, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    if let Some(client) = new.client {
        super::client_exists(&mut tx, client).await?;
    }
    let (id, action) = match existing {
        None => {
            let id = ContactId(Uuid::now_v7());
            sqlx::query!(
                "insert into contacts (organisation_id, id, client_id, name, phone, job_title,
                                       may_approve, portal_access)
                 values ($1, $2, $3, $4, $5, $6, $7, $8)",
                tx.organisation().0,
                id.0,
                new.client.map(|c| c.0),
                new.name,
                new.phone,
                new.job_title,
                new.may_approve,
                new.portal_access.as_str(),
            )
            .execute(&mut *tx)
            .await?;
            (id, AuditAction::ContactCreated)
        }
        Some(ContactVersion { id, version }) => {
            // Assets are assigned to people at their own client (a foreign key says so): one
            // who moves to another client hands theirs back.
            sqlx::query!(
                "update assets set contact_id = null, updated_at = now()
                  where contact_id = $1 and client_id is distinct from $2",
                id.0,
                new.client.map(|c| c.0),
            )
            .execute(&mut *tx)
            .await?;
            let changed = sqlx::query!(
                "update contacts set client_id = $3, name = $4, phone = $5, job_title = $6,
                        may_approve = $7, portal_access = $8, version = version + 1,
                        updated_at = now()
                  where id = $1 and version = $2",
                id.0,
                version,
                new.client.map(|c| c.0),
                new.name,
                new.phone,
                new.job_title,
                new.may_approve,
                new.portal_access.as_str(),
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                let exists = sqlx::query_scalar!(
                    r#"select exists (select 1 from contacts where id = $1) as "e!""#,
                    id.0
                )
                .fetch_one(&mut *tx)
                .await?;
                return Err(stale_or_missing(exists));
            }
            (id, AuditAction::ContactUpdated)
        }
    };
    set_emails(&mut tx, id, &new).await?;
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        action,
        ("contact", id.0),
        info,
        serde_json::json!({ "name": new.name }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The contact's addresses become exactly the form's, in its order; one that is another
/// contact's is refused with their name.
async fn set_emails(tx: &mut Tx, id: ContactId, new: &NewContact) -> Result<(), AppError> {
    let emails: Vec<String> = new.emails.iter().map(|e| e.as_str().to_string()).collect();
    let taken = sqlx::query!(
        "select e.email, k.name from contact_emails e join contacts k on k.id = e.contact_id
          where e.email = any($1) and e.contact_id <> $2 order by e.email limit 1",
        &emails,
        id.0,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(t) = taken {
        return Err(AppError::validation(
            "emails",
            format!("{} is already the address of {}.", t.email, t.name),
        ));
    }
    // Rewritten whole: positions change with the order, and ten rows at most.
    sqlx::query!("delete from contact_emails where contact_id = $1", id.0)
        .execute(&mut **tx)
        .await?;
    sqlx::query!(
        "insert into contact_emails (organisation_id, email, contact_id, position)
         select $1, e.email, $2, (e.n - 1)::smallint
           from unnest($3::text[]) with ordinality as e(email, n)",
        tx.organisation().0,
        id.0,
        &emails,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// People whose name or address contains `q`, for a ticket's requester (at most ten).
pub async fn contact_choices(
    db: &Db,
    viewer: &Viewer,
    q: &str,
) -> Result<Vec<ContactCard>, AppError> {
    let q = crate::model::clients::search_text(Some(q))?.map(|q| contains(&q));
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    super::plan_for_these_values(&mut tx).await?;
    let rows = sqlx::query!(
        r#"select k.id as "id: ContactId", k.name, k.client_id, c.name as "client_name?",
                  (select e.email from contact_emails e
                    where e.contact_id = k.id order by e.position limit 1) as "email?"
             from contacts k left join clients c on c.id = k.client_id
            where $1::text is null or k.name ilike $1
               or exists (select 1 from contact_emails e
                           where e.contact_id = k.id and e.email ilike $1)
            order by lower(k.name), k.id
            limit 10"#,
        q
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|r| ContactCard {
            id: r.id,
            name: r.name,
            email: r.email,
            client: r.client_id.map(ClientId),
            client_name: r.client_name,
        })
        .collect())
}
