//! Replies and internal notes.

use super::*;

/// Adds a reply or an internal note; returns the ticket's comments, the new one last. Under
/// an idempotency key, a repeat returns the first answer instead of adding another.
pub async fn comment(
    db: &Db,
    viewer: &Viewer,
    ticket: TicketRef,
    body: String,
    internal: bool,
    once: Option<&RequestKey>,
) -> Result<Vec<Comment>, AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    let ticket = ticket.id(&mut tx).await?;
    touch(&mut tx, ticket).await?;
    sqlx::query!(
        "insert into comments (organisation_id, id, ticket_id, author_id, body, internal)
         values ($1, $2, $3, $4, $5, $6)",
        org.0,
        Uuid::now_v7(),
        ticket,
        viewer.user_id.0,
        &body,
        internal,
    )
    .execute(&mut *tx)
    .await?;
    record_event(
        &mut tx,
        ticket,
        viewer.user_id,
        &TimelineEvent::Comment { internal },
    )
    .await?;
    let comments = comments_of(&mut tx, ticket).await?;
    idempotency::remember(&mut tx, once, &comments).await?;
    tx.commit().await?;
    Ok(comments)
}
