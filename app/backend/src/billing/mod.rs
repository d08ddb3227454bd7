//! Billing: what an organisation's plan allows (the one entitlement service), seat counting,
//! and keeping Stripe in step. Without Stripe keys billing runs offline: plans and seats are
//! still enforced from local state, and plan changes apply at once.

pub mod signature;
pub mod stripe_api;
pub mod webhook;

use crate::db::TenantTx;
use crate::identity::ClientInfo;
use crate::model::audit::AuditAction;
use crate::model::billing::{
    extra_seats, monthly_total, BillingMode, BillingOverview, Entitlements, Feature, Invoice,
    Money, Plan, Redirect, SeatDecision, SeatQuote, Standing, SubscriptionStatus, TRIAL_DAYS,
    TRIAL_PLAN,
};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use crate::model::tenancy::OrganisationId;
use crate::{audit, csv, AppContext};
use std::sync::Arc;
use stripe_api::{CheckoutRequest, StripeApi};

/// How the server reaches Stripe, if it does.
#[derive(Clone, Default)]
pub struct Billing {
    stripe: Option<Arc<StripeConnection>>,
}

pub struct StripeConnection {
    pub api: StripeApi,
    /// The webhook endpoint's signing secret (`whsec_...`).
    pub webhook_secret: String,
}

impl Billing {
    pub fn offline() -> Self {
        Self { stripe: None }
    }

    pub fn with_stripe(connection: StripeConnection) -> Self {
        Self {
            stripe: Some(Arc::new(connection)),
        }
    }

    pub fn mode(&self) -> BillingMode {
        match self.stripe {
            Some(_) => BillingMode::Stripe,
            None => BillingMode::Offline,
        }
    }

    pub fn stripe(&self) -> Option<&StripeConnection> {
        self.stripe.as_deref()
    }
}

/// The subscription row, or the trial every organisation starts on.
struct State {
    plan: Plan,
    status: SubscriptionStatus,
    included_seats: Option<i32>,
    trial_ends_at: Option<i64>,
    grace_ends_at: Option<i64>,
    now: i64,
}

async fn state(tx: &mut TenantTx, org: OrganisationId) -> Result<State, AppError> {
    let row = sqlx::query!(
        r#"select plan as "plan: Plan", status as "status: SubscriptionStatus", included_seats,
                  extract(epoch from trial_ends_at)::bigint as trial_ends_at,
                  extract(epoch from grace_ends_at)::bigint as grace_ends_at,
                  extract(epoch from now())::bigint as "now!"
             from subscriptions"#
    )
    .fetch_optional(&mut **tx)
    .await?
    .map(|s| {
        (
            s.plan,
            s.status,
            s.included_seats,
            s.trial_ends_at,
            s.grace_ends_at,
            s.now,
        )
    });
    if let Some((plan, status, included_seats, trial_ends_at, grace_ends_at, now)) = row {
        return Ok(State {
            plan,
            status,
            included_seats,
            trial_ends_at,
            grace_ends_at,
            now,
        });
    }
    let trial = sqlx::query!(
        r#"select extract(epoch from created_at + make_interval(days => $2))::bigint as "ends_at!",
                  extract(epoch from now())::bigint as "now!"
             from organisations where id = $1"#,
        org.0,
        TRIAL_DAYS as i32,
    )
    .fetch_one(&mut **tx)
    .await?;
    let (trial_ends_at, now) = (trial.ends_at, trial.now);
    Ok(State {
        plan: TRIAL_PLAN,
        status: SubscriptionStatus::Trialing,
        included_seats: None,
        trial_ends_at: Some(trial_ends_at),
        grace_ends_at: None,
        now,
    })
}

/// Members plus open invitations, in the transaction's organisation.
async fn seats_used(tx: &mut TenantTx) -> Result<u32, sqlx::Error> {
    let used = sqlx::query_scalar!(
        r#"select (select count(*) from memberships where status = 'active')
                + (select count(*) from invitations
                    where accepted_at is null and revoked_at is null and expires_at > now())
                  as "used!""#
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(u32::try_from(used).unwrap_or(u32::MAX))
}

/// What `org` may use now. Runs in the caller's transaction, scoped to `org`.
pub async fn entitlements(
    tx: &mut TenantTx,
    org: OrganisationId,
) -> Result<Entitlements, AppError> {
    let s = state(tx, org).await?;
    Ok(entitlements_of(s, seats_used(tx).await?))
}

fn entitlements_of(s: State, seats_used: u32) -> Entitlements {
    Entitlements {
        plan: s.plan,
        standing: Standing::of(s.status, s.trial_ends_at, s.grace_ends_at, s.now),
        included_seats: s
            .included_seats
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or_else(|| s.plan.included_seats()),
        seats_used,
    }
}

/// Refuses unless `org`'s plan includes `feature`: the server side of every plan gate.
pub async fn require(
    tx: &mut TenantTx,
    org: OrganisationId,
    feature: Feature,
) -> Result<(), AppError> {
    Ok(entitlements(tx, org).await?.allows(feature)?)
}

/// `require` in a transaction of its own, for callers that hold none.
pub async fn require_now(
    ctx: &AppContext,
    org: OrganisationId,
    feature: Feature,
) -> Result<(), AppError> {
    let mut tx = ctx.db.scoped_tx(org).await?;
    require(&mut tx, org, feature).await?;
    tx.commit().await?;
    Ok(())
}

/// Serialises seat changes in one organisation, so two invitations sent at once cannot both
/// take the last included seat. Held until the transaction ends.
async fn lock_seats(tx: &mut TenantTx, org: OrganisationId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended('seats:' || $1, 0))",
        org.0.to_string()
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Admits one more seat (an invitation, or re-enabling a member): refused when the plan cannot
/// grow, and refused unless `extra_seat_confirmed` when it would cost an extra seat (the person
/// was shown the price first). Marks Stripe's seat count as needing an update.
pub async fn admit_seat(
    tx: &mut TenantTx,
    org: OrganisationId,
    extra_seat_confirmed: bool,
) -> Result<(), AppError> {
    lock_seats(tx, org).await?;
    match entitlements(tx, org).await?.new_seat() {
        SeatDecision::Included => {}
        SeatDecision::ExtraSeat { monthly, .. } if !extra_seat_confirmed => {
            return Err(AppError::Conflict {
                message: format!(
                    "Every included seat is taken: this adds an extra seat at {monthly} a month. Confirm to go ahead."
                ),
            })
        }
        SeatDecision::ExtraSeat { .. } => {}
        SeatDecision::Refused(refusal) => return Err(refusal.into()),
    }
    seats_changed(tx).await
}

/// Notes, in the transaction that changes them, that the seat count moved; `sync_seats` after
/// the commit tells Stripe, and a failure leaves the mark for the next attempt.
pub async fn seats_changed(tx: &mut TenantTx) -> Result<(), AppError> {
    sqlx::query!(
        "update subscriptions set seat_sync_pending = true where stripe_subscription_id is not null"
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// What inviting one more person would mean, for the invite form.
pub async fn seat_quote(ctx: &AppContext, viewer: &Viewer) -> Result<SeatQuote, AppError> {
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    let e = entitlements(&mut tx, viewer.organisation_id).await?;
    tx.commit().await?;
    Ok(SeatQuote {
        decision: e.new_seat(),
        seats_used: e.seats_used,
        included_seats: e.included_seats,
    })
}

/// Sets the extra-seat quantity on the Stripe subscription to what is in use now. Holds the
/// subscription row locked across the call, so concurrent syncs run one after another and the
/// last one reads the final count: racing member changes converge on the right quantity.
/// Offline, or before any subscription exists, there is nothing to tell.
pub async fn sync_seats(ctx: &AppContext, org: OrganisationId) -> Result<(), AppError> {
    let Some(stripe) = ctx.billing.stripe() else {
        return Ok(());
    };
    let mut tx = ctx.db.scoped_tx(org).await?;
    let row = sqlx::query!(
        r#"select plan as "plan: Plan", included_seats,
                  stripe_subscription_id as "stripe_subscription_id!", stripe_seat_item_id,
                  stripe_seat_quantity
             from subscriptions where stripe_subscription_id is not null for update"#
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|s| {
        (
            s.plan,
            s.included_seats,
            s.stripe_subscription_id,
            s.stripe_seat_item_id,
            s.stripe_seat_quantity,
        )
    });
    let Some((plan, included, subscription, item, held)) = row else {
        return Ok(());
    };
    let included = included
        .and_then(|n| u32::try_from(n).ok())
        .unwrap_or_else(|| plan.included_seats());
    let wanted = extra_seats(plan, included, seats_used(&mut tx).await?);
    let in_step = i64::from(wanted) == i64::from(held) && (item.is_some() || wanted == 0);
    if !in_step {
        match stripe
            .api
            .set_extra_seats(&subscription, item.as_deref(), wanted)
            .await
        {
            Ok((item, quantity)) => {
                sqlx::query!(
                    "update subscriptions set stripe_seat_item_id = $1, stripe_seat_quantity = $2,
                            seat_sync_pending = false, updated_at = now()",
                    item,
                    i32::try_from(quantity).unwrap_or(i32::MAX),
                )
                .execute(&mut *tx)
                .await?;
            }
            Err(e) => {
                tracing::warn!(organisation = %org, error = %e, "seat count not sent to Stripe; will retry");
                sqlx::query!("update subscriptions set seat_sync_pending = true")
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Err(AppError::Unavailable);
            }
        }
    } else {
        sqlx::query!("update subscriptions set seat_sync_pending = false")
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// After a committed seat change: tell Stripe, without failing the change itself (it is
/// marked pending and retried when the billing page is next read or seats change again).
pub async fn after_seat_change(ctx: &AppContext, org: OrganisationId) {
    let _ = sync_seats(ctx, org).await;
}

pub async fn overview(ctx: &AppContext, viewer: &Viewer) -> Result<BillingOverview, AppError> {
    let org = viewer.organisation_id;
    let mut tx = ctx.db.scoped_tx(org).await?;
    let pending = sqlx::query_scalar!("select seat_sync_pending from subscriptions")
        .fetch_optional(&mut *tx)
        .await?;
    tx.commit().await?;
    if pending == Some(true) {
        after_seat_change(ctx, org).await;
    }

    let mut tx = ctx.db.scoped_tx(org).await?;
    let s = state(&mut tx, org).await?;
    let status = s.status;
    let e = entitlements_of(s, seats_used(&mut tx).await?);
    let subscription = sqlx::query!(
        r#"select s.current_period_end as "renews_at?",
                  coalesce(s.seat_sync_pending, false) as "seat_sync_pending!"
             from (select 1) one left join subscriptions s on true"#
    )
    .fetch_one(&mut *tx)
    .await?;
    let (renews_at, seat_sync_pending) = (subscription.renews_at, subscription.seat_sync_pending);
    let invoices = invoices(&mut tx, 24).await?;
    tx.commit().await?;
    let extra = e.extra_seats();
    Ok(BillingOverview {
        mode: ctx.billing.mode(),
        entitlements: e,
        status,
        extra_seats: extra,
        monthly_total: monthly_total(e.plan, extra),
        renews_at,
        seat_sync_pending,
        invoices,
    })
}

async fn invoices(tx: &mut TenantTx, limit: i64) -> Result<Vec<Invoice>, AppError> {
    let rows = sqlx::query!(
        "select number, status, currency, amount_due, amount_paid, created_at, hosted_url
           from invoices order by created_at desc limit $1",
        limit
    )
    .fetch_all(&mut **tx)
    .await?
    .into_iter()
    .map(|i| {
        (
            i.number,
            i.status,
            i.currency,
            i.amount_due,
            i.amount_paid,
            i.created_at,
            i.hosted_url,
        )
    });
    rows.map(
        |(number, status, currency, due, paid, created_at, hosted_url)| {
            let currency = crate::model::billing::Currency::parse(&currency).ok_or_else(|| {
                super::failure::internal(format!("invoice in unknown currency {currency:?}"))
            })?;
            Ok(Invoice {
                number,
                status,
                amount_due: Money {
                    minor: due,
                    currency,
                },
                amount_paid: Money {
                    minor: paid,
                    currency,
                },
                created_at,
                hosted_url,
            })
        },
    )
    .collect()
}

/// Billing history as CSV, newest first.
pub async fn history_csv(ctx: &AppContext, viewer: &Viewer) -> Result<String, AppError> {
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    require(&mut tx, viewer.organisation_id, Feature::CsvExport).await?;
    let rows = invoices(&mut tx, 10_000).await?;
    tx.commit().await?;
    let mut out = String::from("number,created_at,status,currency,amount_due,amount_paid\r\n");
    for i in rows {
        out.push_str(&csv::line([
            csv::text(&i.number),
            csv::text(&csv::instant(i.created_at)),
            csv::text(&i.status),
            csv::text(i.amount_due.currency.code()),
            decimal(i.amount_due.minor),
            decimal(i.amount_paid.minor),
        ]));
    }
    Ok(out)
}

/// Minor units as a plain decimal (`4900` -> `49.00`): spreadsheets read it as a number.
fn decimal(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// The Stripe customer of `org`, created on first need. Two requests racing create two
/// customers at Stripe; the first stored wins and the other stays unused.
async fn customer(
    ctx: &AppContext,
    stripe: &StripeConnection,
    org: OrganisationId,
    name: &str,
    email: &str,
) -> Result<String, AppError> {
    let existing = sqlx::query_scalar!(
        "select stripe_customer_id from organisations where id = $1",
        org.0
    )
    .fetch_one(ctx.db.pool())
    .await?;
    if let Some(id) = existing {
        return Ok(id);
    }
    let created = stripe
        .api
        .create_customer(&org.to_string(), name, email)
        .await
        .map_err(|e| {
            tracing::warn!(organisation = %org, error = %e, "Stripe customer not created");
            AppError::Unavailable
        })?;
    let stored = sqlx::query_scalar!(
        r#"update organisations set stripe_customer_id = coalesce(stripe_customer_id, $2)
            where id = $1 returning stripe_customer_id as "stripe_customer_id!""#,
        org.0,
        &created,
    )
    .fetch_one(ctx.db.pool())
    .await?;
    Ok(stored)
}

/// Creates `org`'s Stripe customer when an organisation is created. Best effort: checkout
/// creates it if this failed.
pub async fn on_organisation_created(
    ctx: &AppContext,
    org: OrganisationId,
    name: &str,
    email: &str,
) {
    if let Some(stripe) = ctx.billing.stripe() {
        let _ = customer(ctx, stripe, org, name, email).await;
    }
}

/// Moves the organisation to `plan`: Stripe Checkout for a first subscription, the customer
/// portal to switch an existing one (Stripe prorates it there), or at once when offline.
pub async fn choose_plan(
    ctx: &AppContext,
    viewer: &Viewer,
    plan: Plan,
    on_org_host: bool,
    client: &ClientInfo,
) -> Result<Redirect, AppError> {
    let org = viewer.organisation_id;
    if !plan.self_serve() {
        return Err(AppError::Conflict {
            message: "Enterprise plans are arranged with our sales team: email sales@workdesk.example and we'll set it up.".into(),
        });
    }
    let mut tx = ctx.db.scoped_tx(org).await?;
    lock_seats(&mut tx, org).await?;
    let e = entitlements(&mut tx, org).await?;
    e.change_to(plan)?;
    let billing_url = billing_url(ctx, &mut tx, on_org_host).await?;
    let subscribed = sqlx::query_scalar!(
        r#"select stripe_subscription_id as "stripe_subscription_id!" from subscriptions
            where stripe_subscription_id is not null and status <> 'canceled'"#
    )
    .fetch_optional(&mut *tx)
    .await?;
    let extra = extra_seats(plan, plan.included_seats(), e.seats_used);
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        match ctx.billing.mode() {
            BillingMode::Offline => AuditAction::BillingPlanChanged,
            BillingMode::Stripe => AuditAction::BillingCheckoutStarted,
        },
        ("organisation", org.0),
        client,
        serde_json::json!({ "plan": plan.as_str(), "from": e.plan.as_str(), "extra_seats": extra }),
    )
    .await?;
    let Some(stripe) = ctx.billing.stripe() else {
        sqlx::query!(
            "insert into subscriptions as s (organisation_id, plan, status, current_period_end)
             values ($1, $2, 'active', now() + interval '1 month')
             on conflict (organisation_id) do update
                set plan = excluded.plan, status = 'active', trial_ends_at = null,
                    grace_ends_at = null,
                    current_period_end = coalesce(s.current_period_end, excluded.current_period_end),
                    updated_at = now()",
            org.0,
            plan.as_str(),
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        // Same page, same host: offline there is nowhere else to go.
        return Ok(Redirect {
            url: format!("/billing?changed={}", plan.as_str()),
        });
    };
    tx.commit().await?;
    let customer = customer(ctx, stripe, org, &viewer.organisation_name, &viewer.email).await?;
    let result = match subscribed {
        Some(_) => stripe.api.portal(&customer, &billing_url).await,
        None => {
            stripe
                .api
                .checkout(CheckoutRequest {
                    customer: &customer,
                    organisation_id: &org.to_string(),
                    plan,
                    extra_seats: extra,
                    success_url: &format!("{billing_url}?checkout=done"),
                    cancel_url: &format!("{billing_url}?checkout=cancelled"),
                })
                .await
        }
    };
    result.map(|url| Redirect { url }).map_err(|e| {
        tracing::warn!(organisation = %org, error = %e, "Stripe checkout not started");
        AppError::Unavailable
    })
}

/// Stripe's customer portal: payment methods, invoices, cancelling.
pub async fn portal(
    ctx: &AppContext,
    viewer: &Viewer,
    on_org_host: bool,
) -> Result<Redirect, AppError> {
    let Some(stripe) = ctx.billing.stripe() else {
        return Err(AppError::Conflict {
            message: "Billing is in offline mode: there is no payment account to manage.".into(),
        });
    };
    let org = viewer.organisation_id;
    let mut tx = ctx.db.scoped_tx(org).await?;
    let billing_url = billing_url(ctx, &mut tx, on_org_host).await?;
    tx.commit().await?;
    let customer = customer(ctx, stripe, org, &viewer.organisation_name, &viewer.email).await?;
    stripe
        .api
        .portal(&customer, &billing_url)
        .await
        .map(|url| Redirect { url })
        .map_err(|e| {
            tracing::warn!(organisation = %org, error = %e, "Stripe portal not opened");
            AppError::Unavailable
        })
}

/// Where Stripe sends the browser back to: the organisation's own address when the request
/// came through it, else the platform's; from stored settings either way, never from the
/// request's Host header.
async fn billing_url(
    ctx: &AppContext,
    tx: &mut TenantTx,
    on_org_host: bool,
) -> Result<String, sqlx::Error> {
    let site = if on_org_host {
        super::tenancy::site_url(tx, &ctx.public_url, &ctx.base_domain).await?
    } else {
        ctx.public_url.trim_end_matches('/').to_string()
    };
    Ok(format!("{site}/billing"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_amounts_are_plain_decimals() {
        assert_eq!(decimal(4_900), "49.00");
        assert_eq!(decimal(5), "0.05");
        assert_eq!(decimal(-150), "-1.50");
    }

    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(csv::text("INV-1"), "INV-1");
        assert_eq!(csv::text("a,b"), "\"a,b\"");
        assert_eq!(csv::text("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    }
}
