//! API tokens, for admins: make one (its secret is shown once), see when each was last used,
//! revoke any.

use super::members::role_options;
use crate::api::api_tokens::{list_api_tokens, CreateApiToken, RevokeApiToken};
use crate::model::api_tokens::{ApiToken, NAME_MAX};
use crate::model::billing::Feature;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::PlanGate;
use crate::ui::components::{
    field_error, Button, ButtonVariant, ConfirmSubmit, EmptyState, FormError, ResourceSection,
    Select, Table, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiTokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let tokens = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let render = move |tokens: Vec<ApiToken>| {
        if tokens.is_empty() {
            return view! { <EmptyState title="No tokens yet" description="Make one for each program that uses the API." /> }.into_any();
        }
        view! {
            <Table caption="API tokens" headers=vec!["Name", "Role", "Made by", "Made", "Last used", "Status"]>
                {tokens.into_iter().map(|t| token_row(t, revoke)).collect_view()}
            </Table>
        }
        .into_any()
    };
    view! {
        <Title text="API tokens" />
        <h1 class="text-2xl font-bold">"API tokens"</h1>
        <p class="mt-2 max-w-2xl text-muted">
            "Programs use the REST API at " <code>"/api/v1"</code> " with a token in the "
            <code>"Authorization: Bearer"</code> " header. A token acts as you, with the role you pick. The API is described at "
            <a href="/api/v1/openapi.json" rel="external" class="font-medium text-primary underline">"/api/v1/openapi.json"</a> "."
        </p>
        <SignedInOnly>
            <PlanGate feature=Feature::ApiAccess>
                <CreateForm action=create />
            </PlanGate>
            <ResourceSection id="tokens-heading" title="Tokens" resource=tokens render />
        </SignedInOnly>
    }
}

fn token_row(t: ApiToken, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let label = format!("Revoke {}", t.name);
    view! {
        <tr data-testid="api-token">
            <td class="px-3 py-2 font-medium">{t.name.clone()}</td>
            <td class="px-3 py-2">{t.role.label()}</td>
            <td class="px-3 py-2">{t.created_by}</td>
            <td class="px-3 py-2 whitespace-nowrap"><Instant at=t.created_at /></td>
            <td class="px-3 py-2 whitespace-nowrap">
                {match t.last_used_at { Some(at) => view! { <Instant at /> }.into_any(), None => "Never".into_any() }}
            </td>
            <td class="px-3 py-2">
                {if t.revoked {
                    view! { <span>"Revoked"</span> }.into_any()
                } else {
                    view! {
                        <ActionForm action=revoke>
                            <input type="hidden" name="id" value=t.id.to_string() />
                            <ConfirmSubmit
                                id=format!("revoke-{}", t.id)
                                label="Revoke"
                                name=label.clone()
                                title=format!("Revoke {}?", t.name)
                                consequence="Every program using this token is refused from now on. A revoked token can't be restored; make a new one if it is still needed."
                                confirm=label
                                variant=ButtonVariant::Secondary
                            />
                        </ActionForm>
                    }
                    .into_any()
                }}
            </td>
        </tr>
    }
}

#[component]
fn CreateForm(action: ServerAction<CreateApiToken>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let created = move || action.value().get().and_then(Result::ok);
    view! {
        <section aria-labelledby="new-token-heading" class="mt-6 flex max-w-md flex-col gap-4">
            <h2 id="new-token-heading" class="text-xl font-semibold">"Make a token"</h2>
            <ActionForm action attr:class="flex flex-col gap-4" attr:aria-label="Make a token" attr:novalidate=true>
                <FormError error fields=&["name", "role"] />
                <TextField label="Name" name="name" required=true max_length=NAME_MAX hint="What uses it, for example \"Monitoring\"." error=field_error(error, "name") />
                <Select label="Role" name="role" id="token-role" options=role_options() selected="staff".to_string() />
                <Button submit=true pending=action.pending()>"Make token"</Button>
            </ActionForm>
            <div role="status">
                {move || {
                    created()
                        .map(|c| {
                            view! {
                                <div class="flex flex-col gap-2 rounded-md border border-border bg-surface p-3">
                                    <p class="font-medium">{format!("Token \"{}\" made. Copy it now: it is not shown again.", c.token.name)}</p>
                                    <code class="break-all font-mono text-sm" data-testid="new-token">{c.secret}</code>
                                </div>
                            }
                        })
                }}
            </div>
        </section>
    }
}
