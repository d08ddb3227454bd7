//! One ticket: a conversation column and a properties sidebar that saves each property as it
//! is chosen, with the previous and next ticket of the list the viewer came from.
//!
//! The page is three kinds of region. What the ticket shows (description, conversation,
//! attachments, work, activity) is rendered again from each fresh read. The comment box and
//! the sidebar are rendered once per ticket and kept: a reply being typed survives the
//! viewer's own property changes and everyone else's, and the sidebar keeps keyboard focus
//! while its values follow the stored ticket.

use super::ticket_assets::TicketAssets;
use super::ticket_requester::RequesterChange;
use super::ticket_work::{Activity, Approvals, Attachments, Inspections};
use super::tickets::{
    assignee_options, priority_options, queue_options, status_options, Choices, LastList,
};
use crate::api::clients::{LinkAsset, UnlinkAsset};
use crate::api::tickets::ChangeRequester;
use crate::api::tickets::{
    get_ticket, ticket_choices, ticket_neighbours, AddComment, AddInspection, DecideApproval,
    RequestApproval, UpdateTicket,
};
use crate::model::error::AppError;
use crate::model::tickets::{TicketDetail, TicketStatus};
use crate::ui::auth::SignedInOnly;
use crate::ui::components::{
    action_error, field_error, Button, ErrorNotice, FormError, FormToken, Instant, Select,
    TextArea, TextField,
};
use crate::ui::live::LiveSignal;
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

type TicketResource = Resource<Result<TicketDetail, AppError>>;

/// Whether the viewer has typed into a part of the page that a fresh read would render
/// again, and whether a change by someone else is waiting to be shown.
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
    link: ServerAction<LinkAsset>,
    unlink: ServerAction<UnlinkAsset>,
}

fn number_in(params: &leptos_router::params::ParamsMap) -> i64 {
    params
        .get("number")
        .and_then(|n| n.parse::<i64>().ok())
        .unwrap_or(0)
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        // Read with try_: under load the server stringified the head after the page's owner
        // was gone, and a plain read panicked (500) on 1-2% of ticket pages in the benchmark.
        <Title text=move || {
            params.try_with(number_in).map(|n| format!("Ticket #{n}")).unwrap_or_default()
        } />
        <SignedInOnly>
            // Made whole again for another ticket (previous/next move between tickets in the
            // same route). One page whose resource changed under its kept and redrawn regions
            // at once had those regions read values already disposed, which stopped the
            // page's tasks (the next ticket's neighbours never arrived).
            {move || {
                let number = params.with(number_in);
                view! { <TicketView number /> }
            }}
        </SignedInOnly>
    }
}

#[component]
fn TicketView(number: i64) -> impl IntoView {
    let update = ServerAction::<UpdateTicket>::new();
    let requester = ServerAction::<ChangeRequester>::new();
    let comment = ServerAction::<AddComment>::new();
    let actions = WorkActions {
        inspect: ServerAction::new(),
        request: ServerAction::new(),
        decide: ServerAction::new(),
        link: ServerAction::new(),
        unlink: ServerAction::new(),
    };
    let ticket: TicketResource = Resource::new(
        move || {
            (
                number,
                update.version().get(),
                requester.version().get(),
                comment.version().get(),
                actions.inspect.version().get(),
                actions.request.version().get(),
                actions.decide.version().get(),
                actions.link.version().get(),
                actions.unlink.version().get(),
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
        LiveSignal::Changed(c) if c.number != number => {}
        _ if edits.dirty.get_untracked() => edits.stale.set(true),
        _ => ticket.refetch(),
    });
    // The kept regions are keyed by the ticket's id: made again for another ticket only.
    let id =
        Memo::new(move |_| ticket.with(|t| t.as_ref().and_then(|r| r.as_ref().ok()).map(|t| t.id)));
    let shown = move |render: fn(TicketDetail, WorkActions) -> AnyView| {
        move || {
            ticket.get().map(|r| match r {
                Ok(t) => render(t, actions),
                Err(AppError::NotFound) => ().into_any(),
                Err(e) => view! { <ErrorNotice error=e /> }.into_any(),
            })
        }
    };
    view! {
            <Show when=move || edits.stale.get()>
                <div role="status" class="mb-4 flex flex-wrap items-center gap-3 rounded-md border border-border bg-surface p-3" data-testid="ticket-stale">
                    <p>"Someone else changed this ticket."</p>
                    <Button on_click=Callback::new(move |_| ticket.refetch())>"Show their changes"</Button>
                    <p class="text-sm text-muted">"What you have typed here will be cleared."</p>
                </div>
            </Show>
            <ListNavigation number />
            <Transition fallback=|| view! { <p class="text-muted">"Loading…"</p> }>
                {move || {
                    ticket.get().map(|r| match r {
                        Ok(t) => view! {
                            <h1 class="text-2xl font-bold" data-testid="ticket-title">{format!("#{} {}", t.number, t.title)}</h1>
                        }
                        .into_any(),
                        Err(AppError::NotFound) => view! { <NoSuchTicket /> }.into_any(),
                        Err(_) => ().into_any(),
                    })
                }}
            </Transition>
            <Transition>
            {move || {
                // The server waits for the ticket before writing this out; the browser
                // builds it again only for another ticket (see the module's note).
                #[cfg(feature = "ssr")]
                ticket.track();
                id.get()
            }.map(|id| {
                view! {
                    <div class="mt-6 grid items-start gap-8 lg:grid-cols-[minmax(0,1fr)_18rem]">
                        <div class="flex min-w-0 flex-col gap-6">
                            <div class="contents" on:input=move |_| edits.dirty.set(true)>
                                <Transition>
                                    {shown(|t, _| view! { <Conversation ticket=t /> }.into_any())}
                                </Transition>
                            </div>
                            <CommentForm ticket_id=id action=comment />
                            <div class="contents" on:input=move |_| edits.dirty.set(true) on:change=move |_| edits.dirty.set(true)>
                                <Transition>
                                    {shown(|t, actions| view! { <Work ticket=t actions /> }.into_any())}
                                </Transition>
                            </div>
                        </div>
                        <Properties ticket id choices update requester number />
                    </div>
                }
            })}
            </Transition>
            // A fresh render shows the ticket as stored: nothing typed, nothing stale.
            {move || {
                ticket.track();
                edits.dirty.set(false);
                edits.stale.set(false);
            }}
    }
}

/// Back to the list the viewer came from, with its filters, and the tickets either side of
/// this one in it (`j` and `k` from the keyboard). Opened directly, the list is the default.
#[component]
fn ListNavigation(number: i64) -> impl IntoView {
    let last = use_context::<LastList>();
    let list = move || last.and_then(|l| l.0.get()).unwrap_or_default();
    let neighbours = Resource::new(
        move || (number, list()),
        |(n, filter)| ticket_neighbours(n, filter),
    );
    let link = "rounded-md border border-border px-3 py-1 text-sm font-medium text-fg no-underline hover:bg-surface";
    view! {
        <nav aria-label="Ticket list" class="mb-4 flex flex-wrap items-center gap-2">
            <a href=move || list().href(None) class=link>"← Back to tickets"</a>
            <Transition>
                {move || {
                    let n = neighbours.get().and_then(Result::ok).unwrap_or_default();
                    view! {
                        {n.previous.map(|p| view! {
                            <a href=format!("/tickets/{p}") class=link data-shortcut="k" rel="prev">"Previous ticket"</a>
                        })}
                        {n.next.map(|p| view! {
                            <a href=format!("/tickets/{p}") class=link data-shortcut="j" rel="next">"Next ticket"</a>
                        })}
                    }
                }}
            </Transition>
        </nav>
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
fn Conversation(ticket: TicketDetail) -> impl IntoView {
    let t = ticket;
    view! {
        <div class="prose max-w-none" data-testid="ticket-description" inner_html=t.description_html></div>
        <section aria-labelledby="conversation-heading" class="flex flex-col gap-3">
            <h2 id="conversation-heading" class="text-xl font-semibold">"Conversation"</h2>
            {t.comments.is_empty().then(|| view! { <p class="text-muted">"No replies yet."</p> })}
            <ol class="flex flex-col gap-3">
                {t
                    .comments
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li class="rounded-md border border-border p-3" class:bg-surface=c.internal data-testid="comment">
                                <p class="text-sm text-muted">
                                    <strong class="text-fg">{c.author}</strong>
                                    " · " <Instant at=c.created_at relative=true />
                                    {c.internal.then_some(" · Internal note")}
                                </p>
                                <div class="prose max-w-none" inner_html=c.body_html></div>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn Work(ticket: TicketDetail, actions: WorkActions) -> impl IntoView {
    let t = ticket;
    view! {
        <Attachments number=t.number attachments=t.attachments />
        <TicketAssets number=t.number assets=t.assets link=actions.link unlink=actions.unlink />
        <Inspections ticket_id=t.id inspections=t.inspections action=actions.inspect />
        <Approvals ticket_id=t.id approvals=t.approvals request=actions.request decide=actions.decide />
        <Activity events=t.events />
    }
}

#[component]
fn CommentForm(ticket_id: Uuid, action: ServerAction<AddComment>) -> impl IntoView {
    let error = action_error(action.value());
    let form = NodeRef::new();
    view! {
        <ActionForm action node_ref=form attr:class="flex flex-col gap-3" attr:aria-label="Add a comment" attr:novalidate=true attr:data-shortcut="c">
            <FormToken action form />
            <FormError error fields=&["body"] />
            <input type="hidden" name="ticket_id" value=ticket_id.to_string() />
            <TextArea label="Comment" name="body" rows=4 required=true max_length=crate::model::tickets::COMMENT_MAX hint="Markdown works. Press c to come here." error=field_error(error, "body") />
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="internal" value="true" class="h-4 w-4" />
                "Internal note (only members see it)"
            </label>
            <Button submit=true pending=action.pending()>"Add comment"</Button>
        </ActionForm>
    }
}

/// The ticket's properties. Each saves as it is chosen, alone (someone else's change to
/// another property stands); without script the form is sent whole with a Save button,
/// against the version shown.
#[component]
fn Properties(
    ticket: TicketResource,
    id: Uuid,
    choices: Choices,
    update: ServerAction<UpdateTicket>,
    requester: ServerAction<ChangeRequester>,
    number: i64,
) -> impl IntoView {
    let error = action_error(update.value());
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let stored = move |read: fn(&TicketDetail) -> String| {
        Signal::derive(move || ticket.with(|t| t.as_ref().and_then(|r| r.as_ref().ok()).map(read)))
    };
    let status = stored(|t| t.status.as_str().into());
    let version = stored(|t| t.version.to_string());
    let assignee = stored(|t| t.assignee_id.map(|a| a.0.to_string()).unwrap_or_default());
    let queue = stored(|t| t.queue_id.to_string());
    let due = stored(|t| t.due_on.map(|d| d.to_string()).unwrap_or_default());
    let mailbox = stored(|t| {
        t.contact
            .as_ref()
            .and_then(|k| k.mailbox())
            .unwrap_or_default()
    });
    let auth = crate::ui::auth::use_auth();
    let me = move || {
        auth.viewer
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|v| v.user_id.0.to_string())
    };
    let unreachable = Callback::new(move |to: String| {
        let now = status.get().as_deref().and_then(TicketStatus::parse);
        let to = TicketStatus::parse(&to);
        matches!((now, to), (Some(now), Some(to)) if !now.can_become(to))
    });
    let on_change = move |ev: leptos::ev::Event| {
        if !scripted.get_untracked() {
            return;
        }
        let (name, value) = changed_field(&ev);
        if crate::model::tickets::PROPERTIES.contains(&name.as_str()) {
            update.dispatch(one_property(id, &name, value));
        }
    };
    let facts = move || {
        ticket.with(|t| {
            t.as_ref().and_then(|r| r.as_ref().ok()).map(|t| {
                (
                    t.contact.clone(),
                    t.requester
                        .clone()
                        .unwrap_or_else(|| "Former member".into()),
                    t.created_at,
                    t.updated_at,
                )
            })
        })
    };
    view! {
        <aside aria-labelledby="properties-heading" class="flex flex-col gap-4 rounded-md border border-border p-4 lg:sticky lg:top-4">
            <h2 id="properties-heading" class="text-lg font-semibold">"Properties"</h2>
            <ActionForm action=update attr:class="flex flex-col gap-3" attr:aria-label="Ticket properties" attr:novalidate=true on:change=on_change>
                <FormError error fields=&crate::model::tickets::PROPERTIES />
                <input type="hidden" name="id" value=id.to_string() />
                <input type="hidden" name="version" value=move || version.get().unwrap_or_default() />
                <Select label="Status" name="status" options=status_options(None, &TicketStatus::ALL) selected=status unavailable=unreachable />
                <Select label="Priority" name="priority" options=priority_options(None) selected=stored(|t| t.priority.as_str().into()) />
                <Transition>
                    {move || {
                        choices
                            .get()
                            .and_then(Result::ok)
                            .map(move |(queues, people)| {
                                view! {
                                    <Select label="Queue" name="queue" options=queue_options(None, &queues) selected=queue />
                                    <Select label="Assignee" name="assignee" options=assignee_options("Unassigned", &people) selected=assignee />
                                }
                            })
                    }}
                </Transition>
                <TextField label="Due date" name="due" input_type="date" value=due error=field_error(error, "due") />
                <Show when=move || scripted.get() && me().is_some() && me() != assignee.get()>
                    <button
                        type="button"
                        data-shortcut="a"
                        class="self-start rounded-md border border-border px-3 py-1 text-sm font-medium text-fg hover:bg-surface"
                        on:click=move |_| {
                            if let Some(me) = me() {
                                update.dispatch(one_property(id, "assignee", me));
                            }
                        }
                    >
                        "Assign to me"
                    </button>
                </Show>
                <p class="text-sm text-muted" role="status" aria-live="polite">
                    {move || {
                        if update.pending().get() {
                            "Saving…"
                        } else if matches!(update.value().get(), Some(Ok(()))) {
                            "Saved."
                        } else {
                            ""
                        }
                    }}
                </p>
                <Show when=move || !scripted.get()>
                    <Button submit=true>"Save changes"</Button>
                </Show>
            </ActionForm>
            {move || facts().map(|(contact, opener, created, updated)| view! {
                <dl class="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
                    <dt class="text-muted">"Requester"</dt>
                    <dd data-testid="ticket-requester">
                        {match contact {
                            Some(k) => view! {
                                {k.name}
                                {k.email.map(|e| view! { <br /><span class="text-muted">{e}</span> })}
                                {k.client.zip(k.client_name).map(|(id, name)| view! {
                                    <br /><a href=format!("/clients/{}", id.0) class="text-primary underline">{name}</a>
                                })}
                            }
                            .into_any(),
                            None => view! { "–" }.into_any(),
                        }}
                    </dd>
                    <dt class="text-muted">"Opened by"</dt>
                    <dd>{opener}</dd>
                    <dt class="text-muted">"Created"</dt>
                    <dd><Instant at=created relative=true /></dd>
                    <dt class="text-muted">"Updated"</dt>
                    <dd><Instant at=updated relative=true /></dd>
                </dl>
            })}
            <RequesterChange number current=mailbox action=requester />
        </aside>
    }
}

/// The sidebar's save of one property.
fn one_property(id: Uuid, name: &str, value: String) -> UpdateTicket {
    let mut change = UpdateTicket {
        id,
        version: None,
        only: Some(name.to_string()),
        status: String::new(),
        priority: String::new(),
        queue: String::new(),
        assignee: String::new(),
        due: String::new(),
    };
    let field = match name {
        "status" => &mut change.status,
        "priority" => &mut change.priority,
        "queue" => &mut change.queue,
        "assignee" => &mut change.assignee,
        _ => &mut change.due,
    };
    *field = value;
    change
}

/// The name and value of the control a change event came from.
fn changed_field(ev: &leptos::ev::Event) -> (String, String) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        let target = ev.target();
        if let Some(select) = target
            .clone()
            .and_then(|t| t.dyn_into::<web_sys::HtmlSelectElement>().ok())
        {
            return (select.name(), select.value());
        }
        if let Some(input) = target.and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
            return (input.name(), input.value());
        }
    }
    let _ = ev;
    (String::new(), String::new())
}
