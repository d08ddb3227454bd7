//! The account page's two-step sign-in section: set up an authenticator app or email codes,
//! see and replace backup codes, turn it off.

use crate::api::second_factor::{
    get_second_factor, ConfirmAuthenticator, ConfirmEmailCodes, ReplaceBackupCodes,
    SendConfirmationCode, StartAuthenticator, StartEmailCodes, TurnOffSecondFactor,
};
use crate::model::error::AppError;
use crate::model::second_factor::{Method, SecondFactorStatus, TotpSetup};
use crate::ui::components::{
    action_error, field_error, Button, ButtonVariant, CodeField, FormError, ResourceSection,
    TextField,
};
use leptos::form::ActionForm;
use leptos::prelude::*;

/// Created at the top of the page, so server and browser create them in the same order.
#[derive(Clone, Copy)]
pub struct SecondFactorState {
    status: Resource<Result<SecondFactorStatus, AppError>>,
    start_totp: ServerAction<StartAuthenticator>,
    confirm_totp: ServerAction<ConfirmAuthenticator>,
    start_email: ServerAction<StartEmailCodes>,
    confirm_email: ServerAction<ConfirmEmailCodes>,
    replace: ServerAction<ReplaceBackupCodes>,
    turn_off: ServerAction<TurnOffSecondFactor>,
    send_code: ServerAction<SendConfirmationCode>,
}

impl SecondFactorState {
    pub fn new() -> Self {
        let confirm_totp = ServerAction::<ConfirmAuthenticator>::new();
        let confirm_email = ServerAction::<ConfirmEmailCodes>::new();
        let replace = ServerAction::<ReplaceBackupCodes>::new();
        let turn_off = ServerAction::<TurnOffSecondFactor>::new();
        // Refetched only when a change succeeds: a failed attempt must not re-render (and
        // empty) the form the person is typing the next try into.
        let changed = RwSignal::new(0u32);
        count_successes(confirm_totp.value(), changed);
        count_successes(confirm_email.value(), changed);
        count_successes(replace.value(), changed);
        count_successes(turn_off.value(), changed);
        let status = Resource::new(move || changed.get(), |_| get_second_factor());
        Self {
            status,
            start_totp: ServerAction::new(),
            confirm_totp,
            start_email: ServerAction::new(),
            confirm_email,
            replace,
            turn_off,
            send_code: ServerAction::new(),
        }
    }

    /// Backup codes just made by the last confirmation or replacement, shown once.
    fn fresh_codes(&self) -> Option<Vec<String>> {
        [
            self.confirm_totp.value().get(),
            self.confirm_email.value().get(),
            self.replace.value().get(),
        ]
        .into_iter()
        .flatten()
        .find_map(Result::ok)
    }
}

fn count_successes<T, S>(value: S, changed: RwSignal<u32>)
where
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    T: 'static,
{
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            changed.update(|n| *n += 1);
        }
    });
}

#[component]
pub fn SecondFactorSection(state: SecondFactorState) -> impl IntoView {
    let render = move |status: SecondFactorStatus| match status.method {
        None => view! { <SetUp state /> }.into_any(),
        Some(method) => view! {
            <p data-testid="second-factor-status">
                "On: " <strong>{method.label()}</strong> ". "
                {format!("{} backup codes left.", status.backup_codes_left)}
            </p>
            <ManageCodes state method />
        }
        .into_any(),
    };
    view! {
        <ResourceSection id="second-factor-heading" title="Two-step sign-in" resource=state.status render>
            {move || state.fresh_codes().map(|codes| view! { <BackupCodes codes /> })}
        </ResourceSection>
    }
}

#[component]
fn SetUp(state: SecondFactorState) -> impl IntoView {
    let totp_setup = move || state.start_totp.value().get().and_then(Result::ok);
    let email_sent = move || matches!(state.start_email.value().get(), Some(Ok(())));
    view! {
        <p class="text-muted">
            "Ask for a code as well as your password when you sign in, so a stolen password is not enough."
        </p>
        {move || match (totp_setup(), email_sent()) {
            (Some(setup), _) => view! { <ConfirmAuthenticatorForm setup action=state.confirm_totp /> }.into_any(),
            (None, true) => view! { <ConfirmEmailForm action=state.confirm_email /> }.into_any(),
            (None, false) => {
                view! {
                    <div class="flex flex-wrap gap-3">
                        <ActionForm action=state.start_totp>
                            <Button submit=true>"Set up an authenticator app"</Button>
                        </ActionForm>
                        <ActionForm action=state.start_email>
                            <Button submit=true variant=ButtonVariant::Secondary>"Use codes by email"</Button>
                        </ActionForm>
                    </div>
                    <FormError error=action_error(state.start_totp.value()) fields=&[] />
                    <FormError error=action_error(state.start_email.value()) fields=&[] />
                }
                    .into_any()
            }
        }}
    }
}

#[component]
fn ConfirmAuthenticatorForm(
    setup: TotpSetup,
    action: ServerAction<ConfirmAuthenticator>,
) -> impl IntoView {
    let error = action_error(action.value());
    view! {
        <div class="flex flex-col gap-4 rounded-md border border-border p-4">
            <p>"Scan this code with your authenticator app, then enter the 6-digit code it shows."</p>
            <div
                role="img"
                aria-label="QR code to add Workdesk to your authenticator app"
                class="w-56 rounded-md bg-white p-2"
                inner_html=setup.qr_svg
            ></div>
            <p class="text-sm">
                "Can't scan? Enter this key instead: "
                <code class="break-all font-mono" data-testid="totp-secret">{setup.secret}</code>
            </p>
            <ActionForm action attr:class="flex max-w-xs flex-col gap-3" attr:aria-label="Confirm authenticator app" attr:novalidate=true>
                <FormError error fields=&["code"] />
                <CodeField label="Code from the app" id="totp-code" error=field_error(error, "code") />
                <Button submit=true>"Turn on"</Button>
            </ActionForm>
        </div>
    }
}

#[component]
fn ConfirmEmailForm(action: ServerAction<ConfirmEmailCodes>) -> impl IntoView {
    let error = action_error(action.value());
    view! {
        <div class="flex flex-col gap-4 rounded-md border border-border p-4">
            <p role="status">"We've emailed you a 6-digit code. It works for 10 minutes."</p>
            <ActionForm action attr:class="flex max-w-xs flex-col gap-3" attr:aria-label="Confirm email codes" attr:novalidate=true>
                <FormError error fields=&["code"] />
                <CodeField label="Code from the email" id="email-code" error=field_error(error, "code") />
                <Button submit=true>"Turn on"</Button>
            </ActionForm>
        </div>
    }
}

/// Replacing backup codes and turning the factor off both take the password and the factor
/// itself, so a stolen session (even with the password) cannot remove it.
#[component]
fn ManageCodes(state: SecondFactorState, method: Method) -> impl IntoView {
    let replace_error = action_error(state.replace.value());
    let off_error = action_error(state.turn_off.value());
    let code_label = match method {
        Method::Totp => "Code from your app, or a backup code",
        Method::Email => "Code from the email, or a backup code",
    };
    let sent = move || matches!(state.send_code.value().get(), Some(Ok(())));
    view! {
        {(method == Method::Email).then(|| view! {
            <div class="flex flex-col gap-2">
                <p class="text-muted">"To change these settings, confirm with a code we email you (or a backup code)."</p>
                <ActionForm action=state.send_code>
                    <Button submit=true variant=ButtonVariant::Secondary>"Email me a code"</Button>
                </ActionForm>
                <FormError error=action_error(state.send_code.value()) fields=&[] />
                <div role="status">
                    {move || sent().then(|| view! { <p data-testid="code-sent">"We've emailed you a 6-digit code. It works for 10 minutes."</p> })}
                </div>
            </div>
        })}
        <div class="flex flex-wrap gap-8">
            <ActionForm action=state.replace attr:class="flex max-w-xs flex-col gap-3" attr:aria-label="Replace backup codes" attr:novalidate=true>
                <FormError error=replace_error fields=&["password", "code"] />
                <TextField
                    label="Your password"
                    id="replace-password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=field_error(replace_error, "password")
                />
                <CodeField label=code_label id="replace-code" error=field_error(replace_error, "code") />
                <Button submit=true variant=ButtonVariant::Secondary>"Replace backup codes"</Button>
            </ActionForm>
            <ActionForm action=state.turn_off attr:class="flex max-w-xs flex-col gap-3" attr:aria-label="Turn off two-step sign-in" attr:novalidate=true>
                <FormError error=off_error fields=&["password", "code"] />
                <TextField
                    label="Your password"
                    id="turn-off-password"
                    name="password"
                    input_type="password"
                    autocomplete="current-password"
                    required=true
                    error=field_error(off_error, "password")
                />
                <CodeField label=code_label id="turn-off-code" error=field_error(off_error, "code") />
                <Button submit=true variant=ButtonVariant::Danger>"Turn off two-step sign-in"</Button>
            </ActionForm>
        </div>
    }
}

#[component]
fn BackupCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div role="status" class="flex flex-col gap-3 rounded-md border border-border bg-surface p-4">
            <h3 class="font-semibold">"Your backup codes"</h3>
            <p>
                "Keep these somewhere safe. Each one signs you in once if you lose your phone or email. They won't be shown again."
            </p>
            <ul class="grid max-w-sm grid-cols-2 gap-2 font-mono" data-testid="backup-codes">
                {codes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}
            </ul>
        </div>
    }
}
