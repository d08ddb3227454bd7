//! Inspections: what someone found on site, recorded on the ticket.

use super::*;
use crate::model::audit::AuditAction;

pub(super) struct InspectionRow {
    id: Uuid,
    inspector: Option<String>,
    summary: String,
    cause: String,
    recommendation: String,
    estimated_minutes: Option<i32>,
    created_at: time::OffsetDateTime,
}

pub(super) async fn inspections_of(
    tx: &mut Tx,
    ticket: Uuid,
) -> Result<Vec<Inspection>, sqlx::Error> {
    let rows = sqlx::query_as!(
        InspectionRow,
        r#"select i.id, u.name as "inspector?", i.summary, i.cause, i.recommendation,
                  i.estimated_minutes, i.created_at
             from inspections i left join users u on u.id = i.inspector_id
            where i.ticket_id = $1 order by i.created_at, i.id"#,
        ticket
    )
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

pub async fn inspect(
    db: &Db,
    viewer: &Viewer,
    ticket: Uuid,
    inspection: NewInspection,
    client: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<(), AppError> {
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    touch(&mut tx, ticket).await?;
    let id = Uuid::now_v7();
    sqlx::query!(
        "insert into inspections (organisation_id, id, ticket_id, inspector_id, summary, cause, recommendation, estimated_minutes)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        org.0,
        id,
        ticket,
        viewer.user_id.0,
        &inspection.summary,
        &inspection.cause,
        &inspection.recommendation,
        inspection.estimated_minutes,
    )
    .execute(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        TimelineEvent::Inspection,
        (AuditAction::TicketInspected, ("inspection", id)),
        client,
        serde_json::json!({ "ticket": ticket }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &()).await?;
    tx.commit().await?;
    Ok(())
}
