//! Tickets, one idea per module: queues, the list, a ticket's page, changes, comments,
//! inspections, approvals and the CSV export. Everything runs in a transaction scoped to the
//! viewer's organisation; what they share (checks, the timeline and audit traces) is here.

use super::idempotency::{self, RequestKey};
use super::identity::ClientInfo;
use super::{audit, markdown, Db};
use crate::model::error::AppError;
use crate::model::identity::{UserId, Viewer};
use crate::model::tenancy::OrganisationId;
use crate::model::tickets::{
    Approval, Assignee, BulkResult, BulkSkip, Comment, Cursor, Decision, Inspection, NewInspection,
    NewTicket, Priority, Queue, TicketDetail, TicketEvent, TicketFilter, TicketPage, TicketSort,
    TicketStatus, TicketSummary,
};
use crate::model::timeline::TimelineEvent;
use sqlx::QueryBuilder;
use uuid::Uuid;

pub const PAGE_SIZE: i64 = 50;

pub(super) use crate::db::TenantTx as Tx;

mod approvals;
mod attachments;
mod changes;
mod comments;
mod detail;
mod export;
mod inspections;
mod list;
mod queues;

pub use {
    approvals::*, changes::*, comments::*, detail::*, export::*, inspections::*, list::*, queues::*,
};

/// How a caller names a ticket: the pages by id, the REST API by number.
#[derive(Debug, Clone, Copy)]
pub enum TicketRef {
    Id(Uuid),
    Number(i64),
}

impl TicketRef {
    /// The ticket's id; NotFound for a number the organisation does not have.
    async fn id(self, tx: &mut Tx) -> Result<Uuid, AppError> {
        match self {
            TicketRef::Id(id) => Ok(id),
            TicketRef::Number(n) => id_of(tx, n).await,
        }
    }
}

async fn check_queue(tx: &mut Tx, queue: Uuid) -> Result<(), AppError> {
    let found = sqlx::query_scalar!("select id from queues where id = $1", queue)
        .fetch_optional(&mut **tx)
        .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::validation("queue", "Choose one from the list."))
}

async fn check_assignee(tx: &mut Tx, user: UserId) -> Result<(), AppError> {
    let found = sqlx::query_scalar!(
        "select user_id from memberships where user_id = $1 and status = 'active'",
        user.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    found
        .map(|_| ())
        .ok_or_else(|| AppError::validation("assignee", "Choose a member of this organisation."))
}

pub(crate) async fn record_event(
    tx: &mut Tx,
    ticket: Uuid,
    actor: UserId,
    event: &TimelineEvent,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into ticket_events (organisation_id, id, ticket_id, actor_id, kind, detail)
         values ($1, $2, $3, $4, $5, $6)",
        tx.organisation().0,
        Uuid::now_v7(),
        ticket,
        actor.0,
        event.kind(),
        event.detail(),
    )
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
    event: TimelineEvent,
    (action, target): (crate::model::audit::AuditAction, (&str, Uuid)),
    client: &ClientInfo,
    audit_detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    record_event(tx, ticket, viewer.user_id, &event).await?;
    audit::record(
        tx,
        Some(viewer.user_id),
        action,
        target,
        client,
        audit_detail,
    )
    .await
}

/// Whether the ticket exists in the viewer's organisation; the same NotFound for another's.
pub(crate) async fn touch(tx: &mut Tx, ticket: Uuid) -> Result<(), AppError> {
    let touched = sqlx::query!(
        "update tickets set updated_at = now() where id = $1",
        ticket
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if touched == 0 {
        Err(AppError::NotFound)
    } else {
        Ok(())
    }
}
