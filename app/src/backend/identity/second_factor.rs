//! Second factors: a code by email or from an authenticator app (TOTP, RFC 6238), with single-use
//! backup codes; the sign-in challenge that waits for one; and turning them on and off.

use super::sign_in_limits;
use super::tokens::SecretToken;
use super::ClientInfo;
use crate::backend::db::{scope_to, Db};
use crate::backend::failure::internal;
use crate::backend::{audit, mail, outbox};
use crate::model::error::AppError;
use crate::model::identity::{UserId, Viewer};
use crate::model::second_factor::{throttle, Code, Method, SecondFactorStatus, TotpSetup};
use crate::model::tenancy::OrganisationId;
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Transaction};
use std::time::Duration;
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;

/// How long an emailed code or a pending sign-in lasts, and how many wrong codes it takes.
pub const CODE_TTL: Duration = Duration::from_secs(10 * 60);
pub const MAX_ATTEMPTS: i32 = 5;
pub const BACKUP_CODES: usize = 10;
const ISSUER: &str = "Workdesk";
const STEP_SECS: u64 = 30;

fn digest(s: &str) -> Vec<u8> {
    Sha256::digest(s.as_bytes()).to_vec()
}

fn six_digits() -> String {
    format!("{:06}", rand::rng().random_range(0..1_000_000u32))
}

/// `xxxx-xxxx` from an alphabet without look-alikes (no 0/o, 1/l/i): 40 bits each.
fn backup_code() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let chars: String = (0..Code::BACKUP_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    format!("{}-{}", &chars[..4], &chars[4..])
}

fn totp(secret: Vec<u8>, account: &str) -> Result<TOTP, AppError> {
    TOTP::new(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        secret,
        Some(ISSUER.into()),
        account.to_string(),
    )
    .map_err(|e| internal(format!("totp: {e:?}")))
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

/// The time step a code belongs to, if it is valid within one step of now and newer than the
/// last accepted one (so a code seen over someone's shoulder cannot be used again).
fn matching_step(totp: &TOTP, code: &str, last_step: i64) -> Option<i64> {
    let now = (now_secs() / STEP_SECS) as i64;
    (now - 1..=now + 1)
        .filter(|step| *step > last_step)
        .find(|step| totp.generate(*step as u64 * STEP_SECS) == code)
}

pub async fn status(db: &Db, user: UserId) -> Result<SecondFactorStatus, AppError> {
    let (method, left): (Option<String>, i64) = sqlx::query_as(
        "select u.second_factor,
                (select count(*) from backup_codes b where b.user_id = u.id and b.used_at is null)
           from users u where u.id = $1",
    )
    .bind(user.0)
    .fetch_one(db.pool())
    .await?;
    Ok(SecondFactorStatus {
        method: method.as_deref().and_then(Method::parse),
        backup_codes_left: left as u32,
    })
}

/// Asks for the second factor of a sign-in whose password was right: emails a code if that is
/// the method, and returns the token the browser keeps until the code is entered.
pub async fn start_sign_in(
    db: &Db,
    viewer: &Viewer,
    method: Method,
) -> Result<SecretToken, AppError> {
    let token = SecretToken::generate();
    let mut tx = db.scoped_tx(viewer.organisation_id).await?;
    let code = (method == Method::Email).then(six_digits);
    insert_challenge(&mut tx, viewer, "sign_in", method, &token, code.as_deref()).await?;
    tx.commit().await?;
    Ok(token)
}

async fn insert_challenge(
    tx: &mut Transaction<'static, Postgres>,
    viewer: &Viewer,
    purpose: &str,
    method: Method,
    token: &SecretToken,
    code: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query(
        "insert into mfa_challenges (id, user_id, enters_organisation_id, token_hash, purpose, method, code_hash, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))",
    )
    .bind(Uuid::now_v7())
    .bind(viewer.user_id.0)
    .bind(viewer.organisation_id.0)
    .bind(token.hash())
    .bind(purpose)
    .bind(method.as_str())
    .bind(code.map(digest))
    .bind(CODE_TTL.as_secs_f64())
    .execute(&mut **tx)
    .await?;
    if let Some(code) = code {
        let minutes = CODE_TTL.as_secs() / 60;
        let email = mail::sign_in_code(&viewer.email, &viewer.name, code, minutes);
        outbox::enqueue_email(tx, Some(viewer.organisation_id), &email).await?;
    }
    Ok(())
}

/// The method a pending sign-in waits for, for the page that asks for the code.
pub async fn pending_method(db: &Db, token: &SecretToken) -> Result<Option<Method>, AppError> {
    let method: Option<String> = sqlx::query_scalar(
        "select method from mfa_challenges
          where token_hash = $1 and purpose = 'sign_in' and completed_at is null
            and expires_at > now() and attempts < $2",
    )
    .bind(token.hash())
    .bind(MAX_ATTEMPTS)
    .fetch_optional(db.pool())
    .await?;
    Ok(method.as_deref().and_then(Method::parse))
}

fn code_error(message: impl Into<String>) -> AppError {
    AppError::validation("code", message)
}

fn expired() -> AppError {
    code_error("This sign-in has expired or had too many wrong codes. Sign in again.")
}

#[derive(sqlx::FromRow)]
struct ChallengeRow {
    id: Uuid,
    user_id: Uuid,
    enters_organisation_id: Uuid,
    method: String,
    code_hash: Option<Vec<u8>>,
    attempts: i32,
}

/// Checks the code of a pending sign-in. Right: the user and organisation to start a session
/// for. Wrong: one attempt fewer, and the count is kept even though the call fails.
pub async fn complete_sign_in(
    db: &Db,
    token: &SecretToken,
    raw_code: &str,
    client: &ClientInfo,
) -> Result<(UserId, OrganisationId), AppError> {
    let code = Code::parse(raw_code).map_err(code_error)?;
    let mut tx = db.pool().begin().await?;
    let row: Option<ChallengeRow> = sqlx::query_as(
        "select id, user_id, enters_organisation_id, method, code_hash, attempts from mfa_challenges
          where token_hash = $1 and purpose = 'sign_in' and completed_at is null and expires_at > now()
          for update",
    )
    .bind(token.hash())
    .fetch_optional(&mut *tx)
    .await?;
    let Some(ChallengeRow {
        id,
        user_id: user,
        enters_organisation_id: org,
        method,
        code_hash,
        attempts,
    }) = row
    else {
        return Err(expired());
    };
    if attempts >= MAX_ATTEMPTS {
        return Err(expired());
    }
    let user = UserId(user);
    let org = OrganisationId(org);
    let account = account_throttle(&mut tx, user).await?;
    if let Some(retry_after_secs) = account.wait() {
        // Not even checked: a wait or a lock is answered before the code is looked at.
        tx.commit().await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let accepted = match (&code, Method::parse(&method)) {
        (Code::OneTime(c), Some(Method::Email)) => code_hash.as_deref() == Some(&digest(c)[..]),
        (Code::OneTime(c), Some(Method::Totp)) => accept_totp(&mut tx, user, c).await?,
        (Code::Backup(c), _) => use_backup_code(&mut tx, user, c).await?,
        (_, None) => false,
    };
    if !accepted {
        sqlx::query("update mfa_challenges set attempts = attempts + 1 where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if count_wrong_code(&mut tx, user, org, &account, client, Some(attempts + 1)).await? {
            tx.commit().await?;
            return Err(AppError::RateLimited {
                retry_after_secs: throttle::LOCK_SECS,
            });
        }
        tx.commit().await?;
        let left = MAX_ATTEMPTS - attempts - 1;
        return Err(if left > 0 {
            code_error(format!(
                "That code isn't right. {left} {} left.",
                if left == 1 { "try" } else { "tries" }
            ))
        } else {
            expired()
        });
    }
    sqlx::query("update mfa_challenges set completed_at = now() where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "update users set second_factor_failures = 0, second_factor_failed_at = null where id = $1",
    )
    .bind(user.0)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((user, org))
}

/// An account's run of wrong second-factor codes, read (and locked) in the checking
/// transaction so two codes sent at once are counted one after the other.
struct AccountThrottle {
    failures: i32,
    /// Seconds since the last wrong code.
    since_failure: Option<f64>,
    /// Seconds the lock still holds.
    locked_for: Option<f64>,
    email: String,
    name: String,
}

impl AccountThrottle {
    /// Seconds to wait before a code is checked, if any.
    fn wait(&self) -> Option<u32> {
        if let Some(left) = self.locked_for.filter(|s| *s > 0.0) {
            return Some(left.ceil() as u32);
        }
        let since = self.since_failure?;
        let wait = f64::from(throttle::wait_secs(self.failures)) - since;
        (wait > 0.0).then(|| wait.ceil().max(1.0) as u32)
    }
}

/// Counts a wrong code against the account, wherever it was typed (signing in, or confirming
/// a security change); at the limit locks the second factor, audits it and emails the owner.
/// Returns whether it locked. `attempt` is the sign-in challenge's count, if there is one.
async fn count_wrong_code(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
    org: OrganisationId,
    account: &AccountThrottle,
    client: &ClientInfo,
    attempt: Option<i32>,
) -> Result<bool, AppError> {
    let failures = account.failures + 1;
    let locks = failures >= throttle::LOCK_AFTER;
    sqlx::query(
        "update users set second_factor_failed_at = now(),
                second_factor_failures = case when $2 then 0 else $3 end,
                second_factor_locked_until = case when $2 then now() + make_interval(secs => $4)
                                                  else second_factor_locked_until end
          where id = $1",
    )
    .bind(user.0)
    .bind(locks)
    .bind(failures)
    .bind(f64::from(throttle::LOCK_SECS))
    .execute(&mut **tx)
    .await?;
    scope_to(tx, org).await?;
    audit::record(
        tx,
        org,
        Some(user),
        "session.second_factor_failed",
        ("user", user.0),
        client,
        serde_json::json!({ "attempt": attempt, "in_a_row": failures }),
    )
    .await?;
    if locks {
        audit::record(
            tx,
            org,
            Some(user),
            "session.second_factor_locked",
            ("user", user.0),
            client,
            serde_json::json!({ "wrong_codes": failures, "minutes": throttle::LOCK_SECS / 60 }),
        )
        .await?;
        let notice = mail::second_factor_locked(
            &account.email,
            &account.name,
            failures,
            u64::from(throttle::LOCK_SECS / 60),
        );
        outbox::enqueue_email(tx, Some(org), &notice).await?;
    }
    Ok(locks)
}

async fn account_throttle(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
) -> Result<AccountThrottle, AppError> {
    let (failures, since_failure, locked_for, email, name): (
        i32,
        Option<f64>,
        Option<f64>,
        String,
        String,
    ) = sqlx::query_as(
        "select case when second_factor_failed_at > now() - make_interval(secs => $2)
                         then second_factor_failures else 0 end,
                    extract(epoch from now() - second_factor_failed_at)::float8,
                    extract(epoch from second_factor_locked_until - now())::float8,
                    email, name
               from users where id = $1 for update",
    )
    .bind(user.0)
    .bind(f64::from(throttle::FORGET_SECS))
    .fetch_one(&mut **tx)
    .await?;
    Ok(AccountThrottle {
        failures,
        since_failure,
        locked_for,
        email,
        name,
    })
}

async fn accept_totp(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
    code: &str,
) -> Result<bool, AppError> {
    let row: Option<(Vec<u8>, i64, String)> = sqlx::query_as(
        "select t.secret, t.last_step, u.email from totp_secrets t join users u on u.id = t.user_id
          where t.user_id = $1 and t.confirmed_at is not null for update of t",
    )
    .bind(user.0)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((secret, last_step, email)) = row else {
        return Ok(false);
    };
    let Some(step) = matching_step(&totp(secret, &email)?, code, last_step) else {
        return Ok(false);
    };
    sqlx::query("update totp_secrets set last_step = $2 where user_id = $1")
        .bind(user.0)
        .bind(step)
        .execute(&mut **tx)
        .await?;
    Ok(true)
}

async fn use_backup_code(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
    compact: &str,
) -> Result<bool, AppError> {
    let formatted = format!("{}-{}", &compact[..4], &compact[4..]);
    Ok(sqlx::query(
        "update backup_codes set used_at = now()
          where user_id = $1 and code_hash = $2 and used_at is null",
    )
    .bind(user.0)
    .bind(digest(&formatted))
    .execute(&mut **tx)
    .await?
    .rows_affected()
        == 1)
}

/// Replaces the user's backup codes with fresh ones, returned once in plain text.
async fn new_backup_codes(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
) -> Result<Vec<String>, AppError> {
    sqlx::query("delete from backup_codes where user_id = $1")
        .bind(user.0)
        .execute(&mut **tx)
        .await?;
    let codes: Vec<String> = (0..BACKUP_CODES).map(|_| backup_code()).collect();
    for code in &codes {
        sqlx::query("insert into backup_codes (user_id, code_hash) values ($1, $2)")
            .bind(user.0)
            .bind(digest(code))
            .execute(&mut **tx)
            .await?;
    }
    Ok(codes)
}

async fn record(
    tx: &mut Transaction<'static, Postgres>,
    viewer: &Viewer,
    action: &str,
    client: &ClientInfo,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        tx,
        viewer.organisation_id,
        Some(viewer.user_id),
        action,
        ("user", viewer.user_id.0),
        client,
        detail,
    )
    .await?;
    Ok(())
}

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
    let row: Option<(Uuid, Option<Vec<u8>>, i32)> = sqlx::query_as(
        "select id, code_hash, attempts from mfa_challenges
          where user_id = $1 and purpose = 'enrol' and completed_at is null and expires_at > now()
          order by created_at desc limit 1 for update",
    )
    .bind(viewer.user_id.0)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, Some(hash), _)) = row.filter(|r| r.2 < MAX_ATTEMPTS) else {
        return Err(code_error(
            "That code has expired. Send a new one and try again.",
        ));
    };
    if hash != digest(&code) {
        sqlx::query("update mfa_challenges set attempts = attempts + 1 where id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        return Err(code_error("That code isn't right."));
    }
    sqlx::query("update mfa_challenges set completed_at = now() where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let codes = turn_on(&mut tx, viewer, Method::Email, client).await?;
    tx.commit().await?;
    Ok(codes)
}

/// The last step of turning a second factor on, once its code checked out: the method, fresh
/// backup codes (returned once) and the audit row, in the caller's transaction.
async fn turn_on(
    tx: &mut Transaction<'static, Postgres>,
    viewer: &Viewer,
    method: Method,
    client: &ClientInfo,
) -> Result<Vec<String>, AppError> {
    set_method(tx, viewer.user_id, Some(method)).await?;
    let codes = new_backup_codes(tx, viewer.user_id).await?;
    record(
        tx,
        viewer,
        "two_factor.enabled",
        client,
        serde_json::json!({ "method": method.as_str() }),
    )
    .await?;
    Ok(codes)
}

async fn set_method(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
    method: Option<Method>,
) -> Result<(), AppError> {
    sqlx::query("update users set second_factor = $2, updated_at = now() where id = $1")
        .bind(user.0)
        .bind(method.map(Method::as_str))
        .execute(&mut **tx)
        .await?;
    if method != Some(Method::Totp) {
        sqlx::query("delete from totp_secrets where user_id = $1")
            .bind(user.0)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// A new authenticator secret, unconfirmed until `confirm_totp`. Replaces an earlier
/// unconfirmed one; refused while an app is already in use (turn it off first).
pub async fn begin_totp(db: &Db, viewer: &Viewer) -> Result<TotpSetup, AppError> {
    let mut secret = vec![0u8; 20];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
    let replaced = sqlx::query(
        "insert into totp_secrets (user_id, secret) values ($1, $2)
         on conflict (user_id) do update set secret = excluded.secret, created_at = now(), last_step = 0
           where totp_secrets.confirmed_at is null",
    )
    .bind(viewer.user_id.0)
    .bind(&secret)
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
    let secret: Option<Vec<u8>> = sqlx::query_scalar(
        "select secret from totp_secrets where user_id = $1 and confirmed_at is null for update",
    )
    .bind(viewer.user_id.0)
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
    sqlx::query("update totp_secrets set confirmed_at = now(), last_step = $2 where user_id = $1")
        .bind(viewer.user_id.0)
        .bind(step)
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
) -> Result<(Transaction<'static, Postgres>, Method), AppError> {
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
    let locked = count_wrong_code(
        &mut tx,
        viewer.user_id,
        viewer.organisation_id,
        &account,
        client,
        None,
    )
    .await?;
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
async fn accept_emailed(
    tx: &mut Transaction<'static, Postgres>,
    user: UserId,
    code: &str,
) -> Result<bool, AppError> {
    let row: Option<(Uuid, Option<Vec<u8>>)> = sqlx::query_as(
        "select id, code_hash from mfa_challenges
          where user_id = $1 and purpose = 'confirm' and completed_at is null
            and expires_at > now() and attempts < $2
          order by created_at desc limit 1 for update",
    )
    .bind(user.0)
    .bind(MAX_ATTEMPTS)
    .fetch_optional(&mut **tx)
    .await?;
    let Some((id, hash)) = row else {
        return Ok(false);
    };
    let right = hash.as_deref() == Some(&digest(code)[..]);
    sqlx::query(
        "update mfa_challenges
            set attempts = attempts + (not $2)::int,
                completed_at = case when $2 then now() end
          where id = $1",
    )
    .bind(id)
    .bind(right)
    .execute(&mut **tx)
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
        "two_factor.backup_codes_replaced",
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
    sqlx::query("delete from backup_codes where user_id = $1")
        .bind(viewer.user_id.0)
        .execute(&mut *tx)
        .await?;
    record(
        &mut tx,
        viewer,
        "two_factor.disabled",
        client,
        serde_json::json!({ "method": method.as_str() }),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The method the user signs in with, if any.
pub async fn method_of(db: &Db, user: UserId) -> Result<Option<Method>, AppError> {
    let method: Option<String> =
        sqlx::query_scalar("select second_factor from users where id = $1")
            .bind(user.0)
            .fetch_optional(db.pool())
            .await?
            .flatten();
    Ok(method.as_deref().and_then(Method::parse))
}

/// The code an authenticator app holding `base32_secret` shows `offset_steps` steps from now:
/// what the server's tests type in.
pub fn authenticator_code(base32_secret: &str, offset_steps: i64) -> Option<String> {
    let secret = totp_rs::Secret::Encoded(base32_secret.to_string())
        .to_bytes()
        .ok()?;
    let totp = TOTP::new_unchecked(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECS,
        secret,
        None,
        String::new(),
    );
    let at = now_secs() as i64 + offset_steps * STEP_SECS as i64;
    Some(totp.generate(at.max(0) as u64))
}
