//! Creating tickets and changing them, one at a time or in bulk, with optimistic concurrency.

use super::*;
use crate::model::audit::AuditAction;

/// Creates a ticket with the organisation's next number; returns it as created. Under an
/// idempotency key, a repeat returns the first ticket instead of creating another.
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    new: NewTicket,
    client: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<TicketDetail, AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    let queue = match new.queue_id {
        Some(q) => {
            check_queue(&mut tx, q).await?;
            q
        }
        None => default_queue(&mut tx, org).await?,
    };
    if let Some(a) = new.assignee {
        check_assignee(&mut tx, a).await?;
    }
    let (contact, client_of) = match &new.requester {
        Some(r) => {
            let (contact, of) =
                crate::clients::requesters::resolve(&mut tx, viewer, r, client).await?;
            (Some(contact.0), of.map(|c| c.0))
        }
        None => (None, None),
    };
    let number = sqlx::query_scalar!(
        "insert into ticket_counters (organisation_id, last_number) values ($1, 1)
         on conflict (organisation_id) do update set last_number = ticket_counters.last_number + 1
         returning last_number",
        org.0
    )
    .fetch_one(&mut *tx)
    .await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into tickets (organisation_id, id, number, queue_id, requester_id, assignee_id, title, description, priority, due_on, contact_id, client_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        org.0,
        id,
        number,
        queue,
        viewer.user_id.0,
        new.assignee.map(|a| a.0),
        &new.title,
        &new.description,
        new.priority.as_str(),
        new.due_on,
        contact,
        client_of,
    )
    .execute(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        viewer,
        id,
        TimelineEvent::Created,
        (AuditAction::TicketCreated, ("ticket", id)),
        client,
        serde_json::json!({ "number": number }),
    )
    .await?;
    let created = read(&mut tx, viewer, number)
        .await?
        .ok_or_else(|| crate::failure::internal("a ticket just created is not there"))?;
    idempotency::remember(&mut tx, once, &created).await?;
    tx.commit().await?;
    Ok(created)
}

/// Who the ticket is for: the contact with the address typed (made at the client of its
/// domain if nobody has it), and with them their client; `None` for nobody (and no client).
/// Saved alone, like each property in the sidebar: someone's change to another field stands.
pub async fn change_requester(
    db: &Db,
    viewer: &Viewer,
    number: i64,
    requester: Option<crate::model::clients::Requester>,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let (id, _) = locate_in(&mut tx, number).await?;
    let (contact, client_of) = match &requester {
        Some(r) => {
            let (contact, of) =
                crate::clients::requesters::resolve(&mut tx, viewer, r, client).await?;
            (Some(contact.0), of.map(|c| c.0))
        }
        None => (None, None),
    };
    sqlx::query!(
        "update tickets set contact_id = $2, client_id = $3, version = version + 1,
                updated_at = now()
          where id = $1",
        id,
        contact,
        client_of,
    )
    .execute(&mut *tx)
    .await?;
    let name = match contact {
        Some(c) => {
            sqlx::query_scalar!("select name from contacts where id = $1", c)
                .fetch_one(&mut *tx)
                .await?
        }
        None => "nobody".to_string(),
    };
    record_change(
        &mut tx,
        viewer,
        id,
        TimelineEvent::Requester { to: name.clone() },
        (AuditAction::TicketUpdated, ("ticket", id)),
        client,
        serde_json::json!({ "number": number, "requester": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a person changes on a ticket's page; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TicketChange {
    pub status: Option<TicketStatus>,
    pub priority: Option<Priority>,
    pub queue: Option<Uuid>,
    /// `Some(None)` unassigns.
    pub assignee: Option<Option<UserId>>,
    /// `Some(None)` removes the due date.
    pub due_on: Option<Option<time::Date>>,
}

/// A ticket's changeable fields and version, as `update` locks them.
pub(super) struct EditableRow {
    status: TicketStatus,
    priority: Priority,
    queue_id: Uuid,
    assignee_id: Option<Uuid>,
    due_on: Option<time::Date>,
    version: i32,
}

/// Applies a change made against `version`. Someone else's change in between answers
/// Conflict (409): nothing is overwritten silently.
pub async fn update(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    version: Option<i32>,
    change: TicketChange,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    apply(&mut tx, viewer, id, version, &change, client).await?;
    tx.commit().await?;
    Ok(())
}

/// Applies one change to many tickets in one transaction. A ticket the change does not fit
/// (a status it cannot move to) is skipped with the reason; the others change.
pub async fn bulk_update(
    db: &Db,
    viewer: &Viewer,
    ids: &[Uuid],
    change: TicketChange,
    client: &ClientInfo,
) -> Result<BulkResult, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let mut result = BulkResult::default();
    for id in ids {
        match apply(&mut tx, viewer, *id, None, &change, client).await {
            Ok(true) => result.changed += 1,
            Ok(false) => result.unchanged += 1,
            Err(AppError::Validation { fields }) => {
                let number = sqlx::query_scalar!("select number from tickets where id = $1", id)
                    .fetch_one(&mut *tx)
                    .await?;
                result.skipped.push(BulkSkip {
                    number,
                    reason: fields
                        .into_iter()
                        .map(|f| f.message)
                        .collect::<Vec<_>>()
                        .join(" "),
                });
            }
            Err(e) => return Err(e),
        }
    }
    tx.commit().await?;
    Ok(result)
}

/// The change to one locked ticket; `version`, when given, must be the current one. Returns
/// whether anything changed. Refuses (before writing anything) a change that does not fit.
pub(super) async fn apply(
    tx: &mut Tx,
    viewer: &Viewer,
    id: Uuid,
    version: Option<i32>,
    change: &TicketChange,
    client: &ClientInfo,
) -> Result<bool, AppError> {
    let current = sqlx::query_as!(
        EditableRow,
        r#"select status as "status: TicketStatus", priority as "priority: Priority", queue_id,
                  assignee_id, due_on, version
             from tickets where id = $1 for update"#,
        id
    )
    .fetch_optional(&mut **tx)
    .await?;
    let Some(EditableRow {
        status,
        priority,
        queue_id: queue,
        assignee_id: assignee,
        due_on,
        version: current_version,
    }) = current
    else {
        return Err(AppError::NotFound);
    };
    if version.is_some_and(|v| v != current_version) {
        return Err(AppError::Conflict {
            message: "Someone changed this ticket after you opened it. Reload to see their changes, then try again.".into(),
        });
    }
    let mut events: Vec<TimelineEvent> = Vec::new();
    if let Some(to) = change.status.filter(|s| *s != status) {
        if !status.can_become(to) {
            return Err(AppError::validation("status", status.refusal(to)));
        }
        events.push(TimelineEvent::Status { from: status, to });
    }
    if let Some(to) = change.priority.filter(|p| *p != priority) {
        events.push(TimelineEvent::Priority { from: priority, to });
    }
    if let Some(to) = change.queue.filter(|q| *q != queue) {
        check_queue(tx, to).await?;
        let name = sqlx::query_scalar!("select name from queues where id = $1", to)
            .fetch_one(&mut **tx)
            .await?;
        events.push(TimelineEvent::Queue { to: name });
    }
    if let Some(to) = change.assignee.filter(|a| a.map(|u| u.0) != assignee) {
        let name = match to {
            Some(user) => {
                check_assignee(tx, user).await?;
                sqlx::query_scalar!("select name from users where id = $1", user.0)
                    .fetch_one(&mut **tx)
                    .await?
            }
            None => "nobody".into(),
        };
        events.push(TimelineEvent::Assignee { to: name });
    }
    if let Some(to) = change.due_on.filter(|d| *d != due_on) {
        events.push(TimelineEvent::Due { to });
    }
    if events.is_empty() {
        return Ok(false);
    }
    sqlx::query!(
        "update tickets set status = coalesce($2, status), priority = coalesce($3, priority),
                queue_id = coalesce($4, queue_id),
                assignee_id = case when $5 then $6 else assignee_id end,
                due_on = case when $7 then $8 else due_on end,
                version = version + 1, updated_at = now()
          where id = $1",
        id,
        change.status.map(TicketStatus::as_str),
        change.priority.map(Priority::as_str),
        change.queue,
        change.assignee.is_some(),
        change.assignee.flatten().map(|u| u.0),
        change.due_on.is_some(),
        change.due_on.flatten(),
    )
    .execute(&mut **tx)
    .await?;
    for event in &events {
        record_event(tx, id, viewer.user_id, event).await?;
    }
    audit::record(
        tx,
        Some(viewer.user_id),
        AuditAction::TicketUpdated,
        ("ticket", id),
        client,
        serde_json::json!({ "changes": events.iter().map(TimelineEvent::kind).collect::<Vec<_>>() }),
    )
    .await?;
    Ok(true)
}
