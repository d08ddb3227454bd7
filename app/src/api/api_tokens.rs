//! API tokens for the REST API: listed, made and revoked by admins.

use crate::model::api_tokens::{ApiToken, CreatedToken};
use crate::model::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "api_tokens/list")]
pub async fn list_api_tokens() -> Result<Vec<ApiToken>, AppError> {
    use crate::backend::{api_tokens, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageApiTokens).await?;
    api_tokens::list(&ctx.db, &viewer).await
}

#[server(endpoint = "api_tokens/create")]
pub async fn create_api_token(name: String, role: String) -> Result<CreatedToken, AppError> {
    use crate::backend::{api_tokens, request};
    use crate::model::api_tokens::parse_name;
    use crate::model::identity::Role;
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageApiTokens).await?;
    let name = parse_name(&name)?;
    let role = Role::parse(&role).ok_or_else(|| AppError::validation("role", "Choose a role."))?;
    api_tokens::create(&ctx.db, &viewer, name, role, &request::client_info()).await
}

#[server(endpoint = "api_tokens/revoke")]
pub async fn revoke_api_token(id: Uuid) -> Result<(), AppError> {
    use crate::backend::{api_tokens, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageApiTokens).await?;
    api_tokens::revoke(&ctx.db, &viewer, id, &request::client_info()).await
}
