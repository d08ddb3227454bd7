//! Downloads that stream: the filtered ticket list and the audit log as CSV. A plain route rather than a server
//! function, so the browser saves it as a file and rows flow out as the database yields them.

use crate::signed_in::SignedIn;
use crate::state::AppState;
use app::backend::{audit, billing, clients, tickets};
use app::model::audit::AuditFilter;
use app::model::billing::Feature;
use app::model::clients::{AssetFilter, ClientFilter, ContactFilter};
use app::model::error::AppError;
use app::model::identity::Viewer;
use app::model::tenancy::OrganisationId;
use app::model::tickets::TicketFilter;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

pub async fn tickets_csv(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let org = viewer.organisation_id;
    if let Err(e) = billing::require_now(&state.ctx, org, Feature::CsvExport).await {
        return crate::problem::Problem::from(e).into_response();
    }
    let Some(slot) = state.exports.try_enter(org) else {
        return crate::problem::Problem::from(app::model::error::AppError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
    };
    let filter = TicketFilter {
        after: None,
        ..TicketFilter::from_query(|k| params.get(k).cloned())
    };

    let (tx, rx) = tokio::sync::mpsc::channel::<String>(64);
    let db = state.ctx.db.clone();
    tokio::spawn(async move {
        // The slot is the organisation's until this export ends, however it ends.
        let _slot = slot;
        if let Err(e) =
            tickets::export_csv(&db, viewer.organisation_id, viewer.user_id, &filter, tx).await
        {
            // The status line has gone out; the file ends short and the log says why.
            tracing::error!(error = %e, "ticket export failed part-way");
        }
    });
    csv_download(streamed(rx), "tickets")
}

/// The client list as CSV, narrowed as the page is (`q`, `status`).
pub async fn clients_csv(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let filter = ClientFilter::from_query(|k| params.get(k).cloned());
    customers_csv(state, viewer, "clients", move |db, org, tx| async move {
        clients::clients_csv(&db, org, &filter, tx).await
    })
    .await
}

/// The contact list as CSV, narrowed as the page is (`q`, `client`).
pub async fn contacts_csv(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let filter = ContactFilter::from_query(|k| params.get(k).cloned());
    customers_csv(state, viewer, "contacts", move |db, org, tx| async move {
        clients::contacts_csv(&db, org, &filter, tx).await
    })
    .await
}

/// The asset list as CSV, narrowed as the page is (`q`, `client`, `kind`, `warranty`).
pub async fn assets_csv(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let filter = AssetFilter::from_query(|k| params.get(k).cloned());
    customers_csv(state, viewer, "assets", move |db, org, tx| async move {
        clients::assets_csv(&db, org, &filter, tx).await
    })
    .await
}

/// A customer list's download: the plan's CSV export, one export per organisation at a time.
async fn customers_csv<F, Fut>(
    state: AppState,
    viewer: Viewer,
    stem: &'static str,
    write: F,
) -> Response
where
    F: FnOnce(app::backend::Db, OrganisationId, tokio::sync::mpsc::Sender<String>) -> Fut
        + Send
        + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + Send,
{
    let org = viewer.organisation_id;
    if let Err(e) = billing::require_now(&state.ctx, org, Feature::CsvExport).await {
        return crate::problem::Problem::from(e).into_response();
    }
    let Some(slot) = state.exports.try_enter(org) else {
        return crate::problem::Problem::from(AppError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
    };
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(4);
    let db = state.ctx.db.clone();
    tokio::spawn(async move {
        let _slot = slot;
        if let Err(e) = write(db, org, tx).await {
            tracing::error!(error = %e, stem, "export failed part-way");
        }
    });
    csv_download(streamed(rx), stem)
}

/// The organisation's audit log as CSV, narrowed as the page is, for those who may read it.
pub async fn audit_csv(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refused) = viewer.require(app::model::permission::Permission::ViewAuditLog) {
        return crate::problem::Problem::from(refused).into_response();
    }
    let org = viewer.organisation_id;
    let Some(slot) = state.exports.try_enter(org) else {
        return crate::problem::Problem::from(app::model::error::AppError::RateLimited {
            retry_after_secs: 30,
        })
        .into_response();
    };
    let filter = AuditFilter::from_query(|k| params.get(k).cloned());
    let (tx, rx) = tokio::sync::mpsc::channel::<String>(4);
    let db = state.ctx.db.clone();
    tokio::spawn(async move {
        let _slot = slot;
        let zone = viewer.time_zone.as_deref();
        if let Err(e) = audit::export_csv(&db, org, &filter, zone, tx).await {
            tracing::error!(error = %e, "audit export failed part-way");
        }
    });
    csv_download(streamed(rx), "audit-log")
}

/// `GET /account/export.json`: everything held about the signed-in person (GDPR), to save.
pub async fn person_json(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
) -> Response {
    match app::backend::identity::erasure::export(&state.ctx.db, viewer.user_id).await {
        Ok(data) => {
            let mut response = axum::Json(data).into_response();
            let name = format!(
                "attachment; filename=\"workdesk-my-data-{}.json\"",
                time::OffsetDateTime::now_utc().date()
            );
            let headers = response.headers_mut();
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if let Ok(v) = HeaderValue::from_str(&name) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            response
        }
        Err(e) => crate::problem::Problem::from(e).into_response(),
    }
}

/// A response body of the chunks `rx` yields, as they come.
fn streamed(rx: tokio::sync::mpsc::Receiver<String>) -> Response {
    // Fused: the compression layer polls once more after the end, which a bare unfold
    // answers with a panic.
    Body::from_stream(futures_util::StreamExt::fuse(futures_util::stream::unfold(
        rx,
        |mut rx| async move {
            rx.recv()
                .await
                .map(|chunk| (Ok::<_, std::convert::Infallible>(chunk), rx))
        },
    )))
    .into_response()
}

/// Marks `response` as a CSV file to save, named `{stem}-{today}.csv`, never cached.
fn csv_download(mut response: Response, stem: &str) -> Response {
    let filename = format!(
        "attachment; filename=\"{stem}-{}.csv\"",
        time::OffsetDateTime::now_utc().date()
    );
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&filename) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The organisation's billing history (its invoices) as CSV, for admins.
pub async fn billing_csv(
    State(state): State<AppState>,
    SignedIn { viewer, .. }: SignedIn,
) -> Response {
    if let Err(refused) = viewer.require(app::model::permission::Permission::ManageBilling) {
        return crate::problem::Problem::from(refused).into_response();
    }
    match billing::history_csv(&state.ctx, &viewer).await {
        Ok(csv) => csv_download(csv.into_response(), "billing"),
        Err(e) => crate::problem::Problem::from(e).into_response(),
    }
}
