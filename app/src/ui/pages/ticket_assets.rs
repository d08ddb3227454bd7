//! The assets a ticket is about: each links to its page and can be taken off; another is
//! linked by typing its serial number or name.

use crate::api::clients::{LinkAsset, UnlinkAsset};
use crate::model::clients::TicketAsset;
use crate::ui::components::{action_error, field_error, Button, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn TicketAssets(
    number: i64,
    assets: Vec<TicketAsset>,
    link: ServerAction<LinkAsset>,
    unlink: ServerAction<UnlinkAsset>,
) -> impl IntoView {
    let error = action_error(link.value());
    let unlink_error = action_error(unlink.value());
    view! {
        <section aria-labelledby="ticket-assets-heading" class="flex flex-col gap-3">
            <h2 id="ticket-assets-heading" class="text-xl font-semibold">"Assets"</h2>
            {assets.is_empty().then(|| view! { <p class="text-muted">"No assets linked."</p> })}
            <FormError error=unlink_error fields=&[] />
            <ul class="flex flex-col gap-1">
                {assets.into_iter().map(|a| {
                    let (name, unlink_label) = (a.name.clone(), format!("Unlink {}", a.name));
                    view! {
                    <li data-testid="ticket-asset" class="flex flex-wrap items-center gap-3">
                        <a href=format!("/assets/{}", a.id.0) class="font-medium text-primary underline">{name}</a>
                        <span class="text-sm text-muted">
                            {a.kind.label()}
                            {(!a.serial_number.is_empty()).then(|| format!(" · {}", a.serial_number))}
                        </span>
                        <ActionForm action=unlink attr:aria-label=unlink_label>
                            <input type="hidden" name="number" value=number.to_string() />
                            <input type="hidden" name="asset" value=a.id.0.to_string() />
                            <button type="submit" class="rounded-md border border-border px-2 py-0.5 text-sm font-medium text-fg hover:bg-surface">
                                "Unlink"<span class="sr-only">{format!(" {}", a.name)}</span>
                            </button>
                        </ActionForm>
                    </li>
                    }
                }).collect_view()}
            </ul>
            <ActionForm action=link attr:class="flex flex-wrap items-end gap-3" attr:aria-label="Link an asset" attr:novalidate=true>
                <FormError error fields=&["asset"] />
                <input type="hidden" name="number" value=number.to_string() />
                <TextField label="Serial number or name" name="asset" id="link-asset" max_length=200 hint="Of one of the client's assets" error=field_error(error, "asset") />
                <Button submit=true pending=link.pending()>"Link asset"</Button>
            </ActionForm>
        </section>
    }
}
