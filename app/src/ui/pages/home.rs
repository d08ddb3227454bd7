use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn HomePage() -> impl IntoView {
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
