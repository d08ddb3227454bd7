//! One asset's page: what it is, where, whose, its properties and the tickets about it, and
//! its form.

use super::assets::{AssetFields, ASSET_FIELDS};
use crate::api::clients::{get_asset, SaveAsset};
use crate::model::clients::{AssetId, AssetOverview};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::{
    action_error, Button, EmptyState, ErrorNotice, FormError, Instant, StatusBadge, Table,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

fn id_in(params: &leptos_router::params::ParamsMap) -> Option<AssetId> {
    params
        .get("id")
        .and_then(|id| uuid::Uuid::parse_str(&id).ok())
        .map(AssetId)
}

#[component]
pub fn AssetPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <Title text="Asset" />
        <SignedInOnly>
            {move || match params.with(id_in) {
                Some(id) => view! { <AssetView id /> }.into_any(),
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
                    <AssetFields error client=a.client locations=o.locations contacts=o.contacts current=Some(a.clone()) />
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
