//! What a server function knows about the HTTP request it serves: who, from where, on which
//! tenant's host; and how it sets the session cookies on the response.

use super::identity::{cookies, AuthSettings, ClientInfo, Principal};
use super::tenancy::HostTenant;
use super::{identity::accounts, AppContext};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use http::request::Parts;
use leptos::prelude::use_context;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

pub fn principal() -> Option<Principal> {
    parts().and_then(|p| p.extensions.get::<Principal>().copied())
}

pub fn host_tenant() -> HostTenant {
    parts()
        .and_then(|p| p.extensions.get::<HostTenant>().cloned())
        .unwrap_or(HostTenant::Platform)
}

pub fn client_info() -> ClientInfo {
    let Some(parts) = parts() else {
        return ClientInfo::default();
    };
    let ip = parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip());
    let user_agent = parts
        .headers
        .get(http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok());
    ClientInfo::new(ip, user_agent)
}

/// The signed-in viewer, acting in the organisation of this host when it is a tenant's.
pub async fn viewer(ctx: &AppContext) -> Result<Option<Viewer>, AppError> {
    let Some(principal) = principal() else {
        return Ok(None);
    };
    if host_tenant()
        .organisation_id()
        .is_some_and(|org| org != principal.organisation_id)
    {
        return Ok(None);
    }
    accounts::viewer(&ctx.db, principal).await
}

pub async fn require_viewer(ctx: &AppContext) -> Result<Viewer, AppError> {
    viewer(ctx).await?.ok_or(AppError::Unauthenticated)
}

pub fn set_session_cookies(auth: &AuthSettings, signed_in: &accounts::SignedIn) {
    append_cookie(cookies::set(
        cookies::ACCESS,
        &signed_in.access_token,
        auth.access_ttl,
        auth.secure_cookies,
    ));
    append_cookie(cookies::set(
        cookies::REFRESH,
        &signed_in.refresh_token.encode(),
        auth.session_ttl,
        auth.secure_cookies,
    ));
}

pub fn set_access_cookie(auth: &AuthSettings, access_token: &str) {
    append_cookie(cookies::set(
        cookies::ACCESS,
        access_token,
        auth.access_ttl,
        auth.secure_cookies,
    ));
}

pub fn clear_session_cookies(auth: &AuthSettings) {
    append_cookie(cookies::clear(cookies::ACCESS, auth.secure_cookies));
    append_cookie(cookies::clear(cookies::REFRESH, auth.secure_cookies));
}

fn append_cookie(cookie: String) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
