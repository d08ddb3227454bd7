//! The member's saved views of the ticket list: links to their filters, saving the filters on
//! screen under a name, deleting.

use crate::api::tickets::{list_saved_views, DeleteView, SaveView};
use crate::model::error::AppError;
use crate::model::tickets::{SavedView, TicketFilter, VIEW_NAME_MAX};
use crate::ui::components::{action_error, field_error, Button, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::A;

/// The member's saved views and the actions that change them. Made by the page, outside the
/// signed-in gate: Leptos walks a `Suspense`'s children up to three times when rendering on
/// the server, and a resource made inside them was fetched once per walk (three transactions
/// per ticket list page; issue 14).
#[derive(Clone, Copy)]
pub struct SavedViewsData {
    save: ServerAction<SaveView>,
    delete: ServerAction<DeleteView>,
    views: Resource<Result<Vec<SavedView>, AppError>>,
}

impl SavedViewsData {
    pub fn new() -> Self {
        let save = ServerAction::<SaveView>::new();
        let delete = ServerAction::<DeleteView>::new();
        let views = Resource::new(
            move || (save.version().get(), delete.version().get()),
            |_| list_saved_views(),
        );
        Self {
            save,
            delete,
            views,
        }
    }
}

#[component]
pub fn SavedViews(filter: Memo<TicketFilter>, data: SavedViewsData) -> impl IntoView {
    let SavedViewsData {
        save,
        delete,
        views,
    } = data;
    let error = action_error(save.value());
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <section aria-labelledby="saved-views-heading" class="mt-6 flex flex-col gap-3">
            <h2 id="saved-views-heading" class="text-lg font-semibold">"Saved views"</h2>
            <Transition>
                {move || {
                    views
                        .get()
                        .and_then(Result::ok)
                        .map(|list| {
                            if list.is_empty() {
                                view! { <p class="text-sm text-muted">"Save the filters below to come back to them in one click."</p> }.into_any()
                            } else {
                                view! {
                                    <ul class="flex flex-wrap gap-2" aria-label="Your saved views">
                                        {list.into_iter().map(|v| view_item(v, delete)).collect_view()}
                                    </ul>
                                }
                                .into_any()
                            }
                        })
                }}
            </Transition>
            <ActionForm action=save attr:class="flex flex-wrap items-end gap-3" attr:aria-label="Save this view" attr:novalidate=true>
                <FormError error fields=&["name"] />
                <input type="hidden" name="query" value=move || filter.get().to_query() />
                <TextField label="View name" name="name" id="view-name" required=true max_length=VIEW_NAME_MAX error=field_error(error, "name") />
                <Button submit=true pending=save.pending()>"Save view"</Button>
                <p role="status" class="text-sm text-success">{move || saved().then_some("View saved.")}</p>
            </ActionForm>
        </section>
    }
}

fn view_item(v: SavedView, delete: ServerAction<DeleteView>) -> impl IntoView {
    let label = format!("Delete view {}", v.name);
    view! {
        <li class="flex items-center gap-1 rounded-md border border-border px-2 py-1" data-testid="saved-view">
            <A href=v.href() attr:class="font-medium text-primary underline">{v.name.clone()}</A>
            <ActionForm action=delete>
                <input type="hidden" name="id" value=v.id.to_string() />
                <button type="submit" aria-label=label class="rounded px-1 text-muted hover:text-fg">"×"</button>
            </ActionForm>
        </li>
    }
}
