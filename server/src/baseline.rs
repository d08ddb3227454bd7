//! `server baseline`: the benchmark's ceiling for this stack. The ticket list's own query
//! (`backend::tickets::list`, through the same scoped transaction and pool) behind a bare axum
//! handler: no session, no CSRF or host checks, no middleware, no Leptos rendering. The real
//! list page's throughput over this one's is what the rest of the request costs (issue 6).

use crate::config::Config;
use app::backend::{tickets, Db};
use app::model::identity::UserId;
use app::model::tenancy::OrganisationId;
use app::model::tickets::{TicketFilter, TicketPage};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;
use uuid::Uuid;

/// Serves `GET /organisations/{id}/tickets` (the first page, newest change first) until
/// SIGTERM or Ctrl-C.
pub async fn run(config: Config) -> std::io::Result<()> {
    let db = crate::serve::database(&config)?;
    let app = Router::new()
        .route("/organisations/{id}/tickets", get(first_page))
        .with_state(db);
    let listener = TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "baseline listening");
    axum::serve(listener, app)
        .with_graceful_shutdown(crate::serve::shutdown_signal())
        .await
}

async fn first_page(
    State(db): State<Db>,
    Path(organisation): Path<Uuid>,
) -> Result<Json<TicketPage>, StatusCode> {
    tickets::list(
        &db,
        OrganisationId(organisation),
        UserId(Uuid::nil()),
        &TicketFilter::default(),
    )
    .await
    .map(Json)
    .map_err(|_| StatusCode::INTERNAL_SERVER_ERROR)
}
