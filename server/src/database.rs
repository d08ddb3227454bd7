//! Schema migrations (run as the owner) and demo data.

use crate::config::Config;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use uuid::Uuid;

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations");

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
}

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
    tx.commit().await?;

    let partners = sqlx::query_scalar::<_, i64>("select count(*) from partners")
        .fetch_one(pool)
        .await?;
    let organisations = sqlx::query_scalar::<_, i64>("select count(*) from organisations")
        .fetch_one(pool)
        .await?;
    Ok(SeedReport {
        partners: partners as u64,
        organisations: organisations as u64,
    })
}
