//! Assets: the machines, devices and licences an organisation looks after for its clients, and
//! the tickets about each. Everyone may add and change them, like contacts.

use super::{client_exists, contains, cursor, stale_or_missing};
use crate::audit;
use crate::db::TenantTx as Tx;
use crate::idempotency::{self, RequestKey};
use crate::identity::ClientInfo;
use crate::model::audit::AuditAction;
use crate::model::clients::{
    Asset, AssetChoices, AssetFilter, AssetId, AssetKind, AssetOverview, AssetPage, ClientId,
    ClientTicket, ContactId, LocationId, NameCursor, NewAsset, Properties, TicketAsset, PAGE,
    WARRANTY_DAYS,
};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::model::tickets::TicketStatus;
use crate::model::timeline::TimelineEvent;
use crate::Db;
use uuid::Uuid;

/// Every asset query reads these columns, in [`Asset`]'s order.
macro_rules! asset_row {
    ($r:expr) => {
        Asset {
            id: $r.id,
            client: $r.client,
            client_name: $r.client_name,
            kind: $r.kind,
            name: $r.name,
            manufacturer: $r.manufacturer,
            model: $r.model,
            serial_number: $r.serial_number,
            purchased_on: $r.purchased_on,
            warranty_ends: $r.warranty_ends,
            location: $r.location_id.map(LocationId),
            location_name: $r.location_name,
            contact: $r.contact_id.map(ContactId),
            contact_name: $r.contact_name,
            properties: Properties::from_json(&$r.properties),
            version: $r.version,
        }
    };
}

/// A page of assets, by name or (with `warranty`) by the warranty's end, soonest first,
/// narrowed by words in the name or serial number, a client and a kind.
pub async fn list_assets(
    db: &Db,
    viewer: &Viewer,
    filter: &AssetFilter,
) -> Result<AssetPage, AppError> {
    let after = cursor(filter.after.as_deref())?;
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let mut rows = batch(&mut tx, filter, after.as_ref(), PAGE as i64 + 1).await?;
    tx.commit().await?;
    let more = rows.len() > PAGE;
    rows.truncate(PAGE);
    let next = rows.last().filter(|_| more).map(|(_, c)| c.encode());
    Ok(AssetPage {
        rows: rows.into_iter().map(|(a, _)| a).collect(),
        next,
    })
}

/// Up to `limit` assets of the list after `after`, in its order, each with its position. The
/// list and its CSV export both read through here.
pub(super) async fn batch(
    tx: &mut Tx,
    filter: &AssetFilter,
    after: Option<&NameCursor>,
    limit: i64,
) -> Result<Vec<(Asset, NameCursor)>, AppError> {
    let q = crate::model::clients::search_text(filter.q.as_deref())?.map(|q| contains(&q));
    let client = filter.client.map(|c| c.0);
    let kind = filter.kind.map(AssetKind::as_str);
    let after_id = after.map(|a| a.id).unwrap_or_default();
    super::plan_for_these_values(tx).await?;
    // Two queries, not one with a chosen order: each walks its own index in order.
    if filter.warranty {
        let after_day = after
            .map(|a| {
                crate::model::clients::parse_date(&a.sort_name)
                    .ok()
                    .flatten()
                    .ok_or_else(|| AppError::validation("after", "That page link is out of date."))
            })
            .transpose()?;
        let rows = sqlx::query!(
            r#"select a.id as "id: AssetId", a.client_id as "client: ClientId",
                      c.name as client_name, a.kind as "kind: AssetKind", a.name, a.manufacturer,
                      a.model, a.serial_number, a.purchased_on, a.warranty_ends, a.location_id,
                      l.name as "location_name?", a.contact_id, k.name as "contact_name?",
                      a.properties, a.version
                 from assets a
                 join clients c on c.id = a.client_id
                 left join locations l on l.id = a.location_id
                 left join contacts k on k.id = a.contact_id
                where a.warranty_ends between current_date and current_date + $6::int
                  and ($1::text is null or a.name ilike $1 or a.serial_number ilike $1)
                  and ($2::uuid is null or a.client_id = $2)
                  and ($3::text is null or a.kind = $3)
                  and ($4::date is null or (a.warranty_ends, a.id) > ($4, $5))
                order by a.warranty_ends, a.id
                limit $7"#,
            q,
            client,
            kind,
            after_day,
            after_id,
            WARRANTY_DAYS as i32,
            limit,
        )
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let at = NameCursor {
                    id: r.id.0,
                    sort_name: r.warranty_ends.map(|d| d.to_string()).unwrap_or_default(),
                };
                (asset_row!(r), at)
            })
            .collect())
    } else {
        let rows = sqlx::query!(
            r#"select a.id as "id: AssetId", a.client_id as "client: ClientId",
                      c.name as client_name, a.kind as "kind: AssetKind", a.name, a.manufacturer,
                      a.model, a.serial_number, a.purchased_on, a.warranty_ends, a.location_id,
                      l.name as "location_name?", a.contact_id, k.name as "contact_name?",
                      a.properties, a.version, lower(a.name) as "sort_name!"
                 from assets a
                 join clients c on c.id = a.client_id
                 left join locations l on l.id = a.location_id
                 left join contacts k on k.id = a.contact_id
                where ($1::text is null or a.name ilike $1 or a.serial_number ilike $1)
                  and ($2::uuid is null or a.client_id = $2)
                  and ($3::text is null or a.kind = $3)
                  and ($4::text is null or (lower(a.name), a.id) > ($4, $5))
                order by lower(a.name), a.id
                limit $6"#,
            q,
            client,
            kind,
            after.map(|a| a.sort_name.as_str()),
            after_id,
            limit,
        )
        .fetch_all(&mut **tx)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let at = NameCursor {
                    id: r.id.0,
                    sort_name: r.sort_name.clone(),
                };
                (asset_row!(r), at)
            })
            .collect())
    }
}

/// The first page of a client's assets by name, and how many there are.
pub(super) async fn of_client(
    tx: &mut Tx,
    client: ClientId,
) -> Result<(Vec<Asset>, i64), AppError> {
    let rows = sqlx::query!(
        r#"select a.id as "id: AssetId", a.client_id as "client: ClientId",
                  c.name as client_name, a.kind as "kind: AssetKind", a.name, a.manufacturer,
                  a.model, a.serial_number, a.purchased_on, a.warranty_ends, a.location_id,
                  l.name as "location_name?", a.contact_id, k.name as "contact_name?",
                  a.properties, a.version
             from assets a
             join clients c on c.id = a.client_id
             left join locations l on l.id = a.location_id
             left join contacts k on k.id = a.contact_id
            where a.client_id = $1
            order by lower(a.name), a.id
            limit $2"#,
        client.0,
        PAGE as i64,
    )
    .fetch_all(&mut **tx)
    .await?;
    let count = sqlx::query_scalar!(
        r#"select count(*) as "n!" from assets where client_id = $1"#,
        client.0
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((rows.into_iter().map(|r| asset_row!(r)).collect(), count))
}

async fn read(tx: &mut Tx, id: AssetId) -> Result<Asset, AppError> {
    let r = sqlx::query!(
        r#"select a.id as "id: AssetId", a.client_id as "client: ClientId",
                  c.name as client_name, a.kind as "kind: AssetKind", a.name, a.manufacturer,
                  a.model, a.serial_number, a.purchased_on, a.warranty_ends, a.location_id,
                  l.name as "location_name?", a.contact_id, k.name as "contact_name?",
                  a.properties, a.version
             from assets a
             join clients c on c.id = a.client_id
             left join locations l on l.id = a.location_id
             left join contacts k on k.id = a.contact_id
            where a.id = $1"#,
        id.0,
    )
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(asset_row!(r))
}

/// One asset.
pub async fn asset(db: &Db, viewer: &Viewer, id: AssetId) -> Result<Asset, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let found = read(&mut tx, id).await?;
    tx.commit().await?;
    Ok(found)
}

/// An asset's page: the asset, the tickets about it, and its client's locations and people
/// for the form.
pub async fn asset_overview(
    db: &Db,
    viewer: &Viewer,
    id: AssetId,
) -> Result<AssetOverview, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let asset = read(&mut tx, id).await?;
    let tickets = sqlx::query!(
        r#"select t.number, t.title, t.status as "status: TicketStatus", t.updated_at,
                  k.name as "requester?"
             from asset_tickets x
             join tickets t on t.id = x.ticket_id
             left join contacts k on k.id = t.contact_id
            where x.asset_id = $1
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
    let choices = choices_in(&mut tx, asset.client).await?;
    tx.commit().await?;
    Ok(AssetOverview {
        asset,
        tickets,
        choices,
    })
}

/// A client's locations and people, for an asset's form; not found for another's client.
pub async fn asset_choices(
    db: &Db,
    viewer: &Viewer,
    client: ClientId,
) -> Result<AssetChoices, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let choices = choices_in(&mut tx, client).await?;
    tx.commit().await?;
    Ok(choices)
}

async fn choices_in(tx: &mut Tx, client: ClientId) -> Result<AssetChoices, AppError> {
    let client_name = sqlx::query_scalar!("select name from clients where id = $1", client.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(AppError::NotFound)?;
    let locations = sqlx::query!(
        r#"select id as "id: LocationId", name from locations where client_id = $1
            order by lower(name), id"#,
        client.0
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    let contacts = sqlx::query!(
        r#"select id as "id: ContactId", name from contacts where client_id = $1
            order by lower(name), id"#,
        client.0
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect();
    Ok(AssetChoices {
        client,
        client_name,
        locations,
        contacts,
    })
}

#[derive(Debug, Clone, Copy)]
pub struct AssetVersion {
    pub id: AssetId,
    pub version: i32,
}

/// Adds an asset or changes one (moving it to another client is a change like any other).
/// Its location and contact must be its client's: someone else's is a field error here, and
/// the database's keys refuse it besides.
pub async fn save_asset(
    db: &Db,
    viewer: &Viewer,
    existing: Option<AssetVersion>,
    new: NewAsset,
    info: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<AssetId, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    client_exists(&mut tx, new.client).await?;
    if let Some(location) = new.location {
        let at_client = sqlx::query_scalar!(
            r#"select exists (select 1 from locations where id = $1 and client_id = $2) as "e!""#,
            location.0,
            new.client.0
        )
        .fetch_one(&mut *tx)
        .await?;
        if !at_client {
            return Err(AppError::validation(
                "location",
                "Choose one of this client's locations.",
            ));
        }
    }
    if let Some(contact) = new.contact {
        let at_client = sqlx::query_scalar!(
            r#"select exists (select 1 from contacts where id = $1 and client_id = $2) as "e!""#,
            contact.0,
            new.client.0
        )
        .fetch_one(&mut *tx)
        .await?;
        if !at_client {
            return Err(AppError::validation(
                "contact",
                "Choose someone at this client.",
            ));
        }
    }
    let properties = new.properties.to_json();
    let (id, action) = match existing {
        None => {
            let id = AssetId(Uuid::now_v7());
            sqlx::query!(
                "insert into assets (organisation_id, id, client_id, kind, name, manufacturer, model,
                                     serial_number, purchased_on, warranty_ends, location_id,
                                     contact_id, properties)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                tx.organisation().0,
                id.0,
                new.client.0,
                new.kind.as_str(),
                new.name,
                new.manufacturer,
                new.model,
                new.serial_number,
                new.purchased_on,
                new.warranty_ends,
                new.location.map(|l| l.0),
                new.contact.map(|c| c.0),
                properties,
            )
            .execute(&mut *tx)
            .await?;
            (id, AuditAction::AssetCreated)
        }
        Some(AssetVersion { id, version }) => {
            let changed = sqlx::query!(
                "update assets set client_id = $3, kind = $4, name = $5, manufacturer = $6,
                        model = $7, serial_number = $8, purchased_on = $9, warranty_ends = $10,
                        location_id = $11, contact_id = $12, properties = $13,
                        version = version + 1, updated_at = now()
                  where id = $1 and version = $2",
                id.0,
                version,
                new.client.0,
                new.kind.as_str(),
                new.name,
                new.manufacturer,
                new.model,
                new.serial_number,
                new.purchased_on,
                new.warranty_ends,
                new.location.map(|l| l.0),
                new.contact.map(|c| c.0),
                properties,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                let exists = sqlx::query_scalar!(
                    r#"select exists (select 1 from assets where id = $1) as "e!""#,
                    id.0
                )
                .fetch_one(&mut *tx)
                .await?;
                return Err(stale_or_missing(exists));
            }
            (id, AuditAction::AssetUpdated)
        }
    };
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        action,
        ("asset", id.0),
        info,
        serde_json::json!({ "name": new.name, "client": new.client.0 }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &id).await?;
    tx.commit().await?;
    Ok(id)
}

/// The assets a ticket is about, for its page.
pub async fn ticket_assets(tx: &mut Tx, ticket: Uuid) -> Result<Vec<TicketAsset>, AppError> {
    let rows = sqlx::query!(
        r#"select a.id as "id: AssetId", a.name, a.kind as "kind: AssetKind", a.serial_number
             from asset_tickets x join assets a on a.id = x.asset_id
            where x.ticket_id = $1
            order by lower(a.name), a.id"#,
        ticket
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| TicketAsset {
            id: r.id,
            name: r.name,
            kind: r.kind,
            serial_number: r.serial_number,
        })
        .collect())
}

/// The asset (and its name) a person names on a ticket by typing its serial number, or its
/// name when only one asset has it. A ticket with a client looks among that client's assets
/// only.
async fn find_for_ticket(
    tx: &mut Tx,
    ticket_client: Option<Uuid>,
    words: &str,
) -> Result<(AssetId, String), AppError> {
    let words = words.trim();
    if words.is_empty() {
        return Err(AppError::validation(
            "asset",
            "Enter the asset's serial number or name.",
        ));
    }
    let found = sqlx::query!(
        r#"select id as "id: AssetId", name from assets
            where ($1::uuid is null or client_id = $1)
              and (lower(serial_number) = lower($2) or lower(name) = lower($2))
            order by (lower(serial_number) = lower($2)) desc, id
            limit 2"#,
        ticket_client,
        words
    )
    .fetch_all(&mut **tx)
    .await?;
    match found.as_slice() {
        [one] => Ok((one.id, one.name.clone())),
        [] => Err(AppError::validation(
            "asset",
            match ticket_client {
                Some(_) => format!("This ticket's client has no asset named or numbered {words}."),
                None => format!("No asset is named or numbered {words}."),
            },
        )),
        _ => Err(AppError::validation(
            "asset",
            format!("Several assets are called {words}; use the serial number."),
        )),
    }
}

/// Links the asset named by `words` (serial number or name) to the ticket numbered `number`.
/// Linking twice is no change.
pub async fn link_asset(
    db: &Db,
    viewer: &Viewer,
    number: i64,
    words: &str,
    info: &ClientInfo,
) -> Result<AssetId, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let ticket = sqlx::query!(
        "select id, client_id from tickets where number = $1",
        number
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let (asset, name) = find_for_ticket(&mut tx, ticket.client_id, words).await?;
    let added = sqlx::query!(
        "insert into asset_tickets (organisation_id, asset_id, ticket_id, linked_by)
         values ($1, $2, $3, $4) on conflict do nothing",
        tx.organisation().0,
        asset.0,
        ticket.id,
        viewer.user_id.0,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if added > 0 {
        crate::tickets::record_event(
            &mut tx,
            ticket.id,
            viewer.user_id,
            &TimelineEvent::AssetLinked { name },
        )
        .await?;
        crate::tickets::touch(&mut tx, ticket.id).await?;
        audit::record(
            &mut tx,
            Some(viewer.user_id),
            AuditAction::AssetLinked,
            ("asset", asset.0),
            info,
            serde_json::json!({ "ticket": number }),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(asset)
}

/// Takes the asset off the ticket numbered `number`; not found if it was not on it.
pub async fn unlink_asset(
    db: &Db,
    viewer: &Viewer,
    number: i64,
    asset: AssetId,
    info: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let removed = sqlx::query!(
        r#"delete from asset_tickets x using tickets t, assets a
            where x.asset_id = $1 and t.number = $2 and x.ticket_id = t.id and a.id = x.asset_id
           returning t.id as ticket, a.name"#,
        asset.0,
        number
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    crate::tickets::record_event(
        &mut tx,
        removed.ticket,
        viewer.user_id,
        &TimelineEvent::AssetUnlinked { name: removed.name },
    )
    .await?;
    crate::tickets::touch(&mut tx, removed.ticket).await?;
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        AuditAction::AssetUnlinked,
        ("asset", asset.0),
        info,
        serde_json::json!({ "ticket": number }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
