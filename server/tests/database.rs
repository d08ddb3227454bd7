//! The database contract: the roles, the tenant-scoping helper and row-level security.

mod common;

use app::backend::Db;
use app::model::tenancy::OrganisationId;
use common::TestDb;
use sqlx::postgres::PgPoolOptions;
use sqlx::Row;

#[tokio::test]
async fn the_app_role_owns_nothing_and_cannot_bypass_rls() {
    let db = TestDb::migrated().await;
    let mut conn = db.app_connection().await;
    let row = sqlx::query("select rolsuper, rolbypassrls, rolcreaterole, rolcreatedb from pg_roles where rolname = current_user")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    for flag in ["rolsuper", "rolbypassrls", "rolcreaterole", "rolcreatedb"] {
        assert!(!row.get::<bool, _>(flag), "app role must not have {flag}");
    }
    let owned: i64 = sqlx::query_scalar(
        "select count(*) from pg_class c join pg_roles r on r.oid = c.relowner where r.rolname = current_user",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(owned, 0, "app role owns no relations");

    let err = sqlx::query("create table sneaky (id int)")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
    let err = sqlx::query("alter table organisations add column x int")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("must be owner"), "{err}");
}

#[tokio::test]
async fn the_app_role_can_read_and_write_rows() {
    let db = TestDb::migrated().await;
    let mut conn = db.app_connection().await;
    sqlx::query("insert into organisations (id, slug, name) values ($1, 'probe', 'Probe Ltd')")
        .bind(uuid::Uuid::now_v7())
        .execute(&mut conn)
        .await
        .unwrap();
    let n: i64 = sqlx::query_scalar("select count(*) from organisations")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn scoped_tx_sets_the_tenant_for_its_transaction_only() {
    let db = TestDb::migrated().await;
    // One connection, so the second transaction must reuse the first one's session.
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(db.app.clone())
        .await
        .unwrap();
    let db_handle = Db::from_pool(pool.clone());
    let tenant = OrganisationId::generate();

    let mut tx = db_handle.scoped_tx(tenant).await.unwrap();
    let inside: String = sqlx::query_scalar("select current_setting('app.tenant_id', true)")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(inside, tenant.to_string());
    tx.commit().await.unwrap();

    let after: Option<String> =
        sqlx::query_scalar("select nullif(current_setting('app.tenant_id', true), '')")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(
        after, None,
        "the tenant must not outlive its transaction on a pooled connection"
    );

    // A transaction dropped without commit (an early `?` return) leaves nothing behind either.
    {
        let _tx = db_handle
            .scoped_tx(OrganisationId::generate())
            .await
            .unwrap();
    }
    let after_drop: Option<String> =
        sqlx::query_scalar("select nullif(current_setting('app.tenant_id', true), '')")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert_eq!(after_drop, None);
}

/// Invariant 1: every table with an organisation_id column has RLS enabled and forced. New
/// tenant tables join this check by existing; nothing to register.
#[tokio::test]
async fn every_tenant_table_has_row_level_security_enabled_and_forced() {
    let db = TestDb::migrated().await;
    let mut conn = db.owner_connection().await;
    let unprotected: Vec<String> = sqlx::query_scalar(
        "select c.relname::text from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where c.relkind in ('r', 'p') and n.nspname = 'public'
            and exists (select 1 from pg_attribute a
                         where a.attrelid = c.oid and a.attname = 'organisation_id' and not a.attisdropped)
            and not (c.relrowsecurity and c.relforcerowsecurity)
          order by 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(
        unprotected.is_empty(),
        "tenant tables without RLS ENABLE + FORCE: {unprotected:?}"
    );
}

#[tokio::test]
async fn migrations_are_recorded_and_complete() {
    let db = TestDb::migrated().await;
    let mut conn = db.owner_connection().await;
    let applied: i64 = sqlx::query_scalar("select count(*) from _sqlx_migrations where success")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(applied as usize, server::database::MIGRATOR.iter().count());
}
