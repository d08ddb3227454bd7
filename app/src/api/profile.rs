//! The signed-in person's own settings: name, time zone, password and their other devices.

use crate::model::error::AppError;
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
