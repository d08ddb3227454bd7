//! The asset list: search as you type over names and serial numbers, narrowed by kind and
//! client, or to warranties ending soon.

use crate::api::clients::list_assets;
use crate::model::billing::Feature;
use crate::model::clients::{Asset, AssetFilter, AssetKind, AssetPage, WARRANTY_DAYS};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::PlanGate;
use crate::ui::components::{EmptyState, ResourceSection, Select, SelectOption, Table, TextField};
use crate::ui::search::LiveSearch;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

fn kind_options() -> Vec<SelectOption> {
    std::iter::once(SelectOption::new("", "Any"))
        .chain(
            AssetKind::ALL
                .iter()
                .map(|k| SelectOption::new(k.as_str(), k.label())),
        )
        .collect()
}

fn asset_table(caption: &'static str, rows: Vec<Asset>) -> impl IntoView {
    view! {
        <Table caption headers=vec!["Name", "Kind", "Client", "Serial number", "Location", "Assigned to", "Warranty ends"]>
            {rows.into_iter().map(|a| view! {
                <tr data-testid="asset-row">
                    <td class="px-3 py-2"><a href=format!("/assets/{}", a.id.0) class="font-medium text-primary underline">{a.name}</a></td>
                    <td class="px-3 py-2" data-label="Kind">{a.kind.label()}</td>
                    <td class="px-3 py-2" data-label="Client"><a href=format!("/clients/{}", a.client.0) class="text-primary underline">{a.client_name}</a></td>
                    <td class="px-3 py-2" data-label="Serial number">{a.serial_number}</td>
                    <td class="px-3 py-2" data-label="Location">{a.location_name.unwrap_or_else(|| "–".into())}</td>
                    <td class="px-3 py-2" data-label="Assigned to">{a.contact_name.unwrap_or_else(|| "–".into())}</td>
                    <td class="px-3 py-2" data-label="Warranty ends">{a.warranty_ends.map(|d| d.to_string()).unwrap_or_else(|| "–".into())}</td>
                </tr>
            }).collect_view()}
        </Table>
    }
}

#[component]
pub fn AssetsPage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| AssetFilter::from_query(|k| query.read().get(k)));
    let page = Resource::new(move || filter.get(), list_assets);
    let render = move |page: AssetPage| {
        if page.rows.is_empty() {
            return view! { <EmptyState title="No assets here" description="No asset matches these filters." /> }.into_any();
        }
        let next = page
            .next
            .map(|after| filter.with_untracked(|f| f.href(Some(&after))));
        view! {
            {asset_table("Assets", page.rows)}
            {next.map(|href| view! {
                <nav aria-label="Asset pages">
                    <A href=href attr:class="font-medium text-primary underline">"Next page"</A>
                </nav>
            })}
        }
        .into_any()
    };
    let f = filter.get_untracked();
    let q = StoredValue::new(f.q.clone().unwrap_or_default());
    let kind = StoredValue::new(f.kind.map(|k| k.as_str().to_string()).unwrap_or_default());
    let (client, warranty) = (f.client, f.warranty);
    view! {
        <Title text="Assets" />
        <div class="flex flex-wrap items-center justify-between gap-4">
            <h1 class="text-2xl font-bold">"Assets"</h1>
            <div class="flex gap-3">
                <A href="/assets?warranty=soon" attr:class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline">{format!("Warranty ends within {WARRANTY_DAYS} days")}</A>
                <PlanGate feature=Feature::CsvExport inline=true>
                    // A file, not a page: the router must not try to navigate to it.
                    <a href=move || filter.get().export_href() download="" rel="external" class="rounded-md border border-border px-4 py-2 font-medium text-fg no-underline">"Export CSV"</a>
                </PlanGate>
            </div>
        </div>
        <p class="mt-2 text-muted">"Assets are added from their client's page."</p>
        <SignedInOnly>
            <LiveSearch action="/assets" label="Search assets" to_href=|get| AssetFilter::from_query(get).href(None)>
                <TextField label="Search" name="q" input_type="search" value=q.get_value() max_length=100 hint="Part of a name or a serial number" />
                <Select label="Kind" name="kind" options=kind_options() selected=kind.get_value() />
                <label class="flex items-center gap-2 self-end pb-2">
                    <input type="checkbox" name="warranty" value="soon" checked=warranty class="h-4 w-4" />
                    {format!("Warranty ends within {WARRANTY_DAYS} days")}
                </label>
                {client.map(|c| view! { <input type="hidden" name="client" value=c.0.to_string() /> })}
            </LiveSearch>
            <ResourceSection id="asset-list-heading" title="Results" resource=page render />
        </SignedInOnly>
    }
}
