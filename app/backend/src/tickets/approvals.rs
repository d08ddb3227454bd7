//! Approvals: asked for by anyone, decided by a manager or admin who did not ask.

use super::*;
use crate::model::audit::AuditAction;

pub(super) struct ApprovalRow {
    id: Uuid,
    requested_by_id: Option<Uuid>,
    requested_by: Option<String>,
    note: String,
    decision: Decision,
    reason: Option<String>,
    decided_by: Option<String>,
    decided_at: Option<time::OffsetDateTime>,
    created_at: time::OffsetDateTime,
}

/// A manager or admin may decide an approval, but never one they asked for themselves.
pub(super) fn may_decide(viewer: &Viewer, requested_by: Option<Uuid>) -> bool {
    viewer
        .role
        .can(crate::model::permission::Permission::DecideApprovals)
        && requested_by != Some(viewer.user_id.0)
}

pub(super) async fn approvals_of(
    tx: &mut Tx,
    ticket: Uuid,
    viewer: &Viewer,
) -> Result<Vec<Approval>, sqlx::Error> {
    let rows = sqlx::query_as!(
        ApprovalRow,
        r#"select a.id, a.requested_by as requested_by_id, r.name as "requested_by?", a.note,
                  a.decision as "decision: Decision", a.reason, d.name as "decided_by?",
                  a.decided_at, a.created_at
             from approvals a
             left join users r on r.id = a.requested_by
             left join users d on d.id = a.decided_by
            where a.ticket_id = $1 order by a.created_at, a.id"#,
        ticket
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Approval {
            id: r.id,
            viewer_can_decide: r.decision == Decision::Pending
                && may_decide(viewer, r.requested_by_id),
            requested_by: r.requested_by.unwrap_or_else(|| "Former member".into()),
            note: r.note,
            decision: r.decision,
            reason: r.reason,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            created_at: r.created_at,
        })
        .collect())
}

pub async fn request_approval(
    db: &Db,
    viewer: &Viewer,
    ticket: Uuid,
    note: String,
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
        "insert into approvals (organisation_id, id, ticket_id, requested_by, note) values ($1, $2, $3, $4, $5)",
        org.0,
        id,
        ticket,
        viewer.user_id.0,
        &note,
    )
    .execute(&mut *tx)
    .await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        TimelineEvent::ApprovalRequested,
        (AuditAction::ApprovalRequested, ("approval", id)),
        client,
        serde_json::json!({ "ticket": ticket }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &()).await?;
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
    let row = sqlx::query!(
        r#"select ticket_id, requested_by, decision as "decision: Decision"
             from approvals where id = $1 for update"#,
        approval
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound);
    };
    let (ticket, requested_by) = (row.ticket_id, row.requested_by);
    if row.decision != Decision::Pending {
        return Err(AppError::Conflict {
            message: format!("This approval was already {}.", row.decision.as_str()),
        });
    }
    if !may_decide(viewer, requested_by) {
        return Err(AppError::Forbidden);
    }
    sqlx::query!(
        "update approvals set decision = $2, reason = nullif($3, ''), decided_by = $4, decided_at = now()
          where id = $1",
        approval,
        decision.as_str(),
        &reason,
        viewer.user_id.0,
    )
    .execute(&mut *tx)
    .await?;
    touch(&mut tx, ticket).await?;
    record_change(
        &mut tx,
        viewer,
        ticket,
        TimelineEvent::ApprovalDecided { decision },
        (AuditAction::ApprovalDecided, ("approval", approval)),
        client,
        serde_json::json!({ "decision": decision.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
