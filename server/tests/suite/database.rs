//! The database contract: the roles, the tenant-scoping helper and row-level security.

use crate::common::TestDb;
use app::backend::Db;
use app::model::tenancy::OrganisationId;
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

/// Migration 12 moved comment search into the ticket row; comments written before it must
/// still be found, in every organisation.
#[tokio::test]
async fn the_search_document_migration_takes_in_existing_comments() {
    const SEARCH_DOCUMENT: i64 = 20261123000012;
    let db = TestDb::empty().await;
    let owner = PgPoolOptions::new()
        .max_connections(1)
        .connect_with(db.owner.clone())
        .await
        .unwrap();
    let before = sqlx::migrate::Migrator {
        migrations: server::database::MIGRATOR
            .iter()
            .filter(|m| m.version < SEARCH_DOCUMENT)
            .cloned()
            .collect::<Vec<_>>()
            .into(),
        ..sqlx::migrate::Migrator::DEFAULT
    };
    before.run(&owner).await.unwrap();

    let mut conn = db.owner_connection().await;
    let mut tickets = Vec::new();
    for (slug, words) in [("acme", "toner cartridge"), ("globex", "flooded basement")] {
        let org = uuid::Uuid::now_v7();
        let (queue, ticket) = (uuid::Uuid::now_v7(), uuid::Uuid::now_v7());
        sqlx::query("insert into organisations (id, slug, name) values ($1, $2, $2)")
            .bind(org)
            .bind(slug)
            .execute(&mut conn)
            .await
            .unwrap();
        crate::common::scope_connection(&mut conn, org).await;
        sqlx::query("insert into queues (organisation_id, id, name, is_default) values ($1, $2, 'Support', true)")
            .bind(org)
            .bind(queue)
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query("insert into tickets (organisation_id, id, number, queue_id, title) values ($1, $2, 1, $3, 'Help')")
            .bind(org)
            .bind(ticket)
            .bind(queue)
            .execute(&mut conn)
            .await
            .unwrap();
        for body in [words, "thanks"] {
            sqlx::query("insert into comments (organisation_id, id, ticket_id, body) values ($1, $2, $3, $4)")
                .bind(org)
                .bind(uuid::Uuid::now_v7())
                .bind(ticket)
                .bind(body)
                .execute(&mut conn)
                .await
                .unwrap();
        }
        tickets.push((org, words));
    }

    server::database::MIGRATOR.run(&owner).await.unwrap();
    for (org, words) in tickets {
        crate::common::scope_connection(&mut conn, org).await;
        let found: i64 = sqlx::query_scalar(
            "select count(*) from tickets
              where document @@ websearch_to_tsquery('simple', $1 || ' thanks help')",
        )
        .bind(words)
        .fetch_one(&mut conn)
        .await
        .unwrap();
        assert_eq!(found, 1, "{words}");
    }
}

/// A request cancelled while its BEGIN is on the wire (a client hanging up) leaves no
/// transaction open on the connection the next request borrows, which would otherwise run
/// inside it with the cancelled request's tenant still set. The database's answers pass
/// through a proxy that holds them back, so the cancellation lands between BEGIN's sending
/// and its answer every time. (sqlx 0.9 alone gets this case right too; the case it does not,
/// a BEGIN queued but not yet sent when the caller goes, cannot be timed from outside, and
/// `Db::begin_with` rules it out by construction.)
#[tokio::test]
async fn a_begin_cancelled_in_flight_leaves_no_transaction_behind() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    let db = TestDb::migrated().await;
    let upstream = format!("{}:{}", db.app.get_host(), db.app.get_port());
    // Armed, the proxy holds back the database's answers from the moment a BEGIN passes.
    let armed = Arc::new(AtomicBool::new(false));
    let slow = Arc::new(AtomicBool::new(false));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn({
        let (armed, slow) = (armed.clone(), slow.clone());
        async move {
            while let Ok((client, _)) = listener.accept().await {
                let server = tokio::net::TcpStream::connect(&upstream).await.unwrap();
                let (mut client_rx, mut client_tx) = client.into_split();
                let (mut server_rx, mut server_tx) = server.into_split();
                let (armed, slow_up, slow_down) = (armed.clone(), slow.clone(), slow.clone());
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n @ 1..) = client_rx.read(&mut buf).await {
                        let sent = &buf[..n];
                        if armed.load(Ordering::SeqCst) && sent.windows(5).any(|w| w == b"BEGIN") {
                            slow_up.store(true, Ordering::SeqCst);
                        }
                        if server_tx.write_all(sent).await.is_err() {
                            break;
                        }
                    }
                });
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n @ 1..) = server_rx.read(&mut buf).await {
                        if slow_down.load(Ordering::SeqCst) {
                            tokio::time::sleep(Duration::from_millis(300)).await;
                        }
                        if client_tx.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                });
            }
        }
    });
    let options = db.app.clone().host("127.0.0.1").port(port);
    let pool = Db::connect_lazy(options, 1, Duration::from_secs(10));
    let backend = || async {
        let mut conn = pool.pool().acquire().await.unwrap();
        sqlx::query_scalar::<_, i32>("select pg_backend_pid()")
            .fetch_one(&mut *conn)
            .await
            .unwrap()
    };
    let first = backend().await;

    slow.store(true, Ordering::SeqCst);
    let tenant = OrganisationId(uuid::Uuid::now_v7());
    let cancelled = tokio::time::timeout(Duration::from_millis(50), pool.scoped_tx(tenant)).await;
    assert!(
        cancelled.is_err(),
        "BEGIN was answered before the caller gave up"
    );
    slow.store(false, Ordering::SeqCst);

    let mut conn = pool.pool().acquire().await.unwrap();
    let row = sqlx::raw_sql(
        "select transaction_timestamp() <> statement_timestamp(),
                coalesce(current_setting('app.tenant_id', true), ''),
                pg_backend_pid()",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert!(
        !row.get::<bool, _>(0),
        "the next borrower ran inside the cancelled request's transaction"
    );
    assert_eq!(row.get::<String, _>(1), "");
    assert_eq!(
        row.get::<i32, _>(2),
        first,
        "the connection was not lent again"
    );
}
