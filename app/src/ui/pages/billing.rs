//! Billing, for admins: plan and standing, seats, the monthly bill, plan changes, Stripe's
//! portal, invoices and their CSV. And the public pricing page, from the same price table.

use crate::api::billing::{get_billing_overview, BillingPortal, ChoosePlan};
use crate::model::billing::{
    day_of, BillingMode, BillingOverview, Feature, Invoice, Plan, Redirect, Standing,
    EXTRA_SEAT_PRICE, TRIAL_DAYS,
};
use crate::model::error::AppError;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::{
    Button, ButtonVariant, ConfirmSubmit, EmptyState, FormError, ResourceSection, Table,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Sends the browser to where a billing action answered: Stripe's hosted pages are another
/// site, so this is a full navigation, not a router one.
fn follow_redirects(value: impl Get<Value = Option<Result<Redirect, AppError>>> + 'static) {
    Effect::new(move |_| {
        if let Some(Ok(r)) = value.get() {
            let _ = window().location().set_href(&r.url);
        }
    });
}

#[component]
pub fn BillingPage() -> impl IntoView {
    let choose = ServerAction::<ChoosePlan>::new();
    let portal = ServerAction::<BillingPortal>::new();
    follow_redirects(choose.value());
    follow_redirects(portal.value());
    let overview = Resource::new(move || choose.version().get(), |_| get_billing_overview());
    let error = Signal::derive(move || {
        choose
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| portal.value().get().and_then(Result::err))
    });
    let render = move |o: BillingOverview| view! { <Overview o choose portal /> };
    view! {
        <Title text="Billing" />
        <h1 class="text-2xl font-bold">"Billing"</h1>
        <SignedInOnly>
            <div class="mt-4" aria-live="polite">
                <FormError error fields=&[] />
            </div>
            <ResourceSection id="plan-heading" title="Your plan" resource=overview render />
        </SignedInOnly>
    }
}

#[component]
fn Overview(
    o: BillingOverview,
    choose: ServerAction<ChoosePlan>,
    portal: ServerAction<BillingPortal>,
) -> impl IntoView {
    let e = o.entitlements;
    let offline = o.mode == BillingMode::Offline;
    let csv_allowed = e.allows(Feature::CsvExport).is_ok();
    view! {
        {offline.then(|| view! {
            <p role="note" data-testid="billing-offline" class="rounded-md border border-border bg-surface px-4 py-3">
                <strong>"Offline mode. "</strong>
                "No payment provider is connected: plan changes apply at once, and nothing is charged."
            </p>
        })}
        <StandingBanner standing=e.standing />
        {o.seat_sync_pending.then(|| view! {
            <p role="status" class="text-muted">"A seat change is waiting to reach the payment provider; it is retried automatically."</p>
        })}
        <dl class="grid max-w-xl grid-cols-[auto_1fr] gap-x-6 gap-y-2" data-testid="billing-summary">
            <dt class="font-medium">"Plan"</dt>
            <dd data-testid="billing-plan">{e.plan.label()}</dd>
            <dt class="font-medium">"Status"</dt>
            <dd>{status_text(e.standing)}</dd>
            <dt class="font-medium">"Seats"</dt>
            <dd data-testid="billing-seats">
                {format!("{} used of {} included", e.seats_used, e.included_seats)}
            </dd>
            <dt class="font-medium">"Extra seats"</dt>
            <dd data-testid="billing-extra-seats">
                {if e.plan.allows_extra_seats() {
                    format!("{} at {EXTRA_SEAT_PRICE} a month each", o.extra_seats)
                } else {
                    "Not available on this plan".to_string()
                }}
            </dd>
            <dt class="font-medium">"Monthly total"</dt>
            <dd data-testid="billing-total">
                {o.monthly_total.map(|m| m.to_string()).unwrap_or_else(|| "By contract".into())}
            </dd>
            <dt class="font-medium">"Next renewal"</dt>
            <dd>{match o.renews_at { Some(at) => view! { <Instant at /> }.into_any(), None => "None scheduled".into_any() }}</dd>
        </dl>
        <div class="flex flex-wrap gap-3">
            {(!offline).then(|| view! {
                <ActionForm action=portal>
                    <Button submit=true variant=ButtonVariant::Secondary pending=portal.pending()>
                        "Manage payment details"
                    </Button>
                </ActionForm>
            })}
            {if csv_allowed {
                view! {
                    <a href="/billing/history.csv" download="" rel="external"
                        class="inline-flex items-center rounded-md border border-border px-4 py-2 text-sm font-medium text-fg">
                        "Download billing history (CSV)"
                    </a>
                }
                .into_any()
            } else {
                view! { <p class="text-muted">"CSV export comes with Starter and above."</p> }.into_any()
            }}
        </div>
        <section aria-labelledby="plans-heading" class="mt-6 flex flex-col gap-4">
            <h2 id="plans-heading" class="text-xl font-semibold">"Change plan"</h2>
            <PlanCards current=Some(e.plan) choose=Some(choose) />
        </section>
        <Invoices invoices=o.invoices />
    }
}

#[component]
fn StandingBanner(standing: Standing) -> impl IntoView {
    let class = "rounded-md border px-4 py-3";
    match standing {
        Standing::Trial { ends_at } => view! {
            <p role="status" data-testid="billing-trial" class=format!("{class} border-border bg-surface")>
                {format!("Your free trial ends on {}. Choose a plan to keep using paid features.", day_of(ends_at))}
            </p>
        }
        .into_any(),
        Standing::Grace { until } => view! {
            <p role="alert" data-testid="billing-past-due" class=format!("{class} border-danger text-danger")>
                {format!("Your last payment failed. Update your payment details by {} to keep your plan's features.", day_of(until))}
            </p>
        }
        .into_any(),
        Standing::Lapsed => view! {
            <p role="alert" data-testid="billing-lapsed" class=format!("{class} border-danger text-danger")>
                "Your subscription is not active. Your work is safe, but paid features and new members are off until you choose a plan."
            </p>
        }
        .into_any(),
        Standing::Paid => ().into_any(),
    }
}

fn status_text(standing: Standing) -> String {
    match standing {
        Standing::Trial { ends_at } => format!("Trial until {}", day_of(ends_at)),
        Standing::Paid => "Active".into(),
        Standing::Grace { until } => {
            format!("Payment failed: grace period until {}", day_of(until))
        }
        Standing::Lapsed => "Not active".into(),
    }
}

/// The price table: with `choose`, each card offers a switch to its plan.
#[component]
fn PlanCards(current: Option<Plan>, choose: Option<ServerAction<ChoosePlan>>) -> impl IntoView {
    view! {
        <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" aria-label="Plans">
            {Plan::ALL
                .into_iter()
                .map(|plan| {
                    let heading = format!("plan-{}", plan.as_str());
                    let price = plan
                        .monthly_price()
                        .map(|m| format!("{m} a month"))
                        .unwrap_or_else(|| "Custom pricing".into());
                    let seats = match plan {
                        Plan::Individual => "1 person".to_string(),
                        Plan::Enterprise => "Seats by contract".to_string(),
                        p => format!("{} seats included", p.included_seats()),
                    };
                    let extra = if plan.allows_extra_seats() {
                        format!("Extra seats {EXTRA_SEAT_PRICE} per user a month")
                    } else {
                        "No extra seats".to_string()
                    };
                    let labelled_by = heading.clone();
                    view! {
                        <li aria-labelledby=labelled_by data-testid="plan-card"
                            class="flex flex-col gap-2 rounded-lg border border-border bg-surface-raised p-4">
                            <h3 id=heading class="text-lg font-semibold">{plan.label()}</h3>
                            <p class="text-xl font-bold">{price}</p>
                            <p>{seats}</p>
                            <p class="text-muted">{extra}</p>
                            <ul class="list-disc pl-5">
                                {Feature::ALL
                                    .into_iter()
                                    .filter(|f| plan.includes(*f))
                                    .map(|f| view! { <li>{f.label()}</li> })
                                    .collect_view()}
                            </ul>
                            <PlanAction plan current choose />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[component]
fn PlanAction(
    plan: Plan,
    current: Option<Plan>,
    choose: Option<ServerAction<ChoosePlan>>,
) -> impl IntoView {
    let Some(choose) = choose else {
        return ().into_any();
    };
    if current == Some(plan) {
        return view! { <p class="mt-auto font-medium" data-testid="current-plan">"Your current plan"</p> }.into_any();
    }
    if !plan.self_serve() {
        return view! {
            <a href="mailto:sales@workdesk.example?subject=Enterprise%20plan" rel="external"
                class="mt-auto font-medium text-primary underline">
                "Contact sales"
            </a>
        }
        .into_any();
    }
    let downgrade = current.is_some_and(|c| !plan.is_upgrade_from(c));
    let verb = match current {
        Some(_) if downgrade => "Downgrade to",
        Some(_) => "Upgrade to",
        None => "Choose",
    };
    let label = format!("{verb} {}", plan.label());
    view! {
        <ActionForm action=choose attr:class="mt-auto">
            <input type="hidden" name="plan" value=plan.as_str() />
            // A downgrade takes features and seats away from everyone: it asks first.
            {if downgrade {
                view! {
                    <ConfirmSubmit
                        id=format!("downgrade-{}", plan.as_str())
                        label=label.clone()
                        title=format!("Move to {}?", plan.label())
                        consequence=format!(
                            "Everything {} does not include stops at once for the whole organisation: features beyond it are locked and seats beyond its limit can't be filled. You can upgrade again at any time.",
                            plan.label()
                        )
                        confirm=label
                        pending=choose.pending()
                    />
                }
                .into_any()
            } else {
                view! { <Button submit=true pending=choose.pending()>{label}</Button> }.into_any()
            }}
        </ActionForm>
    }
    .into_any()
}

#[component]
fn Invoices(invoices: Vec<Invoice>) -> impl IntoView {
    view! {
        <section aria-labelledby="invoices-heading" class="mt-6 flex flex-col gap-4">
            <h2 id="invoices-heading" class="text-xl font-semibold">"Invoices"</h2>
            {if invoices.is_empty() {
                view! { <EmptyState title="No invoices yet" description="Invoices appear here once the payment provider issues them." /> }.into_any()
            } else {
                view! {
                    <Table caption="Invoices" headers=vec!["Number", "Date", "Status", "Amount", "Paid"]>
                        {invoices
                            .into_iter()
                            .map(|i| view! {
                                <tr data-testid="invoice-row">
                                    <td class="px-3 py-2">
                                        {match i.hosted_url.clone() {
                                            Some(url) => view! { <a href=url rel="external noopener" class="text-primary underline">{i.number.clone()}</a> }.into_any(),
                                            None => view! { <span>{i.number.clone()}</span> }.into_any(),
                                        }}
                                    </td>
                                    <td class="px-3 py-2 whitespace-nowrap"><Instant at=i.created_at /></td>
                                    <td class="px-3 py-2">{i.status.clone()}</td>
                                    <td class="px-3 py-2">{i.amount_due.to_string()}</td>
                                    <td class="px-3 py-2">{i.amount_paid.to_string()}</td>
                                </tr>
                            })
                            .collect_view()}
                    </Table>
                }
                .into_any()
            }}
        </section>
    }
}

/// The public price list.
#[component]
pub fn PricingPage() -> impl IntoView {
    view! {
        <Title text="Pricing" />
        <h1 class="text-2xl font-bold">"Pricing"</h1>
        <p class="mt-2 max-w-2xl text-muted">
            {format!("Every organisation starts with a {TRIAL_DAYS}-day free trial of Pro. Prices are per month, in pounds sterling.")}
        </p>
        <section aria-labelledby="pricing-plans-heading" class="mt-6 flex flex-col gap-4">
            <h2 id="pricing-plans-heading" class="text-xl font-semibold">"Monthly plans"</h2>
            <PlanCards current=None choose=None />
        </section>
        <p class="mt-6">
            <A href="/signup" attr:class="font-medium text-primary underline">"Start your free trial"</A>
        </p>
    }
}
