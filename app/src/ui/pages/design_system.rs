use crate::ui::components::{
    use_toaster, Button, ButtonVariant, Dialog, EmptyState, Select, SelectOption, Table, TextField,
    ToastKind,
};
use leptos::prelude::*;
use leptos_meta::Title;

/// Every design-system component in its states: a reference for building pages and the page
/// the accessibility and hydration tests exercise them on.
#[component]
pub fn DesignSystemPage() -> impl IntoView {
    let toaster = use_toaster();
    let dialog_open = RwSignal::new(false);
    let email = RwSignal::new(String::new());
    let email_error = Signal::derive(move || {
        let value = email.get();
        (!value.is_empty() && !looks_like_email(&value))
            .then(|| "Enter an email address like name@example.com.".to_string())
    });
    let priority = RwSignal::new("medium".to_string());

    view! {
        <Title text="Design system" />
        <h1 class="text-2xl font-bold">"Design system"</h1>
        <p class="mt-2 max-w-prose text-muted">
            "The components every page is built from. Each one works from the keyboard, shows where focus is, and takes its colours from the theme's tokens."
        </p>

        <Section id="buttons" title="Buttons">
            <div class="flex flex-wrap gap-3">
                <Button on_click=Callback::new(move |_| toaster.push(ToastKind::Success, "Saved your changes."))>
                    "Show a toast"
                </Button>
                <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| dialog_open.set(true))>
                    "Open dialog"
                </Button>
                <Button variant=ButtonVariant::Danger on_click=Callback::new(move |_| toaster.push(ToastKind::Error, "That could not be deleted."))>
                    "Show an error"
                </Button>
                <Button disabled=true>"Disabled"</Button>
            </div>
        </Section>

        <Section id="fields" title="Fields">
            <form class="grid max-w-md gap-4" on:submit=|ev| ev.prevent_default()>
                <TextField
                    label="Email"
                    name="email"
                    input_type="email"
                    autocomplete="email"
                    hint="We'll only use it to send you sign-in codes."
                    value=email
                    error=email_error
                    on_input=Callback::new(move |v| email.set(v))
                    required=true
                />
                <Select
                    label="Priority"
                    name="priority"
                    options=vec![
                        SelectOption::new("low", "Low"),
                        SelectOption::new("medium", "Medium"),
                        SelectOption::new("high", "High"),
                        SelectOption::new("urgent", "Urgent"),
                    ]
                    selected=priority
                    on_change=Callback::new(move |v| priority.set(v))
                />
                <p class="text-sm text-muted" aria-live="polite">
                    "Chosen priority: " <strong data-testid="chosen-priority">{priority}</strong>
                </p>
            </form>
        </Section>

        <Section id="table" title="Table">
            <Table caption="Example tickets" caption_visible=true headers=vec!["Number", "Title", "Status"]>
                <tr>
                    <td class="px-3 py-2">"#1"</td>
                    <td class="px-3 py-2">"Printer on floor 2 is jammed"</td>
                    <td class="px-3 py-2">"Open"</td>
                </tr>
                <tr>
                    <td class="px-3 py-2">"#2"</td>
                    <td class="px-3 py-2">"New starter needs a laptop"</td>
                    <td class="px-3 py-2">"Pending"</td>
                </tr>
            </Table>
        </Section>

        <Section id="empty" title="Empty state">
            <EmptyState
                title="No tickets yet"
                description="Tickets your team raises or receives by email will appear here."
            >
                <Button on_click=Callback::new(move |_| toaster.push(ToastKind::Info, "Creating tickets arrives with the helpdesk."))>
                    "Create the first ticket"
                </Button>
            </EmptyState>
        </Section>

        <Dialog id="example-dialog" title="An example dialog" open=dialog_open>
            <p>"Dialogs trap focus while open, close on Escape and return focus to the button that opened them."</p>
        </Dialog>
    }
}

#[component]
fn Section(id: &'static str, title: &'static str, children: Children) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section aria-labelledby=labelled_by class="mt-10">
            <h2 id=heading_id class="mb-4 text-xl font-semibold">{title}</h2>
            {children()}
        </section>
    }
}

/// Enough to catch typos while typing; the server validates for real.
fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.ends_with('.')
        }
        None => false,
    }
}
