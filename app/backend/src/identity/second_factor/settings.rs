//! Turning second factors on and off, and replacing backup codes. Turning one on proves the
//! viewer holds it; changing or removing one needs the password and the factor itself.

use super::*;
use crate::model::audit::AuditAction;

/// Emails a code that proves the viewer reads their mailbox before email codes are turned on.
pub async fn start_email_enrolment(db: &Db, viewer: &Viewer) -> Result<(), AppError> {
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let code = six_digits();
    let token = SecretToken::generate();
    insert_challenge(&mut tx, viewer, "enrol", Method::Email, &token, Some(&code)).await?;
    tx.commit().await?;
    Ok(())
}

/// Turns on email codes once the emailed code is confirmed; returns new backup codes.
pub async fn confirm_email_enrolment(
    db: &Db,
    viewer: &Viewer,
    raw_code: &str,
    client: &ClientInfo,
) -> Result<Vec<String>, AppError> {
    let Code::OneTime(code) = Code::parse(raw_code).map_err(code_error)? else {
        return Err(code_error("Enter the 6-digit code from the email."));
    };
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let row = sqlx::query!(
        "select id, code_hash, attempts from mfa_challenges
          where user_id = $1 and purpose = 'enrol' and completed_at is null and expires_at > now()
          order by created_at desc limit 1 for update",
        viewer.user_id.0
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|c| (c.id, c.code_hash, c.attempts));
    let Some((id, Some(hash), _)) = row.filter(|r| r.2 < MAX_ATTEMPTS) else {
        return Err(code_error(
            "That code has expired. Send a new one and try again.",
        ));
    };
    if hash != digest(&code) {
        sqlx::query!(
            "update mfa_challenges set attempts = attempts + 1 where id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Err(code_error("That code isn't right."));
    }
    sqlx::query!(
        "update mfa_challenges set completed_at = now() where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    let codes = turn_on(&mut tx, viewer, Method::Email, client).await?;
    tx.commit().await?;
    Ok(codes)
}

/// The last step of turning a second factor on, once its code checked out: the method, fresh
/// backup codes (returned once) and the audit row, in the caller's transaction.
async fn turn_on(
    tx: &mut TenantTx,
    viewer: &Viewer,
    method: Method,
    client: &ClientInfo,
) -> Result<Vec<String>, AppError> {
    set_method(tx, viewer.user_id, Some(method)).await?;
    let codes = new_backup_codes(tx, viewer.user_id).await?;
    record(
        tx,
        viewer,
        AuditAction::TwoFactorEnabled,
        client,
        serde_json::json!({ "method": method.as_str() }),
    )
    .await?;
    Ok(codes)
}

async fn set_method(
    tx: &mut PgConnection,
    user: UserId,
    method: Option<Method>,
) -> Result<(), AppError> {
    sqlx::query!(
        "update users set second_factor = $2, updated_at = now() where id = $1",
        user.0,
        method.map(Method::as_str),
    )
    .execute(&mut *tx)
    .await?;
    if method != Some(Method::Totp) {
        sqlx::query!("delete from totp_secrets where user_id = $1", user.0)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// A new authenticator secret, unconfirmed until `confirm_totp`. Replaces an earlier
/// unconfirmed one; refused while an app is already in use (turn it off first).
pub async fn begin_totp(db: &Db, viewer: &Viewer) -> Result<TotpSetup, AppError> {
    let mut secret = vec![0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    let replaced = sqlx::query!(
        "insert into totp_secrets (user_id, secret) values ($1, $2)
         on conflict (user_id) do update set secret = excluded.secret, created_at = now(), last_step = 0
           where totp_secrets.confirmed_at is null",
        viewer.user_id.0,
        &secret,
    )
    .execute(db.pool())
    .await?
    .rows_affected();
    if replaced == 0 {
        return Err(AppError::Conflict {
            message: "An authenticator app is already set up. Turn two-step sign-in off first to replace it.".into(),
        });
    }
    let totp = totp(secret, &viewer.email)?;
    let qr = qrcode::QrCode::new(totp.get_url().as_bytes()).map_err(internal)?;
    let svg = qr
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    // Inline in the page: drop the XML prolog, which only a standalone file needs.
    let svg = match svg.find("<svg") {
        Some(i) => svg[i..].to_string(),
        None => svg,
    };
    Ok(TotpSetup {
        secret: totp.get_secret_base32(),
        qr_svg: svg,
    })
}

/// Turns on the authenticator app once a code from it checks out; returns new backup codes.
pub async fn confirm_totp(
    db: &Db,
    viewer: &Viewer,
    raw_code: &str,
    client: &ClientInfo,
) -> Result<Vec<String>, AppError> {
    let Code::OneTime(code) = Code::parse(raw_code).map_err(code_error)? else {
        return Err(code_error("Enter the 6-digit code your app shows."));
    };
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let secret = sqlx::query_scalar!(
        "select secret from totp_secrets where user_id = $1 and confirmed_at is null for update",
        viewer.user_id.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(secret) = secret else {
        return Err(code_error("Start the set-up again: scan a new QR code."));
    };
    let Some(step) = matching_step(&totp(secret, &viewer.email)?, &code, 0) else {
        return Err(code_error(
            "That code isn't right. Check the time on your phone is set automatically.",
        ));
    };
    sqlx::query!(
        "update totp_secrets set confirmed_at = now(), last_step = $2 where user_id = $1",
        viewer.user_id.0,
        step,
    )
    .execute(&mut *tx)
    .await?;
    let codes = turn_on(&mut tx, viewer, Method::Totp, client).await?;
    tx.commit().await?;
    Ok(codes)
}

/// Emails a code that proves the viewer still reads their mailbox, for turning email codes off
/// or replacing backup codes. Someone with an authenticator app uses its code instead.
pub async fn send_confirmation_code(db: &Db, viewer: &Viewer) -> Result<(), AppError> {
    if method_of(db, viewer.user_id).await? != Some(Method::Email) {
        return Err(AppError::Conflict {
            message: "Use the code your authenticator app shows, or a backup code.".into(),
        });
    }
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let token = SecretToken::generate();
    insert_challenge(
        &mut tx,
        viewer,
        "confirm",
        Method::Email,
        &token,
        Some(&six_digits()),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A security change on a second factor needs the password (throttled as sign-in is) and the
/// factor itself: a code from the app, the code just emailed, or a backup code. Wrong codes
/// count towards the account's second-factor lock like wrong codes at sign-in. Returns the
/// transaction the change is made in, with the method in use.
async fn confirm_change(
    db: &Db,
    viewer: &Viewer,
    password_attempt: &str,
    raw_code: &str,
    client: &ClientInfo,
) -> Result<(TenantTx, Method), AppError> {
    sign_in_limits::reconfirm_password(db, viewer, password_attempt, client).await?;
    let Some(method) = method_of(db, viewer.user_id).await? else {
        return Err(AppError::Conflict {
            message: "Two-step sign-in is off, so there is nothing to change.".into(),
        });
    };
    let code = Code::parse(raw_code).map_err(code_error)?;
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let account = account_throttle(&mut tx, viewer.user_id).await?;
    if let Some(retry_after_secs) = account.wait() {
        tx.commit().await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let accepted = match (&code, method) {
        (Code::Backup(c), _) => use_backup_code(&mut tx, viewer.user_id, c).await?,
        (Code::OneTime(c), Method::Totp) => accept_totp(&mut tx, viewer.user_id, c).await?,
        (Code::OneTime(c), Method::Email) => accept_emailed(&mut tx, viewer.user_id, c).await?,
    };
    if accepted {
        return Ok((tx, method));
    }
    let locked = count_wrong_code(&mut tx, viewer.user_id, &account, client, None).await?;
    tx.commit().await?;
    Err(if locked {
        AppError::RateLimited {
            retry_after_secs: throttle::LOCK_SECS,
        }
    } else {
        code_error(match method {
            Method::Totp => {
                "That code isn't right. Enter the code your app shows now, or a backup code."
            }
            Method::Email => {
                "That code isn't right. Use the newest code we emailed you, or a backup code."
            }
        })
    })
}

/// The newest code emailed for confirming a change, used once.
async fn accept_emailed(tx: &mut PgConnection, user: UserId, code: &str) -> Result<bool, AppError> {
    let row = sqlx::query!(
        "select id, code_hash from mfa_challenges
          where user_id = $1 and purpose = 'confirm' and completed_at is null
            and expires_at > now() and attempts < $2
          order by created_at desc limit 1 for update",
        user.0,
        MAX_ATTEMPTS,
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|c| (c.id, c.code_hash));
    let Some((id, hash)) = row else {
        return Ok(false);
    };
    let right = hash.as_deref() == Some(&digest(code)[..]);
    sqlx::query!(
        "update mfa_challenges
            set attempts = attempts + (not $2::boolean)::int,
                completed_at = case when $2 then now() end
          where id = $1",
        id,
        right,
    )
    .execute(&mut *tx)
    .await?;
    Ok(right)
}

/// Replaces the backup codes (after the password and the factor are confirmed); the old ones
/// stop working.
pub async fn regenerate_backup_codes(
    db: &Db,
    viewer: &Viewer,
    password_attempt: &str,
    code: &str,
    client: &ClientInfo,
) -> Result<Vec<String>, AppError> {
    let (mut tx, _) = confirm_change(db, viewer, password_attempt, code, client).await?;
    let codes = new_backup_codes(&mut tx, viewer.user_id).await?;
    record(
        &mut tx,
        viewer,
        AuditAction::TwoFactorBackupCodesReplaced,
        client,
        serde_json::json!({}),
    )
    .await?;
    tx.commit().await?;
    Ok(codes)
}

/// Back to password only (after the password and the factor are confirmed).
pub async fn disable(
    db: &Db,
    viewer: &Viewer,
    password_attempt: &str,
    code: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let (mut tx, method) = confirm_change(db, viewer, password_attempt, code, client).await?;
    set_method(&mut tx, viewer.user_id, None).await?;
    sqlx::query!(
        "delete from backup_codes where user_id = $1",
        viewer.user_id.0
    )
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        viewer,
        AuditAction::TwoFactorDisabled,
        client,
        serde_json::json!({ "method": method.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
