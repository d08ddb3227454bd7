//! The server binary itself: its help, its subcommands and how it stops.

use crate::common::TestDb;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_server");

fn server_cmd(db: &TestDb) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env("DATABASE_URL", db.app_url())
        .env("MIGRATION_DATABASE_URL", db.owner_url())
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info");
    cmd
}

#[test]
fn help_lists_every_setting_with_its_variable() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for var in [
        "LEPTOS_SITE_ADDR",
        "PUBLIC_URL",
        "DATABASE_URL",
        "MIGRATION_DATABASE_URL",
        "DATABASE_MAX_CONNECTIONS",
        "DATABASE_ACQUIRE_TIMEOUT_SECS",
        "LEPTOS_SITE_ROOT",
        "LEPTOS_HASH_FILES",
        "LOG_FORMAT",
        "RUST_LOG",
        "SHUTDOWN_GRACE_SECS",
        "TRUSTED_PROXIES",
        "WORKER_DATABASE_URL",
        "OUTBOX_RELAY",
        "SMTP_URL",
        "MAIL_FROM",
    ] {
        assert!(help.contains(var), "--help should mention {var}");
    }
    for sub in ["serve", "migrate", "seed", "worker"] {
        assert!(help.contains(sub), "--help should list {sub}");
    }
    assert!(
        !help.contains("workdesk@"),
        "secrets in defaults are never printed"
    );
}

#[tokio::test]
async fn migrate_then_seed_twice_is_idempotent() {
    let db = TestDb::empty().await;
    let migrate = server_cmd(&db).arg("migrate").output().unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    // A second migrate finds nothing to do and still succeeds.
    assert!(server_cmd(&db).arg("migrate").status().unwrap().success());

    for _ in 0..2 {
        let seed = server_cmd(&db).arg("seed").output().unwrap();
        assert!(
            seed.status.success(),
            "{}",
            String::from_utf8_lossy(&seed.stderr)
        );
    }
    let mut conn = db.owner_connection().await;
    let orgs: i64 = sqlx::query_scalar("select count(*) from organisations")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let partners: i64 = sqlx::query_scalar("select count(*) from partners")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!((orgs, partners), (3, 1));
    let acme_partner: Option<uuid::Uuid> =
        sqlx::query_scalar("select partner_id from organisations where slug = 'acme'")
            .fetch_one(&mut conn)
            .await
            .unwrap();
    assert!(acme_partner.is_some(), "acme belongs to the demo partner");
    let users: i64 = sqlx::query_scalar("select count(*) from users")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(users, 3, "Ada belongs to two organisations but is one user");
}

#[tokio::test]
async fn migrate_fails_clearly_when_the_database_is_unreachable() {
    let db = TestDb::empty().await;
    let out = Command::new(BIN)
        .arg("migrate")
        .env(
            "MIGRATION_DATABASE_URL",
            db.owner_url().replace(&db.name, "wd_test_missing"),
        )
        .env("LOG_FORMAT", "json")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let log = String::from_utf8_lossy(&out.stdout);
    assert!(
        log.contains("wd_test_missing") && log.contains("does not exist"),
        "{log}"
    );
}

#[tokio::test]
async fn sigterm_stops_the_server_gracefully() {
    let db = TestDb::migrated().await;
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut child = server_cmd(&db)
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", crate::common::site_root())
        .env("SHUTDOWN_GRACE_SECS", "5")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let client = reqwest::Client::new();
    let url = format!("http://127.0.0.1:{port}/healthz");
    let started = Instant::now();
    loop {
        if client
            .get(&url)
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not come up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let stopping = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopping.elapsed() < Duration::from_secs(10),
            "server ignored SIGTERM"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    assert!(
        client.get(&url).send().await.is_err(),
        "nothing listens after shutdown"
    );
}
