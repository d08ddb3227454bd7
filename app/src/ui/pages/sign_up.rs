use crate::model::identity::NewPassword;
use crate::ui::auth::use_auth;
use crate::ui::components::{field_error, Button, EmailField, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn SignUpPage() -> impl IntoView {
    let auth = use_auth();
    let error = Signal::derive(move || auth.sign_up.value().get().and_then(Result::err));
    let pending = auth.sign_up.pending();
    view! {
        <Title text="Create your organisation" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Create your organisation"</h1>
            <p class="text-muted">
                "You'll be its administrator and can invite your team afterwards. Already have an account? "
                <A href="/signin" attr:class="font-medium text-primary underline">"Sign in"</A>
            </p>
            <ActionForm action=auth.sign_up attr:class="flex flex-col gap-4" attr:aria-label="Create your organisation" attr:novalidate=true>
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
                <Button submit=true disabled=pending>
                    {move || if pending.get() { "Creating…" } else { "Create organisation" }}
                </Button>
            </ActionForm>
        </div>
    }
}
