//! The outbox and its relay against real PostgreSQL and a real SMTP server: delivered once,
//! nothing for a rollback, retried with backoff, parked when it cannot ever be sent, and the
//! relay's role sees nothing but the outbox.

use crate::common::smtp::MailSink;
use crate::common::{test_config, TestDb};
use app::backend::mail::{self, OutgoingEmail};
use app::backend::{outbox, Db};
use server::relay::Relay;
use sqlx::postgres::PgPool;
use sqlx::{Connection, PgConnection};
use std::time::Duration;

struct Setup {
    db: TestDb,
    app: Db,
    mail: MailSink,
}

async fn setup() -> Setup {
    let db = TestDb::migrated().await;
    let app = Db::from_pool(PgPool::connect_lazy_with(db.app.clone()));
    Setup {
        db,
        app,
        mail: MailSink::start().await,
    }
}

fn relay(s: &Setup) -> Relay {
    let config = test_config(
        &s.db.app_url(),
        &[
            "--smtp-url",
            &s.mail.url(),
            "--worker-database-url",
            &s.db.worker_url(),
        ],
    );
    Relay::from_config(&config)
        .expect("relay config")
        .expect("a mail server is configured")
}

fn message(to: &str, n: usize) -> OutgoingEmail {
    mail::password_changed(to, &format!("Person {n}"), false)
}

async fn enqueue(s: &Setup, email: &OutgoingEmail, commit: bool) {
    #[allow(clippy::disallowed_methods)] // a test, awaited to the end
    let mut tx = s.app.pool().begin().await.unwrap();
    outbox::enqueue_platform_email(&mut tx, email)
        .await
        .unwrap();
    if commit {
        tx.commit().await.unwrap();
    } else {
        tx.rollback().await.unwrap();
    }
}

async fn worker(s: &Setup) -> PgConnection {
    PgConnection::connect(&s.db.worker_url()).await.unwrap()
}

async fn rows(s: &Setup) -> Vec<(String, i32, serde_json::Value)> {
    sqlx::query_as("select status, attempts, payload from outbox order by created_at")
        .fetch_all(&mut worker(s).await)
        .await
        .unwrap()
}

#[tokio::test]
async fn committed_mail_is_delivered_once_with_both_parts_and_its_body_is_then_dropped() {
    let s = setup().await;
    enqueue(&s, &message("ada@example.com", 1), true).await;
    enqueue(&s, &message("rolled-back@example.com", 2), false).await;

    assert_eq!(relay(&s).deliver_due().await.unwrap(), 1);
    let got = s.mail.wait_for("ada@example.com", 1).await;
    assert!(got.raw.contains("multipart/alternative"), "{}", got.raw);
    assert!(got.raw.contains("text/plain") && got.raw.contains("text/html"));
    assert!(got.decoded().contains("Person 1"));
    assert_eq!(got.subject(), "Your Workdesk password was changed");

    // Nothing for the rolled-back change, and nothing sent twice.
    assert_eq!(relay(&s).deliver_due().await.unwrap(), 0);
    assert_eq!(s.mail.all().len(), 1);
    let rows = rows(&s).await;
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("sent", 1));
    assert_eq!(
        rows[0].2,
        serde_json::json!({ "to": "ada@example.com", "subject": "Your Workdesk password was changed" }),
        "a sent row keeps only its envelope"
    );
}

#[tokio::test]
async fn a_refusing_mail_server_is_retried_with_backoff() {
    let s = setup().await;
    s.mail.refuse_next(1);
    enqueue(&s, &message("ada@example.com", 1), true).await;
    relay(&s).deliver_due().await.unwrap();
    let (status, attempts, error, wait): (String, i32, Option<String>, f64) = sqlx::query_as(
        "select status, attempts, last_error, extract(epoch from next_attempt_at - now())::float8 from outbox",
    )
    .fetch_one(&mut worker(&s).await)
    .await
    .unwrap();
    assert_eq!((status.as_str(), attempts), ("pending", 1));
    assert!(error.unwrap_or_default().contains("451"));
    assert!(
        (5.0..=10.5).contains(&wait),
        "first retry after ~10 s, got {wait}"
    );

    // Not due yet: the relay leaves it alone.
    assert_eq!(relay(&s).deliver_due().await.unwrap(), 0);
    sqlx::query("update outbox set next_attempt_at = now()")
        .execute(&mut worker(&s).await)
        .await
        .unwrap();
    assert_eq!(relay(&s).deliver_due().await.unwrap(), 1);
    s.mail.wait_for("ada@example.com", 1).await;
    assert_eq!(rows(&s).await[0].0, "sent");
}

#[tokio::test]
async fn undeliverable_mail_is_parked_as_a_dead_letter() {
    let s = setup().await;
    enqueue(&s, &message("not an address", 1), true).await;
    relay(&s).deliver_due().await.unwrap();
    let rows = rows(&s).await;
    assert_eq!((rows[0].0.as_str(), rows[0].1), ("dead", 1));

    // Temporary failures become dead letters after the last attempt.
    s.mail.refuse_next(usize::MAX);
    enqueue(&s, &message("ada@example.com", 2), true).await;
    for _ in 0..server::relay::MAX_ATTEMPTS {
        sqlx::query("update outbox set next_attempt_at = now() where status = 'pending'")
            .execute(&mut worker(&s).await)
            .await
            .unwrap();
        relay(&s).deliver_due().await.unwrap();
    }
    let rows = self::rows(&s).await;
    assert_eq!(
        (rows[1].0.as_str(), rows[1].1),
        ("dead", server::relay::MAX_ATTEMPTS)
    );
    assert!(s.mail.all().is_empty());
}

#[tokio::test]
async fn two_relays_at_once_send_every_message_exactly_once() {
    let s = setup().await;
    for n in 0..45 {
        enqueue(&s, &message(&format!("p{n}@example.com"), n), true).await;
    }
    let (one, two) = (relay(&s), relay(&s));
    let drain = |r: Relay| async move {
        let mut total = 0;
        loop {
            let n = r.deliver_due().await.unwrap();
            if n == 0 {
                return total;
            }
            total += n;
        }
    };
    let (a, b) = tokio::join!(drain(one), drain(two));
    assert_eq!(a + b, 45);
    let mut to: Vec<String> = s.mail.all().into_iter().flat_map(|m| m.to).collect();
    to.sort();
    to.dedup();
    assert_eq!(to.len(), 45);
    assert_eq!(s.mail.all().len(), 45, "no duplicates");
}

#[tokio::test]
async fn the_running_relay_delivers_what_is_committed_and_stops_when_told() {
    let s = setup().await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(relay(&s).run(stopped));
    enqueue(&s, &message("ada@example.com", 1), true).await;
    s.mail.wait_for("ada@example.com", 1).await;
    enqueue(&s, &message("grace@example.com", 2), true).await;
    s.mail.wait_for("grace@example.com", 1).await;
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), task)
        .await
        .expect("relay stops when told")
        .unwrap();
}

#[tokio::test]
async fn the_relay_role_reads_the_outbox_and_nothing_else() {
    let s = setup().await;
    let mut conn = worker(&s).await;
    for table in [
        "users",
        "organisations",
        "memberships",
        "sessions",
        "audit_log",
    ] {
        let err = sqlx::query(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
            .execute(&mut conn)
            .await
            .expect_err(table);
        assert!(
            err.to_string().contains("permission denied"),
            "{table}: {err}"
        );
    }
    let err = sqlx::query("delete from outbox")
        .execute(&mut conn)
        .await
        .expect_err("no delete");
    assert!(err.to_string().contains("permission denied"), "{err}");
}
