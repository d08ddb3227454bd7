//! Accounts: signing in, sessions starting, and who the viewer of a request is (signing up is
//! in `sign_ups`).

use super::sign_in_limits::{record_login, throttled};
use super::{password, second_factor, sessions, tokens, AuthSettings, ClientInfo, Principal};
use crate::db::Db;
use crate::failure::internal;
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{
    describe_device, Email, LoginActivity, LoginOutcome, OrganisationChoice, Role, UserId, Viewer,
};
use crate::model::tenancy::OrganisationId;
use crate::{audit, mail, outbox, tenancy, AppContext};

/// Where a right password leads: a session, or a wait for the second factor (the token goes
/// into a short-lived cookie).
pub enum SignInAttempt {
    SignedIn(SignedIn),
    SecondFactor {
        token: tokens::SecretToken,
        method: crate::model::second_factor::Method,
    },
}

/// What a successful sign-in or sign-up hands back to be set as cookies.
pub struct SignedIn {
    pub viewer: Viewer,
    pub access_token: String,
    pub refresh_token: tokens::RefreshToken,
}

/// Signs in with email and password. On a tenant's host (`only_in`), only its members may.
/// Every failure gives the same answer, so it never reveals whether an account exists.
pub async fn sign_in(
    ctx: &AppContext,
    email: &str,
    password_attempt: &str,
    only_in: Option<OrganisationId>,
    client: &ClientInfo,
) -> Result<SignInAttempt, AppError> {
    let db = &ctx.db;
    let email = Email::try_from(email.to_string()).map_err(|m| AppError::validation("email", m))?;
    if password_attempt.is_empty() || password_attempt.len() > 1024 {
        return Err(AppError::validation("password", "Enter your password."));
    }
    if let Some(retry_after_secs) = throttled(db, &email, client).await? {
        record_login(
            db,
            None,
            Some(&email),
            LoginOutcome::Throttled,
            client,
            false,
        )
        .await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }

    let account = sqlx::query!(
        "select id, password_hash, name, status, time_zone from users where email = $1",
        email.as_str()
    )
    .fetch_optional(db.pool())
    .await?
    .map(|a| (a.id, a.password_hash, a.name, a.status, a.time_zone));
    let stored = account.as_ref().map(|(_, hash, ..)| hash.clone());
    let password_ok = password::verify(stored, password_attempt).await?;
    let wrong = || {
        AppError::validation(
            "password",
            "That email and password don't match an account here.",
        )
    };

    // Every refusal below is recorded as a failed sign-in attempt.
    let email_ref = &email;
    let record_failure = move |user| {
        record_login(
            db,
            user,
            Some(email_ref),
            LoginOutcome::Failed,
            client,
            false,
        )
    };

    let known_user = account.as_ref().map(|(id, ..)| UserId(*id));
    let Some((id, _, name, status, time_zone)) = account.filter(|_| password_ok) else {
        // Recorded against the account when there is one, so its owner (and their admins)
        // see the attempt.
        record_failure(known_user).await?;
        if let Some(user) = known_user {
            audit_everywhere(db, user, AuditAction::SessionSignInFailed, client).await?;
        }
        return Err(wrong());
    };
    let user_id = UserId(id);
    if status != "active" {
        record_failure(Some(user_id)).await?;
        return Err(wrong());
    }

    let memberships = active_memberships(db, user_id).await?;
    let chosen = match only_in {
        Some(org) => memberships.into_iter().find(|m| m.0 == org),
        None => memberships.into_iter().next(),
    };
    let Some((organisation_id, organisation_name, role)) = chosen else {
        record_failure(Some(user_id)).await?;
        // The password was right, so the person may know why: on the platform's host an
        // account without any active membership has been disabled everywhere it belonged.
        // An organisation's own host still answers as for a stranger, so it says nothing
        // about who is a member elsewhere.
        return Err(match only_in {
            None => AppError::validation(
                "email",
                "Your access has been turned off by an admin of your organisation. \
                 Ask them to turn it back on.",
            ),
            Some(_) => wrong(),
        });
    };
    let viewer = Viewer {
        user_id,
        name,
        email: email.as_str().to_string(),
        organisation_id,
        organisation_name,
        role,
        time_zone,
    };
    proceed(ctx, viewer, client).await
}

/// Finishes a sign-in that was waiting for its second factor.
pub async fn complete_second_factor(
    ctx: &AppContext,
    token: &tokens::SecretToken,
    code: &str,
    client: &ClientInfo,
) -> Result<SignedIn, AppError> {
    let (user, org) = second_factor::complete_sign_in(&ctx.db, token, code, client).await?;
    // The membership may have been disabled while the code was on its way.
    let viewer = viewer_in(&ctx.db, user, org)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    start_session(ctx, viewer, client, false).await
}

/// Signs in a user who has just proved who they are another way (accepting an invitation with
/// their password): their second factor, if they use one, is still asked for.
pub async fn sign_in_as(
    ctx: &AppContext,
    user: UserId,
    organisation: OrganisationId,
    client: &ClientInfo,
) -> Result<SignInAttempt, AppError> {
    let viewer = viewer_in(&ctx.db, user, organisation)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    proceed(ctx, viewer, client).await
}

/// After the password: the second factor if the user has one, else a session.
async fn proceed(
    ctx: &AppContext,
    viewer: Viewer,
    client: &ClientInfo,
) -> Result<SignInAttempt, AppError> {
    if let Some(method) = second_factor::method_of(&ctx.db, viewer.user_id).await? {
        let token = second_factor::start_sign_in(&ctx.db, &viewer, method).await?;
        return Ok(SignInAttempt::SecondFactor { token, method });
    }
    Ok(SignInAttempt::SignedIn(
        start_session(ctx, viewer, client, false).await?,
    ))
}

pub(super) async fn start_session(
    ctx: &AppContext,
    viewer: Viewer,
    client: &ClientInfo,
    first: bool,
) -> Result<SignedIn, AppError> {
    let (db, auth) = (&ctx.db, &ctx.auth);
    let new_device = !first && !known_device(db, viewer.user_id, client).await?;
    let refresh_token = sessions::create(
        db.pool(),
        viewer.user_id,
        viewer.organisation_id,
        client,
        auth.session_ttl,
    )
    .await?;
    let access_token = tokens::issue_access(
        &auth.keys,
        viewer.user_id,
        viewer.organisation_id,
        refresh_token.session_id,
        auth.access_ttl,
    )
    .map_err(internal)?;
    record_login(
        db,
        Some(viewer.user_id),
        Some(&Email::try_from(viewer.email.clone()).map_err(internal)?),
        LoginOutcome::Succeeded,
        client,
        new_device,
    )
    .await?;
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    audit::record(
        &mut tx,
        Some(viewer.user_id),
        AuditAction::SessionSignedIn,
        ("session", refresh_token.session_id),
        client,
        serde_json::json!({ "new_device": new_device }),
    )
    .await?;
    if new_device {
        let site = tenancy::site_url(&mut tx, &ctx.public_url, &ctx.base_domain).await?;
        let alert = mail::new_sign_in(
            &viewer.email,
            &viewer.name,
            &describe_device(client.user_agent.as_deref()),
            &client
                .ip
                .map_or_else(|| "an unknown address".into(), |ip| ip.to_string()),
            &crate::model::system::readable_utc(time::OffsetDateTime::now_utc()),
            &format!("{site}/account"),
        );
        outbox::enqueue_email(&mut tx, &alert).await?;
    }
    tx.commit().await?;
    Ok(SignedIn {
        viewer,
        access_token,
        refresh_token,
    })
}

/// Records a user-level security event (not tied to one organisation) in the audit log of
/// every organisation the user is an active member of.
pub async fn audit_everywhere(
    db: &Db,
    user: UserId,
    action: AuditAction,
    client: &ClientInfo,
) -> Result<(), AppError> {
    for (org, _, _) in active_memberships(db, user).await? {
        let mut tx = db.scoped_tx(org).await?;
        audit::record(
            &mut tx,
            Some(user),
            action,
            ("user", user.0),
            client,
            serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
    }
    Ok(())
}

/// The organisations a user may act in, most recently joined first.
pub async fn active_memberships(
    db: &Db,
    user: UserId,
) -> Result<Vec<(OrganisationId, String, Role)>, AppError> {
    let mut tx = db.user_tx(user).await?;
    let rows = sqlx::query!(
        r#"select m.organisation_id, o.name, m.role as "role: Role" from memberships m
             join organisations o on o.id = m.organisation_id
            where m.user_id = $1 and m.status = 'active'
            order by m.created_at desc"#,
        user.0
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|m| (OrganisationId(m.organisation_id), m.name, m.role))
        .collect())
}

/// The viewer behind a principal, or `None` if their membership is no longer active: removing
/// or disabling a member takes effect on their next request.
pub async fn viewer(db: &Db, principal: Principal) -> Result<Option<Viewer>, AppError> {
    viewer_in(db, principal.user_id, principal.organisation_id).await
}

/// A user acting in an organisation, if both they and their membership there are active.
pub async fn viewer_in(
    db: &Db,
    user: UserId,
    organisation: OrganisationId,
) -> Result<Option<Viewer>, AppError> {
    let mut tx = db.scoped_tx(organisation).await?;
    let row = sqlx::query!(
        r#"select u.name, u.email, o.name as organisation_name, m.role as "role: Role",
                  u.time_zone
             from memberships m
             join users u on u.id = m.user_id
             join organisations o on o.id = m.organisation_id
            where m.user_id = $1 and m.status = 'active' and u.status = 'active'"#,
        user.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.map(|v| Viewer {
        user_id: user,
        name: v.name,
        email: v.email,
        organisation_id: organisation,
        organisation_name: v.organisation_name,
        role: v.role,
        time_zone: v.time_zone,
    }))
}

async fn known_device(db: &Db, user: UserId, client: &ClientInfo) -> Result<bool, AppError> {
    Ok(sqlx::query_scalar!(
        r#"select exists (select 1 from login_events
                           where user_id = $1 and outcome = 'succeeded'
                             and ip is not distinct from $2 and user_agent is not distinct from $3)
                  as "known!""#,
        user.0,
        client.ip.map(sessions::ip_network),
        client.user_agent.as_deref(),
    )
    .fetch_one(db.pool())
    .await?)
}

/// Moves a session to another organisation the user belongs to, without signing in again.
/// Returns the new access token. An organisation they do not belong to is not found.
pub async fn switch_organisation(
    db: &Db,
    auth: &AuthSettings,
    principal: Principal,
    to: OrganisationId,
    client: &ClientInfo,
) -> Result<String, AppError> {
    let belongs = active_memberships(db, principal.user_id)
        .await?
        .into_iter()
        .any(|(org, _, _)| org == to);
    if !belongs {
        return Err(AppError::NotFound);
    }
    let moved = sqlx::query!(
        "update sessions set active_organisation_id = $1, last_seen_at = now()
          where id = $2 and user_id = $3 and revoked_at is null",
        to.0,
        principal.session_id,
        principal.user_id.0,
    )
    .execute(db.pool())
    .await?
    .rows_affected();
    if moved == 0 {
        return Err(AppError::Unauthenticated);
    }
    let mut tx = db.scoped_tx(to).await?;
    audit::record(
        &mut tx,
        Some(principal.user_id),
        AuditAction::SessionSwitchedOrganisation,
        ("session", principal.session_id),
        client,
        serde_json::json!({ "from": principal.organisation_id.0 }),
    )
    .await?;
    tx.commit().await?;
    tokens::issue_access(
        &auth.keys,
        principal.user_id,
        to,
        principal.session_id,
        auth.access_ttl,
    )
    .map_err(internal)
}

/// The organisations the viewer can switch between.
pub async fn organisation_choices(
    db: &Db,
    viewer: &Viewer,
) -> Result<Vec<OrganisationChoice>, AppError> {
    Ok(active_memberships(db, viewer.user_id)
        .await?
        .into_iter()
        .map(|(id, name, role)| OrganisationChoice {
            current: id == viewer.organisation_id,
            id,
            name,
            role,
        })
        .collect())
}

struct LoginRow {
    at: time::OffsetDateTime,
    outcome: LoginOutcome,
    user_agent: Option<String>,
    ip: Option<sqlx::types::ipnetwork::IpNetwork>,
    new_device: bool,
}

/// The most recent sign-in attempts on the user's account, newest first.
pub async fn login_activity(
    db: &Db,
    user: UserId,
    limit: i64,
) -> Result<Vec<LoginActivity>, AppError> {
    let rows = sqlx::query_as!(
        LoginRow,
        r#"select created_at as at, outcome as "outcome: LoginOutcome", user_agent, ip, new_device
             from login_events where user_id = $1 order by created_at desc limit $2"#,
        user.0,
        limit
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| LoginActivity {
            at: row.at,
            outcome: row.outcome,
            device: describe_device(row.user_agent.as_deref()),
            ip: row.ip.map(|n| n.ip().to_string()),
            new_device: row.new_device,
        })
        .collect())
}
