//! Signing up, in and out, and the viewer's own sessions.

use crate::model::error::AppError;
use crate::model::identity::{LoginActivity, OrganisationChoice, SessionList, Viewer};
use crate::model::second_factor::{Method, SignInStep};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the sign-in page shows before anyone is signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInContext {
    /// Set on an organisation's own host: only its members may sign in there.
    pub organisation_name: Option<String>,
}

#[server(endpoint = "auth/context")]
pub async fn get_sign_in_context() -> Result<SignInContext, AppError> {
    use crate::backend::{request, tenancy::HostTenant};
    Ok(SignInContext {
        organisation_name: match request::host_tenant() {
            HostTenant::Platform => None,
            HostTenant::Organisation { name, .. } => Some(name),
        },
    })
}

#[server(endpoint = "auth/viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    use crate::backend::request;
    request::viewer(&request::context()?).await
}

/// Files a sign-up and emails a link to finish it. Answers the same, no sooner than the floor,
/// whether or not the address already has an account (whose owner is emailed instead).
#[server(endpoint = "auth/sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    organisation: String,
) -> Result<(), AppError> {
    use crate::backend::identity::{sign_in_limits, sign_ups};
    use crate::backend::{request, tenancy::HostTenant};
    use crate::model::identity::SignUpForm;

    let started = std::time::Instant::now();
    let ctx = request::context()?;
    if request::host_tenant() != HostTenant::Platform {
        return Err(AppError::Forbidden);
    }
    let form = SignUpForm::parse(&name, &email, password, &organisation)?;
    let result = sign_ups::request(&ctx, form, &request::client_info()).await;
    sign_in_limits::answer_no_sooner_than_floor(started).await;
    result
}

/// What a sign-up link would create; `None` when it has expired or was used.
#[server(endpoint = "auth/sign_up_link")]
pub async fn check_sign_up_link(
    token: String,
) -> Result<Option<crate::model::identity::PendingSignUp>, AppError> {
    use crate::backend::identity::sign_ups;

    sign_ups::pending(&crate::backend::request::context()?.db, &token).await
}

/// Opens a sign-up link: the organisation is made and its new admin signed in.
#[server(endpoint = "auth/confirm_sign_up")]
pub async fn confirm_sign_up(token: String) -> Result<(), AppError> {
    use crate::backend::identity::sign_ups;
    use crate::backend::{request, tenancy::HostTenant};

    let ctx = request::context()?;
    if request::host_tenant() != HostTenant::Platform {
        return Err(AppError::Forbidden);
    }
    let signed_in = sign_ups::confirm(&ctx, &token, &request::client_info()).await?;
    request::set_session_cookies(&ctx.auth, &signed_in);
    leptos_axum::redirect(crate::model::navigation::LANDING);
    Ok(())
}

/// With a second factor on, the password step leads to /signin/verify instead of a session.
#[server(endpoint = "auth/sign_in")]
/// `next`: the page that sent the person to sign in, returned to afterwards if it is a page
/// of this site (`ReturnPath`).
pub async fn sign_in(
    email: String,
    password: String,
    #[server(default)] next: String,
) -> Result<SignInStep, AppError> {
    use crate::backend::identity::accounts;
    use crate::backend::request;

    let started = std::time::Instant::now();
    let ctx = request::context()?;
    let only_in = request::host_tenant().organisation_id();
    let client = crate::backend::identity::ClientInfo {
        known_device: request::known_device(&ctx.auth),
        ..request::client_info()
    };
    let attempt = match accounts::sign_in(&ctx, &email, &password, only_in, &client).await {
        Ok(attempt) => attempt,
        Err(e) => {
            crate::backend::identity::sign_in_limits::answer_no_sooner_than_floor(started).await;
            return Err(e);
        }
    };
    Ok(request::finish_sign_in(&ctx.auth, attempt, &next))
}

/// The second factor a pending sign-in waits for; `None` when there is none (or it expired).
#[server(endpoint = "auth/challenge")]
pub async fn get_pending_challenge() -> Result<Option<Method>, AppError> {
    use crate::backend::identity::{cookies, second_factor, tokens::SecretToken};
    use crate::backend::request;

    let ctx = request::context()?;
    match request::cookie(cookies::CHALLENGE).and_then(|t| SecretToken::parse(&t)) {
        Some(token) => second_factor::pending_method(&ctx.db, &token).await,
        None => Ok(None),
    }
}

#[server(endpoint = "auth/verify")]
pub async fn verify_second_factor(
    code: String,
    #[server(default)] next: String,
) -> Result<(), AppError> {
    use crate::backend::identity::{accounts, cookies, tokens::SecretToken};
    use crate::backend::request;

    let ctx = request::context()?;
    let token = request::cookie(cookies::CHALLENGE)
        .and_then(|t| SecretToken::parse(&t))
        .ok_or_else(|| AppError::validation("code", "This sign-in has expired. Sign in again."))?;
    let signed_in =
        accounts::complete_second_factor(&ctx, &token, &code, &request::client_info()).await?;
    request::clear_challenge_cookie(&ctx.auth);
    request::set_session_cookies(&ctx.auth, &signed_in);
    leptos_axum::redirect(&crate::model::navigation::ReturnPath::or_landing(Some(
        &next,
    )));
    Ok(())
}

/// Always answers the same, whether or not the address has an account.
#[server(endpoint = "auth/forgot_password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::backend::identity::resets;
    use crate::backend::request;

    let started = std::time::Instant::now();
    let ctx = request::context()?;
    let result = resets::request(
        &ctx,
        &email,
        request::host_tenant().organisation_id(),
        &request::client_info(),
    )
    .await;
    crate::backend::identity::sign_in_limits::answer_no_sooner_than_floor(started).await;
    result
}

#[server(endpoint = "auth/reset_link")]
pub async fn check_reset_link(token: String) -> Result<bool, AppError> {
    use crate::backend::identity::resets;

    resets::is_usable(&crate::backend::request::context()?.db, &token).await
}

#[server(endpoint = "auth/reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use crate::backend::identity::resets;
    use crate::backend::request;

    let ctx = request::context()?;
    resets::complete(&ctx.db, &token, password, &request::client_info()).await?;
    request::clear_session_cookies(&ctx.auth);
    leptos_axum::redirect("/signin?reset=done");
    Ok(())
}

#[server(endpoint = "auth/sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::backend::identity::sessions;
    use crate::backend::request;

    let ctx = request::context()?;
    if let Some(p) = request::principal() {
        sessions::revoke(ctx.db.pool(), p.user_id, p.session_id).await?;
    }
    request::clear_session_cookies(&ctx.auth);
    leptos_axum::redirect("/signin");
    Ok(())
}

#[server(endpoint = "auth/sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::backend::identity::sessions;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    sessions::revoke_all(ctx.db.pool(), viewer.user_id).await?;
    request::clear_session_cookies(&ctx.auth);
    leptos_axum::redirect("/signin");
    Ok(())
}

#[server(endpoint = "auth/sessions")]
pub async fn list_sessions(#[server(default)] limit: Option<i64>) -> Result<SessionList, AppError> {
    use crate::backend::identity::sessions;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    let current = request::principal().map(|p| p.session_id);
    let limit = limit.unwrap_or(SessionList::PAGE).clamp(1, 500);
    Ok(sessions::list(ctx.db.pool(), viewer.user_id, current, limit).await?)
}

#[server(endpoint = "auth/revoke_session")]
pub async fn revoke_session(id: uuid::Uuid) -> Result<(), AppError> {
    use crate::backend::identity::sessions;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    // Another user's session id finds nothing: the same answer as an unknown one.
    if sessions::revoke(ctx.db.pool(), viewer.user_id, id).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[server(endpoint = "auth/organisations")]
pub async fn list_my_organisations() -> Result<Vec<OrganisationChoice>, AppError> {
    use crate::backend::identity::accounts;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    accounts::organisation_choices(&ctx.db, &viewer).await
}

#[server(endpoint = "auth/switch_organisation")]
pub async fn switch_organisation(organisation_id: uuid::Uuid) -> Result<(), AppError> {
    use crate::backend::identity::accounts;
    use crate::backend::{request, tenancy::HostTenant};
    use crate::model::tenancy::OrganisationId;

    let ctx = request::context()?;
    request::require_viewer(&ctx).await?;
    // On an organisation's own host the session belongs to that organisation.
    if request::host_tenant() != HostTenant::Platform {
        return Err(AppError::Forbidden);
    }
    let principal = request::principal().ok_or(AppError::Unauthenticated)?;
    let access = accounts::switch_organisation(
        &ctx.db,
        &ctx.auth,
        principal,
        OrganisationId(organisation_id),
        &request::client_info(),
    )
    .await?;
    request::set_access_cookie(&ctx.auth, &access);
    // The new organisation's home: the page the viewer was on may be another's ticket.
    leptos_axum::redirect(crate::model::navigation::LANDING);
    Ok(())
}

#[server(endpoint = "auth/activity")]
pub async fn list_login_activity() -> Result<Vec<LoginActivity>, AppError> {
    use crate::backend::identity::accounts;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    accounts::login_activity(&ctx.db, viewer.user_id, 20).await
}
