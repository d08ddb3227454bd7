//! Queues: the list, the default one made on first use, arranging them, and who can be assigned.

use super::*;
use crate::model::audit::AuditAction;

/// The organisation's default queue, made on first use.
pub(super) async fn default_queue(tx: &mut Tx, org: OrganisationId) -> Result<Uuid, sqlx::Error> {
    sqlx::query!(
        "insert into queues (organisation_id, id, name, is_default) values ($1, $2, 'General', true)
         on conflict do nothing",
        org.0,
        Uuid::now_v7(),
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query_scalar!("select id from queues where is_default")
        .fetch_one(&mut **tx)
        .await
}

pub async fn queues(db: &Db, org: OrganisationId) -> Result<Vec<Queue>, AppError> {
    let mut tx = db.scoped_tx(org).await?;
    let queues = queues_in(&mut tx, org).await?;
    tx.commit().await?;
    Ok(queues)
}

/// The queues and the assignable people, for a ticket form's menus: one transaction.
pub async fn choices(
    db: &Db,
    org: OrganisationId,
) -> Result<(Vec<Queue>, Vec<Assignee>), AppError> {
    let mut tx = db.scoped_tx(org).await?;
    let queues = queues_in(&mut tx, org).await?;
    let assignees = assignees(&mut tx).await?;
    tx.commit().await?;
    Ok((queues, assignees))
}

async fn queues_in(tx: &mut Tx, org: OrganisationId) -> Result<Vec<Queue>, sqlx::Error> {
    async fn all(tx: &mut Tx) -> Result<Vec<Queue>, sqlx::Error> {
        sqlx::query_as!(
            Queue,
            "select id, name, is_default from queues order by not is_default, name"
        )
        .fetch_all(&mut **tx)
        .await
    }
    let mut queues = all(tx).await?;
    // Made only when missing: every page with a queue menu reads this, and a read that
    // writes (even a no-op insert) costs every page view a WAL record.
    if !queues.iter().any(|q| q.is_default) {
        default_queue(tx, org).await?;
        queues = all(tx).await?;
    }
    Ok(queues)
}

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
    once: Option<&RequestKey>,
) -> Result<(), AppError> {
    viewer.require(crate::model::permission::Permission::ArrangeQueues)?;
    let org = viewer.organisation_id;
    let mut tx = db.scoped_tx(org).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    default_queue(&mut tx, org).await?;
    let taken = |name: &str| {
        AppError::validation("name", format!("There is already a queue called {name}."))
    };
    let (action, id) = match &change {
        QueueChange::Create(name) => {
            let id = Uuid::now_v7();
            let made = sqlx::query!(
                "insert into queues (organisation_id, id, name) values ($1, $2, $3) on conflict do nothing",
                org.0,
                id,
                name,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if made == 0 {
                return Err(taken(name));
            }
            (AuditAction::QueueCreated, id)
        }
        QueueChange::Rename(id, name) => {
            let clash = sqlx::query_scalar!(
                r#"select exists (select 1 from queues where name = $1 and id <> $2) as "clash!""#,
                name,
                id
            )
            .fetch_one(&mut *tx)
            .await?;
            if clash {
                return Err(taken(name));
            }
            let renamed = sqlx::query!("update queues set name = $2 where id = $1", id, name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if renamed == 0 {
                return Err(AppError::NotFound);
            }
            (AuditAction::QueueRenamed, *id)
        }
        QueueChange::MakeDefault(id) => {
            let exists = sqlx::query_scalar!(
                r#"select exists (select 1 from queues where id = $1) as "exists!""#,
                id
            )
            .fetch_one(&mut *tx)
            .await?;
            if !exists {
                return Err(AppError::NotFound);
            }
            // Two statements, so the one-default index never sees two or none at commit.
            sqlx::query!(
                "update queues set is_default = false where is_default and id <> $1",
                id
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query!("update queues set is_default = true where id = $1", id)
                .execute(&mut *tx)
                .await?;
            (AuditAction::QueueMadeDefault, *id)
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
        Some(viewer.user_id),
        action,
        ("queue", id),
        client,
        detail,
    )
    .await?;
    idempotency::remember(&mut tx, once, &()).await?;
    tx.commit().await?;
    Ok(())
}

/// The active members a ticket can be assigned to.
async fn assignees(tx: &mut Tx) -> Result<Vec<Assignee>, sqlx::Error> {
    let rows = sqlx::query!(
        "select u.id, u.name from memberships m join users u on u.id = m.user_id
          where m.status = 'active' order by lower(u.name)"
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Assignee {
            id: UserId(r.id),
            name: r.name,
        })
        .collect())
}
