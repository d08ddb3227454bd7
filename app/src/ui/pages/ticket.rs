//! One ticket: its fields (changed together, against the version shown), its description and
//! conversation, and its activity timeline.

use super::tickets::{assignee_options, priority_options, queue_options, status_options, Choices};
use crate::api::tickets::{
    get_ticket, ticket_choices, AddComment, AddInspection, DecideApproval, RequestApproval,
    UpdateTicket,
};
use crate::model::attachments::{format_size, Attachment, UploadNotice};
use crate::model::error::AppError;
use crate::model::tickets::{
    format_minutes, Approval, Decision, Inspection, Priority, TicketDetail, TicketStatus,
};
use crate::model::timeline::TimelineEvent;
use crate::ui::auth::SignedInOnly;
use crate::ui::components::Instant;
use crate::ui::components::{
    action_error, field_error, Button, ConfirmSubmit, ErrorNotice, FormError, FormToken, Select,
    TextArea, TextField,
};
use crate::ui::live::LiveSignal;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    let number_in = |params: &leptos_router::params::ParamsMap| {
        params
            .get("number")
            .and_then(|n| n.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let number = move || number_in(&params.read());
    let update = ServerAction::<UpdateTicket>::new();
    let comment = ServerAction::<AddComment>::new();
    let actions = WorkActions {
        inspect: ServerAction::new(),
        request: ServerAction::new(),
        decide: ServerAction::new(),
    };
    let ticket = Resource::new(
        move || {
            (
                number(),
                update.version().get(),
                comment.version().get(),
                actions.inspect.version().get(),
                actions.request.version().get(),
                actions.decide.version().get(),
            )
        },
        |(n, ..)| get_ticket(n),
    );
    let choices: Choices = Resource::new(|| (), |_| ticket_choices());
    // Someone else's change is shown at once, unless that would throw away what the viewer
    // has typed: then a notice offers to load it.
    let edits = Edits {
        dirty: RwSignal::new(false),
        stale: RwSignal::new(false),
    };
    crate::ui::live::subscribe(move |signal| match signal {
        LiveSignal::Changed(c) if c.number != number_in(&params.read_untracked()) => {}
        _ if edits.dirty.get_untracked() => edits.stale.set(true),
        _ => ticket.refetch(),
    });
    view! {
        // Read with try_: under load the server stringified the head after the page's owner
        // was gone, and a plain read panicked (500) on 1-2% of ticket pages in the benchmark.
        <Title text=move || {
            params.try_with(number_in).map(|n| format!("Ticket #{n}")).unwrap_or_default()
        } />
        <SignedInOnly>
            <Show when=move || edits.stale.get()>
                <div role="status" class="mb-4 flex flex-wrap items-center gap-3 rounded-md border border-border bg-surface p-3" data-testid="ticket-stale">
                    <p>"Someone else changed this ticket."</p>
                    <Button on_click=Callback::new(move |_| ticket.refetch())>"Show their changes"</Button>
                    <p class="text-sm text-muted">"What you have typed here will be cleared."</p>
                </div>
            </Show>
            <Transition fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
                {move || {
                    ticket
                        .get()
                        .map(|r| match r {
                            Ok(t) => view! { <TicketView ticket=t choices update comment actions edits /> }.into_any(),
                            Err(AppError::NotFound) => view! { <NoSuchTicket /> }.into_any(),
                            Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
                        })
                }}
            </Transition>
        </SignedInOnly>
    }
}

/// Also the answer for another organisation's ticket number: nothing says it exists.
#[component]
fn NoSuchTicket() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <h1 class="text-2xl font-bold">"Ticket not found"</h1>
        <p>
            "There's no ticket with that number here. "
            <A href="/tickets" attr:class="font-medium text-primary underline">"See all tickets"</A>
        </p>
    }
}

#[component]
fn TicketView(
    ticket: TicketDetail,
    choices: Choices,
    update: ServerAction<UpdateTicket>,
    comment: ServerAction<AddComment>,
    actions: WorkActions,
    edits: Edits,
) -> impl IntoView {
    // A fresh render shows the ticket as stored: nothing typed, nothing stale.
    edits.dirty.set(false);
    edits.stale.set(false);
    let update_error = action_error(update.value());
    let comment_error = action_error(comment.value());
    let t = ticket;
    let (id, version) = (t.id.to_string(), t.version.to_string());
    let comment_on = id.clone();
    let ticket_id = t.id;
    let status_choices = t.status.choices();
    let (status, priority, queue_id) = (t.status, t.priority, t.queue_id);
    let assignee_id = t.assignee_id.map(|a| a.0.to_string()).unwrap_or_default();
    let due = t.due_on.map(|d| d.to_string()).unwrap_or_default();
    let comment_form = NodeRef::new();
    view! {
        <div class="flex flex-col gap-6" on:input=move |_| edits.dirty.set(true) on:change=move |_| edits.dirty.set(true)>
        <h1 class="text-2xl font-bold" data-testid="ticket-title">{format!("#{} {}", t.number, t.title)}</h1>
        <dl class="grid max-w-xl grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
            <dt class="text-muted">"Requester"</dt>
            <dd>{t.requester.clone().unwrap_or_else(|| "Former member".into())}</dd>
            <dt class="text-muted">"Created"</dt>
            <dd><Instant at=t.created_at /></dd>
            <dt class="text-muted">"Updated"</dt>
            <dd><Instant at=t.updated_at /></dd>
            <dt class="text-muted">"Due"</dt>
            <dd data-testid="ticket-due">{t.due_on.map(|d| d.to_string()).unwrap_or_else(|| "No due date".into())}</dd>
        </dl>
        <div class="prose max-w-none" data-testid="ticket-description" inner_html=t.description_html></div>

        <section aria-labelledby="ticket-fields-heading" class="flex flex-col gap-3">
            <h2 id="ticket-fields-heading" class="text-xl font-semibold">"Details"</h2>
            <ActionForm action=update attr:class="flex flex-wrap items-end gap-3" attr:aria-label="Ticket details" attr:novalidate=true>
                <FormError error=update_error fields=&["status", "priority", "queue", "assignee", "due"] />
                <input type="hidden" name="id" value=id.clone() />
                <input type="hidden" name="version" value=version />
                <Select label="Status" name="status" options=status_options(None, &status_choices) selected=status.as_str().to_string() />
                <Select label="Priority" name="priority" options=priority_options(None) selected=priority.as_str().to_string() />
                <Transition>
                    {move || {
                        let assignee_id = assignee_id.clone();
                        choices
                            .get()
                            .and_then(Result::ok)
                            .map(move |(queues, people)| {
                                view! {
                                    <Select label="Queue" name="queue" options=queue_options(None, &queues) selected=queue_id.to_string() />
                                    <Select label="Assignee" name="assignee" options=assignee_options("Unassigned", &people) selected=assignee_id />
                                }
                            })
                    }}
                </Transition>
                <TextField label="Due date" name="due" input_type="date" value=due error=field_error(update_error, "due") />
                <Button submit=true pending=update.pending()>"Save changes"</Button>
            </ActionForm>
            {move || field_error(update_error, "status").get().map(|m| view! { <p class="text-danger" role="alert">{m}</p> })}
        </section>

        <section aria-labelledby="conversation-heading" class="flex flex-col gap-3">
            <h2 id="conversation-heading" class="text-xl font-semibold">"Conversation"</h2>
            <ol class="flex flex-col gap-3">
                {t
                    .comments
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li class="rounded-md border border-border p-3" class:bg-surface=c.internal data-testid="comment">
                                <p class="text-sm text-muted">
                                    <strong class="text-fg">{c.author}</strong>
                                    " · " <Instant at=c.created_at />
                                    {c.internal.then_some(" · Internal note")}
                                </p>
                                <div class="prose max-w-none" inner_html=c.body_html></div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
            <ActionForm action=comment node_ref=comment_form attr:class="flex max-w-2xl flex-col gap-3" attr:aria-label="Add a comment" attr:novalidate=true>
                <FormToken action=comment form=comment_form />
                <FormError error=comment_error fields=&["body"] />
                <input type="hidden" name="ticket_id" value=comment_on />
                <TextArea label="Comment" name="body" rows=4 required=true max_length=crate::model::tickets::COMMENT_MAX hint="Markdown works." error=field_error(comment_error, "body") />
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="internal" value="true" class="h-4 w-4" />
                    "Internal note (only members see it)"
                </label>
                <Button submit=true pending=comment.pending()>"Add comment"</Button>
            </ActionForm>
        </section>

        <Attachments number=t.number attachments=t.attachments />
        <Inspections ticket_id inspections=t.inspections action=actions.inspect />
        <Approvals ticket_id approvals=t.approvals request=actions.request decide=actions.decide />

        <section aria-labelledby="timeline-heading" class="flex flex-col gap-3">
            <h2 id="timeline-heading" class="text-xl font-semibold">"Activity"</h2>
            <ol class="flex flex-col gap-1 text-sm" data-testid="timeline">
                {t
                    .events
                    .into_iter()
                    .map(|e| {
                        view! {
                            <li>
                                <span class="text-muted"><Instant at=e.at /></span>
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
        </div>
    }
}

/// Files on the ticket, and a plain multipart form to add one: it posts to the upload route,
/// which sends the browser back here with `?attachment=` saying how it went.
#[component]
fn Attachments(number: i64, attachments: Vec<Attachment>) -> impl IntoView {
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
                                    <Instant at=a.created_at />
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

/// Whether the viewer has typed into the page since it was rendered, and whether a change by
/// someone else is waiting to be shown.
#[derive(Clone, Copy)]
pub struct Edits {
    dirty: RwSignal<bool>,
    stale: RwSignal<bool>,
}

#[derive(Clone, Copy)]
pub struct WorkActions {
    inspect: ServerAction<AddInspection>,
    request: ServerAction<RequestApproval>,
    decide: ServerAction<DecideApproval>,
}

#[component]
fn Inspections(
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
                                    " · " <Instant at=i.created_at />
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
fn Approvals(
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
                                    " asked · " <Instant at=a.created_at />
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
fn describe(event: &TimelineEvent) -> String {
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
        TimelineEvent::Unknown { stored_kind } => stored_kind.clone(),
    }
}
