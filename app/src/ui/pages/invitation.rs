//! Accepting an invitation: a new person chooses a name and password; someone with an account
//! confirms with theirs.

use crate::api::members::preview_invitation;
use crate::model::identity::NewPassword;
use crate::model::members::InvitationPreview;
use crate::ui::auth::use_auth;
use crate::ui::components::{field_error, Button, ErrorNotice, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let (token, preview) = super::link_resource(preview_invitation);
    view! {
        <Title text="Join an organisation" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <Suspense>
                {move || {
                    preview
                        .get()
                        .map(|r| match r {
                            Ok(Some(p)) => view! { <AcceptForm preview=p token=token.clone() /> }.into_any(),
                            Ok(None) => {
                                view! {
                                    <h1 class="text-2xl font-bold">"This invitation no longer works"</h1>
                                    <p data-testid="invitation-dead">
                                        "It has expired, was revoked or was already accepted. Ask the person who invited you to send a new one."
                                    </p>
                                }
                                    .into_any()
                            }
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        })
                }}
            </Suspense>
        </div>
    }
}

#[component]
fn AcceptForm(preview: InvitationPreview, token: String) -> impl IntoView {
    let action = use_auth().accept_invitation;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let existing = preview.account_exists;
    view! {
        <h1 class="text-2xl font-bold">{format!("Join {}", preview.organisation_name)}</h1>
        <p>
            {format!("You're invited as {} with the address ", preview.role.label())}
            <strong>{preview.email.clone()}</strong>
            "."
        </p>
        <ActionForm action attr:class="flex flex-col gap-4" attr:aria-label="Accept the invitation" attr:novalidate=true>
            <FormError error fields=&["name", "password", "token"] />
            {field_error(error, "token").get().map(|m| view! { <p class="text-danger">{m}</p> })}
            <input type="hidden" name="token" value=token />
            {if existing {
                view! {
                    <input type="hidden" name="name" value="" />
                    <TextField
                        label="Your password"
                        name="password"
                        input_type="password"
                        autocomplete="current-password"
                        hint="You already have an account: confirm it's you."
                        required=true
                        error=field_error(error, "password")
                    />
                }
                    .into_any()
            } else {
                view! {
                    <TextField label="Your name" name="name" autocomplete="name" required=true max_length=100 error=field_error(error, "name") />
                    <TextField
                        label="Choose a password"
                        name="password"
                        input_type="password"
                        autocomplete="new-password"
                        hint=format!("At least {} characters.", NewPassword::MIN_LEN)
                        required=true
                        max_length=NewPassword::MAX_LEN
                        error=field_error(error, "password")
                    />
                }
                    .into_any()
            }}
            <Button submit=true pending=action.pending()>"Accept and join"</Button>
        </ActionForm>
    }
}
