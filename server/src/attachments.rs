//! Uploading and downloading attachments: plain routes, because both move bytes as streams.
//!
//! An upload is a `multipart/form-data` POST with one `file` part, so the ticket page's form
//! works without JavaScript: a browser navigating (it accepts HTML) is sent back to the ticket,
//! with `?attachment=...` naming the problem if there was one; other clients get the
//! attachment as JSON or a problem. A download is always `attachment`, sandboxed, with the
//! type sniffed on arrival, so an uploaded page or SVG can never run on our origin.

use crate::problem::{ApiError, Problem};
use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::backend::attachments;
use app::backend::identity::ClientInfo;
use app::model::attachments::{content_disposition, Attachment, UploadNotice, MAX_BYTES};
use app::model::error::AppError;
use app::model::identity::Viewer;
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post, MethodRouter};
use axum::{Json, Router};
use uuid::Uuid;

/// A refused upload is read to the end (up to this much) before the answer goes out, so the
/// browser sees the answer rather than a reset connection.
const DRAIN_LIMIT: usize = 2 * MAX_BYTES as usize + 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/tickets/{number}/attachments", upload_route())
        .route("/attachments/{id}", download_route())
}

/// Also mounted in the REST API.
pub fn upload_route() -> MethodRouter<AppState> {
    post(upload).layer(DefaultBodyLimit::max(DRAIN_LIMIT))
}

pub fn download_route() -> MethodRouter<AppState> {
    get(download)
}

async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(number): Path<String>,
    SignedIn { viewer, client, .. }: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    // Not a number names no ticket: the same answer as a number that is not there.
    let Ok(number) = number.parse::<i64>() else {
        return Problem::not_found().into_response();
    };
    let result = match multipart {
        Ok(multipart) => receive(&state, &viewer, number, multipart, &client).await,
        Err(rejection) => Err(AppError::validation(
            "file",
            format!("Send the file as multipart/form-data ({rejection})."),
        )),
    };
    if wants_html(&headers) {
        let notice = match &result {
            Ok(_) => UploadNotice::Added,
            Err(AppError::NotFound) => return Problem::not_found().into_response(),
            Err(e) => UploadNotice::of_error(e),
        };
        return Redirect::to(&format!(
            "/tickets/{number}?attachment={}#attachments",
            notice.as_str()
        ))
        .into_response();
    }
    match result {
        Ok(attachment) => (StatusCode::CREATED, Json(attachment)).into_response(),
        Err(e) => ApiError(e).into_response(),
    }
}

async fn receive(
    state: &AppState,
    viewer: &Viewer,
    number: i64,
    mut multipart: Multipart,
    client: &ClientInfo,
) -> Result<Attachment, AppError> {
    let malformed = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadNotice::TooLarge.error()
        } else {
            AppError::validation(
                "file",
                format!("The upload was cut short or malformed ({e})."),
            )
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(malformed)? {
        if field.name() != Some("file") {
            continue;
        }
        // A name that is not UTF-8 arrives as none; the file is still kept.
        let filename = field.file_name().unwrap_or_default().to_string();
        let mut incoming = state
            .ctx
            .attachments
            .receive(viewer.organisation_id)
            .await?;
        while let Some(chunk) = field.chunk().await.map_err(malformed)? {
            if let Err(e) = incoming.write(&chunk).await {
                // Read the rest so the client gets this answer, not a reset.
                while let Ok(Some(_)) = field.chunk().await {}
                return Err(e);
            }
        }
        return attachments::attach(
            &state.ctx.db,
            &state.ctx.attachments,
            viewer,
            number,
            &filename,
            incoming,
            client,
        )
        .await;
    }
    Err(UploadNotice::NoFile.error())
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

async fn download(
    State(state): State<AppState>,
    Path(id): Path<String>,
    SignedIn { viewer, .. }: SignedIn,
) -> Result<Response, ApiError> {
    // A malformed id names no file: the same answer as someone else's.
    let id = Uuid::parse_str(&id).map_err(|_| AppError::NotFound)?;
    let (attachment, file) =
        attachments::open(&state.ctx.db, &state.ctx.attachments, &viewer, id).await?;
    let mut response = Body::from_stream(tokio_util::io::ReaderStream::new(file)).into_response();
    let headers = response.headers_mut();
    let mut put = |name, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    };
    put(header::CONTENT_TYPE, &attachment.content_type);
    put(header::CONTENT_LENGTH, &attachment.size_bytes.to_string());
    put(
        header::CONTENT_DISPOSITION,
        &content_disposition(&attachment.filename),
    );
    put(
        header::CONTENT_SECURITY_POLICY,
        "sandbox; default-src 'none'",
    );
    put(header::CACHE_CONTROL, "private, no-store");
    Ok(response)
}
