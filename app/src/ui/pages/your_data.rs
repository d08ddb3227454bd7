//! "Your data" (GDPR): a copy of everything held about the person, and erasing the account.
//! A page of its own, linked from the account page, so its code is a chunk the account page
//! does not load (bundle budget, end2end/tests/bundle.spec.ts). Erasure signs the person out
//! everywhere, so the browser goes home with a full load rather than a router navigation.

use crate::api::profile::EraseAccount;
use crate::model::identity::NewPassword;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::{
    action_error, field_error, Button, ButtonVariant, FormError, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn YourDataPage() -> impl IntoView {
    view! {
        <Title text="Your data" />
        <h1 class="text-2xl font-bold">"Your data"</h1>
        <SignedInOnly>
            <YourData />
        </SignedInOnly>
    }
}

/// On the account page: where the person's data is, in one line.
#[component]
pub fn YourDataLink() -> impl IntoView {
    view! {
        <section aria-labelledby="your-data-heading" class="mt-8 flex max-w-xl flex-col gap-2">
            <h2 id="your-data-heading" class="text-xl font-semibold">"Your data"</h2>
            <p class="text-muted">
                "Download everything Workdesk holds about you, or erase your account: "
                <a href="/account/data" class="font-medium text-primary underline">"your data"</a>
                "."
            </p>
        </section>
    }
}

#[component]
fn YourData() -> impl IntoView {
    let erase = ServerAction::<EraseAccount>::new();
    let error = action_error(erase.value());
    Effect::new(move |_| {
        if erase.value().with(|v| matches!(v, Some(Ok(())))) {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <section aria-labelledby="your-copy-heading" class="mt-6 flex max-w-xl flex-col gap-3">
            <h2 id="your-copy-heading" class="text-xl font-semibold">"Download a copy"</h2>
            <p class="text-muted">
                "A copy of everything Workdesk holds about you, in every organisation you belong to, as one JSON file."
            </p>
            <div>
                <a href="/account/export.json" download class="font-medium text-primary underline">"Download my data"</a>
            </div>
        </section>
        <section aria-labelledby="erase-heading" class="mt-8 flex max-w-xl flex-col gap-3">
            <h2 id="erase-heading" class="text-xl font-semibold">"Erase my account"</h2>
            <p id="erase-explained" class="text-muted">
                "Your name, address, password, two-step settings, sessions and sign-in history are removed for good. "
                "What you wrote stays with your organisations under the name \"Erased person\", and their audit logs keep "
                "the events without your address. You cannot undo this or sign in again."
            </p>
            <ActionForm action=erase attr:class="flex flex-col gap-3" attr:aria-label="Erase my account" attr:novalidate=true>
                <FormError error fields=&["current_password", "understood"] />
                <TextField label="Your password" name="current_password" input_type="password" autocomplete="current-password" required=true max_length=NewPassword::MAX_LEN error=field_error(error, "current_password") />
                <label class="flex items-center gap-2">
                    <input type="checkbox" name="understood" value="yes" aria-describedby="erase-explained" class="h-4 w-4" />
                    "I understand that this erases my account for good"
                </label>
                {move || field_error(error, "understood").get().map(|e| view! { <p class="text-sm text-danger">{e}</p> })}
                <div><Button submit=true variant=ButtonVariant::Danger pending=erase.pending()>"Erase my account"</Button></div>
            </ActionForm>
        </section>
    }
}
