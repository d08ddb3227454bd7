//! Irreversible actions ask first. The button opens a dialog that names the consequence;
//! only the dialog's own button submits the form both sit in. Cancel (or Escape) is the
//! first choice the keyboard reaches, and closing returns focus to the button that asked.

use super::dialog::modal;
use super::{Button, ButtonVariant};
use leptos::prelude::*;

#[component]
pub fn ConfirmSubmit(
    /// Unique on the page; names the dialog's title.
    #[prop(into)]
    id: String,
    /// The button that asks, as it reads in the page.
    #[prop(into)]
    label: String,
    #[prop(into)] title: String,
    /// What will happen, in a sentence or two.
    #[prop(into)]
    consequence: String,
    /// The confirming button, naming the act ("Disable Ada").
    #[prop(into)]
    confirm: String,
    /// The asking button's accessible name, where its words need the row's context
    /// ("Disable Ada" for a "Disable" in Ada's row).
    #[prop(optional, into)]
    name: Option<String>,
    #[prop(optional)] variant: ButtonVariant,
    #[prop(optional, into)] pending: MaybeProp<bool>,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let node = modal(open);
    let title_id = format!("{id}-title");
    let text_id = format!("{id}-text");
    let (labelled_by, described_by) = (title_id.clone(), text_id.clone());
    view! {
        <Button variant pending attr:aria-label=name on_click=Callback::new(move |_| open.set(true))>{label}</Button>
        <dialog
            id=id
            node_ref=node
            aria-labelledby=labelled_by
            aria-describedby=described_by
            class="m-auto w-full max-w-md rounded-lg border border-border bg-surface-raised p-6 \
                   text-left text-fg shadow-xl backdrop:bg-black/50"
            on:close=move |_| open.set(false)
        >
            <h2 id=title_id class="mb-2 text-lg font-semibold">{title}</h2>
            <p id=text_id>{consequence}</p>
            <div class="mt-6 flex flex-wrap justify-end gap-3">
                <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| open.set(false))>
                    "Cancel"
                </Button>
                // Closing first leaves the submit to go ahead: the button stays in its form.
                <Button submit=true variant=ButtonVariant::Danger pending on_click=Callback::new(move |_| open.set(false))>
                    {confirm}
                </Button>
            </div>
        </dialog>
    }
}
