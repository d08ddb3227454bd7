//! The organisation's members: everyone sees the list; admins invite, change roles, disable
//! and re-enable, and revoke invitations.

use crate::api::billing::quote_seat;
use crate::api::members::{
    list_members, ChangeMemberRole, InviteMember, RevokeInvitation, SetMemberEnabled,
};
use crate::model::billing::{SeatDecision, SeatQuote};
use crate::model::identity::Role;
use crate::model::members::{Member, MemberList, MemberStatus, PendingInvitation};
use crate::ui::auth::{use_auth, SignedInOnly};
use crate::ui::components::Instant;
use crate::ui::components::{
    field_error, Button, ButtonVariant, ConfirmSubmit, EmailField, FormError, FormToken,
    ResourceSection, Select, SelectOption, Table,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

pub(crate) fn role_options() -> Vec<SelectOption> {
    Role::ALL
        .into_iter()
        .map(|r| SelectOption::new(r.as_str(), r.label()))
        .collect()
}

#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<InviteMember>,
    revoke: ServerAction<RevokeInvitation>,
    change_role: ServerAction<ChangeMemberRole>,
    set_enabled: ServerAction<SetMemberEnabled>,
}

#[component]
pub fn MembersPage() -> impl IntoView {
    let auth = use_auth();
    let actions = Actions {
        invite: ServerAction::new(),
        revoke: ServerAction::new(),
        change_role: ServerAction::new(),
        set_enabled: ServerAction::new(),
    };
    let members = Resource::new(
        move || {
            (
                actions.invite.version().get(),
                actions.revoke.version().get(),
                actions.change_role.version().get(),
                actions.set_enabled.version().get(),
            )
        },
        |_| list_members(),
    );
    let is_admin = Signal::derive(move || {
        auth.viewer
            .get()
            .and_then(|v| v.ok().flatten())
            .is_some_and(|v| {
                v.role
                    .can(crate::model::permission::Permission::ManageMembers)
            })
    });
    // The seat quote belongs to the invite form, but is made here, once, with the page: made
    // inside the admin-only closure it was a resource created while its parent Suspense was
    // resolving, the pattern that raced reactive_graph's locks across threads (issue 11).
    let quote = Resource::new(
        move || (is_admin.get(), actions.invite.version().get()),
        |(admin, _)| async move {
            if admin {
                Some(quote_seat().await)
            } else {
                None
            }
        },
    );
    let change_error = Signal::derive(move || {
        actions
            .change_role
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.set_enabled.value().get().and_then(Result::err))
    });
    let render = move |list: MemberList| {
        view! {
            <FormError error=change_error fields=&[] />
            <MemberTable members=list.members actions is_admin />
            {(!list.invitations.is_empty())
                .then(|| view! { <InvitationTable invitations=list.invitations actions is_admin /> })}
        }
    };
    view! {
        <Title text="Members" />
        <h1 class="text-2xl font-bold">"Members"</h1>
        <SignedInOnly>
            {move || is_admin.get().then(|| view! { <InviteForm action=actions.invite quote /> })}
            <ResourceSection id="members-heading" title="People in this organisation" resource=members render />
        </SignedInOnly>
    }
}

/// The invitation form. The seat quote (what one more seat costs, read by the page) is read
/// again after each invitation and shown inside the form, which itself stays put so nothing
/// typed is lost.
#[component]
fn InviteForm(
    action: ServerAction<InviteMember>,
    quote: Resource<Option<Result<SeatQuote, crate::model::error::AppError>>>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    let decision = move || {
        quote
            .get()
            .flatten()
            .and_then(Result::ok)
            .map(|q| q.decision)
    };
    let refused = Signal::derive(move || matches!(decision(), Some(SeatDecision::Refused(_))));
    let form = NodeRef::new();
    view! {
        <section aria-labelledby="invite-heading" class="mt-6 flex max-w-md flex-col gap-4">
            <h2 id="invite-heading" class="text-xl font-semibold">"Invite someone"</h2>
            <Transition fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
                {move || quote.get().flatten().map(|q| match q {
                    Ok(q) => view! { <SeatNote quote=q /> }.into_any(),
                    Err(e) => view! { <crate::ui::components::ErrorNotice error=e /> }.into_any(),
                })}
            </Transition>
            <ActionForm action node_ref=form attr:class="flex flex-col gap-4" attr:aria-label="Invite someone" attr:novalidate=true>
                <FormToken action form />
                <FormError error fields=&["email", "role"] />
                <EmailField label="Their email" error=field_error(error, "email") />
                <Select label="Role" name="role" id="invite-role" options=role_options() selected="staff".to_string() />
                <Transition fallback=|| ()>
                    {move || match decision() {
                        Some(SeatDecision::ExtraSeat { monthly, extra_after }) => view! {
                            <p id="extra-seat-cost" data-testid="extra-seat-cost">
                                {format!("Every included seat is taken. This invitation adds an extra seat at {monthly} a month ({extra_after} extra in all).")}
                            </p>
                            <label class="flex items-center gap-2">
                                <input type="checkbox" name="extra_seat_confirmed" value="true"
                                    aria-describedby="extra-seat-cost" class="h-4 w-4" />
                                {format!("Add an extra seat for {monthly} a month")}
                            </label>
                        }
                        .into_any(),
                        _ => ().into_any(),
                    }}
                </Transition>
                <Button submit=true disabled=refused pending=action.pending()>"Send invitation"</Button>
            </ActionForm>
            <div role="status">
                {move || sent().then(|| view! { <p data-testid="invitation-sent">"Invitation sent. It works for 7 days."</p> })}
            </div>
        </section>
    }
}

/// Seats in use, and why no more can be added when the plan forbids it.
#[component]
fn SeatNote(quote: SeatQuote) -> impl IntoView {
    let seats = format!(
        "{} of {} included seats in use (members and open invitations).",
        quote.seats_used, quote.included_seats
    );
    view! {
        <p data-testid="seat-count">{seats}</p>
        {match quote.decision {
            SeatDecision::Refused(r) => Some(view! {
                <p role="note" data-testid="seat-refused">{r.message} " "
                    <A href="/billing" attr:class="font-medium text-primary underline">"See plans"</A>
                </p>
            }),
            _ => None,
        }}
    }
}

#[component]
fn MemberTable(members: Vec<Member>, actions: Actions, is_admin: Signal<bool>) -> impl IntoView {
    let headers = if is_admin.get_untracked() {
        vec!["Name", "Email", "Role", "Status", "Access"]
    } else {
        vec!["Name", "Email", "Role", "Status"]
    };
    view! {
        <Table caption="Members" headers>
            {members
                .into_iter()
                .map(|m| {
                    let id = m.membership_id.to_string();
                    let active = m.status == MemberStatus::Active;
                    let (role_id, role_label) = (id.clone(), format!("Role for {}", m.name));
                    let toggle_label = format!("{} {}", if active { "Disable" } else { "Re-enable" }, m.name);
                    let name = m.name.clone();
                    let consequence = format!(
                        "{} will be signed out and can't sign in here until an admin re-enables them. \
                         Their tickets and history stay.",
                        m.name
                    );
                    view! {
                        <tr data-testid="member-row">
                            <td class="px-3 py-2">{m.name.clone()}{m.is_viewer.then_some(" (you)")}</td>
                            <td class="px-3 py-2" data-label="Email">{m.email.clone()}</td>
                            <td class="px-3 py-2" data-label="Role">
                                {if is_admin.get_untracked() {
                                    view! {
                                        <ActionForm action=actions.change_role attr:class="flex items-end gap-2">
                                            <input type="hidden" name="membership_id" value=role_id.clone() />
                                            <Select
                                                label=role_label.clone()
                                                hide_label=true
                                                name="role"
                                                id=format!("role-{role_id}")
                                                options=role_options()
                                                selected=m.role.as_str().to_string()
                                            />
                                            <Button submit=true variant=ButtonVariant::Secondary>"Save"</Button>
                                        </ActionForm>
                                    }
                                        .into_any()
                                } else {
                                    m.role.label().into_any()
                                }}
                            </td>
                            <td class="px-3 py-2" data-label="Status">{if active { "Active" } else { "Disabled" }}</td>
                            {is_admin
                                .get_untracked()
                                .then(|| {
                                    view! {
                                        <td class="px-3 py-2">
                                            <ActionForm action=actions.set_enabled>
                                                <input type="hidden" name="membership_id" value=id.clone() />
                                                <input type="hidden" name="enabled" value=(!active).to_string() />
                                                {if active {
                                                    // Disabling locks someone out: it asks first.
                                                    view! {
                                                        <ConfirmSubmit
                                                            id=format!("disable-{id}")
                                                            label="Disable"
                                                            name=toggle_label.clone()
                                                            title=format!("Disable {}?", name)
                                                            consequence=consequence.clone()
                                                            confirm=toggle_label.clone()
                                                            variant=ButtonVariant::Secondary
                                                            pending=actions.set_enabled.pending()
                                                        />
                                                    }
                                                    .into_any()
                                                } else {
                                                    view! {
                                                        <button
                                                            type="submit"
                                                            class="rounded-md border border-border px-3 py-1 text-sm text-fg hover:bg-surface"
                                                            aria-label=toggle_label.clone()
                                                        >
                                                            "Re-enable"
                                                        </button>
                                                    }
                                                    .into_any()
                                                }}
                                            </ActionForm>
                                        </td>
                                    }
                                })}
                        </tr>
                    }
                })
                .collect_view()}
        </Table>
    }
}

#[component]
fn InvitationTable(
    invitations: Vec<PendingInvitation>,
    actions: Actions,
    is_admin: Signal<bool>,
) -> impl IntoView {
    view! {
        <Table caption="Pending invitations" caption_visible=true headers=vec!["Email", "Role", "Invited", "Expires", "Action"]>
            {invitations
                .into_iter()
                .map(|i| {
                    let id = i.id.to_string();
                    view! {
                        <tr data-testid="invitation-row">
                            <td class="px-3 py-2">{i.email.clone()}</td>
                            <td class="px-3 py-2">{i.role.label()}</td>
                            <td class="px-3 py-2"><Instant at=i.invited_at /></td>
                            <td class="px-3 py-2"><Instant at=i.expires_at /></td>
                            <td class="px-3 py-2">
                                {is_admin
                                    .get_untracked()
                                    .then(|| {
                                        view! {
                                            <ActionForm action=actions.revoke>
                                                <input type="hidden" name="id" value=id />
                                                <button
                                                    type="submit"
                                                    class="rounded-md border border-border px-3 py-1 text-sm text-fg hover:bg-surface"
                                                    aria-label=format!("Revoke the invitation to {}", i.email)
                                                >
                                                    "Revoke"
                                                </button>
                                            </ActionForm>
                                        }
                                    })}
                            </td>
                        </tr>
                    }
                })
                .collect_view()}
        </Table>
    }
}
