//! The ticket list: filters in the URL, so views can be bookmarked and work without script.

use super::bulk_edit::BulkEdit;
use super::saved_views::{SavedViews, SavedViewsData};
use super::ticket_filters::{FilterForm, QuickViews};
use crate::api::tickets::{list_tickets, ticket_choices, BulkUpdateTickets};
use crate::model::billing::Feature;
use crate::model::error::AppError;
use crate::model::tickets::{
    Assignee, Priority, Queue, SortKey, TicketFilter, TicketPage, TicketSort, TicketStatus,
};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::PlanGate;
use crate::ui::components::{
    Badge, Column, EmptyState, PriorityBadge, ResourceSection, SelectOption, SortDirection,
    StatusBadge, Table, Tone,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// The list the viewer last looked at in this tab, so a ticket opened from it can go back to
/// it and step through it. Kept in memory, not the URL: ticket addresses stay clean and
/// shareable, and a ticket opened from elsewhere steps through the whole list.
#[derive(Clone, Copy)]
pub struct LastList(pub RwSignal<Option<TicketFilter>>);

/// For the list page: remembers its filters, without the page position.
fn remember_list(filter: Memo<TicketFilter>) {
    let last = use_context::<LastList>();
    let location = leptos_router::hooks::use_location();
    Effect::new(move |_| {
        // Leaving the list empties its query a moment before the page goes: that is not a
        // list the viewer looked at, and recording it lost their order on the next ticket.
        if location.pathname.get() != "/tickets" {
            return;
        }
        if let Some(last) = last {
            last.0.set(Some(TicketFilter {
                after: None,
                ..filter.get()
            }));
        }
    });
}

pub type Choices = Resource<Result<(Vec<Queue>, Vec<Assignee>), AppError>>;

fn any_option(label: &str) -> SelectOption {
    SelectOption::new("", label)
}

pub fn status_options(any: Option<&str>, statuses: &[TicketStatus]) -> Vec<SelectOption> {
    any.map(any_option)
        .into_iter()
        .chain(
            statuses
                .iter()
                .map(|s| SelectOption::new(s.as_str(), s.label())),
        )
        .collect()
}

pub fn priority_options(any: Option<&str>) -> Vec<SelectOption> {
    any.map(any_option)
        .into_iter()
        .chain(
            Priority::ALL
                .iter()
                .map(|p| SelectOption::new(p.as_str(), p.label())),
        )
        .collect()
}

pub fn queue_options(any: Option<&str>, queues: &[Queue]) -> Vec<SelectOption> {
    any.map(any_option)
        .into_iter()
        .chain(
            queues
                .iter()
                .map(|q| SelectOption::new(q.id.to_string(), q.name.clone())),
        )
        .collect()
}

pub fn assignee_options(none: &str, people: &[Assignee]) -> Vec<SelectOption> {
    std::iter::once(any_option(none))
        .chain(
            people
                .iter()
                .map(|p| SelectOption::new(p.id.0.to_string(), p.name.clone())),
        )
        .collect()
}

/// The headings; each sortable one links to the list ordered by it (its natural way first,
/// the other way when it already orders the list).
fn columns(filter: &TicketFilter) -> Vec<Column> {
    let sortable = |label: &'static str, key: SortKey| {
        let now = filter.sort;
        let (next, direction) = if now.key == key {
            let direction = if now.descending {
                SortDirection::Descending
            } else {
                SortDirection::Ascending
            };
            (now.reversed(), Some(direction))
        } else {
            (TicketSort::by(key), None)
        };
        let href = TicketFilter {
            sort: next,
            after: None,
            ..filter.clone()
        }
        .href(None);
        Column::sortable(label, href, direction)
    };
    vec![
        Column::plain("Select"),
        sortable("Number", SortKey::Number),
        Column::plain("Title"),
        sortable("Status", SortKey::Status),
        sortable("Priority", SortKey::Priority),
        Column::plain("Queue"),
        Column::plain("Assignee"),
        sortable("Due", SortKey::Due),
        sortable("Updated", SortKey::Updated),
    ]
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| TicketFilter::from_query(|k| query.read().get(k)));
    remember_list(filter);
    let bulk = ServerAction::<BulkUpdateTickets>::new();
    let selected = RwSignal::new(Vec::<uuid::Uuid>::new());
    let page = Resource::new(
        move || (filter.get(), bulk.version().get()),
        |(filter, _)| list_tickets(filter),
    );
    let choices: Choices = Resource::new(|| (), |_| ticket_choices());
    let saved_views = SavedViewsData::new();
    // Any change in the organisation may move rows in or out of this page: re-read it.
    crate::ui::live::subscribe(move |_| page.refetch());
    let render = move |page: TicketPage| {
        if page.tickets.is_empty() {
            return view! {
                <EmptyState title="No tickets here" description="Nothing matches these filters yet.">
                    <A href="/tickets/new" attr:class="font-medium text-primary underline">"Create a ticket"</A>
                </EmptyState>
            }
            .into_any();
        }
        let total = page.total_label();
        let next = page
            .next
            .map(|after| filter.with_untracked(|f| f.href(Some(&after))));
        let on_page: Vec<uuid::Uuid> = page.tickets.iter().map(|t| t.id).collect();
        let all_selected = {
            let on_page = on_page.clone();
            move || selected.with(|s| on_page.iter().all(|id| s.contains(id)))
        };
        let toggle_all = {
            let all_selected = all_selected.clone();
            move |_| {
                let everything = all_selected();
                selected.update(|s| {
                    s.retain(|id| !on_page.contains(id));
                    if !everything {
                        s.extend(on_page.iter().copied());
                    }
                });
            }
        };
        view! {
            <p class="text-sm text-muted" data-testid="ticket-total">{total}</p>
            <button type="button" on:click=toggle_all class="self-start rounded-md border border-border px-3 py-1 text-sm text-fg hover:bg-surface">
                {move || if all_selected() { "Clear selection" } else { "Select all on this page" }}
            </button>
            <Table caption="Tickets" headers=filter.with_untracked(columns)>
                {page
                    .tickets
                    .into_iter()
                    .map(|t| {
                        let href = format!("/tickets/{}", t.number);
                        let id = t.id;
                        let label = format!("Select #{} {}", t.number, t.title);
                        view! {
                            <tr data-testid="ticket-row">
                                <td class="px-3 py-2">
                                    <input
                                        type="checkbox"
                                        class="h-4 w-4"
                                        aria-label=label
                                        prop:checked=move || selected.with(|s| s.contains(&id))
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            selected.update(|s| {
                                                s.retain(|x| *x != id);
                                                if on {
                                                    s.push(id);
                                                }
                                            });
                                        }
                                    />
                                </td>
                                <td class="px-3 py-2">{format!("#{}", t.number)}</td>
                                <td class="px-3 py-2">
                                    // A plain link: the router still follows it in the page, and
                                    // a row needs none of `A`'s active-link tracking (fifty
                                    // memos per render; issue 14's profile).
                                    <a href=href class="font-medium text-primary underline">{t.title}</a>
                                </td>
                                <td class="px-3 py-2" data-label="Status"><StatusBadge status=t.status /></td>
                                <td class="px-3 py-2" data-label="Priority"><PriorityBadge priority=t.priority /></td>
                                <td class="px-3 py-2" data-label="Queue">{t.queue}</td>
                                <td class="px-3 py-2" data-label="Assignee">{t.assignee.unwrap_or_else(|| "Unassigned".into())}</td>
                                <td class="px-3 py-2 whitespace-nowrap" data-label="Due">
                                    {t.due_on.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}
                                    {t.overdue.then(|| view! { " " <Badge tone=Tone::Warning label="Overdue" /> })}
                                </td>
                                <td class="px-3 py-2 whitespace-nowrap" data-label="Updated"><Instant at=t.updated_at relative=true /></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Table>
            {next.map(|href| view! {
                <nav aria-label="Ticket pages">
                    <A href=href attr:class="font-medium text-primary underline">"Next page"</A>
                </nav>
            })}
        }
        .into_any()
    };
    view! {
        <Title text="Tickets" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-bold">"Tickets"</h1>
            <div class="flex gap-3">
                <PlanGate feature=Feature::CsvExport inline=true>
                    <a
                        href=move || format!("/tickets/export.csv?{}", filter.get().to_query())
                        download=""
                        // A file, not a page: the router must not try to navigate to it.
                        rel="external"
                        class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline"
                    >
                        "Export CSV"
                    </a>
                </PlanGate>
                <A href="/tickets/new" attr:class="rounded-md bg-primary px-4 py-2 font-medium text-primary-fg no-underline">
                    "New ticket"
                </A>
            </div>
        </div>
        <SignedInOnly>
            <QuickViews filter />
            <SavedViews filter data=saved_views />
            <FilterForm filter choices />
            <BulkEdit selected action=bulk choices />
            <ResourceSection id="ticket-list-heading" title="Results" resource=page render />
        </SignedInOnly>
    }
}
