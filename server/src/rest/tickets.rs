//! `/api/v1` queues, tickets and comments. Handlers parse and check what arrives, then call the
//! same services the pages use; every failure leaves as problem+json, never a bare 4xx text.

use super::{body, idempotency};
use crate::problem::ApiError;
use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::backend::tickets::{self, TicketChange, TicketRef};
use app::model::error::AppError;
use app::model::identity::UserId;
use app::model::tickets::{
    parse_comment, Comment, NewTicket, Priority, Queue, TicketDetail, TicketFilter, TicketPage,
    TicketStatus,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Deserializer};
use std::collections::HashMap;
use utoipa::ToSchema;
use uuid::Uuid;

/// A ticket number from the path; anything else names no ticket.
fn number(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(AppError::NotFound)
}

async fn detail(state: &AppState, caller: &SignedIn, n: i64) -> Result<TicketDetail, AppError> {
    tickets::get(&state.ctx.db, &caller.viewer, n)
        .await?
        .ok_or(AppError::NotFound)
}

fn with_etag(status: StatusCode, ticket: &TicketDetail) -> Response {
    let mut response = (status, Json(ticket)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", ticket.version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

#[utoipa::path(get, path = "/api/v1/queues", tag = "tickets",
    responses((status = 200, body = Vec<Queue>), (status = 401, body = crate::problem::Problem)))]
pub async fn queues(
    State(state): State<AppState>,
    caller: SignedIn,
) -> Result<Json<Vec<Queue>>, ApiError> {
    Ok(Json(
        tickets::queues(&state.ctx.db, caller.viewer.organisation_id).await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets",
    params(
        ("status" = Option<TicketStatus>, Query, description = "Only tickets with this status"),
        ("priority" = Option<Priority>, Query, description = "Only tickets with this priority"),
        ("queue" = Option<Uuid>, Query, description = "Only tickets in this queue"),
        ("client" = Option<Uuid>, Query, description = "Only tickets of this client"),
        ("contact" = Option<Uuid>, Query, description = "Only tickets for this contact (the requester)"),
        ("assignee" = Option<String>, Query, description = "Only tickets assigned to this member (a user id), to the caller (me) or to nobody (none)", pattern = "^(me|none|[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})$"),
        ("unresolved" = Option<String>, Query, description = "Only tickets still open or pending", pattern = "^(true|1)$"),
        ("overdue" = Option<String>, Query, description = "Only tickets past their due date and not yet resolved or closed", pattern = "^(true|1)$"),
        ("q" = Option<String>, Query, description = "Words to find in titles, descriptions and comments"),
        ("sort" = Option<String>, Query, description = "updated (default, most recent first), number (newest first), priority (most urgent first), due (soonest first), status (open first); newest and oldest are the number's two directions", pattern = "^(updated|number|priority|due|status|newest|oldest)$"),
        ("dir" = Option<String>, Query, description = "asc or desc, to turn the sort's own direction round (not with newest or oldest)", pattern = "^(asc|desc)$"),
        ("after" = Option<String>, Query, description = "The `next` cursor of the previous page", pattern = r"^-?[0-9]{1,18}(\.-?[0-9]{1,18})?_[0-9a-f]{32}$"),
    ),
    responses((status = 200, body = TicketPage), (status = 401, body = crate::problem::Problem),
              (status = 422, body = crate::problem::Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<TicketPage>, ApiError> {
    let filter = TicketFilter::from_query_checked(|k| params.get(k).cloned())?;
    Ok(Json(
        tickets::list(
            &state.ctx.db,
            caller.viewer.organisation_id,
            caller.viewer.user_id,
            &filter,
        )
        .await?,
    ))
}

/// A new ticket. Only the title is required.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    /// Not blank (only Unicode white space is blank); no control characters.
    #[schema(
        max_length = 200,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000-\u001f\u007f-\u009f]*$"
    )]
    title: String,
    /// Markdown; no NUL characters.
    #[serde(default)]
    #[schema(max_length = 50000, pattern = r"^[^\u0000]*$")]
    description: String,
    #[serde(default)]
    priority: Option<Priority>,
    /// Default: the organisation's default queue.
    #[serde(default)]
    queue_id: Option<Uuid>,
    /// An active member of the organisation.
    #[serde(default)]
    assignee_id: Option<Uuid>,
    /// A day between 2000 and 2199.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date, pattern = r"^2[01][0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    due_on: Option<time::Date>,
    /// Who the ticket is for: `name@example.com` or `Name <name@example.com>`. The contact with
    /// that address, or a new contact at the client claiming its domain. Spaces only: no one.
    /// (`model::clients::Requester::MAX_LEN` and its parse are what these describe.)
    #[serde(default)]
    #[schema(
        max_length = 460,
        pattern = r"^( *|[^\u0000-\u001f\u007f-\u009f]*@[^\u0000-\u001f\u007f-\u009f]*)$"
    )]
    requester: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", request_body = NewTicketBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key get the first answer", pattern = "^[!-~]{1,200}$")),
    responses((status = 201, body = TicketDetail), (status = 401, body = crate::problem::Problem),
              (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: SignedIn,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let once = idempotency::key(&headers, &caller, "POST /api/v1/tickets", &bytes)?;
    let new: NewTicketBody = body(&headers, &bytes)?;
    let id_text = |id: Option<Uuid>| id.map(|i| i.to_string()).unwrap_or_default();
    let parsed = NewTicket::parse(
        &new.title,
        &new.description,
        new.priority.unwrap_or(Priority::Medium).as_str(),
        &id_text(new.queue_id),
        &id_text(new.assignee_id),
        &new.due_on.map(|d| d.to_string()).unwrap_or_default(),
        new.requester.as_deref().unwrap_or_default(),
    )?;
    let ticket = tickets::create(
        &state.ctx.db,
        &caller.viewer,
        parsed,
        &caller.client,
        once.as_ref(),
    )
    .await?;
    let mut response = (StatusCode::CREATED, Json(&ticket)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/tickets/{}", ticket.number)) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(response)
}

#[utoipa::path(get, path = "/api/v1/tickets/{number}", tag = "tickets",
    params(("number" = i64, Path, description = "The ticket's number in its organisation")),
    responses((status = 200, body = TicketDetail, headers(("ETag" = String, description = "The ticket's version, for If-Match"))),
              (status = 401, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)))]
pub async fn get(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Response, ApiError> {
    let ticket = detail(&state, &caller, number(&raw)?).await?;
    Ok(with_etag(StatusCode::OK, &ticket))
}

/// A field that may be left out but, when sent, must not be `null` (a ticket always has a
/// status, a priority and a queue, so `null` would mean nothing).
fn not_null<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// Present and `null` is different from absent: `null` clears, absent leaves alone.
fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// Fields to change; absent ones stay as they are. The version the change was made against
/// comes in `If-Match` (the ETag) or as `version`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TicketPatch {
    /// The version the change was made against (the number in the ETag). Required unless
    /// `If-Match` is sent; without either the answer is 428.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(minimum = 1, nullable = false)]
    version: Option<i32>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    status: Option<TicketStatus>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    priority: Option<Priority>,
    #[serde(default, deserialize_with = "not_null")]
    #[schema(nullable = false)]
    queue_id: Option<Uuid>,
    /// `null` unassigns.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>, nullable)]
    assignee_id: Option<Option<Uuid>>,
    /// A day between 2000 and 2199; `null` removes the due date.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, format = Date, nullable, pattern = r"^2[01][0-9]{2}-[0-9]{2}-[0-9]{2}$")]
    due_on: Option<Option<time::Date>>,
}

impl TicketPatch {
    /// The fields a patch may change; it must name at least one (the document says so too).
    pub const CHANGES: [&'static str; 5] =
        ["status", "priority", "queue_id", "assignee_id", "due_on"];

    fn changes_nothing(&self) -> bool {
        self.status.is_none()
            && self.priority.is_none()
            && self.queue_id.is_none()
            && self.assignee_id.is_none()
            && self.due_on.is_none()
    }
}

#[utoipa::path(patch, path = "/api/v1/tickets/{number}", tag = "tickets", request_body = TicketPatch,
    params(("number" = i64, Path, description = "The ticket's number in its organisation"),
           ("If-Match" = Option<String>, Header, description = "The ETag the change was made against; or send `version` in the body")),
    responses((status = 200, body = TicketDetail), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem), (status = 409, body = crate::problem::Problem),
              (status = 412, body = crate::problem::Problem, description = "If-Match names an older version"),
              (status = 422, body = crate::problem::Problem),
              (status = 428, body = crate::problem::Problem, description = "Neither If-Match nor version was sent")))]
pub async fn update(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let n = number(&raw)?;
    let patch: TicketPatch = body(&headers, &bytes)?;
    if patch.changes_nothing() {
        return Err(AppError::validation(
            "body",
            "Name at least one field to change: status, priority, queue_id, assignee_id or due_on.",
        )
        .into());
    }
    let (id, current_version) = tickets::locate(&state.ctx.db, &caller.viewer, n).await?;
    let if_match = headers
        .get(header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.trim()
                .trim_start_matches("W/")
                .trim_matches('"')
                .to_string()
        });
    let version = match (if_match, patch.version) {
        (Some(tag), _) => {
            if tag.parse::<i32>().ok() != Some(current_version) {
                return Ok(super::precondition(
                    StatusCode::PRECONDITION_FAILED,
                    "The ticket changed since that ETag. Fetch it again and retry.",
                ));
            }
            current_version
        }
        (None, Some(v)) => v,
        (None, None) => {
            return Ok(super::precondition(
                StatusCode::PRECONDITION_REQUIRED,
                "Say which version you changed: send If-Match with the ETag, or `version`.",
            ));
        }
    };
    let change = TicketChange {
        status: patch.status,
        priority: patch.priority,
        queue: patch.queue_id,
        assignee: patch.assignee_id.map(|a| a.map(UserId)),
        due_on: patch.due_on,
    };
    tickets::update(
        &state.ctx.db,
        &caller.viewer,
        id,
        Some(version),
        change,
        &caller.client,
    )
    .await?;
    let ticket = detail(&state, &caller, n).await?;
    Ok(with_etag(StatusCode::OK, &ticket))
}

#[utoipa::path(get, path = "/api/v1/tickets/{number}/comments", tag = "tickets",
    params(("number" = i64, Path, description = "The ticket's number in its organisation")),
    responses((status = 200, body = Vec<Comment>), (status = 401, body = crate::problem::Problem),
              (status = 404, body = crate::problem::Problem)))]
pub async fn comments(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Json<Vec<Comment>>, ApiError> {
    Ok(Json(detail(&state, &caller, number(&raw)?).await?.comments))
}

/// A reply, or with `internal` an internal note. Markdown.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCommentBody {
    /// Not blank (only Unicode white space is blank); no NUL characters. The white space is
    /// spelled out: a pattern's `\s` differs between engines, Rust's `trim` is what counts.
    #[schema(
        max_length = 20000,
        pattern = r"^[^\u0000]*[^\u0000\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000][^\u0000]*$"
    )]
    body: String,
    #[serde(default)]
    internal: bool,
}

#[utoipa::path(post, path = "/api/v1/tickets/{number}/comments", tag = "tickets", request_body = NewCommentBody,
    params(("number" = i64, Path, description = "The ticket's number in its organisation"),
           ("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key get the first answer", pattern = "^[!-~]{1,200}$")),
    responses((status = 201, body = Vec<Comment>, description = "The ticket's comments, the new one last"),
              (status = 401, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem),
              (status = 409, body = crate::problem::Problem), (status = 422, body = crate::problem::Problem)))]
pub async fn add_comment(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
    headers: HeaderMap,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    let n = number(&raw)?;
    let operation = format!("POST /api/v1/tickets/{n}/comments");
    let once = idempotency::key(&headers, &caller, &operation, &bytes)?;
    let new: NewCommentBody = body(&headers, &bytes)?;
    let text = parse_comment(&new.body)?;
    let comments = tickets::comment(
        &state.ctx.db,
        &caller.viewer,
        TicketRef::Number(n),
        text,
        new.internal,
        once.as_ref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(comments)).into_response())
}

#[utoipa::path(get, path = "/api/v1/tickets/{number}/attachments", tag = "attachments",
    params(("number" = i64, Path, description = "The ticket's number in its organisation")),
    responses((status = 200, body = Vec<app::model::attachments::Attachment>),
              (status = 401, body = crate::problem::Problem), (status = 404, body = crate::problem::Problem)))]
pub async fn attachments(
    State(state): State<AppState>,
    caller: SignedIn,
    Path(raw): Path<String>,
) -> Result<Json<Vec<app::model::attachments::Attachment>>, ApiError> {
    Ok(Json(
        detail(&state, &caller, number(&raw)?).await?.attachments,
    ))
}
