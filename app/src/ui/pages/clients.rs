//! The client list (search as you type, keyset pages, filters in the URL) and adding a client.

use super::client_form::{ClientFields, CLIENT_FIELDS};
use crate::api::clients::{list_clients, SaveClient};
use crate::api::tickets::ticket_choices;
use crate::model::billing::Feature;
use crate::model::clients::{ClientFilter, ClientPage, ClientStatus};
use crate::model::permission::Permission;
use crate::ui::auth::{use_auth, SignedInOnly};
use crate::ui::components::PlanGate;
use crate::ui::components::{
    action_error, Badge, Button, EmptyState, FormError, FormToken, ResourceSection, Select,
    SelectOption, Table, TextField, Tone,
};
use crate::ui::search::LiveSearch;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// Whether the viewer may add and change clients (the forms are left out otherwise).
pub(super) fn manages_clients() -> Signal<bool> {
    let auth = use_auth();
    Signal::derive(move || {
        auth.viewer
            .get()
            .and_then(|v| v.ok().flatten())
            .is_some_and(|v| v.role.can(Permission::ManageClients))
    })
}

pub(super) fn status_options(any: bool) -> Vec<SelectOption> {
    any.then(|| SelectOption::new("", "Any"))
        .into_iter()
        .chain(
            ClientStatus::ALL
                .iter()
                .map(|s| SelectOption::new(s.as_str(), s.label())),
        )
        .collect()
}

#[component]
pub fn ClientsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| ClientFilter::from_query(|k| query.read().get(k)));
    let page = Resource::new(move || filter.get(), list_clients);
    let manages = manages_clients();
    let render = move |page: ClientPage| {
        if page.rows.is_empty() {
            return view! {
                <EmptyState title="No clients here" description="No client matches this search yet." />
            }
            .into_any();
        }
        let next = page
            .next
            .map(|after| filter.with_untracked(|f| f.href(Some(&after))));
        view! {
            <Table caption="Clients" headers=vec!["Name", "Status", "Domains", "Contacts", "Open tickets", "Account manager"]>
                {page.rows.into_iter().map(|c| view! {
                    <tr data-testid="client-row">
                        <td class="px-3 py-2"><a href=format!("/clients/{}", c.id.0) class="font-medium text-primary underline">{c.name}</a></td>
                        <td class="px-3 py-2" data-label="Status">
                            <Badge tone=if c.status == ClientStatus::Active { Tone::Success } else { Tone::Neutral } label=c.status.label() />
                        </td>
                        <td class="px-3 py-2" data-label="Domains">{c.domains.join(", ")}</td>
                        <td class="px-3 py-2" data-label="Contacts">{c.contacts}</td>
                        <td class="px-3 py-2" data-label="Open tickets">{c.open_tickets}</td>
                        <td class="px-3 py-2" data-label="Account manager">{c.account_manager.unwrap_or_else(|| "–".into())}</td>
                    </tr>
                }).collect_view()}
            </Table>
            {next.map(|href| view! {
                <nav aria-label="Client pages">
                    <A href=href attr:class="font-medium text-primary underline">"Next page"</A>
                </nav>
            })}
        }
        .into_any()
    };
    let f = filter.get_untracked();
    let q = StoredValue::new(f.q.unwrap_or_default());
    let status = StoredValue::new(f.status.map(|s| s.as_str().to_string()).unwrap_or_default());
    view! {
        <Title text="Clients" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-bold">"Clients"</h1>
            <div class="flex gap-3">
                <A href="/contacts" attr:class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline">"Contacts"</A>
                <PlanGate feature=Feature::CsvExport inline=true>
                    // A file, not a page: the router must not try to navigate to it.
                    <a href=move || filter.get().export_href() download="" rel="external" class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline">"Export CSV"</a>
                </PlanGate>
                <Show when=move || manages.get()>
                    <A href="/clients/new" attr:class="rounded-md bg-primary px-4 py-2 font-medium text-primary-fg no-underline">"New client"</A>
                </Show>
            </div>
        </div>
        <SignedInOnly>
            <LiveSearch action="/clients" label="Search clients" to_href=|get| ClientFilter::from_query(get).href(None)>
                <TextField label="Search" name="q" input_type="search" value=q.get_value() max_length=100 hint="Part of a name or an email domain" />
                <Select label="Status" name="status" options=status_options(true) selected=status.get_value() />
            </LiveSearch>
            <ResourceSection id="client-list-heading" title="Results" resource=page render />
        </SignedInOnly>
    }
}

#[component]
pub fn NewClientPage() -> impl IntoView {
    let save = ServerAction::<SaveClient>::new();
    let error = action_error(save.value());
    let form = NodeRef::new();
    // The members who may be assigned work are the ones who may look after a client.
    let people = Resource::new(|| (), |_| ticket_choices());
    view! {
        <Title text="New client" />
        <h1 class="text-2xl font-bold">"New client"</h1>
        <SignedInOnly>
            <ActionForm action=save node_ref=form attr:class="mt-6 flex max-w-xl flex-col gap-4" attr:aria-label="New client" attr:novalidate=true>
                <FormToken action=save form />
                <FormError error fields=CLIENT_FIELDS />
                <ClientFields error current=None people />
                <div><Button submit=true pending=save.pending()>"Add client"</Button></div>
            </ActionForm>
        </SignedInOnly>
    }
}
