//! A new sign-in address, proven before it replaces the old one. The signed-in person types
//! their password and the new address; a single-use link goes to the new address and a notice
//! to the current one. Opening the link makes the change; a password change or reset in
//! between cancels it, so someone who only knew the password cannot take the account over.

use super::tokens::SecretToken;
use super::{sessions, ClientInfo};
use crate::db::Db;
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{Email, PendingEmailChange, UserId, Viewer};
use crate::model::tenancy::OrganisationId;
use crate::{mail, outbox, AppContext};
use sqlx::PgConnection;
use std::time::Duration;
use uuid::Uuid;

pub const LINK_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Requests per account in a day: enough for a typo or two, too few to mail-bomb an address.
pub const MAX_REQUESTS: i64 = 5;

/// Asks to sign in with `new_email` from now on. Whether that address already has an account
/// is not revealed: its owner is told instead of sent a link, and the answer is the same.
pub async fn request(
    ctx: &AppContext,
    viewer: &Viewer,
    new_email: &str,
    current_password: &str,
    on_host: Option<OrganisationId>,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let db = &ctx.db;
    let new_email =
        Email::try_from(new_email.to_string()).map_err(|m| AppError::validation("new_email", m))?;
    if new_email.as_str() == viewer.email {
        return Err(AppError::validation(
            "new_email",
            "That is already your sign-in address.",
        ));
    }
    super::profile::reconfirm_current_password(db, viewer, current_password, client).await?;
    let row = sqlx::query!(
        r#"select (select count(*) from email_changes
                    where user_id = $1 and created_at > now() - interval '1 day') as "recent!",
                  exists (select 1 from users where email = $2) as "taken!""#,
        viewer.user_id.0,
        new_email.as_str(),
    )
    .fetch_one(db.pool())
    .await?;
    if row.recent >= MAX_REQUESTS {
        return Err(AppError::validation(
            "new_email",
            format!("You have asked for {MAX_REQUESTS} address changes today. Try again tomorrow, or open the link already sent."),
        ));
    }

    let token = (!row.taken).then(SecretToken::generate);
    let mut tx = db.begin().await?;
    cancel_pending(&mut tx, viewer.user_id).await?;
    sqlx::query!(
        "insert into email_changes (id, user_id, new_email, token_hash, ip, expires_at)
         values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))",
        Uuid::now_v7(),
        viewer.user_id.0,
        new_email.as_str(),
        token.as_ref().map(SecretToken::hash),
        client.ip.map(sessions::ip_network),
        LINK_TTL.as_secs_f64(),
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue_linked(tx, on_host, ctx, |site| {
        let to_new = match &token {
            Some(token) => {
                let link = format!("{site}/account/email?token={}", token.encode());
                let hours = LINK_TTL.as_secs() / 3600;
                mail::confirm_new_email(new_email.as_str(), &viewer.name, &link, hours)
            }
            None => mail::new_email_already_used(new_email.as_str()),
        };
        let notice =
            mail::email_change_notice(&viewer.email, &viewer.name, new_email.as_str(), false);
        vec![to_new, notice]
    })
    .await?;
    Ok(())
}

/// The change waiting for its link, if any.
pub async fn pending(db: &Db, user: UserId) -> Result<Option<PendingEmailChange>, AppError> {
    Ok(sqlx::query_as!(
        PendingEmailChange,
        "select new_email, expires_at from email_changes
          where user_id = $1 and used_at is null and expires_at > now()
          order by created_at desc limit 1",
        user.0
    )
    .fetch_optional(db.pool())
    .await?)
}

/// Withdraws a waiting change at its owner's request: its link stops working.
pub async fn cancel(db: &Db, user: UserId) -> Result<(), AppError> {
    let mut conn = db.pool().acquire().await?;
    Ok(cancel_pending(&mut conn, user).await?)
}

/// Withdraws a waiting change within a larger change. Also called when the password changes
/// or is reset, since whoever asked may have known only the old password.
pub async fn cancel_pending(conn: &mut PgConnection, user: UserId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update email_changes set used_at = now() where user_id = $1 and used_at is null",
        user.0
    )
    .execute(conn)
    .await?;
    Ok(())
}

fn link_error() -> AppError {
    AppError::validation(
        "token",
        "This link has expired, was already used or was replaced by a newer one. Ask for the change again from your account.",
    )
}

/// The address a link would make the sign-in address; `None` when the link no longer works.
pub async fn link(db: &Db, token: &str) -> Result<Option<String>, AppError> {
    let Some(token) = SecretToken::parse(token) else {
        return Ok(None);
    };
    Ok(sqlx::query_scalar!(
        "select new_email from email_changes
          where token_hash = $1 and used_at is null and expires_at > now()",
        token.hash()
    )
    .fetch_optional(db.pool())
    .await?)
}

/// Opens a link: the account signs in with the new address from now on, the old one is told,
/// and reset links sent to the old address stop working. Answers the new address.
pub async fn confirm(db: &Db, token: &str, client: &ClientInfo) -> Result<String, AppError> {
    let token = SecretToken::parse(token).ok_or_else(link_error)?;
    let mut tx = db.begin().await?;
    let row = sqlx::query!(
        "select c.user_id, c.new_email, u.email as old_email, u.name
           from email_changes c join users u on u.id = c.user_id
          where c.token_hash = $1 and c.used_at is null and c.expires_at > now()
            and u.status = 'active'
          for update of c, u",
        token.hash()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(link_error)?;
    let user = UserId(row.user_id);
    // Someone may have signed up with the address since the link was sent.
    let taken = sqlx::query_scalar!(
        r#"select exists (select 1 from users where email = $1) as "taken!""#,
        row.new_email
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken {
        return Err(AppError::validation(
            "token",
            "That address has been used for another Workdesk account since the link was sent, so your address stays as it was.",
        ));
    }
    sqlx::query!(
        "update users set email = $2, updated_at = now() where id = $1",
        user.0,
        row.new_email
    )
    .execute(&mut *tx)
    .await?;
    cancel_pending(&mut tx, user).await?;
    sqlx::query!(
        "update password_resets set used_at = now() where user_id = $1 and used_at is null",
        user.0
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue_platform_email(
        &mut tx,
        &mail::email_change_notice(&row.old_email, &row.name, &row.new_email, true),
    )
    .await?;
    tx.commit().await?;
    super::accounts::audit_everywhere(db, user, AuditAction::ProfileEmailChanged, client).await?;
    Ok(row.new_email)
}
