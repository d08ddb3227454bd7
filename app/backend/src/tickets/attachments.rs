//! A ticket's attachments as its page lists them. Receiving and storing the bytes is
//! `crate::attachments`, which depends on tickets (never the other way round).

use super::*;
use crate::model::attachments::Attachment;

/// The attachments of a ticket, oldest first.
pub async fn of_ticket(tx: &mut Tx, ticket: Uuid) -> Result<Vec<Attachment>, sqlx::Error> {
    sqlx::query_as!(
        Attachment,
        r#"select a.id, a.filename, a.content_type, a.size_bytes, u.name as "uploader?",
                  a.created_at
             from attachments a left join users u on u.id = a.uploader_id
            where a.ticket_id = $1 order by a.created_at, a.id"#,
        ticket
    )
    .fetch_all(&mut **tx)
    .await
}
