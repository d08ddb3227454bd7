//! Who a plain route (not a server function) acts for: a program presenting an API token
//! (`Authorization: Bearer wd_...`, rate-limited per token), or a signed-in browser, whose
//! `Principal` the auth middleware left on the request, checked against the host's
//! organisation. Handlers start from a `Viewer` or answer a problem.

use crate::problem::ApiError;
use crate::state::AppState;
use app::backend::api_tokens;
use app::backend::identity::{accounts, ClientInfo, Principal};
use app::backend::request::client_info_of;
use app::backend::tenancy::HostTenant;
use app::model::error::AppError;
use app::model::identity::Viewer;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;

pub struct SignedIn {
    pub viewer: Viewer,
    /// Where the request came from, for the audit log.
    pub client: ClientInfo,
    /// The API token used, if the caller is a program.
    pub token: Option<uuid::Uuid>,
    /// A program's place in its organisation's share of the server (a browser's is taken by
    /// the middleware); held until the handler is done.
    _entry: Option<crate::tenant_gate::Entry>,
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let bearer = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        let (viewer, token, entry) = match bearer {
            Some(presented) => {
                let caller = api_tokens::authenticate(&state.ctx.db, presented.trim())
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                if let Err(retry_after_secs) = state.rate_limit.check(caller.token_id).await {
                    return Err(AppError::RateLimited { retry_after_secs }.into());
                }
                let entry = state.gate.enter(caller.viewer.organisation_id).await?;
                (caller.viewer, Some(caller.token_id), Some(entry))
            }
            None => {
                let principal = parts
                    .extensions
                    .get::<Principal>()
                    .cloned()
                    .ok_or(AppError::Unauthenticated)?;
                let viewer = accounts::viewer(&state.ctx.db, principal)
                    .await?
                    .ok_or(AppError::Unauthenticated)?;
                (viewer, None, None)
            }
        };
        // Credentials of one organisation are not honoured on another organisation's host.
        let host_org = parts
            .extensions
            .get::<HostTenant>()
            .and_then(HostTenant::organisation_id);
        if host_org.is_some_and(|org| org != viewer.organisation_id) {
            return Err(AppError::Unauthenticated.into());
        }
        Ok(Self {
            viewer,
            client: client_info_of(parts),
            token,
            _entry: entry,
        })
    }
}
