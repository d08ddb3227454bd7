//! The signed-in person's own settings: name, sign-in address, time zone, password and their
//! other devices.

use crate::model::error::AppError;
use crate::model::identity::PendingEmailChange;
use leptos::prelude::*;

/// The time zones the profile offers (IANA names, the server's database).
#[server(endpoint = "profile/time_zones")]
pub async fn list_time_zones() -> Result<Vec<String>, AppError> {
    use crate::backend::identity::profile;
    use crate::backend::request;

    let (ctx, _) = request::signed_in().await?;
    Ok(profile::time_zones(&ctx.db).await?.to_vec())
}

/// Saves name and time zone (`""`: the browser's own).
#[server(endpoint = "profile/update")]
pub async fn update_profile(name: String, time_zone: String) -> Result<(), AppError> {
    use crate::backend::identity::profile::{self, ProfileChange};
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    let change = ProfileChange::parse(&ctx.db, &name, &time_zone).await?;
    profile::update(&ctx.db, &viewer, change, &request::client_info()).await
}

/// Changes the password; answers how many other devices were signed out.
#[server(endpoint = "profile/password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<u64, AppError> {
    use crate::backend::identity::profile;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    let principal = request::principal().ok_or(AppError::Unauthenticated)?;
    profile::change_password(
        &ctx.db,
        principal,
        &viewer,
        &current_password,
        new_password,
        &request::client_info(),
    )
    .await
}

/// Signs out every device but this one; answers how many.
#[server(endpoint = "profile/sign_out_others")]
pub async fn sign_out_other_devices() -> Result<u64, AppError> {
    use crate::backend::identity::sessions;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    let principal = request::principal().ok_or(AppError::Unauthenticated)?;
    Ok(sessions::revoke_others(ctx.db.pool(), viewer.user_id, principal.session_id).await?)
}

/// The change of sign-in address waiting for its link, if any.
#[server(endpoint = "profile/email_change")]
pub async fn get_email_change() -> Result<Option<PendingEmailChange>, AppError> {
    use crate::backend::identity::email_changes;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    email_changes::pending(&ctx.db, viewer.user_id).await
}

/// Asks to sign in with a new address: a link goes there, a notice to the current one.
#[server(endpoint = "profile/change_email")]
pub async fn change_email(new_email: String, current_password: String) -> Result<(), AppError> {
    use crate::backend::identity::email_changes;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    email_changes::request(
        &ctx,
        &viewer,
        &new_email,
        &current_password,
        request::host_tenant().organisation_id(),
        &request::client_info(),
    )
    .await
}

/// Withdraws a waiting change of address; its link stops working.
#[server(endpoint = "profile/cancel_email_change")]
pub async fn cancel_email_change() -> Result<(), AppError> {
    use crate::backend::identity::email_changes;
    use crate::backend::request;

    let (ctx, viewer) = request::signed_in().await?;
    email_changes::cancel(&ctx.db, viewer.user_id).await
}

/// The address a link would change to; `None` when it no longer works. Public: the link is
/// opened from a mailbox, perhaps on another device.
#[server(endpoint = "profile/email_link")]
pub async fn check_email_link(token: String) -> Result<Option<String>, AppError> {
    use crate::backend::identity::email_changes;

    email_changes::link(&crate::backend::request::context()?.db, &token).await
}

/// Opens a link: answers the account's new sign-in address.
#[server(endpoint = "profile/confirm_email")]
pub async fn confirm_email(token: String) -> Result<String, AppError> {
    use crate::backend::identity::email_changes;
    use crate::backend::request;

    let ctx = request::context()?;
    email_changes::confirm(&ctx.db, &token, &request::client_info()).await
}

/// Erases the signed-in person's account (GDPR) once they type their password and tick that
/// they understand; they are signed out everywhere. See `backend::identity::erasure`.
#[server(endpoint = "profile/erase")]
pub async fn erase_account(
    current_password: String,
    #[server(default)] understood: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::identity::erasure;
    use crate::backend::request;

    if understood.is_none() {
        return Err(AppError::validation(
            "understood",
            "Tick the box to confirm that you understand.",
        ));
    }
    let (ctx, viewer) = request::signed_in().await?;
    erasure::erase(&ctx.db, &viewer, &current_password, &request::client_info()).await
}
