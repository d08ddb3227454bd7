//! The second step of signing in: the code from the authenticator app or the email.

use crate::api::auth::get_pending_challenge;
use crate::model::navigation::NEXT;
use crate::model::second_factor::Method;
use crate::ui::auth::use_auth;
use crate::ui::components::{field_error, Button, CodeField, ErrorNotice, FormError};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let auth = use_auth();
    let pending_method = Resource::new_blocking(|| (), |_| get_pending_challenge());
    let action = auth.verify;
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let pending = action.pending();
    let query = leptos_router::hooks::use_query_map();
    let next = move || query.read().get(NEXT).unwrap_or_default();
    view! {
        <Title text="Enter your sign-in code" />
        <div class="mx-auto flex max-w-md flex-col gap-6">
            <h1 class="text-2xl font-bold">"Enter your sign-in code"</h1>
            <Suspense>
                {move || {
                    pending_method
                        .get()
                        .map(|r| match r {
                            Ok(Some(method)) => {
                                let hint = match method {
                                    Method::Totp => "The 6-digit code your authenticator app shows for Workdesk.",
                                    Method::Email => "We've emailed you a 6-digit code. It works for 10 minutes.",
                                };
                                view! {
                                    <ActionForm action attr:class="flex flex-col gap-4" attr:aria-label="Enter your sign-in code" attr:novalidate=true>
                                        <FormError error fields=&["code"] />
                                        <input type="hidden" name=NEXT value=next />
                                        <CodeField label="Code" id="sign-in-code" hint=hint error=field_error(error, "code") />
                                        <Button submit=true pending=pending>"Continue"</Button>
                                    </ActionForm>
                                    <p class="text-sm text-muted">
                                        "Lost your phone or can't get the email? Enter one of your backup codes instead."
                                    </p>
                                }
                                    .into_any()
                            }
                            Ok(None) => {
                                view! {
                                    <p data-testid="challenge-expired">
                                        "This sign-in has expired. "
                                        <A href="/signin" attr:class="font-medium text-primary underline">"Sign in again"</A>
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
