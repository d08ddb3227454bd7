//! The filtered ticket list, keyset-paged in any of its orders, its count, and a ticket's
//! neighbours in it (the ticket page's previous and next).

use super::*;
use crate::model::tickets::{AssigneeFilter, Neighbours, SortKey, COUNT_CAP};

/// The WHERE conditions of a filter (after a `where true`), shared by the list, its count and
/// the export. `me` is who "assigned to me" means.
pub(super) fn push_filters(
    q: &mut QueryBuilder<sqlx::Postgres>,
    filter: &TicketFilter,
    me: UserId,
) {
    if let Some(s) = filter.status {
        q.push(" and t.status = ").push_bind(s.as_str());
    }
    if let Some(p) = filter.priority {
        q.push(" and t.priority = ").push_bind(p.as_str());
    }
    if let Some(queue) = filter.queue {
        q.push(" and t.queue_id = ").push_bind(queue);
    }
    match filter.assignee {
        Some(AssigneeFilter::Me) => {
            q.push(" and t.assignee_id = ").push_bind(me.0);
        }
        Some(AssigneeFilter::Member(a)) => {
            q.push(" and t.assignee_id = ").push_bind(a);
        }
        Some(AssigneeFilter::Nobody) => {
            q.push(" and t.assignee_id is null");
        }
        None => {}
    }
    if let Some(client) = filter.client {
        q.push(" and t.client_id = ").push_bind(client);
    }
    if let Some(contact) = filter.contact {
        q.push(" and t.contact_id = ").push_bind(contact);
    }
    if filter.unresolved {
        q.push(" and t.status in ('open', 'pending')");
    }
    if filter.overdue {
        q.push(" and t.due_on < current_date and t.status in ('open', 'pending')");
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

/// The stored key an order reads first (migration 19 indexes each with what follows it).
fn key_column(key: SortKey) -> &'static str {
    match key {
        SortKey::Updated => "(extract(epoch from t.updated_at) * 1000000)::bigint",
        SortKey::Number => "t.number",
        SortKey::Priority => "t.priority_rank",
        SortKey::Status => "t.status_rank",
        SortKey::Due => "t.due_key",
    }
}

/// The ORDER BY columns of an order, all one way so one index range scan serves it.
fn order_columns(key: SortKey) -> &'static str {
    match key {
        SortKey::Updated => "t.updated_at, t.id",
        SortKey::Number => "t.number, t.id",
        SortKey::Priority => "t.priority_rank, t.updated_at, t.id",
        SortKey::Status => "t.status_rank, t.updated_at, t.id",
        SortKey::Due => "t.due_key, t.id",
    }
}

/// `and (columns) > (cursor)` (or `<`): the rows after `cursor` in `sort`.
fn push_after(q: &mut QueryBuilder<sqlx::Postgres>, sort: TicketSort, cursor: &Cursor) {
    let at = |q: &mut QueryBuilder<sqlx::Postgres>, micros: i64| {
        q.push("'epoch'::timestamptz + ")
            .push_bind(micros)
            .push(" * interval '1 microsecond'");
    };
    q.push(format!(
        " and ({}) {} (",
        order_columns(sort.key),
        if sort.descending { "<" } else { ">" }
    ));
    match sort.key {
        SortKey::Updated => at(q, cursor.key),
        key => {
            q.push_bind(cursor.key);
            if key.ties_by_update() {
                q.push(", ");
                at(q, cursor.updated_micros.unwrap_or(cursor.key));
            }
        }
    }
    q.push(", ").push_bind(cursor.id).push(")");
}

fn push_order(q: &mut QueryBuilder<sqlx::Postgres>, sort: TicketSort, limit: i64) {
    let direction = if sort.descending { " desc" } else { " asc" };
    let columns: Vec<String> = order_columns(sort.key)
        .split(", ")
        .map(|c| format!("{c}{direction}"))
        .collect();
    q.push(format!(" order by {} limit ", columns.join(", ")))
        .push_bind(limit);
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
    updated_micros: i64,
}

impl SummaryRow {
    fn cursor(&self, key: SortKey) -> Cursor {
        Cursor {
            key: self.sort_key,
            updated_micros: key.ties_by_update().then_some(self.updated_micros),
            id: self.id,
        }
    }
}

/// Up to `limit` rows of the filtered list in `sort`, after `cursor` if given.
async fn rows(
    tx: &mut Tx,
    me: UserId,
    filter: &TicketFilter,
    sort: TicketSort,
    cursor: Option<&Cursor>,
    limit: i64,
) -> Result<Vec<SummaryRow>, AppError> {
    let mut q: QueryBuilder<sqlx::Postgres> = QueryBuilder::new(format!(
        "select t.id, t.number, t.title, t.status, t.priority, qu.name as queue, u.name as assignee,
                t.due_on, t.updated_at as updated_at,
                coalesce(t.due_on < current_date and t.status not in ('resolved', 'closed'), false) as overdue,
                {}::bigint as sort_key,
                (extract(epoch from t.updated_at) * 1000000)::bigint as updated_micros
           from tickets t
           join queues qu on qu.organisation_id = t.organisation_id and qu.id = t.queue_id
           left join users u on u.id = t.assignee_id
          where true",
        key_column(sort.key)
    ));
    push_filters(&mut q, filter, me);
    if let Some(cursor) = cursor {
        push_after(&mut q, sort, cursor);
    }
    push_order(&mut q, sort, limit);
    Ok(q.build_query_as().fetch_all(&mut **tx).await?)
}

/// How many tickets the filter matches, up to just past [`COUNT_CAP`].
async fn count(tx: &mut Tx, me: UserId, filter: &TicketFilter) -> Result<i64, AppError> {
    let mut q: QueryBuilder<sqlx::Postgres> =
        QueryBuilder::new("select count(*) from (select 1 from tickets t where true");
    push_filters(&mut q, filter, me);
    q.push(" limit ")
        .push_bind(COUNT_CAP + 1)
        .push(") matching");
    Ok(q.build_query_scalar().fetch_one(&mut **tx).await?)
}

fn damaged() -> AppError {
    AppError::validation(
        "after",
        "This page link is damaged. Start from the first page.",
    )
}

/// One page of the filtered list, with the count of all it matches. Keyset pagination: the
/// cursor is the last row's sort keys and id, so every page costs the same however deep.
pub async fn list(
    db: &Db,
    org: OrganisationId,
    me: UserId,
    filter: &TicketFilter,
) -> Result<TicketPage, AppError> {
    let cursor = match filter.after.as_deref() {
        Some(after) => Some(Cursor::decode(after).ok_or_else(damaged)?),
        None => None,
    };
    if cursor
        .as_ref()
        .is_some_and(|c| c.updated_micros.is_some() != filter.sort.key.ties_by_update())
    {
        // A cursor from another order: its keys mean something else here.
        return Err(damaged());
    }
    let mut tx = db.scoped_tx(org).await?;
    let rows = rows(
        &mut tx,
        me,
        filter,
        filter.sort,
        cursor.as_ref(),
        PAGE_SIZE + 1,
    )
    .await?;
    let total = count(&mut tx, me, filter).await?;
    tx.commit().await?;
    let more = rows.len() as i64 > PAGE_SIZE;
    let rows: Vec<SummaryRow> = rows.into_iter().take(PAGE_SIZE as usize).collect();
    let next = more
        .then(|| rows.last().map(|r| r.cursor(filter.sort.key).encode()))
        .flatten();
    Ok(TicketPage {
        tickets: rows.into_iter().map(SummaryRow::into_summary).collect(),
        next,
        total: total.min(COUNT_CAP),
        total_capped: total > COUNT_CAP,
    })
}

impl SummaryRow {
    fn into_summary(self) -> TicketSummary {
        TicketSummary {
            id: self.id,
            number: self.number,
            title: self.title,
            status: self.status,
            priority: self.priority,
            queue: self.queue,
            assignee: self.assignee,
            due_on: self.due_on,
            overdue: self.overdue,
            updated_at: self.updated_at,
        }
    }
}

/// The tickets before and after `number` in the filtered list, for the ticket page's
/// previous and next. The ticket itself need not match the filter: its neighbours are where
/// it would stand. `None` for a number the organisation does not have.
pub async fn neighbours(
    db: &Db,
    org: OrganisationId,
    me: UserId,
    number: i64,
    filter: &TicketFilter,
) -> Result<Option<Neighbours>, AppError> {
    let sort = filter.sort;
    let mut tx = db.scoped_tx(org).await?;
    let mut q: QueryBuilder<sqlx::Postgres> = QueryBuilder::new(format!(
        "select t.id, {}::bigint as key, (extract(epoch from t.updated_at) * 1000000)::bigint as micros
           from tickets t where t.number = ",
        key_column(sort.key)
    ));
    q.push_bind(number);
    let here: Option<(Uuid, i64, i64)> = q.build_query_as().fetch_optional(&mut *tx).await?;
    let Some((id, key, micros)) = here else {
        return Ok(None);
    };
    let cursor = Cursor {
        key,
        updated_micros: Some(micros),
        id,
    };
    let next = rows(&mut tx, me, filter, sort, Some(&cursor), 1).await?;
    let previous = rows(&mut tx, me, filter, sort.reversed(), Some(&cursor), 1).await?;
    tx.commit().await?;
    Ok(Some(Neighbours {
        previous: previous.first().map(|r| r.number),
        next: next.first().map(|r| r.number),
    }))
}

/// The home's view of the tickets: the viewer's unresolved ones (most urgent first) and the
/// counts of what needs someone, each capped as the list's count is.
pub struct Overview {
    pub mine: Vec<TicketSummary>,
    pub mine_open: i64,
    pub overdue: i64,
    pub unassigned_open: i64,
}

pub async fn overview(tx: &mut Tx, me: UserId) -> Result<Overview, AppError> {
    let mine = TicketFilter::mine();
    let shown = rows(
        tx,
        me,
        &mine,
        TicketSort::by(SortKey::Priority),
        None,
        crate::model::home::MINE_SHOWN,
    )
    .await?;
    Ok(Overview {
        mine: shown.into_iter().map(SummaryRow::into_summary).collect(),
        mine_open: count(tx, me, &mine).await?,
        overdue: count(tx, me, &TicketFilter::overdue()).await?,
        unassigned_open: count(tx, me, &TicketFilter::unassigned()).await?,
    })
}
