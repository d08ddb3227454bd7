use crate::api::auth::get_sign_in_context;
use crate::model::navigation::NEXT;
use crate::ui::auth::use_auth;
use crate::ui::components::{field_error, Button, EmailField, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let auth = use_auth();
    let context = Resource::new_blocking(|| (), |_| get_sign_in_context());
    let error = Signal::derive(move || auth.sign_in.value().get().and_then(Result::err));
    let pending = auth.sign_in.pending();
    let query = use_query_map();
    let just_reset = move || query.read().get("reset").as_deref() == Some("done");
    // Where to go afterwards; the server checks it is a page of this site.
    let next = move || query.read().get(NEXT).unwrap_or_default();
    view! {
        <Title text="Sign in" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <Suspense>
                {move || {
                    context
                        .get()
                        .map(|c| {
                            let organisation = c.ok().and_then(|c| c.organisation_name);
                            let heading = match &organisation {
                                Some(name) => format!("Sign in to {name}"),
                                None => "Sign in".to_string(),
                            };
                            view! {
                                <h1 class="text-2xl font-bold">{heading}</h1>
                                {organisation
                                    .is_none()
                                    .then(|| {
                                        view! {
                                            <p class="text-muted">
                                                "New to Workdesk? "
                                                <A href="/signup" attr:class="font-medium text-primary underline">
                                                    "Create an organisation"
                                                </A>
                                            </p>
                                        }
                                    })}
                            }
                        })
                }}
            </Suspense>
            <div role="status">
                {move || {
                    just_reset()
                        .then(|| {
                            view! {
                                <p class="rounded-md border border-border bg-surface p-3">
                                    "Your password was changed and every device signed out. Sign in with the new one."
                                </p>
                            }
                        })
                }}
            </div>
            <ActionForm action=auth.sign_in attr:class="flex flex-col gap-4" attr:aria-label="Sign in" attr:novalidate=true>
                <FormError error=error fields=&["email", "password"] />
                <input type="hidden" name=NEXT value=next />
                <EmailField autocomplete="username" error=field_error(error, "email") />
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=field_error(error, "password")
                />
                <Button submit=true pending=pending>
                    {move || if pending.get() { "Signing in…" } else { "Sign in" }}
                </Button>
            </ActionForm>
            <p>
                <A href="/forgot-password" attr:class="font-medium text-primary underline">"Forgot your password?"</A>
            </p>
        </div>
    }
}
