//! The fields of a client's form, for adding one and for changing one. Named `client[..]`, as
//! the server function reads them into one `ClientForm`.

use super::clients::status_options;
use super::tickets::{assignee_options, Choices};
use crate::model::clients::{ClientForm, ADDRESS_MAX, NAME_MAX, NOTES_MAX, PHONE_MAX};
use crate::model::error::AppError;
use crate::ui::components::{field_error, ErrorNotice, Select, TextArea, TextField};
use leptos::prelude::*;

#[component]
/// `people`: the members who may look after a client, made by the page itself (a resource
/// made inside another's rendering breaks hydration of a page loaded directly).
pub fn ClientFields(
    error: Signal<Option<AppError>>,
    current: Option<ClientForm>,
    people: Choices,
) -> impl IntoView {
    let f = current.unwrap_or_default();
    let manager = StoredValue::new(f.account_manager.clone());
    view! {
        <TextField label="Name" name="client[name]" id="client-name" value=f.name required=true max_length=NAME_MAX error=field_error(error, "name") />
        <TextField label="Email domains" name="client[domains]" id="client-domains" value=f.domains hint="Mail from these domains is recognised as this client's, e.g. initech.com, initech.co.uk" error=field_error(error, "domains") />
        <TextField label="Phone" name="client[phone]" id="client-phone" input_type="tel" value=f.phone max_length=PHONE_MAX autocomplete="tel" error=field_error(error, "phone") />
        <TextArea label="Address" name="client[address]" id="client-address" rows=3 value=f.address max_length=ADDRESS_MAX error=field_error(error, "address") />
        <TextField label="Time zone" name="client[time_zone]" id="client-time-zone" value=f.time_zone hint="Like Europe/Berlin; empty for the organisation's" error=field_error(error, "time_zone") />
        <TextField label="Currency" name="client[currency]" id="client-currency" value=if f.currency.is_empty() { "EUR".to_string() } else { f.currency } max_length=3 error=field_error(error, "currency") />
        <Select label="Status" name="client[status]" id="client-status" options=status_options(false) selected=if f.status.is_empty() { "active".to_string() } else { f.status } />
        <TextArea label="Notes" name="client[notes]" id="client-notes" rows=4 value=f.notes max_length=NOTES_MAX error=field_error(error, "notes") />
        <Transition>
            {move || people.get().map(|r| match r {
                Ok((_, people)) => view! {
                    <Select label="Account manager" name="client[account_manager]" id="client-account-manager" options=assignee_options("Nobody", &people) selected=manager.get_value() />
                }
                .into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Transition>
    }
}

/// The fields whose problems are shown beside them, not in the form's summary.
pub const CLIENT_FIELDS: &[&str] = &[
    "name",
    "domains",
    "phone",
    "address",
    "time_zone",
    "currency",
    "notes",
    "status",
    "account_manager",
];
