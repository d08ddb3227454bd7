//! Turns the authentication cookies into a `Principal` on the request. A valid access token
//! whose session is still live is enough; otherwise the refresh cookie is rotated and fresh
//! cookies go out with the response. Revoked sessions stop working on the next request: the
//! session is read from the database on every request (with its viewer, in one round trip),
//! never from a cache.

use crate::state::AppState;
use app::backend::identity::sessions::{self, ActiveSession, LiveSession, RefreshOutcome};
use app::backend::identity::{cookies, tokens, Principal};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let exempt = path.starts_with("/pkg/") || path == "/healthz" || path == "/readyz";
    let cookie_header = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    if exempt || cookie_header.is_empty() {
        return next.run(req).await;
    }

    let auth = &state.ctx.auth;
    let pool = state.ctx.db.pool();
    let mut set_cookies = Vec::new();
    let mut principal = None;

    if let Some(claims) = cookies::read(&cookie_header, cookies::ACCESS)
        .and_then(|t| tokens::verify_access(&auth.keys, t))
    {
        match sessions::live(pool, claims.sid).await {
            Ok(Some(LiveSession { session, viewer }))
                if session.user_id == claims.user_id()
                    && session.organisation_id == claims.organisation_id() =>
            {
                principal = Some(to_principal(session));
                // Looked up in the same round trip; `request::viewer` takes it from here.
                if let Some(viewer) = viewer {
                    req.extensions_mut().insert(viewer);
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "session check failed"),
        }
    }
    if principal.is_none() {
        if let Some(presented) =
            cookies::read(&cookie_header, cookies::REFRESH).and_then(tokens::RefreshToken::parse)
        {
            match sessions::rotate(pool, &presented).await {
                Ok(RefreshOutcome::Rotated(session, next_token)) => {
                    set_cookies.extend(access_cookie(&state, session));
                    set_cookies.push(cookies::set(
                        cookies::REFRESH,
                        &next_token.encode(),
                        auth.session_ttl,
                        auth.secure_cookies,
                    ));
                    principal = Some(to_principal(session));
                }
                Ok(RefreshOutcome::Raced(session)) => {
                    set_cookies.extend(access_cookie(&state, session));
                    principal = Some(to_principal(session));
                }
                Ok(RefreshOutcome::Invalid | RefreshOutcome::Replayed) => {
                    set_cookies.push(cookies::clear(cookies::ACCESS, auth.secure_cookies));
                    set_cookies.push(cookies::clear(cookies::REFRESH, auth.secure_cookies));
                }
                // The database is down: keep the cookies, the request proceeds signed out.
                Err(e) => tracing::warn!(error = %e, "session refresh failed"),
            }
        }
    }

    if let Some(p) = principal {
        req.extensions_mut().insert(p);
    }
    let mut response = next.run(req).await;
    for c in set_cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

fn to_principal(s: ActiveSession) -> Principal {
    Principal {
        user_id: s.user_id,
        organisation_id: s.organisation_id,
        session_id: s.id,
    }
}

fn access_cookie(state: &AppState, s: ActiveSession) -> Option<String> {
    let auth = &state.ctx.auth;
    match tokens::issue_access(
        &auth.keys,
        s.user_id,
        s.organisation_id,
        s.id,
        auth.access_ttl,
    ) {
        Ok(token) => Some(cookies::set(
            cookies::ACCESS,
            &token,
            auth.access_ttl,
            auth.secure_cookies,
        )),
        Err(e) => {
            tracing::error!(error = %e, "could not issue an access token");
            None
        }
    }
}
