//! The organisation's queues: everyone sees them; managers and admins add, rename and choose
//! the default one (where tickets go when no queue is picked).

use crate::api::tickets::{list_queues, CreateQueue, MakeDefaultQueue, RenameQueue};
use crate::model::tickets::{Queue, QUEUE_NAME_MAX};
use crate::ui::auth::{use_auth, SignedInOnly};
use crate::ui::components::{
    action_error, field_error, Button, FormError, FormToken, ResourceSection, Table, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateQueue>,
    rename: ServerAction<RenameQueue>,
    make_default: ServerAction<MakeDefaultQueue>,
}

#[component]
pub fn QueuesPage() -> impl IntoView {
    let auth = use_auth();
    let actions = Actions {
        create: ServerAction::new(),
        rename: ServerAction::new(),
        make_default: ServerAction::new(),
    };
    let queues = Resource::new(
        move || {
            (
                actions.create.version().get(),
                actions.rename.version().get(),
                actions.make_default.version().get(),
            )
        },
        |_| list_queues(),
    );
    let manages = Signal::derive(move || {
        auth.viewer
            .get()
            .and_then(|v| v.ok().flatten())
            .is_some_and(|v| {
                v.role
                    .can(crate::model::permission::Permission::ArrangeQueues)
            })
    });
    let rename_error = action_error(actions.rename.value());
    let render = move |queues: Vec<Queue>| {
        let manages = manages.get();
        view! {
            <FormError error=rename_error fields=&["name"] />
            <Table caption="Queues" headers=vec!["Name", "Default", "Change"]>
                {queues.into_iter().map(|q| queue_row(q, actions, manages)).collect_view()}
            </Table>
        }
    };
    let create_error = action_error(actions.create.value());
    let form = NodeRef::new();
    view! {
        <Title text="Queues" />
        <h1 class="text-2xl font-bold">"Queues"</h1>
        <p class="mt-2 max-w-2xl text-muted">"Tickets are filed in queues. New tickets go to the default queue unless someone picks another."</p>
        <SignedInOnly>
            <ResourceSection id="queues-heading" title="All queues" resource=queues render />
            <Show when=move || manages.get()>
                <section aria-labelledby="new-queue-heading" class="mt-6 flex max-w-md flex-col gap-3">
                    <h2 id="new-queue-heading" class="text-xl font-semibold">"Add a queue"</h2>
                    <ActionForm action=actions.create node_ref=form attr:class="flex flex-col gap-3" attr:aria-label="Add a queue" attr:novalidate=true>
                        <FormToken action=actions.create form />
                        <FormError error=create_error fields=&["name"] />
                        <TextField label="Queue name" name="name" id="new-queue-name" required=true max_length=QUEUE_NAME_MAX error=field_error(create_error, "name") />
                        <Button submit=true pending=actions.create.pending()>"Add queue"</Button>
                    </ActionForm>
                </section>
            </Show>
        </SignedInOnly>
    }
}

fn queue_row(q: Queue, actions: Actions, manages: bool) -> impl IntoView {
    let id = q.id.to_string();
    let default_id = id.clone();
    let (rename_label, default_label) = (
        format!("New name for {}", q.name),
        format!("Make {} the default", q.name),
    );
    view! {
        <tr data-testid="queue-row">
            <td class="px-3 py-2 font-medium">{q.name.clone()}</td>
            <td class="px-3 py-2">{if q.is_default { "Default" } else { "" }}</td>
            <td class="px-3 py-2">
                {manages.then(|| view! {
                    <div class="flex flex-wrap items-end gap-2">
                        <ActionForm action=actions.rename attr:class="flex items-end gap-2">
                            <input type="hidden" name="id" value=id.clone() />
                            <input
                                type="text"
                                name="name"
                                aria-label=rename_label.clone()
                                maxlength=QUEUE_NAME_MAX
                                class="rounded-md border border-border bg-surface-raised px-3 py-2 text-fg"
                            />
                            <Button submit=true pending=actions.rename.pending()>"Rename"</Button>
                        </ActionForm>
                        {(!q.is_default)
                            .then(|| {
                                view! {
                                    <ActionForm action=actions.make_default>
                                        <input type="hidden" name="id" value=default_id />
                                        <button type="submit" aria-label=default_label.clone() class="rounded-md border border-border px-3 py-2 text-sm text-fg hover:bg-surface">
                                            "Make default"
                                        </button>
                                    </ActionForm>
                                }
                            })}
                    </div>
                })}
            </td>
        </tr>
    }
}
