//! Changing who a ticket is for, from its sidebar: an address typed as on the new-ticket
//! form (a newcomer becomes a contact at the client of their domain).

use crate::api::tickets::ChangeRequester;
use crate::ui::components::{action_error, field_error, Button, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn RequesterChange(
    number: i64,
    /// The requester as the field shows them (`Name <address>`), or empty.
    current: Signal<Option<String>>,
    action: ServerAction<ChangeRequester>,
) -> impl IntoView {
    let error = action_error(action.value());
    view! {
        <details class="text-sm">
            <summary class="cursor-pointer font-medium text-primary">"Change requester"</summary>
            <ActionForm action attr:class="mt-2 flex flex-col gap-2" attr:aria-label="Change requester" attr:novalidate=true>
                <FormError error fields=&["requester"] />
                <input type="hidden" name="number" value=number.to_string() />
                <TextField
                    label="Requester"
                    name="requester"
                    id="change-requester"
                    value=Signal::derive(move || current.get().unwrap_or_default())
                    hint="An address, or Name <address>; empty for nobody"
                    max_length=460
                    error=field_error(error, "requester")
                />
                <div><Button submit=true pending=action.pending()>"Save requester"</Button></div>
            </ActionForm>
        </details>
    }
}
