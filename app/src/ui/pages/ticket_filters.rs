//! The ticket list's filter bar and its quick views.

use super::tickets::{assignee_options, priority_options, queue_options, status_options, Choices};
use crate::model::tickets::{AssigneeFilter, SortKey, TicketFilter, TicketSort, TicketStatus};
use crate::ui::components::{Select, SelectOption, TextField};
use crate::ui::search::LiveSearch;
use leptos::prelude::*;

/// The filters, applied as they change (the search as you pause typing), each change a clean
/// URL of its own so Back steps through them. A client's or contact's tickets (opened from
/// their page) stay theirs until the link beside the form lets go.
#[component]
pub fn FilterForm(filter: Memo<TicketFilter>, choices: Choices) -> impl IntoView {
    let f = filter.get_untracked();
    // Reactive, unlike the fields: "Show everyone's" changes the address, not the form.
    let narrowed = move || {
        let f = filter.get();
        let one = if f.contact.is_some() {
            "One requester's tickets. "
        } else if f.client.is_some() {
            "One client's tickets. "
        } else {
            return None;
        };
        let everyone = TicketFilter {
            client: None,
            contact: None,
            after: None,
            ..f
        }
        .href(None);
        Some(view! {
            <p class="mt-2 text-sm" data-testid="tickets-narrowed">
                {one}
                <a href=everyone class="font-medium text-primary underline">"Show everyone's"</a>
            </p>
        })
    };
    view! {
        <LiveSearch action="/tickets" label="Filter tickets" to_href=|get| TicketFilter::from_query(get).href(None)>
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
                                <Select label="Assignee" name="assignee" options=assignee_filter_options(&people) selected=f.assignee.map(AssigneeFilter::as_param).unwrap_or_default() />
                            }
                        })
                }}
            </Transition>
            <label class="flex items-center gap-2 self-center text-sm font-medium">
                <input type="checkbox" name="unresolved" value="1" class="h-4 w-4" prop:checked=move || filter.get().unresolved />
                "Unresolved only"
            </label>
            <label class="flex items-center gap-2 self-center text-sm font-medium">
                <input type="checkbox" name="overdue" value="1" class="h-4 w-4" prop:checked=move || filter.get().overdue />
                "Overdue only"
            </label>
            // The order comes from the column headings; the form keeps it.
            <input type="hidden" name="sort" value=move || filter.get().sort.to_params().0 />
            {move || filter.get().sort.to_params().1.map(|dir| view! { <input type="hidden" name="dir" value=dir /> })}
            {move || filter.get().client.map(|c| view! { <input type="hidden" name="client" value=c.to_string() /> })}
            {move || filter.get().contact.map(|c| view! { <input type="hidden" name="contact" value=c.to_string() /> })}
        </LiveSearch>
        {narrowed}
    }
}

/// "Anyone", then the viewer and nobody, then every member by name.
fn assignee_filter_options(people: &[crate::model::tickets::Assignee]) -> Vec<SelectOption> {
    let mut options = assignee_options("Anyone", people);
    options.splice(
        1..1,
        [
            SelectOption::new("me", "Me"),
            SelectOption::new("none", "Nobody (unassigned)"),
        ],
    );
    options
}

/// The views a person opens most, one click away: everything, theirs, nobody's, late ones.
#[component]
pub fn QuickViews(filter: Memo<TicketFilter>) -> impl IntoView {
    let views = [
        ("All tickets", TicketFilter::default()),
        ("Assigned to me", TicketFilter::mine()),
        ("Unassigned", TicketFilter::unassigned()),
        (
            "Overdue",
            TicketFilter {
                sort: TicketSort::by(SortKey::Due),
                ..TicketFilter::overdue()
            },
        ),
    ];
    view! {
        <nav aria-label="Quick views" class="mt-4">
            <ul class="flex flex-wrap gap-2">
                {views
                    .into_iter()
                    .map(|(label, view_filter)| {
                        let href = view_filter.href(None);
                        let current = move || {
                            filter.with(|f| TicketFilter { after: None, ..f.clone() } == view_filter)
                        };
                        view! {
                            <li>
                                <a
                                    href=href
                                    aria-current=move || current().then_some("page")
                                    class="inline-block rounded-full border border-border px-3 py-1 text-sm font-medium text-fg no-underline hover:bg-surface aria-[current=page]:border-primary aria-[current=page]:bg-primary aria-[current=page]:text-primary-fg"
                                >
                                    {label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
