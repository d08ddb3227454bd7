use crate::api::auth::{
    list_login_activity, list_my_organisations, list_sessions, RevokeSession, SignOutEverywhere,
    SwitchOrganisation,
};
use crate::api::profile::{list_time_zones, ChangePassword, SignOutOtherDevices, UpdateProfile};
use crate::model::error::AppError;
use crate::model::identity::{
    LoginActivity, NewPassword, OrganisationChoice, SessionList, SessionSummary, Viewer,
};
use crate::ui::auth::{use_auth, SignedInOnly};
use crate::ui::components::{
    action_error, field_error, use_toaster, Button, ButtonVariant, ConfirmSubmit, FormError,
    Instant, ResourceSection, Select, SelectOption, Table, TextField, ToastKind,
};
use crate::ui::pages::email_change::EmailSection;
use crate::ui::pages::second_factor::{SecondFactorSection, SecondFactorState};
use crate::ui::pages::your_data::YourDataSection;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    // Created here, unconditionally, so the server and the hydrating browser create resources
    // in the same order; created inside the Suspense below, hydration picked the wrong data.
    let revoke = ServerAction::<RevokeSession>::new();
    let everywhere = ServerAction::<SignOutEverywhere>::new();
    let others = ServerAction::<SignOutOtherDevices>::new();
    let shown = RwSignal::new(SessionList::PAGE);
    let sessions = Resource::new(
        move || (revoke.version().get(), others.version().get(), shown.get()),
        |(_, _, limit)| list_sessions(Some(limit)),
    );
    let zones = Resource::new(|| (), |_| list_time_zones());
    let password = ServerAction::<ChangePassword>::new();
    toast_results(auth.update_profile, password, others);
    let switch = auth.switch_organisation;
    let organisations = Resource::new(move || switch.version().get(), |_| list_my_organisations());
    let activity = Resource::new(|| (), |_| list_login_activity());
    let second_factor = SecondFactorState::new();
    view! {
        <Title text="Your account" />
        <h1 class="text-2xl font-bold">"Your account"</h1>
        <SignedInOnly>
            {move || auth.viewer.get().and_then(|v| v.ok().flatten()).map(|viewer| {
                let email = viewer.email.clone();
                view! {
                    <Profile viewer zones />
                    <EmailSection current=email />
                }
            })}
            <PasswordSection action=password />
            <Organisations organisations switch />
            <SecondFactorSection state=second_factor />
            <Sessions sessions revoke everywhere others shown />
            <Activity activity />
            <YourDataSection />
        </SignedInOnly>
    }
}

/// Who the viewer is: the name and time zone they set here, the rest for reading.
#[component]
fn Profile(viewer: Viewer, zones: Resource<Result<Vec<String>, AppError>>) -> impl IntoView {
    let update = use_auth().update_profile;
    let error = action_error(update.value());
    let zone = viewer.time_zone.clone().unwrap_or_default();
    view! {
        <section aria-labelledby="profile-heading" class="mt-6 flex max-w-xl flex-col gap-3">
            <h2 id="profile-heading" class="text-xl font-semibold">"Profile"</h2>
            <dl class="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
                <dt class="font-medium text-muted">"Organisation"</dt>
                <dd data-testid="viewer-organisation">{viewer.organisation_name}</dd>
                <dt class="font-medium text-muted">"Role"</dt>
                <dd>{viewer.role.label()}</dd>
            </dl>
            <ActionForm action=update attr:class="flex flex-col gap-3" attr:aria-label="Profile" attr:novalidate=true>
                <FormError error fields=&["name"] />
                <TextField label="Name" name="name" value=viewer.name autocomplete="name" required=true max_length=100 error=field_error(error, "name") />
                <Suspense fallback=|| view! { <p class="text-muted">"Loading time zones…"</p> }>
                    {move || {
                        let zone = zone.clone();
                        zones.get().map(|r| {
                            let options = std::iter::once(SelectOption::new("", "Your browser's time zone"))
                                .chain(r.unwrap_or_default().into_iter().map(|z| SelectOption::new(z.clone(), z.replace('_', " "))))
                                .collect();
                            view! { <Select label="Time zone" name="time_zone" options selected=zone /> }
                        })
                    }}
                </Suspense>
                <p class="text-sm text-muted">"Times everywhere in Workdesk are shown in this zone."</p>
                <div><Button submit=true pending=update.pending()>"Save profile"</Button></div>
            </ActionForm>
        </section>
    }
}

/// A new password, behind the current one. Other devices are signed out; this one stays.
#[component]
fn PasswordSection(action: ServerAction<ChangePassword>) -> impl IntoView {
    let error = action_error(action.value());
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if action.value().with(|v| matches!(v, Some(Ok(_)))) {
            #[cfg(feature = "hydrate")]
            if let Some(form) = form.get_untracked() {
                form.reset();
            }
        }
    });
    view! {
        <section aria-labelledby="password-heading" class="mt-8 flex max-w-xl flex-col gap-3">
            <h2 id="password-heading" class="text-xl font-semibold">"Password"</h2>
            <ActionForm action node_ref=form attr:class="flex flex-col gap-3" attr:aria-label="Change password" attr:novalidate=true>
                <FormError error fields=&["current_password", "new_password"] />
                <TextField label="Current password" name="current_password" input_type="password" autocomplete="current-password" required=true max_length=NewPassword::MAX_LEN error=field_error(error, "current_password") />
                <TextField
                    label="New password"
                    name="new_password"
                    input_type="password"
                    autocomplete="new-password"
                    hint=format!("At least {} characters. Your other devices will be signed out.", NewPassword::MIN_LEN)
                    required=true
                    max_length=NewPassword::MAX_LEN
                    error=field_error(error, "new_password")
                />
                <div><Button submit=true pending=action.pending()>"Change password"</Button></div>
            </ActionForm>
        </section>
    }
}

/// What a toast adds about other devices (" Your other devices were signed out.").
fn others_signed_out(n: u64) -> &'static str {
    match n {
        0 => "",
        1 => " Your other device was signed out.",
        _ => " Your other devices were signed out.",
    }
}

/// What the page's actions say when done. Here, not in their sections: a saved profile
/// redraws those (the viewer changed), and a redrawn section would say it again.
fn toast_results(
    update: ServerAction<UpdateProfile>,
    password: ServerAction<ChangePassword>,
    others: ServerAction<SignOutOtherDevices>,
) {
    let toaster = use_toaster();
    Effect::new(move |_| {
        if update.value().with(|v| matches!(v, Some(Ok(())))) {
            toaster.push(ToastKind::Success, "Profile saved.");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(n)) = password.value().get() {
            toaster.push(
                ToastKind::Success,
                format!("Password changed.{}", others_signed_out(n)),
            );
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(n)) = others.value().get() {
            let text = others_signed_out(n).trim();
            toaster.push(
                ToastKind::Success,
                if text.is_empty() {
                    "No other device was signed in."
                } else {
                    text
                },
            );
        }
    });
}

#[component]
fn Sessions(
    sessions: Resource<Result<SessionList, AppError>>,
    revoke: ServerAction<RevokeSession>,
    everywhere: ServerAction<SignOutEverywhere>,
    others: ServerAction<SignOutOtherDevices>,
    shown: RwSignal<i64>,
) -> impl IntoView {
    let render = move |list: SessionList| {
        let more = list.total - list.sessions.len() as i64;
        view! {
            <SessionTable sessions=list.sessions revoke />
            {(more > 0).then(|| view! {
                <p class="flex flex-wrap items-center gap-3 text-sm text-muted">
                    {format!("{more} more signed-in {}.", if more == 1 { "device" } else { "devices" })}
                    <Button variant=ButtonVariant::Secondary on_click=Callback::new(move |_| shown.update(|n| *n += SessionList::PAGE))>"Show more devices"</Button>
                </p>
            })}
        }
    };
    view! {
        <ResourceSection
            id="sessions-heading"
            title="Where you're signed in"
            resource=sessions
            render
        >
            <div class="flex flex-wrap gap-3">
            <ActionForm action=others>
                <ConfirmSubmit
                    id="sign-out-others"
                    label="Sign out other devices"
                    title="Sign out your other devices?"
                    consequence="Every other browser and device signed in to your account is signed out. This one stays signed in."
                    confirm="Sign out other devices"
                    variant=ButtonVariant::Secondary
                    pending=others.pending()
                />
            </ActionForm>
            <ActionForm action=everywhere>
                <ConfirmSubmit
                    id="sign-out-everywhere"
                    label="Sign out everywhere"
                    title="Sign out everywhere?"
                    consequence="Every browser and device signed in to your account is signed out, this one too. You'll need your password (and second step) to sign in again."
                    confirm="Sign out every device"
                    variant=ButtonVariant::Danger
                    pending=everywhere.pending()
                />
            </ActionForm>
            </div>
        </ResourceSection>
    }
}

#[component]
fn SessionTable(
    sessions: Vec<SessionSummary>,
    revoke: ServerAction<RevokeSession>,
) -> impl IntoView {
    view! {
        <Table caption="Your signed-in devices" headers=vec!["Device", "Address", "Signed in", "Last active", "Action"]>
            {sessions
                .into_iter()
                .map(|s| {
                    let id = s.id.to_string();
                    view! {
                        <tr data-testid="session-row">
                            <td class="px-3 py-2">{s.device}</td>
                            <td class="px-3 py-2">{s.ip.unwrap_or_else(|| "–".into())}</td>
                            <td class="px-3 py-2"><Instant at=s.created_at /></td>
                            <td class="px-3 py-2"><Instant at=s.last_seen_at relative=true /></td>
                            <td class="px-3 py-2">
                                {if s.current {
                                    view! { <span class="text-muted">"This device"</span> }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action=revoke>
                                            <input type="hidden" name="id" value=id />
                                            <Button submit=true variant=ButtonVariant::Secondary>"Sign out"</Button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </Table>
    }
}

#[component]
fn Organisations(
    organisations: Resource<Result<Vec<OrganisationChoice>, AppError>>,
    switch: ServerAction<SwitchOrganisation>,
) -> impl IntoView {
    let render = move |list: Vec<OrganisationChoice>| {
        view! {
            <ul class="flex flex-col gap-2">
                {list
                    .into_iter()
                    .map(|o| {
                        let id = o.id.to_string();
                        view! {
                            <li class="flex flex-wrap items-center gap-3" data-testid="organisation-choice">
                                <span class="font-medium">{o.name.clone()}</span>
                                <span class="text-sm text-muted">{o.role.label()}</span>
                                {if o.current {
                                    view! { <span class="text-sm text-muted">"(current)"</span> }.into_any()
                                } else {
                                    view! {
                                        <ActionForm action=switch>
                                            <input type="hidden" name="organisation_id" value=id />
                                            <button
                                                type="submit"
                                                class="rounded-md border border-border px-3 py-1 text-sm text-fg hover:bg-surface"
                                                aria-label=format!("Switch to {}", o.name)
                                            >
                                                "Switch"
                                            </button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                }}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    };
    view! {
        <ResourceSection id="organisations-heading" title="Your organisations" resource=organisations render />
    }
}

#[component]
fn Activity(activity: Resource<Result<Vec<LoginActivity>, AppError>>) -> impl IntoView {
    let render = |list: Vec<LoginActivity>| {
        view! {
            <Table caption="Sign-in attempts on your account, newest first" headers=vec!["When", "What", "Device", "Address"]>
                {list
                    .into_iter()
                    .map(|a| {
                        view! {
                            <tr data-testid="activity-row">
                                <td class="px-3 py-2"><Instant at=a.at relative=true /></td>
                                <td class="px-3 py-2">
                                    {a.outcome.label()}
                                    {a.new_device.then_some(" (new device)")}
                                </td>
                                <td class="px-3 py-2">{a.device}</td>
                                <td class="px-3 py-2">{a.ip.unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Table>
        }
    };
    view! { <ResourceSection id="activity-heading" title="Recent sign-ins" resource=activity render /> }
}
