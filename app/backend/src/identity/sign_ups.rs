//! Signing up: the form files a request and emails a link; the user, their organisation and
//! their admin membership are made when the link is opened. An address that already has an
//! account gets a notice instead of a link, and the form answers the same either way, so it
//! never tells anyone whether an address is registered.

use super::accounts::{start_session, SignedIn};
use super::tokens::SecretToken;
use super::{password, sessions, ClientInfo};
use crate::db::{Db, TenantTx};
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{slug_from_name, PendingSignUp, Role, SignUpForm, UserId, Viewer};
use crate::model::tenancy::OrganisationId;
use crate::{audit, mail, outbox, AppContext};
use std::time::Duration;
use uuid::Uuid;

pub const LINK_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// Sign-ups per address in an hour that send mail: enough for a lost email, too few to use the
/// form to flood someone's mailbox. Past it the form still answers the same.
pub const MAX_PER_HOUR: i64 = 3;

/// Files a sign-up and emails the address: a link to finish it, or, if the address already has
/// an account, a notice to its owner. The caller answers the same either way.
pub async fn request(
    ctx: &AppContext,
    form: SignUpForm,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let db = &ctx.db;
    // Hashed on both paths, so neither answers sooner.
    let password_hash = password::hash(form.password.expose()).await?;
    let mut tx = db.begin().await?;
    let found = sqlx::query!(
        r#"select (select count(*) from sign_up_requests
                    where email = $1 and created_at > now() - interval '1 hour') as "recent!",
                  (select name from users where email = $1) as "owner?""#,
        form.email.as_str()
    )
    .fetch_one(&mut *tx)
    .await?;
    let (recent, owner) = (found.recent, found.owner);
    if recent >= MAX_PER_HOUR {
        tracing::info!("sign-up mail not sent: too many recent sign-ups for this address");
        return Ok(());
    }
    let (token, message) = match owner {
        Some(owner_name) => (
            None,
            mail::sign_up_with_existing_account(
                form.email.as_str(),
                &owner_name,
                &format!("{}/signin", ctx.public_url),
                &format!("{}/forgot-password", ctx.public_url),
            ),
        ),
        None => {
            let token = SecretToken::generate();
            let link = format!("{}/signup/confirm?token={}", ctx.public_url, token.encode());
            let message = mail::confirm_sign_up(
                form.email.as_str(),
                &form.name,
                &form.organisation_name,
                &link,
                LINK_TTL.as_secs() / 3600,
            );
            (Some(token), message)
        }
    };
    let with_link = token.is_some();
    sqlx::query!(
        "insert into sign_up_requests
             (id, email, token_hash, name, organisation_name, password_hash, ip, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))",
        Uuid::now_v7(),
        form.email.as_str(),
        token.as_ref().map(SecretToken::hash),
        with_link.then_some(form.name.as_str()),
        with_link.then_some(form.organisation_name.as_str()),
        with_link.then_some(password_hash.as_str()),
        client.ip.map(sessions::ip_network),
        LINK_TTL.as_secs_f64(),
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue_platform_email(&mut tx, &message).await?;
    tx.commit().await?;
    Ok(())
}

fn link_error() -> AppError {
    AppError::validation(
        "token",
        "This sign-up link has expired or was already used. Sign up again to get a new one.",
    )
}

/// What an unused, unexpired link would create, so the page can show it before the click.
pub async fn pending(db: &Db, token: &str) -> Result<Option<PendingSignUp>, AppError> {
    let Some(token) = SecretToken::parse(token) else {
        return Ok(None);
    };
    // A request with a link always has the names and the hash (only the notice to an
    // existing account has none), hence `!`.
    Ok(sqlx::query_as!(
        PendingSignUp,
        r#"select email, organisation_name as "organisation_name!" from sign_up_requests
            where token_hash = $1 and used_at is null and expires_at > now()"#,
        token.hash()
    )
    .fetch_optional(db.pool())
    .await?)
}

/// Opens a sign-up link: makes the user, the organisation and the admin membership, stops every
/// other link of that address, and signs the new admin in.
pub async fn confirm(
    ctx: &AppContext,
    token: &str,
    client: &ClientInfo,
) -> Result<SignedIn, AppError> {
    let token = SecretToken::parse(token).ok_or_else(link_error)?;
    let db = &ctx.db;
    let mut tx = db.begin().await?;
    let row = sqlx::query!(
        r#"select email, name as "name!", organisation_name as "organisation_name!",
                  password_hash as "password_hash!"
             from sign_up_requests
            where token_hash = $1 and used_at is null and expires_at > now()
            for update"#,
        token.hash()
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Err(link_error());
    };
    let (email, name, organisation_name, password_hash) = (
        row.email,
        row.name,
        row.organisation_name,
        row.password_hash,
    );
    sqlx::query!(
        "update sign_up_requests set used_at = now() where email = $1 and used_at is null",
        &email
    )
    .execute(&mut *tx)
    .await?;

    let user_id = UserId(Uuid::now_v7());
    let inserted = sqlx::query!(
        "insert into users (id, email, name, password_hash) values ($1, $2, $3, $4)
         on conflict (email) do nothing",
        user_id.0,
        &email,
        &name,
        &password_hash,
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        // Two links for one address, and the other was opened first. The mailbox is proven,
        // so saying so reveals nothing.
        tx.commit().await?;
        return Err(AppError::Conflict {
            message: "This address already has an account. Sign in instead.".into(),
        });
    }
    let org_id = create_organisation(&mut tx, &organisation_name).await?;

    let mut tx = TenantTx::enter(tx, org_id).await?;
    let membership_id = Uuid::now_v7();
    sqlx::query!(
        "insert into memberships (organisation_id, id, user_id, role) values ($1, $2, $3, 'admin')",
        org_id.0,
        membership_id,
        user_id.0,
    )
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        Some(user_id),
        AuditAction::OrganisationCreated,
        ("organisation", org_id.0),
        client,
        serde_json::json!({}),
    )
    .await?;
    audit::record(
        &mut tx,
        Some(user_id),
        AuditAction::MemberJoined,
        ("membership", membership_id),
        client,
        serde_json::json!({ "role": "admin" }),
    )
    .await?;
    tx.commit().await?;

    // The Stripe customer is made in the background: sign-up never waits on Stripe, and
    // checkout makes it if this attempt failed.
    {
        let (ctx, name, email) = (ctx.clone(), organisation_name.clone(), email.clone());
        tokio::spawn(async move {
            crate::billing::on_organisation_created(&ctx, org_id, &name, &email).await
        });
    }
    let viewer = Viewer {
        user_id,
        name,
        email,
        organisation_id: org_id,
        organisation_name,
        role: Role::Admin,
        time_zone: None,
    };
    start_session(ctx, viewer, client, true).await
}

/// Inserts the organisation under the first free slug of name, name-2, name-3, ..., with a
/// random tail after that.
async fn create_organisation(
    tx: &mut sqlx::Transaction<'static, sqlx::Postgres>,
    name: &str,
) -> Result<OrganisationId, AppError> {
    let org_id = OrganisationId::generate();
    let base = slug_from_name(name);
    for n in 1..=20 {
        let candidate = if n == 1 {
            base.as_str().to_string()
        } else {
            format!("{}-{n}", base.as_str())
        };
        let won = sqlx::query!(
            "insert into organisations (id, slug, name) values ($1, $2, $3) on conflict (slug) do nothing",
            org_id.0,
            &candidate,
            name,
        )
        .execute(&mut **tx)
        .await?
        .rows_affected();
        if won == 1 {
            return Ok(org_id);
        }
    }
    let candidate = format!(
        "{}-{}",
        base.as_str(),
        &Uuid::now_v7().simple().to_string()[24..]
    );
    sqlx::query!(
        "insert into organisations (id, slug, name) values ($1, $2, $3)",
        org_id.0,
        &candidate,
        name,
    )
    .execute(&mut **tx)
    .await?;
    Ok(org_id)
}
