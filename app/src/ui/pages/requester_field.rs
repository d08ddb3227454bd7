//! The requester field of a ticket's form: an address, with the organisation's contacts offered
//! as the typing narrows them (the browser's own list, so it works by keyboard and is read out
//! like any suggestion). An address nobody has yet becomes a new contact.

use crate::api::clients::contact_choices;
use crate::model::clients::{ContactCard, Requester};
use crate::model::error::AppError;
use crate::ui::components::field_error;
use leptos::prelude::*;

#[component]
pub fn RequesterField(error: Signal<Option<AppError>>) -> impl IntoView {
    // A signal filled by each answer, not a resource: a resource read here would suspend the
    // page's Suspense while it loads, unmounting the field being typed in (focus was lost
    // after the first key). Asked once two characters narrow the list; an answer that
    // arrives after a later keystroke's question is dropped.
    let choices = RwSignal::new(Vec::<ContactCard>::new());
    let asked = StoredValue::new(0u32);
    let on_input = move |ev: leptos::ev::Event| {
        let q = event_target_value(&ev);
        let turn = asked.get_value().wrapping_add(1);
        asked.set_value(turn);
        if q.trim().chars().count() < 2 {
            choices.set(Vec::new());
            return;
        }
        leptos::task::spawn_local(async move {
            let found = contact_choices(q).await.unwrap_or_default();
            if asked.get_value() == turn {
                choices.set(found);
            }
        });
    };
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
                on:input=on_input
            />
            <datalist id="ticket-requester-choices">
                {move || {
                    choices
                        .get()
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
