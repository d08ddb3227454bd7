//! Forgotten passwords: ask for a link, then choose a new password with it.

use crate::api::auth::{check_reset_link, RequestPasswordReset, ResetPassword};
use crate::model::identity::NewPassword;
use crate::ui::components::{field_error, Button, EmailField, ErrorNotice, FormError, TextField};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    let pending = action.pending();
    view! {
        <Title text="Reset your password" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Reset your password"</h1>
            <p class="text-muted">"Enter the email you sign in with and we'll send you a link to choose a new password."</p>
            <ActionForm action attr:class="flex flex-col gap-4" attr:aria-label="Reset your password" attr:novalidate=true>
                <FormError error fields=&["email"] />
                <EmailField autocomplete="username" error=field_error(error, "email") />
                <Button submit=true pending=pending>"Send the link"</Button>
            </ActionForm>
            <div role="status">
                {move || {
                    sent()
                        .then(|| {
                            view! {
                                <p class="rounded-md border border-border bg-surface p-3" data-testid="reset-sent">
                                    "If an account uses that address, a link is on its way. It works once, for 30 minutes."
                                </p>
                            }
                        })
                }}
            </div>
            <p><A href="/signin" attr:class="font-medium text-primary underline">"Back to sign in"</A></p>
        </div>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let (token, usable) = super::link_resource(check_reset_link);
    let action = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();
    view! {
        <Title text="Choose a new password" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Choose a new password"</h1>
            <Suspense>
                {move || {
                    let token = token.clone();
                    usable
                        .get()
                        .map(|r| match r {
                            Ok(true) => {
                                view! {
                                    <ActionForm action attr:class="flex flex-col gap-4" attr:aria-label="Choose a new password" attr:novalidate=true>
                                        <FormError error fields=&["password"] />
                                        <input type="hidden" name="token" value=token.clone() />
                                        <TextField
                                            label="New password"
                                            name="password"
                                            input_type="password"
                                            autocomplete="new-password"
                                            hint=format!("At least {} characters. Every device will be signed out.", NewPassword::MIN_LEN)
                                            required=true
                                            max_length=NewPassword::MAX_LEN
                                            error=field_error(error, "password")
                                        />
                                        <Button submit=true pending=pending>"Set the new password"</Button>
                                    </ActionForm>
                                }
                                    .into_any()
                            }
                            Ok(false) => {
                                view! {
                                    <p class="rounded-md border border-border bg-surface p-3" data-testid="reset-link-dead">
                                        "This link has expired or was already used. "
                                        <A href="/forgot-password" attr:class="font-medium text-primary underline">"Ask for a new one"</A>
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
