//! The audit log, for admins: who did what, when and from where, newest first.

use crate::api::audit::audit_log;
use crate::api::members::list_members;
use crate::model::audit::{AuditAction, AuditArea, AuditFilter, AuditPage};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::{
    Button, ButtonVariant, EmptyState, ResourceSection, Select, SelectOption, Table, TextField,
};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    // Filters and paging live in the URL, so they work without script and can be bookmarked.
    let filter = Memo::new(move |_| {
        let q = query.read();
        AuditFilter::from_query(|k| q.get(k))
    });
    let page = Resource::new(move || filter.get(), audit_log);
    let members = Resource::new(|| (), |_| list_members());
    let render = move |page: AuditPage| {
        let filter = filter.get_untracked();
        if page.entries.is_empty() {
            return if filter.is_narrowed() {
                view! { <EmptyState title="No entries match" description="Try another person, kind or days, or clear the filters." /> }.into_any()
            } else {
                view! { <EmptyState title="Nothing recorded yet" description="Sign-ins, member changes and security settings appear here." /> }.into_any()
            };
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
                {filter.before.is_some().then(|| view! { <A href=filter.href(None) attr:class="font-medium text-primary underline">"Newest entries"</A> })}
                {page
                    .next
                    .map(|next| {
                        view! {
                            <A href=filter.href(Some(next)) attr:class="font-medium text-primary underline">
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
            <Filters filter members />
            <ResourceSection id="audit-heading" title="Security and membership events" resource=page render />
            <OrganisationExport />
        </SignedInOnly>
    }
}

/// The whole organisation as one file, for those who may take it (the download is audited).
#[component]
fn OrganisationExport() -> impl IntoView {
    let auth = crate::ui::auth::use_auth();
    view! {
        <Suspense>
            {move || {
                auth.viewer
                    .get()
                    .and_then(|v| v.ok().flatten())
                    .filter(|v| v.role.can(crate::model::permission::Permission::ExportData))
                    .map(|_| view! {
                        <section aria-labelledby="export-heading" class="mt-10 max-w-prose">
                            <h2 id="export-heading" class="text-lg font-semibold">"All of the organisation's data"</h2>
                            <p class="mt-2 text-muted">
                                "One zip file with every ticket, comment, queue, member, invoice and audit entry as JSON, "
                                "and every attachment. Passwords are not in it. A Workdesk operator can import it into "
                                "another installation, keeping ticket numbers and history. The download is recorded here."
                            </p>
                            <a href="/organisation/export.zip" download data-testid="organisation-export"
                                class="mt-3 inline-block rounded-md px-3 py-2 font-medium text-primary underline">
                                "Download the organisation's data"
                            </a>
                        </section>
                    })
            }}
        </Suspense>
    }
}

/// Who, what and which days. Each change applies at once; without script the Show button
/// sends the same form as a plain GET.
#[component]
fn Filters(
    filter: Memo<AuditFilter>,
    members: Resource<Result<crate::model::members::MemberList, crate::model::error::AppError>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let form = NodeRef::<leptos::html::Form>::new();
    let apply = move || {
        #[cfg(feature = "hydrate")]
        if let Some(form) = form.get_untracked() {
            let data = web_sys::FormData::new_with_form(&form).ok();
            let get = |k: &str| {
                data.as_ref()
                    .and_then(|d| d.get(k).as_string())
                    .filter(|v| !v.is_empty())
            };
            navigate(&AuditFilter::from_query(get).href(None), Default::default());
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&navigate, form);
    };
    let on_submit = {
        let apply = apply.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            apply();
        }
    };
    let areas = std::iter::once(SelectOption::new("", "Anything"))
        .chain(
            AuditArea::ALL
                .into_iter()
                .map(|a| SelectOption::new(a.as_str(), a.label())),
        )
        .collect::<Vec<_>>();
    let day = |d: Option<time::Date>| d.map(|d| d.to_string());
    view! {
        <form node_ref=form action="/audit" method="get" aria-label="Filter the audit log" on:submit=on_submit on:change=move |_| apply()
            class="mt-4 flex flex-wrap items-end gap-3">
            <Transition fallback=|| view! { <Select label="Who" name="actor" options=vec![SelectOption::new("", "Anyone")] /> }>
                {move || {
                    let people = members.get().and_then(Result::ok).map(|m| m.members).unwrap_or_default();
                    let options = std::iter::once(SelectOption::new("", "Anyone"))
                        .chain(people.into_iter().map(|p| SelectOption::new(p.user_id.0.to_string(), p.name)))
                        .collect::<Vec<_>>();
                    let selected = filter.get().actor.map(|a| a.to_string()).unwrap_or_default();
                    view! { <Select label="Who" name="actor" options selected /> }
                }}
            </Transition>
            <Select label="What" name="area" options=areas selected=Signal::derive(move || filter.get().area.map(|a| a.as_str().to_string()).unwrap_or_default()) />
            <TextField label="From" name="from" input_type="date" value=Signal::derive(move || day(filter.get().from)) />
            <TextField label="To" name="to" input_type="date" value=Signal::derive(move || day(filter.get().to)) />
            <Button submit=true variant=ButtonVariant::Secondary>"Show entries"</Button>
            <a href=move || filter.get().export_href() download class="rounded-md px-3 py-2 font-medium text-primary underline">"Download CSV"</a>
            {move || filter.get().is_narrowed().then(|| view! { <A href="/audit" attr:class="px-3 py-2 font-medium text-primary underline">"Clear filters"</A> })}
        </form>
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
        OrganisationExported => "Downloaded all of the organisation's data",
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
        ProfileEmailChanged => "Changed their sign-in address",
        ProfileErased => "Had their account erased",
        ApiTokenCreated => "Made an API token",
        ApiTokenRevoked => "Revoked an API token",
        QueueCreated => "Created a queue",
        QueueRenamed => "Renamed a queue",
        QueueMadeDefault => "Changed the default queue",
        ClientCreated => "Added a client",
        ClientUpdated => "Changed a client",
        ContactCreated => "Added a contact",
        ContactUpdated => "Changed a contact",
        LocationCreated => "Added a location",
        LocationUpdated => "Changed a location",
        AssetCreated => "Added an asset",
        AssetUpdated => "Changed an asset",
        AssetLinked => "Linked an asset to a ticket",
        AssetUnlinked => "Unlinked an asset from a ticket",
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
