//! The audit log, for admins: who did what, when and from where, newest first.

use crate::api::audit::audit_log;
use crate::model::audit::AuditAction;
use crate::model::audit::AuditPage;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::{EmptyState, ResourceSection, Table};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    // Paging lives in the URL, so it works without script and can be bookmarked.
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| uuid::Uuid::parse_str(&b).ok())
    };
    let page = Resource::new(before, audit_log);
    let render = move |page: AuditPage| {
        if page.entries.is_empty() {
            return view! { <EmptyState title="Nothing recorded yet" description="Sign-ins, member changes and security settings appear here." /> }.into_any();
        }
        view! {
            <Table caption="Audit log entries, newest first" headers=vec!["When", "What happened", "Details", "Address"]>
                {page
                    .entries
                    .into_iter()
                    .map(|e| {
                        let what = e.kind().map_or_else(|| e.action.clone(), |a| describe(a).to_string());
                        let sentence = sentence(e.actor.as_deref(), &what, e.target.as_deref());
                        view! {
                            <tr data-testid="audit-row">
                                <td class="px-3 py-2 whitespace-nowrap"><Instant at=e.at relative=true /></td>
                                <td class="px-3 py-2" data-label="What happened">{sentence}</td>
                                <td class="px-3 py-2 text-muted" data-label="Details">{e.detail}</td>
                                <td class="px-3 py-2" data-label="Address">{e.ip.unwrap_or_else(|| "–".into())}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </Table>
            <nav aria-label="Audit log pages" class="flex gap-4">
                {before().is_some().then(|| view! { <A href="/audit" attr:class="font-medium text-primary underline">"Newest entries"</A> })}
                {page
                    .next
                    .map(|next| {
                        view! {
                            <A href=format!("/audit?before={next}") attr:class="font-medium text-primary underline">
                                "Older entries"
                            </A>
                        }
                    })}
            </nav>
        }
            .into_any()
    };
    view! {
        <Title text="Audit log" />
        <h1 class="text-2xl font-bold">"Audit log"</h1>
        <SignedInOnly>
            <ResourceSection id="audit-heading" title="Security and membership events" resource=page render />
        </SignedInOnly>
    }
}

/// "Ada Tester <ada@…> changed a member's role: Grace Tester".
fn sentence(actor: Option<&str>, what: &str, target: Option<&str>) -> String {
    let who = actor.unwrap_or("The system");
    let mut verb = what.chars();
    let what = verb
        .next()
        .map(|first| first.to_lowercase().chain(verb).collect::<String>())
        .unwrap_or_default();
    match target {
        Some(target) => format!("{who} {what}: {target}"),
        None => format!("{who} {what}"),
    }
}

/// What each action reads as in the log. A new action fails to compile here until it has words.
fn describe(action: AuditAction) -> &'static str {
    use AuditAction::*;
    match action {
        OrganisationCreated => "Created the organisation",
        MemberJoined => "Joined",
        MemberInvited => "Invited a member",
        MemberInvitationRevoked => "Revoked an invitation",
        MemberRoleChanged => "Changed a member's role",
        MemberDisabled => "Disabled a member",
        MemberEnabled => "Re-enabled a member",
        SessionSignedIn => "Signed in",
        SessionSignInFailed => "Failed to sign in (wrong password)",
        SessionSwitchedOrganisation => "Switched organisation",
        SessionSecondFactorFailed => "Entered a wrong sign-in code",
        SessionSecondFactorLocked => "Two-step sign-in locked after wrong codes",
        TwoFactorEnabled => "Turned on two-step sign-in",
        TwoFactorDisabled => "Turned off two-step sign-in",
        TwoFactorBackupCodesReplaced => "Replaced backup codes",
        PasswordReset => "Reset their password",
        PasswordChanged => "Changed their password",
        ProfileRenamed => "Changed their name",
        ApiTokenCreated => "Made an API token",
        ApiTokenRevoked => "Revoked an API token",
        QueueCreated => "Created a queue",
        QueueRenamed => "Renamed a queue",
        QueueMadeDefault => "Changed the default queue",
        BillingPlanChanged => "Changed the plan",
        BillingCheckoutStarted => "Started a checkout",
        TicketCreated => "Created a ticket",
        TicketUpdated => "Changed a ticket",
        TicketInspected => "Recorded an inspection",
        TicketAttachmentAdded => "Attached a file",
        ApprovalRequested => "Asked for approval",
        ApprovalDecided => "Decided an approval",
    }
}
