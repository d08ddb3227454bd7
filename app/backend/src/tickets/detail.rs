//! One ticket's page: its fields, comments, inspections, approvals, attachments and timeline.

use super::*;
use crate::model::clients::{ClientId, ContactCard, ContactId};

pub(super) struct DetailRow {
    id: Uuid,
    number: i64,
    title: String,
    description: String,
    status: TicketStatus,
    priority: Priority,
    queue_id: Uuid,
    queue: String,
    requester: Option<String>,
    assignee_id: Option<Uuid>,
    assignee: Option<String>,
    due_on: Option<time::Date>,
    created_at: time::OffsetDateTime,
    updated_at: time::OffsetDateTime,
    version: i32,
    contact_id: Option<Uuid>,
    contact: Option<String>,
    contact_email: Option<String>,
    client_id: Option<Uuid>,
    client: Option<String>,
}

/// The id of the ticket numbered `number`; NotFound if the organisation has none.
pub(crate) async fn id_of(tx: &mut Tx, number: i64) -> Result<Uuid, AppError> {
    locate_in(tx, number).await.map(|(id, _)| id)
}

pub(super) async fn locate_in(tx: &mut Tx, number: i64) -> Result<(Uuid, i32), AppError> {
    sqlx::query!("select id, version from tickets where number = $1", number)
        .fetch_optional(&mut **tx)
        .await?
        .map(|t| (t.id, t.version))
        .ok_or(AppError::NotFound)
}

/// The id and version of the ticket numbered `number`, without loading the rest of it.
pub async fn locate(db: &Db, viewer: &Viewer, number: i64) -> Result<(Uuid, i32), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let found = locate_in(&mut tx, number).await?;
    tx.commit().await?;
    Ok(found)
}

/// The ticket numbered `number`, with its comments and timeline; `None` if the organisation
/// has no such ticket.
pub async fn get(db: &Db, viewer: &Viewer, number: i64) -> Result<Option<TicketDetail>, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let found = read(&mut tx, viewer, number).await?;
    tx.commit().await?;
    Ok(found)
}

pub(super) async fn read(
    tx: &mut Tx,
    viewer: &Viewer,
    number: i64,
) -> Result<Option<TicketDetail>, AppError> {
    let row = sqlx::query_as!(
        DetailRow,
        r#"select t.id, t.number, t.title, t.description, t.status as "status: TicketStatus",
                  t.priority as "priority: Priority", t.queue_id, qu.name as queue,
                  r.name as "requester?", t.assignee_id, a.name as "assignee?", t.due_on,
                  t.created_at, t.updated_at, t.version,
                  t.contact_id, k.name as "contact?",
                  (select e.email from contact_emails e
                    where e.contact_id = t.contact_id order by e.position limit 1) as "contact_email?",
                  t.client_id, c.name as "client?"
             from tickets t
             join queues qu on qu.organisation_id = t.organisation_id and qu.id = t.queue_id
             left join users r on r.id = t.requester_id
             left join users a on a.id = t.assignee_id
             left join contacts k on k.id = t.contact_id
             left join clients c on c.id = t.client_id
            where t.number = $1"#,
        number
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(t) = row else {
        return Ok(None);
    };
    let comments = comments_of(tx, t.id).await?;
    let events = events_of(tx, t.id).await?;
    let inspections = inspections_of(tx, t.id).await?;
    let approvals = approvals_of(tx, t.id, viewer).await?;
    let attachments = attachments::of_ticket(tx, t.id).await?;
    let assets = crate::clients::ticket_assets(tx, t.id).await?;
    Ok(Some(TicketDetail {
        id: t.id,
        number: t.number,
        title: t.title,
        description_html: markdown::render(&t.description),
        status: t.status,
        priority: t.priority,
        queue_id: t.queue_id,
        queue: t.queue,
        requester: t.requester,
        assignee_id: t.assignee_id.map(UserId),
        assignee: t.assignee,
        due_on: t.due_on,
        created_at: t.created_at,
        updated_at: t.updated_at,
        version: t.version,
        contact: t.contact_id.zip(t.contact).map(|(id, name)| ContactCard {
            id: ContactId(id),
            name,
            email: t.contact_email,
            client: t.client_id.map(ClientId),
            client_name: t.client,
        }),
        assets,
        comments,
        inspections,
        approvals,
        attachments,
        events,
    }))
}

/// A ticket's replies and notes, oldest first.
pub(super) async fn comments_of(tx: &mut Tx, ticket: Uuid) -> Result<Vec<Comment>, AppError> {
    let rows = sqlx::query!(
        r#"select c.id, u.name as "author?", c.body, c.internal, c.created_at
             from comments c left join users u on u.id = c.author_id
            where c.ticket_id = $1 order by c.created_at, c.id"#,
        ticket
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|c| Comment {
            id: c.id,
            author: c.author.unwrap_or_else(|| "Former member".into()),
            body_html: markdown::render(&c.body),
            internal: c.internal,
            created_at: c.created_at,
        })
        .collect())
}

struct EventRow {
    at: time::OffsetDateTime,
    actor: Option<String>,
    kind: String,
    detail: serde_json::Value,
}

/// A ticket's timeline, oldest first. A row this build cannot read (a kind written by a newer
/// one) is logged and shown as its stored kind, never dropped.
async fn events_of(tx: &mut Tx, ticket: Uuid) -> Result<Vec<TicketEvent>, AppError> {
    let rows = sqlx::query_as!(
        EventRow,
        r#"select e.created_at as at, u.name as "actor?", e.kind, e.detail
             from ticket_events e left join users u on u.id = e.actor_id
            where e.ticket_id = $1 order by e.created_at, e.id"#,
        ticket
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let event = TimelineEvent::from_stored(&r.kind, &r.detail).unwrap_or_else(|error| {
                tracing::warn!(%ticket, %error, "timeline event this build cannot read");
                TimelineEvent::Unknown {
                    stored_kind: r.kind,
                }
            });
            TicketEvent {
                at: r.at,
                actor: r.actor,
                event,
            }
        })
        .collect())
}
