use crate::api::auth::{
    list_login_activity, list_my_organisations, list_sessions, RevokeSession, SignOutEverywhere,
    SwitchOrganisation,
};
use crate::model::error::AppError;
use crate::model::identity::{LoginActivity, OrganisationChoice, SessionSummary, Viewer};
use crate::ui::auth::{use_auth, SignedInOnly};
use crate::ui::components::Instant;
use crate::ui::components::{Button, ButtonVariant, ConfirmSubmit, ResourceSection, Table};
use crate::ui::pages::second_factor::{SecondFactorSection, SecondFactorState};
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
    let sessions = Resource::new(move || revoke.version().get(), |_| list_sessions());
    let switch = auth.switch_organisation;
    let organisations = Resource::new(move || switch.version().get(), |_| list_my_organisations());
    let activity = Resource::new(|| (), |_| list_login_activity());
    let second_factor = SecondFactorState::new();
    view! {
        <Title text="Your account" />
        <h1 class="text-2xl font-bold">"Your account"</h1>
        <SignedInOnly>
            {move || auth.viewer.get().and_then(|v| v.ok().flatten()).map(|viewer| view! { <Profile viewer /> })}
            <Organisations organisations switch />
            <SecondFactorSection state=second_factor />
            <Sessions sessions revoke everywhere />
            <Activity activity />
        </SignedInOnly>
    }
}

#[component]
fn Profile(viewer: Viewer) -> impl IntoView {
    view! {
        <dl class="mt-6 grid max-w-xl grid-cols-[max-content_1fr] gap-x-6 gap-y-2">
            <dt class="font-medium text-muted">"Name"</dt>
            <dd data-testid="viewer-name">{viewer.name}</dd>
            <dt class="font-medium text-muted">"Email"</dt>
            <dd>{viewer.email}</dd>
            <dt class="font-medium text-muted">"Organisation"</dt>
            <dd data-testid="viewer-organisation">{viewer.organisation_name}</dd>
            <dt class="font-medium text-muted">"Role"</dt>
            <dd>{viewer.role.label()}</dd>
        </dl>
    }
}

#[component]
fn Sessions(
    sessions: Resource<Result<Vec<SessionSummary>, AppError>>,
    revoke: ServerAction<RevokeSession>,
    everywhere: ServerAction<SignOutEverywhere>,
) -> impl IntoView {
    view! {
        <ResourceSection
            id="sessions-heading"
            title="Where you're signed in"
            resource=sessions
            render=move |list| view! { <SessionTable sessions=list revoke /> }
        >
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
