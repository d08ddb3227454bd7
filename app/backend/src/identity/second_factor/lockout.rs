//! Wrong second-factor codes counted per account, wherever they are typed: a growing wait,
//! then a lock of the second factor (not the password) with an audit entry and an email.

use super::super::ClientInfo;
use crate::db::TenantTx;
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::UserId;
use crate::model::second_factor::throttle;
use crate::{audit, mail, outbox};
use sqlx::PgConnection;

/// An account's run of wrong second-factor codes, read (and locked) in the checking
/// transaction so two codes sent at once are counted one after the other.
pub(super) struct AccountThrottle {
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
    pub(super) fn wait(&self) -> Option<u32> {
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
pub(super) async fn count_wrong_code(
    tx: &mut TenantTx,
    user: UserId,
    account: &AccountThrottle,
    client: &ClientInfo,
    attempt: Option<i32>,
) -> Result<bool, AppError> {
    let failures = account.failures + 1;
    let locks = failures >= throttle::LOCK_AFTER;
    sqlx::query!(
        "update users set second_factor_failed_at = now(),
                second_factor_failures = case when $2 then 0 else $3 end,
                second_factor_locked_until = case when $2 then now() + make_interval(secs => $4)
                                                  else second_factor_locked_until end
          where id = $1",
        user.0,
        locks,
        failures,
        f64::from(throttle::LOCK_SECS),
    )
    .execute(&mut **tx)
    .await?;
    audit::record(
        tx,
        Some(user),
        AuditAction::SessionSecondFactorFailed,
        ("user", user.0),
        client,
        serde_json::json!({ "attempt": attempt, "in_a_row": failures }),
    )
    .await?;
    if locks {
        audit::record(
            tx,
            Some(user),
            AuditAction::SessionSecondFactorLocked,
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
        outbox::enqueue_email(tx, &notice).await?;
    }
    Ok(locks)
}

pub(super) async fn account_throttle(
    tx: &mut PgConnection,
    user: UserId,
) -> Result<AccountThrottle, AppError> {
    Ok(sqlx::query_as!(
        AccountThrottle,
        r#"select case when second_factor_failed_at > now() - make_interval(secs => $2)
                       then second_factor_failures else 0 end as "failures!",
                  extract(epoch from now() - second_factor_failed_at)::float8 as since_failure,
                  extract(epoch from second_factor_locked_until - now())::float8 as locked_for,
                  email, name
             from users where id = $1 for update"#,
        user.0,
        f64::from(throttle::FORGET_SECS),
    )
    .fetch_one(&mut *tx)
    .await?)
}
