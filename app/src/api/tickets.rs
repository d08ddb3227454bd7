//! Tickets: the list, creating, the ticket page, changing fields and commenting.

// A form's fields are its server function's arguments (a flat form posts to it without
// script), and the ticket's property form has eight; the macro's generated code needs the
// allowance at module level.
#![allow(clippy::too_many_arguments)]

use crate::model::error::AppError;
use crate::model::tickets::{
    Assignee, BulkResult, Neighbours, Queue, SavedView, TicketDetail, TicketFilter, TicketPage,
};
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "tickets/list")]
pub async fn list_tickets(#[server(default)] filter: TicketFilter) -> Result<TicketPage, AppError> {
    use crate::backend::{request, tickets};
    let (ctx, viewer) = request::signed_in().await?;
    tickets::list(&ctx.db, viewer.organisation_id, viewer.user_id, &filter).await
}

/// The tickets before and after `number` in the list as `filter` orders it.
#[server(endpoint = "tickets/neighbours")]
pub async fn ticket_neighbours(
    number: i64,
    #[server(default)] filter: TicketFilter,
) -> Result<Neighbours, AppError> {
    use crate::backend::{request, tickets};
    let (ctx, viewer) = request::signed_in().await?;
    tickets::neighbours(
        &ctx.db,
        viewer.organisation_id,
        viewer.user_id,
        number,
        &filter,
    )
    .await?
    .ok_or(AppError::NotFound)
}

/// The queues and people a ticket can be filed under and assigned to, for the forms.
#[server(endpoint = "tickets/choices")]
pub async fn ticket_choices() -> Result<(Vec<Queue>, Vec<Assignee>), AppError> {
    use crate::backend::{request, tickets};
    let (ctx, viewer) = request::signed_in().await?;
    tickets::choices(&ctx.db, viewer.organisation_id).await
}

#[server(endpoint = "tickets/create")]
/// Queue and assignee may be absent (the form can be sent before their menus load): the
/// default queue, unassigned.
pub async fn create_ticket(
    title: String,
    #[server(default)] description: String,
    priority: String,
    #[server(default)] queue: String,
    #[server(default)] assignee: String,
    #[server(default)] due: String,
    #[server(default)] requester: String,
    #[server(default)] form_token: Option<String>,
) -> Result<i64, AppError> {
    use crate::backend::{request, tickets};
    use crate::model::tickets::NewTicket;
    let (ctx, viewer) = request::signed_in().await?;
    let new = NewTicket::parse(
        &title,
        &description,
        &priority,
        &queue,
        &assignee,
        &due,
        &requester,
    )?;
    let once = request::form_key(&viewer, form_token, "tickets/create")?;
    let number = tickets::create(
        &ctx.db,
        &viewer,
        new,
        &request::client_info(),
        once.as_ref(),
    )
    .await?
    .number;
    leptos_axum::redirect(&format!("/tickets/{number}"));
    Ok(number)
}

/// The ticket numbered `number` in the viewer's organisation.
#[server(endpoint = "tickets/get")]
pub async fn get_ticket(number: i64) -> Result<TicketDetail, AppError> {
    use crate::backend::{request, tickets};
    let (ctx, viewer) = request::signed_in().await?;
    tickets::get(&ctx.db, &viewer, number)
        .await?
        .ok_or(AppError::NotFound)
}

/// Changes a ticket's properties. The page's form without script sends them all with the
/// `version` it showed (a change by someone else in between is refused). With script, the
/// sidebar saves each property as it is chosen: `only` names it, the others are ignored and
/// no version is needed. The last choice of a property wins, as in any sidebar that saves as
/// you go, and someone else's change to another property is kept, not overwritten.
#[server(endpoint = "tickets/update")]
pub async fn update_ticket(
    id: Uuid,
    #[server(default)] version: Option<i32>,
    #[server(default)] only: Option<String>,
    #[server(default)] status: String,
    #[server(default)] priority: String,
    #[server(default)] queue: String,
    #[server(default)] assignee: String,
    /// Empty means no due date.
    #[server(default)]
    due: String,
) -> Result<(), AppError> {
    use crate::backend::request;
    use crate::backend::tickets::{self, TicketChange};
    use crate::model::identity::UserId;
    use crate::model::tickets::{optional_id, parse_due, Priority, TicketStatus};
    let (ctx, viewer) = request::signed_in().await?;
    let wanted = |field: &str| only.as_deref().is_none_or(|o| o == field);
    if let Some(o) = only.as_deref() {
        if !crate::model::tickets::PROPERTIES.contains(&o) {
            return Err(AppError::validation(
                "only",
                "Name one property: status, priority, queue, assignee or due.",
            ));
        }
    }
    let version = match (only.is_some(), version) {
        (true, _) => None,
        (false, Some(v)) => Some(v),
        (false, None) => {
            return Err(AppError::validation(
                "version",
                "Reload the page and make the change again.",
            ))
        }
    };
    let change = TicketChange {
        status: wanted("status")
            .then(|| {
                TicketStatus::parse(&status)
                    .ok_or_else(|| AppError::validation("status", "Choose a status."))
            })
            .transpose()?,
        priority: wanted("priority")
            .then(|| {
                Priority::parse(&priority)
                    .ok_or_else(|| AppError::validation("priority", "Choose a priority."))
            })
            .transpose()?,
        queue: if wanted("queue") {
            optional_id(&queue, "queue")?
        } else {
            None
        },
        assignee: wanted("assignee")
            .then(|| optional_id(&assignee, "assignee").map(|a| a.map(UserId)))
            .transpose()?,
        due_on: wanted("due").then(|| parse_due(&due)).transpose()?,
    };
    tickets::update(
        &ctx.db,
        &viewer,
        id,
        version,
        change,
        &request::client_info(),
    )
    .await
}

#[server(endpoint = "tickets/comment")]
pub async fn add_comment(
    ticket_id: Uuid,
    body: String,
    #[server(default)] internal: bool,
    #[server(default)] form_token: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{request, tickets};
    use crate::model::tickets::parse_comment;
    let (ctx, viewer) = request::signed_in().await?;
    let body = parse_comment(&body)?;
    let ticket = tickets::TicketRef::Id(ticket_id);
    let once = request::form_key(&viewer, form_token, "tickets/comment")?;
    tickets::comment(&ctx.db, &viewer, ticket, body, internal, once.as_ref()).await?;
    Ok(())
}

#[server(endpoint = "tickets/inspect")]
pub async fn add_inspection(
    ticket_id: Uuid,
    summary: String,
    cause: String,
    recommendation: String,
    hours: String,
    #[server(default)] form_token: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{request, tickets};
    use crate::model::tickets::NewInspection;
    let (ctx, viewer) = request::signed_in().await?;
    let inspection = NewInspection::parse(&summary, &cause, &recommendation, &hours)?;
    let once = request::form_key(&viewer, form_token, "tickets/inspect")?;
    tickets::inspect(
        &ctx.db,
        &viewer,
        ticket_id,
        inspection,
        &request::client_info(),
        once.as_ref(),
    )
    .await
}

#[server(endpoint = "tickets/request_approval")]
pub async fn request_approval(
    ticket_id: Uuid,
    note: String,
    #[server(default)] form_token: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{request, tickets};
    use crate::model::tickets::parse_approval_text;
    let (ctx, viewer) = request::signed_in().await?;
    let note = parse_approval_text(&note, "note", true)?;
    let once = request::form_key(&viewer, form_token, "tickets/request_approval")?;
    tickets::request_approval(
        &ctx.db,
        &viewer,
        ticket_id,
        note,
        &request::client_info(),
        once.as_ref(),
    )
    .await
}

#[server(endpoint = "tickets/decide_approval")]
pub async fn decide_approval(
    approval_id: Uuid,
    /// Absent when neither choice was made: nothing is chosen in advance.
    #[server(default)]
    decision: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use crate::backend::{request, tickets};
    use crate::model::tickets::{parse_approval_text, Decision};
    let (ctx, viewer) = request::signed_in().await?;
    let decision = Decision::parse(&decision)
        .ok_or_else(|| AppError::validation("decision", "Approve or reject."))?;
    let reason = parse_approval_text(&reason, "reason", false)?;
    tickets::decide(
        &ctx.db,
        &viewer,
        approval_id,
        decision,
        reason,
        &request::client_info(),
    )
    .await
}

/// One change to many tickets: each field empty means "leave as it is"; assignee `none`
/// unassigns. `ids` is comma-separated.
#[server(endpoint = "tickets/bulk_update")]
pub async fn bulk_update_tickets(
    ids: String,
    #[server(default)] status: String,
    #[server(default)] priority: String,
    #[server(default)] assignee: String,
) -> Result<BulkResult, AppError> {
    use crate::backend::request;
    use crate::backend::tickets::{self, TicketChange};
    use crate::model::identity::UserId;
    use crate::model::tickets::{optional_id, parse_bulk_ids, Priority, TicketStatus};
    let (ctx, viewer) = request::signed_in().await?;
    let ids = parse_bulk_ids(&ids)?;
    /// Empty: no change; otherwise one of the choices.
    fn pick<T>(
        raw: &str,
        field: &str,
        parse: fn(&str) -> Option<T>,
    ) -> Result<Option<T>, AppError> {
        match raw.trim() {
            "" => Ok(None),
            s => parse(s)
                .map(Some)
                .ok_or_else(|| AppError::validation(field, "Choose one from the list.")),
        }
    }
    let change = TicketChange {
        status: pick(&status, "status", TicketStatus::parse)?,
        priority: pick(&priority, "priority", Priority::parse)?,
        queue: None,
        assignee: match assignee.trim() {
            "" => None,
            "none" => Some(None),
            other => Some(optional_id(other, "assignee")?.map(UserId)),
        },
        due_on: None,
    };
    tickets::bulk_update(&ctx.db, &viewer, &ids, change, &request::client_info()).await
}

#[server(endpoint = "tickets/views/list")]
pub async fn list_saved_views() -> Result<Vec<SavedView>, AppError> {
    use crate::backend::{request, saved_views};
    let (ctx, viewer) = request::signed_in().await?;
    saved_views::list(&ctx.db, &viewer).await
}

/// Saves the list's filters (its query string) under `name`, replacing a view of that name.
#[server(endpoint = "tickets/views/save")]
pub async fn save_view(name: String, #[server(default)] query: String) -> Result<(), AppError> {
    use crate::backend::{request, saved_views};
    use crate::model::tickets::parse_view_name;
    let (ctx, viewer) = request::signed_in().await?;
    let name = parse_view_name(&name)?;
    let filter = TicketFilter::from_query_string(&query);
    saved_views::save(&ctx.db, &viewer, name, &filter).await
}

#[server(endpoint = "tickets/views/delete")]
pub async fn delete_view(id: Uuid) -> Result<(), AppError> {
    use crate::backend::{request, saved_views};
    let (ctx, viewer) = request::signed_in().await?;
    saved_views::delete(&ctx.db, &viewer, id).await
}

#[server(endpoint = "tickets/queues/list")]
pub async fn list_queues() -> Result<Vec<Queue>, AppError> {
    use crate::backend::{request, tickets};
    let (ctx, viewer) = request::signed_in().await?;
    tickets::queues(&ctx.db, viewer.organisation_id).await
}

#[server(endpoint = "tickets/queues/create")]
pub async fn create_queue(
    name: String,
    #[server(default)] form_token: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::request;
    use crate::backend::tickets::{self, QueueChange};
    use crate::model::tickets::parse_queue_name;
    let (ctx, viewer) = request::signed_in().await?;
    let change = QueueChange::Create(parse_queue_name(&name)?);
    let once = request::form_key(&viewer, form_token, "tickets/queues/create")?;
    tickets::change_queue(
        &ctx.db,
        &viewer,
        change,
        &request::client_info(),
        once.as_ref(),
    )
    .await
}

#[server(endpoint = "tickets/queues/rename")]
pub async fn rename_queue(id: Uuid, name: String) -> Result<(), AppError> {
    use crate::backend::request;
    use crate::backend::tickets::{self, QueueChange};
    use crate::model::tickets::parse_queue_name;
    let (ctx, viewer) = request::signed_in().await?;
    let change = QueueChange::Rename(id, parse_queue_name(&name)?);
    tickets::change_queue(&ctx.db, &viewer, change, &request::client_info(), None).await
}

#[server(endpoint = "tickets/queues/make_default")]
pub async fn make_default_queue(id: Uuid) -> Result<(), AppError> {
    use crate::backend::request;
    use crate::backend::tickets::{self, QueueChange};
    let (ctx, viewer) = request::signed_in().await?;
    tickets::change_queue(
        &ctx.db,
        &viewer,
        QueueChange::MakeDefault(id),
        &request::client_info(),
        None,
    )
    .await
}

/// Changes who the ticket is for: an address, or `Name <address>`; empty for nobody. Their
/// client becomes the ticket's.
#[server(endpoint = "tickets/requester")]
pub async fn change_requester(
    number: i64,
    #[server(default)] requester: String,
) -> Result<(), AppError> {
    use crate::backend::{request, tickets};
    use crate::model::clients::Requester;
    let (ctx, viewer) = request::signed_in().await?;
    let requester =
        Requester::parse(&requester).map_err(|m| AppError::validation("requester", m))?;
    tickets::change_requester(&ctx.db, &viewer, number, requester, &request::client_info()).await
}
