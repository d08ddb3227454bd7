//! Schema migrations (run as the owner) and demo data.

use crate::config::Config;
use app::model::tenancy::OrganisationId;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use uuid::Uuid;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

/// The last migration this build knows: the schema an organisation export describes.
pub fn schema_version() -> i64 {
    MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0)
}

pub async fn migrate(config: &Config) -> Result<(), sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(config.owner_connect_options()?)
        .await?;
    MIGRATOR.run(&pool).await?;
    let applied = MIGRATOR.iter().count();
    tracing::info!(migrations = applied, "database schema is current");
    pool.close().await;
    Ok(())
}

/// What `seed` loaded, for the operator and for tests.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub partners: u64,
    pub organisations: u64,
    pub users: u64,
}

/// The demo accounts' password, printed in the README: demo data is for trying the product.
pub const DEMO_PASSWORD: &str = "workdesk-demo";

/// (email, name, organisation slug, role) of the demo people.
const DEMO_PEOPLE: [(&str, &str, &str, &str); 4] = [
    ("ada@acme.example", "Ada Lovelace", "acme", "admin"),
    ("grace@acme.example", "Grace Hopper", "acme", "staff"),
    ("bob@globex.example", "Bob Page", "globex", "admin"),
    ("ada@acme.example", "Ada Lovelace", "globex", "manager"),
];

/// Loads the demo tenants. Safe to run again: rows are matched on their natural keys.
pub async fn seed(config: &Config) -> Result<SeedReport, sqlx::Error> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(config.app_connect_options()?)
        .await?;
    let report = seed_demo_tenants(&pool).await?;
    pool.close().await;
    Ok(report)
}

async fn seed_demo_tenants(pool: &PgPool) -> Result<SeedReport, sqlx::Error> {
    // A command of its own, never cancelled halfway: the pool's own begin is safe here.
    #[allow(clippy::disallowed_methods)]
    let mut tx = pool.begin().await?;
    let partner_id: Uuid = sqlx::query_scalar(
        "insert into partners (id, name, support_email) values ($1, $2, $3)
         on conflict (support_email) do update set name = excluded.name
         returning id",
    )
    .bind(Uuid::now_v7())
    .bind("Northwind Managed Services")
    .bind("support@northwind.example")
    .fetch_one(&mut *tx)
    .await?;

    let organisations = [
        ("acme", "Acme Facilities", Some(partner_id)),
        ("globex", "Globex Support", Some(partner_id)),
        ("initech", "Initech", None),
    ];
    for (slug, name, partner) in organisations {
        sqlx::query(
            "insert into organisations (id, slug, name, partner_id) values ($1, $2, $3, $4)
             on conflict (slug) do update set name = excluded.name, partner_id = excluded.partner_id",
        )
        .bind(Uuid::now_v7())
        .bind(slug)
        .bind(name)
        .bind(partner)
        .execute(&mut *tx)
        .await?;
    }
    let password_hash = app::backend::identity::password::hash(DEMO_PASSWORD)
        .await
        .map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    for (email, name, _, _) in DEMO_PEOPLE {
        sqlx::query(
            "insert into users (id, email, name, password_hash) values ($1, $2, $3, $4)
             on conflict (email) do update set name = excluded.name",
        )
        .bind(Uuid::now_v7())
        .bind(email)
        .bind(name)
        .bind(&password_hash)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;

    // Memberships and plans are tenant rows: each organisation's in a transaction scoped to it.
    // The demo organisations are paying customers on different plans, so plan limits show
    // (Initech's Starter has no API access); a long-lived demo never lapses out of a trial.
    let db = app::backend::Db::from_pool(pool.clone());
    for (slug, plan) in [
        ("acme", "pro"),
        ("globex", "enterprise"),
        ("initech", "starter"),
    ] {
        let org: Uuid = sqlx::query_scalar("select id from organisations where slug = $1")
            .bind(slug)
            .fetch_one(pool)
            .await?;
        let mut tx = db.scoped_tx(OrganisationId(org)).await?;
        for (email, _, _, role) in DEMO_PEOPLE.iter().filter(|p| p.2 == slug) {
            sqlx::query(
                "insert into memberships (organisation_id, id, user_id, role)
                 select $1, $2, id, $4 from users where email = $3
                 on conflict (organisation_id, user_id) do nothing",
            )
            .bind(org)
            .bind(Uuid::now_v7())
            .bind(email)
            .bind(role)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "insert into subscriptions (organisation_id, plan, status, current_period_end)
             values ($1, $2, 'active', now() + interval '1 month')
             on conflict (organisation_id) do nothing",
        )
        .bind(org)
        .bind(plan)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
    }

    let partners = sqlx::query_scalar::<_, i64>("select count(*) from partners")
        .fetch_one(pool)
        .await?;
    let organisations = sqlx::query_scalar::<_, i64>("select count(*) from organisations")
        .fetch_one(pool)
        .await?;
    let users = sqlx::query_scalar::<_, i64>("select count(*) from users")
        .fetch_one(pool)
        .await?;
    Ok(SeedReport {
        partners: partners as u64,
        organisations: organisations as u64,
        users: users as u64,
    })
}
