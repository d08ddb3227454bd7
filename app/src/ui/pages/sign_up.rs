//! Signing up: the form, then the emailed link's page that creates the organisation.

use crate::api::auth::{check_sign_up_link, ConfirmSignUp, SignUp};
use crate::model::identity::NewPassword;
use crate::ui::components::{field_error, Button, EmailField, ErrorNotice, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    let pending = action.pending();
    view! {
        <Title text="Create your organisation" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Create your organisation"</h1>
            <p class="text-muted">
                "You'll be its administrator and can invite your team afterwards. Already have an account? "
                <A href="/signin" attr:class="font-medium text-primary underline">"Sign in"</A>
            </p>
            <ActionForm action attr:class="flex flex-col gap-4" attr:aria-label="Create your organisation" attr:novalidate=true>
                <FormError error=error fields=&["name", "email", "password", "organisation"] />
                <TextField label="Your name" name="name" autocomplete="name" required=true max_length=100 error=field_error(error, "name") />
                <EmailField label="Work email" error=field_error(error, "email") />
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="new-password"
                    hint=format!("At least {} characters. A few unrelated words work well.", NewPassword::MIN_LEN)
                    required=true
                    max_length=NewPassword::MAX_LEN
                    error=field_error(error, "password")
                />
                <TextField
                    label="Organisation name"
                    name="organisation"
                    autocomplete="organization"
                    required=true
                    max_length=200
                    error=field_error(error, "organisation")
                />
                <Button submit=true pending=pending>
                    {move || if pending.get() { "Sending…" } else { "Create organisation" }}
                </Button>
            </ActionForm>
            <div role="status">
                {move || {
                    sent()
                        .then(|| {
                            view! {
                                <p class="rounded-md border border-border bg-surface p-3" data-testid="sign-up-sent">
                                    "Check your inbox: we've emailed a link to finish creating your organisation. It works once, for 24 hours, and nothing is created until you open it."
                                </p>
                            }
                        })
                }}
            </div>
        </div>
    }
}

#[component]
pub fn ConfirmSignUpPage() -> impl IntoView {
    let (token, pending_sign_up) = super::link_resource(check_sign_up_link);
    view! {
        <Title text="Finish creating your organisation" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Finish creating your organisation"</h1>
            <Suspense>
                {move || {
                    let token = token.clone();
                    pending_sign_up
                        .get()
                        .map(|r| match r {
                            Ok(Some(p)) => {
                                view! {
                                    <p data-testid="sign-up-pending">
                                        "Create " <strong>{p.organisation_name}</strong> " with "
                                        <strong>{p.email}</strong> " as its administrator?"
                                    </p>
                                    // A plain form, posted by the browser, which then loads the
                                    // home it is sent to: signing in changes everything on the
                                    // page, and redrawing it in place raced the page's own
                                    // removal ("could not find parent element", e2e runs).
                                    <form method="post" action=ConfirmSignUp::PATH class="flex flex-col gap-4" aria-label="Finish creating your organisation">
                                        <input type="hidden" name="token" value=token.clone() />
                                        <Button submit=true>"Create organisation"</Button>
                                    </form>
                                }
                                    .into_any()
                            }
                            Ok(None) => {
                                view! {
                                    <p class="rounded-md border border-border bg-surface p-3" data-testid="sign-up-link-dead">
                                        "This link has expired or was already used. "
                                        <A href="/signup" attr:class="font-medium text-primary underline">"Sign up again"</A>
                                        " for a new one, or "
                                        <A href="/signin" attr:class="font-medium text-primary underline">"sign in"</A>
                                        "."
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
