//! Billing for admins: the overview, choosing a plan, Stripe's portal; and what the
//! organisation's plan allows, for any member (so pages can explain a missing feature).

use crate::model::billing::{BillingOverview, Entitlements, Redirect, SeatQuote};
use crate::model::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "billing/overview")]
pub async fn get_billing_overview() -> Result<BillingOverview, AppError> {
    use crate::backend::{billing, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageBilling).await?;
    billing::overview(&ctx, &viewer).await
}

#[server(endpoint = "billing/entitlements")]
pub async fn plan_entitlements() -> Result<Entitlements, AppError> {
    use crate::backend::{billing, request};
    let (ctx, viewer) = request::signed_in().await?;
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    let e = billing::entitlements(&mut tx, viewer.organisation_id).await?;
    tx.commit().await?;
    Ok(e)
}

/// What inviting one more person costs, shown before the invitation is sent.
#[server(endpoint = "billing/seat_quote")]
pub async fn quote_seat() -> Result<SeatQuote, AppError> {
    use crate::backend::{billing, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageMembers).await?;
    billing::seat_quote(&ctx, &viewer).await
}

/// Starts moving to `plan`: where to send the browser (Stripe Checkout or its portal; back to
/// the billing page when billing is offline and the change is already made).
#[server(endpoint = "billing/choose_plan")]
pub async fn choose_plan(plan: String) -> Result<Redirect, AppError> {
    use crate::backend::{billing, request};
    use crate::model::billing::Plan;
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageBilling).await?;
    let plan = Plan::parse(&plan).ok_or_else(|| AppError::validation("plan", "Choose a plan."))?;
    let on_org_host = request::host_tenant().organisation_id().is_some();
    billing::choose_plan(&ctx, &viewer, plan, on_org_host, &request::client_info()).await
}

#[server(endpoint = "billing/portal")]
pub async fn billing_portal() -> Result<Redirect, AppError> {
    use crate::backend::{billing, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageBilling).await?;
    billing::portal(
        &ctx,
        &viewer,
        request::host_tenant().organisation_id().is_some(),
    )
    .await
}
