use super::{Button, ButtonVariant};
use leptos::prelude::*;

/// A modal dialog on the native `<dialog>`: the browser traps focus, closes it on Escape and
/// returns focus to the opener, which no hand-made overlay gets right everywhere.
#[component]
pub fn Dialog(
    /// Unique on the page; names the title element the dialog is labelled by.
    id: &'static str,
    #[prop(into)] title: String,
    open: RwSignal<bool>,
    children: Children,
) -> impl IntoView {
    let node = modal(open);
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <dialog
            id=id
            node_ref=node
            aria-labelledby=labelled_by
            class="m-auto w-full max-w-lg rounded-lg border border-border bg-surface-raised p-6 \
                   text-fg shadow-xl backdrop:bg-black/50"
            on:close=move |_| open.set(false)
        >
            <h2 id=title_id class="mb-4 text-lg font-semibold">
                {title}
            </h2>
            <div class="flex flex-col gap-4">{children()}</div>
            <div class="mt-6 flex justify-end">
                <Button
                    variant=ButtonVariant::Secondary
                    on_click=Callback::new(move |_| open.set(false))
                >
                    "Close"
                </Button>
            </div>
        </dialog>
    }
}

/// A `<dialog>`'s node, shown as a modal while `open` holds.
pub(super) fn modal(open: RwSignal<bool>) -> NodeRef<leptos::html::Dialog> {
    let node = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let want_open = open.get();
        if let Some(dialog) = node.get() {
            sync_open(&dialog, want_open);
        }
    });
    node
}

#[cfg(feature = "hydrate")]
fn sync_open(dialog: &web_sys::HtmlDialogElement, want_open: bool) {
    if want_open && !dialog.open() {
        // Fails only if the element is detached, in which case there is nothing to show.
        let _ = dialog.show_modal();
    } else if !want_open && dialog.open() {
        dialog.close();
    }
}

// Effects never run while rendering on the server.
#[cfg(not(feature = "hydrate"))]
fn sync_open<T>(_dialog: &T, _want_open: bool) {}
