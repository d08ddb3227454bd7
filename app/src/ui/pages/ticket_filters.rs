//! The ticket list's filter bar and its quick views.

use super::tickets::{assignee_options, priority_options, queue_options, status_options, Choices};
use crate::model::tickets::{AssigneeFilter, SortKey, TicketFilter, TicketSort, TicketStatus};
use crate::ui::components::{Button, Select, SelectOption, TextField};
use leptos::prelude::*;

/// The filters, applied as they change (the search as you pause typing), each change a clean
/// URL of its own so Back steps through them. Without script the form is an ordinary GET
/// form with an Apply button.
#[component]
pub fn FilterForm(filter: Memo<TicketFilter>, choices: Choices) -> impl IntoView {
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
