//! One asset's page (`/assets/:id`): what it is, where, whose, its properties and the tickets
//! about it, and its form; and a new asset's (`/assets/new?client=`). One lazy route serves
//! both, so the form's code ships in this page's chunk only.

use crate::api::clients::{asset_form_choices, get_asset, SaveAsset};
use crate::model::clients::{
    Asset, AssetChoices, AssetId, AssetKind, AssetOverview, ClientId, MAKE_MAX, NAME_MAX,
};
use crate::model::error::AppError;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::{
    action_error, field_error, Button, EmptyState, ErrorNotice, FormError, FormToken, Instant,
    Select, SelectOption, StatusBadge, Table, TextArea, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const ASSET_FIELDS: &[&str] = &[
    "client",
    "kind",
    "name",
    "manufacturer",
    "model",
    "serial_number",
    "purchased_on",
    "warranty_ends",
    "location",
    "contact",
    "properties",
];

/// "None" first, then each of `items` by name.
fn choice_options<I: Copy>(
    none: &'static str,
    items: &[(I, String)],
    id: impl Fn(I) -> uuid::Uuid,
) -> Vec<SelectOption> {
    std::iter::once(SelectOption::new("", none))
        .chain(
            items
                .iter()
                .map(|(i, name)| SelectOption::new(id(*i).to_string(), name.clone())),
        )
        .collect()
}

/// An asset's fields, named `asset[..]`, for one client: its locations and people to choose
/// from. `current` fills them in for a change.
#[component]
fn AssetFields(
    error: Signal<Option<AppError>>,
    choices: AssetChoices,
    current: Option<Asset>,
) -> impl IntoView {
    let f = current.as_ref().map(Asset::form).unwrap_or_default();
    let kinds: Vec<SelectOption> = AssetKind::ALL
        .iter()
        .map(|k| SelectOption::new(k.as_str(), k.label()))
        .collect();
    view! {
        <input type="hidden" name="asset[client]" value=choices.client.0.to_string() />
        <Select label="Kind" name="asset[kind]" id="asset-kind" options=kinds selected=if f.kind.is_empty() { "workstation".to_string() } else { f.kind.clone() } />
        <TextField label="Name" name="asset[name]" id="asset-name" required=true max_length=NAME_MAX value=f.name.clone() hint="How people refer to it, like Reception printer" error=field_error(error, "name") />
        <TextField label="Manufacturer" name="asset[manufacturer]" id="asset-manufacturer" max_length=MAKE_MAX value=f.manufacturer.clone() error=field_error(error, "manufacturer") />
        <TextField label="Model" name="asset[model]" id="asset-model" max_length=MAKE_MAX value=f.model.clone() error=field_error(error, "model") />
        <TextField label="Serial number" name="asset[serial_number]" id="asset-serial" max_length=MAKE_MAX value=f.serial_number.clone() error=field_error(error, "serial_number") />
        <TextField label="Purchased on" name="asset[purchased_on]" id="asset-purchased" input_type="date" value=f.purchased_on.clone() error=field_error(error, "purchased_on") />
        <TextField label="Warranty ends" name="asset[warranty_ends]" id="asset-warranty" input_type="date" value=f.warranty_ends.clone() error=field_error(error, "warranty_ends") />
        <Select label="Location" name="asset[location]" id="asset-location" options=choice_options("Not recorded", &choices.locations, |l| l.0) selected=f.location.clone() />
        <Select label="Assigned to" name="asset[contact]" id="asset-contact" options=choice_options("Nobody", &choices.contacts, |c| c.0) selected=f.contact.clone() />
        <TextArea label="Properties" name="asset[properties]" id="asset-properties" rows=4 value=f.properties.clone() hint="One per line, like RAM: 16 GB" error=field_error(error, "properties") />
    }
}

fn id_in(params: &leptos_router::params::ParamsMap) -> Option<AssetId> {
    params
        .get("id")
        .and_then(|id| uuid::Uuid::parse_str(&id).ok())
        .map(AssetId)
}

#[component]
pub fn AssetPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    view! {
        <Title text="Asset" />
        <SignedInOnly>
            {move || match params.with(id_in) {
                Some(id) => view! { <AssetView id /> }.into_any(),
                // `/assets/new`, which has no id, for the client named in the query.
                None if params.with(|p| p.get("id").is_none()) => {
                    let client = query
                        .with(|q| q.get("client"))
                        .and_then(|c| uuid::Uuid::parse_str(&c).ok())
                        .map(ClientId);
                    view! { <NewAsset client /> }.into_any()
                }
                None => view! {
                    <h1 class="text-2xl font-bold">"Asset"</h1>
                    <EmptyState title="No such asset" description="The link is wrong, or the asset belongs to another organisation." />
                }
                .into_any(),
            }}
        </SignedInOnly>
    }
}

#[component]
fn AssetView(id: AssetId) -> impl IntoView {
    let save = ServerAction::<SaveAsset>::new();
    let overview = Resource::new(move || save.version().get(), move |_| get_asset(id));
    let error = action_error(save.value());
    let render = move |o: AssetOverview| {
        let a = o.asset.clone();
        let or_dash = |s: &str| {
            if s.is_empty() {
                "–".to_string()
            } else {
                s.to_string()
            }
        };
        view! {
            <h1 class="text-2xl font-bold" data-testid="asset-name">{a.name.clone()}</h1>
            <dl class="mt-4 grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
                <dt class="font-medium text-muted">"Kind"</dt>
                <dd>{a.kind.label()}</dd>
                <dt class="font-medium text-muted">"Client"</dt>
                <dd><a href=format!("/clients/{}", a.client.0) class="text-primary underline">{a.client_name.clone()}</a></dd>
                <dt class="font-medium text-muted">"Manufacturer and model"</dt>
                <dd>{or_dash(format!("{} {}", a.manufacturer, a.model).trim())}</dd>
                <dt class="font-medium text-muted">"Serial number"</dt>
                <dd data-testid="asset-serial">{or_dash(&a.serial_number)}</dd>
                <dt class="font-medium text-muted">"Purchased on"</dt>
                <dd>{a.purchased_on.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}</dd>
                <dt class="font-medium text-muted">"Warranty ends"</dt>
                <dd>{a.warranty_ends.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}</dd>
                <dt class="font-medium text-muted">"Location"</dt>
                <dd>{a.location_name.clone().unwrap_or_else(|| "–".into())}</dd>
                <dt class="font-medium text-muted">"Assigned to"</dt>
                <dd>{a.contact_name.clone().unwrap_or_else(|| "–".into())}</dd>
                {a.properties.0.iter().map(|(k, v)| view! {
                    <dt class="font-medium text-muted">{k.clone()}</dt>
                    <dd data-testid="asset-property">{v.clone()}</dd>
                }).collect_view()}
            </dl>
            <details class="mt-6 max-w-xl">
                <summary class="cursor-pointer font-medium text-primary">"Change this asset"</summary>
                <ActionForm action=save attr:class="mt-3 flex flex-col gap-4" attr:aria-label="Change this asset" attr:novalidate=true>
                    <input type="hidden" name="id" value=a.id.0.to_string() />
                    <input type="hidden" name="version" value=a.version.to_string() />
                    <FormError error fields=ASSET_FIELDS />
                    <AssetFields error choices=o.choices current=Some(a.clone()) />
                    <div><Button submit=true pending=save.pending()>"Save asset"</Button></div>
                </ActionForm>
            </details>
            <section aria-labelledby="asset-tickets-heading" class="mt-8">
                <h2 id="asset-tickets-heading" class="text-xl font-semibold">"Tickets about this asset"</h2>
                <p class="text-sm text-muted">"Link one from the ticket's page."</p>
                {if o.tickets.is_empty() {
                    view! { <p class="mt-2 text-muted">"None yet."</p> }.into_any()
                } else {
                    view! {
                        <Table caption="Tickets about this asset" headers=vec!["Number", "Title", "Status", "Requester", "Updated"]>
                            {o.tickets.into_iter().map(|t| view! {
                                <tr data-testid="asset-ticket-row">
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
                    <h1 class="text-2xl font-bold">"Asset"</h1>
                    <ErrorNotice error=e />
                }
                .into_any(),
            })}
        </Transition>
    }
}

#[component]
fn NewAsset(client: Option<ClientId>) -> impl IntoView {
    let save = ServerAction::<SaveAsset>::new();
    let error = action_error(save.value());
    let form = NodeRef::new();
    let choices = Resource::new(
        move || client,
        |c| async move {
            match c {
                Some(c) => asset_form_choices(c).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <h1 class="text-2xl font-bold">"New asset"</h1>
        <Transition fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
            {move || choices.get().map(|r| match r {
                Ok(c) => view! {
                    <p class="mt-2">
                        "For "
                        <a href=format!("/clients/{}", c.client.0) class="font-medium text-primary underline">{c.client_name.clone()}</a>
                    </p>
                    <ActionForm action=save node_ref=form attr:class="mt-6 flex max-w-xl flex-col gap-4" attr:aria-label="New asset" attr:novalidate=true>
                        <FormToken action=save form />
                        <FormError error fields=ASSET_FIELDS />
                        <AssetFields error choices=c current=None />
                        <div><Button submit=true pending=save.pending()>"Add asset"</Button></div>
                    </ActionForm>
                }
                .into_any(),
                Err(AppError::NotFound) => view! {
                    <EmptyState title="No such client" description="Add an asset from its client's page." />
                }
                .into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })}
        </Transition>
    }
}
