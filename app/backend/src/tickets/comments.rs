//! Replies and internal notes.

use super::*;

/// Adds a reply or an internal note.
pub async fn comment(
    db: &Db,
    viewer: &Viewer,
    ticket: Uuid,
    body: String,
    internal: bool,
) -> Result<(), AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    touch(&mut tx, ticket).await?;
    sqlx::query(
        "insert into comments (organisation_id, id, ticket_id, author_id, body, internal)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(ticket)
    .bind(viewer.user_id.0)
    .bind(&body)
    .bind(internal)
    .execute(&mut *tx)
    .await?;
    record_event(
        &mut tx,
        org,
        ticket,
        viewer.user_id,
        "comment",
        serde_json::json!({ "internal": internal }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
