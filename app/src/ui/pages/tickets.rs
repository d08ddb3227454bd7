//! The ticket list (filters in the URL, so views can be bookmarked and work without script)
//! and the new-ticket form.

use super::bulk_edit::BulkEdit;
use super::saved_views::{SavedViews, SavedViewsData};
use crate::api::tickets::{list_tickets, ticket_choices, BulkUpdateTickets, CreateTicket};
use crate::model::billing::Feature;
use crate::model::error::AppError;
use crate::model::tickets::{
    Assignee, Priority, Queue, TicketFilter, TicketPage, TicketSort, TicketStatus,
};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::PlanGate;
use crate::ui::components::{
    action_error, field_error, Badge, Button, Column, EmptyState, FormError, FormToken,
    PriorityBadge, ResourceSection, Select, SelectOption, SortDirection, StatusBadge, Table,
    TextArea, TextField, Tone,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

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

/// The headings, the number and the last update ordering the list from a link.
fn columns(filter: &TicketFilter) -> Vec<Column> {
    let sorted = |sort: TicketSort| {
        TicketFilter {
            sort,
            after: None,
            ..filter.clone()
        }
        .href(None)
    };
    // Numbers are given in order, so newest and oldest are the number column's two ways.
    let (number_next, number_now) = match filter.sort {
        TicketSort::Newest => (TicketSort::Oldest, Some(SortDirection::Descending)),
        TicketSort::Oldest => (TicketSort::Newest, Some(SortDirection::Ascending)),
        TicketSort::RecentlyUpdated => (TicketSort::Newest, None),
    };
    let updated_now =
        (filter.sort == TicketSort::RecentlyUpdated).then_some(SortDirection::Descending);
    vec![
        Column::plain("Select"),
        Column::sortable("Number", sorted(number_next), number_now),
        Column::plain("Title"),
        Column::plain("Status"),
        Column::plain("Priority"),
        Column::plain("Queue"),
        Column::plain("Assignee"),
        Column::plain("Due"),
        Column::sortable("Updated", sorted(TicketSort::RecentlyUpdated), updated_now),
    ]
}

#[component]
pub fn TicketsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| TicketFilter::from_query(|k| query.read().get(k)));
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
                                <td class="px-3 py-2"><StatusBadge status=t.status /></td>
                                <td class="px-3 py-2"><PriorityBadge priority=t.priority /></td>
                                <td class="px-3 py-2">{t.queue}</td>
                                <td class="px-3 py-2">{t.assignee.unwrap_or_else(|| "Unassigned".into())}</td>
                                <td class="px-3 py-2 whitespace-nowrap">
                                    {t.due_on.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}
                                    {t.overdue.then(|| view! { " " <Badge tone=Tone::Warning label="Overdue" /> })}
                                </td>
                                <td class="px-3 py-2 whitespace-nowrap"><Instant at=t.updated_at /></td>
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
            <SavedViews filter data=saved_views />
            <FilterForm filter choices />
            <BulkEdit selected action=bulk choices />
            <ResourceSection id="ticket-list-heading" title="Results" resource=page render />
        </SignedInOnly>
    }
}

/// The filters, applied as they change (the search as you pause typing), each change a clean
/// URL of its own so Back steps through them. Without script the form is an ordinary GET
/// form with an Apply button.
#[component]
fn FilterForm(filter: Memo<TicketFilter>, choices: Choices) -> impl IntoView {
    let f = filter.get_untracked();
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    #[cfg(feature = "hydrate")]
    let (on_change, on_input, on_submit) = {
        let navigate = leptos_router::hooks::use_navigate();
        let typed = StoredValue::new(0u32);
        let (n1, n2, n3) = (navigate.clone(), navigate.clone(), navigate);
        (
            move |ev: leptos::ev::Event| {
                if let Some(form) = form_of(&ev) {
                    apply(&form, false, &n1);
                }
            },
            move |ev: leptos::ev::Event| {
                // Selects say `change` as well; only the search waits for a pause.
                if !is_search(&ev) {
                    return;
                }
                let Some(form) = form_of(&ev) else { return };
                let turn = typed.get_value().wrapping_add(1);
                typed.set_value(turn);
                let navigate = n2.clone();
                set_timeout(
                    move || {
                        if typed.get_value() == turn {
                            apply(&form, true, &navigate);
                        }
                    },
                    std::time::Duration::from_millis(250),
                );
            },
            move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                if let Some(form) = form_of(&ev) {
                    apply(&form, false, &n3);
                }
            },
        )
    };
    #[cfg(not(feature = "hydrate"))]
    let (on_change, on_input, on_submit) = (
        |_: leptos::ev::Event| {},
        |_: leptos::ev::Event| {},
        |_: leptos::ev::SubmitEvent| {},
    );
    view! {
        <form
            method="get"
            action="/tickets"
            role="search"
            aria-label="Filter tickets"
            class="mt-4 flex flex-wrap items-end gap-3"
            on:change=on_change
            on:input=on_input
            on:submit=on_submit
        >
            <TextField label="Search" name="q" input_type="search" value=f.text.clone().unwrap_or_default() max_length=200 hint="Words or their beginnings" />
            <Select label="Status" name="status" options=status_options(Some("Any status"), &TicketStatus::ALL) selected=f.status.map(|s| s.as_str().to_string()).unwrap_or_default() />
            <Select label="Priority" name="priority" options=priority_options(Some("Any priority")) selected=f.priority.map(|p| p.as_str().to_string()).unwrap_or_default() />
            <Transition>
                {move || {
                    choices
                        .get()
                        .and_then(Result::ok)
                        .map(|(queues, people)| {
                            let f = filter.get_untracked();
                            view! {
                                <Select label="Queue" name="queue" options=queue_options(Some("Any queue"), &queues) selected=f.queue.map(|q| q.to_string()).unwrap_or_default() />
                                <Select label="Assignee" name="assignee" options=assignee_options("Anyone", &people) selected=f.assignee.map(|a| a.to_string()).unwrap_or_default() />
                            }
                        })
                }}
            </Transition>
            // The order comes from the column headings; the form keeps it.
            <input type="hidden" name="sort" value=move || filter.get().sort.as_str() />
            <Show when=move || !scripted.get()>
                <Button submit=true>"Apply"</Button>
            </Show>
        </form>
    }
}

#[cfg(feature = "hydrate")]
fn is_search(ev: &web_sys::Event) -> bool {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .is_some_and(|input| input.type_() == "search")
}

#[cfg(feature = "hydrate")]
fn form_of(ev: &web_sys::Event) -> Option<web_sys::HtmlFormElement> {
    use wasm_bindgen::JsCast;
    ev.current_target()?.dyn_into().ok()
}

/// Opens the list for what `form` now shows; `replace` for typing, so Back skips the
/// half-typed words.
#[cfg(feature = "hydrate")]
fn apply(
    form: &web_sys::HtmlFormElement,
    replace: bool,
    navigate: &impl Fn(&str, leptos_router::NavigateOptions),
) {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return;
    };
    let filter =
        TicketFilter::from_query(|k| data.get(k).as_string().filter(|v| !v.trim().is_empty()));
    navigate(
        &filter.href(None),
        leptos_router::NavigateOptions {
            replace,
            scroll: false,
            ..Default::default()
        },
    );
}

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let create = ServerAction::<CreateTicket>::new();
    let choices: Choices = Resource::new(|| (), |_| ticket_choices());
    let error = action_error(create.value());
    let form = NodeRef::new();
    view! {
        <Title text="New ticket" />
        <h1 class="text-2xl font-bold">"New ticket"</h1>
        <SignedInOnly>
            <ActionForm action=create node_ref=form attr:class="mt-6 flex max-w-2xl flex-col gap-4" attr:aria-label="New ticket" attr:novalidate=true>
                <FormToken action=create form />
                <FormError error fields=&["title", "description", "priority", "queue", "assignee", "due"] />
                <TextField label="Title" name="title" required=true max_length=crate::model::tickets::TITLE_MAX error=field_error(error, "title") />
                <TextArea
                    label="Description"
                    name="description"
                    hint="Markdown works: **bold**, lists, links."
                    max_length=crate::model::tickets::DESCRIPTION_MAX
                    error=field_error(error, "description")
                />
                <Select label="Priority" name="priority" options=priority_options(None) selected="medium".to_string() />
                <Transition>
                    {move || {
                        choices
                            .get()
                            .map(|r| match r {
                                Ok((queues, people)) => {
                                    view! {
                                        <Select label="Queue" name="queue" options=queue_options(None, &queues) />
                                        <Select label="Assignee" name="assignee" options=assignee_options("Unassigned", &people) />
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <crate::ui::components::ErrorNotice error=e /> }.into_any(),
                            })
                    }}
                </Transition>
                <TextField label="Due date" name="due" input_type="date" hint="Optional." error=field_error(error, "due") />
                <Button submit=true pending=create.pending()>"Create ticket"</Button>
            </ActionForm>
        </SignedInOnly>
    }
}
