//! One client's page: who they are, their people and their latest tickets; the client's form
//! for managers and admins, and adding a contact for everyone.

use super::client_form::{ClientFields, CLIENT_FIELDS};
use super::clients::manages_clients;
use super::contacts::{ContactFields, CONTACT_FIELDS};
use super::tickets::Choices;
use crate::api::clients::{get_client, SaveClient, SaveContact, SaveLocation};
use crate::api::tickets::ticket_choices;
use crate::model::clients::{
    ClientId, ClientOverview, Contact, Location, ADDRESS_MAX, NAME_MAX, NOTES_MAX,
};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::{
    action_error, field_error, Button, EmptyState, ErrorNotice, FormError, FormToken, Instant,
    StatusBadge, Table, TextArea, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn id_in(params: &leptos_router::params::ParamsMap) -> Option<ClientId> {
    params
        .get("id")
        .and_then(|id| uuid::Uuid::parse_str(&id).ok())
        .map(ClientId)
}

#[component]
pub fn ClientPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <Title text="Client" />
        <SignedInOnly>
            {move || match params.with(id_in) {
                Some(id) => view! { <ClientView id /> }.into_any(),
                None => view! {
                    <h1 class="text-2xl font-bold">"Client"</h1>
                    <EmptyState title="No such client" description="The link is wrong, or the client belongs to another organisation." />
                }
                .into_any(),
            }}
        </SignedInOnly>
    }
}

#[component]
fn ClientView(id: ClientId) -> impl IntoView {
    let save = ServerAction::<SaveClient>::new();
    let add = ServerAction::<SaveContact>::new();
    let add_location = ServerAction::<SaveLocation>::new();
    let overview = Resource::new(
        move || {
            (
                save.version().get(),
                add.version().get(),
                add_location.version().get(),
            )
        },
        move |_| get_client(id),
    );
    let manages = manages_clients();
    // Made here, not inside the form: see ClientFields.
    let people: Choices = Resource::new(|| (), |_| ticket_choices());
    let render = move |o: ClientOverview| {
        let c = o.client.clone();
        view! {
            <h1 class="text-2xl font-bold" data-testid="client-name">{c.name.clone()}</h1>
            <dl class="mt-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
                <dt class="font-medium text-muted">"Status"</dt>
                <dd>{c.status.label()}</dd>
                <dt class="font-medium text-muted">"Email domains"</dt>
                <dd>{if c.domains.is_empty() { "–".to_string() } else { c.domains.join(", ") }}</dd>
                <dt class="font-medium text-muted">"Phone"</dt>
                <dd>{if c.phone.is_empty() { "–".to_string() } else { c.phone.clone() }}</dd>
                <dt class="font-medium text-muted">"Time zone"</dt>
                <dd>{c.time_zone.clone().unwrap_or_else(|| "The organisation's".into())}</dd>
                <dt class="font-medium text-muted">"Currency"</dt>
                <dd>{c.currency.clone()}</dd>
                <dt class="font-medium text-muted">"Account manager"</dt>
                <dd>{c.account_manager_name.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt class="font-medium text-muted">"Open tickets"</dt>
                <dd data-testid="client-open-tickets">{o.open_tickets}</dd>
            </dl>
            {(!c.address.is_empty()).then(|| view! { <p class="mt-3 whitespace-pre-line">{c.address.clone()}</p> })}
            {(!c.notes.is_empty()).then(|| view! { <p class="mt-3 whitespace-pre-line text-muted">{c.notes.clone()}</p> })}
            <Show when=move || manages.get()>
                <EditClient save client=c.clone() people />
            </Show>
            <Contacts contacts=o.contacts.clone() />
            <AddContact add client=id />
            <Locations locations=o.locations.clone() />
            <AddLocation add=add_location client=id />
            <section aria-labelledby="client-assets-heading" class="mt-8">
                <div class="flex flex-wrap items-baseline justify-between gap-3">
                    <h2 id="client-assets-heading" class="text-xl font-semibold">"Assets"</h2>
                    <a href=format!("/assets?client={}", id.0) class="font-medium text-primary underline">{format!("All {} of this client's assets", o.asset_count)}</a>
                    <a href=format!("/assets/new?client={}", id.0) class="font-medium text-primary underline">"Add an asset"</a>
                </div>
                {o.assets.is_empty().then(|| view! { <p class="mt-2 text-muted">"No assets recorded for this client yet."</p> })}
                <ul class="mt-2 flex flex-col gap-1">
                    {o.assets.iter().map(|a| view! {
                        <li data-testid="client-asset">
                            <a href=format!("/assets/{}", a.id.0) class="font-medium text-primary underline">{a.name.clone()}</a>
                            <span class="text-sm text-muted">
                                {format!(" · {}", a.kind.label())}
                                {(!a.serial_number.is_empty()).then(|| format!(" · {}", a.serial_number))}
                                {a.location_name.clone().map(|l| format!(" · {l}"))}
                                {a.contact_name.clone().map(|k| format!(" · {k}"))}
                            </span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="client-tickets-heading" class="mt-8">
                <div class="flex flex-wrap items-baseline justify-between gap-3">
                    <h2 id="client-tickets-heading" class="text-xl font-semibold">"Latest tickets"</h2>
                    <a href=format!("/tickets?client={}", id.0) class="font-medium text-primary underline">"All of this client's tickets"</a>
                </div>
                {if o.tickets.is_empty() {
                    view! { <p class="mt-2 text-muted">"No tickets for this client yet."</p> }.into_any()
                } else {
                    view! {
                        <Table caption="Tickets of this client" headers=vec!["Number", "Title", "Status", "Requester", "Updated"]>
                            {o.tickets.into_iter().map(|t| view! {
                                <tr data-testid="client-ticket-row">
                                    <td class="px-3 py-2">{format!("#{}", t.number)}</td>
                                    <td class="px-3 py-2"><a href=format!("/tickets/{}", t.number) class="font-medium text-primary underline">{t.title}</a></td>
                                    <td class="px-3 py-2" data-label="Status"><StatusBadge status=t.status /></td>
                                    <td class="px-3 py-2" data-label="Requester">{t.requester.unwrap_or_else(|| "–".into())}</td>
                                    <td class="px-3 py-2" data-label="Updated"><Instant at=t.updated_at relative=true /></td>
                                </tr>
                            }).collect_view()}
                        </Table>
                    }
                    .into_any()
                }}
            </section>
        }
    };
    view! {
        <Transition fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
            {move || overview.get().map(|r| match r {
                Ok(o) => render(o).into_any(),
                Err(e) => view! {
                    <h1 class="text-2xl font-bold">"Client"</h1>
                    <ErrorNotice error=e />
                }
                .into_any(),
            })}
        </Transition>
    }
}

#[component]
fn EditClient(
    save: ServerAction<SaveClient>,
    client: crate::model::clients::Client,
    people: Choices,
) -> impl IntoView {
    let error = action_error(save.value());
    view! {
        <details class="mt-6 max-w-xl">
            <summary class="cursor-pointer font-medium text-primary">"Change this client"</summary>
            <ActionForm action=save attr:class="mt-3 flex flex-col gap-4" attr:aria-label="Change this client" attr:novalidate=true>
                <input type="hidden" name="id" value=client.id.0.to_string() />
                <input type="hidden" name="version" value=client.version.to_string() />
                <FormError error fields=CLIENT_FIELDS />
                <ClientFields error current=Some(client.form()) people />
                <div><Button submit=true pending=save.pending()>"Save client"</Button></div>
            </ActionForm>
        </details>
    }
}

#[component]
fn Contacts(contacts: Vec<Contact>) -> impl IntoView {
    view! {
        <section aria-labelledby="client-contacts-heading" class="mt-8">
            <h2 id="client-contacts-heading" class="text-xl font-semibold">"Contacts"</h2>
            {if contacts.is_empty() {
                view! { <p class="mt-2 text-muted">"No contacts at this client yet."</p> }.into_any()
            } else {
                view! {
                    <Table caption="Contacts at this client" headers=vec!["Name", "Email", "Job title", "Phone", "Portal", "May approve"]>
                        {contacts.into_iter().map(|k| view! {
                            <tr data-testid="contact-row">
                                <td class="px-3 py-2 font-medium">{k.name}</td>
                                <td class="px-3 py-2" data-label="Email">{k.emails.join(", ")}</td>
                                <td class="px-3 py-2" data-label="Job title">{k.job_title}</td>
                                <td class="px-3 py-2" data-label="Phone">{k.phone}</td>
                                <td class="px-3 py-2" data-label="Portal">{k.portal_access.label()}</td>
                                <td class="px-3 py-2" data-label="May approve">{if k.may_approve { "Yes" } else { "No" }}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AddContact(add: ServerAction<SaveContact>, client: ClientId) -> impl IntoView {
    let error = action_error(add.value());
    let form = NodeRef::new();
    view! {
        <section aria-labelledby="add-contact-heading" class="mt-6 max-w-xl">
            <h2 id="add-contact-heading" class="text-lg font-semibold">"Add a contact"</h2>
            <ActionForm action=add node_ref=form attr:class="mt-3 flex flex-col gap-4" attr:aria-label="Add a contact" attr:novalidate=true>
                <FormToken action=add form />
                <FormError error fields=CONTACT_FIELDS />
                <ContactFields error client=Some(client) />
                <div><Button submit=true pending=add.pending()>"Add contact"</Button></div>
            </ActionForm>
        </section>
    }
}

#[component]
fn Locations(locations: Vec<Location>) -> impl IntoView {
    view! {
        <section aria-labelledby="client-locations-heading" class="mt-8">
            <h2 id="client-locations-heading" class="text-xl font-semibold">"Locations"</h2>
            {if locations.is_empty() {
                view! { <p class="mt-2 text-muted">"No locations recorded yet."</p> }.into_any()
            } else {
                view! {
                    <Table caption="Locations of this client" headers=vec!["Name", "Address", "Assets", "Notes"]>
                        {locations.into_iter().map(|l| view! {
                            <tr data-testid="location-row">
                                <td class="px-3 py-2 font-medium">{l.name}</td>
                                <td class="px-3 py-2 whitespace-pre-line" data-label="Address">{l.address}</td>
                                <td class="px-3 py-2" data-label="Assets">{l.assets}</td>
                                <td class="px-3 py-2 whitespace-pre-line" data-label="Notes">{l.notes}</td>
                            </tr>
                        }).collect_view()}
                    </Table>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
fn AddLocation(add: ServerAction<SaveLocation>, client: ClientId) -> impl IntoView {
    let error = action_error(add.value());
    let form = NodeRef::new();
    view! {
        <details class="mt-4 max-w-xl">
            <summary class="cursor-pointer font-medium text-primary">"Add a location"</summary>
            <ActionForm action=add node_ref=form attr:class="mt-3 flex flex-col gap-4" attr:aria-label="Add a location" attr:novalidate=true>
                <FormToken action=add form />
                <FormError error fields=&["client", "name", "address", "notes"] />
                <input type="hidden" name="location[client]" value=client.0.to_string() />
                <TextField label="Name" name="location[name]" id="location-name" required=true max_length=NAME_MAX hint="Like Head office or Warehouse" error=field_error(error, "name") />
                <TextArea label="Address" name="location[address]" id="location-address" rows=3 max_length=ADDRESS_MAX error=field_error(error, "address") />
                <TextArea label="Notes" name="location[notes]" id="location-notes" rows=3 max_length=NOTES_MAX error=field_error(error, "notes") />
                <div><Button submit=true pending=add.pending()>"Add location"</Button></div>
            </ActionForm>
        </details>
    }
}
