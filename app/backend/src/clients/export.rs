//! The client, contact and asset lists as CSV, narrowed as the pages are, in the columns an import
//! reads back. Rows are read by name in batches, each batch a short transaction of its own, so
//! a slow download holds no pooled connection.

use super::contains;
use crate::csv::{line, send, text};
use crate::model::clients::{AssetFilter, ClientFilter, ContactFilter, NameCursor};
use crate::model::error::AppError;
use crate::model::tenancy::OrganisationId;
use crate::tickets::EXPORT_BATCH;
use crate::Db;
use tokio::sync::mpsc::Sender;

pub async fn clients_csv(
    db: &Db,
    org: OrganisationId,
    filter: &ClientFilter,
    out: Sender<String>,
) -> Result<(), AppError> {
    let header = "name,domains,phone,address,time_zone,currency,status,account_manager,notes\r\n";
    if !send(&out, header.into()).await {
        return Ok(());
    }
    let q = crate::model::clients::search_text(filter.q.as_deref())?.map(|q| contains(&q));
    let mut after: Option<NameCursor> = None;
    loop {
        let mut tx = db.scoped_tx(org).await?;
        super::plan_for_these_values(&mut tx).await?;
        let rows = sqlx::query!(
            r#"select c.id, lower(c.name) as "sort_name!", c.name, c.phone, c.address,
                      coalesce(c.time_zone, '') as "time_zone!", c.currency, c.status, c.notes,
                      array_to_string(array(select d.domain from client_domains d
                                             where d.client_id = c.id order by d.domain), ', ') as "domains!",
                      coalesce(u.email, '') as "account_manager!"
                 from clients c left join users u on u.id = c.account_manager_id
                where ($1::text is null or c.name ilike $1
                       or exists (select 1 from client_domains d
                                   where d.client_id = c.id and d.domain ilike $1))
                  and ($2::text is null or c.status = $2)
                  and ($3::text is null or (lower(c.name), c.id) > ($3, $4))
                order by lower(c.name), c.id
                limit $5"#,
            q,
            filter.status.map(|s| s.as_str()),
            after.as_ref().map(|a| a.sort_name.as_str()),
            after.as_ref().map(|a| a.id).unwrap_or_default(),
            EXPORT_BATCH,
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let full = rows.len() as i64 == EXPORT_BATCH;
        let mut chunk = String::new();
        for r in rows {
            chunk.push_str(&line(
                [
                    &r.name,
                    &r.domains,
                    &r.phone,
                    &r.address,
                    &r.time_zone,
                    &r.currency,
                    &r.status,
                    &r.account_manager,
                    &r.notes,
                ]
                .map(|cell| text(cell)),
            ));
            after = Some(NameCursor {
                id: r.id,
                sort_name: r.sort_name,
            });
        }
        if !send(&out, chunk).await || !full {
            return Ok(());
        }
    }
}

pub async fn contacts_csv(
    db: &Db,
    org: OrganisationId,
    filter: &ContactFilter,
    out: Sender<String>,
) -> Result<(), AppError> {
    let header = "name,emails,phone,job_title,client,portal_access,may_approve\r\n";
    if !send(&out, header.into()).await {
        return Ok(());
    }
    let q = crate::model::clients::search_text(filter.q.as_deref())?.map(|q| contains(&q));
    let mut after: Option<NameCursor> = None;
    loop {
        let mut tx = db.scoped_tx(org).await?;
        super::plan_for_these_values(&mut tx).await?;
        let rows = sqlx::query!(
            r#"select k.id, lower(k.name) as "sort_name!", k.name, k.phone, k.job_title,
                      k.portal_access, k.may_approve, coalesce(c.name, '') as "client!",
                      array_to_string(array(select e.email from contact_emails e
                                             where e.contact_id = k.id order by e.position), ', ') as "emails!"
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
            EXPORT_BATCH,
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let full = rows.len() as i64 == EXPORT_BATCH;
        let mut chunk = String::new();
        for r in rows {
            let approves = if r.may_approve { "yes" } else { "no" };
            chunk.push_str(&line(
                [
                    &r.name,
                    &r.emails,
                    &r.phone,
                    &r.job_title,
                    &r.client,
                    &r.portal_access,
                    approves,
                ]
                .map(text),
            ));
            after = Some(NameCursor {
                id: r.id,
                sort_name: r.sort_name,
            });
        }
        if !send(&out, chunk).await || !full {
            return Ok(());
        }
    }
}

/// The asset list as CSV, in the list's order, properties as one JSON object per row.
pub async fn assets_csv(
    db: &Db,
    org: OrganisationId,
    filter: &AssetFilter,
    out: Sender<String>,
) -> Result<(), AppError> {
    let header = "client,kind,name,manufacturer,model,serial_number,purchased_on,warranty_ends,location,assigned_to,properties\r\n";
    if !send(&out, header.into()).await {
        return Ok(());
    }
    let mut after: Option<NameCursor> = None;
    loop {
        let mut tx = db.scoped_tx(org).await?;
        let rows = super::assets::batch(&mut tx, filter, after.as_ref(), EXPORT_BATCH).await?;
        tx.commit().await?;
        let full = rows.len() as i64 == EXPORT_BATCH;
        let mut chunk = String::new();
        for (a, at) in rows {
            let day = |d: Option<time::Date>| d.map(|d| d.to_string()).unwrap_or_default();
            chunk.push_str(&line(
                [
                    &a.client_name,
                    a.kind.as_str(),
                    &a.name,
                    &a.manufacturer,
                    &a.model,
                    &a.serial_number,
                    &day(a.purchased_on),
                    &day(a.warranty_ends),
                    a.location_name.as_deref().unwrap_or_default(),
                    a.contact_name.as_deref().unwrap_or_default(),
                    &a.properties.to_json().to_string(),
                ]
                .map(text),
            ));
            after = Some(at);
        }
        if !send(&out, chunk).await || !full {
            return Ok(());
        }
    }
}
