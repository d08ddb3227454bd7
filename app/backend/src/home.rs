//! The signed-in home's summary, read in one transaction scoped to the viewer's organisation.

use super::tickets;
use super::Db;
use crate::model::error::AppError;
use crate::model::home::{HomeSummary, Setup};
use crate::model::identity::Viewer;

pub async fn summary(db: &Db, viewer: &Viewer) -> Result<HomeSummary, AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let overview = tickets::overview(&mut tx, viewer.user_id).await?;
    let setup = sqlx::query!(
        r#"select exists (select 1 from queues where not is_default) as "queue_created!",
                  (exists (select 1 from memberships where user_id <> $1)
                   or exists (select 1 from invitations where revoked_at is null)) as "team_invited!",
                  exists (select 1 from tickets) as "ticket_created!""#,
        viewer.user_id.0
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(HomeSummary {
        mine: overview.mine,
        mine_open: overview.mine_open,
        overdue: overview.overdue,
        unassigned_open: overview.unassigned_open,
        setup: Setup {
            queue_created: setup.queue_created,
            team_invited: setup.team_invited,
            ticket_created: setup.ticket_created,
        },
    })
}
