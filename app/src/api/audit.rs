//! The audit log's server function.

use crate::model::audit::{AuditFilter, AuditPage};
use crate::model::error::AppError;
use leptos::prelude::*;

/// Admins only: the organisation's audit log, narrowed and a page at a time.
#[server(endpoint = "audit/page")]
pub async fn audit_log(#[server(default)] filter: AuditFilter) -> Result<AuditPage, AppError> {
    use crate::backend::{audit, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ViewAuditLog).await?;
    let zone = viewer.time_zone.as_deref();
    Ok(audit::page(&ctx.db, viewer.organisation_id, &filter, zone, 50).await?)
}
