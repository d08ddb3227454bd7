//! The filtered ticket list, keyset-paged.

use super::*;

/// The WHERE conditions of a filter (after a `where true`), shared by the list and the export.
pub(super) fn push_filters(q: &mut QueryBuilder<sqlx::Postgres>, filter: &TicketFilter) {
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
    if let Some(query) = filter
        .text
        .as_deref()
        .and_then(crate::model::tickets::prefix_search)
    {
        // Title, description and comments (migration 12); the GIN index answers prefixes too.
        q.push(" and t.document @@ to_tsquery('simple', ")
            .push_bind(query)
            .push(")");
    }
}

#[derive(sqlx::FromRow)]
pub(super) struct SummaryRow {
    id: Uuid,
    number: i64,
    title: String,
    status: TicketStatus,
    priority: Priority,
    queue: String,
    assignee: Option<String>,
    due_on: Option<time::Date>,
    overdue: bool,
    updated_at: time::OffsetDateTime,
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
    let mut q: QueryBuilder<sqlx::Postgres> = QueryBuilder::new(format!(
        "select t.id, t.number, t.title, t.status, t.priority, qu.name as queue, u.name as assignee,
                t.due_on, t.updated_at as updated_at,
                coalesce(t.due_on < current_date and t.status not in ('resolved', 'closed'), false) as overdue,
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
            .map(|r| TicketSummary {
                id: r.id,
                number: r.number,
                title: r.title,
                status: r.status,
                priority: r.priority,
                queue: r.queue,
                assignee: r.assignee,
                due_on: r.due_on,
                overdue: r.overdue,
                updated_at: r.updated_at,
            })
            .collect(),
        next,
    })
}
