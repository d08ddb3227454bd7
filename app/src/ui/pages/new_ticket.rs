//! The new-ticket form.

use super::requester_field::RequesterField;
use super::tickets::{assignee_options, priority_options, queue_options, Choices};
use crate::api::tickets::{ticket_choices, CreateTicket};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::{
    action_error, field_error, Button, FormError, FormToken, Select, TextArea, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NewTicketPage() -> impl IntoView {
    let create = ServerAction::<CreateTicket>::new();
    let choices: Choices = Resource::new(|| (), |_| ticket_choices());
    let error = action_error(create.value());
    let form = NodeRef::new();
    view! {
        <Title text="New ticket" />
        <h1 class="text-2xl font-bold">"New ticket"</h1>
        <SignedInOnly>
            <ActionForm action=create node_ref=form attr:class="mt-6 flex max-w-2xl flex-col gap-4" attr:aria-label="New ticket" attr:novalidate=true>
                <FormToken action=create form />
                <FormError error fields=&["title", "description", "requester", "priority", "queue", "assignee", "due"] />
                <TextField label="Title" name="title" required=true max_length=crate::model::tickets::TITLE_MAX error=field_error(error, "title") />
                <TextArea
                    label="Description"
                    name="description"
                    hint="Markdown works: **bold**, lists, links."
                    max_length=crate::model::tickets::DESCRIPTION_MAX
                    error=field_error(error, "description")
                />
                <RequesterField error />
                <Select label="Priority" name="priority" options=priority_options(None) selected="medium".to_string() />
                <Transition>
                    {move || {
                        choices
                            .get()
                            .map(|r| match r {
                                Ok((queues, people)) => {
                                    view! {
                                        <Select label="Queue" name="queue" options=queue_options(None, &queues) />
                                        <Select label="Assignee" name="assignee" options=assignee_options("Unassigned", &people) />
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <crate::ui::components::ErrorNotice error=e /> }.into_any(),
                            })
                    }}
                </Transition>
                <TextField label="Due date" name="due" input_type="date" hint="Optional." error=field_error(error, "due") />
                <Button submit=true pending=create.pending()>"Create ticket"</Button>
            </ActionForm>
        </SignedInOnly>
    }
}
