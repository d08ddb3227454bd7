//! Limits on guessing a password: failed attempts per account and per address in a sliding
//! window, shared by sign-in and by every place a signed-in person types their password again
//! (a stolen session cookie must not turn those into an unlimited password oracle).

use super::{password, sessions, ClientInfo};
use crate::db::Db;
use crate::model::error::AppError;
use crate::model::identity::{Email, LoginOutcome, UserId, Viewer};
use std::time::Duration;
use uuid::Uuid;

/// Failed sign-ins allowed per account, and per address, in `THROTTLE_WINDOW`. The window
/// slides, so the owner is never locked out for longer than it.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
pub const MAX_FAILURES_PER_IP: i64 = 20;
pub const THROTTLE_WINDOW: Duration = Duration::from_secs(15 * 60);

/// Seconds until another attempt is allowed, if this account or address has failed too often.
/// A browser that signed in as this account before (its device cookie) is counted apart:
/// only its own failures count against it and the per-address limit does not apply, so
/// someone guessing elsewhere, or behind the same address, cannot lock the owner out.
pub(super) async fn throttled(
    db: &Db,
    email: &Email,
    client: &ClientInfo,
) -> Result<Option<u32>, AppError> {
    let window = THROTTLE_WINDOW.as_secs_f64();
    let trusted = trusted_device(db, email, client).await?;
    let by_account = sqlx::query!(
        r#"select count(*) as "failures!",
                  extract(epoch from min(created_at) + make_interval(secs => $2) - now())::float8
                    as "oldest_left_secs"
             from login_events
            where email = $1 and outcome = 'failed' and created_at > now() - make_interval(secs => $2)
              and trusted_device = $3"#,
        email.as_str(),
        window,
        trusted,
    )
    .fetch_one(db.pool())
    .await?;
    let (by_account, account_oldest) = (by_account.failures, by_account.oldest_left_secs);
    if by_account >= MAX_FAILURES_PER_ACCOUNT {
        return Ok(Some(account_oldest.unwrap_or(window).ceil().max(1.0) as u32));
    }
    if let (Some(ip), false) = (client.ip, trusted) {
        let by_ip = sqlx::query!(
            r#"select count(*) as "failures!",
                      extract(epoch from min(created_at) + make_interval(secs => $2) - now())::float8
                        as "oldest_left_secs"
                 from login_events
                where ip = $1 and outcome = 'failed' and created_at > now() - make_interval(secs => $2)
                  and not trusted_device"#,
            sessions::ip_network(ip),
            window,
        )
        .fetch_one(db.pool())
        .await?;
        let (by_ip, ip_oldest) = (by_ip.failures, by_ip.oldest_left_secs);
        if by_ip >= MAX_FAILURES_PER_IP {
            return Ok(Some(ip_oldest.unwrap_or(window).ceil().max(1.0) as u32));
        }
    }
    Ok(None)
}

/// Whether the client's device cookie names the account `email` belongs to.
async fn trusted_device(db: &Db, email: &Email, client: &ClientInfo) -> Result<bool, AppError> {
    let Some(device_user) = client.known_device else {
        return Ok(false);
    };
    let owner = sqlx::query_scalar!("select id from users where email = $1", email.as_str())
        .fetch_optional(db.pool())
        .await?;
    Ok(owner == Some(device_user.0))
}

pub(super) async fn record_login(
    db: &Db,
    user: Option<UserId>,
    email: Option<&Email>,
    outcome: LoginOutcome,
    client: &ClientInfo,
    new_device: bool,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into login_events (id, user_id, email, outcome, ip, user_agent, new_device, trusted_device)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        Uuid::now_v7(),
        user.map(|u| u.0),
        email.map(Email::as_str),
        outcome.as_str(),
        client.ip.map(sessions::ip_network),
        client.user_agent.as_deref(),
        new_device,
        user.is_some() && user == client.known_device,
    )
    .execute(db.pool())
    .await?;
    Ok(())
}

/// A signed-in person's password typed again before a security change: throttled exactly as
/// sign-in is, and a wrong one counts against sign-in's limits (and shows in their activity).
pub async fn reconfirm_password(
    db: &Db,
    viewer: &Viewer,
    attempt: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let wrong = || AppError::validation("password", "That password isn't right.");
    let email = Email::try_from(viewer.email.clone()).map_err(|_| wrong())?;
    if let Some(retry_after_secs) = throttled(db, &email, client).await? {
        record_login(
            db,
            Some(viewer.user_id),
            Some(&email),
            LoginOutcome::Throttled,
            client,
            false,
        )
        .await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let stored = sqlx::query_scalar!(
        "select password_hash from users where id = $1",
        viewer.user_id.0
    )
    .fetch_optional(db.pool())
    .await?;
    if attempt.len() <= 1024 && password::verify(stored, attempt).await? {
        return Ok(());
    }
    record_login(
        db,
        Some(viewer.user_id),
        Some(&email),
        LoginOutcome::Failed,
        client,
        false,
    )
    .await?;
    Err(wrong())
}

/// Answers that must not tell an existing account from a missing one (a failed sign-in, a
/// reset request) leave no sooner than this after the request began. The work behind them
/// differs by a millisecond or two (a row recorded against the account, a link emailed), which
/// an outside test measured over twenty tries; a floor far above that hides it.
pub const ANSWER_FLOOR: Duration = Duration::from_millis(250);

pub async fn answer_no_sooner_than_floor(started: std::time::Instant) {
    tokio::time::sleep_until((started + ANSWER_FLOOR).into()).await;
}
