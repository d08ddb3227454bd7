//! Changing status, priority or assignee of the selected tickets at once. The form appears
//! once something is selected; what the last change did stays said after it goes.

use super::tickets::{assignee_options, priority_options, status_options, Choices};
use crate::api::tickets::BulkUpdateTickets;
use crate::model::tickets::TicketStatus;
use crate::ui::components::{action_error, Button, FormError, Select, SelectOption};
use leptos::form::ActionForm;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn BulkEdit(
    selected: RwSignal<Vec<Uuid>>,
    action: ServerAction<BulkUpdateTickets>,
    choices: Choices,
) -> impl IntoView {
    let error = action_error(action.value());
    let count = move || selected.with(Vec::len);
    let ids =
        move || selected.with(|s| s.iter().map(Uuid::to_string).collect::<Vec<_>>().join(","));
    // A finished edit clears the selection; its summary stays until the next one.
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(_))) {
            selected.set(Vec::new());
        }
    });
    view! {
        <Show when=move || count() != 0>
        <ActionForm action attr:class="mt-4 flex flex-wrap items-end gap-3 rounded-md border border-border p-3" attr:aria-label="Change selected tickets" attr:novalidate=true>
            <FormError error fields=&["ids", "status", "priority", "assignee"] />
            <input type="hidden" name="ids" value=ids />
            <p class="self-center font-medium" aria-live="polite" data-testid="selected-count">
                {move || format!("{} selected", count())}
            </p>
            <Select label="Set status" name="status" id="bulk-status" options=status_options(Some("No change"), &TicketStatus::ALL) />
            <Select label="Set priority" name="priority" id="bulk-priority" options=priority_options(Some("No change")) />
            <Transition>
                {move || {
                    choices
                        .get()
                        .and_then(Result::ok)
                        .map(|(_, people)| {
                            let options: Vec<SelectOption> = std::iter::once(SelectOption::new("", "No change"))
                                .chain(assignee_options("Unassigned", &people).into_iter().map(|o| {
                                    if o.value.is_empty() { SelectOption::new("none", o.label) } else { o }
                                }))
                                .collect();
                            view! { <Select label="Set assignee" name="assignee" id="bulk-assignee" options /> }
                        })
                }}
            </Transition>
            <Button submit=true pending=action.pending()>
                "Apply to selected"
            </Button>
        </ActionForm>
        </Show>
        <p role="status" class="mt-2 text-sm" data-testid="bulk-result">
            {move || action.value().get().and_then(Result::ok).map(|r| r.summary())}
        </p>
    }
}
