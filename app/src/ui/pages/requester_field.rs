//! The requester field of a ticket's form: an address, with the organisation's contacts offered
//! as the typing narrows them (the browser's own list, so it works by keyboard and is read out
//! like any suggestion). An address nobody has yet becomes a new contact.

use crate::api::clients::contact_choices;
use crate::model::clients::Requester;
use crate::model::error::AppError;
use crate::ui::components::field_error;
use leptos::prelude::*;

#[component]
pub fn RequesterField(error: Signal<Option<AppError>>) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    // Asked only once two characters narrow the list; an answer that comes back after the
    // next keystroke's is dropped by the resource.
    let choices = LocalResource::new(move || {
        let q = typed.get();
        async move {
            if q.trim().chars().count() < 2 {
                return Vec::new();
            }
            contact_choices(q).await.unwrap_or_default()
        }
    });
    let message = field_error(error, "requester");
    view! {
        <div class="flex flex-col gap-1">
            <label for="ticket-requester" class="text-sm font-medium text-fg">"Requester"</label>
            <p id="ticket-requester-hint" class="text-sm text-muted">
                "Who the ticket is for: start typing a name or address, or give a new address."
            </p>
            <input
                id="ticket-requester"
                name="requester"
                type="text"
                list="ticket-requester-choices"
                autocomplete="off"
                maxlength=Requester::MAX_LEN
                aria-invalid=move || message.get().is_some().then_some("true")
                aria-describedby=move || {
                    if message.get().is_some() {
                        "ticket-requester-hint ticket-requester-error"
                    } else {
                        "ticket-requester-hint"
                    }
                }
                class="rounded-md border border-border bg-surface-raised px-3 py-2 text-fg aria-invalid:border-danger"
                on:input=move |ev| typed.set(event_target_value(&ev))
            />
            <datalist id="ticket-requester-choices">
                {move || {
                    choices
                        .get()
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|c| {
                            let client = c.client_name.clone().unwrap_or_default();
                            c.mailbox().map(|value| view! { <option value=value>{client}</option> })
                        })
                        .collect_view()
                }}
            </datalist>
            {move || message.get().map(|m| view! { <p id="ticket-requester-error" class="text-sm text-danger">{m}</p> })}
        </div>
    }
}
