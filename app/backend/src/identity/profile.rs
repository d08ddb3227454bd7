//! The signed-in person's own settings: their name, time zone and password, and their other
//! devices. Every change is their own; an admin changes none of it.

use super::{password, sessions, sign_in_limits, ClientInfo, Principal};
use crate::db::Db;
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{display_name, Email, NewPassword, Viewer};
use crate::{mail, outbox};
use tokio::sync::OnceCell;

/// The zones a person may choose: PostgreSQL's time zone database (the one the server formats
/// with), without its aliases and legacy names ("posixrules", "Etc/GMT+5", "US/Eastern"), so
/// the list reads as places. Read once: it changes only with the database's own upgrades.
pub async fn time_zones(db: &Db) -> Result<&'static [String], AppError> {
    static ZONES: OnceCell<Vec<String>> = OnceCell::const_new();
    let zones = ZONES
        .get_or_try_init(|| async {
            sqlx::query_scalar!(
                r#"select name as "name!" from pg_timezone_names
                    where name ~ '^(Africa|America|Antarctica|Asia|Atlantic|Australia|Europe|Indian|Pacific)/'
                       or name = 'UTC'
                    order by name"#
            )
            .fetch_all(db.pool())
            .await
        })
        .await?;
    Ok(zones)
}

/// What the profile form asks for, checked: a display name and a zone from [`time_zones`]
/// (`None`: the browser's own).
pub struct ProfileChange {
    name: String,
    time_zone: Option<String>,
}

impl ProfileChange {
    pub async fn parse(db: &Db, name: &str, time_zone: &str) -> Result<Self, AppError> {
        let name = display_name(name, 100, "your name");
        let time_zone = match time_zone.trim() {
            "" => Ok(None),
            zone if time_zones(db).await?.iter().any(|z| z == zone) => Ok(Some(zone.to_string())),
            _ => Err("Choose a time zone from the list.".to_string()),
        };
        match (name, time_zone) {
            (Ok(name), Ok(time_zone)) => Ok(Self { name, time_zone }),
            (name, time_zone) => Err(AppError::fields(
                [("name", name.err()), ("time_zone", time_zone.err())]
                    .into_iter()
                    .filter_map(|(field, problem)| problem.map(|m| (field, m))),
            )),
        }
    }
}

/// Saves a changed profile. A new name shows in every organisation's audit log, as colleagues
/// will see it there.
pub async fn update(
    db: &Db,
    viewer: &Viewer,
    change: ProfileChange,
    client: &ClientInfo,
) -> Result<(), AppError> {
    let renamed = change.name != viewer.name;
    sqlx::query!(
        "update users set name = $2, time_zone = $3, updated_at = now() where id = $1",
        viewer.user_id.0,
        change.name,
        change.time_zone,
    )
    .execute(db.pool())
    .await?;
    if renamed {
        super::accounts::audit_everywhere(db, viewer.user_id, AuditAction::ProfileRenamed, client)
            .await?;
    }
    Ok(())
}

/// The current password, typed again before a change to the account: checked (and counted) as
/// sign-in checks it, a wrong one reported on the form's `current_password` field.
pub(super) async fn reconfirm_current_password(
    db: &Db,
    viewer: &Viewer,
    current: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    sign_in_limits::reconfirm_password(db, viewer, current, client)
        .await
        .map_err(|e| match e {
            AppError::Validation { .. } => {
                AppError::validation("current_password", "That isn't your current password.")
            }
            other => other,
        })
}

/// Changes the password of a signed-in person who types their current one (throttled and
/// counted as sign-in is). Every other device is signed out, this one stays; the account's
/// address is told; a waiting change of address is cancelled. Answers how many devices were
/// signed out.
pub async fn change_password(
    db: &Db,
    principal: Principal,
    viewer: &Viewer,
    current: &str,
    new: String,
    client: &ClientInfo,
) -> Result<u64, AppError> {
    let email = Email::try_from(viewer.email.clone()).map_err(crate::failure::internal)?;
    let new = NewPassword::parse(new, Some(&email))
        .map_err(|m| AppError::validation("new_password", m))?;
    reconfirm_current_password(db, viewer, current, client).await?;
    if new.expose() == current {
        return Err(AppError::validation(
            "new_password",
            "Choose a password different from the current one.",
        ));
    }
    let hash = password::hash(new.expose()).await?;
    let mut tx = db.begin().await?;
    sqlx::query!(
        "update users set password_hash = $2, updated_at = now() where id = $1",
        viewer.user_id.0,
        &hash
    )
    .execute(&mut *tx)
    .await?;
    super::email_changes::cancel_pending(&mut tx, viewer.user_id).await?;
    // A reset link asked for before is spent: the password it would replace is gone.
    sqlx::query!(
        "update password_resets set used_at = now() where user_id = $1 and used_at is null",
        viewer.user_id.0
    )
    .execute(&mut *tx)
    .await?;
    outbox::enqueue_platform_email(
        &mut tx,
        &mail::password_changed(email.as_str(), &viewer.name, true),
    )
    .await?;
    tx.commit().await?;
    let others = sessions::revoke_others(db.pool(), viewer.user_id, principal.session_id).await?;
    super::accounts::audit_everywhere(db, viewer.user_id, AuditAction::PasswordChanged, client)
        .await?;
    Ok(others)
}
