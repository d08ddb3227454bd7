//! Stripe's webhooks: verified over the raw body before anything else, deduplicated by event
//! id, and applied so that order does not matter: each subscription and invoice row remembers
//! the `created` time of the newest event applied to it, and an older event arriving late
//! changes nothing. Status comes only from subscription events and invoices only from invoice
//! events, so each row follows one stream's clock.

use super::signature::{self, SignatureError};
use super::stripe_api::Prices;
use crate::db::TenantTx;
use crate::model::billing::{Plan, SubscriptionStatus, GRACE_DAYS};
use crate::model::tenancy::OrganisationId;
use crate::{mail, outbox, tenancy, AppContext, Db};
use serde::Deserialize;
use sqlx::PgConnection;
use std::collections::HashMap;
use uuid::Uuid;

/// What became of one delivery. Every outcome but an error answers 2xx, so Stripe stops
/// retrying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Applied,
    /// Already handled: a retry or a replay.
    Duplicate,
    /// Older than the state it would change.
    Stale,
    /// A type billing does not act on.
    Ignored,
    /// About a customer no organisation has.
    Unmatched,
    /// Signed by Stripe but holding values billing cannot store (an id past 255 characters,
    /// a currency that is not three letters, a time past year 9999): recorded and answered
    /// 2xx, since a retry would fail the same way for days.
    Rejected,
}

impl Outcome {
    /// A guarded upsert changed its row (applied), or its guard found newer state (stale).
    fn of_upsert(rows_affected: u64) -> Self {
        if rows_affected == 1 {
            Self::Applied
        } else {
            Self::Stale
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Applied => "applied",
            Self::Duplicate => "duplicate",
            Self::Stale => "stale",
            Self::Ignored => "ignored",
            Self::Unmatched => "unmatched",
            Self::Rejected => "rejected",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error("signature: {0}")]
    Signature(#[from] SignatureError),
    #[error("the body is not a Stripe event: {0}")]
    Unreadable(String),
    #[error("billing is offline: no Stripe keys are configured")]
    Offline,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    created: i64,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

#[derive(Deserialize)]
struct CheckoutSession {
    customer: Option<String>,
    subscription: Option<String>,
    client_reference_id: Option<String>,
    #[serde(default)]
    metadata: HashMap<String, String>,
}

#[derive(Deserialize)]
struct Subscription {
    id: String,
    customer: String,
    status: String,
    trial_end: Option<i64>,
    /// Older API versions put the period on the subscription; newer ones on each item.
    current_period_end: Option<i64>,
    items: List<SubscriptionItem>,
    #[serde(default)]
    metadata: HashMap<String, String>,
}

#[derive(Deserialize)]
struct List<T> {
    data: Vec<T>,
}

#[derive(Deserialize)]
struct SubscriptionItem {
    id: String,
    price: Price,
    quantity: Option<u64>,
    current_period_end: Option<i64>,
}

#[derive(Deserialize)]
struct Price {
    id: String,
}

#[derive(Deserialize)]
struct Invoice {
    id: String,
    customer: String,
    number: Option<String>,
    status: Option<String>,
    currency: String,
    amount_due: i64,
    amount_paid: i64,
    hosted_invoice_url: Option<String>,
    created: i64,
}

/// The events billing acts on, each read once into the fields it uses.
enum Change {
    CheckoutCompleted(CheckoutSession),
    Subscription {
        sub: Subscription,
        deleted: bool,
    },
    Invoice {
        invoice: Invoice,
        paid: bool,
    },
    /// Any other type: acknowledged and recorded, its object never read (so a shape billing
    /// does not know cannot make Stripe retry it forever).
    Other,
}

impl Change {
    fn read(kind: &str, object: &serde_json::Value) -> Result<Self, WebhookError> {
        Ok(match kind {
            "checkout.session.completed" => Self::CheckoutCompleted(typed(object)?),
            "customer.subscription.created" | "customer.subscription.updated" => {
                Self::Subscription {
                    sub: typed(object)?,
                    deleted: false,
                }
            }
            "customer.subscription.deleted" => Self::Subscription {
                sub: typed(object)?,
                deleted: true,
            },
            "invoice.payment_succeeded" | "invoice.payment_failed" => Self::Invoice {
                invoice: typed(object)?,
                paid: kind == "invoice.payment_succeeded",
            },
            _ => Self::Other,
        })
    }

    /// Why this event cannot be stored as it is, if it cannot.
    fn invalid(&self, event_id: &str, created: i64) -> Option<String> {
        let id = |name: &str, value: &str| {
            (value.is_empty() || value.len() > MAX_ID_LEN)
                .then(|| format!("{name} has {} characters", value.len()))
        };
        let instant = |name: &str, secs: Option<i64>| {
            secs.filter(|s| !INSTANT_SECS.contains(s))
                .map(|s| format!("{name} {s} is out of range"))
        };
        id("event id", event_id)
            .or_else(|| instant("created", Some(created)))
            .or_else(|| match self {
                Self::CheckoutCompleted(s) => s
                    .customer
                    .as_deref()
                    .and_then(|c| id("customer", c))
                    .or_else(|| {
                        s.subscription
                            .as_deref()
                            .and_then(|v| id("subscription", v))
                    }),
                Self::Subscription { sub, .. } => id("subscription", &sub.id)
                    .or_else(|| id("customer", &sub.customer))
                    .or_else(|| instant("trial_end", sub.trial_end))
                    .or_else(|| instant("current_period_end", sub.current_period_end))
                    .or_else(|| {
                        sub.items.data.iter().find_map(|i| {
                            id("item", &i.id)
                                .or_else(|| id("price", &i.price.id))
                                .or_else(|| instant("current_period_end", i.current_period_end))
                        })
                    }),
                Self::Invoice { invoice, .. } => id("invoice", &invoice.id)
                    .or_else(|| id("customer", &invoice.customer))
                    .or_else(|| instant("created", Some(invoice.created)))
                    .or_else(|| {
                        let c = &invoice.currency;
                        (c.len() != 3 || !c.bytes().all(|b| b.is_ascii_alphabetic()))
                            .then(|| format!("currency {c:?} is not an ISO 4217 code"))
                    }),
                Self::Other => None,
            })
    }

    /// The customer the event is about, and the organisation its metadata claims.
    fn parties(&self) -> (Option<&str>, Option<&str>) {
        match self {
            Self::CheckoutCompleted(s) => (
                s.customer.as_deref(),
                s.client_reference_id
                    .as_deref()
                    .or(s.metadata.get("organisation_id").map(String::as_str)),
            ),
            Self::Subscription { sub, .. } => (
                Some(sub.customer.as_str()),
                sub.metadata.get("organisation_id").map(String::as_str),
            ),
            Self::Invoice { invoice, .. } => (Some(invoice.customer.as_str()), None),
            Self::Other => (None, None),
        }
    }
}

/// The longest Stripe id stored (Stripe's own are far shorter).
const MAX_ID_LEN: usize = 255;
/// Year 1 to year 9999 in Unix seconds: what a PostgreSQL timestamp holds comfortably.
const INSTANT_SECS: std::ops::RangeInclusive<i64> = -62_135_596_800..=253_402_300_799;

/// The key an event is deduplicated under: its id, or a digest of an id too long to store.
fn event_key(id: &str) -> String {
    if (1..=MAX_ID_LEN).contains(&id.len()) {
        id.to_string()
    } else {
        let digest = <sha2::Sha256 as sha2::Digest>::digest(id.as_bytes());
        format!("sha256:{}", hex_lower(&digest))
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Verifies, deduplicates and applies one delivery. `now` is Unix seconds.
pub async fn handle(
    ctx: &AppContext,
    signature_header: &str,
    body: &[u8],
    now: i64,
) -> Result<Outcome, WebhookError> {
    let Some(stripe) = ctx.billing.stripe() else {
        return Err(WebhookError::Offline);
    };
    signature::verify(&stripe.webhook_secret, signature_header, body, now)?;
    let db = &ctx.db;
    let event: Event =
        serde_json::from_slice(body).map_err(|e| WebhookError::Unreadable(e.to_string()))?;
    let key = event_key(&event.id);
    // A handled type whose object does not read, or reads into values that cannot be stored,
    // is recorded as rejected: Stripe would otherwise retry it for days to the same end.
    let change = Change::read(&event.kind, &event.data.object)
        .map_err(|e| e.to_string())
        .and_then(|change| match change.invalid(&event.id, event.created) {
            Some(why) => Err(why),
            None => Ok(change),
        });
    let change = match change {
        Ok(change) => change,
        Err(why) => {
            tracing::warn!(event = %key, kind = %event.kind, reason = %why, "stripe webhook rejected");
            return record_rejected(db, &key, &event.kind).await;
        }
    };
    let (customer, claimed) = change.parties();
    let organisation = organisation_of(db, customer, claimed).await?;

    // Two deliveries of one event wait for each other in `already_handled`, then the second
    // sees the first.
    let outcome = match organisation {
        None => {
            let mut tx = db.begin().await?;
            if already_handled(&mut tx, &key).await? {
                tx.commit().await?;
                return Ok(Outcome::Duplicate);
            }
            let outcome = match change {
                Change::Other => Outcome::Ignored,
                _ => Outcome::Unmatched,
            };
            record(&mut tx, &key, &event.kind, outcome).await?;
            tx.commit().await?;
            outcome
        }
        Some(org) => {
            let mut tx = db.scoped_tx(org).await?;
            if already_handled(&mut tx, &key).await? {
                tx.commit().await?;
                return Ok(Outcome::Duplicate);
            }
            let outcome = match change {
                Change::Other => Outcome::Ignored,
                Change::CheckoutCompleted(session) => {
                    checkout_completed(&mut tx, org, session, event.created).await?
                }
                Change::Subscription { sub, deleted } => {
                    let was: Option<String> =
                        sqlx::query_scalar("select status from subscriptions for update")
                            .fetch_optional(&mut *tx)
                            .await?;
                    let prices = &stripe.api.prices;
                    let outcome =
                        subscription_changed(&mut tx, org, prices, sub, event.created, deleted)
                            .await?;
                    if !deleted && outcome == Outcome::Applied && was.as_deref() != Some("past_due")
                    {
                        tell_admins_if_past_due(ctx, &mut tx, org).await?;
                    }
                    outcome
                }
                Change::Invoice { invoice, paid } => {
                    invoice_changed(&mut tx, org, invoice, event.created, paid).await?
                }
            };
            record(&mut tx, &key, &event.kind, outcome).await?;
            tx.commit().await?;
            outcome
        }
    };
    tracing::info!(event = %key, kind = %event.kind, outcome = outcome.as_str(), "stripe webhook");
    Ok(outcome)
}

/// Waits for any other delivery of the same event, then says whether it was handled.
async fn already_handled(tx: &mut PgConnection, key: &str) -> Result<bool, sqlx::Error> {
    sqlx::query("select pg_advisory_xact_lock(hashtextextended('stripe-event:' || $1, 0))")
        .bind(key)
        .execute(&mut *tx)
        .await?;
    sqlx::query_scalar("select exists (select 1 from stripe_events where id = $1)")
        .bind(key)
        .fetch_one(&mut *tx)
        .await
}

async fn record(
    tx: &mut PgConnection,
    key: &str,
    kind: &str,
    outcome: Outcome,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into stripe_events (id, type, outcome) values ($1, left($2, 100), $3)")
        .bind(key)
        .bind(kind)
        .bind(outcome.as_str())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Records a delivery billing cannot apply, once.
async fn record_rejected(db: &Db, key: &str, kind: &str) -> Result<Outcome, WebhookError> {
    let mut tx = db.begin().await?;
    if already_handled(&mut tx, key).await? {
        tx.commit().await?;
        return Ok(Outcome::Duplicate);
    }
    record(&mut tx, key, kind, Outcome::Rejected).await?;
    tx.commit().await?;
    Ok(Outcome::Rejected)
}

fn typed<T: serde::de::DeserializeOwned>(object: &serde_json::Value) -> Result<T, WebhookError> {
    T::deserialize(object).map_err(|e| WebhookError::Unreadable(e.to_string()))
}

/// The organisation an event is about: the one holding its customer id; else the one its
/// metadata names, if that organisation has no customer yet (then the customer becomes its).
/// Metadata never moves a customer that belongs to another organisation.
async fn organisation_of(
    db: &Db,
    customer: Option<&str>,
    claimed: Option<&str>,
) -> Result<Option<OrganisationId>, sqlx::Error> {
    if let Some(customer) = customer {
        let owner: Option<Uuid> =
            sqlx::query_scalar("select id from organisations where stripe_customer_id = $1")
                .bind(customer)
                .fetch_optional(db.pool())
                .await?;
        if let Some(owner) = owner {
            return Ok(Some(OrganisationId(owner)));
        }
    }
    let Some(claimed) = claimed.and_then(|c| Uuid::parse_str(c).ok()) else {
        return Ok(None);
    };
    let claimed_row: Option<Option<String>> =
        sqlx::query_scalar("select stripe_customer_id from organisations where id = $1")
            .bind(claimed)
            .fetch_optional(db.pool())
            .await?;
    match (claimed_row, customer) {
        (Some(None), Some(customer)) => {
            let linked = sqlx::query(
                "update organisations set stripe_customer_id = $2
                  where id = $1 and stripe_customer_id is null",
            )
            .bind(claimed)
            .bind(customer)
            .execute(db.pool())
            .await?
            .rows_affected();
            Ok((linked == 1).then_some(OrganisationId(claimed)))
        }
        _ => Ok(None),
    }
}

async fn checkout_completed(
    tx: &mut TenantTx,
    org: OrganisationId,
    session: CheckoutSession,
    created: i64,
) -> Result<Outcome, sqlx::Error> {
    let Some(subscription) = session.subscription else {
        return Ok(Outcome::Ignored);
    };
    let plan = session
        .metadata
        .get("plan")
        .and_then(|p| Plan::parse(p))
        .unwrap_or(Plan::Starter);
    let changed = sqlx::query(
        "insert into subscriptions as s
                (organisation_id, plan, status, stripe_subscription_id, stripe_state_at)
         values ($1, $2, 'active', $3, to_timestamp($4))
         on conflict (organisation_id) do update
            set plan = excluded.plan, status = excluded.status,
                stripe_subscription_id = excluded.stripe_subscription_id,
                stripe_seat_item_id = case when s.stripe_subscription_id = excluded.stripe_subscription_id
                                           then s.stripe_seat_item_id end,
                trial_ends_at = null, grace_ends_at = null,
                stripe_state_at = excluded.stripe_state_at, updated_at = now()
          where s.stripe_state_at is null or s.stripe_state_at <= excluded.stripe_state_at",
    )
    .bind(org.0)
    .bind(plan.as_str())
    .bind(&subscription)
    .bind(created as f64)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(Outcome::of_upsert(changed))
}

async fn subscription_changed(
    tx: &mut TenantTx,
    org: OrganisationId,
    prices: &Prices,
    sub: Subscription,
    created: i64,
    deleted: bool,
) -> Result<Outcome, sqlx::Error> {
    let Some(status) = SubscriptionStatus::parse(&sub.status) else {
        return Ok(Outcome::Ignored);
    };
    let status = if deleted {
        SubscriptionStatus::Canceled
    } else {
        status
    };
    let plan = sub
        .items
        .data
        .iter()
        .find_map(|i| prices.plan_of(&i.price.id))
        .or_else(|| sub.metadata.get("plan").and_then(|p| Plan::parse(p)));
    let seat_item = sub
        .items
        .data
        .iter()
        .find(|i| i.price.id == prices.extra_seat);
    let period_end = sub
        .current_period_end
        .or_else(|| sub.items.data.iter().find_map(|i| i.current_period_end));
    // A deleted subscription that is no longer the organisation's (replaced by a new checkout)
    // must not cancel the one that replaced it.
    let changed = sqlx::query(
        "insert into subscriptions as s
                (organisation_id, plan, status, trial_ends_at, current_period_end, grace_ends_at,
                 stripe_subscription_id, stripe_seat_item_id, stripe_seat_quantity, stripe_state_at)
         values ($1, coalesce($2, 'starter'), $3, to_timestamp($4), to_timestamp($5),
                 case when $3 = 'past_due' then now() + make_interval(days => $10) end,
                 $6, $7, coalesce($8, 0), to_timestamp($9))
         on conflict (organisation_id) do update
            set plan = coalesce($2, s.plan), status = excluded.status,
                trial_ends_at = excluded.trial_ends_at,
                current_period_end = excluded.current_period_end,
                grace_ends_at = case when excluded.status = 'past_due'
                                     then coalesce(s.grace_ends_at, excluded.grace_ends_at) end,
                stripe_subscription_id = excluded.stripe_subscription_id,
                stripe_seat_item_id = excluded.stripe_seat_item_id,
                stripe_seat_quantity = excluded.stripe_seat_quantity,
                stripe_state_at = excluded.stripe_state_at, updated_at = now()
          where (s.stripe_state_at is null or s.stripe_state_at <= excluded.stripe_state_at)
            and not ($11 and s.stripe_subscription_id is distinct from excluded.stripe_subscription_id)",
    )
    .bind(org.0)
    .bind(plan.map(Plan::as_str))
    .bind(status.as_str())
    .bind(sub.trial_end.map(|t| t as f64))
    .bind(period_end.map(|t| t as f64))
    .bind(&sub.id)
    .bind(seat_item.map(|i| i.id.clone()))
    .bind(seat_item.and_then(|i| i.quantity).map(|q| q.min(i32::MAX as u64) as i32))
    .bind(created as f64)
    .bind(GRACE_DAYS as i32)
    .bind(deleted)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(Outcome::of_upsert(changed))
}

/// Emails every active admin when the subscription has just become past due: the grace
/// period has started and someone must update the card. Through the outbox, in the event's
/// transaction, so a rolled-back event sends nothing.
async fn tell_admins_if_past_due(
    ctx: &AppContext,
    tx: &mut TenantTx,
    org: OrganisationId,
) -> Result<(), sqlx::Error> {
    let grace: Option<i64> = sqlx::query_scalar(
        "select extract(epoch from grace_ends_at)::bigint from subscriptions
          where status = 'past_due'",
    )
    .fetch_optional(&mut **tx)
    .await?
    .flatten();
    let Some(grace) = grace else {
        return Ok(());
    };
    let organisation: String = sqlx::query_scalar("select name from organisations where id = $1")
        .bind(org.0)
        .fetch_one(&mut **tx)
        .await?;
    let admins: Vec<(String, String)> = sqlx::query_as(
        "select u.email, u.name from memberships m join users u on u.id = m.user_id
          where m.role = 'admin' and m.status = 'active'",
    )
    .fetch_all(&mut **tx)
    .await?;
    let site = tenancy::site_url(tx, &ctx.public_url, &ctx.base_domain).await?;
    let until = crate::model::billing::day_of(grace);
    for (email, name) in admins {
        let message = mail::payment_failed(
            &email,
            &name,
            &organisation,
            &until,
            &format!("{site}/billing"),
        );
        outbox::enqueue_email(tx, &message).await?;
    }
    Ok(())
}

/// Records the invoice for the billing page. The subscription's status is left to Stripe's
/// subscription events (a failed renewal also sends `customer.subscription.updated` with
/// `past_due`), so two event streams never race over one field.
async fn invoice_changed(
    tx: &mut TenantTx,
    org: OrganisationId,
    invoice: Invoice,
    created: i64,
    paid: bool,
) -> Result<Outcome, sqlx::Error> {
    let status = invoice
        .status
        .unwrap_or_else(|| if paid { "paid" } else { "open" }.into());
    let changed = sqlx::query(
        "insert into invoices as i
                (organisation_id, id, stripe_invoice_id, number, status, currency, amount_due,
                 amount_paid, hosted_url, created_at, stripe_state_at)
         values ($1, $2, $3, left($4, 100), left($5, 40), upper($6), $7, $8, left($9, 2000),
                 to_timestamp($10), to_timestamp($11))
         on conflict (organisation_id, stripe_invoice_id) do update
            set number = excluded.number, status = excluded.status,
                amount_due = excluded.amount_due, amount_paid = excluded.amount_paid,
                hosted_url = excluded.hosted_url, stripe_state_at = excluded.stripe_state_at
          where i.stripe_state_at <= excluded.stripe_state_at",
    )
    .bind(org.0)
    .bind(Uuid::now_v7())
    .bind(&invoice.id)
    .bind(invoice.number.as_deref().unwrap_or(&invoice.id))
    .bind(&status)
    .bind(&invoice.currency)
    .bind(invoice.amount_due)
    .bind(invoice.amount_paid)
    .bind(
        invoice
            .hosted_invoice_url
            .filter(|u| u.starts_with("https://")),
    )
    .bind(invoice.created as f64)
    .bind(created as f64)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(Outcome::of_upsert(changed))
}
