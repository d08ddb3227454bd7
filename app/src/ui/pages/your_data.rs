//! The account page's "Your data" section (GDPR): a copy of everything held about the person,
//! and erasing the account. Erasure signs them out everywhere, so the browser goes home with a
//! full load rather than a router navigation.

use crate::api::profile::EraseAccount;
use crate::model::identity::NewPassword;
use crate::ui::components::{
    action_error, field_error, Button, ButtonVariant, FormError, TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[component]
pub fn YourDataSection() -> impl IntoView {
    let erase = ServerAction::<EraseAccount>::new();
    let error = action_error(erase.value());
    Effect::new(move |_| {
        if erase.value().with(|v| matches!(v, Some(Ok(())))) {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <section aria-labelledby="your-data-heading" class="mt-8 flex max-w-xl flex-col gap-3">
            <h2 id="your-data-heading" class="text-xl font-semibold">"Your data"</h2>
            <p class="text-muted">
                "A copy of everything Workdesk holds about you, in every organisation you belong to, as one JSON file."
            </p>
            <div>
                <a href="/account/export.json" download class="font-medium text-primary underline">"Download my data"</a>
            </div>
            <h3 class="mt-4 text-lg font-semibold">"Erase my account"</h3>
            <p id="erase-explained" class="text-muted">
                "Your name, address, password, two-step settings, sessions and sign-in history are removed for good. "
                "What you wrote stays with your organisations under the name \"Erased person\", and their audit logs keep "
                "the events without your address. You cannot undo this or sign in again."
            </p>
            <ActionForm action=erase attr:class="flex flex-col gap-3" attr:aria-label="Erase my account" attr:novalidate=true>
                <FormError error fields=&["current_password", "understood"] />
                <TextField label="Your password" name="current_password" input_type="password" autocomplete="current-password" required=true max_length=NewPassword::MAX_LEN error=field_error(error, "current_password") id="erase-current-password" />
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
