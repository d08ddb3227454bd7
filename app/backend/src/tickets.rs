//! Tickets: queues, creating and numbering, the filtered list with keyset pagination, the
//! ticket page's data, changes with optimistic concurrency, and comments. Everything runs in
//! a transaction scoped to the viewer's organisation.

use super::db::UTC_TEXT;
use super::identity::ClientInfo;
use super::{audit, markdown, Db};
use crate::model::error::AppError;
use crate::model::identity::{UserId, Viewer};
use crate::model::tenancy::OrganisationId;
use crate::model::ticket::{
    Approval, Assignee, BulkResult, BulkSkip, Comment, Cursor, Decision, Inspection, NewInspection,
    NewTicket, Priority, Queue, TicketDetail, TicketEvent, TicketFilter, TicketPage, TicketSort,
    TicketStatus, TicketSummary,
};
use sqlx::{Postgres, QueryBuilder, Transaction};
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 50;

pub(super) type Tx = Transaction<'static, Postgres>;

/// The organisation's default queue, made on first use.
async fn default_queue(tx: &mut Tx, org: OrganisationId) -> Result<Uuid, sqlx::Error> {
    sqlx::query(
        "insert into queues (organisation_id, id, name, is_default) values ($1, $2, 'General', true)
         on conflict do nothing",
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar("select id from queues where is_default")
        .fetch_one(&mut **tx)
        .await
}

pub async fn queues(db: &Db, org: OrganisationId) -> Result<Vec<Queue>, AppError> {
    const ALL: &str = "select id, name, is_default from queues order by not is_default, name";
    let mut tx = db.scoped_tx(org).await?;
    let mut rows: Vec<(Uuid, String, bool)> = sqlx::query_as(ALL).fetch_all(&mut *tx).await?;
    // Made only when missing: every page with a queue menu reads this, and a read that
    // writes (even a no-op insert) costs every page view a WAL record.
    if !rows.iter().any(|(_, _, is_default)| *is_default) {
        default_queue(&mut tx, org).await?;
        rows = sqlx::query_as(ALL).fetch_all(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, is_default)| Queue {
            id,
            name,
            is_default,
        })
        .collect())
}

/// The active members a ticket can be assigned to.
/// What a manager does to the organisation's queues.
#[derive(Debug, Clone)]
pub enum QueueChange {
    Create(String),
    Rename(Uuid, String),
    MakeDefault(Uuid),
}

/// Creates, renames or re-defaults a queue (managers and admins). Names are unique per
/// organisation; exactly one queue is the default.
pub async fn change_queue(
    db: &Db,
    viewer: &Viewer,
    change: QueueChange,
    client: &ClientInfo,
) -> Result<(), AppError> {
    viewer.require(crate::model::permission::Permission::ArrangeQueues)?;
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    default_queue(&mut tx, org).await?;
    let taken = |name: &str| {
        AppError::validation("name", format!("There is already a queue called {name}."))
    };
    let (action, id) = match &change {
        QueueChange::Create(name) => {
            let id = Uuid::now_v7();
            let made = sqlx::query(
                "insert into queues (organisation_id, id, name) values ($1, $2, $3) on conflict do nothing",
            )
            .bind(org.0)
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if made == 0 {
                return Err(taken(name));
            }
            ("queue.created", id)
        }
        QueueChange::Rename(id, name) => {
            let clash: bool = sqlx::query_scalar(
                "select exists (select 1 from queues where name = $1 and id <> $2)",
            )
            .bind(name)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
            if clash {
                return Err(taken(name));
            }
            let renamed = sqlx::query("update queues set name = $2 where id = $1")
                .bind(id)
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if renamed == 0 {
                return Err(AppError::NotFound);
            }
            ("queue.renamed", *id)
        }
        QueueChange::MakeDefault(id) => {
            let exists: bool =
                sqlx::query_scalar("select exists (select 1 from queues where id = $1)")
                    .bind(id)
                    .fetch_one(&mut *tx)
                    .await?;
            if !exists {
                return Err(AppError::NotFound);
            }
            // Two statements, so the one-default index never sees two or none at commit.
            sqlx::query("update queues set is_default = false where is_default and id <> $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("update queues set is_default = true where id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            ("queue.made_default", *id)
        }
    };
    let detail = match &change {
        QueueChange::Create(name) | QueueChange::Rename(_, name) => {
            serde_json::json!({ "name": name })
        }
        QueueChange::MakeDefault(_) => serde_json::json!({}),
    };
    audit::record(
        &mut tx,
        org,
        Some(viewer.user_id),
        action,
        ("queue", id),
        client,
        detail,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn assignees(db: &Db, org: OrganisationId) -> Result<Vec<Assignee>, AppError> {
    let mut tx = db.scoped_tx(org).await?;
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "select u.id, u.name from memberships m join users u on u.id = m.user_id
          where m.status = 'active' order by lower(u.name)",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, name)| Assignee {
            id: UserId(id),
            name,
        })
        .collect())
}

async fn check_queue(tx: &mut Tx, queue: Uuid) -> Result<(), AppError> {
    let found: Option<Uuid> = sqlx::query_scalar("select id from queues where id = $1")
        .bind(queue)
        .fetch_optional(&mut **tx)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::validation("queue", "Choose one from the list."))
}

async fn check_assignee(tx: &mut Tx, user: UserId) -> Result<(), AppError> {
    let found: Option<Uuid> = sqlx::query_scalar(
        "select user_id from memberships where user_id = $1 and status = 'active'",
    )
    .bind(user.0)
    .fetch_optional(&mut **tx)
    .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::validation("assignee", "Choose a member of this organisation."))
}

async fn record_event(
    tx: &mut Tx,
    org: OrganisationId,
    ticket: Uuid,
    actor: UserId,
    kind: &str,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into ticket_events (organisation_id, id, ticket_id, actor_id, kind, detail)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(ticket)
    .bind(actor.0)
    .bind(kind)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A change to a ticket leaves two traces in its transaction: a line in the ticket's timeline
/// and a row in the audit log.
pub(super) async fn record_change(
    tx: &mut Tx,
    viewer: &Viewer,
    ticket: Uuid,
    (event, event_detail): (&str, serde_json::Value),
    (action, target): (&str, (&str, Uuid)),
    client: &ClientInfo,
    audit_detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    let org = viewer.organisation_id;
    record_event(tx, org, ticket, viewer.user_id, event, event_detail).await?;
    audit::record(
        tx,
        org,
        Some(viewer.user_id),
        action,
        target,
        client,
        audit_detail,
    )
    .await
}

/// Creates a ticket with the organisation's next number; returns that number.
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    new: NewTicket,
    client: &ClientInfo,
) -> Result<i64, AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
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
    let number: i64 = sqlx::query_scalar(
        "insert into ticket_counters (organisation_id, last_number) values ($1, 1)
         on conflict (organisation_id) do update set last_number = ticket_counters.last_number + 1
         returning last_number",
    )
    .bind(org.0)
    .fetch_one(&mut *tx)
    .await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into tickets (organisation_id, id, number, queue_id, requester_id, assignee_id, title, description, priority, due_on)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(org.0)
    .bind(id)
    .bind(number)
    .bind(queue)
    .bind(viewer.user_id.0)
    .bind(new.assignee.map(|a| a.0))
    .bind(&new.title)
    .bind(&new.description)
    .bind(new.priority.as_str())
    .bind(new.due_on)
    .execute(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        viewer,
        id,
        ("created", serde_json::json!({})),
        ("ticket.created", ("ticket", id)),
        client,
        serde_json::json!({ "number": number }),
    )
    .await?;
    tx.commit().await?;
    Ok(number)
}

/// The WHERE conditions of a filter (after a `where true`), shared by the list and the export.
fn push_filters(q: &mut QueryBuilder<Postgres>, filter: &TicketFilter) {
    if let Some(s) = filter.status {
        q.push(" and t.status = ").push_bind(s.as_str());
    }
    if let Some(p) = filter.priority {
        q.push(" and t.priority = ").push_bind(p.as_str());
    }
    if let Some(queue) = filter.queue {
        q.push(" and t.queue_id = ").push_bind(queue);
    }
    if let Some(a) = filter.assignee {
        q.push(" and t.assignee_id = ").push_bind(a);
    }
    if let Some(text) = filter
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        // Title, description and comments (migration 12).
        q.push(" and t.document @@ websearch_to_tsquery('simple', ")
            .push_bind(text.to_string())
            .push(")");
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: Uuid,
    number: i64,
    title: String,
    status: String,
    priority: String,
    queue: String,
    assignee: Option<String>,
    due_on: Option<time::Date>,
    updated_at: String,
    sort_key: i64,
}

/// One page of the filtered list. Keyset pagination: the cursor is the last row's sort key and
/// id, so every page costs the same however deep it is.
pub async fn list(
    db: &Db,
    org: OrganisationId,
    filter: &TicketFilter,
) -> Result<TicketPage, AppError> {
    let (column, descending) = match filter.sort {
        TicketSort::RecentlyUpdated => ("updated_at", true),
        TicketSort::Newest => ("created_at", true),
        TicketSort::Oldest => ("created_at", false),
    };
    let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "select t.id, t.number, t.title, t.status, t.priority, qu.name as queue, u.name as assignee,
                t.due_on, to_char(t.updated_at at time zone 'utc', '{UTC_TEXT}') as updated_at,
                (extract(epoch from t.{column}) * 1000000)::bigint as sort_key
           from tickets t
           join queues qu on qu.organisation_id = t.organisation_id and qu.id = t.queue_id
           left join users u on u.id = t.assignee_id
          where true"
    ));
    push_filters(&mut q, filter);
    if let Some(after) = filter.after.as_deref() {
        let cursor = Cursor::decode(after).ok_or_else(|| {
            AppError::validation(
                "after",
                "This page link is damaged. Start from the first page.",
            )
        })?;
        q.push(format!(
            " and (t.{column}, t.id) {} ('epoch'::timestamptz + ",
            if descending { "<" } else { ">" }
        ))
        .push_bind(cursor.key_micros)
        .push(" * interval '1 microsecond', ")
        .push_bind(cursor.id)
        .push(")");
    }
    let direction = if descending { "desc" } else { "asc" };
    q.push(format!(
        " order by t.{column} {direction}, t.id {direction} limit "
    ))
    .push_bind(PAGE_SIZE + 1);

    let mut tx = db.scoped_tx(org).await?;
    let rows: Vec<SummaryRow> = q.build_query_as().fetch_all(&mut *tx).await?;
    tx.commit().await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<SummaryRow> = rows.into_iter().take(PAGE_SIZE as usize).collect();
    let next = if more {
        rows.last().map(|r| {
            Cursor {
                key_micros: r.sort_key,
                id: r.id,
            }
            .encode()
        })
    } else {
        None
    };
    Ok(TicketPage {
        tickets: rows
            .into_iter()
            .filter_map(|r| {
                Some(TicketSummary {
                    id: r.id,
                    number: r.number,
                    title: r.title,
                    status: TicketStatus::parse(&r.status)?,
                    priority: Priority::parse(&r.priority)?,
                    queue: r.queue,
                    assignee: r.assignee,
                    due_on: r.due_on,
                    updated_at: r.updated_at,
                })
            })
            .collect(),
        next,
    })
}

#[derive(sqlx::FromRow)]
struct DetailRow {
    id: Uuid,
    number: i64,
    title: String,
    description: String,
    status: String,
    priority: String,
    queue_id: Uuid,
    queue: String,
    requester: Option<String>,
    assignee_id: Option<Uuid>,
    assignee: Option<String>,
    due_on: Option<time::Date>,
    created_at: String,
    updated_at: String,
    version: i32,
}

/// The id of the ticket numbered `number`; NotFound if the organisation has none.
pub(super) async fn id_of(tx: &mut Tx, number: i64) -> Result<Uuid, AppError> {
    locate_in(tx, number).await.map(|(id, _)| id)
}

async fn locate_in(tx: &mut Tx, number: i64) -> Result<(Uuid, i32), AppError> {
    sqlx::query_as("select id, version from tickets where number = $1")
        .bind(number)
        .fetch_optional(&mut **tx)
        .await?
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
    let row: Option<DetailRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select t.id, t.number, t.title, t.description, t.status, t.priority, t.queue_id,
                qu.name as queue, r.name as requester, t.assignee_id, a.name as assignee, t.due_on,
                to_char(t.created_at at time zone 'utc', '{UTC_TEXT}') as created_at,
                to_char(t.updated_at at time zone 'utc', '{UTC_TEXT}') as updated_at, t.version
           from tickets t
           join queues qu on qu.organisation_id = t.organisation_id and qu.id = t.queue_id
           left join users r on r.id = t.requester_id
           left join users a on a.id = t.assignee_id
          where t.number = $1"
    )))
    .bind(number)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(t) = row else {
        return Ok(None);
    };
    let comments: Vec<(Uuid, Option<String>, String, bool, String)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select c.id, u.name, c.body, c.internal, to_char(c.created_at at time zone 'utc', '{UTC_TEXT}')
               from comments c left join users u on u.id = c.author_id
              where c.ticket_id = $1 order by c.created_at, c.id"
        )))
        .bind(t.id)
        .fetch_all(&mut *tx)
        .await?;
    let events: Vec<(String, Option<String>, String, serde_json::Value)> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "select to_char(e.created_at at time zone 'utc', '{UTC_TEXT}'), u.name, e.kind, e.detail
               from ticket_events e left join users u on u.id = e.actor_id
              where e.ticket_id = $1 order by e.created_at, e.id"
        )))
        .bind(t.id)
        .fetch_all(&mut *tx)
        .await?;
    let inspections = inspections_of(&mut tx, t.id).await?;
    let approvals = approvals_of(&mut tx, t.id, viewer).await?;
    let attachments = super::attachments::of_ticket(&mut tx, t.id).await?;
    tx.commit().await?;
    let (Some(status), Some(priority)) =
        (TicketStatus::parse(&t.status), Priority::parse(&t.priority))
    else {
        return Err(super::failure::internal(
            "ticket with an unknown status or priority",
        ));
    };
    Ok(Some(TicketDetail {
        id: t.id,
        number: t.number,
        title: t.title,
        description_html: markdown::render(&t.description),
        status,
        priority,
        queue_id: t.queue_id,
        queue: t.queue,
        requester: t.requester,
        assignee_id: t.assignee_id.map(UserId),
        assignee: t.assignee,
        due_on: t.due_on,
        created_at: t.created_at,
        updated_at: t.updated_at,
        version: t.version,
        comments: comments
            .into_iter()
            .map(|(id, author, body, internal, created_at)| Comment {
                id,
                author: author.unwrap_or_else(|| "Former member".into()),
                body_html: markdown::render(&body),
                internal,
                created_at,
            })
            .collect(),
        inspections,
        approvals,
        attachments,
        events: events
            .into_iter()
            .map(|(at, actor, kind, detail)| TicketEvent {
                at,
                actor,
                description: describe_event(&kind, &detail),
            })
            .collect(),
    }))
}

fn describe_event(kind: &str, detail: &serde_json::Value) -> String {
    let field = |name: &str| detail[name].as_str().unwrap_or("none").to_string();
    match kind {
        "created" => "Created the ticket".into(),
        "status" => format!("Changed status from {} to {}", field("from"), field("to")),
        "priority" => format!("Changed priority from {} to {}", field("from"), field("to")),
        "assignee" => format!("Assigned to {}", field("to")),
        "queue" => format!("Moved to queue {}", field("to")),
        "comment" if detail["internal"] == true => "Added an internal note".into(),
        "comment" => "Replied".into(),
        "inspection" => "Recorded an inspection".into(),
        "attachment" => format!("Attached {}", field("filename")),
        "due" => match detail["to"].as_str() {
            Some(day) => format!("Set the due date to {day}"),
            None => "Removed the due date".into(),
        },
        "approval_requested" => "Asked for approval".into(),
        "approval_decided" => format!("Decided an approval: {}", field("decision")),
        other => other.to_string(),
    }
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
type EditableRow = (String, String, Uuid, Option<Uuid>, Option<time::Date>, i32);

/// Applies a change made against `version`. Someone else's change in between answers
/// Conflict (409): nothing is overwritten silently.
pub async fn update(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    version: i32,
    change: TicketChange,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    apply(&mut tx, viewer, id, Some(version), &change, client).await?;
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
                let number: i64 = sqlx::query_scalar("select number from tickets where id = $1")
                    .bind(id)
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
async fn apply(
    tx: &mut Tx,
    viewer: &Viewer,
    id: Uuid,
    version: Option<i32>,
    change: &TicketChange,
    client: &ClientInfo,
) -> Result<bool, AppError> {
    let org = viewer.organisation_id;
    let current: Option<EditableRow> = sqlx::query_as(
        "select status, priority, queue_id, assignee_id, due_on, version from tickets where id = $1 for update",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((status, priority, queue, assignee, due_on, current_version)) = current else {
        return Err(AppError::NotFound);
    };
    if version.is_some_and(|v| v != current_version) {
        return Err(AppError::Conflict {
            message: "Someone changed this ticket after you opened it. Reload to see their changes, then try again.".into(),
        });
    }
    let status = TicketStatus::parse(&status)
        .ok_or_else(|| super::failure::internal("ticket with an unknown status"))?;
    let mut events: Vec<(&str, serde_json::Value)> = Vec::new();
    if let Some(to) = change.status.filter(|s| *s != status) {
        if !status.can_become(to) {
            return Err(AppError::validation(
                "status",
                format!(
                    "A {} ticket can't become {}.",
                    status.label().to_lowercase(),
                    to.label().to_lowercase()
                ),
            ));
        }
        events.push((
            "status",
            serde_json::json!({ "from": status.as_str(), "to": to.as_str() }),
        ));
    }
    if let Some(to) = change.priority.filter(|p| p.as_str() != priority) {
        events.push((
            "priority",
            serde_json::json!({ "from": priority, "to": to.as_str() }),
        ));
    }
    if let Some(to) = change.queue.filter(|q| *q != queue) {
        check_queue(tx, to).await?;
        let name: String = sqlx::query_scalar("select name from queues where id = $1")
            .bind(to)
            .fetch_one(&mut **tx)
            .await?;
        events.push(("queue", serde_json::json!({ "to": name })));
    }
    if let Some(to) = change.assignee.filter(|a| a.map(|u| u.0) != assignee) {
        let name = match to {
            Some(user) => {
                check_assignee(tx, user).await?;
                sqlx::query_scalar::<_, String>("select name from users where id = $1")
                    .bind(user.0)
                    .fetch_one(&mut **tx)
                    .await?
            }
            None => "nobody".into(),
        };
        events.push(("assignee", serde_json::json!({ "to": name })));
    }
    if let Some(to) = change.due_on.filter(|d| *d != due_on) {
        events.push((
            "due",
            serde_json::json!({ "to": to.map(|d| d.to_string()) }),
        ));
    }
    if events.is_empty() {
        return Ok(false);
    }
    sqlx::query(
        "update tickets set status = coalesce($2, status), priority = coalesce($3, priority),
                queue_id = coalesce($4, queue_id),
                assignee_id = case when $5 then $6 else assignee_id end,
                due_on = case when $7 then $8 else due_on end,
                version = version + 1, updated_at = now()
          where id = $1",
    )
    .bind(id)
    .bind(change.status.map(TicketStatus::as_str))
    .bind(change.priority.map(Priority::as_str))
    .bind(change.queue)
    .bind(change.assignee.is_some())
    .bind(change.assignee.flatten().map(|u| u.0))
    .bind(change.due_on.is_some())
    .bind(change.due_on.flatten())
    .execute(&mut **tx)
    .await?;
    for (kind, detail) in &events {
        record_event(tx, org, id, viewer.user_id, kind, detail.clone()).await?;
    }
    audit::record(
        tx,
        org,
        Some(viewer.user_id),
        "ticket.updated",
        ("ticket", id),
        client,
        serde_json::json!({ "changes": events.iter().map(|(k, _)| *k).collect::<Vec<_>>() }),
    )
    .await?;
    Ok(true)
}

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

#[derive(sqlx::FromRow)]
struct InspectionRow {
    id: Uuid,
    inspector: Option<String>,
    summary: String,
    cause: String,
    recommendation: String,
    estimated_minutes: Option<i32>,
    created_at: String,
}

async fn inspections_of(tx: &mut Tx, ticket: Uuid) -> Result<Vec<Inspection>, sqlx::Error> {
    let rows: Vec<InspectionRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select i.id, u.name as inspector, i.summary, i.cause, i.recommendation, i.estimated_minutes,
                to_char(i.created_at at time zone 'utc', '{UTC_TEXT}') as created_at
           from inspections i left join users u on u.id = i.inspector_id
          where i.ticket_id = $1 order by i.created_at, i.id"
    )))
    .bind(ticket)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Inspection {
            id: r.id,
            inspector: r.inspector.unwrap_or_else(|| "Former member".into()),
            summary: r.summary,
            cause: r.cause,
            recommendation: r.recommendation,
            estimated_minutes: r.estimated_minutes,
            created_at: r.created_at,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ApprovalRow {
    id: Uuid,
    requested_by_id: Option<Uuid>,
    requested_by: Option<String>,
    note: String,
    decision: String,
    reason: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<String>,
    created_at: String,
}

/// A manager or admin may decide an approval, but never one they asked for themselves.
fn may_decide(viewer: &Viewer, requested_by: Option<Uuid>) -> bool {
    viewer
        .role
        .can(crate::model::permission::Permission::DecideApprovals)
        && requested_by != Some(viewer.user_id.0)
}

async fn approvals_of(
    tx: &mut Tx,
    ticket: Uuid,
    viewer: &Viewer,
) -> Result<Vec<Approval>, sqlx::Error> {
    let rows: Vec<ApprovalRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select a.id, a.requested_by as requested_by_id, r.name as requested_by, a.note, a.decision,
                a.reason, d.name as decided_by,
                to_char(a.decided_at at time zone 'utc', '{UTC_TEXT}') as decided_at,
                to_char(a.created_at at time zone 'utc', '{UTC_TEXT}') as created_at
           from approvals a
           left join users r on r.id = a.requested_by
           left join users d on d.id = a.decided_by
          where a.ticket_id = $1 order by a.created_at, a.id"
    )))
    .bind(ticket)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let decision = Decision::parse(&r.decision)?;
            Some(Approval {
                id: r.id,
                viewer_can_decide: decision == Decision::Pending
                    && may_decide(viewer, r.requested_by_id),
                requested_by: r.requested_by.unwrap_or_else(|| "Former member".into()),
                note: r.note,
                decision,
                reason: r.reason,
                decided_by: r.decided_by,
                decided_at: r.decided_at,
                created_at: r.created_at,
            })
        })
        .collect())
}

/// Whether the ticket exists in the viewer's organisation; the same NotFound for another's.
async fn touch(tx: &mut Tx, ticket: Uuid) -> Result<(), AppError> {
    let touched = sqlx::query("update tickets set updated_at = now() where id = $1")
        .bind(ticket)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    if touched == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}

pub async fn inspect(
    db: &Db,
    viewer: &Viewer,
    ticket: Uuid,
    inspection: NewInspection,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    touch(&mut tx, ticket).await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into inspections (organisation_id, id, ticket_id, inspector_id, summary, cause, recommendation, estimated_minutes)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(org.0)
    .bind(id)
    .bind(ticket)
    .bind(viewer.user_id.0)
    .bind(&inspection.summary)
    .bind(&inspection.cause)
    .bind(&inspection.recommendation)
    .bind(inspection.estimated_minutes)
    .execute(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        ("inspection", serde_json::json!({})),
        ("ticket.inspected", ("inspection", id)),
        client,
        serde_json::json!({ "ticket": ticket }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn request_approval(
    db: &Db,
    viewer: &Viewer,
    ticket: Uuid,
    note: String,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    touch(&mut tx, ticket).await?;
    let id = Uuid::now_v7();
    sqlx::query(
        "insert into approvals (organisation_id, id, ticket_id, requested_by, note) values ($1, $2, $3, $4, $5)",
    )
    .bind(org.0)
    .bind(id)
    .bind(ticket)
    .bind(viewer.user_id.0)
    .bind(&note)
    .execute(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        ("approval_requested", serde_json::json!({})),
        ("approval.requested", ("approval", id)),
        client,
        serde_json::json!({ "ticket": ticket }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Approves or rejects, once. A second decision, even an identical one, is refused.
pub async fn decide(
    db: &Db,
    viewer: &Viewer,
    approval: Uuid,
    decision: Decision,
    reason: String,
    client: &ClientInfo,
) -> Result<(), AppError> {
    if decision == Decision::Pending {
        return Err(AppError::validation("decision", "Approve or reject."));
    }
    if decision == Decision::Rejected && reason.is_empty() {
        return Err(AppError::validation("reason", "Say why it's rejected."));
    }
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    let row: Option<(Uuid, Option<Uuid>, String)> = sqlx::query_as(
        "select ticket_id, requested_by, decision from approvals where id = $1 for update",
    )
    .bind(approval)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((ticket, requested_by, current)) = row else {
        return Err(AppError::NotFound);
    };
    if current != "pending" {
        return Err(AppError::Conflict {
            message: format!("This approval was already {current}."),
        });
    }
    if !may_decide(viewer, requested_by) {
        return Err(AppError::Forbidden);
    }
    sqlx::query(
        "update approvals set decision = $2, reason = nullif($3, ''), decided_by = $4, decided_at = now()
          where id = $1",
    )
    .bind(approval)
    .bind(decision.as_str())
    .bind(&reason)
    .bind(viewer.user_id.0)
    .execute(&mut *tx)
    .await?;
    touch(&mut tx, ticket).await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        (
            "approval_decided",
            serde_json::json!({ "decision": decision.as_str() }),
        ),
        ("approval.decided", ("approval", approval)),
        client,
        serde_json::json!({ "decision": decision.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many rows one export reads per transaction, and how long it waits on a client that
/// has stopped reading before giving up.
const EXPORT_BATCH: i64 = 500;
const EXPORT_STALL: std::time::Duration = std::time::Duration::from_secs(30);

/// Every ticket the filter matches as CSV, written to `out` a row at a time: memory stays flat
/// however many there are. Rows are read in batches by number, each batch in a short
/// transaction of its own, so no pooled connection waits on a slow client (25 stalled
/// downloads once held the whole pool). Stops early when the receiver goes away (the client
/// disconnected) or stops reading for `EXPORT_STALL`.
pub async fn export_csv(
    db: &Db,
    org: OrganisationId,
    filter: &TicketFilter,
    out: tokio::sync::mpsc::Sender<String>,
) -> Result<(), AppError> {
    let send = |line: String| async {
        matches!(
            tokio::time::timeout(EXPORT_STALL, out.send(line)).await,
            Ok(Ok(()))
        )
    };
    if !send(
        "number,title,status,priority,queue,assignee,requester,due_on,created_at,updated_at\r\n"
            .into(),
    )
    .await
    {
        return Ok(());
    }
    let mut last = 0_i64;
    loop {
        let mut q: QueryBuilder<Postgres> = QueryBuilder::new(format!(
            "select t.number, t.title, t.status, t.priority, qu.name, a.name, r.name,
                    coalesce(to_char(t.due_on, 'YYYY-MM-DD'), ''),
                    to_char(t.created_at at time zone 'utc', '{UTC_TEXT}'),
                    to_char(t.updated_at at time zone 'utc', '{UTC_TEXT}')
               from tickets t
               join queues qu on qu.organisation_id = t.organisation_id and qu.id = t.queue_id
               left join users a on a.id = t.assignee_id
               left join users r on r.id = t.requester_id
              where true"
        ));
        push_filters(&mut q, filter);
        q.push(" and t.number > ")
            .push_bind(last)
            .push(" order by t.number limit ")
            .push_bind(EXPORT_BATCH);
        let mut tx = db.scoped_tx(org).await?;
        let rows: Vec<ExportRow> = q.build_query_as().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let full = rows.len() as i64 == EXPORT_BATCH;
        for r in rows {
            last = r.0;
            let line = [
                r.0.to_string(),
                r.1,
                r.2,
                r.3,
                r.4,
                r.5.unwrap_or_default(),
                r.6.unwrap_or_default(),
                r.7,
                r.8,
                r.9,
            ]
            .map(|cell| super::csv::text(&cell));
            if !send(super::csv::line(line)).await {
                tracing::info!("ticket export ended: the client went away or stopped reading");
                return Ok(());
            }
        }
        if !full {
            return Ok(());
        }
    }
}

type ExportRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
);
