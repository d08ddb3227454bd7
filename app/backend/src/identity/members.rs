//! The members of an organisation: invitations (pending memberships), role changes, disabling,
//! and accepting an invitation.

use super::accounts::{self, SignInAttempt};
use super::tokens::SecretToken;
use super::{password, ClientInfo};
use crate::db::TenantTx;
use crate::idempotency::{self, RequestKey};
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{display_name, Email, NewPassword, Role, UserId, Viewer};
use crate::model::members::{
    InvitationPreview, Member, MemberList, MemberStatus, PendingInvitation,
};
use crate::model::tenancy::OrganisationId;
use crate::{audit, billing, mail, outbox, tenancy, AppContext};
use std::time::Duration;
use uuid::Uuid;

pub const INVITATION_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

struct MemberRow {
    membership_id: Uuid,
    user_id: Uuid,
    name: String,
    email: String,
    role: Role,
    status: MemberStatus,
}

struct InvitationRow {
    id: Uuid,
    email: String,
    role: Role,
    invited_at: time::OffsetDateTime,
    expires_at: time::OffsetDateTime,
}

pub async fn list(ctx: &AppContext, viewer: &Viewer) -> Result<MemberList, AppError> {
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    let members = sqlx::query_as!(
        MemberRow,
        r#"select m.id as membership_id, u.id as user_id, u.name, u.email, m.role as "role: Role",
                  m.status as "status: MemberStatus"
             from memberships m
             join users u on u.id = m.user_id
            where m.status in ('active', 'disabled')
            order by m.status, lower(u.name)"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let invitations = sqlx::query_as!(
        InvitationRow,
        r#"select id, email, role as "role: Role", created_at as invited_at, expires_at
             from invitations
            where accepted_at is null and revoked_at is null and expires_at > now()
            order by created_at desc"#
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(MemberList {
        members: members
            .into_iter()
            .map(|m| Member {
                membership_id: m.membership_id,
                user_id: UserId(m.user_id),
                name: m.name,
                email: m.email,
                role: m.role,
                status: m.status,
                is_viewer: m.user_id == viewer.user_id.0,
            })
            .collect(),
        invitations: invitations
            .into_iter()
            .map(|i| PendingInvitation {
                id: i.id,
                email: i.email,
                role: i.role,
                invited_at: i.invited_at,
                expires_at: i.expires_at,
            })
            .collect(),
    })
}

/// Invites `email` as `role`: replaces an open invitation to the same address (a resend).
/// An invitation holds a seat; one beyond the plan's included seats needs
/// `extra_seat_confirmed` (the admin was shown its price).
pub async fn invite(
    ctx: &AppContext,
    viewer: &Viewer,
    email: &str,
    role: &str,
    extra_seat_confirmed: bool,
    client: &ClientInfo,
    once: Option<&RequestKey>,
) -> Result<(), AppError> {
    let email = Email::try_from(email.to_string()).map_err(|m| AppError::validation("email", m))?;
    let role = Role::parse(role).ok_or_else(|| AppError::validation("role", "Choose a role."))?;
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    if let Some(first) = idempotency::recall(&mut tx, once).await? {
        return Ok(first);
    }
    let already = sqlx::query_scalar!(
        "select m.status from memberships m join users u on u.id = m.user_id where u.email = $1",
        email.as_str()
    )
    .fetch_optional(&mut *tx)
    .await?;
    match already.as_deref() {
        Some("active") => {
            return Err(AppError::validation(
                "email",
                "This person is already a member.",
            ))
        }
        Some("disabled") => {
            return Err(AppError::validation(
                "email",
                "This person is a disabled member: re-enable them instead.",
            ))
        }
        _ => {}
    }
    sqlx::query!(
        "update invitations set revoked_at = now()
          where email = $1 and accepted_at is null and revoked_at is null",
        email.as_str()
    )
    .execute(&mut *tx)
    .await?;
    // After revoking a resent invitation's old copy, so a resend needs no new seat.
    billing::admit_seat(&mut tx, viewer.organisation_id, extra_seat_confirmed).await?;
    let id = Uuid::now_v7();
    let token = SecretToken::generate();
    sqlx::query!(
        "insert into invitations (organisation_id, id, email, role, token_hash, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))",
        viewer.organisation_id.0,
        id,
        email.as_str(),
        role.as_str(),
        token.hash(),
        viewer.user_id.0,
        INVITATION_TTL.as_secs_f64(),
    )
    .execute(&mut *tx)
    .await?;
    let site = tenancy::site_url(&mut tx, &ctx.public_url, &ctx.base_domain).await?;
    let message = mail::invitation(
        email.as_str(),
        &viewer.organisation_name,
        &viewer.name,
        role.label(),
        &format!("{site}/invitation?token={}", token.encode()),
        INVITATION_TTL.as_secs() / 86_400,
    );
    outbox::enqueue_email(&mut tx, &message).await?;
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        AuditAction::MemberInvited,
        ("invitation", id),
        client,
        serde_json::json!({ "email": email.as_str(), "role": role.as_str() }),
    )
    .await?;
    idempotency::remember(&mut tx, once, &()).await?;
    tx.commit().await?;
    billing::after_seat_change(ctx, viewer.organisation_id).await;
    Ok(())
}

pub async fn revoke_invitation(
    ctx: &AppContext,
    viewer: &Viewer,
    id: Uuid,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    let revoked = sqlx::query!(
        "update invitations set revoked_at = now()
          where id = $1 and accepted_at is null and revoked_at is null",
        id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if revoked == 0 {
        return Err(AppError::NotFound);
    }
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        AuditAction::MemberInvitationRevoked,
        ("invitation", id),
        client,
        serde_json::json!({}),
    )
    .await?;
    billing::seats_changed(&mut tx).await?;
    tx.commit().await?;
    billing::after_seat_change(ctx, viewer.organisation_id).await;
    Ok(())
}

/// The change an admin makes to a membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Role(Role),
    Disable,
    Enable,
}

/// Changes a member's role or status. The organisation always keeps an active admin, and
/// nobody disables themselves. Disabling signs the member out of this organisation at once.
pub async fn change(
    ctx: &AppContext,
    viewer: &Viewer,
    membership_id: Uuid,
    change: Change,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let mut tx = ctx.db.scoped_tx(viewer.organisation_id).await?;
    // Locks every admin row too, so two admins demoting each other at once cannot leave none.
    let admins = sqlx::query_scalar!(
        "select id from memberships where role = 'admin' and status = 'active' for update"
    )
    .fetch_all(&mut *tx)
    .await?;
    let row = sqlx::query!(
        r#"select user_id, role as "role: Role", status from memberships where id = $1 for update"#,
        membership_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(AppError::NotFound);
    };
    let (user_id, role, status) = (row.user_id, row.role, row.status);
    let was_active_admin = role == Role::Admin && status == "active";
    let leaves_admins = match change {
        Change::Role(r) => r != Role::Admin,
        Change::Disable => true,
        Change::Enable => false,
    };
    if was_active_admin && leaves_admins && admins.len() <= 1 {
        return Err(AppError::Conflict {
            message:
                "An organisation needs at least one active admin. Make someone else admin first."
                    .into(),
        });
    }
    if change == Change::Disable && user_id == viewer.user_id.0 {
        return Err(AppError::Conflict {
            message: "You can't disable yourself.".into(),
        });
    }
    // Re-enabling takes a seat again (refused on a plan that cannot grow); disabling frees one.
    match change {
        Change::Enable if status != "active" => {
            billing::admit_seat(&mut tx, viewer.organisation_id, true).await?
        }
        Change::Disable if status == "active" => billing::seats_changed(&mut tx).await?,
        _ => {}
    }
    let (status_after, role_after) = match change {
        Change::Role(r) => (status.as_str(), r.as_str()),
        Change::Disable => ("disabled", role.as_str()),
        Change::Enable => ("active", role.as_str()),
    };
    sqlx::query!(
        "update memberships set status = $2, role = $3, updated_at = now() where id = $1",
        membership_id,
        status_after,
        role_after,
    )
    .execute(&mut *tx)
    .await?;
    let (action, detail) = match change {
        Change::Role(r) => (
            AuditAction::MemberRoleChanged,
            serde_json::json!({ "from": role.as_str(), "to": r.as_str() }),
        ),
        Change::Disable => (AuditAction::MemberDisabled, serde_json::json!({})),
        Change::Enable => (AuditAction::MemberEnabled, serde_json::json!({})),
    };
    if change == Change::Disable {
        sqlx::query!(
            "update sessions set revoked_at = now()
              where user_id = $1 and active_organisation_id = $2 and revoked_at is null",
            user_id,
            viewer.organisation_id.0,
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        action,
        ("membership", membership_id),
        client,
        detail,
    )
    .await?;
    tx.commit().await?;
    if matches!(change, Change::Enable | Change::Disable) {
        billing::after_seat_change(ctx, viewer.organisation_id).await;
    }
    Ok(())
}

/// An open invitation found by its token, in a transaction scoped to its organisation.
async fn open_invitation(
    ctx: &AppContext,
    token: &str,
) -> Result<Option<(TenantTx, OpenInvitation)>, AppError> {
    let Some(token) = SecretToken::parse(token) else {
        return Ok(None);
    };
    let mut tx = ctx.db.begin().await?;
    // The one look-up before a tenant is known: the by_token policy shows this row only.
    sqlx::query_scalar!(
        "select set_config('app.invitation', encode($1, 'hex'), true)",
        token.hash()
    )
    .fetch_one(&mut *tx)
    .await?;
    let found = sqlx::query!(
        "select organisation_id, id from invitations
          where token_hash = $1 and accepted_at is null and revoked_at is null and expires_at > now()",
        token.hash()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(found) = found else {
        return Ok(None);
    };
    let (org, id) = (found.organisation_id, found.id);
    let organisation = OrganisationId(org);
    let mut tx = TenantTx::enter(tx, organisation).await?;
    let invitation = sqlx::query!(
        r#"select i.email, i.role as "role: Role", o.name as organisation_name
             from invitations i join organisations o on o.id = i.organisation_id
            where i.id = $1 for update of i"#,
        id
    )
    .fetch_one(&mut *tx)
    .await?;
    let (email, role, organisation_name) = (
        invitation.email,
        invitation.role,
        invitation.organisation_name,
    );
    let account = sqlx::query!(
        "select id, password_hash from users where email = $1",
        &email
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|a| (a.id, a.password_hash));
    Ok(Some((
        tx,
        OpenInvitation {
            id,
            organisation,
            organisation_name,
            email,
            role,
            account,
        },
    )))
}

struct OpenInvitation {
    id: Uuid,
    organisation: OrganisationId,
    organisation_name: String,
    email: String,
    role: Role,
    account: Option<(Uuid, String)>,
}

pub async fn preview(ctx: &AppContext, token: &str) -> Result<Option<InvitationPreview>, AppError> {
    let Some((tx, invitation)) = open_invitation(ctx, token).await? else {
        return Ok(None);
    };
    tx.rollback().await?;
    Ok(Some(InvitationPreview {
        organisation_name: invitation.organisation_name,
        email: invitation.email,
        role: invitation.role,
        account_exists: invitation.account.is_some(),
    }))
}

fn gone() -> AppError {
    AppError::validation(
        "token",
        "This invitation has expired, was revoked or was already accepted. Ask for a new one.",
    )
}

/// Accepts an invitation: an existing account confirms with its password, a new one is created
/// with the name and password given. Then signs in (asking for a second factor if the account
/// uses one).
pub async fn accept(
    ctx: &AppContext,
    token: &str,
    name: &str,
    password_attempt: String,
    only_in: Option<OrganisationId>,
    client: &ClientInfo,
) -> Result<SignInAttempt, AppError> {
    let Some((mut tx, invitation)) = open_invitation(ctx, token).await? else {
        return Err(gone());
    };
    if only_in.is_some_and(|org| org != invitation.organisation) {
        return Err(gone());
    }
    let user_id = match &invitation.account {
        Some((id, hash)) => {
            if !password::verify(Some(hash.clone()), &password_attempt).await? {
                return Err(AppError::validation(
                    "password",
                    "That isn't the password of your existing account.",
                ));
            }
            UserId(*id)
        }
        None => {
            let email =
                Email::try_from(invitation.email.clone()).map_err(crate::failure::internal)?;
            let name = display_name(name, 100, "your name");
            let password = NewPassword::parse(password_attempt, Some(&email));
            let mut fields = Vec::new();
            if let Err(m) = &name {
                fields.push(crate::model::error::FieldError {
                    field: "name".into(),
                    message: m.clone(),
                });
            }
            if let Err(m) = &password {
                fields.push(crate::model::error::FieldError {
                    field: "password".into(),
                    message: (*m).into(),
                });
            }
            let (Ok(name), Ok(password)) = (name, password) else {
                return Err(AppError::Validation { fields });
            };
            let hash = password::hash(password.expose()).await?;
            let id = UserId(Uuid::now_v7());
            let created = sqlx::query!(
                "insert into users (id, email, name, password_hash) values ($1, $2, $3, $4)
                 on conflict (email) do nothing",
                id.0,
                email.as_str(),
                &name,
                &hash,
            )
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if created == 0 {
                // Signed up between the page loading and now: they must use that password.
                return Err(AppError::validation(
                    "password",
                    "An account with this email was just created. Reload the page and enter its password.",
                ));
            }
            id
        }
    };
    let membership_id = Uuid::now_v7();
    sqlx::query!(
        "insert into memberships (organisation_id, id, user_id, role) values ($1, $2, $3, $4)
         on conflict (organisation_id, user_id) do nothing",
        invitation.organisation.0,
        membership_id,
        user_id.0,
        invitation.role.as_str(),
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update invitations set accepted_at = now() where id = $1",
        invitation.id
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(user_id),
        AuditAction::MemberJoined,
        ("membership", membership_id),
        client,
        serde_json::json!({ "role": invitation.role.as_str(), "invitation": invitation.id }),
    )
    .await?;
    tx.commit().await?;
    accounts::sign_in_as(ctx, user_id, invitation.organisation, client).await
}
