//! Server-side sessions behind the refresh cookie: created at sign-in, rotated on refresh,
//! revoked at sign-out. A replayed old secret means the token was copied: the session dies.

use super::tokens::RefreshToken;
use super::ClientInfo;
use crate::model::identity::{Role, UserId, Viewer};
use crate::model::tenancy::OrganisationId;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

/// A live session as the middleware needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveSession {
    pub id: Uuid,
    pub user_id: UserId,
    pub organisation_id: OrganisationId,
}

#[derive(Debug, PartialEq, Eq)]
pub enum RefreshOutcome {
    Rotated(ActiveSession, RefreshToken),
    /// Unknown, expired or revoked: sign in again.
    Invalid,
    /// The previous secret, moments after rotation: a parallel request of the same browser
    /// lost the race. It gets an access token; the winner's response carries the new secret.
    Raced(ActiveSession),
    /// An already-rotated secret was presented later: revoked to protect the owner.
    Replayed,
}

/// How long after a rotation the previous secret still counts as a race, not a theft.
pub const ROTATION_GRACE_SECS: f64 = 30.0;

pub async fn create(
    pool: &PgPool,
    user: UserId,
    organisation: OrganisationId,
    client: &ClientInfo,
    ttl: Duration,
) -> Result<RefreshToken, sqlx::Error> {
    let token = RefreshToken::generate(Uuid::now_v7());
    sqlx::query!(
        "insert into sessions (id, user_id, active_organisation_id, secret_hash, ip, user_agent, expires_at)
         values ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))",
        token.session_id,
        user.0,
        organisation.0,
        token.secret_hash(),
        client.ip.map(ip_network),
        client.user_agent.as_deref(),
        ttl.as_secs_f64(),
    )
    .execute(pool)
    .await?;
    Ok(token)
}

/// A live session and, when its membership is active, the viewer it acts as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub session: ActiveSession,
    pub viewer: Option<Viewer>,
}

/// The session if it is live and its user is active (`None` once revoked, expired or
/// disabled), with its viewer: one round trip (`session_viewer` in the migrations).
pub async fn live(pool: &PgPool, id: Uuid) -> Result<Option<LiveSession>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select user_id as "user_id!", organisation_id as "organisation_id!", name, email,
                  organisation_name, role as "role: Role", time_zone
             from session_viewer($1)"#,
        id
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| {
        let session = ActiveSession {
            id,
            user_id: UserId(r.user_id),
            organisation_id: OrganisationId(r.organisation_id),
        };
        let viewer = match (r.name, r.email, r.organisation_name, r.role) {
            (Some(name), Some(email), Some(organisation_name), Some(role)) => Some(Viewer {
                user_id: session.user_id,
                name,
                email,
                organisation_id: session.organisation_id,
                organisation_name,
                role,
                time_zone: r.time_zone,
            }),
            _ => None,
        };
        LiveSession { session, viewer }
    }))
}

/// Swaps the session's secret for a new one, atomically: of two concurrent refreshes with the
/// same token, exactly one wins; the loser sees a replay only if its secret is the old one.
pub async fn rotate(
    pool: &PgPool,
    presented: &RefreshToken,
) -> Result<RefreshOutcome, sqlx::Error> {
    let next = RefreshToken::generate(presented.session_id);
    let rotated = sqlx::query!(
        "update sessions s set previous_secret_hash = s.secret_hash, secret_hash = $3, last_seen_at = now()
           from users u
          where s.id = $1 and s.secret_hash = $2 and s.revoked_at is null and s.expires_at > now()
            and u.id = s.user_id and u.status = 'active'
          returning s.user_id, s.active_organisation_id",
        presented.session_id,
        presented.secret_hash(),
        next.secret_hash(),
    )
    .fetch_optional(pool)
    .await?;
    if let Some(s) = rotated {
        let session = ActiveSession {
            id: presented.session_id,
            user_id: UserId(s.user_id),
            organisation_id: OrganisationId(s.active_organisation_id),
        };
        return Ok(RefreshOutcome::Rotated(session, next));
    }
    let raced = sqlx::query!(
        "select s.user_id, s.active_organisation_id from sessions s join users u on u.id = s.user_id
          where s.id = $1 and s.previous_secret_hash = $2 and s.revoked_at is null
            and s.expires_at > now() and u.status = 'active'
            and s.last_seen_at > now() - make_interval(secs => $3)",
        presented.session_id,
        presented.secret_hash(),
        ROTATION_GRACE_SECS,
    )
    .fetch_optional(pool)
    .await?;
    if let Some(s) = raced {
        return Ok(RefreshOutcome::Raced(ActiveSession {
            id: presented.session_id,
            user_id: UserId(s.user_id),
            organisation_id: OrganisationId(s.active_organisation_id),
        }));
    }
    let replayed = sqlx::query!(
        "update sessions set revoked_at = now()
          where id = $1 and previous_secret_hash = $2 and revoked_at is null",
        presented.session_id,
        presented.secret_hash(),
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(if replayed > 0 {
        tracing::warn!(session = %presented.session_id, "refresh token replayed; session revoked");
        RefreshOutcome::Replayed
    } else {
        RefreshOutcome::Invalid
    })
}

pub async fn revoke(pool: &PgPool, user: UserId, id: Uuid) -> Result<bool, sqlx::Error> {
    let n = sqlx::query!(
        "update sessions set revoked_at = now() where id = $1 and user_id = $2 and revoked_at is null",
        id,
        user.0
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(n > 0)
}

pub async fn revoke_all(pool: &PgPool, user: UserId) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "update sessions set revoked_at = now() where user_id = $1 and revoked_at is null",
        user.0
    )
    .execute(pool)
    .await?
    .rows_affected())
}

/// Signs out every device of a user but one (the one asking). Answers how many.
pub async fn revoke_others(pool: &PgPool, user: UserId, keep: Uuid) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "update sessions set revoked_at = now()
          where user_id = $1 and id <> $2 and revoked_at is null",
        user.0,
        keep
    )
    .execute(pool)
    .await?
    .rows_affected())
}

pub(crate) fn ip_network(ip: std::net::IpAddr) -> sqlx::types::ipnetwork::IpNetwork {
    sqlx::types::ipnetwork::IpNetwork::from(ip)
}

/// id, ip, user agent, created, last seen (RFC 3339).
struct SessionRow {
    id: Uuid,
    ip: Option<sqlx::types::ipnetwork::IpNetwork>,
    user_agent: Option<String>,
    created_at: time::OffsetDateTime,
    last_seen_at: time::OffsetDateTime,
}

/// The user's `limit` most recently used live sessions (this one first), and how many they
/// have: a script signing in a thousand times must not make the account page a thousand rows
/// long.
pub async fn list(
    pool: &PgPool,
    user: UserId,
    current: Option<Uuid>,
    limit: i64,
) -> Result<crate::model::identity::SessionList, sqlx::Error> {
    use crate::model::identity::{describe_device, SessionList, SessionSummary};
    let rows = sqlx::query_as!(
        SessionRow,
        "select id, ip, user_agent, created_at, last_seen_at
           from sessions
          where user_id = $1 and revoked_at is null and expires_at > now()
          order by id = $3 desc, last_seen_at desc, id
          limit $2",
        user.0,
        limit,
        current
    )
    .fetch_all(pool)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from sessions
            where user_id = $1 and revoked_at is null and expires_at > now()"#,
        user.0
    )
    .fetch_one(pool)
    .await?;
    let sessions = rows
        .into_iter()
        .map(|r| SessionSummary {
            id: r.id,
            device: describe_device(r.user_agent.as_deref()),
            ip: r.ip.map(|n| n.ip().to_string()),
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            current: Some(r.id) == current,
        })
        .collect();
    Ok(SessionList { sessions, total })
}
