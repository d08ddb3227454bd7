//! What a server function knows about the HTTP request it serves: who, from where, on which
//! tenant's host; and how it sets the session cookies on the response.

use super::identity::{cookies, AuthSettings, ClientInfo, Principal};
use super::tenancy::HostTenant;
use super::{identity::accounts, AppContext};
use crate::model::error::AppError;
use crate::model::identity::Viewer;
use http::request::Parts;
use leptos::prelude::{use_context, with_context};

/// The context of the request being served. Missing context is a wiring bug, reported as an
/// internal error rather than a panic.
pub fn context() -> Result<AppContext, AppError> {
    use_context::<AppContext>()
        .ok_or_else(|| super::failure::internal("AppContext was not provided to this request"))
}

/// Reads the request without copying it: `use_context` would clone its headers and
/// extensions on each call, several times per page.
fn with_parts<R>(read: impl FnOnce(&Parts) -> Option<R>) -> Option<R> {
    with_context::<Parts, _>(read).flatten()
}

pub fn principal() -> Option<Principal> {
    with_parts(|p| p.extensions.get::<Principal>().copied())
}

pub fn host_tenant() -> HostTenant {
    with_parts(|p| p.extensions.get::<HostTenant>().cloned()).unwrap_or(HostTenant::Platform)
}

pub fn client_info() -> ClientInfo {
    with_parts(|p| Some(client_info_of(p))).unwrap_or_default()
}

/// Where a request came from: the peer address and the user agent.
pub fn client_info_of(parts: &http::request::Parts) -> ClientInfo {
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

/// The viewer of one request, looked up once. A page's resources each call a server function
/// that asks who is signed in; the ticket list asked five times per render.
#[derive(Clone, Default)]
pub struct ViewerOnce(std::sync::Arc<tokio::sync::OnceCell<Option<Viewer>>>);

/// The signed-in viewer, acting in the organisation of this host when it is a tenant's.
pub async fn viewer(ctx: &AppContext) -> Result<Option<Viewer>, AppError> {
    match use_context::<ViewerOnce>() {
        Some(once) => once
            .0
            .get_or_try_init(|| look_up_viewer(ctx))
            .await
            .cloned(),
        None => look_up_viewer(ctx).await,
    }
}

async fn look_up_viewer(ctx: &AppContext) -> Result<Option<Viewer>, AppError> {
    let Some(principal) = principal() else {
        return Ok(None);
    };
    if host_tenant()
        .organisation_id()
        .is_some_and(|org| org != principal.organisation_id)
    {
        return Ok(None);
    }
    // The authentication middleware read it with the session; after a refresh it did not.
    if let Some(viewer) = with_parts(|p| p.extensions.get::<Viewer>().cloned()) {
        return Ok(Some(viewer));
    }
    accounts::viewer(&ctx.db, principal).await
}

pub async fn require_viewer(ctx: &AppContext) -> Result<Viewer, AppError> {
    viewer(ctx).await?.ok_or(AppError::Unauthenticated)
}

/// The context and viewer of a server function only signed-in people may call.
pub async fn signed_in() -> Result<(AppContext, Viewer), AppError> {
    let ctx = context()?;
    let viewer = require_viewer(&ctx).await?;
    Ok((ctx, viewer))
}

/// As `signed_in`, for what needs `permission`.
pub async fn permitted(
    permission: crate::model::permission::Permission,
) -> Result<(AppContext, Viewer), AppError> {
    let (ctx, viewer) = signed_in().await?;
    viewer.require(permission)?;
    Ok((ctx, viewer))
}

/// The value of a request cookie.
pub fn cookie(name: &str) -> Option<String> {
    with_parts(|parts| {
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|h| cookies::read(h, name).map(str::to_owned))
    })
}

/// Sets the cookies a sign-in step leads to and sends the browser on: to the account page with
/// a session, or to the code page while a second factor is awaited.
/// `next` is where the person was going; the second step keeps it.
pub fn finish_sign_in(
    auth: &AuthSettings,
    attempt: accounts::SignInAttempt,
    next: &str,
) -> crate::model::second_factor::SignInStep {
    use crate::model::navigation::ReturnPath;
    use crate::model::second_factor::SignInStep;
    match attempt {
        accounts::SignInAttempt::SignedIn(signed_in) => {
            set_session_cookies(auth, &signed_in);
            leptos_axum::redirect(&ReturnPath::or_landing(Some(next)));
            SignInStep::SignedIn
        }
        accounts::SignInAttempt::SecondFactor { token, method } => {
            set_challenge_cookie(auth, &token);
            let verify = ReturnPath::parse(next).map_or_else(
                || "/signin/verify".to_string(),
                |next| next.through("/signin/verify"),
            );
            leptos_axum::redirect(&verify);
            SignInStep::SecondFactor(method)
        }
    }
}

pub fn set_challenge_cookie(auth: &AuthSettings, token: &super::identity::tokens::SecretToken) {
    append_cookie(cookies::set(
        cookies::CHALLENGE,
        &token.encode(),
        super::identity::second_factor::CODE_TTL,
        auth.secure_cookies,
    ));
}

pub fn clear_challenge_cookie(auth: &AuthSettings) {
    append_cookie(cookies::clear(cookies::CHALLENGE, auth.secure_cookies));
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
    if let Some(device) = super::identity::tokens::issue_device(
        &auth.keys,
        signed_in.viewer.user_id,
        cookies::DEVICE_TTL,
    ) {
        append_cookie(cookies::set(
            cookies::DEVICE,
            &device,
            cookies::DEVICE_TTL,
            auth.secure_cookies,
        ));
    }
}

/// The user this browser signed in as before, if its device cookie is valid.
pub fn known_device(auth: &AuthSettings) -> Option<crate::model::identity::UserId> {
    cookie(cookies::DEVICE).and_then(|t| super::identity::tokens::verify_device(&auth.keys, &t))
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

/// The idempotency key of a submitted form: its token (one per rendered form, see
/// `ui::components::form_token`) held by the member who sent it. A missing token (a script
/// posting to the server function) means no deduplication.
pub fn form_key(
    viewer: &Viewer,
    token: Option<String>,
    operation: &str,
) -> Result<Option<super::idempotency::RequestKey>, AppError> {
    // A token that is not one the form could have sent is refused, not ignored: ignored, a
    // retry would quietly lose its protection and act twice (the crash test caught this).
    let Some(token) = token else { return Ok(None) };
    let token = uuid::Uuid::parse_str(token.trim()).map_err(|_| {
        AppError::validation(
            "form_token",
            "This form is out of date. Reload the page and send it again.",
        )
    })?;
    Ok(Some(super::idempotency::RequestKey::form(
        viewer.user_id,
        token,
        operation,
    )))
}
