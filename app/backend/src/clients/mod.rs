//! Customers (issue 17): the clients an organisation serves (this module) and the people at
//! them (`contacts`). Every use case runs in one transaction scoped to the viewer's
//! organisation; another organisation's client is simply not there (404).

use crate::audit;
use crate::db::TenantTx as Tx;
use crate::idempotency::{self, RequestKey};
use crate::identity::ClientInfo;
use crate::model::audit::AuditAction;
use crate::model::clients::{
    Client, ClientFilter, ClientId, ClientOverview, ClientPage, ClientStatus, ClientSummary,
    ClientTicket, NameCursor, NewClient, PAGE,
};
use crate::model::error::AppError;
use crate::model::identity::{UserId, Viewer};
use crate::model::permission::Permission;
use crate::Db;
use uuid::Uuid;

mod assets;
mod contacts;
mod export;
mod locations;
pub mod requesters;

pub use assets::*;
pub use contacts::*;
pub use export::*;
pub use locations::*;

/// `q` as an ILIKE pattern that finds it anywhere, its own `%`, `_` and `\` taken literally.
fn contains(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The lists take optional filters as `$n is null or …`. A generic plan, which PostgreSQL
/// switches to after a few calls, keeps those conditions whole, so no index bound comes of
/// them: page 50 of 50,000 contacts read 2,500 rows. A plan made for each call's values folds
/// the unused ones away (planning costs a fraction of a millisecond).
pub(super) async fn plan_for_these_values(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query("set local plan_cache_mode = force_custom_plan")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Not found unless the organisation has this client.
async fn client_exists(tx: &mut Tx, id: ClientId) -> Result<(), AppError> {
    sqlx::query_scalar!("select id from clients where id = $1", id.0)
        .fetch_optional(&mut **tx)
        .await?
        .map(drop)
        .ok_or(AppError::NotFound)
}

fn cursor(after: Option<&str>) -> Result<Option<NameCursor>, AppError> {
    after
        .map(|a| {
            NameCursor::decode(a)
                .ok_or_else(|| AppError::validation("after", "That page link is out of date."))
        })
        .transpose()
}

/// A page of the organisation's clients by name, narrowed by words in a name or domain.
pub async fn list(db: &Db, viewer: &Viewer, filter: &ClientFilter) -> Result<ClientPage, AppError> {
    let q = crate::model::clients::search_text(filter.q.as_deref())?.map(|q| contains(&q));
    let after = cursor(filter.after.as_deref())?;
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    plan_for_these_values(&mut tx).await?;
    let rows = sqlx::query!(
        r#"select c.id as "id: ClientId", c.name, c.status as "status: ClientStatus", c.phone,
                  lower(c.name) as "sort_name!",
                  array(select d.domain from client_domains d
                         where d.client_id = c.id order by d.domain) as "domains!",
                  (select count(*) from contacts k where k.client_id = c.id) as "contacts!",
                  (select count(*) from tickets t
                    where t.client_id = c.id and t.status in ('open', 'pending')) as "open_tickets!",
                  u.name as "account_manager?"
             from clients c left join users u on u.id = c.account_manager_id
            where ($1::text is null or c.name ilike $1
                   or exists (select 1 from client_domains d
                               where d.client_id = c.id and d.domain ilike $1))
              and ($2::text is null or c.status = $2)
              and ($3::text is null or (lower(c.name), c.id) > ($3, $4))
            order by lower(c.name), c.id
            limit $5"#,
        q,
        filter.status.map(ClientStatus::as_str),
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
                sort_name: r.sort_name,
            });
            ClientSummary {
                id: r.id,
                name: r.name,
                status: r.status,
                domains: r.domains,
                phone: r.phone,
                contacts: r.contacts,
                open_tickets: r.open_tickets,
                account_manager: r.account_manager,
            }
        })
        .collect();
    Ok(ClientPage {
        rows,
        next: next.filter(|_| more).map(|c| c.encode()),
    })
}

async fn client(tx: &mut Tx, id: ClientId) -> Result<Client, AppError> {
    let r = sqlx::query!(
        r#"select c.id as "id: ClientId", c.name, c.phone, c.address, c.time_zone, c.currency,
                  c.notes, c.status as "status: ClientStatus", c.account_manager_id, c.version,
                  array(select d.domain from client_domains d
                         where d.client_id = c.id order by d.domain) as "domains!",
                  u.name as "account_manager_name?"
             from clients c left join users u on u.id = c.account_manager_id
            where c.id = $1"#,
        id.0,
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(Client {
        id: r.id,
        name: r.name,
        domains: r.domains,
        phone: r.phone,
        address: r.address,
        time_zone: r.time_zone,
        currency: r.currency,
        notes: r.notes,
        status: r.status,
        account_manager: r.account_manager_id.map(UserId),
        account_manager_name: r.account_manager_name,
        version: r.version,
    })
}

/// A client's page: the client, its people, places and things and its latest tickets, from
/// one moment.
pub async fn overview(db: &Db, viewer: &Viewer, id: ClientId) -> Result<ClientOverview, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let client = client(&mut tx, id).await?;
    let contacts = contacts::of_client(&mut tx, id).await?;
    let locations = locations::of_client(&mut tx, id).await?;
    let (assets, asset_count) = assets::of_client(&mut tx, id).await?;
    let tickets = sqlx::query!(
        r#"select t.number, t.title, t.status as "status: crate::model::tickets::TicketStatus",
                  t.updated_at, k.name as "requester?"
             from tickets t left join contacts k on k.id = t.contact_id
            where t.client_id = $1
            order by t.updated_at desc, t.id desc
            limit $2"#,
        id.0,
        PAGE as i64,
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| ClientTicket {
        number: r.number,
        title: r.title,
        status: r.status,
        requester: r.requester,
        updated_at: r.updated_at,
    })
    .collect();
    let open_tickets = sqlx::query_scalar!(
        r#"select count(*) as "n!" from tickets where client_id = $1 and status in ('open', 'pending')"#,
        id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ClientOverview {
        client,
        contacts,
        locations,
        assets,
        asset_count,
        tickets,
        open_tickets,
    })
}

/// Which client to change, and the version the form showed (a change by someone else in
/// between is refused rather than overwritten).
#[derive(Debug, Clone, Copy)]
pub struct ClientVersion {
    pub id: ClientId,
    pub version: i32,
}

/// Adds a client (`existing` = None) or changes one. Names are unique regardless of case, and a
/// domain belongs to one client: a clash names the other client.
pub async fn save(
    db: &Db,
    viewer: &Viewer,
    existing: Option<ClientVersion>,
    new: NewClient,
    info: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<ClientId, AppError> {
    viewer.require(Permission::ManageClients)?;
    if let Some(zone) = &new.time_zone {
        if !crate::identity::profile::time_zones(db)
            .await?
            .contains(zone)
        {
            return Err(AppError::validation(
                "time_zone",
                "Choose a time zone from the list, like Europe/Berlin.",
            ));
        }
    }
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    check_account_manager(&mut tx, new.account_manager).await?;
    let clash = sqlx::query_scalar!(
        "select name from clients where lower(name) = lower($1) and id <> $2",
        new.name,
        existing.map(|e| e.id.0).unwrap_or_default(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    if clash.is_some() {
        return Err(AppError::validation(
            "name",
            format!("There is already a client called {}.", new.name),
        ));
    }
    let (id, action) = match existing {
        None => {
            let id = ClientId(Uuid::now_v7());
            sqlx::query!(
                "insert into clients (organisation_id, id, name, phone, address, time_zone, currency,
                                      notes, status, account_manager_id)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                tx.organisation().0,
                id.0,
                new.name,
                new.phone,
                new.address,
                new.time_zone,
                new.currency,
                new.notes,
                new.status.as_str(),
                new.account_manager.map(|u| u.0),
            )
            .execute(&mut *tx)
            .await?;
            (id, AuditAction::ClientCreated)
        }
        Some(ClientVersion { id, version }) => {
            let changed = sqlx::query!(
                "update clients set name = $3, phone = $4, address = $5, time_zone = $6,
                        currency = $7, notes = $8, status = $9, account_manager_id = $10,
                        version = version + 1, updated_at = now()
                  where id = $1 and version = $2",
                id.0,
                version,
                new.name,
                new.phone,
                new.address,
                new.time_zone,
                new.currency,
                new.notes,
                new.status.as_str(),
                new.account_manager.map(|u| u.0),
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                let exists = sqlx::query_scalar!(
                    r#"select exists (select 1 from clients where id = $1) as "e!""#,
                    id.0
                )
                .fetch_one(&mut *tx)
                .await?;
                return Err(stale_or_missing(exists));
            }
            (id, AuditAction::ClientUpdated)
        }
    };
    set_domains(&mut tx, id, &new.domains).await?;
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        action,
        ("client", id.0),
        info,
        serde_json::json!({ "name": new.name, "status": new.status.as_str() }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// After an update matched no row: the row is gone (or another organisation's), or someone
/// changed it since the form was shown.
fn stale_or_missing(exists: bool) -> AppError {
    if exists {
        AppError::Conflict {
            message: "Someone changed this since you opened it. Reload to see their change, then make yours again.".into(),
        }
    } else {
        AppError::NotFound
    }
}

/// The client's domains become exactly `domains`; one claimed by another client is refused
/// with that client's name.
async fn set_domains(tx: &mut Tx, id: ClientId, domains: &[String]) -> Result<(), AppError> {
    let taken = sqlx::query!(
        "select d.domain, c.name from client_domains d join clients c on c.id = d.client_id
          where d.domain = any($1) and d.client_id <> $2 order by d.domain limit 1",
        domains,
        id.0,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(t) = taken {
        return Err(AppError::validation(
            "domains",
            format!("{} already belongs to {}.", t.domain, t.name),
        ));
    }
    sqlx::query!(
        "delete from client_domains where client_id = $1 and domain <> all($2)",
        id.0,
        domains
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into client_domains (organisation_id, domain, client_id)
         select $1, d, $2 from unnest($3::text[]) d
         on conflict (organisation_id, domain) do nothing",
        tx.organisation().0,
        id.0,
        domains,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn check_account_manager(tx: &mut Tx, who: Option<UserId>) -> Result<(), AppError> {
    let Some(who) = who else { return Ok(()) };
    let member = sqlx::query_scalar!(
        r#"select exists (select 1 from memberships where user_id = $1 and status = 'active') as "m!""#,
        who.0
    )
    .fetch_one(&mut **tx)
    .await?;
    if member {
        Ok(())
    } else {
        Err(AppError::validation(
            "account_manager",
            "Choose a member of the organisation.",
        ))
    }
}

/// The active clients whose names contain `q`, for pickers (at most ten).
pub async fn client_choices(
    db: &Db,
    viewer: &Viewer,
    q: &str,
) -> Result<Vec<(ClientId, String)>, AppError> {
    let q = crate::model::clients::search_text(Some(q))?.map(|q| contains(&q));
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    plan_for_these_values(&mut tx).await?;
    let rows = sqlx::query!(
        r#"select id as "id: ClientId", name from clients
            where status = 'active' and ($1::text is null or name ilike $1)
            order by lower(name), id limit 10"#,
        q
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
