//! The append-only audit log: one row per security-relevant or data-changing action, written in
//! the same transaction as the change it records.

use super::identity::ClientInfo;
use crate::db::TenantTx;
use crate::model::audit::{AuditAction, AuditFilter};
use crate::model::identity::UserId;
use crate::model::tenancy::OrganisationId;
use uuid::Uuid;

/// Appends one entry in `tx`'s organisation.
pub async fn record(
    tx: &mut TenantTx,
    actor: Option<UserId>,
    action: AuditAction,
    (target_type, target_id): (&str, Uuid),
    client: &ClientInfo,
    detail: serde_json::Value,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into audit_log (organisation_id, id, actor_user_id, action, target_type, target_id, ip, detail)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        tx.organisation().0,
        Uuid::now_v7(),
        actor.map(|a| a.0),
        action.as_str(),
        target_type,
        target_id,
        client.ip.map(super::identity::sessions::ip_network),
        detail,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

struct EntryRow {
    id: Uuid,
    at: time::OffsetDateTime,
    actor_name: Option<String>,
    actor_email: Option<String>,
    action: String,
    target_type: Option<String>,
    target_id: Option<Uuid>,
    target_name: Option<String>,
    ip: Option<sqlx::types::ipnetwork::IpNetwork>,
    detail: serde_json::Value,
}

/// A page of the organisation's audit log, newest first, narrowed by `filter` and continuing
/// before its `before` (entry ids are UUIDv7, so they sort by time). Days are `zone`'s (the
/// viewer's; UTC when they have none).
pub async fn page(
    db: &super::Db,
    organisation: OrganisationId,
    filter: &AuditFilter,
    zone: Option<&str>,
    limit: i64,
) -> Result<crate::model::audit::AuditPage, sqlx::Error> {
    use crate::model::audit::{AuditEntry, AuditPage};
    let prefixes: Option<Vec<String>> = filter
        .area
        .map(|a| a.prefixes().iter().map(|p| p.to_string()).collect());
    let mut tx = db.scoped_tx(organisation).await?;
    let rows = sqlx::query_as!(
        EntryRow,
        r#"select a.id, a.created_at as at, u.name as "actor_name?", u.email as "actor_email?",
                  a.action, a.target_type, a.target_id, a.ip, a.detail,
                  -- What the target is called now, so the log reads as sentences, not ids.
                  case a.target_type
                      when 'ticket' then (select '#' || t.number || ' ' || t.title from tickets t where t.id = a.target_id)
                      when 'user' then (select tu.name from users tu where tu.id = a.target_id)
                      when 'membership' then (select mu.name from memberships m join users mu on mu.id = m.user_id where m.id = a.target_id)
                      when 'queue' then (select q.name from queues q where q.id = a.target_id)
                      when 'api_token' then (select k.name from api_tokens k where k.id = a.target_id)
                      when 'invitation' then (select i.email from invitations i where i.id = a.target_id)
                  end as "target_name?"
             from audit_log a left join users u on u.id = a.actor_user_id
            where ($1::uuid is null or a.id < $1)
              and ($3::uuid is null or a.actor_user_id = $3)
              and ($4::text[] is null or split_part(a.action, '.', 1) = any($4))
              and ($5::date is null or a.created_at >= ($5::date)::timestamp at time zone $7)
              and ($6::date is null or a.created_at < ($6::date + 1)::timestamp at time zone $7)
            order by a.id desc limit $2"#,
        filter.before,
        limit + 1,
        filter.actor,
        prefixes.as_deref(),
        filter.from,
        filter.to,
        zone.unwrap_or("UTC"),
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let more = rows.len() as i64 > limit;
    let entries: Vec<AuditEntry> = rows
        .into_iter()
        .take(limit as usize)
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at,
            actor: r
                .actor_name
                .zip(r.actor_email)
                .map(|(n, e)| format!("{n} <{e}>")),
            action: {
                if AuditAction::parse(&r.action).is_none() {
                    tracing::error!(action = %r.action, "audit entry with an action this build does not know");
                }
                r.action
            },
            target: r.target_name.or_else(|| {
                r.target_type.map(|t| match r.target_id {
                    Some(id) => format!("{t} {}", &id.simple().to_string()[..8]),
                    None => t,
                })
            }),
            ip: r.ip.map(|n| n.ip().to_string()),
            detail: readable_detail(&r.detail),
        })
        .collect();
    let next = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage { entries, next })
}

/// Every entry `filter` matches as CSV, newest first, sent into `out` a page of a thousand at
/// a time (a big organisation's log is never held at once). Stops early if the download is
/// abandoned.
pub async fn export_csv(
    db: &super::Db,
    organisation: OrganisationId,
    filter: &AuditFilter,
    zone: Option<&str>,
    out: tokio::sync::mpsc::Sender<String>,
) -> Result<(), sqlx::Error> {
    use crate::csv::{instant, line, text};
    let header = [
        "When (UTC)",
        "Who",
        "Action",
        "Target",
        "Details",
        "Address",
    ];
    if out.send(line(header.map(String::from))).await.is_err() {
        return Ok(());
    }
    let mut filter = AuditFilter {
        before: None,
        ..filter.clone()
    };
    loop {
        let page = page(db, organisation, &filter, zone, 1000).await?;
        let mut chunk = String::new();
        for e in &page.entries {
            chunk.push_str(&line([
                instant(e.at),
                text(e.actor.as_deref().unwrap_or("The system")),
                text(&e.action),
                text(e.target.as_deref().unwrap_or("")),
                text(&e.detail),
                text(e.ip.as_deref().unwrap_or("")),
            ]));
        }
        if out.send(chunk).await.is_err() {
            return Ok(());
        }
        match page.next {
            Some(next) => filter.before = Some(next),
            None => return Ok(()),
        }
    }
}

/// The entry's detail as words: `role: staff · email: grace@example.com`, ids left out (the
/// target already names what was acted on).
fn readable_detail(detail: &serde_json::Value) -> String {
    let serde_json::Value::Object(fields) = detail else {
        return detail.to_string();
    };
    fields
        .iter()
        .filter(|(key, _)| !matches!(key.as_str(), "ticket" | "invitation" | "sha256"))
        .map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(s) => s.replace('_', " "),
                serde_json::Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            format!("{}: {value}", key.replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn details_read_as_words_without_ids() {
        let detail = serde_json::json!({
            "from": "manager", "to": "staff", "ticket": "0192", "changes": ["status", "due"],
            "extra_seats": 2
        });
        assert_eq!(
            super::readable_detail(&detail),
            "changes: status, due · extra seats: 2 · from: manager · to: staff"
        );
        assert_eq!(super::readable_detail(&serde_json::json!({})), "");
    }
}
