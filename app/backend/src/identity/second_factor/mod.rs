//! Second factors: a code by email or from an authenticator app (TOTP, RFC 6238), with single-use
//! backup codes, and the sign-in challenge that waits for one. Wrong codes count per account
//! (`lockout`); turning factors on and off and replacing backup codes is `settings`.

use super::sign_in_limits;
use super::tokens::SecretToken;
use super::ClientInfo;
use crate::db::{Db, TenantTx};
use crate::failure::internal;
use crate::model::error::AppError;
use crate::model::identity::{UserId, Viewer};
use crate::model::second_factor::{throttle, Code, Method, SecondFactorStatus, TotpSetup};
use crate::model::tenancy::OrganisationId;
use crate::{audit, mail, outbox};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::PgConnection;
use std::time::Duration;
use totp_rs::{Algorithm, TOTP};
use uuid::Uuid;

mod lockout;
mod settings;

use lockout::{account_throttle, count_wrong_code};
pub use settings::{
    begin_totp, confirm_email_enrolment, confirm_totp, disable, regenerate_backup_codes,
    send_confirmation_code, start_email_enrolment,
};

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
    let row = sqlx::query!(
        r#"select u.second_factor as "method: Method",
                  (select count(*) from backup_codes b where b.user_id = u.id and b.used_at is null)
                    as "left!"
             from users u where u.id = $1"#,
        user.0
    )
    .fetch_one(db.pool())
    .await?;
    Ok(SecondFactorStatus {
        method: row.method,
        backup_codes_left: row.left as u32,
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
    tx: &mut TenantTx,
    viewer: &Viewer,
    purpose: &str,
    method: Method,
    token: &SecretToken,
    code: Option<&str>,
) -> Result<(), AppError> {
    sqlx::query!(
        "insert into mfa_challenges (id, user_id, enters_organisation_id, token_hash, purpose, method, code_hash, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, now() + make_interval(secs => $8))",
        Uuid::now_v7(),
        viewer.user_id.0,
        viewer.organisation_id.0,
        token.hash(),
        purpose,
        method.as_str(),
        code.map(digest),
        CODE_TTL.as_secs_f64(),
    )
    .execute(&mut **tx)
    .await?;
    if let Some(code) = code {
        let minutes = CODE_TTL.as_secs() / 60;
        let email = mail::sign_in_code(&viewer.email, &viewer.name, code, minutes);
        outbox::enqueue_email(tx, &email).await?;
    }
    Ok(())
}

/// The method a pending sign-in waits for, for the page that asks for the code.
pub async fn pending_method(db: &Db, token: &SecretToken) -> Result<Option<Method>, AppError> {
    let method = sqlx::query_scalar!(
        r#"select method as "method: Method" from mfa_challenges
            where token_hash = $1 and purpose = 'sign_in' and completed_at is null
              and expires_at > now() and attempts < $2"#,
        token.hash(),
        MAX_ATTEMPTS
    )
    .fetch_optional(db.pool())
    .await?;
    Ok(method)
}

fn code_error(message: impl Into<String>) -> AppError {
    AppError::validation("code", message)
}

fn expired() -> AppError {
    code_error("This sign-in has expired or had too many wrong codes. Sign in again.")
}

struct ChallengeRow {
    id: Uuid,
    user_id: Uuid,
    enters_organisation_id: Uuid,
    method: Method,
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
    let mut tx = db.begin().await?;
    let row = sqlx::query_as!(
        ChallengeRow,
        r#"select id, user_id, enters_organisation_id as "enters_organisation_id!",
                  method as "method: Method", code_hash, attempts
             from mfa_challenges
            where token_hash = $1 and purpose = 'sign_in' and completed_at is null and expires_at > now()
            for update"#,
        token.hash()
    )
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
    // The wrong-code count is audited in the organisation being signed in to.
    let mut tx = TenantTx::enter(tx, org).await?;
    let account = account_throttle(&mut tx, user).await?;
    if let Some(retry_after_secs) = account.wait() {
        // Not even checked: a wait or a lock is answered before the code is looked at.
        tx.commit().await?;
        return Err(AppError::RateLimited { retry_after_secs });
    }
    let accepted = match (&code, method) {
        (Code::OneTime(c), Method::Email) => code_hash.as_deref() == Some(&digest(c)[..]),
        (Code::OneTime(c), Method::Totp) => accept_totp(&mut tx, user, c).await?,
        (Code::Backup(c), _) => use_backup_code(&mut tx, user, c).await?,
    };
    if !accepted {
        sqlx::query!(
            "update mfa_challenges set attempts = attempts + 1 where id = $1",
            id
        )
        .execute(&mut *tx)
        .await?;
        if count_wrong_code(&mut tx, user, &account, client, Some(attempts + 1)).await? {
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
    sqlx::query!(
        "update mfa_challenges set completed_at = now() where id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "update users set second_factor_failures = 0, second_factor_failed_at = null where id = $1",
        user.0
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((user, org))
}

async fn accept_totp(tx: &mut PgConnection, user: UserId, code: &str) -> Result<bool, AppError> {
    let row = sqlx::query!(
        "select t.secret, t.last_step, u.email from totp_secrets t join users u on u.id = t.user_id
          where t.user_id = $1 and t.confirmed_at is not null for update of t",
        user.0
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = row else {
        return Ok(false);
    };
    let (secret, last_step, email) = (row.secret, row.last_step, row.email);
    let Some(step) = matching_step(&totp(secret, &email)?, code, last_step) else {
        return Ok(false);
    };
    sqlx::query!(
        "update totp_secrets set last_step = $2 where user_id = $1",
        user.0,
        step
    )
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

async fn use_backup_code(
    tx: &mut PgConnection,
    user: UserId,
    compact: &str,
) -> Result<bool, AppError> {
    let formatted = format!("{}-{}", &compact[..4], &compact[4..]);
    Ok(sqlx::query!(
        "update backup_codes set used_at = now()
          where user_id = $1 and code_hash = $2 and used_at is null",
        user.0,
        digest(&formatted),
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1)
}

/// Replaces the user's backup codes with fresh ones, returned once in plain text.
async fn new_backup_codes(tx: &mut PgConnection, user: UserId) -> Result<Vec<String>, AppError> {
    sqlx::query!("delete from backup_codes where user_id = $1", user.0)
        .execute(&mut *tx)
        .await?;
    let codes: Vec<String> = (0..BACKUP_CODES).map(|_| backup_code()).collect();
    for code in &codes {
        sqlx::query!(
            "insert into backup_codes (user_id, code_hash) values ($1, $2)",
            user.0,
            digest(code),
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(codes)
}

async fn record(
    tx: &mut TenantTx,
    viewer: &Viewer,
    action: crate::model::audit::AuditAction,
    client: &ClientInfo,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        tx,
        Some(viewer.user_id),
        action,
        ("user", viewer.user_id.0),
        client,
        detail,
    )
    .await?;
    Ok(())
}

/// The method the user signs in with, if any.
pub async fn method_of(db: &Db, user: UserId) -> Result<Option<Method>, AppError> {
    let method = sqlx::query_scalar!(
        r#"select second_factor as "method: Method" from users where id = $1"#,
        user.0
    )
    .fetch_optional(db.pool())
    .await?
    .flatten();
    Ok(method)
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
