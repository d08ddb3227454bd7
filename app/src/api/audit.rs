//! The audit log's server function.

use crate::model::audit::AuditPage;
use crate::model::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Admins only: the organisation's audit log, a page at a time.
#[server(endpoint = "audit/page")]
pub async fn audit_log(before: Option<Uuid>) -> Result<AuditPage, AppError> {
    use crate::backend::{audit, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ViewAuditLog).await?;
    Ok(audit::page(&ctx.db, viewer.organisation_id, before, 50).await?)
}
