//! Password reset by an emailed single-use link.

use super::tokens::SecretToken;
use super::{password, sessions, ClientInfo};
use crate::db::Db;
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{Email, NewPassword, UserId};
use crate::model::tenancy::OrganisationId;
use crate::{mail, outbox, AppContext};
use std::time::Duration;
use uuid::Uuid;

pub const LINK_TTL: Duration = Duration::from_secs(30 * 60);
/// Links sent per account in `LINK_TTL`: enough for a lost email, too few to flood a mailbox.
pub const MAX_LINKS: i64 = 3;

/// Emails a reset link if `email` has an account. The caller answers the same either way, so
/// this never reveals whether an address is registered. On an organisation's host the link
/// goes to that organisation's address, if the account belongs to it.
pub async fn request(
    ctx: &AppContext,
    email: &str,
    on_host: Option<OrganisationId>,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let email = Email::try_from(email.to_string()).map_err(|m| AppError::validation("email", m))?;
    let db = &ctx.db;
    let account = sqlx::query!(
        r#"select u.id, u.name,
                  (select count(*) from password_resets r
                    where r.user_id = u.id and r.created_at > now() - make_interval(secs => $2))
                    as "recent!"
             from users u where u.email = $1 and u.status = 'active'"#,
        email.as_str(),
        LINK_TTL.as_secs_f64(),
    )
    .fetch_optional(db.pool())
    .await?;
    let Some(account) = account else {
        return Ok(());
    };
    let (user_id, name, recent) = (account.id, account.name, account.recent);
    if recent >= MAX_LINKS {
        tracing::info!("password reset not sent: too many recent links for this account");
        return Ok(());
    }
    let organisation = match on_host {
        Some(org) => super::accounts::active_memberships(db, UserId(user_id))
            .await?
            .into_iter()
            .any(|(o, _, _)| o == org)
            .then_some(org),
        None => None,
    };

    let token = SecretToken::generate();
    let mut tx = db.begin().await?;
    sqlx::query!(
        "insert into password_resets (id, user_id, token_hash, ip, expires_at)
         values ($1, $2, $3, $4, now() + make_interval(secs => $5))",
        Uuid::now_v7(),
        user_id,
        token.hash(),
        client.ip.map(sessions::ip_network),
        LINK_TTL.as_secs_f64(),
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue_linked(tx, organisation, ctx, |site| {
        let link = format!("{site}/reset-password?token={}", token.encode());
        vec![mail::password_reset(
            email.as_str(),
            &name,
            &link,
            LINK_TTL.as_secs() / 60,
        )]
    })
    .await?;
    Ok(())
}

fn link_error() -> AppError {
    AppError::validation(
        "token",
        "This reset link has expired or was already used. Ask for a new one.",
    )
}

/// Whether a link still works, so the page can say so before the user types a password.
pub async fn is_usable(db: &Db, token: &str) -> Result<bool, AppError> {
    let Some(token) = SecretToken::parse(token) else {
        return Ok(false);
    };
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from password_resets
                           where token_hash = $1 and used_at is null and expires_at > now())
                  as "open!""#,
        token.hash()
    )
    .fetch_one(db.pool())
    .await?)
}

/// Sets a new password with a reset link, which then stops working (with every other link of
/// that account), and signs the account out everywhere.
pub async fn complete(
    db: &Db,
    token: &str,
    new_password: String,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let token = SecretToken::parse(token).ok_or_else(link_error)?;
    let mut tx = db.begin().await?;
    let row = sqlx::query!(
        "select u.id, u.email, u.name from password_resets r join users u on u.id = r.user_id
          where r.token_hash = $1 and r.used_at is null and r.expires_at > now()
          for update of r",
        token.hash()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(link_error());
    };
    let (user_id, email, name) = (row.id, row.email, row.name);
    let email = Email::try_from(email).map_err(crate::failure::internal)?;
    let new_password = NewPassword::parse(new_password, Some(&email))
        .map_err(|m| AppError::validation("password", m))?;
    let hash = password::hash(new_password.expose()).await?;
    let user = UserId(user_id);

    sqlx::query!(
        "update users set password_hash = $2, updated_at = now() where id = $1",
        user_id,
        &hash
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update password_resets set used_at = now() where user_id = $1 and used_at is null",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    // A change of address asked for with the forgotten (perhaps stolen) password is withdrawn.
    super::email_changes::cancel_pending(&mut tx, user).await?;
    sqlx::query!(
        "update sessions set revoked_at = now() where user_id = $1 and revoked_at is null",
        user_id
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue_platform_email(
        &mut tx,
        &mail::password_changed(email.as_str(), &name, false),
    )
    .await?;
    tx.commit().await?;

    super::accounts::audit_everywhere(db, user, AuditAction::PasswordReset, client).await?;
    Ok(())
}
