//! The viewer's second factor: turning it on (email code or authenticator app), backup codes,
//! and turning it off.

use crate::model::error::AppError;
use crate::model::second_factor::{SecondFactorStatus, TotpSetup};
use leptos::prelude::*;

#[server(endpoint = "second_factor/status")]
pub async fn get_second_factor() -> Result<SecondFactorStatus, AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::status(&ctx.db, viewer.user_id).await
}

/// Emails a code to confirm before email codes are turned on.
#[server(endpoint = "second_factor/email_start")]
pub async fn start_email_codes() -> Result<(), AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::start_email_enrolment(&ctx.db, &viewer).await
}

/// Returns the new backup codes, shown once.
#[server(endpoint = "second_factor/email_confirm")]
pub async fn confirm_email_codes(code: String) -> Result<Vec<String>, AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::confirm_email_enrolment(&ctx.db, &viewer, &code, &request::client_info()).await
}

#[server(endpoint = "second_factor/totp_start")]
pub async fn start_authenticator() -> Result<TotpSetup, AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::begin_totp(&ctx.db, &viewer).await
}

/// Returns the new backup codes, shown once.
#[server(endpoint = "second_factor/totp_confirm")]
pub async fn confirm_authenticator(code: String) -> Result<Vec<String>, AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::confirm_totp(&ctx.db, &viewer, &code, &request::client_info()).await
}

#[server(endpoint = "second_factor/send_code")]
pub async fn send_confirmation_code() -> Result<(), AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::send_confirmation_code(&ctx.db, &viewer).await
}

#[server(endpoint = "second_factor/backup_codes")]
pub async fn replace_backup_codes(password: String, code: String) -> Result<Vec<String>, AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::regenerate_backup_codes(
        &ctx.db,
        &viewer,
        &password,
        &code,
        &request::client_info(),
    )
    .await
}

#[server(endpoint = "second_factor/disable")]
pub async fn turn_off_second_factor(password: String, code: String) -> Result<(), AppError> {
    use crate::backend::{identity::second_factor, request};
    let (ctx, viewer) = request::signed_in().await?;
    second_factor::disable(&ctx.db, &viewer, &password, &code, &request::client_info()).await
}
