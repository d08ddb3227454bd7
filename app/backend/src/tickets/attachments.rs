//! A ticket's attachments as its page lists them. Receiving and storing the bytes is
//! `crate::attachments`, which depends on tickets (never the other way round).

use super::*;
use crate::model::attachments::Attachment;

/// The attachments of a ticket, oldest first.
pub async fn of_ticket(tx: &mut Tx, ticket: Uuid) -> Result<Vec<Attachment>, sqlx::Error> {
    let rows: Vec<(
        Uuid,
        String,
        String,
        i64,
        Option<String>,
        time::OffsetDateTime,
    )> = sqlx::query_as(
        "select a.id, a.filename, a.content_type, a.size_bytes, u.name,
                    a.created_at
               from attachments a left join users u on u.id = a.uploader_id
              where a.ticket_id = $1 order by a.created_at, a.id",
    )
    .bind(ticket)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, filename, content_type, size_bytes, uploader, created_at)| Attachment {
                id,
                filename,
                content_type,
                size_bytes,
                uploader,
                created_at,
            },
        )
        .collect())
}
