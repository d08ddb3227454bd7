//! A person's rights over their own data (GDPR): a copy of everything Workdesk holds that
//! names them, and erasure. Erasing keeps what the organisations' records need (who wrote a
//! comment, who approved what, the audit log's sequence of events) under a pseudonym: the
//! account's name and address are replaced, its secrets, sessions and sign-in history deleted,
//! its memberships ended, and the audit log's entries lose the address and network address
//! while keeping the events. Everything happens in one transaction across all of the person's
//! organisations.

use super::{password, profile, ClientInfo};
use crate::audit;
use crate::db::{Db, TenantTx};
use crate::model::audit::AuditAction;
use crate::model::error::AppError;
use crate::model::identity::{UserId, Viewer};
use crate::model::tenancy::OrganisationId;
use crate::org_data::person_columns;
use serde_json::{json, Map, Value};
use sqlx::AssertSqlSafe;

/// Every organisation the person has a membership in (active, pending or ended), with its name.
async fn organisations(
    db: &Db,
    user: UserId,
) -> Result<Vec<(OrganisationId, String, String, String)>, AppError> {
    let mut tx = db.user_tx(user).await?;
    let rows: Vec<(uuid::Uuid, String, String, String)> = sqlx::query_as(
        "select m.organisation_id, o.name, m.role, m.status
           from memberships m join organisations o on o.id = m.organisation_id
          where m.user_id = $1 order by o.name",
    )
    .bind(user.0)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, role, status)| (OrganisationId(id), name, role, status))
        .collect())
}

/// Everything held about `user`, as one JSON document: the account (no password hash), its
/// sessions and sign-ins, and in each organisation every row that names them.
pub async fn export(db: &Db, user: UserId) -> Result<Value, AppError> {
    let mut tx = db.user_tx(user).await?;
    let account: Value =
        sqlx::query_scalar("select to_jsonb(u) - 'password_hash' from users u where id = $1")
            .bind(user.0)
            .fetch_one(&mut *tx)
            .await?;
    // Hashes of tokens are secrets of the server's, not data about the person.
    let without_hashes = "(select coalesce(jsonb_object_agg(k, v), '{}') from jsonb_each(to_jsonb(r)) e(k, v) where k not like '%hash%')";
    let sessions: Vec<Value> = sqlx::query_scalar(AssertSqlSafe(format!(
        "select {without_hashes} from sessions r where user_id = $1 order by created_at"
    )))
    .bind(user.0)
    .fetch_all(&mut *tx)
    .await?;
    let sign_ins: Vec<Value> = sqlx::query_scalar(
        "select to_jsonb(r) from login_events r where user_id = $1 order by created_at",
    )
    .bind(user.0)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let mut organisations_json = Vec::new();
    for (org, name, role, status) in organisations(db, user).await? {
        let mut tx = db.scoped_tx(org).await?;
        let mut rows = Map::new();
        for (table, column) in person_columns(&mut tx).await? {
            // Names from the catalogue: nothing a user typed.
            let found: Vec<Value> = sqlx::query_scalar(AssertSqlSafe(format!(
                "select {without_hashes} from {table} r where {column} = $1"
            )))
            .bind(user.0)
            .fetch_all(&mut *tx)
            .await?;
            if !found.is_empty() {
                rows.insert(format!("{table}.{column}"), Value::Array(found));
            }
        }
        tx.commit().await?;
        organisations_json.push(json!({
            "organisation_id": org.0, "organisation": name, "role": role, "membership": status,
            "rows": rows,
        }));
    }
    Ok(json!({
        "exported_at": time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default(),
        "account": account,
        "sessions": sessions,
        "sign_ins": sign_ins,
        "organisations": organisations_json,
    }))
}

/// The name and address an erased person's rows show from now on.
pub fn alias(user: UserId) -> (String, String) {
    let id = user.0.simple().to_string();
    (
        format!("Erased person {}", &id[..8]),
        format!("erased-{id}@erased.invalid"),
    )
}

/// Erases the signed-in person after they type their password. Refused while they are the
/// only admin of an organisation: someone must be able to run it afterwards.
pub async fn erase(
    db: &Db,
    viewer: &Viewer,
    current_password: &str,
    client: &ClientInfo,
) -> Result<(), AppError> {
    profile::reconfirm_current_password(db, viewer, current_password, client).await?;
    let user = viewer.user_id;
    let organisations = organisations(db, user).await?;
    for (org, name, role, status) in &organisations {
        if role != "admin" || status != "active" {
            continue;
        }
        let mut tx = db.scoped_tx(*org).await?;
        let others: i64 = sqlx::query_scalar(
            "select count(*) from memberships where role = 'admin' and status = 'active' and user_id <> $1",
        )
        .bind(user.0)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        if others == 0 {
            return Err(AppError::Conflict {
                message: format!(
                    "You are the only admin of {name}. Make someone else an admin first, so the organisation is not left without one."
                ),
            });
        }
    }

    let (alias_name, alias_email) = alias(user);
    let unusable = password::hash(&super::tokens::SecretToken::generate().encode()).await?;
    let mut tx = db.user_tx(user).await?;
    sqlx::query(
        "update users set name = $2, email = $3, password_hash = $4, status = 'disabled', updated_at = now()
          where id = $1",
    )
    .bind(user.0)
    .bind(&alias_name)
    .bind(&alias_email)
    .bind(&unusable)
    .execute(&mut *tx)
    .await?;
    for table in [
        "sessions",
        "totp_secrets",
        "backup_codes",
        "mfa_challenges",
        "password_resets",
        "email_changes",
    ] {
        sqlx::query(AssertSqlSafe(format!(
            "delete from {table} where user_id = $1"
        )))
        .bind(user.0)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("delete from login_events where user_id = $1 or email = $2")
        .bind(user.0)
        .bind(&viewer.email)
        .execute(&mut *tx)
        .await?;

    let mut each = organisations.iter().map(|(org, ..)| *org);
    let Some(first) = each.next() else {
        return Ok(tx.commit().await?);
    };
    let mut tx = TenantTx::enter(tx, first).await?;
    for org in std::iter::once(first).chain(each) {
        if org != tx.organisation() {
            tx = tx.rescope(org).await?;
        }
        sqlx::query("update memberships set status = 'disabled' where user_id = $1")
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("update invitations set email = $2 where email = $1")
            .bind(&viewer.email)
            .bind(&alias_email)
            .execute(&mut *tx)
            .await?;
        sqlx::query("select pseudonymise_audit($1, $2, $3)")
            .bind(user.0)
            .bind(&viewer.email)
            .bind(&alias_email)
            .execute(&mut *tx)
            .await?;
        // Recorded without the address it came from: that would name them again.
        audit::record(
            &mut tx,
            Some(user),
            AuditAction::ProfileErased,
            ("user", user.0),
            &ClientInfo::default(),
            json!({}),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
