//! A ticket's work beside its conversation: attachments, inspections, approvals and the
//! activity timeline.

use crate::api::tickets::{AddInspection, DecideApproval, RequestApproval};
use crate::model::attachments::{format_size, Attachment, UploadNotice};
use crate::model::tickets::{
    format_minutes, Approval, Decision, Inspection, Priority, TicketEvent, TicketStatus,
};
use crate::model::timeline::TimelineEvent;
use crate::ui::components::Instant;
use crate::ui::components::{
    action_error, field_error, Button, ConfirmSubmit, FormError, FormToken, TextArea,
};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Files on the ticket, and a plain multipart form to add one: it posts to the upload route,
/// which sends the browser back here with `?attachment=` saying how it went.
#[component]
pub fn Attachments(number: i64, attachments: Vec<Attachment>) -> impl IntoView {
    let query = use_query_map();
    let notice = move || {
        query
            .read()
            .get("attachment")
            .and_then(|n| UploadNotice::parse(&n))
    };
    view! {
        <section id="attachments" aria-labelledby="attachments-heading" class="flex flex-col gap-3">
            <h2 id="attachments-heading" class="text-xl font-semibold">"Attachments"</h2>
            {move || {
                notice()
                    .map(|n| {
                        if n == UploadNotice::Added {
                            view! { <p role="status" class="text-success">{n.message()}</p> }.into_any()
                        } else {
                            view! { <p role="alert" class="text-danger">{n.message()}</p> }.into_any()
                        }
                    })
            }}
            {attachments.is_empty().then(|| view! { <p class="text-muted">"No files yet."</p> })}
            <ul class="flex flex-col gap-1">
                {attachments
                    .into_iter()
                    .map(|a| {
                        view! {
                            <li data-testid="attachment">
                                <a href=a.href() download=a.filename.clone() rel="external" class="font-medium text-primary underline">
                                    {a.filename.clone()}
                                </a>
                                <span class="text-sm text-muted">
                                    {format!(
                                        " · {} · {} · ",
                                        format_size(a.size_bytes),
                                        a.uploader.unwrap_or_else(|| "Former member".into()),
                                    )}
                                    <Instant at=a.created_at relative=true />
                                </span>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <form method="post" action=format!("/tickets/{number}/attachments") enctype="multipart/form-data" aria-label="Attach a file" class="flex flex-wrap items-end gap-3">
                <div class="flex flex-col gap-1">
                    <label for="attachment-file" class="font-medium">"File"</label>
                    <input id="attachment-file" type="file" name="file" required=true aria-describedby="attachment-hint" class="text-sm" />
                    <p id="attachment-hint" class="text-sm text-muted">{UploadNotice::size_hint()}</p>
                </div>
                <Button submit=true>"Attach file"</Button>
            </form>
        </section>
    }
}

#[component]
pub fn Inspections(
    ticket_id: uuid::Uuid,
    inspections: Vec<Inspection>,
    action: ServerAction<AddInspection>,
) -> impl IntoView {
    let error = action_error(action.value());
    let form = NodeRef::new();
    view! {
        <section aria-labelledby="inspections-heading" class="flex flex-col gap-3">
            <h2 id="inspections-heading" class="text-xl font-semibold">"Inspections"</h2>
            <ol class="flex flex-col gap-3">
                {inspections
                    .into_iter()
                    .map(|i| {
                        view! {
                            <li class="rounded-md border border-border p-3" data-testid="inspection">
                                <p class="text-sm text-muted">
                                    <strong class="text-fg">{i.inspector}</strong>
                                    " · " <Instant at=i.created_at relative=true />
                                    {i.estimated_minutes.map(|m| format!(" · estimated {}", format_minutes(m)))}
                                </p>
                                <dl class="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                                    <dt class="text-muted">"Found"</dt>
                                    <dd>{i.summary}</dd>
                                    <dt class="text-muted">"Cause"</dt>
                                    <dd>{if i.cause.is_empty() { "–".to_string() } else { i.cause }}</dd>
                                    <dt class="text-muted">"Recommendation"</dt>
                                    <dd>{if i.recommendation.is_empty() { "–".to_string() } else { i.recommendation }}</dd>
                                </dl>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <details class="max-w-2xl">
                <summary class="cursor-pointer font-medium">"Record an inspection"</summary>
                <ActionForm action node_ref=form attr:class="mt-3 flex flex-col gap-3" attr:aria-label="Record an inspection" attr:novalidate=true>
                    <FormToken action form />
                    <FormError error fields=&["summary", "cause", "recommendation", "hours"] />
                    <input type="hidden" name="ticket_id" value=ticket_id.to_string() />
                    <TextArea label="What you found" name="summary" rows=3 required=true max_length=crate::model::tickets::INSPECTION_TEXT_MAX error=field_error(error, "summary") />
                    <TextArea label="Cause" name="cause" rows=2 max_length=crate::model::tickets::INSPECTION_TEXT_MAX error=field_error(error, "cause") />
                    <TextArea label="Recommendation" name="recommendation" rows=2 max_length=crate::model::tickets::INSPECTION_TEXT_MAX error=field_error(error, "recommendation") />
                    <crate::ui::components::TextField label="Estimated hours" name="hours" hint="For example 1.5" max_length=10 error=field_error(error, "hours") />
                    <Button submit=true pending=action.pending()>"Save inspection"</Button>
                </ActionForm>
            </details>
        </section>
    }
}

#[component]
pub fn Approvals(
    ticket_id: uuid::Uuid,
    approvals: Vec<Approval>,
    request: ServerAction<RequestApproval>,
    decide: ServerAction<DecideApproval>,
) -> impl IntoView {
    let request_error = action_error(request.value());
    let decide_error = action_error(decide.value());
    let request_form = NodeRef::new();
    view! {
        <section aria-labelledby="approvals-heading" class="flex flex-col gap-3">
            <h2 id="approvals-heading" class="text-xl font-semibold">"Approvals"</h2>
            <FormError error=decide_error fields=&["reason", "decision"] />
            <ol class="flex flex-col gap-3">
                {approvals
                    .into_iter()
                    .map(|a| {
                        let id = a.id.to_string();
                        view! {
                            <li class="flex flex-col gap-2 rounded-md border border-border p-3" data-testid="approval">
                                <p class="text-sm text-muted">
                                    <strong class="text-fg">{a.requested_by}</strong>
                                    " asked · " <Instant at=a.created_at relative=true />
                                </p>
                                <p>{a.note}</p>
                                <p class="font-medium" data-testid="approval-decision">
                                    {a.decision.label()}
                                    {a.decided_by.map(|d| format!(" by {d}"))}
                                    {a.reason.map(|r| format!(": {r}"))}
                                </p>
                                {a
                                    .viewer_can_decide
                                    .then(|| {
                                        view! {
                                            <ActionForm action=decide attr:class="flex flex-wrap items-end gap-3" attr:aria-label="Decide this approval" attr:novalidate=true>
                                                <input type="hidden" name="approval_id" value=id.clone() />
                                                <TextArea label="Reason (required to reject)" name="reason" id=format!("reason-{id}") rows=2 max_length=crate::model::tickets::APPROVAL_TEXT_MAX error=field_error(decide_error, "reason") />
                                                <fieldset class="flex gap-4">
                                                    <legend class="text-sm font-medium">"Decision"</legend>
                                                    <label class="flex items-center gap-2">
                                                        <input type="radio" name="decision" value=Decision::Approved.as_str() />
                                                        "Approve"
                                                    </label>
                                                    <label class="flex items-center gap-2">
                                                        <input type="radio" name="decision" value=Decision::Rejected.as_str() />
                                                        "Reject"
                                                    </label>
                                                </fieldset>
                                                <ConfirmSubmit
                                                    id=format!("decide-{id}")
                                                    label="Record decision"
                                                    title="Record this decision?"
                                                    consequence="A decision is final: it can't be changed afterwards."
                                                    confirm="Yes, record it"
                                                    pending=decide.pending()
                                                />
                                            </ActionForm>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <ActionForm action=request node_ref=request_form attr:class="flex max-w-2xl flex-col gap-3" attr:aria-label="Ask for approval" attr:novalidate=true>
                <FormToken action=request form=request_form />
                <FormError error=request_error fields=&["note"] />
                <input type="hidden" name="ticket_id" value=ticket_id.to_string() />
                <TextArea label="What needs approving" name="note" rows=2 required=true max_length=crate::model::tickets::APPROVAL_TEXT_MAX error=field_error(request_error, "note") />
                <Button submit=true pending=request.pending()>"Ask for approval"</Button>
            </ActionForm>
        </section>
    }
}

/// The words for a timeline event. Exhaustive, so a new kind does not compile without them.
pub fn describe(event: &TimelineEvent) -> String {
    let status = |s: &TicketStatus| s.label().to_lowercase();
    let priority = |p: &Priority| p.label().to_lowercase();
    match event {
        TimelineEvent::Created => "Created the ticket".into(),
        TimelineEvent::Status { from, to } => {
            format!("Changed status from {} to {}", status(from), status(to))
        }
        TimelineEvent::Priority { from, to } => {
            format!(
                "Changed priority from {} to {}",
                priority(from),
                priority(to)
            )
        }
        TimelineEvent::Assignee { to } => format!("Assigned to {to}"),
        TimelineEvent::Queue { to } => format!("Moved to queue {to}"),
        TimelineEvent::Comment { internal: true } => "Added an internal note".into(),
        TimelineEvent::Comment { internal: false } => "Replied".into(),
        TimelineEvent::Inspection => "Recorded an inspection".into(),
        TimelineEvent::Attachment { filename } => format!("Attached {filename}"),
        TimelineEvent::Due { to: Some(day) } => format!("Set the due date to {day}"),
        TimelineEvent::Due { to: None } => "Removed the due date".into(),
        TimelineEvent::ApprovalRequested => "Asked for approval".into(),
        TimelineEvent::ApprovalDecided { decision } => {
            format!("Decided an approval: {}", decision.as_str())
        }
        TimelineEvent::Requester { to } => format!("Changed the requester to {to}"),
        TimelineEvent::AssetLinked { name } => format!("Linked the asset {name}"),
        TimelineEvent::AssetUnlinked { name } => format!("Unlinked the asset {name}"),
        TimelineEvent::Unknown { stored_kind } => stored_kind.clone(),
    }
}

#[component]
pub fn Activity(events: Vec<TicketEvent>) -> impl IntoView {
    view! {
        <section aria-labelledby="timeline-heading" class="flex flex-col gap-3">
            <h2 id="timeline-heading" class="text-xl font-semibold">"Activity"</h2>
            <ol class="flex flex-col gap-1 text-sm" data-testid="timeline">
                {events
                    .into_iter()
                    .map(|e| {
                        view! {
                            <li>
                                <span class="text-muted"><Instant at=e.at relative=true /></span>
                                " · "
                                {e.actor.unwrap_or_else(|| "Someone".into())}
                                " · "
                                {describe(&e.event)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}
