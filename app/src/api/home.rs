//! The signed-in home.

use crate::model::error::AppError;
use crate::model::home::HomeSummary;
use leptos::prelude::*;

#[server(endpoint = "home/get")]
pub async fn get_home() -> Result<HomeSummary, AppError> {
    use crate::backend::{home, request};
    let (ctx, viewer) = request::signed_in().await?;
    home::summary(&ctx.db, &viewer).await
}
