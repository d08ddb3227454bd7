//! The home page: for a signed-in member, their work and what needs someone (and, while the
//! organisation is new, the steps to set it up); for a visitor, what Workdesk is.

use crate::api::home::get_home;
use crate::model::format::thousands;
use crate::model::home::HomeSummary;
use crate::model::identity::Viewer;
use crate::model::tickets::{TicketFilter, COUNT_CAP};
use crate::ui::auth::use_auth;
use crate::ui::components::{ErrorNotice, PriorityBadge, StatusBadge};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
    let auth = use_auth();
    view! {
        <Suspense>
            {move || {
                auth.viewer.get().map(|v| match v.ok().flatten() {
                    Some(viewer) => view! { <MemberHome viewer /> }.into_any(),
                    None => view! { <Welcome /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

fn count(n: i64) -> String {
    if n > COUNT_CAP {
        format!("{}+", thousands(COUNT_CAP))
    } else {
        thousands(n)
    }
}

#[component]
fn MemberHome(viewer: Viewer) -> impl IntoView {
    let home = Resource::new(|| (), |_| get_home());
    crate::ui::live::subscribe(move |_| home.refetch());
    let first_name = viewer
        .name
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    view! {
        <Title text="Home" />
        <h1 class="text-2xl font-bold">{format!("Hello, {first_name}")}</h1>
        <p class="text-muted" data-testid="home-organisation">{viewer.organisation_name}</p>
        <Suspense fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
            {move || home.get().map(|r| match r {
                Ok(h) => view! { <Summary home=h /> }.into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Summary(home: HomeSummary) -> impl IntoView {
    let href = |filter: TicketFilter| filter.href(None);
    let (mine, unassigned, overdue) = (
        TicketFilter::mine(),
        TicketFilter::unassigned(),
        TicketFilter::overdue(),
    );
    let setup = home.setup;
    let tile = "flex flex-col rounded-lg border border-border bg-surface-raised p-4 text-fg no-underline hover:border-primary";
    view! {
        {(!setup.complete()).then(|| view! { <GettingStarted setup /> })}
        <section aria-labelledby="needs-heading" class="mt-8">
            <h2 id="needs-heading" class="mb-3 text-xl font-semibold">"What needs someone"</h2>
            <ul class="grid gap-4 sm:grid-cols-3">
                <li><a href=href(mine.clone()) class=tile data-testid="home-mine"><span class="text-3xl font-bold">{count(home.mine_open)}</span>" open and assigned to you"</a></li>
                <li><a href=href(unassigned) class=tile data-testid="home-unassigned"><span class="text-3xl font-bold">{count(home.unassigned_open)}</span>" open and unassigned"</a></li>
                <li><a href=href(overdue) class=tile data-testid="home-overdue"><span class="text-3xl font-bold">{count(home.overdue)}</span>" overdue"</a></li>
            </ul>
        </section>
        <section aria-labelledby="mine-heading" class="mt-8 flex flex-col gap-3">
            <h2 id="mine-heading" class="text-xl font-semibold">"Your open tickets"</h2>
            {home.mine.is_empty().then(|| view! { <p class="text-muted">"Nothing is assigned to you. "<A href=TicketFilter::unassigned().href(None) attr:class="font-medium text-primary underline">"Take an unassigned ticket"</A></p> })}
            <ul class="flex flex-col divide-y divide-border rounded-md border border-border">
                {home.mine.into_iter().map(|t| view! {
                    <li class="flex flex-wrap items-center gap-3 px-3 py-2" data-testid="home-ticket">
                        <a href=format!("/tickets/{}", t.number) class="font-medium text-primary underline">{format!("#{} {}", t.number, t.title)}</a>
                        <StatusBadge status=t.status />
                        <PriorityBadge priority=t.priority />
                    </li>
                }).collect_view()}
            </ul>
            <p><a href=href(mine) class="font-medium text-primary underline">"All your open tickets"</a></p>
        </section>
    }
}

/// The steps a new organisation takes, ticked off from what it has; gone once all are done.
#[component]
fn GettingStarted(setup: crate::model::home::Setup) -> impl IntoView {
    let steps = [
        (
            setup.queue_created,
            "Create a queue for a kind of work",
            "/queues",
            "Queues",
        ),
        (
            setup.team_invited,
            "Invite your team",
            "/members",
            "Members",
        ),
        (
            setup.ticket_created,
            "Create your first ticket",
            "/tickets/new",
            "New ticket",
        ),
    ];
    let done = steps.iter().filter(|s| s.0).count();
    view! {
        <section aria-labelledby="setup-heading" class="mt-8 rounded-lg border border-border p-4">
            <h2 id="setup-heading" class="text-xl font-semibold">"Getting started"</h2>
            <p class="text-sm text-muted" data-testid="setup-progress">{format!("{done} of {} done", steps.len())}</p>
            <ol class="mt-3 flex flex-col gap-2">
                {steps.into_iter().map(|(is_done, what, href, go)| view! {
                    <li class="flex flex-wrap items-center gap-3" data-testid="setup-step">
                        <span aria-hidden="true" class="font-bold" class:text-success=is_done>{if is_done { "✓" } else { "○" }}</span>
                        <span class:line-through=is_done>{what}</span>
                        <span class="sr-only">{if is_done { "(done)" } else { "(to do)" }}</span>
                        {(!is_done).then(|| view! { <A href=href attr:class="font-medium text-primary underline">{go}</A> })}
                    </li>
                }).collect_view()}
                <li class="flex flex-wrap items-center gap-3 text-muted">
                    <span aria-hidden="true">"○"</span>
                    "Connect a support email address: coming with email in and out"
                </li>
            </ol>
        </section>
    }
}

/// What Workdesk is, for a visitor.
#[component]
fn Welcome() -> impl IntoView {
    let areas = [
        (
            "Helpdesk",
            "Queues, tickets, comments, attachments, inspections and approvals.",
        ),
        (
            "Workflows",
            "JSON-defined workflows with SLAs that escalate before they are breached.",
        ),
        (
            "Projects",
            "Projects and tasks with dependencies, time tracking and timesheets.",
        ),
        (
            "Billing",
            "Plans and seats through Stripe, with entitlements enforced everywhere.",
        ),
        (
            "White label",
            "Partners run organisations on their own domains with their own brand.",
        ),
        (
            "Isolation",
            "Every organisation's data is fenced twice: in the app and by the database.",
        ),
    ];
    view! {
        <Title text="" />
        <section class="flex flex-col gap-4">
            <h1 class="text-3xl font-bold tracking-tight">"Work, tickets, time and billing in one place"</h1>
            <p class="max-w-prose text-lg text-muted">
                "Workdesk is a fast, self-hostable work-management platform for teams and the partners who serve them."
            </p>
            <p>
                <A href="/status" attr:class="font-medium text-primary underline">
                    "See the service status"
                </A>
            </p>
        </section>
        <section aria-labelledby="areas-heading" class="mt-10">
            <h2 id="areas-heading" class="mb-4 text-xl font-semibold">"What it covers"</h2>
            <ul class="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
                {areas
                    .into_iter()
                    .map(|(name, text)| {
                        view! {
                            <li class="rounded-lg border border-border bg-surface-raised p-4">
                                <h3 class="font-semibold">{name}</h3>
                                <p class="mt-1 text-sm text-muted">{text}</p>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
