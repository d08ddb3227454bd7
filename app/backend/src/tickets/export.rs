//! The ticket list as CSV, read in batches so no connection waits on a slow client.

use super::*;
use crate::db::UTC_TEXT;

/// How many rows one export reads per transaction.
pub(crate) const EXPORT_BATCH: i64 = 500;

/// Every ticket the filter matches as CSV, written to `out` a row at a time: memory stays flat
/// however many there are. Rows are read in batches by number, each batch in a short
/// transaction of its own, so no pooled connection waits on a slow client (25 stalled
/// downloads once held the whole pool). Stops early when the receiver goes away (the client
/// disconnected) or stops reading (`csv::STALL`).
pub async fn export_csv(
    db: &Db,
    org: OrganisationId,
    me: UserId,
    filter: &TicketFilter,
    out: tokio::sync::mpsc::Sender<String>,
) -> Result<(), AppError> {
    let send = |line: String| crate::csv::send(&out, line);
    if !send(
        "number,title,status,priority,queue,assignee,client,requester,requester_email,opened_by,due_on,created_at,updated_at\r\n"
            .into(),
    )
    .await
    {
        return Ok(());
    }
    let mut last = 0_i64;
    loop {
        let mut q: QueryBuilder<sqlx::Postgres> = QueryBuilder::new(format!(
            "select t.number, t.title, t.status, t.priority, qu.name as queue, a.name as assignee,
                    c.name as client, k.name as requester,
                    (select e.email from contact_emails e
                      where e.contact_id = t.contact_id order by e.position limit 1) as requester_email,
                    r.name as opened_by, coalesce(to_char(t.due_on, 'YYYY-MM-DD'), '') as due_on,
                    to_char(t.created_at at time zone 'utc', '{UTC_TEXT}') as created_at,
                    to_char(t.updated_at at time zone 'utc', '{UTC_TEXT}') as updated_at
               from tickets t
               join queues qu on qu.organisation_id = t.organisation_id and qu.id = t.queue_id
               left join users a on a.id = t.assignee_id
               left join users r on r.id = t.requester_id
               left join clients c on c.id = t.client_id
               left join contacts k on k.id = t.contact_id
              where true"
        ));
        push_filters(&mut q, filter, me);
        q.push(" and t.number > ")
            .push_bind(last)
            .push(" order by t.number limit ")
            .push_bind(EXPORT_BATCH);
        let mut tx = db.scoped_tx(org).await?;
        let rows: Vec<ExportRow> = q.build_query_as().fetch_all(&mut *tx).await?;
        tx.commit().await?;
        let full = rows.len() as i64 == EXPORT_BATCH;
        for r in rows {
            last = r.number;
            let line = [
                r.number.to_string(),
                r.title,
                r.status.as_str().to_string(),
                r.priority.as_str().to_string(),
                r.queue,
                r.assignee.unwrap_or_default(),
                r.client.unwrap_or_default(),
                r.requester.unwrap_or_default(),
                r.requester_email.unwrap_or_default(),
                r.opened_by.unwrap_or_default(),
                r.due_on,
                r.created_at,
                r.updated_at,
            ]
            .map(|cell| crate::csv::text(&cell));
            if !send(crate::csv::line(line)).await {
                tracing::info!("ticket export ended: the client went away or stopped reading");
                return Ok(());
            }
        }
        if !full {
            return Ok(());
        }
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct ExportRow {
    number: i64,
    title: String,
    status: TicketStatus,
    priority: Priority,
    queue: String,
    assignee: Option<String>,
    client: Option<String>,
    requester: Option<String>,
    requester_email: Option<String>,
    opened_by: Option<String>,
    due_on: String,
    created_at: String,
    updated_at: String,
}
