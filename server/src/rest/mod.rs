//! The public REST API, `/api/v1`, described by the OpenAPI document it serves at
//! `/api/v1/openapi.json`. Callers authenticate with an API token (`Authorization: Bearer`) or
//! a browser session. Unknown paths and methods answer problem+json, never HTML.

mod assets;
mod clients;
mod idempotency;
mod limits;
mod tickets;

use crate::problem::{Problem, PROBLEM_JSON};
use crate::state::AppState;
use app::model::error::AppError;
use axum::http::HeaderMap;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use serde::de::DeserializeOwned;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Workdesk API", description = "Tickets, queues, comments and attachments, clients, contacts, locations and assets of one organisation."),
    paths(
        tickets::queues, tickets::list, tickets::create, tickets::get, tickets::update,
        tickets::comments, tickets::add_comment, tickets::attachments, upload_attachment,
        download_attachment, clients::list_clients, clients::add_client, clients::get_client,
        clients::change_client, clients::list_contacts, clients::add_contact, clients::get_contact,
        clients::change_contact, assets::list_locations, assets::add_location,
        assets::get_location, assets::change_location, assets::list_assets, assets::add_asset,
        assets::get_asset, assets::change_asset,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth, &ProblemJson),
    security(("bearer" = [])),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(components) = openapi.components.as_mut() {
            components.add_security_scheme(
                "bearer",
                SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
            );
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/openapi.json", get(openapi))
        .route("/queues", get(tickets::queues))
        .route("/tickets", get(tickets::list).post(tickets::create))
        .route(
            "/tickets/{number}",
            get(tickets::get).patch(tickets::update),
        )
        .route(
            "/tickets/{number}/comments",
            get(tickets::comments).post(tickets::add_comment),
        )
        .route(
            "/tickets/{number}/attachments",
            crate::attachments::upload_route().get(tickets::attachments),
        )
        .route("/attachments/{id}", crate::attachments::download_route())
        .route(
            "/clients",
            get(clients::list_clients).post(clients::add_client),
        )
        .route(
            "/clients/{id}",
            get(clients::get_client).put(clients::change_client),
        )
        .route(
            "/contacts",
            get(clients::list_contacts).post(clients::add_contact),
        )
        .route(
            "/contacts/{id}",
            get(clients::get_contact).put(clients::change_contact),
        )
        .route(
            "/locations",
            get(assets::list_locations).post(assets::add_location),
        )
        .route(
            "/locations/{id}",
            get(assets::get_location).put(assets::change_location),
        )
        .route("/assets", get(assets::list_assets).post(assets::add_asset))
        .route(
            "/assets/{id}",
            get(assets::get_asset).put(assets::change_asset),
        )
        // A route, not a fallback: the pages' catch-all route would otherwise win.
        .route("/{*unknown}", any(|| async { Problem::not_found() }))
        .method_not_allowed_fallback(|| async { Problem::method_not_allowed() })
}

/// Every 4xx and 5xx answer is `application/problem+json` (the edge maps every error so),
/// which is what the document says too, instead of utoipa's default `application/json`.
struct ProblemJson;

impl Modify for ProblemJson {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                for (status, response) in operation.responses.responses.iter_mut() {
                    let utoipa::openapi::RefOr::T(response) = response else {
                        continue;
                    };
                    if !status.starts_with(['4', '5']) {
                        continue;
                    }
                    response.content = std::mem::take(&mut response.content)
                        .into_iter()
                        .map(|(kind, content)| {
                            if kind == "application/json" {
                                (PROBLEM_JSON.to_string(), content)
                            } else {
                                (kind, content)
                            }
                        })
                        .collect();
                }
            }
        }
    }
}

/// A JSON body, or a 422 problem saying what is wrong with it.
pub(super) fn body<T: DeserializeOwned>(headers: &HeaderMap, bytes: &[u8]) -> Result<T, AppError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("application/json"));
    if !is_json {
        return Err(AppError::validation(
            "body",
            "Send the body as application/json.",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| AppError::validation("body", e.to_string()))
}

async fn index() -> Json<serde_json::Value> {
    Json(serde_json::json!({
        "name": "Workdesk API",
        "version": env!("CARGO_PKG_VERSION"),
        "openapi": "/api/v1/openapi.json",
    }))
}

async fn openapi() -> Response {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    let Ok(mut json) = serde_json::to_value(&doc) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    // "At least one of these fields" is beyond what utoipa derives; the server refuses a patch
    // that changes nothing with 422, and the document says so.
    if let Some(patch) = json.pointer_mut("/components/schemas/TicketPatch") {
        patch["anyOf"] = tickets::TicketPatch::CHANGES
            .iter()
            .map(|field| serde_json::json!({ "required": [field] }))
            .collect();
    }
    Json(json).into_response()
}

/// 412 and 428: about the request's preconditions, so not an `AppError` the pages would see.
fn precondition(status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": if status == StatusCode::PRECONDITION_FAILED { "/problems/precondition-failed" } else { "/problems/precondition-required" },
        "title": status.canonical_reason().unwrap_or("Precondition"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut response = (status, Json(body)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// Upload a file (at most 10 MB) as the `file` part of multipart/form-data. Its type is
/// sniffed from its bytes; downloads are always attachments.
#[utoipa::path(post, path = "/api/v1/tickets/{number}/attachments", tag = "attachments",
    params(("number" = i64, Path, description = "The ticket's number in its organisation")),
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses((status = 201, body = app::model::attachments::Attachment),
              (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem, description = "No `file` part, an empty file, or one over 10 MB")))]
#[allow(dead_code)] // documents crate::attachments::upload
fn upload_attachment() {}

/// The upload form: one part named `file`; other parts are ignored.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documents the multipart body crate::attachments::upload reads
struct AttachmentUpload {
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The file's bytes, as a download.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "attachments",
    params(("id" = uuid::Uuid, Path, description = "The attachment's id")),
    responses((status = 200, description = "The file, as the type its bytes were sniffed as, always with `Content-Disposition: attachment`", content_type = "*/*"),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
#[allow(dead_code)] // documents crate::attachments::download
fn download_attachment() {}
