//! Which organisation a host name belongs to: `{slug}.{base domain}` or a verified custom
//! domain. Organisations are identity rows; domains are tenant rows, readable here only for the
//! one verified hostname being resolved (the `app.host` policy).

use crate::model::tenancy::OrganisationId;
use crate::Db;
use uuid::Uuid;

/// The tenant a request's Host names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostTenant {
    /// The platform's own host: people choose their organisation by signing in.
    Platform,
    Organisation {
        id: OrganisationId,
        slug: String,
        name: String,
    },
}

impl HostTenant {
    pub fn organisation_id(&self) -> Option<OrganisationId> {
        match self {
            Self::Platform => None,
            Self::Organisation { id, .. } => Some(*id),
        }
    }
}

/// Resolves `host` (lower-case, without port). `None`: no organisation answers to it.
pub async fn resolve(
    db: &Db,
    base_domain: &str,
    host: &str,
) -> Result<Option<HostTenant>, sqlx::Error> {
    if host == base_domain || host == "localhost" || host.parse::<std::net::IpAddr>().is_ok() {
        return Ok(Some(HostTenant::Platform));
    }
    struct Row {
        id: Uuid,
        slug: String,
        name: String,
    }
    let row: Option<Row> = match host
        .strip_suffix(base_domain)
        .and_then(|s| s.strip_suffix('.'))
    {
        Some(slug) if !slug.contains('.') => {
            sqlx::query_as!(
                Row,
                "select id, slug, name from organisations where slug = $1",
                slug
            )
            .fetch_optional(db.pool())
            .await?
        }
        _ => {
            let mut tx = db.begin().await?;
            sqlx::query_scalar!("select set_config('app.host', $1, true)", host)
                .fetch_one(&mut *tx)
                .await?;
            let row = sqlx::query_as!(
                Row,
                "select o.id, o.slug, o.name from org_domains d join organisations o on o.id = d.organisation_id
                  where d.hostname = $1 and d.verified_at is not null",
                host
            )
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            row
        }
    };
    Ok(row.map(|Row { id, slug, name }| HostTenant::Organisation {
        id: OrganisationId(id),
        slug,
        name,
    }))
}

/// The address links in email about `tx`'s organisation point at: its verified custom domain,
/// else its `{slug}.{base domain}` (mail that belongs to no organisation links to the
/// platform's public URL). Built from stored
/// data, never from the Host of the request that caused the email, so a forged Host cannot
/// send someone a reset link to an attacker's site. Scheme and port come from the public URL.
pub async fn site_url(
    tx: &mut crate::db::TenantTx,
    public_url: &str,
    base_domain: &str,
) -> Result<String, sqlx::Error> {
    let public_url = public_url.trim_end_matches('/');
    let org = tx.organisation();
    let (scheme, authority) = public_url
        .split_once("://")
        .unwrap_or(("https", public_url));
    let port = authority
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map(|(_, p)| format!(":{p}"))
        .unwrap_or_default();
    // Runs inside the caller's tenant-scoped transaction, so RLS shows only its own domains.
    let custom = sqlx::query_scalar!(
        "select hostname from org_domains
          where organisation_id = $1 and verified_at is not null order by created_at limit 1",
        org.0
    )
    .fetch_optional(&mut **tx)
    .await?;
    let host = match custom {
        Some(h) => h,
        None => {
            let slug = sqlx::query_scalar!("select slug from organisations where id = $1", org.0)
                .fetch_one(&mut **tx)
                .await?;
            format!("{slug}.{base_domain}")
        }
    };
    Ok(format!("{scheme}://{host}{port}"))
}
