//! A client's locations: its offices and sites, where assets are kept. Everyone who may add
//! contacts may add and change them.

use super::stale_or_missing;
use crate::audit;
use crate::db::TenantTx as Tx;
use crate::idempotency::{self, RequestKey};
use crate::identity::ClientInfo;
use crate::model::audit::AuditAction;
use crate::model::clients::{ClientId, Location, LocationId, NewLocation};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::Db;
use uuid::Uuid;

/// A client's locations by name, each with how many assets are there.
pub(super) async fn of_client(tx: &mut Tx, client: ClientId) -> Result<Vec<Location>, AppError> {
    rows(tx, Some(client), None).await
}

/// Locations of `client`, or the one location `only`, by name with their asset counts.
async fn rows(
    tx: &mut Tx,
    client: Option<ClientId>,
    only: Option<LocationId>,
) -> Result<Vec<Location>, AppError> {
    // One of the two is given: a plan for this call's values uses the index for it.
    super::plan_for_these_values(tx).await?;
    let rows = sqlx::query!(
        r#"select l.id as "id: LocationId", l.client_id as "client: ClientId", l.name, l.address,
                  l.notes, l.version,
                  (select count(*) from assets a where a.location_id = l.id) as "assets!"
             from locations l
            where ($1::uuid is null or l.client_id = $1) and ($2::uuid is null or l.id = $2)
            order by lower(l.name), l.id"#,
        client.map(|c| c.0),
        only.map(|l| l.0),
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Location {
            id: r.id,
            client: r.client,
            name: r.name,
            address: r.address,
            notes: r.notes,
            assets: r.assets,
            version: r.version,
        })
        .collect())
}

/// One client's locations, for the API and the asset form.
pub async fn locations(
    db: &Db,
    viewer: &Viewer,
    client: ClientId,
) -> Result<Vec<Location>, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    super::client_exists(&mut tx, client).await?;
    let rows = of_client(&mut tx, client).await?;
    tx.commit().await?;
    Ok(rows)
}

/// One location.
pub async fn location(db: &Db, viewer: &Viewer, id: LocationId) -> Result<Location, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let found = rows(&mut tx, None, Some(id))
        .await?
        .pop()
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(found)
}

#[derive(Debug, Clone, Copy)]
pub struct LocationVersion {
    pub id: LocationId,
    pub version: i32,
}

/// Adds a location or changes one. A location stays with its client: the client in a change
/// must be the one it has.
pub async fn save_location(
    db: &Db,
    viewer: &Viewer,
    existing: Option<LocationVersion>,
    new: NewLocation,
    info: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<LocationId, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    super::client_exists(&mut tx, new.client).await?;
    let clash = sqlx::query_scalar!(
        "select name from locations where client_id = $1 and lower(name) = lower($2) and id <> $3",
        new.client.0,
        new.name,
        existing.map(|e| e.id.0).unwrap_or_default(),
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(name) = clash {
        return Err(AppError::validation(
            "name",
            format!("This client already has a location called {name}."),
        ));
    }
    let (id, action) = match existing {
        None => {
            let id = LocationId(Uuid::now_v7());
            sqlx::query!(
                "insert into locations (organisation_id, id, client_id, name, address, notes)
                 values ($1, $2, $3, $4, $5, $6)",
                tx.organisation().0,
                id.0,
                new.client.0,
                new.name,
                new.address,
                new.notes,
            )
            .execute(&mut *tx)
            .await?;
            (id, AuditAction::LocationCreated)
        }
        Some(LocationVersion { id, version }) => {
            let changed = sqlx::query!(
                "update locations set name = $4, address = $5, notes = $6,
                        version = version + 1, updated_at = now()
                  where id = $1 and version = $2 and client_id = $3",
                id.0,
                version,
                new.client.0,
                new.name,
                new.address,
                new.notes,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if changed == 0 {
                let client = sqlx::query_scalar!(
                    r#"select client_id as "c: ClientId" from locations where id = $1"#,
                    id.0
                )
                .fetch_optional(&mut *tx)
                .await?;
                return Err(match client {
                    Some(c) if c != new.client => AppError::validation(
                        "client",
                        "A location stays with its client; add one at the other client instead.",
                    ),
                    found => stale_or_missing(found.is_some()),
                });
            }
            (id, AuditAction::LocationUpdated)
        }
    };
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        action,
        ("location", id.0),
        info,
        serde_json::json!({ "name": new.name, "client": new.client.0 }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &id).await?;
    tx.commit().await?;
    Ok(id)
}
