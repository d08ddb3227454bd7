//! Changing the sign-in address: the account page's section that asks (password and new
//! address), and the page the emailed link opens, which makes the change.

use crate::api::profile::{
    check_email_link, get_email_change, CancelEmailChange, ChangeEmail, ConfirmEmail,
};
use crate::model::identity::{Email, NewPassword};
use crate::ui::auth::use_auth;
use crate::ui::components::{
    action_error, field_error, use_toaster, Button, ButtonVariant, ErrorNotice, FormError, Instant,
    TextField, ToastKind,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// The account page's section: the current address, a change waiting for its link, and the
/// form that asks for one.
#[component]
pub fn EmailSection(current: String) -> impl IntoView {
    let change = ServerAction::<ChangeEmail>::new();
    let cancel = ServerAction::<CancelEmailChange>::new();
    let waiting = Resource::new(
        move || (change.version().get(), cancel.version().get()),
        |_| get_email_change(),
    );
    let error = action_error(change.value());
    let form = NodeRef::<leptos::html::Form>::new();
    let toaster = use_toaster();
    Effect::new(move |_| {
        if change.value().with(|v| matches!(v, Some(Ok(())))) {
            toaster.push(
                ToastKind::Success,
                "Link sent. Open it from the new address's mailbox to finish the change.",
            );
            #[cfg(feature = "hydrate")]
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    Effect::new(move |_| {
        if cancel.value().with(|v| matches!(v, Some(Ok(())))) {
            toaster.push(
                ToastKind::Success,
                "Change cancelled. The link no longer works.",
            );
        }
    });
    view! {
        <section aria-labelledby="email-heading" class="mt-8 flex max-w-xl flex-col gap-3">
            <h2 id="email-heading" class="text-xl font-semibold">"Sign-in address"</h2>
            <p>"You sign in with " <strong data-testid="current-email">{current}</strong> "."</p>
            <Transition>
                {move || waiting.get().and_then(Result::ok).flatten().map(|w| view! {
                    <div class="flex flex-wrap items-center gap-3 rounded-md border border-border bg-surface p-3" data-testid="email-change-waiting">
                        <p>
                            "Waiting for you to open the link sent to " <strong>{w.new_email}</strong>
                            ". It works until " <Instant at=w.expires_at /> "."
                        </p>
                        <ActionForm action=cancel>
                            <Button submit=true variant=ButtonVariant::Secondary pending=cancel.pending()>"Cancel the change"</Button>
                        </ActionForm>
                    </div>
                })}
            </Transition>
            <ActionForm action=change node_ref=form attr:class="flex flex-col gap-3" attr:aria-label="Change sign-in address" attr:novalidate=true>
                <FormError error fields=&["new_email", "current_password"] />
                <TextField label="New address" name="new_email" input_type="email" autocomplete="email" required=true max_length=Email::MAX_LEN hint="We'll email a link there; the change is made when it is opened. Your current address is told." error=field_error(error, "new_email") />
                <TextField label="Current password" name="current_password" input_type="password" autocomplete="current-password" required=true max_length=NewPassword::MAX_LEN error=field_error(error, "current_password") id="email-current-password" />
                <div><Button submit=true pending=change.pending()>"Send confirmation link"</Button></div>
            </ActionForm>
        </section>
    }
}

/// Where the emailed link lands: names the new address and makes the change on a click, so a
/// mail scanner that opens links changes nothing.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let (token, link) = super::link_resource(check_email_link);
    let confirm = ServerAction::<ConfirmEmail>::new();
    let auth = use_auth();
    // The viewer's address is shown in the header's menu and on the account page.
    Effect::new(move |_| {
        if confirm.value().with(|v| matches!(v, Some(Ok(_)))) {
            auth.viewer.refetch();
        }
    });
    let error = Signal::derive(move || confirm.value().get().and_then(Result::err));
    view! {
        <Title text="Confirm your new sign-in address" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Confirm your new sign-in address"</h1>
            {move || match confirm.value().get() {
                Some(Ok(address)) => view! {
                    <p role="status" data-testid="email-changed">
                        "Done: your account signs in with " <strong>{address}</strong> " from now on. "
                        <A href="/account" attr:class="font-medium text-primary underline">"Go to your account"</A>
                        "."
                    </p>
                }
                    .into_any(),
                _ => {
                    let token = token.clone();
                    view! {
                        <Suspense>
                            {move || {
                                let token = token.clone();
                                link.get().map(|r| match r {
                                    Ok(Some(address)) => view! {
                                        <p data-testid="email-link-address">"Sign in with " <strong>{address}</strong> " from now on?"</p>
                                        <ActionForm action=confirm attr:class="flex flex-col gap-4" attr:aria-label="Confirm your new sign-in address">
                                            <FormError error fields=&["token"] />
                                            <input type="hidden" name="token" value=token />
                                            <Button submit=true pending=confirm.pending()>"Use this address"</Button>
                                        </ActionForm>
                                    }
                                        .into_any(),
                                    Ok(None) => view! {
                                        <p class="rounded-md border border-border bg-surface p-3" data-testid="email-link-dead">
                                            "This link has expired, was already used or was replaced by a newer one. Ask for the change again from "
                                            <A href="/account" attr:class="font-medium text-primary underline">"your account"</A>
                                            "."
                                        </p>
                                    }
                                        .into_any(),
                                    Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                                })
                            }}
                        </Suspense>
                    }
                        .into_any()
                }
            }}
        </div>
    }
}
