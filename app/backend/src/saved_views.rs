//! Saved views: each member's named ticket-list filters, stored as the list's query string.
//! Everyone sees and changes only their own; saving under an existing name replaces it.

use super::Db;
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::model::tickets::{SavedView, TicketFilter};
use uuid::Uuid;

/// Enough for any real use; a runaway script cannot fill the table.
const MAX_PER_MEMBER: i64 = 50;

pub async fn list(db: &Db, viewer: &Viewer) -> Result<Vec<SavedView>, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let views = sqlx::query_as!(
        SavedView,
        "select id, name, query from saved_views where user_id = $1 order by lower(name), id",
        viewer.user_id.0
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(views)
}

pub async fn save(
    db: &Db,
    viewer: &Viewer,
    name: String,
    filter: &TicketFilter,
) -> Result<(), AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    let count = sqlx::query_scalar!(
        r#"select count(*) as "count!" from saved_views where user_id = $1"#,
        viewer.user_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let query = TicketFilter {
        after: None,
        ..filter.clone()
    }
    .to_query();
    let saved = sqlx::query!(
        "insert into saved_views (organisation_id, id, user_id, name, query)
         select $1, $2, $3, $4, $5
          where $6::bigint < $7::bigint or exists (select 1 from saved_views where user_id = $3 and name = $4)
         on conflict (organisation_id, user_id, name) do update set query = excluded.query",
        org.0,
        Uuid::now_v7(),
        viewer.user_id.0,
        &name,
        &query,
        count,
        MAX_PER_MEMBER,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if saved == 0 {
        return Err(AppError::validation(
            "name",
            format!("You have {MAX_PER_MEMBER} saved views. Delete one first."),
        ));
    }
    tx.commit().await?;
    Ok(())
}

pub async fn delete(db: &Db, viewer: &Viewer, id: Uuid) -> Result<(), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let deleted = sqlx::query!(
        "delete from saved_views where id = $1 and user_id = $2",
        id,
        viewer.user_id.0
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if deleted == 0 {
        return Err(AppError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
