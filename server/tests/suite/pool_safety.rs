//! Cancellation and pool safety (issue 16): many organisations' requests interleaved over a
//! pool of four connections, a third of the clients hanging up mid-request. No answer may
//! hold another organisation's rows, no write may land in another organisation, and no
//! connection may be left inside a transaction. `./tools/test` runs 2,000 requests;
//! `WORKDESK_POOL_SAFETY_REQUESTS` asks for more (`./tools/chaos` runs 10,000).

use crate::common::{scope_connection, sign_up, TestApp};
use futures::StreamExt;
use rand::Rng;
use std::time::Duration;

const ORGANISATIONS: usize = 20;
const CLIENTS: usize = 24;

struct Tenant {
    organisation: uuid::Uuid,
    token: String,
    /// In every title this organisation writes, and in no other's.
    marker: String,
}

#[derive(Default, Debug)]
struct Tally {
    completed: usize,
    hung_up: usize,
    refused: usize,
}

#[tokio::test]
async fn interleaved_and_cancelled_requests_never_cross_organisations() {
    let requests: usize = std::env::var("WORKDESK_POOL_SAFETY_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2_000);
    let app = TestApp::spawn_with(&[
        "--database-max-connections",
        "4",
        "--database-acquire-timeout-secs",
        "10",
        "--api-requests-per-minute",
        "1000000",
    ])
    .await;
    let mut tenants = Vec::new();
    for i in 0..ORGANISATIONS {
        let email = format!("admin{i}@org{i}.example");
        let jar = sign_up(&app, &format!("Admin {i}"), &email, &format!("Org {i}")).await;
        let viewer = crate::common::json(&app, "/api/auth/viewer", &jar, &[]).await;
        let (token, _) = crate::rest::token(&app, &jar, "Load", "staff").await;
        let marker = format!("marker-{i}-{}", uuid::Uuid::new_v4().simple());
        let first = app
            .client
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "title": format!("{marker} first") }))
            .send()
            .await
            .unwrap();
        assert_eq!(first.status(), 201);
        tenants.push(Tenant {
            organisation: viewer["organisation_id"].as_str().unwrap().parse().unwrap(),
            token,
            marker,
        });
    }

    let tenants = &tenants;
    let app = &app;
    let results = futures::stream::iter(0..requests)
        .map(|n| async move {
            let (who, kind, hang_up) = {
                let mut rng = rand::rng();
                (
                    rng.random_range(0..ORGANISATIONS),
                    rng.random_range(0..4),
                    rng.random_bool(1.0 / 3.0).then(|| rng.random_range(0..40)),
                )
            };
            let t = &tenants[who];
            let request = match kind {
                0 => app.client.get(app.url("/api/v1/tickets")),
                1 => app.client.get(app.url("/api/v1/tickets/1")),
                2 => app.client.get(app.url("/api/v1/queues")),
                _ => app
                    .client
                    .post(app.url("/api/v1/tickets"))
                    .header("Idempotency-Key", format!("load-{n}"))
                    .json(&serde_json::json!({ "title": format!("{} #{n}", t.marker) })),
            }
            .bearer_auth(&t.token);
            let exchange = async {
                let r = request.send().await?;
                let status = r.status().as_u16();
                Ok::<_, reqwest::Error>((status, r.text().await?))
            };
            let answer = match hang_up {
                // The client gives up after up to 40 ms: before, during or after the query, or
                // mid-answer, wherever the server happens to be (some finish in time).
                Some(ms) => match tokio::time::timeout(Duration::from_millis(ms), exchange).await {
                    Ok(answer) => answer,
                    Err(_) => return (who, None),
                },
                None => exchange.await,
            };
            (who, Some(answer))
        })
        .buffer_unordered(CLIENTS)
        .collect::<Vec<_>>()
        .await;

    let mut tally = Tally::default();
    let mut crossed = Vec::new();
    for (who, answer) in results {
        let Some(answer) = answer else {
            tally.hung_up += 1;
            continue;
        };
        let (status, body) = answer.expect("a client that waits gets an answer");
        assert!(status < 500, "{status}: {body}");
        if status >= 400 {
            tally.refused += 1;
        }
        tally.completed += 1;
        for (other, t) in tenants.iter().enumerate() {
            if other != who && body.contains(&t.marker) {
                crossed.push(format!(
                    "organisation {who} saw organisation {other}'s rows"
                ));
            }
        }
    }
    assert!(crossed.is_empty(), "{crossed:#?}");

    // Every organisation's tickets are its own, and each holds its first one.
    let mut db = app.db.owner_connection().await;
    for t in tenants {
        scope_connection(&mut db, t.organisation).await;
        let titles: Vec<String> = sqlx::query_scalar("select title from tickets")
            .fetch_all(&mut db)
            .await
            .unwrap();
        assert!(titles
            .iter()
            .any(|title| title == &format!("{} first", t.marker)));
        assert!(
            titles.iter().all(|title| title.starts_with(&t.marker)),
            "a ticket written into another organisation"
        );
    }

    // No connection is left inside a transaction once the load is over: a cancelled request's
    // transaction is rolled back, not kept open until the connection's next borrower.
    let mut open = 0;
    for _ in 0..50 {
        open = sqlx::query_scalar::<_, i64>(
            "select count(*) from pg_stat_activity
              where datname = current_database() and state like 'idle in transaction%'",
        )
        .fetch_one(&mut db)
        .await
        .unwrap();
        if open == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    println!("pool safety: {requests} requests over 4 connections, {tally:?}, {open} left in a transaction");
    assert_eq!(open, 0, "connections left inside a transaction");
    assert!(tally.completed > 0 && tally.hung_up > 0, "{tally:?}");
}
