//! The organisation's contacts: search as you type over names and addresses, keyset pages,
//! and adding someone who stands alone (people at a client are added on the client's page).

use crate::api::clients::{list_contacts, SaveContact};
use crate::model::billing::Feature;
use crate::model::clients::{
    ClientId, ContactFilter, ContactPage, PortalAccess, EMAILS_MAX, JOB_TITLE_MAX, NAME_MAX,
    PHONE_MAX,
};
use crate::model::error::AppError;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::PlanGate;
use crate::ui::components::{
    action_error, field_error, Button, EmptyState, FormError, FormToken, ResourceSection, Select,
    SelectOption, Table, TextField,
};
use crate::ui::search::LiveSearch;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

pub const CONTACT_FIELDS: &[&str] = &[
    "name",
    "emails",
    "phone",
    "job_title",
    "client",
    "portal_access",
];

/// A contact's fields, named `contact[..]`; `client` fixed when added on a client's page.
#[component]
pub fn ContactFields(error: Signal<Option<AppError>>, client: Option<ClientId>) -> impl IntoView {
    let portal: Vec<SelectOption> = PortalAccess::ALL
        .iter()
        .filter(|p| client.is_some() || **p != PortalAccess::Client)
        .map(|p| SelectOption::new(p.as_str(), p.label()))
        .collect();
    view! {
        <TextField label="Name" name="contact[name]" id="contact-name" required=true max_length=NAME_MAX error=field_error(error, "name") />
        <TextField label="Email addresses" name="contact[emails]" id="contact-emails" hint=format!("Up to {EMAILS_MAX}, separated by commas; the first is written to") error=field_error(error, "emails") />
        <TextField label="Phone" name="contact[phone]" id="contact-phone" input_type="tel" max_length=PHONE_MAX error=field_error(error, "phone") />
        <TextField label="Job title" name="contact[job_title]" id="contact-job-title" max_length=JOB_TITLE_MAX error=field_error(error, "job_title") />
        <Select label="Customer portal" name="contact[portal_access]" id="contact-portal" options=portal selected="none".to_string() />
        <label class="flex items-center gap-2">
            <input type="checkbox" name="contact[may_approve]" value="yes" class="h-4 w-4" />
            "May approve on the client's behalf"
        </label>
        {client.map(|c| view! { <input type="hidden" name="contact[client]" value=c.0.to_string() /> })}
    }
}

#[component]
pub fn ContactsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| ContactFilter::from_query(|k| query.read().get(k)));
    let add = ServerAction::<SaveContact>::new();
    let page = Resource::new(
        move || (filter.get(), add.version().get()),
        |(f, _)| list_contacts(f),
    );
    let render = move |page: ContactPage| {
        if page.rows.is_empty() {
            return view! { <EmptyState title="No contacts here" description="No one matches this search yet." /> }.into_any();
        }
        let next = page
            .next
            .map(|after| filter.with_untracked(|f| f.href(Some(&after))));
        view! {
            <Table caption="Contacts" headers=vec!["Name", "Email", "Client", "Job title", "Phone", "Portal"]>
                {page.rows.into_iter().map(|k| view! {
                    <tr data-testid="contact-row">
                        <td class="px-3 py-2 font-medium">{k.name}</td>
                        <td class="px-3 py-2" data-label="Email">{k.emails.join(", ")}</td>
                        <td class="px-3 py-2" data-label="Client">
                            {match (k.client, k.client_name) {
                                (Some(id), Some(name)) => view! { <a href=format!("/clients/{}", id.0) class="text-primary underline">{name}</a> }.into_any(),
                                _ => view! { "–" }.into_any(),
                            }}
                        </td>
                        <td class="px-3 py-2" data-label="Job title">{k.job_title}</td>
                        <td class="px-3 py-2" data-label="Phone">{k.phone}</td>
                        <td class="px-3 py-2" data-label="Portal">{k.portal_access.label()}</td>
                    </tr>
                }).collect_view()}
            </Table>
            {next.map(|href| view! {
                <nav aria-label="Contact pages">
                    <A href=href attr:class="font-medium text-primary underline">"Next page"</A>
                </nav>
            })}
        }
        .into_any()
    };
    let error = action_error(add.value());
    let form = NodeRef::new();
    let f = filter.get_untracked();
    let (q, client) = (StoredValue::new(f.q.unwrap_or_default()), f.client);
    view! {
        <Title text="Contacts" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-bold">"Contacts"</h1>
            <div class="flex gap-3">
                <A href="/clients" attr:class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline">"Clients"</A>
                <PlanGate feature=Feature::CsvExport inline=true>
                    // A file, not a page: the router must not try to navigate to it.
                    <a href=move || filter.get().export_href() download="" rel="external" class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline">"Export CSV"</a>
                </PlanGate>
            </div>
        </div>
        <SignedInOnly>
            <LiveSearch action="/contacts" label="Search contacts" to_href=|get| ContactFilter::from_query(get).href(None)>
                <TextField label="Search" name="q" input_type="search" value=q.get_value() max_length=100 hint="Part of a name or an email address" />
                {client.map(|c| view! { <input type="hidden" name="client" value=c.0.to_string() /> })}
            </LiveSearch>
            <ResourceSection id="contact-list-heading" title="Results" resource=page render />
            <section aria-labelledby="new-contact-heading" class="mt-8 max-w-xl">
                <h2 id="new-contact-heading" class="text-lg font-semibold">"Add someone who is not at a client"</h2>
                <ActionForm action=add node_ref=form attr:class="mt-3 flex flex-col gap-4" attr:aria-label="Add a contact" attr:novalidate=true>
                    <FormToken action=add form />
                    <FormError error fields=CONTACT_FIELDS />
                    <ContactFields error client=None />
                    <div><Button submit=true pending=add.pending()>"Add contact"</Button></div>
                </ActionForm>
            </section>
        </SignedInOnly>
    }
}
