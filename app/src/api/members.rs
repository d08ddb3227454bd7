//! Members of the viewer's organisation and invitations.

use crate::model::error::AppError;
use crate::model::members::{InvitationPreview, MemberList};
use crate::model::second_factor::SignInStep;
use leptos::prelude::*;
use uuid::Uuid;

#[server(endpoint = "members/list")]
pub async fn list_members() -> Result<MemberList, AppError> {
    use crate::backend::{identity::members, request};
    let (ctx, viewer) = request::signed_in().await?;
    members::list(&ctx, &viewer).await
}

/// `extra_seat_confirmed`: the admin agreed to the extra seat's price the form showed.
#[server(endpoint = "members/invite")]
pub async fn invite_member(
    email: String,
    role: String,
    extra_seat_confirmed: Option<bool>,
    #[server(default)] form_token: Option<String>,
) -> Result<(), AppError> {
    use crate::backend::{identity::members, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageMembers).await?;
    members::invite(
        &ctx,
        &viewer,
        &email,
        &role,
        extra_seat_confirmed.unwrap_or(false),
        &request::client_info(),
        request::form_key(&viewer, form_token, "members/invite")?.as_ref(),
    )
    .await
}

#[server(endpoint = "members/revoke_invitation")]
pub async fn revoke_invitation(id: Uuid) -> Result<(), AppError> {
    use crate::backend::{identity::members, request};
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageMembers).await?;
    members::revoke_invitation(&ctx, &viewer, id, &request::client_info()).await
}

#[server(endpoint = "members/change_role")]
pub async fn change_member_role(membership_id: Uuid, role: String) -> Result<(), AppError> {
    use crate::backend::identity::members::{self, Change};
    use crate::backend::request;
    use crate::model::identity::Role;
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageMembers).await?;
    let role = Role::parse(&role).ok_or_else(|| AppError::validation("role", "Choose a role."))?;
    members::change(
        &ctx,
        &viewer,
        membership_id,
        Change::Role(role),
        &request::client_info(),
    )
    .await
}

#[server(endpoint = "members/set_enabled")]
pub async fn set_member_enabled(membership_id: Uuid, enabled: bool) -> Result<(), AppError> {
    use crate::backend::identity::members::{self, Change};
    use crate::backend::request;
    let (ctx, viewer) =
        request::permitted(crate::model::permission::Permission::ManageMembers).await?;
    let change = if enabled {
        Change::Enable
    } else {
        Change::Disable
    };
    members::change(
        &ctx,
        &viewer,
        membership_id,
        change,
        &request::client_info(),
    )
    .await
}

/// What an invitation link offers; `None` when it no longer works.
#[server(endpoint = "invitations/preview")]
pub async fn preview_invitation(token: String) -> Result<Option<InvitationPreview>, AppError> {
    use crate::backend::identity::members;
    members::preview(&crate::backend::request::context()?, &token).await
}

#[server(endpoint = "invitations/accept")]
pub async fn accept_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<SignInStep, AppError> {
    use crate::backend::identity::members;
    use crate::backend::request;
    let ctx = request::context()?;
    let only_in = request::host_tenant().organisation_id();
    let attempt = members::accept(
        &ctx,
        &token,
        &name,
        password,
        only_in,
        &request::client_info(),
    )
    .await?;
    Ok(request::finish_sign_in(&ctx.auth, attempt, ""))
}
